"""Explain a pasted text: cut it to what is searched, redact it, classify it, and build the
``sfdoctor.explain/1`` document from the knowledge base.

Pure and offline; the public :func:`sfdoctor.explain` and ``sfdoctor explain`` both come here.
The document is data (the knowledge base's words for each match); turning it into JSON text
is the renderer's (:mod:`sfdoctor.output.explain_json`).
"""

from __future__ import annotations

from sfdoctor.diagnosis.classify import classify
from sfdoctor.diagnosis.evidence import MAX_SCAN, clues_from_text, decode, normalize
from sfdoctor.diagnosis.knowledge import load
from sfdoctor.models import Explanation, NamedTuple
from sfdoctor.redaction import redact

# NOTE: typing and datetime are not imported at run time (start-up budget, bench/startup.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime as dt
    from typing import Any

    from sfdoctor.models import Cause, Clue, Match

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
    dates = retirements_document(entry.id)
    if dates:
        doc["retirements"] = dates
    return doc


def retirements_document(cause: str, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """The retirement dates of ``cause`` (:mod:`sfdoctor.diagnosis.retirements`) with the
    days left from ``as_of`` (today, UTC); empty for a cause nothing retires."""
    from sfdoctor.diagnosis import retirements

    rows = retirements.for_cause(cause)
    if not rows:
        return []
    day = as_of or retirements.today()
    return [
        {
            "id": r.id,
            "date": r.date,
            "when": r.when,
            "approximate": r.approximate,
            "title": r.title,
            "days_left": r.days_left(day),
            "source": r.source,
        }
        for r in rows
    ]


def match_document(match: Match) -> dict[str, Any]:
    """One ranked match: the cause entry plus how sure and why."""
    kb = load()
    doc = cause_document(kb.cause(match.cause))
    candidates = kb.candidates(match.cause, match.signature)
    if candidates:
        doc["candidates"] = [
            {"cause": c.cause, "title": kb.causes[c.cause].title, "confirm": c.confirm}
            for c in candidates
        ]
    return {
        "cause": doc.pop("cause"),
        "confidence": str(match.confidence),
        "title": doc.pop("title"),
        "explanation": doc.pop("explanation"),
        "remediation": doc.pop("remediation"),
        "references": doc.pop("references"),
        "evidence": list(match.evidence),
        "signature": match.signature,
        **({"note": note} if (note := kb.note(match.signature)) else {}),
        "family": str(match.family),
        **doc,
    }


def explanation_document(explanation: Explanation) -> dict[str, Any]:
    """The whole result: family of the best match and every match, best first."""
    family = explanation.family
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "family": str(family) if family else None,
        "matches": [match_document(m) for m in explanation.matches],
    }
    if not explanation.matches:
        doc.update(dead_end_document(explanation.text))
    return doc


def recognised_document(text: str) -> list[dict[str, Any]]:
    """The known texts ``text`` is that are no failure sfdoctor diagnoses (JSON
    ``recognised[]``), without the closest-texts search the dead end also runs."""
    from sfdoctor.diagnosis.classify import recognised

    return [
        {"signature": s.id, "note": s.note, "success": s.success}
        for s in recognised(_clues(text), load())
    ]


KNOWN_TEXT = "Known Salesforce text: not a failure sfdoctor diagnoses"
LOOKALIKE_TEXT = "Known look-alike: not a Salesforce login failure"


def known_text_headline(known: list[dict[str, Any]]) -> str:
    """The headline for a paste that is a known text and no failure sfdoctor diagnoses.

    A look-alike (another product's text, or no login at all) is never called Salesforce's.
    """
    if known and all(str(k.get("signature", "")).startswith("lookalike.") for k in known):
        return LOOKALIKE_TEXT
    return KNOWN_TEXT


def dead_end_document(text: str) -> dict[str, Any]:
    """When nothing matched: the closest known texts (low confidence) and what to collect.

    NOTE: the index is read here only, so a paste that matches never pays for it.
    """
    from sfdoctor.diagnosis.nearest import NEXT_STEPS, nearest

    kb = load()
    known = recognised_document(text)
    if known:
        return {"recognised": known, "nearest": [], "next_steps": list(NEXT_STEPS)}
    return {
        "recognised": [],
        "nearest": [
            {
                "cause": n.cause,
                "title": kb.causes[n.cause].title if n.cause in kb.causes else n.cause,
                "confidence": "low",
                "similarity": n.score,
                "text": n.text,
                "source": n.source,
            }
            for n in nearest(text)
        ],
        "next_steps": list(NEXT_STEPS),
    }


class Cut(NamedTuple):
    """How much of a paste was searched, when it was longer than :data:`MAX_SCAN`."""

    chars: int
    """The length of the paste, in characters."""
    searched: int
    """How many of its characters were kept (its start and its end)."""
    stopped: bool = False
    """Reading stopped at the input limit: the paste was longer than :attr:`chars`."""

    @property
    def note(self) -> str:
        """One line for the output."""
        size = (
            f"over {_kib(self.chars)} (reading stopped there)" if self.stopped else _kib(self.chars)
        )
        return (
            f"the input is {size}; only its first and last {_kib(self.searched // 2)} were searched"
        )

    def document(self) -> dict[str, Any]:
        """The ``input`` member of the JSON document."""
        return {
            "truncated": True,
            "chars": self.chars,
            "searched_chars": self.searched,
            "note": self.note,
        }


def _kib(chars: int) -> str:
    return f"{chars / 1024:,.0f} KB"


CUT_MARK = "\n[\u2026]\n"


def cut(text: str, limit: int = MAX_SCAN) -> tuple[str, Cut | None]:
    """``text`` if it is at most ``limit`` characters, else its start and its end joined by
    :data:`CUT_MARK` (an error is near the top of a log or at its bottom).

    NOTE: the end part is what needs care: cut inside a secret, it would begin with the
    rest of the value without its field name, which no pattern can tell from text. So it
    begins at a line (or a word, or a field) boundary near the cut, and after the end of a
    private key whose start was cut off; with no boundary near, it is left out. The start
    part needs no such care: a value cut off by the end of the text is masked to the end.
    """
    if len(text) <= limit:
        return text, None
    half = limit // 2
    window = min(4096, half // 4)
    head = text[:half]
    for sep in ("\n", " ", "\t"):
        at = head.rfind(sep, half - window)
        if at > 0:
            head = head[:at]
            break
    tail = text[-half:]
    for seps in ("\n", " \t", ",;&>"):
        found = [i for i in (tail.find(sep, 0, window) for sep in seps) if i >= 0]
        if found:
            tail = tail[min(found) + 1 :]
            break
    else:
        tail = ""
    pem_end = tail.find("PRIVATE KEY-----")
    if 0 <= pem_end < tail.find("-----BEGIN") or (pem_end >= 0 and "-----BEGIN" not in tail):
        line_end = tail.find("\n", pem_end)
        tail = "" if line_end < 0 else tail[line_end + 1 :]
    return head + CUT_MARK + tail, Cut(len(text), len(head) + len(tail))


class Explained(Explanation):
    """An :class:`~sfdoctor.models.Explanation` that can give its JSON document: what the
    public :func:`sfdoctor.explain` returns."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The ``sfdoctor.explain/1`` JSON document (see the README)."""
        return explanation_document(self)


def explain_text(text: str) -> Explained:
    """Classify ``text`` (any paste: body, exception, log, status string); pure.

    Only the first and last :data:`MAX_SCAN` / 2 characters are searched (:func:`cut`).
    """
    clean = redact(normalize(cut(text)[0]))
    return Explained(classify(_clues(clean), load()), text=clean)


def _clues(clean: str) -> list[Clue]:
    """The clues of a cut, normalised and redacted paste.

    NOTE: the decoded text is classified; the text shown back is the paste as it came.
    """
    searched = decode(clean)
    if searched == clean:
        return clues_from_text(clean, load().api_codes)
    searched = redact(searched.replace("\r\n", "\n").replace("\r", "\n"))
    return clues_from_text(searched, load().api_codes, undecoded=clean)
