"""``sfdoctor explain`` for people: the cause, why, what to do, links.

Every string that came from the user or a server goes into rich as plain ``Text``, never as
markup, so ``[bold]`` in a pasted error prints as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sfdoctor.diagnosis.knowledge import load
from sfdoctor.models import confirm_label
from sfdoctor.output.console import (
    action_for,
    closing_block,
    link,
    listing,
    marked,
    para,
    plural,
    to_string,
)

if TYPE_CHECKING:
    from sfdoctor.models import Cause, Explanation, Match


def _cause_block(entry: Cause, match: Match | None) -> list[Any]:
    from rich.text import Text

    kb = load()
    out: list[Any] = []
    kind = "fail" if str(entry.severity) == "error" else "warn"
    head = Text(entry.title, style="bold")
    head.append(f"  [{entry.id}", style="dim")
    if match is not None:
        head.append(f" \u00b7 {match.confidence} confidence", style="dim")
    head.append("]", style="dim")
    out.append(marked(kind, head))
    if match is not None:
        for line in match.evidence:
            out.append(para(Text.assemble(("Evidence: ", "dim"), line), 2))
        if note := kb.note(match.signature):
            out.append(para(Text.assemble(("Note: ", "bold"), note), 2))
    out.append(para(Text.assemble(("What it means: ", "bold"), entry.meaning), 2))
    out.append(para(Text.assemble(("Why: ", "bold"), entry.why), 2))
    out.extend(_retirements(entry.id))
    candidates = kb.candidates(entry.id, match.signature if match is not None else None)
    if candidates:
        out.append(para(Text("Candidates, most likely first:", style="bold"), 2))
        rows = [
            Text.assemble(
                f"{kb.causes[c.cause].title} ",
                (f"({c.cause})", "dim"),
                (f"\n{confirm_label(c.confirm)}: ", "dim"),
                c.confirm,
            )
            for c in candidates
        ]
        out.append(listing(rows, 4))
    out.append(para(Text("What to do:", style="bold"), 2))
    out.append(listing([Text(step) for step in entry.remediation], 4))
    for d in entry.discouraged:
        out.append(
            para(Text.assemble(("Not recommended: ", "yellow"), f"{d.option}. {d.reason}"), 4)
        )
    if entry.confirm:
        out.append(para(Text.assemble(("Confirm: ", "bold"), entry.confirm), 2))
    if entry.references:
        out.append(para(Text("Read more:", style="bold"), 2))
        out.extend(link(ref, 4) for ref in entry.references)
    return out


def _retirements(cause: str) -> list[Any]:
    """The retirement dates of ``cause`` and the days left (the table audit and the radar
    read), each with its source."""
    from rich.text import Text

    from sfdoctor.diagnosis.explain import retirements_document

    out: list[Any] = []
    for r in retirements_document(cause):
        n = r["days_left"]
        left = f"{plural(n, 'day')} left" if n >= 0 else f"passed {plural(-n, 'day')} ago"
        out.append(
            para(
                Text.assemble(
                    ("Retirement: ", "bold"),
                    f"{r['title']} \u2014 {r['when']} ",
                    (f"({left})", "bold"),
                ),
                2,
            )
        )
        out.append(link(r["source"], 4))
    return out


def renderables(explanation: Explanation) -> list[Any]:
    """The rich renderables of an explained error (shared with the file exports)."""
    from rich.text import Text

    kb = load()
    if not explanation.matches:
        return _dead_end(explanation.text)
    best, *rest = explanation.matches
    parts = _cause_block(kb.cause(best.cause), best)
    # A cause the answer already lists as a candidate (with what confirms it) is not
    # repeated as another possible cause.
    listed = {c.cause for c in kb.candidates(best.cause, best.signature)}
    rest = [m for m in rest if m.cause not in listed]
    if rest:
        parts.append(Text("Also possible:", style="bold"))
        for m in rest:
            parts.append(
                listing(
                    [
                        Text.assemble(
                            f"{kb.cause(m.cause).title} ",
                            (f"[{m.cause} \u00b7 {m.confidence}]", "dim"),
                        )
                    ],
                    2,
                    bullet="\u2022",
                )
            )
            for line in m.evidence:
                parts.append(para(Text.assemble(("Evidence: ", "dim"), line), 4))
    where = ["every step, the reasons and the references above"]
    if rest:
        where.insert(0, f"{plural(len(rest), 'other possible cause')} above")
    return parts + _closing(kb.cause(best.cause), " \u00b7 ".join(where))


def _closing(entry: Cause, where: str) -> list[Any]:
    kind = {"error": "fail", "warning": "warn"}.get(str(entry.severity), "info")
    return closing_block(
        kind, entry.title, entry.id, action_for(entry.id, entry.remediation), where
    )


def _dead_end(text: str) -> list[Any]:
    """No signature matched: the closest known texts, at low confidence, and what to collect."""
    from rich.text import Text

    from sfdoctor.diagnosis.explain import dead_end_document

    doc = dead_end_document(text)
    if doc["recognised"]:
        return _recognised(doc)
    out: list[Any] = [
        Text("? No known Salesforce signature in this text.", style="yellow"),
        para(
            Text(
                "sfdoctor knows the OAuth, SOAP, REST, Login History and Event Log File "
                "errors listed by `sfdoctor explain --list`."
            ),
            2,
        ),
    ]
    if doc["nearest"]:
        out.append(
            Text("Closest known texts (low confidence: shared words, not a match):", style="bold")
        )
        for n in doc["nearest"]:
            title = Text.assemble(
                f"{n['title']} ",
                (f"[{n['cause']} \u00b7 similarity {n['similarity']:.2f}]", "dim"),
            )
            out.append(listing([title], 2, bullet="\u2022"))
            out.append(para(Text.assemble(("seen: ", "dim"), n["text"]), 4))
            out.append(para(Text("source:", style="dim"), 4))
            out.append(link(n["source"], 6))  # whole, so that it stays a link
    out.append(Text("Collect next:", style="bold"))
    out.append(listing([Text(step) for step in doc["next_steps"]], 2))
    out.append(
        para(
            Text(
                "If this is a Salesforce error, report the (redacted) text on the sfdoctor "
                "repository's issue tracker (docs/causes.md says how)."
            ),
            2,
        )
    )
    where = "what to collect above \u00b7 every known cause: sfdoctor explain --list"
    if doc["nearest"]:
        where = "the closest known texts and " + where
    out += closing_block(
        "warn",
        "No known Salesforce error in this text",
        "",
        "Read this attempt's Status in Setup > Login History, then: sfdoctor explain 'STATUS'",
        where,
    )
    return out


def _recognised(doc: dict[str, Any]) -> list[Any]:
    """A text sfdoctor knows that is not a login failure it diagnoses: say what it is."""
    from rich.text import Text

    from sfdoctor.diagnosis.explain import LOOKALIKE_TEXT, known_text_headline

    headline = known_text_headline(doc["recognised"])
    intro = (
        "i A known look-alike, not a Salesforce login failure:"
        if headline == LOOKALIKE_TEXT
        else "i A known Salesforce text, but not a failure sfdoctor diagnoses:"
    )
    out: list[Any] = [Text(intro, style="cyan")]
    out += [para(Text(r["note"]), 2) for r in doc["recognised"]]
    # A success status, or another product's text: the failed attempt is elsewhere. A
    # failure status of a login sfdoctor does not diagnose: its note says what to do.
    elsewhere = headline == LOOKALIKE_TEXT or all(r.get("success") for r in doc["recognised"])
    action = (
        "If a login did fail, read that attempt's Status in Setup > Login History, then: "
        "sfdoctor explain 'STATUS'"
        if elsewhere
        else "What it is and what to do: the note above"
    )
    where = "what the text is: the note above" if elsewhere else ""
    out += closing_block("info", headline, "", action, where)
    return out


def input_block(excerpt: str) -> list[Any]:
    """The (redacted) text that was explained, as the report files quote it."""
    from rich.text import Text

    if not excerpt:
        return []
    return [
        Text("Input (redacted)", style="bold underline"),
        para(Text(excerpt, style="dim"), 2),
        Text(""),
    ]


def render(explanation: Explanation, *, color: bool = False, width: int | None = None) -> str:
    """The console text for an explained error."""
    return to_string(renderables(explanation), color=color, width=width)


def render_cause(entry: Cause, *, color: bool = False, width: int | None = None) -> str:
    """``explain --cause ID``: one knowledge-base entry."""
    out = _cause_block(entry, None) + _closing(
        entry, "every step, the reasons and the references above"
    )
    return to_string(out, color=color, width=width)


def render_list(entries: list[Cause], *, color: bool = False, width: int | None = None) -> str:
    """``explain --list``: every cause id with its title, grouped by category."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("cause")
    table.add_column("category", style="dim")
    table.add_column("title")
    for e in entries:
        table.add_row(Text(e.id), Text(e.category), Text(e.title))
    closing = closing_block(
        "info",
        f"{plural(len(entries), 'cause')} in the knowledge base",
        "",
        "",
        "one in full: sfdoctor explain --cause ID (--format json: all of them, whole)",
    )
    return to_string([table, *closing], color=color, width=width)
