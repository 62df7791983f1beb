"""The Markdown report: a table that survives server text, findings with what to do."""

from __future__ import annotations

import pytest

from sfdoctor.commands.explain import explain_text
from sfdoctor.output import markdown
from tests.render import samples


def table_rows(md: str, heading: str) -> list[str]:
    section = md.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("|")]


def test_check_report_has_banner_table_and_remediation() -> None:
    md = markdown.check(samples.failing(), samples.banner())
    assert md.startswith("# sfdoctor check report\n")
    assert "Review before sharing" in md and "2025-06-01T12:00:00Z" in md and "0.1.0" in md
    rows = table_rows(md, "Checks")
    assert rows[0] == "| result | stage | check | details |" and rows[1] == "|---|---|---|---|"
    assert len(rows) == 2 + len(samples.failing().checks)
    assert "### 1. " in md and "**What to do**" in md and "\n1. " in md
    assert "**Not recommended:** " in md
    assert "<https://help.salesforce.com/" in md
    assert "`security_token_required`" in md


def test_server_text_cannot_break_the_table_or_inject_markup() -> None:
    md = markdown.check(samples.failing(), samples.banner())
    for row in table_rows(md, "Checks") + table_rows(md, "Login attempts"):
        # every unescaped | is a column border: the same count on every row of a table
        assert row.replace("\\|", "").count("|") == row.split("\n")[0].replace("\\|", "").count("|")
    assert "\\|" in md and "\\`x\\`" in md
    assert "<script>" not in md and "\\<script\\>" in md
    assert "**b**" not in md


def test_inputs_table_shows_provenance_masked() -> None:
    md = markdown.check(samples.failing(), samples.banner())
    rows = table_rows(md, "Inputs")
    assert "| password | `**** (14 characters)` | env (SF_PASSWORD) |" in rows
    assert "| username | `integration@acme.com` | env (SF_USERNAME) |" in rows


def test_healthy_says_nothing_to_fix() -> None:
    md = markdown.check(samples.healthy(), samples.banner())
    assert "None: nothing to fix." in md and "\u2705 OK" in md


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("a|b", "a\\|b"),
        ("`x`", "\\`x\\`"),
        ("- item", "\\- item"),
        ("1. one", "1\\. one"),
        ("# heading", "\\# heading"),
        ("****", "\\*\\*\\*\\*"),
        ("invalid_grant", "invalid_grant"),
        ("_emphasis_", "\\_emphasis\\_"),
        ("two\nlines", "two lines"),
        ("2025-06-01", "2025-06-01"),
    ],
)
def test_text_escaping(text: str, out: str) -> None:
    assert markdown.text(text) == out


def test_code_span_holds_backticks() -> None:
    assert markdown.code("a`b") == "``a`b``"
    assert markdown.code("x|y") == "`x\\|y`"


def test_explain_report() -> None:
    result = explain_text("invalid_grant: ip restricted")
    md = markdown.explanation(result, samples.banner("explain"), excerpt="invalid_grant: ip")
    assert md.startswith("# sfdoctor explain report\n")
    assert "## Input (redacted)" in md and "`ip_restricted`" in md and "**What to do**" in md


def test_explain_report_of_nothing() -> None:
    md = markdown.explanation(explain_text("nothing here"), samples.banner("explain"))
    assert "No known Salesforce signature" in md
