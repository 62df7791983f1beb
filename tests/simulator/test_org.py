"""The login decision: Salesforce's order of checks, answers, Login History and lockout."""

from __future__ import annotations

import pytest

from sfdoctor.simulator import responses as R
from sfdoctor.simulator.fakes import (
    BRANCH_RANGE,
    CONSUMER_KEY,
    CONSUMER_SECRET,
    OLD_PASSWORD,
    OLD_SECURITY_TOKEN,
    OTHER_CONSUMER_KEY,
    OTHER_CONSUMER_SECRET,
    PASSWORD,
    SECURITY_TOKEN,
    TRUSTED_IP,
    USERNAME,
    build_org,
)
from sfdoctor.simulator.login import decide_password_login, decide_soap_login
from sfdoctor.simulator.org import LoginHistory, LoginType, id18
from tests.conftest import FIXTURES, load_fixture

WITH_TOKEN = PASSWORD + SECURITY_TOKEN
H = LoginHistory


def oauth(
    org, password=WITH_TOKEN, *, client_id=CONSUMER_KEY, secret=CONSUMER_SECRET, user=USERNAME
):
    return decide_password_login(org, client_id, secret, user, password)


# (org parts, attempt overrides) -> (answer fixture, Login History status, counts toward lockout)
OAUTH_TABLE = {
    "success from anywhere with the token": ({}, {}, None, H.SUCCESS, False),
    "success from a trusted network without the token": (
        {"org": {"client_ip": TRUSTED_IP}},
        {"password": PASSWORD},
        None,
        H.SUCCESS,
        False,
    ),
    "token also accepted on a trusted network": (
        {"org": {"client_ip": TRUSTED_IP}},
        {},
        None,
        H.SUCCESS,
        False,
    ),
    "unknown consumer key": (
        {},
        {"client_id": OTHER_CONSUMER_KEY},
        R.OAUTH_INVALID_CLIENT_ID,
        None,
        False,
    ),
    "wrong consumer secret": (
        {},
        {"secret": OTHER_CONSUMER_SECRET},
        R.OAUTH_INVALID_SECRET,
        None,
        False,
    ),
    "wrong consumer secret, legacy wording": (
        {"org": {"legacy_messages": True}},
        {"secret": OTHER_CONSUMER_SECRET},
        R.OAUTH_INVALID_SECRET_LEGACY,
        None,
        False,
    ),
    "password flow disabled": (
        {"org": {"allow_password_flow": False}},
        {},
        R.OAUTH_AUTH_FAILURE,
        H.FLOW_DISABLED,
        False,
    ),
    "unknown username leaves no Login History row": (
        {},
        {"user": "nobody@acme-corp.example"},
        R.OAUTH_AUTH_FAILURE,
        None,
        False,
    ),
    "inactive user": (
        {"user": {"active": False}},
        {},
        R.OAUTH_INACTIVE_USER,
        H.USER_INACTIVE,
        False,
    ),
    "inactive user, legacy wording": (
        {"user": {"active": False}, "org": {"legacy_messages": True}},
        {},
        R.OAUTH_INACTIVE_USER_LEGACY,
        H.USER_INACTIVE,
        False,
    ),
    "frozen user": ({"user": {"frozen": True}}, {}, R.OAUTH_AUTH_FAILURE, H.USER_FROZEN, False),
    "locked user, right password": (
        {"user": {"locked_out": True}},
        {},
        R.OAUTH_AUTH_FAILURE,
        H.PASSWORD_LOCKOUT,
        False,
    ),
    "inactive org": ({"org": {"active": False}}, {}, R.OAUTH_INACTIVE_ORG, H.ORG_INACTIVE, False),
    "profile IP range excludes the client, token or not": (
        {"profile": {"login_ip_ranges": (BRANCH_RANGE,)}},
        {},
        R.OAUTH_IP_RESTRICTED,
        H.RESTRICTED_IP,
        False,
    ),
    "profile IP range beats a trusted network": (
        {"profile": {"login_ip_ranges": (BRANCH_RANGE,)}, "org": {"client_ip": TRUSTED_IP}},
        {"password": PASSWORD},
        R.OAUTH_IP_RESTRICTED,
        H.RESTRICTED_IP,
        False,
    ),
    "outside login hours": (
        {"profile": {"login_hours_allow_now": False}},
        {},
        R.OAUTH_IP_RESTRICTED_LEGACY,
        H.RESTRICTED_TIME,
        False,
    ),
    "no token from an untrusted network": (
        {},
        {"password": PASSWORD},
        R.OAUTH_AUTH_FAILURE,
        H.TOKEN_REQUIRED,
        True,
    ),
    "no token, legacy wording": (
        {"org": {"legacy_messages": True}},
        {"password": PASSWORD},
        R.OAUTH_TOKEN_REQUIRED_LEGACY,
        H.TOKEN_REQUIRED,
        True,
    ),
    "stale token": (
        {},
        {"password": PASSWORD + OLD_SECURITY_TOKEN},
        R.OAUTH_AUTH_FAILURE,
        H.INVALID_PASSWORD,
        True,
    ),
    "stale token on a trusted network": (
        {"org": {"client_ip": TRUSTED_IP}},
        {"password": PASSWORD + OLD_SECURITY_TOKEN},
        R.OAUTH_AUTH_FAILURE,
        H.INVALID_PASSWORD,
        True,
    ),
    "wrong password": (
        {},
        {"password": OLD_PASSWORD + SECURITY_TOKEN},
        R.OAUTH_AUTH_FAILURE,
        H.INVALID_PASSWORD,
        True,
    ),
    "app admits only pre-authorized profiles": (
        {"app": {"admin_approved_only": True, "pre_authorized_profiles": ()}},
        {},
        R.OAUTH_APP_NOT_APPROVED,
        None,
        False,
    ),
    "app approval is checked after the password": (
        {"app": {"admin_approved_only": True, "pre_authorized_profiles": ()}},
        {"password": OLD_PASSWORD},
        R.OAUTH_AUTH_FAILURE,
        H.INVALID_PASSWORD,
        True,
    ),
    "pre-authorized profile passes": (
        {"app": {"admin_approved_only": True}},
        {},
        None,
        H.SUCCESS,
        False,
    ),
}


@pytest.mark.parametrize("case", OAUTH_TABLE, ids=str)
def test_password_flow_decision(case: str) -> None:
    parts, attempt, answer, status, counts = OAUTH_TABLE[case]
    outcome = oauth(build_org(**parts), **attempt)
    assert outcome.answer == answer
    assert outcome.ok is (answer is None)
    assert outcome.login_history == status
    assert outcome.counts_as_failure is counts


def test_inside_profile_ranges_no_token_is_needed() -> None:
    org = build_org(profile={"login_ip_ranges": (BRANCH_RANGE,)}, org={"client_ip": "192.0.2.9"})
    assert oauth(org, PASSWORD).ok


def test_decision_is_pure() -> None:
    org = build_org()
    before = repr(org)
    oauth(org, OLD_PASSWORD)
    oauth(org, PASSWORD)
    assert repr(org) == before


def test_lockout_after_threshold_then_even_the_right_password_fails() -> None:
    org = build_org(org={"lockout_threshold": 3})
    user = org.user(USERNAME)
    statuses = []
    for _ in range(3):
        outcome = oauth(org, OLD_PASSWORD + SECURITY_TOKEN)
        org.apply(outcome, LoginType.OAUTH)
        statuses.append(outcome.login_history)
    assert statuses == [H.INVALID_PASSWORD] * 3
    assert user.locked_out and user.failed_logins == 3
    right = oauth(org)
    assert not right.ok and right.answer == R.OAUTH_AUTH_FAILURE
    assert right.login_history == H.PASSWORD_LOCKOUT
    org.apply(right, LoginType.OAUTH)
    assert [e.status for e in org.login_history][-1] == "Password Lockout"


def test_success_resets_the_failure_counter() -> None:
    org = build_org(org={"lockout_threshold": 3})
    for password in (OLD_PASSWORD, PASSWORD, WITH_TOKEN, OLD_PASSWORD, OLD_PASSWORD):
        org.apply(oauth(org, password), LoginType.OAUTH)
    user = org.user(USERNAME)
    assert user.failed_logins == 2 and not user.locked_out


def test_missing_token_counts_toward_lockout() -> None:
    org = build_org(org={"lockout_threshold": 3})
    for _ in range(3):
        org.apply(oauth(org, PASSWORD), LoginType.OAUTH)
    assert org.user(USERNAME).locked_out


def test_no_limit_never_locks() -> None:
    org = build_org(org={"lockout_threshold": None})
    for _ in range(20):
        org.apply(oauth(org, OLD_PASSWORD), LoginType.OAUTH)
    assert not org.user(USERNAME).locked_out


def test_unknown_user_changes_nothing() -> None:
    org = build_org()
    org.apply(oauth(org, user="ghost@acme-corp.example"), LoginType.OAUTH)
    assert org.login_history == []


def test_login_history_row() -> None:
    org = build_org()
    org.apply(oauth(org, PASSWORD), LoginType.OAUTH)
    (row,) = org.login_history
    assert row.username == USERNAME and row.source_ip == "203.0.113.7"
    assert row.login_type == "Remote Access 2.0"
    assert row.status == "Failed: API security token required"


# --- SOAP login() -------------------------------------------------------------------------

SOAP_TABLE = {
    "success with the token": ({}, WITH_TOKEN, "64.0", None, H.SUCCESS),
    "no token": ({}, PASSWORD, "64.0", R.SOAP_TOKEN_REQUIRED, H.TOKEN_REQUIRED),
    "no token, legacy wording": (
        {"org": {"legacy_messages": True}},
        PASSWORD,
        "64.0",
        R.SOAP_TOKEN_REQUIRED_LEGACY,
        H.TOKEN_REQUIRED,
    ),
    "wrong password": ({}, OLD_PASSWORD, "64.0", R.SOAP_INVALID_LOGIN, H.INVALID_PASSWORD),
    "locked": (
        {"user": {"locked_out": True}},
        WITH_TOKEN,
        "64.0",
        R.SOAP_INVALID_LOGIN,
        H.PASSWORD_LOCKOUT,
    ),
    "locked, legacy wording": (
        {"user": {"locked_out": True}, "org": {"legacy_messages": True}},
        WITH_TOKEN,
        "64.0",
        R.SOAP_PASSWORD_LOCKOUT,
        H.PASSWORD_LOCKOUT,
    ),
    "inactive user": (
        {"user": {"active": False}},
        WITH_TOKEN,
        "64.0",
        R.SOAP_INVALID_LOGIN,
        H.USER_INACTIVE,
    ),
    "org locked": (
        {"org": {"active": False}},
        WITH_TOKEN,
        "64.0",
        R.SOAP_ORG_LOCKED,
        H.ORG_INACTIVE,
    ),
    "profile IP ranges": (
        {"profile": {"login_ip_ranges": (BRANCH_RANGE,)}},
        WITH_TOKEN,
        "64.0",
        R.SOAP_RESTRICTED_DOMAIN,
        H.RESTRICTED_IP,
    ),
    "login hours": (
        {"profile": {"login_hours_allow_now": False}},
        WITH_TOKEN,
        "64.0",
        R.SOAP_RESTRICTED_TIME,
        H.RESTRICTED_TIME,
    ),
    "login() disabled in the org": (
        {"org": {"soap_login_enabled": False}},
        WITH_TOKEN,
        "64.0",
        R.SOAP_LOGIN_DISABLED,
        None,
    ),
    "login() not offered from 65.0": ({}, WITH_TOKEN, "65.0", R.SOAP_LOGIN_DISABLED, None),
    "retired API version": ({}, WITH_TOKEN, "20.0", R.REST_VERSION_GONE, H.API_VERSION_REMOVED),
    "edition without API": (
        {"org": {"api_enabled": False}},
        WITH_TOKEN,
        "64.0",
        R.SOAP_API_DISABLED,
        None,
    ),
    "password flow setting does not matter": (
        {"org": {"allow_password_flow": False}},
        WITH_TOKEN,
        "64.0",
        None,
        H.SUCCESS,
    ),
}


@pytest.mark.parametrize("case", SOAP_TABLE, ids=str)
def test_soap_login_decision(case: str) -> None:
    parts, password, version, answer, status = SOAP_TABLE[case]
    outcome = decide_soap_login(build_org(**parts), USERNAME, password, float(version))
    assert (outcome.answer, outcome.login_history, outcome.ok) == (answer, status, answer is None)


def test_soap_password_expired_still_logs_in() -> None:
    outcome = decide_soap_login(
        build_org(user={"password_expired": True}), USERNAME, WITH_TOKEN, 64.0
    )
    assert outcome.ok and outcome.password_expired


# --- vocabulary ---------------------------------------------------------------------------


def test_login_history_statuses_are_the_fixtures_own_strings() -> None:
    texts = {load_fixture(p)["text"] for p in FIXTURES.glob("login_history/*.json")}
    for status in LoginHistory:
        if status is not LoginHistory.SUCCESS:
            assert status.value in texts, status


def test_id18_matches_salesforce() -> None:
    assert id18("00D000000000062") == "00D000000000062EAA"
    assert id18("005000000000000") == "005000000000000AAA"
    assert id18("ABCDEABCDEABCDE") == "ABCDEABCDEABCDE555"
