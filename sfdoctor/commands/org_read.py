"""``triage`` and ``audit`` reading the org itself (``--admin-org`` / ``SF_ADMIN_*``).

The administrator's session (:mod:`sfdoctor.check.admin_session`, read-only GETs through
:class:`~sfdoctor.probes.admin.AdminClient`) reads ``LoginHistory`` for the last N days and,
for ``audit``, the Event Log Files of type ``ApiTotalUsage`` (the API calls: SOAP ``login()``
and old versions). Not those of type ``Login``: they record the same logins LoginHistory
already gave, and reading both would count every login twice. Each is handed
to the readers as an in-memory :class:`~sfdoctor.loginhistory.source.Source`: the
LoginHistory rows as the CSV text of a ``LoginHistory`` query export, the log files as the
CSV Salesforce serves, so the result is the one the equivalent export gives.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from sfdoctor.loginhistory.source import Source
from sfdoctor.probes.admin import (
    BATCH_SIZE,
    MAX_PAGES,
    AdminClient,
    AdminFailure,
    AdminSession,
    soql_datetime,
    soql_string,
)
from sfdoctor.redaction import Redactor

DEFAULT_DAYS = 30
TIMEOUT = 60.0
MAX_LOGIN_ROWS = MAX_PAGES * BATCH_SIZE
"""LoginHistory rows read at most (the newest first), across pages."""
HEADER = (
    "Username",
    "UserId",
    "LoginTime",
    "Status",
    "SourceIp",
    "LoginType",
    "LoginSubType",
    "Application",
    "ApiType",
    "ApiVersion",
)
"""The columns of the query-export text the LoginHistory rows are written as."""
# NOTE: not "Login": LoginHistory holds the same logins (with ApiType and ApiVersion), and
# counting both would double every integration's logins.
LOG_TYPES = ("ApiTotalUsage",)
MAX_LOG_FILES = 366
"""Event Log Files read at most, the oldest first (a year of daily files): each is held
until the audit reads it, up to the 256 KiB download limit."""
LOG_FILES_DEADLINE = 300.0
"""Seconds for all the downloads together; each also has its own :data:`TIMEOUT`."""
NEITHER = (
    "give an export (or - for standard input), or read the org with --admin-org ALIAS "
    "(or SF_ADMIN_ACCESS_TOKEN + SF_ADMIN_INSTANCE_URL)"
)


class OrgFailure(Exception):
    """The org could not be read; the message is one line."""


class Org(NamedTuple):
    """An administrator's session opened for reading."""

    session: AdminSession
    client: AdminClient
    host: str
    days: int

    @property
    def label(self) -> str:
        return f"org: {self.host}"


def session(
    alias: str | None,
    env_file: str | None,
    environ: Mapping[str, str] | None,
) -> AdminSession | None:
    """The administrator's session asked for, or None (the same sources as ``check``)."""
    import os

    from sfdoctor.check.admin_session import admin_session
    from sfdoctor.check.config import parse_env_file

    return admin_session(
        alias=alias,
        environ=os.environ if environ is None else environ,
        env_file=parse_env_file(env_file) if env_file else None,
        env_file_name=env_file or "",
    )


def open_org(admin: AdminSession, redactor: Redactor, days: int) -> Org:
    """A client for ``admin``; ``redactor`` learns the token (it is never shown)."""
    from sfdoctor.hosts import parse_url
    from sfdoctor.probes.http import Transport

    redactor.add(admin.access_token.reveal())
    client = AdminClient(Transport(timeout=TIMEOUT, redactor=redactor), admin)
    return Org(admin, client, parse_url(admin.instance_url).host, days)


def _fail(org: Org, failure: AdminFailure) -> OrgFailure:
    return OrgFailure(f"{org.label}: {failure.message}")


def login_history(org: Org, now: datetime | None = None) -> tuple[Source, list[str]]:
    """The org's LoginHistory of the last ``org.days`` days as a query-export source, and
    its notes; OrgFailure when it cannot be read."""
    now = now or datetime.now(UTC)
    since = now - timedelta(days=org.days)
    users = org.client.query("SELECT Id, Username FROM User")
    names: dict[str, str] = {}
    if not isinstance(users, AdminFailure):
        for u in users.records:
            uid, name = _cell(u.get("Id")), _cell(u.get("Username"))
            if uid and name:
                names[uid[:15]] = name
    page = org.client.query(
        f"SELECT Id, UserId, LoginTime, {', '.join(HEADER[3:])} FROM LoginHistory "
        f"WHERE LoginTime >= {soql_datetime(since)} ORDER BY LoginTime DESC, Id DESC",
        max_rows=MAX_LOGIN_ROWS,
    )
    if isinstance(page, AdminFailure):
        raise _fail(org, page)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for r in reversed(page.records):  # oldest first, as an export lists them
        uid = _cell(r.get("UserId"))
        writer.writerow((names.get(uid[:15], uid), uid, *(_cell(r.get(f)) for f in HEADER[2:])))
    notes = []
    if not page.complete:
        notes.append(
            f"{org.label}: the newest {len(page.records):,} of {page.total_size:,} LoginHistory "
            "rows were read (export the rest and give it as a file)"
        )
    buffer.seek(0)
    name = f"{org.label} LoginHistory (last {org.days} days)"
    return Source(name, buffer, None, False, "text"), notes


def event_log_files(org: Org, now: datetime | None = None) -> tuple[list[Source], list[str]]:
    """The org's Event Log Files of the :data:`LOG_TYPES` of the last ``org.days``
    days, each a source, and the notes (no Event Monitoring, a file cut short)."""
    now = now or datetime.now(UTC)
    since = soql_datetime(now - timedelta(days=org.days))
    sources: list[Source] = []
    notes: list[str] = []
    listed = 0
    deadline = time.monotonic() + LOG_FILES_DEADLINE
    for kind in LOG_TYPES:
        # NOTE: daily files only: where hourly logs are on, the same day's Hourly files hold
        # the same calls again, and both counted would double every integration.
        page = org.client.query(
            f"SELECT Id, EventType, LogDate FROM EventLogFile WHERE EventType = "
            f"{soql_string(kind)} AND Interval = 'Daily' AND LogDate >= {since} "
            "ORDER BY LogDate ASC"
        )
        if isinstance(page, AdminFailure):
            if page.code == "INVALID_TYPE":
                notes.append(
                    f"{org.label}: no Event Monitoring (EventLogFile is not available to the "
                    "administrator); LoginHistory only"
                )
                return [], notes
            notes.append(f"{org.label}: Event Log Files not read: {page.message}")
            return sources, notes
        listed += len(page.records)
        for n, r in enumerate(page.records):
            if n >= MAX_LOG_FILES or time.monotonic() > deadline:
                why = (
                    f"the first {MAX_LOG_FILES} were read"
                    if n >= MAX_LOG_FILES
                    else f"the downloads took over {LOG_FILES_DEADLINE:.0f} s"
                )
                notes.append(
                    f"{org.label}: {len(page.records) - n:,} more Event Log Files of type {kind} "
                    f"were not read: {why} (use --days to read fewer, or give them as files)"
                )
                break
            log_id = _cell(r.get("Id"))
            day = _cell(r.get("LogDate"))[:10]
            name = f"{org.label} EventLogFile {kind} {day}"
            blob = org.client.log_file(log_id)
            if isinstance(blob, AdminFailure):
                notes.append(f"{name}: not read: {blob.message}")
                continue
            text = blob.text
            if blob.truncated:
                text = text[: text.rfind("\n") + 1]  # the last, cut line is no row
                notes.append(
                    f"{name}: cut at the 256 KiB download limit; the rows after it were not "
                    "read (download the file and give it as a file)"
                )
            sources.append(Source(name, io.StringIO(text), None, False, "text"))
    if not listed:
        notes.append(
            f"{org.label}: no Event Log Files of type ApiTotalUsage in the last "
            f"{org.days} days (no Event Monitoring?); LoginHistory only"
        )
    return sources, notes


def _cell(value: Any) -> str:
    """A record's value as CSV text ('' for null)."""
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
