"""The HTML report and the SVG summary screen: the answer first (issue 13, parts A and B).

The page is checked as text, in order: the card (verdict, cause title and id, the fix) comes
before the findings, which carry every remediation step, then the checks, the inputs with
their provenance and the trace. It loads nothing and runs nothing. A real browser prints
it in tests/test_browser_report.py.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from sfdoctor.diagnosis.findings import finding
from sfdoctor.output import check_console, check_json, export, html_report, summary
from sfdoctor.output import files as output
from sfdoctor.output.files import ReportSource
from sfdoctor.output.paths import ReportFormat
from tests.render import samples
from tests.render.hostile import assert_safe_html, assert_safe_svg


class _Text(HTMLParser):
    """The page's visible text (style and title left out), and its tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def read(page: str) -> tuple[str, list[tuple[str, dict[str, str | None]]]]:
    parser = _Text()
    parser.feed(page)
    parser.close()
    return " ".join(" ".join(parser.parts).split()), parser.tags


def check_page(report: Any = None, command: str = "check") -> str:
    report = report or samples.failing()
    banner = samples.banner(command)
    return html_report.render(
        check_json.document(report),
        banner,
        lambda: check_console.renderables(report, inputs=True),
    )


def flat(text: str) -> str:
    return " ".join(text.split())


def card_fix(cause: str, steps: list[str] | tuple[str, ...]) -> str:
    """The fix a card shows, as the console closes with it: the cause's one-line action
    where the steps are its entry's own (whose first is often a warning), else step one."""
    from sfdoctor.diagnosis.knowledge import load

    entry = load().causes.get(cause)
    if entry is not None and entry.action and steps and steps[0] == entry.remediation[0]:
        return entry.action
    return steps[0]


def test_the_card_comes_first_with_verdict_cause_and_fix() -> None:
    report = samples.failing()
    top = report.findings[0]
    text, _ = read(check_page(report))
    card = text[: text.index("Findings")]
    assert "FAIL" in card
    assert top.title in card and top.cause in card
    assert "Fix" in card and flat(card_fix(top.cause, top.remediation)) in card
    assert "https://login.salesforce.com" in card and "When 2025-06-01T12:00:00Z (UTC)" in card
    assert "Exit status 1: a problem was diagnosed" in card
    assert "simulated org" not in card  # a real host


def test_the_sections_follow_in_order_with_everything_in_them() -> None:
    report = samples.failing()
    text, _ = read(check_page(report))
    positions = [text.index(h) for h in ("Findings", "Checks", "Inputs", "Trace")]
    assert positions == sorted(positions)
    findings = text[positions[0] : positions[1]]
    for f in report.findings:
        assert f.title in findings
        for step in f.remediation:
            assert flat(step) in findings, step
    checks = text[positions[1] : positions[2]]
    assert all(c.name in checks for c in report.checks)
    inputs = text[positions[2] : positions[3]]
    assert "env (SF_PASSWORD)" in inputs and "**** (14 characters)" in inputs
    trace = text[positions[3] :]
    assert "https://login.salesforce.com/services/oauth2/token" in trace
    assert "auth_failure" in trace and "180 ms" in trace


def test_the_page_is_self_contained_and_links_only_https_references() -> None:
    page = check_page()
    assert page.startswith("<!DOCTYPE html>") and '<meta name="viewport"' in page
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", page, re.I)
    assert not re.search(r"\b(src|srcset)\s*=|@import|url\(|@font-face", page, re.I)
    _, tags = read(page)
    hrefs = [a["href"] for tag, a in tags if tag == "a"]
    refs = {r for f in samples.failing().findings for r in f.references}
    assert refs and refs <= set(hrefs)
    assert all(h is not None and h.startswith("https://") for h in hrefs)
    assert "@media print" in page and "@page" in page and "max-width:40rem" in page
    # server text is escaped, never markup
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_loopback_org_is_called_simulated() -> None:
    report = samples.failing()._replace(login_url="http://127.0.0.1:41234")
    text, _ = read(check_page(report))
    card = text[: text.index("Findings")]
    assert "simulated org" in card and "nothing left this machine" in card


def test_a_healthy_run_says_so_without_a_fix() -> None:
    text, _ = read(check_page(samples.healthy()))
    card = text[: text.index("Checks")]
    assert "OK" in card and "No problem found: the login works from here" in card
    assert "Fix" not in card


def test_a_reference_that_is_not_a_plain_https_url_is_text() -> None:
    lures = [
        'https://help.salesforce.com/x"onmouseover="alert(1)',
        "javascript:alert(1)",
        "http://example.com/plain",
        "https://evil.example/<b>",
    ]
    report = samples.failing()
    loose = finding("login_url_invalid", ["x"])._replace(references=tuple(lures))
    page = check_page(report._replace(findings=(loose,)))
    text = assert_safe_html(page, shown=tuple(lures))
    assert text
    _, tags = read(page)
    assert not [a for tag, a in tags if tag == "a"]


def test_control_characters_are_written_out() -> None:
    report = samples.failing()
    report = report._replace(checks=(report.checks[0]._replace(summary="a\x1b[2Jb\u202ec"),))
    page = check_page(report)
    assert "\x1b" not in page and "\u202e" not in page
    assert "a\\x1b[2Jb\\u202ec" in page


@pytest.mark.parametrize("command", ["explain", "triage"])
def test_other_commands_get_the_card_then_their_console_report(run, command, tmp_path) -> None:
    from tests.commands.test_triage import mixed

    page_path, doc_path = tmp_path / "r.html", tmp_path / "r.json"
    reports = ("--report", str(page_path), "--report", str(doc_path))
    if command == "explain":
        paste = "INVALID_LOGIN: Invalid username, password, security token; or user locked out."
        r = run("explain", "-", *reports, stdin=paste)
    else:
        csv_path = tmp_path / "LoginHistory.csv"
        csv_path.write_text(mixed("setup"), encoding="utf-8", newline="")
        r = run("triage", str(csv_path), *reports)
    assert r.status in (0, 1), r.err
    document = json.loads(doc_path.read_text(encoding="utf-8"))
    top = (document.get("findings") or document.get("matches"))[0]
    page = page_path.read_text(encoding="utf-8")
    text, _ = read(page)
    card = text[: text.index("Full report")]
    assert top["title"] in card and top["cause"] in card
    assert "Fix" in card and flat(card_fix(top["cause"], top["remediation"])) in card
    assert '<pre class="console">' in page
    assert_safe_html(page)


@pytest.mark.parametrize("affected", [True, False])
def test_audit_gets_a_card_naming_what_breaks_and_what_to_move_first(
    run, tmp_path, affected: bool
) -> None:
    """The audit card: how many integrations break (failing now said), which one to move
    first, each affected one with what it hits; an export with nothing retiring says so."""
    from tests.commands.test_audit import SPECS, login_rows

    specs = SPECS if affected else {k: SPECS[k] for k in ("jwt", "cc")}
    csv_path = tmp_path / "LoginHistory.csv"
    csv_path.write_text(login_rows("setup", specs), encoding="utf-8", newline="")
    page_path = tmp_path / "r.html"
    r = run("audit", str(csv_path), "--as-of", "2026-12-01", "--report", str(page_path))
    assert r.status == (1 if affected else 0), r.err
    page = page_path.read_text(encoding="utf-8")
    text, _ = read(page)
    card = flat(text[: text.index("Full report")])
    if affected:
        assert "FAIL" in card and "4 of 8 integrations will break; 1 already failing" in card
        assert "next: username-password flow on 2027-02-20 (81 days left)" in card
        assert "Move first ancient@acme.example.com · Ancient Sync: API 30.0 and older" in card
        assert "etl@acme.example.com · Acme ETL · 5 rows username-password flow" in card
        assert "billing@acme.example.com" not in card  # JWT bearer: not affected
    else:
        assert "OK" in card and "None of 2 integrations uses anything" in card
    assert_safe_html(page)


def test_a_report_without_a_known_document_is_the_console_report() -> None:
    from rich.text import Text

    source = ReportSource(
        samples.banner("audit"), document=lambda: {}, renderables=lambda: [Text("body <b>")]
    )
    page = output.render(ReportFormat.HTML, source)
    text, _ = read(page)
    assert "body <b>" in text and "Fix" not in text
    assert 'class="card' not in page


# --- the SVG summary screen ----------------------------------------------------------------


def screen_lines(report: Any) -> list[str]:
    s = summary.summarize(check_json.document(report), samples.banner())
    assert s is not None
    return export.to_text(summary.renderables(s, samples.banner())).splitlines()


def test_the_svg_report_is_the_summary_screen() -> None:
    report = samples.failing()
    source = ReportSource(
        samples.banner(),
        document=lambda: check_json.document(report),
        renderables=lambda: check_console.renderables(report, inputs=True),
    )
    svg = output.render(ReportFormat.SVG, source)
    text = assert_safe_svg(svg, shown=(report.findings[0].title, "Key checks", "Fix"))
    assert "What to do" not in text  # the full remediation stays in the other reports
    lines = screen_lines(report)
    assert len(lines) <= 40, "\n".join(lines)
    first = next(i for i, line in enumerate(lines) if line.strip() and i > 0 and line[0] == " ")
    assert lines[first].lstrip().startswith("FAIL"), lines  # the verdict under the banner


def test_key_checks_keep_every_failure_and_warning() -> None:
    from sfdoctor.models import Check, Mark

    report = samples.failing()
    many = tuple(Check("session", f"ok {i}", Mark.OK, "fine") for i in range(30))
    bad = (Check("session", "broken", Mark.FAIL, "no"), Check("session", "shaky", Mark.WARN, "?"))
    report = report._replace(checks=many + bad)
    s = summary.summarize(check_json.document(report), samples.banner())
    assert s is not None
    names = [line.name for line in s.key]
    assert len(names) == summary.KEY_LINES and names[-2:] == ["broken", "shaky"]
    assert s.more == len(report.checks) - summary.KEY_LINES
    assert len(screen_lines(report)) <= 40


@pytest.mark.parametrize(
    "scenario", ["trusted-no-token", "untrusted-no-token", "healthy", "wrong-password"]
)
def test_demo_reports_open_with_the_answer(run, tmp_path, scenario) -> None:
    html, svg, doc = (tmp_path / f"r.{x}" for x in ("html", "svg", "json"))
    r = run("demo", scenario, "--report", str(html), "--report", str(svg), "--report", str(doc))
    assert r.status in (0, 1, 3), r.err
    document = json.loads(doc.read_text(encoding="utf-8"))
    text, _ = read(html.read_text(encoding="utf-8"))
    assert "simulated org" in text
    assert text.index(document["verdict"].upper()) < text.index("Where")
    named = [f for f in document["findings"] if f["severity"] != "info"]
    if named:
        card = text[: text.index("Findings")]
        fix = card_fix(named[0]["cause"], named[0]["remediation"])
        assert named[0]["title"] in card and flat(fix) in card
        for candidate in named[0].get("candidates", [])[: summary.ALSO]:
            assert candidate["cause"] in card  # an ambiguous failure: the ranked candidates
    svg_text = assert_safe_svg(svg.read_text(encoding="utf-8"))
    assert document["verdict"].upper() in svg_text and "Key checks" in svg_text
    shown = summary.renderables(summary.summarize(document, samples.banner()), samples.banner())
    assert len(export.to_text(shown).splitlines()) <= 40


def test_a_paste_nothing_matched_says_what_to_collect(run, tmp_path) -> None:
    page_path = tmp_path / "r.html"
    r = run("explain", "-", "--report", str(page_path), stdin="Failed: Audience Invalid")
    assert r.status == 3, r.err
    text, _ = read(page_path.read_text(encoding="utf-8"))
    card = text[: text.index("Full report")]
    assert "NOT RECOGNISED" in card and "Collect next" in card and "Fix" not in card
    assert "Exit status 3: inconclusive" in card


@pytest.mark.parametrize(
    ("paste", "badge"),
    [
        ("LOGIN_MUST_USE_SECURITY_TOKEN: Invalid username, password, security token; or user "
         "locked out.", "CAUSE FOUND"),
        ("Error (407) Proxy Authentication Required", "LIKELY CAUSE"),  # medium
        ("TypeError: fetch failed", "POSSIBLE CAUSE"),  # low
        ('{"error":"invalid_grant","error_description":"authentication failure"}',
         "SEVERAL CAUSES"),
    ],
)  # fmt: skip
def test_the_card_claims_a_cause_found_only_at_high_confidence(
    run, tmp_path, paste: str, badge: str
) -> None:
    page_path = tmp_path / "r.html"
    r = run("explain", "-", "--report", str(page_path), stdin=paste)
    assert r.status == 0, r.err
    text, _ = read(page_path.read_text(encoding="utf-8"))
    card = text[: text.index("Full report")]
    assert badge in card
    assert badge == "CAUSE FOUND" or "CAUSE FOUND" not in card
