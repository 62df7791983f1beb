"""simple-salesforce, and a plain ``requests`` script, against every scenario of the org.

Each password and SOAP scenario is logged in to on both of simple-salesforce's login paths
(SOAP ``login()`` with ``security_token=``; OAuth with ``consumer_key``/``consumer_secret``
and the token appended to the password) and by a plain ``requests.post`` of
``grant_type=password``; each JWT and client credentials scenario through simple-salesforce's
own flow and a plain request. A login that works is followed by one query. Where the client
fails, the text its user sees goes through ``sfdoctor.explain()``, which must name the
scenario's cause, or list it among the candidates of an ambiguous answer.
"""

from __future__ import annotations

import pytest

import sfdoctor
from sfdoctor.simulator import SCENARIOS, serve
from tests.interop.clients import OAUTH, PLAIN, SOAP, plain_requests, simple_salesforce

pytest.importorskip("simple_salesforce")

# The cause each scenario sets up. The ambiguous scenarios' own expectation is the ambiguous
# finding; what explain must still name (as a candidate) is what is really wrong.
ROOT_CAUSE = {name: scenario.expected_cause for name, scenario in SCENARIOS.items()} | {
    "wrong-password": "invalid_credentials",
    "locked-out": "user_locked_out",
    "flow-disabled": "password_flow_disabled",
}

# (scenario, path) pairs whose login and query work. Healthy scenarios work everywhere; the
# others work where their problem does not apply (a blocked OAuth flow, a bad consumer key
# or an unapproved app do not stop SOAP login(); a disabled login() does not stop OAuth).
WORKS = {
    (name, path)
    for name, scenario in SCENARIOS.items()
    for path in (SOAP, OAUTH, PLAIN)
    if scenario.expected_cause in (None, "trusted_network_only")
} | {
    ("flow-disabled", SOAP),
    ("bad-client-id", SOAP),
    ("bad-client-secret", SOAP),
    ("app-not-approved", SOAP),
    ("soap-login-disabled", OAUTH),
    ("soap-login-disabled", PLAIN),
}

_INVALID_LOGIN = (
    "explain answers SOAP INVALID_LOGIN with invalid_credentials alone, without the "
    "candidates research §7.3 asks for (security_token_invalid, user_locked_out, "
    "user_inactive); the INVALID_LOGIN text itself names 'user not active, or user locked out'"
)
# (name, path) -> why explain cannot yet name the root cause of what this client prints.
WEAK_EXPLAIN: dict[tuple[str, str], str] = {}


def _cases() -> list[object]:
    cases: list[object] = []
    for name, scenario in SCENARIOS.items():
        paths = (
            (OAUTH, PLAIN)
            if scenario.flow in ("jwt", "client-credentials")
            else (
                SOAP,
                OAUTH,
                PLAIN,
            )
        )
        for path in paths:
            marks = []
            if (name, path) in WEAK_EXPLAIN:
                marks.append(pytest.mark.xfail(strict=True, reason=WEAK_EXPLAIN[name, path]))
            cases.append(pytest.param(name, path, marks=marks, id=f"{name}-{path}"))
    return cases


def named(text: str) -> set[str]:
    """The causes explain names for ``text``: its matches and their candidates."""
    doc = sfdoctor.explain(text).to_dict()
    causes = {m["cause"] for m in doc["matches"]}
    return causes | {c["cause"] for m in doc["matches"] for c in m.get("candidates") or ()}


@pytest.mark.filterwarnings("ignore:\\s+If your connected app policy:UserWarning")
@pytest.mark.parametrize(("name", "path"), _cases())
def test_client_sees_what_salesforce_would_say(name: str, path: str) -> None:
    scenario = SCENARIOS[name]
    with serve(scenario.org()) as running:
        if path == PLAIN:
            seen = plain_requests(scenario, running)
        else:
            seen = simple_salesforce(scenario, running, path)
    if (name, path) in WORKS:
        assert seen.ok, seen.text
        return
    assert not seen.ok, "this client must fail here"
    root = ROOT_CAUSE[name]
    assert root is not None
    assert root in named(seen.text), (seen.text[:300], sfdoctor.explain(seen.text).cause)


def test_table_covers_every_scenario() -> None:
    listed = {case.values[0] for case in _cases()}  # type: ignore[attr-defined]
    assert listed == set(SCENARIOS)
    assert {n for n, _ in WORKS} <= set(SCENARIOS)
    assert {n for n, _ in WEAK_EXPLAIN} <= set(SCENARIOS)


def test_relogin_on_every_401_ends_in_the_login_rate_limit() -> None:
    """simple-salesforce logs in again on INVALID_SESSION_ID (up to 3 times); with sessions
    revoked at once and a limit of 3 logins an hour, its fourth login is refused."""
    from dataclasses import replace

    scenario = SCENARIOS["session-revoked"]
    with serve(replace(scenario.org(), login_rate_limit=3)) as running:
        seen = simple_salesforce(scenario, running, OAUTH)
        history = [row.status for row in running.org.login_history]
    assert not seen.ok and "login rate exceeded" in seen.text
    assert history == ["Success"] * 3 + ["Login Rate Exceeded"]
    assert seen.requests_sent == 4
    assert "rate_limited" in named(seen.text)
