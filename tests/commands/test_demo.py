"""``sfdoctor demo`` and ``simulate``: every scenario diagnosed as intended, end to end."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys

import pytest

from sfdoctor.check.options import CheckOptions
from sfdoctor.commands.check import run as run_check
from sfdoctor.simulator import SCENARIOS, serve
from sfdoctor.status import ExitStatus

NAMES = list(SCENARIOS)


def _sfdoctor() -> list[str]:
    script = os.path.join(os.path.dirname(sys.executable), "sfdoctor")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "sfdoctor"]


@pytest.mark.parametrize("name", NAMES)
def test_scenario_through_main(run, name: str) -> None:
    sc = SCENARIOS[name]
    r = run("demo", name, "--format", "json")
    doc = json.loads(r.out)
    causes = [f["cause"] for f in doc["findings"] if f["severity"] != "info"]  # not the radar
    assert (causes[0] if causes else None) == sc.expected_cause
    assert doc["flow"] == sc.flow
    assert doc["attempts_used"] == sc.expected_attempts
    assert r.status == doc["exit_code"]
    assert name in r.err  # the "simulated org" line goes to stderr with --format json


@pytest.mark.parametrize("name", NAMES)
def test_org_saw_exactly_the_expected_logins(name: str) -> None:
    sc = SCENARIOS[name]
    with serve(sc.org()) as org:
        out = io.StringIO()
        run_check(
            CheckOptions(fmt="json", flow=sc.flow),
            environ=sc.env(org.url),
            stdout=out,
            stderr=io.StringIO(),
        )
        assert org.login_attempts == sc.expected_attempts


def test_revoked_session_answers_each_endpoint_as_salesforce_does(run) -> None:
    """The identity URL says 403 Bad_OAuth_Token, the REST API 401 INVALID_SESSION_ID; both
    are read as the session, and the finding keeps the surer evidence of the two."""
    doc = json.loads(run("demo", "session-revoked", "--format", "json").out)
    lines = {c["name"]: c for c in doc["checks"]}
    assert lines["identity"]["summary"] == "session_invalid: Bad_OAuth_Token"
    assert "INVALID_SESSION_ID" in lines["limits"]["summary"]
    [f] = [f for f in doc["findings"] if f["cause"] == "session_invalid"]
    assert f["confidence"] == "high" and "INVALID_SESSION_ID" in f["evidence"][0]


def test_default_demo_is_the_laptop_trap(run) -> None:
    r = run("demo")
    assert r.status == ExitStatus.OK
    assert "Simulated org" in r.out and "trusted-no-token" in r.out
    assert "trusted_network_only" in r.out


def test_a_findings_title_that_wraps_hangs_under_its_first_word(run, monkeypatch) -> None:
    """At 80 columns the demo's finding title wraps: its second line once started at the
    left edge, under the mark, as if it were a line of its own."""
    monkeypatch.setenv("COLUMNS", "80")
    lines = run("demo").out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("! 1. Works without"))
    assert lines[first + 1].startswith("     carries the token)"), lines[first : first + 2]


def test_list(run) -> None:
    r = run("demo", "--list")
    assert r.status == ExitStatus.OK
    lines = r.out.splitlines()
    assert [line.split()[0] for line in lines[: len(NAMES)]] == NAMES
    assert "sfdoctor demo audit" in lines[-1]  # documented, and once found in neither list
    assert "sfdoctor demo audit" in run("demo", "--help").out


def test_all(run) -> None:
    r = run("demo", "--all", "--format", "json")
    assert r.status == ExitStatus.OK
    rows = json.loads(r.out)["scenarios"]
    assert [row["scenario"] for row in rows] == NAMES
    assert all(row["as_intended"] for row in rows)


def test_all_without_the_jwt_extra_counts_its_skips_apart(run, monkeypatch) -> None:
    """Skipped JWT scenarios once counted as diagnosed: "39 of 39", as_intended true."""
    monkeypatch.setattr("sfdoctor.commands.demo._needs_extra", lambda flow: flow == "jwt")
    r = run("demo", "--all", "--format", "json")
    rows = json.loads(r.out)["scenarios"]
    skipped = [row for row in rows if row["verdict"] == "skip"]
    assert r.status == ExitStatus.OK and skipped
    assert all(row["as_intended"] is None for row in skipped)
    assert all(row["as_intended"] is True for row in rows if row not in skipped)
    out = run("demo", "--all").out
    ran = len(rows) - len(skipped)
    assert f"({ran} of {ran}; {len(skipped)} skipped)" in out
    assert f"({len(rows)} of {len(rows)})" not in out


def test_all_console_table(run) -> None:
    r = run("demo", "--all")
    assert r.status == ExitStatus.OK
    for name in NAMES:
        assert name in r.out


def test_all_at_80_columns_cuts_nothing(run, monkeypatch) -> None:
    # The table squeezed into 80 columns read "f\u2026" for fail and "in\u2026" for as intended.
    monkeypatch.setenv("COLUMNS", "80")
    out = run("demo", "--all").out
    assert "\u2026" not in out
    assert "\u2713 untrusted-no-token  fail  security_token_required  1 attempt\n" in out
    assert "\u2713 healthy  ok  2 attempts\n" in out
    monkeypatch.setenv("COLUMNS", "120")
    assert "as intended" in run("demo", "--all").out.splitlines()[1]  # the table's header


def test_unknown_scenario(run) -> None:
    r = run("demo", "no-such-thing")
    assert r.status == ExitStatus.USAGE and "--list" in r.err


@pytest.mark.parametrize(
    ("name", "status"), [("healthy", 0), ("untrusted-no-token", 1), ("maintenance", 3)]
)
def test_installed_console_script(name: str, status: int) -> None:
    out = subprocess.run([*_sfdoctor(), "demo", name], capture_output=True, text=True, timeout=60)
    assert out.returncode == status, out.stderr
    assert "Simulated org" in out.stdout and "Traceback" not in out.stderr


def test_simulate_serves_a_plain_client() -> None:
    import requests

    proc = subprocess.Popen(
        [*_sfdoctor(), "simulate", "--scenario", "healthy"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        assert proc.stdout is not None
        while not any(line.startswith("Then:") for line in lines):
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else "no output"
            lines.append(line)
        text = "".join(lines)
        env = dict(re.findall(r"export (\w+)='([^']*)'", text))
        resp = requests.post(
            f"{env['SF_LOGIN_URL']}/services/oauth2/token",
            data={
                "grant_type": "password",
                "client_id": env["SF_CLIENT_ID"],
                "client_secret": env["SF_CLIENT_SECRET"],
                "username": env["SF_USERNAME"],
                "password": env["SF_PASSWORD"] + env["SF_SECURITY_TOKEN"],
            },
            timeout=10,
        )
        assert resp.status_code == 200 and resp.json()["token_type"] == "Bearer"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            rest, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()  # never leave a simulated org running after a failed test
            raise
    assert proc.returncode == 0
    assert "stopped; 1 login attempt served" in rest


def test_demo_writes_reports(run, tmp_path) -> None:
    target = tmp_path / "demo.json"
    r = run("demo", "stale-token", "--report", str(target))
    assert r.status == ExitStatus.PROBLEM
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["findings"][0]["cause"] == "security_token_invalid"


def test_reports_need_one_scenario(run, tmp_path) -> None:
    r = run("demo", "--all", "--report", str(tmp_path / "x.json"))
    assert r.status == ExitStatus.USAGE


def test_flows_of_the_scenarios() -> None:
    flows = {sc.flow for sc in SCENARIOS.values()}
    assert flows == {"password", "soap", "jwt", "client-credentials"}


def test_all_without_the_jwt_extra_skips_the_jwt_scenarios(run, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "jwt", None)  # import jwt -> ImportError
    r = run("demo", "--all", "--format", "json")
    assert r.status == ExitStatus.OK
    rows = {row["scenario"]: row for row in json.loads(r.out)["scenarios"]}
    jwt_rows = [n for n, sc in SCENARIOS.items() if sc.flow == "jwt"]
    assert jwt_rows and all(rows[n]["verdict"] == "skip" for n in jwt_rows)
    r = run("demo", "jwt-healthy")
    assert r.status == ExitStatus.USAGE and "pip install 'sfdoctor[jwt]'" in r.err


# --- the same options, the same way (issue 13) -------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("stale_token", "stale-token"), ("Stale-Token", "stale-token"), ("helthy", "healthy")],
)
def test_a_mistyped_scenario_gets_a_suggestion(run, typed: str, meant: str) -> None:
    r = run("demo", typed)
    assert r.status == ExitStatus.USAGE
    assert f"did you mean {meant}" in r.err and "--list" in r.err


def test_nothing_close_gets_the_list(run) -> None:
    r = run("demo", "zzzz")
    assert r.status == ExitStatus.USAGE and "did you mean" not in r.err and "--list" in r.err


def test_list_as_json(run) -> None:
    r = run("demo", "--list", "--format", "json")
    assert r.status == ExitStatus.OK
    doc = json.loads(r.out)
    assert doc["schema"] == "sfdoctor.scenarios/1" and doc["default"] == "trusted-no-token"
    assert [s["name"] for s in doc["scenarios"]] == NAMES
    first = doc["scenarios"][0]
    assert set(first) == {"name", "flow", "description", "expected_cause", "expected_attempts"}


@pytest.mark.parametrize("argv", [["stale-token"], ["--scenario", "stale-token"]])
def test_scenario_positional_or_option(run, argv: list[str]) -> None:
    r = run("demo", *argv, "--format", "json")
    assert r.status == ExitStatus.PROBLEM
    assert json.loads(r.out)["findings"][0]["cause"] == "security_token_invalid"


def test_two_different_scenarios_are_refused(run) -> None:
    r = run("demo", "healthy", "--scenario", "stale-token")
    assert r.status == ExitStatus.USAGE and "give one" in r.err


@pytest.mark.parametrize(
    "argv", [["simulate", "stale-token"], ["simulate", "--scenario", "stale-token"]]
)
def test_simulate_takes_the_scenario_the_same_way(argv: list[str]) -> None:
    from sfdoctor.cli import _scenario, build_parser

    args = build_parser("simulate").parse_args(argv)
    assert _scenario(args) == "stale-token"
    assert _scenario(build_parser("simulate").parse_args(["simulate"])) is None  # healthy


def test_simulate_suggests_too() -> None:
    from sfdoctor.commands.demo import simulate
    from sfdoctor.status import UsageError

    with pytest.raises(UsageError) as caught:
        simulate("stale_token", 0)
    assert "did you mean stale-token" in caught.value.hint


def test_check_options_work_on_demo(run) -> None:
    r = run("demo", "healthy", "--max-attempts", "1", "--timeout", "5", "--format", "json")
    doc = json.loads(r.out)
    assert doc["attempt_budget"] == 1 and doc["attempts_used"] == 1
    r = run("demo", "healthy", "--api-version", "64", "--query", "SELECT Id FROM User LIMIT 1")
    assert r.status == ExitStatus.OK and "v64.0" in r.out
    assert run("demo", "healthy", "--max-attempts", "0").status == ExitStatus.USAGE


def test_all_ends_with_its_verdict(run) -> None:
    r = run("demo", "--all")
    assert "Every scenario diagnosed as intended" in r.out.rstrip().splitlines()[-2]
