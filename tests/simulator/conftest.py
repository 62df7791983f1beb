"""Helpers for the simulator tests: start an org, log in the way an integration does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sfdoctor.simulator import Org, RunningOrg, Scenario, serve

TOKEN_PATH = "/services/oauth2/token"


@pytest.fixture
def start() -> Iterator[Any]:
    """``start(org, **serve_kwargs)`` serves an org for the test and stops it afterwards."""
    running: list[RunningOrg] = []

    def _start(org: Org, **kwargs: Any) -> RunningOrg:
        r = serve(org, **kwargs)
        running.append(r)
        return r

    yield _start
    for r in running:
        r.stop()


def password_login(
    url: str, env: dict[str, str], *, with_token: bool = True, **overrides: str
) -> requests.Response:
    """POST the username-password grant as an integration would (token appended or not)."""
    password = env["SF_PASSWORD"] + (env.get("SF_SECURITY_TOKEN", "") if with_token else "")
    data = {
        "grant_type": "password",
        "client_id": env["SF_CLIENT_ID"],
        "client_secret": env["SF_CLIENT_SECRET"],
        "username": env["SF_USERNAME"],
        "password": password,
    }
    data.update(overrides)
    return requests.post(url + TOKEN_PATH, data=data, timeout=10)


def soap_login(url: str, username: str, password: str, version: str = "64.0") -> requests.Response:
    """POST a partner ``login()`` envelope (simple-salesforce's shape)."""
    from xml.sax.saxutils import escape

    envelope = (
        '<?xml version="1.0" encoding="utf-8" ?>'
        '<env:Envelope xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:env="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:urn="urn:partner.soap.sforce.com"><env:Body>'
        f'<n1:login xmlns:n1="urn:partner.soap.sforce.com"><n1:username>{escape(username)}'
        f"</n1:username><n1:password>{escape(password)}</n1:password></n1:login>"
        "</env:Body></env:Envelope>"
    )
    return requests.post(
        f"{url}/services/Soap/u/{version}",
        data=envelope.encode(),
        headers={"Content-Type": "text/xml; charset=UTF-8", "SOAPAction": "login"},
        timeout=10,
    )


def first_attempt(running: RunningOrg, scenario: Scenario) -> requests.Response:
    """The attempt a checker makes first: password + token when a token is configured."""
    return password_login(running.url, scenario.env(running.url), with_token=scenario.has_token)


def jwt_assertion(env: dict[str, str], *, audience: str = "https://login.salesforce.com") -> str:
    """An RS256 assertion signed with the key in ``SF_JWT_KEY_FILE`` (exp: now + 3 min)."""
    import time

    import jwt

    with open(env["SF_JWT_KEY_FILE"], encoding="utf-8") as f:
        key = f.read()
    claims = {
        "iss": env["SF_CLIENT_ID"],
        "sub": env["SF_USERNAME"],
        "aud": audience,
        "exp": int(time.time()) + 180,
    }
    return jwt.encode(claims, key, algorithm="RS256")


def jwt_login(url: str, env: dict[str, str], **claims: str) -> requests.Response:
    """POST the JWT bearer grant as an integration would."""
    data = {
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "assertion": jwt_assertion(env, **claims),
    }
    return requests.post(url + TOKEN_PATH, data=data, timeout=10)


def client_credentials_login(url: str, env: dict[str, str]) -> requests.Response:
    """POST the client credentials grant as an integration would."""
    data = {
        "grant_type": "client_credentials",
        "client_id": env["SF_CLIENT_ID"],
        "client_secret": env["SF_CLIENT_SECRET"],
    }
    return requests.post(url + TOKEN_PATH, data=data, timeout=10)


def login_once(url: str, scenario: Scenario, *, with_token: bool = True) -> requests.Response:
    """One login the way the scenario's flow logs in (the token appended when configured
    and ``with_token``)."""
    env = scenario.env(url)
    with_token = with_token and scenario.has_token
    if scenario.flow == "soap":
        password = env["SF_PASSWORD"] + (env["SF_SECURITY_TOKEN"] if with_token else "")
        return soap_login(url, env["SF_USERNAME"], password)
    if scenario.flow == "jwt":
        return jwt_login(url, env)
    if scenario.flow == "client-credentials":
        return client_credentials_login(url, env)
    return password_login(url, env, with_token=with_token)
