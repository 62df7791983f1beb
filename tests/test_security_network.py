"""The transport under hostile servers and settings (issue 18, items 2 to 6).

- ``--timeout`` bounds a whole exchange: a server that dribbles one byte at a time, or
  answers ``100 Continue`` for ever, is cut off, and ``check`` ends in bounded time;
- a proxy password that breaks its URL is never printed;
- loopback never goes through a proxy, and the report says so;
- an answer cut short, stalled, or nested too deep is a network or answer fault (exit 3),
  never an internal error;
- the ``-v`` trace is redacted before it is cut to length.

Every server is a :class:`tests.security_hostile.RawServer` or listener on loopback.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from pytest_httpserver import HTTPServer

from sfdoctor.check.network import preflight
from sfdoctor.check.network.environment import mask_proxy
from sfdoctor.probes.http import GRACE, Transport, TransportError
from sfdoctor.redaction import Redactor
from sfdoctor.status import ExitStatus
from tests.commands.test_check import (
    CANARIES,
    CLIENT_ID,
    CLIENT_SECRET,
    PASSWORD,
    TOKEN,
    USERNAME,
    Org,
)
from tests.security_hostile import (
    Listener,
    RawServer,
    Script,
    answer,
    attacker_listener,
    clean_environment,
    deep_json,
    dribble,
    endless_continue,
    guard_loopback,
    http_answer,
    proxy_passwords,
    raw_servers,
)

PROXY_CANARY = "ProxyCanaryPassw0rd"


@pytest.fixture
def attacker() -> Iterator[Listener]:
    yield from attacker_listener()


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    guard_loopback(monkeypatch)


@pytest.fixture
def servers() -> Iterator[Callable[[Script], RawServer]]:
    yield from raw_servers()


@pytest.fixture
def stop() -> Iterator[threading.Event]:
    """Set after the test: dribbling servers stop."""
    event = threading.Event()
    yield event
    event.set()


@pytest.fixture
def sf(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """``sf(login_url, **more)``: a clean environment with every setting for ``check``."""
    clean_environment(monkeypatch)

    def _set(login_url: str, **more: str) -> None:
        values = {
            "SF_LOGIN_URL": login_url,
            "SF_USERNAME": USERNAME,
            "SF_PASSWORD": PASSWORD,
            "SF_SECURITY_TOKEN": TOKEN,
            "SF_CLIENT_ID": CLIENT_ID,
            "SF_CLIENT_SECRET": CLIENT_SECRET,
            **more,
        }
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return _set


def transport(timeout: float = 1.0, **kwargs: object) -> Transport:
    return Transport(timeout=timeout, redactor=Redactor([PASSWORD]), **kwargs)  # type: ignore[arg-type]


def errors(doc: dict) -> list[str]:
    return [f["cause"] for f in doc["findings"] if f["severity"] == "error"]


# --- item 2: a total deadline per request ----------------------------------------------------

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"


def slow_servers(stop: threading.Event) -> dict[str, Script]:
    """Servers that would hold a per-read timeout for ever."""
    return {
        "status line a byte at a time": dribble(HEAD + b"{}", 0.2, stop),
        "body a byte at a time": answer(HEAD, then=dribble(b"[" * 100000, 0.2, stop)),
        "100 Continue for ever": endless_continue(stop),
    }


@pytest.mark.parametrize("kind", ["status line a byte at a time", "body a byte at a time",
                                  "100 Continue for ever"])  # fmt: skip
def test_timeout_bounds_the_whole_exchange(servers, stop, kind: str) -> None:
    server = servers(slow_servers(stop)[kind])
    start = time.monotonic()
    outcome = transport(timeout=1.0).request("GET", server.url + "/services/data/")
    elapsed = time.monotonic() - start
    assert isinstance(outcome, TransportError) and outcome.kind == "timeout", outcome
    assert "within 1 s" in outcome.message
    assert elapsed < 1.0 + GRACE + 0.5, elapsed


@pytest.mark.parametrize("kind", ["status line a byte at a time", "body a byte at a time",
                                  "100 Continue for ever"])  # fmt: skip
def test_check_against_a_slow_server_ends_in_bounded_time(
    run, sf, servers, stop, loopback_only, kind: str
) -> None:
    server = servers(slow_servers(stop)[kind])
    sf(server.url)
    start = time.monotonic()
    r = run("check", "--format", "json", "--timeout", "0.5")
    elapsed = time.monotonic() - start
    doc = json.loads(r.out)
    assert r.status == ExitStatus.INCONCLUSIVE and errors(doc) == ["timeout"]
    assert doc["attempts_used"] <= 2
    # The documented bound: 7 x --timeout + 3 s; a loopback run is far below it.
    assert elapsed < 7 * 0.5 + 3, elapsed


def test_a_fast_answer_is_not_slowed_down(servers) -> None:
    body = b'{"ok": true}'
    server = servers(answer(http_answer("200 OK", body)))
    start = time.monotonic()
    outcome = transport(timeout=5).request("GET", server.url + "/x")
    assert time.monotonic() - start < 1
    assert outcome.status == 200 and outcome.body == '{"ok": true}'  # type: ignore[union-attr]


# --- item 3: a proxy password is never printed ------------------------------------------------


@pytest.mark.parametrize("password", proxy_passwords(PROXY_CANARY))
def test_mask_proxy_hides_a_password_that_breaks_the_url(password: str) -> None:
    shown = mask_proxy(f"http://user:{password}@proxy.example:3128/")
    assert PROXY_CANARY not in shown and shown.startswith("http://user:****@")


@pytest.mark.parametrize("fmt", ["json", "console"])
@pytest.mark.parametrize("password", proxy_passwords(PROXY_CANARY))
def test_a_proxy_password_is_never_printed(run, sf, loopback_only, fmt, password) -> None:
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()  # nothing listens: a usable proxy URL is refused at connect
    sf("https://login.salesforce.com", HTTPS_PROXY=f"http://user:{password}@127.0.0.1:{port}/")
    r = run("check", "--format", fmt, "-v")
    assert r.status == ExitStatus.INCONCLUSIVE, r.err
    assert PROXY_CANARY not in r.out and PROXY_CANARY not in r.err
    assert "user:****@" in r.out
    if "/" in password:  # the case: the URL is not a usable one, and says why
        assert "not a usable proxy URL" in r.out and "%2F" in r.out


# --- item 4: loopback never goes through a proxy ----------------------------------------------


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"])
def test_loopback_login_never_goes_through_the_proxy(
    run, sf, httpserver: HTTPServer, attacker: Listener, variable: str
) -> None:
    org = Org(httpserver)
    sf(httpserver.url_for("").rstrip("/"), **{variable: f"http://{attacker.netloc}"})
    r = run("check", "--format", "json", "-v")
    doc = json.loads(r.out)
    assert r.status == ExitStatus.OK, doc["findings"]
    assert org.logins == ["token", "no-token"]
    assert attacker.connections == 0 and bytes(attacker.received) == b"", "the proxy saw it"
    transport_line = next(c for c in doc["checks"] if c["name"] == "transport")
    assert f"{variable} set, but loopback never goes through a proxy" in transport_line["summary"]
    assert "through a proxy)" not in r.err  # the trace says each request went directly


def test_https_loopback_is_not_proxied_either(servers, attacker: Listener) -> None:
    server = servers(answer(b"not TLS\r\n\r\n"))
    result = preflight(
        f"https://127.0.0.1:{server.port}",
        timeout=2,
        environ={"HTTPS_PROXY": f"http://{attacker.netloc}"},
    )
    proxy = next(c for c in result.checks if c.name == "proxy")
    assert "loopback, which never goes through a proxy" in proxy.summary
    assert attacker.connections == 0


def test_the_transport_never_proxies_loopback(httpserver: HTTPServer, attacker: Listener) -> None:
    Org(httpserver)
    t = transport(proxy_for=lambda url: f"http://{attacker.netloc}")
    outcome = t.request("GET", httpserver.url_for("/services/data/"))
    assert outcome.status == 200  # type: ignore[union-attr]
    assert attacker.connections == 0


# --- item 5: network faults are faults, not crashes --------------------------------------------


def routes(table: dict[str, bytes], default: bytes | None = None) -> Script:
    """A script answering by request path prefix (the first that matches), then hanging up."""

    def script(conn: socket.socket, head: bytes) -> None:
        path = head.split(b" ", 2)[1].decode()
        for prefix, raw in table.items():
            if path.startswith(prefix):
                conn.sendall(raw)
                return
        conn.sendall(default or http_answer("404 Not Found", b"[]"))

    return script


TOKEN_OK = json.dumps(
    {"access_token": "00D5g000004CANRY!AQ4AQCanaryAccessTokenValue", "instance_url": "x",
     "id": "y", "token_type": "Bearer"}
).encode()  # fmt: skip
CUT_SHORT = {
    "content-length larger than the body": http_answer(
        "200 OK", b'{"access_token":"00D', length=5000
    ),
    "a whole token, then cut short": http_answer("200 OK", TOKEN_OK, length=len(TOKEN_OK) + 500),
    "bad chunk size": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    "chunked, cut short": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n400\r\n{\"access_token\"",
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CUT_SHORT))
def test_an_answer_cut_short_is_inconclusive(run, sf, servers, loopback_only, case) -> None:
    server = servers(routes({"/services/oauth2/token": CUT_SHORT[case]}))
    sf(server.url)
    r = run("check", "--format", "json", "-v")
    doc = json.loads(r.out)
    assert r.status == ExitStatus.INCONCLUSIVE, r.err
    assert errors(doc) == ["unexpected_response"]
    assert "cut short" in r.out and "internal error" not in r.err
    assert not any(b"Authorization" in head for head in server.requests), "a token was used"


def test_an_answer_that_stalls_is_a_timeout(run, sf, servers, stop, loopback_only) -> None:
    def stall(conn: socket.socket, head: bytes) -> None:
        stop.wait(30)

    server = servers(answer(HEAD + b'{"access', then=stall))
    sf(server.url)
    start = time.monotonic()
    r = run("check", "--format", "json", "--timeout", "0.5")
    doc = json.loads(r.out)
    assert r.status == ExitStatus.INCONCLUSIVE and errors(doc) == ["timeout"], r.err
    assert time.monotonic() - start < 7 * 0.5 + 3


def test_the_stalled_body_read_outside_requests_is_a_timeout(servers, stop) -> None:
    """``resp.raw.read()`` raising ReadTimeoutError outside requests' own handler."""
    server = servers(answer(HEAD + b"{", then=lambda conn, head: stop.wait(30)))
    outcome = transport(timeout=0.5).request("GET", server.url + "/x")
    assert isinstance(outcome, TransportError) and outcome.kind == "timeout"


@pytest.mark.parametrize("status", ["200 OK", "400 Bad Request"])
def test_deep_json_in_the_token_answer_is_unrecognised(
    run, sf, servers, loopback_only, status
) -> None:
    server = servers(routes({"/services/oauth2/token": http_answer(status, deep_json().encode())}))
    sf(server.url)
    r = run("check", "--format", "json")
    doc = json.loads(r.out)
    assert r.status == ExitStatus.INCONCLUSIVE, r.err
    assert errors(doc) == ["unexpected_response"] and "internal error" not in r.err


def test_deep_json_in_a_session_answer_is_unrecognised(
    run, sf, httpserver: HTTPServer, loopback_only
) -> None:
    from tests.commands.test_check import ORG, USER

    # The session calls answer JSON nested too deep (one-shot handlers come first).
    for path in (f"/id/{ORG}/{USER}", "/services/data/v62.0/limits", "/services/data/v62.0/query"):
        httpserver.expect_oneshot_request(path).respond_with_data(
            deep_json(), content_type="application/json"
        )
    Org(httpserver)
    sf(httpserver.url_for("").rstrip("/"))
    r = run("check", "--format", "json")
    assert r.status in (ExitStatus.PROBLEM, ExitStatus.INCONCLUSIVE), r.err
    assert "internal error" not in r.err and json.loads(r.out)["attempts_used"] >= 1


def test_an_unknown_charset_is_read_as_utf8(servers) -> None:
    server = servers(answer(http_answer("200 OK", b"[]", ctype="application/json; charset=nope")))
    outcome = transport().request("GET", server.url + "/x")
    assert outcome.body == "[]"  # type: ignore[union-attr]


# --- item 6: the trace is redacted, then cut ----------------------------------------------------

TRACE_PASSWORD = "Zq9PrefixLeakSecret7"


def test_a_long_username_cannot_push_a_password_prefix_into_the_trace(
    run, sf, servers, loopback_only
) -> None:
    from sfdoctor.probes.http import TRACE_LIMIT
    from sfdoctor.probes.soap import envelope

    # The username's length puts the password across the trace's cut.
    start = envelope("", "X").index("<n1:password>") + len("<n1:password>")
    username = "a" * (TRACE_LIMIT - 4 - start - len("@acme.com")) + "@acme.com"
    assert envelope(username, TRACE_PASSWORD).index(TRACE_PASSWORD) == TRACE_LIMIT - 4
    fault = (
        b'<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/'
        b'soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>INVALID_LOGIN</faultcode>'
        b"<faultstring>INVALID_LOGIN: Invalid username, password, security token; or user "
        b"locked out.</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    )
    server = servers(answer(http_answer("500 Server Error", fault, ctype="text/xml")))
    sf(server.url, SF_USERNAME=username, SF_PASSWORD=TRACE_PASSWORD)
    r = run("check", "--flow", "soap", "--max-attempts", "1", "-v")
    assert "> POST" in r.err
    for n in range(4, len(TRACE_PASSWORD) + 1):
        assert TRACE_PASSWORD[:n] not in r.err + r.out, n


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_the_trace_keeps_every_canary_out(run, sf, httpserver: HTTPServer, fmt) -> None:
    Org(httpserver)
    sf(httpserver.url_for("").rstrip("/"))
    r = run("check", "--format", fmt, "-v")
    for canary in CANARIES:
        assert canary not in r.out and canary not in r.err


def test_a_ca_bundle_that_is_a_fifo_or_a_device_is_refused_without_blocking(tmp_path) -> None:
    """REQUESTS_CA_BUNDLE naming a FIFO once blocked check in open(2), past every deadline."""
    import os

    import certifi

    from sfdoctor.probes.connect import verify_context

    fifo = tmp_path / "ca.pem"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/zero"):
        with pytest.raises(OSError, match="not a regular file"):
            verify_context(path)
    assert verify_context(certifi.where()).cert_store_stats()["x509_ca"] > 50
