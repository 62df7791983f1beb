"""The password flows: OAuth username-password and SOAP ``login()``, with and without the
security token (the differential diagnosis of :mod:`sfdoctor.check.differential`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sfdoctor.check.differential import GENERIC, SOAP_GENERIC, decides, diagnose
from sfdoctor.check.flows.common import Run, Seen, attempt_record, first_login, linked, login_view
from sfdoctor.check.flows.verify import signature_check, verify_session
from sfdoctor.check.lint import token_like_tail
from sfdoctor.diagnosis.findings import finding
from sfdoctor.models import Attempt, Check, Mark, Secret

if TYPE_CHECKING:
    from sfdoctor.probes.password import Login, Token


def password_flow(run: Run) -> Seen:
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
        signature_check(pw.signature_valid(token, client_secret), run.checks, run.findings)

    return with_and_without_token(run, login, after_verify=signature)


def soap_flow(run: Run) -> Seen:
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

    seen = with_and_without_token(
        run, login, generic=SOAP_GENERIC, on_first=on_first, issued="session issued"
    )
    run.checks.extend(expired)  # after the login lines it qualifies
    return seen._replace(soap_version=version)


def with_and_without_token(
    run: Run,
    login: Callable[[str], Login],
    *,
    generic: frozenset[str] = GENERIC,
    on_first: Callable[[Login], dict[str, str] | None] | None = None,
    after_verify: Callable[[Token], None] | None = None,
    issued: str = "access token issued",
) -> Seen:
    """The differential of the password flows: password + token, then (concurrently with
    the session checks) the password alone, within the attempt budget."""
    opts, settings, checks, findings = run.opts, run.settings, run.checks, run.findings
    token_given = bool(settings.security_token.text)
    password = settings.password.text
    first, early, offered = first_login(run, lambda: login(password + settings.security_token.text))
    run.attempts.append(
        attempt_record(
            "password + security token" if token_given else "password", token_given, first
        )
    )
    first_view = login_view(first, run.kb, issued)
    second_login = (
        (lambda: login(password))
        if token_given and opts.max_attempts >= 2 and not decides(first_view, generic)
        else None
    )

    second: Login | None = None
    judged = False
    if first.token is not None:
        identity = on_first(first) if on_first is not None else None
        run.progress(
            "checking the session" + (" and logging in without the token" if second_login else "")
        )
        second, judged = verify_session(
            opts,
            run.transport,
            first.token,
            checks,
            findings,
            second_login,
            early_version=early,
            early_offered=offered,
            identity=identity,
        )
        if after_verify is not None:
            after_verify(first.token)
    elif second_login is not None:
        run.progress(f"logging in to {run.login_url} without the token")
        second = second_login()
    if second is not None:
        run.attempts.append(attempt_record("password only", False, second))

    host_warning = next((f for f in run.linted if f.cause == "wrong_login_host"), None)
    login_checks, login_findings = diagnose(
        first_view,
        login_view(second, run.kb, issued) if second is not None else None,
        token_given=token_given,
        host_warning=host_warning,
        generic=generic,
        password_tail=None if token_given else token_like_tail(password),
        password_length=len(password),
    )
    if host_warning is not None and any(f.cause == host_warning.cause for f in login_findings):
        findings.remove(host_warning)  # promoted to the error that explains the refusal
    checks.extend(linked(login_checks, login_findings))
    findings.extend(login_findings)
    lockout = lockout_line(run.attempts)
    if lockout is not None:
        checks.append(lockout)
    return Seen(offered, version_judged=judged)


def _maybe_sent(a: Attempt) -> bool:
    """True for a login that got no answer but may have reached Salesforce: a timeout, an
    answer cut short, a connection dropped; not one that never connected (DNS, refused, a
    timeout while connecting)."""
    if a.outcome != "error" or a.status is not None:
        return False
    if a.error == "timeout":
        # requests' ConnectTimeout: no connection was made, so no request was sent.
        said = a.error_description or ""
        return "ConnectTimeoutError" not in said and "connect timeout=" not in said
    if a.error == "truncated":
        return True
    never = ("refused", "Failed to establish", "NewConnectionError")
    return a.error == "connection" and not any(n in (a.error_description or "") for n in never)


def lockout_line(attempts: list[Attempt]) -> Check | None:
    """What the attempts cost toward the user's lockout: the refusals Salesforce answered,
    and the logins that got no answer but may still have counted."""
    refused = sum(a.outcome == "auth_failure" for a in attempts)
    unanswered = sum(_maybe_sent(a) for a in attempts)
    parts = []
    if refused:
        parts.append(
            f"{refused} refused login{'' if refused == 1 else 's'}: "
            f"{'it counts' if refused == 1 else 'each counts'} toward the user's lockout "
            "threshold (as low as 3)"
        )
    if unanswered:
        parts.append(
            f"no answer to {unanswered} login{'' if unanswered == 1 else 's'}: "
            f"{'it' if unanswered == 1 else 'they'} may still have reached Salesforce and "
            "counted toward the lockout threshold (as low as 3); Login History shows whether"
        )
    if not parts:
        return None
    return Check("login", "lockout", Mark.INFO, "; ".join(parts))
