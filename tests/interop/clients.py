"""Real clients logging in to the simulated org, and what their users would see.

Each client path returns a :class:`Seen`: whether the login (and one query with the session)
worked, and otherwise the text a user of that client gets (the exception message, or the
body for a plain ``requests`` script). Nothing leaves the machine: simple-salesforce builds
``https://<domain>.salesforce.com`` URLs, and :func:`sfdoctor.testing.simulator_session`
sends those to the simulator on loopback.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests

from sfdoctor.simulator import RunningOrg, Scenario
from sfdoctor.simulator.fakes import CONSUMER_KEY, CONSUMER_SECRET
from sfdoctor.testing import simulator_session

QUERY = "SELECT Id, Name FROM Organization"
TOKEN_PATH = "/services/oauth2/token"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"

SOAP = "simple-salesforce SOAP"
OAUTH = "simple-salesforce OAuth"
PLAIN = "plain requests"
PATHS = (SOAP, OAUTH, PLAIN)


@dataclass(frozen=True)
class Seen:
    """What one client saw: ``ok``, or the text its user would read."""

    ok: bool
    text: str = ""
    requests_sent: int = 0
    """Login requests that reached the org."""


def _consumer(scenario: Scenario) -> tuple[str, str]:
    # A SOAP scenario's client has no connected app; the org's own one is used for OAuth.
    env = scenario.credentials
    return env.get("SF_CLIENT_ID", CONSUMER_KEY), env.get("SF_CLIENT_SECRET", CONSUMER_SECRET)


def simple_salesforce(scenario: Scenario, running: RunningOrg, path: str) -> Seen:
    """simple-salesforce on the login path ``path`` (SOAP or OAuth; for JWT and client
    credentials scenarios OAuth means that flow), then one query."""
    from simple_salesforce import Salesforce
    from simple_salesforce.exceptions import SalesforceError

    env = scenario.env(running.url)
    token = env.get("SF_SECURITY_TOKEN", "")
    session = simulator_session(running.url)
    before = running.login_attempts
    try:
        if scenario.flow == "jwt":
            sf = Salesforce(
                username=env["SF_USERNAME"],
                consumer_key=env["SF_CLIENT_ID"],
                privatekey_file=env["SF_JWT_KEY_FILE"],
                domain="login",
                session=session,
            )
        elif scenario.flow == "client-credentials":
            domain = "login" if running.org.generic_login_host else f"{running.org.my_domain}.my"
            sf = Salesforce(
                consumer_key=env["SF_CLIENT_ID"],
                consumer_secret=env["SF_CLIENT_SECRET"],
                domain=domain,
                session=session,
            )
        elif path == SOAP:
            sf = Salesforce(
                username=env["SF_USERNAME"],
                password=env["SF_PASSWORD"],
                security_token=token,
                domain="login",
                session=session,
            )
        else:
            key, secret = _consumer(scenario)
            sf = Salesforce(
                username=env["SF_USERNAME"],
                password=env["SF_PASSWORD"] + token,
                consumer_key=key,
                consumer_secret=secret,
                domain="login",
                session=session,
            )
        sf.query(QUERY)
    except SalesforceError as exc:
        return Seen(False, str(exc), running.login_attempts - before)
    return Seen(True, "", running.login_attempts - before)


def _jwt_assertion(env: dict[str, str]) -> str:
    import jwt

    with open(env["SF_JWT_KEY_FILE"], encoding="utf-8") as f:
        key = f.read()
    claims = {
        "iss": env["SF_CLIENT_ID"],
        "sub": env["SF_USERNAME"],
        "aud": "https://login.salesforce.com",
        "exp": int(time.time()) + 180,
    }
    return jwt.encode(claims, key, algorithm="RS256")


def password_grant(scenario: Scenario, env: dict[str, str]) -> dict[str, str]:
    """The form of an OAuth username-password token request for ``scenario`` (password and
    security token joined, as the flow wants them)."""
    key, secret = _consumer(scenario)
    return {
        "grant_type": "password",
        "client_id": key,
        "client_secret": secret,
        "username": env["SF_USERNAME"],
        "password": env["SF_PASSWORD"] + env.get("SF_SECURITY_TOKEN", ""),
    }


def plain_requests(scenario: Scenario, running: RunningOrg) -> Seen:
    """A script with ``requests`` alone: a token request (grant_type=password for the
    password and SOAP scenarios, the scenario's grant otherwise), then one query. Its user
    sees the status and the body."""
    env = scenario.env(running.url)
    url = running.url + TOKEN_PATH
    before = running.login_attempts
    auth = None
    if scenario.flow == "jwt":
        data = {"grant_type": JWT_GRANT, "assertion": _jwt_assertion(env)}
    elif scenario.flow == "client-credentials":
        data = {"grant_type": "client_credentials"}
        auth = (env["SF_CLIENT_ID"], env["SF_CLIENT_SECRET"])  # client_secret_basic
    else:
        data = password_grant(scenario, env)
    response = requests.post(url, data=data, auth=auth, timeout=10)
    if response.status_code != 200:
        return Seen(False, f"{response.status_code} {response.text}", 1)
    token = response.json()
    query = requests.get(
        f"{token['instance_url']}/services/data/v64.0/query",
        params={"q": QUERY},
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=10,
    )
    sent = running.login_attempts - before
    if query.status_code != 200:
        return Seen(False, f"{query.status_code} {query.text}", sent)
    return Seen(True, "", sent)
