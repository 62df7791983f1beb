"""``triage`` reading the org's LoginHistory with an administrator's session.

Against the simulated org with an administrator and a few logins made first: the org's
triage equals the triage of the equivalent query export; paging; the failures of the admin
side (expired session, no permission, query timeout) are one line and exit 2; the admin
token only carries GETs and never shows.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sfdoctor.commands import triage
from sfdoctor.simulator.admin import VIEW_SETUP
from sfdoctor.status import UsageError
from tests.commands.admin_org import ADMIN_NAME, CANARY, EXPIRED, more_history, org_run, sf_cli

__all__ = ["org_run"]


def _file_triage(text: str, tmp_path: Path) -> dict:
    path = tmp_path / "LoginHistory.csv"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    triage.run(str(path), fmt="json", stdout=out)
    doc: dict = json.loads(out.getvalue())
    return doc


def test_org_triage_equals_the_export(org_run, tmp_path: Path) -> None:
    r = org_run(triage.run, None, fmt="json")
    assert r.status == 1, r.err
    doc = r.doc
    assert doc["source"] == "org: 127.0.0.1 LoginHistory (last 30 days)"
    assert doc["kind"] == "loginhistory_query"
    assert (doc["rows"], doc["successes"], doc["failures"]) == (6, 3, 3)
    assert doc["by_cause"] == {"invalid_credentials": 3}
    exported = _file_triage(r.export, tmp_path)
    for key in ("rows", "successes", "failures", "by_cause", "by_user", "by_source_ip"):
        assert doc[key] == exported[key], key


def test_org_triage_pages_through_next_records_url(org_run, tmp_path: Path) -> None:
    r = org_run(triage.run, None, fmt="json", change=lambda org: more_history(org, 450))
    assert r.status == 1, r.err
    assert r.doc["rows"] == 456
    pages = [u for m, u, _ in r.requests if "/query/01g" in u]
    assert len(pages) == 2  # 200 + 200 + 56: two nextRecordsUrl pages
    assert r.doc["by_cause"] == _file_triage(r.export, tmp_path)["by_cause"]


def test_org_triage_is_get_only_and_never_logs_in(org_run) -> None:
    r = org_run(triage.run, None, fmt="json")
    assert r.requests
    assert {m for m, _, _ in r.requests} == {"GET"}
    assert not any("oauth2/token" in u for _, u, _ in r.requests)
    assert all(admin for _, u, admin in r.requests if "/query" in u)


def test_expired_session_is_one_line_and_exit_2(org_run) -> None:
    r = org_run(triage.run, None, session=EXPIRED)
    assert r.status == 2
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and "expired or invalid" in lines[0], r.err
    assert EXPIRED not in r.err


def test_no_permission_is_one_line_and_exit_2(org_run, monkeypatch) -> None:
    # Before API 37.0 a LoginHistory query without the permission is INVALID_TYPE.
    def cli(url: str) -> None:
        sf_cli(monkeypatch, url, version="36.0")

    r = org_run(
        triage.run,
        None,
        permissions=frozenset({VIEW_SETUP}),
        variables=False,
        before=cli,
        admin_org="my-admin",
        token=CANARY,
    )
    assert r.status == 2
    assert "may not query LoginHistory" in r.err and "Monitor Login History" in r.err
    assert len(r.err.strip().splitlines()) == 1


def test_query_timeout_is_one_line_and_exit_2(org_run) -> None:
    r = org_run(triage.run, None, change=lambda org: setattr(org, "query_timeout", True))
    assert r.status == 2
    assert "timed the query out" in r.err


def test_neither_file_nor_admin_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--admin-org"):
        triage.run(None, environ={})


def test_file_and_admin_org_together_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not both"):
        triage.run(str(tmp_path / "x.csv"), admin_org="my-admin", environ={})


@pytest.mark.parametrize("anonymize", [False, True])
def test_canary_token_never_shows(org_run, monkeypatch, tmp_path: Path, anonymize) -> None:
    reports = tuple(str(tmp_path / f"r.{ext}") for ext in ("json", "md", "html"))
    for fmt in ("console", "json"):
        r = org_run(
            triage.run,
            None,
            fmt=fmt,
            token=CANARY,
            variables=False,
            before=lambda url: sf_cli(monkeypatch, url),
            admin_org="my-admin",
            reports=reports,
            anonymize=anonymize,
        )
        assert r.status == 1, r.err
        texts = [r.out, r.err, *(Path(p).read_text(encoding="utf-8") for p in reports)]
        for text in texts:
            assert CANARY not in text and "AQCanaryAdminTokenValue" not in text
            assert ADMIN_NAME not in text


def test_cli_triage_admin_variables(run, org_run, monkeypatch) -> None:
    from sfdoctor.cli import main

    def cli(*args, environ, stdout, stderr, color):  # the CLI with the variables set
        for k, v in environ.items():
            monkeypatch.setenv(k, v)
        return main(["triage", "--days", "7", "--format", "json"])

    r = org_run(cli)
    assert r.status == 1
    r2 = run("triage")
    assert r2.status == 2
