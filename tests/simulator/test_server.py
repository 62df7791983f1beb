"""The org over HTTP: real shapes, fixture bodies, a log without secrets, no crash."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import time
import xml.etree.ElementTree as ET

import pytest
import requests

from sfdoctor.simulator import SCENARIOS
from sfdoctor.simulator import responses as R
from sfdoctor.simulator.fakes import (
    CONSUMER_SECRET,
    OLD_PASSWORD,
    PASSWORD,
    SECURITY_TOKEN,
    USERNAME,
    build_org,
)
from tests.simulator.conftest import TOKEN_PATH, login_once, password_login, soap_login

HEALTHY = SCENARIOS["healthy"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_healthy_session_works_everywhere(start) -> None:
    running = start(HEALTHY.org())
    env = HEALTHY.env(running.url)
    response = password_login(running.url, env)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json;charset=UTF-8"
    token = response.json()
    assert list(token) == [
        "access_token",
        "instance_url",
        "id",
        "token_type",
        "issued_at",
        "signature",
    ]
    org = running.org
    assert token["access_token"].startswith(org.id15 + "!")
    assert token["instance_url"] == running.url
    assert token["id"] == f"{running.url}/id/{org.org_id}/{org.user(USERNAME).user_id}"
    assert token["token_type"] == "Bearer" and len(token["issued_at"]) == 13
    expected = base64.b64encode(
        hmac.new(
            CONSUMER_SECRET.encode(),
            (token["id"] + token["issued_at"]).encode(),
            hashlib.sha256,
        ).digest()
    ).decode()
    assert token["signature"] == expected

    auth = bearer(token["access_token"])
    ident = requests.get(token["id"], headers=auth, timeout=10).json()
    assert ident["username"] == USERNAME and ident["organization_id"] == org.org_id
    assert ident["urls"]["rest"] == f"{running.url}/services/data/v{{version}}/"
    assert ident["active"] is True and "is_app_installed" in ident

    info = requests.get(running.url + "/services/oauth2/userinfo", headers=auth, timeout=10)
    assert info.json()["sub"] == token["id"]
    assert info.json()["preferred_username"] == USERNAME

    versions = requests.get(running.url + "/services/data/", timeout=10).json()
    assert versions[0] == {"label": "Summer '14", "url": "/services/data/v31.0", "version": "31.0"}
    assert versions[-1] == {"label": "Winter '26", "url": "/services/data/v65.0", "version": "65.0"}

    limits = requests.get(running.url + "/services/data/v65.0/limits", headers=auth, timeout=10)
    daily = limits.json()["DailyApiRequests"]
    assert daily == {"Max": 15000, "Remaining": 14999}

    query = requests.get(
        running.url + "/services/data/v65.0/query",
        params={"q": "SELECT Id, Name FROM Organization"},
        headers=auth,
        timeout=10,
    ).json()
    assert query["totalSize"] == 1 and query["done"] is True
    (record,) = query["records"]
    assert record == {
        "attributes": {
            "type": "Organization",
            "url": f"/services/data/v65.0/sobjects/Organization/{org.org_id}",
        },
        "Id": org.org_id,
        "Name": "Acme Corp",
    }
    assert org.api_requests_used == 2  # /limits and /query; identity and versions are free


def test_every_scenario_serves(start) -> None:
    for scenario in SCENARIOS.values():
        running = start(scenario.org())
        response = login_once(running.url, scenario)
        assert response.status_code in (200, 400, 500, 503), scenario.name
        assert (response.status_code == 500) == (scenario.flow == "soap" and not response.ok), (
            scenario.name
        )  # SOAP faults come with HTTP 500
        assert running.login_attempts == 1


@pytest.mark.parametrize("name", SCENARIOS)
def test_failed_first_attempt_serves_the_fixture_verbatim(start, name: str) -> None:
    scenario = SCENARIOS[name]
    running = start(scenario.org())
    response = login_once(running.url, scenario)
    entry = running.log[-1]
    if response.status_code == 200:
        return
    served = [R.load(n) for n in R.SERVED]
    match = [a for a in served if a.body == response.text and a.status == response.status_code]
    assert match, "a failure answer is a fixture, byte for byte"
    assert response.headers["Content-Type"] == match[0].content_type
    assert entry.status == response.status_code


def test_login_history_over_http(start) -> None:
    running = start(build_org())
    env = SCENARIOS["untrusted-no-token"].env(running.url)
    password_login(running.url, env)
    password_login(running.url, env, password=OLD_PASSWORD)
    password_login(running.url, env, password=PASSWORD + SECURITY_TOKEN)
    assert [row.status for row in running.org.login_history] == [
        "Failed: API security token required",
        "Invalid Password",
        "Success",
    ]


def test_lockout_over_http(start) -> None:
    running = start(build_org(org={"lockout_threshold": 3}))
    env = HEALTHY.env(running.url)
    for _ in range(3):
        assert password_login(running.url, env, password=OLD_PASSWORD).status_code == 400
    right = password_login(running.url, env)
    assert right.status_code == 400
    assert right.json() == {"error": "invalid_grant", "error_description": "authentication failure"}
    assert running.org.login_history[-1].status == "Password Lockout"
    assert running.login_attempts == 4


def test_session_revoked_and_api_disabled(start) -> None:
    for name, status, code in (
        ("session-revoked", 401, "INVALID_SESSION_ID"),
        ("api-disabled", 403, "API_DISABLED_FOR_ORG"),
        ("password-expired", 401, "INVALID_OPERATION_WITH_EXPIRED_PASSWORD"),
        ("request-limit-exceeded", 403, "REQUEST_LIMIT_EXCEEDED"),
    ):
        scenario = SCENARIOS[name]
        running = start(scenario.org())
        token = password_login(running.url, scenario.env(running.url)).json()["access_token"]
        response = requests.get(
            running.url + "/services/data/v65.0/limits", headers=bearer(token), timeout=10
        )
        assert response.status_code == status and response.json()[0]["errorCode"] == code
    assert response.status_code == 403  # the last one; and the 401 carries its header:
    revoked = SCENARIOS["session-revoked"]
    running = start(revoked.org())
    token = password_login(running.url, revoked.env(running.url)).json()["access_token"]
    response = requests.get(
        running.url + "/services/data/v65.0/", headers=bearer(token), timeout=10
    )
    assert response.headers["www-authenticate"] == "Token"


def test_rest_without_a_token_is_401(start) -> None:
    running = start(build_org())
    forged = bearer("00D8d000001SiMu!AQforged")
    response = requests.get(running.url + "/services/data/v65.0/limits", headers=forged)
    assert response.status_code == 401
    assert response.json()[0]["errorCode"] == "INVALID_SESSION_ID"
    assert requests.get(running.url + "/services/data/v65.0/limits").status_code == 401


def test_userinfo_and_identity_refuse_a_bad_token_with_403(start) -> None:
    """Not the REST API's 401: 403 and Bad_OAuth_Token (jsforce#736, SalesforceMobileSDK-iOS
    #3398, ascendix/salesforce-jdbc#5), which clients that refresh on 401 only do not
    refresh on."""
    running = start(build_org())
    token = password_login(running.url, HEALTHY.env(running.url)).json()
    forged = bearer("00D8d000001SiMu!AQforged")
    for url in (running.url + "/services/oauth2/userinfo", token["id"]):
        response = requests.get(url, headers=forged, timeout=10)
        assert (response.status_code, response.text) == (403, "Bad_OAuth_Token"), url


def test_user_record_by_id(start) -> None:
    """The sf CLI reads the User record after every login (@salesforce/core
    retrieveUserInfo): the record of a user of the org, NOT_FOUND for another id."""
    running = start(build_org())
    token = password_login(running.url, HEALTHY.env(running.url)).json()
    user_id = token["id"].rsplit("/", 1)[1]
    url = running.url + "/services/data/v51.0/sobjects/User/"
    record = requests.get(url + user_id, headers=bearer(token["access_token"]), timeout=10)
    assert record.status_code == 200
    assert record.json()["Username"] == USERNAME and record.json()["Id"] == user_id
    assert record.json()["attributes"] == {
        "type": "User",
        "url": f"/services/data/v51.0/sobjects/User/{user_id}",
    }
    other = requests.get(url + "005000000000001AAA", headers=bearer(token["access_token"]))
    assert other.status_code == 404 and other.json()[0]["errorCode"] == "NOT_FOUND"
    anonymous = requests.get(url + user_id, timeout=10)
    assert anonymous.status_code == 401


def test_api_versions(start) -> None:
    running = start(build_org())
    token = password_login(running.url, HEALTHY.env(running.url)).json()["access_token"]
    gone = requests.get(running.url + "/services/data/v20.0/limits", headers=bearer(token))
    assert gone.status_code == 410
    assert gone.text == R.load(R.REST_VERSION_GONE).body
    assert (
        requests.get(running.url + "/services/data/v99.0/", headers=bearer(token)).status_code
        == 404
    )
    latest = requests.get(running.url + "/services/data/latest/limits", headers=bearer(token))
    assert latest.status_code == 200


def test_query_errors(start) -> None:
    running = start(build_org())
    token = password_login(running.url, HEALTHY.env(running.url)).json()["access_token"]

    def query(q: str) -> requests.Response:
        return requests.get(
            running.url + "/services/data/v65.0/query/", params={"q": q}, headers=bearer(token)
        )

    bad = query("SELECT Id FRM Organization")
    assert bad.status_code == 400
    assert bad.json() == [{"message": "unexpected token: FRM", "errorCode": "MALFORMED_QUERY"}]
    field = query("SELECT Id, CleanStatus FROM Organization")
    assert field.status_code == 400 and field.json()[0]["errorCode"] == "INVALID_FIELD"
    # The wording is the captured one, with this query's names in it.
    captured = json.loads(R.load(R.REST_INVALID_FIELD).body)[0]["message"]
    assert captured.replace("'Account'", "'Organization'").endswith(field.json()[0]["message"])
    assert query("SELECT Id FROM Account LIMIT 5").json() == {
        "totalSize": 0,
        "done": True,
        "records": [],
    }
    me = query("select username from user").json()["records"][0]
    assert me["Username"] == USERNAME


def test_soap_login_success_and_session(start) -> None:
    running = start(build_org())
    response = soap_login(running.url, USERNAME, PASSWORD + SECURITY_TOKEN)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/xml")
    ns = {"p": "urn:partner.soap.sforce.com"}
    result = ET.fromstring(response.content).find(".//p:result", ns)
    session = result.findtext("p:sessionId", namespaces=ns)
    assert result.findtext("p:passwordExpired", namespaces=ns) == "false"
    assert result.findtext("p:serverUrl", namespaces=ns).startswith(
        running.url + "/services/Soap/u/64.0/"
    )
    assert result.findtext("p:userId", namespaces=ns) == running.org.user(USERNAME).user_id
    limits = requests.get(running.url + "/services/data/v64.0/limits", headers=bearer(session))
    assert limits.status_code == 200
    assert running.org.login_history[-1].login_type == "Other Apex API"


def test_soap_login_faults(start) -> None:
    running = start(build_org())
    no_token = soap_login(running.url, USERNAME, PASSWORD)
    assert no_token.status_code == 500
    assert no_token.text == R.load(R.SOAP_TOKEN_REQUIRED).body
    assert soap_login(running.url, USERNAME, OLD_PASSWORD).text == R.load(R.SOAP_INVALID_LOGIN).body
    assert (
        soap_login(running.url, USERNAME, PASSWORD + SECURITY_TOKEN, "65.0").text
        == R.load(R.SOAP_LOGIN_DISABLED).body
    )
    disabled = start(build_org(org={"soap_login_enabled": False}))
    assert (
        soap_login(disabled.url, USERNAME, PASSWORD + SECURITY_TOKEN).text
        == R.load(R.SOAP_LOGIN_DISABLED).body
    )
    assert running.login_attempts == 3


def test_maintenance_answers_everything_with_the_page(start) -> None:
    running = start(SCENARIOS["maintenance"].org())
    page = R.load(R.MAINTENANCE)
    for method, path in (
        ("POST", TOKEN_PATH),
        ("POST", "/services/Soap/u/64.0"),
        ("GET", "/services/data/"),
        ("GET", "/services/data/v65.0/limits"),
        ("GET", "/id/00D8d000001SiMuEAA/0058d000003IntGAAS"),
    ):
        response = requests.request(method, running.url + path, timeout=10)
        assert (response.status_code, response.text) == (503, page.body)
        assert response.headers["Content-Type"] == page.content_type
    assert running.login_attempts == 2


CANARY_PASSWORD = "Canary-Pa55word-Xyzzy"
CANARY_TOKEN = "CanaryT0kenQwertyUiopAsd"
CANARY_SECRET = "CANARYSECRET0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123"


def test_request_log_holds_no_secret(start) -> None:
    org = build_org(
        user={"password": CANARY_PASSWORD, "security_token": CANARY_TOKEN},
        app={"consumer_secret": CANARY_SECRET},
    )
    running = start(org)
    env = {**HEALTHY.env(running.url), "SF_PASSWORD": CANARY_PASSWORD}
    env.update(SF_SECURITY_TOKEN=CANARY_TOKEN, SF_CLIENT_SECRET=CANARY_SECRET)
    good = password_login(running.url, env)
    access = good.json()["access_token"]
    password_login(running.url, env, with_token=False)
    password_login(running.url, env, password=CANARY_PASSWORD + "x")
    # Parameters in the query string, as some clients send them.
    requests.post(
        running.url + TOKEN_PATH,
        params={
            "grant_type": "password",
            "password": CANARY_PASSWORD + CANARY_TOKEN,
            "client_secret": CANARY_SECRET,
        },
        timeout=10,
    )
    soap_login(running.url, USERNAME, CANARY_PASSWORD + CANARY_TOKEN)
    soap_login(running.url, USERNAME, CANARY_PASSWORD)
    requests.get(running.url + "/services/data/v65.0/limits", headers=bearer(access), timeout=10)
    requests.get(running.url + f"/services/oauth2/userinfo?oauth_token={access}", timeout=10)
    log = repr(running.log) + repr(running.org.login_history)
    assert len(running.log) == 8
    opaque = access.split("!")[1]
    for secret in (CANARY_PASSWORD, CANARY_TOKEN, CANARY_SECRET, opaque):
        assert secret not in log
    assert running.log[0].fields["password"] == "****"
    assert running.log[0].fields["username"] == USERNAME
    assert running.log[6].authorized


GARBAGE = [
    ("POST", TOKEN_PATH, {"Content-Type": "application/json"}, b'{"grant_type": "password"}'),
    (
        "POST",
        TOKEN_PATH,
        {"Content-Type": "application/x-www-form-urlencoded"},
        b"\xff\xfe\x00garbage=%%%",
    ),
    ("POST", TOKEN_PATH, {}, b""),
    ("GET", TOKEN_PATH, {}, b""),
    (
        "POST",
        TOKEN_PATH,
        {"Content-Type": "application/x-www-form-urlencoded"},
        b"grant_type=urn:ietf:params:oauth:grant-type:saml2-bearer",  # not simulated
    ),
    ("POST", "/services/Soap/u/64.0", {"Content-Type": "text/xml"}, b"<not-xml"),
    ("POST", "/services/Soap/u/64.0", {"Content-Type": "text/xml"}, b"<a><b/></a>"),
    ("POST", "/services/Soap/u/64.0", {}, b"\x00\x01\x02"),
    ("GET", "/services/Soap/u/64.0", {}, b""),
    ("POST", "/services/data/v65.0/query", {}, b"q=SELECT"),
    ("GET", "/nowhere", {}, b""),
    ("DELETE", "/services/data/", {}, b""),
    ("GET", "/id/00D8d000001SiMu/0058d000003IntG", {}, b""),
]


@pytest.mark.parametrize("method,path,headers,body", GARBAGE)
def test_garbage_gets_a_salesforce_shaped_error(start, method, path, headers, body) -> None:
    running = start(build_org())
    response = requests.request(method, running.url + path, headers=headers, data=body, timeout=10)
    assert 200 <= response.status_code < 600
    if path == TOKEN_PATH:
        assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type"
    elif path.startswith("/services/Soap") and method == "POST":
        assert (
            response.status_code == 500
            and "<faultcode>UNKNOWN_EXCEPTION</faultcode>" in response.text
        )
    elif path.startswith("/services/Soap"):
        assert (
            response.status_code == 405
            and "Problem accessing /services/Soap/u/64.0" in response.text
        )
    elif path == "/services/data/":
        assert response.status_code == 200  # the versions list needs no authentication
    elif path.startswith("/id/"):
        assert (response.status_code, response.text) == (403, "Bad_OAuth_Token")
    else:
        assert response.status_code in (401, 404) and response.json()[0]["errorCode"]
    assert requests.get(running.url + "/services/data/", timeout=10).status_code == 200


def test_raw_socket_abuse_does_not_kill_the_server(start) -> None:
    running = start(build_org())
    host, port = running.url.removeprefix("http://").split(":")
    for raw in (
        b"\x16\x03\x01\x02\x00garbage\r\n\r\n",
        b"POST /services/oauth2/token HTTP/1.1\r\nContent-Length: nope\r\n\r\n",
        b"POST /services/oauth2/token HTTP/1.1\r\nContent-Length: 99999999\r\n\r\nx",
        b"POST /services/oauth2/token HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n0\r\n\r\n",
        b"GET / HTTP/1.1\r\n" + b"X: " + b"y" * 70000 + b"\r\n\r\n",
    ):
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(raw)
            sock.shutdown(socket.SHUT_WR)
            reply = sock.recv(65536)
        # Not even a request line (a TLS hello): the standard library's bare error page.
        assert reply.startswith(b"HTTP/1.") or raw.startswith(b"\x16"), raw[:40]
        assert reply
    assert requests.get(running.url + "/services/data/", timeout=10).status_code == 200


def test_server_stops_cleanly(start) -> None:
    running = start(build_org())
    host, port = running.url.removeprefix("http://").split(":")
    assert requests.get(running.url + "/services/data/", timeout=10).ok
    running.stop()
    running.stop()  # idempotent
    assert not running._thread.is_alive()
    with pytest.raises(OSError):
        socket.create_connection((host, int(port)), timeout=2).close()


def test_stop_ends_keep_alive_connections(start) -> None:
    running = start(build_org())
    with requests.Session() as session:
        assert session.get(running.url + "/services/data/", timeout=10).ok
        running.stop()
        with pytest.raises(requests.ConnectionError):
            session.get(running.url + "/services/data/", timeout=10)


def test_context_manager_and_fixed_port() -> None:
    from sfdoctor.simulator import serve

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with serve(build_org(), port=port) as running:
        assert running.url == f"http://127.0.0.1:{port}"
        assert requests.get(running.url + "/services/data/", timeout=10).ok
    assert not running._thread.is_alive()


def test_delay_is_slept_before_every_answer(start) -> None:
    running = start(build_org(), delay=0.2)
    began = time.perf_counter()
    requests.get(running.url + "/services/data/", timeout=10)
    password_login(running.url, HEALTHY.env(running.url))
    assert time.perf_counter() - began >= 0.4


def test_only_login_envelopes_count_as_login_attempts(start) -> None:
    running = start(build_org())
    query = (
        b'<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body>'
        b'<query xmlns="urn:partner.soap.sforce.com"><queryString>SELECT Id FROM Account'
        b"</queryString></query></env:Body></env:Envelope>"
    )
    server_url = running.url + "/services/Soap/u/64.0/" + running.org.id15
    response = requests.post(server_url, data=query, timeout=10)
    assert response.status_code == 500
    assert "No operation available for request {urn:partner.soap.sforce.com}query" in response.text
    assert running.login_attempts == 0
    requests.post(running.url + "/services/Soap/u/64.0", data=b"<garbage", timeout=10)
    soap_login(running.url, USERNAME, PASSWORD)
    assert running.login_attempts == 2


def test_the_request_log_is_bounded_and_the_login_count_is_not(start, monkeypatch) -> None:
    """`sfdoctor simulate` may serve for days: the log keeps the last MAX_LOG requests, and
    the login-attempt count still counts every login."""
    from sfdoctor.simulator import server

    monkeypatch.setattr(server, "MAX_LOG", 3)
    running = start(build_org())
    for _ in range(4):
        requests.get(running.url + "/services/data/", timeout=10)
    for _ in range(2):
        soap_login(running.url, USERNAME, PASSWORD)
    log = running.log
    assert len(log) == 3 and log[-1].login_attempt
    assert running.login_attempts == 2
