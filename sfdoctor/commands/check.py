"""``sfdoctor check``: log in the way the integration does, and say why it fails.

Stages: configuration lint (offline) -> the network -> the login of the chosen ``--flow``
-> the session checks -> the diagnosis -> the deprecation radar -> the report. For the
password flows (OAuth username-password, SOAP ``login()``) the login runs with the token,
then, concurrently with the session checks, without it (the differential diagnosis); the
JWT bearer and client credentials flows log in once. Network code lives in
:mod:`sfdoctor.probes` (one module per flow); the reasoning in :mod:`sfdoctor.differential`
and :mod:`sfdoctor.radar`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO, assert_never

from sfdoctor import __version__
from sfdoctor.classify import classify
from sfdoctor.config import Secret, Settings, load_settings, mask
from sfdoctor.differential import GENERIC, SOAP_GENERIC, LoginView, decides, diagnose
from sfdoctor.errors import UsageError
from sfdoctor.findings import finding, from_match
from sfdoctor.knowledge import KnowledgeBase, load
from sfdoctor.lint import lint, login_url_problem
from sfdoctor.models import Family, Flow, Severity
from sfdoctor.redact import Redactor
from sfdoctor.report import Attempt, Check, Finding, Input, Mark, Report

if TYPE_CHECKING:
    from sfdoctor.output import ReportSource
    from sfdoctor.probes.http import Transport
    from sfdoctor.probes.jwt import Assertion
    from sfdoctor.probes.password import Login, Token
    from sfdoctor.probes.session import Call

LOW_API_REQUESTS = 0.10  # warn below 10% of the daily allocation
JWT_CLOCK_BEHIND = 120
"""Seconds Salesforce's clock may lag before a JWT's exp (now + 180 s) is further ahead
than the few minutes Salesforce accepts (INFERRED from "within three minutes")."""
STAGES = ("configuration", "network", "login", "trust", "session", "radar")
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
    flow: str = Flow.PASSWORD
    """``--flow``: a :class:`~sfdoctor.models.Flow` value."""


def _inputs(settings: Settings, flow: Flow = Flow.PASSWORD) -> tuple[Input, ...]:
    out = []
    for field in _SHOWN[flow]:
        s = getattr(settings, field)
        source = f"{s.source} ({s.origin})" if s.origin else s.source
        out.append(Input(_LABELS[field], mask(s.value), source, isinstance(s.value, Secret)))
    return tuple(out)


def _attempt_summary(login: Login, issued: str = "access token issued") -> str:
    """One line for an attempt: status, time, and Salesforce's answer (already redacted)."""
    from sfdoctor.probes.http import TransportError

    outcome = login.outcome
    if isinstance(outcome, TransportError):
        return f"no answer ({outcome.kind}) after {outcome.elapsed_ms} ms: {outcome.message}"
    text = f"HTTP {outcome.status} in {outcome.elapsed_ms} ms"
    if login.token is not None:
        return f"{text}: {issued}"
    said = _refusal(login)
    if said is not None:
        message = said.message
        if said.family is Family.SOAP and len(message) > 120:  # fault texts run long
            message = message[:119].rstrip() + "\u2026"
        return f'{text}: {said.code}: "{message}"'
    other = next(iter(login.clues), None)
    return f"{text}: {other.code} {other.message[:120]}" if other else text


def _refusal(login: Login) -> Any:
    """The clue carrying Salesforce's refusal: the OAuth error or the SOAP fault."""
    return next((c for c in login.clues if c.family in (Family.OAUTH, Family.SOAP)), None)


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
    said = _refusal(login)
    return Attempt(
        label,
        with_token,
        outcome.url,
        login.kind,
        outcome.status,
        said.code if said else None,
        said.message if said else None,
        outcome.elapsed_ms,
    )


class _Run(NamedTuple):
    """One run's shared state: the flows read it and append to its three lists."""

    opts: CheckOptions
    settings: Settings
    login_url: str
    transport: Transport
    kb: KnowledgeBase
    checks: list[Check]
    findings: list[Finding]
    attempts: list[Attempt]
    linted: tuple[Finding, ...]
    """The configuration's findings (a warning among them may explain a refusal)."""


class _Seen(NamedTuple):
    """What a flow learned that the radar needs."""

    offered: Any = None
    """The login host's ``/services/data/`` answer (its API versions)."""
    soap_version: str | None = None
    """The version SOAP ``login()`` was called at."""


def execute(
    opts: CheckOptions,
    settings: Settings,
    *,
    trace: Callable[[str], None] | None = None,
    redactor: Redactor | None = None,
) -> Report:
    """Run every stage for ``settings`` and return the report (no output, no exit status).

    ``redactor`` (default: one for the settings' secrets) scrubs the ``trace``; it learns
    the secrets met on the way (access tokens, the JWT private key).
    """
    from sfdoctor.probes.http import Transport

    flow = Flow(opts.flow)
    kb = load()
    generated = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    login_url = settings.login_url.text.strip().rstrip("/").removesuffix("/services/oauth2/token")
    linted = lint(settings, flow)
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
            str(flow),
            _inputs(settings, flow),
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

    from sfdoctor.network import preflight

    net = preflight(login_url, timeout=opts.timeout, trace=trace)
    checks.extend(net.checks)
    findings.extend(net.findings)
    if net.blocking:  # the connection is not fit to carry credentials: send none
        return report()

    redactor = redactor or Redactor(settings.secrets())
    transport = Transport(timeout=opts.timeout, redactor=redactor, trace=trace)
    run = _Run(
        opts, settings, login_url, transport, kb, checks, findings, attempts, linted.findings
    )
    seen: _Seen | None
    match flow:
        case Flow.PASSWORD:
            seen = _password_flow(run)
        case Flow.SOAP:
            seen = _soap_flow(run)
        case Flow.JWT:
            seen = _jwt_flow(run)
        case Flow.CLIENT_CREDENTIALS:
            seen = _client_credentials_flow(run)
        case _:
            assert_never(flow)
    if seen is None:  # stopped before sending anything (a key that cannot sign)
        return report()

    from sfdoctor import radar

    radar_checks, radar_findings = radar.scan(
        flow,
        login_url=login_url,
        api_version=opts.api_version,
        soap_version=seen.soap_version,
        offered=seen.offered,
    )
    checks.extend(radar_checks)
    findings.extend(radar_findings)
    return report()


def _first_login(run: _Run, login: Callable[[], Login]) -> tuple[Login, str | None, Any]:
    """The first login, the login host's versions fetched alongside, then the clock check.

    The login host lists its API versions to anyone: asking while the first login is in
    flight lets the session checks start a round trip earlier. Returns the login, the
    newest version listed, and the whole list (for the radar).
    """
    from sfdoctor.network import clock_check
    from sfdoctor.probes import session
    from sfdoctor.probes.http import HttpAnswer

    with ThreadPoolExecutor(max_workers=1) as pool:
        early_versions = pool.submit(session.login_host_versions, run.transport, run.login_url)
        first = login()
        offered = early_versions.result().data
    if isinstance(first.outcome, HttpAnswer):
        clock = clock_check(first.outcome.headers)
        run.checks.extend(clock.checks)
        run.findings.extend(clock.findings)
    return first, session.newest_version(offered), offered


def _view(login: Login, kb: KnowledgeBase, issued: str = "access token issued") -> LoginView:
    return LoginView(login.kind, classify(login.clues, kb), _attempt_summary(login, issued))


def _password_flow(run: _Run) -> _Seen:
    """The OAuth 2.0 username-password flow, with and without the token."""
    from sfdoctor.probes import password as pw

    settings = run.settings
    client_secret = settings.client_secret.value
    assert isinstance(client_secret, Secret)  # lint guarantees it is set

    def login(secret: str) -> Login:
        return pw.password_login(
            run.transport,
            run.login_url,
            client_id=settings.client_id.text,
            client_secret=client_secret,
            username=settings.username.text,
            password=Secret(secret),
        )

    def signature(token: Token) -> None:
        _signature_check(pw.signature_valid(token, client_secret), run.checks, run.findings)

    return _with_and_without_token(run, login, after_verify=signature)


def _soap_flow(run: _Run) -> _Seen:
    """SOAP ``login()`` with and without the token; the session id then used on REST."""
    from sfdoctor.probes import soap

    settings = run.settings
    version = soap.login_version(run.opts.api_version)
    results: list[soap.LoginResult | None] = []
    expired: list[Check] = []

    def login(secret: str) -> Login:
        attempt, result = soap.soap_login(
            run.transport,
            run.login_url,
            username=settings.username.text,
            password=Secret(secret),
            api_version=version,
        )
        results.append(result)
        return attempt

    def on_first(first: Login) -> dict[str, str] | None:
        # Called before the second login is sent: results[0] is the first one's.
        result = results[0] if results else None
        if result is None:
            return None
        if result.password_expired:
            expired.append(
                Check(
                    "login",
                    "password expiry",
                    Mark.FAIL,
                    "login() answered passwordExpired = true",
                    "password_expired",
                )
            )
            run.findings.append(
                finding(
                    "password_expired",
                    [
                        "SOAP login() succeeded with passwordExpired = true: every API call "
                        "fails until the password is changed interactively"
                    ],
                )
            )
        return {
            "username": result.username or settings.username.text,
            "user_id": result.user_id or "?",
            "organization_id": result.organization_id or "?",
        }

    seen = _with_and_without_token(
        run, login, generic=SOAP_GENERIC, on_first=on_first, issued="session issued"
    )
    run.checks.extend(expired)  # after the login lines it qualifies
    return seen._replace(soap_version=version)


def _with_and_without_token(
    run: _Run,
    login: Callable[[str], Login],
    *,
    generic: frozenset[str] = GENERIC,
    on_first: Callable[[Login], dict[str, str] | None] | None = None,
    after_verify: Callable[[Token], None] | None = None,
    issued: str = "access token issued",
) -> _Seen:
    """The differential of the password flows: password + token, then (concurrently with
    the session checks) the password alone, within the attempt budget."""
    opts, settings, checks, findings = run.opts, run.settings, run.checks, run.findings
    token_given = bool(settings.security_token.text)
    password = settings.password.text
    first, early, offered = _first_login(
        run, lambda: login(password + settings.security_token.text)
    )
    run.attempts.append(
        _attempt_record(
            "password + security token" if token_given else "password", token_given, first
        )
    )
    first_view = _view(first, run.kb, issued)
    second_login = (
        (lambda: login(password))
        if token_given and opts.max_attempts >= 2 and not decides(first_view, generic)
        else None
    )

    second: Login | None = None
    if first.token is not None:
        identity = on_first(first) if on_first is not None else None
        second = _verify(
            opts,
            run.transport,
            first.token,
            checks,
            findings,
            second_login,
            early_version=early,
            identity=identity,
        )
        if after_verify is not None:
            after_verify(first.token)
    elif second_login is not None:
        second = second_login()
    if second is not None:
        run.attempts.append(_attempt_record("password only", False, second))

    host_warning = next((f for f in run.linted if f.cause == "wrong_login_host"), None)
    login_checks, login_findings = diagnose(
        first_view,
        _view(second, run.kb, issued) if second is not None else None,
        token_given=token_given,
        host_warning=host_warning,
        generic=generic,
    )
    if host_warning is not None and any(f.cause == host_warning.cause for f in login_findings):
        findings.remove(host_warning)  # promoted to the error that explains the refusal
    checks.extend(_linked(login_checks, login_findings))
    findings.extend(login_findings)
    refused = sum(a.outcome != "ok" for a in run.attempts)
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
    return _Seen(offered)


def _once_findings(view: LoginView) -> list[Finding]:
    """The findings of a single refused login (JWT bearer, client credentials)."""
    if view.matches:
        return [from_match(view.matches[0], prefix="login: ")]
    return [finding("unknown", [f"login: {view.summary}"], confidence="low")]


def _enriched(f: Finding, evidence: list[str], remediation: tuple[str, ...] = ()) -> Finding:
    """``f`` with what this run knows added: evidence after, remediation before its own."""
    return f._replace(evidence=(*f.evidence, *evidence), remediation=(*remediation, *f.remediation))


def _jwt_flow(run: _Run) -> _Seen | None:
    """The JWT bearer flow: sign the assertion, log in once, verify the session."""
    from sfdoctor.probes import jwt as jwt_probe

    settings, checks = run.settings, run.checks
    path = settings.jwt_key_file.text
    audience = jwt_probe.audience_for(run.login_url)
    try:
        key = jwt_probe.read_key(path)
        _learn_key(run.transport.redactor, key)
        assertion = jwt_probe.sign(
            key,
            client_id=settings.client_id.text.strip(),
            username=settings.username.text.strip(),
            audience=audience,
        )
    except jwt_probe.KeyProblem as exc:
        checks[:] = [c for c in checks if c.name != "configuration"]  # not "well-formed"
        checks.append(
            Check(
                "configuration",
                "private key",
                Mark.FAIL,
                f"SF_JWT_KEY_FILE: {exc}",
                "config_missing",
            )
        )
        run.findings.append(finding("config_missing", [f"SF_JWT_KEY_FILE ({path}): {exc}"]))
        return None
    claims = assertion.claims
    checks.append(
        Check(
            "login",
            "JWT assertion",
            Mark.INFO,
            f"RS256; iss = SF_CLIENT_ID, sub = {claims.sub}, aud = {claims.aud}, "
            f"exp = {jwt_probe.LIFETIME} s after signing",
        )
    )
    first, early, offered = _first_login(
        run, lambda: jwt_probe.jwt_login(run.transport, run.login_url, assertion)
    )
    received = time.time()
    run.attempts.append(_attempt_record("JWT bearer assertion", False, first))
    view = _view(first, run.kb)
    name = "login with JWT bearer assertion"
    if first.token is not None:
        checks.append(Check("login", name, Mark.OK, view.summary))
        _verify(
            run.opts, run.transport, first.token, checks, run.findings, None, early_version=early
        )
        return _Seen(offered)
    from sfdoctor.probes.http import HttpAnswer

    skew = (
        jwt_probe.server_skew(first.outcome.headers, received)
        if isinstance(first.outcome, HttpAnswer)
        else None
    )
    found = _once_findings(view)
    found[0] = _explain_jwt(found[0], run, assertion, skew)
    checks.append(Check("login", name, Mark.FAIL, view.summary, found[0].cause))
    run.findings.extend(found)
    return _Seen(offered)


def _learn_key(redactor: Redactor, key: Secret) -> None:
    """Teach the redactor the private key: whole, and each line of its body."""
    text = key.reveal()
    redactor.add(text.strip())
    for line in text.splitlines():
        if len(line.strip()) >= 16 and not line.startswith("-----"):
            redactor.add(line.strip())


def _explain_jwt(f: Finding, run: _Run, assertion: Assertion, skew: float | None) -> Finding:
    """What this run knows about a refused JWT login, added to its finding."""
    from sfdoctor import hosts
    from sfdoctor.probes.jwt import LIFETIME, PRODUCTION_AUDIENCE, SANDBOX_AUDIENCE

    claims = assertion.claims
    host = hosts.host_of(run.login_url)
    if f.cause == "jwt_assertion_invalid":
        decisive = False
        if skew is None:
            clock = "clock: not measured (the answer had no Date header)"
        elif abs(skew) <= 30:
            clock = (
                f"clock: this machine and Salesforce agree within {abs(skew):.0f} s "
                "(the answer's Date header): not the cause"
            )
        elif skew >= LIFETIME:
            decisive = True
            clock = (
                f"clock: Salesforce's clock is {skew:.0f} s ahead of this machine's (the "
                "answer's Date header): by Salesforce's clock the assertion had expired "
                "before it was sent"
            )
        elif skew <= -JWT_CLOCK_BEHIND:
            decisive = True
            clock = (
                f"clock: Salesforce's clock is {-skew:.0f} s behind this machine's (the "
                "answer's Date header): by Salesforce's clock the assertion's exp lies "
                "further ahead than the few minutes it accepts"
            )
        else:
            way = "behind" if skew > 0 else "ahead of"
            clock = (
                f"clock: this machine is {abs(skew):.0f} s {way} Salesforce's (the answer's "
                "Date header); synchronise it (NTP) if the rest checks out"
            )
        reasons = [
            "certificate: the connected app must hold the certificate of the key in "
            f"SF_JWT_KEY_FILE (public key SHA-256 {assertion.key_sha256})",
            f"iss = {claims.iss}: must be this connected app's consumer key",
            f"sub = {claims.sub}: must be the username of an active user of the org "
            f"behind {host} (a sandbox username carries the sandbox suffix)",
            f"exp = {claims.exp} ({LIFETIME} s after signing, by this machine's clock)",
        ]
        reasons = [clock, *reasons] if decisive else [*reasons, clock]
        fixes = [
            "Compare the certificate on the app with the signing key: "
            "openssl x509 -in <the certificate uploaded to the app> -pubkey -noout | "
            "openssl pkey -pubin -outform DER | openssl dgst -sha256 must print "
            f"{assertion.key_sha256}; if it does not, upload the certificate made from "
            f"{run.settings.jwt_key_file.text} (App Manager > (app) > Edit > Use digital "
            "signatures)."
        ]
        if decisive:
            fixes.insert(
                0,
                "Synchronise this machine's clock (NTP: timedatectl set-ntp true on Linux, "
                "w32tm /resync on Windows; a container takes its host's clock), then run "
                "sfdoctor check --flow jwt again.",
            )
        return _enriched(f, ["the likely reasons, most likely first:", *reasons], tuple(fixes))
    if f.cause == "wrong_login_host":
        sandbox = claims.aud == SANDBOX_AUDIENCE
        other = PRODUCTION_AUDIENCE if sandbox else SANDBOX_AUDIENCE
        fix = (
            "If the org is production, log in at https://login.salesforce.com or its My "
            "Domain (https://MyDomainName.my.salesforce.com): sfdoctor then sends aud = "
            f"{other}."
            if sandbox
            else "If the org is a sandbox, log in at https://test.salesforce.com (--sandbox) "
            "or its My Domain (https://MyDomainName--SandboxName.sandbox.my.salesforce.com): "
            f"sfdoctor then sends aud = {other}."
        )
        return _enriched(
            f,
            [
                f"aud = {claims.aud}, chosen from the login URL {run.login_url} "
                f"({'a sandbox' if sandbox else 'not a sandbox'} host)"
            ],
            (fix,),
        )
    if f.cause == "app_not_approved":
        return _enriched(
            f,
            [
                f"sub = {claims.sub} is not pre-authorized for the app whose consumer key is "
                "SF_CLIENT_ID, and the JWT bearer flow has no consent screen to approve it on"
            ],
        )
    if f.cause == "ip_restricted":
        return _enriched(
            f,
            [
                "the JWT bearer flow always enforces the profile's Login IP Ranges, whatever "
                "the connected app's IP Relaxation policy; a trusted network does not help"
            ],
        )
    if f.cause == "invalid_client_id":
        return _enriched(f, [f"iss = {claims.iss} is not a consumer key of this org"])
    return f


def _client_credentials_flow(run: _Run) -> _Seen:
    """The client credentials flow at the My Domain: one login as the app's Run As user."""
    from sfdoctor.probes import client_credentials as cc
    from sfdoctor.probes import password as pw

    settings, checks = run.settings, run.checks
    client_secret = settings.client_secret.value
    assert isinstance(client_secret, Secret)  # lint guarantees it is set
    first, early, offered = _first_login(
        run,
        lambda: cc.client_credentials_login(
            run.transport,
            run.login_url,
            client_id=settings.client_id.text,
            client_secret=client_secret,
        ),
    )
    run.attempts.append(_attempt_record("client credentials", False, first))
    view = _view(first, run.kb)
    name = "login with client credentials"
    if first.token is not None:
        checks.append(Check("login", name, Mark.OK, view.summary))
        _verify(
            run.opts, run.transport, first.token, checks, run.findings, None, early_version=early
        )
        _signature_check(pw.signature_valid(first.token, client_secret), checks, run.findings)
        return _Seen(offered)
    found = _once_findings(view)
    extra = {
        "wrong_login_host": "the client credentials flow is served only at the org's My "
        f"Domain token endpoint; {run.login_url} is not one",
        "client_credentials_user_missing": "the connected app names no Run As user for the "
        "client credentials flow, so there is nobody to issue the token for",
        "invalid_client_secret": "SF_CLIENT_SECRET is not this connected app's consumer secret",
        "invalid_client_id": "SF_CLIENT_ID is not the consumer key of a connected app of this "
        "org (or a new app has not propagated yet: allow about 10 minutes)",
    }.get(found[0].cause)
    fix = (
        (
            "Set SF_LOGIN_URL (or --login-url) to the org's My Domain, "
            "https://MyDomainName.my.salesforce.com (Setup > My Domain shows it), and run "
            "sfdoctor check --flow client-credentials again.",
        )
        if found[0].cause == "wrong_login_host"
        else ()
    )
    if extra:
        found[0] = _enriched(found[0], [extra], fix)
    checks.append(Check("login", name, Mark.FAIL, view.summary, found[0].cause))
    run.findings.extend(found)
    return _Seen(offered)


def _verify(
    opts: CheckOptions,
    transport: Transport,
    token: Token,
    checks: list[Check],
    findings: list[Finding],
    second_login: Callable[[], Login] | None,
    *,
    early_version: str | None = None,
    identity: Mapping[str, str] | None = None,
) -> Login | None:
    """The without-token login and the session checks, concurrently: one round trip.

    Limits and the query run on ``--api-version``, else on the newest version the login
    host listed; only when the instance turns out not to offer it (or the login host did
    not say) do they wait for the instance's own list, a round trip later. ``identity``:
    who logged in, when the login itself said so (SOAP ``login()``: no identity URL).
    """
    from sfdoctor.probes import session

    problem = login_url_problem(token.instance_url) or (
        login_url_problem(token.id) if token.id else None
    )
    with ThreadPoolExecutor(max_workers=5) as pool:
        pending: Future[Login] | None = pool.submit(second_login) if second_login else None
        calls: dict[str, Future[Call]] = {}
        version = opts.api_version or early_version
        soql = opts.query or session.DEFAULT_QUERY

        def use(v: str) -> None:
            calls["limits"] = pool.submit(session.limits, transport, token, v)
            calls["query"] = pool.submit(session.query, transport, token, v, soql)

        if not problem:
            if identity is None:
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
    if identity is not None:
        checks.append(_session_check("identity", identity, ""))
    for name in ("identity", "versions", "limits", "query"):
        if name == "identity" and identity is not None:
            continue
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
    """One finding per cause (the most severe, the first among equals), errors before
    warnings before notes."""
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    best: dict[str, Finding] = {}
    for f in findings:
        kept = best.get(f.cause)
        if kept is None or order[f.severity] < order[kept.severity]:
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
    from sfdoctor import output

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
    targets = output.prepare(opts.reports)
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
