"""How the org decides the flows without a password: JWT bearer and client credentials.

Both are pure, like :mod:`~sfdoctor.simulator.login`: they read the org and return a
:class:`~sfdoctor.simulator.org.LoginOutcome`. Verifying an RS256 signature needs
cryptography (the ``jwt`` extra), imported only when an assertion is checked.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

from sfdoctor.simulator import responses as R
from sfdoctor.simulator.login import rate_limited
from sfdoctor.simulator.org import LoginHistory, LoginOutcome, Org, in_ranges, refuse

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
PRODUCTION_AUDIENCE = "https://login.salesforce.com"
SANDBOX_AUDIENCE = "https://test.salesforce.com"
# An exp far ahead is accepted. Salesforce asks for an expiry "within three minutes", but its
# own CLI has always sent milliseconds where seconds belong (`exp: Date.now() + 300` in
# @salesforce/core's AuthInfo, forcedotcom/sfdx-core src/org/authInfo.ts, the same in its
# 2018 form): an exp some 50,000 years ahead, and `sf org login jwt` logs in. Only an exp
# already past is refused.

_NUMERIC = re.compile(r"\d{1,16}(?:\.\d{1,9})?")


def _b64url(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _jwt_parts(assertion: str) -> tuple[dict[str, object], dict[str, object], bytes, bytes] | None:
    """(header, claims, signing input, signature) of a compact JWS, or None if malformed."""
    parts = assertion.split(".")
    if len(parts) != 3:
        return None
    try:
        header = json.loads(_b64url(parts[0]))
        claims = json.loads(_b64url(parts[1]))
        signature = _b64url(parts[2])
    except (ValueError, binascii.Error):
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    return header, claims, f"{parts[0]}.{parts[1]}".encode(), signature


def _signed_by(certificate: str | None, signing_input: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is an RS256 signature of ``signing_input`` by the key whose
    certificate is ``certificate`` (needs cryptography: the ``jwt`` extra)."""
    if not certificate:
        return False
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = x509.load_pem_x509_certificate(certificate.encode()).public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def expiry(claims: dict[str, object]) -> float | None:
    """The ``exp`` claim as seconds since the epoch, or None when it is no time at all.

    RFC 7519 asks for a JSON number; Salesforce also takes a numeric string, which is how
    simple-salesforce sends it (``'exp': f'{expiration.timestamp():.0f}'`` in its
    ``login.py``): its JWT logins work, and when its ``exp`` was wrong Salesforce judged the
    string as a time ("expired authorization code", simple-salesforce#371 with
    ``'exp': '1584974785'``, explained in #491).
    """
    exp = claims.get("exp")
    if isinstance(exp, bool):
        return None  # a JSON true is no time, though Python counts it as an int
    if isinstance(exp, int | float):
        return float(exp)
    if isinstance(exp, str) and _NUMERIC.fullmatch(exp.strip()):
        return float(exp)
    return None


def decide_jwt_login(org: Org, assertion: str, now: float) -> LoginOutcome:
    """Decide an OAuth 2.0 JWT bearer login (``grant_type=...:jwt-bearer``) at ``now``; pure.

    Order (INFERRED where Salesforce does not document it): the assertion's shape and
    algorithm, the audience (research O14: "audience is invalid"), the issuer (the consumer
    key), the signature against the certificate uploaded to the app, the expiry, the
    subject (research O15: "invalid assertion"), the hourly login limit, the user and the
    org, the profile's Login IP Ranges (JWT always enforces them, research O16; trusted
    networks do not matter: there is no password), and last the app's approval ("user
    hasn't approved this consumer", research O13). Nothing counts toward the lockout.

    An ``exp`` already past by the org's clock (a slow client clock, or a wrong time zone)
    answers ``expired authorization code``: newrelic-salesforce-exporter#31 (JWT, 400, body
    verbatim), salesforce.stackexchange.com/questions/282513 (JWT bearer, an ``exp`` seconds
    ahead), simple-salesforce#491 (an ``exp`` hours behind). An ``exp`` far ahead is accepted
    (Salesforce's own CLI sends one: see above); no time at all stays ``invalid assertion``
    (INFERRED: no capture).
    """
    parsed = _jwt_parts(assertion)
    if parsed is None or parsed[0].get("alg") != "RS256":
        return refuse(R.OAUTH_INVALID_ASSERTION, None)
    _, claims, signing_input, signature = parsed
    audience = SANDBOX_AUDIENCE if org.sandbox else PRODUCTION_AUDIENCE
    aud = claims.get("aud")
    if aud != audience and not (isinstance(aud, list) and audience in aud):
        return refuse(R.OAUTH_AUDIENCE_INVALID, None)
    app = org.app(str(claims.get("iss", "")))
    if app is None:
        return refuse(R.OAUTH_INVALID_CLIENT_ID, None)
    if not _signed_by(app.certificate, signing_input, signature):
        return refuse(R.OAUTH_INVALID_ASSERTION, None)
    exp = expiry(claims)
    if exp is None:
        return refuse(R.OAUTH_INVALID_ASSERTION, None)
    if exp <= now:
        return refuse(R.OAUTH_EXPIRED_AUTHORIZATION_CODE, None)
    user = org.user(str(claims.get("sub", "")))
    if user is None:
        return refuse(R.OAUTH_INVALID_ASSERTION, None)  # no Login History row: no such user
    limited = rate_limited(org, user, now, R.OAUTH_LOGIN_RATE_EXCEEDED)  # n8n-io/n8n#31948
    if limited is not None:
        return limited
    if not user.active:
        return refuse(R.OAUTH_INACTIVE_USER, LoginHistory.USER_INACTIVE, user)
    if not org.active:
        return refuse(R.OAUTH_INACTIVE_ORG, LoginHistory.ORG_INACTIVE, user)
    ranges = user.profile.login_ip_ranges
    if ranges and not in_ranges(org.client_ip, ranges):
        return refuse(R.OAUTH_IP_RESTRICTED, LoginHistory.RESTRICTED_IP, user)
    # With "All users may self-authorize" the user must have approved the app once in a
    # browser, which never happens here: only pre-authorization admits a JWT login.
    if not (app.admin_approved_only and user.profile.name in app.pre_authorized_profiles):
        return refuse(R.OAUTH_USER_NOT_APPROVED, None, user)
    return LoginOutcome(True, None, LoginHistory.SUCCESS, user.username)


def decide_client_credentials_login(
    org: Org, client_id: str, client_secret: str, *, now: float | None = None
) -> LoginOutcome:
    """Decide an OAuth 2.0 client credentials login (``grant_type=client_credentials``) at
    ``now`` (the org's clock when None); pure.

    Order: the host (the generic login hosts refuse the flow: "request not supported on
    this domain", research O18), the consumer key, the consumer secret, the app's Run As
    user ("no client credentials user enabled", research O17), the hourly login limit of
    that user, that user and the org. INFERRED: the order after the host, and that the
    Run As user's logins count toward its limit. Nothing counts toward a lockout.
    """
    if org.generic_login_host:
        return refuse(R.OAUTH_NOT_ON_THIS_DOMAIN, None)
    app = org.app(client_id)
    if app is None:
        return refuse(R.OAUTH_INVALID_CLIENT_ID, None)
    if client_secret != app.consumer_secret:
        return refuse(R.OAUTH_INVALID_SECRET, None)
    user = org.user(app.run_as) if app.run_as else None
    if user is None:
        return refuse(R.OAUTH_NO_RUN_AS_USER, None)
    limited = rate_limited(org, user, now, R.OAUTH_LOGIN_RATE_EXCEEDED)
    if limited is not None:
        return limited
    if not user.active:
        return refuse(R.OAUTH_INACTIVE_USER, LoginHistory.USER_INACTIVE, user)
    if not org.active:
        return refuse(R.OAUTH_INACTIVE_ORG, LoginHistory.ORG_INACTIVE, user)
    return LoginOutcome(True, None, LoginHistory.SUCCESS, user.username)
