"""What ``sfdoctor triage`` found in an export: counts per cause, top tables, findings.

:func:`summarize` turns the counters of :class:`~sfdoctor.loginhistory.tally.Tally` into immutable
records. Every string in them that came from the file (users, addresses, applications,
statuses) is already redacted and trimmed, so renderers can print them as they are.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from sfdoctor import __version__
from sfdoctor.diagnosis.findings import finding
from sfdoctor.diagnosis.knowledge import KnowledgeBase
from sfdoctor.loginhistory.reader import Kind
from sfdoctor.loginhistory.tally import MAX_ADDRESSES, StatusTally, Tally
from sfdoctor.models import INCONCLUSIVE_CAUSES, Finding, Severity
from sfdoctor.redaction import redact
from sfdoctor.status import ExitStatus

SCHEMA = "sfdoctor.triage/1"
UNKNOWN = "unknown"

# One line per cause, for a support engineer reading many failures at once: what to do about
# all of them. The knowledge base's remediation (the full steps) follows in each finding.
# Causes missing here fall back to the first clause of their first remediation step.
FIXES: dict[str, str] = {
    "security_token_required": "append the user's security token to the password (or move "
    "this integration to JWT bearer or client credentials); do not add these addresses to "
    "trusted IP ranges",
    "invalid_credentials": "stop the retries and correct the username or password where the "
    "client keeps it: every failure counts toward the user's lockout",
    "ip_restricted": "a security token cannot help: log in from an address inside the "
    "profile's Login IP Ranges; do not widen the ranges or relax the app's IP restrictions",
    "login_hours": "run the job inside the profile's login hours (org time zone), or give the "
    "integration user a profile of its own",
    "user_locked_out": "stop every job that logs in as the user, fix its credentials, then "
    "unlock the user (Setup > Users > Unlock)",
    "user_frozen": "ask the administrator who froze the user; unfreeze it (Setup > Users) only "
    "if the integration should run",
    "user_inactive": "reactivate the user, or move the integration to an active integration user",
    "rate_limited": "log in once and reuse the access token across calls and workers: "
    "Salesforce allows about 3,600 logins per user per hour",
    "identity_verification_required": "for API logins append the security token; for people, "
    "complete the verification (MFA, device activation) once",
    "org_inactive": "check that this is the intended org; an inactive, locked or expired org "
    "must be reactivated before anyone can log in",
    "https_required": "use https:// in the login URL and every endpoint",
    "api_disabled": "give the integration user 'API Enabled' (a permission set or its profile)",
    "invalid_client_id": "the connected app was deleted or its consumer key is wrong: update "
    "the consumer key in the client",
    "api_version_retired": "upgrade the client to a supported API version",
    "wrong_login_host": "log in through the org's My Domain or the right host (sandbox vs "
    "production)",
    "password_flow_disabled": "move to JWT bearer or client credentials (or, for now, allow "
    "OAuth Username-Password Flows in the org)",
    "password_expired": "change the password interactively, then update the client's password "
    "and security token",
    "service_unavailable": "Salesforce maintenance: wait for the window to end "
    "(status.salesforce.com) and try again",
    UNKNOWN: "look the status up in Salesforce Help, and report it so sfdoctor can learn it",
}

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_HOUR = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}")
# Terminal controls (C0, DEL, C1) and the bidirectional overrides that reorder a line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]+")
_MAX_SHOWN = 80
REDACT_WINDOW = 1000
"""Characters of a value that are redacted and may be shown; the rest is never looked at
(a 100 KB field costs what its first kilobyte costs)."""
EVIDENCE_USERS = 3
"""Users named in a finding's evidence (the per-cause tables list more)."""


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
            f"{self.rows:,} {_plural(self.rows, 'row')}: {self.successes:,} successful, "
            f"{self.failures:,} failed{share}"
        )
        if known:
            text += f"; {len(known)} known {_plural(len(known), 'cause')}"
        if unknown:
            n = len(self.unknown_statuses)
            text += f"; {unknown:,} with {n} unknown {_plural(n, 'status', 'statuses')}"
        if self.skipped:
            text += f"; {self.skipped:,} skipped"
        return text


def _plural(n: int, word: str, plural: str = "") -> str:
    return word if n == 1 else (plural or word + "s")


def show(value: str) -> str:
    """A value from the file as it may be shown: redacted, one line, not too long."""
    longer = len(value) > REDACT_WINDOW
    value = _CONTROL.sub(" ", value[:REDACT_WINDOW] if longer else value)
    if longer:
        # NOTE: cut at a blank, so no token is cut in two: half a secret would not be
        # recognised as one by redact(). A first token longer than the window is not shown.
        value = value[: value.rfind(" ") + 1]
        if not value.strip():
            return f"(a value of more than {REDACT_WINDOW:,} characters without a blank)"
    value = redact(value).strip()
    if not value:
        return "(blank)"
    if longer or len(value) > _MAX_SHOWN:
        return value[: _MAX_SHOWN - 1].rstrip() + "\u2026"
    return value


def when(key: str) -> str:
    """A time key as shown: ``2024-11-03 14:22`` (``""`` when there is none)."""
    if _day(key) == "undated":
        return ""
    return (key[:10] + " " + key[11:16]).strip()


def human_day(key: str) -> str:
    """``2024-11-03...`` -> ``3 Nov 2024``."""
    try:
        d = datetime.strptime(key[:10], "%Y-%m-%d")
    except ValueError:
        return key
    return f"{d.day} {d:%b %Y}"


def fix_line(cause: str, kb: KnowledgeBase) -> str:
    """What to do about ``cause``, in one line."""
    if cause in FIXES:
        return FIXES[cause]
    first = kb.cause(cause).remediation[0]
    return re.split(r"[:;]|\.\s", first, maxsplit=1)[0].rstrip(".")


def _top(counter: dict[str, int], n: int) -> tuple[Count, ...]:
    items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return tuple(Count(show(k), v) for k, v in items)


class _Cause:
    """Counters of one cause, merged from its statuses."""

    def __init__(self, cause: str) -> None:
        self.cause = cause
        self.confidence = "high"
        self.count = 0
        self.statuses: dict[str, int] = {}
        self.users: dict[str, list] = {}
        self.user_status: dict[str, dict[str, int]] = defaultdict(dict)
        self.ips: defaultdict[str, int] = defaultdict(int)
        self.apps: defaultdict[str, int] = defaultdict(int)
        self.hours: defaultdict[str, int] = defaultdict(int)

    def add(self, tl: StatusTally) -> None:
        self.count += tl.n
        self.statuses[tl.status] = tl.n
        if tl.confidence and tl.confidence != "high":
            self.confidence = tl.confidence
        for user, (n, first, last, ips) in tl.users.items():
            mine = self.users.get(user)
            if mine is None:
                self.users[user] = [n, first, last, ips]
            else:
                mine[0] += n
                mine[1] = min(mine[1], first)
                mine[2] = max(mine[2], last)
                mine[3] = mine[3] + [ip for ip in ips if ip not in mine[3]]
            self.user_status[user][tl.status] = n
        for src, dst in ((tl.ips, self.ips), (tl.apps, self.apps), (tl.hours, self.hours)):
            for k, v in src.items():
                dst[k] += v

    def status_of(self, user: str) -> str:
        """The status this user's failures carried most."""
        counts = self.user_status.get(user) or self.statuses
        return max(counts.items(), key=lambda kv: kv[1])[0]


def summarize(
    tally: Tally, kb: KnowledgeBase, *, source: str, top: int = 10, notes: tuple[str, ...] = ()
) -> TriageSummary:
    """The summary of a fed :class:`Tally` (``top`` rows per table)."""
    layout = tally.layout
    cols = layout.columns
    has_user, has_ip, has_time = "user" in cols, "source_ip" in cols, "time" in cols
    has_app = "application" in cols

    causes: dict[str, _Cause] = {}
    successes = tally.successes
    unknown: dict[str, int] = {}
    skipped = defaultdict(int, tally.skipped)
    for tl in tally.statuses.values():
        if tl.n == 0:
            continue
        if not tl.status.strip():
            skipped["no status"] += tl.n
            continue
        cause = tl.cause or UNKNOWN
        if tl.cause is None:
            unknown[tl.status] = tl.n
        causes.setdefault(cause, _Cause(cause)).add(tl)
    failures = sum(c.count for c in causes.values())

    ordered = sorted(causes.values(), key=lambda c: (-c.count, c.cause))
    rows = tuple(_cause_row(c, kb, top, has_user, has_ip, has_app, has_time) for c in ordered)

    users: defaultdict[str, int] = defaultdict(int)
    ips: defaultdict[str, int] = defaultdict(int)
    apps: defaultdict[str, int] = defaultdict(int)
    days: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in ordered:
        for u, us in c.users.items():
            users[u] += us[0]
        for k, v in c.ips.items():
            ips[k] += v
        for k, v in c.apps.items():
            apps[k] += v
        for h, v in c.hours.items():
            days[_day(h)][c.cause] += v

    per_day = (
        tuple(
            Day(d, sum(by.values()), max(by.items(), key=lambda kv: kv[1])[0])
            for d, by in sorted(days.items())
        )
        if has_time
        else ()
    )
    slides = _slides(causes, has_time) if has_user else ()
    bursts = _bursts(causes.get("rate_limited"), top) if has_time else ()
    firsts = [r.first for r in rows if r.first]
    lasts = [r.last for r in rows if r.last]

    all_notes = list(notes) + list(tally.notes)
    if tally.overflowed:
        all_notes.append(
            f"more than {len(tally.statuses) - 1:,} distinct statuses: is "
            f"'{layout.name('status')}' really the status column? The rest are counted as unknown"
        )
    for role, what in (
        ("user", "per-user tables and lockout slides"),
        ("time", "the per-day chart, periods and rate-limit bursts"),
        ("source_ip", "per-address tables"),
    ):
        if role not in cols:
            all_notes.append(f"no {role.replace('_', ' ')} column: {what} are not available")

    summary = TriageSummary(
        version=__version__,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        source=show(source),
        kind=layout.kind,
        columns={
            role: show(name)
            for role in ("status", "user", "source_ip", "time", "application")
            if (name := layout.name(role)) is not None
        },
        rows=tally.rows,
        successes=successes,
        failures=failures,
        skipped=sum(skipped.values()),
        skipped_reasons=_top(skipped, 20),
        causes=rows,
        unknown_statuses=_top(unknown, len(unknown)),  # every one: never dropped
        users=_top(users, top) if has_user else (),
        source_ips=_top(ips, top) if has_ip else (),
        applications=_top(apps, top) if has_app else (),
        distinct_users=len(users) if has_user else 0,
        distinct_ips=len(ips) if has_ip else 0,
        per_day=per_day,
        slides=slides,
        bursts=bursts,
        findings=(),
        notes=tuple(all_notes),
        top=top,
        first=min(firsts) if firsts else "",
        last=max(lasts) if lasts else "",
    )
    return summary._replace(findings=_findings(summary, causes, kb))


@lru_cache(maxsize=4096)
def _day(key: str) -> str:
    """``YYYY-MM-DD`` of a time key, or ``undated`` when it is not a real date."""
    try:
        return datetime.strptime(key[:10], "%Y-%m-%d").strftime("%Y-%m-%d")
    except ValueError:
        return "undated"


def _cause_row(
    c: _Cause,
    kb: KnowledgeBase,
    top: int,
    has_user: bool,
    has_ip: bool,
    has_app: bool,
    has_time: bool,
) -> CauseRow:
    entry = kb.cause(c.cause)
    users = {u: us[0] for u, us in c.users.items()}
    firsts = [us[1] for us in c.users.values() if _day(us[1]) != "undated"]
    lasts = [us[2] for us in c.users.values() if _day(us[2]) != "undated"]
    return CauseRow(
        cause=c.cause,
        title=entry.title,
        fix=fix_line(c.cause, kb),
        severity=Severity.WARNING if c.cause == UNKNOWN else entry.severity,
        confidence=c.confidence if c.cause != UNKNOWN else "low",
        count=c.count,
        statuses=_top(c.statuses, 20),
        users=_top(users, top) if has_user else (),
        source_ips=_top(c.ips, top) if has_ip else (),
        applications=_top(c.apps, top) if has_app else (),
        distinct_users=len(users) if has_user else 0,
        distinct_ips=len(c.ips) if has_ip else 0,
        distinct_applications=len(c.apps) if has_app else 0,
        first=when(min(firsts)) if has_time and firsts else "",
        last=when(max(lasts)) if has_time and lasts else "",
    )


def _slides(causes: dict[str, _Cause], has_time: bool) -> tuple[Slide, ...]:
    locked = causes.get("user_locked_out")
    if locked is None:
        return ()
    out = []
    for user, (lockouts, first_lock, last_lock, _ips) in locked.users.items():
        before: list[Count] = []
        firsts: list[str] = []
        for c in causes.values():
            us = c.users.get(user)
            if c is locked or us is None:
                continue
            if has_time and not (us[1] and us[1] < last_lock):
                continue  # these failures all came after the lockout
            before.append(Count(show(c.status_of(user)), us[0]))
            firsts.append(us[1])
        if not before:
            continue
        before.sort(key=lambda x: -x.count)
        out.append(
            Slide(
                user=show(user),
                failures=sum(x.count for x in before),
                causes=tuple(before),
                first_failure=when(min(firsts)) if has_time else "",
                lockouts=lockouts,
                first_lockout=when(first_lock) if has_time else "",
                last_lockout=when(last_lock) if has_time else "",
            )
        )
    out.sort(key=lambda s: (-s.failures, s.user))
    return tuple(out)


def _bursts(c: _Cause | None, top: int) -> tuple[Burst, ...]:
    if c is None:
        return ()
    hours = sorted(
        (h.replace(" ", "T"), n) for h, n in c.hours.items() if _HOUR.fullmatch(h.replace(" ", "T"))
    )
    out: list[Burst] = []
    run: list[tuple[datetime, int]] = []

    def close() -> None:
        if run:
            peak = max(run, key=lambda x: x[1])
            out.append(
                Burst(
                    start=f"{run[0][0]:%Y-%m-%d %H}:00",
                    end=f"{run[-1][0]:%Y-%m-%d %H}:59",
                    count=sum(n for _, n in run),
                    peak_hour=f"{peak[0]:%Y-%m-%d %H}:00",
                    peak_count=peak[1],
                )
            )

    for h, n in hours:
        try:
            t = datetime.strptime(h, "%Y-%m-%dT%H")
        except ValueError:  # 2024-99-99T10: a garbled timestamp
            continue
        if run and t - run[-1][0] > timedelta(hours=1):
            close()
            run = []
        run.append((t, n))
    close()
    out.sort(key=lambda b: (-b.count, b.start))
    return tuple(out[: max(top, 1)])


def human(key: str) -> str:
    """``2024-11-03 14:22`` (or a time key) -> ``3 Nov 2024 14:22``."""
    if not _DAY.match(key):
        return ""
    return f"{human_day(key)} {key[11:16]}".strip()


def _period(first: str, last: str) -> str:
    """When failures happened, in words: ``on 3 Nov 2024 between 09:00 and 09:05``."""
    if not first:
        return ""
    if first[:10] != last[:10]:
        return f"since {human_day(first)} (last {human_day(last)})"
    if first[11:16] == last[11:16]:
        return f"on {human(first)}"
    return f"on {human_day(first)} between {first[11:16]} and {last[11:16]}"


def _cause_evidence(s: TriageSummary, c: _Cause, row: CauseRow, kb: KnowledgeBase) -> list[str]:
    has_user = "user" in s.columns
    has_time = "time" in s.columns
    lines: list[str] = []
    if has_user:
        ranked = sorted(c.users.items(), key=lambda kv: (-kv[1][0], kv[0]))
        for user, (n, first, last, ips) in ranked[:EVIDENCE_USERS]:
            where = ""
            if "source_ip" in s.columns:
                k = len(ips)
                many = "+" if k >= MAX_ADDRESSES else ""
                where = f" from {k}{many} {_plural(k, 'address', 'addresses')}"
            period = _period(when(first), when(last)) if has_time else ""
            lines.append(
                f"{n:,} {_plural(n, 'login')} by {show(user)} failed with "
                f"'{show(c.status_of(user))}'{where}" + (f" {period}" if period else "")
            )
        rest = ranked[EVIDENCE_USERS:]
        if rest:
            more = sum(us[0] for _, us in rest)
            lines.append(
                f"and {len(rest):,} more {_plural(len(rest), 'user')} ({more:,} "
                f"{_plural(more, 'failure')})"
            )
    else:
        for st in row.statuses[:5]:
            lines.append(f"{st.count:,} failed {_plural(st.count, 'login')} with '{st.value}'")
    return lines


def _findings(
    s: TriageSummary, causes: dict[str, _Cause], kb: KnowledgeBase
) -> tuple[Finding, ...]:
    out: list[Finding] = []
    for row in s.causes:
        c = causes[row.cause]
        if row.cause == UNKNOWN:
            evidence = [
                f"{u.count:,} failed {_plural(u.count, 'login')} with '{u.value}'"
                for u in s.unknown_statuses[:10]
            ]
            more = len(s.unknown_statuses) - 10
            if more > 0:
                evidence.append(f"and {more} more unknown statuses")
            f = finding(
                UNKNOWN,
                evidence,
                severity=Severity.WARNING,
                confidence="low",
                extra_remediation=[_sentence(row.fix)],
            )
            out.append(f._replace(title="Statuses sfdoctor does not know yet"))
            continue
        evidence = _cause_evidence(s, c, row, kb)
        title = row.title
        extra = [_sentence(row.fix)]
        if row.cause == "user_locked_out" and s.slides:
            n = len(s.slides)
            title = (
                f"{n} {_plural(n, 'user')} slid into lockout: failed logins, then Password Lockout"
            )
            evidence = [_slide_line(sl) for sl in s.slides[:5]] + evidence
            extra.append(
                "Fix the failures that led to each lockout first (see the other findings for "
                "their causes): unlocking alone lets the same client lock the user again."
            )
        if row.cause == "rate_limited" and s.bursts:
            evidence = [_burst_line(s.bursts, c)] + evidence
        out.append(
            finding(
                row.cause, evidence, confidence=row.confidence, extra_remediation=extra
            )._replace(title=title)
        )
    # Errors first, most failures first; statuses nobody knows (a warning) last.
    rank = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    out.sort(key=lambda f: rank[f.severity])
    return tuple(out)


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _slide_line(sl: Slide) -> str:
    detail = ", ".join(f"'{x.value}' \u00d7{x.count:,}" for x in sl.causes[:3])
    since = f" from {human(sl.first_failure)}" if sl.first_failure else ""
    locked = f" from {human(sl.first_lockout)}" if sl.first_lockout else ""
    return (
        f"{sl.user}: {sl.failures:,} failed {_plural(sl.failures, 'login')} ({detail}){since}, "
        f"then locked out ('Password Lockout' \u00d7{sl.lockouts:,}{locked})"
    )


def _burst_line(bursts: tuple[Burst, ...], c: _Cause) -> str:
    big = bursts[0]
    status = max(c.statuses.items(), key=lambda kv: kv[1])[0]
    n = len(bursts)
    if big.start[:10] == big.end[:10]:
        span = f"on {human_day(big.start)} from {big.start[11:16]} to {big.end[11:16]}"
    else:
        span = f"from {human(big.start)} to {human(big.end)}"
    return (
        f"{n} {_plural(n, 'burst')} of '{show(status)}'; the largest: {big.count:,} refused "
        f"{_plural(big.count, 'login')} {span}, {big.peak_count:,} of them in the hour from "
        f"{big.peak_hour[11:16]}"
        + (f" on {human_day(big.peak_hour)}" if big.start[:10] != big.end[:10] else "")
    )
