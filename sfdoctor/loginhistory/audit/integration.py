"""What is counted for one integration across files, and for one file: the records the
tally fills (:mod:`.tally`) and the summary reads (:mod:`.summarize`)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sfdoctor.loginhistory.audit.codes import Way
from sfdoctor.loginhistory.layouts import Kind, Layout

MAX_ADDRESSES = 20
"""Source addresses remembered per integration (rows from others are counted)."""
UNSEEN = "\U0010ffff"
"""The first-seen slot of a group that has seen no time yet (sorts after every time)."""


class Always:
    """Contains everything: the success statuses of a file without a status column."""

    def __contains__(self, item: object) -> bool:
        return True


def failed(status: str) -> bool:
    """True when a Status, ``LOGIN_STATUS`` or ``STATUS_CODE`` says the row failed."""
    s = status.strip()
    if s.isdigit():
        return int(s) >= 400
    return s.lower() not in ("", "success", "succeeded", "login_no_error", "n/a")


def blocked(status: str) -> bool:
    """True when a failed row's Status says the org refused the username-password flow
    itself (Login History "Username-Password Flow Disabled"): the integration fails already,
    before the flow's retirement."""
    return "username-password flow disabled" in status.lower()


def new_stats(owner: Integration | None) -> list[Any]:
    """One file's counters of one tuple: [rows, failures, first time key, last time key,
    {address: rows}, rows from other addresses, owner, rows refused because the flow is
    blocked (:func:`blocked`), time key of the last such row]; a list, as the hot loop
    indexes it (cheaper than attributes)."""
    return [0, 0, UNSEEN, "", {}, 0, owner, 0, ""]


class Integration:
    """Everything counted for one integration, across files."""

    __slots__ = (
        "api_type",
        "application",
        "blocked",
        "blocked_last",
        "count",
        "failures",
        "first",
        "ips",
        "kind",
        "last",
        "login_subtype",
        "login_type",
        "more_ips",
        "user",
        "user_id",
        "versions",
        "way",
    )

    def __init__(self, user: str, user_id: str, application: str, login_type: str,
                 login_subtype: str, api_type: str, way: Way, kind: Kind) -> None:  # fmt: skip
        self.user = user
        self.user_id = user_id
        self.application = application
        self.login_type = login_type
        self.login_subtype = login_subtype
        self.api_type = api_type
        self.way = way
        self.kind = kind
        self.versions: dict[str, float] = {}
        """API versions seen (as written) -> their number."""
        self.count = self.failures = self.more_ips = self.blocked = 0
        """``blocked``: failed rows whose status says the flow is blocked (:func:`blocked`)."""
        self.blocked_last = ""
        """The time key of the last such row ('' when the files had no time)."""
        self.first = UNSEEN
        self.last = ""
        self.ips: dict[str, int] = {}

    def merge(self, stats: list[Any]) -> None:
        """Add one file's counters (see :func:`new_stats`)."""
        self.count += stats[0]
        self.failures += stats[1]
        if stats[2] < self.first:
            self.first = stats[2]
        if stats[3] > self.last:
            self.last = stats[3]
        self.blocked += stats[7]
        if stats[8] > self.blocked_last:
            self.blocked_last = stats[8]
        ips = self.ips
        self.more_ips += stats[5]
        for ip, n in stats[4].items():
            if ip in ips:
                ips[ip] += n
            elif len(ips) < MAX_ADDRESSES:
                ips[ip] = n
            else:
                self.more_ips += n


class SourceCount:
    """What one file gave: its kind, its rows, and why rows were skipped."""

    __slots__ = ("kind", "layout", "name", "notes", "records", "skipped")

    def __init__(self, name: str, layout: Layout) -> None:
        self.name = name
        self.layout = layout
        self.kind = layout.kind
        self.records = 0
        """Data rows read after the header (blank lines are not rows)."""
        self.skipped: defaultdict[str, int] = defaultdict(int)
        self.notes: list[str] = []

    @property
    def rows(self) -> int:
        return self.records

    @property
    def skipped_count(self) -> int:
        return sum(self.skipped.values())
