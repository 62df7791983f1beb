"""The ``sfdoctor.triage/1`` JSON document (see the README). Pure: summary in, text out."""

from __future__ import annotations

from typing import Any

from sfdoctor.loginhistory.summary import SCHEMA, Count, TriageSummary
from sfdoctor.models import Finding
from sfdoctor.output.check_json import finding_document as check_finding
from sfdoctor.output.safe_text import json_text


def _counts(items: tuple[Count, ...]) -> dict[str, int]:
    # NOTE: two values can show the same once redacted or trimmed: add them up.
    out: dict[str, int] = {}
    for c in items:
        out[c.value] = out.get(c.value, 0) + c.count
    return out


def finding_document(f: Finding, failures: int | None = None) -> dict[str, Any]:
    """One finding, in the shape of ``check``'s JSON findings (plus ``failures``)."""
    doc = check_finding(f)
    if failures is not None:
        doc["failures"] = failures
    return doc


def document(s: TriageSummary) -> dict[str, Any]:
    """The summary as a JSON-ready dict."""
    by_cause = s.by_cause
    return {
        "schema": SCHEMA,
        "tool": {"name": "sfdoctor", "version": s.version},
        "generated_at": s.generated_at,
        "exit_code": int(s.exit_status()),
        "summary": s.summary(),
        "source": s.source,
        "kind": str(s.kind),
        "columns": dict(s.columns),
        "rows": s.rows,
        "successes": s.successes,
        "failures": s.failures,
        "skipped": s.skipped,
        "skipped_reasons": _counts(s.skipped_reasons),
        "first_failure": s.first or None,
        "last_failure": s.last or None,
        "by_cause": by_cause,
        "causes": [
            {
                "cause": c.cause,
                "title": c.title,
                "fix": c.fix,
                "severity": str(c.severity),
                "confidence": c.confidence,
                "failures": c.count,
                "statuses": _counts(c.statuses),
                "users": _counts(c.users),
                "source_ips": _counts(c.source_ips),
                "applications": _counts(c.applications),
                "distinct_users": c.distinct_users,
                "distinct_source_ips": c.distinct_ips,
                "first": c.first or None,
                "last": c.last or None,
            }
            for c in s.causes
        ],
        "by_user": _counts(s.users),
        "by_source_ip": _counts(s.source_ips),
        "by_application": _counts(s.applications),
        "distinct_users": s.distinct_users,
        "distinct_source_ips": s.distinct_ips,
        "failures_per_day": {d.day: d.count for d in s.per_day},
        "unknown_statuses": _counts(s.unknown_statuses),
        "lockout_slides": [
            {
                "user": sl.user,
                "failures": sl.failures,
                "statuses": _counts(sl.causes),
                "first_failure": sl.first_failure or None,
                "lockouts": sl.lockouts,
                "first_lockout": sl.first_lockout or None,
                "last_lockout": sl.last_lockout or None,
            }
            for sl in s.slides
        ],
        "rate_limit_bursts": [
            {
                "start": b.start,
                "end": b.end,
                "failures": b.count,
                "peak_hour": b.peak_hour,
                "peak_failures": b.peak_count,
            }
            for b in s.bursts
        ],
        "notes": list(s.notes),
        "top": s.top,
        "findings": [finding_document(f, by_cause.get(f.cause)) for f in s.findings],
    }


def render(s: TriageSummary) -> str:
    """The JSON text, indented, ending in a newline."""
    return json_text(document(s)) + "\n"
