"""The pieces of ``triage`` below the command: counting, one-line fixes, the chart."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator

from sfdoctor.diagnosis.knowledge import load
from sfdoctor.loginhistory import tally as tally_module
from sfdoctor.loginhistory.fixes import FIXES, fix_line
from sfdoctor.loginhistory.layouts import layout_of
from sfdoctor.loginhistory.summarize import summarize
from sfdoctor.loginhistory.summary import Day
from sfdoctor.loginhistory.tally import MAX_STATUSES, Tally
from sfdoctor.models import Family
from sfdoctor.output.triage_console import MAX_WEEKS, bar, chart_rows

HEADER = ["Username", "Login Time", "Source IP", "Status", "Application"]


def test_every_fix_names_a_cause_of_the_knowledge_base() -> None:
    kb = load()
    assert set(FIXES) <= set(kb.causes)


def test_every_cause_a_login_history_can_show_has_a_one_line_fix() -> None:
    kb = load()
    shown = {s.cause for s in kb.signatures if s.family in (Family.LOGIN_HISTORY, Family.ELF)} | {
        "unknown"
    }
    assert shown <= set(FIXES)
    for cause in shown:
        assert "\n" not in FIXES[cause] and len(FIXES[cause]) < 200


def test_fix_line_falls_back_to_the_first_step() -> None:
    assert fix_line("tls_unsupported", load()).startswith("Check what the runtime offers")


def _rows(n: int) -> Iterator[list[str]]:
    statuses = ["Success"] * 6 + ["Invalid Password", "Restricted IP", "Password Lockout"]
    for i in range(n):
        yield [
            f"user{i % 50}@acme.com",
            f"2024-11-{1 + i % 28:02d}T{i % 24:02d}:00:00.000Z",
            f"198.18.{i % 7}.{i % 11}",
            statuses[i % len(statuses)],
            "Acme ETL",
        ]


def _peak(n: int) -> int:
    layout = layout_of(HEADER)
    assert layout is not None
    tally = Tally(layout, load())
    tracemalloc.start()
    tally.feed(_rows(n))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert tally.rows == n
    return peak


def test_memory_does_not_grow_with_the_number_of_rows() -> None:
    _peak(100)  # warm up: classify the statuses, fill caches
    small, big = _peak(10_000), _peak(60_000)
    assert big < small * 1.3 + 64_000


def test_counts_add_up() -> None:
    layout = layout_of(HEADER)
    assert layout is not None
    tally = Tally(layout, load())
    tally.feed(_rows(900))
    s = summarize(tally, load(), source="x.csv")
    assert s.rows == 900 and s.successes == 600 and s.failures == 300
    assert s.by_cause == {"invalid_credentials": 100, "ip_restricted": 100, "user_locked_out": 100}


def test_a_wrong_status_column_does_not_grow_without_bound() -> None:
    layout = layout_of(["Status"])
    assert layout is not None
    tally = Tally(layout, load())
    tally.feed([f"Failed: weird {i}"] for i in range(MAX_STATUSES + 500))
    s = summarize(tally, load(), source="x.csv")
    assert len(tally.statuses) == MAX_STATUSES + 1
    assert s.failures == MAX_STATUSES + 500 and s.by_cause == {"unknown": MAX_STATUSES + 500}
    assert any("really the status column" in n for n in s.notes)


def test_bar() -> None:
    assert bar(0, 10) == "" and bar(10, 10, width=4) == "\u2588" * 4
    assert bar(1, 80, width=10) == "\u258f"  # an eighth of a block: small, but visible


def test_chart_fills_gaps_and_goes_weekly_beyond_a_month() -> None:
    unit, rows, left_out = chart_rows((Day("2024-11-01", 3, "a"), Day("2024-11-03", 1, "b")))
    assert unit == "day" and [n for _, n, _ in rows] == [3, 0, 1] and not left_out
    days = tuple(Day(f"2024-{m:02d}-{d:02d}", 1, "a") for m in (10, 11) for d in (1, 15, 28))
    unit, rows, left_out = chart_rows(days)
    assert unit == "week" and rows[0][0].startswith("week of 30 Sep")
    assert sum(n for _, n, _ in rows) == 6 and not left_out


def test_chart_of_dates_centuries_apart_keeps_the_busiest_weeks_and_says_what_it_left() -> None:
    real = tuple(Day(f"2024-{m:02d}-{d:02d}", 2, "a") for m in range(1, 13) for d in (3, 17))
    typos = (Day("0001-01-01", 1, "a"), Day("2204-11-05", 1, "b"), Day("9999-12-31", 1, "a"))
    unit, rows, left_out = chart_rows(typos + real + (Day("undated", 4, "a"),))
    assert unit == "week" and len(rows) <= MAX_WEEKS + 1
    assert rows[0][0] == "week of  1 Jan 2024" and rows[-1] == ("undated", 4, "a")
    assert sum(n for _, n, _ in rows) == 48 + 4
    assert left_out.startswith("not charted: 3 failures dated outside these weeks, from ")
    assert "1 Jan 0001 to 31 Dec 9999" in left_out


def test_chart_at_the_edges_of_the_calendar() -> None:
    unit, rows, _ = chart_rows((Day("9999-12-30", 1, "a"), Day("9999-12-31", 2, "a")))
    assert unit == "day" and [n for _, n, _ in rows] == [1, 2]
    unit, rows, left_out = chart_rows((Day("0001-01-01", 1, "a"), Day("9999-12-31", 2, "a")))
    assert unit == "week" and rows == [("week of 27 Dec 9999", 2, "a")]
    assert "on 1 Jan 0001" in left_out


def test_distinct_keys_stay_at_the_cap_and_the_totals_stay_right(monkeypatch) -> None:
    monkeypatch.setattr(tally_module, "MAX_KEYS", 1000)
    monkeypatch.setattr(tally_module, "MAX_HOURS", 500)
    monkeypatch.setattr(tally_module, "FOLD_CHECK", 64)
    layout = layout_of(HEADER)
    assert layout is not None
    tally = Tally(layout, load())
    heavy = [["heavy@acme.com", "2024-11-03 10:00:00", "198.18.0.1", "Invalid Password", "ETL"]]
    rows = [
        [f"u{i}@acme.com", f"2024-11-03 {i % 24:02d}:00:00", f"10.0.{i >> 8 & 255}.{i & 255}",
         "Invalid Password" if i % 3 else "Restricted IP", f"App {i}"]
        for i in range(5000)
    ] + [[f"u{i}@acme.com", f"{1000 + i}-01-01 00:00:00", "10.9.9.9", "Restricted IP", "x"]
         for i in range(2000)]  # fmt: skip
    tally.feed(rows[:2500] + heavy * 50 + rows[2500:])
    for kind, cap in ((0, 1000), (1, 1000), (2, 1000), (3, 500)):
        assert sum(len(tl.counters[kind]) for tl in tally.statuses.values()) <= cap
    s = summarize(tally, load(), source="x.csv")
    assert s.rows == 7050 and s.failures == 7050
    assert s.by_cause == {"invalid_credentials": 3383, "ip_restricted": 3667}
    assert sum(d.count for d in s.per_day) == 7050
    assert s.users[0] == ("heavy@acme.com", 50)  # the heavy hitter survives the folding
    assert s.distinct_users <= 1000 and any("counted together" in n for n in s.notes)
    assert not any("other" in u.value for u in s.users + s.source_ips + s.applications)


def test_a_chart_row_gives_its_top_cause_its_own_count() -> None:
    """A bare "9 security_token_required" stood for a day with 4 token failures of 9."""
    causes = (("security_token_required", 4), ("invalid_credentials", 4), ("user_locked_out", 1))
    day = Day("2024-11-06", 9, "security_token_required", causes)
    only = Day("2024-11-07", 2, "invalid_credentials", (("invalid_credentials", 2),))
    _, rows, _ = chart_rows((day, only))
    assert rows[0] == ("Wed  6 Nov", 9, "(4 security_token_required, 5 other)")
    assert rows[1] == ("Thu  7 Nov", 2, "invalid_credentials")
    # per week, the causes of every day are added up, not each day's top cause alone
    far = Day("2024-12-30", 1, "invalid_credentials", (("invalid_credentials", 1),))
    _, rows, _ = chart_rows((day, only, far))
    assert rows[0] == ("week of  4 Nov 2024", 11, "(6 invalid_credentials, 5 other)")


def test_the_chart_keeps_dates_counts_and_causes_whole_at_80_columns(run, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = run("triage", "docs/samples/LoginHistory.csv").out
    chart = out[out.index("Failures per day") :].split("\n\n")[0]
    assert "\u2026" not in chart and "Wed  6 Nov" in chart
    assert "9 (4 security_token_required, 5 other)" in chart
