"""``audit`` reading the org (LoginHistory, Event Log Files) with an administrator's session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sfdoctor.commands import audit
from sfdoctor.simulator.admin import MANAGE_USERS, VIEW_SETUP
from tests.commands.admin_org import CANARY, EXPIRED, more_history, org_run

__all__ = ["org_run"]

PASSWORD_FLOW = "password_flow"


def _retiring(doc: dict) -> set[tuple[str, str]]:
    return {(i["user"], h["id"]) for i in doc["integrations"] for h in i["retirements"]}


def test_org_audit_finds_the_username_password_integration(org_run) -> None:
    r = org_run(audit.run, [], fmt="json")
    assert r.status == 1, r.err
    doc = r.doc
    paths = {s["path"]: s for s in doc["sources"]}
    history = paths["org: 127.0.0.1 LoginHistory (last 30 days)"]
    assert history["kind"] == "loginhistory_query" and history["rows"] == 6
    # LoginHistory already holds the logins: the Login log files would count each one twice
    assert not [s for s in doc["sources"] if "EventLogFile Login" in s["path"]]
    usage = [s for s in doc["sources"] if "EventLogFile ApiTotalUsage" in s["path"]]
    assert all(s["kind"] == "elf_api_total_usage" for s in usage)
    logins = sum(i["count"] for i in doc["integrations"] if i.get("login_type"))
    assert logins <= history["rows"], "no login is counted twice"
    assert any("integration@acme-corp.example" == u for u, _ in _retiring(doc))
    assert any(h.startswith("username") or "password" in h for _, h in _retiring(doc))


def test_org_audit_equals_the_export_for_login_history(org_run, tmp_path: Path) -> None:
    no_elf = frozenset({VIEW_SETUP, MANAGE_USERS})
    r = org_run(audit.run, [], fmt="json", permissions=no_elf)
    assert r.status == 1, r.err
    assert "no Event Monitoring" in r.err and len(r.err.strip().splitlines()) == 1
    path = tmp_path / "LoginHistory.csv"
    path.write_text(r.export, encoding="utf-8")
    import io

    out = io.StringIO()
    audit.run([str(path)], fmt="json", stdout=out, stderr=io.StringIO(), environ={})
    exported = json.loads(out.getvalue())
    assert r.doc["integrations"] == exported["integrations"]


def test_org_audit_pages(org_run) -> None:
    r = org_run(audit.run, [], fmt="json", change=lambda org: more_history(org, 300))
    assert r.status == 1, r.err
    history = next(s for s in r.doc["sources"] if "LoginHistory" in s["path"])
    assert history["rows"] == 306
    assert any("/query/01g" in u for _, u, _ in r.requests)
    assert {m for m, _, _ in r.requests} == {"GET"}


def test_expired_session_without_files_exit_2(org_run) -> None:
    r = org_run(audit.run, [], session=EXPIRED)
    assert r.status == 2 and "expired or invalid" in r.err
    assert len(r.err.strip().splitlines()) == 1


def test_expired_session_with_files_continues(org_run, tmp_path: Path) -> None:
    fixture = tmp_path / "LoginHistory.csv"
    fixture.write_text(
        "UserId,LoginTime,Status,SourceIp,LoginType,LoginSubType,Application\n"
        "0058d000001AbCd,2026-11-01T10:00:00.000+0000,Success,198.51.100.20,"
        "Remote Access 2.0,OAuth Username-Password,Nightly Sync\n",
        encoding="utf-8",
    )
    env_file = tmp_path / "admin.env"

    def write_env(url: str) -> None:
        env_file.write_text(
            f"SF_ADMIN_ACCESS_TOKEN={EXPIRED}\nSF_ADMIN_INSTANCE_URL={url}\n", encoding="utf-8"
        )

    r = org_run(audit.run, [str(fixture)], before=write_env, env_file=str(env_file), fmt="json")
    assert r.status == 1, r.err
    assert "expired or invalid" in r.err and len(r.err.strip().splitlines()) == 1
    used = [s["path"] for s in r.doc["sources"] if s["rows"]]
    assert used == [str(fixture)]


def test_files_alone_ignore_admin_variables_in_the_environment(org_run, tmp_path) -> None:
    fixture = tmp_path / "LoginHistory.csv"
    fixture.write_text(
        "UserId,LoginTime,Status,SourceIp,LoginType\n"
        "0058d000001AbCd,2026-11-01T10:00:00.000+0000,Success,198.51.100.20,Application\n",
        encoding="utf-8",
    )
    r = org_run(audit.run, [str(fixture)], fmt="json")
    assert r.requests == []
    assert [s["path"] for s in r.doc["sources"]] == [str(fixture)]


def test_canary_never_shows(org_run, tmp_path: Path) -> None:
    reports = tuple(str(tmp_path / f"r.{ext}") for ext in ("json", "md", "html"))
    for fmt in ("console", "json"):
        r = org_run(audit.run, [], fmt=fmt, token=CANARY, reports=reports)
        assert r.status == 1, r.err
        for text in (r.out, r.err, *(Path(p).read_text(encoding="utf-8") for p in reports)):
            assert CANARY not in text and "AQCanaryAdminTokenValue" not in text


def test_files_and_an_admin_org_alias_find_the_cli_on_the_path(monkeypatch, tmp_path) -> None:
    """With files given, the CLI was looked up on an empty PATH (and would have run without
    HOME): `audit FILE --admin-org ALIAS` could not work. SF_ADMIN_* still ask for nothing."""
    import io

    from sfdoctor.check import admin_session
    from sfdoctor.commands import audit
    from sfdoctor.status import UsageError

    seen: dict[str, object] = {}

    def find_sf(environ: object) -> str:
        seen["environ"] = environ
        raise UsageError("stop here")

    monkeypatch.setattr(admin_session, "_find_sf", find_sf)
    export = tmp_path / "a.csv"
    export.write_text("Username,Login Time,Status\na@b.c,11/6/2024 1:00 AM,Success\n")
    environ = {
        "PATH": "/opt/sf/bin:/usr/bin",
        "HOME": "/home/me",
        "SF_ADMIN_ACCESS_TOKEN": "x" * 30,
        "SF_ADMIN_INSTANCE_URL": "https://a.my.salesforce.com",
    }
    with pytest.raises(UsageError, match="stop here"):
        audit.run([str(export)], admin_org="prod", environ=environ, stdout=io.StringIO(),
                  stderr=io.StringIO())  # fmt: skip
    got = seen["environ"]
    assert isinstance(got, dict) and got["PATH"] == "/opt/sf/bin:/usr/bin" and got["HOME"]
    assert "SF_ADMIN_ACCESS_TOKEN" not in got and "SF_ADMIN_INSTANCE_URL" not in got


class _Client:
    """An admin client listing ``n`` Event Log Files, each one small CSV."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.queries: list[str] = []
        self.downloads = 0

    def query(self, soql: str) -> object:
        from sfdoctor.probes.admin import Page

        self.queries.append(soql)
        records = tuple(
            {"Id": f"0AT{i:015d}", "EventType": "ApiTotalUsage", "LogDate": "2026-11-01T00:00:00Z"}
            for i in range(self.n)
        )
        return Page(records, self.n, 1, True)

    def log_file(self, log_id: str) -> object:
        from sfdoctor.probes.admin import LogFile

        self.downloads += 1
        return LogFile("EVENT_TYPE,USER_ID\nApiTotalUsage,005000000000001\n", False)


def test_the_org_read_takes_daily_files_and_at_most_a_years_worth() -> None:
    """Hourly files of the same days would count every call twice; 2,000 files once took
    2 GB and had no deadline."""
    from sfdoctor.commands.org_read import MAX_LOG_FILES, Org, event_log_files

    client = _Client(MAX_LOG_FILES + 34)
    org = Org(None, client, "acme.my.salesforce.com", 400)  # type: ignore[arg-type]
    sources, notes = event_log_files(org)
    assert "Interval = 'Daily'" in client.queries[0]
    assert len(sources) == client.downloads == MAX_LOG_FILES
    assert any("34 more Event Log Files" in n for n in notes)
