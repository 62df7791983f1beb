"""Shared helpers for rich console renderers (imported lazily: rich is slow to import)."""

from __future__ import annotations

import io
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
                console.print(item.text, overflow="fold")
            else:
                console.print(item.text, soft_wrap=True)
        else:
            console.print(item)
