"""Verify a fresh session the way an integration would use it, concurrently with the
login without the token: identity, versions, limits, a query, the token signature."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from sfdoctor.check.lint import login_url_problem
from sfdoctor.diagnosis.classify import classify
from sfdoctor.diagnosis.findings import finding, from_match
from sfdoctor.diagnosis.knowledge import load
from sfdoctor.models import Check, Finding, Mark, Severity

if TYPE_CHECKING:
    from sfdoctor.check.options import CheckOptions
    from sfdoctor.probes.http import Transport
    from sfdoctor.probes.password import Login, Token
    from sfdoctor.probes.session import Call


LOW_API_REQUESTS = 0.10  # warn below 10% of the daily allocation


def verify_session(
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
        checks.append(session_check("identity", identity, ""))
    for name in ("identity", "versions", "limits", "query"):
        if name == "identity" and identity is not None:
            continue
        call = results.get(name)
        if call is None:
            checks.append(Check("session", name, Mark.SKIP, "not run: no API version to use"))
        elif call.ok:
            checks.append(session_check(name, call.data, version or ""))
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


def session_check(name: str, data: object, version: str) -> Check:
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


def signature_check(valid: bool | None, checks: list[Check], findings: list[Finding]) -> None:
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
