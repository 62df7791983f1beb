"""``sfdoctor explain``: classify a pasted error offline, or show the knowledge base.

Nothing here touches the network. The text is cut to :data:`MAX_SCAN` characters (its start
and its end, cut between words), normalised and redacted before anything else sees it; the
output says when it was cut, and no output holds any of the text but that redacted part, so
none can echo a secret from the paste.
"""

from __future__ import annotations

import sys

from sfdoctor.diagnosis.explain import cut, explain_text
from sfdoctor.diagnosis.knowledge import load
from sfdoctor.status import ExitStatus, UsageError

# NOTE: typing is not imported at run time (start-up budget, bench/startup.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

    from sfdoctor.diagnosis.explain import Cut
    from sfdoctor.models import Explanation
    from sfdoctor.output.files import ReportSource
    from sfdoctor.output.paths import ReportTarget


def _read_input(text: str | None, stdin: TextIO | None) -> str:
    if text is not None and text != "-":
        # A command line that is not UTF-8 arrives with its bad bytes as lone surrogates,
        # which no output can encode: they become U+FFFD, as in a stream.
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        if not text.strip():
            raise UsageError("the text to explain is empty")
        return text
    if stdin is None:  # `explain - <&-`: there is no standard input at all
        raise UsageError("standard input is closed: give the error text as an argument")
    if text is None and stdin.isatty():
        raise UsageError(
            "nothing to explain",
            hint='give the error text: sfdoctor explain "TEXT", '
            "or pipe it: ... | sfdoctor explain -",
        )
    if stdin.isatty():  # a person at the terminal: say how to end the paste
        print(
            "paste the error, then Ctrl-D on a line of its own (Ctrl-Z, Enter on Windows)",
            file=sys.stderr,
            flush=True,
        )
    from sfdoctor.commands.paste_input import read_stream

    return read_stream(stdin)


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
        from sfdoctor.output import paths

        targets = paths.prepare(reports)
    kb = load()
    if list_all or cause:
        if cause:
            try:
                entries = [kb.cause(cause)]
            except KeyError:
                from sfdoctor.commands.suggest import did_you_mean

                known = list(kb.causes)
                hint = did_you_mean(cause, known, "sfdoctor explain --list shows every cause id")
                raise UsageError(f"no cause {cause!r}", hint=hint) from None
        else:
            entries = list(kb.causes.values())
        if fmt == "json":
            from sfdoctor.output.explain_json import render_causes

            stdout.write(render_causes(entries))
        else:
            from sfdoctor.output import explain_console

            out = (
                explain_console.render_cause(entries[0], color=color)
                if cause
                else explain_console.render_list(entries, color=color)
            )
            stdout.write(out)
        return ExitStatus.OK

    kept, was_cut = cut(_read_input(text, stdin))
    if was_cut is not None and text in (None, "-"):
        from sfdoctor.commands.paste_input import last_read

        chars, stopped = last_read()
        was_cut = was_cut._replace(chars=chars, stopped=stopped)
    result = explain_text(kept)
    redactor = None
    if anonymize or targets:
        from sfdoctor.redaction import Redactor

        # NOTE: the text was redacted before it was classified; this pass anonymizes, and
        # is the belt to those braces for the files. Without either, explain stays lean.
        redactor = Redactor(anonymize=anonymize)
        result = redactor.deep(result)
    if fmt == "json":
        from sfdoctor.output.safe_text import json_text

        out = json_text(document(result, was_cut)) + "\n"
    else:
        from sfdoctor.output.explain_console import render as render_console

        out = render_console(result, color=color)
        if was_cut is not None:
            out += f"Note: {was_cut.note}.\n"
    stdout.write(redactor(out) if redactor is not None else out)
    if targets and redactor is not None:
        from sfdoctor.output import files as output

        output.write(targets, report_source(result, anonymize=anonymize, cut=was_cut), redactor)
    return ExitStatus.OK if result.matches else ExitStatus.INCONCLUSIVE


EXCERPT_LINES = 20
EXCERPT_CHARS = 2000


def excerpt(text: str, was_cut: Cut | None = None) -> str:
    """The start of the (redacted) input, for the report files: enough to recognise it."""
    start = "\n".join(text[:EXCERPT_CHARS].splitlines()[:EXCERPT_LINES]).rstrip()
    start += "\n[\u2026]" if len(start) < len(text.rstrip()) else ""
    return start + (f"\n[{was_cut.note}]" if was_cut is not None else "")


def document(result: Explanation, was_cut: Cut | None = None) -> dict[str, Any]:
    """The ``sfdoctor.explain/1`` document, with an ``input`` member when the paste was cut
    (:meth:`Cut.document`)."""
    from sfdoctor.diagnosis.explain import explanation_document

    doc = explanation_document(result)
    if was_cut is not None:
        doc["input"] = was_cut.document()
    return doc


def report_source(
    result: Explanation, *, anonymize: bool = False, cut: Cut | None = None
) -> ReportSource:
    """The renderers of the ``explain`` report files (:func:`sfdoctor.output.files.write`)."""
    from datetime import UTC, datetime

    from sfdoctor import __version__
    from sfdoctor.output import explain_console, junit, markdown
    from sfdoctor.output.banner import Banner
    from sfdoctor.output.files import ReportSource

    generated = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    banner = Banner("explain", generated, __version__, anonymize)
    quoted = excerpt(result.text, cut)
    return ReportSource(
        banner,
        document=lambda: document(result, cut),
        renderables=lambda: [
            *explain_console.input_block(quoted),
            *explain_console.renderables(result),
        ],
        markdown=lambda: markdown.explanation(result, banner, excerpt=quoted),
        junit=lambda: junit.explanation(result, banner),
        failed=bool(result.matches),
    )
