"""``sfdoctor check`` against a local server speaking Salesforce's real bodies.

pytest-httpserver plays the org: the token endpoint decides by the password it receives
(password + token, or password alone from a trusted network), and the REST resources answer
with the shapes the fixtures record. Every test counts the login requests the server saw.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import parse_qs

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sfdoctor.status import ExitStatus
from tests.conftest import FIXTURES

PASSWORD = "CanaryPassw0rd"
TOKEN = "CanaryTok3n0123456789ABC"
CLIENT_ID = "3MVG9" + "CanaryConsumerKey" * 5
CLIENT_SECRET = "CanaryConsumerSecret0001"
ACCESS = "00D5g000004CANRY!AQ4AQCanaryAccessTokenValue"
USERNAME = "integration@acme.com"
ORG, USER = "00D5g000004CANRYEAA", "0055g00000CanaryAAA"

GENERIC = {"error": "invalid_grant", "error_description": "authentication failure"}


def fixture_http(name: str) -> tuple[int, str, str]:
    fx = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))["http"]
    return int(fx["status"]), fx["content_type"], fx["body"]


class Org:
    """A tiny org: which passwords it accepts, and how its REST resources answer."""

    def __init__(
        self,
        server: HTTPServer,
        *,
        trusted: bool = False,
        token: str = TOKEN,
        refuse: dict | None = None,
        rest: tuple[int, str, str] | None = None,
        token_answer: tuple[int, str, str] | None = None,
    ) -> None:
        self.server, self.trusted, self.token = server, trusted, token
        self.refuse = refuse or GENERIC
        self.rest = rest
        self.token_answer = token_answer
        self.logins: list[str] = []
        base = server.url_for("").rstrip("/")
        self.base = base
        server.expect_request("/services/oauth2/token", method="POST").respond_with_handler(
            self.token_endpoint
        )
        for path, handler in (
            (f"/id/{ORG}/{USER}", self.identity),
            ("/services/data/", self.versions),
            ("/services/data/v62.0/limits", self.limits),
            ("/services/data/v62.0/query", self.query),
        ):
            server.expect_request(path, method="GET").respond_with_handler(handler)

    def token_endpoint(self, request: Request) -> Response:
        form = parse_qs(request.get_data(as_text=True))
        password = form.get("password", [""])[0]
        self.logins.append("token" if password.endswith(self.token) else "no-token")
        if self.token_answer is not None:
            status, ctype, body = self.token_answer
            return Response(body, status=status, content_type=ctype)
        ok = password == PASSWORD + self.token or (self.trusted and password == PASSWORD)
        if form.get("client_secret", [""])[0] != CLIENT_SECRET:
            ok = False
        if not ok:
            return Response(json.dumps(self.refuse), status=400, content_type="application/json")
        ident = f"{self.base}/id/{ORG}/{USER}"
        issued = "1691308480245"
        sig = base64.b64encode(
            hmac.new(CLIENT_SECRET.encode(), (ident + issued).encode(), hashlib.sha256).digest()
        ).decode()
        body = {
            "access_token": ACCESS,
            "instance_url": self.base,
            "id": ident,
            "token_type": "Bearer",
            "issued_at": issued,
            "signature": sig,
        }
        return Response(json.dumps(body), status=200, content_type="application/json")

    def _authorized(self, request: Request) -> Response | None:
        if self.rest is not None:
            status, ctype, body = self.rest
            return Response(body, status=status, content_type=ctype)
        if request.headers.get("Authorization") != f"Bearer {ACCESS}":
            return Response(
                '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]',
                status=401,
                content_type="application/json",
            )
        return None

    def identity(self, request: Request) -> Response:
        return self._authorized(request) or Response(
            json.dumps({"username": USERNAME, "user_id": USER, "organization_id": ORG}),
            content_type="application/json",
        )

    def versions(self, request: Request) -> Response:
        # Salesforce lists its versions to anyone (no token needed).
        if self.rest is not None:
            return self._authorized(request)  # type: ignore[return-value]
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
        return self._authorized(request) or Response(
            json.dumps({"DailyApiRequests": {"Max": 15000, "Remaining": 14990}}),
            content_type="application/json",
        )

    def query(self, request: Request) -> Response:
        return self._authorized(request) or Response(
            json.dumps({"totalSize": 1, "done": True, "records": [{"Id": ORG, "Name": "Acme"}]}),
            content_type="application/json",
        )


def check_json(run, *args: str) -> tuple[int, dict]:
    r = run("check", "--format", "json", *args)
    return r.status, json.loads(r.out)


def causes(doc: dict) -> list[str]:
    """The diagnosis: every finding but the deprecation radar's notes (severity info, tested
    in test_check_flows.py)."""
    return [f["cause"] for f in doc["findings"] if f["severity"] != "info"]


# --- the differential matrix ----------------------------------------------------------


def test_healthy_untrusted_network(run, env, httpserver) -> None:
    org = Org(httpserver)
    status, doc = check_json(run)
    assert status == ExitStatus.OK and doc["verdict"] == "ok"
    assert org.logins == ["token", "no-token"]
    assert causes(doc) == []
    names = {c["name"]: c["status"] for c in doc["checks"]}
    assert names["trusted network"] == "ok"
    assert names["identity"] == names["SOQL query"] == names["token signature"] == "ok"
    assert doc["attempts_used"] == 2 and doc["attempt_budget"] == 2


def test_healthy_trusted_network_says_keep_the_token(run, env, httpserver) -> None:
    org = Org(httpserver, trusted=True)
    status, doc = check_json(run)
    assert status == ExitStatus.OK and causes(doc) == []
    assert org.logins == ["token", "no-token"]
    net = next(c for c in doc["checks"] if c["name"] == "trusted network")
    assert "keep the token" in net["summary"]


def test_stale_token(run, env, httpserver) -> None:
    env(SF_SECURITY_TOKEN="OldTok3n0123456789ABCDEF")
    Org(httpserver, trusted=True)
    status, doc = check_json(run)
    assert status == ExitStatus.PROBLEM and doc["verdict"] == "fail"
    assert causes(doc)[0] == "security_token_invalid"


def test_both_refused_is_ambiguous_with_candidates(run, env, httpserver) -> None:
    env(SF_PASSWORD="WrongPassw0rd")
    org = Org(httpserver)
    status, doc = check_json(run)
    assert status == ExitStatus.PROBLEM
    assert causes(doc) == ["ambiguous_auth_failure"]
    finding = doc["findings"][0]
    assert finding["candidates"][0]["confirm"]
    assert len(org.logins) == 2
    assert any("lockout" in c["summary"] for c in doc["checks"])


def test_trusted_network_only_is_a_warning(run, env, httpserver) -> None:
    env(SF_SECURITY_TOKEN=None)
    org = Org(httpserver, trusted=True)
    status, doc = check_json(run)
    assert status == ExitStatus.OK and doc["verdict"] == "warn"
    assert causes(doc) == ["trusted_network_only"]
    assert org.logins == ["no-token"]


def test_trusted_network_only_fails_under_strict(run, env, httpserver) -> None:
    env(SF_SECURITY_TOKEN=None)
    Org(httpserver, trusted=True)
    status, doc = check_json(run, "--strict")
    assert status == ExitStatus.PROBLEM and doc["exit_code"] == 1


def test_no_token_from_untrusted_network(run, env, httpserver) -> None:
    env(SF_SECURITY_TOKEN=None)
    org = Org(httpserver)
    status, doc = check_json(run)
    assert status == ExitStatus.PROBLEM
    assert causes(doc) == ["security_token_required"]
    assert doc["findings"][0]["confidence"] == "medium"
    assert {c["cause"] for c in doc["findings"][0]["candidates"]} >= {"invalid_credentials"}
    assert org.logins == ["no-token"]


def test_legacy_message_names_the_token_for_sure(run, env, httpserver) -> None:
    env(SF_SECURITY_TOKEN=None)
    Org(
        httpserver,
        refuse={
            "error": "invalid_grant",
            "error_description": "authentication failure - Failed: API security token required",
        },
    )
    status, doc = check_json(run)
    assert causes(doc) == ["security_token_required"]
    assert doc["findings"][0]["confidence"] == "high"


# --- causes the body decides: no second attempt ----------------------------------------


@pytest.mark.parametrize(
    ("body", "cause"),
    [
        ({"error": "invalid_grant", "error_description": "ip restricted"}, "ip_restricted"),
        ({"error": "invalid_grant", "error_description": "inactive user"}, "user_inactive"),
        ({"error": "invalid_grant", "error_description": "inactive organization"}, "org_inactive"),
        (
            {"error": "invalid_client_id", "error_description": "client identifier invalid"},
            "invalid_client_id",
        ),
        (
            {"error": "invalid_client", "error_description": "invalid client credentials"},
            "invalid_client_secret",
        ),
        (
            {"error": "invalid_grant", "error_description": "user hasn't approved this consumer"},
            "app_not_approved",
        ),
        (
            {"error": "unsupported_grant_type", "error_description": "grant type not supported"},
            "malformed_token_request",
        ),
    ],
)
def test_decisive_answer_skips_the_second_attempt(run, env, httpserver, body, cause) -> None:
    org = Org(httpserver, token_answer=(400, "application/json", json.dumps(body)))
    status, doc = check_json(run)
    assert status == ExitStatus.PROBLEM
    assert causes(doc)[0] == cause
    assert org.logins == ["token"], "the first answer decided; no second login"


def test_budget_of_one(run, env, httpserver) -> None:
    org = Org(httpserver)
    status, doc = check_json(run, "--max-attempts", "1")
    assert status == ExitStatus.OK and org.logins[0] == "token"  # the password was accepted
    assert doc["attempts_used"] == 1 and doc["attempt_budget"] == 1


def test_budget_of_one_on_failure_never_retries(run, env, httpserver) -> None:
    env(SF_PASSWORD="WrongPassw0rd")
    org = Org(httpserver)
    check_json(run, "--max-attempts", "1")
    assert org.logins == ["token"]


# --- faults -------------------------------------------------------------------------


def test_maintenance_page(run, env, httpserver) -> None:
    org = Org(
        httpserver, token_answer=fixture_http("rest/service_unavailable--down-for-maintenance-html")
    )
    status, doc = check_json(run)
    assert status == ExitStatus.INCONCLUSIVE
    assert causes(doc) == ["service_unavailable"]
    assert org.logins == ["token"]


@pytest.mark.parametrize(
    ("answer", "cause"),
    [
        (
            (200, "text/html", "<html><body>Sign in to the hotel wifi</body></html>"),
            "unexpected_response",
        ),
        ((200, "application/json", '{"access_token":"00D5g0000'), "unexpected_response"),
        ((502, "text/html", "<html><body>Bad Gateway</body></html>"), "service_unavailable"),
    ],
)
def test_garbage_answers(run, env, httpserver, answer, cause) -> None:
    Org(httpserver, token_answer=answer)
    status, doc = check_json(run)
    assert status == ExitStatus.INCONCLUSIVE and causes(doc) == [cause]


def test_refused_port(run, env) -> None:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    env(SF_LOGIN_URL=f"http://127.0.0.1:{port}")
    status, doc = check_json(run)
    assert status == ExitStatus.INCONCLUSIVE and causes(doc) == ["network_unreachable"]


def test_server_that_never_answers(run, env) -> None:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)  # accepts the connection, never answers
    try:
        env(SF_LOGIN_URL=f"http://127.0.0.1:{sock.getsockname()[1]}")
        status, doc = check_json(run, "--timeout", "0.5")
    finally:
        sock.close()
    assert status == ExitStatus.INCONCLUSIVE and causes(doc) == ["timeout"]


def test_rest_401_after_login(run, env, httpserver) -> None:
    Org(
        httpserver,
        rest=(
            401,
            "application/json",
            '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]',
        ),
    )
    status, doc = check_json(run)
    assert status == ExitStatus.PROBLEM and causes(doc) == ["session_invalid"]


@pytest.mark.parametrize(
    ("rest", "cause"),
    [
        (
            (
                403,
                "application/json",
                '[{"errorCode":"API_DISABLED_FOR_ORG","message":"The REST API '
                'is not enabled for this Organization."}]',
            ),
            "api_disabled",
        ),
        (
            (
                403,
                "application/json",
                '[{"message":"TotalRequests Limit exceeded.","errorCode":'
                '"REQUEST_LIMIT_EXCEEDED"}]',
            ),
            "request_limit_exceeded",
        ),
        (
            (
                400,
                "application/json",
                '[{"message":"The users password has expired, you must call '
                'SetPassword before attempting any other API operations","errorCode":'
                '"INVALID_OPERATION_WITH_EXPIRED_PASSWORD"}]',
            ),
            "password_expired",
        ),
    ],
)
def test_rest_errors_after_login(run, env, httpserver, rest, cause) -> None:
    Org(httpserver, rest=rest)
    status, doc = check_json(run)
    assert status == ExitStatus.PROBLEM and causes(doc)[0] == cause


def test_retired_api_version(run, env, httpserver) -> None:
    Org(httpserver)
    httpserver.expect_request("/services/data/v20.0/limits").respond_with_data("", status=410)
    httpserver.expect_request("/services/data/v20.0/query").respond_with_data("", status=410)
    status, doc = check_json(run, "--api-version", "20.0")
    assert "api_version_retired" in causes(doc)


# --- configuration: refused before anything is sent ------------------------------------


@pytest.mark.parametrize(
    ("values", "cause"),
    [
        ({"SF_PASSWORD": None}, "config_missing"),
        ({"SF_PASSWORD": PASSWORD + "\n"}, "config_whitespace"),
        ({"SF_PASSWORD": PASSWORD + TOKEN}, "token_in_password"),
        ({"SF_LOGIN_URL": "https://evil.example.com"}, "login_url_invalid"),
        ({"SF_LOGIN_URL": "http://login.salesforce.com"}, "login_url_invalid"),
        ({"SF_LOGIN_URL": "https://acme.lightning.force.com"}, "login_url_invalid"),
        ({"SF_LOGIN_URL": "https://acme.my.site.com"}, "login_url_invalid"),
        ({"SF_LOGIN_URL": "https://acme.my.salesforce-setup.com"}, "login_url_invalid"),
        ({"SF_LOGIN_URL": "https://acme--c.vf.force.com"}, "login_url_invalid"),
        ({"SF_LOGIN_URL": "https://acme.secure.force.com"}, "login_url_invalid"),
    ],
)
def test_configuration_errors_send_nothing(run, env, httpserver, values, cause) -> None:
    env(**values)
    org = Org(httpserver)
    r = run("check", "--format", "json")
    assert r.status == ExitStatus.USAGE
    doc = json.loads(r.out)
    assert cause in causes(doc) and doc["exit_code"] == 2 and doc["attempts_used"] == 0
    assert org.logins == []


@pytest.mark.parametrize(
    "extra", ["/lightning/page/home", "?x=1", "/#frag", "/services/Soap/u/59.0"]
)
def test_a_login_url_with_more_than_its_host_sends_nothing(run, env, httpserver, extra) -> None:
    """A URL copied from the address bar once moved the token request to that page (and a
    fragment to the site's root): a login attempt spent where no login can succeed."""
    env(SF_LOGIN_URL=httpserver.url_for("/").rstrip("/") + extra)
    org = Org(httpserver)
    r = run("check", "--format", "json")
    doc = json.loads(r.out)
    assert r.status == ExitStatus.USAGE and org.logins == [] and doc["attempts_used"] == 0
    lint = next(f for f in doc["findings"] if f["cause"] == "login_url_invalid")
    assert "give the host alone" in " ".join(lint["evidence"])


@pytest.mark.parametrize("extra", ["/", "/services/oauth2/token", "/services/oauth2/token/"])
def test_the_token_endpoint_or_a_slash_reads_as_the_host(run, env, httpserver, extra) -> None:
    env(SF_LOGIN_URL=httpserver.url_for("/").rstrip("/") + extra)
    org = Org(httpserver)
    status, doc = check_json(run)
    assert status == ExitStatus.OK and org.logins[0] == "token"


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "1e12", "ten"])
def test_a_timeout_that_is_no_number_of_seconds_is_refused(run, env, httpserver, value) -> None:
    """nan, inf and 1e12 once passed, then reached the socket as an internal error (exit 4)."""
    org = Org(httpserver)
    r = run("check", "--timeout", value)
    assert r.status == ExitStatus.USAGE and "--timeout" in r.err and org.logins == []


def test_a_missing_connected_app_names_the_flow_that_needs_none(run, env, httpserver) -> None:
    """Where the default view shows it: a simple-salesforce user has no connected app."""
    env(SF_CLIENT_ID=None, SF_CLIENT_SECRET=None)
    org = Org(httpserver)
    r = run("check")
    assert r.status == ExitStatus.USAGE and org.logins == []
    assert "--flow soap needs neither" in " ".join(r.out.split())


def test_unreadable_env_file(run, env, tmp_path) -> None:
    r = run("check", "--env-file", str(tmp_path / "missing.env"))
    assert r.status == ExitStatus.USAGE and "env file not found" in r.err


def test_env_file_overrides_environment(run, env, httpserver, tmp_path) -> None:
    env(SF_PASSWORD="WrongPassw0rd")
    org = Org(httpserver)
    f = tmp_path / ".env"
    f.write_text(f"# ci\nexport SF_PASSWORD='{PASSWORD}'\n", encoding="utf-8")
    status, doc = check_json(run, "--env-file", str(f))
    assert status == ExitStatus.OK and org.logins[0] == "token"
    pw = next(i for i in doc["inputs"] if i["name"] == "password")
    assert pw["source"].startswith("env-file") and PASSWORD not in pw["value"]


@pytest.mark.parametrize(
    "line",
    [
        f'SF_PASSWORD="{PASSWORD}"   # the password',  # a comment after quotes: dotenv's layout
        f"SF_PASSWORD='{PASSWORD}'\t# single quotes, a tab",
        f"SF_PASSWORD={PASSWORD} # unquoted",
    ],
)
def test_an_env_files_quotes_and_comment_never_reach_the_password(
    run, env, httpserver, tmp_path, line
) -> None:
    """The quotes once stayed in a value that had a comment after it: two refused logins."""
    env(SF_PASSWORD=None)
    org = Org(httpserver)
    f = tmp_path / "ci.env"
    f.write_text(line + "\n", encoding="utf-8")
    status, doc = check_json(run, "--env-file", str(f))
    assert status == ExitStatus.OK and org.logins[0] == "token"  # the password was accepted
    pw = next(i for i in doc["inputs"] if i["name"] == "password")
    assert f"({len(PASSWORD)} characters)" in pw["value"]


def test_an_env_files_blank_value_before_a_comment_is_empty(tmp_path) -> None:
    """'SF_SECURITY_TOKEN=   # not needed' once sent the comment as the token: two refused
    logins. dotenv and the shell read it as empty; '#' right after '=' is a value."""
    from sfdoctor.check.config import parse_env_file

    f = tmp_path / "ci.env"
    f.write_text("SF_SECURITY_TOKEN=   # not needed here\nSF_OTHER=#kept\n", encoding="utf-8")
    assert parse_env_file(str(f)) == {"SF_SECURITY_TOKEN": "", "SF_OTHER": "#kept"}


@pytest.mark.parametrize("odd", ["\x0c", "\u2028", "\x85", "\x1e"])
def test_an_env_files_value_keeps_characters_that_are_no_line_end(tmp_path, odd: str) -> None:
    """Shells and dotenv end a line at \\n (or \\r\\n); a form feed or U+2028 inside a
    password once cut it in two ('expected KEY=VALUE', or half a password)."""
    from sfdoctor.check.config import parse_env_file

    f = tmp_path / "ci.env"
    f.write_text(f"SF_PASSWORD=ab{odd}cd\r\nSF_USERNAME=ops\rSF_X=1\n", encoding="utf-8",
                 newline="")  # fmt: skip
    assert parse_env_file(str(f)) == {"SF_PASSWORD": f"ab{odd}cd", "SF_USERNAME": "ops",
                                      "SF_X": "1"}  # fmt: skip


def test_an_env_file_quote_that_never_closes_is_refused_before_any_login(
    run, env, httpserver, tmp_path
) -> None:
    env(SF_PASSWORD=None)
    org = Org(httpserver)
    f = tmp_path / "ci.env"
    f.write_text(f'SF_USERNAME={USERNAME}\nSF_PASSWORD="{PASSWORD} # left open\n', encoding="utf-8")
    r = run("check", "--env-file", str(f))
    assert r.status == ExitStatus.USAGE and org.logins == []
    assert "ci.env:2" in r.err and "no closing" in r.err and PASSWORD not in r.err + r.out


def test_restforce_names_are_accepted(run, env, httpserver, monkeypatch) -> None:
    env(SF_USERNAME=None, SF_PASSWORD=None)
    monkeypatch.setenv("SALESFORCE_USERNAME", USERNAME)
    monkeypatch.setenv("SALESFORCE_PASSWORD", PASSWORD)
    Org(httpserver)
    status, doc = check_json(run)
    assert status == ExitStatus.OK


def test_short_token_is_only_a_warning(run, env, httpserver) -> None:
    env(SF_SECURITY_TOKEN="short")
    org = Org(httpserver)  # expects TOKEN: the login with "short" is refused
    status, doc = check_json(run)
    lint = next(c for c in doc["checks"] if c["stage"] == "configuration")
    assert lint["status"] == "warn" and "5 characters" in lint["summary"]
    assert len(org.logins) == 2  # a warning never stops the run


def test_short_token_that_works_is_no_warning(run, env, httpserver) -> None:
    env(SF_SECURITY_TOKEN="short")
    org = Org(httpserver, token="short")
    status, doc = check_json(run)
    assert status == ExitStatus.OK and doc["verdict"] == "ok"  # the login settled it
    assert org.logins == ["token", "no-token"]


def test_sandbox_username_on_production_explains_the_refusal(
    run, env, httpserver, monkeypatch
) -> None:
    env(SF_USERNAME="integration@acme.com.uat", SF_PASSWORD="NotOnThisHost1")
    Org(httpserver)
    # the local server stands in for login.salesforce.com
    monkeypatch.setattr("sfdoctor.check.lint.PRODUCTION_HOSTS", {"localhost", "127.0.0.1"})
    status, doc = check_json(run)
    assert status == ExitStatus.PROBLEM
    assert causes(doc)[0] == "wrong_login_host"


# --- output and secrets ---------------------------------------------------------------


def test_console_report(run, env, httpserver) -> None:
    Org(httpserver)
    r = run("check")
    assert r.status == ExitStatus.OK
    assert "Login" in r.out and "Session" in r.out and "\u2713" in r.out
    assert "2 of 2 login attempts used" in r.out


def test_console_report_of_a_failure(run, env, httpserver) -> None:
    env(SF_SECURITY_TOKEN=None)
    Org(httpserver)
    r = run("check")
    assert r.status == ExitStatus.PROBLEM
    assert "security_token_required" in r.out and "What to do" in r.out
    assert "FAIL:" in r.out


CANARIES = (PASSWORD, TOKEN, CLIENT_SECRET, "AQ4AQCanaryAccessTokenValue")


@pytest.mark.parametrize("fmt", ["console", "json"])
@pytest.mark.parametrize("scenario", ["healthy", "refused"])
def test_secrets_never_leak(run, env, httpserver, fmt, scenario) -> None:
    if scenario == "refused":
        env(SF_PASSWORD=PASSWORD + "x")
    Org(httpserver)
    r = run("check", "--format", fmt, "-v")
    assert r.err.count("> POST") >= 1, "the verbose trace ran"
    for canary in CANARIES:
        assert canary not in r.out and canary not in r.err, canary


def test_user_agent_and_form(run, env, httpserver) -> None:
    Org(httpserver)
    run("check")
    token_requests = [req for req, _ in httpserver.log if req.path == "/services/oauth2/token"]
    assert token_requests[0].headers["User-Agent"].startswith("sfdoctor/")
    form = parse_qs(token_requests[0].get_data(as_text=True))
    assert form["grant_type"] == ["password"] and form["username"] == [USERNAME]


def test_versions_are_asked_of_the_login_host_without_credentials(run, env, httpserver) -> None:
    Org(httpserver)
    run("check")
    lists = [req for req, _ in httpserver.log if req.path == "/services/data/"]
    assert any("Authorization" not in req.headers for req in lists)
    limits = [req for req, _ in httpserver.log if req.path.endswith("/limits")]
    assert [req.path for req in limits] == ["/services/data/v62.0/limits"]


def test_instance_on_another_release_is_followed(run, env, httpserver, monkeypatch) -> None:
    from sfdoctor.probes import session

    real = session.login_host_versions

    def newer(transport, login_url):
        call = real(transport, login_url)
        return call._replace(data=[{"version": "99.0", "url": "/services/data/v99.0"}])

    monkeypatch.setattr(session, "login_host_versions", newer)
    Org(httpserver)
    httpserver.expect_request("/services/data/v99.0/limits").respond_with_data("", status=404)
    httpserver.expect_request("/services/data/v99.0/query").respond_with_data("", status=404)
    status, doc = check_json(run)
    assert status == ExitStatus.OK, doc["findings"]
    assert any(c["summary"].startswith("using v62.0") for c in doc["checks"])
