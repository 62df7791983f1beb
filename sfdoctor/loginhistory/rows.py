"""Iterate the data rows of an opened export, one ``csv`` row at a time, without keeping them.

Every line is read at most :data:`MAX_LINE` characters at a time, so a gigabyte line without
a newline (or a one-line gzip bomb) costs no more memory than its first megabyte.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import TextIO

from sfdoctor.loginhistory.layouts import Layout

MAX_LINE = 1 << 20
"""Characters in one line of an export (1 MiB). A longer line is no login row: it is read
no further than this into memory, then passed over (a one-line gzip bomb stays flat)."""


def rows(
    text: TextIO, layout: Layout, on_long: Callable[[], None] | None = None
) -> Iterator[list[str]]:
    """The data rows after the header (a ``csv.reader``; Excel quoting included).

    A line longer than :data:`MAX_LINE` is passed over, never held whole: ``on_long`` is
    called for each (the caller counts it as a skipped row).
    """
    return csv.reader(_lines(text, on_long), delimiter=layout.delimiter)


def _lines(text: TextIO, on_long: Callable[[], None] | None) -> Iterator[str]:
    """The lines of ``text``, each read at most :data:`MAX_LINE` characters at a time."""
    # NOTE: iterating a text file reads a whole line, however long, into memory; readline
    # with a limit does not. This generator is in the hot loop: one call and one length
    # test per line.
    readline = text.readline
    limit = MAX_LINE
    while True:
        line = readline(limit)
        if len(line) < limit:
            if not line:
                return
            yield line
        elif line[-1] in "\r\n":
            yield line
        else:
            while True:  # the rest of the line, a piece at a time, thrown away
                rest = readline(limit)
                if len(rest) < limit or rest[-1] in "\r\n":
                    break
            if on_long is not None:
                on_long()
