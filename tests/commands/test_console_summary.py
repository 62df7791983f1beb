"""The answer first (issue 13): every console report opens and ends with its answer.

A report printed whole says its verdict, cause and action in one line under its heading;
every report ends with a closing block (the verdict, the cause by title and id, the one
recommended action, where the details are). ``check`` and ``demo`` fit one 100 x 40 screen
by default, for every demo scenario; ``--details`` and the report files have everything.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest

from sfdoctor.check.radar import PASSWORD_FLOW, SOAP_LOGIN, countdown
from sfdoctor.commands.demo import _needs_extra
from sfdoctor.diagnosis.knowledge import load
from sfdoctor.output.console import ACTION_LIMIT, ARROW, action_for, one_line
from sfdoctor.simulator import SCENARIOS
from sfdoctor.status import ExitStatus

NAMES = list(SCENARIOS)
SCREEN = (100, 40)


@pytest.fixture
def columns(monkeypatch: pytest.MonkeyPatch):
    """Standard output is a pipe (not a terminal): ``COLUMNS`` sets the width."""

    def _set(n: int) -> None:
        monkeypatch.setenv("COLUMNS", str(n))

    _set(SCREEN[0])
    return _set


def _closing(out: str) -> list[str]:
    """The closing block: from its blank line to the end."""
    lines = out.rstrip("\n").split("\n")
    start = len(lines) - 1 - lines[::-1].index("")
    return lines[start + 1 :]


@pytest.mark.parametrize("name", NAMES)
def test_every_scenario_fits_one_screen_and_ends_with_its_answer(run, columns, name) -> None:
    sc = SCENARIOS[name]
    if _needs_extra(sc.flow):
        pytest.skip("the JWT scenarios need the jwt extra")
    r = run("demo", name)
    lines = r.out.rstrip("\n").split("\n")
    width, height = SCREEN
    assert len(lines) <= height, f"{len(lines)} lines:\n{r.out}"
    assert max(len(line) for line in lines) <= width, r.out
    block = _closing(r.out)
    text = " ".join(block)
    verdict = lines[-1].split(":")[0]
    assert verdict in ("OK", "WARN", "FAIL") and block[-1] == lines[-1]
    # the header says the same, in one line, under the heading
    header = lines[next(i for i, line in enumerate(lines) if line.startswith("sfdoctor check")) + 1]
    assert header.startswith(f"{verdict}  ")
    if sc.expected_cause is None:
        assert "No problem found" in block[0] and "nothing to fix" in text
        return
    # the cause by its title (this run's words, as finding 1 has it) and its id
    first = next(line for line in lines if re.match(r"^[\u2717!] 1\. ", line))
    title = first[5:]
    assert block[0][2 : 2 + len(title)] == title and f"({sc.expected_cause})" in text
    assert f"({sc.expected_cause})" in header
    (arrow,) = [line for line in block if line.lstrip().startswith(ARROW)]
    assert len(arrow) <= width and not arrow.endswith("\u2026"), "the action in one line"
    assert "--details" in text  # where the details are


def test_the_answer_of_the_laptop_trap(run, columns) -> None:
    r = run("demo", "untrusted-no-token")
    block = "\n".join(_closing(r.out))
    assert "Security token required" in block and "(security_token_required)" in block
    assert f"{ARROW} Append the user's security token to the password" in block
    assert "never widen IP ranges" in block
    assert "6 other candidates above" in block and "every step: --details" in block
    # No token was configured: neither a stale token nor one appended twice is possible.
    assert "security_token_invalid" not in r.out and "token_in_password" not in r.out
    assert block.endswith(
        "FAIL: 2 checks passed, 0 warnings, 1 failure; 1 of 2 login attempts used"
    )


def test_default_hides_what_details_shows(run, columns) -> None:
    short = run("demo", "untrusted-no-token").out
    full = run("demo", "untrusted-no-token", "--details").out
    for part in ("Login History: Password Lockout", "https://help.salesforce.com", "openssl req"):
        assert part not in short and part in full, part
    assert "What to do: Get the user's current token" in short  # the first step
    assert "every step above" in full
    # the radar in one line by default, its recipe with --details
    assert re.search(r"username-password flow  stops working 2027-02-20 \(\d+ days?\)", short)
    assert "Deprecation radar  (--details: the way out, step by step)" in short


def test_report_files_always_have_everything(run, columns, tmp_path) -> None:
    target = tmp_path / "report.txt"
    r = run("demo", "untrusted-no-token", "--report", str(target))
    assert r.status == ExitStatus.PROBLEM
    text = target.read_text(encoding="utf-8")
    for part in ("What to do:", "Login History: Password Lockout", "openssl req", "Inputs"):
        assert part in text, part
    assert "(security_token_required)" in "\n".join(_closing(text))


def test_radar_notes_never_read_as_failures(run, columns) -> None:
    doc = json.loads(run("demo", "healthy", "--format", "json").out)
    (note,) = [f for f in doc["findings"] if f["severity"] == "info"]
    # the JSON contract: finding.cause is an id of CAUSES.md
    assert note["cause"] == "password_flow_disabled"
    assert note["title"].startswith(f"Username-password flow retires {PASSWORD_FLOW.date}")
    assert "username-password flow (grant_type=password)" in note["evidence"][0]
    radar = next(c for c in doc["checks"] if c["stage"] == "radar")
    assert radar["summary"].startswith(f"stops working {PASSWORD_FLOW.date} (")
    short = run("demo", "healthy").out
    assert "password_flow_disabled" not in short and "Findings" not in short
    full = run("demo", "healthy", "--details").out
    assert "password_flow_disabled \u00b7 info" not in full
    assert "deprecation radar note, not a diagnosis" in full


def test_a_radar_note_never_says_the_flow_works_when_every_login_failed(run, columns) -> None:
    """The note once said the flow "works today" right under a refused login."""
    r = run("demo", "flow-disabled", "--details")
    assert r.status == ExitStatus.PROBLEM
    assert "works today" not in r.out and "deprecation radar note, not a diagnosis" in r.out


def test_soap_radar_counts_to_the_summer_release(run, columns) -> None:
    out = run("demo", "soap-healthy").out
    assert re.search(r"SOAP login\(\)  retires in Summer '27, about 2027-06-12 \(\d+ days\)", out)


def test_countdown() -> None:
    assert countdown(PASSWORD_FLOW, date(2027, 2, 19)) == "2027-02-20 (1 day)"
    assert countdown(PASSWORD_FLOW, date(2027, 2, 22)) == "2027-02-20 (passed 2 days ago)"
    assert countdown(SOAP_LOGIN, date(2027, 6, 2)) == "Summer '27, about 2027-06-12 (10 days)"


def test_a_streamed_report_leaves_the_answer_to_the_end() -> None:
    """On a terminal the heading is out before the run: the answer comes at the end only."""
    from sfdoctor.check.options import CheckOptions
    from sfdoctor.commands.demo import demo

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    demo("untrusted-no-token", CheckOptions(), stdout=out, stderr=io.StringIO(), color=False)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue())
    assert "sfdoctor check" in text and "FAIL  " not in text
    assert "(security_token_required)" in "\n".join(_closing(text))


def test_piped_output_follows_columns(run, columns) -> None:
    columns(72)
    lines = run("demo", "stale-token").out.rstrip("\n").split("\n")
    assert max(len(line) for line in lines) <= 72


# --- explain and triage end the same way ---------------------------------------------------


def test_explain_ends_with_the_answer(run) -> None:
    r = run("explain", "LOGIN_MUST_USE_SECURITY_TOKEN: Invalid username, password")
    block = _closing(r.out)
    assert block[0].startswith("\u2717 Security token required") and block[0].endswith(
        "(security_token_required)"
    )
    assert block[1].strip() == f"{ARROW} {load().cause('security_token_required').action}"
    assert "every step" in block[-1]


def test_explain_dead_end_says_what_to_collect(run) -> None:
    r = run("explain", "nothing sfdoctor knows")
    assert r.status == ExitStatus.INCONCLUSIVE
    block = _closing(r.out)
    assert "No known Salesforce error" in block[0] and "Login History" in block[1]


def test_explain_cause_and_list_end_with_a_closing_block(run) -> None:
    block = _closing(run("explain", "--cause", "ip_restricted").out)
    assert block[0].endswith("(ip_restricted)") and ARROW in block[1]
    block = _closing(run("explain", "--list").out)
    assert f"{len(load().causes)} causes" in block[0] and "--cause ID" in block[-1]


def test_triage_answers_first_and_last(run, tmp_path) -> None:
    csv = tmp_path / "LoginHistory.csv"
    csv.write_text(
        "Username,Login Time,Source IP,Status\n"
        "a@acme.com,2026-11-01 10:00:00,198.18.0.1,Failed: API security token required\n"
        "a@acme.com,2026-11-01 11:00:00,198.18.0.1,Failed: API security token required\n"
        "b@acme.com,2026-11-02 10:00:00,198.18.0.2,Invalid Password\n",
        encoding="utf-8",
    )
    r = run("triage", str(csv))
    assert r.status == ExitStatus.PROBLEM
    lines = r.out.rstrip("\n").split("\n")
    header = next(line for line in lines if line.startswith("FAIL  "))
    assert "(security_token_required)" in header and lines.index(header) < 5
    block = " ".join(_closing(r.out))
    assert "(security_token_required)" in block and ARROW in block
    assert "2 failed logins" in block and "1 other cause above" in block
    assert lines[-1].startswith("FAIL: 3 rows")


# --- the one-line action --------------------------------------------------------------------


def test_every_cause_has_a_one_line_action() -> None:
    for entry in load().causes.values():
        assert entry.action and len(entry.action) <= ACTION_LIMIT, entry.id
        assert "\n" not in entry.action and not entry.action.endswith("."), entry.id


def test_action_for_prefers_what_the_run_learned() -> None:
    entry = load().cause("security_token_required")
    assert action_for(entry.id, entry.remediation) == entry.action
    learned = (
        "Run sfdoctor check from the host the integration runs on (CI): a password that "
        "carries the token works there too; a trusted network does not travel.",
    )
    assert action_for(entry.id, learned + entry.remediation) == (
        "Run sfdoctor check from the host the integration runs on (CI)"
    )


def test_one_line() -> None:
    assert one_line("Short step.") == "Short step"
    long = (
        "Before another attempt, ask an administrator for Setup > Login History (this user, "
        "these attempts): its Status names the cause; each candidate above lists it."
    )
    assert (
        one_line(long) == "Before another attempt, ask an administrator for Setup > Login History"
    )
    words = "word " * 40
    cut = one_line(words)
    assert len(cut) <= ACTION_LIMIT and cut.endswith("\u2026")


# --- -v: each answer with its request -------------------------------------------------------


def test_trace_pairs_answers_with_requests(run) -> None:
    err = run("demo", "healthy", "-v").err
    sent = {}
    answered = 0
    for line in err.splitlines():
        m = re.search(r"  \[#(\d+)\]$", line)
        if line.startswith("> ") and m:
            sent[m[1]] = line
        elif line.startswith("< ") and not line.startswith("<   "):
            assert m and m[1] in sent, f"an answer without its request: {line}"
            answered += 1
    assert answered == len(sent) >= 6
