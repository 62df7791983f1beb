"""The differential diagnosis of the password logins (DESIGN.md, "What check does"): the
OAuth username-password flow and SOAP ``login()``.

Pure: two login observations in (with and without the security token), findings and report
lines out. The matrix:

    with token   without token   finding
    ok           ok              healthy; this network is trusted (keep the token for elsewhere)
    ok           auth failure    healthy; the token is required here and it works
    auth failure ok              security_token_invalid (stale token; trusted network only)
    auth failure auth failure    the body's cause, or ambiguous_auth_failure with candidates
    (no token)   ok              trusted_network_only: fails from any other network, unless
                                 the password already carries the token (both said, medium)
    (no token)   auth failure    the body's cause, or security_token_required (most likely)

SOAP ``login()`` names more than OAuth: ``INVALID_LOGIN`` with the token appended, then
``LOGIN_MUST_USE_SECURITY_TOKEN`` without it, means the password is right and the token is not
(security_token_invalid); ``INVALID_LOGIN`` on both attempts says only that something is
wrong: the finding lists the candidates Login History tells apart.

A refused login is never a tick: expected (without the token, when the token works), it is
a neutral note that says so; otherwise it is part of the failure.
"""

from __future__ import annotations

from typing import NamedTuple

from sfdoctor.diagnosis.findings import finding, from_match
from sfdoctor.diagnosis.knowledge import load
from sfdoctor.models import Check, Family, Finding, Mark, Match, Severity

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


def _failure_findings(view: LoginView, prefix: str, *, token_given: bool = True) -> list[Finding]:
    if view.matches:
        found = from_match(view.matches[0], prefix=prefix)
        if _invalid_login(view):
            found = _ambiguous_invalid_login(found, view.matches[0], token_given=token_given)
        return [found]
    return [finding("unknown", [f"{prefix}{view.summary}"], confidence="low")]


def _invalid_login(view: LoginView | None) -> bool:
    """A SOAP ``INVALID_LOGIN`` refusal (not an OAuth one, not a more specific fault)."""
    return (
        view is not None
        and view.kind == "auth_failure"
        and bool(view.matches)
        and view.matches[0].cause == "invalid_credentials"
        and view.matches[0].family is Family.SOAP
    )


# The candidates of a bare INVALID_LOGIN when the knowledge base lists none of its own.
_INVALID_LOGIN = (
    ("invalid_credentials", "Invalid Password (no row at all: the username is not on this host)"),
    ("security_token_invalid", "Failed: API security token required, or Invalid Password"),
    ("user_locked_out", "Password Lockout"),
    ("user_inactive", "User is Inactive"),
)


def _ambiguous_invalid_login(found: Finding, match: Match, *, token_given: bool) -> Finding:
    """``INVALID_LOGIN`` names no single cause: "Invalid username, password, security token,
    user not active, or user locked out". The finding lists the candidates the attempts
    leave, each with the Login History status that confirms it, at medium confidence."""
    kb = load()
    listed = tuple((c.cause, c.confirm) for c in kb.candidates(match.cause, match.signature))
    if len(listed) < 2:
        listed = _INVALID_LOGIN
    # A token was appended: "token required" is out; none was: a stale one is out.
    ruled_out = "security_token_required" if token_given else "security_token_invalid"
    candidates = tuple(
        (cause, kb.causes[cause].title, confirm)
        for cause, confirm in listed
        if cause != ruled_out and cause in kb.causes
    )
    return found._replace(
        title="Refused with INVALID_LOGIN: the username, password or token, or the user's "
        "state (locked out, inactive)",
        confidence="medium" if found.confidence == "high" else found.confidence,
        candidates=candidates,
        evidence=(
            *found.evidence,
            "INVALID_LOGIN reads 'Invalid username, password, security token, user not "
            "active, or user locked out': it does not say which; Login History does",
        ),
        remediation=(
            "Before another attempt, ask an administrator for Setup > Login History (this "
            "user, these attempts): its Status names the cause; each candidate above lists "
            "the status that confirms it.",
            *found.remediation,
        ),
    )


def diagnose(
    first: LoginView,
    second: LoginView | None,
    *,
    token_given: bool,
    host_warning: Finding | None = None,
    generic: frozenset[str] = GENERIC,
    password_tail: int | None = None,
    password_length: int = 0,
) -> tuple[list[Check], list[Finding]]:
    """Report lines for the login stage and the findings the attempts support.

    ``generic``: the causes a with-token refusal may name and still be refined by the
    login without the token (:data:`SOAP_GENERIC` for SOAP ``login()``). With no token
    configured, ``password_tail`` is the length of the token the password may end with
    (:func:`~sfdoctor.check.lint.token_like_tail`), ``password_length`` its length.
    """
    checks: list[Check] = []
    findings: list[Finding] = []
    first_label = "login with password + security token" if token_given else "login with password"
    mark = {"ok": Mark.OK, "auth_failure": Mark.FAIL, "error": Mark.FAIL}[first.kind]
    checks.append(Check("login", first_label, mark, first.summary))
    if second is not None:
        checks.append(_second_line(first, second))

    if not token_given:
        if first.kind == "ok":
            findings.append(no_token_needed(password_tail, password_length))
            checks.append(
                Check(
                    "trust",
                    "trusted network",
                    Mark.WARN,
                    "not known: the login works without a separate token, so this network "
                    "is trusted, or the password already carries the token",
                    "trusted_network_only",
                )
            )
        elif first.kind == "auth_failure" and not decides(first):
            findings.append(_token_required(first))
        else:
            findings.extend(_failure_findings(first, "login: ", token_given=False))
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
    elif _invalid_login(first) and _invalid_login(second):
        found = _failure_findings(first, "login with token: ")[0]
        findings.append(
            found._replace(evidence=(*found.evidence, f"login without token: {second.summary}"))
        )
    elif second.kind == "auth_failure" and decides(second):
        findings.extend(_failure_findings(second, "login without token: "))
    else:
        findings.extend(_failure_findings(first, "login with token: "))
        if second.kind == "auth_failure":
            findings[-1] = _both_refused(findings[-1], second)
        else:
            findings.extend(_failure_findings(second, "login without token: "))
    return checks, _with_host_warning(findings, host_warning, first, generic)


# What the second refusal rules out when a token was appended to the first: a missing token
# (one was sent: a wrong one is security_token_invalid), and a password that already ends with
# the token (the login with the password alone would then have carried it, and worked).
_RULED_OUT_BY_BOTH = frozenset({"security_token_required", "token_in_password"})


def _both_refused(found: Finding, second: LoginView) -> Finding:
    """The with-token refusal's finding once the login without the token was refused too:
    its evidence says so, and the candidates the two refusals rule out are gone."""
    return found._replace(
        evidence=(*found.evidence, f"login without token: {second.summary}"),
        candidates=tuple(c for c in found.candidates if c[0] not in _RULED_OUT_BY_BOTH),
    )


def _second_line(first: LoginView, second: LoginView) -> Check:
    """The line of the login without the token. Its mark is the outcome's: a refusal is
    never a tick; expected (the token works and is needed here), it is a neutral note
    saying so; after a refused first login, it is part of the failure."""
    name = "login with password only"
    if second.kind == "ok":
        return Check("login", name, Mark.OK, second.summary)
    if second.kind == "error":
        return Check("login", name, Mark.WARN, second.summary)
    if first.kind == "ok":
        return Check(
            "login",
            name,
            Mark.INFO,
            "refused, as expected from an untrusted network (the token is needed here): "
            + second.summary,
        )
    return Check("login", name, Mark.FAIL, second.summary)


def no_token_needed(tail: int | None, length: int) -> Finding:
    """No token configured and the login succeeded: two explanations remain, and nothing
    sfdoctor saw tells them apart. The password may already end with the token (the
    simple-salesforce and Data Loader habit: the integration then works from anywhere), or
    this network is trusted (it fails from anywhere else). The one the password's shape
    favours comes first; neither is certain, and a reset is never the first step: it would
    invalidate a token the password may carry."""
    kb = load()
    carried = (
        "token_in_password",
        "The password already carries the security token (SF_PASSWORD holds both)",
        "Success, from any network: set the token apart in SF_SECURITY_TOKEN to tell",
    )
    trusted = (
        "trusted_network_only",
        "This network is trusted (or this computer is activated)",
        "Success, from a Source IP inside a Setup > Network Access range",
    )
    both = (
        "two explanations remain: (a) SF_PASSWORD already ends with the security token "
        "(password + token in one value, as simple-salesforce, Data Loader and many .env "
        "files keep it): then the integration works from any network; (b) this network is "
        "trusted (Setup > Network Access) or this computer is activated: then the same login "
        "is refused from CI, the cloud or any other network"
    )
    evidence = [
        "no security token is configured (SF_SECURITY_TOKEN unset) and the login with "
        "the password alone succeeded",
        both,
    ]
    split = (
        f"Tell the two apart without a reset: move the last {tail or 24} characters of "
        "SF_PASSWORD (25 for some tokens) into SF_SECURITY_TOKEN, keeping only the password "
        "in SF_PASSWORD, and run sfdoctor check again: it then logs in with and without "
        "the token and says whether this network is trusted."
    )
    elsewhere = (
        "Run sfdoctor check from the host the integration really runs on (CI runner, "
        "server, container): a password that carries the token works there too; a trusted "
        "network does not travel."
    )
    history = (
        "Or ask an administrator for Setup > Login History: the row of this login gives its "
        "Source IP; when a range in Setup > Network Access contains it, this network is "
        "trusted."
    )
    no_reset = (
        "Do not reset the security token to find out: a reset invalidates the token the "
        "password may already carry, and breaks the integration everywhere."
    )
    if tail is not None:
        evidence.append(
            f"the last {tail} characters of SF_PASSWORD are letters and digits, as a "
            "security token's 24 (or 25) are, and more comes before them; so (a) is the "
            "more likely"
        )
        title = (
            "No separate security token: the password likely carries it "
            "(or this network is trusted)"
        )
        candidates = (carried, trusted)
        steps = [split, elsewhere, history, no_reset]
    else:
        shape = (
            "is too short to hold a password and a 24-character token"
            if length <= 24
            else "does not end with 24 letters and digits, as a security token would"
        )
        evidence.append(f"SF_PASSWORD {shape}; so (b) is the more likely")
        title = (
            "Works without a security token: this network is trusted "
            "(or the password carries the token)"
        )
        candidates = (trusted, carried)
        steps = [elsewhere, history, split, no_reset]
    steps.append(
        "Once (b) is confirmed and no other integration of this user relies on the current "
        "token: get it (personal settings > Reset My Security Token emails a new one) and "
        "set SF_SECURITY_TOKEN wherever the integration runs."
    )
    entry = kb.cause("trusted_network_only")
    long_term = [r for r in entry.remediation if r.startswith("Long term")]
    steps.extend(long_term)
    steps.extend(f"Not recommended: {d.option}. {d.reason}" for d in entry.discouraged)
    f = finding("trusted_network_only", evidence, confidence="medium")
    return f._replace(title=title, candidates=candidates, remediation=tuple(steps))


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
        # No token was appended, so neither a stale one nor one appended twice.
        if c.cause not in ("security_token_required", "security_token_invalid", "token_in_password")
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
