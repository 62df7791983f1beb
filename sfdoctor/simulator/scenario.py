"""The :class:`Scenario` record: how to build a situation's org, what the client has, what
a correct checker concludes, and which answers rest on public evidence.

The catalog of named scenarios is :mod:`~sfdoctor.simulator.scenarios`; the fake
credentials and the base org are :mod:`~sfdoctor.simulator.fakes`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sfdoctor.simulator.fakes import (
    APP_KEY,
    PROFILE,
    USERNAME,
    build_org,
    certificate,
    credentials,
    key_file,
)
from sfdoctor.simulator.org import Org


@dataclass(frozen=True)
class Scenario:
    """A named situation: how to build the org, what the client has, what must be found.

    ``expected_cause`` is an id from CAUSES.md (None when healthy; the deprecation radar's
    notes are not the diagnosis) and ``expected_attempts`` the login requests a correct
    checker needs: for the password flows 2 when a token is configured and the first
    attempt does not already decide, else 1; 1 for JWT bearer and client credentials. The
    expectations follow what Salesforce really answers; the checker has to match them, not
    the other way round.
    """

    name: str
    description: str
    build: Callable[[], Org]
    credentials: Mapping[str, str] = field(default_factory=credentials)
    expected_cause: str | None = None
    expected_attempts: int = 2
    flow: str = "password"
    """The ``check --flow`` to run (a :class:`~sfdoctor.models.Flow` value)."""
    jwt_key: str | None = None
    """The key pair whose private key the client signs with (JWT scenarios)."""
    captured: str = ""
    """Which of the scenario's answers are captured from public evidence, and where."""
    inferred: str = ""
    """Which of its answers (or the order that picks them) are inferred, not captured."""

    def org(self) -> Org:
        """A fresh org for this scenario (each call a new one: logins change the org)."""
        return self.build()

    def env(self, url: str) -> dict[str, str]:
        """The client's environment, ``SF_LOGIN_URL`` pointing at ``url`` (and, for JWT,
        ``SF_JWT_KEY_FILE`` at a file holding the client's private key)."""
        env = {"SF_LOGIN_URL": url, **self.credentials}
        if self.jwt_key is not None:
            env["SF_JWT_KEY_FILE"] = key_file(self.jwt_key)
        return env

    @property
    def has_token(self) -> bool:
        """Whether the client has a security token configured."""
        return "SF_SECURITY_TOKEN" in self.credentials


def org_with(**parts: Mapping[str, Any]) -> Callable[[], Org]:
    """A builder of the base org with ``org``/``user``/``profile``/``app`` fields overridden."""
    return lambda: build_org(**parts)


def jwt_org(
    *, certificate_of: str = APP_KEY, app: Mapping[str, Any] | None = None, **parts: Any
) -> Callable[[], Org]:
    """An org whose app holds the certificate of ``certificate_of`` and pre-authorizes the
    integration user's profile (the setup the JWT bearer flow needs)."""

    def build() -> Org:
        the_app = {
            "admin_approved_only": True,
            "pre_authorized_profiles": (PROFILE,),
            "certificate": certificate(certificate_of),
            **dict(app or {}),
        }
        return build_org(app=the_app, **parts)

    return build


def cc_org(*, app: Mapping[str, Any] | None = None, **parts: Any) -> Callable[[], Org]:
    """An org whose app runs the client credentials flow as the integration user."""
    return org_with(app={"run_as": USERNAME, **dict(app or {})}, **parts)
