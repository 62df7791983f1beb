"""What to do about each cause, in one line, for the triage tables and findings."""

from __future__ import annotations

import re

from sfdoctor.diagnosis.knowledge import KnowledgeBase
from sfdoctor.loginhistory.summary import UNKNOWN

# One line per cause, for a support engineer reading many failures at once: what to do about
# all of them. The knowledge base's remediation (the full steps) follows in each finding.
# Causes missing here fall back to the first clause of their first remediation step.
FIXES: dict[str, str] = {
    "security_token_required": "append the user's security token to the password (or move "
    "this integration to JWT bearer or client credentials); do not add these addresses to "
    "trusted IP ranges",
    "invalid_credentials": "stop the retries and correct the username or password where the "
    "client keeps it: every failure counts toward the user's lockout",
    "ip_restricted": "a security token cannot help: log in from an address inside the "
    "profile's Login IP Ranges; do not widen the ranges or relax the app's IP restrictions",
    "login_hours": "run the job inside the profile's login hours (org time zone), or give the "
    "integration user a profile of its own",
    "user_locked_out": "stop every job that logs in as the user, fix its credentials, then "
    "unlock the user (Setup > Users > Unlock)",
    "user_frozen": "ask the administrator who froze the user; unfreeze it (Setup > Users) only "
    "if the integration should run",
    "user_inactive": "reactivate the user, or move the integration to an active integration user",
    "rate_limited": "log in once and reuse the access token across calls and workers: "
    "Salesforce allows about 3,600 logins per user per hour",
    "identity_verification_required": "for API logins append the security token; for people, "
    "complete the verification (MFA, device activation) once",
    "org_inactive": "check that this is the intended org; an inactive, locked or expired org "
    "must be reactivated before anyone can log in",
    "https_required": "use https:// in the login URL and every endpoint",
    "api_disabled": "give the integration user 'API Enabled' (a permission set or its profile)",
    "invalid_client_id": "the connected app was deleted or its consumer key is wrong: update "
    "the consumer key in the client",
    "api_version_retired": "upgrade the client to a supported API version",
    "wrong_login_host": "log in through the org's My Domain or the right host (sandbox vs "
    "production)",
    "password_flow_disabled": "move to JWT bearer or client credentials (or, for now, allow "
    "OAuth Username-Password Flows in the org)",
    "password_expired": "change the password interactively, then update the client's password "
    "and security token",
    "service_unavailable": "Salesforce maintenance: wait for the window to end "
    "(status.salesforce.com) and try again",
    "app_not_installed": "an administrator installs the app in this org (Connected Apps OAuth "
    "Usage > Install, or the External Client App's package), then sets its permitted users",
    "config_missing": "set the missing value where the client reads it (the consumer key: the "
    "app's client_id), then retry once",
    "app_not_approved": "an administrator assigns the user's profile or a permission set to "
    "the app (Permitted Users: admin approved users are pre-authorized)",
    "malformed_token_request": "fix how the client builds the token request: POST over https "
    "to the login host, form-encoded body, a correct grant_type",
    "jwt_assertion_invalid": "check the JWT's certificate, iss (consumer key), sub, aud and the "
    "client's clock (exp within a few minutes)",
    "refresh_token_invalid": "authorise the app again for a new refresh token (or move the "
    "integration to JWT bearer or client credentials, which store none)",
    "session_invalid": "log in again for a new session; if sessions die early, check Session "
    "Settings (timeout, sessions locked to their IP) and the app's session policies",
    UNKNOWN: "run sfdoctor explain on the status: it says what a known one is (a UI-only "
    "refusal, a policy); report the others on sfdoctor's issue tracker",
}


def fix_line(cause: str, kb: KnowledgeBase) -> str:
    """What to do about ``cause``, in one line."""
    if cause in FIXES:
        return FIXES[cause]
    first = kb.cause(cause).remediation[0]
    return re.split(r"[:;]|\.\s", first, maxsplit=1)[0].rstrip(".")
