"""The read-only admin client: against the simulated org, and against a server that counts
the methods it receives (only GET, ever)."""

from __future__ import annotations

import ast
import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sfdoctor.models import Secret
from sfdoctor.probes import admin
from sfdoctor.probes.admin import (
    AdminClient,
    AdminFailure,
    AdminSession,
    Page,
    Problem,
    find_user,
    login_history,
    user_login,
)
from sfdoctor.probes.http import Transport
from sfdoctor.redaction import Redactor
from sfdoctor.simulator import SCENARIOS, serve
from sfdoctor.simulator.admin import VIEW_SETUP, with_admin
from sfdoctor.simulator.fakes import USERNAME, build_org
from sfdoctor.simulator.org import LoginHistoryEntry
from tests.simulator.conftest import password_login

CANARY = "00DCANARY0000001!AQcanary.admin.token.never.shown"


def client(url: str, token: str, trace: list[str] | None = None) -> AdminClient:
    transport = Transport(
        timeout=5, redactor=Redactor(), trace=trace.append if trace is not None else None
    )
    return AdminClient(transport, AdminSession(url, Secret(token)))


@pytest.fixture
def org_with_admin() -> Iterator[tuple[Any, str]]:
    org = build_org()
    token = with_admin(org)
    with serve(org) as running:
        yield running, token


def test_reads_user_user_login_and_login_history(org_with_admin) -> None:
    running, token = org_with_admin
    sc = SCENARIOS["healthy"]
    password_login(running.url, sc.env(running.url), with_token=False)
    c = client(running.url, token)
    user = find_user(c, USERNAME.upper())
    assert user is not None and not isinstance(user, AdminFailure)
    assert user.username == USERNAME and user.active and user.profile == "Integration User"
    assert user_login(c, user.id) == (False, False)
    rows = login_history(c, user.id, datetime.now(UTC) - timedelta(minutes=5))
    assert not isinstance(rows, AdminFailure)
    assert [r.status for r in rows] == ["Failed: API security token required"]
    assert rows[0].source_ip == "203.0.113.7" and rows[0].login_time.tzinfo is not None
    assert find_user(c, "nobody@acme-corp.example") is None
    assert c.version() == "65.0"  # the newest the instance lists


def test_pages_through_nextrecordsurl(org_with_admin) -> None:
    running, token = org_with_admin
    user = running.org.user(USERNAME)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    running.org.login_history.extend(
        LoginHistoryEntry(
            start + timedelta(seconds=i), USERNAME, user.user_id, "203.0.113.7", "x", "Success"
        )
        for i in range(2500)
    )
    c = client(running.url, token)
    page = c.query("SELECT Id FROM LoginHistory", max_rows=5000)
    assert isinstance(page, Page)
    assert page.total_size == 2500 and len(page.records) == 2500 and page.complete
    assert page.pages == 13  # batchSize=200 asked: 12 full pages and one of 100
    capped = c.query("SELECT Id FROM LoginHistory")
    assert isinstance(capped, Page) and len(capped.records) == 2000 and not capped.complete


def test_permission_refusal_names_the_permission() -> None:
    org = build_org()
    token = with_admin(org, permissions=frozenset({VIEW_SETUP}))
    with serve(org) as running:
        c = client(running.url, token)
        refused = user_login(c, org.user(USERNAME).user_id)
        assert isinstance(refused, AdminFailure)
        assert refused.problem is Problem.PERMISSION and refused.code == "INVALID_TYPE"
        assert "UserLogin" in refused.message and "'Manage Users'" in refused.message
        old = AdminClient(
            Transport(timeout=5, redactor=Redactor()),
            AdminSession(running.url, Secret(token), api_version="36.0"),
        )
        refused = old.query("SELECT Id FROM LoginHistory")
        assert isinstance(refused, AdminFailure)
        assert "'Manage Users' or 'Monitor Login History'" in refused.message
        assert "sObject type 'LoginHistory' is not supported" in refused.message


@pytest.mark.parametrize(
    ("setup", "problem"),
    [
        (lambda org: org.sessions.clear(), Problem.SESSION),
        (lambda org: setattr(org, "api_enabled", False), Problem.API_DISABLED),
        (lambda org: setattr(org, "query_timeout", True), Problem.TIMEOUT),
        (lambda org: setattr(org, "api_requests_used", org.api_request_max), Problem.LIMIT),
    ],
)
def test_admin_side_failures_are_values(setup: Callable[[Any], None], problem: Problem) -> None:
    org = build_org()
    token = with_admin(org)
    setup(org)
    with serve(org) as running:
        result = login_history(
            client(running.url, token), org.user(USERNAME).user_id, datetime.now(UTC)
        )
    assert isinstance(result, AdminFailure) and result.problem is problem
    assert "\n" not in result.message and token not in result.message


def test_event_log_file_list_and_content(org_with_admin) -> None:
    running, token = org_with_admin
    sc = SCENARIOS["wrong-password"]
    password_login(running.url, sc.env(running.url))
    c = client(running.url, token)
    page = c.query("SELECT Id, LogFileLength FROM EventLogFile WHERE EventType = 'Login'")
    assert isinstance(page, Page) and len(page.records) == 1
    content = c.log_file(page.records[0]["Id"])
    assert not isinstance(content, AdminFailure)
    assert "LOGIN_ERROR_INVALID_PASSWORD" in content.text and not content.truncated
    assert c.log_file("../../etc") == AdminFailure(
        Problem.REFUSED, "not an Event Log File id; nothing sent"
    )


def test_the_token_goes_only_to_a_host_it_may_go_to() -> None:
    trace: list[str] = []
    c = client("https://evil.example", CANARY, trace)
    result = c.query("SELECT Id FROM User")
    assert isinstance(result, AdminFailure) and result.problem is Problem.REFUSED
    assert not any(line.startswith("> GET") for line in trace)
    assert CANARY not in repr(result)


# --- read-only by construction -------------------------------------------------------


class _Counting(BaseHTTPRequestHandler):
    """Answers anything; counts the methods; pages with a nextRecordsUrl it is told."""

    methods: list[str]
    following: str | None
    echo: bool

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self) -> None:
        type(self).methods.append(self.command)
        if self.path.startswith("/services/data/v60.0/query?"):
            body: Any = {"totalSize": 2, "done": self.following is None, "records": [{"Id": "1"}]}
            if self.following is not None:
                body["nextRecordsUrl"] = self.following
            status = 200
        elif "/query/" in self.path:
            body, status = {"totalSize": 2, "done": True, "records": [{"Id": "2"}]}, 200
        elif self.path == "/services/data/":
            body, status = [{"version": "60.0"}], 200
        elif "LogFile" in self.path:
            body, status = "A,B\n1,2\n", 200
        elif self.echo:
            said = self.headers.get("Authorization", "")
            body = [{"errorCode": "INVALID_SESSION_ID", "message": f"bad header {said}"}]
            status = 401
        else:
            body, status = {"user_id": "005"}, 200
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _answer


@pytest.fixture
def counting() -> Iterator[tuple[str, type[_Counting]]]:
    handler = type("Handler", (_Counting,), {"methods": [], "following": None, "echo": False})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()


def test_every_public_method_sends_only_get(counting) -> None:
    url, handler = counting
    handler.following = "/services/data/v60.0/query/01gD0000002HU6KIAW-1"
    c = AdminClient(
        Transport(timeout=5, redactor=Redactor()),
        AdminSession(url, Secret(CANARY), api_version="60.0"),
    )
    public = sorted(name for name in dir(c) if not name.startswith("_"))
    assert public == ["identity", "log_file", "origin", "query", "version", "versions"]
    assert isinstance(c.versions(), list)
    assert isinstance(c.identity(), dict)
    page = c.query("SELECT Id FROM User")
    assert isinstance(page, Page) and page.pages == 2
    assert not isinstance(c.log_file("0AT8d0000000001"), AdminFailure)
    find_user(c, USERNAME)
    user_login(c, "0058d000003IntG")
    login_history(c, "0058d000003IntG", datetime.now(UTC))
    assert handler.methods and set(handler.methods) == {"GET"}


@pytest.mark.parametrize(
    "following",
    [
        "https://evil.example/services/data/v60.0/query/01gD0000002HU6KIAW-1",
        "//evil.example/services/data/v60.0/query/01gD0000002HU6KIAW-1",
        "/services/data/v60.0/sobjects/User/005",
        "/services/data/v60.0/query/01gD0000002HU6KIAW-1@evil.example",
    ],
)
def test_next_records_url_must_stay_on_the_instance(counting, following: str) -> None:
    url, handler = counting
    handler.following = following
    c = AdminClient(
        Transport(timeout=5, redactor=Redactor()),
        AdminSession(url, Secret(CANARY), api_version="60.0"),
    )
    result = c.query("SELECT Id FROM User")
    assert isinstance(result, AdminFailure) and result.problem is Problem.REFUSED
    assert handler.methods == ["GET"]  # the first page only; the foreign one never asked


def test_a_token_echoed_by_the_server_never_comes_back(counting) -> None:
    url, handler = counting
    handler.echo = True
    trace: list[str] = []
    c = client(url, CANARY, trace)
    result = c.identity()
    assert isinstance(result, AdminFailure) and result.problem is Problem.SESSION
    assert CANARY not in repr(result) and CANARY not in "\n".join(trace)
    assert "****" in result.message


def test_the_module_can_only_say_get() -> None:
    """No other HTTP method name appears in the admin client's source, and every request
    it makes names GET literally."""
    source = Path(admin.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
    assert not strings & {"POST", "PATCH", "PUT", "DELETE", "post", "patch", "put", "delete"}
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "request"
    ]
    assert calls and all(
        isinstance(c.args[0], ast.Constant) and c.args[0].value == "GET" for c in calls
    )
    assert "transport" not in AdminClient.__slots__  # the client keeps no transport
