"""Text, HTML and SVG from the console renderables: self-contained, no escape codes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from sfdoctor.output import check_console, export
from tests.render import samples


def renderables(report=None):
    report = report or samples.failing()
    return [*samples.banner().renderables(), *check_console.renderables(report, inputs=True)]


def test_text_has_no_escape_codes(monkeypatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    text = export.to_text(renderables())
    assert "\x1b" not in text
    assert text.startswith("sfdoctor check report\n")
    assert "Inputs" in text and "env (SF_PASSWORD)" in text and "What to do:" in text
    assert all(line == line.rstrip() for line in text.splitlines())


def test_html_is_self_contained_and_readable(monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")  # must not blank the styles of a file
    html = export.to_html(renderables(), title="sfdoctor check report")
    assert html.startswith("<!DOCTYPE html>") and "<title>sfdoctor check report</title>" in html
    assert "Security token required" in html and "What to do:" in html
    assert not re.search(r"<(link|script|img|iframe)\b", html, re.I)
    assert not re.search(r"\b(src|srcset)\s*=|@import|url\(", html, re.I)
    assert '<a href="https://help.salesforce.com/' in html
    # server text is escaped, never markup
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "color:" in html  # styled


def test_svg_parses_and_loads_nothing() -> None:
    svg = export.to_svg(renderables(), title="sfdoctor check report")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert "https://cdnjs" not in svg and "@font-face" not in svg
    texts = "".join(root.itertext()).replace("\u00a0", " ")
    assert "Security token required" in texts and "sfdoctor check report" in texts


def test_html_code_is_the_inside_of_a_pre_with_inline_styles() -> None:
    code = export.to_html_code(renderables())
    assert not code.lstrip().startswith("<") or code.lstrip().startswith("<span")
    assert "<pre" not in code and "<html" not in code and "<style" not in code
    assert "Security token required" in code and 'style="' in code
    assert '<a href="https://help.salesforce.com/' in code
    assert "<script>alert" not in code and "&lt;script&gt;" in code
