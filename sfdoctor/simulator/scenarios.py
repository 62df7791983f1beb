"""The named scenarios of the simulated org: what the demo shows and the tests check.

Each :class:`~sfdoctor.simulator.scenario.Scenario` builds a fresh org, carries the (fake)
credentials an integration would use as environment variables, states the diagnosis a
correct checker reaches, and records which of its answers are captured from public evidence
and which are inferred (every served answer also names its own source in its fixture; see
:mod:`~sfdoctor.simulator.expect`). ``flow`` is the ``check --flow`` the scenario runs with.
The password and SOAP scenarios are here; the JWT bearer and client credentials ones in
:mod:`~sfdoctor.simulator.scenarios_bearer`.
"""

from __future__ import annotations

from sfdoctor.simulator.fakes import (
    BRANCH_RANGE,
    OLD_PASSWORD,
    OLD_SECURITY_TOKEN,
    OTHER_CONSUMER_KEY,
    OTHER_CONSUMER_SECRET,
    TRUSTED_IP,
    credentials,
    soap_credentials,
)
from sfdoctor.simulator.scenario import Scenario, org_with
from sfdoctor.simulator.scenarios_bearer import BEARER

_BARE = "body: the bare 'authentication failure' (forrest#274)"
_SUCCESS = "success body: the documented token response fields (jsforce TokenResponse, research §5)"
_TOKEN_STATUS = "Login History 'Failed: API security token required' (forcedotcom/dataloader#141)"
_PASSWORD_ORDER = "the order of checks before the password (research §1 documents no order)"

PASSWORD = [
    Scenario(
        "healthy",
        "untrusted network, password + current token: the login works and needs the token",
        org_with(),
        captured=f"{_SUCCESS}; without the token: {_BARE}, {_TOKEN_STATUS}",
        inferred="the values of the success body (ids, token, signature computed as documented)",
    ),
    Scenario(
        "trusted-network",
        "trusted office network, token configured: works with and without the token",
        org_with(org={"client_ip": TRUSTED_IP}),
        captured=_SUCCESS,
        inferred="that password + token also works from a trusted network (documented, not seen)",
    ),
    Scenario(
        "trusted-no-token",
        "trusted office network, no token configured: works here only (the laptop trap)",
        org_with(org={"client_ip": TRUSTED_IP}),
        credentials(token=None),
        "trusted_network_only",
        1,
        captured=_SUCCESS,
    ),
    Scenario(
        "untrusted-no-token",
        "untrusted network, no token configured: 'authentication failure'",
        org_with(),
        credentials(token=None),
        "security_token_required",
        1,
        captured=f"{_BARE}; {_TOKEN_STATUS}",
        inferred="that the missing token counts toward the lockout threshold",
    ),
    Scenario(
        "legacy-token-message",
        "untrusted network, no token, an org answering in the 2013 wording "
        "('authentication failure - Failed: API security token required')",
        org_with(org={"legacy_messages": True}),
        credentials(token=None),
        "security_token_required",
        1,
        captured="body: 'authentication failure - Failed: API security token required' "
        "(nforce#30); " + _TOKEN_STATUS,
        inferred="that one org still answers this way (a switch of the simulator)",
    ),
    Scenario(
        "stale-token",
        "trusted office network, an old token appended: fails with it, works without",
        org_with(org={"client_ip": TRUSTED_IP}),
        credentials(token=OLD_SECURITY_TOKEN),
        "security_token_invalid",
        2,
        captured=f"with the token: {_BARE}; without: {_SUCCESS}",
        inferred="Login History 'Invalid Password' for password + stale token",
    ),
    Scenario(
        "wrong-password",
        "untrusted network, token configured, the password is an old one",
        org_with(),
        credentials(password=OLD_PASSWORD),
        # Both attempts answer the bare "authentication failure"; only Login History
        # ("Invalid Password") says more.
        "ambiguous_auth_failure",
        2,
        captured=f"{_BARE}; Login History 'Invalid Password' (restforce#357)",
    ),
    Scenario(
        "locked-out",
        "the user is already locked out by earlier failed logins (Password Lockout)",
        org_with(user={"locked_out": True, "failed_logins": 5}),
        credentials(),
        # A modern org answers a locked user with the bare "authentication failure", the
        # right password included; only Login History ("Password Lockout") names it.
        "ambiguous_auth_failure",
        2,
        captured=f"{_BARE}; Login History 'Password Lockout' (ELF LOGIN_STATUS table)",
        inferred="that a locked user gets the bare body rather than a code of its own",
    ),
    Scenario(
        "ip-restricted",
        "the profile's Login IP Ranges exclude the client: refused with or without token",
        org_with(profile={"login_ip_ranges": (BRANCH_RANGE,)}),
        credentials(),
        "ip_restricted",  # "ip restricted" decides at the first attempt
        1,
        captured="'invalid_grant: ip restricted' and Login History 'Restricted IP' "
        "(forceworkbench#772)",
        inferred="the JSON body reassembled from the quoted pair; HTTP 400",
    ),
    Scenario(
        "flow-disabled",
        "'Allow OAuth Username-Password Flows' is off (the default since Summer '23)",
        org_with(org={"allow_password_flow": False}),
        credentials(),
        # The API says only "authentication failure" (research O6): password_flow_disabled
        # is a candidate of the ambiguous finding, confirmed by Login History
        # ("Username-Password Flow Disabled").
        "ambiguous_auth_failure",
        2,
        captured=f"{_BARE} (kafka-docker-playground#4178); Login History "
        "'Username-Password Flow Disabled' (jsforce#1506, third-party only)",
        inferred="that the setting is checked before the password and not counted toward lockout",
    ),
    Scenario(
        "bad-client-id",
        "the consumer key is not this org's (another app's, or a sandbox's)",
        org_with(),
        credentials(client_id=OTHER_CONSUMER_KEY),
        "invalid_client_id",
        1,
        captured="body: 'client identifier invalid', HTTP 400 (forrest#184)",
        inferred="no Login History row (no user is identified)",
    ),
    Scenario(
        "bad-client-secret",
        "the consumer secret is wrong",
        org_with(),
        credentials(client_secret=OTHER_CONSUMER_SECRET),
        "invalid_client_secret",
        1,
        captured="body: invalid_client / 'invalid client credentials' (restforce#338)",
        inferred="HTTP 400; no Login History row",
    ),
    Scenario(
        "app-not-approved",
        "the app admits only pre-authorized users and the user's profile is not assigned",
        org_with(app={"admin_approved_only": True, "pre_authorized_profiles": ()}),
        credentials(),
        "app_not_approved",
        1,
        captured="'invalid_app_access: user is not admin approved' (forcedotcom/cli#3260, "
        "an auth-code exchange)",
        inferred="that the password flow answers alike, after the password; HTTP 400",
    ),
    Scenario(
        "inactive-user",
        "the integration user is deactivated",
        org_with(user={"active": False}),
        credentials(),
        "user_inactive",
        1,
        captured="'invalid_grant: inactive user' (restforce#303); Login History "
        "'User is Inactive' (ELF LOGIN_STATUS table)",
        inferred="the JSON body reassembled from the quoted pair; HTTP 400",
    ),
    Scenario(
        "inactive-org",
        "the org is locked (trial expired or suspended)",
        org_with(org={"active": False}),
        credentials(),
        "org_inactive",
        1,
        captured="'invalid_grant: inactive organization' (Adobe Marketo doc, research O8)",
        inferred="the JSON body and HTTP 400; Login History 'Organization is inactive'",
    ),
    Scenario(
        "maintenance",
        "the instance is down for maintenance: every request gets the HTML 503 page",
        org_with(org={"maintenance": True}),
        credentials(),
        "service_unavailable",
        1,
        captured="the maintenance page (Force.com-Toolkit-for-NET#160, EMP-Connector#84)",
        inferred="the closing tags of the page; that every endpoint answers it",
    ),
    Scenario(
        "session-revoked",
        "the login works but the session is revoked at once: every API call answers 401",
        org_with(org={"sessions_revoked": True}),
        credentials(),
        "session_invalid",
        2,
        captured="REST 401 INVALID_SESSION_ID 'Session expired or invalid' "
        "(sfdx-mass-action-scheduler#122)",
        inferred="that the session dies at once (Session Management, or an IP-locked session)",
    ),
    Scenario(
        "api-disabled",
        "the login works but the edition has no API access: REST answers 403",
        org_with(org={"api_enabled": False}),
        credentials(),
        "api_disabled",
        2,
        captured="REST API_DISABLED_FOR_ORG message (restforce#219)",
        inferred="HTTP 403 (SwiftlySalesforce#29, partial); that the OAuth login itself works",
    ),
    Scenario(
        "password-expired",
        "the login works but the password has expired: every API call answers 401",
        org_with(user={"password_expired": True}),
        credentials(),
        "password_expired",
        2,
        captured="REST INVALID_OPERATION_WITH_EXPIRED_PASSWORD (forrest#240)",
        inferred="HTTP 401 (from simple-salesforce raising its 401 exception for it)",
    ),
    Scenario(
        "request-limit-exceeded",
        "the login works but the org's 24-hour API request limit is used up",
        org_with(org={"api_requests_used": 15000}),
        credentials(),
        "request_limit_exceeded",
        2,
        captured="REST REQUEST_LIMIT_EXCEEDED 'TotalRequests Limit exceeded.' (OrgCheck#181)",
        inferred="HTTP 403 (research §4)",
    ),
    Scenario(
        "rate-limited",
        "the user has made 3,600 logins this hour (a client that logs in per request or "
        "on every 401): 'login rate exceeded' until the hour is over",
        org_with(user={"logins_before": 3600}),
        credentials(),
        "rate_limited",
        1,
        captured="body: invalid_grant / 'login rate exceeded', HTTP 400 (n8n-io/n8n#31948); "
        "Login History 'Login Rate Exceeded' (restforce#412); 3,600 logins per user per hour "
        "(SOAP API guide, login())",
        inferred="that the password flow answers as the JWT flow did in the capture; that "
        "every attempt counts toward the limit and a refused one does not; " + _PASSWORD_ORDER,
    ),
    # --- SOAP login() (simple-salesforce, Data Loader): the radar notes its retirement
    Scenario(
        "soap-healthy",
        "SOAP login(), untrusted network, password + current token: works, needs the token",
        org_with(),
        soap_credentials(),
        None,
        2,
        flow="soap",
        captured="without the token: LOGIN_MUST_USE_SECURITY_TOKEN (jsforce#487)",
        inferred="the loginResponse userInfo values (typical ones)",
    ),
    Scenario(
        "soap-untrusted-no-token",
        "SOAP login(), untrusted network, no token: LOGIN_MUST_USE_SECURITY_TOKEN",
        org_with(),
        soap_credentials(token=None),
        "security_token_required",
        1,
        flow="soap",
        captured="code and message (jsforce#487, EMP-Connector#70); " + _TOKEN_STATUS,
        inferred="the partner envelope around them (shape of apexsharp#20)",
    ),
    Scenario(
        "soap-stale-token",
        "SOAP login(), trusted office network, an old token appended: INVALID_LOGIN with it, "
        "works without",
        org_with(org={"client_ip": TRUSTED_IP}),
        soap_credentials(token=OLD_SECURITY_TOKEN),
        "security_token_invalid",
        2,
        flow="soap",
        captured="INVALID_LOGIN code and message (EMP-Connector#95)",
        inferred="the partner envelope; Login History 'Invalid Password' for a stale token",
    ),
    Scenario(
        "soap-wrong-password",
        "SOAP login(), untrusted network, token configured, an old password: INVALID_LOGIN "
        "with and without the token",
        org_with(),
        soap_credentials(password=OLD_PASSWORD),
        "invalid_credentials",
        2,
        flow="soap",
        captured="INVALID_LOGIN code and message (EMP-Connector#95); Login History "
        "'Invalid Password' (restforce#357)",
        inferred="the partner envelope",
    ),
    Scenario(
        "soap-login-disabled",
        "SOAP login() is switched off (the default for orgs created since Winter '26)",
        org_with(org={"soap_login_enabled": False}),
        soap_credentials(),
        "soap_login_disabled",
        1,
        flow="soap",
        captured="INVALID_OPERATION 'SOAP API login() is disabled by default' (OpenFn#1715)",
        inferred="the envelope; checked before the credentials; no Login History row",
    ),
    Scenario(
        "soap-ip-restricted",
        "SOAP login(), the profile's Login IP Ranges exclude the client: "
        "LOGIN_DURING_RESTRICTED_DOMAIN",
        org_with(profile={"login_ip_ranges": (BRANCH_RANGE,)}),
        soap_credentials(),
        "ip_restricted",
        1,
        flow="soap",
        captured="LOGIN_DURING_RESTRICTED_DOMAIN code and message (MavensMate#797); "
        "Login History 'Restricted IP' (forceworkbench#772)",
        inferred="the partner envelope",
    ),
    Scenario(
        "soap-password-expired",
        "SOAP login() works but answers passwordExpired = true",
        org_with(user={"password_expired": True}),
        soap_credentials(),
        "password_expired",
        2,
        flow="soap",
        captured="REST INVALID_OPERATION_WITH_EXPIRED_PASSWORD afterwards (forrest#240)",
        inferred="passwordExpired = true in the loginResponse (SOAP API guide LoginResult)",
    ),
    Scenario(
        "soap-rate-limited",
        "SOAP login() after 3,600 logins this hour: LOGIN_RATE_EXCEEDED",
        org_with(user={"logins_before": 3600}),
        soap_credentials(),
        "rate_limited",
        1,
        flow="soap",
        captured="code LOGIN_RATE_EXCEEDED (restforce#744); 'Login Rate Exceeded' and the "
        "3,600 an hour (SOAP API guide, login()); Login History 'Login Rate Exceeded' "
        "(restforce#412)",
        inferred="the fault envelope and its message; " + _PASSWORD_ORDER,
    ),
]

_ALL = [*PASSWORD, *BEARER]

SCENARIOS: dict[str, Scenario] = {s.name: s for s in _ALL}
"""Every scenario by name, in definition order."""

DEFAULT = "trusted-no-token"
"""The scenario ``sfdoctor demo`` runs without an argument: the trap sfdoctor exists for."""


def by_flow() -> dict[str, list[Scenario]]:
    """The scenarios grouped by ``flow``, flows in order of first appearance."""
    groups: dict[str, list[Scenario]] = {}
    for scenario in SCENARIOS.values():
        groups.setdefault(scenario.flow, []).append(scenario)
    return groups


def listing() -> str:
    """``sfdoctor simulate --list``: the scenarios by flow, each with what it sets up."""
    width = max(len(name) for name in SCENARIOS)
    lines: list[str] = []
    for flow, group in by_flow().items():
        lines.append(f"{flow}:")
        for s in group:
            mark = " (default for demo)" if s.name == DEFAULT else ""
            lines.append(f"  {s.name:<{width}}  {s.description}{mark}")
    return "\n".join(lines) + "\n"
