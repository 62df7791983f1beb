"""The simulated org: users, network policy, the connected app, and how a login is decided.

:func:`decide_password_login` (OAuth username-password flow), :func:`decide_soap_login`
(SOAP ``login()``), :func:`decide_jwt_login` (JWT bearer) and
:func:`decide_client_credentials_login` are pure: they read the org and return a
:class:`LoginOutcome` saying what Salesforce would answer (a fixture name), what Setup >
Login History would record, and whether the attempt counts toward the lockout threshold.
:meth:`Org.apply` then changes the org (failed-login counter, lockout, Login History), so
a caller can decide a login without touching the org, and the server applies it under one
lock.

The order of checks follows docs/research (shared/research/salesforce-auth-errors.md).
Where Salesforce's order or answer is not documented, the choice is marked ``INFERRED``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from sfdoctor.simulator import responses as R

SECURITY_TOKEN_LENGTH = 24
"""Tokens Salesforce issues are 24 characters (third-party guides; research §6.1)."""

MIN_API_VERSION = 31.0
"""Versions 7.0-30.0 are retired (research §4: 21.0-30.0 retired Summer '25)."""

SOAP_LOGIN_LAST_VERSION = 64.0
"""``login()`` "remains available in API version 64.0 and earlier" (research §6.6)."""

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
PRODUCTION_AUDIENCE = "https://login.salesforce.com"
SANDBOX_AUDIENCE = "https://test.salesforce.com"
JWT_MAX_LIFETIME = 300
"""INFERRED: how far ahead ``exp`` may lie. Salesforce asks for an expiry "within three
minutes"; clients send now + 180 s, and some slack is allowed for clocks and latency."""


class LoginHistory(StrEnum):
    """Setup > Login History Status strings, exactly as in ``fixtures/login_history/``."""

    SUCCESS = "Success"
    TOKEN_REQUIRED = "Failed: API security token required"
    INVALID_PASSWORD = "Invalid Password"
    PASSWORD_LOCKOUT = "Password Lockout"
    USER_FROZEN = "User is Frozen"
    USER_INACTIVE = "User is Inactive"
    RESTRICTED_IP = "Restricted IP"
    RESTRICTED_TIME = "Restricted time"
    FLOW_DISABLED = "Username-Password Flow Disabled"
    ORG_INACTIVE = "Organization is inactive"
    API_VERSION_REMOVED = (
        "Failed: API Version Removed. The API version specified for login is below the "
        "minimum supported value, and has been removed. Update to a newer, supported API "
        "version."
    )


class LoginType(StrEnum):
    """Login History "Login Type" of the two login paths."""

    OAUTH = "Remote Access 2.0"  # seen for OAuth logins (forceworkbench#772)
    SOAP = "Other Apex API"  # INFERRED: the value Login History shows for API logins


def id18(id15: str) -> str:
    """The 18-character, case-insensitive form of a 15-character Salesforce id.

    Salesforce appends one character per 5-character chunk, encoding which letters of the
    chunk are upper case (bit i set for an upper-case letter at position i).
    """
    if len(id15) != 15:
        return id15
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    suffix = ""
    for start in (0, 5, 10):
        bits = sum(1 << i for i, ch in enumerate(id15[start : start + 5]) if "A" <= ch <= "Z")
        suffix += alphabet[bits]
    return id15 + suffix


def _in_ranges(ip: str, cidrs: tuple[str, ...]) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(c, strict=False) for c in cidrs)


@dataclass
class Profile:
    """The part of a user profile that decides logins."""

    name: str = "Integration User"
    login_ip_ranges: tuple[str, ...] = ()
    """Setup > Profiles > Login IP Ranges as CIDRs; empty means no restriction."""
    login_hours_allow_now: bool = True
    """Whether the profile's Login Hours include the present moment."""


@dataclass
class User:
    """A user as the login decision sees it. Passwords here are fake, for the simulator."""

    username: str
    password: str
    security_token: str
    id15: str
    first_name: str = "Integration"
    last_name: str = "User"
    email: str = "integration@acme.example"
    profile: Profile = field(default_factory=Profile)
    active: bool = True
    frozen: bool = False
    locked_out: bool = False
    password_expired: bool = False
    failed_logins: int = 0

    @property
    def user_id(self) -> str:
        """The 18-character user id (``005...``)."""
        return id18(self.id15)

    @property
    def display_name(self) -> str:
        """First and last name, as Salesforce displays them."""
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class ConnectedApp:
    """A connected app: consumer key and secret, and who may use it."""

    name: str
    consumer_key: str
    consumer_secret: str
    admin_approved_only: bool = False
    """Permitted Users = "Admin approved users are pre-authorized"."""
    pre_authorized_profiles: tuple[str, ...] = ()
    """Profiles assigned to the app (only consulted when ``admin_approved_only``)."""
    certificate: str | None = None
    """PEM of the certificate uploaded under 'Use digital signatures' (JWT bearer flow)."""
    run_as: str | None = None
    """Client Credentials Flow > Run As: the username tokens are issued for (None: unset)."""


@dataclass(frozen=True)
class LoginHistoryEntry:
    """One row of Setup > Login History."""

    time: datetime
    username: str
    user_id: str
    source_ip: str
    login_type: str
    status: str


@dataclass
class Org:
    """A Salesforce org as far as API authentication is concerned."""

    id15: str = "00D8d000001SiMu"
    name: str = "Acme Corp"
    my_domain: str = "acme-corp"
    users: list[User] = field(default_factory=list)
    apps: list[ConnectedApp] = field(default_factory=list)
    client_ip: str = "203.0.113.7"
    """The address the org believes every request comes from (requests arrive on loopback)."""
    trusted_ranges: tuple[str, ...] = ()
    """Setup > Network Access: trusted IP ranges as CIDRs (no security token needed)."""
    lockout_threshold: int | None = 5
    """Password Policies > Maximum invalid login attempts (3, 5, 10; None = no limit)."""
    allow_password_flow: bool = True
    """OAuth and OpenID Connect Settings > Allow OAuth Username-Password Flows."""
    soap_login_enabled: bool = True
    """User Interface > Enable SOAP API login() (off by default in orgs from Winter '26)."""
    api_enabled: bool = True
    """Whether the edition (and profile) has API access."""
    active: bool = True
    """False for an org that is locked, suspended or whose trial expired."""
    maintenance: bool = False
    """Every endpoint answers the HTML maintenance page (HTTP 503)."""
    legacy_messages: bool = False
    """Answer with the wording of older orgs (2013-era ``authentication failure - Failed: API
    security token required``; the legacy OAuth error codes; the pre-2016 SOAP texts)."""
    sessions_revoked: bool = False
    """Every session is revoked as soon as it is issued (Session Management, or a session
    locked to another IP): the login succeeds, every API call answers 401."""
    api_request_max: int = 15000
    api_requests_used: int = 0
    api_version_max: float = 65.0
    """Latest API version the org offers (65.0 = Winter '26)."""
    sandbox: bool = False
    """A sandbox: JWT assertions must name ``https://test.salesforce.com`` as audience."""
    clock_skew: float = 0.0
    """Seconds the org's clock is ahead of the client's (negative: behind): its ``Date``
    header and its judgement of a JWT's ``exp`` follow it."""
    generic_login_host: bool = False
    """The server plays ``login.salesforce.com``/``test.salesforce.com`` rather than the
    org's My Domain: the client credentials flow is refused there (research O18)."""
    login_history: list[LoginHistoryEntry] = field(default_factory=list)
    sessions: dict[str, str] = field(default_factory=dict)
    """Access token (session id) -> username."""

    @property
    def org_id(self) -> str:
        """The 18-character organization id (``00D...``)."""
        return id18(self.id15)

    def user(self, username: str) -> User | None:
        """The user with this username (usernames are case-insensitive), or None."""
        wanted = username.strip().lower()
        return next((u for u in self.users if u.username.lower() == wanted), None)

    def app(self, consumer_key: str) -> ConnectedApp | None:
        """The connected app with this consumer key (exact match), or None."""
        return next((a for a in self.apps if a.consumer_key == consumer_key), None)

    def is_trusted(self, user: User) -> bool:
        """Whether logins from :attr:`client_ip` need no security token.

        Trusted networks waive the token; so does being inside the profile's Login IP
        Ranges ("with profile-level IP restrictions ... there's no use for security tokens",
        help article user_security_token).
        """
        if _in_ranges(self.client_ip, self.trusted_ranges):
            return True
        ranges = user.profile.login_ip_ranges
        return bool(ranges) and _in_ranges(self.client_ip, ranges)

    def apply(self, outcome: LoginOutcome, login_type: LoginType) -> None:
        """Record ``outcome``: lockout counter, lockout, and the Login History row."""
        user = self.user(outcome.username) if outcome.username else None
        if user is None:
            return  # an unknown username leaves no trace (research O1)
        if outcome.ok:
            user.failed_logins = 0
        elif outcome.counts_as_failure:
            user.failed_logins += 1
            if outcome.locks_user:
                user.locked_out = True
        if outcome.login_history is not None:
            self.login_history.append(
                LoginHistoryEntry(
                    time=datetime.now(UTC),
                    username=user.username,
                    user_id=user.user_id,
                    source_ip=self.client_ip,
                    login_type=str(login_type),
                    status=str(outcome.login_history),
                )
            )


@dataclass(frozen=True)
class LoginOutcome:
    """What Salesforce does with one login attempt."""

    ok: bool
    answer: str | None
    """The failure answer: a fixture name (``"oauth/..."``) for :func:`responses.load`;
    None on success (the success body is built from the org)."""
    login_history: LoginHistory | None
    """The Login History Status recorded; None when no row is written (unknown username,
    a request rejected before the user is known) or when the status is undocumented."""
    username: str | None = None
    """The user the attempt was for, when it exists."""
    counts_as_failure: bool = False
    """Counts toward the lockout threshold (a credential failure)."""
    locks_user: bool = False
    """This failure reaches the threshold: the user is locked from now on."""
    password_expired: bool = False
    """Success, but the password has expired: every later API call fails."""


def _credential_failure(org: Org, user: User, answer: str, status: LoginHistory) -> LoginOutcome:
    threshold = org.lockout_threshold
    locks = threshold is not None and user.failed_logins + 1 >= threshold
    return LoginOutcome(
        False, answer, status, user.username, counts_as_failure=True, locks_user=locks
    )


def _check_password(
    org: Org, user: User, password: str, token_missing: str, invalid: str
) -> LoginOutcome | None:
    """The password step shared by both flows: None when it passes, else the failure.

    The exact password is enough from a trusted network; password + current token works
    from anywhere (trusted included). INFERRED: a stale token is "Invalid Password" (the
    concatenation is no valid credential); a missing token counts toward lockout like any
    failed login (DESIGN: "every failing login counts").
    """
    if password == user.password:
        if org.is_trusted(user):
            return None
        return _credential_failure(org, user, token_missing, LoginHistory.TOKEN_REQUIRED)
    if password == user.password + user.security_token:
        return None
    return _credential_failure(org, user, invalid, LoginHistory.INVALID_PASSWORD)


def _fail(answer: str, status: LoginHistory | None, user: User | None = None) -> LoginOutcome:
    return LoginOutcome(False, answer, status, user.username if user else None)


def decide_password_login(
    org: Org, client_id: str, client_secret: str, username: str, password: str
) -> LoginOutcome:
    """Decide an OAuth 2.0 username-password login (``grant_type=password``); pure.

    Order: consumer key, consumer secret, flow allowed, user exists, user active / frozen /
    locked, org active, profile Login IP Ranges (a token does not help), login hours,
    password (+ token), connected-app approval. A modern org answers most of these with the
    bare ``authentication failure``; the Login History status tells them apart.
    """
    legacy = org.legacy_messages
    app = org.app(client_id)
    if app is None:
        return _fail(R.OAUTH_INVALID_CLIENT_ID, None)
    if client_secret != app.consumer_secret:
        return _fail(R.OAUTH_INVALID_SECRET_LEGACY if legacy else R.OAUTH_INVALID_SECRET, None)
    user = org.user(username)
    if not org.allow_password_flow:
        # research O6: the API says only "authentication failure"; Login History (on the
        # user, so only when the user exists) says why. INFERRED: checked before the
        # password, and not counted toward lockout.
        status = LoginHistory.FLOW_DISABLED if user else None
        return _fail(R.OAUTH_AUTH_FAILURE, status, user)
    if user is None:
        return _fail(R.OAUTH_AUTH_FAILURE, None)
    if not user.active:
        answer = R.OAUTH_INACTIVE_USER_LEGACY if legacy else R.OAUTH_INACTIVE_USER
        return _fail(answer, LoginHistory.USER_INACTIVE, user)
    if user.frozen:
        return _fail(R.OAUTH_AUTH_FAILURE, LoginHistory.USER_FROZEN, user)
    if user.locked_out:
        return _fail(R.OAUTH_AUTH_FAILURE, LoginHistory.PASSWORD_LOCKOUT, user)
    if not org.active:
        answer = R.OAUTH_INACTIVE_ORG_LEGACY if legacy else R.OAUTH_INACTIVE_ORG
        return _fail(answer, LoginHistory.ORG_INACTIVE, user)
    ranges = user.profile.login_ip_ranges
    if ranges and not _in_ranges(org.client_ip, ranges):
        answer = R.OAUTH_IP_RESTRICTED_LEGACY if legacy else R.OAUTH_IP_RESTRICTED
        return _fail(answer, LoginHistory.RESTRICTED_IP, user)
    if not user.profile.login_hours_allow_now:
        # INFERRED: no modern token-endpoint body for login hours was found; the documented
        # one is the legacy "IP restricted or invalid login hours" (research §1).
        return _fail(R.OAUTH_IP_RESTRICTED_LEGACY, LoginHistory.RESTRICTED_TIME, user)
    token_missing = R.OAUTH_TOKEN_REQUIRED_LEGACY if legacy else R.OAUTH_AUTH_FAILURE
    failure = _check_password(org, user, password, token_missing, R.OAUTH_AUTH_FAILURE)
    if failure is not None:
        return failure
    if app.admin_approved_only and user.profile.name not in app.pre_authorized_profiles:
        # INFERRED: for the password flow the answer is invalid_app_access (seen for the
        # auth-code flow, forcedotcom/cli#3260); "user hasn't approved this consumer" is the
        # JWT flow's. Checked after the password; no documented Login History status.
        return _fail(R.OAUTH_APP_NOT_APPROVED, None, user)
    return LoginOutcome(
        True,
        None,
        LoginHistory.SUCCESS,
        user.username,
        password_expired=user.password_expired,
    )


def decide_soap_login(org: Org, username: str, password: str, api_version: float) -> LoginOutcome:
    """Decide a SOAP API ``login()`` on the partner endpoint; pure.

    The same checks as the OAuth flow minus the connected app, plus ``login()``'s own:
    a retired API version, ``login()`` disabled in the org or not offered at this version
    (65.0+), and the edition's API access. SOAP names more causes than OAuth
    (``LOGIN_MUST_USE_SECURITY_TOKEN``, ``LOGIN_DURING_RESTRICTED_DOMAIN``), but locked,
    frozen and inactive users get the plain ``INVALID_LOGIN`` (research §2.1).
    """
    legacy = org.legacy_messages
    invalid_login = R.SOAP_INVALID_LOGIN_LEGACY if legacy else R.SOAP_INVALID_LOGIN
    user = org.user(username)
    if api_version < MIN_API_VERSION:
        # INFERRED: HTTP 410 as for REST (research §4); Login History "API Version Removed".
        status = LoginHistory.API_VERSION_REMOVED if user else None
        return _fail(R.REST_VERSION_GONE, status, user)
    if not org.soap_login_enabled or api_version > SOAP_LOGIN_LAST_VERSION:
        # INFERRED: the fault for API 65.0+ is assumed to be the "disabled" one; checked
        # before the credentials; no Login History status documented.
        return _fail(R.SOAP_LOGIN_DISABLED, None, user)
    if user is None:
        return _fail(invalid_login, None)
    if not user.active:
        return _fail(invalid_login, LoginHistory.USER_INACTIVE, user)
    if user.frozen:
        return _fail(invalid_login, LoginHistory.USER_FROZEN, user)
    if user.locked_out:
        # PARTIAL: in practice INVALID_LOGIN ("... or user locked out"); the documented
        # PASSWORD_LOCKOUT code is kept for the legacy wording.
        answer = R.SOAP_PASSWORD_LOCKOUT if legacy else invalid_login
        return _fail(answer, LoginHistory.PASSWORD_LOCKOUT, user)
    if not org.active:
        return _fail(R.SOAP_ORG_LOCKED, LoginHistory.ORG_INACTIVE, user)
    ranges = user.profile.login_ip_ranges
    if ranges and not _in_ranges(org.client_ip, ranges):
        return _fail(R.SOAP_RESTRICTED_DOMAIN, LoginHistory.RESTRICTED_IP, user)
    if not user.profile.login_hours_allow_now:
        return _fail(R.SOAP_RESTRICTED_TIME, LoginHistory.RESTRICTED_TIME, user)
    token_missing = R.SOAP_TOKEN_REQUIRED_LEGACY if legacy else R.SOAP_TOKEN_REQUIRED
    failure = _check_password(org, user, password, token_missing, invalid_login)
    if failure is not None:
        return failure
    if not org.api_enabled:
        # INFERRED: checked after the credentials; Login History status undocumented.
        return _fail(R.SOAP_API_DISABLED, None, user)
    return LoginOutcome(
        True,
        None,
        LoginHistory.SUCCESS,
        user.username,
        password_expired=user.password_expired,
    )


def _b64url(part: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _jwt_parts(assertion: str) -> tuple[dict[str, object], dict[str, object], bytes, bytes] | None:
    """(header, claims, signing input, signature) of a compact JWS, or None if malformed."""
    import binascii
    import json

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


def decide_jwt_login(org: Org, assertion: str, now: float) -> LoginOutcome:
    """Decide an OAuth 2.0 JWT bearer login (``grant_type=...:jwt-bearer``) at ``now``; pure.

    Order (INFERRED where Salesforce does not document it): the assertion's shape and
    algorithm, the audience (research O14: "audience is invalid"), the issuer (the consumer
    key), the signature against the certificate uploaded to the app, the expiry, the
    subject (research O15: all "invalid assertion"), the user and the org, the profile's
    Login IP Ranges (JWT always enforces them, research O16; trusted networks do not
    matter: there is no password), and last the app's approval ("user hasn't approved this
    consumer", research O13). Nothing counts toward the lockout threshold.
    """
    parsed = _jwt_parts(assertion)
    if parsed is None or parsed[0].get("alg") != "RS256":
        return _fail(R.OAUTH_INVALID_ASSERTION, None)
    _, claims, signing_input, signature = parsed
    audience = SANDBOX_AUDIENCE if org.sandbox else PRODUCTION_AUDIENCE
    aud = claims.get("aud")
    if aud != audience and not (isinstance(aud, list) and audience in aud):
        return _fail(R.OAUTH_AUDIENCE_INVALID, None)
    app = org.app(str(claims.get("iss", "")))
    if app is None:
        return _fail(R.OAUTH_INVALID_CLIENT_ID, None)
    if not _signed_by(app.certificate, signing_input, signature):
        return _fail(R.OAUTH_INVALID_ASSERTION, None)
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or not now < exp <= now + JWT_MAX_LIFETIME:
        return _fail(R.OAUTH_INVALID_ASSERTION, None)
    user = org.user(str(claims.get("sub", "")))
    if user is None:
        return _fail(R.OAUTH_INVALID_ASSERTION, None)  # no Login History row: no such user
    if not user.active:
        return _fail(R.OAUTH_INACTIVE_USER, LoginHistory.USER_INACTIVE, user)
    if not org.active:
        return _fail(R.OAUTH_INACTIVE_ORG, LoginHistory.ORG_INACTIVE, user)
    ranges = user.profile.login_ip_ranges
    if ranges and not _in_ranges(org.client_ip, ranges):
        return _fail(R.OAUTH_IP_RESTRICTED, LoginHistory.RESTRICTED_IP, user)
    # With "All users may self-authorize" the user must have approved the app once in a
    # browser, which never happens here: only pre-authorization admits a JWT login.
    if not (app.admin_approved_only and user.profile.name in app.pre_authorized_profiles):
        return _fail(R.OAUTH_USER_NOT_APPROVED, None, user)
    return LoginOutcome(True, None, LoginHistory.SUCCESS, user.username)


def decide_client_credentials_login(org: Org, client_id: str, client_secret: str) -> LoginOutcome:
    """Decide an OAuth 2.0 client credentials login (``grant_type=client_credentials``); pure.

    Order: the host (the generic login hosts refuse the flow: "request not supported on
    this domain", research O18), the consumer key, the consumer secret, the app's Run As
    user ("no client credentials user enabled", research O17), that user and the org.
    INFERRED: the order after the host. Nothing counts toward a lockout.
    """
    if org.generic_login_host:
        return _fail(R.OAUTH_NOT_ON_THIS_DOMAIN, None)
    app = org.app(client_id)
    if app is None:
        return _fail(R.OAUTH_INVALID_CLIENT_ID, None)
    if client_secret != app.consumer_secret:
        return _fail(R.OAUTH_INVALID_SECRET, None)
    user = org.user(app.run_as) if app.run_as else None
    if user is None:
        return _fail(R.OAUTH_NO_RUN_AS_USER, None)
    if not user.active:
        return _fail(R.OAUTH_INACTIVE_USER, LoginHistory.USER_INACTIVE, user)
    if not org.active:
        return _fail(R.OAUTH_INACTIVE_ORG, LoginHistory.ORG_INACTIVE, user)
    return LoginOutcome(True, None, LoginHistory.SUCCESS, user.username)
