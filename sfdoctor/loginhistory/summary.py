"""The records of a triaged export: counts per cause, top tables, days, slides, bursts.

Immutable and ready to render: every string in them that came from the file (users,
addresses, applications, statuses) is already redacted and trimmed. Built by
:func:`~sfdoctor.loginhistory.summarize.summarize`.
"""

from __future__ import annotations

from typing import NamedTuple

from sfdoctor.loginhistory.display import plural
from sfdoctor.loginhistory.layouts import Kind
from sfdoctor.models import INCONCLUSIVE_CAUSES, Finding, Severity
from sfdoctor.status import ExitStatus

SCHEMA = "sfdoctor.triage/1"
UNKNOWN = "unknown"


class Count(NamedTuple):
    """A value (user, address, status, ...) and how many failures it had."""

    value: str
    count: int  # type: ignore[assignment]  # a field named like tuple.count, on purpose


class CauseRow(NamedTuple):
    """Every failure of one cause."""

    cause: str
    title: str
    fix: str
    """What to do, in one line."""
    severity: Severity
    confidence: str
    count: int  # type: ignore[assignment]  # a field named like tuple.count, on purpose
    statuses: tuple[Count, ...]
    """The statuses (as written in the file) that named this cause."""
    users: tuple[Count, ...]
    source_ips: tuple[Count, ...]
    applications: tuple[Count, ...]
    distinct_users: int
    distinct_ips: int
    distinct_applications: int
    first: str
    """First failure, ``YYYY-MM-DD HH:MM`` as in the file, or ``""`` without a time column."""
    last: str


class Day(NamedTuple):
    """Failures on one day, and the cause with most of them."""

    day: str
    count: int  # type: ignore[assignment]  # a field named like tuple.count, on purpose
    top_cause: str
    causes: tuple[tuple[str, int], ...] = ()
    """Every cause's failures that day, most first (empty: all of them ``top_cause``)."""


class Slide(NamedTuple):
    """A user whose failed logins were followed by a Password Lockout."""

    user: str
    failures: int
    """Failed logins for other causes."""
    causes: tuple[Count, ...]
    """Those failures per status, as written in the file."""
    first_failure: str
    lockouts: int
    first_lockout: str
    last_lockout: str


class Burst(NamedTuple):
    """Consecutive hours with refused logins of one cause."""

    start: str
    """``YYYY-MM-DD HH:00``"""
    end: str
    """``YYYY-MM-DD HH:59``"""
    count: int  # type: ignore[assignment]  # a field named like tuple.count, on purpose
    peak_hour: str
    peak_count: int


class TriageSummary(NamedTuple):
    """A triaged export, ready to render."""

    version: str
    generated_at: str
    source: str
    kind: Kind
    columns: dict[str, str]
    """role (``status``, ``user``, ``source_ip``, ``time``, ``application``) -> header text."""
    rows: int
    successes: int
    failures: int
    skipped: int
    skipped_reasons: tuple[Count, ...]
    causes: tuple[CauseRow, ...]
    """Every cause with failures, most failures first; ``unknown`` among them."""
    unknown_statuses: tuple[Count, ...]
    users: tuple[Count, ...]
    source_ips: tuple[Count, ...]
    applications: tuple[Count, ...]
    distinct_users: int
    distinct_ips: int
    per_day: tuple[Day, ...]
    slides: tuple[Slide, ...]
    bursts: tuple[Burst, ...]
    findings: tuple[Finding, ...]
    notes: tuple[str, ...]
    top: int
    first: str
    last: str

    @property
    def by_cause(self) -> dict[str, int]:
        """cause id -> failures, most first (``unknown`` included)."""
        return {c.cause: c.count for c in self.causes}

    def exit_status(self) -> ExitStatus:
        """0 no failed login; 1 failures with a named cause; 3 only unrecognised statuses."""
        if self.failures == 0:
            return ExitStatus.OK
        if any(c.cause not in INCONCLUSIVE_CAUSES for c in self.causes):
            return ExitStatus.PROBLEM
        return ExitStatus.INCONCLUSIVE

    def summary(self) -> str:
        """One line: rows, successes, failures, causes, unknown statuses, skipped rows."""
        known = [c for c in self.causes if c.cause != UNKNOWN]
        unknown = sum(c.count for c in self.causes if c.cause == UNKNOWN)
        share = f" ({self.failures / self.rows:.1%})" if self.rows and self.failures else ""
        text = (
            f"{self.rows:,} {plural(self.rows, 'row')}: {self.successes:,} successful, "
            f"{self.failures:,} failed{share}"
        )
        if known:
            text += f"; {len(known)} known {plural(len(known), 'cause')}"
        if unknown:
            n = len(self.unknown_statuses)
            text += f"; {unknown:,} with {n} unknown {plural(n, 'status', 'statuses')}"
        if self.skipped:
            text += f"; {self.skipped:,} skipped"
        return text
