"""``sfdoctor explain``: classify a pasted error offline, or show the knowledge base.

Nothing here touches the network. The text is normalised and redacted before anything
else sees it, so no output can echo a secret from the paste.
"""

from __future__ import annotations

import sys
from typing import TextIO  # typing is loaded by models anyway

from sfdoctor.classify import classify
from sfdoctor.errors import UsageError
from sfdoctor.evidence import clues_from_text, normalize
from sfdoctor.knowledge import load
from sfdoctor.models import Explanation
from sfdoctor.redact import redact
from sfdoctor.status import ExitStatus

MAX_INPUT = 4 * 1024 * 1024
"""Pastes beyond this many characters are cut (the error is near the top or bottom)."""


def explain_text(text: str) -> Explanation:
    """Classify ``text`` (any paste: body, exception, log, status string); pure."""
    if len(text) > MAX_INPUT:
        half = MAX_INPUT // 2
        text = text[:half] + "\n" + text[-half:]
    kb = load()
    clean = redact(normalize(text))
    return Explanation(classify(clues_from_text(clean, kb.api_codes), kb), text=clean)


def _read_input(text: str | None, stdin: TextIO) -> str:
    if text is None:
        if stdin.isatty():
            raise UsageError(
                "nothing to explain",
                hint='give the error text: sfdoctor explain "TEXT", '
                "or pipe it: ... | sfdoctor explain -",
            )
        text = "-"
    if text == "-":
        try:
            text = stdin.read()
        except UnicodeDecodeError:
            data = stdin.buffer.read() if hasattr(stdin, "buffer") else b""
            text = data.decode("utf-8", errors="replace")
    if not text.strip():
        raise UsageError("the text to explain is empty")
    return text


def run(
    text: str | None,
    *,
    fmt: str = "console",
    cause: str | None = None,
    list_all: bool = False,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    color: bool | None = None,
) -> int:
    """Run ``explain`` and return its exit status (0 named, 3 nothing matched, 2 usage)."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    color = stdout.isatty() if color is None else color
    kb = load()
    if list_all or cause:
        if cause:
            try:
                entries = [kb.cause(cause)]
            except KeyError:
                raise UsageError(
                    f"no cause {cause!r}", hint="sfdoctor explain --list shows every cause id"
                ) from None
        else:
            entries = list(kb.causes.values())
        if fmt == "json":
            from sfdoctor.render.explain_json import render_causes

            stdout.write(render_causes(entries))
        else:
            from sfdoctor.render import explain_console

            out = (
                explain_console.render_cause(entries[0], color=color)
                if cause
                else explain_console.render_list(entries, color=color)
            )
            stdout.write(out)
        return ExitStatus.OK

    result = explain_text(_read_input(text, stdin))
    if fmt == "json":
        from sfdoctor.render.explain_json import render

        stdout.write(render(result))
    else:
        from sfdoctor.render.explain_console import render as render_console

        stdout.write(render_console(result, color=color))
    return ExitStatus.OK if result.matches else ExitStatus.INCONCLUSIVE
