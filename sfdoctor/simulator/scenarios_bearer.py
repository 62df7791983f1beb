"""The JWT bearer and client credentials scenarios (the flows without a password).

Part of the catalog in :mod:`~sfdoctor.simulator.scenarios`, which lists them after the
password and SOAP ones; each records, like those, which answers are captured and which are
inferred.
"""

from __future__ import annotations

from sfdoctor.simulator.fakes import (
    APP_KEY,
    BRANCH_RANGE,
    OTHER_CONSUMER_SECRET,
    OTHER_KEY,
    client_credentials,
    jwt_credentials,
)
from sfdoctor.simulator.scenario import Scenario, cc_org, jwt_org

_JWT_SUCCESS = "success body: the JWT-flow fields (oschweitzer/salesforce-jwt-bearer-token-flow)"
_CC_SUCCESS = "success body: the token response fields (jsforce TokenResponse, research §5)"
_JWT_ORDER = "the order of the JWT checks (not documented)"

BEARER = [
    Scenario(
        "jwt-healthy",
        "JWT bearer: the certificate is on the app and the user's profile pre-authorized",
        jwt_org(),
        jwt_credentials(),
        None,
        1,
        flow="jwt",
        jwt_key=APP_KEY,
        captured=_JWT_SUCCESS + "; a numeric-string exp is accepted (simple-salesforce sends "
        "one, simple-salesforce#371), and so is an exp far ahead (the sf CLI sends "
        "Date.now() + 300, milliseconds: forcedotcom/sfdx-core src/org/authInfo.ts)",
        inferred="the scope value",
    ),
    Scenario(
        "jwt-wrong-certificate",
        "JWT bearer: signed with a key whose certificate was never uploaded to the app",
        jwt_org(),
        jwt_credentials(),
        "jwt_assertion_invalid",
        1,
        flow="jwt",
        jwt_key=OTHER_KEY,
        captured="body: 'invalid assertion', HTTP 400 (salesforce-laravel-oauth2-rest#68)",
        inferred="that a wrong signature is what answers it (research O15 lists it as likely)",
    ),
    Scenario(
        "jwt-not-preauthorized",
        "JWT bearer: the app admits pre-authorized users only, and the user's profile is not",
        jwt_org(app={"pre_authorized_profiles": ()}),
        jwt_credentials(),
        "app_not_approved",
        1,
        flow="jwt",
        jwt_key=APP_KEY,
        captured='body: "user hasn\'t approved this consumer", HTTP 400 (forrest#278)',
        inferred="no Login History row; " + _JWT_ORDER,
    ),
    Scenario(
        "jwt-wrong-audience",
        "JWT bearer: the org is a sandbox, the assertion names production as its audience",
        jwt_org(org={"sandbox": True}),
        jwt_credentials(),
        "wrong_login_host",
        1,
        flow="jwt",
        jwt_key=APP_KEY,
        captured="body: 'audience is invalid', HTTP 400 (forrest#302)",
        inferred=_JWT_ORDER,
    ),
    Scenario(
        "jwt-clock-skew",
        "JWT bearer from a machine whose clock is 10 minutes slow: the assertion has expired "
        "by Salesforce's clock",
        jwt_org(org={"clock_skew": 600.0}),
        jwt_credentials(),
        "jwt_assertion_invalid",
        1,
        flow="jwt",
        jwt_key=APP_KEY,
        captured="body: 'expired authorization code', HTTP 400, for a JWT exp already past "
        "(newrelic-salesforce-exporter#31, salesforce.stackexchange.com/questions/282513, "
        "simple-salesforce#491)",
        inferred="no Login History row",
    ),
    Scenario(
        "jwt-ip-restricted",
        "JWT bearer from outside the profile's Login IP Ranges (JWT always enforces them)",
        jwt_org(profile={"login_ip_ranges": (BRANCH_RANGE,)}),
        jwt_credentials(),
        "ip_restricted",
        1,
        flow="jwt",
        jwt_key=APP_KEY,
        captured="JWT enforces profile IP ranges (Salesforce Help connected_app_continuous_ip); "
        "'ip restricted' and Login History 'Restricted IP' (forceworkbench#772)",
        inferred="the JSON body reassembled from the quoted pair; HTTP 400",
    ),
    # --- the client credentials flow
    Scenario(
        "client-credentials-healthy",
        "client credentials at the My Domain, the app runs as the integration user",
        cc_org(),
        client_credentials(),
        None,
        1,
        flow="client-credentials",
        captured=_CC_SUCCESS + "; the id and secret in the body or as HTTP Basic (RFC 6749 "
        "§2.3.1; simple-salesforce sends Basic only)",
        inferred="signature and issued_at in the success body, as in the password flow",
    ),
    Scenario(
        "client-credentials-no-run-as-user",
        "client credentials: the app names no Run As user",
        cc_org(app={"run_as": None}),
        client_credentials(),
        "client_credentials_user_missing",
        1,
        flow="client-credentials",
        captured="body: 'no client credentials user enabled' (SumoLogic and Striim docs)",
        inferred="HTTP 400",
    ),
    Scenario(
        "client-credentials-login-host",
        "client credentials sent to login.salesforce.com (played by the simulator) instead "
        "of the My Domain",
        cc_org(org={"generic_login_host": True}),
        client_credentials(),
        "wrong_login_host",
        1,
        flow="client-credentials",
        captured="body: 'request not supported on this domain', HTTP 400 "
        "(pub-sub-api-node-client#58)",
        inferred="that the host is checked before the consumer key",
    ),
    Scenario(
        "client-credentials-bad-secret",
        "client credentials with a consumer secret that is not the app's",
        cc_org(),
        client_credentials(client_secret=OTHER_CONSUMER_SECRET),
        "invalid_client_secret",
        1,
        flow="client-credentials",
        captured="body: invalid_client / 'invalid client credentials' (restforce#338)",
        inferred="HTTP 400; that the client credentials flow answers as the password flow",
    ),
]
