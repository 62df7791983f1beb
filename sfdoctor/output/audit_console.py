"""The console report of ``audit``: the countdown, a table and a recipe per deadline (worst
and soonest first), the top integrations by volume, what is not affected, and a verdict.

The same renderables make the text, HTML and SVG reports (the HTML is what an administrator
forwards). Everything that came from a file enters rich as plain ``Text`` (never markup),
already redacted by :mod:`sfdoctor.loginhistory.display`.
"""

from __future__ import annotations

from typing import Any

from sfdoctor.loginhistory.audit.summary import AuditSummary, Deadline, IntegrationRow
from sfdoctor.loginhistory.display import plural
from sfdoctor.output.console import MARK, STYLE, ByWidth, Unwrapped, listing, para, to_string
from sfdoctor.status import ExitStatus

MAX_IPS_SHOWN = 3


def _heading(text: Any) -> Any:
    from rich.console import Group
    from rich.text import Text

    return Group(Text(""), Text(text, style="bold underline") if isinstance(text, str) else text)


def countdown(days: int) -> str:
    """``82 days left``, ``today``, ``passed 12 days ago``."""
    if days > 0:
        return f"{days:,} {plural(days, 'day')} left"
    if days == 0:
        return "today"
    return f"passed {-days:,} {plural(-days, 'day')} ago"


def _mark(d: Deadline) -> str:
    if not d.integrations:
        return "ok"
    return "fail" if d.days_left < 0 else "warn"


def _sources(s: AuditSummary) -> list[Any]:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, show_header=False, show_edge=False)
    table.add_column(overflow="fold", ratio=2)
    table.add_column(style="dim", ratio=2)
    table.add_column(justify="right", no_wrap=True)
    for src in s.sources:
        if src.problem:
            table.add_row(Text(src.path), Text("not used", style="yellow"), "")
            continue
        rows = f"{src.rows:,} {plural(src.rows, 'row')}"
        if src.skipped:
            rows += f" ({src.skipped:,} skipped)"
        table.add_row(Text(src.path), Text(src.label), rows)
    out: list[Any] = [para(ByWidth(table, _sources_stacked(s)), 2)]
    for src in s.sources:
        if src.problem:
            out.append(para(Text(f"{src.path}: {src.problem}", style="yellow"), 2))
        for why, n in src.skipped_reasons:
            out.append(para(Text(f"{src.path}: skipped {n:,} \u00d7 {why}", style="yellow"), 2))
    return out


def _sources_stacked(s: AuditSummary) -> Any:
    """The files table for a narrow terminal: the path on its own line (folded, never cut)."""
    from rich.console import Group
    from rich.text import Text

    lines: list[Any] = []
    for src in s.sources:
        lines.append(Text(src.path, overflow="fold"))
        if src.problem:
            lines.append(para(Text("not used", style="yellow"), 2))
            continue
        rows = f"{src.rows:,} {plural(src.rows, 'row')}"
        if src.skipped:
            rows += f" ({src.skipped:,} skipped)"
        lines.append(para(Text.assemble((src.label, "dim"), f" \u00b7 {rows}"), 2))
    return Group(*lines)


def _countdown(s: AuditSummary) -> list[Any]:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, header_style="dim", show_edge=False)
    table.add_column("")
    table.add_column("retirement", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("countdown", no_wrap=True)
    table.add_column("integrations", justify="right", no_wrap=True)
    for d in s.deadlines:
        kind = _mark(d)
        table.add_row(
            Text(MARK[kind], style=STYLE[kind]),
            d.name,
            d.when,
            Text(countdown(d.days_left), style="red" if d.days_left < 0 else ""),
            Text(f"{d.integrations:,}" if d.integrations else "none", style=STYLE[kind]),
        )
    return [
        _heading(f"Countdown (as of {s.as_of})"),
        para(ByWidth(table, _countdown_stacked(s)), 2),
    ]


def _countdown_stacked(s: AuditSummary) -> Any:
    """The countdown table for a narrow terminal: a retirement a line, its date under it."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for d in s.deadlines:
        kind = _mark(d)
        hits = f"{d.integrations:,} {plural(d.integrations, 'integration')}"
        grid.add_row(
            Text(MARK[kind], style=STYLE[kind]),
            Text.assemble(
                (d.name, "bold"),
                ": ",
                (hits if d.integrations else "no integration", STYLE[kind]),
                f"\n{d.when}, ",
                (countdown(d.days_left), "red" if d.days_left < 0 else ""),
            ),
        )
    return grid


def _ips(i: IntegrationRow) -> list[str]:
    """The busiest addresses (``+ more`` when there are others)."""
    shown = list(i.source_ips[:MAX_IPS_SHOWN])
    if len(i.source_ips) > MAX_IPS_SHOWN or i.more_ips:
        shown.append("+ more")
    return shown


def _table(rows: list[IntegrationRow], *, retirements: bool = False) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(
        box=None,
        pad_edge=False,
        header_style="bold",
        show_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )
    table.add_column("user \u00b7 application", overflow="fold", ratio=4, min_width=30)
    table.add_column("how", ratio=2, min_width=17)
    table.add_column("API", ratio=1, min_width=4)
    table.add_column("count", justify="right", no_wrap=True)
    table.add_column("last seen", no_wrap=True)
    if retirements:
        table.add_column("hits", ratio=2, min_width=14)
    else:
        table.add_column("source IPs", overflow="ellipsis", no_wrap=True, min_width=15)
    for i in rows:
        # NOTE: every cell that came from a file is a Text: never read as markup.
        cells: list[Any] = [
            Text.assemble(i.user or "(no user column)", (f"\n{i.application or '-'}", "dim")),
            Text.assemble(i.way, (f"\n{i.api_type}", "dim") if i.api_type else ""),
            Text(", ".join(i.api_versions) or "-"),
            Text.assemble(
                f"{i.count:,}",
                (f"\n{_unit(i)}", "dim"),
                (f"\n{i.failures:,} failed", "red" if i.failures else "dim"),
            ),
            Text(i.last_seen or "-"),
        ]
        if retirements:
            cells.append(Text(", ".join(h.name for h in i.retirements) or "none"))
        else:
            cells.append(Text("\n".join(_ips(i)) or "-"))
        table.add_row(*cells)
    return ByWidth(table, _stacked(rows, retirements=retirements))


def _stacked(rows: list[IntegrationRow], *, retirements: bool) -> Any:
    """The integrations table for a narrow terminal: each integration a block of lines."""
    from rich.console import Group
    from rich.text import Text

    blocks: list[Any] = []
    for i in rows:
        how = Text.assemble(
            i.way,
            f" ({i.api_type})" if i.api_type else "",
            f" \u00b7 API {', '.join(i.api_versions)}" if i.api_versions else "",
            f" \u00b7 {i.count:,} {_unit(i)}",
            (f", {i.failures:,} failed", "red") if i.failures else "",
        )
        if retirements:
            names = ", ".join(h.name for h in i.retirements)
            tail = Text.assemble(("hits: ", "dim"), names or ("none", "dim"))
        else:
            tail = Text.assemble(("from: ", "dim"), ", ".join(_ips(i)) or "-")
        last = Text.assemble((f"last seen {i.last_seen or '-'} \u00b7 ", "dim"), tail)
        blocks.append(
            Group(
                Text.assemble(
                    (i.user or "(no user column)", "bold"),
                    (f" \u00b7 {i.application or '-'}", "dim"),
                ),
                para(Group(how, last), 2),
            )
        )
    return Group(*blocks)


def _deadline(s: AuditSummary, d: Deadline) -> list[Any]:
    from rich.text import Text

    hit = [i for i in s.integrations if any(h.id == d.id for h in i.retirements)]
    if not hit:
        return []
    kind = _mark(d)
    out: list[Any] = [
        _heading(
            Text.assemble(
                (f"{MARK[kind]} ", STYLE[kind]),
                (f"{d.name}: {d.when}, {countdown(d.days_left)}", "bold underline"),
            )
        ),
        para(Text(d.title, style="dim"), 2),
        Unwrapped(Text(f"  {d.source}", style="blue")),
        para(_table(hit[: s.top]), 2),
    ]
    if len(hit) > s.top:
        out.append(
            para(Text(f"and {len(hit) - s.top:,} more: every one is in --format json", "dim"), 2)
        )
    now = [i for i in hit if i.failing_now and d.days_left >= 0]
    if now:
        # NOTE: why each one fails already: a retirement that has passed (API 30.0 and older),
        # the org refusing the username-password flow, else SOAP login() called at 65.0 or
        # later, which no version offers.
        passed = sorted({h.name for i in now for h in i.retirements if h.days_left < 0})
        late = any(not i.refused and not any(h.days_left < 0 for h in i.retirements) for i in now)
        why = [*(f"{name}: retired" for name in passed)]
        if any(i.refused for i in now):
            why.append("the org refuses the username-password flow: 'Username-Password Flow "
                       "Disabled'")  # fmt: skip
        if late:
            why.append("SOAP login() at API 65.0 or later")
        out.append(
            para(
                Text(
                    f"{len(now):,} of them {'is' if len(now) == 1 else 'are'} failing now "
                    f"({'; '.join(why)})",
                    style="red",
                ),
                2,
            )
        )
    out.append(para(Text("What to do", style="bold"), 2))
    out.append(listing([Text(step) for step in d.remediation], 2))
    return out


def _not_affected(s: AuditSummary) -> list[Any]:
    from rich.text import Text

    fine = [i for i in s.integrations if not i.retirements]
    lines = []
    if fine:
        ways: dict[str, int] = {}
        for i in fine:
            ways[i.way] = ways.get(i.way, 0) + 1
        shown = ", ".join(f"{n:,} {way}" for way, n in sorted(ways.items(), key=lambda kv: -kv[1]))
        lines.append(f"{len(fine):,} {plural(len(fine), 'integration')}: {shown}")
    if s.interactive_logins:
        lines.append(
            f"{s.interactive_logins:,} interactive {plural(s.interactive_logins, 'login')} "
            f"by {s.interactive_people:,} {plural(s.interactive_people, 'person', 'people')} "
            "(the UI, single sign-on): not integrations"
        )
    if not lines:
        return []
    return [_heading("Not affected")] + [para(Text(f"\u00b7 {line}"), 2) for line in lines]


def renderables(s: AuditSummary) -> list[Any]:
    """The rich renderables of the whole report (shared with the file exports)."""
    from rich.text import Text

    used = [src for src in s.sources if not src.problem]
    out: list[Any] = [
        Text.assemble(
            ("sfdoctor audit", "bold"),
            f"  as of {s.as_of} \u00b7 {len(used):,} {plural(len(used), 'file')} \u00b7 "
            f"{s.rows:,} {plural(s.rows, 'row')}",
        )
    ]
    out += _sources(s)
    out += _countdown(s)
    for d in s.deadlines:
        out += _deadline(s, d)
    if s.integrations:
        n = min(s.top, len(s.integrations))
        out.append(_heading(f"Top {n} {plural(n, 'integration')} by volume"))
        busiest = sorted(s.integrations, key=lambda i: (-i.count, i.user, i.application))
        out.append(para(_table(busiest[: s.top], retirements=True), 2))
    out += _not_affected(s)
    if s.notes:
        out.append(_heading("Notes"))
        out += [para(Text(f"\u00b7 {note}", style="dim"), 2) for note in s.notes]
    status = s.exit_status()
    word, style = ("OK", "green") if status is ExitStatus.OK else ("FAIL", "red")
    out.append(Text(""))
    # NOTE: one line, never wrapped: scripts and people read the verdict from the last line.
    out.append(Unwrapped(Text.assemble((f"{word}: ", f"bold {style}"), s.verdict())))
    return out


def render(s: AuditSummary, *, color: bool = False, width: int | None = None) -> str:
    """The console text."""
    return to_string(renderables(s), color=color, width=width)


def _unit(i: IntegrationRow) -> str:
    """What an integration's count counts, singular for one ("1 login", not "1 logins")."""
    return i.unit.removesuffix("s") if i.count == 1 else i.unit
