"""``sfdoctor check``: log in the way the integration does, and say why it fails.

Stages: configuration lint (offline) -> the network -> the login of the chosen ``--flow``
-> the session checks -> the diagnosis -> the deprecation radar -> the report. For the
password flows (OAuth username-password, SOAP ``login()``) the login runs with the token,
then, concurrently with the session checks, without it (the differential diagnosis); the
JWT bearer and client credentials flows log in once. This module runs the stages; each flow
lives in :mod:`sfdoctor.check.flows`, network code in :mod:`sfdoctor.probes`, the reasoning in
:mod:`sfdoctor.check.differential` and :mod:`sfdoctor.check.radar`.

Time: ``--timeout`` T bounds each network step as a whole (a DNS lookup, a connection, a
proxy's CONNECT, a TLS handshake, a request and its entire answer), so a run ends within
7 x T + 3 s: the network stage takes at most 4 steps when it lets the login go (7 when it
stops the run: the proxy, then the certificate read again), then come at most 3 rounds of
concurrent requests (login; the second login beside the session checks; the checks again
on the instance's own API version), each within T plus a second to tear it down.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TextIO, assert_never

from sfdoctor import __version__
from sfdoctor.check.config import Settings, load_settings, mask
from sfdoctor.check.flows.client_credentials import client_credentials_flow
from sfdoctor.check.flows.common import Run, Seen
from sfdoctor.check.flows.jwt import jwt_flow
from sfdoctor.check.flows.password import password_flow, soap_flow
from sfdoctor.check.lint import lint
from sfdoctor.check.options import CheckOptions
from sfdoctor.diagnosis.knowledge import load
from sfdoctor.models import Attempt, Check, Finding, Flow, Input, Mark, Report, Secret, Severity
from sfdoctor.redaction import Redactor
from sfdoctor.status import UsageError

if TYPE_CHECKING:
    from sfdoctor.output.files import ReportSource
    from sfdoctor.probes.admin import AdminSession

STAGES = ("configuration", "network", "login", "trust", "session", "ground truth", "radar")
_LABELS = {
    "login_url": "login URL",
    "username": "username",
    "password": "password",
    "security_token": "security token",
    "client_id": "consumer key",
    "client_secret": "consumer secret",
    "jwt_key_file": "JWT private key file",
}
# The inputs each flow's report lists (the password flow: every one it always listed).
_SHOWN = {
    Flow.PASSWORD: (
        "login_url",
        "username",
        "password",
        "security_token",
        "client_id",
        "client_secret",
    ),
    Flow.SOAP: ("login_url", "username", "password", "security_token"),
    Flow.JWT: ("login_url", "username", "client_id", "jwt_key_file"),
    Flow.CLIENT_CREDENTIALS: ("login_url", "client_id", "client_secret"),
}


def _inputs(settings: Settings, flow: Flow = Flow.PASSWORD) -> tuple[Input, ...]:
    out = []
    for field in _SHOWN[flow]:
        s = getattr(settings, field)
        source = f"{s.source} ({s.origin})" if s.origin else s.source
        value = _shown_url(s.text) if field == "login_url" else mask(s.value)
        out.append(Input(_LABELS[field], value, source, isinstance(s.value, Secret)))
    return tuple(out)


def _shown_url(url: str) -> str:
    """``url`` as the report shows it: as given when it parses; escaped (control characters
    written out) and its ``user:password@`` masked when it does not."""
    from sfdoctor.hosts import UrlRefused, parse_url, shown_url

    try:
        parse_url(url.strip())
    except UrlRefused:
        return shown_url(url)[1:-1]
    return url


def execute(
    opts: CheckOptions,
    settings: Settings,
    *,
    trace: Callable[[str], None] | None = None,
    redactor: Redactor | None = None,
    progress: Callable[[str], None] | None = None,
    admin: AdminSession | None = None,
) -> Report:
    """Run every stage for ``settings`` and return the report (no output, no exit status).

    ``redactor`` (default: one for the settings' secrets) scrubs the ``trace``; it learns
    the secrets met on the way (access tokens, the JWT private key). ``progress`` is told
    what the run waits for next (a terminal's status line). ``admin`` (``--admin-org``,
    ``SF_ADMIN_*``): after the logins, the org's Login History says which cause it was
    (GET requests only, never a login; a failure there is one line, never the run's end).
    """
    from sfdoctor.probes.http import Transport

    flow = Flow(opts.flow)
    kb = load()
    now = datetime.now(UTC)
    generated = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    login_url = _login_url(settings)
    linted = lint(settings, flow, api_version=opts.api_version)
    checks: list[Check] = [
        Check(
            "configuration",
            f.cause,
            Mark.FAIL if f.severity is Severity.ERROR else Mark.WARN,
            "; ".join(f.evidence),
            f.cause,
        )
        for f in linted.findings
    ] or [Check("configuration", "configuration", Mark.OK, "every value present and well-formed")]
    findings: list[Finding] = list(linted.findings)
    attempts: list[Attempt] = []

    def report() -> Report:
        ordered = sorted(checks, key=lambda c: STAGES.index(c.stage))  # stable within a stage
        inputs = _inputs(settings, flow)
        if admin is not None:
            from sfdoctor.check.admin_session import describe

            inputs = (*inputs, describe(admin))
        return Report(
            __version__,
            generated,
            _shown_url(login_url),
            str(flow),
            inputs,
            tuple(attempts),
            opts.max_attempts if flow in (Flow.PASSWORD, Flow.SOAP) else 1,
            tuple(ordered),
            tuple(_dedupe(findings)),
        )

    if linted.blocking:
        return report()
    if flow is Flow.JWT:
        from sfdoctor.probes.jwt import require_extra

        require_extra()

    from sfdoctor.check import network

    redactor = redactor or Redactor(settings.secrets())
    if admin is not None:
        redactor.add(admin.access_token.reveal())
    for secret in network.proxy_secrets():
        redactor.add(secret)
    scrubbed = (lambda line: trace(redactor(line))) if trace is not None else None
    say = progress or (lambda step: None)
    say(f"checking the connection to {login_url}")
    net = network.preflight(login_url, timeout=opts.timeout, trace=scrubbed)
    checks.extend(net.checks)
    findings.extend(net.findings)
    if net.blocking:  # the connection is not fit to carry credentials: send none
        return report()

    # NOTE: the requests go the way the network stage inspected: the same proxy choice
    # (never one for loopback) and the same CA bundle, not requests' own reading of the
    # environment.
    transport = Transport(
        timeout=opts.timeout,
        redactor=redactor,
        trace=trace,
        proxy_for=network.proxy_for,
        verify=network.ca_bundle()[0] or True,
    )
    run = Run(
        opts, settings, login_url, transport, kb, checks, findings, attempts, linted.findings, say
    )
    seen: Seen | None
    started = datetime.now(UTC)
    match flow:
        case Flow.PASSWORD:
            seen = password_flow(run)
        case Flow.SOAP:
            seen = soap_flow(run)
        case Flow.JWT:
            seen = jwt_flow(run)
        case Flow.CLIENT_CREDENTIALS:
            seen = client_credentials_flow(run)
        case _:
            assert_never(flow)
    if seen is None:  # stopped before sending anything (a key that cannot sign)
        return report()
    from sfdoctor.check import radar
    from sfdoctor.check.reconcile import reconcile

    checks[:], findings[:] = reconcile(checks, findings, linted.findings, attempts, flow)
    if admin is not None:
        _ground_truth(run, admin, started)
    radar_checks, radar_findings = radar.scan(
        flow,
        login_url=login_url,
        api_version=opts.api_version,
        soap_version=seen.soap_version,
        offered=seen.offered,
        judged=seen.version_judged,
        today=now.date(),
    )
    checks.extend(radar_checks)
    findings.extend(radar_findings)
    return report()


def _ground_truth(run: Run, admin: AdminSession, started: datetime) -> None:
    """Put the org's own verdict (Login History, read with ``admin``) into the run."""
    from sfdoctor.check import ground_truth
    from sfdoctor.probes.admin import AdminClient

    run.progress(f"reading Login History at {admin.instance_url}")
    truth = ground_truth.read(
        AdminClient(run.transport, admin),
        username=run.settings.username.text,
        attempts=run.attempts,
        started=started,
        finished=datetime.now(UTC),
    )
    run.checks.extend(ground_truth.checks(truth))
    run.findings[:] = ground_truth.settle(run.findings, truth)


def _login_url(settings: Settings) -> str:
    """The login URL as the run uses it: rebuilt from the parts the connection reads (the
    host alone; lint refuses any other path), else as given (a refused URL is only shown)."""
    from sfdoctor.hosts import UrlRefused, parse_url

    text = settings.login_url.text.strip()
    try:
        return parse_url(text).origin
    except UrlRefused:
        return text.rstrip("/").removesuffix("/services/oauth2/token")


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per cause (the most severe, then the most confident, the first among
    equals), errors before warnings before notes."""
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    sure = {"high": 0, "medium": 1, "low": 2}
    best: dict[str, Finding] = {}
    for f in findings:
        kept = best.get(f.cause)
        rank = (order[f.severity], sure.get(f.confidence, 3))
        if kept is None or rank < (order[kept.severity], sure.get(kept.confidence, 3)):
            best[f.cause] = f
    return sorted(best.values(), key=lambda f: order[f.severity])


def run(
    opts: CheckOptions,
    *,
    environ: Mapping[str, str] | None = None,
    prompt: Callable[[str, bool], str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    color: bool | None = None,
    banner: str = "",
) -> int:
    """Run ``check`` and return its exit status (2 when the configuration blocked it).

    Report files (``opts.reports``) are validated before anything is read or sent, and
    written once the run has finished.
    """
    from sfdoctor.output import files as output
    from sfdoctor.output import paths

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    if opts.max_attempts < 1:
        raise UsageError("--max-attempts must be at least 1")
    if opts.timeout <= 0:
        raise UsageError("--timeout must be positive")
    flow = Flow(opts.flow)
    if flow is Flow.JWT:  # say so before asking for anything
        from sfdoctor.probes.jwt import require_extra

        require_extra()
    import os

    env = os.environ if environ is None else environ
    targets = paths.prepare(opts.reports, (opts.env_file, env.get("SF_JWT_KEY_FILE")))
    settings = load_settings(
        login_url_flag=opts.login_url,
        sandbox=opts.sandbox,
        env_file=opts.env_file,
        environ=environ,
        prompt=prompt,
        flow=flow,
    )
    # NOTE: the report is built from redacted parts already; the pass over the whole report
    # (before rendering, which wraps and escapes) and over every rendered output are the belt
    # to those braces, and with --anonymize they replace usernames, ids, hosts and addresses.
    redactor = Redactor(settings.secrets(), anonymize=opts.anonymize)
    admin = _admin(opts, environ)
    if admin is not None:
        redactor.add(admin.access_token.reveal())

    from sfdoctor.output.console import UNSAFE

    def trace(line: str) -> None:
        # NOTE: a server's body, a proxy's reply or a proxy URL reach this line as sent:
        # their escape sequences (a hidden link, a cleared screen) never reach the terminal.
        print(UNSAFE.sub("\ufffd", line), file=stderr)

    verbose = trace if opts.verbose else None
    terminal = opts.fmt != "json" and stdout.isatty()
    if terminal:
        report = _on_terminal(opts, settings, stdout, redactor, verbose, banner, admin)
    else:
        report = execute(opts, settings, trace=verbose, redactor=redactor, admin=admin)
    report = redactor.deep(report)
    if opts.fmt == "json":
        from sfdoctor.output.check_json import render as render_json

        stdout.write(redactor(render_json(report, strict=opts.strict)))
    else:
        from sfdoctor.output.check_console import render as render_console

        color = stdout.isatty() if color is None else color
        text = render_console(
            report, color=color, banner=banner, heading=not terminal, details=opts.details
        )
        stdout.write(redactor(text))
    if targets:
        output.write(targets, report_source(report, opts), redactor)
    return report.exit_status(strict=opts.strict)


def _admin(opts: CheckOptions, environ: Mapping[str, str] | None) -> AdminSession | None:
    """The administrator's session (``--admin-org``, or ``SF_ADMIN_*`` in the ``--env-file``
    or the environment), or None: it is never required."""
    import os

    from sfdoctor.check.admin_session import admin_session
    from sfdoctor.check.config import parse_env_file

    return admin_session(
        alias=opts.admin_org,
        environ=os.environ if environ is None else environ,
        env_file=parse_env_file(opts.env_file) if opts.env_file else None,
        env_file_name=opts.env_file or "",
    )


def _on_terminal(
    opts: CheckOptions,
    settings: Settings,
    stdout: TextIO,
    redactor: Redactor,
    trace: Callable[[str], None] | None,
    banner: str,
    admin: AdminSession | None = None,
) -> Report:
    """:func:`execute` with a person watching: the heading first, then a status line
    (rich's spinner) saying what the run waits for and for how long, until the report."""
    from sfdoctor.output.check_console import Waiting, heading, terminal
    from sfdoctor.output.console import to_string

    lines = heading(_shown_url(_login_url(settings)), str(opts.flow), banner=banner)
    stdout.write(redactor(to_string(lines, color=True)))
    stdout.flush()
    if trace is not None:  # -v: the trace on stderr tells what happens, line by line
        return execute(opts, settings, trace=trace, redactor=redactor, admin=admin)
    waiting = Waiting(redactor)
    # NOTE: the status line is transient: gone before the report is written. Ctrl-C ends
    # it like any other moment (the line is cleared on the way out).
    with terminal(stdout).status(waiting, spinner="dots"):
        return execute(opts, settings, redactor=redactor, progress=waiting.step, admin=admin)


def report_source(report: Report, opts: CheckOptions) -> ReportSource:
    """The renderers of the ``check`` report files (:func:`sfdoctor.output.files.write`)."""
    from sfdoctor.output import check_console, check_json, junit, markdown
    from sfdoctor.output.banner import Banner
    from sfdoctor.output.files import ReportSource

    banner = Banner("check", report.generated_at, report.version, opts.anonymize)
    return ReportSource(
        banner,
        document=lambda: check_json.document(report, strict=opts.strict),
        renderables=lambda: check_console.renderables(report, inputs=True),
        markdown=lambda: markdown.check(report, banner),
        junit=lambda: junit.check(report, banner, strict=opts.strict),
        failed=report.exit_status(strict=opts.strict) != 0,
    )
