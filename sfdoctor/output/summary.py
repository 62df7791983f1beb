"""The answer first: what a report says in its first ten seconds.

One :class:`Summary` per report: the verdict, the cause (title and id), the fix (the one the
console closes with), where and when, and the few lines that back it (the key checks, the
evidence, the causes by failures). It is read from the command's JSON document, the same
redacted data every report format renders, so the HTML summary card, the SVG summary screen
and the JSON report cannot disagree. Pure: a document in, a record (or rich renderables) out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sfdoctor.hosts import host_of, is_loopback
from sfdoctor.output.card import (
    ALSO,
    EVIDENCE_LINES,
    KEY_LINES,
    SIMULATED,
    Candidate,
    Line,
    Summary,
    also_lines,
    exit_fact,
    first_step,
    mark_of,
    when_fact,
)
from sfdoctor.output.summary_exports import audit_card, triage_card

if TYPE_CHECKING:
    from sfdoctor.output.banner import Banner


def summarize(document: dict[str, Any], banner: Banner) -> Summary | None:
    """The summary of a command's JSON document, or None for a document it does not know."""
    schema = str(document.get("schema", ""))
    if schema.startswith("sfdoctor.check/"):
        return _check(document, banner)
    if schema.startswith("sfdoctor.explain/"):
        return _explain(document, banner)
    if schema.startswith("sfdoctor.triage/"):
        return triage_card(document, banner)
    if schema.startswith("sfdoctor.audit/"):
        return audit_card(document, banner)
    return None


def _candidates(top: dict[str, Any] | None) -> tuple[Candidate, ...]:
    return tuple(
        Candidate(str(c.get("cause", "")), str(c.get("title", "")), str(c.get("confirm", "")))
        for c in (top or {}).get("candidates", [])[:ALSO]
    )


def _more_candidates(top: dict[str, Any] | None) -> int:
    return max(0, len((top or {}).get("candidates", [])) - ALSO)


def _fix(cause: str, steps: Any) -> str:
    """The card's fix: the one the console closes with (the cause's one-line action where
    the steps are the entry's own, else the first step), written whole. The entry's first
    step is often a warning ("Do not retry blindly"), not the fix."""
    from sfdoctor.output.console import action_for, one_line

    first = first_step(steps)
    action = action_for(cause, [str(x) for x in steps or ()])
    return first if first and action == one_line(first) else (action or first)


def _check(doc: dict[str, Any], banner: Banner) -> Summary:
    verdict = str(doc.get("verdict", "fail"))
    findings: list[dict[str, Any]] = list(doc.get("findings", []))
    checks: list[dict[str, Any]] = list(doc.get("checks", []))
    inputs = {str(i.get("name")): str(i.get("value", "")) for i in doc.get("inputs", [])}
    login_url = str(doc.get("login_url", ""))
    simulated = is_loopback(host_of(login_url))
    facts = [("Where", f"{login_url} \u2014 {SIMULATED}" if simulated else login_url)]
    if inputs.get("username") and inputs["username"] != "(not set)":
        facts.append(("User", inputs["username"]))
    identity = next(
        (c for c in checks if c.get("name") == "identity" and c.get("status") == "ok"), None
    )
    if identity is not None:
        facts.append(("Identity", str(identity.get("summary", ""))))
    facts += [
        ("Flow", str(doc.get("flow", ""))),
        when_fact(banner),
        exit_fact(doc.get("exit_code")),
    ]
    named = [f for f in findings if f.get("severity") != "info"]
    top = named[0] if named else None
    if top is not None:
        headline, cause = str(top.get("title", "")), str(top.get("cause", ""))
        detail = f"{top.get('severity')} \u00b7 {top.get('confidence', 'high')} confidence"
        fix = _fix(cause, top.get("remediation"))
    else:
        worked = any(a.get("outcome") == "ok" for a in doc.get("attempts", []))
        headline = "No problem found" + (": the login works from here" if worked else "")
        cause = detail = fix = ""
    key = _key_checks(checks)
    others = [f for f in findings if f is not top]
    return Summary(
        verdict=verdict,
        label=verdict.upper(),
        headline=headline,
        cause=cause,
        detail=detail,
        fix=fix,
        facts=tuple(facts),
        simulated=simulated,
        key_title="Key checks",
        key=key,
        more=len(checks) - len(key),
        also=also_lines(others),
        more_also=max(0, len(others) - ALSO),
        also_title="Also found" if any(f.get("severity") != "info" for f in others) else "Notes",
        candidates=_candidates(top),
        more_candidates=_more_candidates(top),
        closing=f"{verdict.upper()}: {doc.get('summary', '')}",
    )


def _key_checks(checks: list[dict[str, Any]]) -> tuple[Line, ...]:
    """Every failed or warning check, then the others in report order, up to
    :data:`KEY_LINES` (failures and warnings are never left out)."""
    bad = [i for i, c in enumerate(checks) if c.get("status") in ("fail", "warn")]
    room = max(0, KEY_LINES - len(bad))
    rest = [i for i, c in enumerate(checks) if i not in bad][:room]
    keep = sorted(bad + rest)
    return tuple(
        Line(str(checks[i].get("status", "info")), str(checks[i].get("name", "")),
             str(checks[i].get("summary", "")))
        for i in keep
    )  # fmt: skip


def _explain(doc: dict[str, Any], banner: Banner) -> Summary:
    matches: list[dict[str, Any]] = list(doc.get("matches", []))
    facts = [("Where", "offline: the pasted text (nothing was sent anywhere)"), when_fact(banner)]
    known = list(doc.get("recognised", []))
    if not matches and known:
        from sfdoctor.diagnosis.explain import LOOKALIKE_TEXT, known_text_headline

        headline = known_text_headline(known)
        return Summary(
            verdict="ok" if all(k.get("success") for k in known) else "inconclusive",
            label="KNOWN TEXT",
            headline=headline,
            fix=str(known[0].get("note", "")),
            fix_label="What it is",
            facts=(*facts, exit_fact(3)),
            key_title="",
            key=(),
            closing=(
                "Known look-alike: what it is, above."
                if headline == LOOKALIKE_TEXT
                else "Known Salesforce text: what it is, above."
            ),
        )
    if not matches:
        nearest = list(doc.get("nearest", []))
        return Summary(
            verdict="inconclusive",
            label="NOT RECOGNISED",
            headline="No known Salesforce error in this text",
            fix=first_step(doc.get("next_steps")),
            fix_label="Collect next",
            facts=(*facts, exit_fact(3)),
            key_title="Closest known texts (low confidence)" if nearest else "",
            key=tuple(
                Line("info", str(n.get("cause", "")), str(n.get("text", "")))
                for n in nearest[:ALSO]
            ),
            closing="Nothing recognised: collect the Login History status or the raw answer.",
        )
    top = matches[0]
    cause = str(top.get("cause", ""))
    if top.get("note"):
        facts.insert(0, ("Note", str(top["note"])))
    if top.get("confirm"):
        facts.append(("Confirm", str(top["confirm"])))
    listed = {str(c.get("cause")) for c in top.get("candidates", [])}
    evidence = [str(e) for e in top.get("evidence", [])]
    from sfdoctor.diagnosis.classify import OTHER_HOST, UNNAMED_HOST

    if other := next((e for e in evidence if e.startswith((OTHER_HOST, UNNAMED_HOST))), None):
        facts.insert(0, ("Caution", other[0].upper() + other[1:]))
    return Summary(
        verdict=mark_of(str(top.get("severity", "error")))
        if top.get("severity") != "info"
        else "ok",
        label=_found(str(top.get("confidence", "")), cause),
        headline=str(top.get("title", "")),
        cause=cause,
        detail=f"{top.get('severity', 'error')} \u00b7 {top.get('confidence')} confidence",
        fix=_fix(cause, top.get("remediation")),
        facts=(*facts, exit_fact(0)),
        key_title="Evidence",
        key=tuple(Line("info", "", e) for e in evidence[:EVIDENCE_LINES]),
        more=max(0, len(evidence) - EVIDENCE_LINES),
        also=also_lines(rest := [m for m in matches[1:] if str(m.get("cause")) not in listed]),
        more_also=max(0, len(rest) - ALSO),
        also_title="Could also be",
        candidates=_candidates(top),
        more_candidates=_more_candidates(top),
        closing=f"Every step, with the reasons: sfdoctor explain --cause {cause}",
    )


def _found(confidence: str, cause: str) -> str:
    """The card's badge: a cause named at low or medium confidence is not claimed as found."""
    if cause == "ambiguous_auth_failure":
        return "SEVERAL CAUSES"
    return {"high": "CAUSE FOUND", "medium": "LIKELY CAUSE"}.get(confidence, "POSSIBLE CAUSE")


# --- the summary screen (the SVG report) -----------------------------------------------------


def screen(document: dict[str, Any], banner: Banner, console: Callable[[], list[Any]]) -> list[Any]:
    """What the SVG report shows: for ``check`` (and ``demo``), the summary screen
    (:func:`renderables`), not the whole log.

    ``explain`` and ``triage`` get the card, then their console report (``console()``),
    which is short already (one cause explained; the summary of an export: totals, causes,
    the users, addresses and applications behind them). A document with no known summary
    gets the console report under the banner, as before.
    """
    s = summarize(document, banner)
    if s is None:
        return [*banner.renderables(), *console()]
    if str(document.get("schema", "")).startswith("sfdoctor.check/"):
        return renderables(s, banner)
    from rich.rule import Rule

    return [*renderables(s, banner, card_only=True), Rule(style="dim"), *console()]


_STYLE = {"ok": "green", "warn": "yellow", "fail": "red", "inconclusive": "magenta"}


def renderables(s: Summary, banner: Banner, *, card_only: bool = False) -> list[Any]:
    """The summary as rich renderables: the banner, the card, then (unless ``card_only``)
    the key lines, the other findings and the closing line: about 40 lines at most, at 100
    columns."""
    from rich.table import Table
    from rich.text import Text

    from sfdoctor.output.console import MARK, STYLE, para

    colour = _STYLE.get(s.verdict, "red")
    card = Table.grid(padding=(0, 2))
    card.add_column(no_wrap=True, style="bold")
    card.add_column()
    head = Text(s.headline, style="bold")
    if s.simulated:
        head.append("  (simulated org)", style="cyan")
    card.add_row(Text(f" {s.label} ", style=f"bold reverse {colour}"), head)
    if s.cause or s.detail:
        card.add_row("", Text(" \u00b7 ".join(p for p in (s.cause, s.detail) if p), style="dim"))
    if s.fix:
        card.add_row(Text(s.fix_label, style=f"bold {colour}"), Text(s.fix))
    if s.candidates:
        ranked = Text("most likely first: ", style="dim")
        for n, c in enumerate(s.candidates):
            ranked.append(", " if n else "")
            ranked.append(c.cause)
        if s.more_candidates:
            ranked.append(f" (+{s.more_candidates} more below)", style="dim")
        card.add_row(Text("Candidates", style="dim"), ranked)
    for name, value in s.facts:
        card.add_row(Text(name, style="dim"), Text(value))
    out: list[Any] = [*banner.renderables(), card]
    if card_only:
        return out
    out.append(Text(""))
    if s.key:
        out.append(Text(s.key_title, style="bold underline"))
        for line in s.key:
            mark = "-" if line.mark == "skip" else MARK.get(line.mark, MARK["info"])
            body = Text.assemble((f"{mark} ", STYLE.get(line.mark, "cyan")))
            if line.name:
                body.append(line.name, style="bold")
                body.append("  ")
            body.append(line.text)
            out.append(para(body, 2))
        if s.more:
            out.append(para(Text(f"\u2026 and {s.more} more in the full report", style="dim"), 2))
    if s.also:
        out += [Text(""), Text(s.also_title, style="bold underline")]
        for line in s.also:
            out.append(
                para(
                    Text.assemble(
                        (f"{MARK.get(line.mark, MARK['info'])} ", STYLE.get(line.mark, "cyan")),
                        line.text,
                        (f"  ({line.name})", "dim"),
                    ),
                    2,
                )
            )
        if s.more_also:
            more = f"\u2026 and {s.more_also} more in the full report"
            out.append(para(Text(more, style="dim"), 2))
    if s.closing:
        out += [Text(""), Text(s.closing, style=f"bold {colour}")]
    return out
