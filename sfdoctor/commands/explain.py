"""``sfdoctor explain``: classify a pasted error offline, or show the knowledge base.

Nothing here touches the network. The text is normalised and redacted before anything
else sees it, so no output can echo a secret from the paste.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO  # typing is loaded by models anyway

from sfdoctor.classify import classify
from sfdoctor.errors import UsageError
from sfdoctor.evidence import clues_from_text, normalize
from sfdoctor.knowledge import load
from sfdoctor.models import Explanation
from sfdoctor.redact import redact
from sfdoctor.status import ExitStatus

if TYPE_CHECKING:
    from sfdoctor.output import ReportSource, ReportTarget

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
    reports: tuple[str, ...] = (),
    anonymize: bool = False,
) -> int:
    """Run ``explain`` and return its exit status (0 named, 3 nothing matched, 2 usage).

    ``reports`` (``--report`` paths) are validated before the text is read and written
    after it is explained; ``anonymize`` replaces usernames, ids, hosts and addresses in
    every output.
    """
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    color = stdout.isatty() if color is None else color
    if reports and (list_all or cause):
        raise UsageError(
            "--report writes the explanation of a text; not with --cause or --list",
            hint="sfdoctor explain TEXT --report explain.md",
        )
    targets: tuple[ReportTarget, ...] = ()
    if reports:
        from sfdoctor import output

        targets = output.prepare(reports)
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
    redactor = None
    if anonymize or targets:
        from sfdoctor.redact import Redactor

        # NOTE: the text was redacted before it was classified; this pass anonymizes, and
        # is the belt to those braces for the files. Without either, explain stays lean.
        redactor = Redactor(anonymize=anonymize)
        result = redactor.deep(result)
    if fmt == "json":
        from sfdoctor.render.explain_json import render

        out = render(result)
    else:
        from sfdoctor.render.explain_console import render as render_console

        out = render_console(result, color=color)
    stdout.write(redactor(out) if redactor is not None else out)
    if targets and redactor is not None:
        from sfdoctor import output

        output.write(targets, report_source(result, anonymize=anonymize), redactor)
    return ExitStatus.OK if result.matches else ExitStatus.INCONCLUSIVE


EXCERPT_LINES = 20
EXCERPT_CHARS = 2000


def excerpt(text: str) -> str:
    """The start of the (redacted) input, for the report files: enough to recognise it."""
    cut = "\n".join(text[:EXCERPT_CHARS].splitlines()[:EXCERPT_LINES]).rstrip()
    return cut + ("\n[\u2026]" if len(cut) < len(text.rstrip()) else "")


def report_source(result: Explanation, *, anonymize: bool = False) -> ReportSource:
    """The renderers of the ``explain`` report files (:func:`sfdoctor.output.write`)."""
    from datetime import UTC, datetime

    from sfdoctor import __version__
    from sfdoctor.output import ReportSource
    from sfdoctor.render import explain_console, junit, markdown
    from sfdoctor.render.banner import Banner
    from sfdoctor.render.explain_json import explanation_document

    generated = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    banner = Banner("explain", generated, __version__, anonymize)
    quoted = excerpt(result.text)
    return ReportSource(
        banner,
        document=lambda: explanation_document(result),
        renderables=lambda: [
            *explain_console.input_block(quoted),
            *explain_console.renderables(result),
        ],
        markdown=lambda: markdown.explanation(result, banner, excerpt=quoted),
        junit=lambda: junit.explanation(result, banner),
        failed=bool(result.matches),
    )
