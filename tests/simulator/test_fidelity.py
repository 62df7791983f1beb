"""Answers real clients get as they get them from Salesforce: client credentials in an HTTP
Basic header, a JWT ``exp`` sent as a numeric string, an expired JWT, the login rate limit."""

from __future__ import annotations

import base64
import time

import jwt
import pytest
import requests

from sfdoctor.simulator import SCENARIOS
from sfdoctor.simulator import responses as R
from sfdoctor.simulator.bearer import decide_jwt_login
from sfdoctor.simulator.fakes import (
    CONSUMER_KEY,
    CONSUMER_SECRET,
    OLD_PASSWORD,
    OTHER_CONSUMER_SECRET,
    PASSWORD,
    SECURITY_TOKEN,
    USERNAME,
    build_org,
)
from sfdoctor.simulator.login import decide_password_login, decide_soap_login
from sfdoctor.simulator.org import LOGIN_RATE_LIMIT, LOGIN_RATE_WINDOW, LoginHistory, LoginType
from tests.simulator.conftest import TOKEN_PATH, jwt_login, password_login, soap_login

CC = SCENARIOS["client-credentials-healthy"]


# --- client credentials as HTTP Basic (RFC 6749 client_secret_basic) ----------------------


def test_client_credentials_as_basic_with_requests_auth(start) -> None:
    running = start(CC.org())
    response = requests.post(
        running.url + TOKEN_PATH,
        data={"grant_type": "client_credentials"},
        auth=(CONSUMER_KEY, CONSUMER_SECRET),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "Bearer"
    entry = running.log[-1]
    assert entry.fields["client_id"] == CONSUMER_KEY and entry.fields["client_secret"] == "****"
    assert not entry.authorized  # a Basic header carries no access token
    assert CONSUMER_SECRET not in repr(running.log)


def test_basic_with_a_wrong_secret_is_the_wrong_secret(start) -> None:
    running = start(CC.org())
    response = requests.post(
        running.url + TOKEN_PATH,
        data={"grant_type": "client_credentials"},
        auth=(CONSUMER_KEY, OTHER_CONSUMER_SECRET),
        timeout=10,
    )
    assert response.text == R.load(R.OAUTH_INVALID_SECRET).body


def test_password_grant_takes_basic_too(start) -> None:
    running = start(build_org())
    response = requests.post(
        running.url + TOKEN_PATH,
        data={
            "grant_type": "password",
            "username": USERNAME,
            "password": PASSWORD + SECURITY_TOKEN,
        },
        auth=(CONSUMER_KEY, CONSUMER_SECRET),
        timeout=10,
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "header",
    ["Basic !!!notbase64", "Basic " + base64.b64encode(b"no-colon").decode(), "Digest x"],
)
def test_unusable_authorization_is_no_credentials(start, header: str) -> None:
    running = start(CC.org())
    response = requests.post(
        running.url + TOKEN_PATH,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": header},
        timeout=10,
    )
    assert response.text == R.load(R.OAUTH_INVALID_CLIENT_ID).body


# --- the JWT exp claim --------------------------------------------------------------------


def _signed(env: dict[str, str], exp: object) -> str:
    with open(env["SF_JWT_KEY_FILE"], encoding="utf-8") as f:
        key = f.read()
    claims = {
        "iss": env["SF_CLIENT_ID"],
        "sub": env["SF_USERNAME"],
        "aud": "https://login.salesforce.com",
        "exp": exp,
    }
    return jwt.encode(claims, key, algorithm="RS256")


def _jwt_post(url: str, assertion: str) -> requests.Response:
    data = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion}
    return requests.post(url + TOKEN_PATH, data=data, timeout=10)


def test_jwt_exp_as_a_numeric_string_is_accepted(start) -> None:
    """simple-salesforce signs ``'exp': f'{expiration.timestamp():.0f}'``."""
    scenario = SCENARIOS["jwt-healthy"]
    running = start(scenario.org())
    env = scenario.env(running.url)
    response = _jwt_post(running.url, _signed(env, f"{time.time() + 180:.0f}"))
    assert response.status_code == 200, response.text
    assert running.org.login_history[-1].status == "Success"


def test_expired_jwt_is_an_expired_authorization_code(start) -> None:
    scenario = SCENARIOS["jwt-healthy"]
    running = start(scenario.org())
    env = scenario.env(running.url)
    response = _jwt_post(running.url, _signed(env, f"{time.time() - 60:.0f}"))
    assert (response.status_code, response.text) == (
        400,
        '{"error":"invalid_grant","error_description":"expired authorization code"}',
    )


def test_clock_skew_scenario_expires_a_fresh_assertion(start) -> None:
    scenario = SCENARIOS["jwt-clock-skew"]
    running = start(scenario.org())
    response = jwt_login(running.url, scenario.env(running.url))  # exp: this clock + 180 s
    assert response.json()["error_description"] == "expired authorization code"
    assert running.org.login_history == []  # no user row for a refused assertion


def test_a_fast_client_clock_still_logs_in() -> None:
    """Salesforce refuses an exp already past, not one far ahead: the sf CLI signs
    ``Date.now() + 300`` (milliseconds) and logs in (forcedotcom/sfdx-core authInfo.ts)."""
    scenario = SCENARIOS["jwt-healthy"]
    org = scenario.org()
    env = scenario.env("http://127.0.0.1:1")
    now = time.time()
    fast = decide_jwt_login(org, _signed(env, int(now) + 900), now)  # a client 10 min fast
    assert fast.ok and fast.answer is None
    millis = decide_jwt_login(org, _signed(env, int(now * 1000) + 300), now)  # the sf CLI
    assert millis.ok


# --- the login rate limit (3,600 logins per user per hour) --------------------------------


def test_default_limit_is_salesforces() -> None:
    assert build_org().login_rate_limit == LOGIN_RATE_LIMIT == 3600
    assert LOGIN_RATE_WINDOW == 3600.0


def test_the_limit_counts_every_attempt_and_ends_with_the_hour() -> None:
    org = build_org(org={"login_rate_limit": 3, "lockout_threshold": None})
    t0 = 1_800_000_000.0

    def attempt(password: str, at: float):
        outcome = decide_password_login(
            org, CONSUMER_KEY, CONSUMER_SECRET, USERNAME, password, now=at
        )
        org.apply(outcome, LoginType.OAUTH, now=at)
        return outcome

    assert attempt(PASSWORD + SECURITY_TOKEN, t0).ok
    assert not attempt(OLD_PASSWORD, t0 + 1).ok  # a failed login counts too (INFERRED)
    assert attempt(PASSWORD + SECURITY_TOKEN, t0 + 2).ok
    refused = attempt(PASSWORD + SECURITY_TOKEN, t0 + 3)
    assert (refused.answer, refused.login_history) == (
        R.OAUTH_LOGIN_RATE_EXCEEDED,
        LoginHistory.RATE_EXCEEDED,
    )
    assert not refused.counts_as_failure  # not toward the lockout
    assert not attempt(PASSWORD + SECURITY_TOKEN, t0 + 3000).ok  # refusals do not count...
    assert attempt(PASSWORD + SECURITY_TOKEN, t0 + LOGIN_RATE_WINDOW + 1).ok  # ...the hour ends
    user = org.user(USERNAME)
    assert user is not None and len(user.login_times) <= 3  # old times are dropped


def test_soap_login_has_the_same_limit() -> None:
    org = build_org(user={"logins_before": 3600})
    outcome = decide_soap_login(org, USERNAME, PASSWORD + SECURITY_TOKEN, 64.0)
    assert (outcome.answer, outcome.login_history) == (
        R.SOAP_LOGIN_RATE_EXCEEDED,
        LoginHistory.RATE_EXCEEDED,
    )


def test_jsforce_style_relogin_loop_ends_in_login_rate_exceeded(start) -> None:
    """jsforce logs in again on every 401 without a limit; the org stops it."""
    scenario = SCENARIOS["session-revoked"]
    org = scenario.org()
    org.login_rate_limit = 5
    running = start(org)
    env = scenario.env(running.url)
    answers = []
    for _ in range(10):
        login = password_login(running.url, env)
        answers.append(login.status_code)
        if login.status_code != 200:
            break
        api = requests.get(
            running.url + "/services/data/v64.0/limits",
            headers={"Authorization": f"Bearer {login.json()['access_token']}"},
            timeout=10,
        )
        assert api.status_code == 401  # and so the client logs in again
    assert answers == [200] * 5 + [400]
    assert login.json() == {"error": "invalid_grant", "error_description": "login rate exceeded"}
    history = [row.status for row in running.org.login_history]
    assert history == ["Success"] * 5 + ["Login Rate Exceeded"]


def test_rate_limited_scenarios_over_http(start) -> None:
    for name, login in (("rate-limited", password_login), ("soap-rate-limited", None)):
        scenario = SCENARIOS[name]
        running = start(scenario.org())
        env = scenario.env(running.url)
        if login is None:
            response = soap_login(
                running.url, env["SF_USERNAME"], env["SF_PASSWORD"] + env["SF_SECURITY_TOKEN"]
            )
            assert response.status_code == 500 and "LOGIN_RATE_EXCEEDED" in response.text
        else:
            response = login(running.url, env)
            assert response.json()["error_description"] == "login rate exceeded"
        assert running.org.login_history[-1].status == "Login Rate Exceeded"
