"""The scenarios: complete, well-formed, and their expectations true to the org's answers.

A small reference checker (the differential of DESIGN.md, reading each failure's cause
from the fixture that was served) must reach every scenario's ``expected_cause`` with
exactly ``expected_attempts`` logins. It checks the scenarios, not sfdoctor's checker.
"""

from __future__ import annotations

import os

import pytest
import requests

from sfdoctor.check.config import REQUIRED_BY_FLOW
from sfdoctor.diagnosis.knowledge import load
from sfdoctor.models import Flow
from sfdoctor.simulator import DEFAULT, SCENARIOS, Scenario
from sfdoctor.simulator import responses as R
from sfdoctor.simulator.org import SECURITY_TOKEN_LENGTH
from tests.conftest import FIXTURES, load_fixture
from tests.simulator.conftest import login_once

REQUIRED = [
    "healthy",
    "trusted-network",
    "trusted-no-token",
    "untrusted-no-token",
    "legacy-token-message",
    "stale-token",
    "wrong-password",
    "locked-out",
    "ip-restricted",
    "flow-disabled",
    "bad-client-id",
    "bad-client-secret",
    "app-not-approved",
    "inactive-user",
    "inactive-org",
    "maintenance",
    "session-revoked",
    "api-disabled",
]


def test_every_required_scenario_in_order() -> None:
    assert list(SCENARIOS)[: len(REQUIRED)] == REQUIRED
    assert DEFAULT == "trusted-no-token" and DEFAULT in SCENARIOS


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_is_well_formed(name: str) -> None:
    scenario = SCENARIOS[name]
    assert scenario.name == name
    assert scenario.description and "\n" not in scenario.description
    assert scenario.expected_cause is None or scenario.expected_cause in load().causes
    assert scenario.expected_attempts in (1, 2)
    assert scenario.expected_attempts == 1 or scenario.has_token
    assert scenario.flow in {str(f) for f in Flow}
    env = scenario.env("http://127.0.0.1:1")
    assert env["SF_LOGIN_URL"] == "http://127.0.0.1:1"
    # exactly what the flow needs (config.REQUIRED_BY_FLOW), the token optional
    needed = {"SF_" + n.upper() for n in REQUIRED_BY_FLOW[scenario.flow]}
    assert set(env) - {"SF_SECURITY_TOKEN"} == {"SF_LOGIN_URL", *needed}
    assert "SF_SECURITY_TOKEN" not in env or scenario.flow in ("password", "soap")
    assert len(env.get("SF_SECURITY_TOKEN", "x" * 24)) == SECURITY_TOKEN_LENGTH
    if "SF_CLIENT_ID" in env:
        assert env["SF_CLIENT_ID"].startswith("3MVG9") and len(env["SF_CLIENT_ID"]) == 85
    if "SF_CLIENT_SECRET" in env:
        assert len(env["SF_CLIENT_SECRET"]) == 64
    if "SF_PASSWORD" in env:
        assert not env["SF_PASSWORD"].endswith(env.get("SF_SECURITY_TOKEN", "\0"))
    if "SF_JWT_KEY_FILE" in env:
        mode = os.stat(env["SF_JWT_KEY_FILE"]).st_mode & 0o777
        assert mode == 0o600, oct(mode)
    assert scenario.org() is not scenario.org()  # fresh every time


def test_scenario_records_are_frozen() -> None:
    with pytest.raises(AttributeError):
        SCENARIOS["healthy"].name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        SCENARIOS["healthy"].credentials["SF_PASSWORD"] = "x"  # type: ignore[index]


# --- the reference checker ----------------------------------------------------------------

_CAUSE_BY_BODY = {
    (R.load(name).status, R.load(name).body): load_fixture(FIXTURES / f"{name}.json")["cause"]
    for name in R.SERVED
}
# Answers a login without the token can still refine: OAuth's "authentication failure";
# for SOAP also INVALID_LOGIN (it cannot tell a wrong password from a stale token).
_GENERIC = {"password": {"ambiguous_auth_failure"}, "soap": {"invalid_credentials"}}


def _cause(response: requests.Response) -> str | None:
    if response.ok:
        return None
    return _CAUSE_BY_BODY[(response.status_code, response.text)]


def _session(response: requests.Response) -> str:
    if response.headers["Content-Type"].startswith("text/xml"):
        return response.text.split("<sessionId>")[1].split("</sessionId>")[0]
    return str(response.json()["access_token"])


def reference_diagnosis(scenario: Scenario, url: str) -> tuple[str | None, int]:
    first = login_once(url, scenario)
    attempts = 1
    cause = _cause(first)
    if scenario.flow in ("jwt", "client-credentials"):
        pass  # one login, whatever it answers
    elif cause not in (None, *_GENERIC[scenario.flow]):
        return cause, attempts  # a specific answer decides: no second attempt
    elif scenario.has_token:
        second = login_once(url, scenario, with_token=False)
        attempts += 1
        if first.ok:
            cause = None
        elif second.ok or _cause(second) == "security_token_required":
            cause = "security_token_invalid"  # the password alone is right
    elif first.ok:
        return "trusted_network_only", attempts
    else:
        return "security_token_required", attempts
    if first.ok:
        token = _session(first)
        limits = requests.get(
            f"{url}/services/data/v65.0/limits",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        cause = _cause(limits)
    return cause, attempts


@pytest.mark.parametrize("name", SCENARIOS)
def test_expectations_follow_from_the_orgs_answers(start, name: str) -> None:
    scenario = SCENARIOS[name]
    running = start(scenario.org())
    cause, attempts = reference_diagnosis(scenario, running.url)
    assert (cause, attempts) == (scenario.expected_cause, scenario.expected_attempts)
    assert running.login_attempts == scenario.expected_attempts
