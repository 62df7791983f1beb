"""Salesforce's answers, served from the captured fixtures (never a second copy of them).

A failure answer is named by its fixture's relative path without ``.json``
(``"oauth/ambiguous_auth_failure--authentication-failure"``); :func:`load` returns its
status, content type, headers and body exactly as captured. The names the simulator uses
are the constants below, so a renamed fixture fails at once (tests load every one).

The fixtures live in ``sfdoctor/_fixtures/`` inside an installed wheel (pyproject's
``force-include``) and in ``<repo>/fixtures/`` in a source or editable checkout.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

# --- the fixtures the simulator serves ---------------------------------------------------
OAUTH_AUTH_FAILURE = "oauth/ambiguous_auth_failure--authentication-failure"
OAUTH_TOKEN_REQUIRED_LEGACY = (
    "oauth/security_token_required--authentication-failure-api-security-token-required"
)
OAUTH_INVALID_CLIENT_ID = "oauth/invalid_client_id--client-identifier-invalid"
OAUTH_INVALID_SECRET = "oauth/invalid_client_secret--invalid-client-credentials"
OAUTH_INVALID_SECRET_LEGACY = "oauth/invalid_client_secret--legacy-invalid-client-credentials"
OAUTH_INACTIVE_USER = "oauth/user_inactive--inactive-user"
OAUTH_INACTIVE_USER_LEGACY = "oauth/user_inactive--legacy-inactive-user"
OAUTH_INACTIVE_ORG = "oauth/org_inactive--inactive-organization"
OAUTH_INACTIVE_ORG_LEGACY = "oauth/org_inactive--legacy-inactive-org"
OAUTH_IP_RESTRICTED = "oauth/ip_restricted--ip-restricted"
OAUTH_IP_RESTRICTED_LEGACY = "oauth/ip_restricted--legacy-ip-restricted-or-invalid-login-hours"
OAUTH_APP_NOT_APPROVED = "oauth/app_not_approved--invalid-app-access-not-admin-approved"
OAUTH_UNSUPPORTED_GRANT = "oauth/malformed_token_request--unsupported-grant-type"
OAUTH_INVALID_ASSERTION = "oauth/jwt_assertion_invalid--invalid-assertion"
OAUTH_EXPIRED_AUTHORIZATION_CODE = "oauth/jwt_assertion_invalid--expired-authorization-code"
OAUTH_LOGIN_RATE_EXCEEDED = "oauth/rate_limited--login-rate-exceeded"
OAUTH_AUDIENCE_INVALID = "oauth/wrong_login_host--audience-is-invalid"
OAUTH_USER_NOT_APPROVED = "oauth/app_not_approved--user-hasnt-approved-this-consumer"
OAUTH_NOT_ON_THIS_DOMAIN = "oauth/wrong_login_host--request-not-supported-on-this-domain"
OAUTH_NO_RUN_AS_USER = "oauth/client_credentials_user_missing--no-client-credentials-user-enabled"
OAUTH_SUCCESS = "oauth/ok--password-grant-success"  # for its content type only

SOAP_INVALID_LOGIN = "soap/invalid_credentials--invalid-login-user-not-active-2022"
SOAP_INVALID_LOGIN_LEGACY = "soap/invalid_credentials--invalid-login-enterprise"
SOAP_TOKEN_REQUIRED = "soap/security_token_required--must-use-security-token-2016"
SOAP_TOKEN_REQUIRED_LEGACY = "soap/security_token_required--must-use-security-token-pre-2016"
SOAP_PASSWORD_LOCKOUT = "soap/user_locked_out--password-lockout"
SOAP_ORG_LOCKED = "soap/org_inactive--org-locked"
SOAP_RESTRICTED_DOMAIN = "soap/ip_restricted--login-during-restricted-domain"
SOAP_RESTRICTED_TIME = "soap/login_hours--login-during-restricted-time"
SOAP_API_DISABLED = "soap/api_disabled--api-disabled-for-org"
SOAP_LOGIN_DISABLED = "soap/soap_login_disabled--login-disabled-by-default"
SOAP_LOGIN_RATE_EXCEEDED = "soap/rate_limited--login-rate-exceeded"
SOAP_UNKNOWN_EXCEPTION = "soap/unknown--unknown-exception-xml-parse-error"
SOAP_ONLY_POST = "rest/wrong_login_host--lightning-force-com-soap-405"

REST_SESSION_INVALID = "rest/session_invalid--session-expired-or-invalid"
IDENTITY_BAD_TOKEN = "rest/session_invalid--userinfo-bad-oauth-token-403"
REST_API_DISABLED = "rest/api_disabled--rest-api-not-enabled"
REST_REQUEST_LIMIT = "rest/request_limit_exceeded--total-requests-limit-exceeded"
REST_VERSION_GONE = "rest/api_version_retired--v20-gone"
REST_PASSWORD_EXPIRED = "rest/password_expired--rest-invalid-operation-with-expired-password"
REST_MALFORMED_QUERY = "rest/unknown--malformed-query-unexpected-token"
REST_INVALID_FIELD = "rest/unknown--invalid-field-no-such-column"
REST_NOT_FOUND = "rest/unknown--not-found"
MAINTENANCE = "rest/service_unavailable--down-for-maintenance-html"

SERVED = tuple(v for k, v in sorted(globals().items()) if k.isupper() and "/" in str(v))
"""Every fixture name above (tests load each one)."""

JSON_TYPE = "application/json;charset=UTF-8"
"""Content type of Salesforce's JSON answers (as in the fixtures)."""

# Headers the server sets itself; a captured value would contradict the served body.
_OWN_HEADERS = frozenset(
    {"content-type", "content-length", "transfer-encoding", "connection", "date"}
)


@dataclass(frozen=True)
class Answer:
    """One HTTP answer: what the server writes back."""

    status: int
    content_type: str
    body: str
    headers: tuple[tuple[str, str], ...] = ()
    source: str = ""
    """The fixture this answer comes from ('' for a body built by the simulator)."""

    def replace_text(self, old: str, new: str) -> Answer:
        """The same answer with ``old`` replaced by ``new`` in the body.

        Used where Salesforce's text names the request (the query, the path): the fixture
        gives the shape and wording, the request gives the detail.
        """
        return replace(self, body=self.body.replace(old, new))


def fixtures_dir() -> Path:
    """The fixtures directory: inside the installed package, else in the source checkout."""
    package = Path(__file__).resolve().parent.parent  # .../sfdoctor
    for candidate in (package / "_fixtures", package.parent / "fixtures"):
        if (candidate / "oauth").is_dir():
            return candidate
    raise FileNotFoundError(
        f"sfdoctor's fixtures are missing: looked in {package / '_fixtures'} and "
        f"{package.parent / 'fixtures'}"
    )


@cache
def load(name: str) -> Answer:
    """The captured answer of fixture ``name`` (e.g. ``"rest/..."``), status and all."""
    path = fixtures_dir() / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    http = data["http"]
    headers = tuple(
        (k, v) for k, v in http.get("headers", {}).items() if k.lower() not in _OWN_HEADERS
    )
    return Answer(http["status"], http["content_type"], http["body"], headers, source=name)


@dataclass(frozen=True)
class Provenance:
    """Where a served answer comes from: its fixture's public source and what is inferred."""

    source: str
    """The public URL the answer was captured from."""
    inferred: str
    """What the fixture had to infer (status, envelope, wording); '' when nothing."""


@cache
def provenance(name: str) -> Provenance:
    """The source and the inferred details of fixture ``name``, as the fixture records them."""
    data = json.loads((fixtures_dir() / f"{name}.json").read_text(encoding="utf-8"))
    return Provenance(data.get("source", ""), data.get("inferred", ""))


def json_answer(payload: object, status: int = 200) -> Answer:
    """A JSON answer built by the simulator (successful resources)."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return Answer(status, JSON_TYPE, body)


def rest_error(name: str, message: str) -> Answer:
    """Fixture ``name`` (a REST error array) with its message replaced by ``message``.

    The status, content type and ``errorCode`` stay those of the capture.
    """
    answer = load(name)
    errors = json.loads(answer.body)
    errors[0]["message"] = message
    return replace(answer, body=json.dumps(errors, separators=(",", ":"), ensure_ascii=False))


def soap_fault(name: str, message: str) -> Answer:
    """SOAP fault fixture ``name`` with its exception message replaced by ``message``."""
    from xml.sax.saxutils import escape

    answer = load(name)
    start = answer.body.index("<sf:exceptionMessage>") + len("<sf:exceptionMessage>")
    old = answer.body[start : answer.body.index("</sf:exceptionMessage>")]
    return answer.replace_text(old, escape(message, {'"': "&quot;", "'": "&apos;"}))
