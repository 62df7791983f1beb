"""The admin side of the simulated org: an administrator, and the objects it reads.

``with_admin(org)`` adds an administrator (a :class:`~sfdoctor.simulator.org.User` with
permissions) and a session for it, as the Salesforce CLI would hold one; the token is
:data:`ADMIN_TOKEN`. Its REST queries on ``User``, ``UserLogin``, ``LoginHistory`` and
``EventLogFile`` are answered from the org's own state: users, their frozen and locked
flags, and the Login History the org keeps as logins are decided. Results page the way
Salesforce pages them (2,000 rows by default, ``Sforce-Query-Options: batchSize`` from 200,
``nextRecordsUrl`` = ``/services/data/vNN.0/query/<locator>-<offset>``: REST API Developer
Guide, "Query" and "Query Options Header"); an Event Log File's content is served as CSV.

Permissions decide as the object reference says ("Special Access Rules"): LoginHistory
needs Manage Users or Monitor Login History, else a user reads only their own rows from API
37.0 (and nothing before: INVALID_TYPE); UserLogin needs Manage Users; EventLogFile needs
View Event Log Files. A refused object answers ``INVALID_TYPE: sObject type 'X' is not
supported`` (RoseSilverSoftware/IlluminatedCloud#2141 quotes it for LoginHistory; the
maintainer: "instances of issues that manifest this way that are due to authorization").
The knobs: the administrator's ``permissions``, and :attr:`Org.query_timeout`.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sfdoctor.simulator import admin_soql
from sfdoctor.simulator.org import Org, Profile, User, id18
from sfdoctor.simulator.responses import Answer, json_answer
from sfdoctor.simulator.soql import QueryError

VIEW_SETUP = "ViewSetup"
MANAGE_USERS = "ManageUsers"
MONITOR_LOGIN_HISTORY = "MonitorLoginHistory"
VIEW_EVENT_LOG_FILES = "ViewEventLogFiles"
ADMIN_PERMISSIONS = frozenset({VIEW_SETUP, MANAGE_USERS, VIEW_EVENT_LOG_FILES})
ADMIN_USERNAME = "admin@acme-corp.example"
ADMIN_TOKEN = "00D8d000001SiMu!AQsimulated.admin.session.token.not.a.secret"
"""The administrator's session id (fake, printed freely: the simulator's, not a secret)."""
DEFAULT_BATCH = 2000
MIN_BATCH = 200
MAX_CURSORS = 50
OWN_ROWS_FROM = 37.0
"""LoginHistory: "in API version 37.0 and later, all users can retrieve their own login
history records" (object reference)."""
ADMIN_OBJECTS = frozenset({"loginhistory", "userlogin", "eventlogfile"})
_LOGIN_HISTORY_FILTERABLE = frozenset(
    # object reference, LoginHistory "Usage": the only fields a WHERE may use
    {
        "authenticationserviceid",
        "ciphersuite",
        "countryiso",
        "id",
        "logintime",
        "logintype",
        "loginurl",
        "networkid",
        "tlsprotocol",
        "userid",
    }
)
_LOCATORS = itertools.count(1)  # never reused: an old locator never names new rows
_FROM = re.compile(r"\bFROM\s+([A-Za-z_]\w*)", re.IGNORECASE)
_MORE = re.compile(r"query/(?P<locator>01g[A-Za-z0-9]{12,15})-(?P<offset>\d{1,9})")
_LOG_FILE = re.compile(r"sobjects/EventLogFile/(?P<id>0AT[A-Za-z0-9]{12,15})/LogFile")

# Setup > Login History Status -> Event Log File LOGIN_STATUS (the ELF Login event type's
# table, research §3.1); INFERRED: the code of "Username-Password Flow Disabled" (not listed).
ELF_STATUS = {
    "Success": "LOGIN_NO_ERROR",
    "Failed: API security token required": "LOGIN_ERROR_MUST_USE_API_TOKEN",
    "Invalid Password": "LOGIN_ERROR_INVALID_PASSWORD",
    "Password Lockout": "LOGIN_ERROR_PASSWORD_LOCKOUT",
    "User is Frozen": "LOGIN_ERROR_USER_FROZEN",
    "User is Inactive": "LOGIN_ERROR_USER_INACTIVE",
    "Restricted IP": "LOGIN_ERROR_RESTRICTED_DOMAIN",
    "Restricted time": "LOGIN_ERROR_RESTRICTED_TIME",
    "Organization is inactive": "LOGIN_ERROR_ORG_INACTIVE",
    "Login Rate Exceeded": "LOGIN_ERROR_RATE_EXCEEDED",
}
# The ELF Login event type's columns (object reference, "Login Event Type"), a subset.
ELF_COLUMNS = (
    "EVENT_TYPE",
    "TIMESTAMP",
    "ORGANIZATION_ID",
    "USER_ID",
    "USER_NAME",
    "LOGIN_TYPE",
    "LOGIN_SUB_TYPE",
    "API_TYPE",
    "API_VERSION",
    "SOURCE_IP",
    "LOGIN_STATUS",
    "TIMESTAMP_DERIVED",
    "USER_ID_DERIVED",
)
# ELF LOGIN_TYPE is a code (research timeline, "Finding who uses what").
LOGIN_TYPE_CODES = {"Remote Access 2.0": "i", "Other Apex API": "I", "Partner Product": "R"}
# INFERRED: the LoginSubType labels of the OAuth grants (ELF LOGIN_SUB_TYPE codes are
# oauthpassword, oauthjwt..., research timeline "Finding who uses what").
SUB_TYPES = {
    "password": "OAuth Username-Password",
    "urn:ietf:params:oauth:grant-type:jwt-bearer": "OAuth JWT Bearer",
    "client_credentials": "OAuth Client Credentials",
}


def with_admin(
    org: Org,
    *,
    permissions: frozenset[str] = ADMIN_PERMISSIONS,
    username: str = ADMIN_USERNAME,
    token: str = ADMIN_TOKEN,
) -> str:
    """Add an administrator with ``permissions`` and a live session; return its token."""
    admin = User(
        username=username,
        password="Sim-Admin-Passw0rd",
        security_token="AdminSimTokenNotUsed0000",
        id15="0058d000003Admn",
        first_name="Ada",
        last_name="Admin",
        email=username,
        profile=Profile(name="System Administrator"),
        permissions=permissions,
    )
    org.users.append(admin)
    org.sessions[token] = admin.username
    return token


def login_detail(org: Org, grant: str, client_id: str) -> dict[str, str]:
    """What Login History records about an OAuth login besides its status."""
    app = org.app(client_id)
    return {"login_sub_type": SUB_TYPES.get(grant, ""), "application": app.name if app else ""}


def soap_detail(version: str) -> dict[str, str]:
    """What Login History records about a SOAP ``login()`` (partner endpoint)."""
    return {"api_type": "SOAP Partner", "api_version": version, "application": "N/A"}


def answer(
    org: Org,
    user: User,
    version: str,
    resource: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
) -> Answer | None:
    """The answer to an admin request on ``/services/data/vNN.0/<resource>``, or None when
    the request is not one (the caller answers it as before)."""
    if resource == "query":
        q = query.get("q", "")
        m = _FROM.search(q)
        obj = m.group(1).lower() if m else ""
        if obj in ADMIN_OBJECTS or (obj == "user" and VIEW_SETUP in user.permissions):
            return _query(org, user, version, q, _batch(headers))
        return None
    more = _MORE.fullmatch(resource)
    if more is not None:
        return _more(org, user, version, more["locator"], int(more["offset"]))
    log_file = _LOG_FILE.fullmatch(resource)
    if log_file is not None:
        return _log_file(org, user, log_file["id"])
    return None


def _batch(headers: Mapping[str, str]) -> int:
    m = re.search(r"batchSize\s*=\s*(\d+)", headers.get("sforce-query-options", ""))
    return max(MIN_BATCH, min(DEFAULT_BATCH, int(m.group(1)))) if m else DEFAULT_BATCH


def _error(code: str, message: str, status: int = 400) -> Answer:
    return json_answer([{"message": message, "errorCode": code}], status)


def _invalid_type(q: str, entity: str) -> Answer:
    # The shape Salesforce gives a refused object: the query, a caret, the position, the
    # sentence (IlluminatedCloud#2141); status 400 as for every query error (research §4).
    column = q.lower().find(entity.lower()) + 1
    caret = " " * max(column - 1, 0) + "^"
    return _error(
        "INVALID_TYPE",
        f"\n{q}\n{caret}\nERROR at Row:1:Column:{column}\nsObject type '{entity}' is not "
        "supported. If you are attempting to use a custom object, be sure to append the "
        "'__c' after the entity name. Please reference your WSDL or the describe call for "
        "the appropriate names.",
    )


def _query(org: Org, user: User, version: str, q: str, batch: int) -> Answer:
    try:
        parsed = admin_soql.parse(q)
    except QueryError as exc:
        return _error(exc.code, exc.message)
    obj = parsed.obj.lower()
    entity, records, filterable = _object(org, user, version, obj)
    if records is None:
        return _invalid_type(q, entity)
    try:
        chosen = admin_soql.select(parsed, records, entity, filterable)
    except QueryError as exc:
        return _error(exc.code, exc.message)
    if obj == "loginhistory" and org.query_timeout:
        # INFERRED status 400; the message as Salesforce words it for a query that ran
        # past its time (REST errorCode QUERY_TIMEOUT).
        return _error("QUERY_TIMEOUT", "Your query request was running for too long.")
    rendered = [admin_soql.render(r, parsed.fields, entity, version) for r in chosen]
    return _page(org, user, version, rendered, 0, batch)


def _object(
    org: Org, user: User, version: str, obj: str
) -> tuple[str, list[dict[str, Any]] | None, frozenset[str] | None]:
    """(entity name, its records as ``user`` may read them or None when refused, the
    fields a WHERE may use)."""
    perms = user.permissions
    if obj == "user":
        return "User", [_user_record(u) for u in org.users], None
    if obj == "userlogin":
        rows = [_user_login_record(u) for u in org.users] if MANAGE_USERS in perms else None
        return "UserLogin", rows, None
    if obj == "loginhistory":
        rows = _login_rows(org)
        if not perms & {MANAGE_USERS, MONITOR_LOGIN_HISTORY}:
            if float(version) < OWN_ROWS_FROM:
                return "LoginHistory", None, None
            rows = [r for r in rows if r["UserId"] == user.user_id]
        return "LoginHistory", rows, _LOGIN_HISTORY_FILTERABLE
    if obj == "eventlogfile":
        files = _log_files(org, version) if VIEW_EVENT_LOG_FILES in perms else None
        return "EventLogFile", [f for f, _ in files] if files is not None else None, None
    raise AssertionError(obj)


def _page(
    org: Org, user: User, version: str, records: list[dict[str, Any]], offset: int, batch: int
) -> Answer:
    """One page of ``records`` from ``offset``; a cursor is kept while rows remain."""
    payload: dict[str, Any] = {"totalSize": len(records), "done": True}
    end = offset + batch
    if end < len(records):
        locator = _locator(org, user, records, batch)
        payload = {
            "totalSize": len(records),
            "done": False,
            "nextRecordsUrl": f"/services/data/v{version}/query/{locator}-{end}",
        }
    payload["records"] = records[offset:end]
    return json_answer(payload)


def _locator(org: Org, user: User, records: list[dict[str, Any]], batch: int) -> str:
    """The query locator of ``records`` (kept on the org; the oldest dropped beyond
    :data:`MAX_CURSORS`)."""
    locator = id18(f"01g8d{next(_LOCATORS):010d}")
    org.cursors[locator] = (user.username, records, batch)
    while len(org.cursors) > MAX_CURSORS:
        org.cursors.pop(next(iter(org.cursors)))
    return locator


def _more(org: Org, user: User, version: str, locator: str, offset: int) -> Answer:
    kept = org.cursors.get(locator)
    if kept is None or kept[0] != user.username or offset >= len(kept[1]) or offset % kept[2]:
        # INFERRED status 400 (REST errorCode INVALID_QUERY_LOCATOR).
        return _error("INVALID_QUERY_LOCATOR", "invalid query locator")
    return _page(org, user, version, kept[1], offset, kept[2])


def _user_record(u: User) -> dict[str, Any]:
    return {
        "Id": u.user_id,
        "Username": u.username,
        "Name": u.display_name,
        "Email": u.email,
        "IsActive": u.active,
        "UserType": "Standard",
        "ProfileId": id18(f"00e8d{zlib.crc32(u.profile.name.encode()) % 10**10:010d}"),
        "Profile.Name": u.profile.name,
    }


def _user_login_record(u: User) -> dict[str, Any]:
    # "060" is UserLogin's key prefix.
    return {
        "Id": id18("0608d" + u.id15[5:]),
        "UserId": u.user_id,
        "IsFrozen": u.frozen,
        "IsPasswordLocked": u.locked_out,
    }


def _login_rows(org: Org) -> list[dict[str, Any]]:
    """The org's Login History as LoginHistory records, oldest first; LoginTime to the
    second, as Salesforce shows it."""
    rows = []
    for n, e in enumerate(org.login_history, 1):
        rows.append(
            {
                "Id": id18(f"0Ya8d{n:010d}"),
                "UserId": e.user_id,
                "LoginTime": e.time.astimezone(UTC).replace(microsecond=0),
                "LoginType": e.login_type,
                "LoginSubType": e.login_sub_type or None,
                "Status": e.status,
                "SourceIp": e.source_ip,
                "Application": e.application or None,
                "ApiType": e.api_type or None,
                "ApiVersion": e.api_version or None,
                "LoginUrl": e.login_url or None,
                "Browser": "Unknown",
                "Platform": "Unknown",
                "ClientVersion": "N/A",
                "TlsProtocol": "TLS 1.3",
                "CipherSuite": "TLS_AES_256_GCM_SHA384",
                "CountryIso": None,
                "AuthenticationServiceId": None,
                "NetworkId": None,
                "LoginGeoId": None,
            }
        )
    return rows


def _log_files(org: Org, version: str) -> list[tuple[dict[str, Any], str]]:
    """One daily Login Event Log File per day of Login History (INFERRED: Salesforce
    writes them the next day; here they are there at once), with its CSV."""
    days: dict[str, list[Any]] = {}
    for e in org.login_history:
        days.setdefault(e.time.astimezone(UTC).strftime("%Y-%m-%d"), []).append(e)
    out = []
    for n, (day, entries) in enumerate(sorted(days.items()), 1):
        text = _login_csv(org, entries)
        log_id = id18(f"0AT8d{n:010d}")
        record = {
            "Id": log_id,
            "EventType": "Login",
            "LogDate": datetime.fromisoformat(day).replace(tzinfo=UTC),
            "LogFileLength": float(len(text.encode("utf-8"))),
            "Interval": "Daily",
            "LogFile": f"/services/data/v{version}/sobjects/EventLogFile/{log_id}/LogFile",
        }
        out.append((record, text))
    return out


def _login_csv(org: Org, entries: list[Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(ELF_COLUMNS)
    for e in entries:
        when = e.time.astimezone(UTC)
        writer.writerow(
            (
                "Login",
                when.strftime("%Y%m%d%H%M%S.") + f"{when.microsecond // 1000:03d}",
                org.id15,
                e.user_id[:15],
                e.username,
                LOGIN_TYPE_CODES.get(e.login_type, e.login_type),
                e.login_sub_type,
                e.api_type,
                e.api_version,
                e.source_ip,
                ELF_STATUS.get(e.status, "LOGIN_ERROR_UNKNOWN_ERROR"),
                when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z",
                e.user_id,
            )
        )
    return buffer.getvalue()


def _log_file(org: Org, user: User, log_id: str) -> Answer:
    if VIEW_EVENT_LOG_FILES not in user.permissions:
        # INFERRED: the status and wording of a blob read without the permission.
        return _error("INSUFFICIENT_ACCESS", "insufficient access rights on object id", 403)
    for record, text in _log_files(org, "60.0"):
        if record["Id"][:15] == log_id[:15]:
            # INFERRED: the content type of the blob (CSV text).
            return Answer(200, "text/csv", text)
    return json_answer(
        [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}], 404
    )
