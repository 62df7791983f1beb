"""Named situations of the simulated org: what the demo shows and the tests check.

Each :class:`Scenario` builds a fresh :class:`~sfdoctor.simulator.org.Org`, carries the
credentials an integration would use (fake ones) as environment variables, and states the
diagnosis a correct checker reaches: ``expected_cause`` (an id from CAUSES.md, None when
healthy) and ``expected_attempts`` (login requests it needs: 2 when a token is configured
and the first attempt does not already decide, else 1). The expectations follow what
Salesforce really answers; the checker has to match them, not the other way round.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from sfdoctor.simulator.org import ConnectedApp, Org, Profile, User

# --- the fake credentials (printed by `sfdoctor simulate`; nothing here is a secret) -----
USERNAME = "integration@acme-corp.example"
PASSWORD = "Sim-Passw0rd-2026"
OLD_PASSWORD = "Sim-Passw0rd-2025"
SECURITY_TOKEN = "gLv8WdEuhHkZna7rjNmpFBwF"
OLD_SECURITY_TOKEN = "KA0sayAYj626HqwZGxomRXKd"
CONSUMER_KEY = (
    "3MVG96ombYXUhDTm_y9IUfpD011RvlQCy2dsxWWHNCCI8VAhyDkjlmUoaYaLZVPvfCnABW1Z9gVPgZ36he38x"
)
OTHER_CONSUMER_KEY = (
    "3MVG96ombYXUhDTm_y9IUfpD011RvlQCy2dsxWWHNCCI8VAhyDkjlmUoaYaLZVPvfCnABW1Z9gVPgZ36Qk71T"
)
CONSUMER_SECRET = "1CF198D4AF1124D30269BFB42BC7EC02E5F2A25212EFCEF3C4647D7E4A966820"
OTHER_CONSUMER_SECRET = "DE789DA58B36D74959386E25B0F68835A48A96FFD84BF53710E0F48A0C5894EE"

# Documentation address blocks (RFC 5737): never anybody's real network.
UNTRUSTED_IP = "203.0.113.7"
TRUSTED_IP = "198.51.100.20"
OFFICE_RANGE = "198.51.100.0/24"
"""Setup > Network Access: the office network, trusted."""
BRANCH_RANGE = "192.0.2.0/24"
"""A profile Login IP Range that excludes both addresses above."""

USER_ID15 = "0058d000003IntG"
PROFILE = "Integration User"


def build_org(
    *,
    org: Mapping[str, Any] | None = None,
    user: Mapping[str, Any] | None = None,
    profile: Mapping[str, Any] | None = None,
    app: Mapping[str, Any] | None = None,
) -> Org:
    """The base org (one integration user, one connected app, an untrusted client IP, the
    office network trusted), with fields overridden per part."""
    the_profile = replace(Profile(name=PROFILE), **dict(profile or {}))
    the_user = replace(
        User(
            username=USERNAME,
            password=PASSWORD,
            security_token=SECURITY_TOKEN,
            id15=USER_ID15,
            email="integration@acme-corp.example",
            profile=the_profile,
        ),
        **dict(user or {}),
    )
    the_app = replace(
        ConnectedApp(
            name="Nightly Sync",
            consumer_key=CONSUMER_KEY,
            consumer_secret=CONSUMER_SECRET,
            pre_authorized_profiles=(PROFILE,),
        ),
        **dict(app or {}),
    )
    base = Org(
        users=[the_user],
        apps=[the_app],
        client_ip=UNTRUSTED_IP,
        trusted_ranges=(OFFICE_RANGE,),
    )
    return replace(base, **dict(org or {}))


def credentials(
    *,
    password: str = PASSWORD,
    token: str | None = SECURITY_TOKEN,
    client_id: str = CONSUMER_KEY,
    client_secret: str = CONSUMER_SECRET,
) -> Mapping[str, str]:
    """The environment an integration has (``SF_SECURITY_TOKEN`` absent when no token)."""
    env = {"SF_USERNAME": USERNAME, "SF_PASSWORD": password}
    if token is not None:
        env["SF_SECURITY_TOKEN"] = token
    env["SF_CLIENT_ID"] = client_id
    env["SF_CLIENT_SECRET"] = client_secret
    return MappingProxyType(env)


@dataclass(frozen=True)
class Scenario:
    """A named situation: how to build the org, what the client has, what must be found."""

    name: str
    description: str
    build: Callable[[], Org]
    credentials: Mapping[str, str] = field(default_factory=credentials)
    expected_cause: str | None = None
    expected_attempts: int = 2

    def org(self) -> Org:
        """A fresh org for this scenario (each call a new one: logins change the org)."""
        return self.build()

    def env(self, url: str) -> dict[str, str]:
        """The client's environment, ``SF_LOGIN_URL`` pointing at ``url``."""
        return {"SF_LOGIN_URL": url, **self.credentials}

    @property
    def has_token(self) -> bool:
        """Whether the client has a security token configured."""
        return "SF_SECURITY_TOKEN" in self.credentials


def _org(**parts: Mapping[str, Any]) -> Callable[[], Org]:
    return lambda: build_org(**parts)


_LIST = [
    Scenario(
        "healthy",
        "untrusted network, password + current token: the login works and needs the token",
        _org(),
    ),
    Scenario(
        "trusted-network",
        "trusted office network, token configured: works with and without the token",
        _org(org={"client_ip": TRUSTED_IP}),
    ),
    Scenario(
        "trusted-no-token",
        "trusted office network, no token configured: works here only (the laptop trap)",
        _org(org={"client_ip": TRUSTED_IP}),
        credentials(token=None),
        "trusted_network_only",
        1,
    ),
    Scenario(
        "untrusted-no-token",
        "untrusted network, no token configured: 'authentication failure'",
        _org(),
        credentials(token=None),
        "security_token_required",
        1,
    ),
    Scenario(
        "legacy-token-message",
        "untrusted network, no token, an org answering in the 2013 wording "
        "('authentication failure - Failed: API security token required')",
        _org(org={"legacy_messages": True}),
        credentials(token=None),
        "security_token_required",
        1,
    ),
    Scenario(
        "stale-token",
        "trusted office network, an old token appended: fails with it, works without",
        _org(org={"client_ip": TRUSTED_IP}),
        credentials(token=OLD_SECURITY_TOKEN),
        "security_token_invalid",
        2,
    ),
    Scenario(
        "wrong-password",
        "untrusted network, token configured, the password is an old one",
        _org(),
        credentials(password=OLD_PASSWORD),
        # Both attempts answer the bare "authentication failure"; only Login History
        # ("Invalid Password") says more.
        "ambiguous_auth_failure",
        2,
    ),
    Scenario(
        "locked-out",
        "the user is already locked out by earlier failed logins (Password Lockout)",
        _org(user={"locked_out": True, "failed_logins": 5}),
        credentials(),
        # A modern org answers a locked user with the bare "authentication failure", the
        # right password included; only Login History ("Password Lockout") names it.
        "ambiguous_auth_failure",
        2,
    ),
    Scenario(
        "ip-restricted",
        "the profile's Login IP Ranges exclude the client: refused with or without token",
        _org(profile={"login_ip_ranges": (BRANCH_RANGE,)}),
        credentials(),
        "ip_restricted",  # "ip restricted" decides at the first attempt
        1,
    ),
    Scenario(
        "flow-disabled",
        "'Allow OAuth Username-Password Flows' is off (the default since Summer '23)",
        _org(org={"allow_password_flow": False}),
        credentials(),
        # The API says only "authentication failure" (research O6): password_flow_disabled
        # is a candidate of the ambiguous finding, confirmed by Login History
        # ("Username-Password Flow Disabled").
        "ambiguous_auth_failure",
        2,
    ),
    Scenario(
        "bad-client-id",
        "the consumer key is not this org's (another app's, or a sandbox's)",
        _org(),
        credentials(client_id=OTHER_CONSUMER_KEY),
        "invalid_client_id",
        1,
    ),
    Scenario(
        "bad-client-secret",
        "the consumer secret is wrong",
        _org(),
        credentials(client_secret=OTHER_CONSUMER_SECRET),
        "invalid_client_secret",
        1,
    ),
    Scenario(
        "app-not-approved",
        "the app admits only pre-authorized users and the user's profile is not assigned",
        _org(app={"admin_approved_only": True, "pre_authorized_profiles": ()}),
        credentials(),
        "app_not_approved",
        1,
    ),
    Scenario(
        "inactive-user",
        "the integration user is deactivated",
        _org(user={"active": False}),
        credentials(),
        "user_inactive",
        1,
    ),
    Scenario(
        "inactive-org",
        "the org is locked (trial expired or suspended)",
        _org(org={"active": False}),
        credentials(),
        "org_inactive",
        1,
    ),
    Scenario(
        "maintenance",
        "the instance is down for maintenance: every request gets the HTML 503 page",
        _org(org={"maintenance": True}),
        credentials(),
        "service_unavailable",
        1,
    ),
    Scenario(
        "session-revoked",
        "the login works but the session is revoked at once: every API call answers 401",
        _org(org={"sessions_revoked": True}),
        credentials(),
        "session_invalid",
        2,
    ),
    Scenario(
        "api-disabled",
        "the login works but the edition has no API access: REST answers 403",
        _org(org={"api_enabled": False}),
        credentials(),
        "api_disabled",
        2,
    ),
    Scenario(
        "password-expired",
        "the login works but the password has expired: every API call answers 401",
        _org(user={"password_expired": True}),
        credentials(),
        "password_expired",
        2,
    ),
    Scenario(
        "request-limit-exceeded",
        "the login works but the org's 24-hour API request limit is used up",
        _org(org={"api_requests_used": 15000}),
        credentials(),
        "request_limit_exceeded",
        2,
    ),
]

SCENARIOS: dict[str, Scenario] = {s.name: s for s in _LIST}
"""Every scenario by name, in definition order."""

DEFAULT = "trusted-no-token"
"""The scenario ``sfdoctor demo`` runs without an argument: the trap sfdoctor exists for."""
