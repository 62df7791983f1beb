"""The ``sfdoctor.explain/1`` JSON document. Standard library only (start-up budget)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sfdoctor.diagnosis.knowledge import load

if TYPE_CHECKING:
    from sfdoctor.models import Cause, Explanation, Match

SCHEMA = "sfdoctor.explain/1"


def cause_document(entry: Cause) -> dict[str, Any]:
    """One knowledge-base entry as JSON (``explain --cause ID --format json``)."""
    kb = load()
    doc: dict[str, Any] = {
        "cause": entry.id,
        "title": entry.title,
        "category": entry.category,
        "severity": str(entry.severity),
        "explanation": f"{entry.meaning} {entry.why}",
        "remediation": entry.remediation_lines(),
        "confirm": entry.confirm,
        "references": list(entry.references),
    }
    if entry.candidates:
        doc["candidates"] = [
            {"cause": c.cause, "title": kb.causes[c.cause].title, "confirm": c.confirm}
            for c in entry.candidates
        ]
    if entry.aliases:
        doc["aliases"] = list(entry.aliases)
    return doc


def match_document(match: Match) -> dict[str, Any]:
    """One ranked match: the cause entry plus how sure and why."""
    doc = cause_document(load().cause(match.cause))
    return {
        "cause": doc.pop("cause"),
        "confidence": str(match.confidence),
        "title": doc.pop("title"),
        "explanation": doc.pop("explanation"),
        "remediation": doc.pop("remediation"),
        "references": doc.pop("references"),
        "evidence": list(match.evidence),
        "signature": match.signature,
        "family": str(match.family),
        **doc,
    }


def explanation_document(explanation: Explanation) -> dict[str, Any]:
    """The whole result: family of the best match and every match, best first."""
    family = explanation.family
    return {
        "schema": SCHEMA,
        "family": str(family) if family else None,
        "matches": [match_document(m) for m in explanation.matches],
    }


def render(explanation: Explanation) -> str:
    """The JSON text, indented, ending in a newline."""
    return json.dumps(explanation_document(explanation), indent=2, ensure_ascii=False) + "\n"


def render_causes(entries: list[Cause]) -> str:
    """``explain --list`` / ``--cause`` as JSON."""
    docs = [cause_document(e) for e in entries]
    body: Any = {"schema": SCHEMA, "causes": docs}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
