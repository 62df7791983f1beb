"""``check`` tells the truth about what it saw (issue 12): no claim the evidence contradicts.

pytest-httpserver plays the org (:class:`tests.commands.test_check.Org` for the OAuth flow,
:class:`tests.commands.test_check_flows.SoapOrg` for SOAP ``login()``); the Ctrl-C tests
run ``sfdoctor check`` in a pseudo-terminal against sockets that never answer.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sfdoctor.status import ExitStatus
from tests.commands.test_check import (
    CLIENT_ID,
    CLIENT_SECRET,
    PASSWORD,
    TOKEN,
    USERNAME,
    Org,
    causes,
    check_json,
)
from tests.commands.test_check_flows import JwtOrg, SoapOrg


def _line(doc: dict, name: str) -> dict:
    return next(c for c in doc["checks"] if c["name"] == name)


# --- 1. the token already inside the password ------------------------------------------


def test_token_inside_the_password_is_the_first_explanation(run, env, httpserver) -> None:
    # simple-salesforce / Data Loader style: SF_PASSWORD = password + token, no token var;
    # an untrusted network, so the login works only because the token is in the password
    env(SF_PASSWORD=PASSWORD + TOKEN, SF_SECURITY_TOKEN=None)
    org = Org(httpserver)
    status, doc = check_json(run)
    assert status == ExitStatus.OK and doc["verdict"] == "warn"
    assert org.logins == ["token"]
    f = next(f for f in doc["findings"] if f["cause"] == "trusted_network_only")
    assert f["confidence"] in ("medium", "low")
    assert [c["cause"] for c in f["candidates"]] == ["token_in_password", "trusted_network_only"]
    assert all(c["confirm"] for c in f["candidates"])
    evidence = " ".join(f["evidence"])
    assert "last 24 characters" in evidence and "trusted" in evidence
    steps = " ".join(f["remediation"])
    assert "SF_SECURITY_TOKEN" in f["remediation"][0] and "Login History" in steps
    assert "Reset My Security Token" not in " ".join(f["remediation"][:4])
    assert "****" not in steps


def test_no_token_on_a_trusted_network_still_names_both(run, env, httpserver) -> None:
    env(SF_SECURITY_TOKEN=None)  # PASSWORD is 14 characters: no token fits in it
    Org(httpserver, trusted=True)
    status, doc = check_json(run)
    assert status == ExitStatus.OK and doc["verdict"] == "warn"
    f = next(f for f in doc["findings"] if f["cause"] == "trusted_network_only")
    assert f["confidence"] == "medium"
    assert [c["cause"] for c in f["candidates"]] == ["trusted_network_only", "token_in_password"]
    assert "Reset My Security Token" not in " ".join(f["remediation"][:4])


def test_token_inside_the_password_on_the_console(run, env, httpserver) -> None:
    env(SF_PASSWORD=PASSWORD + TOKEN, SF_SECURITY_TOKEN=None)
    Org(httpserver)
    r = run("check")
    assert r.status == ExitStatus.OK
    assert "the password already carries the security token" in r.out.lower()
    assert "this network is trusted" in r.out
    block = r.out.split("trusted_network_only \u00b7")[1].split("What to do")[0]
    assert "medium confidence" in block


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        (PASSWORD + TOKEN, 24),
        (PASSWORD + TOKEN + "Z", 24),  # a 25-character token ends with 24 too
        (TOKEN, None),  # nothing before it: no password
        ("correct-horse-battery-staple-2026", None),
        ("Sh0rt", None),
    ],
)
def test_token_like_tail(password: str, expected: int | None) -> None:
    from sfdoctor.check.lint import token_like_tail

    assert token_like_tail(password) == expected


# --- 2. live evidence beats offline heuristics -----------------------------------------


def test_a_25_character_token_that_works_is_healthy(run, env, httpserver) -> None:
    token = TOKEN + "D"  # real tokens of 25 characters exist
    env(SF_SECURITY_TOKEN=token)
    org = Org(httpserver, token=token)
    status, doc = check_json(run)
    assert status == ExitStatus.OK and doc["verdict"] == "ok", doc["findings"]
    assert "security_token_invalid" not in causes(doc)
    assert org.logins == ["token", "no-token"]


def test_odd_token_length_warning_is_withdrawn_once_the_token_works(run, env, httpserver) -> None:
    env(SF_SECURITY_TOKEN="short")
    Org(httpserver, token="short")
    status, doc = check_json(run)
    assert status == ExitStatus.OK and doc["verdict"] == "ok", doc["findings"]
    assert "security_token_invalid" not in [f["cause"] for f in doc["findings"]]
    line = next(c for c in doc["checks"] if c["stage"] == "configuration")
    assert line["status"] == "info" and "succeeded" in line["summary"]


def test_odd_token_length_warning_stays_when_the_login_fails(run, env, httpserver) -> None:
    env(SF_SECURITY_TOKEN="short")
    Org(httpserver)  # expects TOKEN: "short" is refused
    _, doc = check_json(run)
    lint = [c for c in doc["checks"] if c["stage"] == "configuration"]
    assert lint[0]["status"] == "warn"


def test_consumer_key_heuristic_is_withdrawn_once_the_login_works(run, env, httpserver) -> None:
    env(SF_CLIENT_ID="not-a-3MVG-key")
    Org(httpserver)  # the test org does not look at the consumer key
    status, doc = check_json(run)
    assert status == ExitStatus.OK and doc["verdict"] == "ok", doc["findings"]
    assert "invalid_client_id" not in [f["cause"] for f in doc["findings"]]


@pytest.fixture
def jwt_public_key(env, tmp_path):
    """SF_JWT_KEY_FILE holds a fresh private key; returns its public half."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "server.key"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)
    env(SF_JWT_KEY_FILE=str(path))
    return key.public_key()


def test_clock_warning_is_withdrawn_once_a_jwt_login_works(
    run, jwt_public_key, httpserver, monkeypatch
) -> None:
    from datetime import UTC, datetime, timedelta

    from sfdoctor.check import network

    real = network.clock_check
    behind = datetime.now(UTC) - timedelta(seconds=100)  # this machine's clock, 100 s behind
    monkeypatch.setattr(network, "clock_check", lambda headers: real(headers, now=behind))
    JwtOrg(httpserver, jwt_public_key)
    status, doc = check_json(run, "--flow", "jwt")
    assert status == ExitStatus.OK and doc["verdict"] == "ok", doc["findings"]
    line = _line(doc, "clock")
    assert line["status"] == "info" and "JWT bearer login succeeded" in line["summary"]


# --- 3. marks mean outcomes ------------------------------------------------------------


def test_expected_refusal_is_no_tick(run, env, httpserver) -> None:
    Org(httpserver)
    _, doc = check_json(run)
    line = _line(doc, "login with password only")
    assert line["status"] == "info"
    assert line["summary"].startswith("refused, as expected from an untrusted network")
    r = run("check")
    shown = next(s for s in r.out.splitlines() if "login with password only" in s)
    assert "\u2713" not in shown and "refused, as expected" in shown


def test_refusals_that_are_the_failure_are_crosses(run, env, httpserver) -> None:
    env(SF_PASSWORD="WrongPassw0rd")
    Org(httpserver)
    _, doc = check_json(run)
    assert _line(doc, "login with password + security token")["status"] == "fail"
    assert _line(doc, "login with password only")["status"] == "fail"
    r = run("check")
    shown = next(s for s in r.out.splitlines() if "login with password only" in s)
    assert "\u2713" not in shown and "\u2717" in shown


# --- 4. API versions -------------------------------------------------------------------


class VersionedOrg(Org):
    """An org that offers v31.0 to v62.0 (limits and query answer at every one)."""

    OFFERED = ("31.0", "35.0", "40.0", "41.0", "60.0", "62.0")

    def __init__(self, server: HTTPServer, **kw) -> None:
        super().__init__(server, **kw)
        for v in self.OFFERED:
            server.expect_request(f"/services/data/v{v}/limits").respond_with_handler(self.limits)
            server.expect_request(f"/services/data/v{v}/query").respond_with_handler(self.query)

    def versions(self, request: Request) -> Response:
        body = [{"version": v, "url": f"/services/data/v{v}"} for v in self.OFFERED]
        return Response(json.dumps(body), content_type="application/json")


def _versioned_paths(server: HTTPServer) -> list[str]:
    return [req.path for req, _ in server.log if req.path.startswith("/services/data/v")]


def test_version_above_the_newest_is_unsupported_and_never_used(run, env, httpserver) -> None:
    VersionedOrg(httpserver)
    status, doc = check_json(run, "--api-version", "99.0")
    assert status == ExitStatus.PROBLEM
    assert "api_version_unsupported" in causes(doc)
    line = _line(doc, "API versions")
    assert line["status"] == "fail" and "62.0" in line["summary"]
    assert not any("v99.0" in p for p in _versioned_paths(httpserver))
    assert _line(doc, "SOQL query")["status"] == "skip"


def test_version_missing_from_the_list_is_unsupported(run, env, httpserver) -> None:
    VersionedOrg(httpserver)
    _, doc = check_json(run, "--api-version", "61.0")
    assert "api_version_unsupported" in causes(doc)
    assert not any("v61.0" in p for p in _versioned_paths(httpserver))


def test_retired_version_is_never_used(run, env, httpserver) -> None:
    VersionedOrg(httpserver)
    status, doc = check_json(run, "--api-version", "30.0")
    assert status == ExitStatus.PROBLEM
    assert "api_version_retired" in causes(doc)
    f = next(f for f in doc["findings"] if f["cause"] == "api_version_retired")
    assert f["severity"] == "error"
    assert "410" in " ".join(f["evidence"]) and "UNSUPPORTED_API_VERSION" in " ".join(f["evidence"])
    assert _line(doc, "API versions")["status"] == "fail"
    assert not any("v30.0" in p for p in _versioned_paths(httpserver))
    r = run("check", "--api-version", "30.0")
    shown = next(s for s in r.out.splitlines() if "API versions" in s)
    assert "\u2713" not in shown


def test_version_on_its_way_out_gets_the_radar_warning(run, env, httpserver) -> None:
    VersionedOrg(httpserver)
    status, doc = check_json(run, "--api-version", "35.0")
    assert status == ExitStatus.OK and doc["verdict"] == "warn"
    assert _line(doc, "API versions")["status"] == "ok"
    line = _line(doc, "API version")
    assert line["stage"] == "radar" and line["status"] == "warn"
    assert "Summer '27" in line["summary"] and "Summer '28" in line["summary"]
    assert "/services/data/v35.0/limits" in _versioned_paths(httpserver)


def test_supported_version_is_used(run, env, httpserver) -> None:
    VersionedOrg(httpserver)
    status, doc = check_json(run, "--api-version", "41.0")
    assert status == ExitStatus.OK and doc["verdict"] == "ok", doc["findings"]
    assert "v41.0" in _line(doc, "API versions")["summary"]


def test_soap_login_at_a_retired_version_is_not_sent(run, env, httpserver) -> None:
    env(SF_CLIENT_ID=None, SF_CLIENT_SECRET=None)
    org = SoapOrg(httpserver, path="/services/Soap/u/30.0")
    status, doc = check_json(run, "--flow", "soap", "--api-version", "30.0")
    assert status == ExitStatus.USAGE and "api_version_retired" in causes(doc)
    assert org.logins == []


# --- 5. SOAP INVALID_LOGIN is ambiguous ------------------------------------------------


def test_soap_invalid_login_twice_lists_the_candidates(run, env, httpserver) -> None:
    from tests.commands.test_check_flows import PASSWORD as SOAP_PASSWORD

    env(
        SF_PASSWORD=SOAP_PASSWORD + "x",
        SF_CLIENT_ID=None,
        SF_CLIENT_SECRET=None,
    )
    org = SoapOrg(httpserver)
    status, doc = check_json(run, "--flow", "soap")
    assert status == ExitStatus.PROBLEM and org.logins == ["token", "no-token"]
    f = doc["findings"][0]
    assert f["cause"] == "invalid_credentials" and f["confidence"] != "high"
    listed = [c["cause"] for c in f["candidates"]]
    wanted = ["invalid_credentials", "security_token_invalid", "user_locked_out", "user_inactive"]
    assert listed[0] == "invalid_credentials" and set(wanted) <= set(listed)
    assert [c for c in listed if c in wanted] == wanted  # in this order
    assert "security_token_required" not in listed  # a token was appended
    confirms = {c["cause"]: c["confirm"] for c in f["candidates"]}
    assert "Invalid Password" in confirms["invalid_credentials"]
    assert "Password Lockout" in confirms["user_locked_out"]
    assert "User is Inactive" in confirms["user_inactive"]
    r = run("check", "--flow", "soap")
    assert "Candidates, most likely first" in r.out


# --- 6. counting refusals --------------------------------------------------------------


def test_a_login_without_answer_is_not_a_refusal(run, env) -> None:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)  # accepts the connection, never answers
    try:
        env(SF_LOGIN_URL=f"http://127.0.0.1:{sock.getsockname()[1]}")
        _, doc = check_json(run, "--timeout", "0.5")
    finally:
        sock.close()
    text = " ".join(c["summary"] for c in doc["checks"])
    assert "refused login" not in text
    line = _line(doc, "lockout")
    assert "no answer" in line["summary"] and "may" in line["summary"]


def test_refusals_are_counted(run, env, httpserver) -> None:
    env(SF_PASSWORD="WrongPassw0rd")
    Org(httpserver)
    _, doc = check_json(run)
    assert _line(doc, "lockout")["summary"].startswith("2 refused logins")


# --- 8. prompts and first-run guidance -------------------------------------------------


def test_terminal_prompts_for_the_security_token(env, httpserver) -> None:
    from sfdoctor.check.options import CheckOptions
    from sfdoctor.commands.check import run as run_check

    org = Org(httpserver)
    asked: list[tuple[str, bool]] = []
    answers = {
        "username": USERNAME,
        "password": PASSWORD,
        "security token": TOKEN,
        "client id": CLIENT_ID,
        "client secret": CLIENT_SECRET,
    }

    def prompt(label: str, secret: bool) -> str:
        asked.append((label, secret))
        return next(v for k, v in answers.items() if label.startswith(k))

    status = run_check(
        CheckOptions(fmt="json"),
        environ={"SF_LOGIN_URL": httpserver.url_for("").rstrip("/")},
        prompt=prompt,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    token_prompt = next(p for p in asked if p[0].startswith("security token"))
    assert token_prompt[1] is True and "Enter for none" in token_prompt[0]
    assert [p[0].split(" (")[0] for p in asked] == [
        "username",
        "password",
        "security token",
        "client id",
        "client secret",
    ]
    assert status == ExitStatus.OK and org.logins == ["token", "no-token"]


def test_empty_token_answer_means_none(env, httpserver) -> None:
    from sfdoctor.check.config import load_settings

    settings = load_settings(
        environ={},
        prompt=lambda label, secret: "" if label.startswith("security token") else "x",
    )
    assert settings.security_token.value is None


def test_token_is_not_asked_when_the_password_comes_from_the_environment(env) -> None:
    from sfdoctor.check.config import load_settings

    asked: list[str] = []
    load_settings(
        environ={"SF_USERNAME": "u", "SF_PASSWORD": "p"},
        prompt=lambda label, secret: asked.append(label) or "x",
    )
    assert not any(a.startswith("security token") for a in asked)


def test_missing_connected_app_points_at_soap_and_jwt(run, env, httpserver) -> None:
    env(SF_SECURITY_TOKEN=None, SF_CLIENT_ID=None, SF_CLIENT_SECRET=None)
    r = run("check", "--details")  # the other ways in: every step
    assert r.status == ExitStatus.USAGE
    assert "--flow soap" in r.out and "--flow jwt" in r.out and "Summer '27" in r.out
    # the section the remediation points at is on screen: where each value came from
    assert "consumer key" in r.out and "(not set)" in r.out


# --- 7. Ctrl-C in a terminal -----------------------------------------------------------


def _pty_check(url: str, *, settle: float, marker: bytes) -> tuple[int, bytes, float, float]:
    """Run ``sfdoctor check`` in a pseudo-terminal against ``url``; once ``marker`` is on
    screen and ``settle`` seconds more have passed, press Ctrl-C. Returns the exit status,
    the screen, the seconds from start to the marker, and from Ctrl-C to the exit."""
    import pty
    import select

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SF_", "SALESFORCE_"))} | {
        "SF_LOGIN_URL": url,
        "SF_USERNAME": USERNAME,
        "SF_PASSWORD": PASSWORD,
        "SF_SECURITY_TOKEN": TOKEN,
        "SF_CLIENT_ID": CLIENT_ID,
        "SF_CLIENT_SECRET": CLIENT_SECRET,
        "COLUMNS": "120",
        "TERM": "xterm",
    }
    argv = [sys.executable, "-m", "sfdoctor", "check", "--timeout", "30"]
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:  # the child: sfdoctor on the terminal
        os.execvpe(argv[0], argv, env)
    screen = b""

    def read(until: float) -> bool:
        nonlocal screen
        while time.monotonic() < until:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    return True
                if not chunk:
                    return True
                screen += chunk
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                return True
        return False

    try:
        deadline = start + 20
        while marker not in screen and time.monotonic() < deadline:
            if read(time.monotonic() + 0.1):
                break
        seen_after = time.monotonic() - start
        assert marker in screen, screen
        read(time.monotonic() + settle)
        os.write(fd, b"\x03")
        pressed = time.monotonic()
        status = None
        while time.monotonic() < pressed + 10:
            try:
                ready, _, _ = select.select([fd], [], [], 0.05)
                if ready:
                    screen += os.read(fd, 65536)
            except OSError:
                pass
            done, raw = os.waitpid(pid, os.WNOHANG)
            if done:
                status = os.waitstatus_to_exitcode(raw)
                break
        ended = time.monotonic() - pressed
        if status is None:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            pytest.fail(f"still running 10 s after Ctrl-C: {screen!r}")
        return status, screen, seen_after, ended
    finally:
        os.close(fd)


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_ctrl_c_while_the_first_login_waits(tmp_path) -> None:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)  # accepts connections, never answers
    try:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        status, screen, seen, ended = _pty_check(url, settle=0.5, marker=b"logging in to")
    finally:
        sock.close()
    assert b"sfdoctor check" in screen  # the header, before any answer
    assert status == ExitStatus.INTERRUPTED, screen
    assert b"interrupted" in screen and b"Traceback" not in screen
    assert ended < 1.5, f"Ctrl-C took {ended:.2f} s"


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_ctrl_c_while_the_session_checks_wait() -> None:
    """The first login is answered; every later request hangs (worker threads waiting)."""
    import socket
    import socketserver
    import threading

    release = threading.Event()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = self.request.recv(65536)
                if not chunk:
                    return
                data += chunk
            if data.startswith(b"POST /services/oauth2/token") and not served:
                served.append(1)
                base = f"http://127.0.0.1:{server.server_address[1]}"
                body = json.dumps(
                    {
                        "access_token": "00D5g000004CANRY!AQ4AQCanaryAccessTokenValue",
                        "instance_url": base,
                        "id": f"{base}/id/00D5g000004CANRYEAA/0055g00000CanaryAAA",
                        "token_type": "Bearer",
                        "issued_at": "1691308480245",
                    }
                ).encode()
                self.request.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                    + body
                )
                return
            release.wait(60)  # never answers (until the test ends)

    served: list[int] = []
    socketserver.ThreadingTCPServer.daemon_threads = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        status, screen, _, ended = _pty_check(url, settle=1.0, marker=b"logging in to")
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        socket.socket  # noqa: B018 - keep the import used
    assert served, "the first login was answered"
    assert status == ExitStatus.INTERRUPTED, screen
    assert b"interrupted" in screen and b"Traceback" not in screen
    assert ended < 1.5, f"Ctrl-C took {ended:.2f} s"


# --- 9. round trips --------------------------------------------------------------------


@pytest.mark.parametrize("api_version", [None, "60.0"])
def test_healthy_check_waits_for_two_rounds_of_answers(monkeypatch, api_version) -> None:
    """The critical path of a healthy check: each request's depth is one more than the
    deepest request that had been answered before it was sent. With every answer delayed,
    the order (not the clock) shows what waits for what: at most 2 rounds."""
    import threading

    from sfdoctor.check.config import load_settings
    from sfdoctor.check.options import CheckOptions
    from sfdoctor.commands.check import execute
    from sfdoctor.probes.http import Transport
    from sfdoctor.simulator import SCENARIOS, serve

    spans: list[tuple[float, float, str]] = []
    lock = threading.Lock()
    real = Transport.request

    def timed(self, method, url, **kw):
        start = time.monotonic()
        try:
            return real(self, method, url, **kw)
        finally:
            with lock:
                spans.append((start, time.monotonic(), url))

    monkeypatch.setattr(Transport, "request", timed)
    sc = SCENARIOS["healthy"]
    with serve(sc.org(), delay=0.25) as org:
        settings = load_settings(environ=sc.env(org.url))
        report = execute(CheckOptions(api_version=api_version), settings)
    assert str(report.verdict) == "ok", report.findings
    depth: dict[int, int] = {}
    for i, (start, _, _) in sorted(enumerate(spans), key=lambda s: s[1][0]):
        before = [depth[j] for j, (_, end, _) in enumerate(spans) if end <= start and j in depth]
        depth[i] = 1 + max(before, default=0)
    assert max(depth.values()) <= 2, sorted((depth[i], spans[i][2]) for i in depth)


@pytest.mark.parametrize("password", [PASSWORD + TOKEN, PASSWORD])
def test_both_explanations_survive_redaction(password: str) -> None:
    """The finding's words pass the redactor unchanged (no 'password: (a)' masked)."""
    from sfdoctor.check.differential import no_token_needed
    from sfdoctor.check.lint import token_like_tail
    from sfdoctor.redaction import redact

    f = no_token_needed(token_like_tail(password), len(password))
    for text in (f.title, *f.evidence, *f.remediation, *(c[2] for c in f.candidates)):
        assert redact(text) == text


def test_a_refused_connection_counts_nothing(run, env) -> None:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens: the login never reached anyone
    env(SF_LOGIN_URL=f"http://127.0.0.1:{port}")
    _, doc = check_json(run)
    assert not any(c["name"] == "lockout" for c in doc["checks"])
