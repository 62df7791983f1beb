"""Load and validate the knowledge base.

The TOML files are the source of truth; reading them, or the compiled copies the build
writes, is :mod:`.sources`'s. This module turns the tables into the records and validates
the TOML's.

A mistake in the TOML files is a bug in sfdoctor, reported with the file and the key at
fault (tests load the knowledge base, so it never reaches a user).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache

from sfdoctor.diagnosis.knowledge.sources import (
    KnowledgeBaseError,
    _read,
    _require,
)
from sfdoctor.models import (
    Candidate,
    Cause,
    Confidence,
    Discouraged,
    Family,
    Severity,
    Signature,
)

TYPE_CHECKING = False  # NOTE: typing is not imported at run time (start-up budget)
if TYPE_CHECKING:
    from typing import Any

CATEGORIES = frozenset(
    {"credentials", "network_policy", "app_flow_host", "org_api", "transport", "configuration"}
)
_CAUSE_KEYS = frozenset(
    {
        "title",
        "action",
        "category",
        "severity",
        "meaning",
        "why",
        "remediation",
        "discouraged",
        "confirm",
        "references",
        "candidates",
        "aliases",
    }
)
_SIGNATURE_KEYS = frozenset(
    {
        "id",
        "cause",
        "family",
        "priority",
        "confidence",
        "code",
        "message",
        "status",
        "strict",
        "when",
        "example",
        "note",
        "success",
        "candidates",
    }
)
# Families a signature may be written for (TEXT and FAULT are clue families only).
SIGNATURE_FAMILIES = frozenset(Family) - {Family.TEXT, Family.FAULT}


class KnowledgeBase:
    """Every cause entry and every signature, in precedence order (highest priority first)."""

    __slots__ = ("api_codes", "causes", "signatures", "_candidates", "_notes")

    def __init__(
        self,
        causes: Mapping[str, Cause],
        signatures: tuple[Signature, ...],
        candidates: dict[str, tuple[Candidate, ...]] | None = None,
    ) -> None:
        self.causes = causes
        self.signatures = signatures
        self._candidates = candidates or {}
        self._notes: dict[str, str] | None = None
        self.api_codes: frozenset[str] = frozenset(
            s.code for s in signatures if s.code and s.code.isupper()
        )
        """The upper-case API codes the signatures know (``LOGIN_MUST_USE_SECURITY_TOKEN``...).

        Free text is searched for these; an upper-case word not in this set is not a code.
        """

    def candidates(self, cause_id: str, signature_id: str | None = None) -> tuple[Candidate, ...]:
        """The causes a match may really be, most likely first, each with the Login History
        status that confirms it: the signature's own list when it has one (a text that is
        ambiguous in itself, such as SOAP ``INVALID_LOGIN``), else the cause entry's."""
        if signature_id is not None and signature_id in self._candidates:
            return self._candidates[signature_id]
        try:
            return self.cause(cause_id).candidates
        except KeyError:
            return ()

    def note(self, signature_id: str) -> str:
        """What the signature's text is, where the cause entry alone would not say it (a
        catch-all's known causes, a connector's own reading), or ``""``."""
        if self._notes is None:
            self._notes = {s.id: s.note for s in self.signatures if s.note}
        return self._notes.get(signature_id, "")

    def cause(self, cause_id: str) -> Cause:
        """The entry for ``cause_id`` or one of its aliases; KeyError if unknown."""
        if cause_id in self.causes:
            return self.causes[cause_id]
        for entry in self.causes.values():
            if cause_id in entry.aliases:
                return entry
        raise KeyError(cause_id)


class _Causes(Mapping[str, Cause]):
    """The cause entries of kb.json by id, each made from its table when first asked for.

    NOTE: making all of them (their text normalised) cost a twentieth of `explain`'s
    start-up budget, which reads a few (bench/startup.py).
    """

    __slots__ = ("_made", "_raw")

    def __init__(self, raw: dict[str, dict[str, Any]]) -> None:
        self._raw = raw
        self._made: dict[str, Cause] = {}

    def __getitem__(self, cause_id: str) -> Cause:
        made = self._made.get(cause_id)
        if made is None:
            made = self._made[cause_id] = _cause(cause_id, self._raw[cause_id])
        return made

    def __contains__(self, cause_id: object) -> bool:
        return cause_id in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


def _check_cause(cause_id: str, raw: dict[str, Any]) -> None:
    where = f"causes.toml [{cause_id}]"
    _require(isinstance(raw, dict), where, "must be a table")
    unknown = set(raw) - _CAUSE_KEYS
    _require(not unknown, where, f"unknown keys {sorted(unknown)}")
    for key in ("title", "meaning", "why"):
        _require(isinstance(raw.get(key), str) and raw[key].strip() != "", where, f"needs {key}")
    _require(
        raw.get("category") in CATEGORIES, where, f"category must be one of {sorted(CATEGORIES)}"
    )
    remediation = raw.get("remediation") or []
    _require(
        bool(remediation) and all(isinstance(s, str) for s in remediation),
        where,
        "needs remediation: a non-empty list of steps",
    )
    references = raw.get("references") or []
    _require(
        bool(references) and all(str(r).startswith("https://") for r in references),
        where,
        "needs references: https URLs",
    )


def _cause(cause_id: str, raw: dict[str, Any]) -> Cause:
    try:
        severity = Severity(raw.get("severity", "error"))
        discouraged = tuple(
            Discouraged(d["option"], d["reason"]) for d in raw.get("discouraged", [])
        )
        candidates = tuple(Candidate(c["cause"], c["confirm"]) for c in raw.get("candidates", []))
    except (KeyError, ValueError, TypeError) as exc:
        raise KnowledgeBaseError(f"causes.toml [{cause_id}]: {exc!r}") from None
    return Cause(
        id=cause_id,
        title=raw["title"].strip(),
        category=raw["category"],
        severity=severity,
        meaning=" ".join(raw["meaning"].split()),
        why=" ".join(raw["why"].split()),
        remediation=tuple(" ".join(s.split()) for s in raw["remediation"]),
        discouraged=discouraged,
        confirm=raw.get("confirm", ""),
        references=tuple(raw["references"]),
        candidates=candidates,
        aliases=tuple(raw.get("aliases", [])),
        action=" ".join(str(raw.get("action", "")).split()),
    )


def _check_signature(raw: dict[str, Any], causes: dict[str, Cause]) -> None:
    where = f"signatures.toml [[signature]] id={raw.get('id')!r}"
    unknown = set(raw) - _SIGNATURE_KEYS
    _require(not unknown, where, f"unknown keys {sorted(unknown)}")
    _require(isinstance(raw.get("id"), str), where, "needs an id")
    _require(raw.get("cause") in causes, where, f"unknown cause {raw.get('cause')!r}")
    try:
        family = Family(str(raw.get("family")))
        Confidence(raw.get("confidence", "high"))
    except ValueError as exc:
        raise KnowledgeBaseError(f"{where}: {exc}") from None
    _require(family in SIGNATURE_FAMILIES, where, f"family {family} cannot carry signatures")
    _require(isinstance(raw.get("priority"), int), where, "needs an integer priority")
    message = raw.get("message")
    _require(
        message is None or isinstance(message, str), where, "message is a pattern or a list of them"
    )
    status = raw.get("status")
    if status is not None and not isinstance(status, int):
        _require(isinstance(status, list) and len(status) == 2, where, "status is N or [lo, hi]")
    when = raw.get("when")
    _require(
        (when is None) == (family is not Family.CONTEXT),
        where,
        "context signatures (and only they) name a `when` predicate",
    )
    _require(bool(raw.get("code") or message or status or when), where, "matches nothing")
    _require(
        not raw.get("success") or (raw.get("cause") == "unknown" and bool(raw.get("note"))),
        where,
        "only a recognised text (cause unknown, with a note) can be a success",
    )


_FAMILIES = {str(f): f for f in Family}
_CONFIDENCES = {str(c): c for c in Confidence}


def _needles(raw: dict[str, Any]) -> tuple[str, ...] | None:
    """The pattern's literals: kb.json carries them; from the TOML they are computed."""
    message = raw.get("message")
    if message is None:
        return None
    stored = raw.get("needles")
    if stored is not None:
        return tuple(stored)
    from sfdoctor.diagnosis.knowledge.needles import needles

    return needles(message) or ()


def _parts(raw: dict[str, Any]) -> tuple[int, ...] | None:
    """Where the pattern's alternatives and their literals are: kb.json carries them (the
    build leaves them out when there is nothing to narrow); from the TOML, computed."""
    if "needles" in raw:
        stored = raw.get("parts")
        return None if stored is None else tuple(stored)
    message = raw.get("message")
    if message is None:
        return None
    from sfdoctor.diagnosis.knowledge.needles import parts

    return parts(message)


def _requires(raw: dict[str, Any]) -> tuple[tuple[tuple[str, ...], ...], ...] | None:
    """Each alternative's literal groups: kb.json carries them; from the TOML, computed."""
    if "needles" in raw:
        stored = raw.get("requires")
        if stored is None or isinstance(stored, tuple):  # kb.marshal holds tuples already
            return stored
        return tuple(tuple(map(tuple, a)) for a in stored)
    message = raw.get("message")
    if message is None or _parts(raw) is None:
        return None
    from sfdoctor.diagnosis.knowledge.needles import requires

    return requires(message)


def _signature(raw: dict[str, Any]) -> Signature:
    get = raw.get
    status = get("status")
    if status is not None:
        if isinstance(status, int):
            status = [status, status]
        status = (int(status[0]), int(status[1]))
    # NOTE: positional, in field order (keywords cost a third more, 479 times a start-up).
    return Signature(
        raw["id"],
        raw["cause"],
        _FAMILIES[str(get("family"))],  # NOTE: not Family(...): made at every start-up
        raw["priority"],
        _CONFIDENCES[get("confidence", "high")],
        get("code"),
        get("message"),
        status,
        bool(get("strict", False)),
        get("when"),
        get("example", ""),
        get("note", ""),
        bool(get("success", False)),
        _needles(raw),
        _parts(raw),
        _requires(raw),
    )


def check_patterns(kb: KnowledgeBase) -> None:
    """Compile every ``message`` pattern (done by the build and the tests, not at start-up:
    the classifier compiles patterns on first use)."""
    for sig in kb.signatures:
        if sig.message is not None:
            # A `\b` inside a double-quoted TOML string is a backspace, not a word boundary:
            # the pattern compiles and silently never matches (wrapper.refresh_failed did so).
            if any(ord(c) < 32 and c not in "\n\t" for c in sig.message):
                message = (
                    f"signature {sig.id}: a control character in the message pattern "
                    "(write it in single quotes, or escape the backslash: \\\\b)"
                )
                raise KnowledgeBaseError(message)
            try:
                re.compile(sig.message, re.IGNORECASE)
            except re.error as exc:
                message = f"signature {sig.id}: bad message pattern: {exc}"
                raise KnowledgeBaseError(message) from None


@cache
def load() -> KnowledgeBase:
    """Load and cache the knowledge base shipped inside the package (validated when it is
    read from the TOML: see :func:`from_raw`)."""
    raw_causes, raw_sigs, _, compiled = _read(allow_compiled=True)
    return from_raw(raw_causes, raw_sigs, validate=not compiled)


def from_raw(
    raw_causes: dict[str, Any], raw_sigs: list[dict[str, Any]], *, validate: bool = True
) -> KnowledgeBase:
    """The knowledge base of the raw tables (:func:`read_raw`), validated unless told not to.

    NOTE: kb.json is not validated again: the build writes it only from TOML that
    validates, and it is read only while its checksum is that TOML's; validating it cost a
    twentieth of `explain`'s start-up budget (bench/startup.py). The TOML is validated by
    the build and by the tests (tests/test_knowledge.py).
    """
    if not validate:
        causes: Mapping[str, Cause] = _Causes(raw_causes)
    else:
        for cid, raw in raw_causes.items():
            _check_cause(cid, raw)
        causes = {cid: _cause(cid, raw) for cid, raw in raw_causes.items()}
        for entry in causes.values():
            for cand in entry.candidates:
                _require(
                    cand.cause in causes,
                    f"causes.toml [{entry.id}]",
                    f"candidate {cand.cause!r} is not a cause",
                )
        for raw in raw_sigs:
            _check_signature(raw, causes)
    signatures = [_signature(raw) for raw in raw_sigs]
    candidates = {
        raw["id"]: _candidates(raw, causes, validate) for raw in raw_sigs if raw.get("candidates")
    }
    if validate:
        ids = [s.id for s in signatures]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        _require(not dupes, "signatures.toml", f"duplicate ids {dupes}")
    # NOTE: a stable sort keeps file order among equal priorities, so the file reads as
    # the precedence it encodes.
    signatures.sort(key=lambda s: -s.priority)
    return KnowledgeBase(causes=causes, signatures=tuple(signatures), candidates=candidates)


def _candidates(
    raw: dict[str, Any], causes: Mapping[str, Cause], validate: bool = True
) -> tuple[Candidate, ...]:
    where = f"signatures.toml [[signature]] id={raw.get('id')!r}"
    try:
        found = tuple(Candidate(c["cause"], c["confirm"]) for c in raw["candidates"])
    except (KeyError, TypeError) as exc:
        raise KnowledgeBaseError(f"{where}: candidates: {exc!r}") from None
    if not validate:
        return found
    for cand in found:
        _require(cand.cause in causes, where, f"candidate {cand.cause!r} is not a cause")
    # An ambiguity names no cause of its own: its candidates are the causes it may be.
    _require(
        found[0].cause == raw["cause"] or raw["cause"] == "ambiguous_auth_failure",
        where,
        "the first candidate is the signature's own cause (the most likely one)",
    )
    return found
