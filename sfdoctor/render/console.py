"""Shared helpers for rich console renderers (imported lazily: rich is slow to import)."""

from __future__ import annotations

import io
from typing import Any

MARK = {"ok": "\u2713", "warn": "!", "fail": "\u2717", "info": "\u00b7"}
STYLE = {"ok": "green", "warn": "yellow", "fail": "red", "info": "cyan"}


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
