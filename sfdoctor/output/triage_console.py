"""The console report of ``triage``: totals, causes, top tables, failures per day, findings.

Everything that came from the file enters rich as plain ``Text`` (never markup), already
redacted by :mod:`sfdoctor.loginhistory.display`.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import zip_longest
from typing import Any, NamedTuple

from sfdoctor.loginhistory.display import human_day
from sfdoctor.loginhistory.summary import Count, Day, TriageSummary
from sfdoctor.models import Finding
from sfdoctor.output.console import (
    STYLE,
    ByWidth,
    Unwrapped,
    action_for,
    answer_line,
    closing_block,
    listing,
    marked,
    para,
    plural,
    to_string,
)
from sfdoctor.status import ExitStatus

BAR_WIDTH = 40
MAX_UNKNOWN = 20
"""Unknown statuses listed in the console (the JSON lists them all)."""
MAX_DAYS = 31
"""More days than this are charted per week."""
MAX_WEEKS = 60
"""Weeks charted at most (more than a year, the longest an export holds); further dates are
counted in one line under the chart (:func:`chart_rows`)."""
_EIGHTHS = " \u258f\u258e\u258d\u258c\u258b\u258a\u2589"
_ROLES = {
    "status": "status",
    "user": "user",
    "source_ip": "source IP",
    "time": "time",
    "application": "application",
}


def _heading(text: str) -> Any:
    from rich.console import Group
    from rich.text import Text

    return Group(Text(""), Text(text, style="bold underline"))


def bar(value: int, peak: int, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of ``value`` against ``peak``, in eighths of a character."""
    if peak <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value * width * 8 / peak))
    return "\u2588" * (eighths // 8) + (_EIGHTHS[eighths % 8] if eighths % 8 else "")


class Chart(NamedTuple):
    """The failures-per-day chart: its unit, its rows, and what it leaves out."""

    unit: str
    """``day`` or ``week``."""
    rows: list[tuple[str, int, str]]
    """(label, failures, top cause), oldest first; undated failures last."""
    left_out: str
    """One line on the dated failures outside the charted weeks, or ``""``."""


def _by_cause(d: Day) -> dict[str, int]:
    return dict(d.causes) if d.causes else {d.top_cause: d.count}


def _top(total: int, by_cause: dict[str, int]) -> str:
    """A chart row's label: its top cause, with its share when others failed too (a bare
    "9 security_token_required" read as nine token failures when four were)."""
    if not by_cause:
        return ""
    cause, n = max(by_cause.items(), key=lambda kv: kv[1])
    return cause if n >= total else f"({n:,} {cause}, {total - n:,} other)"


def chart_rows(days: tuple[Day, ...]) -> Chart:
    """Failures per day with the gaps filled in, or per week when they span more than
    :data:`MAX_DAYS` days. Past :data:`MAX_WEEKS` weeks, the stretch of that many weeks
    with the most failures (the latest on a tie) is charted, and ``left_out`` says how many
    dated failures fall outside it: whatever the dates, at most ``MAX_WEEKS`` rows."""
    dated: dict[date, Day] = {}
    other: list[tuple[str, int, str]] = []
    for d in days:
        try:
            dated[date.fromisoformat(d.day)] = d
        except ValueError:  # "undated", "other": no place on a calendar
            label = "other days" if d.day == "other" else d.day
            other.append((label, d.count, _top(d.count, _by_cause(d))))
    if not dated:
        return Chart("day", other, "")
    first, last = min(dated), max(dated)
    span = (last - first).days + 1
    if span <= MAX_DAYS:
        out = []
        # NOTE: by index, never past ``last``: a day after 9999-12-31 does not exist.
        for i in range(span):
            day = first + timedelta(days=i)
            got = dated.get(day)
            count, top = (got.count, _top(got.count, _by_cause(got))) if got else (0, "")
            out.append((f"{day:%a} {day.day:>2} {day:%b}", count, top))
        return Chart("day", out + other, "")
    weeks: dict[date, dict[str, int]] = {}
    for day, d in dated.items():
        monday = day - timedelta(days=day.weekday())  # 0001-01-01 was a Monday
        week = weeks.setdefault(monday, {})
        for cause, n in _by_cause(d).items():
            week[cause] = week.get(cause, 0) + n
    start, end = _busiest(weeks)
    out = []
    for i in range((end - start).days // 7 + 1):
        monday = start + timedelta(weeks=i)
        w = weeks.get(monday, {})
        top = _top(sum(w.values()), w)
        out.append((f"week of {monday.day:>2} {monday:%b} {monday.year:04d}", sum(w.values()), top))
    outside = [m for m in weeks if not start <= m <= end]
    left_out = ""
    if outside:
        n = sum(sum(weeks[m].values()) for m in outside)
        days_out = [day for day in dated if not start <= day - timedelta(day.weekday()) <= end]
        lo, hi = (human_day(d.isoformat()) for d in (min(days_out), max(days_out)))
        left_out = (
            f"not charted: {plural(n, 'failure')} dated outside these weeks, "
            + (f"on {lo}" if lo == hi else f"from {lo} to {hi}")
            + " (a mistyped year?); --format json lists every day"
        )
    return Chart("week", out + other, left_out)


def _busiest(weeks: dict[date, dict[str, int]]) -> tuple[date, date]:
    """The first and last Monday with failures of the :data:`MAX_WEEKS`-week stretch that
    holds the most failures (the latest such stretch on a tie)."""
    mondays = sorted(weeks)
    counts = [sum(weeks[m].values()) for m in mondays]
    best = (-1, 0, 0)  # (failures, last index, first index)
    i = total = 0
    for j, m in enumerate(mondays):
        total += counts[j]
        while (m - mondays[i]).days >= MAX_WEEKS * 7:
            total -= counts[i]
            i += 1
        if total >= best[0]:
            best = (total, j, i)
    return mondays[best[2]], mondays[best[1]]


def _totals(s: TriageSummary) -> list[Any]:
    from rich.text import Text

    out: list[Any] = [_heading("Totals")]
    share = f" ({s.failures / s.rows:.1%})" if s.rows and s.failures else ""
    line = Text.assemble(
        f"{s.rows:,} {'row' if s.rows == 1 else 'rows'}  \u00b7  ",
        (f"{s.successes:,} successful", "green"),
        "  \u00b7  ",
        (f"{s.failures:,} failed{share}", "red" if s.failures else ""),
        f"  \u00b7  {s.skipped:,} skipped",
    )
    out.append(para(line, 2))
    if s.distinct_users or s.distinct_ips:
        out.append(
            para(
                Text(
                    f"failures from {s.distinct_users:,} "
                    f"{'user' if s.distinct_users == 1 else 'users'} and {s.distinct_ips:,} "
                    f"source {'address' if s.distinct_ips == 1 else 'addresses'}",
                    style="dim",
                ),
                2,
            )
        )
    if s.first:
        out.append(para(Text(f"first failure {s.first}, last {s.last}", style="dim"), 2))
    for r in s.skipped_reasons:
        out.append(para(Text(f"skipped: {r.count:,} \u00d7 {r.value}", style="yellow"), 2))
    return out


def _causes(s: TriageSummary) -> list[Any]:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, header_style="bold", show_edge=False)
    table.add_column("failed", justify="right", no_wrap=True)
    table.add_column("share", justify="right", no_wrap=True, style="dim")
    table.add_column("cause", ratio=2)
    table.add_column("fix", ratio=3)
    for c in s.causes:
        share = f"{c.count / s.failures:.0%}" if s.failures else ""
        kind = "warn" if c.cause == "unknown" else "fail"
        table.add_row(
            Text(f"{c.count:,}", style=STYLE[kind]),
            share,
            Text.assemble(c.title, (f"\n{c.cause}", "dim")),
            Text(c.fix),
        )
    return [_heading("Failures by cause"), para(table, 2)]


def _tops(s: TriageSummary) -> list[Any]:
    from rich.table import Table
    from rich.text import Text

    app = s.columns.get("application", "application")
    out: list[Any] = [_heading(f"Top {s.top} per cause")]
    for c in s.causes:
        if not (c.users or c.source_ips or c.applications):
            continue
        out.append(
            para(Text.assemble((c.title, "bold"), (f"  {c.cause} \u00b7 {c.count:,}", "dim")), 2)
        )
        table = Table(box=None, pad_edge=False, header_style="dim", show_edge=False)
        lists: list[tuple[str, int, tuple[Count, ...]]] = []
        if c.users:
            lists.append(("users", c.distinct_users, c.users))
        if c.source_ips:
            lists.append(("source IPs", c.distinct_ips, c.source_ips))
        if c.applications:
            lists.append((app, c.distinct_applications, c.applications))
        for name, distinct, _ in lists:
            # NOTE: the application column is named by the file's header: a Text, never markup.
            table.add_column(
                Text(f"{name} ({distinct:,})"), overflow="ellipsis", no_wrap=True, ratio=1
            )
            table.add_column("", justify="right", no_wrap=True, style="dim")
        for row in zip_longest(*(items for _, _, items in lists)):
            cells: list[Any] = []
            for item in row:
                cells += [Text(item.value), f"{item.count:,}"] if item else ["", ""]
            table.add_row(*cells)
        out.append(para(ByWidth(table, _tops_stacked(lists)), 4))
    return out


def _tops_stacked(lists: list[tuple[str, int, tuple[Count, ...]]]) -> Any:
    """The per-cause table for a narrow terminal: one list under another, nothing cut (an
    IPv6 address cut to ``2001:db…`` names no address)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts: list[Any] = []
    for name, distinct, items in lists:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(overflow="fold")
        grid.add_column(justify="right", no_wrap=True, style="dim")
        for item in items:
            grid.add_row(Text(item.value), f"{item.count:,}")
        parts += [Text(f"{name} ({distinct:,})", style="dim"), para(grid, 2)]
    return Group(*parts)


def _chart(s: TriageSummary) -> list[Any]:
    from rich.table import Table
    from rich.text import Text

    if not s.per_day:
        return []
    from sfdoctor.output.console import ByWidth

    unit, rows, left_out = chart_rows(s.per_day)
    peak = max((n for _, n, _ in rows), default=0)

    def grid(width: int) -> Table:
        g = Table.grid(padding=(0, 1))
        g.add_column(no_wrap=True, style="dim")
        g.add_column(no_wrap=True, width=width)
        g.add_column(justify="right", no_wrap=True)
        g.add_column(no_wrap=True, style="dim")
        for label, n, top in rows:
            g.add_row(label, Text(bar(n, peak, width=width), style="red"), f"{n:,}", Text(top))
        return g

    # NOTE: the bars give way first: a row's date, count and causes are never cut.
    chart = ByWidth(grid(BAR_WIDTH), ByWidth(grid(BAR_WIDTH // 2), grid(BAR_WIDTH // 4)))
    title = "Failures per day" if unit == "day" else "Failures per week"
    out: list[Any] = [_heading(title), para(chart, 2)]
    if left_out:
        out.append(para(Text(left_out, style="yellow"), 2))
    return out


def _unknown(s: TriageSummary) -> list[Any]:
    from rich.text import Text

    if not s.unknown_statuses:
        return []
    out: list[Any] = [_heading("Statuses sfdoctor does not know")]
    for u in s.unknown_statuses[:MAX_UNKNOWN]:
        out.append(para(Text.assemble((f"{u.count:>9,}  ", "yellow"), u.value), 2))
    rest = s.unknown_statuses[MAX_UNKNOWN:]
    if rest:
        n = sum(u.count for u in rest)
        out.append(
            para(
                Text(
                    f"and {len(rest):,} more ({n:,} rows): every one is listed by --format json",
                    style="dim",
                ),
                2,
            )
        )
    return out


def _finding(f: Finding, n: int, failures: int | None) -> list[Any]:
    from rich.text import Text

    kind = {"error": "fail", "warning": "warn", "info": "info"}[str(f.severity)]
    count = f" \u00b7 {failures:,} failed" if failures else ""
    out: list[Any] = [
        marked(kind, Text.assemble((f.title, "bold"), (f"  {f.cause}{count}", "dim")), n)
    ]
    if f.evidence:
        out.append(listing([Text(line) for line in f.evidence], 3, bullet="\u2022"))
    if f.remediation:
        out.append(para(Text.assemble(("Fix: ", "bold"), f.remediation[0]), 3))
    for step in f.remediation[1:]:
        if step.startswith("Not recommended:"):
            head, _, rest = step.partition(":")
            out.append(para(Text.assemble((head + ":", "yellow"), rest), 3))
    out.append(
        Unwrapped(Text.assemble(("   Every step: ", "dim"), f"sfdoctor explain --cause {f.cause}"))
    )
    return out


def renderables(s: TriageSummary) -> list[Any]:
    """The rich renderables of the whole report (shared with any file exports)."""
    from rich.text import Text

    out: list[Any] = [
        Text.assemble(("sfdoctor triage", "bold"), f"  {s.source}", (f"  ({s.kind.label})", "dim"))
    ]
    cols = ", ".join(f"{_ROLES[r]} '{name}'" for r, name in s.columns.items())
    out.append(para(Text(f"columns: {cols}", style="dim"), 2))  # Text: headers are input
    a = answer(s)
    out.append(answer_line(a.label, a.style, a.headline.split(": ", 1)[0], a.cause, a.action))
    out += _totals(s)
    if s.causes:
        out += _causes(s)
        out += _tops(s)
        out += _chart(s)
        out += _unknown(s)
    if s.findings:
        out.append(_heading("Findings"))
        by_cause = s.by_cause
        for n, f in enumerate(s.findings, 1):
            out += _finding(f, n, by_cause.get(f.cause))
    if s.notes:
        out.append(_heading("Notes"))
        out += [para(Text(f"\u00b7 {note}", style="dim"), 2) for note in s.notes]
    last = Text.assemble((f"{a.label}: ", f"bold {a.style}"), s.summary())
    out += closing_block(a.kind, a.headline, a.cause, a.action, a.where, last)
    return out


class Answer(NamedTuple):
    """What an export comes to, as the header line and the closing block say it."""

    label: str
    """``OK``, ``FAIL`` or ``UNKNOWN``."""
    style: str
    kind: str
    headline: str
    cause: str
    action: str
    where: str


def answer(s: TriageSummary) -> Answer:
    """The answer: the first finding that is not a note, with its one recommended action
    (the HTML summary card names the same, :func:`sfdoctor.output.summary.summarize`)."""
    from sfdoctor.output.banner import Banner
    from sfdoctor.output.summary import summarize
    from sfdoctor.output.triage_json import document

    label, style, kind = {
        ExitStatus.OK: ("OK", "green", "ok"),
        ExitStatus.PROBLEM: ("FAIL", "red", "fail"),
        ExitStatus.INCONCLUSIVE: ("UNKNOWN", "yellow", "warn"),
    }[s.exit_status()]
    card = summarize(document(s), Banner("triage", s.generated_at, s.version))
    headline = card.headline if card is not None else ""
    top = next((f for f in s.findings if str(f.severity) != "info"), None)
    if top is None:
        if s.unknown_statuses:
            action = f"explain one: sfdoctor explain '{s.unknown_statuses[0].value}'"
            return Answer(label, style, kind, headline, "", action, "the statuses above")
        return Answer(label, style, kind, headline, "", "", "")
    failed = s.by_cause.get(top.cause)
    where = [plural(failed, "failed login")] if failed else []
    others = len(s.causes) - 1
    if others > 0:
        where.append(f"{plural(others, 'other cause')} above")
    where.append(f"every step: sfdoctor explain --cause {top.cause}")
    headline = top.title
    # NOTE: the fix the causes table showed for this cause, so the two say the same.
    row = next((c for c in s.causes if c.cause == top.cause and c.fix), None)
    action = row.fix[:1].upper() + row.fix[1:] if row else action_for(top.cause, top.remediation)
    return Answer(label, style, kind, headline, top.cause, action, " \u00b7 ".join(where))


def render(s: TriageSummary, *, color: bool = False, width: int | None = None) -> str:
    """The console text."""
    return to_string(renderables(s), color=color, width=width)
