"""``sfdoctor triage`` end to end, in-process: each kind of export, bad input, exit codes."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import random
import stat
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from sfdoctor.status import ExitStatus
from tests.conftest import ROOT

SETUP = [
    "Username", "Login Time", "Source IP", "Login Type", "Status", "Browser", "Platform",
    "Application", "Client Version", "API Type", "API Version", "Login URL",
]  # fmt: skip
QUERY = ["UserId", "LoginTime", "SourceIp", "LoginType", "Status", "Application", "ApiType"]
ELF = [
    "EVENT_TYPE", "TIMESTAMP", "REQUEST_ID", "ORGANIZATION_ID", "USER_ID", "LOGIN_TYPE",
    "API_TYPE", "API_VERSION", "USER_NAME", "LOGIN_STATUS", "TIMESTAMP_DERIVED", "CLIENT_IP",
    "SOURCE_IP", "SESSION_KEY",
]  # fmt: skip

# status (Setup / query), ELF code, cause, how many rows
MIX = [
    ("Success", "LOGIN_NO_ERROR", None, 40),
    ("Invalid Password", "LOGIN_ERROR_INVALID_PASSWORD", "invalid_credentials", 7),
    ("Failed: API security token required", "LOGIN_ERROR_MUST_USE_API_TOKEN",
     "security_token_required", 12),
    ("Restricted IP", "LOGIN_ERROR_RESTRICTED_DOMAIN", "ip_restricted", 3),
    ("Login Rate Exceeded", "LOGIN_ERROR_RATE_EXCEEDED", "rate_limited", 4),
    ("Password Lockout", "LOGIN_ERROR_PASSWORD_LOCKOUT", "user_locked_out", 2),
    ("User is Frozen", "LOGIN_ERROR_USER_FROZEN", "user_frozen", 1),
    ("Failed: Invalid Nonce", "LOGIN_SAML_INVALID_NONCE", None, 5),
]  # fmt: skip
EXPECTED = {
    "security_token_required": 12,
    "invalid_credentials": 7,
    "unknown": 5,
    "rate_limited": 4,
    "ip_restricted": 3,
    "user_locked_out": 2,
    "user_frozen": 1,
}
START = datetime(2024, 11, 3, 9, 0, 0)


def to_csv(header: list[str], rows: list[list[str]], end: str = "\r\n") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=end)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def setup_row(user: str, when: datetime, ip: str, status: str, app: str = "Acme ETL") -> list:
    stamp = f"{when.month}/{when.day}/{when.year} {when:%I:%M:%S %p}"
    return [user, stamp, ip, "Remote Access 2.0", status, "Unknown", "Unknown", app, "N/A",
            "N/A", "N/A", "https://login.salesforce.com"]  # fmt: skip


def mixed(kind: str, seed: int = 1) -> str:
    """The MIX, shuffled, as an export of ``kind`` (newest first for Setup)."""
    rnd = random.Random(seed)
    picks = [m for m in MIX for _ in range(m[3])]
    rnd.shuffle(picks)
    rows = []
    for i, (status, code, _, _) in enumerate(picks):
        user = f"user{i % 7}@acme.example.com"
        ip = f"198.18.0.{i % 11}"
        if kind == "setup":
            rows.append(setup_row(user, START - timedelta(minutes=7 * i), ip, status))
        elif kind == "query":
            when = START + timedelta(minutes=7 * i)
            rows.append([f"005{i % 7:015d}", f"{when:%Y-%m-%dT%H:%M:%S}.000+0000", ip,
                         "Remote Access 2.0", status, "Acme ETL", "REST"])  # fmt: skip
        else:
            when = START + timedelta(minutes=7 * i)
            rows.append(["Login", f"{when:%Y%m%d%H%M%S}.000", f"4-{i}", "00D000000000001",
                         "005000000000001", "Remote Access 2.0", "REST", "62.0", user, code,
                         f"{when:%Y-%m-%dT%H:%M:%S}.000Z", ip, ip, ""])  # fmt: skip
    return to_csv({"setup": SETUP, "query": QUERY, "elf": ELF}[kind], rows)


def write(tmp_path, text: str | bytes, name: str = "LoginHistory.csv") -> str:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8", newline="")
    else:
        path.write_bytes(text)
    return str(path)


def as_json(r) -> dict:
    assert "Traceback" not in r.err, r.err
    return json.loads(r.out)


# --- each kind of export -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "label"),
    [("setup", "setup_login_history"), ("query", "loginhistory_query"), ("elf", "elf_login")],
)
def test_exact_counts_per_cause_for_each_kind(run, tmp_path, kind: str, label: str) -> None:
    r = run("triage", write(tmp_path, mixed(kind)), "--format", "json")
    doc = as_json(r)
    assert r.status == ExitStatus.PROBLEM
    assert doc["kind"] == label
    assert doc["rows"] == sum(m[3] for m in MIX)
    assert doc["successes"] == 40
    assert doc["failures"] == sum(EXPECTED.values())
    assert doc["by_cause"] == EXPECTED
    assert list(doc["by_cause"]) == list(EXPECTED)  # most failures first
    assert doc["skipped"] == 0
    unknown = "Failed: Invalid Nonce" if kind != "elf" else "LOGIN_SAML_INVALID_NONCE"
    assert doc["unknown_statuses"] == {unknown: 5}


def test_json_schema_fields(run, tmp_path) -> None:
    doc = as_json(run("triage", write(tmp_path, mixed("setup")), "--format", "json"))
    required = {"schema", "rows", "failures", "by_cause", "by_user", "by_source_ip",
                "unknown_statuses", "skipped", "findings"}  # fmt: skip
    assert required <= set(doc)
    assert doc["schema"] == "sfdoctor.triage/1"
    assert sum(doc["by_cause"].values()) == doc["failures"]
    assert doc["rows"] == doc["successes"] + doc["failures"] + doc["skipped"]
    assert sum(doc["by_user"].values()) == doc["failures"]
    assert sum(doc["by_source_ip"].values()) == doc["failures"]
    assert sum(doc["failures_per_day"].values()) == doc["failures"]
    assert {f["cause"] for f in doc["findings"]} == set(EXPECTED)
    for f in doc["findings"]:
        assert {"cause", "severity", "title", "evidence", "remediation", "references"} <= set(f)
        assert f["severity"] in ("error", "warning", "info")
        assert f["remediation"] and f["references"]
        assert all(ref.startswith("https://") for ref in f["references"])


def test_the_finding_a_support_engineer_needs(run, tmp_path) -> None:
    rows = [
        setup_row("integration@acme.com", START + timedelta(hours=5 * i), f"198.18.1.{i % 3}",
                  "Failed: API security token required")
        for i in range(12)
    ] + [setup_row("alice@acme.com", START, "198.18.9.9", "Success")]  # fmt: skip
    doc = as_json(run("triage", write(tmp_path, to_csv(SETUP, rows)), "--format", "json"))
    (f,) = doc["findings"]
    assert f["cause"] == "security_token_required"
    assert f["evidence"][0] == (
        "12 logins by integration@acme.com failed with 'Failed: API security token required' "
        "from 3 addresses since 3 Nov 2024 (last 5 Nov 2024)"
    )
    assert "do not add these addresses to trusted IP ranges" in f["remediation"][0]
    assert any(step.startswith("Not recommended:") for step in f["remediation"])
    assert doc["causes"][0]["fix"].startswith("append the user's security token")


def test_console_report(run, tmp_path) -> None:
    r = run("triage", write(tmp_path, mixed("setup")))
    assert r.status == ExitStatus.PROBLEM
    out = r.out
    for section in ("Totals", "Failures by cause", "Top 5 per cause", "Failures per day",
                    "Statuses sfdoctor does not know", "Findings"):  # fmt: skip
        assert section in out
    assert "Security token required" in out and "security_token_required" in out
    assert "\u2588" in out  # the chart's bars
    assert "Failed: Invalid Nonce" in out
    assert "sfdoctor explain --cause security_token_required" in out
    assert out.rstrip().splitlines()[-1].startswith("FAIL: 74 rows")


def test_a_narrow_terminal_lists_top_values_whole(run, tmp_path, monkeypatch) -> None:
    # At 80 columns a long username squeezed the table until an IPv6 address read "2001:db…".
    user = "very.long.integration.user@subsidiary.acme-corporation.example.com"
    ips = [f"2001:db8:85a3::8a2e:370:{7334 + n}" for n in range(3)]
    rows = [setup_row(user, START, ip, "Failed: API security token required") for ip in ips]
    path = write(tmp_path, to_csv(SETUP, rows))
    monkeypatch.setenv("COLUMNS", "80")
    out = run("triage", path).out
    top = out.split("Top 5 per cause")[1].split("Failures per day")[0]
    assert "\u2026" not in top
    for ip in ips:
        assert f"      {ip}  1\n" in top
    assert "    source IPs (3)\n" in top
    monkeypatch.setenv("COLUMNS", "160")
    wide = run("triage", path).out  # where the table fits: the lists side by side
    assert " ".join(wide.split("users (1)")[1].split()[:3]) == "source IPs (3)"


def test_top_limits_the_tables(run, tmp_path) -> None:
    doc = as_json(run("triage", write(tmp_path, mixed("setup")), "--format", "json", "--top", "2"))
    assert len(doc["by_user"]) == 2
    assert all(len(c["users"]) <= 2 for c in doc["causes"])
    assert run("triage", write(tmp_path, mixed("setup")), "--top", "0").status == ExitStatus.USAGE


# --- exit statuses ---------------------------------------------------------------------


def test_exit_0_when_every_login_succeeded(run, tmp_path) -> None:
    rows = [setup_row("a@acme.com", START, "198.18.0.1", "Success")] * 3
    r = run("triage", write(tmp_path, to_csv(SETUP, rows)))
    assert r.status == ExitStatus.OK == 0
    assert r.out.rstrip().splitlines()[-1].startswith("OK: 3 rows")


def test_exit_3_when_only_unknown_statuses_failed(run, tmp_path) -> None:
    rows = [
        setup_row("a@acme.com", START, "198.18.0.1", "Success"),
        setup_row("a@acme.com", START, "198.18.0.1", "Failed: Invalid Nonce"),
        setup_row("a@acme.com", START, "198.18.0.1", "Failed: Something New"),
    ]
    r = run("triage", write(tmp_path, to_csv(SETUP, rows)), "--format", "json")
    doc = as_json(r)
    assert r.status == ExitStatus.INCONCLUSIVE == 3
    assert doc["exit_code"] == 3
    assert doc["unknown_statuses"] == {"Failed: Invalid Nonce": 1, "Failed: Something New": 1}
    assert doc["by_cause"] == {"unknown": 2}
    assert doc["findings"][0]["severity"] == "warning"


def test_a_known_status_without_a_cause_says_what_it_is(run, tmp_path) -> None:
    """'Failed: API-only user' is known (a UI login by an API-only user), not unknown."""
    rows = [
        setup_row("a@acme.com", START, "198.18.0.1", "Failed: API-only user"),
        setup_row("a@acme.com", START, "198.18.0.1", "Failed: Audience Invalid"),
    ]
    r = run("triage", write(tmp_path, to_csv(SETUP, rows)), "--format", "json")
    (f,) = as_json(r)["findings"]
    assert "known ones say what they are" in f["title"]
    api_only, audience = sorted(f["evidence"])
    assert "'Failed: API-only user': a user with the 'API Only User' permission" in api_only
    # SAML's or a JWT's, the words do not say: no note.
    assert audience == "1 failed login with 'Failed: Audience Invalid'"
    assert r.status == ExitStatus.INCONCLUSIVE, "still no failure cause sfdoctor diagnoses"


def test_exit_1_when_a_known_cause_failed(run, tmp_path) -> None:
    rows = [setup_row("a@acme.com", START, "198.18.0.1", "Restricted IP")]
    assert run("triage", write(tmp_path, to_csv(SETUP, rows))).status == ExitStatus.PROBLEM == 1


# --- findings: lockout slides and rate-limit bursts -----------------------------------------


def test_users_sliding_into_lockout(run, tmp_path) -> None:
    t = START
    rows = [
        setup_row("ci@acme.com", t + timedelta(minutes=3), "198.18.0.1", "Password Lockout"),
        setup_row("ci@acme.com", t + timedelta(minutes=2), "198.18.0.1", "Invalid Password"),
        setup_row("ci@acme.com", t + timedelta(minutes=1), "198.18.0.2", "Invalid Password"),
        setup_row("ci@acme.com", t, "198.18.0.1", "Failed: API security token required"),
        # locked out first, failing afterwards: not a slide
        setup_row("ops@acme.com", t + timedelta(hours=2), "198.18.0.5", "Invalid Password"),
        setup_row("ops@acme.com", t - timedelta(hours=1), "198.18.0.5", "Password Lockout"),
    ]  # newest first, as Setup lists them
    doc = as_json(run("triage", write(tmp_path, to_csv(SETUP, rows)), "--format", "json"))
    (slide,) = doc["lockout_slides"]
    assert slide["user"] == "ci@acme.com"
    assert slide["failures"] == 3
    assert slide["statuses"] == {"Invalid Password": 2, "Failed: API security token required": 1}
    assert slide["first_failure"] == "2024-11-03 09:00"
    assert slide["first_lockout"] == "2024-11-03 09:03"
    locked = next(f for f in doc["findings"] if f["cause"] == "user_locked_out")
    assert "slid into lockout" in locked["title"]
    assert locked["evidence"][0].startswith("ci@acme.com: 3 failed logins ('Invalid Password'")
    assert "then locked out" in locked["evidence"][0]


def test_rate_limit_bursts(run, tmp_path) -> None:
    t = START.replace(hour=14)
    times = [t + timedelta(minutes=m) for m in (5, 30, 45, 70)] + [t + timedelta(hours=6)]
    rows = [setup_row("etl@acme.com", w, "198.18.0.1", "Login Rate Exceeded") for w in times]
    doc = as_json(run("triage", write(tmp_path, to_csv(SETUP, rows)), "--format", "json"))
    assert doc["rate_limit_bursts"] == [
        {"start": "2024-11-03 14:00", "end": "2024-11-03 15:59", "failures": 4,
         "peak_hour": "2024-11-03 14:00", "peak_failures": 3},
        {"start": "2024-11-03 20:00", "end": "2024-11-03 20:59", "failures": 1,
         "peak_hour": "2024-11-03 20:00", "peak_failures": 1},
    ]  # fmt: skip
    (f,) = doc["findings"]
    assert f["evidence"][0].startswith("2 bursts of 'Login Rate Exceeded'; the largest: 4")


def test_failures_per_day(run, tmp_path) -> None:
    rows = [
        setup_row("a@acme.com", START + timedelta(days=d), "198.18.0.1", "Invalid Password")
        for d in (0, 0, 2)
    ]
    doc = as_json(run("triage", write(tmp_path, to_csv(SETUP, rows)), "--format", "json"))
    assert doc["failures_per_day"] == {"2024-11-03": 2, "2024-11-05": 1}
    out = run("triage", write(tmp_path, to_csv(SETUP, rows))).out
    assert "Mon  4 Nov" in out  # the gap is charted, with no bar


# --- secrets -------------------------------------------------------------------------------

SESSION = "00D5g000004CANRY!AQ4AQCanarySessionSecret"


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_a_session_id_in_a_cell_is_never_echoed(run, tmp_path, fmt: str) -> None:
    rows = [
        setup_row("a@acme.com", START, "198.18.0.1", "Invalid Password", app=SESSION),
        setup_row("a@acme.com", START, "198.18.0.1", f"Failed: bad session {SESSION}"),
        setup_row(f"sid={SESSION}", START, "198.18.0.1", "Invalid Password"),
    ]
    r = run("triage", write(tmp_path, to_csv(SETUP, rows)), "--format", fmt, "--top", "50")
    assert "CanarySessionSecret" not in r.out + r.err
    assert "00D5g000004CANRY!****" in r.out


def test_a_session_id_in_a_cell_is_never_echoed_when_stacked(run, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")  # the per-cause lists are printed stacked
    rows = [
        setup_row("a@acme.com", START, "198.18.0.1", "Invalid Password", app=SESSION),
        setup_row(f"sid={SESSION}", START, "198.18.0.1", "Invalid Password"),
    ]
    r = run("triage", write(tmp_path, to_csv(SETUP, rows)))
    assert "users (2)\n" in r.out  # the stacked form was the one printed
    assert "CanarySessionSecret" not in r.out + r.err
    assert "00D5g000004CANRY!****" in r.out


def test_elf_session_keys_are_not_shown(run, tmp_path) -> None:
    text = mixed("elf").replace('""\r\n', "CanarySessionKeyValue\r\n")
    r = run("triage", write(tmp_path, text))
    assert "CanarySessionKeyValue" not in r.out


def test_elf_api_type_codes_are_shown_as_labels(run, tmp_path) -> None:
    """An Event Log File has no application column: its API_TYPE stands in, and its codes
    (E, P) are shown as Salesforce's labels, the code kept; a blank cell stays blank."""
    rows = []
    for i, api_type in enumerate(["E", "E", "P", "", "E"]):
        when = START + timedelta(minutes=i)
        rows.append(["Login", f"{when:%Y%m%d%H%M%S}.000", f"4-{i}", "00D000000000001",
                     "005000000000001", "I", api_type, "62.0", "etl@acme.example.com",
                     "LOGIN_ERROR_INVALID_PASSWORD", f"{when:%Y-%m-%dT%H:%M:%S}.000Z",
                     "198.18.0.1", "198.18.0.1", ""])  # fmt: skip
    path = write(tmp_path, to_csv(ELF, rows))
    doc = as_json(run("triage", path, "--format", "json"))
    apps = doc["by_application"]
    assert apps == {"SOAP Enterprise (E)": 3, "SOAP Partner (P)": 1, "(blank)": 1}
    out = run("triage", path).out
    assert "SOAP Enterprise (E)" in out and "(blank)" in out


# --- gzip and standard input ---------------------------------------------------------------


def test_gzip_file(run, tmp_path) -> None:
    path = write(tmp_path, gzip.compress(mixed("setup").encode()), "LoginHistory.csv.gz")
    assert as_json(run("triage", path, "--format", "json"))["by_cause"] == EXPECTED


def test_gzip_is_recognised_by_content_not_name(run, tmp_path) -> None:
    path = write(tmp_path, gzip.compress(mixed("elf").encode()), "export.csv")
    assert as_json(run("triage", path, "--format", "json"))["by_cause"] == EXPECTED


def test_truncated_gzip_keeps_what_was_read(run, tmp_path) -> None:
    rows = [setup_row(f"u{i}@acme.com", START, f"198.18.{i % 250}.1", "Invalid Password")
            for i in range(3000)]  # fmt: skip
    data = gzip.compress(to_csv(SETUP, rows).encode())
    path = write(tmp_path, data[: len(data) * 2 // 3], "LoginHistory.csv.gz")
    r = run("triage", path, "--format", "json")
    doc = as_json(r)
    assert r.status == ExitStatus.PROBLEM
    assert 0 < doc["failures"] < 3000
    assert any("ended early" in n for n in doc["notes"])


def test_standard_input_text(run) -> None:
    r = run("triage", "-", "--format", "json", stdin=mixed("query"))
    assert as_json(r)["by_cause"] == EXPECTED
    assert json.loads(r.out)["source"] == "standard input"


@pytest.mark.parametrize("compress", [False, True])
def test_standard_input_bytes(run, monkeypatch, compress: bool) -> None:
    data = mixed("setup").encode("utf-8-sig")
    if compress:
        data = gzip.compress(data)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert as_json(run("triage", "-", "--format", "json"))["by_cause"] == EXPECTED


# --- bad input: a clear message or a skipped count, never a traceback ----------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"\n\n  \n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV file"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
        (b'{"records": [{"Status": "Success"}]}', "looks like JSON"),
        (b"<!DOCTYPE html><html><body>Login</body></html>", "looks like HTML"),
        (b"Name,Email\nx,y\n", "no login status column; found columns: 'Name', 'Email'"),
        (b"Username,Status\n", "no login rows"),
        (b"Username,Login Time,Status\nonly-one-field\nanother\n", "none of the 2 rows"),
    ],
)
def test_nothing_usable_exits_2_with_a_message(run, tmp_path, data: bytes, message: str) -> None:
    r = run("triage", write(tmp_path, data))
    assert r.status == ExitStatus.USAGE == 2
    assert message in r.err
    assert "Traceback" not in r.err and r.out == ""


def test_missing_file_and_directory(run, tmp_path) -> None:
    r = run("triage", str(tmp_path / "nope.csv"))
    assert r.status == ExitStatus.USAGE and "no such file" in r.err
    r = run("triage", str(tmp_path))
    assert r.status == ExitStatus.USAGE and "directory" in r.err


def test_no_status_column_names_what_is_expected(run, tmp_path) -> None:
    r = run("triage", write(tmp_path, "Username,Login Time,Source IP\na,b,c\n"))
    assert r.status == ExitStatus.USAGE
    assert "'Username', 'Login Time', 'Source IP'" in r.err
    assert "expected Status" in r.err and "LOGIN_STATUS" in r.err


def test_utf8_with_bom(run, tmp_path) -> None:
    path = write(tmp_path, mixed("setup").encode("utf-8-sig"))
    doc = as_json(run("triage", path, "--format", "json"))
    assert doc["columns"]["user"] == "Username"
    assert doc["by_cause"] == EXPECTED


def test_latin1_export(run, tmp_path) -> None:
    rows = [setup_row("josé@acme.com", START, "198.18.0.1", "Invalid Password", app="Café ETL")]
    path = write(tmp_path, to_csv(SETUP, rows).encode("cp1252"))
    r = run("triage", path, "--format", "json")
    doc = as_json(r)
    assert doc["by_user"] == {"josé@acme.com": 1}
    assert doc["by_application"] == {"Café ETL": 1}
    assert any("Windows-1252" in n for n in doc["notes"])


def test_excel_style_quoting(run, tmp_path) -> None:
    text = (
        '"Username","Login Time","Source IP","Status","Application"\r\n'
        '"a@acme.com","11/3/2024 9:00:00 AM","198.18.0.1","Invalid Password",'
        '"Acme, Inc. ""ETL"""\r\n'
        '"b@acme.com","11/3/2024 9:05:00 AM","198.18.0.2","Restricted IP","two\r\nlines"\r\n'
    )
    doc = as_json(run("triage", write(tmp_path, text), "--format", "json"))
    assert doc["by_cause"] == {"invalid_credentials": 1, "ip_restricted": 1}
    assert doc["by_application"] == {'Acme, Inc. "ETL"': 1, "two lines": 1}
    assert doc["skipped"] == 0


def test_semicolons_and_excel_sep_line(run, tmp_path) -> None:
    text = "sep=;\r\nUsername;Login Time;Status\r\na@acme.com;03.11.2024 09:00;Invalid Password\r\n"
    doc = as_json(run("triage", write(tmp_path, text), "--format", "json"))
    assert doc["by_cause"] == {"invalid_credentials": 1}
    assert doc["failures_per_day"] == {"2024-11-03": 1}


def test_blank_lines_are_not_rows(run, tmp_path) -> None:
    text = mixed("setup").replace("\r\n", "\r\n\r\n", 5) + "\r\n\r\n"
    doc = as_json(run("triage", write(tmp_path, text), "--format", "json"))
    assert doc["rows"] == 74 and doc["skipped"] == 0 and doc["by_cause"] == EXPECTED


def test_truncated_last_line_is_skipped(run, tmp_path) -> None:
    text = mixed("setup") + "user1@acme.example.com,11/3/2024 9:"
    r = run("triage", write(tmp_path, text), "--format", "json")
    doc = as_json(r)
    assert r.status == ExitStatus.PROBLEM
    assert doc["skipped"] == 1 and doc["by_cause"] == EXPECTED
    (reason,) = doc["skipped_reasons"]
    assert "truncated" in reason


def test_a_report_footer_and_blank_statuses_are_skipped(run, tmp_path) -> None:
    text = (
        mixed("setup")
        + "a@acme.com,11/3/2024 9:00:00 AM,198.18.0.1,Remote Access 2.0,,x,x,x,x,x,x,x\r\n"
        + '""\r\n"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."\r\n'
    )
    doc = as_json(run("triage", write(tmp_path, text), "--format", "json"))
    assert doc["by_cause"] == EXPECTED
    assert doc["skipped"] == 2  # the "" line is blank, not a row
    assert doc["skipped_reasons"]["no status"] == 1


def test_an_unclosed_quote_is_not_a_traceback(run, tmp_path) -> None:
    text = mixed("setup") + 'a@acme.com,"11/3/2024 9:00,198.18.0.1\r\nmore,rows\r\n'
    r = run("triage", write(tmp_path, text), "--format", "json")
    doc = as_json(r)
    assert doc["by_cause"] == EXPECTED and doc["skipped"] == 1


def test_garbled_and_missing_times(run, tmp_path) -> None:
    text = (
        "Username,LoginTime,Status\n"
        "a@acme.com,2024-99-99T10:00:00Z,Invalid Password\n"
        "a@acme.com,,Invalid Password\n"
        "b@acme.com,2024-13-03T10:00:00Z,Login Rate Exceeded\n"
        "b@acme.com,2024-11-03T10:00:00Z,Login Rate Exceeded\n"
    )
    r = run("triage", write(tmp_path, text), "--format", "json")
    doc = as_json(r)
    assert doc["failures_per_day"] == {"2024-11-03": 1, "undated": 3}
    assert doc["first_failure"] == "2024-11-03 10:00"  # a garbled time is never shown
    assert run("triage", write(tmp_path, text)).status == ExitStatus.PROBLEM


def test_rows_with_extra_fields(run, tmp_path) -> None:
    text = to_csv(["Username", "Status"], [["a@acme.com", "Invalid Password", ""],
                                           ["b@acme.com", "Invalid Password", "oops"]])  # fmt: skip
    doc = as_json(run("triage", write(tmp_path, text), "--format", "json"))
    assert doc["by_cause"] == {"invalid_credentials": 1} and doc["skipped"] == 1


def test_status_only_export(run, tmp_path) -> None:
    doc = as_json(
        run("triage", write(tmp_path, "Status\nSuccess\nRestricted IP\n"), "--format", "json")
    )
    assert doc["by_cause"] == {"ip_restricted": 1}
    assert doc["by_user"] == {} and doc["failures_per_day"] == {}
    assert any("no user column" in n for n in doc["notes"])
    assert doc["findings"][0]["evidence"] == ["1 failed login with 'Restricted IP'"]


# --- progress, reports, start-up --------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("fmt", "drawn"), [("console", True), ("json", False)])
def test_progress_bar_on_a_terminal_only_for_console(tmp_path, monkeypatch, fmt, drawn) -> None:
    from sfdoctor.commands import triage

    monkeypatch.setattr("sfdoctor.output.progress.PROGRESS_DELAY", 0.0)
    err = _Terminal()
    status = triage.run(
        write(tmp_path, mixed("setup")), fmt=fmt, stdout=io.StringIO(), stderr=err, color=False
    )
    assert status == ExitStatus.PROBLEM
    assert bool(err.getvalue()) is drawn


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path, monkeypatch) -> None:
    from sfdoctor.commands import triage

    monkeypatch.setattr("sfdoctor.output.progress.PROGRESS_DELAY", 0.0)
    err = io.StringIO()
    triage.run(write(tmp_path, mixed("setup")), stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""


def test_report_file(run, tmp_path) -> None:
    report = tmp_path / "triage.json"
    r = run("triage", write(tmp_path, mixed("setup")), "--report", str(report))
    assert r.status == ExitStatus.PROBLEM
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert doc["schema"] == "sfdoctor.triage/1" and doc["by_cause"] == EXPECTED
    assert doc["report"]["title"] == "sfdoctor triage report"
    assert stat.S_IMODE(os.stat(report).st_mode) == 0o600


def test_anonymize(run, tmp_path) -> None:
    r = run("triage", write(tmp_path, mixed("setup")), "--format", "json", "--anonymize")
    doc = as_json(r)
    assert "acme.example.com" not in r.out
    assert sum(doc["by_user"].values()) == doc["failures"]


def test_json_triage_does_not_import_rich(tmp_path) -> None:
    path = write(tmp_path, mixed("setup"))
    code = (
        "import io, sys\nfrom contextlib import redirect_stdout\nfrom sfdoctor.cli import main\n"
        "with redirect_stdout(io.StringIO()):\n"
        f"    main(['triage', {path!r}, '--format', 'json'])\n"
        "print('RICH' if 'rich' in sys.modules else 'LEAN')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "LEAN"


# --- dates anywhere on the calendar --------------------------------------------------------


def year4(row: list) -> list:
    """A Setup row whose year is written with four digits (``1/2/0002``), as exports do."""
    date, _, rest = row[1].partition(" ")
    m, d, y = date.split("/")
    return [row[0], f"{m}/{d}/{int(y):04d} {rest}", *row[2:]]


def test_dates_centuries_apart_give_a_short_chart_in_every_report(run, tmp_path) -> None:
    # A mistyped year used to chart every week in between: 27 MB and minutes for 3 lines.
    rows = [
        year4(setup_row("a@acme.com", datetime(2, 1, 2, 1), "198.18.0.1", "Invalid Password")),
        setup_row("a@acme.com", START, "198.18.0.1", "Invalid Password"),
        setup_row("a@acme.com", START, "198.18.0.1", "Invalid Password"),
        setup_row("a@acme.com", datetime(9998, 12, 1, 1), "198.18.0.1", "Invalid Password"),
    ]
    path = write(tmp_path, to_csv(SETUP, rows))
    reports = [tmp_path / f"t.{ext}" for ext in ("html", "svg", "md", "txt")]
    r = run("triage", path, *(a for p in reports for a in ("--report", str(p))))
    assert r.status == ExitStatus.PROBLEM and "Traceback" not in r.err
    assert len(r.out.splitlines()) < 80 and len(r.out) < 8_000
    chart = r.out.split("Failures per week")[1].split("Findings")[0]
    assert "week of 28 Oct 2024" in chart and "9998" not in chart.split("not charted")[0]
    assert "not charted: 2 failures dated outside these weeks, from 2 Jan 0002 to 1 Dec 9998" in (
        " ".join(chart.split())
    )
    for p in reports:
        text = p.read_text(encoding="utf-8")
        assert len(text) < 200_000, p
        assert "dated outside these weeks" in text.replace("&#160;", " ").replace("\u00a0", " ")
    doc = as_json(run("triage", path, "--format", "json"))
    assert doc["failures"] == 4 and sum(doc["failures_per_day"].values()) == 4


def test_dates_at_the_edges_of_the_calendar_are_counted(run, tmp_path) -> None:
    rows = [
        year4(setup_row("a@acme.com", datetime(1, 1, 1, 1), "198.18.0.1", "Invalid Password")),
        setup_row("a@acme.com", datetime(9999, 12, 31, 23), "198.18.0.1", "Invalid Password"),
    ]
    path = write(tmp_path, to_csv(SETUP, rows))
    r = run("triage", path)
    assert r.status == ExitStatus.PROBLEM and "Traceback" not in r.err
    shown = " ".join(r.out.split())
    assert "week of 27 Dec 9999" in shown and "dated outside these weeks, on 1 Jan 0001" in shown
    doc = as_json(run("triage", path, "--format", "json"))
    assert doc["failures"] == 2
    assert doc["failures_per_day"] == {"0001-01-01": 1, "9999-12-31": 1}
    assert (doc["first_failure"], doc["last_failure"]) == ("0001-01-01 01:00", "9999-12-31 23:00")


def test_an_event_log_file_dated_year_one_is_counted(run, tmp_path) -> None:
    header = ["EVENT_TYPE", "TIMESTAMP_DERIVED", "USER_NAME", "LOGIN_STATUS", "SOURCE_IP"]
    rows = [
        ["Login", "0001-01-01T00:00:00.000Z", "a@b", "LOGIN_ERROR_MUST_USE_API_TOKEN", "1.1.1.1"],
        ["Login", "9999-12-31T23:59:59.999Z", "a@b", "LOGIN_ERROR_MUST_USE_API_TOKEN", "1.1.1.1"],
    ]
    path = write(tmp_path, to_csv(header, rows))
    r = run("triage", path)
    assert r.status == ExitStatus.PROBLEM and "Traceback" not in r.err
    doc = as_json(run("triage", path, "--format", "json"))
    assert doc["by_cause"] == {"security_token_required": 2}
    assert doc["failures_per_day"] == {"0001-01-01": 1, "9999-12-31": 1}


def test_one_of_a_kind_reads_in_the_singular(run, tmp_path) -> None:
    """The totals once read "1 rows" and "failures from 1 users and 1 source addresses"."""
    export = tmp_path / "one.csv"
    export.write_text(
        "Username,Login Time,Source IP,Login Type,Status,Application\n"
        "a@acme.com,11/6/2024 01:00:00 AM,10.0.0.1,Remote Access 2.0,Invalid Password,App\n",
        encoding="utf-8",
    )
    out = " ".join(run("triage", str(export)).out.split())
    assert "1 row \u00b7" in out and "failures from 1 user and 1 source address" in out
