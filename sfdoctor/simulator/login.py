"""How the org decides a password login: the OAuth username-password flow and SOAP ``login()``.

Both are pure: they read the :class:`~sfdoctor.simulator.org.Org` and return a
:class:`~sfdoctor.simulator.org.LoginOutcome`; :meth:`Org.apply` records it. The order of
checks follows the research (shared/research/salesforce-auth-errors.md); choices it does not
document are marked ``INFERRED``.
"""

from __future__ import annotations

from sfdoctor.simulator import responses as R
from sfdoctor.simulator.org import (
    LoginHistory,
    LoginOutcome,
    Org,
    User,
    in_ranges,
    refuse,
)

MIN_API_VERSION = 31.0
"""Versions 7.0-30.0 are retired (research §4: 21.0-30.0 retired Summer '25)."""

SOAP_LOGIN_LAST_VERSION = 64.0
"""``login()`` "remains available in API version 64.0 and earlier" (research §6.6)."""


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


def rate_limited(org: Org, user: User, now: float | None, answer: str) -> LoginOutcome | None:
    """The hourly login limit, shared by every flow: ``answer`` once ``user`` has used it up.

    INFERRED: checked as soon as the user is known, before their state and credentials
    (the limit counts logins, whatever they carry), and not counted toward lockout.
    """
    if org.rate_exceeded(user, org.now() if now is None else now):
        return refuse(answer, LoginHistory.RATE_EXCEEDED, user)
    return None


def decide_password_login(
    org: Org,
    client_id: str,
    client_secret: str,
    username: str,
    password: str,
    *,
    now: float | None = None,
) -> LoginOutcome:
    """Decide an OAuth 2.0 username-password login (``grant_type=password``) at ``now``
    (the org's clock when None); pure.

    Order: consumer key, consumer secret, flow allowed, user exists, the hourly login limit,
    user active / frozen / locked, org active, profile Login IP Ranges (a token does not
    help), login hours, password (+ token), connected-app approval. A modern org answers
    most of these with the bare ``authentication failure``; the Login History status tells
    them apart.
    """
    legacy = org.legacy_messages
    app = org.app(client_id)
    if app is None:
        return refuse(R.OAUTH_INVALID_CLIENT_ID, None)
    if client_secret != app.consumer_secret:
        return refuse(R.OAUTH_INVALID_SECRET_LEGACY if legacy else R.OAUTH_INVALID_SECRET, None)
    user = org.user(username)
    if not org.allow_password_flow:
        # research O6: the API says only "authentication failure"; Login History (on the
        # user, so only when the user exists) says why. INFERRED: checked before the
        # password, and not counted toward lockout.
        status = LoginHistory.FLOW_DISABLED if user else None
        return refuse(R.OAUTH_AUTH_FAILURE, status, user)
    if user is None:
        return refuse(R.OAUTH_AUTH_FAILURE, None)
    # The body is n8n-io/n8n#31948's (a JWT login); INFERRED: the password flow answers alike.
    limited = rate_limited(org, user, now, R.OAUTH_LOGIN_RATE_EXCEEDED)
    if limited is not None:
        return limited
    if not user.active:
        answer = R.OAUTH_INACTIVE_USER_LEGACY if legacy else R.OAUTH_INACTIVE_USER
        return refuse(answer, LoginHistory.USER_INACTIVE, user)
    if user.frozen:
        return refuse(R.OAUTH_AUTH_FAILURE, LoginHistory.USER_FROZEN, user)
    if user.locked_out:
        return refuse(R.OAUTH_AUTH_FAILURE, LoginHistory.PASSWORD_LOCKOUT, user)
    if not org.active:
        answer = R.OAUTH_INACTIVE_ORG_LEGACY if legacy else R.OAUTH_INACTIVE_ORG
        return refuse(answer, LoginHistory.ORG_INACTIVE, user)
    ranges = user.profile.login_ip_ranges
    if ranges and not in_ranges(org.client_ip, ranges):
        answer = R.OAUTH_IP_RESTRICTED_LEGACY if legacy else R.OAUTH_IP_RESTRICTED
        return refuse(answer, LoginHistory.RESTRICTED_IP, user)
    if not user.profile.login_hours_allow_now:
        # INFERRED: no modern token-endpoint body for login hours was found; the documented
        # one is the legacy "IP restricted or invalid login hours" (research §1).
        return refuse(R.OAUTH_IP_RESTRICTED_LEGACY, LoginHistory.RESTRICTED_TIME, user)
    token_missing = R.OAUTH_TOKEN_REQUIRED_LEGACY if legacy else R.OAUTH_AUTH_FAILURE
    failure = _check_password(org, user, password, token_missing, R.OAUTH_AUTH_FAILURE)
    if failure is not None:
        return failure
    if app.admin_approved_only and user.profile.name not in app.pre_authorized_profiles:
        # INFERRED: for the password flow the answer is invalid_app_access (seen for the
        # auth-code flow, forcedotcom/cli#3260); "user hasn't approved this consumer" is the
        # JWT flow's. Checked after the password; no documented Login History status.
        return refuse(R.OAUTH_APP_NOT_APPROVED, None, user)
    return LoginOutcome(
        True,
        None,
        LoginHistory.SUCCESS,
        user.username,
        password_expired=user.password_expired,
    )


def decide_soap_login(
    org: Org, username: str, password: str, api_version: float, *, now: float | None = None
) -> LoginOutcome:
    """Decide a SOAP API ``login()`` on the partner endpoint at ``now``; pure.

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
        return refuse(R.REST_VERSION_GONE, status, user)
    if not org.soap_login_enabled or api_version > SOAP_LOGIN_LAST_VERSION:
        # INFERRED: the fault for API 65.0+ is assumed to be the "disabled" one; checked
        # before the credentials; no Login History status documented.
        return refuse(R.SOAP_LOGIN_DISABLED, None, user)
    if user is None:
        return refuse(invalid_login, None)
    # The code is restforce#744's LOGIN_RATE_EXCEEDED; the fault around it is INFERRED.
    limited = rate_limited(org, user, now, R.SOAP_LOGIN_RATE_EXCEEDED)
    if limited is not None:
        return limited
    if not user.active:
        return refuse(invalid_login, LoginHistory.USER_INACTIVE, user)
    if user.frozen:
        return refuse(invalid_login, LoginHistory.USER_FROZEN, user)
    if user.locked_out:
        # PARTIAL: in practice INVALID_LOGIN ("... or user locked out"); the documented
        # PASSWORD_LOCKOUT code is kept for the legacy wording.
        answer = R.SOAP_PASSWORD_LOCKOUT if legacy else invalid_login
        return refuse(answer, LoginHistory.PASSWORD_LOCKOUT, user)
    if not org.active:
        return refuse(R.SOAP_ORG_LOCKED, LoginHistory.ORG_INACTIVE, user)
    ranges = user.profile.login_ip_ranges
    if ranges and not in_ranges(org.client_ip, ranges):
        return refuse(R.SOAP_RESTRICTED_DOMAIN, LoginHistory.RESTRICTED_IP, user)
    if not user.profile.login_hours_allow_now:
        return refuse(R.SOAP_RESTRICTED_TIME, LoginHistory.RESTRICTED_TIME, user)
    token_missing = R.SOAP_TOKEN_REQUIRED_LEGACY if legacy else R.SOAP_TOKEN_REQUIRED
    failure = _check_password(org, user, password, token_missing, invalid_login)
    if failure is not None:
        return failure
    if not org.api_enabled:
        # INFERRED: checked after the credentials; Login History status undocumented.
        return refuse(R.SOAP_API_DISABLED, None, user)
    return LoginOutcome(
        True,
        None,
        LoginHistory.SUCCESS,
        user.username,
        password_expired=user.password_expired,
    )
