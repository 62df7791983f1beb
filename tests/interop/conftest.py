"""Loopback endpoints that fail the way networks do, for the real clients' transport tests."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: a connection to it is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections (the backlog takes them) and never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield int(s.getsockname()[1])


@pytest.fixture(scope="session")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that no trust store holds, and its key."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    d = tmp_path_factory.mktemp("cert")
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        cwd=d, check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return d / "cert.pem", d / "key.pem"


@contextmanager
def _loopback_server(handle: Callable[[socket.socket], None]) -> Iterator[int]:
    """Accept connections on a loopback port until the block ends, each handed to ``handle``
    (which owns it); yields the port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            conn.settimeout(5)
            try:
                handle(conn)
            except OSError:  # the client went away or refused the handshake
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def _tls_server(ctx: ssl.SSLContext) -> Iterator[int]:
    with _loopback_server(lambda conn: ctx.wrap_socket(conn, server_side=True).close()) as port:
        yield port


@pytest.fixture
def untrusted_tls_port(self_signed: tuple[Path, Path]) -> Iterator[int]:
    """A loopback TLS server presenting the self-signed certificate to every connection."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*self_signed)
    yield from _tls_server(ctx)


@pytest.fixture
def tls13_only_port(self_signed: tuple[Path, Path]) -> Iterator[int]:
    """A loopback TLS server that refuses any version below TLS 1.3: a client capped at TLS
    1.2 meets it as an old client meets Salesforce, which refuses TLS 1.0 and 1.1."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*self_signed)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    yield from _tls_server(ctx)


@pytest.fixture
def refusing_proxy() -> Iterator[Callable[[bytes], str]]:
    """Start a loopback proxy that answers every CONNECT with the status line given; returns
    its URL. Nothing is forwarded, so the target host is never looked up."""
    with ExitStack() as servers:

        def start(status: bytes) -> str:
            def refuse(conn: socket.socket) -> None:
                with conn:
                    head = b""
                    while b"\r\n\r\n" not in head and (chunk := conn.recv(4096)):
                        head += chunk
                    conn.sendall(status + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

            return f"http://127.0.0.1:{servers.enter_context(_loopback_server(refuse))}"

        yield start
