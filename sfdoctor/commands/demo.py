"""``sfdoctor demo`` and ``sfdoctor simulate``: the real ``check`` against a simulated org.

``demo`` starts the org on loopback, runs ``check`` with the scenario's (fake) credentials
and prints the report under a line saying what is simulated. ``simulate`` keeps the org
running in the foreground so other clients (curl, simple-salesforce, a script) can use it.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

from sfdoctor.check.config import load_settings
from sfdoctor.check.options import CheckOptions
from sfdoctor.commands.check import execute
from sfdoctor.commands.check import run as run_check
from sfdoctor.commands.suggest import did_you_mean
from sfdoctor.models import Finding, Severity
from sfdoctor.status import ExitStatus, UsageError

if TYPE_CHECKING:
    from sfdoctor.simulator import Scenario  # imported at run time only when needed


def _scenario(name: str) -> Scenario:
    from sfdoctor.simulator import SCENARIOS

    try:
        return SCENARIOS[name]
    except KeyError:
        raise UsageError(
            f"no scenario {name!r}",
            hint=did_you_mean(name, [*SCENARIOS, "audit"], "sfdoctor demo --list shows them"),
        ) from None


def list_scenarios(stdout: TextIO, *, fmt: str = "console") -> int:
    """``demo --list``: one scenario a line, with what it sets up (``fmt="json"``: a
    ``sfdoctor.scenarios/1`` document)."""
    from sfdoctor.simulator import DEFAULT, SCENARIOS

    if fmt == "json":
        from sfdoctor.output.safe_text import json_text

        doc = {
            "schema": "sfdoctor.scenarios/1",
            "default": DEFAULT,
            "scenarios": [
                {
                    "name": name,
                    "flow": str(sc.flow),
                    "description": sc.description,
                    "expected_cause": sc.expected_cause,
                    "expected_attempts": sc.expected_attempts,
                }
                for name, sc in SCENARIOS.items()
            ],
        }
        stdout.write(json_text(doc) + "\n")
        return ExitStatus.OK
    width = max(len(n) for n in SCENARIOS)
    for name, sc in SCENARIOS.items():
        mark = " (default)" if name == DEFAULT else ""
        stdout.write(f"{name:<{width}}  {sc.description}{mark}\n")
    stdout.write(
        "\nNot a scenario: sfdoctor demo audit audits a month of fictional Login History and "
        "API usage exports for the 2027 retirements (what sfdoctor audit does with yours).\n"
    )
    return ExitStatus.OK


def list_by_flow(stdout: TextIO) -> int:
    """``simulate --list``: the scenarios grouped by flow."""
    from sfdoctor.simulator.scenarios import listing

    stdout.write(listing())
    return ExitStatus.OK


def diagnosis(findings: tuple[Finding, ...] | list[Finding]) -> str | None:
    """The cause a run diagnosed: its first finding that is not a note (the deprecation
    radar's notes are info), or None."""
    return next((f.cause for f in findings if f.severity is not Severity.INFO), None)


def _needs_extra(flow: str) -> bool:
    """True when ``flow`` needs the ``jwt`` extra and it is not installed."""
    if flow != "jwt":
        return False
    try:
        from sfdoctor.probes.jwt import require_extra

        require_extra()
    except UsageError:
        return True
    return False


def banner(name: str) -> str:
    """The line printed above a demo report."""
    return (
        f"Simulated org (nothing leaves this machine) \u2014 scenario '{name}': "
        f"{_scenario(name).description}"
    )


def demo(
    name: str | None,
    opts: CheckOptions,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    color: bool | None = None,
    admin: bool = False,
) -> int:
    """Run ``check`` against one scenario; its exit status is check's. ``admin``: the org
    has an administrator too, whose session (``SF_ADMIN_*``) reads its Login History."""
    from sfdoctor.simulator import DEFAULT, serve

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    if name == "audit":  # not a simulated org: a month of fictional exports, audited
        from sfdoctor.commands.demo_audit import demo_audit

        return demo_audit(opts, stdout=stdout, stderr=stderr, color=color)
    name = name or DEFAULT
    sc = _scenario(name)
    opts = opts._replace(flow=sc.flow)
    if sc.flow == "jwt":  # the simulated org verifies signatures with the same extra
        from sfdoctor.probes.jwt import require_extra

        require_extra()
    simulated = sc.org()
    if admin:
        from sfdoctor.simulator.admin import with_admin

        with_admin(simulated)
    with serve(simulated) as org:
        if opts.fmt == "json":
            print(banner(name), file=stderr)
        environ = sc.env(org.url)
        if admin:
            from sfdoctor.check.admin_session import TOKEN_VAR, URL_VAR
            from sfdoctor.simulator.admin import ADMIN_TOKEN

            environ = {**environ, TOKEN_VAR: ADMIN_TOKEN, URL_VAR: org.url}
        return run_check(
            opts,
            environ=environ,
            stdout=stdout,
            stderr=stderr,
            color=color,
            banner="" if opts.fmt == "json" else banner(name),
        )


def demo_all(opts: CheckOptions, *, stdout: TextIO | None = None, color: bool | None = None) -> int:
    """Every scenario through ``check``: a table of verdict, cause and attempts.

    Exit 0 when every scenario that ran was diagnosed as intended, 1 otherwise. Without the
    ``jwt`` extra, the JWT scenarios are listed as skipped (verdict ``skip``, ``as_intended``
    null): neither failed nor counted as diagnosed.
    """
    from sfdoctor.simulator import SCENARIOS, serve

    stdout = stdout or sys.stdout
    rows: list[tuple[str, str, str, int, bool | None]] = []
    for name, sc in SCENARIOS.items():
        if _needs_extra(sc.flow):
            rows.append((name, "skip", "-", 0, None))
            continue
        with serve(sc.org()) as org:
            settings = load_settings(environ=sc.env(org.url))
            report = execute(opts._replace(fmt="console", flow=sc.flow), settings)
            attempts = org.login_attempts
        cause = diagnosis(report.findings)
        intended = cause == sc.expected_cause and attempts == sc.expected_attempts
        rows.append((name, str(report.verdict), cause or "-", attempts, intended))
    if opts.fmt == "json":
        from sfdoctor.output.safe_text import json_text

        doc = {
            "schema": "sfdoctor.demo/1",
            "scenarios": [
                {
                    "scenario": n,
                    "verdict": v,
                    "cause": None if c == "-" else c,
                    "attempts_used": a,
                    "as_intended": i,
                }
                for n, v, c, a, i in rows
            ],
        }
        stdout.write(json_text(doc) + "\n")
    else:
        color = stdout.isatty() if color is None else color
        stdout.write(_table(rows, color=color))
        if any(r[1] == "skip" for r in rows):
            stdout.write("skipped: the JWT scenarios need pip install 'sfdoctor[jwt]'\n")
        stdout.write(_closing(rows, color=color))
    return ExitStatus.OK if all(r[-1] is not False for r in rows) else ExitStatus.PROBLEM


def _closing(rows: list[tuple[str, str, str, int, bool | None]], *, color: bool) -> str:
    """The verdict of ``demo --all``, last: how many scenarios came out as intended (a
    skipped one is neither)."""
    from sfdoctor.output.console import closing_block, to_string

    ran = [r for r in rows if r[-1] is not None]
    missed = [r[0] for r in ran if not r[-1]]
    skipped = len(rows) - len(ran)
    also = f"; {skipped} skipped" if skipped else ""
    if not missed:
        block = closing_block(
            "ok",
            f"Every scenario that ran diagnosed as intended ({len(ran)} of {len(ran)}{also})"
            if skipped
            else f"Every scenario diagnosed as intended ({len(ran)} of {len(ran)})",
            "",
            "",
            "one of them in full: sfdoctor demo SCENARIO (--details for every step)",
        )
    else:
        block = closing_block(
            "fail",
            f"{len(missed)} of {len(ran)} scenarios not diagnosed as intended{also}",
            "",
            f"run one to see why: sfdoctor demo {missed[0]} --details",
            "the rows marked \u2717 above",
        )
    return to_string(block, color=color)


_VERDICT_STYLE = {"ok": "green", "warn": "yellow", "fail": "red", "skip": "dim"}


def _intended(ok: bool | None) -> Any:
    from rich.text import Text

    if ok is None:  # skipped: not run, so neither
        return Text("-", style="dim")
    return Text("\u2713" if ok else "\u2717", style="green" if ok else "red")


def _table(rows: list[tuple[str, str, str, int, bool | None]], *, color: bool) -> str:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from sfdoctor.output.console import ByWidth, to_string

    table = Table(
        title="sfdoctor demo --all (simulated org)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )
    for col in ("scenario", "verdict", "cause", "attempts", "as intended"):
        # NOTE: names and cause ids are never cut: they are what a reader looks up.
        table.add_column(col, no_wrap=col in ("scenario", "cause"))
    for name, verdict, cause, attempts, intended in rows:
        table.add_row(
            Text(name),
            Text(verdict, style=_VERDICT_STYLE[verdict]),
            Text(cause),
            str(attempts),
            _intended(intended),
        )
    return to_string([ByWidth(table, _stacked(rows))], color=color)


def _stacked(rows: list[tuple[str, str, str, int, bool | None]]) -> Any:
    """The table for a narrow terminal, a scenario a line (the table's verdict column read
    ``f…`` at 80 columns): as intended or not, name, verdict, cause, attempts."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for name, verdict, cause, attempts, intended in rows:
        grid.add_row(
            _intended(intended),
            Text.assemble(
                (name, "bold"),
                "  ",
                (verdict, _VERDICT_STYLE[verdict]),
                f"  {cause}" if cause != "-" else "",
                (f"  {attempts} {'attempt' if attempts == 1 else 'attempts'}", "dim"),
            ),
        )
    legend = Text(
        "\u2713 as intended, \u2717 not, - skipped: scenario, verdict, cause, login attempts"
    )
    return Group(Text("sfdoctor demo --all (simulated org)", style="italic"), legend, grid)


def simulate(name: str | None, port: int, *, stdout: TextIO | None = None) -> int:
    """Serve one scenario's org in the foreground until Ctrl-C, after printing what a
    client should expect from it."""
    from sfdoctor.simulator import serve
    from sfdoctor.simulator.expect import describe

    stdout = stdout or sys.stdout
    name = name or "healthy"
    sc = _scenario(name)
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port} is not a TCP port")
    if sc.flow == "jwt":  # the org verifies signatures with the same extra
        from sfdoctor.probes.jwt import require_extra

        require_extra()
    try:
        running = serve(sc.org(), port=port)
    except OSError as exc:
        raise UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
    # NOTE: Ctrl-C is how this command ends, and it may come at any moment (even before
    # the first line is out): the handler encloses everything after the server starts.
    try:
        with running as org:
            stdout.write(
                f"Simulated Salesforce org, scenario '{name}': {sc.description}\n"
                f"Login URL: {org.url}  (token endpoint {org.url}/services/oauth2/token)\n"
                "Fake credentials for this scenario (not secrets; safe to paste):\n"
            )
            for key, value in sc.env(org.url).items():
                stdout.write(f"  export {key}='{value}'\n")
            stdout.write(describe(sc))
            command = "sfdoctor check" + ("" if sc.flow == "password" else f" --flow {sc.flow}")
            stdout.write(
                f"Then: {command}   (or point any client at the login URL). Ctrl-C stops the org.\n"
            )
            stdout.flush()
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        n = running.login_attempts
        stdout.write(f"\nstopped; {n} login {'attempt' if n == 1 else 'attempts'} served\n")
    return ExitStatus.OK
