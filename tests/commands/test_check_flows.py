"""``sfdoctor check --flow soap|jwt|client-credentials`` and the deprecation radar.

pytest-httpserver plays the org with Salesforce's real bodies (the fixtures); the JWT tests
sign with an RSA key pair generated here (no key is committed) and the server verifies the
signature, the claims and the expiry with the public half.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sfdoctor.status import ExitStatus
from tests.conftest import FIXTURES

USERNAME = "integration@acme.com"
PASSWORD = "Canary&<Pass>\"w0rd'"  # every character XML escapes
TOKEN = "CanaryTok3n0123456789ABC"
CLIENT_ID = "3MVG9" + "CanaryConsumerKey" * 5
CLIENT_SECRET = "CanaryConsumerSecret0001"
SESSION = "00D5g000004CANRY!AQ4AQCanarySoapSessionValue"
ACCESS = "00D5g000004CANRY!AQ4AQCanaryAccessTokenValue"
ORG, USER = "00D5g000004CANRYEAA", "0055g00000CanaryAAA"
SOAP_PATH = "/services/Soap/u/64.0"


def fixture_http(name: str) -> tuple[int, str, str]:
    fx = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))["http"]
    return int(fx["status"]), fx["content_type"], fx["body"]


def oauth(error: str, description: str) -> tuple[int, str, str]:
    body = json.dumps({"error": error, "error_description": description})
    return 400, "application/json;charset=UTF-8", body


def respond(answer: tuple[int, str, str], **headers: str) -> Response:
    status, ctype, body = answer
    return Response(body, status=status, content_type=ctype, headers=headers)


def diagnosis(doc: dict) -> list[str]:
    """The diagnosis: every finding but the radar's notes (info)."""
    return [f["cause"] for f in doc["findings"] if f["severity"] != "info"]


def radar(doc: dict) -> list[str]:
    return [f["cause"] for f in doc["findings"] if f["severity"] == "info"]


def check_json(run, *args: str) -> tuple[int, dict]:
    r = run("check", "--format", "json", *args)
    return r.status, json.loads(r.out)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer):
    """Point SF_* at the local server; ``env(**values)`` sets (or, with None, unsets) more."""
    import os

    for key in list(os.environ):
        if key.startswith(("SF_", "SALESFORCE_")):
            monkeypatch.delenv(key)

    def _set(**values: str | None) -> None:
        for k, v in values.items():
            if v is None:
                monkeypatch.delenv(k, raising=False)
            else:
                monkeypatch.setenv(k, v)

    _set(SF_LOGIN_URL=httpserver.url_for("").rstrip("/"))
    return _set


class Rest:
    """The REST resources every flow's session checks use, for one bearer token."""

    def __init__(self, server: HTTPServer, bearer: str) -> None:
        self.bearer = bearer
        self.base = server.url_for("").rstrip("/")
        self.authorizations: list[str] = []
        for path, handler in (
            (f"/id/{ORG}/{USER}", self.identity),
            ("/services/data/", self.versions),
            ("/services/data/v62.0/limits", self.limits),
            ("/services/data/v62.0/query", self.query),
        ):
            server.expect_request(path, method="GET").respond_with_handler(handler)

    def _refused(self, request: Request) -> Response | None:
        auth = request.headers.get("Authorization", "")
        self.authorizations.append(auth)
        if auth != f"Bearer {self.bearer}":
            return Response(
                '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]',
                status=401,
                content_type="application/json",
            )
        return None

    def identity(self, request: Request) -> Response:
        return self._refused(request) or Response(
            json.dumps({"username": USERNAME, "user_id": USER, "organization_id": ORG}),
            content_type="application/json",
        )

    def versions(self, request: Request) -> Response:
        return Response(
            json.dumps(
                [
                    {"label": "Spring '24", "url": "/services/data/v60.0", "version": "60.0"},
                    {"label": "Winter '25", "url": "/services/data/v62.0", "version": "62.0"},
                ]
            ),
            content_type="application/json",
        )

    def limits(self, request: Request) -> Response:
        return self._refused(request) or Response(
            json.dumps({"DailyApiRequests": {"Max": 15000, "Remaining": 14990}}),
            content_type="application/json",
        )

    def query(self, request: Request) -> Response:
        return self._refused(request) or Response(
            json.dumps({"totalSize": 1, "done": True, "records": [{"Id": ORG}]}),
            content_type="application/json",
        )


# --- SOAP login() ------------------------------------------------------------------------


def soap_success(base: str, *, expired: bool = False) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
        'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns="urn:partner.soap.sforce.com"><soapenv:Body><loginResponse><result>'
        f"<passwordExpired>{'true' if expired else 'false'}</passwordExpired>"
        f"<serverUrl>{base}/services/Soap/u/64.0/{ORG[:15]}</serverUrl>"
        f"<sessionId>{SESSION}</sessionId><userId>{USER}</userId>"
        f"<userInfo><organizationId>{ORG}</organizationId><userName>{USERNAME}</userName>"
        "</userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>"
    )


class SoapOrg:
    """login() decided by the password it receives, like :class:`tests...test_check.Org`."""

    def __init__(
        self,
        server: HTTPServer,
        *,
        trusted: bool = False,
        answer: tuple[int, str, str] | None = None,
        refuse: str = "soap/invalid_credentials--invalid-login-user-not-active-2022",
        expired: bool = False,
        path: str = SOAP_PATH,
    ) -> None:
        self.trusted, self.answer, self.refuse, self.expired = trusted, answer, refuse, expired
        self.logins: list[str] = []
        self.bodies: list[bytes] = []
        self.headers: list[dict[str, str]] = []
        self.rest = Rest(server, SESSION)
        server.expect_request(path, method="POST").respond_with_handler(self.login)

    def login(self, request: Request) -> Response:
        self.bodies.append(request.get_data())
        self.headers.append(dict(request.headers))
        root = ET.fromstring(request.get_data())
        ns = "{urn:partner.soap.sforce.com}"
        password = root.findtext(f".//{ns}password") or ""
        self.logins.append("token" if password.endswith(TOKEN) else "no-token")
        if self.answer is not None:
            status, ctype, body = self.answer
            return Response(body, status=status, content_type=ctype)
        if password == PASSWORD + TOKEN or (self.trusted and password == PASSWORD):
            body = soap_success(self.rest.base, expired=self.expired)
            return Response(body, status=200, content_type="text/xml; charset=utf-8")
        if password == PASSWORD:
            name = "soap/security_token_required--must-use-security-token-2016"
        else:
            name = self.refuse
        status, ctype, body = fixture_http(name)
        return Response(body, status=status, content_type=ctype)


@pytest.fixture
def soap_env(env):
    env(SF_USERNAME=USERNAME, SF_PASSWORD=PASSWORD, SF_SECURITY_TOKEN=TOKEN)
    return env


def test_soap_healthy_untrusted(run, soap_env, httpserver) -> None:
    org = SoapOrg(httpserver)
    status, doc = check_json(run, "--flow", "soap")
    assert status == ExitStatus.OK and doc["verdict"] == "ok" and doc["flow"] == "soap"
    assert org.logins == ["token", "no-token"]
    assert diagnosis(doc) == [] and radar(doc) == ["soap_login_disabled"]
    names = {c["name"]: c for c in doc["checks"]}
    assert names["trusted network"]["status"] == "ok"
    assert USERNAME in names["identity"]["summary"]  # from the LoginResult: no identity URL
    assert names["SOQL query"]["status"] == "ok"
    # the session id is the Bearer token on REST, at serverUrl's instance
    assert set(org.rest.authorizations) == {f"Bearer {SESSION}"}
    assert not any(req.path.startswith("/id/") for req, _ in httpserver.log)
    assert [a["label"] for a in doc["attempts"]] == ["password + security token", "password only"]
    assert doc["attempts"][1]["error"] == "LOGIN_MUST_USE_SECURITY_TOKEN"


def test_soap_request_is_simple_salesforces(run, soap_env, httpserver) -> None:
    org = SoapOrg(httpserver)
    run("check", "--flow", "soap", "--max-attempts", "1")
    headers = {k.lower(): v for k, v in org.headers[0].items()}
    assert headers["content-type"] == "text/xml; charset=UTF-8"
    assert headers["soapaction"] == "login"
    raw = org.bodies[0].decode("utf-8")
    # html.escape(quote=True), as simple-salesforce: & < > " ' all escaped
    assert "Canary&amp;&lt;Pass&gt;&quot;w0rd&#x27;" + TOKEN in raw
    root = ET.fromstring(org.bodies[0])
    assert root.findtext(".//{urn:partner.soap.sforce.com}username") == USERNAME


@pytest.mark.parametrize(
    ("api_version", "path"),
    [("66.0", "/services/Soap/u/64.0"), ("50.0", "/services/Soap/u/50.0")],
)
def test_soap_version(run, soap_env, httpserver, api_version, path) -> None:
    org = SoapOrg(httpserver, path=path)
    httpserver.expect_request(f"/services/data/v{api_version}/limits").respond_with_data("{}")
    httpserver.expect_request(f"/services/data/v{api_version}/query").respond_with_data("{}")
    check_json(run, "--flow", "soap", "--api-version", api_version)
    assert org.logins, f"login() was posted to {path}"


def test_soap_stale_token(run, soap_env, httpserver) -> None:
    soap_env(SF_SECURITY_TOKEN="OldTok3n0123456789ABCDEF")
    org = SoapOrg(httpserver, trusted=True)
    status, doc = check_json(run, "--flow", "soap")
    assert status == ExitStatus.PROBLEM and diagnosis(doc) == ["security_token_invalid"]
    assert org.logins == ["no-token", "no-token"]  # the old token is no suffix of ours


def test_soap_token_required_after_invalid_login_means_stale_token(
    run, soap_env, httpserver
) -> None:
    # untrusted: INVALID_LOGIN with an old token, LOGIN_MUST_USE_SECURITY_TOKEN without:
    # Salesforce asks for the token only once the password is right
    soap_env(SF_SECURITY_TOKEN="OldTok3n0123456789ABCDEF")
    SoapOrg(httpserver)
    status, doc = check_json(run, "--flow", "soap")
    assert status == ExitStatus.PROBLEM and diagnosis(doc) == ["security_token_invalid"]


def test_soap_wrong_password_is_invalid_credentials(run, soap_env, httpserver) -> None:
    soap_env(SF_PASSWORD="WrongPassw0rd")
    org = SoapOrg(httpserver)
    status, doc = check_json(run, "--flow", "soap")
    assert status == ExitStatus.PROBLEM and diagnosis(doc) == ["invalid_credentials"]
    assert org.logins == ["token", "no-token"]  # INVALID_LOGIN with the token is generic
    assert any("lockout" in c["summary"] for c in doc["checks"])


def test_soap_no_token_untrusted(run, soap_env, httpserver) -> None:
    soap_env(SF_SECURITY_TOKEN=None)
    org = SoapOrg(httpserver)
    status, doc = check_json(run, "--flow", "soap")
    assert status == ExitStatus.PROBLEM and diagnosis(doc) == ["security_token_required"]
    assert doc["findings"][0]["confidence"] == "high"  # SOAP says so itself
    assert org.logins == ["no-token"]


@pytest.mark.parametrize(
    ("fixture", "cause"),
    [
        ("soap/soap_login_disabled--login-disabled-by-default", "soap_login_disabled"),
        ("soap/ip_restricted--login-during-restricted-domain", "ip_restricted"),
        ("soap/login_hours--login-during-restricted-time", "login_hours"),
        ("soap/tls_unsupported--unsupported-client-tls10-partner", "tls_unsupported"),
        ("soap/user_locked_out--password-lockout", "user_locked_out"),
        ("soap/security_token_required--must-use-security-token-2016", "security_token_required"),
    ],
)
def test_soap_faults_decide_at_once(run, soap_env, httpserver, fixture, cause) -> None:
    org = SoapOrg(httpserver, answer=fixture_http(fixture))
    status, doc = check_json(run, "--flow", "soap")
    assert status == ExitStatus.PROBLEM
    assert diagnosis(doc)[0] == cause
    expected = 1 if cause != "security_token_required" else 2  # generic: try without
    assert len(org.logins) == expected
    assert doc["attempts"][0]["status"] == 500


def test_soap_password_expired(run, soap_env, httpserver) -> None:
    SoapOrg(httpserver, expired=True)
    status, doc = check_json(run, "--flow", "soap")
    assert status == ExitStatus.PROBLEM and diagnosis(doc)[0] == "password_expired"
    assert any("passwordExpired = true" in e for e in doc["findings"][0]["evidence"])


def test_soap_needs_no_connected_app(run, soap_env, httpserver) -> None:
    # SF_CLIENT_ID / SF_CLIENT_SECRET are not set: login() does not use them
    SoapOrg(httpserver)
    status, doc = check_json(run, "--flow", "soap")
    assert status == ExitStatus.OK
    assert [i["name"] for i in doc["inputs"]] == [
        "login URL",
        "username",
        "password",
        "security token",
    ]


# --- JWT bearer --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rsa_key() -> tuple[str, object]:
    """A fresh RSA key pair: (private key PEM, public key) — never committed."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return pem, key.public_key()


class JwtOrg:
    """The token endpoint of a JWT bearer org: verifies the assertion with the public key."""

    def __init__(
        self,
        server: HTTPServer,
        public_key: object,
        *,
        answer: tuple[int, str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.public_key, self.answer, self.extra = public_key, answer, headers or {}
        self.claims: list[dict] = []
        self.assertions: list[str] = []
        self.rest = Rest(server, ACCESS)
        server.expect_request("/services/oauth2/token", method="POST").respond_with_handler(
            self.token
        )

    def token(self, request: Request) -> Response:
        import jwt

        form = parse_qs(request.get_data(as_text=True))
        assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
        assertion = form["assertion"][0]
        self.assertions.append(assertion)
        if self.answer is not None:
            status, ctype, body = self.answer
            return Response(body, status=status, content_type=ctype, headers=self.extra)
        claims = jwt.decode(
            assertion,
            self.public_key,  # type: ignore[arg-type]
            algorithms=["RS256"],
            audience="https://login.salesforce.com",
        )
        self.claims.append(claims)
        body = {
            "access_token": ACCESS,
            "scope": "api",
            "instance_url": self.rest.base,
            "id": f"{self.rest.base}/id/{ORG}/{USER}",
            "token_type": "Bearer",
        }
        return Response(json.dumps(body), status=200, content_type="application/json")


@pytest.fixture
def jwt_env(env, rsa_key, tmp_path):
    key_file = tmp_path / "server.key"
    key_file.write_text(rsa_key[0], encoding="utf-8")
    key_file.chmod(0o600)
    env(SF_USERNAME=USERNAME, SF_CLIENT_ID=CLIENT_ID, SF_JWT_KEY_FILE=str(key_file))
    return env


def test_jwt_healthy(run, jwt_env, httpserver, rsa_key) -> None:
    org = JwtOrg(httpserver, rsa_key[1])
    before = int(time.time())
    status, doc = check_json(run, "--flow", "jwt")
    assert status == ExitStatus.OK and doc["verdict"] == "ok" and doc["flow"] == "jwt"
    (claims,) = org.claims  # one attempt: JWT has no token to try without
    assert claims["iss"] == CLIENT_ID and claims["sub"] == USERNAME
    assert claims["aud"] == "https://login.salesforce.com"
    assert before + 175 <= claims["exp"] <= int(time.time()) + 185
    assert doc["findings"] == []  # nothing from the radar either
    assert doc["attempts_used"] == 1 and doc["attempt_budget"] == 1
    names = {c["name"]: c["status"] for c in doc["checks"]}
    assert names["identity"] == names["SOQL query"] == "ok"
    assert names["deprecations"] == "ok" and "token signature" not in names
    assert [i["name"] for i in doc["inputs"]] == [
        "login URL",
        "username",
        "consumer key",
        "JWT private key file",
    ]


@pytest.mark.parametrize(
    ("answer", "cause"),
    [
        (oauth("invalid_grant", "invalid assertion"), "jwt_assertion_invalid"),
        (oauth("invalid_grant", "user hasn't approved this consumer"), "app_not_approved"),
        (oauth("invalid_grant", "audience is invalid"), "wrong_login_host"),
        (oauth("invalid_grant", "ip restricted"), "ip_restricted"),
        (oauth("invalid_client_id", "client identifier invalid"), "invalid_client_id"),
    ],
)
def test_jwt_refusals(run, jwt_env, httpserver, rsa_key, answer, cause) -> None:
    org = JwtOrg(httpserver, rsa_key[1], answer=answer)
    status, doc = check_json(run, "--flow", "jwt")
    assert status == ExitStatus.PROBLEM and diagnosis(doc) == [cause]
    assert len(org.assertions) == 1 and radar(doc) == []
    login = next(c for c in doc["checks"] if c["name"] == "login with JWT bearer assertion")
    assert login["status"] == "fail"
    assert not any("lockout" in c["summary"] for c in doc["checks"])


def test_jwt_invalid_assertion_lists_the_reasons(run, jwt_env, httpserver, rsa_key) -> None:
    JwtOrg(httpserver, rsa_key[1], answer=oauth("invalid_grant", "invalid assertion"))
    status, doc = check_json(run, "--flow", "jwt")
    f = doc["findings"][0]
    text = "\n".join(f["evidence"])
    assert "certificate" in text and f"iss = {CLIENT_ID}" in text and f"sub = {USERNAME}" in text
    assert "exp = " in text and "clock: " in text
    from cryptography.hazmat.primitives import serialization

    der = rsa_key[1].public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    fingerprint = hashlib.sha256(der).hexdigest()
    assert fingerprint in text and fingerprint in f["remediation"][0]
    assert "openssl dgst -sha256" in f["remediation"][0]


@pytest.mark.parametrize(
    ("server_offset", "first", "said"),
    [
        # Salesforce's clock 10 minutes ahead: the assertion had expired by its clock.
        (600, True, "before it was sent"),
        # 10 minutes behind (this machine fast): Salesforce accepts an exp far ahead (the sf
        # CLI signs exp in milliseconds and logs in), so the clock is not named the cause.
        (-600, False, "not the cause"),
    ],
)
def test_jwt_invalid_assertion_judges_the_clock_by_its_direction(
    run, jwt_env, httpserver, rsa_key, monkeypatch, server_offset, first, said
) -> None:
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    from werkzeug.serving import WSGIRequestHandler

    def skewed(self, timestamp=None) -> str:
        return format_datetime(datetime.now(UTC) + timedelta(seconds=server_offset), usegmt=True)

    monkeypatch.setattr(WSGIRequestHandler, "date_time_string", skewed)
    JwtOrg(httpserver, rsa_key[1], answer=oauth("invalid_grant", "invalid assertion"))
    _, doc = check_json(run, "--flow", "jwt")
    [f] = [f for f in doc["findings"] if f["cause"] == "jwt_assertion_invalid"][:1]
    reasons = f["evidence"][f["evidence"].index("the likely reasons, most likely first:") + 1 :]
    clock = next(r for r in reasons if r.startswith("clock: "))
    assert said in clock
    assert (reasons[0] == clock) is first
    assert ("NTP" in f["remediation"][0]) is first


def test_jwt_audience_evidence_names_the_host(run, jwt_env, httpserver, rsa_key) -> None:
    JwtOrg(httpserver, rsa_key[1], answer=oauth("invalid_grant", "audience is invalid"))
    status, doc = check_json(run, "--flow", "jwt")
    f = doc["findings"][0]
    assert any("aud = https://login.salesforce.com" in e for e in f["evidence"])
    assert "https://test.salesforce.com" in f["remediation"][0]


@pytest.mark.parametrize(
    ("url", "aud"),
    [
        ("https://login.salesforce.com", "https://login.salesforce.com"),
        ("https://test.salesforce.com", "https://test.salesforce.com"),
        ("https://acme.my.salesforce.com", "https://login.salesforce.com"),
        ("https://acme--uat.sandbox.my.salesforce.com", "https://test.salesforce.com"),
        ("http://127.0.0.1:8080", "https://login.salesforce.com"),
    ],
)
def test_jwt_audience_follows_the_host(url: str, aud: str) -> None:
    from sfdoctor.probes.jwt import audience_for

    assert audience_for(url) == aud


def test_jwt_sign_claims_and_signature(rsa_key) -> None:
    import jwt

    from sfdoctor.models import Secret
    from sfdoctor.probes.jwt import LIFETIME, sign

    signed = sign(
        Secret(rsa_key[0]),
        client_id=CLIENT_ID,
        username=USERNAME,
        audience="https://test.salesforce.com",
        now=1_700_000_000,
    )
    assert str(signed.token) == "****"
    header = jwt.get_unverified_header(signed.token.reveal())
    assert header["alg"] == "RS256"
    claims = jwt.decode(
        signed.token.reveal(),
        rsa_key[1],  # type: ignore[arg-type]
        algorithms=["RS256"],
        audience="https://test.salesforce.com",
        options={"verify_exp": False},
    )
    assert claims == {
        "iss": CLIENT_ID,
        "sub": USERNAME,
        "aud": "https://test.salesforce.com",
        "exp": 1_700_000_000 + LIFETIME,
    }


@pytest.mark.parametrize(
    ("date", "skew"),
    [
        ("Mon, 01 Jan 2024 00:10:00 GMT", 600.0),
        ("Mon, 01 Jan 2024 00:00:00 GMT", 0.0),
        ("garbage", None),
    ],
)
def test_server_skew_from_the_date_header(date: str, skew: float | None) -> None:
    from datetime import UTC, datetime

    from sfdoctor.probes.jwt import server_skew

    local = datetime(2024, 1, 1, tzinfo=UTC).timestamp()
    assert server_skew({"Date": date}, local) == skew
    assert server_skew({}, local) is None


def test_jwt_without_the_extra_says_how_to_install_it(
    run, jwt_env, httpserver, monkeypatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "jwt", None)  # import jwt -> ImportError
    r = run("check", "--flow", "jwt")
    assert r.status == ExitStatus.USAGE
    assert "pip install 'sfdoctor[jwt]'" in r.err and "Traceback" not in r.err
    assert len(httpserver.log) == 0


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "no such file"),
        ("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "certificate"),
        (
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n",
            "encrypted",
        ),
        ("not a key\n", "no PEM private key"),
        (
            "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n",
            "no private key",
        ),
    ],
)
def test_jwt_key_file_problems_send_nothing(
    run, jwt_env, httpserver, tmp_path, content, says
) -> None:
    path = tmp_path / "bad.key"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    jwt_env(SF_JWT_KEY_FILE=str(path))
    status, doc = check_json(run, "--flow", "jwt")
    assert status == ExitStatus.USAGE and doc["attempts_used"] == 0
    assert "config_missing" in diagnosis(doc)
    assert any(says in e for f in doc["findings"] for e in f["evidence"])
    assert len(httpserver.log) == 0


def test_jwt_key_that_is_not_rsa(run, jwt_env, httpserver, tmp_path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    path = tmp_path / "ec.key"
    path.write_text(pem, encoding="utf-8")
    jwt_env(SF_JWT_KEY_FILE=str(path))
    status, doc = check_json(run, "--flow", "jwt")
    assert status == ExitStatus.USAGE and doc["attempts_used"] == 0
    assert any("not RSA" in c["summary"] for c in doc["checks"])
    assert len(httpserver.log) == 0


def test_jwt_requires_its_settings(run, env) -> None:
    env(SF_USERNAME=USERNAME)
    status, doc = check_json(run, "--flow", "jwt")
    assert status == ExitStatus.USAGE
    (missing,) = [f for f in doc["findings"] if f["cause"] == "config_missing"]
    assert "SF_CLIENT_ID" in missing["evidence"][0] and "SF_JWT_KEY_FILE" in missing["evidence"][0]
    assert "SF_PASSWORD" not in missing["evidence"][0]


# --- client credentials --------------------------------------------------------------------


class ClientCredentialsOrg:
    """The My Domain token endpoint of the client credentials flow."""

    def __init__(self, server: HTTPServer, *, answer: tuple[int, str, str] | None = None):
        self.answer = answer
        self.forms: list[dict] = []
        self.rest = Rest(server, ACCESS)
        server.expect_request("/services/oauth2/token", method="POST").respond_with_handler(
            self.token
        )

    def token(self, request: Request) -> Response:
        form = parse_qs(request.get_data(as_text=True))
        self.forms.append(form)
        if self.answer is not None:
            status, ctype, body = self.answer
            return Response(body, status=status, content_type=ctype)
        if form.get("client_secret") != [CLIENT_SECRET]:
            return respond(oauth("invalid_client", "invalid client credentials"))
        ident, issued = f"{self.rest.base}/id/{ORG}/{USER}", "1691308480245"
        sig = base64.b64encode(
            hmac.new(CLIENT_SECRET.encode(), (ident + issued).encode(), hashlib.sha256).digest()
        ).decode()
        body = {
            "access_token": ACCESS,
            "signature": sig,
            "instance_url": self.rest.base,
            "id": ident,
            "token_type": "Bearer",
            "issued_at": issued,
        }
        return Response(json.dumps(body), status=200, content_type="application/json")


@pytest.fixture
def cc_env(env):
    env(SF_CLIENT_ID=CLIENT_ID, SF_CLIENT_SECRET=CLIENT_SECRET)
    return env


def test_client_credentials_healthy(run, cc_env, httpserver) -> None:
    org = ClientCredentialsOrg(httpserver)
    status, doc = check_json(run, "--flow", "client-credentials")
    assert status == ExitStatus.OK and doc["verdict"] == "ok"
    assert org.forms == [
        {
            "grant_type": ["client_credentials"],
            "client_id": [CLIENT_ID],
            "client_secret": [CLIENT_SECRET],
        }
    ]
    assert doc["findings"] == [] and doc["attempt_budget"] == 1
    names = {c["name"]: c["status"] for c in doc["checks"]}
    assert names["token signature"] == names["identity"] == names["deprecations"] == "ok"
    assert [i["name"] for i in doc["inputs"]] == ["login URL", "consumer key", "consumer secret"]


@pytest.mark.parametrize(
    ("answer", "cause"),
    [
        (oauth("invalid_grant", "request not supported on this domain"), "wrong_login_host"),
        (
            oauth("invalid_grant", "no client credentials user enabled"),
            "client_credentials_user_missing",
        ),
        (oauth("invalid_client_id", "client identifier invalid"), "invalid_client_id"),
        (oauth("invalid_client", "invalid client credentials"), "invalid_client_secret"),
    ],
)
def test_client_credentials_refusals(run, cc_env, httpserver, answer, cause) -> None:
    org = ClientCredentialsOrg(httpserver, answer=answer)
    status, doc = check_json(run, "--flow", "client-credentials")
    assert status == ExitStatus.PROBLEM and diagnosis(doc) == [cause]
    assert len(org.forms) == 1 and radar(doc) == []
    assert len(doc["findings"][0]["evidence"]) >= 2  # the answer, and what it means here


@pytest.mark.parametrize("host", ["https://login.salesforce.com", "https://test.salesforce.com"])
def test_client_credentials_at_a_generic_host_is_refused_before_sending(
    run, cc_env, httpserver, host
) -> None:
    cc_env(SF_LOGIN_URL=host)
    status, doc = check_json(run, "--flow", "client-credentials")
    assert status == ExitStatus.USAGE and doc["attempts_used"] == 0
    assert diagnosis(doc) == ["wrong_login_host"]
    assert "My Domain" in doc["findings"][0]["remediation"][0]
    assert len(httpserver.log) == 0


def test_client_credentials_requires_its_settings(run, env) -> None:
    env(SF_CLIENT_ID=CLIENT_ID)
    status, doc = check_json(run, "--flow", "client-credentials")
    assert status == ExitStatus.USAGE
    (missing,) = [f for f in doc["findings"] if f["cause"] == "config_missing"]
    assert missing["evidence"] == ["not set: SF_CLIENT_SECRET"]


# --- the deprecation radar -----------------------------------------------------------------


def password_org(server: HTTPServer, *, ok: bool = True) -> None:
    rest = Rest(server, ACCESS)

    def token(request: Request) -> Response:
        form = parse_qs(request.get_data(as_text=True))
        if not ok or not form["password"][0].endswith(TOKEN):
            return respond(oauth("invalid_grant", "authentication failure"))
        body = {
            "access_token": ACCESS,
            "instance_url": rest.base,
            "id": f"{rest.base}/id/{ORG}/{USER}",
            "token_type": "Bearer",
        }
        return Response(json.dumps(body), status=200, content_type="application/json")

    server.expect_request("/services/oauth2/token", method="POST").respond_with_handler(token)


@pytest.fixture
def password_env(env):
    env(
        SF_USERNAME=USERNAME,
        SF_PASSWORD=PASSWORD,
        SF_SECURITY_TOKEN=TOKEN,
        SF_CLIENT_ID=CLIENT_ID,
        SF_CLIENT_SECRET=CLIENT_SECRET,
    )
    return env


@pytest.mark.parametrize("ok", [True, False])
def test_radar_speaks_whenever_the_password_flow_is_in_use(
    run, password_env, httpserver, ok
) -> None:
    password_org(httpserver, ok=ok)
    status, doc = check_json(run)
    assert radar(doc) == ["password_flow_disabled"]
    note = next(f for f in doc["findings"] if f["severity"] == "info")
    steps = "\n".join(note["remediation"])
    for part in (
        "openssl req -x509",
        "Use digital signatures",
        "Admin approved users are pre-authorized",
        "SF_JWT_KEY_FILE=integration.key sfdoctor check --flow jwt",
    ):
        assert part in steps, part
    line = next(c for c in doc["checks"] if c["stage"] == "radar")
    assert line["status"] == "info" and "JWT bearer" in line["summary"]
    assert (status == ExitStatus.OK) is ok  # a note never fails a run


def test_radar_note_survives_strict(run, password_env, httpserver) -> None:
    password_org(httpserver)
    status, doc = check_json(run, "--strict")
    assert status == ExitStatus.OK and doc["verdict"] == "ok"


def test_radar_speaks_for_soap_login(run, soap_env, httpserver) -> None:
    SoapOrg(httpserver)
    _, doc = check_json(run, "--flow", "soap", "--api-version", "66.0")
    note = next(f for f in doc["findings"] if f["cause"] == "soap_login_disabled")
    assert note["severity"] == "info"
    text = "\n".join(note["evidence"])
    assert "65.0" in text and "Summer '27" in text and "Winter '26" in text
    assert "--api-version 66.0 offers no login()" in text
    assert any("sfdoctor check --flow jwt" in step for step in note["remediation"])


def test_radar_names_a_retired_api_version(run, password_env, httpserver) -> None:
    password_org(httpserver)
    httpserver.expect_request("/services/data/v20.0/limits").respond_with_data("", status=410)
    httpserver.expect_request("/services/data/v20.0/query").respond_with_data("", status=410)
    _, doc = check_json(run, "--api-version", "20.0")
    assert "api_version_retired" in diagnosis(doc)
    # judged against the org's list before any call at it: the session says so, not the radar
    line = next(c for c in doc["checks"] if c["name"] == "API versions")
    assert line["stage"] == "session" and line["status"] == "fail"
    assert "retired" in line["summary"] and "v60.0 to v62.0" in line["summary"]
    assert not any(c["name"] == "API version" for c in doc["checks"])
    assert not any("/v20.0/" in req.path for req, _ in httpserver.log)


def test_radar_scan_is_pure() -> None:
    from sfdoctor.check.radar import retired, scan

    offered = [{"version": "31.0"}, {"version": "65.0"}]
    assert retired("30.0", offered) and not retired("31.0", offered)
    assert retired("25.0", None) and not retired("45.0", None)
    checks, findings = scan("jwt", login_url="https://login.salesforce.com", offered=offered)
    assert findings == [] and [c.name for c in checks] == ["deprecations"]
    checks, findings = scan(
        "client-credentials", login_url="https://x.my.salesforce.com", api_version="29.0"
    )
    assert [f.cause for f in findings] == ["api_version_retired"]
    assert str(findings[0].severity) == "warning"
    _, findings = scan("password", login_url="https://test.salesforce.com")
    assert any("check --flow jwt --sandbox" in step for step in findings[0].remediation)


# --- secrets never leak ----------------------------------------------------------------------


def _outputs(run, *args: str) -> str:
    out = []
    for fmt in ("console", "json"):
        r = run("check", "--format", fmt, "-v", *args)
        out += [r.out, r.err]
    return "\n".join(out)


def test_soap_secrets_never_leak(run, soap_env, httpserver) -> None:
    SoapOrg(httpserver)
    text = _outputs(run, "--flow", "soap")
    assert "> POST" in text
    for canary in (
        PASSWORD,
        "Canary&amp;&lt;Pass&gt;&quot;w0rd&#x27;",
        TOKEN,
        "AQ4AQCanarySoapSessionValue",
    ):
        assert canary not in text, canary


def test_soap_refused_secrets_never_leak(run, soap_env, httpserver) -> None:
    soap_env(SF_PASSWORD="Wr0ng&Passw0rd")
    SoapOrg(httpserver)
    text = _outputs(run, "--flow", "soap")
    for canary in ("Wr0ng&Passw0rd", "Wr0ng&amp;Passw0rd", TOKEN):
        assert canary not in text, canary


@pytest.mark.parametrize("ok", [True, False])
def test_jwt_secrets_never_leak(run, jwt_env, httpserver, rsa_key, ok) -> None:
    answer = None if ok else oauth("invalid_grant", "invalid assertion")
    org = JwtOrg(httpserver, rsa_key[1], answer=answer)
    text = _outputs(run, "--flow", "jwt")
    assert "> POST" in text and org.assertions
    body_lines = [line for line in rsa_key[0].splitlines() if not line.startswith("-----")]
    for canary in (*body_lines, *org.assertions, "AQ4AQCanaryAccessTokenValue"):
        assert canary not in text, canary
    for part in org.assertions[0].split("."):
        assert part not in text  # not even the signature alone


def test_client_credentials_secrets_never_leak(run, cc_env, httpserver) -> None:
    ClientCredentialsOrg(httpserver)
    text = _outputs(run, "--flow", "client-credentials")
    assert "> POST" in text
    for canary in (CLIENT_SECRET, "AQ4AQCanaryAccessTokenValue"):
        assert canary not in text, canary


def test_jwt_report_files_hold_no_key(run, jwt_env, httpserver, rsa_key, tmp_path) -> None:
    JwtOrg(httpserver, rsa_key[1], answer=oauth("invalid_grant", "invalid assertion"))
    reports = [str(tmp_path / f"r.{ext}") for ext in ("json", "md", "html", "txt", "xml")]
    run("check", "--flow", "jwt", *[a for p in reports for a in ("--report", p)])
    body = [line for line in rsa_key[0].splitlines() if not line.startswith("-----")]
    for path in reports:
        text = open(path, encoding="utf-8").read()
        assert "jwt_assertion_invalid" in text
        for line in body:
            assert line not in text, path


# --- what unanswered logins cost toward the lockout -------------------------------------------


_CONNECT_TIMEOUT = (
    "HTTPSConnectionPool(host='login.salesforce.com', port=443): Max retries exceeded with url: "
    "/services/oauth2/token (Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection "
    "object at 0x7f>, 'Connection to login.salesforce.com timed out. (connect timeout=5.0)'))"
)
_READ_TIMEOUT = (
    "HTTPSConnectionPool(host='login.salesforce.com', port=443): Read timed out. (read timeout=5.0)"
)


@pytest.mark.parametrize(
    ("kind", "message", "may_count"),
    [
        ("timeout", _READ_TIMEOUT, True),  # sent; the answer never came
        ("timeout", "no complete answer within 5 s", True),
        ("timeout", _CONNECT_TIMEOUT, False),  # no connection: nothing was sent
        ("connection", "Failed to establish a new connection: [Errno 111] refused", False),
        ("dns", "Failed to resolve 'login.salesforce.com'", False),
        ("truncated", "the answer was cut short", True),
    ],
)
def test_only_a_login_that_may_have_been_sent_may_count_toward_lockout(
    kind: str, message: str, may_count: bool
) -> None:
    from sfdoctor.check.flows.password import lockout_line
    from sfdoctor.models import Attempt

    url = "https://login.salesforce.com/services/oauth2/token"
    line = lockout_line([Attempt("without token", False, url, "error", None, kind, message)])
    assert (line is not None and "may still have reached Salesforce" in line.summary) is may_count
