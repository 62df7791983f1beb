"""Which export a header row belongs to, and where its columns are.

Three kinds of file carry the same information under different headers:

- the Setup > Login History download (``Username, Login Time, Source IP, Status, ...``);
- a ``LoginHistory`` query export (``UserId, LoginTime, SourceIp, Status, ...``, from Data
  Loader, Workbench or ``sf data query``);
- an Event Log File ``Login`` CSV (``USER_NAME, TIMESTAMP_DERIVED, SOURCE_IP, LOGIN_STATUS``);

and ``audit`` reads a fourth, the Event Log File ``ApiTotalUsage`` CSV (its columns:
:mod:`sfdoctor.loginhistory.audit.columns`).

Columns are found by name, whatever the case, spacing, underscores or order (header spelling
of the Setup download is not documented). Pure: a list of header cells in, a :class:`Layout`
out; finding the header line in a file is :mod:`sfdoctor.loginhistory.header`'s job.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from sfdoctor.models import StrEnum


class Kind(StrEnum):
    """Which export a file is, told from its header."""

    SETUP = "setup_login_history"
    """Setup > Login History download (headers with spaces: ``Login Time``)."""
    QUERY = "loginhistory_query"
    """A ``LoginHistory`` SOQL export (API field names: ``LoginTime``)."""
    ELF = "elf_login"
    """An Event Log File ``Login`` CSV (``LOGIN_STATUS`` codes)."""
    ELF_API = "elf_api_total_usage"
    """An Event Log File ``ApiTotalUsage`` CSV (``API_FAMILY``, ``API_RESOURCE``); read by
    ``audit`` only: it has no login status for ``triage``."""

    @property
    def label(self) -> str:
        """How the kind is named to people."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    Kind.SETUP: "Setup > Login History download",
    Kind.QUERY: "LoginHistory query export",
    Kind.ELF: "Event Log File (Login)",
    Kind.ELF_API: "Event Log File (ApiTotalUsage)",
}

# Roles and the normalised header names that fill them, best first.
ROLES: dict[str, tuple[str, ...]] = {
    "user": ("username", "user", "loginname", "userid", "useridderived"),
    "source_ip": ("sourceip", "clientip", "sourceipaddress", "ipaddress", "ip"),
    "time": (
        "logintime",
        "timestampderived",
        "eventdate",
        "timestamp",
        "createddate",
        "logindate",
        "datetime",
        "time",
        "date",
    ),
    "application": (
        "application",
        "connectedapp",
        "connectedappname",
        "appname",
        "clientname",
        "apitype",
        "logintype",
    ),
}
STATUS_NAMES = ("loginstatus", "status")
"""What a status column may be called (normalised): ``LOGIN_STATUS`` (ELF), ``Status``."""
EXPECTED = (
    "Status (Setup > Login History download, LoginHistory query) "
    "or LOGIN_STATUS (Event Log File Login)"
)

_NON_ALNUM = re.compile(r"[^a-z0-9]")


def normalize_header(name: str) -> str:
    """``API Type``, ``ApiType``, ``API_TYPE``, ``LoginHistory.ApiType`` -> ``apitype``."""
    name = name.strip().strip("\ufeff\"' ").rsplit(".", 1)[-1]
    return _NON_ALNUM.sub("", name.lower())


class Layout(NamedTuple):
    """Where each role sits in the rows of one file."""

    kind: Kind
    header: tuple[str, ...]
    status: int
    columns: dict[str, int]
    """role -> column index, for the roles the header has (``user``, ``source_ip``, ...)."""
    delimiter: str
    header_line: int
    """1-based line of the header (2 or more when a title or ``sep=`` line came first)."""

    def name(self, role: str) -> str | None:
        """The header text of ``role``'s column, or None when the file has none."""
        if role == "status":
            return self.header[self.status]
        i = self.columns.get(role)
        return None if i is None else self.header[i]


def layout_of(header: list[str], delimiter: str = ",", header_line: int = 1) -> Layout | None:
    """The layout of a header row, or None when it has no status column."""
    norm = [normalize_header(h) for h in header]
    index: dict[str, int] = {}
    for i, n in enumerate(norm):
        index.setdefault(n, i)
    status = next((index[n] for n in STATUS_NAMES if n in index), None)
    if status is None:
        return None
    if norm[status] == "loginstatus":
        kind = Kind.ELF
    else:
        # The Setup download labels its columns for people ("Login Time"); a query export
        # uses API names ("LoginTime", or "LOGINTIME" from Data Loader).
        spaced = any(" " in h.strip() for h in header)
        kind = Kind.SETUP if spaced else Kind.QUERY
    columns: dict[str, int] = {}
    for role, names in ROLES.items():
        for n in names:
            if n in index and index[n] != status:
                columns[role] = index[n]
                break
    return Layout(
        kind,
        tuple(h.strip().lstrip("\ufeff") for h in header),
        status,
        columns,
        delimiter,
        header_line,
    )
