"""The fake credentials and the base org every scenario starts from.

Nothing here is a secret: the passwords, tokens and consumer keys are made up and printed by
``sfdoctor simulate``. JWT scenarios sign with RSA key pairs generated on first use (never
committed): the certificate is "uploaded" to the org's connected app, the private key written
to a file in a private temporary directory for ``SF_JWT_KEY_FILE``, removed when the process
exits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
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
