"""Build report findings from knowledge-base entries (one place, for every command)."""

from __future__ import annotations

from collections.abc import Iterable

from sfdoctor.diagnosis.knowledge import load
from sfdoctor.models import Finding, Match, Severity


def finding(
    cause: str,
    evidence: Iterable[str] = (),
    *,
    severity: Severity | None = None,
    confidence: str = "high",
    extra_remediation: Iterable[str] = (),
) -> Finding:
    """A finding for ``cause`` with the knowledge base's title, remediation and links.

    ``extra_remediation`` goes first: what this run learned beats general advice.
    """
    kb = load()
    entry = kb.cause(cause)
    candidates = tuple((c.cause, kb.causes[c.cause].title, c.confirm) for c in entry.candidates)
    return Finding(
        cause=entry.id,
        severity=severity or entry.severity,
        title=entry.title,
        evidence=tuple(evidence),
        remediation=(*extra_remediation, *entry.remediation_lines()),
        references=entry.references,
        confidence=confidence,
        candidates=candidates,
    )


def from_match(match: Match, *, prefix: str = "") -> Finding:
    """A finding for a classifier match, its evidence prefixed with where it was seen."""
    evidence = tuple(f"{prefix}{line}" for line in match.evidence)
    found = finding(match.cause, evidence, confidence=str(match.confidence))
    kb = load()
    candidates = kb.candidates(match.cause, match.signature)
    if candidates and candidates != kb.cause(match.cause).candidates:
        found = found._replace(
            candidates=tuple((c.cause, kb.causes[c.cause].title, c.confirm) for c in candidates)
        )
    return found
