"""The ``sfdoctor.check/1`` JSON report (documented in the README). Pure: report in, text out."""

from __future__ import annotations

from typing import Any

from sfdoctor.models import SCHEMA, Finding, Report
from sfdoctor.output.safe_text import json_text


def finding_document(f: Finding) -> dict[str, Any]:
    """One finding as JSON (the shape every command's ``findings[]`` uses)."""
    doc: dict[str, Any] = {
        "cause": f.cause,
        "severity": str(f.severity),
        "title": f.title,
        "confidence": f.confidence,
        "evidence": list(f.evidence),
        "remediation": list(f.remediation),
        "references": list(f.references),
    }
    if f.candidates:
        doc["candidates"] = [{"cause": c, "title": t, "confirm": k} for c, t, k in f.candidates]
    return doc


def document(report: Report, *, strict: bool = False) -> dict[str, Any]:
    """The report as a JSON-ready dict."""
    return {
        "schema": SCHEMA,
        "tool": {"name": "sfdoctor", "version": report.version},
        "generated_at": report.generated_at,
        "verdict": str(report.verdict),
        "exit_code": int(report.exit_status(strict=strict)),
        "summary": report.summary(),
        "login_url": report.login_url,
        "flow": report.flow,
        "inputs": [
            {"name": i.name, "value": i.value, "source": i.source, "secret": i.secret}
            for i in report.inputs
        ],
        "attempts_used": len(report.attempts),
        "attempt_budget": report.attempt_budget,
        "attempts": [
            {
                "label": a.label,
                "with_token": a.with_token,
                "url": a.url,
                "outcome": a.outcome,
                "status": a.status,
                "error": a.error,
                "error_description": a.error_description,
                "elapsed_ms": a.elapsed_ms,
            }
            for a in report.attempts
        ],
        "checks": [
            {"stage": c.stage, "name": c.name, "status": str(c.mark), "summary": c.summary}
            for c in report.checks
        ],
        "findings": [finding_document(f) for f in report.findings],
    }


def render(report: Report, *, strict: bool = False) -> str:
    """The JSON text, indented, ending in a newline."""
    return json_text(document(report, strict=strict)) + "\n"
