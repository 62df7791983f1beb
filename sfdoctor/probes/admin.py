"""The read-only admin client: an administrator's session, used for GET requests only.

An administrator's token can do anything, so :class:`AdminClient` is read-only by
construction: it never holds the transport, only a closure that sends ``GET`` (the only
method name in this module) to the admin instance's own origin; a ``nextRecordsUrl`` naming
another host is refused before anything is sent. Every refusal is a value
(:class:`AdminFailure`, one line, naming the missing permission). Never prints or judges.

Shapes (REST API Developer Guide, "Query"): ``{"totalSize", "done", "nextRecordsUrl":
"/services/data/vNN.0/query/01g...-2000", "records": [{"attributes": {...}, ...}]}``; an
error is ``[{"message": ..., "errorCode": ...}]``.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple
from urllib.parse import quote

from sfdoctor.hosts import UrlRefused, credential_url_problem, parse_url
from sfdoctor.models import Secret
from sfdoctor.probes.http import MAX_BODY, HttpAnswer, Outcome, Transport, TransportError

FALLBACK_VERSION = "60.0"  # when the instance does not list its versions
BATCH_SIZE = 200  # Sforce-Query-Options batchSize (200-2,000): a page stays below MAX_BODY
MAX_ROWS = 2000  # rows one query reads at most, across pages
MAX_PAGES = 20

# Which permission a refused query lacks (object reference, "Special Access Rules"; all users
# see their own LoginHistory rows from API 37.0).
NEEDS = {
    "loginhistory": "'Manage Users' or 'Monitor Login History'",
    "userlogin": "'Manage Users'",
    "eventlogfile": "'View Event Log Files'",
    "user": "'View Setup and Configuration'",
}
_PERMISSION_CODES = frozenset(
    {"INVALID_TYPE", "INSUFFICIENT_ACCESS", "INSUFFICIENT_ACCESS_OR_READONLY", "NOT_PERMITTED"}
)
_FROM = re.compile(r"\bFROM\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)
_VERSION = re.compile(r"[0-9]{1,3}\.[0-9]")
_NEXT = re.compile(r"/services/data/v[0-9]{1,3}\.[0-9]/query/[A-Za-z0-9]{15,18}-[0-9]{1,9}")
_LOG_ID = re.compile(r"0AT[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?")


class AdminSession(NamedTuple):
    """An administrator's session: ``instance_url`` (the only place ``access_token`` goes),
    the admin's ``username`` ('' when unknown), ``source`` (``sf org ... ALIAS``, a
    variable) and the ``api_version`` to use (None: the newest the instance lists)."""

    instance_url: str
    access_token: Secret
    username: str = ""
    source: str = ""
    api_version: str | None = None


class Problem(StrEnum):
    """Why the admin side gave no answer."""

    SESSION = "session"  # 401 INVALID_SESSION_ID: expired or revoked
    PERMISSION = "permission"  # the query was refused: a permission is missing
    API_DISABLED = "api_disabled"
    LIMIT = "limit"
    TIMEOUT = "timeout"
    TRANSPORT = "transport"
    REFUSED = "refused"  # nothing sent: the URL may not carry the admin token
    UNEXPECTED = "unexpected"


class AdminFailure(NamedTuple):
    """No usable answer from the admin side; ``message`` says why in one line."""

    problem: Problem
    message: str
    code: str = ""
    status: int | None = None


class Page(NamedTuple):
    """Rows of one query, read across pages."""

    records: tuple[dict[str, Any], ...]
    total_size: int
    pages: int
    complete: bool  # False when MAX_ROWS or MAX_PAGES stopped the reading early


class LogFile(NamedTuple):
    """An Event Log File's content (CSV)."""

    text: str
    truncated: bool  # the answer reached the transport's cap; the rest was not read


class AdminClient:
    """GET requests with an administrator's session, to its own instance only.

    Public methods: :meth:`versions`, :meth:`identity`, :meth:`query`, :meth:`log_file`.
    The transport learns the token for its redactor (a ``-v`` trace shows ``****``).
    """

    __slots__ = ("_get", "origin", "_version")

    def __init__(self, transport: Transport, session: AdminSession) -> None:
        token = session.access_token
        problem = credential_url_problem(session.instance_url)
        origin = "" if problem else parse_url(session.instance_url).origin
        transport.redactor.add(token.reveal())
        self.origin = origin
        self._version = session.api_version

        def get(path: str, *, authorized: bool = True, query_options: bool = False) -> Outcome:
            # NOTE: the only request this class can make. The URL is the instance's origin
            # plus a path checked here, re-read by the one URL parser; the token goes along
            # only when that parse names the same origin.
            url = _same_origin(origin, path)
            if url is None:
                shown = path[:120]
                why = problem or f"{shown!r} is not a path on the admin instance {origin}"
                return TransportError(path[:200], "refused_url", why, 0)
            headers = {"Accept": "application/json"}
            if authorized:
                headers["Authorization"] = f"Bearer {token.reveal()}"
            if query_options:
                headers["Sforce-Query-Options"] = f"batchSize={BATCH_SIZE}"
            answer = transport.request("GET", url, headers=headers)
            # NOTE: a server may echo the token back (an error quoting the header): masked
            # here, so no value this client returns can carry it.
            if isinstance(answer, HttpAnswer):
                answer = answer._replace(body=transport.redactor.known(answer.body))
            return answer

        self._get = get

    def versions(self) -> list[dict[str, Any]] | AdminFailure:
        """``/services/data/``: the API versions the instance serves (needs no token)."""
        data = _json(self._get("/services/data/", authorized=False))
        if isinstance(data, AdminFailure):
            return data
        if not isinstance(data, list):
            return _unexpected("the versions list is not a JSON array")
        return data

    def version(self) -> str:
        """The API version used: the session's, else the newest the instance lists."""
        if self._version is None:
            listed = self.versions()
            found = []
            if not isinstance(listed, AdminFailure):
                for item in listed:
                    v = item.get("version") if isinstance(item, dict) else None
                    if isinstance(v, str) and _VERSION.fullmatch(v):
                        found.append((float(v), v))
            self._version = max(found)[1] if found else FALLBACK_VERSION
        return self._version

    def identity(self) -> dict[str, Any] | AdminFailure:
        """``/services/oauth2/userinfo``: who the session is (``user_id``, ...)."""
        data = _json(self._get("/services/oauth2/userinfo"))
        if isinstance(data, AdminFailure):
            return data
        return data if isinstance(data, dict) else _unexpected("userinfo is not a JSON object")

    def query(self, soql: str, *, max_rows: int = MAX_ROWS) -> Page | AdminFailure:
        """Run ``soql`` and follow ``nextRecordsUrl`` (on this host only) up to ``max_rows``."""
        obj = _object(soql)
        path = f"/services/data/v{self.version()}/query?q={quote(soql, safe='')}"
        records: list[dict[str, Any]] = []
        total = 0
        for pages in range(1, MAX_PAGES + 1):
            data = _json(self._get(path, query_options=True), obj)
            if isinstance(data, AdminFailure):
                return data
            if not isinstance(data, dict) or not isinstance(data.get("records"), list):
                return _unexpected("the query answer has no records list")
            size = data.get("totalSize")
            total = size if isinstance(size, int) else 0
            records.extend(r for r in data["records"] if isinstance(r, dict))
            following = data.get("nextRecordsUrl")
            if data.get("done", True) or not isinstance(following, str):
                return Page(tuple(records[:max_rows]), total, pages, len(records) <= max_rows)
            if len(records) >= max_rows:
                return Page(tuple(records[:max_rows]), total, pages, False)
            next_path = _next_path(self.origin, following)
            if next_path is None:
                return AdminFailure(
                    Problem.REFUSED,
                    "the query's nextRecordsUrl does not name a query page on the admin "
                    "instance; not followed",
                )
            path = next_path
        return Page(tuple(records[:max_rows]), total, MAX_PAGES, False)

    def log_file(self, log_id: str) -> LogFile | AdminFailure:
        """The CSV content of Event Log File ``log_id`` (``0AT...``)."""
        if _LOG_ID.fullmatch(log_id) is None:
            return AdminFailure(Problem.REFUSED, "not an Event Log File id; nothing sent")
        outcome = self._get(
            f"/services/data/v{self.version()}/sobjects/EventLogFile/{log_id}/LogFile"
        )
        failure = _failure(outcome, "eventlogfile")
        if failure is not None:
            return failure
        assert isinstance(outcome, HttpAnswer)
        return LogFile(outcome.body, len(outcome.body.encode("utf-8")) >= MAX_BODY)


def _same_origin(origin: str, path: str) -> str | None:
    """``origin + path`` when ``path`` is a plain absolute path and the URL parser reads the
    result as this origin; None otherwise (another host, ``//host``, odd characters)."""
    if not origin or not path.startswith("/") or path.startswith("//"):
        return None
    try:
        target = parse_url(origin + path)
    except UrlRefused:
        return None
    return target.url if target.origin == origin else None


def _next_path(origin: str, following: str) -> str | None:
    """The path of a ``nextRecordsUrl``: relative as Salesforce sends it, or absolute on
    this very origin; None for anything else."""
    if origin and following.startswith(origin + "/"):
        following = following[len(origin) :]
    return following if _NEXT.fullmatch(following) else None


def _object(soql: str) -> str:
    m = _FROM.search(soql)
    return m.group(1).lower() if m else ""


def _unexpected(why: str) -> AdminFailure:
    return AdminFailure(Problem.UNEXPECTED, f"unexpected answer from the admin instance: {why}")


def _json(outcome: Outcome, obj: str = "") -> Any:
    failure = _failure(outcome, obj)
    if failure is not None:
        return failure
    assert isinstance(outcome, HttpAnswer)
    try:
        return json.loads(outcome.body)
    except (ValueError, RecursionError):
        if len(outcome.body.encode("utf-8")) >= MAX_BODY:
            return _unexpected(f"the answer is larger than {MAX_BODY // 1024} KiB")
        return _unexpected("the answer is not JSON")


_PLAIN = {
    "API_DISABLED_FOR_ORG": (Problem.API_DISABLED, "the API is disabled for the admin"),
    "API_CURRENTLY_DISABLED": (Problem.API_DISABLED, "the API is disabled for the admin"),
    "REQUEST_LIMIT_EXCEEDED": (Problem.LIMIT, "the org's API request limit is used up"),
    "QUERY_TIMEOUT": (Problem.TIMEOUT, "Salesforce timed the query out"),
}


def _failure(outcome: Outcome, obj: str) -> AdminFailure | None:
    """None for a 200 answer, else the failure it means, in one line."""
    if isinstance(outcome, TransportError):
        if outcome.kind == "refused_url":
            return AdminFailure(Problem.REFUSED, f"nothing sent: {outcome.message}")
        problem = Problem.TIMEOUT if outcome.kind == "timeout" else Problem.TRANSPORT
        return AdminFailure(problem, f"no answer ({outcome.kind}): {outcome.message}")
    if outcome.status == 200:
        return None
    code, message = _rest_error(outcome.body)
    said = f"{code}: {message}" if code else f"HTTP {outcome.status}"
    status = outcome.status
    if status == 401 or code == "INVALID_SESSION_ID":
        return AdminFailure(
            Problem.SESSION,
            f"the admin session is expired or invalid ({said}); log in again "
            "(sf org login web --alias ALIAS) or set a fresh SF_ADMIN_ACCESS_TOKEN",
            code,
            status,
        )
    if code in _PERMISSION_CODES:
        needs = NEEDS.get(obj, "the permission to read it")
        name = {"loginhistory": "LoginHistory", "userlogin": "UserLogin"}.get(obj, obj)
        return AdminFailure(
            Problem.PERMISSION,
            f"the administrator may not query {name or 'this object'} ({said}): it needs "
            f"'API Enabled', 'View Setup and Configuration' and {needs}",
            code,
            status,
        )
    if code in _PLAIN:
        problem, what = _PLAIN[code]
        return AdminFailure(problem, f"{what} ({said})", code, status)
    return AdminFailure(Problem.UNEXPECTED, f"the admin instance answered {said}", code, status)


def _rest_error(body: str) -> tuple[str, str]:
    """(errorCode, message) of a REST error array, cut to one short line; ('', '') else."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return "", ""
    first = data[0] if isinstance(data, list) and data else data
    if not isinstance(first, dict):
        return "", ""
    code = str(first.get("errorCode") or "")[:60]
    message = " ".join(str(first.get("message") or "").split())
    # NOTE: INVALID_TYPE messages quote the query and a caret line first; the sentence
    # that names the object is the useful part.
    if "sObject type" in message:
        message = message[message.index("sObject type") :]
    message = re.sub(r"[\x00-\x1f\x7f]", " ", message)
    return code, message[:160] + ("\u2026" if len(message) > 160 else "")


# --- typed reads ----------------------------------------------------------------------


class UserRecord(NamedTuple):
    """The user a run logged in as, from ``User``."""

    id: str
    username: str
    active: bool
    profile: str
    user_type: str


class LoginRow(NamedTuple):
    """One ``LoginHistory`` row (``login_time`` aware, in UTC by Salesforce's clock)."""

    id: str
    login_time: datetime
    status: str
    source_ip: str
    login_type: str
    login_sub_type: str
    application: str
    api_type: str
    api_version: str


_USERNAME = re.compile(r"[A-Za-z0-9._%+@'-]{1,255}")
_ID = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")
_ROW = ("Status", "SourceIp", "LoginType", "LoginSubType", "Application", "ApiType", "ApiVersion")
LOGIN_FIELDS = ", ".join(("Id", "LoginTime", *_ROW))


def soql_string(value: str) -> str:
    """``value`` as a SOQL string literal (quotes and backslashes escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def soql_datetime(moment: datetime) -> str:
    """``moment`` as a SOQL dateTime literal in UTC, to the second."""
    from datetime import UTC

    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def find_user(client: AdminClient, username: str) -> UserRecord | None | AdminFailure:
    """The ``User`` named ``username`` (case-insensitive, as Salesforce compares), or None."""
    if _USERNAME.fullmatch(username) is None:
        return AdminFailure(Problem.REFUSED, "not a username Salesforce issues; not looked up")
    page = client.query(
        "SELECT Id, Username, IsActive, UserType, Profile.Name FROM User "
        f"WHERE Username = {soql_string(username)} LIMIT 1"
    )
    if isinstance(page, AdminFailure):
        return page
    if not page.records:
        return None
    r = page.records[0]
    profile = r.get("Profile")
    return UserRecord(
        _text(r.get("Id")),
        _text(r.get("Username")),
        r.get("IsActive") is True,
        _text(profile.get("Name")) if isinstance(profile, dict) else "",
        _text(r.get("UserType")),
    )


def user_login(client: AdminClient, user_id: str) -> tuple[bool, bool] | None | AdminFailure:
    """``UserLogin`` of ``user_id``: (IsFrozen, IsPasswordLocked), or None when absent."""
    if _ID.fullmatch(user_id) is None:
        return AdminFailure(Problem.REFUSED, "not a Salesforce id; not looked up")
    page = client.query(
        f"SELECT IsFrozen, IsPasswordLocked FROM UserLogin WHERE UserId = '{user_id}' LIMIT 1"
    )
    if isinstance(page, AdminFailure):
        return page
    if not page.records:
        return None
    r = page.records[0]
    return r.get("IsFrozen") is True, r.get("IsPasswordLocked") is True


def login_history(
    client: AdminClient,
    user_id: str,
    since: datetime,
    *,
    newest_first: bool = False,
    limit: int = 200,
) -> tuple[LoginRow, ...] | AdminFailure:
    """``LoginHistory`` rows of ``user_id`` from ``since`` on, oldest first (or newest)."""
    if _ID.fullmatch(user_id) is None:
        return AdminFailure(Problem.REFUSED, "not a Salesforce id; not looked up")
    order = "DESC" if newest_first else "ASC"
    page = client.query(
        f"SELECT {LOGIN_FIELDS} FROM LoginHistory WHERE UserId = '{user_id}' "
        f"AND LoginTime >= {soql_datetime(since)} ORDER BY LoginTime {order}, Id {order} "
        f"LIMIT {int(limit)}",
        max_rows=limit,
    )
    if isinstance(page, AdminFailure):
        return page
    rows = []
    for r in page.records:
        when = _when(r.get("LoginTime"))
        if when is None:
            continue
        rows.append(LoginRow(_text(r.get("Id")), when, *(_text(r.get(f)) for f in _ROW)))
    return tuple(rows)


def _text(value: Any, limit: int = 200) -> str:
    """A server value as one short line of text ('' for null)."""
    if value is None or isinstance(value, dict | list):
        return ""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", str(value)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _when(value: Any) -> datetime | None:
    """A REST dateTime (``2026-11-30T09:14:03.000+0000``) as an aware datetime, or None."""
    if not isinstance(value, str):
        return None
    for fmt in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None
