"""Reading Login History exports: headers, kinds, statuses, encodings and times."""

from __future__ import annotations

import io

import pytest

from sfdoctor.diagnosis.knowledge import load
from sfdoctor.loginhistory.clock import Clock
from sfdoctor.loginhistory.errors import InputError
from sfdoctor.loginhistory.header import read_header
from sfdoctor.loginhistory.layouts import Kind, layout_of, normalize_header
from sfdoctor.loginhistory.source import open_source
from sfdoctor.loginhistory.statuses import SUCCESS, status_cause
from tests.conftest import FIXTURES, load_fixture

SETUP = [
    "Username", "Login Time", "Source IP", "Login Type", "Status", "Browser", "Platform",
    "Application", "Client Version", "API Type", "API Version", "Login URL",
]  # fmt: skip


@pytest.mark.parametrize(
    ("header", "normal"),
    [
        ("API Type", "apitype"),
        ("ApiType", "apitype"),
        ("API_TYPE", "apitype"),
        ("  api type ", "apitype"),
        ("LoginHistory.ApiType", "apitype"),
        ("\ufeffUsername", "username"),
        ('"Source IP"', "sourceip"),
    ],
)
def test_headers_are_matched_whatever_their_spelling(header: str, normal: str) -> None:
    assert normalize_header(header) == normal


def test_setup_download_columns_are_found_by_name_in_any_order() -> None:
    layout = layout_of(list(reversed(SETUP)))
    assert layout is not None and layout.kind is Kind.SETUP
    assert layout.name("status") == "Status"
    assert layout.name("user") == "Username"
    assert layout.name("source_ip") == "Source IP"
    assert layout.name("time") == "Login Time"
    assert layout.name("application") == "Application"


def test_query_export_uses_api_names() -> None:
    layout = layout_of(["UserId", "LoginTime", "SourceIp", "LoginType", "Status", "ApiType"])
    assert layout is not None and layout.kind is Kind.QUERY
    assert layout.name("user") == "UserId" and layout.name("time") == "LoginTime"
    assert layout.name("application") == "ApiType"  # no Application column: API type instead


def test_data_loader_upper_case_headers() -> None:
    layout = layout_of(["USERID", "LOGINTIME", "SOURCEIP", "STATUS"])
    assert layout is not None and layout.kind is Kind.QUERY and layout.name("status") == "STATUS"


def test_event_log_file_prefers_names_and_derived_timestamps() -> None:
    header = ["EVENT_TYPE", "TIMESTAMP", "USER_ID", "USER_NAME", "LOGIN_STATUS", "CLIENT_IP",
              "TIMESTAMP_DERIVED", "SOURCE_IP", "API_TYPE", "LOGIN_TYPE"]  # fmt: skip
    layout = layout_of(header)
    assert layout is not None and layout.kind is Kind.ELF
    assert layout.name("status") == "LOGIN_STATUS"
    assert layout.name("user") == "USER_NAME"
    assert layout.name("time") == "TIMESTAMP_DERIVED"
    assert layout.name("source_ip") == "SOURCE_IP"


def test_no_status_column_says_what_was_found_and_expected() -> None:
    text = io.StringIO("Name,Email,Created\nx,y,z\n")
    with pytest.raises(InputError) as err:
        read_header(text, "users.csv")
    message = str(err.value)
    assert "'Name', 'Email', 'Created'" in message
    assert "Status" in message and "LOGIN_STATUS" in message


def test_other_event_log_file_types_are_named() -> None:
    with pytest.raises(InputError, match="another event type"):
        read_header(io.StringIO("EVENT_TYPE,TIMESTAMP,URI\nAPI,1,/x\n"), "api.csv")


@pytest.mark.parametrize(
    ("text", "delimiter", "line"),
    [
        ("Username;Status\nx;Success\n", ";", 1),
        ("sep=;\nUsername;Status\nx;Success\n", ";", 2),
        ("Username\tStatus\nx\tSuccess\n", "\t", 1),
        ('"Login History"\n\n"Username","Status"\n"x","Success"\n', ",", 3),
    ],
)
def test_delimiters_and_lines_above_the_header(text: str, delimiter: str, line: int) -> None:
    layout = read_header(io.StringIO(text), "f.csv")
    assert layout.delimiter == delimiter and layout.header_line == line


# --- statuses: the same classifier as explain ------------------------------------------

LOGIN_HISTORY_FIXTURES = sorted(
    p for p in (FIXTURES / "login_history").glob("*.json") if "\n" not in load_fixture(p)["text"]
)


@pytest.mark.parametrize("path", LOGIN_HISTORY_FIXTURES, ids=lambda p: p.stem)
def test_every_status_fixture_classifies_as_its_cause(path) -> None:
    fx = load_fixture(path)
    cause, _ = status_cause(fx["text"], load())
    if fx["cause"] is None:  # recognised, not a failure sfdoctor diagnoses: no failure cause
        assert cause in (None, SUCCESS)
    else:
        assert (cause or "unknown") == fx["cause"]


@pytest.mark.parametrize("status", ["Success", "success", " Success ", "LOGIN_NO_ERROR"])
def test_successes(status: str) -> None:
    assert status_cause(status, load())[0] == SUCCESS


@pytest.mark.parametrize("status", ["Failed: Audience Invalid", "LOGIN_ERROR_INVALID_GATEWAY", ""])
def test_unknown_statuses_are_none(status: str) -> None:
    assert status_cause(status, load())[0] is None


@pytest.mark.parametrize(
    "status",
    ["Wireless trial expired", "Failed: Invalid Nonce", "LOGIN_SAML_INVALID_ISSUER",
     "No community access", "LOGIN_OAUTH_INVALID_TIMESTAMP"],
)  # fmt: skip
def test_statuses_of_other_logins_have_no_cause_but_say_what_they_are(status: str) -> None:
    """In an export too: a client feature's expired trial is not the org's (org_inactive),
    and a SAML, site or OAuth-field status gets explain's note."""
    from sfdoctor.loginhistory.statuses import status_note

    assert status_cause(status, load())[0] is None
    assert status_note(status, load())


# --- opening: encodings and binary files -------------------------------------------------


def _open(tmp_path, data: bytes, name: str = "f.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return open_source(str(path))


def test_utf8_bom_is_dropped(tmp_path) -> None:
    src = _open(tmp_path, "\ufeffUsername,Status\nx,Success\n".encode())
    assert read_header(src.text, src.name).name("user") == "Username"


def test_latin1_bytes_are_read_as_windows_1252(tmp_path) -> None:
    src = _open(tmp_path, "Username,Status\njosé@acme.com,Invalid Password\n".encode("cp1252"))
    read_header(src.text, src.name)
    assert src.text.read() == "josé@acme.com,Invalid Password\n"


def test_utf16_excel_unicode_text(tmp_path) -> None:
    src = _open(tmp_path, "Username\tStatus\r\nx\tSuccess\r\n".encode("utf-16"))
    layout = read_header(src.text, src.name)
    assert layout.delimiter == "\t" and layout.name("status") == "Status"


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"PK\x03\x04rest", "Excel workbook"),
        (b"%PDF-1.7", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"abc\x00def\x00", "binary"),
    ],
)
def test_binary_files_are_refused_by_name(tmp_path, data: bytes, what: str) -> None:
    with pytest.raises(InputError, match=what):
        _open(tmp_path, data)


def test_a_broken_gzip_is_refused(tmp_path) -> None:
    with pytest.raises(InputError, match="not a valid gzip"):
        _open(tmp_path, b"\x1f\x8b\x08\x00garbage", "f.csv.gz")


# --- time --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("2024-11-03T14:22:05.000Z", "2024-11-03T14:22:05.000Z"),
        ("2024-11-03 14:22:05", "2024-11-03 14:22:05"),
        ("11/3/2024 2:22:05 PM", "2024-11-03T14:22:05"),
        ("11/3/2024 12:05:00 AM", "2024-11-03T00:05:00"),
        ("11/3/2024 12:05:00 PM PST", "2024-11-03T12:05:00"),
        ("11/3/24 9:05 AM", "2024-11-03T09:05"),
        ("03.11.2024 14:22:05", "2024-11-03T14:22:05"),
        ("20241103142205.123", "2024-11-03T14:22:05"),
        ("yesterday", ""),
        ("", ""),
    ],
)
def test_clock_reads_the_usual_formats(value: str, key: str) -> None:
    assert Clock()(value) == key


def test_clock_learns_day_first_and_fixes_the_keys_handed_out() -> None:
    clock = Clock()
    stored = [clock("3/11/2024 7:05"), clock("4/11/2024 19:05")]
    assert stored == ["2024-03-11T07:05", "2024-04-11T19:05"]  # month first, until told

    def flip(swap) -> None:
        stored[:] = [swap(k) for k in stored]

    clock.on_flip = flip
    assert clock("30/11/2024 23:59") == "2024-11-30T23:59"
    assert stored == ["2024-11-03T07:05", "2024-11-04T19:05"]
    assert clock("3/11/2024 8:00") == "2024-11-03T08:00"


def test_clock_month_first_once_a_day_is_above_twelve() -> None:
    clock = Clock()
    assert clock("11/30/2024 1:00 PM") == "2024-11-30T13:00"
    assert clock("3/11/2024 1:00 PM") == "2024-03-11T13:00"
    assert clock.day_first is False
