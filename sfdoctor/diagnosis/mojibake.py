"""UTF-8 read as Windows-1252 or Latin-1, read back as UTF-8.

A Login History export opened in Excel, a Windows console, a log shipped through the wrong
codec: each shows UTF-8's bytes one by one (``Ã©chec`` for ``échec``, ``å¤±æ•—`` for
``失敗``). :func:`undo` turns each such run of characters back into what was written, when
it decodes as UTF-8; anything else (a genuine ``Ã``, the rest of the text) stays as it came.
"""

from __future__ import annotations

import re

from sfdoctor.lazyre import LazyPattern

# Windows-1252's characters for the bytes 0x80-0x9F (the ones it defines).
_CP1252_HIGH = (
    "\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d"
    "\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
)
# A character as UTF-8 shown byte by byte: a lead byte shown as Latin-1 (Â-ô), then one to
# three continuation bytes (0x80-0xBF: Latin-1's, C1 controls included, or Windows-1252's
# letters for 0x80-0x9F). Lead and continuation never overlap: linear.
_RUN = LazyPattern("(?:[\u00c2-\u00f4][\u0080-\u00bf" + re.escape(_CP1252_HIGH) + "]{1,3})+")
# Those Windows-1252 letters back to their bytes (as Latin-1 code points).
_CP1252_BYTES = {ord(ch): ch.encode("cp1252")[0] for ch in _CP1252_HIGH}


def _decoded(m: re.Match[str]) -> str:
    try:
        return m.group(0).translate(_CP1252_BYTES).encode("latin-1").decode("utf-8")
    except UnicodeError:  # not UTF-8 after all: a genuine "Ã©"
        return m.group(0)


def undo(text: str) -> str:
    """``text`` with each run of UTF-8 shown byte by byte decoded again."""
    if text.isascii():
        return text
    return str(_RUN.sub(_decoded, text))
