"""``sfdoctor triage FILE --audit``: one read of the file feeds both tallies, and each
result is the one its own command gives."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from sfdoctor.commands import triage_audit
from sfdoctor.loginhistory import source as source_module
from sfdoctor.status import ExitStatus

AS_OF = "2026-11-30"
HEADER = (
    "Username,Login Time,Source IP,Login Type,Login Subtype,Status,Application,API Type,"
    "API Version\n"
)


def _export(tmp_path: Path, n: int = 60) -> Path:
    lines = [HEADER]
    for i in range(n):
        user = f"etl{i % 3}@acme.com"
        status = "Success" if i % 4 else "Failed: API security token required"
        lines.append(
            f"{user},2026-11-{1 + i % 28:02d}T10:{i % 60:02d}:00Z,203.0.113.{i % 7},"
            f"Remote Access 2.0,OAuth Username-Password,{status},Acme ETL,N/A,N/A\n"
        )
        if i == 10:
            lines.append('bad@acme.com,"' + "x" * 200_000 + '",1.2.3.4,a,b,c,d,e,f\n')
        if i == 20:
            lines.append("short,row\n")
        if i == 30:
            lines.append("y" * (1 << 20) + "z" * 10 + "\n")
        if i % 9 == 0:
            lines.append(
                f"svc@acme.com,2026-11-0{1 + i % 9}T08:00:00Z,198.51.100.4,Other Apex API,,"
                "Success,,SOAP Enterprise,31.0\n"
            )
    path = tmp_path / "LoginHistory.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _strip(doc: Any) -> Any:
    if isinstance(doc, dict):
        return {k: _strip(v) for k, v in doc.items() if k != "generated_at"}
    if isinstance(doc, list):
        return [_strip(v) for v in doc]
    return doc


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count the files opened and the lines read from them."""
    seen = {"opens": 0, "readlines": 0}
    real = source_module.open_source

    def counting(*args: Any, **kwargs: Any) -> Any:
        src = real(*args, **kwargs)
        seen["opens"] += 1
        text = src.text
        readline = text.readline

        class Counting(io.TextIOBase):
            def readline(self, size: int = -1) -> str:  # type: ignore[override]
                seen["readlines"] += 1
                return readline(size)

            def close(self) -> None:
                text.close()

        return src._replace(text=Counting())

    monkeypatch.setattr(triage_audit, "open_source", counting)
    return seen


@pytest.mark.parametrize("chunk", [7, triage_audit.CHUNK])
def test_one_read_feeds_both(run, tmp_path, reads, monkeypatch, chunk: int) -> None:
    monkeypatch.setattr(triage_audit, "CHUNK", chunk)
    path = _export(tmp_path)
    both = run("triage", str(path), "--audit", "--as-of", AS_OF, "--format", "json")
    assert reads["opens"] == 1
    lines = path.read_text(encoding="utf-8").count("\n")
    # one readline per line (two for the over-long one) and one at the end of the file
    assert reads["readlines"] <= lines + 3
    doc = json.loads(both.out)
    assert doc["schema"] == "sfdoctor.triage-audit/1"
    triage = run("triage", str(path), "--format", "json")
    audit = run("audit", str(path), "--as-of", AS_OF, "--format", "json")
    assert _strip(doc["triage"]) == _strip(json.loads(triage.out))
    assert _strip(doc["audit"]) == _strip(json.loads(audit.out))
    assert doc["triage"]["rows"] > 0
    assert both.status == ExitStatus.PROBLEM == triage.status == audit.status


def test_console_shows_triage_then_audit(run, tmp_path) -> None:
    path = _export(tmp_path, 20)
    out = run("triage", str(path), "--audit", "--as-of", AS_OF).out
    triage = run("triage", str(path)).out
    audit = run("audit", str(path), "--as-of", AS_OF).out
    assert out == triage + "\n" + audit


def test_reports_hold_both(run, tmp_path) -> None:
    path = _export(tmp_path, 20)
    report = tmp_path / "both.json"
    run("triage", str(path), "--audit", "--as-of", AS_OF, "--report", str(report))
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert doc["triage"]["rows"] and doc["audit"]["integrations"]
    text = tmp_path / "both.txt"
    run("triage", str(path), "--audit", "--as-of", AS_OF, "--report", str(text))
    body = text.read_text(encoding="utf-8")
    assert "Acme ETL" in body and "2027-02-20" in body


def test_as_of_needs_audit(run, tmp_path) -> None:
    path = _export(tmp_path, 5)
    assert run("triage", str(path), "--as-of", AS_OF).status == ExitStatus.USAGE


def test_a_file_without_audit_columns(run, tmp_path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("Username,Login Time,Status\na@b.com,2026-11-01T00:00:00Z,Success\n")
    result = run("triage", str(path), "--audit")
    assert result.status == ExitStatus.USAGE
    assert "audit needs" in result.err
