"""The records of an audit: sources, integrations, deadlines. Immutable and ready to render.

Every string in them that came from a file (users, applications, addresses, labels) is
already redacted, on one line and trimmed (:func:`~sfdoctor.loginhistory.display.show`).
Built by :func:`~sfdoctor.loginhistory.audit.summarize.summarize`.
"""

from __future__ import annotations

from typing import NamedTuple

from sfdoctor.loginhistory.display import plural
from sfdoctor.status import ExitStatus

SCHEMA = "sfdoctor.audit/1"


class AuditSource(NamedTuple):
    """One input file and what it gave."""

    path: str
    kind: str | None
    """The export kind (:class:`~sfdoctor.loginhistory.layouts.Kind`), None when unusable."""
    label: str
    rows: int
    skipped: int
    skipped_reasons: tuple[tuple[str, int], ...]
    problem: str
    """Why the file could not be used (``""`` when it was)."""


class Hit(NamedTuple):
    """A retirement an integration hits, counted from the audit's date."""

    id: str
    date: str
    title: str
    days_left: int
    when: str
    """``2027-02-20`` or ``Summer '27 (about 2027-06-12)``."""
    cause: str
    name: str
    """A short name: ``username-password flow``."""


class IntegrationRow(NamedTuple):
    """One integration: who, with which application, how, how much, and what it hits."""

    user: str
    user_id: str | None
    application: str
    login_type: str
    login_subtype: str
    api_type: str
    way: str
    """How it logs in, in words (``OAuth username-password flow``)."""
    api_versions: tuple[str, ...]
    source_ips: tuple[str, ...]
    more_ips: int
    """Rows from addresses beyond those listed."""
    count: int  # type: ignore[assignment]  # a field named like tuple.count, on purpose
    unit: str
    """``logins`` or ``API calls`` (Event Log File ApiTotalUsage)."""
    failures: int
    first_seen: str | None
    last_seen: str | None
    retirements: tuple[Hit, ...]
    remediation: tuple[str, ...]
    failing_now: bool
    """A retirement has passed, SOAP login() is called at 65.0 or later, or the org refuses
    the username-password flow already (``refused``)."""
    refused: bool = False
    """Its last login was refused "Username-Password Flow Disabled" (the org blocks the flow)."""


class Deadline(NamedTuple):
    """One retirement, its countdown and the integrations that hit it."""

    id: str
    date: str
    title: str
    when: str
    days_left: int
    source: str
    cause: str
    integrations: int
    name: str
    release: str
    """The release the source names when it gives no day (``Summer '27``), else ``""``."""
    remediation: tuple[str, ...]
    """The recipe for the integrations that hit it, told once (each integration's own, with
    its application named, is in its :attr:`IntegrationRow.remediation`)."""


class AuditSummary(NamedTuple):
    """An audit, ready to render."""

    version: str
    generated_at: str
    as_of: str
    sources: tuple[AuditSource, ...]
    integrations: tuple[IntegrationRow, ...]
    """Every integration kept, worst and soonest first, then by volume."""
    deadlines: tuple[Deadline, ...]
    """Every known retirement, soonest first."""
    interactive_logins: int
    interactive_people: int
    rows: int
    dropped_rows: int
    dropped_integrations: int
    notes: tuple[str, ...]
    top: int

    @property
    def affected(self) -> tuple[IntegrationRow, ...]:
        """The integrations that hit at least one retirement."""
        return tuple(i for i in self.integrations if i.retirements)

    def exit_status(self) -> ExitStatus:
        """0 nothing is affected; 1 some integration hits a retirement."""
        return ExitStatus.PROBLEM if self.affected else ExitStatus.OK

    def verdict(self) -> str:
        """One line: how many integrations break, when."""
        affected = self.affected
        n_all = len(self.integrations)
        if not affected:
            return (
                f"none of {n_all:,} {plural(n_all, 'integration')} uses anything Salesforce is "
                "retiring"
            )
        # Each affected integration counted once, at its soonest deadline.
        now = 0
        by_deadline: dict[str, int] = {}
        for i in affected:
            if i.failing_now:
                now += 1
            else:
                soonest = min(i.retirements, key=lambda h: h.date)
                by_deadline[soonest.date] = by_deadline.get(soonest.date, 0) + 1
        parts = [f"{now:,} already failing"] if now else []
        for d in self.deadlines:
            n = by_deadline.pop(d.date, 0)
            if n:
                days = f"{d.days_left:,} {plural(d.days_left, 'day')}"
                if d.release:
                    parts.append(f"{n:,} in {d.release} (about {d.date}, {days})")
                else:
                    parts.append(f"{n:,} on {d.when} ({days})")
        return (
            f"{len(affected):,} of {n_all:,} {plural(n_all, 'integration')} will break: "
            + ", ".join(parts)
        )
