"""Live evidence beats offline heuristics: the configuration lint's guesses, looked at again
once Salesforce has answered.

The lint warns on shapes (a token of an unusual length, a consumer key that does not start
with ``3MVG``, a sandbox-looking username on the production host), the network stage on a
clock skew that "would" break JWT assertions. A login that succeeded with that very value
contradicts the guess: its finding is withdrawn, and its report line stays as a note that
says why it no longer matters. Pure: lines, findings and attempts in, lines and findings out.
"""

from __future__ import annotations

from sfdoctor.models import Attempt, Check, Finding, Flow, Mark, Severity


def _contradicted(attempts: tuple[Attempt, ...] | list[Attempt], flow: str) -> dict[str, str]:
    """The lint warnings a successful login disproves, each with the reason."""
    worked = [a for a in attempts if a.outcome == "ok"]
    out: dict[str, str] = {}
    if any(a.with_token for a in worked):
        out["security_token_invalid"] = (
            "the login with this token succeeded, so Salesforce accepts it as it is"
        )
    if worked and str(flow) != Flow.SOAP:
        out["invalid_client_id"] = (
            "the login with this consumer key succeeded, so it is the connected app's"
        )
    if worked and str(flow) != Flow.CLIENT_CREDENTIALS:
        out["wrong_login_host"] = "the login at this host with this username succeeded"
    return out


def reconcile(
    checks: list[Check],
    findings: list[Finding],
    linted: tuple[Finding, ...],
    attempts: tuple[Attempt, ...] | list[Attempt],
    flow: str,
) -> tuple[list[Check], list[Finding]]:
    """``checks`` and ``findings`` without the lint warnings the attempts contradict; their
    configuration lines become notes naming the login that settled them."""
    reasons = _contradicted(attempts, flow)
    # (stage, line name) -> why, for each guess the attempts settled
    withdrawn = {
        ("configuration", f.cause): reasons[f.cause]
        for f in linted
        if f.severity is Severity.WARNING and f.cause in reasons
    }
    guesses = [f for f in linted if ("configuration", f.cause) in withdrawn]
    if str(flow) == Flow.JWT and any(a.outcome == "ok" for a in attempts):
        withdrawn[("network", "clock")] = (
            "the JWT bearer login succeeded, so Salesforce accepted the assertion's times"
        )
        guesses += [f for f in findings if f.cause == "jwt_assertion_invalid"]
    if not withdrawn:
        return checks, findings
    kept = [f for f in findings if not (f.severity is Severity.WARNING and f in guesses)]
    lines = []
    for c in checks:
        why = withdrawn.get((c.stage, c.name))
        if why is not None and c.mark is Mark.WARN:
            c = Check(c.stage, c.name, Mark.INFO, f"{c.summary}; no longer a concern: {why}")
        lines.append(c)
    return lines, kept
