"""The pytest plugin integrators get with sfdoctor (``sfdoctor.testing``), run the way they
would run it: pytest on a test file in an empty directory, no conftest, the plugin found
through its ``pytest11`` entry point."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    found = [e for e in entry_points(group="pytest11") if e.name == "sfdoctor"]
    assert [e.value for e in found] == ["sfdoctor.testing"], "pip install -e '.[test]' again"


def _run(pytester: pytest.Pytester, source: str) -> pytest.RunResult:
    pytester.makepyfile(test_integration=source)
    assert not list(pytester.path.glob("conftest.py"))
    # NOTE: a subprocess, as an integrator's run: the plugin must load by itself.
    return pytester.runpytest_subprocess("--strict-markers", "-p", "no:cacheprovider", "-v")


def test_marker_serves_the_scenario_and_login_history_is_readable(
    pytester: pytest.Pytester,
) -> None:
    result = _run(
        pytester,
        """
import pytest
import requests


@pytest.mark.salesforce_scenario("untrusted-no-token")
def test_my_sync_reports_the_token_problem(salesforce_org):
    assert salesforce_org.login_url.startswith("http://127.0.0.1:")
    assert salesforce_org.security_token == ""
    response = requests.post(
        salesforce_org.login_url + "/services/oauth2/token",
        data={
            "grant_type": "password",
            "client_id": salesforce_org.client_id,
            "client_secret": salesforce_org.client_secret,
            "username": salesforce_org.username,
            "password": salesforce_org.password + salesforce_org.security_token,
        },
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["error_description"] == "authentication failure"
    assert salesforce_org.login_history == ["Failed: API security token required"]
    assert salesforce_org.login_attempts == 1


def test_default_is_healthy(salesforce_org):
    assert salesforce_org.scenario.name == "healthy"
    assert salesforce_org.security_token and salesforce_org.jwt_key_file is None
    assert salesforce_org.login_history == []


@pytest.mark.salesforce_scenario("jwt-healthy")
def test_jwt_scenario_has_a_key_file(salesforce_org):
    with open(salesforce_org.jwt_key_file, encoding="utf-8") as f:
        assert "PRIVATE KEY" in f.read()


@pytest.mark.salesforce_scenario("healthy", login_rate_limit=1)
def test_org_settings_are_overridden(salesforce_org):
    assert salesforce_org.org.login_rate_limit == 1
""",
    )
    result.assert_outcomes(passed=4)


def test_simple_salesforce_example_from_the_docs(pytester: pytest.Pytester) -> None:
    pytest.importorskip("simple_salesforce")
    result = _run(
        pytester,
        """
import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceAuthenticationFailed


@pytest.mark.salesforce_scenario("untrusted-no-token")
def test_sync_without_a_token_fails_clearly(salesforce_org):
    with pytest.raises(SalesforceAuthenticationFailed) as failure:
        Salesforce(
            username=salesforce_org.username,
            password=salesforce_org.password,
            security_token=salesforce_org.security_token,
            domain=salesforce_org.domain,
            session=salesforce_org.requests_session(),
        )
    assert "LOGIN_MUST_USE_SECURITY_TOKEN" in str(failure.value)
    assert salesforce_org.login_history == ["Failed: API security token required"]


def test_sync_with_the_token_queries(salesforce_org):
    sf = Salesforce(
        username=salesforce_org.username,
        password=salesforce_org.password,
        security_token=salesforce_org.security_token,
        domain=salesforce_org.domain,
        session=salesforce_org.requests_session(),
    )
    assert sf.query("SELECT Id FROM Organization")["totalSize"] == 1
    assert salesforce_org.login_history == ["Success"]
""",
    )
    result.assert_outcomes(passed=2)


def test_each_test_gets_its_own_org_torn_down_after_it(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
import socket

URLS = []


def test_first(salesforce_org):
    URLS.append(salesforce_org.login_url)


def test_second(salesforce_org):
    previous = URLS[0]
    assert salesforce_org.login_url != previous
    host, port = previous.removeprefix("http://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except OSError:
        pass
    else:
        raise AssertionError("the first test's org is still listening")
""",
    )
    result.assert_outcomes(passed=2)


def test_unknown_scenario_or_setting_is_a_clear_error(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
import pytest


@pytest.mark.salesforce_scenario("no-such-scenario")
def test_unknown(salesforce_org):
    pass


@pytest.mark.salesforce_scenario("healthy", no_such_setting=1)
def test_bad_setting(salesforce_org):
    pass
""",
    )
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*no such scenario*simulate --list*", "*not org settings*"])


def test_other_hosts_are_refused_by_the_session(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
import pytest
import requests


def test_nothing_leaves_the_machine(salesforce_org):
    session = salesforce_org.requests_session()
    assert session.get("https://login.salesforce.com/services/data/", timeout=10).ok
    with pytest.raises(requests.ConnectionError, match="not a Salesforce host"):
        session.get("https://example.com/", timeout=10)
""",
    )
    result.assert_outcomes(passed=1)
