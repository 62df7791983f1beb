"""The summary cards of the login-export commands: ``triage`` (what failed and why) and
``audit`` (which integrations the retirements break). Read from each command's JSON document,
like every card (:mod:`.card`). Pure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sfdoctor.output.card import (
    ALSO,
    KEY_LINES,
    Line,
    Summary,
    also_lines,
    exit_fact,
    first_step,
    mark_of,
    when_fact,
)

if TYPE_CHECKING:
    from sfdoctor.output.banner import Banner


def triage_card(doc: dict[str, Any], banner: Banner) -> Summary:
    code = doc.get("exit_code")
    verdict = {0: "ok", 1: "fail"}.get(code, "inconclusive") if isinstance(code, int) else "fail"
    findings: list[dict[str, Any]] = list(doc.get("findings", []))
    causes: list[dict[str, Any]] = list(doc.get("causes", []))
    named = [f for f in findings if f.get("severity") != "info"]
    top = named[0] if named else None
    facts = [("Source", f"{doc.get('source', '')} ({_kind(str(doc.get('kind', '')))})")]
    if doc.get("first_failure"):
        facts.append(("Failures", f"from {doc['first_failure']} to {doc.get('last_failure')}"))
    facts += [when_fact(banner), exit_fact(code)]
    if top is not None:
        headline, cause = str(top.get("title", "")), str(top.get("cause", ""))
        failed = top.get("failures")
        detail = f"{top.get('severity')} \u00b7 {top.get('confidence', 'high')} confidence" + (
            f" \u00b7 {failed} failed" if failed is not None else ""
        )
        fix = first_step(top.get("remediation"))
    else:
        headline = "No failed login in this export" if verdict == "ok" else "Failed logins"
        cause = detail = fix = ""
    key = tuple(
        Line(mark_of(str(c.get("severity", ""))), str(c.get("cause", "")),
             f"{c.get('failures')} failed \u00b7 {c.get('title', '')}")
        for c in causes[:KEY_LINES]
    )  # fmt: skip
    return Summary(
        verdict=verdict,
        label=verdict.upper(),
        headline=headline,
        cause=cause,
        detail=detail,
        fix=fix,
        facts=tuple(facts),
        key_title="Failures by cause" if key else "",
        key=key,
        more=max(0, len(causes) - KEY_LINES),
        also=also_lines(rest := [f for f in findings if f is not top]),
        more_also=max(0, len(rest) - ALSO),
        closing=str(doc.get("summary", "")),
    )


def _failing_now(integration: dict[str, Any]) -> bool:
    """As the console says it: a retirement has passed, or the first step says it fails
    now (SOAP login() at 65.0 or later; the org refusing the username-password flow)."""
    steps = integration.get("remediation") or []
    return any(int(h.get("days_left", 0)) < 0 for h in integration.get("retirements", [])) or (
        bool(steps) and str(steps[0]).startswith("Failing now")
    )


def _countdown(days: int) -> str:
    if days < 0:
        return f"passed {-days:,} day{'' if days == -1 else 's'} ago"
    return f"{days:,} day{'' if days == 1 else 's'} left"


def audit_card(doc: dict[str, Any], banner: Banner) -> Summary:
    """The card of ``audit``: how many integrations break and when, which to move first,
    and the integrations themselves (failing now first, as the report orders them)."""
    from sfdoctor.loginhistory.audit.summarize import NAMES

    integrations: list[dict[str, Any]] = list(doc.get("integrations", []))
    affected = [i for i in integrations if i.get("retirements")]
    failing = [i for i in affected if _failing_now(i)]
    n = len(integrations)
    facts = []
    sources = list(doc.get("sources", []))
    if sources:
        first = sources[0]
        more = f" and {len(sources) - 1:,} more" if len(sources) > 1 else ""
        facts.append(
            (
                "Read",
                f"{first.get('path', '')} ({_kind(str(first.get('kind', '')))}, "
                f"{first.get('rows', 0):,} rows){more}",
            )  # fmt: skip
        )
    facts += [("As of", str(doc.get("as_of", ""))), when_fact(banner)]
    facts.append(exit_fact(1 if affected else 0))

    def who(i: dict[str, Any]) -> str:
        return " · ".join(str(v) for v in (i.get("user"), i.get("application")) if v)

    if not affected:
        return Summary(
            verdict="ok",
            label="OK",
            headline=f"None of {n:,} integration{'' if n == 1 else 's'} uses anything "
            "Salesforce is retiring",
            facts=tuple(facts),
        )
    headline = f"{len(affected):,} of {n:,} integration{'' if n == 1 else 's'} will break"
    if failing:
        headline += f"; {len(failing):,} already failing"
    upcoming = [r for r in doc.get("retirements", []) if r.get("integrations") and
                int(r.get("days_left", 0)) >= 0]  # fmt: skip
    detail = ""
    if upcoming:
        soon = min(upcoming, key=lambda r: str(r.get("date", "")))
        name = NAMES.get(str(soon.get("id")), str(soon.get("id")))
        detail = f"next: {name} on {soon.get('date')} ({_countdown(int(soon['days_left']))})"
    first = affected[0]  # the report's order: failing now first, then the soonest
    hits = ", ".join(NAMES.get(str(h.get("id")), str(h.get("id"))) for h in first["retirements"])
    fix = f"{who(first) or 'the first integration below'}: {hits}" + (
        " (failing now)" if _failing_now(first) else ""
    )
    also = tuple(
        Line(
            "fail" if _failing_now(i) else "warn",
            ", ".join(NAMES.get(str(h.get("id")), str(h.get("id"))) for h in i["retirements"]),
            f"{who(i)} · {i.get('count', 0):,} rows"
            + (" · failing now" if _failing_now(i) else ""),
        )
        for i in affected[:KEY_LINES]
    )
    return Summary(
        verdict="fail",
        label="FAIL",
        headline=headline,
        detail=detail,
        fix=fix,
        fix_label="Move first",
        facts=tuple(facts),
        also=also,
        also_title="Integrations that will break, failing now and soonest first",
        more_also=max(0, len(affected) - KEY_LINES),
        closing="Each integration's steps are in the full report below and in --format json.",
    )


def _kind(kind: str) -> str:
    from sfdoctor.loginhistory.layouts import Kind

    try:
        return Kind(kind).label
    except ValueError:
        return kind
