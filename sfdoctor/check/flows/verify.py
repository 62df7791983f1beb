"""Verify a fresh session the way an integration would use it, concurrently with the
login without the token: identity, versions, limits, a query, the token signature."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from sfdoctor.check.flows.common import Pending
from sfdoctor.check.lint import login_url_problem
from sfdoctor.check.radar import judge_version
from sfdoctor.diagnosis.classify import classify
from sfdoctor.diagnosis.findings import finding, from_match
from sfdoctor.diagnosis.knowledge import load
from sfdoctor.models import Check, Finding, Mark, Severity

if TYPE_CHECKING:
    from sfdoctor.check.flows.common import Run
    from sfdoctor.check.options import CheckOptions
    from sfdoctor.probes.http import Transport
    from sfdoctor.probes.password import Login, Token
    from sfdoctor.probes.session import Call


LOW_API_REQUESTS = 0.10  # warn below 10% of the daily allocation


def verify_one_login(
    run: Run, name: str, summary: str, token: Token, early: str | None, offered: Any
) -> bool:
    """A one-login flow (JWT bearer, client credentials) that got a token: the login's check,
    then the session checks (:func:`verify_session`, no second login). Whether the version
    was judged against a list."""
    run.checks.append(Check("login", name, Mark.OK, summary))
    _, judged = verify_session(
        run.opts,
        run.transport,
        token,
        run.checks,
        run.findings,
        None,
        early_version=early,
        early_offered=offered,
    )
    return judged


def verify_session(
    opts: CheckOptions,
    transport: Transport,
    token: Token,
    checks: list[Check],
    findings: list[Finding],
    second_login: Callable[[], Login] | None,
    *,
    early_version: str | None = None,
    early_offered: Any = None,
    identity: Mapping[str, str] | None = None,
) -> tuple[Login | None, bool]:
    """The without-token login and the session checks, concurrently: one round trip.

    Limits and the query run on ``--api-version``, else on the newest version the login
    host listed (``early_offered``); a version is used only once a list offers it: never
    one the org does not (:func:`~sfdoctor.check.radar.judge_version`). When the instance
    turns out not to offer it (another release than the login host), or the login host did
    not say, they wait for the instance's own list, a round trip later. ``identity``: who
    logged in, when the login itself said so (SOAP ``login()``: no identity URL).

    Returns the second login (or None) and whether the API version was found retired or
    not offered (the radar then says nothing more of it).
    """
    from sfdoctor.probes import session

    problem = login_url_problem(token.instance_url) or (
        login_url_problem(token.id) if token.id else None
    )
    pending = Pending(second_login) if second_login else None
    calls: dict[str, Pending[Call]] = {}
    asked = opts.api_version
    soql = opts.query or session.DEFAULT_QUERY
    refused: tuple[str, str] | None = None
    version = None
    offered: Any = None

    def use(v: str) -> str:
        calls["limits"] = Pending(session.limits, transport, token, v)
        calls["query"] = Pending(session.query, transport, token, v, soql)
        return v

    if not problem:
        if identity is None:
            calls["identity"] = Pending(session.identity, transport, token)
        calls["versions"] = Pending(session.versions, transport, token)
        if asked:
            # NOTE: judged against the login host's list first, so the checks can start
            # now; the instance's own list has the last word below.
            if session.offers(early_offered, asked):
                version = use(asked)
        elif early_version:
            version = use(early_version)
        offered = calls["versions"].result().data
        if not session.newest_version(offered):
            offered = early_offered  # the instance did not list: the login host's list
        if asked:
            refused = judge_version(asked, offered)
            if refused is not None:
                version = None
                calls.pop("limits", None)
                calls.pop("query", None)
            elif version is None:
                version = use(asked)
        elif not session.offers(offered, version or ""):
            # The instance is on another release than the login host: follow it.
            version = session.newest_version(offered)
            calls.pop("limits", None)
            calls.pop("query", None)
            if version:
                use(version)
    results = {name: p.result() for name, p in calls.items()}
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
        return second, False
    kb = load()
    if identity is not None:
        checks.append(session_check("identity", identity, ""))
    for name in ("identity", "versions", "limits", "query"):
        if name == "identity" and identity is not None:
            continue
        call = results.get(name)
        if name == "versions" and refused is not None:
            cause, why = refused
            checks.append(
                Check("session", "API versions", Mark.FAIL, why.removeprefix("API "), cause)
            )
            newest = session.newest_version(offered)
            fix = (
                (
                    f"Use a version the org offers: --api-version {newest} (its newest), "
                    "or leave --api-version out and sfdoctor uses the newest; then pin the "
                    "integration's client to it.",
                )
                if newest
                else ()
            )
            findings.append(finding(cause, [why], extra_remediation=fix))
        elif call is None:
            why = f"the org does not offer v{asked}" if refused else "no API version to use"
            checks.append(Check("session", _NAMES[name], Mark.SKIP, f"not run: {why}"))
        elif call.ok:
            checks.append(session_check(name, call.data, version or "", asked=bool(asked)))
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
    return second, refused is not None


# The report's name for each session check.
_NAMES = {
    "identity": "identity",
    "versions": "API versions",
    "limits": "API limits",
    "query": "SOQL query",
}


def session_check(name: str, data: object, version: str, *, asked: bool = False) -> Check:
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
        from sfdoctor.probes.session import newest_version, offers

        newest = newest_version(data)
        if not newest or not offers(data, version):
            return Check("session", "API versions", Mark.OK, f"using v{version}")
        how = f"as asked; the org offers up to v{newest}" if asked else "the newest the org offers"
        return Check("session", "API versions", Mark.OK, f"using v{version} ({how})")
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
    return Check("session", "SOQL query", Mark.OK, f"{rows} row{'' if rows == 1 else 's'} returned")


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
