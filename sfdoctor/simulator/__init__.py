"""A simulated Salesforce org served on loopback, for ``sfdoctor demo`` and the tests.

The org (:mod:`~sfdoctor.simulator.org`) decides every login the way Salesforce does, in
Salesforce's order of checks; the answers (:mod:`~sfdoctor.simulator.responses`) are the
captured responses in ``fixtures/``, not a second copy of them; the server
(:mod:`~sfdoctor.simulator.server`) speaks HTTP on 127.0.0.1 with the standard library only;
:mod:`~sfdoctor.simulator.scenarios` names the situations the demo and the tests set up.

Nothing in ``sfdoctor`` imports this package at start-up: ``demo`` and the tests import it
when they need it.

>>> from sfdoctor.simulator import SCENARIOS, serve
>>> scenario = SCENARIOS["trusted-no-token"]
>>> with serve(scenario.org()) as running:          # doctest: +SKIP
...     env = scenario.env(running.url)             # SF_LOGIN_URL, SF_USERNAME, ...
"""

from __future__ import annotations

from sfdoctor.simulator.org import (
    ConnectedApp,
    LoginHistoryEntry,
    LoginOutcome,
    Org,
    Profile,
    User,
    decide_client_credentials_login,
    decide_jwt_login,
    decide_password_login,
    decide_soap_login,
)
from sfdoctor.simulator.scenarios import DEFAULT, SCENARIOS, Scenario
from sfdoctor.simulator.server import LogEntry, RunningOrg, serve

__all__ = [
    "DEFAULT",
    "SCENARIOS",
    "ConnectedApp",
    "LogEntry",
    "LoginHistoryEntry",
    "LoginOutcome",
    "Org",
    "Profile",
    "RunningOrg",
    "Scenario",
    "User",
    "decide_client_credentials_login",
    "decide_jwt_login",
    "decide_password_login",
    "decide_soap_login",
    "serve",
]
