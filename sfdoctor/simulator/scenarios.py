"""Named situations of the simulated org: what the demo shows and the tests check.

Each :class:`Scenario` builds a fresh :class:`~sfdoctor.simulator.org.Org`, carries the
credentials an integration would use (fake ones) as environment variables, and states the
diagnosis a correct checker reaches: ``expected_cause`` (an id from CAUSES.md, None when
healthy; the deprecation radar's notes are not the diagnosis) and ``expected_attempts``
(login requests it needs: for the password flows 2 when a token is configured and the first
attempt does not already decide, else 1; 1 for JWT bearer and client credentials). The
expectations follow what Salesforce really answers; the checker has to match them, not the
other way round. ``flow`` is the ``check --flow`` the scenario is run with.

JWT scenarios sign with an RSA key pair generated on first use (never committed): the
certificate is "uploaded" to the org's connected app, the private key written to a file in
a private temporary directory for ``SF_JWT_KEY_FILE``, removed when the process exits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
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

APP_KEY = "nightly-sync"
"""The key pair whose certificate is on the connected app."""
OTHER_KEY = "old-laptop"
"""Another key pair: a private key whose certificate was never uploaded."""


@cache
def key_pair(label: str) -> tuple[str, str]:
    """(private key PEM, self-signed certificate PEM) for ``label``, made once per process
    (RSA 2048 with cryptography: the ``jwt`` extra)."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"sfdoctor simulator {label}")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return private, cert.public_bytes(serialization.Encoding.PEM).decode()


def certificate(label: str) -> str:
    """The certificate of key pair ``label``, as uploaded to a connected app."""
    return key_pair(label)[1]


@cache
def _key_dir() -> str:
    import atexit
    import shutil
    import tempfile

    path = tempfile.mkdtemp(prefix="sfdoctor-sim-")  # mode 0700
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def key_file(label: str) -> str:
    """A file holding the private key of key pair ``label`` (mode 0600), removed when the
    process exits."""
    import os

    path = os.path.join(_key_dir(), f"{label}.key")
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(key_pair(label)[0])
    return path


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


def soap_credentials(
    *, password: str = PASSWORD, token: str | None = SECURITY_TOKEN
) -> Mapping[str, str]:
    """What a SOAP ``login()`` client has: username, password, the token if any."""
    env = {"SF_USERNAME": USERNAME, "SF_PASSWORD": password}
    if token is not None:
        env["SF_SECURITY_TOKEN"] = token
    return MappingProxyType(env)


def jwt_credentials(*, client_id: str = CONSUMER_KEY) -> Mapping[str, str]:
    """What a JWT bearer client has besides its key file: consumer key and username."""
    return MappingProxyType({"SF_USERNAME": USERNAME, "SF_CLIENT_ID": client_id})


def client_credentials(*, client_secret: str = CONSUMER_SECRET) -> Mapping[str, str]:
    """What a client credentials client has: the consumer key and secret only."""
    return MappingProxyType({"SF_CLIENT_ID": CONSUMER_KEY, "SF_CLIENT_SECRET": client_secret})


@dataclass(frozen=True)
class Scenario:
    """A named situation: how to build the org, what the client has, what must be found."""

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


def _org(**parts: Mapping[str, Any]) -> Callable[[], Org]:
    return lambda: build_org(**parts)


def _jwt_org(
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


def _cc_org(*, app: Mapping[str, Any] | None = None, **parts: Any) -> Callable[[], Org]:
    """An org whose app runs the client credentials flow as the integration user."""
    return _org(app={"run_as": USERNAME, **dict(app or {})}, **parts)


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
    # --- SOAP login() (simple-salesforce, Data Loader): the radar notes its retirement
    Scenario(
        "soap-healthy",
        "SOAP login(), untrusted network, password + current token: works, needs the token",
        _org(),
        soap_credentials(),
        None,
        2,
        flow="soap",
    ),
    Scenario(
        "soap-untrusted-no-token",
        "SOAP login(), untrusted network, no token: LOGIN_MUST_USE_SECURITY_TOKEN",
        _org(),
        soap_credentials(token=None),
        "security_token_required",
        1,
        flow="soap",
    ),
    Scenario(
        "soap-stale-token",
        "SOAP login(), trusted office network, an old token appended: INVALID_LOGIN with it, "
        "works without",
        _org(org={"client_ip": TRUSTED_IP}),
        soap_credentials(token=OLD_SECURITY_TOKEN),
        "security_token_invalid",
        2,
        flow="soap",
    ),
    Scenario(
        "soap-wrong-password",
        "SOAP login(), untrusted network, token configured, an old password: INVALID_LOGIN "
        "with and without the token",
        _org(),
        soap_credentials(password=OLD_PASSWORD),
        "invalid_credentials",
        2,
        flow="soap",
    ),
    Scenario(
        "soap-login-disabled",
        "SOAP login() is switched off (the default for orgs created since Winter '26)",
        _org(org={"soap_login_enabled": False}),
        soap_credentials(),
        "soap_login_disabled",
        1,
        flow="soap",
    ),
    Scenario(
        "soap-ip-restricted",
        "SOAP login(), the profile's Login IP Ranges exclude the client: "
        "LOGIN_DURING_RESTRICTED_DOMAIN",
        _org(profile={"login_ip_ranges": (BRANCH_RANGE,)}),
        soap_credentials(),
        "ip_restricted",
        1,
        flow="soap",
    ),
    Scenario(
        "soap-password-expired",
        "SOAP login() works but answers passwordExpired = true",
        _org(user={"password_expired": True}),
        soap_credentials(),
        "password_expired",
        2,
        flow="soap",
    ),
    # --- the JWT bearer flow
    Scenario(
        "jwt-healthy",
        "JWT bearer: the certificate is on the app and the user's profile pre-authorized",
        _jwt_org(),
        jwt_credentials(),
        None,
        1,
        flow="jwt",
        jwt_key=APP_KEY,
    ),
    Scenario(
        "jwt-wrong-certificate",
        "JWT bearer: signed with a key whose certificate was never uploaded to the app",
        _jwt_org(),
        jwt_credentials(),
        "jwt_assertion_invalid",
        1,
        flow="jwt",
        jwt_key=OTHER_KEY,
    ),
    Scenario(
        "jwt-not-preauthorized",
        "JWT bearer: the app admits pre-authorized users only, and the user's profile is not",
        _jwt_org(app={"pre_authorized_profiles": ()}),
        jwt_credentials(),
        "app_not_approved",
        1,
        flow="jwt",
        jwt_key=APP_KEY,
    ),
    Scenario(
        "jwt-wrong-audience",
        "JWT bearer: the org is a sandbox, the assertion names production as its audience",
        _jwt_org(org={"sandbox": True}),
        jwt_credentials(),
        "wrong_login_host",
        1,
        flow="jwt",
        jwt_key=APP_KEY,
    ),
    Scenario(
        "jwt-clock-skew",
        "JWT bearer from a machine whose clock is 10 minutes slow: the assertion has expired "
        "by Salesforce's clock",
        _jwt_org(org={"clock_skew": 600.0}),
        jwt_credentials(),
        "jwt_assertion_invalid",
        1,
        flow="jwt",
        jwt_key=APP_KEY,
    ),
    Scenario(
        "jwt-ip-restricted",
        "JWT bearer from outside the profile's Login IP Ranges (JWT always enforces them)",
        _jwt_org(profile={"login_ip_ranges": (BRANCH_RANGE,)}),
        jwt_credentials(),
        "ip_restricted",
        1,
        flow="jwt",
        jwt_key=APP_KEY,
    ),
    # --- the client credentials flow
    Scenario(
        "client-credentials-healthy",
        "client credentials at the My Domain, the app runs as the integration user",
        _cc_org(),
        client_credentials(),
        None,
        1,
        flow="client-credentials",
    ),
    Scenario(
        "client-credentials-no-run-as-user",
        "client credentials: the app names no Run As user",
        _cc_org(app={"run_as": None}),
        client_credentials(),
        "client_credentials_user_missing",
        1,
        flow="client-credentials",
    ),
    Scenario(
        "client-credentials-login-host",
        "client credentials sent to login.salesforce.com (played by the simulator) instead "
        "of the My Domain",
        _cc_org(org={"generic_login_host": True}),
        client_credentials(),
        "wrong_login_host",
        1,
        flow="client-credentials",
    ),
    Scenario(
        "client-credentials-bad-secret",
        "client credentials with a consumer secret that is not the app's",
        _cc_org(),
        client_credentials(client_secret=OTHER_CONSUMER_SECRET),
        "invalid_client_secret",
        1,
        flow="client-credentials",
    ),
]

SCENARIOS: dict[str, Scenario] = {s.name: s for s in _LIST}
"""Every scenario by name, in definition order."""

DEFAULT = "trusted-no-token"
"""The scenario ``sfdoctor demo`` runs without an argument: the trap sfdoctor exists for."""
