"""Hostile inputs and hostile loopback servers for the security tests (issue 18).

Inputs are generated here, as data, not described in prose: URLs that two parsers read as
two different hosts, proxy URLs whose password breaks the URL, answers nested too deep.
The servers all listen on loopback: :class:`Listener` on 127.0.0.2 plays the attacker (it
must receive nothing), :class:`RawServer` on 127.0.0.1 answers with whatever bytes a test
scripts, as slowly as it likes.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

ATTACKER_HOST = "127.0.0.2"

# Characters that end, or seem to end, a URL's user part or host for one parser and not for
# another (fullwidth forms: what NFKC turns into \ and @).
SPLITTERS = ("\\", "\\\\", "\\/", "%5C", "\t", " ", "\x00", "\r\n", "\uff3c", "\u3000")


def hostile_login_urls(attacker: str, legit: str, scheme: str = "http") -> list[str]:
    """Login URLs naming ``legit`` (host:port) to urllib.parse and ``attacker`` to the
    connecting parser, or carrying userinfo, whitespace or control characters: every one
    must be refused before anything is sent."""
    urls = [f"{scheme}://{attacker}{s}@{legit}" for s in SPLITTERS]
    urls += [
        f"{scheme}://{legit}\\@{attacker}",
        f"{scheme}://{attacker}@{legit}",  # userinfo that looks like a host
        f"{scheme}://user:pass@{legit}",
        f"{scheme}://user@{attacker}",
        f"{scheme}://{attacker}\uff20{legit}",  # fullwidth @
        f"{scheme}://{attacker}\\.{legit}",
        f" {scheme}://{attacker}\\@{legit}",
        f"{scheme}://{attacker}\\@{legit}/services/oauth2/token",
    ]
    return urls


def hostile_answer_urls(attacker: str, legit: str) -> list[str]:
    """``instance_url`` / ``id`` / ``serverUrl`` values a forged or broken answer could
    carry to send the token to ``attacker``."""
    return [
        f"http://{attacker}\\@{legit}",
        f"http://{attacker}%5C@{legit}",
        f"http://x@{attacker}",
        f"http://user:pw@{attacker}",
        f"http://{legit}@{attacker}",
        f"http://{attacker}\t@{legit}",
        f"http://{attacker}\uff3c@{legit}",
    ]


def deep_json(depth: int = 100_000) -> str:
    """JSON nested deeper than any parser's recursion limit."""
    return "[" * depth + "]" * depth


def proxy_passwords(canary: str) -> list[str]:
    """Proxy passwords that, unencoded, break a proxy URL (each holds ``canary``)."""
    return [f"{canary}/x", f"p/{canary}", f"{canary}?q", f"{canary}#f", f"{canary}@at"]


# --- servers ---------------------------------------------------------------------------


class Listener:
    """A TCP listener playing the attacker: accepts, records every byte, answers nothing."""

    def __init__(self, host: str = ATTACKER_HOST) -> None:
        self.sock = socket.socket()
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.host, self.port = host, self.sock.getsockname()[1]
        self.received = bytearray()
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def netloc(self) -> str:
        return f"{self.host}:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._drain, args=(conn,), daemon=True).start()

    def _drain(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        with conn, contextlib.suppress(OSError):
            while chunk := conn.recv(65536):
                self.received += chunk

    def close(self) -> None:
        self.sock.close()


Script = Callable[[socket.socket, bytes], None]
"""What a :class:`RawServer` does with one connection, given the request head it read."""


class RawServer:
    """An HTTP server on 127.0.0.1 whose answers are raw bytes, sent as a test scripts."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.requests: list[bytes] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        with conn, contextlib.suppress(OSError):
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                head += chunk
            self.requests.append(head)
            self.script(conn, head)

    def close(self) -> None:
        self.sock.close()


def dribble(data: bytes, every: float, stop: threading.Event) -> Script:
    """A script that sends ``data`` one byte per ``every`` seconds (until the client hangs
    up or ``stop`` is set)."""

    def script(conn: socket.socket, head: bytes) -> None:
        for i in range(len(data)):
            if stop.is_set():
                return
            conn.sendall(data[i : i + 1])
            time.sleep(every)

    return script


def endless_continue(stop: threading.Event) -> Script:
    """A script that answers ``100 Continue`` for ever, quickly (until the client hangs up)."""

    def script(conn: socket.socket, head: bytes) -> None:
        while not stop.is_set():
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            time.sleep(0.01)

    return script


def answer(raw: bytes, *, then: Script | None = None) -> Script:
    """A script that sends ``raw`` at once, then runs ``then`` (default: hang up)."""

    def script(conn: socket.socket, head: bytes) -> None:
        conn.sendall(raw)
        if then is not None:
            then(conn, head)

    return script


def http_answer(status: str, body: bytes, *, length: int | None = None, ctype: str = "") -> bytes:
    """An HTTP/1.1 answer; ``length`` may lie about the body's size."""
    ctype = ctype or "application/json;charset=UTF-8"
    n = len(body) if length is None else length
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {n}\r\n"
        "Connection: close\r\n\r\n"
    ).encode() + body


def raw_servers() -> Iterator[Callable[[Script], RawServer]]:
    """For a fixture: ``make(script)`` starts a :class:`RawServer`; all close after."""
    made: list[RawServer] = []

    def make(script: Script) -> RawServer:
        s = RawServer(script)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def attacker_listener() -> Iterator[Listener]:
    """For a fixture: a :class:`Listener` on 127.0.0.2, closed after."""
    listener = Listener()
    yield listener
    listener.close()


def guard_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test on any DNS query or connection that would leave loopback."""
    import ipaddress

    real_resolve = socket.getaddrinfo
    real_connect = socket.socket.connect

    def resolve(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in ("localhost", "127.0.0.1", "127.0.0.2", "::1"):
            raise AssertionError(f"a test tried to resolve {name!r}: tests never leave loopback")
        return real_resolve(host, *args, **kwargs)

    def connect(self, address):  # type: ignore[no-untyped-def]
        if isinstance(address, tuple):
            ip = ipaddress.ip_address(address[0])
            if not ip.is_loopback:
                raise AssertionError(f"a test tried to connect to {address[0]}")
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(socket.socket, "connect", connect)


def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No SF_*/SALESFORCE_* setting, proxy or CA bundle of this machine leaks into a test."""
    for key in list(os.environ):
        if key.startswith(("SF_", "SALESFORCE_")) or key.lower().endswith("_proxy"):
            monkeypatch.delenv(key)
        elif key in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "REQUEST_METHOD"):
            monkeypatch.delenv(key)
