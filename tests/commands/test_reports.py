"""``--report`` and ``--anonymize`` end to end: check and explain against a local org.

The org is the same pytest-httpserver stand-in as in test_check; every file format is parsed
or searched, and the canary secrets must appear in none of them.
"""

from __future__ import annotations

import html
import json
import os
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sfdoctor.output.paths import ReportFormat
from sfdoctor.status import ExitStatus
from tests.commands.test_check import (
    CLIENT_SECRET,
    ORG,
    PASSWORD,
    TOKEN,
    USER,
    USERNAME,
    Org,
)

CANARIES = (PASSWORD, TOKEN, CLIENT_SECRET, "AQ4AQCanaryAccessTokenValue")
FORMATS = [f.value for f in ReportFormat]


def report_args(directory: Path, formats: list[str] = FORMATS) -> list[str]:
    return [arg for ext in formats for arg in ("--report", str(directory / f"r.{ext}"))]


def read(directory: Path, ext: str) -> str:
    text = (directory / f"r.{ext}").read_text(encoding="utf-8")
    if ext in ("svg", "html"):  # a space is &#160; in SVG, & is &amp; in both
        text = html.unescape(text).replace("\u00a0", " ")
    return text


def scenario(name: str, env, httpserver) -> Org:
    if name == "failing":
        env(SF_SECURITY_TOKEN=None)  # refused from this untrusted network
    return Org(httpserver)


# --- every format, a healthy and a failing org --------------------------------------------


@pytest.mark.parametrize("name", ["healthy", "failing"])
def test_check_writes_all_six(run, env, httpserver, tmp_path, name) -> None:
    scenario(name, env, httpserver)
    r = run("check", *report_args(tmp_path))
    assert r.status == (ExitStatus.OK if name == "healthy" else ExitStatus.PROBLEM)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"r.{e}" for e in FORMATS)
    for p in tmp_path.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p.name
        text = read(tmp_path, p.suffix[1:])
        assert "sfdoctor check report" in text and "Review before sharing" in text, p.name
        assert "--anonymize" in text or "\u2010\u2010anonymize" in text, p.name

    # .json: the --format json document, plus the banner
    doc = json.loads(read(tmp_path, "json"))
    stdout_doc = json.loads(run("check", "--format", "json").out)
    assert doc["report"]["title"] == "sfdoctor check report"
    assert doc["verdict"] == stdout_doc["verdict"] and doc["schema"] == stdout_doc["schema"]
    assert [c["name"] for c in doc["checks"]] == [c["name"] for c in stdout_doc["checks"]]
    assert set(doc) - set(stdout_doc) == {"report"}

    # .xml: one test case per check; the failure names the cause and what to do
    root = ET.fromstring(read(tmp_path, "xml"))
    testcases = list(root.iter("testcase"))
    failures = [c.find("failure") for c in testcases if c.find("failure") is not None]
    assert len(testcases) >= len(doc["checks"])
    assert root.get("tests") == str(len(testcases))
    assert root.get("failures") == str(len(failures))

    # .txt: plain, with the provenance of the inputs
    txt = read(tmp_path, "txt")
    assert "\x1b" not in txt and "env (SF_PASSWORD)" in txt and "**** (14 characters)" in txt

    # .svg parses; .html has no external assets; .md has the checks table
    ET.fromstring((tmp_path / "r.svg").read_text(encoding="utf-8"))
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<link" not in page and "<script" not in page and "src=" not in page
    md = read(tmp_path, "md")
    assert "| result | stage | check | details |" in md

    if name == "healthy":
        # the only finding is the deprecation radar's note on the username-password flow
        assert failures == [] and [f["cause"] for f in doc["findings"]] == [
            "password_flow_disabled"
        ]
        assert doc["findings"][0]["severity"] == "info" and "sfdoctor check --flow jwt" in md
    else:
        assert [f.get("type") for f in failures] == ["security_token_required"]
        assert "what to do:" in (failures[0].text or "")
        for text in (md, page, read(tmp_path, "svg"), txt):
            assert "Security token required" in text
        assert "**What to do**" in md and "\n1. " in md


def test_report_of_a_blocked_configuration(run, env, httpserver, tmp_path) -> None:
    env(SF_PASSWORD=None)
    Org(httpserver)
    r = run("check", *report_args(tmp_path, ["xml", "md"]))
    assert r.status == ExitStatus.USAGE and len(httpserver.log) == 0
    failure = ET.fromstring(read(tmp_path, "xml")).find(".//failure")
    assert failure is not None and failure.get("type") == "config_missing"


# --- validation before any login ----------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    ["r.pdf", "r", "missing-dir/r.json", "dir.json"],
)
def test_bad_report_path_is_refused_before_any_request(run, env, httpserver, tmp_path, bad) -> None:
    (tmp_path / "dir.json").mkdir()
    Org(httpserver)
    r = run("check", "--report", str(tmp_path / "ok.json"), "--report", str(tmp_path / bad))
    assert r.status == ExitStatus.USAGE
    assert "--report" in r.err
    assert len(httpserver.log) == 0, "nothing may be sent"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.json"]


def test_unwritable_directory_is_refused_before_any_request(
    run, env, httpserver, tmp_path, monkeypatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # running as root: play a read-only file system
            import tempfile

            def refuse(*args, **kwargs):
                raise PermissionError(30, "Read-only file system")

            monkeypatch.setattr(tempfile, "mkstemp", refuse)
        Org(httpserver)
        r = run("check", "--report", str(locked / "r.json"))
    finally:
        locked.chmod(0o700)
    assert r.status == ExitStatus.USAGE and "cannot write" in r.err
    assert len(httpserver.log) == 0


# --- atomicity --------------------------------------------------------------------------


def test_renderer_crash_leaves_no_file(run, env, httpserver, tmp_path, monkeypatch) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr("sfdoctor.output.junit.check", boom)
    Org(httpserver)
    r = run("check", *report_args(tmp_path))
    assert r.status == ExitStatus.INTERNAL
    assert list(tmp_path.iterdir()) == [], "no report, no temporary file"


def test_interrupted_run_leaves_no_file(run, env, httpserver, tmp_path, monkeypatch) -> None:
    from sfdoctor.probes import session

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(session, "identity", interrupted)
    Org(httpserver)
    r = run("check", *report_args(tmp_path))
    assert r.status == ExitStatus.INTERRUPTED
    assert list(tmp_path.iterdir()) == []


# --- secrets and --anonymize -------------------------------------------------------------


@pytest.mark.parametrize("anonymize", [False, True])
@pytest.mark.parametrize("name", ["healthy", "refused"])
def test_canaries_appear_in_no_format(run, env, httpserver, tmp_path, name, anonymize) -> None:
    if name == "refused":
        env(SF_PASSWORD=PASSWORD + "x")
    Org(httpserver)
    extra = ["--anonymize"] if anonymize else []
    r = run("check", "-v", *extra, *report_args(tmp_path))
    assert r.err.count("> POST") >= 1, "the verbose trace ran"
    outputs = {"stdout": r.out, "stderr": r.err}
    outputs.update({ext: read(tmp_path, ext) for ext in FORMATS})
    outputs.update({f"raw {ext}": (tmp_path / f"r.{ext}").read_text("utf-8") for ext in FORMATS})
    for where, text in outputs.items():
        for canary in CANARIES:
            assert canary not in text, f"{canary} in {where}"


def test_anonymize_removes_identities_from_every_output(run, env, httpserver, tmp_path) -> None:
    env(SF_USERNAME="integration@acme.com")
    where = "login from 198.18.7.42 to https://acme.my.salesforce.com refused"
    Org(httpserver, refuse={"error": "invalid_grant", "error_description": where})

    r = run("check", "-v", "--anonymize", *report_args(tmp_path))
    assert r.status == ExitStatus.OK  # the answer is the password-only attempt's
    plain = run("check", "--format", "json").out
    assert "198.18.7.42" in plain and "acme.my.salesforce.com" in plain, "the test shows them"
    outputs = {"stdout": r.out, "stderr": r.err}
    outputs.update({ext: read(tmp_path, ext) for ext in FORMATS})
    for place, text in outputs.items():
        for value in ("integration@acme.com", "integration%40acme.com", "198.18.7.42", "acme."):
            assert value not in text, f"{value} in {place}"
    assert "user-1@example.com" in read(tmp_path, "md")
    assert "203.0.113.1" in read(tmp_path, "json")
    assert "my-domain-1.my.salesforce.com" in read(tmp_path, "txt")


def test_anonymize_replaces_org_and_user_ids(run, env, httpserver, tmp_path) -> None:
    Org(httpserver)
    r = run("check", "-v", "--anonymize", "--format", "json", *report_args(tmp_path))
    assert r.status == ExitStatus.OK
    assert "/id/" in r.err, "the trace shows the identity URL"
    outputs = {"stdout": r.out, "stderr": r.err}
    outputs.update({ext: read(tmp_path, ext) for ext in FORMATS})
    for place, text in outputs.items():
        for value in (ORG, ORG[:15], USER, USER[:15], USERNAME):
            assert value not in text, f"{value} in {place}"
    identity = next(c for c in json.loads(r.out)["checks"] if c["name"] == "identity")
    assert identity["summary"] == "user-1@example.com (user 005-user-1, org 00D-org-1)"
    assert json.loads(read(tmp_path, "json"))["report"]["anonymized"] is True
    assert "replaced by placeholders" in read(tmp_path, "md")


# --- explain ------------------------------------------------------------------------------


PASTE = (
    "simple_salesforce.exceptions.SalesforceAuthenticationFailed: INVALID_LOGIN: Invalid "
    "username, password, security token; or user locked out. ci@acme.com.uat at "
    "https://acme--uat.sandbox.my.salesforce.com from 198.18.7.42 "
    "session 00D5g000004ABCD!AQ4AQCanarySession password=CanaryPasted1"
)


def test_explain_writes_all_six(run, tmp_path) -> None:
    r = run("explain", PASTE, *report_args(tmp_path))
    assert r.status == ExitStatus.OK
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"r.{e}" for e in FORMATS)
    for ext in FORMATS:
        text = read(tmp_path, ext)
        assert stat.S_IMODE((tmp_path / f"r.{ext}").stat().st_mode) == 0o600
        assert "sfdoctor explain report" in text and "invalid_credentials" in text, ext
        assert "AQ4AQCanarySession" not in text and "CanaryPasted1" not in text, ext
    doc = json.loads(read(tmp_path, "json"))
    stdout_doc = json.loads(run("explain", PASTE, "--format", "json").out)
    del doc["report"]
    assert doc == stdout_doc
    failure = ET.fromstring(read(tmp_path, "xml")).find(".//failure")
    assert failure is not None and failure.get("type") == "invalid_credentials"
    assert "## Input (redacted)" in read(tmp_path, "md")
    # "password=****" ends lines: no pattern may swallow the tag that follows it
    svg = (tmp_path / "r.svg").read_text(encoding="utf-8")
    assert "password=****</text>" in svg or "password=****&#160;" in svg
    ET.fromstring(svg)
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.count("<span") == page.count("</span>") > 0


def test_explain_anonymize(run, tmp_path) -> None:
    r = run("explain", PASTE, "--anonymize", *report_args(tmp_path))
    for place, text in {"stdout": r.out, **{e: read(tmp_path, e) for e in FORMATS}}.items():
        for value in ("ci@acme.com.uat", "acme--uat", "198.18.7.42", "00D5g000004ABCD"):
            assert value not in text, f"{value} in {place}"
    assert "user-1@example.com.uat" in r.out


def test_explain_report_needs_a_text(run, tmp_path) -> None:
    r = run("explain", "--list", "--report", str(tmp_path / "r.md"))
    assert r.status == ExitStatus.USAGE and list(tmp_path.iterdir()) == []


def test_explain_bad_report_path_reads_nothing(run, tmp_path) -> None:
    r = run("explain", "-", "--report", str(tmp_path / "r.doc"), stdin="INVALID_LOGIN")
    assert r.status == ExitStatus.USAGE and "'.doc' is not a report format" in r.err


def test_the_html_card_heads_other_causes_as_the_console_does(run, tmp_path) -> None:
    """The card once headed a named cause's alternatives "Candidates, most likely first",
    as if the first of them were the answer."""
    named = tmp_path / "named.html"
    run("demo", "untrusted-no-token", "--report", str(named))
    assert "Could also be, most likely first:" in named.read_text(encoding="utf-8")
    ambiguous = tmp_path / "ambiguous.html"
    run("explain", "invalid_grant: authentication failure", "--report", str(ambiguous))
    assert "Candidates, most likely first:" in ambiguous.read_text(encoding="utf-8")


def test_a_report_never_replaces_a_file_the_run_reads(run, env, httpserver, tmp_path) -> None:
    """--env-file creds.txt --report creds.txt once replaced the credentials with a report."""
    creds = tmp_path / "creds.txt"
    creds.write_text("SF_PASSWORD=CanaryPassw0rd\n", encoding="utf-8")
    org = Org(httpserver)
    r = run("check", "--env-file", str(creds), "--report", str(tmp_path / "." / "creds.txt"))
    assert r.status == ExitStatus.USAGE and "this run reads that file" in r.err
    assert creds.read_text(encoding="utf-8") == "SF_PASSWORD=CanaryPassw0rd\n" and not org.logins
    export = tmp_path / "export.txt"
    export.write_text("Username,Login Time,Status\na@b.c,11/6/2024 1:00 AM,Invalid Password\n")
    r = run("triage", str(export), "--report", str(export))
    assert r.status == ExitStatus.USAGE and export.read_text().startswith("Username,")


def test_the_card_lists_how_many_more_it_left_out(run, tmp_path) -> None:
    """Past five other causes the card kept five and said nothing of the rest."""
    statuses = ["Failed: API security token required", "Invalid Password", "Restricted IP",
                "Password Lockout", "User is Frozen", "User is Inactive", "Restricted Time",
                "Failed: Computer activation required"]  # fmt: skip
    rows = [f"u{i}@acme.com,11/6/2024 1:0{i} AM,10.0.0.{i},{s}" for i, s in enumerate(statuses)]
    export = tmp_path / "lh.csv"
    export.write_text("Username,Login Time,Source IP,Status\n" + "\n".join(rows) + "\n")
    report = tmp_path / "t.html"
    run("triage", str(export), "--report", str(report))
    assert "\u2026 and 2 more in the full report below." in report.read_text(encoding="utf-8")


def test_the_cards_fix_is_the_consoles_not_a_warning(run, tmp_path) -> None:
    """The card showed the entry's first step ("Do not retry blindly"), not the fix."""
    report = tmp_path / "e.html"
    out = run("explain", "invalid_grant: authentication failure", "--report", str(report)).out
    card = report.read_text(encoding="utf-8")
    fix = card.split('<div class="fix">', 1)[1].split("</div>", 1)[0]
    assert "Login History" in fix and "Do not retry blindly" not in fix
    assert "Don&#x27;t retry: read this attempt&#x27;s Status in Setup &gt; Login History" in fix
    assert "Don't retry: read this attempt's Status in Setup > Login History" in out
