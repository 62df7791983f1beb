"""``explain`` reads the retirement table: the dates and days left of a cause that is being
retired, in console and JSON, for ``--cause ID`` and for a pasted text; and the knowledge base
and the radar's JWT recipe say what the 2026 timeline says."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from sfdoctor.check.radar import jwt_recipe
from sfdoctor.diagnosis import retirements
from sfdoctor.diagnosis.explain import retirements_document
from sfdoctor.diagnosis.knowledge import load

AS_OF = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retirements, "today", lambda: AS_OF)


@pytest.mark.parametrize(
    ("cause", "ids"),
    [
        ("password_flow_disabled", ["oauth_username_password_flow"]),
        ("soap_login_disabled", ["soap_login"]),
        ("api_version_retired", ["api_versions_21_30", "api_versions_31_40"]),
    ],
)
def test_cause_json_lists_its_retirements(run, cause: str, ids: list[str]) -> None:
    result = run("explain", "--cause", cause, "--format", "json")
    doc = json.loads(result.out)
    entry = doc if "retirements" in doc else doc["causes"][0]
    got = entry["retirements"]
    assert [r["id"] for r in got] == ids
    for r in got:
        table = retirements.BY_ID[r["id"]]
        assert r["date"] == table.date
        assert r["title"] == table.title
        assert r["source"] == table.source
        assert r["days_left"] == table.days_left(AS_OF)


def test_password_flow_days_left_counted_from_today() -> None:
    (doc,) = retirements_document("password_flow_disabled")
    assert doc["date"] == "2027-02-20"
    assert doc["days_left"] == 82
    assert doc["approximate"] is False


def test_a_cause_nothing_retires_has_no_key(run) -> None:
    assert retirements_document("jwt_assertion_invalid") == []
    doc = json.loads(run("explain", "--cause", "jwt_assertion_invalid", "--format", "json").out)
    assert "retirements" not in json.dumps(doc)


def test_cause_console_shows_date_and_days_left(run) -> None:
    out = " ".join(run("explain", "--cause", "password_flow_disabled").out.split())
    assert "Retirement:" in out
    assert "2027-02-20" in out
    assert "82 days left" in out
    assert "005461976" in out
    out = run("explain", "--cause", "api_version_retired").out
    assert "passed" in out and "days ago" in out


def test_pasted_text_carries_the_retirement(run) -> None:
    result = run("explain", "Username-Password Flow Disabled", "--format", "json")
    match = json.loads(result.out)["matches"][0]
    assert match["cause"] == "password_flow_disabled"
    assert match["retirements"][0]["days_left"] == 82
    console = " ".join(run("explain", "Username-Password Flow Disabled").out.split())
    assert "82 days left" in console


def test_knowledge_base_is_current() -> None:
    kb = load()
    pw = kb.cause("password_flow_disabled")
    text = " ".join([pw.meaning, pw.why, *pw.remediation])
    assert "2027-02-20" in text and "KB 005461976" in text and "no extension" in text
    assert "External Client Apps Manager" in text and "Enable JWT Bearer Flow" in text
    assert "Admin approved users are pre-authorized" in text
    assert "never support" in text
    tls = kb.cause("tls_verification_failed")
    assert "DigiCert Global Root G2" in " ".join(tls.remediation)
    assert "2026-02-05" in " ".join(tls.remediation)
    soap = kb.cause("soap_login_disabled")
    assert "Use Any API Auth" in soap.why and "Summer '26" in soap.why
    for entry in (pw, tls, soap):
        assert all(r.startswith("https://") for r in entry.references)


def test_radar_jwt_recipe_covers_external_client_apps() -> None:
    text = " ".join(jwt_recipe("https://login.salesforce.com"))
    assert "External Client Apps Manager" in text
    assert "Enable JWT Bearer Flow" in text
    assert "Admin approved users are pre-authorized" in text
