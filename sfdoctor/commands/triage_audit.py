"""``sfdoctor triage FILE --audit``: one read of the export feeds both tallies.

The rows are read once (one ``csv.reader`` over the opened file): the audit tally pulls them
in its pass, and every :data:`CHUNK` rows (and at the end) the rows just read are handed to
the triage tally, so memory stays bounded by a chunk. A malformed record or a read error is
replayed to triage where it happened, so both count the file as their own pass would.

Console: the triage report, then the audit report. ``--format json``: one object,
``{"schema": "sfdoctor.triage-audit/1", "triage": <sfdoctor.triage document>, "audit":
<sfdoctor.audit document>}``. Report files hold both. Exit status: 1 when either finds a
problem (failed logins with a known cause, or an integration hit by a retirement), else 3
when triage only saw unknown statuses, else 0; 2 when the file is unusable for either.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

from sfdoctor.commands import audit, triage
from sfdoctor.diagnosis.knowledge import load
from sfdoctor.loginhistory.audit.columns import NEEDS, audit_layout
from sfdoctor.loginhistory.audit.summary import AuditSummary
from sfdoctor.loginhistory.audit.tally import AuditTally
from sfdoctor.loginhistory.errors import InputError
from sfdoctor.loginhistory.header import read_header
from sfdoctor.loginhistory.rows import rows
from sfdoctor.loginhistory.source import open_source
from sfdoctor.loginhistory.summary import TriageSummary
from sfdoctor.loginhistory.tally import Tally
from sfdoctor.output.progress import ReadProgress
from sfdoctor.redaction import redact
from sfdoctor.status import ExitStatus

if TYPE_CHECKING:
    from sfdoctor.output.files import ReportSource

SCHEMA = "sfdoctor.triage-audit/1"
CHUNK = 4096
"""Rows handed to the triage tally at a time."""


class _Replay:
    """The rows of one chunk for the triage tally; an exception stored in it is raised
    where it happened (the tally counts it and reads on, as with a ``csv.reader``)."""

    def __init__(self, items: list[Any]) -> None:
        self._it = iter(items)

    def __iter__(self) -> Iterator[list[str]]:
        return self

    def __next__(self) -> list[str]:
        item = next(self._it)
        if isinstance(item, BaseException):
            raise item
        row: list[str] = item
        return row


class _Tee:
    """The rows of the one reader, for the audit tally; each chunk also goes to ``sink``."""

    def __init__(self, reader: Iterator[list[str]], sink: Callable[[_Replay], None]) -> None:
        self._reader = reader
        self._sink = sink
        self._buf: list[Any] = []

    def __iter__(self) -> Iterator[list[str]]:
        return self

    def _flush(self) -> None:
        if self._buf:
            chunk, self._buf = self._buf, []
            self._sink(_Replay(chunk))

    def __next__(self) -> list[str]:
        try:
            row = next(self._reader)
        except StopIteration:
            self._flush()
            raise
        except Exception as exc:  # csv.Error (read on), EOFError / OSError (the end)
            self._buf.append(exc)
            if not isinstance(exc, csv.Error):
                self._flush()
            raise
        self._buf.append(row)
        if len(self._buf) >= CHUNK:
            self._flush()
        return row


def read_both(
    path: str,
    *,
    as_of: date,
    top_triage: int,
    top_audit: int,
    stdin: TextIO | None = None,
    progress: TextIO | None = None,
) -> tuple[TriageSummary, AuditSummary]:
    """Triage and audit the export at ``path`` in one read; InputError if either has
    nothing usable in it."""
    kb = load()
    bar = ReadProgress(progress) if progress is not None else None
    source = open_source(path, stdin, on_read=bar)
    if bar is not None:
        bar.size, bar.name = source.size, source.name
    try:
        try:
            layout = read_header(source.text, source.name)
        except (OSError, EOFError) as exc:
            raise InputError(f"cannot read {source.name}: {exc}") from None
        wide = audit_layout(list(layout.header), layout.delimiter, layout.header_line)
        if wide is None:
            raise InputError(
                f"{source.name}: none of the columns audit needs; needs {NEEDS}",
                hint="drop --audit, or export Login History with the Login Subtype, API Type "
                "and API Version columns",
            )
        tally = Tally(layout, kb)
        longs = 0

        def on_long() -> None:
            nonlocal longs
            longs += 1
            tally.long_line()

        both = AuditTally()
        reader = rows(source.text, layout, on_long=on_long)
        src = both.feed(source.name, wide, source.text, records=_Tee(reader, tally.feed))
        for _ in range(longs):
            both.long_line(src)
    finally:
        if bar is not None:
            bar.close()
        if path != "-":
            source.text.close()
    note = audit.encoding_note(source)
    triaged = triage.finish(tally, source, top=top_triage)
    audited = audit.finish(
        both, as_of=as_of, top=top_audit, problems=[], errors=[], notes=[note] if note else []
    )
    return triaged, audited


def exit_status(t: TriageSummary, a: AuditSummary) -> ExitStatus:
    """1 when either found a problem; else 3 when triage knew none of the failures; else 0."""
    statuses = (t.exit_status(), a.exit_status())
    if ExitStatus.PROBLEM in statuses:
        return ExitStatus.PROBLEM
    return max(statuses)


def document(t: TriageSummary, a: AuditSummary) -> dict[str, Any]:
    """The ``--format json`` object: both documents under their command's name."""
    from sfdoctor.output import audit_json, triage_json

    return {"schema": SCHEMA, "triage": triage_json.document(t), "audit": audit_json.document(a)}


def run(
    path: str,
    *,
    fmt: str = "console",
    as_of: date | None = None,
    top: int | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    color: bool | None = None,
    reports: tuple[str, ...] = (),
    anonymize: bool = False,
) -> int:
    """Run ``triage --audit`` and return its exit status (:func:`exit_status`)."""
    from sfdoctor.output.safe_text import json_text

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    targets: tuple[Any, ...] = ()
    if reports:
        from sfdoctor.output import paths

        targets = paths.prepare(reports, (path,))
    json_out = fmt == "json"
    t, a = read_both(
        path,
        as_of=as_of or audit.parse_as_of(None),
        top_triage=top
        if top is not None
        else (triage.TOP_JSON if json_out else triage.TOP_CONSOLE),
        top_audit=top if top is not None else (audit.TOP_JSON if json_out else audit.TOP_CONSOLE),
        stdin=stdin,
        progress=stderr if not json_out and stderr.isatty() else None,
    )
    redactor = None
    if anonymize or targets:
        from sfdoctor.redaction import Redactor

        redactor = Redactor(anonymize=anonymize)  # one for both: the same name, the same alias
        t = redactor.deep(t)
    scrub = redactor if redactor is not None else redact
    a = audit.scrubbed(a, scrub)
    if json_out:
        out = json_text(document(t, a)) + "\n"
    else:
        from sfdoctor.output import audit_console, triage_console

        color = stdout.isatty() if color is None else color
        out = triage_console.render(t, color=color) + "\n" + audit_console.render(a, color=color)
    stdout.write(scrub(out))
    if targets and redactor is not None:
        from sfdoctor.output import files as output

        output.write(targets, report_source(t, a, anonymize=anonymize), redactor)
    return exit_status(t, a)


def report_source(t: TriageSummary, a: AuditSummary, *, anonymize: bool = False) -> ReportSource:
    """The renderers of the ``triage --audit`` report files: triage, then audit."""
    from sfdoctor.output import audit_console, triage_console
    from sfdoctor.output.banner import Banner
    from sfdoctor.output.files import ReportSource

    banner = Banner("triage", t.generated_at, t.version, anonymize)
    return ReportSource(
        banner,
        document=lambda: document(t, a),
        renderables=lambda: triage_console.renderables(t) + audit_console.renderables(a),
        failed=exit_status(t, a) is not ExitStatus.OK,
    )
