"""``sfdoctor audit`` end to end, in-process: every export kind in label and code form, each
retirement, the countdown, gzip and standard input, mixed and bad inputs, the JSON schema,
exit codes, hostile text, reports and the demo audit."""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import sys
import zlib
from datetime import datetime, timedelta

import pytest

from sfdoctor.output.paths import ReportFormat
from sfdoctor.status import ExitStatus

SETUP = ["Username", "Login Time", "Source IP", "Login Type", "Login Subtype", "Status",
         "Browser", "Application", "API Type", "API Version", "Login URL"]  # fmt: skip
QUERY = ["UserId", "LoginTime", "SourceIp", "LoginType", "LoginSubType", "Status",
         "Application", "ApiType", "ApiVersion"]  # fmt: skip
ELF = ["EVENT_TYPE", "TIMESTAMP", "USER_ID", "USER_NAME", "LOGIN_TYPE", "LOGIN_SUB_TYPE",
       "API_TYPE", "API_VERSION", "USE_API_TOKEN", "LOGIN_STATUS", "SOURCE_IP",
       "TIMESTAMP_DERIVED", "SESSION_KEY"]  # fmt: skip
API = ["EVENT_TYPE", "TIMESTAMP", "USER_ID", "API_FAMILY", "API_VERSION", "API_RESOURCE",
       "CLIENT_NAME", "CONNECTED_APP_NAME", "CLIENT_IP", "STATUS_CODE",
       "TIMESTAMP_DERIVED"]  # fmt: skip

UP = "oauth_username_password_flow"
SOAP = "soap_login"
V31 = "api_versions_31_40"
V21 = "api_versions_21_30"

# name: (user, application, (login type, subtype, API type) as labels, the same as codes,
#        API version, expected retirements)
SPECS = {
    "up": ("etl@acme.example.com", "Acme ETL", ("Remote Access 2.0", "OAuth Username-Password",
           "N/A"), ("i", "oauthpassword", ""), "N/A", [UP]),
    "soap": ("partner@acme.example.com", "Partner Sync", ("Partner Product", "", "SOAP Partner"),
             ("R", "", "P"), "45.0", [SOAP]),
    "soap_38": ("legacy@acme.example.com", "Legacy Sync", ("Other Apex API", "",
                "SOAP Enterprise"), ("I", "", "E"), "38.0", [SOAP, V31]),
    "soap_28": ("ancient@acme.example.com", "Ancient Sync", ("Other Apex API", "",
                "SOAP Enterprise"), ("I", "", "E"), "28.0", [V21, SOAP]),
    "jwt": ("billing@acme.example.com", "Acme Billing", ("Remote Access 2.0", "OAuth JWT Bearer",
            "N/A"), ("i", "oauthjwtbearer", ""), "N/A", []),
    "cc": ("reporting@acme.example.com", "Acme Reporting", ("Remote Access 2.0",
           "OAuth Client Credentials", "N/A"), ("i", "oauthclientcredential", ""), "N/A", []),
    "web": ("sync@acme.example.com", "Acme Web", ("Remote Access 2.0", "OAuth Web Server",
            "N/A"), ("i", "oauthcode", ""), "N/A", []),
    "refresh": ("mobile@acme.example.com", "Acme Mobile", ("Remote Access 2.0",
                "OAuth Refresh Token", "N/A"), ("i", "oauthrefreshtoken", ""), "N/A", []),
}  # fmt: skip
PERSON = ("ada@acme.example.com", "Browser", ("Application", "UI Username-Password", "N/A"),
          ("A", "uiup", ""), "N/A")  # fmt: skip
START = datetime(2026, 11, 2, 9, 0, 0)
PER = 5
"""Rows per integration; the last one of each fails."""


def uid(user: str) -> str:
    return "005" + f"{zlib.crc32(user.encode()):012d}"


def to_csv(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def login_rows(kind: str, specs: dict = SPECS, person: bool = True) -> str:
    """Every spec (and a person) as a ``kind`` login export: labels for setup and query,
    codes for elf."""
    items = [(user, app, labels, codes, ver) for user, app, labels, codes, ver, _ in
             specs.values()] + ([PERSON] if person else [])  # fmt: skip
    rows: list[list[str]] = []
    for n, (user, app, labels, codes, ver) in enumerate(items):
        for k in range(PER):
            when = START + timedelta(days=k, minutes=n)
            ip = f"198.51.100.{n}"
            ok = k < PER - 1
            if kind == "setup":
                lt, st, at = labels
                stamp = f"{when.month}/{when.day}/{when.year} {when:%I:%M:%S %p}"
                status = "Success" if ok else "Invalid Password"
                rows.append([user, stamp, ip, lt, st, status, "Unknown", app, at, ver,
                             "https://acme.my.salesforce.com"])  # fmt: skip
            elif kind == "query":
                lt, st, at = labels
                rows.append([uid(user), f"{when:%Y-%m-%dT%H:%M:%S}.000+0000", ip, lt, st,
                             "Success" if ok else "Invalid Password", app, at, ver])  # fmt: skip
            else:
                lt, st, at = codes
                rows.append(["Login", f"{when:%Y%m%d%H%M%S}.000", uid(user)[:15], user, lt, st,
                             at, "" if ver == "N/A" else ver, "P",
                             "LOGIN_NO_ERROR" if ok else "LOGIN_ERROR_INVALID_PASSWORD", ip,
                             f"{when:%Y-%m-%dT%H:%M:%S}.000Z", ""])  # fmt: skip
    return to_csv({"setup": SETUP, "query": QUERY, "elf": ELF}[kind], rows)


# (user, family, version, resource, app, expected)
CALLS = [
    ("partner@acme.example.com", "SOAP", "45.0", "login", "Partner Sync", [SOAP]),
    ("reports@acme.example.com", "REST", "38.0", "query", "Acme Reports", [V31]),
    ("billing@acme.example.com", "REST", "62.0", "sobjects", "Acme Billing", []),
    ("old@acme.example.com", "REST", "29.0", "query", "Old Tool", [V21]),
]


def api_rows(calls: list = CALLS) -> str:
    rows = []
    for n, (user, family, ver, resource, app, _) in enumerate(calls):
        for k in range(PER):
            when = START + timedelta(days=k, minutes=n)
            rows.append(["ApiTotalUsage", f"{when:%Y%m%d%H%M%S}.000", uid(user)[:15], family,
                         ver, resource, f"{app}/1.0", app, f"203.0.113.{n}",
                         "200" if k < PER - 1 else "500",
                         f"{when:%Y-%m-%dT%H:%M:%S}.000Z"])  # fmt: skip
    return to_csv(API, rows)


def write(tmp_path, text: str | bytes, name: str = "export.csv") -> str:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8", newline="")
    else:
        path.write_bytes(text)
    return str(path)


def audit_json(run, *args: str, stdin: str | None = None) -> tuple[int, dict, str]:
    r = run("audit", *args, "--format", "json", "--as-of", "2026-11-30", stdin=stdin)
    assert "Traceback" not in r.err, r.err
    return r.status, json.loads(r.out), r.err


def by_user(doc: dict) -> dict[str, dict]:
    return {i["user"]: i for i in doc["integrations"]}


# --- each kind of export, labels and codes ------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "label"),
    [("setup", "setup_login_history"), ("query", "loginhistory_query"), ("elf", "elf_login")],
)
def test_each_login_export_kind(run, tmp_path, kind: str, label: str) -> None:
    status, doc, _ = audit_json(run, write(tmp_path, login_rows(kind)))
    assert status == ExitStatus.PROBLEM
    assert doc["sources"] == [{"path": doc["sources"][0]["path"], "kind": label,
                               "rows": PER * (len(SPECS) + 1), "skipped": 0}]  # fmt: skip
    found = by_user(doc)
    assert len(found) == len(SPECS)  # the person is not an integration
    for user, app, _, _, ver, expected in SPECS.values():
        integ = found[uid(user) if kind == "query" else user]
        assert [h["id"] for h in integ["retirements"]] == expected, user
        assert integ["application"] == (None if kind == "elf" else app)  # ELF Login has none
        assert integ["count"] == PER and integ["failures"] == 1
        assert integ["first_seen"] == "2026-11-02" and integ["last_seen"] == "2026-11-06"
        assert integ["api_versions"] == ([] if ver == "N/A" else [ver])
        assert len(integ["source_ips"]) == 1
        assert bool(integ["remediation"]) is bool(expected)


def test_labels_and_codes_are_one_vocabulary(run, tmp_path) -> None:
    _, setup, _ = audit_json(run, write(tmp_path, login_rows("setup"), "s.csv"))
    _, elf, _ = audit_json(run, write(tmp_path, login_rows("elf"), "e.csv"))
    keys = ("login_type", "api_type", "api_versions")
    for user, integ in by_user(setup).items():
        assert {k: integ[k] for k in keys} == {k: by_user(elf)[user][k] for k in keys}, user
    assert by_user(elf)["etl@acme.example.com"]["login_subtype"] == "OAuth Username-Password"
    assert by_user(elf)["partner@acme.example.com"]["api_type"] == "SOAP Partner"


def test_the_same_integration_in_a_download_and_an_event_log_file_is_one(run, tmp_path) -> None:
    _, doc, _ = audit_json(
        run, write(tmp_path, login_rows("setup"), "s.csv"), write(tmp_path, login_rows("elf"))
    )
    integ = by_user(doc)["etl@acme.example.com"]
    assert len(doc["integrations"]) == len(SPECS)
    assert integ["count"] == 2 * PER and integ["failures"] == 2
    assert integ["application"] == "Acme ETL"  # the Event Log File has no application
    assert integ["user_id"] == uid("etl@acme.example.com")[:15]


def test_api_total_usage(run, tmp_path) -> None:
    status, doc, _ = audit_json(run, write(tmp_path, api_rows()))
    assert status == ExitStatus.PROBLEM
    assert doc["sources"][0]["kind"] == "elf_api_total_usage"
    found = {i["application"]: i for i in doc["integrations"]}
    for user, family, ver, _, app, expected in CALLS:
        integ = found[app]
        assert [h["id"] for h in integ["retirements"]] == expected, app
        assert integ["api_type"] == family and integ["api_versions"] == [ver]
        assert integ["user_id"] == uid(user)[:15] and integ["user"] == uid(user)[:15]
        assert integ["count"] == PER and integ["failures"] == 1


def test_api_usage_user_ids_are_named_from_a_login_event_log_file(run, tmp_path) -> None:
    _, doc, _ = audit_json(run, write(tmp_path, api_rows(), "a.csv"),
                           write(tmp_path, login_rows("elf"), "l.csv"))  # fmt: skip
    partner = [i for i in doc["integrations"] if i["application"] == "Partner Sync"]
    assert {i["user"] for i in partner} == {"partner@acme.example.com"}


def test_soap_login_is_a_login_resource_on_the_soap_family(run, tmp_path) -> None:
    calls = [("p@acme.example.com", "SOAP", "45.0", "query", "Soap Client", [])]
    _, doc, _ = audit_json(run, write(tmp_path, api_rows(calls)))
    assert doc["integrations"][0]["retirements"] == []  # SOAP calls, no login(): fine
    calls.append(("p@acme.example.com", "SOAP", "45.0", "login", "Soap Client", []))
    _, doc, _ = audit_json(run, write(tmp_path, api_rows(calls)))
    assert [h["id"] for h in doc["integrations"][0]["retirements"]] == [SOAP]
    assert doc["integrations"][0]["count"] == 2 * PER


def test_soap_login_at_65_or_later_fails_now(run, tmp_path) -> None:
    specs = {"s": ("new@acme.example.com", "New Sync", ("Other Apex API", "", "SOAP Partner"),
                   ("I", "", "P"), "66.0", [SOAP])}  # fmt: skip
    path = write(tmp_path, login_rows("setup", specs, person=False))
    _, doc, _ = audit_json(run, path)
    assert doc["integrations"][0]["remediation"][0].startswith("Failing now")
    r = run("audit", path, "--as-of", "2026-11-30")
    assert "failing now (SOAP login() at API 65.0 or later)" in r.out


def test_failing_now_names_the_retirement_that_passed(run, tmp_path) -> None:
    """A SOAP login at API 29.0 fails because 21.0-30.0 are retired, not because of 65.0."""
    path = tmp_path / "soap29.csv"
    path.write_text(
        "Username,Login Time,Source IP,Login Type,Login Subtype,Status,Application,API Type,"
        "API Version\npartner@acme.com,11/24/2026 03:00:00 AM,198.51.100.20,Partner Product,,"
        "Success,Globex Sync,SOAP Partner,29.0\n",
        encoding="utf-8",
    )
    out = run("audit", str(path), "--as-of", "2026-12-01").out
    assert "failing now" in out and "65.0" not in out.split("failing now", 1)[1].split("\n")[0]
    assert "failing now (API 30.0 and older: retired)" in " ".join(out.split())


_REFUSED = "Username-Password Flow Disabled"


def _up_rows(statuses: list[str], *, times: bool = True) -> str:
    """One username-password integration's Setup download, a login a day, these statuses."""
    header = [h for h in SETUP if times or h != "Login Time"]
    rows = []
    for n, status in enumerate(statuses):
        row = {"Username": "etl@acme.example.com", "Source IP": "198.51.100.7",
               "Login Type": "Remote Access 2.0", "Login Subtype": "OAuth Username-Password",
               "Status": status, "Browser": "Unknown", "Application": "Acme ETL",
               "API Type": "N/A", "API Version": "N/A",
               "Login URL": "login.salesforce.com",
               "Login Time": f"11/{20 + n:02d}/2026 03:00:00 AM"}  # fmt: skip
        rows.append([row[h] for h in header])
    return to_csv(header, rows)


def test_flow_refused_now_is_already_failing(run, tmp_path) -> None:
    """Its last logins were refused "Username-Password Flow Disabled": the org blocks the
    flow already, so the integration fails now, not on 2027-02-20."""
    path = write(tmp_path, _up_rows(["Success", "Success", _REFUSED, _REFUSED]))
    _, doc, _ = audit_json(run, path)
    steps = by_user(doc)["etl@acme.example.com"]["remediation"]
    assert steps[0].startswith("Failing now: the org refuses the username-password flow")
    assert "2 logins, the last on 2026-11-23" in steps[0]
    out = " ".join(run("audit", path, "--as-of", "2026-11-30").out.split())
    assert "1 of 1 integration will break: 1 already failing" in out
    assert "failing now (the org refuses the username-password flow" in out


def test_flow_refused_then_allowed_again_is_not_failing_now(run, tmp_path) -> None:
    """Refused once, then logins went through: the flow was allowed again; the integration
    breaks on the retirement date, and the earlier refusals are said."""
    path = write(tmp_path, _up_rows([_REFUSED, "Success", "Success"]))
    _, doc, _ = audit_json(run, path)
    steps = by_user(doc)["etl@acme.example.com"]["remediation"]
    assert steps[0].startswith("Refused before: 1 login, the last on 2026-11-20")
    out = " ".join(run("audit", path, "--as-of", "2026-11-30").out.split())
    assert "already failing" not in out and "failing now" not in out
    assert "1 of 1 integration will break: 1 on 2027-02-20" in out


@pytest.mark.parametrize(
    ("statuses", "now"),
    [([_REFUSED, _REFUSED], True), ([_REFUSED, "Success"], False)],
)
def test_flow_refused_without_times_needs_every_row(run, tmp_path, statuses, now) -> None:
    """No time column: which came last is unknown, so only an integration refused on every
    row is failing now."""
    path = write(tmp_path, _up_rows(statuses, times=False))
    _, doc, _ = audit_json(run, path)
    first = by_user(doc)["etl@acme.example.com"]["remediation"][0]
    assert first.startswith("Failing now") is now
    assert first.startswith("Refused before") is not now


# --- the countdown ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "days"),
    [("2026-11-30", 82), ("2027-02-19", 1), ("2027-02-20", 0), ("2027-03-01", -9)],
)
def test_countdown_as_of(run, tmp_path, as_of: str, days: int) -> None:
    path = write(tmp_path, login_rows("setup"))
    r = run("audit", path, "--format", "json", "--as-of", as_of)
    doc = json.loads(r.out)
    assert doc["as_of"] == as_of
    up = {d["id"]: d for d in doc["retirements"]}[UP]
    assert up["days_left"] == days and up["integrations"] == 1
    hit = by_user(doc)["etl@acme.example.com"]["retirements"][0]
    assert hit == {"id": UP, "date": "2027-02-20", "title": up["title"], "days_left": days}


def test_the_retirement_table_in_the_json(run, tmp_path) -> None:
    _, doc, _ = audit_json(run, write(tmp_path, login_rows("setup")))
    assert [d["id"] for d in doc["retirements"]] == [V21, UP, SOAP, V31]
    counts = {d["id"]: d["integrations"] for d in doc["retirements"]}
    assert counts == {V21: 1, UP: 1, SOAP: 3, V31: 1}
    days = {d["id"]: d["days_left"] for d in doc["retirements"]}
    assert days[V21] < 0 < days[UP] < days[SOAP] == days[V31]


def test_default_as_of_is_today(run, tmp_path) -> None:
    from datetime import UTC

    r = run("audit", write(tmp_path, login_rows("setup")), "--format", "json")
    assert json.loads(r.out)["as_of"] == datetime.now(UTC).date().isoformat()


def test_a_bad_as_of_is_a_usage_error(run, tmp_path) -> None:
    r = run("audit", write(tmp_path, login_rows("setup")), "--as-of", "30/11/2026")
    assert r.status == ExitStatus.USAGE and "YYYY-MM-DD" in r.err


# --- gzip, standard input, mixed inputs -----------------------------------------------------


def test_gzip(run, tmp_path) -> None:
    path = write(tmp_path, gzip.compress(login_rows("elf").encode()), "Login.csv.gz")
    _, doc, _ = audit_json(run, path)
    assert len(doc["integrations"]) == len(SPECS)


def test_standard_input(run) -> None:
    status, doc, _ = audit_json(run, "-", stdin=login_rows("query"))
    assert status == ExitStatus.PROBLEM
    assert doc["sources"][0]["path"] == "standard input"


def test_standard_input_bytes_gzip(run, monkeypatch) -> None:
    data = gzip.compress(api_rows().encode("utf-8"))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    _, doc, _ = audit_json(run, "-")
    assert doc["sources"][0]["kind"] == "elf_api_total_usage"


def test_standard_input_once_only(run) -> None:
    r = run("audit", "-", "-", stdin=login_rows("setup"))
    assert r.status == ExitStatus.USAGE and "once" in r.err


def test_mixed_inputs(run, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(login_rows("query")))
    paths = [write(tmp_path, login_rows("setup"), "s.csv"),
             write(tmp_path, gzip.compress(login_rows("elf").encode()), "e.csv.gz"),
             write(tmp_path, api_rows(), "a.csv"), "-"]  # fmt: skip
    status, doc, _ = audit_json(run, *paths)
    assert status == ExitStatus.PROBLEM
    kinds = ["setup_login_history", "elf_login", "elf_api_total_usage", "loginhistory_query"]
    assert [s["kind"] for s in doc["sources"]] == kinds
    assert sum(s["rows"] for s in doc["sources"]) == 3 * PER * (len(SPECS) + 1) + PER * len(CALLS)


# --- bad input: a clear message or a skipped count, never a traceback -----------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV file"),
        (b'{"records": []}', "looks like JSON"),
        (b"<html><body>Login</body></html>", "looks like HTML"),
        (b"Username,Status,Source IP\nx,Success,1.2.3.4\n", "found columns: 'Username', 'Status'"),
        (b"Username,API Type\n", "no rows after the header"),
        (b"Username,Login Type,Status\nonly-one\nanother\n", "none of the 2 rows"),
    ],
)
def test_nothing_usable_exits_2(run, tmp_path, data: bytes, message: str) -> None:
    r = run("audit", write(tmp_path, data))
    assert r.status == ExitStatus.USAGE == 2
    assert message in r.err
    assert "Traceback" not in r.err and r.out == ""


def test_no_needed_column_says_what_is_needed(run, tmp_path) -> None:
    r = run("audit", write(tmp_path, b"Username,Status\nx,Success\n"))
    assert r.status == ExitStatus.USAGE
    assert "found columns: 'Username', 'Status'" in r.err
    assert "LOGIN_SUB_TYPE" in r.err and "API_FAMILY" in r.err and "Login Subtype" in r.err


def test_every_file_unusable(run, tmp_path) -> None:
    r = run("audit", write(tmp_path, b"a,b\n1,2\n", "x.csv"), str(tmp_path / "nope.csv"))
    assert r.status == ExitStatus.USAGE
    assert "none of the 2 files is usable" in r.err and "no such file" in r.err


def test_an_unusable_file_among_usable_ones_is_listed(run, tmp_path) -> None:
    good = write(tmp_path, login_rows("setup"), "good.csv")
    bad = write(tmp_path, b"Name,Email\nx,y\n", "bad.csv")
    status, doc, err = audit_json(run, good, bad)
    assert status == ExitStatus.PROBLEM
    assert doc["sources"][1] == {"path": bad, "kind": None, "rows": 0, "skipped": 0}
    assert "bad.csv not used" in err
    r = run("audit", good, bad, "--as-of", "2026-11-30")
    assert "not used" in r.out


def test_unknown_columns_are_ignored_and_malformed_rows_skipped(run, tmp_path) -> None:
    text = login_rows("setup").replace("Login URL", "Something New", 1)
    text += "short,row\r\n" + '"unclosed,quote\r\n'
    status, doc, _ = audit_json(run, write(tmp_path, text))
    assert status == ExitStatus.PROBLEM
    assert doc["sources"][0]["skipped"] >= 1
    assert sum(i["count"] for i in doc["integrations"]) == PER * len(SPECS)


def test_missing_optional_columns(run, tmp_path) -> None:
    text = to_csv(["Username", "Login Subtype"], [["etl@acme.example.com", "oauthpassword"]] * 3)
    _, doc, _ = audit_json(run, write(tmp_path, text))
    integ = doc["integrations"][0]
    assert integ["count"] == 3 and integ["failures"] == 0
    assert integ["first_seen"] is None and integ["source_ips"] == []


def test_oauth_without_a_subtype_is_noted(run, tmp_path) -> None:
    text = to_csv(["Username", "Login Type", "Status"], [["a@x.example.com", "Remote Access 2.0",
                                                         "Success"]])  # fmt: skip
    r = run("audit", write(tmp_path, text), "--as-of", "2026-11-30")
    assert r.status == ExitStatus.OK
    assert "without a login subtype" in r.out


# --- the JSON schema and exit codes ---------------------------------------------------------


def test_json_schema_keys_exactly(run, tmp_path) -> None:
    _, doc, _ = audit_json(run, write(tmp_path, login_rows("setup")))
    assert list(doc) == ["schema", "as_of", "sources", "integrations", "retirements"]
    assert doc["schema"] == "sfdoctor.audit/1"
    assert set(doc["sources"][0]) == {"path", "kind", "rows", "skipped"}
    integration_keys = {"user", "user_id", "application", "login_type", "login_subtype",
                        "api_type", "api_versions", "source_ips", "count", "failures",
                        "first_seen", "last_seen", "retirements", "remediation"}  # fmt: skip
    for integ in doc["integrations"]:
        assert set(integ) == integration_keys
        for hit in integ["retirements"]:
            assert set(hit) == {"id", "date", "title", "days_left"}
    for d in doc["retirements"]:
        assert set(d) == {"id", "date", "title", "days_left", "integrations"}


def test_exit_0_when_nothing_is_affected(run, tmp_path) -> None:
    specs = {k: SPECS[k] for k in ("jwt", "cc", "web", "refresh")}
    r = run("audit", write(tmp_path, login_rows("setup", specs)), "--as-of", "2026-11-30")
    assert r.status == ExitStatus.OK == 0
    assert r.out.rstrip().splitlines()[-1].startswith("OK: none of 4 integrations")


def test_exit_1_when_an_integration_is_affected(run, tmp_path) -> None:
    r = run("audit", write(tmp_path, login_rows("setup")), "--as-of", "2026-11-30")
    assert r.status == ExitStatus.PROBLEM == 1
    verdict = r.out.rstrip().splitlines()[-1]
    assert verdict == (
        "FAIL: 4 of 8 integrations will break: 1 already failing, 1 on 2027-02-20 (82 days), "
        "2 in Summer '27 (about 2027-06-12, 194 days)"
    )


# --- the console report ------------------------------------------------------------------------


def test_console_report(run, tmp_path) -> None:
    r = run("audit", write(tmp_path, login_rows("setup")), "--as-of", "2026-11-30")
    out = r.out
    assert "Countdown (as of 2026-11-30)" in out
    assert "username-password flow: 2027-02-20, 82 days left" in out
    assert "SOAP login(): Summer '27 (about 2027-06-12), 194 days left" in out
    assert "API 30.0 and older" in out and "passed" in out
    assert out.index("API 30.0 and older:") < out.index("username-password flow:")
    assert "sfdoctor check --flow jwt" in out
    assert "sfdoctor explain --cause password_flow_disabled" in out
    assert "Top 8 integrations by volume" in out
    assert "5 interactive logins by 1 person" in out


def test_top_limits_the_console_tables(run, tmp_path) -> None:
    r = run("audit", write(tmp_path, login_rows("setup")), "--as-of", "2026-11-30", "--top", "1")
    assert "and 2 more: every one is in --format json" in r.out
    assert "Top 1 integration by volume" in r.out


# --- hostile text, secrets, anonymize, reports ----------------------------------------------

HOSTILE = "[bold red]pwned[/] [link=https://evil.example]x[/link] \x1b[31mred\x1b[0m \u202eabc"
SESSION = "00D5g000004CANRY!AQ4AQCanarySessionSecret"


def hostile_csv() -> str:
    return to_csv(SETUP, [[f"{HOSTILE}@acme.example.com", "11/2/2026 9:00:00 AM", "198.51.100.1",
                           "Remote Access 2.0", "OAuth Username-Password", "Success", "x",
                           f"{HOSTILE} {SESSION}", "N/A", "N/A", ""]])  # fmt: skip


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_hostile_text_is_never_markup_nor_a_control(run, tmp_path, fmt: str) -> None:
    r = run("audit", write(tmp_path, hostile_csv()), "--format", fmt, "--as-of", "2026-11-30")
    assert r.status == ExitStatus.PROBLEM
    assert "\x1b" not in r.out and "\u202e" not in r.out
    assert "CanarySessionSecret" not in r.out + r.err
    if fmt == "console":
        assert "[bold red]pwned[/]" in r.out and "[link=https://evil.example]" in r.out
    else:
        assert "[bold red]pwned[/]" in json.loads(r.out)["integrations"][0]["application"]


def test_the_stacked_tables_are_as_safe_as_the_wide_ones(run, tmp_path, monkeypatch) -> None:
    # At 60 columns every table is printed stacked: the same cells, another renderer.
    monkeypatch.setenv("COLUMNS", "60")
    r = run("audit", write(tmp_path, hostile_csv()), "--as-of", "2026-11-30")
    assert "hits: " in r.out  # the stacked form was the one printed
    assert "\x1b" not in r.out and "\u202e" not in r.out
    assert "CanarySessionSecret" not in r.out + r.err
    assert "pwned" in r.out and "evil.example" in r.out  # shown as text, not dropped


def test_hostile_text_in_every_report(run, tmp_path) -> None:
    args = [a for f in ReportFormat for a in ("--report", str(tmp_path / f"r.{f.value}"))]
    r = run("audit", write(tmp_path, hostile_csv()), "--as-of", "2026-11-30", *args)
    assert r.status == ExitStatus.PROBLEM
    for f in ReportFormat:
        text = (tmp_path / f"r.{f.value}").read_text(encoding="utf-8")
        assert "CanarySessionSecret" not in text, f
        assert "\x1b" not in text, f
        if f in (ReportFormat.HTML, ReportFormat.SVG):
            assert 'href="https://evil.example' not in text
            assert "pwned" in html.unescape(text).replace("\u00a0", " ")


def test_report_files(run, tmp_path) -> None:
    args = [a for f in ReportFormat for a in ("--report", str(tmp_path / f"r.{f.value}"))]
    r = run("audit", write(tmp_path, login_rows("setup")), "--as-of", "2026-11-30", *args)
    assert r.status == ExitStatus.PROBLEM
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert doc["schema"] == "sfdoctor.audit/1" and doc["report"]["title"] == "sfdoctor audit report"
    page = html.unescape((tmp_path / "r.html").read_text(encoding="utf-8")).replace("\u00a0", " ")
    assert "etl@acme.example.com" in page and "2027-02-20" in page
    assert "<failure" in (tmp_path / "r.xml").read_text(encoding="utf-8")


def test_anonymize(run, tmp_path) -> None:
    r = run("audit", write(tmp_path, login_rows("setup")), "--format", "json", "--anonymize",
            "--as-of", "2026-11-30")  # fmt: skip
    assert "acme" not in r.out  # (documentation addresses, 198.51.100.x, are kept as they are)
    assert len(json.loads(r.out)["integrations"]) == len(SPECS)


def test_anonymize_reaches_the_report_cards(run, tmp_path) -> None:
    """The HTML and SVG cards (who to move first, each affected integration) are read from
    the anonymized document: no user name comes through."""
    html_path, svg_path = tmp_path / "r.html", tmp_path / "r.svg"
    run("audit", write(tmp_path, login_rows("setup")), "--anonymize", "--as-of", "2026-11-30",
        "--report", str(html_path), "--report", str(svg_path))  # fmt: skip
    page = html_path.read_text(encoding="utf-8")
    assert "Move first" in page and "Integrations that will break" in page
    for text in (page, svg_path.read_text(encoding="utf-8")):
        assert "acme.example.com" not in text


# --- progress --------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("fmt", "drawn"), [("console", True), ("json", False)])
def test_progress_on_a_terminal_only_for_console(tmp_path, monkeypatch, fmt, drawn) -> None:
    from datetime import date

    from sfdoctor.commands import audit

    monkeypatch.setattr("sfdoctor.output.progress.PROGRESS_DELAY", 0.0)
    err = _Terminal()
    status = audit.run([write(tmp_path, login_rows("setup"))], fmt=fmt, as_of=date(2026, 11, 30),
                       stdout=io.StringIO(), stderr=err, color=False)  # fmt: skip
    assert status == ExitStatus.PROBLEM
    assert bool(err.getvalue()) is drawn


# --- the demo audit --------------------------------------------------------------------------


def test_demo_audit(run) -> None:
    r = run("demo", "audit")
    assert r.status == ExitStatus.PROBLEM
    out = r.out
    assert out.startswith("Fictional org (nothing leaves this machine)")
    for text in ("etl@acme.example.com", "Acme Nightly ETL", "partner-sync@acme.example.com",
                 "reporting@acme.example.com", "38.0", "45.0", "82 days left",
                 "Summer '27 (about 2027-06-12)", "interactive logins by 6 people"):  # fmt: skip
        assert text in out, text
    assert "billing@acme.example.com" not in out.split("Top ")[0]  # the healthy app: no deadline
    assert run("demo", "audit").out == out  # the same on every run


@pytest.mark.parametrize("width", [80, 100])
def test_a_narrow_terminal_stacks_the_tables_and_cuts_nothing(run, monkeypatch, width) -> None:
    # rich squeezes a table that does not fit until its cells are cut: at 80 columns the
    # "hits" column read "SOA" and "use", and the addresses "203".
    monkeypatch.setenv("COLUMNS", str(width))
    out = run("demo", "audit").out
    body = out.rstrip("\n").split("\n")[1:-1]  # the banner and the verdict: one line each
    wide = [line for line in body if len(line) > width and "https://" not in line]
    assert not wide, wide
    assert "\u2026" not in out
    for hits in ("hits: username-password flow", "hits: SOAP login()", "hits: API 31.0-40.0"):
        assert hits in out, hits
    assert "198.51.100.20" in out and "203.0.113.10" in out and "203.0.113.11" in out
    assert "SOAP API login() (SOAP Partner) \u00b7 API 45.0 \u00b7 1,440 logins, 9 failed" in out
    assert "LoginHistory-2026-10-31-to-2026-11-14.csv" in out  # a file name is never cut
    if width == 80:
        assert "! username-password flow: 1 integration\n    2027-02-20, 82 days left" in out
        assert "  LoginHistory-2026-10-31-to-2026-11-14.csv\n" in out


def test_the_demo_audit_banner_wraps_at_80_columns(run, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    head = run("demo", "audit").out.split("\n\n")[0].splitlines()
    assert len(head) == 2 and all(len(line) <= 80 for line in head)
    assert head[0].startswith("Fictional org (nothing leaves this machine)")


def test_a_wide_terminal_keeps_the_tables(run, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    out = run("demo", "audit").out
    assert "user \u00b7 application" in out and "source IPs" in out
    assert "username-password flow  2027-02-20                     82 days left" in out
    assert "hits: " not in out


def test_demo_audit_json(run) -> None:
    r = run("demo", "audit", "--format", "json")
    doc = json.loads(r.out)
    assert doc["as_of"] == "2026-11-30"
    assert [s["kind"] for s in doc["sources"]] == [
        "setup_login_history", "elf_login", "elf_api_total_usage"]  # fmt: skip
    hits = {(i["user"], i["api_type"]): [h["id"] for h in i["retirements"]]
            for i in doc["integrations"]}  # fmt: skip
    assert hits[("etl@acme.example.com", None)] == [UP]
    assert hits[("partner-sync@acme.example.com", "SOAP Partner")] == [SOAP]
    assert hits[("reporting@acme.example.com", "REST")] == [V31]
    assert hits[("billing@acme.example.com", None)] == []
