"""The findings of a triaged export: one per cause, with evidence lines and remediation.

Lockout slides and rate-limit bursts lead the evidence of their causes; statuses nobody
knows become one warning that lists them.
"""

from __future__ import annotations

from sfdoctor.diagnosis.findings import finding
from sfdoctor.diagnosis.knowledge import KnowledgeBase
from sfdoctor.loginhistory.causes import CauseCounts
from sfdoctor.loginhistory.display import human, human_day, period_of, plural, show, when
from sfdoctor.loginhistory.statuses import status_note
from sfdoctor.loginhistory.summary import UNKNOWN, Burst, CauseRow, Slide, TriageSummary
from sfdoctor.loginhistory.tally import MAX_ADDRESSES, OTHER
from sfdoctor.models import Finding, Severity

EVIDENCE_USERS = 3
"""Users named in a finding's evidence (the per-cause tables list more)."""


def _cause_evidence(
    s: TriageSummary, c: CauseCounts, row: CauseRow, kb: KnowledgeBase
) -> list[str]:
    has_user = "user" in s.columns
    has_time = "time" in s.columns
    lines: list[str] = []
    if has_user:
        ranked = sorted(
            ((u, us) for u, us in c.users.items() if u != OTHER), key=lambda kv: (-kv[1][0], kv[0])
        )
        for user, (n, first, last, ips) in ranked[:EVIDENCE_USERS]:
            where = ""
            if "source_ip" in s.columns:
                k = len(ips)
                many = "+" if k >= MAX_ADDRESSES else ""
                where = f" from {k}{many} {plural(k, 'address', 'addresses')}"
            period = period_of(when(first), when(last)) if has_time else ""
            lines.append(
                f"{n:,} {plural(n, 'login')} by {show(user)} failed with "
                f"'{show(c.status_of(user))}'{where}" + (f" {period}" if period else "")
            )
        rest = ranked[EVIDENCE_USERS:]
        other = c.users.get(OTHER)
        if rest or other:
            more = sum(us[0] for _, us in rest) + (other[0] if other else 0)
            many = "+" if other else ""  # folded users (MAX_KEYS): more than those counted
            lines.append(
                f"and {len(rest):,}{many} more {plural(len(rest), 'user')} ({more:,} "
                f"{plural(more, 'failure')})"
            )
    else:
        for st in row.statuses[:5]:
            lines.append(f"{st.count:,} failed {plural(st.count, 'login')} with '{st.value}'")
    return lines


def build_findings(
    s: TriageSummary, causes: dict[str, CauseCounts], kb: KnowledgeBase
) -> tuple[Finding, ...]:
    out: list[Finding] = []
    for row in s.causes:
        c = causes[row.cause]
        if row.cause == UNKNOWN:
            evidence = []
            known = 0
            for u in s.unknown_statuses[:10]:
                line = f"{u.count:,} failed {plural(u.count, 'login')} with '{u.value}'"
                note = status_note(u.value, kb)
                known += bool(note)
                # A note opens with the status it explains ("'Failed: API-only user': ...").
                note = note.split("': ", 1)[1] if note.startswith("'") and "': " in note else note
                evidence.append(f"{line}: {note}" if note else line)
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
            title = "Statuses sfdoctor does not know yet"
            if known:
                title = "Statuses sfdoctor has no cause for (the known ones say what they are)"
            out.append(f._replace(title=title))
            continue
        evidence = _cause_evidence(s, c, row, kb)
        title = row.title
        extra = [_sentence(row.fix)]
        if row.cause == "user_locked_out" and s.slides:
            n = len(s.slides)
            title = (
                f"{n} {plural(n, 'user')} slid into lockout: failed logins, then Password Lockout"
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
        f"{sl.user}: {sl.failures:,} failed {plural(sl.failures, 'login')} ({detail}){since}, "
        f"then locked out ('Password Lockout' \u00d7{sl.lockouts:,}{locked})"
    )


def _burst_line(bursts: tuple[Burst, ...], c: CauseCounts) -> str:
    big = bursts[0]
    status = max(c.statuses.items(), key=lambda kv: kv[1])[0]
    n = len(bursts)
    if big.start[:10] == big.end[:10]:
        span = f"on {human_day(big.start)} from {big.start[11:16]} to {big.end[11:16]}"
    else:
        span = f"from {human(big.start)} to {human(big.end)}"
    return (
        f"{n} {plural(n, 'burst')} of '{show(status)}'; the largest: {big.count:,} refused "
        f"{plural(big.count, 'login')} {span}, {big.peak_count:,} of them in the hour from "
        f"{big.peak_hour[11:16]}"
        + (f" on {human_day(big.peak_hour)}" if big.start[:10] != big.end[:10] else "")
    )
