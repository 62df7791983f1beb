"""Classify a Login History status or an Event Log File ``LOGIN_STATUS`` code into a cause.

The same classifier as ``explain`` decides; this module only says which family a status
belongs to, and which statuses mean success.
"""

from __future__ import annotations

import re

from sfdoctor.diagnosis.classify import classify, recognised
from sfdoctor.diagnosis.knowledge import KnowledgeBase
from sfdoctor.models import Clue, Family

SUCCESS = "success"
"""The cause slot of a successful login (``Success``, ``LOGIN_NO_ERROR``)."""
_SUCCESS_STATUSES = frozenset({"success", "succeeded", "login_no_error"})
_API_CODE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")


def status_cause(status: str, kb: KnowledgeBase) -> tuple[str | None, str]:
    """The cause id and confidence of one Login History status or ELF ``LOGIN_STATUS`` code.

    The cause is :data:`SUCCESS` for a successful login, None when the knowledge base does
    not know the status. Classified by the same classifier as ``explain``: an API code as an
    Event Log File code (then as any API code: ``LOGIN_CHALLENGE_ISSUED`` is a SOAP code
    too), anything else as a Login History status.
    """
    s = status.strip()
    if s.lower() in _SUCCESS_STATUSES:
        return SUCCESS, "high"
    if not s:
        return None, ""
    if _API_CODE.fullmatch(s):
        matches = classify([Clue(Family.ELF, s, "", None, "LOGIN_STATUS")], kb) or classify(
            [Clue(Family.FAULT, s, "", None, "LOGIN_STATUS")], kb
        )
    else:
        matches = classify([Clue(Family.LOGIN_HISTORY, None, s, None, "Status")], kb)
    if not matches:
        return None, ""
    return matches[0].cause, str(matches[0].confidence)


def status_note(status: str, kb: KnowledgeBase) -> str:
    """What a status the knowledge base knows but no cause covers is (a UI-only refusal, a
    policy, another service): the note ``explain`` prints for it; empty for any other."""
    known = recognised([Clue(Family.TEXT, None, status.strip(), None, "Status")], kb)
    return known[0].note if known else ""
