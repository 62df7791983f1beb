"""One vocabulary for the codes and labels of login exports, and how an integration logs in.

The Setup download and a ``LoginHistory`` query write labels (``Remote Access 2.0``,
``SOAP Partner``, ``OAuth Username-Password``); an Event Log File writes codes (``i``, ``P``,
``oauthpassword``). Both are accepted and shown as labels. Every function here runs once per
distinct value, never per row.

Sources: research/timeline-2026.md ("Finding who uses what") and the Event Log File Login
reference (API_TYPE codes). Login subtypes are told by their words (``password``, ``jwt``,
``clientcredential`` ...), so a label and a code of the same subtype agree without a table
of every spelling.
"""

from __future__ import annotations

import re

from sfdoctor.models import StrEnum


class Way(StrEnum):
    """How an integration logs in (or, for API usage, what it calls)."""

    PASSWORD = "oauth_username_password"
    JWT = "oauth_jwt_bearer"
    CLIENT_CREDENTIALS = "oauth_client_credentials"
    WEB_SERVER = "oauth_web_server"
    USER_AGENT = "oauth_user_agent"
    HYBRID = "oauth_hybrid"
    REFRESH = "oauth_refresh_token"
    DEVICE = "oauth_device"
    OAUTH = "oauth_unknown"
    """OAuth (``Remote Access 2.0``) without a login subtype: the flow is not recorded."""
    SOAP_LOGIN = "soap_login"
    API_CALLS = "api_calls"
    """Event Log File ApiTotalUsage rows: API calls, not logins."""
    INTERACTIVE = "interactive"
    """A person in the browser or an app: UI username-password, SSO, communities."""
    OTHER = "other"

    @property
    def label(self) -> str:
        """How the way is named to people."""
        return _WAY_LABELS[self]

    @property
    def check_flow(self) -> str:
        """The ``sfdoctor check --flow`` that verifies this way, or the one to move to."""
        if self is Way.CLIENT_CREDENTIALS:
            return "client-credentials"
        return "jwt"


_WAY_LABELS = {
    Way.PASSWORD: "OAuth username-password flow",
    Way.JWT: "OAuth JWT bearer flow",
    Way.CLIENT_CREDENTIALS: "OAuth client credentials flow",
    Way.WEB_SERVER: "OAuth web server flow",
    Way.USER_AGENT: "OAuth user-agent flow",
    Way.HYBRID: "OAuth hybrid flow",
    Way.REFRESH: "OAuth refresh token",
    Way.DEVICE: "OAuth device flow",
    Way.OAUTH: "OAuth (flow not recorded)",
    Way.SOAP_LOGIN: "SOAP API login()",
    Way.API_CALLS: "API calls",
    Way.INTERACTIVE: "interactive (UI)",
    Way.OTHER: "other",
}

LOGIN_TYPES = {
    "i": "Remote Access 2.0",
    "I": "Other Apex API",
    "R": "Partner Product",
    "6": "Remote Access Client",
    "A": "Application",
}
"""Event Log File ``LOGIN_TYPE`` codes (case matters: ``i`` and ``I`` differ) -> the labels
Login History shows. Other codes are shown as ``code X``."""

API_TYPES = {
    "D": "Apex Class",
    "E": "SOAP Enterprise",
    "I": "SOAP Cross Instance",
    "M": "SOAP Metadata",
    "O": "Old SOAP",
    "P": "SOAP Partner",
    "S": "SOAP Apex",
    "T": "SOAP Tooling",
    "X": "XmlRPC",
    "f": "Feed",
    "l": "Live Agent",
    "p": "SOAP ClientSync",
}
"""Event Log File ``API_TYPE`` codes -> labels."""

LOGIN_SUB_TYPES = {
    "uiup": "UI Username-Password",
    "oauthpassword": "OAuth Username-Password",
    "oauthclientcredential": "OAuth Client Credentials",
    "oauthcode": "OAuth Web Server",
    "oauthtoken": "OAuth User-Agent",
    "oauthhybridtoken": "OAuth Hybrid",
}
"""Event Log File ``LOGIN_SUB_TYPE`` codes -> labels (the documented ones; others are
told by their words, :func:`subtype_way`)."""

_NONE = frozenset({"", "na", "none", "null", "unknown", "-"})
_NON_ALNUM = re.compile(r"[^a-z0-9]")
_OAUTH_TYPES = frozenset({"remoteaccess20", "remoteaccessclient"})
_SOAP_TYPES = frozenset({"otherapexapi", "partnerproduct"})
_INTERACTIVE_TYPES = frozenset({"application", "chattercommunitiesexternaluser"})


def squash(value: str) -> str:
    """``OAuth Username-Password`` -> ``oauthusernamepassword``."""
    return _NON_ALNUM.sub("", value.strip().lower())


_KNOWN_LABELS = {
    squash(label): label
    for label in (*LOGIN_TYPES.values(), *API_TYPES.values(), *LOGIN_SUB_TYPES.values())
}
"""Squashed label -> the label as Salesforce spells it."""


def blank(value: str) -> bool:
    """True for an empty cell and the placeholders exports write for one (``N/A``)."""
    return squash(value) in _NONE


def _label(value: str, codes: dict[str, str]) -> str:
    """A code or a label as the label (``""`` when blank); a known label however it is
    spelt (``Soap Partner`` -> ``SOAP Partner``), so both forms count as one."""
    v = value.strip()
    if blank(v):
        return ""
    if v in codes:
        return codes[v]
    if len(v) == 1:
        return f"code {v}"
    return _KNOWN_LABELS.get(squash(v), v)


def login_type_label(value: str) -> str:
    """A ``LOGIN_TYPE`` code or a Login Type label, as a label (``""`` when blank)."""
    return _label(value, LOGIN_TYPES)


def api_type_label(value: str) -> str:
    """An ``API_TYPE`` code, an API Type label or an ``API_FAMILY``, as a label."""
    return _label(value, API_TYPES)


def subtype_label(value: str) -> str:
    """A ``LOGIN_SUB_TYPE`` code or a Login Subtype label, as a label."""
    v = value.strip()
    if blank(v):
        return ""
    return LOGIN_SUB_TYPES.get(v.lower()) or _KNOWN_LABELS.get(squash(v), v)


def subtype_way(value: str) -> Way | None:
    """The way a login subtype names (code or label), or None when it names none."""
    n = squash(value)
    if n in _NONE:
        return None
    if n.startswith("ui"):
        return Way.INTERACTIVE
    if "jwt" in n:
        return Way.JWT
    if "clientcredential" in n:
        return Way.CLIENT_CREDENTIALS
    if "refresh" in n:
        return Way.REFRESH
    if "hybrid" in n:
        return Way.HYBRID
    if "device" in n:
        return Way.DEVICE
    if "password" in n:
        return Way.PASSWORD if "oauth" in n or n == "password" else Way.INTERACTIVE
    if "code" in n or "webserver" in n:
        return Way.WEB_SERVER
    if "useragent" in n or n == "oauthtoken" or "implicit" in n:
        return Way.USER_AGENT
    if "saml" in n or "sso" in n or "openid" in n:
        return Way.INTERACTIVE
    if n.startswith("oauth"):
        return Way.OAUTH
    return Way.OTHER


def is_soap(api_type: str) -> bool:
    """True for a SOAP API type label (``SOAP Partner``, ``Soap Enterprise``, ``SOAP``)."""
    n = squash(api_type)
    return n.startswith("soap") or n == "oldsoap"


def login_way(login_type: str, subtype: str, api_type: str) -> Way:
    """How a Login History or ELF Login row logged in, from its labels.

    The subtype decides when it names a flow; else the login type (OAuth, a SOAP API login,
    a person in the UI); else a SOAP API type means a SOAP ``login()``.
    """
    way = subtype_way(subtype)
    if way is not None and way is not Way.OTHER:
        return way
    lt = squash(login_type)
    if lt in _OAUTH_TYPES:
        return Way.OAUTH
    if lt in _SOAP_TYPES or (is_soap(api_type) and lt not in _INTERACTIVE_TYPES):
        return Way.SOAP_LOGIN
    if lt in _INTERACTIVE_TYPES or "saml" in lt or "sso" in lt or lt.endswith("portal"):
        return Way.INTERACTIVE
    return way or Way.OTHER


def version_number(value: str) -> float | None:
    """``45.0`` -> 45.0; None for ``N/A``, blanks and anything not a version."""
    v = value.strip().lstrip("vV")
    if not v or len(v) > 8:
        return None
    try:
        number = float(v)
    except ValueError:
        return None
    return number if 1.0 <= number < 1000.0 else None
