"""What the login flows share: the run's state, attempt records, the first login."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

from sfdoctor.check.config import Settings
from sfdoctor.check.differential import LoginView
from sfdoctor.diagnosis.classify import classify
from sfdoctor.diagnosis.findings import finding, from_match
from sfdoctor.diagnosis.knowledge import KnowledgeBase
from sfdoctor.models import Attempt, Check, Family, Finding, Mark, Severity
from sfdoctor.probes import join

if TYPE_CHECKING:
    from sfdoctor.check.options import CheckOptions
    from sfdoctor.probes.http import Transport
    from sfdoctor.probes.password import Login


T = TypeVar("T")


def _quiet(step: str) -> None:
    pass


class Pending(Generic[T]):
    """``fn(*args)`` running in a daemon thread; :meth:`result` waits for it.

    NOTE: not a ThreadPoolExecutor: its workers are joined when its block ends and again
    when the interpreter exits, so Ctrl-C against a server that never answers waited for
    every worker's ``--timeout``. A daemon thread holds nothing up: an interrupted run
    ends at once, and the request still in flight ends with the process.
    """

    def __init__(self, fn: Callable[..., T], *args: Any) -> None:
        self._box: list[tuple[bool, Any]] = []

        def work() -> None:
            try:
                self._box.append((True, fn(*args)))
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
                self._box.append((False, exc))

        self._thread = threading.Thread(target=work, name="sfdoctor-check", daemon=True)
        self._thread.start()

    def result(self) -> T:
        """The value ``fn`` returned (its exception raised here). Ctrl-C interrupts the wait."""
        join(self._thread)  # in slices: Ctrl-C may reach another thread first
        ok, value = self._box[0]
        if not ok:
            raise value
        result: T = value
        return result


class Run(NamedTuple):
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
    progress: Callable[[str], None] = _quiet
    """Told what the run waits for next ("logging in to ..."): the terminal's status line."""


class Seen(NamedTuple):
    """What a flow learned that the radar needs."""

    offered: Any = None
    """The login host's ``/services/data/`` answer (its API versions)."""
    soap_version: str | None = None
    """The version SOAP ``login()`` was called at."""
    version_judged: bool = False
    """The session checks found ``--api-version`` retired or not offered."""


def attempt_summary(login: Login, issued: str = "access token issued") -> str:
    """One line for an attempt: status, time, and Salesforce's answer (already redacted)."""
    from sfdoctor.probes.http import TransportError

    outcome = login.outcome
    if isinstance(outcome, TransportError):
        return f"no answer ({outcome.kind}) after {outcome.elapsed_ms} ms: {outcome.message}"
    text = f"HTTP {outcome.status} in {outcome.elapsed_ms} ms"
    if login.token is not None:
        return f"{text}: {issued}"
    said = refusal(login)
    if said is not None:
        message = said.message
        if said.family is Family.SOAP and len(message) > 120:  # fault texts run long
            message = message[:119].rstrip() + "\u2026"
        return f'{text}: {said.code}: "{message}"'
    other = next(iter(login.clues), None)
    return f"{text}: {other.code} {other.message[:120]}" if other else text


def refusal(login: Login) -> Any:
    """The clue carrying Salesforce's refusal: the OAuth error or the SOAP fault."""
    return next((c for c in login.clues if c.family in (Family.OAUTH, Family.SOAP)), None)


def attempt_record(label: str, with_token: bool, login: Login) -> Attempt:
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
    said = refusal(login)
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


def first_login(run: Run, login: Callable[[], Login]) -> tuple[Login, str | None, Any]:
    """The first login, the login host's versions fetched alongside, then the clock check.

    The login host lists its API versions to anyone: asking while the first login is in
    flight lets the session checks start a round trip earlier. Returns the login, the
    newest version listed, and the whole list (for the radar).
    """
    from sfdoctor.check.network import clock_check
    from sfdoctor.probes import session
    from sfdoctor.probes.http import HttpAnswer

    run.progress(f"logging in to {run.login_url}")
    early_versions = Pending(session.login_host_versions, run.transport, run.login_url)
    first = login()
    offered = early_versions.result().data
    if isinstance(first.outcome, HttpAnswer):
        clock = clock_check(first.outcome.headers)
        run.checks.extend(clock.checks)
        run.findings.extend(clock.findings)
    return first, session.newest_version(offered), offered


def login_view(login: Login, kb: KnowledgeBase, issued: str = "access token issued") -> LoginView:
    return LoginView(login.kind, classify(login.clues, kb), attempt_summary(login, issued))


def once_findings(view: LoginView) -> list[Finding]:
    """The findings of a single refused login (JWT bearer, client credentials)."""
    if view.matches:
        return [from_match(view.matches[0], prefix="login: ")]
    return [finding("unknown", [f"login: {view.summary}"], confidence="low")]


def enriched(f: Finding, evidence: list[str], remediation: tuple[str, ...] = ()) -> Finding:
    """``f`` with what this run knows added: evidence after, remediation before its own."""
    return f._replace(evidence=(*f.evidence, *evidence), remediation=(*remediation, *f.remediation))


def linked(checks: list[Check], findings: list[Finding]) -> list[Check]:
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
