"""The ``sfdoctor.explain/1`` JSON text (the document itself is built beside the classifier,
:mod:`sfdoctor.diagnosis.explain`). Standard library only (start-up budget)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sfdoctor.diagnosis.explain import SCHEMA, cause_document, explanation_document
from sfdoctor.output.safe_text import json_text

if TYPE_CHECKING:
    from sfdoctor.models import Cause, Explanation


def render(explanation: Explanation) -> str:
    """The JSON text, indented, ending in a newline."""
    return json_text(explanation_document(explanation)) + "\n"


def render_causes(entries: list[Cause]) -> str:
    """``explain --list`` / ``--cause`` as JSON."""
    docs = [cause_document(e) for e in entries]
    body: Any = {"schema": SCHEMA, "causes": docs}
    return json_text(body) + "\n"
