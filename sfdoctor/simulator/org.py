"""The simulated org: users, network policy, the connected app, Login History.

This module is the model only. How a login is decided lives beside it:
:mod:`~sfdoctor.simulator.login` (OAuth username-password flow and SOAP ``login()``) and
:mod:`~sfdoctor.simulator.bearer` (JWT bearer and client credentials). Each ``decide_*``
function is pure: it reads the org and returns a :class:`LoginOutcome` saying what
Salesforce would answer (a fixture name), what Setup > Login History would record, and
whether the attempt counts toward the lockout threshold. :meth:`Org.apply` then changes the
org (failed-login counter, lockout, the hourly login count, Login History), so a caller can
decide a login without touching the org, and the server applies it under one lock.

The order of checks follows docs/research (shared/research/salesforce-auth-errors.md).
Where Salesforce's order or answer is not documented, the choice is marked ``INFERRED``.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

SECURITY_TOKEN_LENGTH = 24
"""Tokens Salesforce issues are 24 characters (third-party guides; research §6.1)."""

MIN_API_VERSION = 31.0
"""Versions 7.0-30.0 are retired (research §4: 21.0-30.0 retired Summer '25)."""

SOAP_LOGIN_LAST_VERSION = 64.0
"""``login()`` "remains available in API version 64.0 and earlier" (research §6.6)."""

LOGIN_RATE_LIMIT = 3600
"""Logins per user per hour: "login() calls are limited to 3,600 per user per hour"
(SOAP API guide, login(); research O10); the OAuth flows share the limit (n8n-io/n8n#31948:
a JWT login per request "quickly exhausting Salesforce's ~3,600 logins/hour limit")."""

LOGIN_RATE_WINDOW = 3600.0
"""The window of the login rate limit, in seconds (per hour)."""


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
    RATE_EXCEEDED = "Login Rate Exceeded"  # restforce#412 (ELF detail: "Login rate exceeded")
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


def in_ranges(ip: str, cidrs: tuple[str, ...]) -> bool:
    """Whether address ``ip`` lies in one of ``cidrs`` (False for an unparsable address)."""
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
    logins_before: int = 0
    """Logins this user made in the present hour before the simulation began (a scenario
    can start with the hourly login limit already used up)."""
    login_times: list[float] = field(default_factory=list)
    """When each login attempt since the simulation began was made (the org's clock)."""
    permissions: frozenset[str] = frozenset()
    """System permissions beyond a plain user's (``ViewSetup``, ``ManageUsers``...): what
    an administrator's session may read (:mod:`~sfdoctor.simulator.admin`)."""

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
    login_sub_type: str = ""
    application: str = ""
    api_type: str = ""
    api_version: str = ""
    login_url: str = ""


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
    login_rate_limit: int | None = LOGIN_RATE_LIMIT
    """Logins one user may make per hour (None = no limit). Lower it in a test to reach
    "login rate exceeded" in a few requests."""
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
    cursors: dict[str, tuple[str, list[Any], int]] = field(default_factory=dict)
    """Query locator -> (username, the query's records, batch size): ``nextRecordsUrl``."""
    query_timeout: bool = False
    """LoginHistory queries answer QUERY_TIMEOUT (an admin-side failure to simulate)."""

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
        if in_ranges(self.client_ip, self.trusted_ranges):
            return True
        ranges = user.profile.login_ip_ranges
        return bool(ranges) and in_ranges(self.client_ip, ranges)

    def now(self) -> float:
        """The org's clock: this machine's, shifted by :attr:`clock_skew`."""
        return time.time() + self.clock_skew

    def logins_this_hour(self, user: User, now: float) -> int:
        """How many logins ``user`` has made within the rate window ending at ``now``."""
        start = now - LOGIN_RATE_WINDOW
        return user.logins_before + sum(1 for t in user.login_times if t > start)

    def rate_exceeded(self, user: User, now: float) -> bool:
        """Whether ``user`` has used up the hourly login limit at ``now``."""
        limit = self.login_rate_limit
        return limit is not None and self.logins_this_hour(user, now) >= limit

    def apply(
        self,
        outcome: LoginOutcome,
        login_type: LoginType,
        *,
        now: float | None = None,
        detail: Mapping[str, str] | None = None,
    ) -> None:
        """Record ``outcome``: lockout counter, lockout, hourly login count, Login History
        (``detail``: its other columns, such as ``login_sub_type``)."""
        user = self.user(outcome.username) if outcome.username else None
        if user is None:
            return  # an unknown username leaves no trace (research O1)
        now = self.now() if now is None else now
        if outcome.ok:
            user.failed_logins = 0
        elif outcome.counts_as_failure:
            user.failed_logins += 1
            if outcome.locks_user:
                user.locked_out = True
        if outcome.login_history is not LoginHistory.RATE_EXCEEDED:
            # INFERRED: every attempt that reaches the user counts toward the hourly limit,
            # failed ones included ("login() calls count toward your login rate limit"); an
            # attempt refused for the rate does not. Old times are dropped as they leave
            # the window, so a long-running org does not grow without bound.
            start = now - LOGIN_RATE_WINDOW
            user.login_times[:] = [t for t in user.login_times if t > start]
            user.login_times.append(now)
        if outcome.login_history is not None:
            self.login_history.append(
                LoginHistoryEntry(
                    time=datetime.fromtimestamp(now, UTC),  # Salesforce's clock
                    username=user.username,
                    user_id=user.user_id,
                    source_ip=self.client_ip,
                    login_type=str(login_type),
                    status=str(outcome.login_history),
                    **dict(detail or {}),
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


def refuse(answer: str, status: LoginHistory | None, user: User | None = None) -> LoginOutcome:
    """A refused login that does not count toward the lockout threshold."""
    return LoginOutcome(False, answer, status, user.username if user else None)
