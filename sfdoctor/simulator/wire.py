"""How a request body comes off the wire: ``Content-Length`` or ``Transfer-Encoding: chunked``.

Salesforce reads chunked request bodies, and some clients send nothing else (jsforce 3 posts
every login chunked), so the simulated org reads them too (RFC 9112 §6-7). A body whose
framing cannot be trusted is refused with :class:`BodyError` rather than guessed at: the
server answers its status and closes the connection. Reading never waits longer than the
socket's timeout, and never holds more than ``limit`` bytes.
"""

from __future__ import annotations

import re
from email.message import Message
from typing import Protocol

MAX_LINE = 4096
"""Longest chunk-size line or trailer line read (chunk extensions included)."""

MAX_TRAILERS = 64
"""Most trailer lines read after the last chunk."""

_DIGITS = re.compile(rb"[0-9]{1,19}")
_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}")


class Readable(Protocol):
    """What the body is read from (the handler's ``rfile``; a ``BytesIO`` in tests)."""

    def read(self, size: int = -1, /) -> bytes: ...

    def readline(self, size: int = -1, /) -> bytes: ...


class BodyError(Exception):
    """A request body that is not read: ``status`` is the HTTP answer, ``reason`` says why."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def read_body(headers: Message, rfile: Readable, limit: int) -> bytes:
    """The body of a request with ``headers``, read from ``rfile`` (at most ``limit`` bytes).

    Raises :class:`BodyError`: 400 for framing that is malformed, ambiguous or cut short,
    413 for a body over ``limit``, 501 for a transfer coding other than chunked, 408 when
    the socket times out (the client stopped sending).
    """
    codings = [
        c.strip().lower()
        for value in headers.get_all("Transfer-Encoding") or ()
        for c in value.split(",")
        if c.strip()
    ]
    lengths = headers.get_all("Content-Length") or []
    try:
        if codings:
            if lengths:
                # RFC 9112 §6.1: a server may reject both; a smuggling vector otherwise.
                raise BodyError(400, "both Transfer-Encoding and Content-Length")
            if codings[-1] != "chunked":
                raise BodyError(400, "Transfer-Encoding does not end with chunked")
            if codings != ["chunked"]:
                raise BodyError(501, f"transfer coding not implemented: {', '.join(codings)}")
            return _read_chunked(rfile, limit)
        return _read_sized(lengths, rfile, limit)
    except TimeoutError:
        raise BodyError(408, "the request body did not arrive in time") from None


def _read_sized(lengths: list[str], rfile: Readable, limit: int) -> bytes:
    if not lengths:
        return b""
    values = {v.strip() for value in lengths for v in value.split(",")}
    if len(values) != 1 or not _DIGITS.fullmatch(next(iter(values)).encode()):
        raise BodyError(400, "invalid Content-Length")
    length = int(next(iter(values)))
    if length > limit:
        raise BodyError(413, f"request body over {limit} bytes")
    data = rfile.read(length) if length else b""
    if len(data) != length:
        raise BodyError(400, "request body shorter than its Content-Length")
    return data


def _line(rfile: Readable) -> bytes:
    """One CRLF-terminated line without its terminator (a bare LF is accepted, RFC 9112
    §2.2); EOF or an over-long line is a framing error."""
    line = rfile.readline(MAX_LINE + 1)
    if len(line) > MAX_LINE:
        raise BodyError(400, "chunked body line too long")
    if not line.endswith(b"\n"):
        raise BodyError(400, "chunked body cut short")
    return line.rstrip(b"\r\n")


def _read_chunked(rfile: Readable, limit: int) -> bytes:
    body = bytearray()
    while True:
        # chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF; extensions are ignored.
        size_text = _line(rfile).split(b";", 1)[0].strip(b" \t")
        if not _HEX.fullmatch(size_text):
            raise BodyError(400, "malformed chunk size")
        size = int(size_text, 16)
        if size == 0:
            break
        if len(body) + size > limit:
            raise BodyError(413, f"request body over {limit} bytes")
        data = rfile.read(size)
        if len(data) != size:
            raise BodyError(400, "chunked body cut short")
        body += data
        if rfile.read(2) != b"\r\n":
            raise BodyError(400, "chunk data not followed by CRLF")
    for _ in range(MAX_TRAILERS):  # the trailer section ends with an empty line
        if not _line(rfile):
            return bytes(body)
    raise BodyError(400, "too many trailer lines")
