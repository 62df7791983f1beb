"""``sfdoctor audit``: which integrations break on 2027-02-20 and in Summer '27, offline.

Reads any number of exports, in any mix, each told by its header: Setup > Login History
downloads, ``LoginHistory`` query exports, Event Log Files of type ``Login`` and
``ApiTotalUsage`` (plain or gzip, paths or standard input). Every row is counted into
integrations (user x application x way of logging in) in one bounded pass; each integration
is judged against :mod:`sfdoctor.diagnosis.retirements` and gets the steps that move it off
what is being retired, each ending with the ``sfdoctor check`` that proves the new setup.

Exit status: 0 no integration uses anything being retired; 1 some integration does; 2
nothing usable in the input (no file with the columns audit needs, no rows).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TextIO

from sfdoctor.loginhistory.audit.columns import read_audit_header
from sfdoctor.loginhistory.audit.summarize import summarize
from sfdoctor.loginhistory.audit.summary import AuditSummary
from sfdoctor.loginhistory.audit.tally import AuditTally
from sfdoctor.loginhistory.decoding import decoding_fallbacks
from sfdoctor.loginhistory.errors import InputError
from sfdoctor.loginhistory.source import Source, open_source
from sfdoctor.redaction import redact
from sfdoctor.status import UsageError

if TYPE_CHECKING:
    from sfdoctor.commands.org_read import Org
    from sfdoctor.output.files import ReportSource

TOP_CONSOLE = 10
TOP_JSON = 10


def parse_as_of(value: str | None) -> date:
    """``--as-of YYYY-MM-DD`` as a date (today, UTC, when not given); UsageError otherwise."""
    if value is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"--as-of {value!r} is not a date", hint="give it as YYYY-MM-DD: --as-of 2026-11-30"
        ) from None


def _progress(stream: TextIO | None) -> Any:
    if stream is None:
        return None
    # NOTE: the same progress bar as triage (shown only once a file takes a moment to read).
    from sfdoctor.output.progress import ReadProgress

    return ReadProgress(stream)


def _read(path: str, tally: AuditTally, stdin: TextIO | None, progress: TextIO | None) -> str:
    """Feed one file to ``tally``; its notes (encoding), or InputError when it is unusable."""
    bar = _progress(progress)
    source = open_source(path, stdin, on_read=bar)
    if bar is not None:
        bar.size, bar.name = source.size, source.name
    try:
        try:
            layout = read_audit_header(source.text, source.name)
        except (OSError, EOFError) as exc:
            raise InputError(f"cannot read {source.name}: {exc}") from None
        tally.feed(source.name, layout, source.text)
    finally:
        if bar is not None:
            bar.close()
        if path != "-":
            source.text.close()
    return encoding_note(source)


def encoding_note(source: Source) -> str:
    """The note on how ``source`` was decoded, when that is worth saying ("" otherwise)."""
    if source.encoding in ("utf-16-le", "utf-16-be"):
        return f"{source.name}: read as UTF-16 without a byte-order mark"
    bad = decoding_fallbacks()
    if bad and source.encoding == "utf-8-sig":
        return (
            f"{source.name}: {bad:,} byte runs were not UTF-8 and were read as Windows-1252 "
            "(an Excel / Latin-1 export)"
        )
    return ""


def audit_files(
    paths: tuple[str, ...] | list[str],
    *,
    as_of: date,
    top: int = TOP_CONSOLE,
    stdin: TextIO | None = None,
    progress: TextIO | None = None,
    org: Org | None = None,
) -> AuditSummary:
    """Audit the exports at ``paths`` (``-``: standard input, once); InputError when none of
    them is usable. A file that is unusable while others are is listed with its reason.

    ``org``: also read the org (LoginHistory, Event Log Files) with the admin session; when
    it cannot be read, that is one problem among the files (InputError without files)."""
    if not paths and org is None:
        raise UsageError("give at least one export (or - for standard input)")
    if list(paths).count("-") > 1:
        raise UsageError("standard input (-) can be read once only")
    tally = AuditTally()
    problems: list[tuple[str, str]] = []
    errors: list[InputError] = []
    notes: list[str] = []
    for path in paths:
        try:
            note = _read(path, tally, stdin, progress)
        except InputError as exc:
            from sfdoctor.output.console import printable

            errors.append(exc)
            problems.append(("standard input" if path == "-" else printable(path), str(exc)))
            continue
        if note:
            notes.append(note)
    if org is not None:
        _read_org(org, tally, problems, errors, notes, alone=not paths)
    return finish(
        tally,
        as_of=as_of,
        top=top,
        problems=problems,
        errors=errors,
        notes=notes,
        many=len(paths) + (org is not None) > 1,
    )


def _read_org(
    org: Org,
    tally: AuditTally,
    problems: list[tuple[str, str]],
    errors: list[InputError],
    notes: list[str],
    *,
    alone: bool,
) -> None:
    """Feed the org's LoginHistory and Event Log Files to ``tally``; an org that cannot be
    read is an InputError when it is the only input, else one problem among the files."""
    from sfdoctor.commands.org_read import OrgFailure, event_log_files, login_history

    try:
        history, more = login_history(org)
    except OrgFailure as exc:
        if alone:
            raise InputError(str(exc)) from None
        errors.append(InputError(str(exc)))
        problems.append((org.label, str(exc).removeprefix(f"{org.label}: ")))
        return
    notes.extend(more)
    logs, more = event_log_files(org)
    notes.extend(more)
    for source in (history, *logs):
        try:
            layout = read_audit_header(source.text, source.name)
        except InputError as exc:
            errors.append(exc)
            problems.append((source.name, str(exc)))
            continue
        tally.feed(source.name, layout, source.text)


def finish(
    tally: AuditTally,
    *,
    as_of: date,
    top: int,
    problems: list[tuple[str, str]],
    errors: list[InputError],
    notes: list[str],
    many: bool = False,
) -> AuditSummary:
    """The summary of a fed ``tally``; InputError when nothing in it was usable."""
    if not tally.sources:
        if len(errors) == 1:
            raise errors[0]
        raise InputError(
            f"none of the {len(errors)} files is usable: " + "; ".join(str(e) for e in errors),
            hint=errors[0].hint,
        )
    summary = summarize(tally, as_of=as_of, top=top, problems=tuple(problems), notes=tuple(notes))
    if summary.rows == 0:
        raise InputError(
            "no rows after the header" + (" in any file" if many else ""),
            hint="the export is empty: widen the Login History view, the query or the dates",
        )
    skipped = sum(s.skipped for s in summary.sources)
    if skipped >= summary.rows:
        reasons = "; ".join(
            f"{why} ({n:,})" for s in summary.sources for why, n in s.skipped_reasons[:2]
        )
        raise InputError(
            f"none of the {summary.rows:,} rows could be read: {reasons}",
            hint="is this the export itself, as downloaded?",
        )
    return summary


def run(
    paths: tuple[str, ...] | list[str],
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
    names: Callable[[str], str] | None = None,
    admin_org: str | None = None,
    env_file: str | None = None,
    environ: Mapping[str, str] | None = None,
    days: int = 30,
) -> int:
    """Run ``audit`` and return its exit status (0 or 1; 2 by :class:`InputError`).

    ``reports`` (``--report`` paths) are validated before any file is read and written once
    the audit is done; ``anonymize`` replaces usernames, ids, hosts and addresses everywhere;
    ``names`` shortens the file names shown (the demo shows no temporary directory).
    The org is read too (LoginHistory and Event Log Files of the last ``days`` days) with
    the administrator's session: ``admin_org``, or ``SF_ADMIN_*`` in ``env_file`` or
    ``environ``; ``paths`` may then be empty. With ``paths``, the variables of ``environ``
    are not used (only ``admin_org`` or ``env_file`` read the org too).
    """
    from sfdoctor.commands.org_read import NEITHER, open_org, session
    from sfdoctor.redaction import Redactor

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    # NOTE: with files, the org is read only when asked for here (--admin-org, --env-file):
    # SF_ADMIN_* left in the environment do not turn an offline audit into a network one.
    asked = not paths or admin_org is not None or env_file is not None
    if paths:
        # With files, SF_ADMIN_* in the environment ask for nothing; the rest of it (PATH,
        # HOME) is still how the Salesforce CLI is found and runs (--admin-org ALIAS).
        import os

        from sfdoctor.check.admin_session import TOKEN_VAR, URL_VAR

        base = os.environ if environ is None else environ
        environ = {k: v for k, v in base.items() if k not in (TOKEN_VAR, URL_VAR)}
    admin = session(admin_org, env_file, environ) if asked else None
    if not paths and admin is None:
        raise UsageError(NEITHER)
    if admin is not None and days < 1:
        raise UsageError(f"--days {days}: give a number of days, 1 or more")
    targets: tuple[Any, ...] = ()
    if reports:
        from sfdoctor.output import paths as report_paths

        targets = report_paths.prepare(reports, (*paths, env_file))
    redactor = None
    if anonymize or targets or admin is not None:
        redactor = Redactor(anonymize=anonymize)
    org = open_org(admin, redactor, days) if admin is not None and redactor is not None else None
    try:
        summary = audit_files(
            paths,
            as_of=as_of or parse_as_of(None),
            top=top if top is not None else (TOP_JSON if fmt == "json" else TOP_CONSOLE),
            stdin=stdin,
            progress=stderr if fmt != "json" and stderr.isatty() else None,
            org=org,
        )
    except InputError as exc:
        if redactor is None:
            raise
        raise InputError(redactor(str(exc)), hint=exc.hint) from None
    if names is not None:
        shown = tuple(src._replace(path=names(src.path)) for src in summary.sources)
        summary = summary._replace(sources=shown)
    scrub = redactor if redactor is not None else redact
    # NOTE: values from the files were redacted when summarised; this pass is the belt to
    # those braces (and anonymizes). String by string, each distinct one once: the JSON
    # document repeats its recipes per integration, and redacting its whole text would cost
    # a tenth of the audit of a million rows.
    summary = scrubbed(summary, scrub)
    for s in summary.sources:
        if s.problem:
            stderr.write(scrub(f"sfdoctor: audit: {s.path} not used: {s.problem}\n"))
    for note in summary.notes:
        if note.startswith("org: "):
            stderr.write(f"sfdoctor: audit: {note}\n")  # scrubbed above
    if fmt == "json":
        from sfdoctor.output.audit_json import render as render_json

        out = render_json(summary)  # every string in it went through scrub above
        if summary.dropped_rows:
            stderr.write(
                f"sfdoctor: audit: {summary.dropped_rows:,} rows of "
                f"{summary.dropped_integrations:,} more integrations or versions than sfdoctor "
                "keeps were counted but are not listed\n"
            )
    else:
        from sfdoctor.output.audit_console import render as render_console

        color = stdout.isatty() if color is None else color
        out = scrub(render_console(summary, color=color))
    stdout.write(out)
    if targets and redactor is not None:
        from sfdoctor.output import files as output

        output.write(targets, report_source(summary, anonymize=anonymize), redactor)
    return summary.exit_status()


def scrubbed(summary: AuditSummary, scrub: Callable[[str], str]) -> AuditSummary:
    """``summary`` with every string in it passed through ``scrub`` (a
    :class:`~sfdoctor.redaction.Redactor` or :func:`~sfdoctor.redaction.redact`), each
    distinct string once; records and tuples are rebuilt, numbers and None pass."""
    seen: dict[str, str] = {}

    def one(value: Any) -> Any:
        if isinstance(value, str):
            out = seen.get(value)
            if out is None:
                out = seen[value] = scrub(value)
            return out
        if isinstance(value, tuple) and hasattr(value, "_fields"):
            return type(value)(*(one(v) for v in value))
        if isinstance(value, tuple):
            return tuple(one(v) for v in value)
        return value

    result: AuditSummary = one(summary)
    return result


def report_source(summary: AuditSummary, *, anonymize: bool = False) -> ReportSource:
    """The renderers of the ``audit`` report files (:func:`sfdoctor.output.files.write`)."""
    from sfdoctor.output import audit_console, audit_json
    from sfdoctor.output.banner import Banner
    from sfdoctor.output.files import ReportSource
    from sfdoctor.status import ExitStatus

    banner = Banner("audit", summary.generated_at, summary.version, anonymize)
    return ReportSource(
        banner,
        document=lambda: audit_json.document(summary),
        renderables=lambda: audit_console.renderables(summary),
        failed=summary.exit_status() is not ExitStatus.OK,
    )
