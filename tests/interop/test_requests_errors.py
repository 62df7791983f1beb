"""What a plain ``requests`` script prints when it calls ``raise_for_status()``, explained.

Many integrations never print Salesforce's body: ``response.raise_for_status()`` raises
``HTTPError`` with the status line and the URL alone ("410 Client Error: Gone for url: ...").
Here ``requests`` talks to the simulated org and the line it raises goes to ``explain``: the
status and the Salesforce path in it are all there is to go on.
"""

from __future__ import annotations

import requests

import sfdoctor
from sfdoctor.simulator import SCENARIOS, serve
from tests.interop.clients import QUERY, TOKEN_PATH, password_grant


def _raised(response: requests.Response) -> str:
    try:
        response.raise_for_status()
    except requests.HTTPError as exc:
        return f"requests.exceptions.HTTPError: {exc}"
    raise AssertionError(f"no error for HTTP {response.status_code}")


def _token(url: str, name: str) -> requests.Response:
    data = password_grant(SCENARIOS[name], SCENARIOS[name].env(url))
    return requests.post(url + TOKEN_PATH, data=data, timeout=10)


def test_a_retired_api_version_is_named_from_the_status_and_the_path() -> None:
    with serve(SCENARIOS["healthy"].org()) as running:
        token = _token(running.url, "healthy").json()
        response = requests.get(
            f"{token['instance_url']}/services/data/v20.0/query",
            params={"q": QUERY},
            headers={"Authorization": f"Bearer {token['access_token']}"},
            timeout=10,
        )
    text = _raised(response)
    assert "410 Client Error: Gone for url:" in text and "/services/data/v20.0/" in text
    assert sfdoctor.explain(text).cause == "api_version_retired"


def test_maintenance_is_named_from_the_503_line() -> None:
    with serve(SCENARIOS["maintenance"].org()) as running:
        text = _raised(_token(running.url, "maintenance"))
    assert "503 Server Error" in text
    assert sfdoctor.explain(text).cause == "service_unavailable"


def test_a_refused_login_line_says_it_cannot_tell_which_cause() -> None:
    # 400 on the token endpoint, the body unread: a refused login of some kind, never a
    # single confident cause.
    with serve(SCENARIOS["untrusted-no-token"].org()) as running:
        text = _raised(_token(running.url, "untrusted-no-token"))
    assert text.startswith("requests.exceptions.HTTPError: 400 Client Error: Bad Request for url:")
    found = sfdoctor.explain(text)
    assert found.matches and str(found.matches[0].confidence) != "high"


def test_a_gone_line_from_another_api_names_no_salesforce_cause() -> None:
    text = "requests.exceptions.HTTPError: 410 Client Error: Gone for url: https://api.example.com/v1/items"
    assert sfdoctor.explain(text).cause != "api_version_retired"
