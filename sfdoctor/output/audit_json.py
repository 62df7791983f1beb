"""The ``sfdoctor.audit/1`` JSON document (see docs/audit.md). Pure: summary in, text out.

Exactly these names, at every level::

    {schema, as_of, sources[{path, kind, rows, skipped}],
     integrations[{user, user_id, application, login_type, login_subtype, api_type,
                   api_versions[], source_ips[], count, failures, first_seen, last_seen,
                   retirements[{id, date, title, days_left}], remediation[]}],
     retirements[{id, date, title, days_left, integrations}]}
"""

from __future__ import annotations

from typing import Any

from sfdoctor.loginhistory.audit.summary import SCHEMA, AuditSummary, IntegrationRow
from sfdoctor.output.safe_text import json_text


def _integration(i: IntegrationRow) -> dict[str, Any]:
    return {
        "user": i.user or None,
        "user_id": i.user_id,
        "application": i.application or None,
        "login_type": i.login_type or None,
        "login_subtype": i.login_subtype or None,
        "api_type": i.api_type or None,
        "api_versions": list(i.api_versions),
        "source_ips": list(i.source_ips),
        "count": i.count,
        "failures": i.failures,
        "first_seen": i.first_seen,
        "last_seen": i.last_seen,
        "retirements": [
            {"id": h.id, "date": h.date, "title": h.title, "days_left": h.days_left}
            for h in i.retirements
        ],
        "remediation": list(i.remediation),
    }


def document(s: AuditSummary) -> dict[str, Any]:
    """The summary as a JSON-ready dict."""
    return {
        "schema": SCHEMA,
        "as_of": s.as_of,
        "sources": [
            {"path": src.path, "kind": src.kind, "rows": src.rows, "skipped": src.skipped}
            for src in s.sources
        ],
        "integrations": [_integration(i) for i in s.integrations],
        "retirements": [
            {
                "id": d.id,
                "date": d.date,
                "title": d.title,
                "days_left": d.days_left,
                "integrations": d.integrations,
            }
            for d in s.deadlines
        ],
    }


def render(s: AuditSummary) -> str:
    """The JSON text, indented, ending in a newline."""
    return json_text(document(s)) + "\n"
