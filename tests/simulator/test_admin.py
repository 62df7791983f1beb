"""The simulated org's admin side, over HTTP: Salesforce's query shapes, paging, refusals."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import requests

from sfdoctor.simulator import SCENARIOS
from sfdoctor.simulator.admin import (
    ADMIN_TOKEN,
    MONITOR_LOGIN_HISTORY,
    VIEW_SETUP,
    with_admin,
)
from sfdoctor.simulator.admin_soql import parse
from sfdoctor.simulator.fakes import USERNAME, build_org
from sfdoctor.simulator.org import LoginHistoryEntry
from sfdoctor.simulator.soql import QueryError
from tests.simulator.conftest import password_login

V = "65.0"


def query(url: str, q: str, *, token: str = ADMIN_TOKEN, version: str = V, **headers: str):
    return requests.get(
        f"{url}/services/data/v{version}/query",
        params={"q": q},
        headers={"Authorization": f"Bearer {token}", **headers},
        timeout=10,
    )


def _rows(org, n: int) -> None:
    user = org.user(USERNAME)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for i in range(n):
        org.login_history.append(
            LoginHistoryEntry(
                start + timedelta(seconds=i),
                user.username,
                user.user_id,
                "203.0.113.7",
                "Remote Access 2.0",
                "Invalid Password" if i % 3 else "Success",
            )
        )


def test_login_history_answers_in_salesforce_shape(start) -> None:
    sc = SCENARIOS["wrong-password"]
    org = sc.org()
    with_admin(org)
    running = start(org)
    password_login(running.url, sc.env(running.url))
    user_id = org.user(USERNAME).user_id
    answer = query(
        running.url,
        "SELECT Id, LoginTime, Status, SourceIp, LoginType, LoginSubType, Application "
        f"FROM LoginHistory WHERE UserId = '{user_id}' ORDER BY LoginTime DESC",
    )
    assert answer.status_code == 200
    data = answer.json()
    assert list(data) == ["totalSize", "done", "records"]
    assert data["totalSize"] == 1 and data["done"] is True
    row = data["records"][0]
    assert row["attributes"] == {
        "type": "LoginHistory",
        "url": f"/services/data/v{V}/sobjects/LoginHistory/{row['Id']}",
    }
    assert row["Status"] == "Invalid Password"
    assert row["LoginSubType"] == "OAuth Username-Password"
    assert row["Application"] == "Nightly Sync"
    # REST dateTime: to the second, "+0000"
    assert row["LoginTime"].endswith(".000+0000") and len(row["LoginTime"]) == 28


def test_user_with_profile_relationship_and_user_login(start) -> None:
    org = build_org(user={"frozen": True})
    with_admin(org)
    running = start(org)
    data = query(
        running.url,
        f"SELECT Id, IsActive, Profile.Name FROM User WHERE Username = '{USERNAME.upper()}'",
    ).json()
    (user,) = data["records"]  # Username compares without case, as in Salesforce
    assert user["IsActive"] is True
    assert user["Profile"]["Name"] == "Integration User"
    assert user["Profile"]["attributes"]["type"] == "Profile"
    login = query(
        running.url,
        f"SELECT IsFrozen, IsPasswordLocked FROM UserLogin WHERE UserId = '{user['Id']}'",
    ).json()
    assert login["records"][0]["IsFrozen"] is True
    assert login["records"][0]["IsPasswordLocked"] is False


def test_paging_beyond_2000_rows(start) -> None:
    org = build_org()
    with_admin(org)
    _rows(org, 2500)
    running = start(org)
    first = query(running.url, "SELECT Id, Status FROM LoginHistory ORDER BY LoginTime ASC").json()
    assert first["totalSize"] == 2500 and first["done"] is False
    assert len(first["records"]) == 2000
    following = first["nextRecordsUrl"]
    assert following.startswith(f"/services/data/v{V}/query/01g") and following.endswith("-2000")
    rest = requests.get(
        running.url + following, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=10
    ).json()
    assert rest["done"] is True and "nextRecordsUrl" not in rest
    ids = [r["Id"] for r in first["records"] + rest["records"]]
    assert len(ids) == len(set(ids)) == 2500


def test_batch_size_header_and_bad_locator(start) -> None:
    org = build_org()
    with_admin(org)
    _rows(org, 450)
    running = start(org)
    page = query(
        running.url, "SELECT Id FROM LoginHistory", **{"Sforce-Query-Options": "batchSize=200"}
    ).json()
    assert len(page["records"]) == 200 and page["nextRecordsUrl"].endswith("-200")
    bad = requests.get(
        f"{running.url}/services/data/v{V}/query/01g8d0000009999AAA-200",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=10,
    )
    assert bad.status_code == 400 and bad.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"
    # a locator is the querying user's only
    other = with_admin(
        org, username="other-admin@acme-corp.example", token="00D8d000001SiMu!AQother"
    )
    theirs = requests.get(
        running.url + page["nextRecordsUrl"],
        headers={"Authorization": f"Bearer {other}"},
        timeout=10,
    )
    assert theirs.status_code == 400


def test_permission_knobs(start) -> None:
    org = build_org()
    plain = with_admin(org, permissions=frozenset({VIEW_SETUP}))
    monitor = with_admin(
        org,
        permissions=frozenset({VIEW_SETUP, MONITOR_LOGIN_HISTORY}),
        username="monitor@acme-corp.example",
        token="00D8d000001SiMu!AQmonitor",
    )
    _rows(org, 3)
    running = start(org)
    refused = query(running.url, "SELECT IsFrozen FROM UserLogin", token=plain)
    assert refused.status_code == 400
    (error,) = refused.json()
    assert error["errorCode"] == "INVALID_TYPE"
    assert "sObject type 'UserLogin' is not supported." in error["message"]
    # From API 37.0 a user without the permission reads only their own Login History...
    own = query(running.url, "SELECT Id FROM LoginHistory", token=plain).json()
    assert own["totalSize"] == 0
    # ... and before 37.0 not at all.
    old = query(running.url, "SELECT Id FROM LoginHistory", token=plain, version="36.0")
    assert old.json()[0]["errorCode"] == "INVALID_TYPE"
    assert query(running.url, "SELECT Id FROM LoginHistory", token=monitor).json()["totalSize"] == 3
    assert query(running.url, "SELECT Id FROM UserLogin", token=monitor).status_code == 400


def test_refusals_of_the_admin_side(start) -> None:
    org = build_org(org={"query_timeout": True})
    with_admin(org)
    running = start(org)
    timeout = query(running.url, "SELECT Id FROM LoginHistory")
    assert timeout.status_code == 400 and timeout.json()[0]["errorCode"] == "QUERY_TIMEOUT"
    expired = query(running.url, "SELECT Id FROM LoginHistory", token="00D8d000001SiMu!AQgone")
    assert expired.status_code == 401 and expired.json()[0]["errorCode"] == "INVALID_SESSION_ID"
    status = query(running.url, "SELECT Id FROM LoginHistory WHERE Status = 'Success'")
    assert status.status_code == 400 and status.json()[0]["errorCode"] == "INVALID_FIELD"
    unknown = query(running.url, "SELECT Nope FROM User")
    assert unknown.json()[0]["errorCode"] == "INVALID_FIELD"


def test_event_log_file_list_and_blob(start) -> None:
    sc = SCENARIOS["locked-out"]
    org = sc.org()
    with_admin(org)
    running = start(org)
    password_login(running.url, sc.env(running.url))
    files = query(
        running.url,
        "SELECT Id, EventType, LogDate, LogFileLength, LogFile FROM EventLogFile "
        "WHERE EventType = 'Login'",
    ).json()["records"]
    assert len(files) == 1 and files[0]["EventType"] == "Login"
    blob = requests.get(
        running.url + files[0]["LogFile"],
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=10,
    )
    assert blob.status_code == 200
    rows = list(csv.DictReader(io.StringIO(blob.text)))
    assert rows[0]["LOGIN_STATUS"] == "LOGIN_ERROR_PASSWORD_LOCKOUT"
    assert rows[0]["USER_NAME"] == USERNAME
    assert files[0]["LogFileLength"] == len(blob.content)
    assert rows[0]["LOGIN_TYPE"] == "i"  # Remote Access 2.0


def test_triage_reads_the_event_log_file(start, run, tmp_path) -> None:
    sc = SCENARIOS["locked-out"]
    org = sc.org()
    with_admin(org)
    running = start(org)
    password_login(running.url, sc.env(running.url))
    (log,) = query(running.url, "SELECT Id, LogFile FROM EventLogFile").json()["records"]
    blob = requests.get(
        running.url + log["LogFile"], headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=10
    )
    path = tmp_path / "login.csv"
    path.write_bytes(blob.content)
    result = run("triage", str(path), "--format", "json")
    assert result.status == 1, result.err
    assert "user_locked_out" in result.out


def test_login_time_follows_the_orgs_clock(start) -> None:
    sc = SCENARIOS["wrong-password"]
    org = sc.org()
    org.clock_skew = 3600.0
    running = start(org)
    password_login(running.url, sc.env(running.url))
    delta = org.login_history[0].time - datetime.now(UTC)
    assert abs(delta.total_seconds() - 3600) < 60


def test_a_plain_users_query_is_answered_as_before(start) -> None:
    sc = SCENARIOS["healthy"]
    running = start(sc.org())
    token = password_login(running.url, sc.env(running.url)).json()["access_token"]
    data = query(running.url, "SELECT Id, Username FROM User", token=token).json()
    assert [r["Username"] for r in data["records"]] == [USERNAME]


@pytest.mark.parametrize(
    "q",
    [
        "SELECT Id FROM LoginHistory WHERE LoginTime > LAST_N_DAYS:7",
        "SELECT Id FROM LoginHistory WHERE UserId = 'a' OR UserId = 'b'",
        "SELECT FROM LoginHistory",
        "SELECT Id FROM LoginHistory LIMIT x",
        "SELECT Id FROM",
    ],
)
def test_unsupported_soql_is_malformed(q: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(q)
    assert caught.value.code == "MALFORMED_QUERY"


def test_soql_parse() -> None:
    parsed = parse(
        "SELECT Id, Profile.Name FROM User WHERE Username = 'a\\'b' AND "
        "LastLoginDate >= 2026-11-30T09:14:03.000+0000 ORDER BY Name DESC, Id LIMIT 5"
    )
    assert parsed.fields == ["Id", "Profile.Name"] and parsed.obj == "User"
    assert parsed.where[0] == ("Username", "=", "a'b")
    assert parsed.where[1][2] == datetime(2026, 11, 30, 9, 14, 3, tzinfo=UTC)
    assert parsed.order == [("Name", True), ("Id", False)] and parsed.limit == 5
