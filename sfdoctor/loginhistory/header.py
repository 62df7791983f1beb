"""Find the header line of an opened export and read its layout.

Lines above the header (a report title, Excel's ``sep=;``) are passed over and the delimiter
is guessed from the header itself. A file without a status column becomes an
:class:`~sfdoctor.loginhistory.errors.InputError` that says what the file looks like (JSON,
HTML, another event type) or lists the columns it does have.
"""

from __future__ import annotations

import csv
from typing import TextIO

from sfdoctor.loginhistory.errors import InputError
from sfdoctor.loginhistory.layouts import (
    EXPECTED,
    STATUS_NAMES,
    Layout,
    layout_of,
    normalize_header,
)
from sfdoctor.loginhistory.rows import MAX_LINE

_MAX_HEADER_SEARCH = 10
"""Non-blank lines searched for the header (report exports put a title above it)."""
_DELIMITERS = (",", ";", "\t", "|")


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def read_header(text: TextIO, name: str) -> Layout:
    """Read up to the header line and return the file's layout; InputError if there is none.

    Lines above the header (a report title, Excel's ``sep=;``) are passed over; the error
    for a file without a status column lists the columns it does have.
    """
    first: list[str] | None = None
    first_text = ""
    delimiter: str | None = None
    line_no = 0
    seen = 0
    while seen < _MAX_HEADER_SEARCH:
        line = text.readline(MAX_LINE)
        if not line:
            break
        line_no += 1
        if len(line) >= MAX_LINE and line[-1] not in "\r\n":
            raise InputError(
                f"{name}: line {line_no} is longer than {MAX_LINE:,} characters: "
                "not a Login History export",
                hint="give the export itself: Setup > Login History > Download",
            )
        stripped = line.strip().lstrip("\ufeff")
        if not stripped:
            continue
        seen += 1
        if stripped.lower().startswith("sep=") and len(stripped) <= 6:
            delimiter = stripped[4:5] or ","
            continue
        candidates = (delimiter,) if delimiter else _DELIMITERS
        best: list[str] = []
        for d in candidates:
            cells = _split(line, d)
            layout = layout_of(cells, d, line_no)
            if layout is not None and (
                len(cells) > 1 or normalize_header(cells[0]) in STATUS_NAMES
            ):
                return layout
            if len(cells) > len(best):
                best = cells
        if first is None:
            first, first_text = best, stripped
    if first is None:
        raise InputError(
            f"{name} is empty", hint="export Login History: Setup > Login History > Download"
        )
    head = first_text[:1]
    if head in "{[":
        raise InputError(
            f"{name} looks like JSON, not a CSV file",
            hint="export the rows as CSV (sf data query --result-format csv)",
        )
    if head == "<":
        raise InputError(
            f"{name} looks like HTML or XML, not a CSV file",
            hint="a login page saved instead of the export? "
            "Download it again from Setup > Login History",
        )
    found = ", ".join(repr(c.strip()[:40]) for c in first[:20]) + (
        " ..." if len(first) > 20 else ""
    )
    norm = {normalize_header(c) for c in first}
    if "eventtype" in norm:
        raise InputError(
            f"{name} is an Event Log File without a LOGIN_STATUS column (another event type?); "
            f"found columns: {found}",
            hint="triage reads Login event log files: EventLogFile where EventType = 'Login'",
        )
    raise InputError(
        f"{name}: no login status column; found columns: {found}; expected {EXPECTED}",
        hint="give the Login History export itself: Setup > Login History > Download, "
        "or an Event Log File of type Login",
    )
