"""``sfdoctor triage``: make sense of a Login History export, offline.

Reads the Setup > Login History download, a ``LoginHistory`` query export or an Event Log
File ``Login`` CSV (plain or gzip, a path or standard input), classifies each distinct
status once through the same knowledge base as ``explain``, counts failures per cause, user,
address, application and day without keeping any row, and reports findings with remediation.

Exit status: 0 no failed login; 1 failures with a named cause; 3 only statuses sfdoctor does
not know; 2 nothing usable in the input (not a CSV, no status column, no rows).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TextIO

from sfdoctor.diagnosis.knowledge import load
from sfdoctor.loginhistory.decoding import decoding_fallbacks
from sfdoctor.loginhistory.errors import InputError
from sfdoctor.loginhistory.header import read_header
from sfdoctor.loginhistory.rows import rows
from sfdoctor.loginhistory.source import Source, open_source
from sfdoctor.loginhistory.summarize import summarize
from sfdoctor.loginhistory.summary import TriageSummary
from sfdoctor.loginhistory.tally import Tally
from sfdoctor.output.progress import ReadProgress
from sfdoctor.redaction import redact

if TYPE_CHECKING:
    from sfdoctor.commands.org_read import Org
    from sfdoctor.output.files import ReportSource

DEFAULT_DAYS = 30
TOP_CONSOLE = 5
TOP_JSON = 20


def triage_file(
    path: str,
    *,
    top: int = TOP_JSON,
    stdin: TextIO | None = None,
    progress: TextIO | None = None,
) -> TriageSummary:
    """Triage the export at ``path`` (``-``: standard input); InputError if nothing is usable.

    ``progress``: a terminal stream to draw a progress bar on, for big files.
    """
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
        tally = Tally(layout, kb)
        tally.feed(rows(source.text, layout, on_long=tally.long_line))
    finally:
        if bar is not None:
            bar.close()
        if path != "-":
            source.text.close()
    return finish(tally, source, top=top)


def triage_org(org: Org, *, top: int = TOP_JSON) -> TriageSummary:
    """Triage the org's LoginHistory of the last ``org.days`` days (read with the admin
    session), as the equivalent query export; InputError when it cannot be read."""
    from sfdoctor.commands.org_read import OrgFailure, login_history

    try:
        source, notes = login_history(org)
    except OrgFailure as exc:
        raise InputError(str(exc)) from None
    layout = read_header(source.text, source.name)
    tally = Tally(layout, load())
    tally.feed(rows(source.text, layout, on_long=tally.long_line))
    return finish(tally, source, top=top, notes=notes)


def finish(
    tally: Tally, source: Source, *, top: int, notes: tuple[str, ...] | list[str] = ()
) -> TriageSummary:
    """The summary of a fed ``tally`` read from ``source`` (an opened
    :class:`~sfdoctor.loginhistory.source.Source`); InputError when nothing was usable.
    ``notes``: more to say about the source (the org's)."""
    layout = tally.layout
    notes = list(notes)
    if layout.header_line > 1:
        notes.append(
            f"the header is on line {layout.header_line}; the lines above it were passed over"
        )
    if source.encoding in ("utf-16-le", "utf-16-be"):
        order = "little" if source.encoding.endswith("le") else "big"
        notes.append(f"read as UTF-16 ({order}-endian): the file has no byte-order mark")
    bad = decoding_fallbacks()
    if bad and source.encoding == "utf-8-sig":
        notes.append(
            f"{bad:,} {'byte was' if bad == 1 else 'bytes were'} not UTF-8 and "
            f"{'was' if bad == 1 else 'were'} read as Windows-1252 (an Excel / Latin-1 export)"
        )
    summary = summarize(tally, tally.kb, source=source.name, top=top, notes=tuple(notes))
    if summary.rows == 0:
        raise InputError(
            f"{source.name}: no login rows"
            + ("" if source.name.startswith("org: ") else " after the header"),
            hint="the org has none in those days (--days widens them); without 'Manage Users' "
            "or 'Monitor Login History' an administrator sees only their own"
            if source.name.startswith("org: ")
            else "the export is empty: widen the Login History view or the query",
        )
    if summary.skipped >= summary.rows:
        reasons = "; ".join(f"{r.value} ({r.count:,})" for r in summary.skipped_reasons[:3])
        raise InputError(
            f"{source.name}: none of the {summary.rows:,} rows could be read: {reasons}",
            hint="is this the export itself, as downloaded? Setup > Login History > Download",
        )
    return summary


def run(
    path: str | None,
    *,
    fmt: str = "console",
    top: int | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    color: bool | None = None,
    reports: tuple[str, ...] = (),
    anonymize: bool = False,
    admin_org: str | None = None,
    env_file: str | None = None,
    environ: Mapping[str, str] | None = None,
    days: int = DEFAULT_DAYS,
) -> int:
    """Run ``triage`` and return its exit status (0, 1 or 3; 2 by :class:`InputError`).

    ``reports`` (``--report`` paths) are validated before the file is read and written once
    it is triaged; ``anonymize`` replaces usernames, ids, hosts and addresses everywhere.
    Without ``path``, the org's LoginHistory of the last ``days`` days is read with the
    administrator's session (``admin_org``, or ``SF_ADMIN_*`` in ``env_file`` or
    ``environ``).
    """
    from sfdoctor.redaction import Redactor
    from sfdoctor.status import UsageError

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    if path is not None and admin_org is not None:
        raise UsageError("triage reads one source: give FILE or --admin-org, not both")
    admin = None
    if path is None:
        from sfdoctor.commands.org_read import NEITHER, session

        admin = session(admin_org, env_file, environ)
        if admin is None:
            raise UsageError(NEITHER)
        if days < 1:
            raise UsageError(f"--days {days}: give a number of days, 1 or more")
    targets: tuple[Any, ...] = ()
    if reports:
        from sfdoctor.output import paths

        targets = paths.prepare(reports, (path, env_file))
    top = top if top is not None else (TOP_JSON if fmt == "json" else TOP_CONSOLE)
    redactor = None
    if anonymize or targets or admin is not None:
        # NOTE: values from the file were redacted when summarised; this pass anonymizes,
        # and is the belt to those braces for the files (and knows the admin token).
        redactor = Redactor(anonymize=anonymize)
    if admin is not None:
        from sfdoctor.commands.org_read import open_org

        assert redactor is not None
        try:
            summary = triage_org(open_org(admin, redactor, days), top=top)
        except InputError as exc:
            raise InputError(redactor(str(exc)), hint=exc.hint) from None
    else:
        assert path is not None
        show_progress = fmt != "json" and stderr.isatty()
        summary = triage_file(
            path, top=top, stdin=stdin, progress=stderr if show_progress else None
        )
    if redactor is not None:
        summary = redactor.deep(summary)
    if fmt == "json":
        from sfdoctor.output.triage_json import render as render_json

        out = render_json(summary)
    else:
        from sfdoctor.output.triage_console import render as render_console

        color = stdout.isatty() if color is None else color
        out = render_console(summary, color=color)
    stdout.write(redactor(out) if redactor is not None else redact(out))
    if targets and redactor is not None:
        from sfdoctor.output import files as output

        output.write(targets, report_source(summary, anonymize=anonymize), redactor)
    return summary.exit_status()


def report_source(summary: TriageSummary, *, anonymize: bool = False) -> ReportSource:
    """The renderers of the ``triage`` report files (:func:`sfdoctor.output.files.write`)."""
    from sfdoctor.output import triage_console, triage_json
    from sfdoctor.output.banner import Banner
    from sfdoctor.output.files import ReportSource
    from sfdoctor.status import ExitStatus

    banner = Banner("triage", summary.generated_at, summary.version, anonymize)
    return ReportSource(
        banner,
        document=lambda: triage_json.document(summary),
        renderables=lambda: triage_console.renderables(summary),
        failed=summary.exit_status() is not ExitStatus.OK,
    )
