"""The audit's parts: the retirement table and its sources, the codes and labels of the
exports, the columns, the bounded tally, the judgement and the recipes."""

from __future__ import annotations

import io
import re
from datetime import date
from urllib.parse import urlsplit

import pytest

from sfdoctor.diagnosis.knowledge import load
from sfdoctor.diagnosis.retirements import BY_ID, RETIREMENTS
from sfdoctor.loginhistory.audit import recipes, tally
from sfdoctor.loginhistory.audit.codes import (
    API_TYPES,
    LOGIN_SUB_TYPES,
    LOGIN_TYPES,
    Way,
    api_type_label,
    login_type_label,
    login_way,
    subtype_label,
    subtype_way,
    version_number,
)
from sfdoctor.loginhistory.audit.columns import audit_layout, read_audit_header
from sfdoctor.loginhistory.audit.integration import Integration, failed
from sfdoctor.loginhistory.audit.summarize import hits_of, summarize
from sfdoctor.loginhistory.errors import InputError
from sfdoctor.loginhistory.layouts import Kind, layout_of

# --- the retirement table -------------------------------------------------------------------

TIMELINE_SOURCES = {
    # What research/timeline-2026.md cites for each date (KB article ids, the SOAP EOL page).
    "oauth_username_password_flow": "005461976",
    "soap_login": "005132110",
    "api_versions_31_40": "005321531",
    "api_versions_21_30": "api-eol-soap.html",
}


@pytest.mark.parametrize("retirement", RETIREMENTS, ids=lambda r: r.id)
def test_every_date_has_a_public_source(retirement) -> None:
    url = urlsplit(retirement.source)
    assert url.scheme == "https"
    assert url.hostname in ("help.salesforce.com", "developer.salesforce.com")
    assert TIMELINE_SOURCES[retirement.id] in retirement.source
    assert date.fromisoformat(retirement.date)


def test_the_table_is_the_documented_one() -> None:
    assert [r.id for r in RETIREMENTS] == list(BY_ID)
    assert set(BY_ID) == set(TIMELINE_SOURCES)
    assert [r.date for r in RETIREMENTS] == sorted(r.date for r in RETIREMENTS)
    assert BY_ID["oauth_username_password_flow"].date == "2027-02-20"
    assert not BY_ID["oauth_username_password_flow"].approximate


@pytest.mark.parametrize("retirement", RETIREMENTS, ids=lambda r: r.id)
def test_approximate_dates_say_so(retirement) -> None:
    if retirement.approximate:
        assert re.fullmatch(r"(Spring|Summer|Winter) '\d\d", retirement.release)
        assert retirement.when == f"{retirement.release} (about {retirement.date})"
        # the documented approximation: the second Saturday of June of a Summer release
        day = date.fromisoformat(retirement.date)
        assert day.month == 6 and day.weekday() == 5 and 8 <= day.day <= 14
    else:
        assert retirement.when == retirement.date


@pytest.mark.parametrize("retirement", RETIREMENTS, ids=lambda r: r.id)
def test_every_retirement_names_a_knowledge_base_entry(retirement) -> None:
    assert load().cause(retirement.cause)


def test_days_left() -> None:
    up = BY_ID["oauth_username_password_flow"]
    assert up.days_left(date(2026, 11, 30)) == 82
    assert up.days_left(date(2027, 2, 20)) == 0
    assert up.days_left(date(2027, 3, 1)) == -9


# --- codes and labels ---------------------------------------------------------------------


@pytest.mark.parametrize(("code", "label"), LOGIN_TYPES.items())
def test_login_type_code_and_label(code: str, label: str) -> None:
    assert login_type_label(code) == login_type_label(label) == label
    assert login_type_label(label.upper()) == label


@pytest.mark.parametrize(("code", "label"), API_TYPES.items())
def test_api_type_code_and_label(code: str, label: str) -> None:
    assert api_type_label(code) == api_type_label(label) == label


@pytest.mark.parametrize(("code", "label"), LOGIN_SUB_TYPES.items())
def test_subtype_code_and_label(code: str, label: str) -> None:
    assert subtype_label(code) == subtype_label(label) == label
    assert subtype_way(code) is subtype_way(label)


def test_case_matters_for_single_letter_codes() -> None:
    assert login_type_label("i") == "Remote Access 2.0"
    assert login_type_label("I") == "Other Apex API"
    assert login_type_label("Z") == "code Z"


@pytest.mark.parametrize("blank", ["", "N/A", "n/a", " ", "None", "-"])
def test_placeholders_are_blank(blank: str) -> None:
    assert login_type_label(blank) == api_type_label(blank) == subtype_label(blank) == ""
    assert subtype_way(blank) is None


@pytest.mark.parametrize(
    ("subtype", "way"),
    [
        ("oauthpassword", Way.PASSWORD),
        ("OAuth Username-Password", Way.PASSWORD),
        ("oauthclientcredential", Way.CLIENT_CREDENTIALS),
        ("OAuth Client Credentials", Way.CLIENT_CREDENTIALS),
        ("oauthjwtbearer", Way.JWT),
        ("OAuth JWT Bearer Token", Way.JWT),
        ("oauthcode", Way.WEB_SERVER),
        ("OAuth Web Server", Way.WEB_SERVER),
        ("oauthtoken", Way.USER_AGENT),
        ("oauthhybridtoken", Way.HYBRID),
        ("oauthrefreshtoken", Way.REFRESH),
        ("OAuth Device", Way.DEVICE),
        ("uiup", Way.INTERACTIVE),
        ("UI Username-Password", Way.INTERACTIVE),
        ("SAML Sp Initiated SSO", Way.INTERACTIVE),
        ("oauthsomethingnew", Way.OAUTH),
        ("unheard of", Way.OTHER),
    ],
)
def test_subtype_ways(subtype: str, way: Way) -> None:
    assert subtype_way(subtype) is way


@pytest.mark.parametrize(
    ("login_type", "subtype", "api_type", "way"),
    [
        ("Remote Access 2.0", "OAuth Username-Password", "", Way.PASSWORD),
        ("Remote Access 2.0", "", "", Way.OAUTH),
        ("Partner Product", "", "SOAP Partner", Way.SOAP_LOGIN),
        ("Other Apex API", "", "", Way.SOAP_LOGIN),
        ("", "", "SOAP Enterprise", Way.SOAP_LOGIN),
        ("Application", "", "", Way.INTERACTIVE),
        ("Application", "UI Username-Password", "", Way.INTERACTIVE),
        ("SAML Idp Initiated SSO", "", "", Way.INTERACTIVE),
        ("Something Else", "", "", Way.OTHER),
    ],
)
def test_login_ways(login_type: str, subtype: str, api_type: str, way: Way) -> None:
    assert login_way(login_type, subtype, api_type) is way


def test_every_way_has_a_label_and_a_check_flow() -> None:
    for way in Way:
        assert way.label and way.check_flow in ("jwt", "client-credentials")


@pytest.mark.parametrize(
    ("text", "number"),
    [("45.0", 45.0), ("v38.0", 38.0), ("62", 62.0), ("N/A", None), ("", None), ("9e99", None),
     ("x", None), ("0.5", None)],
)  # fmt: skip
def test_version_number(text: str, number: float | None) -> None:
    assert version_number(text) == number


# --- columns --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (["Username", "Login Time", "Login Type", "Login Subtype", "Status", "API Version"],
         Kind.SETUP),
        (["UserId", "LoginTime", "LoginType", "LoginSubType", "Status", "ApiType"], Kind.QUERY),
        (["USERID", "LOGINTIME", "LOGINTYPE", "STATUS"], Kind.QUERY),
        (["EVENT_TYPE", "USER_NAME", "LOGIN_TYPE", "LOGIN_SUB_TYPE", "LOGIN_STATUS"], Kind.ELF),
        (["EVENT_TYPE", "USER_ID", "API_FAMILY", "API_RESOURCE", "API_VERSION", "STATUS_CODE"],
         Kind.ELF_API),
    ],
)  # fmt: skip
def test_audit_layouts(header: list[str], kind: Kind) -> None:
    layout = audit_layout(header)
    assert layout is not None and layout.kind is kind


def test_api_total_usage_columns() -> None:
    header = ["USER_ID", "API_FAMILY", "API_VERSION", "API_RESOURCE", "CLIENT_NAME",
              "CONNECTED_APP_NAME", "CLIENT_IP", "STATUS_CODE", "TIMESTAMP_DERIVED"]  # fmt: skip
    layout = audit_layout(header)
    assert layout is not None
    assert {r: header[i] for r, i in layout.columns.items()} == {
        "user_id": "USER_ID",
        "api_type": "API_FAMILY",
        "api_version": "API_VERSION",
        "api_resource": "API_RESOURCE",
        "client_name": "CLIENT_NAME",
        "application": "CONNECTED_APP_NAME",
        "source_ip": "CLIENT_IP",
        "status": "STATUS_CODE",
        "time": "TIMESTAMP_DERIVED",
    }


def test_triage_never_takes_an_api_total_usage_file() -> None:
    assert layout_of(["USER_ID", "API_FAMILY", "API_RESOURCE", "STATUS_CODE"]) is None


def test_a_header_without_what_audit_needs() -> None:
    assert audit_layout(["Username", "Status", "Source IP"]) is None
    with pytest.raises(InputError, match="found columns: 'Username', 'Status'; needs"):
        read_audit_header(io.StringIO("Username,Status\nx,Success\n"), "f.csv")


def test_header_below_a_title_and_sep_line() -> None:
    text = "Login History report\n\nsep=;\nUsername;Login Type;Status\n"
    layout = read_audit_header(io.StringIO(text), "f.csv")
    assert layout.delimiter == ";" and layout.header_line == 4


# --- the tally: bounded, counting what it drops ------------------------------------------


def _feed(text: str) -> tally.AuditTally:
    t = tally.AuditTally()
    stream = io.StringIO(text)
    t.feed("f.csv", read_audit_header(stream, "f.csv"), stream)
    return t


def test_addresses_are_capped_and_counted(monkeypatch) -> None:
    monkeypatch.setattr(tally, "MAX_ADDRESSES", 3)
    rows = "".join(f"etl@x.example.com,oauthpassword,10.0.0.{i}\n" for i in range(10))
    t = _feed("Username,Login Subtype,Source IP\n" + rows)
    (integ,) = t.integrations.values()
    assert len(integ.ips) == 3 and integ.more_ips == 7 and integ.count == 10


def test_integrations_are_capped_and_counted(monkeypatch) -> None:
    monkeypatch.setattr(tally, "MAX_INTEGRATIONS", 2)
    rows = "".join(f"u{i}@x.example.com,oauthpassword\n" for i in range(5))
    t = _feed("Username,Login Subtype\n" + rows)
    assert len(t.integrations) == 2
    assert t.dropped_rows == 3 and t.dropped_keys == 3


def test_distinct_tuples_per_file_are_capped(monkeypatch) -> None:
    monkeypatch.setattr(tally, "MAX_KEYS", 2)
    rows = "".join(f"u@x.example.com,oauthpassword,{40 + i}.0\n" for i in range(5))
    t = _feed("Username,Login Subtype,API Version\n" + rows)
    (integ,) = t.integrations.values()
    assert integ.count == 2 and t.dropped_rows == 3


def test_people_are_counted_not_listed() -> None:
    rows = "".join(f"p{i}@x.example.com,Application,Success\n" for i in range(4))
    t = _feed("Username,Login Type,Status\n" + rows * 2)
    assert t.integrations == {} and t.interactive.count == 8 and len(t.people) == 4


def test_day_first_dates_are_learnt() -> None:
    rows = ("u@x.example.com,oauthpassword,03/11/2026 10:00\n"
            "u@x.example.com,oauthpassword,25/11/2026 10:00\n")  # fmt: skip
    t = _feed("Username,Login Subtype,Login Time\n" + rows)
    (integ,) = t.integrations.values()
    assert (integ.first[:10], integ.last[:10]) == ("2026-11-03", "2026-11-25")


@pytest.mark.parametrize(
    ("status", "expected"),
    [("Success", False), ("LOGIN_NO_ERROR", False), ("200", False), ("304", False), ("", False),
     ("Invalid Password", True), ("LOGIN_ERROR_INVALID_PASSWORD", True), ("500", True)],
)  # fmt: skip
def test_failed(status: str, expected: bool) -> None:
    assert failed(status) is expected


# --- judgement and recipes ------------------------------------------------------------------


def _integration(way: Way, *versions: float) -> Integration:
    i = Integration("u", "", "App", "", "", "", way, Kind.SETUP)
    i.versions = {f"{v:.1f}": v for v in versions}
    return i


@pytest.mark.parametrize(
    ("way", "versions", "ids"),
    [
        (Way.PASSWORD, (), ["oauth_username_password_flow"]),
        (Way.SOAP_LOGIN, (45.0,), ["soap_login"]),
        (Way.SOAP_LOGIN, (38.0,), ["soap_login", "api_versions_31_40"]),
        (Way.API_CALLS, (29.0, 62.0), ["api_versions_21_30"]),
        (Way.API_CALLS, (40.0, 41.0), ["api_versions_31_40"]),
        (Way.JWT, (62.0,), []),
        (Way.CLIENT_CREDENTIALS, (), []),
        (Way.WEB_SERVER, (), []),
        (Way.REFRESH, (), []),
    ],
)
def test_hits(way: Way, versions: tuple[float, ...], ids: list[str]) -> None:
    assert [r.id for r in hits_of(_integration(way, *versions))] == ids


def test_every_recipe_ends_with_the_check_that_proves_it() -> None:
    for steps in (
        recipes.password_flow("Acme ETL"),
        recipes.soap_login([45.0]),
        recipes.api_version([38.0], Way.CLIENT_CREDENTIALS),
        recipes.api_version([38.0], Way.API_CALLS),
    ):
        assert re.search(r"sfdoctor check --flow [a-z-]+( --api-version \d+\.0)?$", steps[-1])
    assert recipes.api_version([38.0], Way.CLIENT_CREDENTIALS)[-1].endswith(
        "--flow client-credentials --api-version 68.0"
    )


def test_the_password_recipe_covers_jwt_eca_and_client_credentials() -> None:
    text = " ".join(recipes.password_flow("Acme ETL"))
    assert "'Acme ETL'" in text
    assert "External Client Apps Manager > (app) > Edit Settings > OAuth Settings > " in text
    assert "Enable JWT Bearer Flow" in text and "Edit Policies" in text
    assert "Run As" in text and "API Only" in text


def test_soap_login_at_65_is_failing_now() -> None:
    assert recipes.soap_login([66.0])[0].startswith("Failing now")
    assert not recipes.soap_login([45.0])[0].startswith("Failing now")


def test_summary_of_nothing_is_ok() -> None:
    s = summarize(tally.AuditTally(), as_of=date(2026, 11, 30))
    assert s.exit_status() == 0 and s.integrations == () and len(s.deadlines) == len(RETIREMENTS)


def test_long_cells_are_kept_by_their_first_part() -> None:
    long = "A" * 5000
    rows = f"u@x.example.com,oauthpassword,{long},{'9' * 300}\n" * 3
    t = _feed("Username,Login Subtype,Application,Source IP\n" + rows)
    (integ,) = t.integrations.values()
    assert integ.count == 3 and len(integ.application) == tally.MAX_VALUE
    assert [len(ip) for ip in integ.ips] == [100] and integ.ips[next(iter(integ.ips))] == 3
