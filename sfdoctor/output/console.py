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


def marked(kind: str, body: Any, number: int | None = None) -> Any:
    """``body`` after the mark of ``kind`` (``ok``, ``warn``, ``fail``, ``info``) and its
    ``number`` in a list, if any; its wrapped lines under its first word, not under the mark:
    a heading that wraps stays one block."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    cells = [Text(MARK[kind], style=STYLE[kind])]
    if number is not None:
        grid.add_column(no_wrap=True)
        cells.append(Text(f"{number}.", style="bold"))
    grid.add_column()
    grid.add_row(*cells, body)
    return grid


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
from sfdoctor.output.safe_text import UNSAFE  # noqa: E402  (re-exported)


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


class ByWidth:
    """``wide`` (a table) where it fits without cropping a cell, else ``narrow`` (the same
    facts stacked): rich squeezes a table that does not fit until its cells are cut off
    (``username-pa…``), and at 80 columns that would be the column that matters."""

    def __init__(self, wide: Any, narrow: Any) -> None:
        self.wide = wide
        self.narrow = narrow

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        need = Measurement.get(console, options.update(width=10_000), self.wide).maximum
        yield self.wide if need <= options.max_width else self.narrow


class Unwrapped:
    """A line printed as it is, never wrapped (URLs: a broken URL cannot be clicked)."""

    def __init__(self, text: Any) -> None:
        self.text = text


def default_width(color: bool) -> int:
    """The terminal's width when writing to one; else ``COLUMNS`` when it holds a number (a
    pipe has no width of its own: ``COLUMNS=120 sfdoctor demo | less``), else 100."""
    import os

    if not color:
        raw = os.environ.get("COLUMNS", "").strip()
        return max(40, min(int(raw), 500)) if raw.isdigit() else 100
    import shutil

    return max(60, min(shutil.get_terminal_size((100, 24)).columns, 140))


# --- the answer: the header line and the closing block every report ends with ---------------

ARROW = "\u2192"
ACTION_LIMIT = 94
"""Characters of a one-line action (the knowledge base's ``action`` keys are this short)."""


def one_line(text: str, limit: int = ACTION_LIMIT) -> str:
    """``text`` as one line: its first sentence or clause when that fits in ``limit``
    characters, else its start, cut between words."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text.rstrip(".")
    for sep, least in ((". ", 24), (": ", 24), ("; ", 24), (", ", 40)):
        head = text.split(sep, 1)[0]
        if len(head) > limit:  # without its asides: "(this user, these attempts)"
            head = re.sub(r" \([^()]*\)", "", head)
        if least <= len(head) <= limit:
            return head.rstrip(".")
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


def action_for(cause: str, steps: tuple[str, ...] | list[str]) -> str:
    """The one recommended action for a finding of ``cause`` whose steps are ``steps``: the
    knowledge base's one-line ``action`` when the first step is the entry's own; else the
    first step in one line (what the run learned comes first, and the entry's action may not
    fit it)."""
    from sfdoctor.diagnosis.knowledge import load

    try:
        entry = load().cause(cause)
    except KeyError:
        entry = None
    first = steps[0] if steps else ""
    if entry is not None and entry.action and (not first or first == entry.remediation[0]):
        return entry.action
    return one_line(first) if first else ""


def answer_line(label: str, style: str, headline: str, cause: str, action: str) -> Any:
    """The verdict in one line, for the top of a report: ``FAIL  title (cause) → action``,
    cut to the width with an ellipsis (the closing block has it whole)."""
    from rich.text import Text

    line = Text.assemble((label, f"bold {style}"), "  ", (headline, "bold"))
    if cause:
        line.append(f" ({cause})", style="dim")
    if action:
        line.append(f" {ARROW} {action}")
    line.no_wrap = True
    line.overflow = "ellipsis"
    return line


def closing_block(
    kind: str, headline: str, cause: str, action: str, where: str, last: Any = None
) -> list[Any]:
    """The end of every report: the answer (``kind`` is ``ok``, ``warn``, ``fail`` or
    ``info``), the one recommended action, where the details are, then ``last`` (the
    verdict with its counts, when the report has one)."""
    from rich.text import Text

    head = Text(headline, style=f"bold {STYLE[kind]}")
    if cause:
        head.append(f" ({cause})", style="dim")
    out: list[Any] = [Text(""), marked(kind, head)]
    if action:
        out.append(para(Text.assemble((f"{ARROW} ", "bold"), action), 2))
    if where:
        out.append(para(Text(where, style="dim"), 2))
    if last is not None:
        out.append(last)
    return out


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 candidate``, ``5 candidates``."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


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
