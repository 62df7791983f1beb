"""A pytest plugin for integrators: a simulated Salesforce org for each test that asks.

Installed with sfdoctor (entry point ``pytest11: sfdoctor``), so a test only says::

    @pytest.mark.salesforce_scenario("untrusted-no-token")
    def test_my_sync_reports_the_token_problem(salesforce_org):
        ...

and gets the scenario's org served on a free 127.0.0.1 port for that test, stopped after
it. :class:`SalesforceOrg` carries the login URL, the scenario's fake credentials, the org's
Login History for assertions, and :meth:`SalesforceOrg.requests_session` for clients that
build ``https://login.salesforce.com`` URLs themselves (simple-salesforce). Keyword arguments
of the marker override org settings: ``salesforce_scenario("healthy", login_rate_limit=5)``.
Without the marker the scenario is ``healthy``. See docs/testing.md.

pytest loads this module in every run where sfdoctor is installed, so it imports nothing
beyond pytest until a test asks for ``salesforce_org``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import requests

    from sfdoctor.simulator import LogEntry, LoginHistoryEntry, Org, RunningOrg, Scenario

MARKER = "salesforce_scenario"
DEFAULT_SCENARIO = "healthy"


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker (so ``--strict-markers`` runs accept it)."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(name, **org_settings): serve the sfdoctor simulated org of scenario "
        "`name` to the salesforce_org fixture (`sfdoctor simulate --list` names them), "
        "with org settings overridden (e.g. login_rate_limit=5)",
    )


class SalesforceOrg:
    """A simulated org served for one test, and what an integration needs to reach it.

    Credentials are the scenario's fake ones; where the scenario's client has none (a SOAP
    scenario has no consumer key), the org's own are given, and ``security_token`` is ''
    when the scenario configures no token (as an integration without one would send).
    """

    def __init__(self, scenario: Scenario, running: RunningOrg) -> None:
        from sfdoctor.simulator import fakes

        self.scenario = scenario
        self.running = running
        env = scenario.env(running.url)
        app = running.org.apps[0] if running.org.apps else None
        self.login_url: str = running.url
        """``http://127.0.0.1:PORT``: the login URL, also the instance URL."""
        self.username: str = env.get("SF_USERNAME", fakes.USERNAME)
        self.password: str = env.get("SF_PASSWORD", fakes.PASSWORD)
        self.security_token: str = env.get("SF_SECURITY_TOKEN", "")
        self.client_id: str = env.get("SF_CLIENT_ID", app.consumer_key if app else "")
        self.client_secret: str = env.get("SF_CLIENT_SECRET", app.consumer_secret if app else "")
        self.jwt_key_file: str | None = env.get("SF_JWT_KEY_FILE")
        """The private key the scenario's client signs with (JWT scenarios), else None."""
        self.env: dict[str, str] = env
        """The scenario's environment (``SF_LOGIN_URL``, ``SF_USERNAME``, ...)."""
        self.domain: str = "test" if running.org.sandbox else "login"
        """simple-salesforce's ``domain=`` for the login host this org plays."""
        self.my_domain: str = f"{running.org.my_domain}.my"
        """simple-salesforce's ``domain=`` for the org's My Domain (client credentials)."""

    @property
    def org(self) -> Org:
        """The org itself (its users, settings, sessions), for assertions."""
        return self.running.org

    @property
    def login_history(self) -> list[str]:
        """Setup > Login History, oldest first: the Status strings
        (``"Success"``, ``"Failed: API security token required"``, ...)."""
        return [row.status for row in self.running.org.login_history]

    @property
    def login_history_rows(self) -> list[LoginHistoryEntry]:
        """Login History rows with time, username, source IP and login type."""
        return list(self.running.org.login_history)

    @property
    def login_attempts(self) -> int:
        """Login requests the org has answered (token endpoint and SOAP ``login()``)."""
        return self.running.login_attempts

    @property
    def requests_log(self) -> list[LogEntry]:
        """Every request the org answered, secrets masked."""
        return self.running.log

    def requests_session(self) -> requests.Session:
        """A ``requests.Session`` that sends Salesforce hosts to this org (see
        :func:`simulator_session`)."""
        return simulator_session(self.login_url)


def simulator_session(url: str) -> requests.Session:
    """A ``requests.Session`` whose requests to Salesforce hosts (``*.salesforce.com``,
    ``*.force.com``, ...), in http or https, go to the simulated org at ``url``.

    For clients that build their URLs from a domain (simple-salesforce's ``domain=``) and
    take a ``session=``. Requests to the org's own address in https (simple-salesforce
    turns the instance URL it is given into an https one) go there in http. Any other host
    is refused with ``requests.ConnectionError``: a test using it never leaves the machine.
    """
    from urllib.parse import urlsplit, urlunsplit

    import requests
    from requests.adapters import HTTPAdapter

    from sfdoctor.hosts import is_salesforce_host

    target = urlsplit(url)

    class _ToSimulator(HTTPAdapter):
        def send(
            self,
            request: requests.PreparedRequest,
            stream: bool = False,
            timeout: None | float | tuple[float, float] | tuple[float, None] = None,
            verify: bool | str = True,
            cert: None | bytes | str | tuple[bytes | str, bytes | str] = None,
            proxies: Mapping[str, str] | None = None,
        ) -> requests.Response:
            parts = urlsplit(request.url or "")
            host = parts.hostname or ""
            if not (is_salesforce_host(host) or parts.netloc == target.netloc):
                raise requests.ConnectionError(
                    f"sfdoctor.testing: {host!r} is not a Salesforce host; the simulated "
                    "org answers only those",
                    request=request,
                )
            request.url = urlunsplit(
                (target.scheme, target.netloc, parts.path, parts.query, parts.fragment)
            )
            return super().send(request, stream, timeout, verify, cert, proxies)

    session = requests.Session()
    session.trust_env = False  # no proxy from the environment between a test and loopback
    adapter = _ToSimulator()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _scenario(marker: pytest.Mark | None) -> tuple[str, dict[str, Any]]:
    if marker is None:
        return DEFAULT_SCENARIO, {}
    if len(marker.args) > 1:
        raise pytest.UsageError(f"{MARKER} takes one scenario name, got {marker.args!r}")
    name = marker.args[0] if marker.args else DEFAULT_SCENARIO
    return str(name), dict(marker.kwargs)


@pytest.fixture
def salesforce_org(request: pytest.FixtureRequest) -> Iterator[SalesforceOrg]:
    """The simulated org of the test's ``salesforce_scenario`` marker (default ``healthy``),
    served on a free loopback port for this test only."""
    from sfdoctor.simulator import SCENARIOS, Org, serve

    name, settings = _scenario(request.node.get_closest_marker(MARKER))
    if name not in SCENARIOS:
        raise pytest.UsageError(
            f"{MARKER}({name!r}): no such scenario; `sfdoctor simulate --list` shows them"
        )
    fields = {f.name for f in dataclasses.fields(Org)}
    unknown = sorted(set(settings) - fields)
    if unknown:
        raise pytest.UsageError(f"{MARKER}: {', '.join(unknown)} are not org settings")
    scenario = SCENARIOS[name]
    org = dataclasses.replace(scenario.org(), **settings)
    with serve(org) as running:
        yield SalesforceOrg(scenario, running)
