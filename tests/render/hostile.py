"""Hostile text for the renderers (issue 18, item 1), and the checks every output is held to.

Text from input (a CSV header or cell, a paste, a server's answer, a configuration value, a
file name) that rich would read as markup, HTML or Markdown would read as tags or links, or
a terminal would obey. :func:`login_history` makes a Login History export of it; the
``assert_*`` functions say what "safe" means for each kind of output: no link but to https,
no event handler, no tag that came from the input, and the text itself shown as it was.
"""

from __future__ import annotations

import csv
import html
import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

# rich markup: a javascript: link, a link whose target breaks out of rich's href="..." (an
# event handler), a closing tag with nothing to close (rich raised MarkupError), styles and
# an action.
JS_LINK = "[link=javascript:alert(1)]click me[/link]"
ATTR_LINK = '[link=x"autofocus/onfocus="alert(1)"]focus me[/link]'
CLOSE = "[/]Application"
MARKUP = (
    JS_LINK,
    ATTR_LINK,
    CLOSE,
    "[bold red]loud[/bold red] [/bold]",
    "[@click=app.quit]quit[/]",
    "[link=https://evil.example]phish[/link]",
)
# HTML and Markdown that would become tags or links where they are not escaped.
MARKUP_ELSEWHERE = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '" onmouseover="alert(2)',
    "[md link](javascript:alert(3))",
    "![pixel](https://evil.example/p.png)",
    "| a | b | `tick ``` ~~x~~ **y**",
    "]]><!-- --> &lt;&amp;",
)
HOSTILE = MARKUP + MARKUP_ELSEWHERE
"""Printable hostile texts: each must be shown literally, and obeyed by nothing."""
WORDS = (
    CLOSE,
    "[link=javascript:alert(1)]x[/link]",
    '[link=x"autofocus/onfocus="alert(1)"]y[/link]',
    "<img/src=x/onerror=alert(1)>",
)
"""Hostile texts without a blank, for outputs that wrap long lines (a server's answer)."""

# Terminal controls: a screen clear, an OSC 8 hyperlink to javascript:, a bidi override.
CONTROLS = (
    "\x1b[2J\x1b[31mred",
    "\x1b]8;;javascript:alert(4)\x1b\\osc8\x1b]8;;\x1b\\",
    "bell\x07\x9b31m",
)

# Headers rich would read as markup, each still naming its column (the part after the last
# dot counts, as in ``LoginHistory.Status``).
HEADER = [
    "[link=javascript:alert(1)]u.Username",
    "Login Time",
    "[/]Source IP",
    '[link=x"autofocus/onfocus="alert(1)"]s.Status',
    CLOSE,
]
HEADER_SHOWN = (HEADER[0], HEADER[3], CLOSE)
"""Headers the console report names (the columns line, the application table)."""


def login_history(*, controls: bool = True) -> str:
    """A Login History export whose headers and cells are hostile: every hostile text is a
    status (so it is listed as unknown), a user and an application."""
    rows = []
    texts = HOSTILE + (CONTROLS if controls else ())
    for i, text in enumerate(texts):
        when = f"2024-11-03T09:{i:02d}:00.000Z"
        rows.append([text, when, "198.18.0.7", text, text])
        rows.append([f"user{i}@acme.example.com", when, "198.18.0.8", "Invalid Password", text])
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buf.getvalue()


# --- what safe means ---------------------------------------------------------------------

_EVENT = re.compile(r"on[a-z]+")
_BAD_TAGS = {"script", "img", "iframe", "object", "embed", "form", "input", "svg", "math"}


class _Page(HTMLParser):
    """Every tag, attribute and text of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_safe_html(page: str, *, shown: tuple[str, ...] = ()) -> str:
    """No tag from input, no event handler or ``autofocus``, every link https, and each of
    ``shown`` in the text. Returns the page's text."""
    parser = _Page()
    parser.feed(page)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag not in _BAD_TAGS, f"<{tag}> in the page"
        for name, value in attrs:
            assert not _EVENT.fullmatch(name), f"event handler {name}={value!r} on <{tag}>"
            assert name not in ("autofocus", "src", "formaction", "srcdoc"), f"{name} on <{tag}>"
            if name == "href":
                assert value is not None and value.startswith("https://"), f"href={value!r}"
            assert "javascript:" not in (value or "").lower(), f"{name}={value!r} on <{tag}>"
    text = "".join(parser.text)
    for literal in shown:
        assert literal in text, f"{literal!r} is not shown as it is"
    return text


def assert_safe_svg(svg: str, *, shown: tuple[str, ...] = ()) -> str:
    """Well-formed, no link, script or foreign object, no event handler, and each of
    ``shown`` in the text. Returns the picture's text."""
    root = ET.fromstring(svg)
    texts = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        assert tag not in ("a", "script", "foreignObject", "image", "use"), f"<{tag}>"
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1]
            assert not _EVENT.fullmatch(local), f"event handler {local}={value!r}"
            assert local != "href" and "javascript:" not in value.lower(), f"{local}={value!r}"
        texts.append(element.text or "")
    text = "".join(texts).replace("\u00a0", " ")
    for literal in shown:
        assert literal in text, f"{literal!r} is not shown as it is"
    return text


def markdown_to_html(text: str) -> str:
    """``text`` as a CommonMark renderer with raw HTML, tables and every link scheme
    allowed would publish it: what an escaping mistake would turn into."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md.render(text)


def assert_safe_markdown(text: str, *, shown: tuple[str, ...] = ()) -> str:
    """The Markdown, published, is safe HTML showing each of ``shown``."""
    return assert_safe_html(markdown_to_html(text), shown=shown)


def assert_safe_xml(document: str, *, shown: tuple[str, ...] = ()) -> str:
    """Well-formed XML with each of ``shown`` in a text or an attribute value."""
    root = ET.fromstring(document)
    parts = []
    for element in root.iter():
        parts.append(element.text or "")
        parts.extend(element.attrib.values())
    text = "\n".join(parts)
    for literal in shown:
        assert literal in text, f"{literal!r} is not shown as it is"
    return text


def assert_safe_terminal(text: str, *, shown: tuple[str, ...] = ()) -> None:
    """No escape sequence from input (an OSC 8 hyperlink, a screen clear, a C1 CSI), and
    each of ``shown`` in the text once styles are taken off."""
    assert "\x1b]8;" not in text, "a hyperlink (OSC 8) in the console output"
    assert "\x1b[2J" not in text and "\x9b" not in text and "\x07" not in text
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    for literal in shown:
        assert literal in plain, f"{literal!r} is not shown as it is"


def unescape_svg(svg: str) -> str:
    """An SVG's text as a reader sees it (``&#160;`` is a space)."""
    return html.unescape(svg).replace("\u00a0", " ")
