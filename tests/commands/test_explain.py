"""``sfdoctor explain`` end to end, in-process: what users paste, what they see, exit codes."""

from __future__ import annotations

import json

import pytest

import sfdoctor
from sfdoctor.status import ExitStatus

PASTES = {
    # simple-salesforce, old and new exception formats
    "simple_salesforce_old": (
        "simple_salesforce.exceptions.SalesforceAuthenticationFailed: INVALID_LOGIN: Invalid "
        "username, password, security token; or user locked out.",
        "invalid_credentials",
    ),
    "simple_salesforce_new": (
        "Authentication failed (code: invalid_grant): authentication failure",
        "ambiguous_auth_failure",
    ),
    "jsforce": (
        "Error: LOGIN_MUST_USE_SECURITY_TOKEN: Invalid username, password, security "
        "token; or user locked out. Are you at a new location?",
        "security_token_required",
    ),
    "restforce": ("Restforce::AuthenticationError: invalid_grant: inactive user", "user_inactive"),
    "sf_cli": (
        "Error authenticating with the refresh token due to: ip restricted",
        "ip_restricted",
    ),
    "wsc": (
        "[UnexpectedErrorFault [ApiFault  exceptionCode='UNSUPPORTED_CLIENT'\n "
        "exceptionMessage='TLS 1.0 has been disabled in this organization. Please use TLS 1.1 "
        "or higher when connecting to Salesforce using https.'\n]\n]",
        "tls_unsupported",
    ),
    "suds": (
        "WebFault: Server raised fault: 'LOGIN_DURING_RESTRICTED_DOMAIN: cannot log in from "
        "current domain'",
        "ip_restricted",
    ),
    "rest_array": (
        '[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]',
        "request_limit_exceeded",
    ),
    "login_history": ("Failed: API security token required", "security_token_required"),
    "elf": ("LOGIN_ERROR_USER_FROZEN", "user_frozen"),
    "traceback": (
        'Traceback (most recent call last):\n  File "sync.py", line 12, in <module>\n'
        "    sf = Salesforce(username=u, password=p, security_token=t)\n"
        '  File "/venv/lib/python3.11/site-packages/simple_salesforce/api.py", line 146, '
        "in __init__\n"
        "    self.session_id, self.sf_instance = SalesforceLogin(\n"
        "simple_salesforce.exceptions.SalesforceAuthenticationFailed: Authentication failed "
        "(code: INVALID_OPERATION): SOAP API login() is disabled by default in this org. "
        "Contact the org administrator to enable SOAP API login().",
        "soap_login_disabled",
    ),
}


@pytest.mark.parametrize("name", sorted(PASTES))
def test_console_names_the_cause(run, name: str) -> None:
    text, cause = PASTES[name]
    r = run("explain", text)
    assert r.status == ExitStatus.OK
    assert f"[{cause}" in r.out
    assert "What to do:" in r.out
    assert "https://" in r.out


@pytest.mark.parametrize("name", sorted(PASTES))
def test_json_names_the_cause(run, name: str) -> None:
    text, cause = PASTES[name]
    r = run("explain", text, "--format", "json")
    doc = json.loads(r.out)
    assert r.status == ExitStatus.OK
    assert doc["schema"] == "sfdoctor.explain/1"
    best = doc["matches"][0]
    assert best["cause"] == cause
    assert best["remediation"] and best["references"] and best["evidence"]
    assert best["confidence"] in ("high", "medium", "low")


def test_stdin(run) -> None:
    r = run(
        "explain",
        "-",
        "--format",
        "json",
        stdin='{"error":"invalid_client_id","error_description":"client identifier invalid"}',
    )
    assert json.loads(r.out)["matches"][0]["cause"] == "invalid_client_id"


def test_garbage_is_inconclusive_not_a_traceback(run) -> None:
    r = run("explain", "lorem ipsum dolor sit amet")
    assert r.status == ExitStatus.INCONCLUSIVE
    assert "No known Salesforce signature" in r.out
    assert "Traceback" not in r.out + r.err


def test_garbage_json_has_empty_matches(run) -> None:
    r = run("explain", "KeyError: 'foo'", "--format", "json")
    assert r.status == ExitStatus.INCONCLUSIVE
    doc = json.loads(r.out)
    assert (doc["schema"], doc["family"], doc["matches"]) == ("sfdoctor.explain/1", None, [])
    # Never a dead end: what to collect next, and (none here) the closest known texts.
    assert doc["nearest"] == [] and doc["next_steps"]


@pytest.mark.parametrize("stdin", ["", "   \n\t"])
def test_empty_input_is_a_usage_error(run, stdin: str) -> None:
    r = run("explain", "-", stdin=stdin)
    assert r.status == ExitStatus.USAGE
    assert "empty" in r.err


def test_generic_failure_lists_ranked_candidates(run) -> None:
    r = run("explain", "invalid_grant: authentication failure", "--format", "json")
    best = json.loads(r.out)["matches"][0]
    assert best["cause"] == "ambiguous_auth_failure"
    assert best["candidates"][0]["confirm"]
    assert "Login History" in r.out


def test_cause_and_list(run) -> None:
    one = run("explain", "--cause", "password_flow_disabled")
    assert one.status == ExitStatus.OK
    assert "Allow OAuth Username-Password Flows" in one.out
    listing = run("explain", "--list", "--format", "json")
    ids = [c["cause"] for c in json.loads(listing.out)["causes"]]
    assert "security_token_required" in ids and len(ids) == len(set(ids))


def test_unknown_cause_is_a_usage_error(run) -> None:
    r = run("explain", "--cause", "no_such_cause")
    assert r.status == ExitStatus.USAGE
    assert "--list" in r.err


SECRET_PASTE = (
    "curl https://login.salesforce.com/services/oauth2/token -d grant_type=password "
    "-d client_id=3MVG9CanaryClientId -d client_secret=CanarySecret1234 "
    "-d username=ops@acme.com -d password=CanaryPassw0rdTOKEN\n"
    "Authorization: Bearer 00D5g000004CANRY!AQ4AQCanaryAccess\n"
    '{"error":"invalid_grant","error_description":"authentication failure"}'
)


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_pasted_secrets_never_come_back(run, fmt: str) -> None:
    r = run("explain", SECRET_PASTE, "--format", fmt)
    for canary in ("CanarySecret1234", "CanaryPassw0rdTOKEN", "AQ4AQCanaryAccess"):
        assert canary not in r.out + r.err


def test_server_text_is_not_rich_markup(run) -> None:
    r = run("explain", "invalid_grant: ip restricted [bold red]boom[/bold red] end")
    assert "[bold red]boom[/bold red]" in r.out


def test_public_api_matches_the_command() -> None:
    result = sfdoctor.explain('{"error":"invalid_grant","error_description":"ip restricted"}')
    assert result.cause == "ip_restricted"
    assert result.to_dict()["matches"][0]["cause"] == "ip_restricted"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("security_token", "security_token_required"),
        ("security-token-required", "security_token_required"),
        ("ip_restrict", "ip_restricted"),
        ("user_lockedout", "user_locked_out"),
    ],
)
def test_a_mistyped_cause_gets_a_suggestion(run, typed: str, meant: str) -> None:
    r = run("explain", "--cause", typed)
    assert r.status == ExitStatus.USAGE
    assert "did you mean" in r.err and meant in r.err


class _Terminal:
    """Standard input that is a terminal, holding what the user pastes."""

    def __init__(self, text: str) -> None:
        self.text = text

    def isatty(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        """What a terminal gives: the paste, then end of input (Ctrl-D)."""
        text, self.text = self.text, ""
        return text


def test_dash_on_a_terminal_says_how_to_end_the_paste(run, monkeypatch) -> None:
    import sys

    monkeypatch.setattr(sys, "stdin", _Terminal("invalid_grant: ip restricted"))
    r = run("explain", "-")
    assert r.status == ExitStatus.OK and "ip_restricted" in r.out
    assert "paste the error, then Ctrl-D" in r.err


class _TerminalBytes:
    """A terminal's buffered byte stream: one read returns the paste once Ctrl-D ends it
    (short: end of input); that end is not sticky, so a further read would wait for the user
    to press Ctrl-D again."""

    def __init__(self, paste: bytes) -> None:
        self.reads = [paste]

    def read(self, size: int = -1) -> bytes:
        assert self.reads, "read again after Ctrl-D: the user would have to press it twice"
        return self.reads.pop(0)


def test_one_ctrl_d_ends_a_paste_at_the_terminal(run, monkeypatch) -> None:
    import sys

    terminal = _Terminal("")
    terminal.buffer = _TerminalBytes(b"invalid_grant: ip restricted\n")  # type: ignore[attr-defined]
    monkeypatch.setattr(sys, "stdin", terminal)
    r = run("explain", "-")
    assert r.status == ExitStatus.OK and "ip_restricted" in r.out


def test_dash_from_a_pipe_says_nothing(run) -> None:
    r = run("explain", "-", stdin="invalid_grant: ip restricted")
    assert r.status == ExitStatus.OK and r.err == ""


def test_a_recognised_status_says_what_it_is_in_every_report(run, tmp_path) -> None:
    """A success status or a UI-only refusal is known: every format says what it is, and
    none claims a failure cause or calls it unrecognised."""
    reports = {ext: tmp_path / f"r.{ext}" for ext in ("md", "xml", "html", "txt")}
    args = [a for p in reports.values() for a in ("--report", str(p))]
    r = run("explain", "Failed: API-only user", *args)
    assert r.status == ExitStatus.INCONCLUSIVE, "no failure cause was named"
    assert "API Only User" in r.out and "No known Salesforce" not in r.out
    for ext, path in reports.items():
        body = path.read_text(encoding="utf-8")
        assert "API Only User" in body, ext
        assert "No known Salesforce signature" not in body, ext


def test_a_look_alike_is_never_called_salesforces_text(run, tmp_path) -> None:
    """Another provider's error (Entra ID's AADSTS) is a known look-alike: no report calls
    it a Salesforce text, while a recognised Salesforce status still is one."""
    reports = {ext: tmp_path / f"r.{ext}" for ext in ("md", "xml", "html", "svg", "txt")}
    args = [a for p in reports.values() for a in ("--report", str(p))]
    r = run("explain", "AADSTS7000215: Invalid client secret is provided.", *args)
    assert r.status == ExitStatus.INCONCLUSIVE
    assert "look-alike" in r.out and "Salesforce text" not in r.out
    for ext, path in reports.items():
        body = path.read_text(encoding="utf-8")
        assert "Entra" in body, ext
        assert "Salesforce text" not in body, ext
        assert "look-alike" in body, ext
    known = run("explain", "Failed: API-only user")
    assert "Known Salesforce text" in known.out


def test_the_summary_card_says_how_many_candidates_it_leaves_out(run, tmp_path) -> None:
    """Modern INVALID_LOGIN covers eight causes: the card names five and says the full
    report below has the rest; the full report lists all eight."""
    html, svg = tmp_path / "r.html", tmp_path / "r.svg"
    r = run("explain", "INVALID_LOGIN: Invalid username, password, security token; or user "
            "locked out.", "--report", str(html), "--report", str(svg))  # fmt: skip
    assert r.status == ExitStatus.OK
    body = html.read_text(encoding="utf-8")
    card, full = body.split("Full report", 1)
    assert "and 3 more in the full report below" in card
    assert "org_inactive" not in card and "org_inactive" in full
    drawn = svg.read_text(encoding="utf-8").replace("&#160;", " ")
    assert "(+3 more below)" in drawn


def test_a_signatures_note_comes_with_its_answer_in_every_form(run, tmp_path) -> None:
    """What a signature knows about its text (here: a bare 401 may be another service's)
    is shown with the answer, in the console, the JSON and the reports."""
    text = "401 Unauthorized"
    reports = {ext: tmp_path / f"r.{ext}" for ext in ("md", "html", "txt")}
    args = [a for p in reports.values() for a in ("--report", str(p))]
    r = run("explain", text, *args)
    assert "Note:" in r.out and "Marketing Cloud" in r.out
    for ext, path in reports.items():
        assert "Marketing Cloud" in path.read_text(encoding="utf-8"), ext
    best = json.loads(run("explain", text, "--format", "json").out)["matches"][0]
    assert best["cause"] == "session_invalid" and best["confidence"] == "low"
    assert "another service" in best["note"]
    # A signature without a note adds none.
    plain = json.loads(run("explain", "LOGIN_ERROR_USER_FROZEN", "--format", "json").out)
    assert "note" not in plain["matches"][0]


def test_a_transport_failure_naming_no_salesforce_host_is_flagged_in_the_card(
    run, tmp_path
) -> None:
    """A proxy refusal pasted alone may be any service's: the card says so, above the fix."""
    html = tmp_path / "r.html"
    r = run("explain", "Error (407) Proxy Authentication Required", "--report", str(html))
    card = html.read_text(encoding="utf-8").split("Full report", 1)[0]
    assert "Caution" in card and "Nothing in the text says the failing request" in card
    assert "medium" in r.out


def test_a_failure_on_the_way_to_another_host_is_flagged_in_the_card(run, tmp_path) -> None:
    """A TLS failure on the way to a host that is not Salesforce's, beside a Salesforce
    endpoint (a mistyped login host): the answer drops to medium and the report's summary
    card says where the request went, not only the full report."""
    text = (
        "Uncaught (in promise) Error: request to https://login.salesforc.com/services/oauth2/"
        "token failed, reason: self signed certificate in certificate chain."
    )
    html, svg = tmp_path / "r.html", tmp_path / "r.svg"
    run("explain", text, "--report", str(html), "--report", str(svg))
    card = html.read_text(encoding="utf-8").split("Full report", 1)[0]
    assert "Caution" in card and "login.salesforc.com, not a Salesforce host" in card
    assert "Caution" in svg.read_text(encoding="utf-8")
    best = json.loads(run("explain", text, "--format", "json").out)["matches"][0]
    assert best["confidence"] == "medium"
    # Credentials in the URL are neither the host nor shown; a Salesforce host behind them
    # keeps the answer's confidence.
    canary = "S3cretCanary"
    with_user = (
        f"Error: request to https://admin:{canary}@login.salesforc.com/services/oauth2/token "
        "failed, reason: self "
    )
    out = run(
        "explain", with_user + "signed certificate in certificate chain", "--format", "json"
    ).out
    assert canary not in out and "went to login.salesforc.com," in out
    sf = (
        f"Error: request to https://admin:{canary}@acme.my.salesforce.com/services failed, reason: "
    )
    best = json.loads(run("explain", sf + "self signed certificate", "--format", "json").out)
    assert best["matches"][0]["confidence"] == "high" and canary not in json.dumps(best)


def test_another_services_certificate_failure_is_a_look_alike_on_every_output(
    run, tmp_path
) -> None:
    """Pasted alone, a certificate failure on a call to another service names no cause: the
    console says it is a known look-alike (exit 3), the JSON lists it as recognised, and the
    credentials in its URL appear nowhere."""
    canary = "S3cretCanary"
    text = (
        f"Uncaught (in promise) Error: request to https://admin:{canary}@inspect.dev/api/"
        "changelog failed, reason: self signed certificate in certificate chain."
    )
    r = run("explain", text)
    assert r.status == ExitStatus.INCONCLUSIVE
    assert "look-alike" in r.out and canary not in r.out
    doc = json.loads(run("explain", text, "--format", "json").out)
    assert doc["matches"] == []
    assert [k["signature"] for k in doc["recognised"]] == ["lookalike.foreign_secure_host"]
    assert canary not in json.dumps(doc)


def test_markdown_lists_the_signatures_own_candidates(run, tmp_path) -> None:
    """INVALID_LOGIN's candidates are its own list (an expired org among them), in Markdown
    as on the console."""
    md = tmp_path / "r.md"
    run(
        "explain",
        "INVALID_LOGIN: Invalid username, password, security token; or user locked out.",
        "--report",
        str(md),
    )
    assert "org_inactive" in md.read_text(encoding="utf-8")


def test_a_candidate_is_not_repeated_as_another_possible_cause(run, tmp_path) -> None:
    """Salto's sentence also contains Salesforce's 'user is inactive': that reading is one of
    the answer's candidates (with what confirms it), so it is not listed again as a second,
    high-confidence cause; the card carries the signature's note."""
    text = "Salesforce user is inactive, please re-authenticate"
    html = tmp_path / "r.html"
    r = run("explain", text, "--report", str(html))
    assert "User is inactive" in r.out  # as a candidate
    assert "Also possible" not in r.out and "other possible cause" not in r.out
    card = html.read_text(encoding="utf-8").split("Full report")[0]
    assert "Could also be" not in card
    assert "may well be active" in card
    doc = json.loads(run("explain", text, "--format", "json").out)
    assert [m["cause"] for m in doc["matches"]] == ["ambiguous_auth_failure", "user_inactive"]


def test_a_status_of_a_login_sfdoctor_does_not_diagnose_ends_on_its_note(run) -> None:
    """A SAML status is a failed login: the closing line sends you to its note, not to read
    Login History for the failed attempt (that is what a success status needs)."""
    r = run("explain", "Failed: Issuer Mismatched")
    assert r.status == 3
    assert (
        r.out.rstrip().splitlines()[-1].strip()
        == "\u2192 What it is and what to do: the note above"
    )
    ok = run("explain", "LOGIN_NO_ERROR")
    assert "read that attempt's Status in Setup > Login History" in ok.out


def test_a_closed_standard_input_is_a_usage_error(run, monkeypatch) -> None:
    """`explain - <&-` leaves sys.stdin None: it once ended in an internal error (exit 4)."""
    import sys

    monkeypatch.setattr(sys, "stdin", None)
    r = run("explain", "-")
    assert r.status == ExitStatus.USAGE and "standard input is closed" in r.err


def test_a_usage_error_never_echoes_an_arguments_escape_sequence(run) -> None:
    r = run("triage", "a.csv", "--bogus\x1b]8;;http://evil.example/\x07b\x1b[2J")
    assert r.status == ExitStatus.USAGE and "unrecognized arguments: --bogus" in r.err
    assert "\x1b" not in r.err and "\x07" not in r.err


def test_a_heading_that_wraps_stays_under_its_title(run, monkeypatch) -> None:
    """At 80 columns the first heading of Copilot for Sales' "Access denied for this user."
    wraps: its second line once started at the left edge, as if it were a new line."""
    monkeypatch.setenv("COLUMNS", "80")
    lines = run("explain", "Access denied for this user.").out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("\u2717 Connected app"))
    assert lines[first + 1] == "  confidence]", lines[first : first + 2]
    assert all(len(line) <= 80 for line in lines if "https://" not in line)
