"""The differential diagnosis of the password logins (DESIGN.md, "What check does"): the
OAuth username-password flow and SOAP ``login()``.

Pure: two login observations in (with and without the security token), findings and report
lines out. The matrix:

    with token   without token   finding
    ok           ok              healthy; this network is trusted (keep the token for elsewhere)
    ok           auth failure    healthy; the token is required here and it works
    auth failure ok              security_token_invalid (stale token; trusted network only)
    auth failure auth failure    the body's cause, or ambiguous_auth_failure with candidates
    (no token)   ok              trusted_network_only: fails from any other network
    (no token)   auth failure    the body's cause, or security_token_required (most likely)

SOAP ``login()`` names more than OAuth: ``INVALID_LOGIN`` with the token appended, then
``LOGIN_MUST_USE_SECURITY_TOKEN`` without it, means the password is right and the token is not
(security_token_invalid).
"""

from __future__ import annotations

from typing import NamedTuple

from sfdoctor.diagnosis.findings import finding, from_match
from sfdoctor.diagnosis.knowledge import load
from sfdoctor.models import Check, Finding, Mark, Match, Severity

# An OAuth answer naming one of these leaves nothing for a second attempt to learn.
_GENERIC = frozenset({"ambiguous_auth_failure", "security_token_required"})
GENERIC = _GENERIC
"""The causes whose answer a login without the token can still refine (OAuth flows)."""
SOAP_GENERIC = _GENERIC | {"invalid_credentials"}
"""For SOAP ``login()``, ``INVALID_LOGIN`` ("Invalid username, password, security token; or
user locked out") is the generic answer too: with a token appended it cannot tell a wrong
password from a stale token, which the login without the token can."""


class LoginView(NamedTuple):
    """What the differential needs of one attempt."""

    kind: str
    """``ok``, ``auth_failure`` or ``error``."""
    matches: tuple[Match, ...]
    summary: str
    """One line for the report: status and error, already redacted."""


def decides(view: LoginView, generic: frozenset[str] = GENERIC) -> bool:
    """True when this failed attempt already names a cause a second login cannot change."""
    if view.kind == "error":
        return True
    if view.kind != "auth_failure":
        return False
    return bool(view.matches) and view.matches[0].cause not in generic


def _failure_findings(view: LoginView, prefix: str) -> list[Finding]:
    if view.matches:
        return [from_match(view.matches[0], prefix=prefix)]
    return [finding("unknown", [f"{prefix}{view.summary}"], confidence="low")]


def diagnose(
    first: LoginView,
    second: LoginView | None,
    *,
    token_given: bool,
    host_warning: Finding | None = None,
    generic: frozenset[str] = GENERIC,
) -> tuple[list[Check], list[Finding]]:
    """Report lines for the login stage and the findings the attempts support.

    ``generic``: the causes a with-token refusal may name and still be refined by the
    login without the token (:data:`SOAP_GENERIC` for SOAP ``login()``).
    """
    checks: list[Check] = []
    findings: list[Finding] = []
    first_label = "login with password + security token" if token_given else "login with password"
    mark = {"ok": Mark.OK, "auth_failure": Mark.FAIL, "error": Mark.FAIL}[first.kind]
    checks.append(Check("login", first_label, mark, first.summary))
    if second is not None:
        # Refused without the token is the expected answer when the token works.
        mark = Mark.OK if second.kind != "error" else Mark.WARN
        checks.append(Check("login", "login with password only", mark, second.summary))

    if not token_given:
        if first.kind == "ok":
            findings.append(
                finding(
                    "trusted_network_only",
                    [
                        "no security token is configured and the login succeeded: this network is "
                        "trusted (Setup > Network Access) or this computer is activated",
                        "from CI, the cloud or any other network the same login will be refused",
                    ],
                )
            )
            checks.append(
                Check(
                    "trust",
                    "trusted network",
                    Mark.WARN,
                    "trusted: the login works here without a token",
                )
            )
        elif first.kind == "auth_failure" and not decides(first):
            findings.append(_token_required(first))
        else:
            findings.extend(_failure_findings(first, "login: "))
        return checks, _with_host_warning(findings, host_warning, first, generic)

    if first.kind == "ok":
        if second is None:
            checks.append(
                Check(
                    "trust",
                    "trusted network",
                    Mark.SKIP,
                    "not tested: the attempt budget allows one login",
                )
            )
        elif second.kind == "ok":
            checks.append(
                Check(
                    "trust",
                    "trusted network",
                    Mark.INFO,
                    "trusted: the password alone also works here; keep the token, "
                    "other networks need it",
                )
            )
        elif second.kind == "auth_failure":
            checks.append(
                Check(
                    "trust",
                    "trusted network",
                    Mark.OK,
                    "not trusted: the token is required here, and it works",
                )
            )
        return checks, findings

    if decides(first, generic) or second is None:
        findings.extend(_failure_findings(first, "login with token: "))
    elif second.kind == "ok":
        findings.append(
            finding(
                "security_token_invalid",
                [
                    f"password + security token refused: {first.summary}",
                    f"password alone accepted: {second.summary} (this network is trusted)",
                    "so the password is right and the appended token is not the user's current one",
                ],
            )
        )
    elif _password_right_token_wrong(first, second):
        findings.append(
            finding(
                "security_token_invalid",
                [
                    f"password + security token refused: {first.summary}",
                    f"password alone: {second.summary}",
                    "Salesforce asks for the token only once the password itself is right, "
                    "so the appended token is not the user's current one",
                ],
            )
        )
    elif second.kind == "auth_failure" and decides(second):
        findings.extend(_failure_findings(second, "login without token: "))
    else:
        findings.extend(_failure_findings(first, "login with token: "))
        if second.kind == "auth_failure":
            findings[-1] = findings[-1]._replace(
                evidence=(*findings[-1].evidence, f"login without token: {second.summary}")
            )
        else:
            findings.extend(_failure_findings(second, "login without token: "))
    return checks, _with_host_warning(findings, host_warning, first, generic)


def _password_right_token_wrong(first: LoginView, second: LoginView) -> bool:
    """SOAP: INVALID_LOGIN with the token, LOGIN_MUST_USE_SECURITY_TOKEN without it."""
    return (
        second.kind == "auth_failure"
        and bool(second.matches)
        and second.matches[0].cause == "security_token_required"
        and str(second.matches[0].confidence) == "high"
        and bool(first.matches)
        and first.matches[0].cause == "invalid_credentials"
    )


def _token_required(view: LoginView) -> Finding:
    """No token was given and Salesforce refused: most likely the token, not certainly."""
    kb = load()
    others = tuple(
        (c.cause, kb.causes[c.cause].title, c.confirm)
        for c in kb.causes["ambiguous_auth_failure"].candidates
        if c.cause not in ("security_token_required", "security_token_invalid")
    )
    evidence = [f"login without a security token refused: {view.summary}"]
    if view.matches and view.matches[0].cause == "security_token_required":
        return from_match(view.matches[0], prefix="login: ")._replace(
            evidence=(*evidence, *view.matches[0].evidence)
        )
    f = finding("security_token_required", evidence, confidence="medium")
    return f._replace(candidates=others)


def _with_host_warning(
    findings: list[Finding],
    warning: Finding | None,
    first: LoginView,
    generic_causes: frozenset[str] = GENERIC,
) -> list[Finding]:
    """A sandbox username on the production host explains a generic refusal best."""
    if warning is None or first.kind != "auth_failure":
        return findings
    generic = [f for f in findings if f.cause in generic_causes]
    if not generic:
        return findings
    promoted = warning._replace(
        severity=Severity.ERROR, evidence=(*warning.evidence, *generic[0].evidence)
    )
    return [promoted, *findings]
