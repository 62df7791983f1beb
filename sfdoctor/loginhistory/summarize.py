"""Turn the counters of a fed :class:`~sfdoctor.loginhistory.tally.Tally` into a
:class:`~sfdoctor.loginhistory.summary.TriageSummary`: causes, top tables, days, lockout
slides, rate-limit bursts, notes and findings.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sfdoctor import __version__
from sfdoctor.diagnosis.knowledge import KnowledgeBase
from sfdoctor.loginhistory.causes import CauseCounts
from sfdoctor.loginhistory.display import day_of, show, when
from sfdoctor.loginhistory.findings import build_findings
from sfdoctor.loginhistory.fixes import fix_line
from sfdoctor.loginhistory.layouts import Layout
from sfdoctor.loginhistory.summary import UNKNOWN, Burst, CauseRow, Count, Day, Slide, TriageSummary
from sfdoctor.loginhistory.tally import KINDS, MAX_HOURS, MAX_KEYS, OTHER, Tally
from sfdoctor.models import Severity

_HOUR = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}")
OTHER_DAYS = "other"
"""The day of the failures whose hours were folded away (:data:`~.tally.MAX_HOURS`)."""


def _top(counter: dict[str, int], n: int) -> tuple[Count, ...]:
    items = sorted(
        ((k, v) for k, v in counter.items() if k != OTHER), key=lambda kv: (-kv[1], kv[0])
    )[:n]
    return tuple(Count(show(k), v) for k, v in items)


def _coded(layout: Layout) -> Callable[[str], str] | None:
    """How to show the values of an application column that holds an Event Log File's codes
    instead (``API_TYPE`` ``E``, ``LOGIN_TYPE`` ``i``): as their labels, the code kept
    (``SOAP Enterprise (E)``); None for a column of names."""
    from sfdoctor.loginhistory.audit.codes import api_type_label, login_type_label
    from sfdoctor.loginhistory.layouts import normalize_header

    name = layout.name("application")
    column = normalize_header(name) if name is not None else ""
    label = {"apitype": api_type_label, "logintype": login_type_label}.get(column)
    if label is None:
        return None

    def shown(value: str) -> str:
        said = label(value)
        return value if not said or said == value.strip() else f"{said} ({value.strip()})"

    return shown


def _relabel(counter: dict[str, int], shown: Callable[[str], str] | None) -> dict[str, int]:
    if shown is None:
        return counter
    out: dict[str, int] = {}
    for k, v in counter.items():
        key = k if k == OTHER else shown(k)
        out[key] = out.get(key, 0) + v
    return out


def _distinct(counter: dict) -> int:
    """Distinct keys counted one by one (a lower bound once some were folded)."""
    return len(counter) - (OTHER in counter)


def summarize(
    tally: Tally, kb: KnowledgeBase, *, source: str, top: int = 10, notes: tuple[str, ...] = ()
) -> TriageSummary:
    """The summary of a fed :class:`Tally` (``top`` rows per table)."""
    layout = tally.layout
    cols = layout.columns
    has_user, has_ip, has_time = "user" in cols, "source_ip" in cols, "time" in cols
    has_app = "application" in cols

    causes: dict[str, CauseCounts] = {}
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
        causes.setdefault(cause, CauseCounts(cause)).add(tl)
    failures = sum(c.count for c in causes.values())

    ordered = sorted(causes.values(), key=lambda c: (-c.count, c.cause))
    coded = _coded(layout) if has_app else None
    rows = tuple(
        _cause_row(c, kb, top, has_user, has_ip, has_app, has_time, coded) for c in ordered
    )

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
            days[OTHER_DAYS if h == OTHER else day_of(h)][c.cause] += v

    per_day = (
        tuple(
            Day(
                d,
                sum(by.values()),
                max(by.items(), key=lambda kv: kv[1])[0],
                tuple(sorted(by.items(), key=lambda kv: -kv[1])),
            )
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
    if tally.folded:
        kinds = ", ".join(k for k in KINDS if k in tally.folded)
        all_notes.append(
            f"too many distinct {kinds} to count one by one (caps: {MAX_KEYS:,} users, "
            f"addresses or applications; {MAX_HOURS:,} hours): those with the fewest failures "
            "were counted together, so totals are exact, top tables nearly so, and distinct "
            "counts are lower bounds"
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
        applications=_top(_relabel(apps, coded), top) if has_app else (),
        distinct_users=_distinct(users) if has_user else 0,
        distinct_ips=_distinct(ips) if has_ip else 0,
        per_day=per_day,
        slides=slides,
        bursts=bursts,
        findings=(),
        notes=tuple(all_notes),
        top=top,
        first=min(firsts) if firsts else "",
        last=max(lasts) if lasts else "",
    )
    return summary._replace(findings=build_findings(summary, causes, kb))


def _cause_row(
    c: CauseCounts,
    kb: KnowledgeBase,
    top: int,
    has_user: bool,
    has_ip: bool,
    has_app: bool,
    has_time: bool,
    coded: Callable[[str], str] | None = None,
) -> CauseRow:
    entry = kb.cause(c.cause)
    apps = _relabel(c.apps, coded)
    users = {u: us[0] for u, us in c.users.items()}
    firsts = [us[1] for us in c.users.values() if day_of(us[1]) != "undated"]
    lasts = [us[2] for us in c.users.values() if day_of(us[2]) != "undated"]
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
        applications=_top(apps, top) if has_app else (),
        distinct_users=_distinct(users) if has_user else 0,
        distinct_ips=_distinct(c.ips) if has_ip else 0,
        distinct_applications=_distinct(apps) if has_app else 0,
        first=when(min(firsts)) if has_time and firsts else "",
        last=when(max(lasts)) if has_time and lasts else "",
    )


def _slides(causes: dict[str, CauseCounts], has_time: bool) -> tuple[Slide, ...]:
    locked = causes.get("user_locked_out")
    if locked is None:
        return ()
    out = []
    for user, (lockouts, first_lock, last_lock, _ips) in locked.users.items():
        if user == OTHER:
            continue  # users folded together (MAX_KEYS): not one user's slide
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


def _hour(t: datetime) -> str:
    """``YYYY-MM-DD HH`` (``%Y`` is not zero-padded before year 1000)."""
    return f"{t.date().isoformat()} {t.hour:02d}"


def _bursts(c: CauseCounts | None, top: int) -> tuple[Burst, ...]:
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
                    start=f"{_hour(run[0][0])}:00",
                    end=f"{_hour(run[-1][0])}:59",
                    count=sum(n for _, n in run),
                    peak_hour=f"{_hour(peak[0])}:00",
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
