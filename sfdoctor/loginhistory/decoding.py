"""Decode the bytes of an export into text: UTF-8 (with or without a BOM), UTF-16, or
Windows-1252 / Latin-1 where bytes are not UTF-8.

Excel saves "CSV" in the ANSI code page and "Unicode Text" as UTF-16, sometimes without a
byte-order mark; both are told from the first bytes. Undecodable byte runs are counted (see
:func:`decoding_fallbacks`) so the report can say the file was not UTF-8.
"""

from __future__ import annotations

import codecs
import io
from typing import IO

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
"""Byte-order marks of UTF-16 (little-endian, big-endian)."""
_FALLBACK = "sfdoctor-cp1252"


class _Decoding:
    """Counts bytes that were not UTF-8 (decoded as Windows-1252 instead)."""

    fallbacks = 0


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    # NOTE: called only for bytes that are not valid UTF-8, so a UTF-8 file pays nothing.
    # Excel on Windows saves "CSV" in the ANSI code page: Windows-1252 for Western Europe.
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    _Decoding.fallbacks += 1
    try:
        return bad.decode("cp1252"), exc.end
    except UnicodeDecodeError:
        return bad.decode("latin-1"), exc.end


codecs.register_error(_FALLBACK, _cp1252_fallback)


def bomless_utf16(head: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``head`` is UTF-16 text without a byte-order mark
    (how some tools save "Unicode Text"), else None.

    Told by the NUL bytes: a CSV header is ASCII, and ASCII in UTF-16 has a NUL in every
    other byte (the odd ones little-endian, the even ones big-endian) and nowhere else.
    """
    n = len(head) // 2 * 2
    if n < 8:
        return None
    half = n // 2
    even, odd = head[0:n:2].count(0), head[1:n:2].count(0)
    # NOTE: non-ASCII characters (é is E9 00, 中 is 2D 4E) leave fewer NULs; a few in the
    # other position are U+0100, U+4E00 ... . Binary data has NULs in both.
    if odd >= half * 0.6 and even <= half // 50:
        return "utf-16-le"
    if even >= half * 0.6 and odd <= half // 50:
        return "utf-16-be"
    return None


def utf16_encoding(head: bytes) -> str | None:
    """The UTF-16 encoding of text starting with ``head`` (with a byte-order mark or without
    one), or None when it is not UTF-16."""
    if head.startswith(UTF16_BOMS):
        return "utf-16"
    return bomless_utf16(head)


def decode(raw: IO[bytes], utf16: str | None) -> tuple[io.TextIOWrapper, str]:
    """``raw`` as text and the encoding read: ``utf16`` when given (undecodable bytes
    replaced), else UTF-8 with or without a BOM, falling back to Windows-1252 byte by byte.

    Starts a new count of :func:`decoding_fallbacks`.
    """
    if utf16 is not None:
        encoding, errors = utf16, "replace"
    else:
        encoding, errors = "utf-8-sig", _FALLBACK
    _Decoding.fallbacks = 0
    return io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline=""), encoding


def decoding_fallbacks() -> int:
    """How many undecodable byte runs the current input had (decoded as Windows-1252)."""
    return _Decoding.fallbacks
