"""One URL parser decides, and it is the one that connects (issue 18, item 1).

``https://evil.example\\@login.salesforce.com`` is login.salesforce.com to
``urllib.parse.urlsplit`` and evil.example to urllib3, which requests connects with. A
listener on 127.0.0.2 plays evil.example, the loopback org on 127.0.0.1 (or localhost)
plays Salesforce: for every way a login URL reaches ``check`` and every flow, the listener
must receive not one byte, and a token answer whose URLs point at it must not send it the
token.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sfdoctor.hosts import UrlRefused, credential_url_problem, parse_url
from sfdoctor.status import ExitStatus
from tests.commands.test_check import (
    ACCESS,
    CLIENT_ID,
    CLIENT_SECRET,
    ORG,
    PASSWORD,
    TOKEN,
    USER,
    USERNAME,
    Org,
)
from tests.security_hostile import (
    SPLITTERS,
    Listener,
    attacker_listener,
    clean_environment,
    guard_loopback,
    hostile_answer_urls,
    hostile_login_urls,
)

FLOWS = ("password", "soap", "jwt", "client-credentials")
SOURCES = ("SF_LOGIN_URL", "SALESFORCE_LOGIN_URL", "SALESFORCE_HOST", "--login-url")


@pytest.fixture
def attacker() -> Iterator[Listener]:
    yield from attacker_listener()


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    guard_loopback(monkeypatch)


@pytest.fixture(scope="module")
def key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path, key_pem: str):
    """Every setting every flow needs, the login URL left to the test."""
    clean_environment(monkeypatch)
    key = tmp_path / "server.key"
    key.write_text(key_pem, encoding="utf-8")
    for name, value in {
        "SF_USERNAME": USERNAME,
        "SF_PASSWORD": PASSWORD,
        "SF_SECURITY_TOKEN": TOKEN,
        "SF_CLIENT_ID": CLIENT_ID,
        "SF_CLIENT_SECRET": CLIENT_SECRET,
        "SF_JWT_KEY_FILE": str(key),
    }.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def _netloc(server: HTTPServer) -> str:
    return urlsplit(server.url_for("/")).netloc


# --- the parser ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", hostile_login_urls("127.0.0.2:8000", "127.0.0.1:9000", "http")
    + hostile_login_urls("evil.example", "login.salesforce.com", "https"),
)  # fmt: skip
def test_hostile_urls_are_refused(url: str) -> None:
    with pytest.raises(UrlRefused):
        parse_url(url)
    assert credential_url_problem(url) is not None


def test_the_issues_url_is_refused_for_its_backslash() -> None:
    problem = credential_url_problem("https://evil.example\\@login.salesforce.com")
    assert problem is not None and "backslash" in problem


@pytest.mark.parametrize(
    ("url", "origin", "path"),
    [
        ("https://login.salesforce.com", "https://login.salesforce.com", ""),
        ("HTTPS://Acme.My.Salesforce.com/", "https://acme.my.salesforce.com", "/"),
        ("https://acme.my.salesforce.com:8443/a?b=1#frag", "https://acme.my.salesforce.com:8443",
         "/a?b=1"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000", ""),
        ("http://[::1]:5000/x", "http://[::1]:5000", "/x"),
        ("http://localhost:80/services/data/", "http://localhost:80", "/services/data/"),
    ],
)  # fmt: skip
def test_plain_urls_parse(url: str, origin: str, path: str) -> None:
    target = parse_url(url)
    assert (target.origin, target.path) == (origin, path)


def _pieces() -> list[str]:
    """URLs assembled from splitters, user parts and hosts: a small exhaustive fuzz."""
    users = ("", "u@", "u:p@", "127.0.0.2@", "127.0.0.2:1@")
    out = []
    for scheme in ("http", "https"):
        for user in users:
            for mid in ("", *SPLITTERS, "/", "?", "#", "@", ":", ";", "%40"):
                out.append(f"{scheme}://{user}127.0.0.2{mid}@127.0.0.1:9/x")
                out.append(f"{scheme}://{user}127.0.0.1:9{mid}127.0.0.2/x")
    return out


@pytest.mark.parametrize("url", _pieces())
def test_an_accepted_url_is_read_alike_by_every_parser(url: str) -> None:
    """Whatever parse_url accepts, urllib.parse, urllib3 and requests' prepared request name
    the same host and port, and carry no userinfo."""
    import requests
    from urllib3.util import parse_url as urllib3_parse

    try:
        target = parse_url(url)
    except UrlRefused:
        return
    prepared = urllib3_parse(requests.Request("GET", target.url).prepare().url or "")
    split = urlsplit(url)
    assert (prepared.host or "").strip("[]") == target.host == split.hostname
    assert prepared.port == target.port == split.port
    assert prepared.auth is None and split.username is None


# --- check: nothing is sent for a hostile login URL ------------------------------------------


@pytest.mark.parametrize("flow", FLOWS)
@pytest.mark.parametrize("source", SOURCES)
def test_hostile_login_url_sends_nothing_anywhere(
    run, settings, httpserver: HTTPServer, attacker: Listener, loopback_only, source, flow
) -> None:
    org = Org(httpserver)
    urls = hostile_login_urls(attacker.netloc, _netloc(httpserver))
    urls += hostile_login_urls("evil.example", "login.salesforce.com", "https")
    for url in urls:
        args = ["check", "--format", "json", "--flow", flow]
        if source == "--login-url":
            args += ["--login-url", url]
        elif "\x00" in url:
            continue  # no environment can hold a NUL byte
        else:
            value = url.partition("://")[2] if source == "SALESFORCE_HOST" else url
            settings.setenv(source, value)
        r = run(*args)
        assert r.status == ExitStatus.USAGE, (url, r.err)
        doc = json.loads(r.out)
        assert doc["attempts_used"] == 0, url
        assert "login_url_invalid" in [f["cause"] for f in doc["findings"]], url
    assert attacker.connections == 0 and bytes(attacker.received) == b""
    assert org.logins == [] and not httpserver.log


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_a_refused_login_url_is_shown_masked_and_escaped(run, settings, fmt: str) -> None:
    settings.setenv("SF_LOGIN_URL", "https://user:UrlCanaryPw0@login.salesforce.com\x1b[31m")
    r = run("check", "--format", fmt, "-v")
    assert r.status == ExitStatus.USAGE
    assert "UrlCanaryPw0" not in r.out + r.err
    assert "\x1b" not in r.out and "user:****@login.salesforce.com" in r.out


# --- check: a token answer pointing elsewhere is not used ------------------------------------


class ForgedOrg:
    """A token endpoint (password, JWT, client credentials) and SOAP login() that answer
    with success, their URLs as the test says; and REST resources that record any token."""

    def __init__(self, server: HTTPServer, *, instance_url: str, id_url: str) -> None:
        self.instance_url, self.id_url = instance_url, id_url
        self.authorized: list[str] = []
        server.expect_request("/services/oauth2/token", method="POST").respond_with_handler(
            self.token
        )
        server.expect_request("/services/Soap/u/64.0", method="POST").respond_with_handler(
            self.soap
        )
        server.expect_request("/services/data/", method="GET").respond_with_handler(self.rest)
        server.expect_request(f"/id/{ORG}/{USER}").respond_with_handler(self.rest)

    def token(self, request: Request) -> Response:
        body = {
            "access_token": ACCESS,
            "instance_url": self.instance_url,
            "id": self.id_url,
            "token_type": "Bearer",
            "issued_at": "1691308480245",
            "signature": "x",
        }
        return Response(json.dumps(body), status=200, content_type="application/json")

    def soap(self, request: Request) -> Response:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
            'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns="urn:partner.soap.sforce.com"><soapenv:Body><loginResponse><result>'
            "<passwordExpired>false</passwordExpired>"
            f"<serverUrl>{_xml(self.instance_url)}/services/Soap/u/64.0/{ORG[:15]}</serverUrl>"
            f"<sessionId>{ACCESS}</sessionId><userId>{USER}</userId>"
            "</result></loginResponse></soapenv:Body></soapenv:Envelope>"
        )
        return Response(body, status=200, content_type="text/xml; charset=utf-8")

    def rest(self, request: Request) -> Response:
        if "Authorization" in request.headers:
            self.authorized.append(request.path)
        return Response("[]", content_type="application/json")


def _xml(text: str) -> str:
    import html

    return html.escape(text, quote=False)


@pytest.mark.parametrize("flow", FLOWS)
@pytest.mark.parametrize("field", ["instance_url", "id"])
def test_token_for_a_hostile_url_is_never_used(
    run, settings, httpserver: HTTPServer, attacker: Listener, loopback_only, flow, field
) -> None:
    if flow == "soap" and field == "id":
        pytest.skip("login() returns no identity URL")
    base = httpserver.url_for("").rstrip("/")
    settings.setenv("SF_LOGIN_URL", base)
    legit_id = f"{base}/id/{ORG}/{USER}"
    for hostile in hostile_answer_urls(attacker.netloc, _netloc(httpserver)):
        httpserver.clear()
        org = ForgedOrg(
            httpserver,
            instance_url=hostile if field == "instance_url" else base,
            id_url=hostile if field == "id" else legit_id,
        )
        r = run("check", "--format", "json", "--flow", flow, "-v")
        doc = json.loads(r.out)
        assert r.status == ExitStatus.INCONCLUSIVE, (hostile, r.err)
        assert [f["cause"] for f in doc["findings"] if f["severity"] == "error"] == [
            "unexpected_response"
        ], hostile
        assert "not used" in json.dumps(doc["findings"]), hostile
        assert org.authorized == [], f"the token went to the legitimate org for {hostile!r}"
        assert "AQ4AQCanaryAccessTokenValue" not in r.out + r.err
    assert attacker.connections == 0 and bytes(attacker.received) == b""


def test_the_transport_refuses_what_it_cannot_send_credentials_to(
    attacker: Listener, httpserver: HTTPServer
) -> None:
    """The last gate: whatever a flow hands it, the transport sends nothing to such URLs."""
    from sfdoctor.probes.http import Transport
    from sfdoctor.redaction import Redactor

    transport = Transport(timeout=2, redactor=Redactor([]))
    for url in hostile_login_urls(attacker.netloc, _netloc(httpserver)):
        outcome = transport.request("POST", url + "/services/oauth2/token", data={"a": "b"})
        assert outcome.kind == "refused_url", url  # type: ignore[union-attr]
    outcome = transport.request("GET", "https://evil.example/services/data/")
    assert outcome.kind == "refused_url"  # type: ignore[union-attr]
    assert attacker.connections == 0 and not httpserver.log


@pytest.mark.parametrize(
    ("url", "use"),
    [
        ("https://acme--uat.sandbox.lightning.force.com",
         "https://acme--uat.sandbox.my.salesforce.com or https://test.salesforce.com"),
        ("https://acme--c.vf.force.com", "https://acme.my.salesforce.com or https://login.salesforce.com"),
        ("https://acme--uat--c.sandbox.vf.force.com",
         "https://acme--uat.sandbox.my.salesforce.com or https://test.salesforce.com"),
        ("https://acme.my.site.com", "https://acme.my.salesforce.com or https://login.salesforce.com"),
    ],
)  # fmt: skip
def test_a_page_a_browser_shows_names_the_login_host_to_use(url: str, use: str) -> None:
    from sfdoctor.hosts import credential_url_problem

    problem = credential_url_problem(url)
    assert problem is not None and problem.endswith(f"use {use}")
