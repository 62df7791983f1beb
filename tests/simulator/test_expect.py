"""What ``sfdoctor simulate`` tells a client to expect, and ``simulate --list``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from sfdoctor.simulator import SCENARIOS
from sfdoctor.simulator.expect import describe, expectations
from sfdoctor.simulator.scenarios import by_flow
from sfdoctor.status import ExitStatus
from tests.simulator.conftest import login_once


@pytest.mark.parametrize("name", SCENARIOS)
def test_first_expectation_is_what_the_served_org_answers(start, name: str) -> None:
    scenario = SCENARIOS[name]
    first = expectations(scenario)[0]
    running = start(scenario.org())
    response = login_once(running.url, scenario)
    rows = running.org.login_history
    assert first.status == response.status_code
    assert first.login_history == (rows[-1].status if rows else None)
    if first.status != 200:
        assert first.source.startswith("https://"), "a failure answer names its public source"


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_records_its_evidence(name: str) -> None:
    scenario = SCENARIOS[name]
    assert scenario.captured, "which answers are captured, and from where"
    text = describe(scenario)
    assert text.startswith("What a plain client should expect")
    assert "Captured from public evidence:" in text


def test_describe_names_answer_status_and_source() -> None:
    text = describe(SCENARIOS["untrusted-no-token"])
    assert "HTTP 400: invalid_grant: authentication failure" in text
    assert "Login History 'Failed: API security token required'" in text
    assert "https://github.com/omniphx/forrest/issues/274" in text
    soap = describe(SCENARIOS["soap-password-expired"])
    assert "passwordExpired = true" in soap and "INVALID_OPERATION_WITH_EXPIRED_PASSWORD" in soap


def test_simulate_list_groups_the_scenarios_by_flow(run) -> None:
    r = run("simulate", "--list")
    assert r.status == ExitStatus.OK
    headers = [line[:-1] for line in r.out.splitlines() if not line.startswith(" ")]
    assert headers == ["password", "soap", "jwt", "client-credentials"]
    names = [line.split()[0] for line in r.out.splitlines() if line.startswith(" ")]
    assert names == [s.name for group in by_flow().values() for s in group]
    assert sorted(names) == sorted(SCENARIOS)


def _sfdoctor() -> list[str]:
    script = os.path.join(os.path.dirname(sys.executable), "sfdoctor")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "sfdoctor"]


def test_simulate_prints_what_to_expect_before_serving() -> None:
    proc = subprocess.Popen(
        [*_sfdoctor(), "simulate", "--scenario", "rate-limited"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines: list[str] = []
        assert proc.stdout is not None
        while not any(line.startswith("Then:") for line in lines):
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else "no output"
            lines.append(line)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()  # never leave a simulated org running after a failed test
            raise
    text = "".join(lines)
    assert "What a plain client should expect" in text
    assert "invalid_grant: login rate exceeded" in text
    assert "Login History 'Login Rate Exceeded'" in text
    assert "https://github.com/n8n-io/n8n/issues/31948" in text
    assert proc.returncode == 0
