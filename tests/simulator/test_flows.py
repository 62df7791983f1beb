"""The simulated org's JWT bearer and client credentials decisions, and the flows end to end.

The JWT tests sign with key pairs generated at run time (sfdoctor.simulator.scenarios):
the org verifies the RS256 signature against the certificate uploaded to its app.
"""

from __future__ import annotations

import time

import jwt
import pytest

from sfdoctor.simulator import responses as R
from sfdoctor.simulator.bearer import decide_client_credentials_login, decide_jwt_login
from sfdoctor.simulator.fakes import (
    APP_KEY,
    BRANCH_RANGE,
    CONSUMER_KEY,
    CONSUMER_SECRET,
    OTHER_CONSUMER_KEY,
    OTHER_CONSUMER_SECRET,
    OTHER_KEY,
    PROFILE,
    USERNAME,
    build_org,
    certificate,
    key_pair,
)
from sfdoctor.simulator.org import LoginHistory

NOW = 1_800_000_000.0


def jwt_org(**parts):
    app = {
        "admin_approved_only": True,
        "pre_authorized_profiles": (PROFILE,),
        "certificate": certificate(APP_KEY),
        **parts.pop("app", {}),
    }
    return build_org(app=app, **parts)


def assertion(
    *,
    key: str = APP_KEY,
    iss: str = CONSUMER_KEY,
    sub: str = USERNAME,
    aud: str = "https://login.salesforce.com",
    exp: float | str | bool | None = NOW + 180,
    alg: str = "RS256",
) -> str:
    secret = key_pair(key)[0] if alg == "RS256" else "x" * 32
    claims: dict[str, object] = {"iss": iss, "sub": sub, "aud": aud}
    if exp is not None:  # None: no exp claim at all
        claims["exp"] = exp if isinstance(exp, str | bool) else int(exp)
    return jwt.encode(claims, secret, algorithm=alg)


JWT_TABLE = {
    "signed, pre-authorized, in time": ({}, {}, None, LoginHistory.SUCCESS),
    "a key whose certificate is not on the app": (
        {},
        {"key": OTHER_KEY},
        R.OAUTH_INVALID_ASSERTION,
        None,
    ),
    "no certificate on the app": (
        {"app": {"certificate": None}},
        {},
        R.OAUTH_INVALID_ASSERTION,
        None,
    ),
    "HS256, not RS256": ({}, {"alg": "HS256"}, R.OAUTH_INVALID_ASSERTION, None),
    "expired": ({}, {"exp": NOW - 1}, R.OAUTH_EXPIRED_AUTHORIZATION_CODE, None),
    "expiring this very second": ({}, {"exp": NOW}, R.OAUTH_EXPIRED_AUTHORIZATION_CODE, None),
    "exp as a numeric string (simple-salesforce)": (
        {},
        {"exp": f"{NOW + 180:.0f}"},
        None,
        LoginHistory.SUCCESS,
    ),
    "expired numeric string": (
        {},
        {"exp": f"{NOW - 60:.0f}"},
        R.OAUTH_EXPIRED_AUTHORIZATION_CODE,
        None,
    ),
    "exp a word": ({}, {"exp": "tomorrow"}, R.OAUTH_INVALID_ASSERTION, None),
    "exp a boolean": ({}, {"exp": True}, R.OAUTH_INVALID_ASSERTION, None),
    # The sf CLI's exp: Date.now() + 300, milliseconds (forcedotcom/sfdx-core authInfo.ts).
    "exp in milliseconds (the sf CLI)": ({}, {"exp": NOW * 1000 + 300}, None, LoginHistory.SUCCESS),
    "exp an hour ahead": ({}, {"exp": NOW + 3600}, None, LoginHistory.SUCCESS),
    "no exp at all": ({}, {"exp": None}, R.OAUTH_INVALID_ASSERTION, None),
    "unknown subject": ({}, {"sub": "nobody@acme.example"}, R.OAUTH_INVALID_ASSERTION, None),
    "unknown issuer": ({}, {"iss": OTHER_CONSUMER_KEY}, R.OAUTH_INVALID_CLIENT_ID, None),
    "production audience, sandbox org": (
        {"org": {"sandbox": True}},
        {},
        R.OAUTH_AUDIENCE_INVALID,
        None,
    ),
    "sandbox audience, sandbox org": (
        {"org": {"sandbox": True}},
        {"aud": "https://test.salesforce.com"},
        None,
        LoginHistory.SUCCESS,
    ),
    "profile IP ranges (trusted networks do not matter)": (
        {"profile": {"login_ip_ranges": (BRANCH_RANGE,)}},
        {},
        R.OAUTH_IP_RESTRICTED,
        LoginHistory.RESTRICTED_IP,
    ),
    "profile not pre-authorized": (
        {"app": {"pre_authorized_profiles": ()}},
        {},
        R.OAUTH_USER_NOT_APPROVED,
        None,
    ),
    "self-authorize app, never approved": (
        {"app": {"admin_approved_only": False}},
        {},
        R.OAUTH_USER_NOT_APPROVED,
        None,
    ),
    "inactive user": (
        {"user": {"active": False}},
        {},
        R.OAUTH_INACTIVE_USER,
        LoginHistory.USER_INACTIVE,
    ),
}


@pytest.mark.parametrize("case", JWT_TABLE)
def test_jwt_decision(case: str) -> None:
    parts, claims, answer, history = JWT_TABLE[case]
    outcome = decide_jwt_login(jwt_org(**parts), assertion(**claims), NOW)
    assert (outcome.ok, outcome.answer, outcome.login_history) == (
        answer is None,
        answer,
        history,
    )
    assert not outcome.counts_as_failure  # no password: nothing toward a lockout


@pytest.mark.parametrize("garbage", ["", "a.b", "a.b.c", "not-a-jwt", "e30.e30.e30"])
def test_jwt_garbage_is_an_invalid_assertion(garbage: str) -> None:
    outcome = decide_jwt_login(jwt_org(), garbage, NOW)
    assert not outcome.ok and outcome.answer == R.OAUTH_INVALID_ASSERTION


def test_tampered_claims_break_the_signature() -> None:
    good = assertion()
    header, _, signature = good.split(".")
    forged = assertion(sub="admin@acme-corp.example").split(".")[1]
    outcome = decide_jwt_login(jwt_org(), f"{header}.{forged}.{signature}", NOW)
    assert outcome.answer == R.OAUTH_INVALID_ASSERTION


CC_TABLE = {
    "run as the integration user": ({}, {}, None),
    "at login.salesforce.com": (
        {"org": {"generic_login_host": True}},
        {},
        R.OAUTH_NOT_ON_THIS_DOMAIN,
    ),
    "no Run As user": ({"app": {"run_as": None}}, {}, R.OAUTH_NO_RUN_AS_USER),
    "Run As user gone": ({"app": {"run_as": "gone@acme.example"}}, {}, R.OAUTH_NO_RUN_AS_USER),
    "unknown consumer key": ({}, {"client_id": OTHER_CONSUMER_KEY}, R.OAUTH_INVALID_CLIENT_ID),
    "wrong consumer secret": ({}, {"secret": OTHER_CONSUMER_SECRET}, R.OAUTH_INVALID_SECRET),
    "inactive org": ({"org": {"active": False}}, {}, R.OAUTH_INACTIVE_ORG),
}


@pytest.mark.parametrize("case", CC_TABLE)
def test_client_credentials_decision(case: str) -> None:
    parts, given, answer = CC_TABLE[case]
    app = {"run_as": USERNAME, **parts.pop("app", {})}
    org = build_org(app=app, **parts)
    outcome = decide_client_credentials_login(
        org, given.get("client_id", CONSUMER_KEY), given.get("secret", CONSUMER_SECRET)
    )
    assert (outcome.ok, outcome.answer) == (answer is None, answer)
    if outcome.ok:
        assert outcome.username == USERNAME


def test_key_pairs_are_made_at_run_time_and_differ() -> None:
    assert key_pair(APP_KEY) == key_pair(APP_KEY)  # once per process
    assert key_pair(APP_KEY)[0] != key_pair(OTHER_KEY)[0]
    assert "PRIVATE KEY" in key_pair(APP_KEY)[0] and "CERTIFICATE" in certificate(APP_KEY)


# --- over HTTP, through sfdoctor's probes ----------------------------------------------------


def test_jwt_grant_over_http(start) -> None:
    from tests.simulator.conftest import jwt_login

    running = start(jwt_org())
    env = {
        "SF_CLIENT_ID": CONSUMER_KEY,
        "SF_USERNAME": USERNAME,
        "SF_JWT_KEY_FILE": _key_file(APP_KEY),
    }
    response = jwt_login(running.url, env)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "scope", "instance_url", "id", "token_type"}
    entry = running.log[-1]
    assert entry.fields["assertion"] == "****" and entry.login_attempt
    assert running.org.login_history[-1].status == "Success"


def test_clock_skew_shows_in_the_date_header(start) -> None:
    from email.utils import parsedate_to_datetime

    import requests

    running = start(jwt_org(org={"clock_skew": 600.0}))
    response = requests.get(running.url + "/services/data/", timeout=10)
    skew = parsedate_to_datetime(response.headers["Date"]).timestamp() - time.time()
    assert 590 < skew < 610


def _key_file(label: str) -> str:
    from sfdoctor.simulator.fakes import key_file

    return key_file(label)


def test_soap_password_with_xml_characters_logs_in(start) -> None:
    """sfdoctor's login() envelope escapes the password; the org reads it back whole."""
    import io
    import json

    from sfdoctor.check.options import CheckOptions
    from sfdoctor.commands.check import run
    from sfdoctor.simulator.fakes import SECURITY_TOKEN

    password = "P&ss<w>\"rd'1"
    running = start(build_org(user={"password": password}))
    out = io.StringIO()
    status = run(
        CheckOptions(fmt="json", flow="soap"),
        environ={
            "SF_LOGIN_URL": running.url,
            "SF_USERNAME": USERNAME,
            "SF_PASSWORD": password,
            "SF_SECURITY_TOKEN": SECURITY_TOKEN,
        },
        stdout=out,
        stderr=io.StringIO(),
    )
    doc = json.loads(out.getvalue())
    assert status == 0, doc["findings"]
    assert doc["attempts"][0]["outcome"] == "ok"
    logins = [e for e in running.log if e.kind == "soap.login"]
    assert logins and all(e.fields["password"] == "****" for e in logins)


def _check(running, flow: str, env: dict[str, str]) -> dict:
    import io
    import json

    from sfdoctor.check.options import CheckOptions
    from sfdoctor.commands.check import run

    out = io.StringIO()
    run(
        CheckOptions(fmt="json", flow=flow),
        environ={"SF_LOGIN_URL": running.url, **env},
        stdout=out,
        stderr=io.StringIO(),
    )
    return json.loads(out.getvalue())


def _diagnosis(doc: dict) -> str | None:
    return next((f["cause"] for f in doc["findings"] if f["severity"] != "info"), None)


@pytest.mark.parametrize(
    ("parts", "cause"),
    [
        ({"profile": {"login_hours_allow_now": False}}, "login_hours"),
        ({"org": {"legacy_messages": True}, "user": {"locked_out": True}}, "user_locked_out"),
        ({"org": {"active": False}}, "org_inactive"),
        ({"org": {"api_enabled": False}}, "api_disabled"),
    ],
)
def test_more_soap_causes_against_the_simulator(start, parts, cause) -> None:
    from sfdoctor.simulator.fakes import PASSWORD, SECURITY_TOKEN

    running = start(build_org(**parts))
    env = {"SF_USERNAME": USERNAME, "SF_PASSWORD": PASSWORD, "SF_SECURITY_TOKEN": SECURITY_TOKEN}
    assert _diagnosis(_check(running, "soap", env)) == cause


def test_jwt_unknown_issuer_against_the_simulator(start) -> None:
    running = start(jwt_org())
    env = {
        "SF_USERNAME": USERNAME,
        "SF_CLIENT_ID": OTHER_CONSUMER_KEY,
        "SF_JWT_KEY_FILE": _key_file(APP_KEY),
    }
    doc = _check(running, "jwt", env)
    assert _diagnosis(doc) == "invalid_client_id" and doc["attempts_used"] == 1


def test_client_credentials_unknown_key_against_the_simulator(start) -> None:
    running = start(build_org(app={"run_as": USERNAME}))
    env = {"SF_CLIENT_ID": OTHER_CONSUMER_KEY, "SF_CLIENT_SECRET": CONSUMER_SECRET}
    doc = _check(running, "client-credentials", env)
    assert _diagnosis(doc) == "invalid_client_id" and doc["attempts_used"] == 1
