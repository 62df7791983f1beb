"""The HTML report in a real browser: printed, its first page holds the answer; at 400 and
1280 px wide nothing runs off the side (issue 13, part A).

Headless Chromium prints a ``demo`` report to PDF (A4) and ``pdftotext`` reads its first
page back. The width check loads a copy of the page with one line of script appended that
logs the page's scroll width (the report itself has no script). Both tools come from the
OS packages ``chromium`` and ``poppler-utils``; ``.ci/run`` installs them. Without them
these tests are skipped, saying so.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_html_report import card_fix

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or PDFTOTEXT is None,
    reason="headless Chromium and pdftotext are not installed "
    "(apt-get install chromium poppler-utils; .ci/run does it)",
)

SCENARIO = "untrusted-no-token"
_MEASURE = (
    "<script>function m(){console.log('sfdoctor-width '+document.documentElement.scrollWidth"
    "+' '+window.innerWidth)}addEventListener('resize',m);setTimeout(m,300)</script>"
)


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def demo_report(run, tmp_path) -> tuple[Path, dict]:
    """A ``demo`` report: the page and the JSON document of the same run."""
    page, doc = tmp_path / "report.html", tmp_path / "report.json"
    r = run("demo", SCENARIO, "--report", str(page), "--report", str(doc))
    assert r.status == 1, r.err
    return page, json.loads(doc.read_text(encoding="utf-8"))


def squeezed(text: str) -> str:
    """``text`` without blanks: a PDF breaks lines where the page does."""
    return "".join(text.split())


def test_the_first_printed_page_holds_verdict_cause_and_fix(demo_report, tmp_path) -> None:
    page, document = demo_report
    pdf = tmp_path / "report.pdf"
    done = chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert pdf.exists() and pdf.stat().st_size > 0, done.stderr[-2000:]
    first = subprocess.run(
        [str(PDFTOTEXT), "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    top = next(f for f in document["findings"] if f["severity"] != "info")
    assert "FAIL" in first
    assert squeezed(top["title"]) in squeezed(first), first
    assert squeezed(card_fix(top["cause"], top["remediation"])) in squeezed(first), first
    assert "simulated org" in first


@pytest.mark.parametrize("width", [400, 1280])
def test_nothing_runs_off_the_side(demo_report, tmp_path, width) -> None:
    page, _ = demo_report
    probe = tmp_path / f"probe-{width}.html"
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", _MEASURE + "</body>"), "utf-8"
    )
    shot = tmp_path / f"shot-{width}.png"
    done = chromium(
        tmp_path,
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=3000",
        f"--window-size={width},900",
        f"--screenshot={shot}",
        probe.as_uri(),
    )
    assert shot.exists() and shot.stat().st_size > 0, done.stderr[-2000:]
    measured = re.findall(r"sfdoctor-width (\d+) (\d+)", done.stderr)
    assert measured, done.stderr[-2000:]
    # NOTE: headless Chromium lays a page out at 500 px at least, then takes the window's
    # size: the measure taken at the asked width is the one that counts.
    sizes = {int(inner): int(scroll) for scroll, inner in measured}
    assert width in sizes, measured
    scroll, inner = sizes[width], width
    assert scroll <= inner, f"the page is {scroll} px wide in a {inner} px window"
