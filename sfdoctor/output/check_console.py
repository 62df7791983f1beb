"""The console report of ``check``: the answer, a section per stage, findings, the answer again.

Two sizes. By default (``details=False``) a report fits one 100 x 40 screen: each finding
shows its title, its evidence line and its first step, the candidates by id, and the
deprecation radar one line per item. ``details=True`` (``--details``, and every report file)
adds every step, the Login History status that confirms each candidate, the references, and
the radar's notes with their recipes. Either way the report ends with the closing block (the
verdict, the cause, the one recommended action, where the details are), and a report that is
printed whole (not streamed to a terminal) says the same in one line under its heading.

Server text enters rich only as plain ``Text`` (never markup). The same renderables feed the
text/HTML/SVG report files.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sfdoctor.models import Finding, Mark, Report, Severity, Verdict, confirm_label
from sfdoctor.output.console import (
    MARK,
    STYLE,
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

_MARKS = {Mark.OK: "ok", Mark.WARN: "warn", Mark.FAIL: "fail", Mark.INFO: "info", Mark.SKIP: "info"}
_STAGES = {
    "configuration": "Configuration",
    "login": "Login",
    "network": "Network",
    "trust": "Trusted network",
    "session": "Session",
    "ground truth": "Ground truth (Login History)",
    "radar": "Deprecation radar",
}
_VERDICT = {
    Verdict.OK: ("ok", "green"),
    Verdict.WARN: ("warn", "yellow"),
    Verdict.FAIL: ("fail", "red"),
}
_AMBIGUOUS = "ambiguous_auth_failure"
RULES_OUT = "rules out: "
CONFIRMED = "confirmed by Login History"


def radar_notes(report: Report) -> frozenset[str]:
    """The causes of the deprecation radar's notes: info findings about a flow that works
    today, whose ``cause`` is the knowledge-base entry for the day it stops working."""
    return frozenset(c.cause for c in report.checks if c.stage == "radar" and c.mark is Mark.INFO)


def _is_note(f: Finding, notes: frozenset[str]) -> bool:
    return f.severity is Severity.INFO and f.cause in notes


def _candidates_heading(f: Finding) -> str:
    # Candidates that include the finding's own cause are the answer, ranked; others are
    # what the cause could also be.
    if f.cause == _AMBIGUOUS or f.cause in (c[0] for c in f.candidates):
        return "Candidates, most likely first:"
    return "Could also be, most likely first:"


def _others(f: Finding) -> int:
    """The candidates besides the finding's own cause."""
    return sum(1 for c in f.candidates if c[0] != f.cause)


# The other login's outcome, as the differential words it: with the first line, it is why
# the answer is what it is ("password alone accepted" makes a stale token certain).
_OTHER_ATTEMPT = ("login without token: ", "password alone")


def _records(evidence: tuple[str, ...]) -> list[str]:
    """Of the evidence after the first line: the other login's outcome, the first Login
    History confirmation (unless the first line is one) and the candidates it rules out
    (``check --admin-org``)."""
    attempt = [e for e in evidence[1:] if e.startswith(_OTHER_ATTEMPT)][:1]
    confirmed = [e for e in evidence[1:] if CONFIRMED in e]
    out = confirmed[:1] if evidence and CONFIRMED not in evidence[0] else []
    return attempt + out + [e for e in evidence[1:] if e.startswith(RULES_OUT)]


def _finding(f: Finding, n: int, *, details: bool, note: bool) -> list[Any]:
    from rich.table import Table
    from rich.text import Text

    kind = {"error": "fail", "warning": "warn", "info": "info"}[str(f.severity)]
    # NOTE: a radar note is about the flow in use, whatever this run's logins did: its id (the
    # entry for the day the flow is disabled) is named as the place to read more, never as a
    # diagnosis. It never says the flow works: the logins may all have been refused.
    about = (
        f"deprecation radar note, not a diagnosis \u00b7 sfdoctor explain --cause {f.cause}"
        if note
        else f"{f.cause} \u00b7 {f.severity} \u00b7 {f.confidence} confidence"
    )
    out: list[Any] = [
        marked(kind, Text(f.title, style="bold"), n),
        para(Text(about, style="dim"), 3),
    ]
    # NOTE: the candidates Login History rules out (check --admin-org) stay on the screen:
    # they are why the answer is not a guess.
    shown = list(f.evidence[1:]) if details else _records(f.evidence)
    for line in (*f.evidence[:1], *shown):
        out.append(para(Text.assemble(("Evidence: ", "dim"), line), 3))
    if f.candidates and details:
        out.append(para(Text(_candidates_heading(f), style="bold"), 3))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for cause, title, confirm in f.candidates:
            grid.add_row(
                "\u2022",
                Text.assemble(
                    f"{title} ",
                    (f"({cause})", "dim"),
                    (f"\n{confirm_label(confirm)}: ", "dim"),
                    confirm,
                ),
            )
        out.append(para(grid, 5))
    elif f.candidates:
        # One line each, the id first: a title cut short still leaves the id to look up.
        out.append(para(Text(_candidates_heading(f), style="bold"), 3))
        for cause, title, _ in f.candidates:
            row = Text.assemble("\u2022 ", (cause, "dim"), "  ", title)
            row.no_wrap, row.overflow = True, "ellipsis"
            out.append(para(row, 5))
    if details:
        out.append(para(Text("What to do:", style="bold"), 3))
        steps = [
            Text(step, style="yellow" if step.startswith("Not recommended:") else "")
            for step in f.remediation
        ]
        out.append(listing(steps, 5))
        out.extend(Unwrapped(Text("     " + ref, style="blue")) for ref in f.references[:3])
        return out
    if f.remediation:
        out.append(para(Text.assemble(("What to do: ", "bold"), f.remediation[0]), 3))
    return out


def inputs_table(report: Report) -> Any:
    """Where each input came from, secrets masked (like ``aws configure list``)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("setting", no_wrap=True)
    table.add_column("value", overflow="fold")
    table.add_column("source", style="dim")
    for i in report.inputs:
        table.add_row(Text(i.name), Text(i.value), Text(i.source))
    return para(table, 2)


def heading(login_url: str, flow: str, *, banner: str = "") -> list[Any]:
    """The first lines: the demo's banner, if any, then what is checked where."""
    from rich.text import Text

    out: list[Any] = [Text(banner, style="bold cyan")] if banner else []
    out.append(
        Text.assemble(("sfdoctor check", "bold"), f"  {login_url}", (f"  (flow: {flow})", "dim"))
    )
    return out


class Answer(NamedTuple):
    """What a run comes to, as its header line and closing block say it."""

    verdict: Verdict
    headline: str
    """The cause's title, or what the run found when it named none."""
    cause: str
    action: str
    """The one recommended action, one line."""
    where: str
    """Where the details are."""


def answer(report: Report, *, details: bool = False) -> Answer:
    """The answer of ``report``: its first finding that is not a note (the summary card of
    the HTML and SVG reports names the same, :func:`sfdoctor.output.summary.summarize`)."""
    from sfdoctor.output.banner import Banner
    from sfdoctor.output.check_json import document
    from sfdoctor.output.summary import summarize

    card = summarize(document(report), Banner("check", report.generated_at, report.version))
    assert card is not None  # a check document always has a summary
    notes = radar_notes(report)
    shown = [f for f in report.findings if not _is_note(f, notes)]
    top = next((f for f in shown if f.severity is not Severity.INFO), None)
    where: list[str] = []
    if top is None:
        action = "nothing to fix" if report.verdict is Verdict.OK else ""
        radar = [c for c in report.checks if c.stage == "radar" and c.mark is Mark.INFO]
        if radar:
            action += f"; but the {radar[0].name} {radar[0].summary}" if action else ""
            where.append(
                "the move, step by step: in the radar note above"
                if details
                else "the move, step by step: --details"
            )
        headline = (
            card.headline
            if report.verdict is Verdict.OK
            else ("No cause named: see the checks marked above")
        )
        return Answer(report.verdict, headline, "", action, " \u00b7 ".join(where))
    others = _others(top)
    if others:
        where.append(f"{plural(others, 'other candidate')} above")
    rest = len(shown) - 1
    if rest:
        where.append(f"{plural(rest, 'other finding')} above")
    where.append("every step above" if details else "every step: --details")
    return Answer(
        report.verdict, top.title, top.cause, action_for(top.cause, top.remediation),
        " \u00b7 ".join(where),
    )  # fmt: skip


def _answer_line(report: Report, a: Answer) -> Any:
    label = str(report.verdict).upper()
    return answer_line(label, _VERDICT[a.verdict][1], short(a.headline), a.cause, a.action)


def short(title: str) -> str:
    """A title without its explanation: ``Security token required: the login came from an
    untrusted network`` -> ``Security token required``."""
    head = title.split(": ", 1)[0]
    return head if len(head) >= 12 else title


def renderables(
    report: Report,
    *,
    banner: str = "",
    inputs: bool = False,
    with_heading: bool = True,
    details: bool = True,
) -> list[Any]:
    """The rich renderables of the whole report (shared with the file exports); with
    ``inputs``, the provenance of every input after the heading (the console shows it in
    the configuration section when a value is missing or wrong); ``with_heading=False``
    when the heading is on screen already (a terminal, :func:`heading`), which also leaves
    out the answer under it (it was not known yet); ``details=False``: the one-screen
    console report (see the module doc)."""
    from rich.text import Text

    a = answer(report, details=details)
    out: list[Any] = []
    if with_heading:
        out += heading(report.login_url, report.flow, banner=banner)
        out.append(_answer_line(report, a))
    if inputs and report.inputs:
        out.append(Text("Inputs", style="bold underline"))
        out.append(inputs_table(report))
        out.append(Text(""))
    notes = radar_notes(report)
    noted = {f.cause for f in report.findings if _is_note(f, notes)}
    stage = None
    for c in report.checks:
        if not details and c.stage == "ground truth" and c.name == "user" and c.mark is Mark.OK:
            continue  # an active, unlocked user: said by the confirmed attempts already
        if c.stage != stage:
            stage = c.stage
            title = Text(_STAGES.get(stage, stage.title()), style="bold underline")
            if stage == "radar" and noted and not details:
                title.append("  (--details: the way out, step by step)", style="dim")
            out.append(title)
            if stage == "configuration" and not inputs and _config_problem(report):
                # The remediation points at "the configuration section": where each
                # value came from, masked.
                out.append(inputs_table(report))
        kind = _MARKS[c.mark]
        mark = "-" if c.mark is Mark.SKIP else MARK[kind]
        line = Text.assemble((f"{mark} ", STYLE[kind]), (c.name, "bold"), "  ", c.summary)
        if not details:  # one line a check: the findings below have the whole evidence
            line.no_wrap, line.overflow = True, "ellipsis"
        out.append(para(line, 2))
    shown = [f for f in report.findings if details or not _is_note(f, notes)]
    if shown:
        out.append(Text("Findings", style="bold underline"))
        for n, f in enumerate(shown, 1):
            out.extend(_finding(f, n, details=details, note=_is_note(f, notes)))
    kind, style = _VERDICT[a.verdict]
    last = Text.assemble((f"{str(report.verdict).upper()}: ", f"bold {style}"), report.summary())
    out += closing_block(kind, a.headline, a.cause, a.action, a.where, last)
    return out


def _config_problem(report: Report) -> bool:
    return any(
        c.stage == "configuration" and c.mark in (Mark.FAIL, Mark.WARN) for c in report.checks
    )


def render(
    report: Report,
    *,
    color: bool = False,
    banner: str = "",
    heading: bool = True,
    details: bool = True,
    width: int | None = None,
) -> str:
    """The console text (``heading=False``: without the lines :func:`heading` printed;
    ``details=False``: the one-screen report)."""
    return to_string(
        renderables(report, banner=banner, with_heading=heading, details=details),
        color=color,
        width=width,
    )


class Waiting:
    """The status line of a run in a terminal: the step it waits for, and for how long
    ("logging in to https://... (waiting 3 s)"), rendered afresh at each refresh."""

    def __init__(self, redactor: Any) -> None:
        import time

        self._clock = time.monotonic
        self._redactor = redactor
        self._step = "starting"
        self._since = self._clock()

    def step(self, text: str) -> None:
        """Now waiting for ``text``."""
        self._step, self._since = text, self._clock()

    def __rich__(self) -> Any:
        from rich.text import Text

        waited = int(self._clock() - self._since)
        return Text(self._redactor(f"{self._step} (waiting {waited} s)"), style="dim")


def terminal(stream: Any) -> Any:
    """A rich console on the terminal ``stream``, for the status line: no markup, no
    emoji, no highlighting (the belts of :func:`sfdoctor.output.console.to_string`)."""
    from rich.console import Console

    return Console(file=stream, force_terminal=True, highlight=False, markup=False, emoji=False)
