"""The OAuth 2.0 JWT bearer flow: an RS256 assertion, one POST to the token endpoint.

The assertion is signed with PyJWT and cryptography, an optional extra
(``pip install 'sfdoctor[jwt]'``) imported here only, and only when the flow runs. The
private key is read from ``SF_JWT_KEY_FILE`` into a :class:`~sfdoctor.models.Secret`; what
leaves this module is the signed assertion (itself a bearer credential for three minutes,
kept as a Secret too) and the SHA-256 fingerprint of the public key.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import NamedTuple

from sfdoctor import hosts
from sfdoctor.models import Secret
from sfdoctor.probes.http import Transport
from sfdoctor.probes.password import Login, token_request
from sfdoctor.status import UsageError

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
PRODUCTION_AUDIENCE = "https://login.salesforce.com"
SANDBOX_AUDIENCE = "https://test.salesforce.com"
LIFETIME = 180
"""Seconds from now to ``exp``: Salesforce wants the assertion to expire within minutes."""
INSTALL = "pip install 'sfdoctor[jwt]'"


class Claims(NamedTuple):
    """The claims of the assertion (none of them secret)."""

    iss: str
    sub: str
    aud: str
    exp: int
    signed_at: int
    """This machine's clock when the assertion was signed (seconds since the epoch)."""


class Assertion(NamedTuple):
    """A signed assertion, its claims, and the fingerprint of the key that signed it."""

    token: Secret
    claims: Claims
    key_sha256: str
    """SHA-256 (hex) of the DER SubjectPublicKeyInfo of the signing key's public half."""


class KeyProblem(ValueError):
    """The key file cannot sign: the message says why, never what the file holds."""


def require_extra() -> None:
    """Raise a :class:`UsageError` (exit 2) naming the install command when PyJWT or
    cryptography is missing."""
    try:
        import cryptography  # noqa: F401
        import jwt  # noqa: F401
    except ImportError:
        raise UsageError(
            f"the JWT bearer flow needs PyJWT with cryptography, which are not installed: "
            f"{INSTALL}",
            hint=f"{INSTALL} (or pip install 'PyJWT[crypto]>=2.8' into the same environment)",
        ) from None


def audience_for(login_url: str) -> str:
    """The ``aud`` claim for ``login_url``: the sandbox login server for a sandbox host
    (``test.salesforce.com``, a sandbox My Domain), else the production one."""
    host = hosts.host_of(login_url)
    return SANDBOX_AUDIENCE if hosts.is_sandbox_host(host) else PRODUCTION_AUDIENCE


def sign(
    key: Secret, *, client_id: str, username: str, audience: str, now: float | None = None
) -> Assertion:
    """Sign the assertion: ``iss`` the consumer key, ``sub`` the username, ``aud`` the login
    server, ``exp`` :data:`LIFETIME` seconds from ``now``; RS256."""
    import jwt
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        private = serialization.load_pem_private_key(key.reveal().encode(), password=None)
    except TypeError:
        raise KeyProblem(
            "the private key is encrypted; give sfdoctor an unencrypted copy"
        ) from None
    except ValueError:
        raise KeyProblem("the file holds no private key that can be read (PEM)") from None
    if not isinstance(private, rsa.RSAPrivateKey):
        raise KeyProblem(
            f"the key is {type(private).__name__.removeprefix('_')}, not RSA: Salesforce's "
            "JWT bearer flow signs with RS256 (an RSA key)"
        )
    signed_at = int(now if now is not None else time.time())
    claims = Claims(client_id, username, audience, signed_at + LIFETIME, signed_at)
    payload = {"iss": claims.iss, "sub": claims.sub, "aud": claims.aud, "exp": claims.exp}
    token = jwt.encode(payload, private, algorithm="RS256")
    der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    digest = hashes.Hash(hashes.SHA256())
    digest.update(der)
    return Assertion(Secret(token), claims, digest.finalize().hex())


def jwt_login(transport: Transport, login_url: str, assertion: Assertion) -> Login:
    """POST the JWT bearer grant (one attempt: JWT has no token to try without)."""
    transport.redactor.add(assertion.token.reveal())
    return token_request(
        transport, login_url, {"grant_type": GRANT_TYPE, "assertion": assertion.token.reveal()}
    )


def server_skew(headers: Mapping[str, str], received_at: float) -> float | None:
    """Salesforce's clock minus this machine's, in seconds, from the ``Date`` header of an
    answer received at ``received_at`` (None without a readable header). One-second
    resolution: the header has no fractions."""
    from email.utils import parsedate_to_datetime

    value = next((v for k, v in headers.items() if k.lower() == "date"), None)
    if not value:
        return None
    try:
        server = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return server - received_at
