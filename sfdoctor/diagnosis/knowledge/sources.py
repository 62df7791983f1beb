"""Where the knowledge base's tables come from: the TOML sources, or the compiled copies.

The TOML files are the source of truth. Parsing them costs more than sfdoctor's whole
start-up budget, so ``python -m sfdoctor.diagnosis.knowledge.build`` also writes
``kb.json`` (and ``kb.marshal``, the same document in a faster format), the same data plus a
checksum of the TOML it came from; the loader uses them only while the checksum matches, and
parses the TOML otherwise (tests keep the committed copies fresh).
"""

from __future__ import annotations

import os
import zlib

TYPE_CHECKING = False  # NOTE: typing is not imported at run time (start-up budget)
if TYPE_CHECKING:
    from typing import Any


class KnowledgeBaseError(Exception):
    """The knowledge-base data is malformed."""


def _require(cond: bool, where: str, what: str) -> None:
    if not cond:
        raise KnowledgeBaseError(f"{where}: {what}")


# NOTE: os.path rather than pathlib: importing pathlib costs a tenth of the start-up budget.
HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = ("causes.toml", "signatures.toml")
COMPILED = os.path.join(HERE, "kb.json")
FAST = os.path.join(HERE, "kb.marshal")
"""kb.json's content in :mod:`marshal`'s format, which Python reads four times faster than
the same JSON (a tenth of `explain`'s start-up budget, bench/startup.py); kb.json is read
when it is missing, unreadable by this Python, or stale."""


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def checksum(blobs: list[bytes]) -> str:
    """A checksum of the TOML sources, to tell whether kb.json still matches them."""
    crc = 0
    for blob in blobs:
        crc = zlib.crc32(blob, crc)
    return f"crc32:{crc:08x}:{sum(map(len, blobs))}"


def _parse_toml(name: str, data: bytes) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(data.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise KnowledgeBaseError(f"{name}: {exc}") from None


def _read_fast() -> Any:
    import marshal  # built in: importing it costs nothing

    try:
        return marshal.loads(_read_bytes(FAST))
    except (OSError, ValueError, EOFError, TypeError):
        return None


def _read_json() -> Any:
    import json

    try:
        # NOTE: decoded first: json.loads spends half again as long on bytes (it looks for
        # the encoding itself) as on the same text.
        return json.loads(_read_bytes(COMPILED).decode("utf-8"))
    except (OSError, ValueError):
        return None


def _read(allow_compiled: bool) -> tuple[dict[str, Any], list[dict[str, Any]], str, bool]:
    """:func:`read_raw`'s answer, and whether it came from kb.json."""
    blobs = [_read_bytes(os.path.join(HERE, name)) for name in SOURCES]
    digest = checksum(blobs)
    if allow_compiled:
        for reader in (_read_fast, _read_json):
            compiled = reader()
            if isinstance(compiled, dict) and compiled.get("checksum") == digest:
                return compiled["causes"], compiled["signatures"], digest, True
    causes = _parse_toml(SOURCES[0], blobs[0])
    signatures = _parse_toml(SOURCES[1], blobs[1]).get("signature", [])
    by_id = {sig.get("id"): sig for sig in signatures}
    for sig in signatures:
        message = sig.get("message")
        if isinstance(message, list) and all(isinstance(m, str) for m in message):
            # A list of patterns, one alternative each (long tables stay readable).
            sig["message"] = "|".join(message)
        like = sig.pop("like", None)
        if like is not None:
            base: dict[str, Any] = by_id.get(like) or {}
            where = f"signatures.toml [[signature]] id={sig.get('id')!r}"
            _require(bool(base) and "like" not in base, where, f"like names no base: {like!r}")
            # More words for another signature's failure (a table of translations): the same
            # cause, family, precedence, confidence, candidates and note, matched apart.
            for key in _INHERITED:
                if key in base and key not in sig:
                    sig[key] = base[key]
    return causes, signatures, digest, False


_INHERITED = ("cause", "family", "priority", "confidence", "candidates", "note")


def read_raw(*, allow_compiled: bool = True) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """The raw cause tables, the raw signature list and the sources' checksum."""
    causes, signatures, digest, _ = _read(allow_compiled)
    return causes, signatures, digest
