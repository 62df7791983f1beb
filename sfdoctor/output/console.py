"""Shared helpers for rich console renderers (imported lazily: rich is slow to import).

Input is never markup (STYLE.md 16): renderers hand rich ``Text`` objects for anything that
came from a file, a paste, a server or the environment. Two belts hold even when a renderer
forgets: every console here is built with ``markup=False`` (a plain ``str`` cell or column
header prints as it is), and :func:`print_all` passes every renderable through
:class:`Sanitized`, which drops rich links and replaces terminal control characters.
"""

from __future__ import annotations

import io
import re
from typing import Any

MARK = {"ok": "\u2713", "warn": "!", "fail": "\u2717", "info": "\u00b7"}
STYLE = {"ok": "green", "warn": "yellow", "fail": "red", "info": "cyan"}


def para(text: Any, indent: int) -> Any:
    """``text`` indented by ``indent`` columns (wrapped lines keep the indent)."""
    from rich.padding import Padding

    return Padding(text, (0, 0, 0, indent), expand=False)


def listing(items: list[Any], indent: int, *, bullet: str | None = None) -> Any:
    """A numbered list (or a bulleted one) whose wrapped lines align under the text."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True, style="dim" if bullet else "")
    grid.add_column()
    for n, item in enumerate(items, 1):
        grid.add_row(bullet or f"{n}.", item)
    return para(grid, indent)


def link(url: str, indent: int) -> Unwrapped:
    """A documentation link, never wrapped."""
    from rich.text import Text

    return Unwrapped(Text(" " * indent + url, style="blue"))


# C0 controls but tab and newline, DEL, C1 controls (0x9b is a one-byte CSI on some
# terminals), and the bidirectional overrides and isolates that reorder what a reader sees.
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(value: str) -> str:
    """``value`` with every unprintable character written as an escape (``\\x1b``,
    ``\\u202e``; a byte that was not valid in the file-system encoding as ``\\xff``), so a
    file name or any input can be shown on a terminal without driving it."""
    if value.isprintable():
        return value
    return "".join(c if c.isprintable() else _escape(c) for c in value)


def _escape(c: str) -> str:
    n = ord(c)
    if 0xDC80 <= n <= 0xDCFF:  # os.fsdecode's surrogateescape: the original byte
        return f"\\x{n - 0xDC00:02x}"
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


class Sanitized:
    """``renderable`` as rich renders it, minus links and terminal control characters.

    sfdoctor itself never asks rich for a link (the HTML export adds its own, checked), so a
    link in a segment can only have come from text read as markup: it is dropped, whatever
    its scheme. Control characters are replaced by U+FFFD, which a terminal only prints.
    """

    def __init__(self, renderable: Any) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.segment import Segment

        for seg in console.render(self.renderable, options):
            text, style, control = seg
            if control:  # cursor movements rich itself made: never text from input
                yield seg
                continue
            if style is not None and style.link:
                style = style.update_link(None)
            if UNSAFE.search(text):
                text = UNSAFE.sub("\ufffd", text)
            yield Segment(text, style)


class Unwrapped:
    """A line printed as it is, never wrapped (URLs: a broken URL cannot be clicked)."""

    def __init__(self, text: Any) -> None:
        self.text = text


def default_width(color: bool) -> int:
    """The terminal's width when writing to one, else a fixed 100 columns (files, pipes)."""
    if not color:
        return 100
    import shutil

    return max(60, min(shutil.get_terminal_size((100, 24)).columns, 140))


def to_string(renderables: list[Any], *, color: bool, width: int | None = None) -> str:
    """Render rich renderables to a string (ANSI styles only when ``color``)."""
    from rich.console import Console

    width = width or default_width(color)

    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        markup=False,  # NOTE: a str cell or header from input must never be read as markup
        emoji=False,
        soft_wrap=False,
    )
    print_all(console, renderables)
    # Tables and padding fill lines to the width; trailing blanks only get in the way of
    # copy-paste and diffs.
    return "\n".join(line.rstrip() for line in buf.getvalue().split("\n"))


def print_all(console: Any, renderables: list[Any], *, wrap_unwrapped: bool = False) -> None:
    """Print ``renderables`` on ``console``; :class:`Unwrapped` lines as they are, unless
    ``wrap_unwrapped`` (a picture crops what does not fit: better folded than cut)."""
    for item in renderables:
        if isinstance(item, Unwrapped):
            if wrap_unwrapped:
                console.print(Sanitized(item.text), overflow="fold")
            else:
                console.print(Sanitized(item.text), soft_wrap=True)
        else:
            console.print(Sanitized(item))
