"""What to do about each retirement an integration hits: ordered steps, recommended first.

Each recipe ends with the ``sfdoctor check`` line that proves the new setup works before the
integration is switched over, and the audit adds the knowledge-base entry that holds every
step and its references (``sfdoctor explain --cause ID``). The steps follow the knowledge
base (``password_flow_disabled``, ``soap_login_disabled``, ``api_version_retired``) and the
setup paths of research/timeline-2026.md.
"""

from __future__ import annotations

from collections.abc import Iterable

from sfdoctor.loginhistory.audit.codes import Way

CURRENT_API_VERSION = "68.0"
"""The API version of the release current on 2026-11-30 (Winter '27)."""
OLDEST_LASTING = "41.0"
"""The oldest API version that outlives Summer '28 (31.0-40.0 are retired then)."""
SOAP_LOGIN_LAST = 64.0
"""SOAP ``login()`` is not offered from API 65.0."""

_KEY = (
    "create a private key and a certificate: openssl req -x509 -newkey rsa:2048 -sha256 "
    "-days 730 -nodes -subj '/CN=salesforce-integration' -keyout integration.key "
    "-out integration.crt (integration.key stays secret: mode 0600, never in version control)"
)
_ECA = (
    "For a new setup, an External Client App instead of a connected app: Setup > External "
    "Client Apps Manager > (app) > Edit Settings > OAuth Settings > Enable JWT Bearer Flow > "
    "upload integration.crt; pre-authorize through Edit Policies > Permitted Users = 'Admin "
    "approved users are pre-authorized', then the user's profile or permission set."
)
_CLIENT_CREDENTIALS = (
    "Where no person should be behind the integration, the client credentials flow: App "
    "Manager > (app) > Manage > Edit Policies > Client Credentials Flow > Run As = an "
    "integration user with the API Only permission; tokens come from the org's My Domain "
    "(sfdoctor check --flow client-credentials --login-url https://<MyDomain>.my.salesforce.com)."
)
_VERIFY_JWT = (
    "Verify the new setup before switching over (same SF_CLIENT_ID and SF_USERNAME, no "
    "password or token): SF_JWT_KEY_FILE=integration.key sfdoctor check --flow jwt"
)


def _app(application: str) -> str:
    return f"'{application}'" if application else "the integration"


def password_flow(application: str) -> list[str]:
    """The move off the username-password flow (it stops working on 2027-02-20)."""
    app = _app(application)
    return [
        f"Move {app} to the JWT bearer flow on its existing connected app: {_KEY}; then "
        "App Manager > (app) > Edit > Enable OAuth Settings > Use digital signatures > "
        "upload integration.crt > Save (changes can take 10 minutes to apply).",
        "Pre-authorize the integration user: App Manager > (app) > Manage > Edit Policies > "
        "Permitted Users = 'Admin approved users are pre-authorized' > Save; then Manage "
        "Profiles (or Manage Permission Sets): add the user's profile or a permission set.",
        _ECA,
        _CLIENT_CREDENTIALS,
        _VERIFY_JWT,
    ]


def soap_login(versions: Iterable[float]) -> list[str]:
    """The move off SOAP ``login()`` (retired in Summer '27; absent from API 65.0)."""
    steps = []
    late = sorted(v for v in versions if v > SOAP_LOGIN_LAST)
    if late:
        shown = ", ".join(f"v{v:.1f}" for v in late)
        steps.append(
            f"Failing now: login() is not offered at API 65.0 and later (seen: {shown}); "
            "until the move, call it at 64.0 (/services/Soap/u/64.0)."
        )
    steps += [
        "Replace login() with an OAuth flow: the JWT bearer flow (a certificate on the "
        "connected app or an External Client App, the user pre-authorized) or, without a "
        "person behind it, client credentials (Run As user with API Only).",
        "In the client, use the OAuth access token where the login() session id was used "
        "(the SOAP SessionHeader, or the REST bearer header) and the instance URL it returns "
        "as the server URL; simple-salesforce logs in with JWT itself: Salesforce("
        "username=..., consumer_key=..., privatekey_file=...).",
        f"JWT bearer, step by step: {_KEY}; upload integration.crt to the app (connected "
        "app: App Manager > (app) > Edit > Use digital signatures; External Client App: "
        "Edit Settings > OAuth Settings > Enable JWT Bearer Flow).",
        _VERIFY_JWT,
    ]
    return steps


def api_version(versions: Iterable[float], way: Way) -> list[str]:
    """The move to a current API version (31.0-40.0 unsupported from Summer '27)."""
    old = sorted(v for v in versions if v <= 40.0)
    shown = ", ".join(f"v{v:.1f}" for v in old)
    steps = [
        f"Move the integration from API {shown} to v{CURRENT_API_VERSION} (Winter '27), "
        f"or at least v{OLDEST_LASTING}: the version in the endpoint URL "
        "(/services/data/vNN.0, /services/Soap/u/NN.0, /services/async/NN.0) or the "
        "library's API version setting; read the release notes of the versions in between "
        "for changed behaviour.",
    ]
    if way is Way.SOAP_LOGIN:
        steps.append(
            "SOAP login() exists only up to 64.0: move off login() first (see above), or "
            "the integration stops logging in at 65.0 and later."
        )
    known = way in (Way.JWT, Way.CLIENT_CREDENTIALS)
    steps.append(
        "Verify at the new version before switching over"
        + ("" if known else ", with the flow the integration logs in with")
        + f": sfdoctor check --flow {way.check_flow} --api-version {CURRENT_API_VERSION}"
    )
    return steps
