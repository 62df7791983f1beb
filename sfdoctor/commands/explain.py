"""``sfdoctor explain``: classify a pasted error offline, or show the knowledge base.

Nothing here touches the network. The text is cut to :data:`MAX_SCAN` characters (its start
and its end, cut between words), normalised and redacted before anything else sees it; the
output says when it was cut, and no output holds any of the text but that redacted part, so
none can echo a secret from the paste.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO  # loaded by models anyway

from sfdoctor.diagnosis.classify import classify
from sfdoctor.diagnosis.evidence import MAX_SCAN, clues_from_text, normalize
from sfdoctor.diagnosis.knowledge import load
from sfdoctor.errors import UsageError
from sfdoctor.models import Explanation
from sfdoctor.output.redact import redact
from sfdoctor.status import ExitStatus

if TYPE_CHECKING:
    from sfdoctor.output.files import ReportSource, ReportTarget


class Cut(NamedTuple):
    """How much of a paste was searched, when it was longer than :data:`MAX_SCAN`."""

    chars: int
    """The length of the paste, in characters."""
    searched: int
    """How many of its characters were kept (its start and its end)."""

    @property
    def note(self) -> str:
        """One line for the output."""
        return (
            f"the input is {_kib(self.chars)}; only its first and last "
            f"{_kib(self.searched // 2)} were searched"
        )

    def document(self) -> dict[str, Any]:
        """The ``input`` member of the JSON document."""
        return {
            "truncated": True,
            "chars": self.chars,
            "searched_chars": self.searched,
            "note": self.note,
        }


def _kib(chars: int) -> str:
    return f"{chars / 1024:,.0f} KB"


CUT_MARK = "\n[\u2026]\n"


def cut(text: str, limit: int = MAX_SCAN) -> tuple[str, Cut | None]:
    """``text`` if it is at most ``limit`` characters, else its start and its end joined by
    :data:`CUT_MARK` (an error is near the top of a log or at its bottom).

    NOTE: the end part is what needs care: cut inside a secret, it would begin with the
    rest of the value without its field name, which no pattern can tell from text. So it
    begins at a line (or a word, or a field) boundary near the cut, and after the end of a
    private key whose start was cut off; with no boundary near, it is left out. The start
    part needs no such care: a value cut off by the end of the text is masked to the end.
    """
    if len(text) <= limit:
        return text, None
    half = limit // 2
    window = min(4096, half // 4)
    head = text[:half]
    for sep in ("\n", " ", "\t"):
        at = head.rfind(sep, half - window)
        if at > 0:
            head = head[:at]
            break
    tail = text[-half:]
    for seps in ("\n", " \t", ",;&>"):
        found = [i for i in (tail.find(sep, 0, window) for sep in seps) if i >= 0]
        if found:
            tail = tail[min(found) + 1 :]
            break
    else:
        tail = ""
    pem_end = tail.find("PRIVATE KEY-----")
    if 0 <= pem_end < tail.find("-----BEGIN") or (pem_end >= 0 and "-----BEGIN" not in tail):
        line_end = tail.find("\n", pem_end)
        tail = "" if line_end < 0 else tail[line_end + 1 :]
    return head + CUT_MARK + tail, Cut(len(text), len(head) + len(tail))


def explain_text(text: str) -> Explanation:
    """Classify ``text`` (any paste: body, exception, log, status string); pure.

    Only the first and last :data:`MAX_SCAN` / 2 characters are searched (:func:`cut`).
    """
    kb = load()
    clean = redact(normalize(cut(text)[0]))
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
        from sfdoctor.output import files as output

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
    result = explain_text(kept)
    redactor = None
    if anonymize or targets:
        from sfdoctor.output.redact import Redactor

        # NOTE: the text was redacted before it was classified; this pass anonymizes, and
        # is the belt to those braces for the files. Without either, explain stays lean.
        redactor = Redactor(anonymize=anonymize)
        result = redactor.deep(result)
    if fmt == "json":
        import json

        out = json.dumps(document(result, was_cut), indent=2, ensure_ascii=False) + "\n"
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
    from sfdoctor.output.explain_json import explanation_document

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
