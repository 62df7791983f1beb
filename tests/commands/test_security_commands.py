"""Issue 18 end to end: hostile input cannot stall a command, and no pasted or sent secret
comes out of any output (console, JSON, report files, the ``-v`` trace).

The redaction cases themselves are in tests/test_security_redaction.py; the patterns'
speed in tests/test_security_patterns.py.
"""

from __future__ import annotations

import html
import io
import json
import time
from datetime import timedelta

import pytest
from werkzeug import Request, Response

from sfdoctor.diagnosis.evidence import MAX_SCAN
from sfdoctor.probes.soap import envelope
from sfdoctor.status import ExitStatus
from tests.commands.test_check import PASSWORD, TOKEN, Org
from tests.commands.test_reports import FORMATS, report_args
from tests.commands.test_triage import SETUP, START, setup_row, to_csv, write
from tests.hostile_patterns import deadline
from tests.test_security_redaction import PASTES, C

# --- explain: every pasted secret, every output -----------------------------------------


def _outputs(run, tmp_path, text: str) -> dict[str, str]:
    """Everything ``explain`` writes for ``text``: console, JSON, every report file."""
    found = {
        "console": run("explain", text).out,
        "json": run("explain", text, "--format", "json").out,
    }
    # With --report the rendered output passes through the redactor once more: it must
    # stay JSON.
    found["json (with reports)"] = run(
        "explain", text, "--format", "json", *report_args(tmp_path)
    ).out
    json.loads(found["json (with reports)"])
    json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    for ext in FORMATS:
        raw = (tmp_path / f"r.{ext}").read_text(encoding="utf-8")
        found[ext] = raw
        found[f"{ext} (unescaped)"] = html.unescape(raw).replace("\u00a0", " ")
    return found


@pytest.mark.parametrize("name", sorted(PASTES))
def test_no_pasted_secret_reaches_any_output(run, tmp_path, name: str) -> None:
    # A Salesforce error around the secret, so every output quotes the paste.
    text = "INVALID_LOGIN: Invalid username, password, security token\n" + PASTES[name]
    for where, out in _outputs(run, tmp_path, text).items():
        assert C not in out, where


def test_a_numeric_json_password_reaches_no_output(run, tmp_path) -> None:
    text = 'INVALID_LOGIN: Invalid username\n{"password": 73519046}'
    for where, out in _outputs(run, tmp_path, text).items():
        assert "73519046" not in out, where


# --- explain: hostile pastes ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '"password":"' + "\\" * 60,
        "[" * 100000,
        '{"a":' * 100000,
        "{" * (4 * 1024 * 1024),
        "a." * 40000 + " ://@",
        "password=\x1b" * 26000,  # each value ends at an escape: once a scan to the end each
        "a password:\x1b" * 20000,
    ],
    ids=["backslashes", "deep-array", "deep-object", "braces-4MB", "dots", "esc-form", "esc-log"],
)
@pytest.mark.parametrize("fmt", ["console", "json"])
def test_hostile_pastes_are_explained_at_once(run, text: str, fmt: str) -> None:
    start = time.perf_counter()
    with deadline(5.0, "sfdoctor explain"):
        r = run("explain", "-", "--format", fmt, stdin=text)
    assert time.perf_counter() - start < 3.0
    assert r.status == ExitStatus.INCONCLUSIVE, r.err  # not 4: deep JSON is text


def test_no_report_keeps_a_pastes_escape_sequences(run, tmp_path) -> None:
    """The Markdown report once kept ESC, BEL and 8-bit CSI (the others never did)."""
    paste = (
        "invalid_grant authentication failure \x1b]8;;http://evil.example/\x07HERE"
        "\x1b]8;;\x07 \x1b[31mRED\x1b[0m \x9b31m \u202egnp.exe"
    )
    run("explain", "-", *report_args(tmp_path, ["md", "txt", "html", "svg", "json"]), stdin=paste)
    for name in ("r.md", "r.txt", "r.html", "r.svg"):
        report = (tmp_path / name).read_text(encoding="utf-8")
        assert "RED" in report, name
        for c in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert c not in report, (name, c)


def test_json_and_junit_never_carry_a_character_a_terminal_acts_on(
    run, env, httpserver, tmp_path
) -> None:
    """--format json wrote a server's 8-bit CSI and bidi overrides raw; JUnit kept them."""
    hostile = "\x9b31m \u202egnp.exe"
    body = '{"error":"invalid_grant","error_description":"' + hostile + '"}'
    httpserver.expect_request("/services/oauth2/token", method="POST").respond_with_data(
        body.encode("utf-8"), status=400, content_type="application/json"
    )
    r = run("check", "--format", "json", "--max-attempts", "1", *report_args(tmp_path, ["xml"]))
    assert not any(c in r.out for c in ("\x9b", "\u202e"))
    assert "\\u009b" in r.out  # escaped, not lost: the document reads back the same
    assert json.loads(r.out)["attempts"][0]["error_description"] == hostile
    xml = (tmp_path / "r.xml").read_text("utf-8")
    assert "gnp.exe" in xml and not any(c in xml for c in ("\x9b", "\u202e"))


def test_a_cut_paste_says_so_in_every_output(run, tmp_path) -> None:
    paste = (
        '{"error":"invalid_grant","error_description":"ip restricted"}\n'
        + "INFO nothing here\n" * (MAX_SCAN // 9)
    )
    doc = json.loads(run("explain", "-", "--format", "json", stdin=paste).out)
    assert doc["matches"][0]["cause"] == "ip_restricted"
    assert doc["input"]["truncated"] is True and doc["input"]["chars"] == len(paste)
    assert doc["input"]["searched_chars"] <= MAX_SCAN
    console = run("explain", "-", stdin=paste).out
    assert "Note: the input is" in console and "KB" in console
    run("explain", "-", *report_args(tmp_path, ["md", "json"]), stdin=paste)
    assert "were searched" in (tmp_path / "r.md").read_text(encoding="utf-8")
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["input"]["truncated"] is True
    short = json.loads(run("explain", "ip restricted", "--format", "json").out)
    assert "input" not in short


class _Pipe:
    """Standard input as a pipe: bytes through ``buffer`` (``limit`` of them, or endless)."""

    def __init__(self, data: bytes = b"", endless: bytes = b"") -> None:
        self.buffer = io.BytesIO(data) if not endless else self
        self._endless = endless
        self.served = 0

    def read(self, n: int = -1) -> bytes:
        self.served += n
        return (self._endless * (n // len(self._endless) + 1))[:n]

    def isatty(self) -> bool:
        return False


def test_an_endless_pipe_is_read_only_up_to_its_limit(run, monkeypatch) -> None:
    """`explain - < /dev/zero` once read forever, its memory growing without bound."""
    from sfdoctor.commands.paste_input import READ_LIMIT

    pipe = _Pipe(endless=b"invalid_grant authentication failure\n")
    monkeypatch.setattr("sys.stdin", pipe)
    with deadline(20.0, "sfdoctor explain - < endless"):
        r = run("explain", "-", "--format", "json")
    doc = json.loads(r.out)
    assert doc["matches"][0]["cause"] == "ambiguous_auth_failure"
    assert doc["input"]["chars"] >= READ_LIMIT and "reading stopped" in doc["input"]["note"]
    assert pipe.served < READ_LIMIT + 2 * 64 * 1024


def test_a_long_piped_paste_keeps_its_start_and_its_end(run, monkeypatch) -> None:
    paste = (
        "INFO start\n"
        + "INFO nothing here\n" * (MAX_SCAN // 6)
        + ('{"error":"invalid_grant","error_description":"ip restricted"}\n')
    )
    monkeypatch.setattr("sys.stdin", _Pipe(paste.encode()))
    doc = json.loads(run("explain", "-", "--format", "json").out)
    assert doc["matches"][0]["cause"] == "ip_restricted"  # at the very end, 3 x MAX_SCAN in
    assert doc["input"]["chars"] == len(paste) and "reading stopped" not in doc["input"]["note"]


def test_bytes_that_are_not_utf8_never_reach_an_output(run, monkeypatch, tmp_path) -> None:
    """A bad byte once made every report an internal error (exit 4), and the JSON invalid."""
    monkeypatch.setattr("sys.stdin", _Pipe(b"authentication failure \xff\x9b31m"))
    r = run("explain", "-", "--format", "json", *report_args(tmp_path, ["md", "json", "txt"]))
    assert r.status == ExitStatus.OK, r.err
    json.loads(r.out.encode("utf-8"))  # encodable: no lone surrogate left
    assert "\ufffd" in json.dumps(json.loads(r.out), ensure_ascii=False)
    argv = "authentication failure \udcff"  # how Python hands a non-UTF-8 argument over
    r = run("explain", argv, *report_args(tmp_path, ["md"]))
    assert r.status == ExitStatus.OK and "\udcff" not in r.out


# --- check: a hostile token endpoint ------------------------------------------------------

HOSTILE_BODY = '"password":"' + "\\" * 58
"""70 bytes that took the JSON-field redaction pattern forever (exponential)."""


def test_a_hostile_token_answer_does_not_outlast_the_timeout(run, env, httpserver) -> None:
    assert len(HOSTILE_BODY) == 70
    Org(httpserver, token_answer=(400, "application/json", HOSTILE_BODY))
    start = time.perf_counter()
    with deadline(10.0, "sfdoctor check"):
        r = run("check", "--format", "json", "--timeout", "2", "--max-attempts", "1")
    assert time.perf_counter() - start < 5.0
    assert r.status != ExitStatus.INTERNAL and "Traceback" not in r.err


# --- check -v: the trace never shows a secret a long username pushed to the cut ----------


def test_the_trace_never_passes_a_servers_escape_sequences_to_the_terminal(
    run, env, httpserver
) -> None:
    """A token endpoint's body once reached stderr as sent: a hidden link, a cleared screen."""
    hostile = "\x1b]8;;http://evil.example/\x07HERE\x1b]8;;\x07 \x1b[31mRED\x1b[0m \x1b[2J\x9b31m"
    body = '{"error":"invalid_grant","error_description":"' + hostile + '"}'  # raw, as sent
    httpserver.expect_request("/services/oauth2/token", method="POST").respond_with_data(
        body, status=400, content_type="application/json"
    )
    r = run("check", "-v", "--max-attempts", "1")
    assert "HERE" in r.err and "RED" in r.err  # the text is shown...
    for c in ("\x1b", "\x07", "\x9b"):
        assert c not in r.err  # ...its control characters are not


def test_the_trace_hides_a_password_cut_by_its_length_limit(run, env, httpserver) -> None:
    # The -v trace cuts a request body at 2000 characters: a long username puts the cut
    # inside the password, leaving "<n1:password>" + the password's start on the line.
    head = envelope("", "").index("<n1:password>") + len("<n1:password>")
    username = "u" * (2000 - head - 6) + "@acme.com"  # the cut falls 6 characters in
    username = username[: 2000 - head - 6]
    env(SF_USERNAME=username)
    seen: list[bytes] = []

    def login(request: Request) -> Response:
        seen.append(request.get_data())
        return Response(
            '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
            "<soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_LOGIN</faultcode>"
            "<faultstring>INVALID_LOGIN: Invalid username, password, security token; or "
            "user locked out.</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>",
            status=500,
            content_type="text/xml",
        )

    httpserver.expect_request("/services/Soap/u/64.0", method="POST").respond_with_handler(login)
    r = run("check", "--flow", "soap", "-v", "--max-attempts", "1")
    assert seen, r.err  # the login was sent, so the trace shows its body
    assert "<n1:password>" in r.err
    for prefix in (PASSWORD[:4], PASSWORD, TOKEN[:6]):
        assert prefix not in r.err, prefix


# --- triage: long statuses ------------------------------------------------------------------


def test_triage_of_long_distinct_statuses_is_fast(run, tmp_path) -> None:
    rows = [
        setup_row(
            "ops@acme.com",
            START + timedelta(minutes=i),
            "198.18.0.1",
            (f"Failed: {i} " + "eyJ-" * 10000)[:40000],
        )
        for i in range(10)
    ]
    path = write(tmp_path, to_csv(SETUP, rows))
    start = time.perf_counter()
    with deadline(10.0, "sfdoctor triage"):
        r = run("triage", path, "--format", "json")
    assert time.perf_counter() - start < 3.0
    assert r.status == ExitStatus.INCONCLUSIVE
