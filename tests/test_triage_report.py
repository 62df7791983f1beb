"""The pieces of ``triage`` below the command: counting, one-line fixes, the chart."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator

from sfdoctor.diagnosis.knowledge import load
from sfdoctor.loginhistory.fixes import FIXES, fix_line
from sfdoctor.loginhistory.layouts import layout_of
from sfdoctor.loginhistory.summarize import summarize
from sfdoctor.loginhistory.summary import Day
from sfdoctor.loginhistory.tally import MAX_STATUSES, Tally
from sfdoctor.models import Family
from sfdoctor.output.triage_console import bar, chart_rows

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
    unit, rows = chart_rows((Day("2024-11-01", 3, "a"), Day("2024-11-03", 1, "b")))
    assert unit == "day" and [n for _, n, _ in rows] == [3, 0, 1]
    days = tuple(Day(f"2024-{m:02d}-{d:02d}", 1, "a") for m in (10, 11) for d in (1, 15, 28))
    unit, rows = chart_rows(days)
    assert unit == "week" and rows[0][0].startswith("week of 30 Sep")
    assert sum(n for _, n, _ in rows) == 6
