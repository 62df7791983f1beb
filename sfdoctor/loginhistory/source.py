"""Open an export: a path or standard input, plain or gzip, refusing what is plainly not CSV.

The first stage of reading any export (Login History downloads, ``LoginHistory`` query
exports, Event Log Files): bytes in, decoded text out (:mod:`sfdoctor.loginhistory.decoding`),
with the file's size and a progress callback for long reads. What the text holds is decided
later (:mod:`sfdoctor.loginhistory.header`).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any, NamedTuple, TextIO, cast

from sfdoctor.loginhistory.decoding import UTF16_BOMS, decode, utf16_encoding
from sfdoctor.loginhistory.errors import InputError


class Source(NamedTuple):
    """An opened export."""

    name: str
    text: TextIO
    size: int | None
    """Bytes in the file (compressed bytes for gzip), when known (not for standard input)."""
    compressed: bool
    encoding: str


class _Counted(io.RawIOBase):
    """Passes reads through, telling ``on_read`` how many bytes have been read so far.

    Called once per buffer refill (64 KiB), not per row: progress costs the hot loop nothing.
    """

    def __init__(self, raw: IO[bytes], on_read: Callable[[int], None]) -> None:
        self._raw = raw
        self._on_read = on_read
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        if n:
            self.position += n
            self._on_read(self.position)
        return n or 0

    def close(self) -> None:
        self._raw.close()
        super().close()


def _sniff(head: bytes, name: str) -> None:
    """Refuse what is plainly not a CSV file, saying what it is."""
    if head.startswith(b"PK\x03\x04"):
        raise InputError(
            f"{name} is a ZIP archive or an Excel workbook, not a CSV file",
            hint="unzip it, or open it in Excel and save it as CSV (Comma delimited)",
        )
    if head.startswith(b"%PDF"):
        raise InputError(f"{name} is a PDF document, not a CSV file")
    if head.startswith((b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff")):
        raise InputError(
            f"{name} is a binary file (an old Excel workbook or an image), not a CSV file",
            hint="export Login History as CSV: Setup > Login History > Download",
        )
    if b"\x00" in head[:4096] and not head.startswith(UTF16_BOMS):
        raise InputError(f"{name} is a binary file, not a CSV file")


def open_source(
    path: str,
    stdin: IO[str] | None = None,
    on_read: Callable[[int], None] | None = None,
) -> Source:
    """Open ``path`` (``-`` for standard input), gzip or not, decoding UTF-8 (with or without
    a BOM), UTF-16 (Excel's "Unicode Text"; with a byte-order mark or without one), or
    Windows-1252 / Latin-1 where bytes are not UTF-8. ``on_read(bytes_so_far)`` is called as
    the file is read (for a progress bar).

    The source's ``name`` is for people: unprintable characters in ``path`` are escaped."""
    if path == "-":
        import sys

        stream = stdin if stdin is not None else sys.stdin
        name = "standard input"
        buffer = getattr(stream, "buffer", None)
        if buffer is None:  # a text stream without bytes underneath (tests, embedding)
            return Source(name, cast(TextIO, stream), None, False, "text")
        # NOTE: Any: a bytes stream from stdin, a file, a counting wrapper or a GzipFile,
        # each with the peek() the sniffing below needs.
        raw: Any = buffer
        size = None
    else:
        import os

        from sfdoctor.output.console import printable

        name = printable(path)
        try:
            raw = open(path, "rb")  # noqa: SIM115 - closed by the caller via Source.text
            size = os.fstat(raw.fileno()).st_size
        except IsADirectoryError:
            raise InputError(f"{name} is a directory, not a CSV file") from None
        except FileNotFoundError:
            raise InputError(f"{name}: no such file") from None
        except OSError as exc:
            raise InputError(f"cannot read {name}: {exc.strerror or exc}") from None
    if on_read is not None:
        raw = io.BufferedReader(_Counted(raw, on_read), buffer_size=1 << 16)
    elif not hasattr(raw, "peek"):
        raw = io.BufferedReader(raw)
    try:
        head = raw.peek(4096)[:4096]
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror or exc}") from None
    compressed = head.startswith(b"\x1f\x8b")
    if compressed:
        import gzip

        raw = gzip.GzipFile(fileobj=raw, mode="rb")
        try:
            head = raw.peek(4096)[:4096]
        except (OSError, EOFError) as exc:
            raise InputError(f"{name} is not a valid gzip file: {exc}") from None
    utf16 = utf16_encoding(head)
    if utf16 is None:
        _sniff(head, name)
    text, encoding = decode(raw, utf16)
    return Source(name, text, size, compressed, encoding)
