"""What the simulated org answers to each request: HTTP-free, so it can be tested directly.

:func:`dispatch` takes a parsed :class:`Request` and returns a :class:`Routed` (the answer,
and what may be logged about the request, secrets masked). It changes the org (lockout
counters, Login History, sessions, API usage), so the server calls it under one lock.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote_plus

from sfdoctor.simulator import admin, bodies
from sfdoctor.simulator import responses as R
from sfdoctor.simulator.bearer import (
    JWT_GRANT,
    decide_client_credentials_login,
    decide_jwt_login,
)
from sfdoctor.simulator.login import MIN_API_VERSION, decide_password_login, decide_soap_login
from sfdoctor.simulator.org import LoginOutcome, LoginType, Org, User
from sfdoctor.simulator.responses import Answer, load
from sfdoctor.simulator.soql import QueryError, run_query

MASK = "****"
SECRET_FIELDS = frozenset(
    {
        "password",
        "client_secret",
        "client_assertion",
        "assertion",
        "refresh_token",
        "code",
        "code_verifier",
        "access_token",
        "oauth_token",
        "token",
    }
)
"""Form, query and SOAP fields never kept in the request log."""

TOKEN_PATH = "/services/oauth2/token"
USERINFO_PATH = "/services/oauth2/userinfo"
_SOAP_PATH = re.compile(r"/services/Soap/u/(?P<version>\d{1,3}\.\d)(?P<org>/[^/]*)?")
_IDENTITY_PATH = re.compile(r"/id/(?P<org>00D\w{12}(?:\w{3})?)/(?P<user>005\w{12}(?:\w{3})?)/?")
_USER_RECORD = re.compile(r"sobjects/User/(?P<id>005\w{12}(?:\w{3})?)")
_DATA_PATH = re.compile(r"/services/data/(?P<version>v\d{1,3}\.\d|latest)(?P<rest>/.*)?")


@dataclass(frozen=True)
class Request:
    """A request as the org sees it."""

    method: str
    path: str
    """The path without the query string."""
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    """Header names in lower case."""
    body: bytes = b""


@dataclass(frozen=True)
class Routed:
    """The answer to a request and what the request log may keep about it."""

    answer: Answer
    kind: str
    """Which endpoint answered: ``oauth.token``, ``soap.login``, ``identity``, ..."""
    fields: Mapping[str, str] = field(default_factory=dict)
    """Form / query / SOAP fields, secrets masked."""
    login_attempt: bool = False


def masked(fields: Mapping[str, str]) -> dict[str, str]:
    """``fields`` with every secret value replaced by :data:`MASK` (length not kept)."""
    return {k: MASK if k.lower() in SECRET_FIELDS else v for k, v in fields.items()}


def _form(body: bytes) -> dict[str, str]:
    pairs = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    out: dict[str, str] = {}
    for key, value in pairs:
        out.setdefault(key, value)
    return out


def bearer_token(request: Request) -> str | None:
    """The access token a request presents (Bearer/OAuth header, or query), else None."""
    auth = request.headers.get("authorization", "").strip()
    scheme, _, value = auth.partition(" ")
    if scheme.lower() in ("bearer", "oauth") and value.strip():
        return value.strip()
    return request.query.get("oauth_token") or request.query.get("access_token")


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """(client id, client secret) from an ``Authorization: Basic`` header, else None.

    RFC 6749 §2.3.1 ``client_secret_basic``: base64 of ``id:secret``, each form-urlencoded
    first (Appendix B), a method every authorization server must support. simple-salesforce
    sends the client credentials grant only this way (its ``login.py``), and Salesforce
    documents the header for its own endpoints (the token introspection example in Salesforce
    Help authenticates the client with ``Authorization: Basic``). INFERRED: the password
    grant takes it too, as RFC 6749 asks.
    """
    scheme, _, value = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        return None
    return unquote_plus(client_id), unquote_plus(secret)


def _session_user(org: Org, request: Request) -> User | None:
    token = bearer_token(request)
    if token is None or org.sessions_revoked or token not in org.sessions:
        return None
    return org.user(org.sessions[token])


def _token(org: Org, base_url: str, request: Request) -> Routed:
    # Salesforce reads parameters from the query string too; the form body wins.
    params = dict(request.query)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        params.update(_form(request.body))
    basic = basic_credentials(request)
    if basic is not None:
        # INFERRED: parameters in the body win over the header when a client sends both
        # (RFC 6749 says a client must not; Salesforce's choice is not documented).
        params.setdefault("client_id", basic[0])
        params.setdefault("client_secret", basic[1])
    is_post = request.method == "POST"
    log = masked(params)
    grant = params.get("grant_type")
    if not is_post or grant not in ("password", JWT_GRANT, "client_credentials"):
        # A body that is not form-encoded, a missing grant_type (a GET has none), or a grant
        # the simulator does not implement: "grant type not supported" (research O5).
        return Routed(load(R.OAUTH_UNSUPPORTED_GRANT), "oauth.token", log, is_post)
    secret = params.get("client_secret", "")
    outcome: LoginOutcome
    now = org.now()
    if grant == JWT_GRANT:
        outcome = decide_jwt_login(org, params.get("assertion", ""), now)
    elif grant == "client_credentials":
        outcome = decide_client_credentials_login(org, params.get("client_id", ""), secret, now=now)
    else:
        outcome = decide_password_login(
            org,
            params.get("client_id", ""),
            secret,
            params.get("username", ""),
            params.get("password", ""),
            now=now,
        )
    detail = admin.login_detail(org, grant or "", params.get("client_id", ""))
    org.apply(outcome, LoginType.OAUTH, now=now, detail=detail)
    user = org.user(outcome.username or "")
    if not outcome.ok or user is None:
        return Routed(load(outcome.answer or R.OAUTH_AUTH_FAILURE), "oauth.token", log, True)
    access_token = bodies.new_access_token(org)
    org.sessions[access_token] = user.username
    if grant == JWT_GRANT:
        answer = bodies.jwt_token_success(base_url, org, user, access_token)
    else:
        issued_at = str(time.time_ns() // 1_000_000)
        answer = bodies.token_success(base_url, org, user, access_token, secret, issued_at)
    return Routed(answer, "oauth.token", log, True)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _soap_credentials(body: bytes) -> tuple[str, str] | str:
    """(username, password) from a login envelope, or why the envelope is unusable."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        return str(exc)
    envelope_body = next((el for el in root if _local(el.tag) == "Body"), None)
    operation = next(iter(envelope_body), None) if envelope_body is not None else None
    if operation is None or _local(operation.tag) != "login":
        name = operation.tag if operation is not None else "(empty body)"
        return f"No operation available for request {name}"
    values = {_local(el.tag): (el.text or "") for el in operation}
    return values.get("username", ""), values.get("password", "")


def _soap(org: Org, base_url: str, request: Request, version: str, login_path: bool) -> Routed:
    # A login() envelope is a login attempt wherever it is posted. An unusable envelope
    # counts only at /services/Soap/u/NN.0, where clients send login(); the serverUrl that
    # login() returns (the org id appended) takes the other calls.
    attempt = login_path and request.method == "POST"
    if request.method != "POST":
        # Salesforce's 405 page names the path asked for.
        answer = load(R.SOAP_ONLY_POST).replace_text("/services/Soap/u/42.0", request.path)
        return Routed(answer, "soap.login", {"api_version": version})
    credentials = _soap_credentials(request.body)
    if isinstance(credentials, str):
        # INFERRED: any unusable envelope gets the UNKNOWN_EXCEPTION fault that a malformed
        # one gets (postman-salesforce-apis#26), with the reason as its message.
        answer = R.soap_fault(R.SOAP_UNKNOWN_EXCEPTION, credentials)
        return Routed(answer, "soap.login", {"api_version": version}, attempt)
    username, password = credentials
    log = masked({"username": username, "password": password, "api_version": version})
    now = org.now()
    outcome = decide_soap_login(org, username, password, float(version), now=now)
    org.apply(outcome, LoginType.SOAP, now=now, detail=admin.soap_detail(version))
    user = org.user(outcome.username or "")
    if not outcome.ok or user is None:
        return Routed(load(outcome.answer or R.SOAP_INVALID_LOGIN), "soap.login", log, True)
    session_id = bodies.new_access_token(org)
    org.sessions[session_id] = user.username
    answer = bodies.soap_login_success(base_url, org, user, session_id, version)
    return Routed(answer, "soap.login", log, True)


def _identity(org: Org, base_url: str, request: Request, org_id: str, user_id: str) -> Routed:
    # The identity URL and userinfo refuse a token they cannot use with 403 Bad_OAuth_Token,
    # not the REST API's 401 (jsforce#736; the fixture's sources).
    user = _session_user(org, request)
    if user is None:
        return Routed(load(R.IDENTITY_BAD_TOKEN), "identity")
    if org_id[:15] != org.id15 or user_id[:15] != user.id15:
        return Routed(load(R.REST_NOT_FOUND), "identity")
    return Routed(bodies.identity(base_url, org, user), "identity")


def _userinfo(org: Org, base_url: str, request: Request) -> Routed:
    user = _session_user(org, request)
    if user is None:
        return Routed(load(R.IDENTITY_BAD_TOKEN), "oauth.userinfo")
    return Routed(bodies.userinfo(base_url, org, user), "oauth.userinfo")


def _data(org: Org, request: Request, version_part: str, rest: str) -> Routed:
    log = masked(dict(request.query))
    if version_part == "latest":
        version = f"{org.api_version_max:.1f}"
    else:
        version = version_part[1:]
        if float(version) < MIN_API_VERSION:
            return Routed(load(R.REST_VERSION_GONE), "rest", log)
        if float(version) > org.api_version_max:
            return Routed(load(R.REST_NOT_FOUND), "rest", log)
    user = _session_user(org, request)
    if user is None:
        return Routed(load(R.REST_SESSION_INVALID), "rest", log)
    if user.password_expired:
        return Routed(load(R.REST_PASSWORD_EXPIRED), "rest", log)
    if not org.api_enabled:
        return Routed(load(R.REST_API_DISABLED), "rest", log)
    if org.api_requests_used >= org.api_request_max:
        return Routed(load(R.REST_REQUEST_LIMIT), "rest", log)
    org.api_requests_used += 1  # every call that gets this far counts, even a 404
    resource = rest.strip("/")
    if request.method not in ("GET", "HEAD"):
        return Routed(load(R.REST_NOT_FOUND), "rest", log)
    read = admin.answer(org, user, version, resource, request.query, request.headers)
    if read is not None:  # an administrator's query (User, LoginHistory...) or its pages
        return Routed(read, "rest.admin", log)
    if resource == "":
        return Routed(bodies.version_root(version), "rest", log)
    if resource == "limits":
        return Routed(bodies.limits(org), "rest.limits", log)
    record = _USER_RECORD.fullmatch(resource)
    if record is not None:
        found = next((u for u in org.users if u.id15 == record["id"][:15]), None)
        if found is not None:
            return Routed(bodies.user_record(version, found), "rest.sobject", log)
    if resource == "query":
        try:
            result = run_query(request.query.get("q", ""), org, user, version)
        except QueryError as exc:
            name = R.REST_INVALID_FIELD if exc.code == "INVALID_FIELD" else R.REST_MALFORMED_QUERY
            return Routed(R.rest_error(name, exc.message), "rest.query", log)
        return Routed(R.json_answer(result), "rest.query", log)
    return Routed(load(R.REST_NOT_FOUND), "rest", log)


def dispatch(org: Org, base_url: str, request: Request) -> Routed:
    """Answer ``request`` as the org would; ``base_url`` is this server's own URL."""
    path = request.path
    soap = _SOAP_PATH.fullmatch(path)
    if org.maintenance:
        is_login = request.method == "POST" and (
            path == TOKEN_PATH or (soap is not None and not soap["org"])
        )
        return Routed(load(R.MAINTENANCE), "maintenance", masked(dict(request.query)), is_login)
    if path == TOKEN_PATH:
        return _token(org, base_url, request)
    if soap is not None:
        return _soap(org, base_url, request, soap["version"], not soap["org"])
    if path == USERINFO_PATH:
        return _userinfo(org, base_url, request)
    identity = _IDENTITY_PATH.fullmatch(path)
    if identity is not None:
        return _identity(org, base_url, request, identity["org"], identity["user"])
    if path in ("/services/data", "/services/data/"):
        # The Versions resource needs no authentication and is not an API call that counts.
        return Routed(bodies.versions(org, MIN_API_VERSION), "rest.versions")
    data = _DATA_PATH.fullmatch(path)
    if data is not None:
        return _data(org, request, data["version"], data["rest"] or "")
    return Routed(load(R.REST_NOT_FOUND), "not_found", masked(dict(request.query)))
