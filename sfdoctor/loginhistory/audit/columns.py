"""The columns ``audit`` reads, found by name in any of the four exports, and the header line.

- Setup > Login History download: ``Username, Login Time, Source IP, Login Type, Login
  Subtype, Status, Application, API Type, API Version, ...``;
- ``LoginHistory`` query export: ``UserId, LoginTime, SourceIp, LoginType, LoginSubType,
  Status, Application, ApiType, ApiVersion, ...``;
- Event Log File ``Login``: ``USER_NAME, USER_ID, LOGIN_TYPE, LOGIN_SUB_TYPE, API_TYPE,
  API_VERSION, LOGIN_STATUS, SOURCE_IP, TIMESTAMP_DERIVED, ...``;
- Event Log File ``ApiTotalUsage``: ``USER_ID, API_FAMILY, API_RESOURCE, API_VERSION,
  CLIENT_NAME, CONNECTED_APP_NAME, CLIENT_IP, STATUS_CODE, TIMESTAMP_DERIVED, ...``.

Unknown columns are ignored. A file needs at least one column that says how it logs in or
what it calls (:data:`NEEDED`); one without any is an
:class:`~sfdoctor.loginhistory.errors.InputError` that lists what it found and what is needed.
The :class:`~sfdoctor.loginhistory.layouts.Layout` of triage is reused: ``columns`` maps the
roles below to column indexes.
"""

from __future__ import annotations

import csv
from typing import TextIO

from sfdoctor.loginhistory.errors import InputError
from sfdoctor.loginhistory.layouts import ROLES as TRIAGE_ROLES
from sfdoctor.loginhistory.layouts import Kind, Layout, normalize_header
from sfdoctor.loginhistory.rows import MAX_LINE

ROLES: dict[str, tuple[str, ...]] = {
    "user": ("username", "user", "loginname"),
    "user_id": ("userid", "useridderived"),
    "application": ("application", "connectedappname", "connectedapp", "appname"),
    "client_name": ("clientname",),
    "login_type": ("logintype",),
    "login_subtype": ("loginsubtype",),
    "api_type": ("apitype", "apifamily"),
    "api_version": ("apiversion",),
    "api_resource": ("apiresource",),
    "source_ip": ("sourceip", "clientip", "sourceipaddress", "ipaddress"),
    "time": TRIAGE_ROLES["time"],
    "status": ("status", "loginstatus", "statuscode"),
}
"""Role -> the normalised header names that fill it, best first."""
NEEDED = ("login_type", "login_subtype", "api_type", "api_version")
"""Roles that say how a row logged in or what it called; a file needs one of them."""
KEY_ROLES = (
    "user",
    "user_id",
    "application",
    "client_name",
    "login_type",
    "login_subtype",
    "api_type",
    "api_version",
)
"""Roles whose values make an integration (and its API version); in this order."""
NEEDS = (
    "Login Type / Login Subtype / API Type / API Version (Setup > Login History download), "
    "LoginType / LoginSubType / ApiType / ApiVersion (LoginHistory query), LOGIN_TYPE / "
    "LOGIN_SUB_TYPE / API_TYPE / API_VERSION (Event Log File Login), or API_FAMILY / "
    "API_RESOURCE / API_VERSION (Event Log File ApiTotalUsage)"
)

_MAX_HEADER_SEARCH = 10
_DELIMITERS = (",", ";", "\t", "|")


def audit_layout(cells: list[str], delimiter: str = ",", header_line: int = 1) -> Layout | None:
    """The layout of a header row for ``audit``, or None when it has no column it needs."""
    norm = [normalize_header(c) for c in cells]
    index: dict[str, int] = {}
    for i, n in enumerate(norm):
        index.setdefault(n, i)
    columns: dict[str, int] = {}
    for role, names in ROLES.items():
        for n in names:
            if n in index and index[n] not in columns.values():
                columns[role] = index[n]
                break
    if not any(role in columns for role in NEEDED):
        return None
    if "apifamily" in index or "apiresource" in index:
        kind = Kind.ELF_API
    elif "loginstatus" in index or "eventtype" in index or "LOGIN_TYPE" in cells:
        kind = Kind.ELF
    elif any(" " in c.strip() for c in cells):
        kind = Kind.SETUP
    else:
        kind = Kind.QUERY
    return Layout(
        kind,
        tuple(c.strip().lstrip("\ufeff") for c in cells),
        columns.get("status", -1),
        columns,
        delimiter,
        header_line,
    )


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def read_audit_header(text: TextIO, name: str) -> Layout:
    """Read up to the header line and return its layout; InputError if there is none.

    Lines above the header (a report title, Excel's ``sep=;``) are passed over.
    """
    first: list[str] | None = None
    first_text = ""
    delimiter: str | None = None
    line_no = seen = 0
    while seen < _MAX_HEADER_SEARCH:
        line = text.readline(MAX_LINE)
        if not line:
            break
        line_no += 1
        if len(line) >= MAX_LINE and line[-1] not in "\r\n":
            raise InputError(
                f"{name}: line {line_no} is longer than {MAX_LINE:,} characters: "
                "not a login or API usage export"
            )
        stripped = line.strip().lstrip("\ufeff")
        if not stripped:
            continue
        seen += 1
        if stripped.lower().startswith("sep=") and len(stripped) <= 6:
            delimiter = stripped[4:5] or ","
            continue
        best: list[str] = []
        for d in (delimiter,) if delimiter else _DELIMITERS:
            cells = _split(line, d)
            layout = audit_layout(cells, d, line_no)
            if layout is not None and len(cells) > 1:
                return layout
            if len(cells) > len(best):
                best = cells
        if first is None:
            first, first_text = best, stripped
    if first is None:
        raise InputError(f"{name} is empty")
    if first_text[:1] in "{[":
        raise InputError(
            f"{name} looks like JSON, not a CSV file",
            hint="export the rows as CSV (sf data query --result-format csv)",
        )
    if first_text[:1] == "<":
        raise InputError(f"{name} looks like HTML or XML, not a CSV file")
    found = ", ".join(repr(c.strip()[:40]) for c in first[:20]) + (
        " ..." if len(first) > 20 else ""
    )
    raise InputError(
        f"{name}: none of the columns audit needs; found columns: {found}; needs {NEEDS}",
        hint="Setup > Login History > Download (with the Login Subtype, API Type and API "
        "Version columns), or the Event Log Files of type Login and ApiTotalUsage",
    )
