"""How values and times from an export are shown: redacted, one line, trimmed; times in words.

Every string a triage summary holds that came from the file went through :func:`show`, so
renderers print them as they are.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from sfdoctor.redaction import redact

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# Terminal controls (C0, DEL, C1) and the bidirectional overrides that reorder a line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]+")
_MAX_SHOWN = 80
REDACT_WINDOW = 1000
"""Characters of a value that are redacted and may be shown; the rest is never looked at
(a 100 KB field costs what its first kilobyte costs)."""


def plural(n: int, word: str, many: str = "") -> str:
    """``word`` for one, else ``many`` (``word`` + s when not given)."""
    return word if n == 1 else (many or word + "s")


def show(value: str) -> str:
    """A value from the file as it may be shown: redacted, one line, not too long."""
    longer = len(value) > REDACT_WINDOW
    value = _CONTROL.sub(" ", value[:REDACT_WINDOW] if longer else value)
    if longer:
        # NOTE: cut at a blank, so no token is cut in two: half a secret would not be
        # recognised as one by redact(). A first token longer than the window is not shown.
        value = value[: value.rfind(" ") + 1]
        if not value.strip():
            return f"(a value of more than {REDACT_WINDOW:,} characters without a blank)"
    value = redact(value).strip()
    if not value:
        return "(blank)"
    if longer or len(value) > _MAX_SHOWN:
        return value[: _MAX_SHOWN - 1].rstrip() + "\u2026"
    return value


def when(key: str) -> str:
    """A time key as shown: ``2024-11-03 14:22`` (``""`` when there is none)."""
    if day_of(key) == "undated":
        return ""
    return (key[:10] + " " + key[11:16]).strip()


def human_day(key: str) -> str:
    """``2024-11-03...`` -> ``3 Nov 2024``."""
    try:
        d = datetime.strptime(key[:10], "%Y-%m-%d")
    except ValueError:
        return key
    return f"{d.day} {d:%b} {d.year:04d}"  # %Y is not zero-padded before year 1000


def human(key: str) -> str:
    """``2024-11-03 14:22`` (or a time key) -> ``3 Nov 2024 14:22``."""
    if not _DAY.match(key):
        return ""
    return f"{human_day(key)} {key[11:16]}".strip()


def period_of(first: str, last: str) -> str:
    """When failures happened, in words: ``on 3 Nov 2024 between 09:00 and 09:05``."""
    if not first:
        return ""
    if first[:10] != last[:10]:
        return f"since {human_day(first)} (last {human_day(last)})"
    if first[11:16] == last[11:16]:
        return f"on {human(first)}"
    return f"on {human_day(first)} between {first[11:16]} and {last[11:16]}"


@lru_cache(maxsize=4096)
def day_of(key: str) -> str:
    """``YYYY-MM-DD`` of a time key, or ``undated`` when it is not a real date."""
    try:
        # NOTE: isoformat, not strftime("%Y..."): the C library writes year 1 as "1".
        return datetime.strptime(key[:10], "%Y-%m-%d").date().isoformat()
    except ValueError:
        return "undated"
