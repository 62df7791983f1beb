"""A simulated Salesforce org served on loopback, for ``sfdoctor demo``, the tests and the
pytest plugin (:mod:`sfdoctor.testing`).

The org (:mod:`~sfdoctor.simulator.org`) is decided on the way Salesforce decides, in
Salesforce's order of checks: :mod:`~sfdoctor.simulator.login` for the password flows,
:mod:`~sfdoctor.simulator.bearer` for JWT bearer and client credentials. The answers
(:mod:`~sfdoctor.simulator.responses`) are the captured responses in ``fixtures/``, not a
second copy of them. The server (:mod:`~sfdoctor.simulator.server`, with
:mod:`~sfdoctor.simulator.wire` reading bodies, chunked ones included) speaks HTTP on
127.0.0.1 with the standard library only. :mod:`~sfdoctor.simulator.scenarios` names the
situations the demo and the tests set up, and :mod:`~sfdoctor.simulator.expect` says what a
client of each should expect. :mod:`~sfdoctor.simulator.admin` adds an administrator whose
session reads User, UserLogin, LoginHistory and Event Log Files (``check --admin-org``).

May import the standard library, records and its own modules only: never the diagnosis
core, the probes or the check (it must not know how sfdoctor judges, or it proves nothing).

This package may import only itself and the standard library (cryptography for JWT
signatures, when asked): never sfdoctor's diagnosis (classify, evidence, findings,
knowledge) nor its probes: it must not know how sfdoctor judges. Nothing in ``sfdoctor``
imports it at start-up: ``demo``, ``simulate``, the plugin and the tests import it when they
need it.

>>> from sfdoctor.simulator import SCENARIOS, serve
>>> scenario = SCENARIOS["trusted-no-token"]
>>> with serve(scenario.org()) as running:          # doctest: +SKIP
...     env = scenario.env(running.url)             # SF_LOGIN_URL, SF_USERNAME, ...
"""

from __future__ import annotations

from sfdoctor.simulator.bearer import decide_client_credentials_login, decide_jwt_login
from sfdoctor.simulator.login import decide_password_login, decide_soap_login
from sfdoctor.simulator.org import (
    ConnectedApp,
    LoginHistoryEntry,
    LoginOutcome,
    Org,
    Profile,
    User,
)
from sfdoctor.simulator.scenario import Scenario
from sfdoctor.simulator.scenarios import DEFAULT, SCENARIOS
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
