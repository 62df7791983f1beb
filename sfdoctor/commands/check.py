"""``sfdoctor check``: log in the way the integration does, and say why it fails.

Stages: configuration lint (offline) -> the login with the token -> concurrently, the login
without the token and the session checks -> the differential diagnosis -> the report.
Network code lives in :mod:`sfdoctor.probes`; the reasoning in :mod:`sfdoctor.differential`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple, TextIO

from sfdoctor import __version__
from sfdoctor.classify import classify
from sfdoctor.config import Secret, Settings, load_settings, mask
from sfdoctor.differential import LoginView, decides, diagnose
from sfdoctor.errors import UsageError
from sfdoctor.findings import finding, from_match
from sfdoctor.knowledge import load
from sfdoctor.lint import lint, login_url_problem
from sfdoctor.models import Family, Severity
from sfdoctor.redact import Redactor
from sfdoctor.report import Attempt, Check, Finding, Input, Mark, Report

if TYPE_CHECKING:
    from sfdoctor.output import ReportSource
    from sfdoctor.probes.http import Transport
    from sfdoctor.probes.password import Login, Token
    from sfdoctor.probes.session import Call

LOW_API_REQUESTS = 0.10  # warn below 10% of the daily allocation
STAGES = ("configuration", "network", "login", "trust", "session")
_LABELS = {
    "login_url": "login URL",
    "username": "username",
    "password": "password",
    "security_token": "security token",
    "client_id": "consumer key",
    "client_secret": "consumer secret",
}


class CheckOptions(NamedTuple):
    """What the command line asked for (no secrets: those come from the environment)."""

    login_url: str | None = None
    sandbox: bool = False
    env_file: str | None = None
    timeout: float = 10.0
    max_attempts: int = 2
    api_version: str | None = None
    query: str | None = None
    fmt: str = "console"
    strict: bool = False
    verbose: bool = False
    reports: tuple[str, ...] = ()
    """``--report`` paths; the extension chooses the format (:mod:`sfdoctor.output`)."""
    anonymize: bool = False


def _inputs(settings: Settings) -> tuple[Input, ...]:
    out = []
    for field, label in _LABELS.items():
        s = getattr(settings, field)
        source = f"{s.source} ({s.origin})" if s.origin else s.source
        out.append(Input(label, mask(s.value), source, isinstance(s.value, Secret)))
    return tuple(out)


def _attempt_summary(login: Login) -> str:
    """One line for an attempt: status, time, and Salesforce's answer (already redacted)."""
    from sfdoctor.probes.http import TransportError

    outcome = login.outcome
    if isinstance(outcome, TransportError):
        return f"no answer ({outcome.kind}) after {outcome.elapsed_ms} ms: {outcome.message}"
    text = f"HTTP {outcome.status} in {outcome.elapsed_ms} ms"
    if login.token is not None:
        return f"{text}: access token issued"
    oauth = next((c for c in login.clues if c.family is Family.OAUTH), None)
    if oauth is not None:
        return f'{text}: {oauth.code}: "{oauth.message}"'
    other = next(iter(login.clues), None)
    return f"{text}: {other.code} {other.message[:120]}" if other else text


def _attempt_record(label: str, with_token: bool, login: Login) -> Attempt:
    from sfdoctor.probes.http import TransportError

    outcome = login.outcome
    if isinstance(outcome, TransportError):
        return Attempt(
            label,
            with_token,
            outcome.url,
            "error",
            None,
            outcome.kind,
            outcome.message,
            outcome.elapsed_ms,
        )
    oauth = next((c for c in login.clues if c.family is Family.OAUTH), None)
    return Attempt(
        label,
        with_token,
        outcome.url,
        login.kind,
        outcome.status,
        oauth.code if oauth else None,
        oauth.message if oauth else None,
        outcome.elapsed_ms,
    )


def execute(
    opts: CheckOptions,
    settings: Settings,
    *,
    trace: Callable[[str], None] | None = None,
    redactor: Redactor | None = None,
) -> Report:
    """Run every stage for ``settings`` and return the report (no output, no exit status).

    ``redactor`` (default: one for the settings' secrets) scrubs the ``trace``.
    """
    from sfdoctor.probes import password as pw
    from sfdoctor.probes.http import HttpAnswer, Transport

    kb = load()
    generated = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    login_url = settings.login_url.text.strip().rstrip("/").removesuffix("/services/oauth2/token")
    linted = lint(settings)
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
        return Report(
            __version__,
            generated,
            login_url,
            "password",
            _inputs(settings),
            tuple(attempts),
            opts.max_attempts,
            tuple(ordered),
            tuple(_dedupe(findings)),
        )

    if linted.blocking:
        return report()

    from sfdoctor.network import clock_check, preflight

    net = preflight(login_url, timeout=opts.timeout, trace=trace)
    checks.extend(net.checks)
    findings.extend(net.findings)
    if net.blocking:  # the connection is not fit to carry credentials: send none
        return report()

    redactor = redactor or Redactor(settings.secrets())
    transport = Transport(timeout=opts.timeout, redactor=redactor, trace=trace)
    client_secret = settings.client_secret.value
    assert isinstance(client_secret, Secret)  # lint guarantees it is set
    token_given = bool(settings.security_token.text)
    password = settings.password.text

    def login(secret: str) -> Login:
        return pw.password_login(
            transport,
            login_url,
            client_id=settings.client_id.text,
            client_secret=client_secret,
            username=settings.username.text,
            password=Secret(secret),
        )

    def view(lg: Login) -> LoginView:
        return LoginView(lg.kind, classify(lg.clues, kb), _attempt_summary(lg))

    # The login host lists its API versions to anyone: ask while the first login is in
    # flight, so the session checks need one round trip fewer.
    from sfdoctor.probes import session

    with ThreadPoolExecutor(max_workers=1) as pool:
        early_versions = pool.submit(session.login_host_versions, transport, login_url)
        first = login(password + settings.security_token.text)
        early = session.newest_version(early_versions.result().data)
    if isinstance(first.outcome, HttpAnswer):
        clock = clock_check(first.outcome.headers)
        checks.extend(clock.checks)
        findings.extend(clock.findings)
    attempts.append(
        _attempt_record(
            "password + security token" if token_given else "password", token_given, first
        )
    )
    first_view = view(first)
    second_login = (
        (lambda: login(password))
        if token_given and opts.max_attempts >= 2 and not decides(first_view)
        else None
    )

    second: Login | None = None
    if first.token is not None:
        second = _verify(
            opts, transport, first.token, checks, findings, second_login, early_version=early
        )
        _signature_check(pw.signature_valid(first.token, client_secret), checks, findings)
    elif second_login is not None:
        second = second_login()
    if second is not None:
        attempts.append(_attempt_record("password only", False, second))

    host_warning = next((f for f in linted.findings if f.cause == "wrong_login_host"), None)
    login_checks, login_findings = diagnose(
        first_view,
        view(second) if second is not None else None,
        token_given=token_given,
        host_warning=host_warning,
    )
    if host_warning is not None and any(f.cause == host_warning.cause for f in login_findings):
        findings.remove(host_warning)  # promoted to the error that explains the refusal
    checks.extend(_linked(login_checks, login_findings))
    findings.extend(login_findings)
    refused = sum(a.outcome != "ok" for a in attempts)
    if refused:
        checks.append(
            Check(
                "login",
                "lockout",
                Mark.INFO,
                f"{refused} refused login(s); each counts toward the user's "
                "lockout threshold (as low as 3)",
            )
        )
    return report()


def _verify(
    opts: CheckOptions,
    transport: Transport,
    token: Token,
    checks: list[Check],
    findings: list[Finding],
    second_login: Callable[[], Login] | None,
    *,
    early_version: str | None = None,
) -> Login | None:
    """The without-token login and the session checks, concurrently: one round trip.

    Limits and the query run on ``--api-version``, else on the newest version the login
    host listed; only when the instance turns out not to offer it (or the login host did
    not say) do they wait for the instance's own list, a round trip later.
    """
    from sfdoctor.probes import session

    problem = login_url_problem(token.instance_url) or login_url_problem(token.id)
    with ThreadPoolExecutor(max_workers=5) as pool:
        pending: Future[Login] | None = pool.submit(second_login) if second_login else None
        calls: dict[str, Future[Call]] = {}
        version = opts.api_version or early_version
        soql = opts.query or session.DEFAULT_QUERY

        def use(v: str) -> None:
            calls["limits"] = pool.submit(session.limits, transport, token, v)
            calls["query"] = pool.submit(session.query, transport, token, v, soql)

        if not problem:
            calls["identity"] = pool.submit(session.identity, transport, token)
            calls["versions"] = pool.submit(session.versions, transport, token)
            if version:
                use(version)
            offered = calls["versions"].result().data
            if not opts.api_version and not session.offers(offered, version or ""):
                # The instance is on another release than the login host: follow it.
                version = session.newest_version(offered)
                if version:
                    use(version)
        results = {name: f.result() for name, f in calls.items()}
        second = pending.result() if pending is not None else None

    if problem:
        checks.append(Check("session", "instance URL", Mark.FAIL, problem, "unexpected_response"))
        findings.append(
            finding(
                "unexpected_response",
                [
                    "the token response points at a host sfdoctor will not send the token to: "
                    + problem
                ],
            )
        )
        return second
    kb = load()
    for name in ("identity", "versions", "limits", "query"):
        call = results.get(name)
        if call is None:
            checks.append(Check("session", name, Mark.SKIP, "not run: no API version to use"))
        elif call.ok:
            checks.append(_session_check(name, call.data, version or ""))
        else:
            matches = classify(call.clues, kb)
            if matches:
                findings.append(from_match(matches[0], prefix=f"{name}: "))
                summary = f"{matches[0].cause}: {'; '.join(matches[0].evidence)}"
            else:
                findings.append(
                    finding("unknown", [f"{name}: {call.clues[0].message[:200]}"], confidence="low")
                )
                summary = "unrecognised answer"
            checks.append(Check("session", name, Mark.FAIL, summary, findings[-1].cause))
    return second


def _session_check(name: str, data: object, version: str) -> Check:
    d = data if isinstance(data, dict) else {}
    if name == "identity":
        return Check(
            "session",
            "identity",
            Mark.OK,
            f"{d.get('username', '?')} (user {d.get('user_id', '?')}, "
            f"org {d.get('organization_id', '?')})",
        )
    if name == "versions":
        return Check("session", "API versions", Mark.OK, f"using v{version}")
    if name == "limits":
        daily = d.get("DailyApiRequests") or {}
        try:
            left, total = int(daily["Remaining"]), int(daily["Max"])
        except (KeyError, TypeError, ValueError):
            return Check("session", "API limits", Mark.WARN, "no DailyApiRequests in /limits")
        mark = Mark.WARN if total and left / total < LOW_API_REQUESTS else Mark.OK
        return Check(
            "session", "API limits", mark, f"{left:,} of {total:,} daily API requests remaining"
        )
    rows = d.get("totalSize", len(d.get("records") or []))
    return Check("session", "SOQL query", Mark.OK, f"{rows} row(s) returned")


def _signature_check(valid: bool | None, checks: list[Check], findings: list[Finding]) -> None:
    if valid is None:
        checks.append(Check("session", "token signature", Mark.INFO, "no signature in the answer"))
    elif valid:
        checks.append(
            Check(
                "session",
                "token signature",
                Mark.OK,
                "HMAC-SHA256 of id + issued_at matches the consumer secret",
            )
        )
    else:
        checks.append(
            Check("session", "token signature", Mark.FAIL, "does not match", "unexpected_response")
        )
        findings.append(
            finding(
                "unexpected_response",
                [
                    "the token response's signature is not "
                    "HMAC-SHA256(consumer secret, id + issued_at): the answer was altered on "
                    "the way, or it did not come from the org that owns this consumer secret"
                ],
                severity=Severity.WARNING,
            )
        )


def _linked(checks: list[Check], findings: list[Finding]) -> list[Check]:
    """Point each failed or warned login line at the finding that explains it."""
    out = []
    for c in checks:
        cause = ""
        if c.mark is Mark.FAIL and findings:
            errors = [f for f in findings if f.severity is Severity.ERROR] or findings
            cause = errors[0].cause
        elif c.mark is Mark.WARN:
            wanted = (
                (lambda f: f.cause == "trusted_network_only")
                if c.stage == "trust"
                else (lambda f: any(e.startswith("login without token") for e in f.evidence))
            )
            cause = next((f.cause for f in findings if wanted(f)), "")
        out.append(c._replace(cause=cause) if cause else c)
    return out


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per cause (the first), errors before warnings before notes."""
    seen: set[str] = set()
    out = []
    for f in findings:
        if f.cause not in seen:
            seen.add(f.cause)
            out.append(f)
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(out, key=lambda f: order[f.severity])


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
    from sfdoctor import output

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    if opts.max_attempts < 1:
        raise UsageError("--max-attempts must be at least 1")
    if opts.timeout <= 0:
        raise UsageError("--timeout must be positive")
    targets = output.prepare(opts.reports)
    settings = load_settings(
        login_url_flag=opts.login_url,
        sandbox=opts.sandbox,
        env_file=opts.env_file,
        environ=environ,
        prompt=prompt,
    )
    # NOTE: the report is built from redacted parts already; the pass over the whole report
    # (before rendering, which wraps and escapes) and over every rendered output are the belt
    # to those braces, and with --anonymize they replace usernames, ids, hosts and addresses.
    redactor = Redactor(settings.secrets(), anonymize=opts.anonymize)

    def trace(line: str) -> None:
        print(line, file=stderr)

    report = execute(opts, settings, trace=trace if opts.verbose else None, redactor=redactor)
    report = redactor.deep(report)
    if opts.fmt == "json":
        from sfdoctor.render.check_json import render as render_json

        stdout.write(redactor(render_json(report, strict=opts.strict)))
    else:
        from sfdoctor.render.check_console import render as render_console

        color = stdout.isatty() if color is None else color
        stdout.write(redactor(render_console(report, color=color, banner=banner)))
    if targets:
        output.write(targets, report_source(report, opts), redactor)
    return report.exit_status(strict=opts.strict)


def report_source(report: Report, opts: CheckOptions) -> ReportSource:
    """The renderers of the ``check`` report files (:func:`sfdoctor.output.write`)."""
    from sfdoctor.output import ReportSource
    from sfdoctor.render import check_console, check_json, junit, markdown
    from sfdoctor.render.banner import Banner

    banner = Banner("check", report.generated_at, report.version, opts.anonymize)
    return ReportSource(
        banner,
        document=lambda: check_json.document(report, strict=opts.strict),
        renderables=lambda: check_console.renderables(report, inputs=True),
        markdown=lambda: markdown.check(report, banner),
        junit=lambda: junit.check(report, banner, strict=opts.strict),
        failed=report.exit_status(strict=opts.strict) != 0,
    )
