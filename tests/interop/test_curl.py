"""curl against the simulated org, and what its user pastes into ``sfdoctor explain``.

People debug a failing integration by replaying its login with curl and pasting what curl
printed: the response with its headers (``curl -i``), or curl's own error line when no answer
came (``curl: (7) Failed to connect ...``). Each scenario is replayed here the way such a
user would: the OAuth token request (the scenario's grant), SOAP ``login()`` for the password
and SOAP scenarios, then one query with the session. ``explain`` must name the root cause of
the first failing answer. Skipped where there is no ``curl`` on the PATH.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from xml.sax.saxutils import escape

import pytest

import sfdoctor
from sfdoctor.simulator import SCENARIOS, RunningOrg, Scenario, serve
from tests.conftest import Run
from tests.interop.clients import (
    JWT_GRANT,
    PLAIN,
    QUERY,
    SOAP,
    TOKEN_PATH,
    _jwt_assertion,
    password_grant,
)
from tests.interop.test_simple_salesforce import ROOT_CAUSE, WORKS, named

CURL = shutil.which("curl")
if CURL is None:
    pytest.skip("curl interop needs `curl` on the PATH", allow_module_level=True)

SOAP_LOGIN = """<?xml version="1.0" encoding="utf-8"?>
<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:urn="urn:partner.soap.sforce.com">
  <env:Body>
    <urn:login><urn:username>{username}</urn:username><urn:password>{password}</urn:password></urn:login>
  </env:Body>
</env:Envelope>"""


def _curl(*args: str) -> subprocess.CompletedProcess[str]:
    # --max-time: a total deadline, as a user's script would have; -sS: no progress meter,
    # but curl's own error line when the request fails.
    assert CURL is not None
    return subprocess.run(
        [CURL, "-sS", "--max-time", "10", *args], capture_output=True, text=True, timeout=30
    )


def _status(out: str) -> int:
    first = out.split("\n", 1)[0]
    m = re.match(r"HTTP/[\d.]+ (\d{3})", first)
    assert m, first
    return int(m.group(1))


def _body(out: str) -> str:
    return out.replace("\r\n", "\n").split("\n\n", 1)[1]


def _query(instance_url: str, session_id: str) -> str:
    return _curl(
        "-i",
        "-G",
        f"{instance_url}/services/data/v64.0/query",
        "--data-urlencode",
        f"q={QUERY}",
        "-H",
        f"Authorization: Bearer {session_id}",
    ).stdout


def oauth(scenario: Scenario, running: RunningOrg) -> tuple[bool, str]:
    """The scenario's token request, then a query: (worked, what curl printed last)."""
    env = scenario.env(running.url)
    url = running.url + TOKEN_PATH
    if scenario.flow == "jwt":
        args = ["-d", f"grant_type={JWT_GRANT}", "-d", f"assertion={_jwt_assertion(env)}"]
    elif scenario.flow == "client-credentials":
        args = ["-u", f"{env['SF_CLIENT_ID']}:{env['SF_CLIENT_SECRET']}"]
        args += ["-d", "grant_type=client_credentials"]
    else:
        args = []
        for field, value in password_grant(scenario, env).items():
            args += ["--data-urlencode", f"{field}={value}"]
    out = _curl("-i", "-X", "POST", url, *args).stdout
    if _status(out) != 200:
        return False, out
    token = json.loads(_body(out))
    out = _query(token["instance_url"], token["access_token"])
    return _status(out) == 200, out


def soap(scenario: Scenario, running: RunningOrg) -> tuple[bool, str]:
    """SOAP ``login()`` posted by hand, then a REST query with its session."""
    env = scenario.env(running.url)
    envelope = SOAP_LOGIN.format(
        username=escape(env["SF_USERNAME"]),
        password=escape(env["SF_PASSWORD"] + env.get("SF_SECURITY_TOKEN", "")),
    )
    out = _curl(
        "-i",
        running.url + "/services/Soap/u/59.0",
        "-H",
        "Content-Type: text/xml; charset=UTF-8",
        "-H",
        "SOAPAction: login",
        "--data-binary",
        envelope,
    ).stdout
    if _status(out) != 200:
        return False, out
    session = re.search(r"<sessionId>([^<]+)</sessionId>", out)
    server = re.search(r"<serverUrl>(https?://[^/<]+)", out)
    assert session and server, out
    out = _query(server.group(1), session.group(1))
    return _status(out) == 200, out


def _cases() -> list[object]:
    cases: list[object] = []
    for name, scenario in SCENARIOS.items():
        cases.append(pytest.param(name, PLAIN, id=f"{name}-oauth"))
        if scenario.flow in ("password", "soap"):
            cases.append(pytest.param(name, SOAP, id=f"{name}-soap"))
    return cases


@pytest.mark.parametrize(("name", "path"), _cases())
def test_curl_user_gets_the_root_cause_from_explain(name: str, path: str) -> None:
    scenario = SCENARIOS[name]
    with serve(scenario.org()) as running:
        ok, out = (soap if path == SOAP else oauth)(scenario, running)
    if (name, path) in WORKS:
        assert ok, out
        return
    assert not ok, out
    causes = named(out)
    assert ROOT_CAUSE[name] in causes, (out, sfdoctor.explain(out).cause)
    if "<soapenv:Fault>" in out and ROOT_CAUSE[name] != "service_unavailable":
        # SOAP sends every fault with HTTP 500: the status line curl -i shows is no outage.
        assert "service_unavailable" not in causes, out


def test_a_closed_port_is_a_network_failure(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}{TOKEN_PATH}"
    out = _curl("-X", "POST", url, "-d", "grant_type=password")
    assert out.returncode == 7, out.stderr
    assert sfdoctor.explain(out.stderr).cause == "network_unreachable", out.stderr


def test_a_server_that_never_answers_is_a_timeout(silent_port: int) -> None:
    # The connection is made and no answer ever comes: curl's total deadline ends the request.
    out = _curl("--max-time", "1", f"http://127.0.0.1:{silent_port}{TOKEN_PATH}", "-d", "x=1")
    assert out.returncode == 28, out.stderr
    assert sfdoctor.explain(out.stderr).cause == "timeout", out.stderr


def test_a_verbose_paste_names_the_cause_and_shows_no_credential(run: Callable[..., Run]) -> None:
    # curl -v prints the request's headers: with -u, the consumer key and secret in Base64.
    scenario = SCENARIOS["client-credentials-bad-secret"]
    with serve(scenario.org()) as running:
        env = scenario.env(running.url)
        pair = f"{env['SF_CLIENT_ID']}:{env['SF_CLIENT_SECRET']}"
        out = _curl(
            "-v", running.url + TOKEN_PATH, "-u", pair, "-d", "grant_type=client_credentials"
        )
    paste = out.stderr + out.stdout
    basic = base64.b64encode(pair.encode()).decode()
    assert f"Authorization: Basic {basic}" in paste
    for fmt in ("json", "console"):
        result = run("explain", "--format", fmt, "-", stdin=paste)
        assert "invalid_client_secret" in result.out
        assert basic not in result.out + result.err
        assert env["SF_CLIENT_SECRET"] not in result.out + result.err
