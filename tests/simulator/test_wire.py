"""Request bodies off the wire: Content-Length, chunked (jsforce 3 posts every login
chunked), and framing that is refused rather than guessed at."""

from __future__ import annotations

import http.client
import io
import socket
from email.message import Message
from urllib.parse import urlencode

import pytest

from sfdoctor.simulator import SCENARIOS, server
from sfdoctor.simulator.wire import BodyError, read_body

HEALTHY = SCENARIOS["healthy"]


def headers(**fields: str) -> Message:
    message = Message()
    for name, value in fields.items():
        message[name.replace("_", "-")] = value
    return message


CHUNKED = {"Transfer_Encoding": "chunked"}


@pytest.mark.parametrize(
    ("fields", "raw", "body"),
    [
        ({}, b"ignored", b""),
        ({"Content_Length": "5"}, b"hello", b"hello"),
        ({"Content_Length": "0"}, b"", b""),
        (CHUNKED, b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", b"hello world"),
        (CHUNKED, b"5;ext=1\r\nhello\r\n0\r\n\r\n", b"hello"),  # chunk extensions ignored
        (CHUNKED, b"A\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n", b"0123456789"),
        (CHUNKED, b"5\nhello\r\n0\n\n", b"hello"),  # bare LF line ends (RFC 9112 §2.2)
        ({"Transfer_Encoding": "Chunked"}, b"0\r\n\r\n", b""),
    ],
)
def test_bodies_that_are_read(fields: dict[str, str], raw: bytes, body: bytes) -> None:
    assert read_body(headers(**fields), io.BytesIO(raw), 1024) == body


@pytest.mark.parametrize(
    ("fields", "raw", "status"),
    [
        (CHUNKED, b"zz\r\nhello\r\n0\r\n\r\n", 400),  # not hex
        (CHUNKED, b"0x5\r\nhello\r\n0\r\n\r\n", 400),  # int(..., 16) would take it
        (CHUNKED, b"-5\r\nhello\r\n0\r\n\r\n", 400),
        (CHUNKED, b"\r\n", 400),  # no size
        (CHUNKED, b"5\r\nhel", 400),  # data cut short
        (CHUNKED, b"5\r\nhelloXX0\r\n\r\n", 400),  # no CRLF after the data
        (CHUNKED, b"5\r\nhello\r\n", 400),  # no last chunk
        (CHUNKED, b"5\r\nhello\r\n0\r\n", 400),  # no end of trailers
        (CHUNKED, b"F" * 5000 + b"\r\n", 400),  # size line too long
        (CHUNKED, b"0\r\n" + b"X: y\r\n" * 100 + b"\r\n", 400),  # too many trailers
        (CHUNKED, b"400\r\n" + b"x" * 1024 + b"\r\n1\r\nx\r\n0\r\n\r\n", 413),
        ({"Transfer_Encoding": "chunked", "Content_Length": "5"}, b"0\r\n\r\n", 400),
        ({"Transfer_Encoding": "gzip"}, b"", 400),
        ({"Transfer_Encoding": "gzip, chunked"}, b"0\r\n\r\n", 501),
        ({"Content_Length": "nope"}, b"", 400),
        ({"Content_Length": "-1"}, b"", 400),
        ({"Content_Length": "5, 6"}, b"hello!", 400),
        ({"Content_Length": "2048"}, b"", 413),
        ({"Content_Length": "10"}, b"short", 400),
    ],
)
def test_bodies_that_are_refused(fields: dict[str, str], raw: bytes, status: int) -> None:
    with pytest.raises(BodyError) as refused:
        read_body(headers(**fields), io.BytesIO(raw), 1024)
    assert refused.value.status == status and refused.value.reason


def _form(env: dict[str, str]) -> bytes:
    return urlencode(
        {
            "grant_type": "password",
            "client_id": env["SF_CLIENT_ID"],
            "client_secret": env["SF_CLIENT_SECRET"],
            "username": env["SF_USERNAME"],
            "password": env["SF_PASSWORD"] + env["SF_SECURITY_TOKEN"],
        }
    ).encode()


def test_chunked_login_with_http_client(start) -> None:
    """http.client sends an iterable body chunked (encode_chunked), as jsforce 3 does."""
    running = start(HEALTHY.org())
    body = _form(HEALTHY.env(running.url))
    host, port = running.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        # Three chunks of uneven sizes, split inside a form field.
        parts = iter([body[:7], body[7:100], body[100:]])
        conn.request(
            "POST",
            "/services/oauth2/token",
            body=parts,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            encode_chunked=True,
        )
        response = conn.getresponse()
        payload = response.read()
        assert response.status == 200, payload
        # The connection stays usable: the whole chunked body was consumed.
        conn.request("GET", "/services/data/")
        assert conn.getresponse().status == 200
    finally:
        conn.close()
    assert running.org.login_history[-1].status == "Success"
    assert running.log[0].fields["username"] == HEALTHY.credentials["SF_USERNAME"]


def _raw(running, data: bytes, *, shut: bool = True) -> bytes:
    host, port = running.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(data)
        if shut:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):  # the server closes: the read ends
            chunks.append(chunk)
    return b"".join(chunks)


HEAD = b"POST /services/oauth2/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"zz\r\nhello\r\n0\r\n\r\n", b"400"),
        (b"5\r\nhel", b"400"),
        (b"100001\r\n", b"413"),
    ],
)
def test_malformed_chunking_is_a_400_and_the_connection_closes(start, body, status) -> None:
    running = start(HEALTHY.org())
    reply = _raw(running, HEAD + body)
    assert reply.startswith(b"HTTP/1.1 " + status)
    assert b"Connection: close" in reply and b"sfdoctor simulator:" in reply
    assert running.log[-1].kind == "bad_request" and running.login_attempts == 0


def test_a_body_that_stops_arriving_gets_408(start, monkeypatch) -> None:
    monkeypatch.setattr(server, "BODY_TIMEOUT", 0.3)
    running = start(HEALTHY.org())
    reply = _raw(running, HEAD + b"5\r\nhel", shut=False)  # the client keeps waiting
    assert reply.startswith(b"HTTP/1.1 408")
