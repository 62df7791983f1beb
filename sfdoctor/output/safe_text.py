"""Text that is safe to hand to a terminal or a report: no control characters from input.

Pure and light (``re`` and ``json`` only): the JSON path of ``explain`` imports it at start-up.
"""

from __future__ import annotations

import json
import re

from sfdoctor.lazyre import LazyPattern

# NOTE: typing is not imported at run time (start-up budget, bench/startup.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

UNSAFE = LazyPattern(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Control characters (C0 but tab and newline, DEL, C1) and bidi overrides: a terminal acts
on them (an escape sequence, an 8-bit CSI, text shown reversed)."""


def _escaped(m: re.Match[str]) -> str:
    return f"\\u{ord(m[0]):04x}"


def json_text(document: Any, *, indent: int | None = 2) -> str:
    """``document`` as JSON that keeps non-ASCII text readable but writes every character of
    :data:`UNSAFE` as an escape (``\\u009b``), so no reader's terminal acts on it.

    NOTE: such characters can only stand inside JSON strings (the syntax is ASCII), where the
    escape is the same character: the document reads back exactly as it was.
    """
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    if text.isascii() and "\x7f" not in text:
        return text  # json escaped the rest of C0 itself (and no pattern was compiled)
    return str(UNSAFE.sub(_escaped, text))
