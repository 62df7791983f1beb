"""The console report of ``check``: a section per stage, findings, one summary line.

Server text enters rich only as plain ``Text`` (never markup). The same renderables will
feed the text/HTML/SVG report files.
"""

from __future__ import annotations

from typing import Any

from sfdoctor.models import Finding, Mark, Report, Verdict
from sfdoctor.output.console import MARK, STYLE, Unwrapped, listing, para, to_string

_MARKS = {Mark.OK: "ok", Mark.WARN: "warn", Mark.FAIL: "fail", Mark.INFO: "info", Mark.SKIP: "info"}
_STAGES = {
    "configuration": "Configuration",
    "login": "Login",
    "network": "Network",
    "trust": "Trusted network",
    "session": "Session",
    "radar": "Deprecation radar",
}


def _finding(f: Finding, n: int) -> list[Any]:
    from rich.table import Table
    from rich.text import Text

    kind = {"error": "fail", "warning": "warn", "info": "info"}[str(f.severity)]
    out: list[Any] = [
        Text.assemble((f"{MARK[kind]} ", STYLE[kind]), (f"{n}. {f.title}", "bold")),
        para(
            Text(f"{f.cause} \u00b7 {f.severity} \u00b7 {f.confidence} confidence", style="dim"), 3
        ),
    ]
    for line in f.evidence:
        out.append(para(Text.assemble(("Evidence: ", "dim"), line), 3))
    if f.candidates:
        # Candidates that include the finding's own cause are the answer, ranked; others
        # are what the cause could also be.
        heading = (
            "Candidates, most likely first:"
            if f.cause == "ambiguous_auth_failure" or f.cause in (c[0] for c in f.candidates)
            else "Could also be, most likely first:"
        )
        out.append(para(Text(heading, style="bold"), 3))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for cause, title, confirm in f.candidates:
            grid.add_row(
                "\u2022",
                Text.assemble(
                    f"{title} ", (f"({cause})", "dim"), ("\nLogin History: ", "dim"), confirm
                ),
            )
        out.append(para(grid, 5))
    out.append(para(Text("What to do:", style="bold"), 3))
    out.append(
        listing(
            [
                Text(step, style="yellow" if step.startswith("Not recommended:") else "")
                for step in f.remediation
            ],
            5,
        )
    )
    out.extend(Unwrapped(Text("     " + ref, style="blue")) for ref in f.references[:3])
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


def renderables(
    report: Report, *, banner: str = "", inputs: bool = False, with_heading: bool = True
) -> list[Any]:
    """The rich renderables of the whole report (shared with the file exports); with
    ``inputs``, the provenance of every input after the heading (the console shows it in
    the configuration section when a value is missing or wrong); ``with_heading=False``
    when the heading is on screen already (a terminal, :func:`heading`)."""
    from rich.text import Text

    out: list[Any] = heading(report.login_url, report.flow, banner=banner) if with_heading else []
    if inputs and report.inputs:
        out.append(Text("Inputs", style="bold underline"))
        out.append(inputs_table(report))
        out.append(Text(""))
    stage = None
    for c in report.checks:
        if c.stage != stage:
            stage = c.stage
            out.append(Text(_STAGES.get(stage, stage.title()), style="bold underline"))
            if stage == "configuration" and not inputs and _config_problem(report):
                # The remediation points at "the configuration section": where each
                # value came from, masked.
                out.append(inputs_table(report))
        kind = _MARKS[c.mark]
        mark = "-" if c.mark is Mark.SKIP else MARK[kind]
        out.append(
            para(Text.assemble((f"{mark} ", STYLE[kind]), (c.name, "bold"), "  ", c.summary), 2)
        )
    if report.findings:
        out.append(Text("Findings", style="bold underline"))
        for n, f in enumerate(report.findings, 1):
            out.extend(_finding(f, n))
    verdict = report.verdict
    style = {Verdict.OK: "green", Verdict.WARN: "yellow", Verdict.FAIL: "red"}[verdict]
    out.append(Text.assemble((f"{str(verdict).upper()}: ", f"bold {style}"), report.summary()))
    return out


def _config_problem(report: Report) -> bool:
    return any(
        c.stage == "configuration" and c.mark in (Mark.FAIL, Mark.WARN) for c in report.checks
    )


def render(report: Report, *, color: bool = False, banner: str = "", heading: bool = True) -> str:
    """The console text (``heading=False``: without the lines :func:`heading` printed)."""
    return to_string(renderables(report, banner=banner, with_heading=heading), color=color)


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
