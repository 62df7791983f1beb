"""Plain text, HTML and SVG from the same rich renderables as the console report.

Pure: renderables in, a string out. rich records what it would print
(``Console(record=True)``) and exports it; the templates below keep the files
self-contained: no web fonts, scripts or style sheets fetched from anywhere.

The report files use them as follows (:func:`sfdoctor.output.files.render`): the text report
is the whole console report; the SVG report is the summary screen
(:func:`sfdoctor.output.summary.renderables`); the HTML report is
:mod:`sfdoctor.output.html_report`, which embeds :func:`to_html_code` for the commands whose
page is the card and the console report. :func:`to_html` (the console report as a page) is
the page of a report no summary is known for.
"""

from __future__ import annotations

import io
import re
from typing import Any

from sfdoctor.output.console import print_all

WIDTH = 100
"""Columns of the exported report (the width of the console report in files and pipes)."""

_HTML = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="sfdoctor">
<title>{title}</title>
<style>
{{stylesheet}}
body {{{{
    margin: 0;
    padding: 24px;
    color: {{foreground}};
    background-color: {{background}};
}}}}
pre {{{{
    margin: 0 auto;
    max-width: 110ch;
    padding: 16px 20px;
    border: 1px solid #d0d7de;
    border-radius: 6px;
    white-space: pre-wrap;  /* only what is wider than the report wraps: long links */
    overflow-wrap: anywhere;
    font-size: 14px;
    line-height: 1.45;
    font-family: ui-monospace, Menlo, 'DejaVu Sans Mono', Consolas, 'Courier New', monospace;
}}}}
a {{{{ color: inherit; }}}}
</style>
</head>
<body>
<pre><code style="font-family:inherit">{{code}}</code></pre>
</body>
</html>
"""

# A link to Salesforce's documentation in text already escaped for HTML: https only, one of these
# hosts, then URL characters, with "&" only as the "&amp;" rich wrote. A quote, "<", ">" or
# any other entity ends the URL, so the href (quoted) can hold nothing but the URL itself.
DOC_LINK = re.compile(
    r"https://(?:help|developer|trailhead|status|trust|security)\.salesforce\.com/"
    r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$()*+,;=%]|&amp;)*"
)

# rich's own SVG template, without the Fira Code web font it loads from a CDN.
_SVG_FONT = re.compile(r"@font-face \{\{.*?\}\}\s*", re.S)


def _theme_light() -> Any:
    """A light theme with enough contrast for a document (rich's default yellow is faint)."""
    from rich.terminal_theme import TerminalTheme

    normal = [
        (36, 41, 47),  # black
        (207, 34, 46),  # red
        (26, 127, 55),  # green
        (154, 103, 0),  # yellow
        (9, 105, 218),  # blue
        (130, 80, 223),  # magenta
        (27, 124, 131),  # cyan
        (110, 119, 129),  # white
    ]
    return TerminalTheme((255, 255, 255), (31, 35, 40), normal, normal)


def _record(renderables: list[Any], *, wrap_unwrapped: bool = False) -> Any:
    from rich.console import Console

    console = Console(
        record=True,
        file=io.StringIO(),
        width=WIDTH,
        force_terminal=True,
        color_system="truecolor",
        no_color=False,  # NOTE: explicit, so NO_COLOR in the environment cannot blank a file
        highlight=False,
        markup=False,  # NOTE: a str cell or header from input must never be read as markup
        emoji=False,
        soft_wrap=False,
        legacy_windows=False,
        force_jupyter=False,
        force_interactive=False,
    )
    print_all(console, renderables, wrap_unwrapped=wrap_unwrapped)
    return console


def to_text(renderables: list[Any]) -> str:
    """Plain text: no ANSI escape codes, no trailing blanks."""
    text = _record(renderables).export_text(styles=False)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def to_html(renderables: list[Any], *, title: str) -> str:
    """A self-contained HTML page; links to Salesforce's documentation are clickable (other
    URLs, which a server or a paste may have supplied, stay text)."""
    from html import escape

    template = _HTML.format(title=escape(title).replace("{", "{{").replace("}", "}}"))
    page = _record(renderables).export_html(
        theme=_theme_light(), code_format=template, inline_styles=False
    )
    # NOTE: rich escaped the text (and wrote no link: print_all drops them); the only links
    # are these, to Salesforce's documentation, their href quoted and already escaped.
    return DOC_LINK.sub(lambda m: f'<a href="{m[0]}">{m[0]}</a>', page)


def to_html_code(renderables: list[Any]) -> str:
    """The console report as the inside of an HTML ``<pre>`` (styles inline): what
    :mod:`sfdoctor.output.html_report` puts under the summary card of ``explain`` and
    ``triage``. Links as in :func:`to_html`."""
    code: str = _record(renderables).export_html(
        theme=_theme_light(), code_format="{code}", inline_styles=True
    )
    return DOC_LINK.sub(lambda m: f'<a href="{m[0]}">{m[0]}</a>', code)


def to_svg(renderables: list[Any], *, title: str) -> str:
    """A picture of the console report (rich's SVG, with local fonts only)."""
    from rich.console import CONSOLE_SVG_FORMAT

    template = _SVG_FONT.sub("", CONSOLE_SVG_FORMAT).replace(
        "font-family: Fira Code, monospace;",
        "font-family: 'Fira Code', 'DejaVu Sans Mono', Menlo, Consolas, monospace;",
    )
    svg: str = _record(renderables, wrap_unwrapped=True).export_svg(
        title=title, code_format=template
    )
    return svg
