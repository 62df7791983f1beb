"""Report files (``--report PATH``): rendered per format, redacted, written atomically.

Two steps, so that a run which cannot write its reports stops before it sends anything, and
a run which fails or is interrupted leaves nothing behind:

1. :func:`sfdoctor.output.paths.prepare`, first thing in a command: every path is checked and
   a problem is a :class:`~sfdoctor.status.UsageError` (exit 2) before any login is
   attempted; temporary files a killed run left behind are removed.
2. :func:`write`, once the run has finished: every format is rendered in memory and passed
   through the run's :class:`~sfdoctor.redaction.Redactor` (the caller passed the result
   through :meth:`~sfdoctor.redaction.Redactor.deep` before rendering; for Markdown, HTML, SVG
   and XML this last pass masks the known secret values only, as a pattern could swallow a
   tag); then each is written to a temporary file in its target's directory (mode 0600,
   flushed to disk; see :mod:`sfdoctor.output.temps`) and only when all of them are complete
   are they renamed into place (``os.replace``: atomic, and a symlink at the path is
   replaced, never followed). Any failure removes the temporary files.

Giving a command ``--report`` (how ``check`` and ``explain`` do it; ``triage`` the same)::

    # sfdoctor/cli.py, where the subcommand is defined: --report PATH (repeatable), --anonymize
    _add_report_options(triage)

    # the command: validate before doing anything, write after everything
    targets = paths.prepare(args.report)
    ...
    redactor = Redactor(secrets, anonymize=anonymize)
    result = redactor.deep(result)
    files.write(targets, files.ReportSource(banner, document=..., renderables=...), redactor)

A :class:`ReportSource` needs a JSON document and rich renderables. The text report is the
renderables; the HTML report (:mod:`sfdoctor.output.html_report`) and the SVG summary screen
(:mod:`sfdoctor.output.summary`) open with a summary card read from the document, then show
``check``'s sections or the renderables. Markdown and JUnit renderers are optional: without
them the Markdown report is the text report in a code block and the JUnit report one test
case carrying it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, assert_never

from sfdoctor.output import temps
from sfdoctor.output.console import printable
from sfdoctor.output.paths import ReportFormat, ReportTarget
from sfdoctor.status import UsageError

if TYPE_CHECKING:
    from sfdoctor.output.banner import Banner
    from sfdoctor.redaction import Redactor

MODE = 0o600
"""Report files are readable by their owner only: they describe an org's authentication."""


class ReportSource(NamedTuple):
    """What a command hands to :func:`write`: the banner and a renderer per format.

    Every renderer is pure and called only when its format was asked for.
    """

    banner: Banner
    document: Callable[[], dict[str, Any]]
    """The ``--format json`` document (the banner is added as its ``report`` object)."""
    renderables: Callable[[], list[Any]]
    """The console report as rich renderables (the banner is put before them): the text
    report, and the body of the HTML report of a command other than ``check``."""
    markdown: Callable[[], str] | None = None
    junit: Callable[[], str] | None = None
    failed: bool = False
    """For the fallback JUnit report: whether its one test case fails."""


def render(fmt: ReportFormat, source: ReportSource) -> str:
    """The report in ``fmt`` (not yet redacted: :func:`write` does that)."""
    from sfdoctor.output import export

    banner = source.banner
    match fmt:
        case ReportFormat.JSON:
            return json_text(source.document(), banner)
        case ReportFormat.TEXT:
            return export.to_text([*banner.renderables(), *source.renderables()])
        case ReportFormat.MARKDOWN:
            from sfdoctor.output.console import UNSAFE

            md = source.markdown() if source.markdown is not None else _markdown_fallback(source)
            # NOTE: `cat report.md` or a terminal-backed ticket tool would run a paste's or a
            # server's escape sequences (a hidden link, a cleared screen): the text, .html and
            # .svg reports never hold them, and neither does this one.
            return str(UNSAFE.sub("\ufffd", md))
        case ReportFormat.HTML:
            from sfdoctor.output import html_report

            return html_report.render(source.document(), banner, source.renderables)
        case ReportFormat.SVG:
            from sfdoctor.output import summary

            screen = summary.screen(source.document(), banner, source.renderables)
            return export.to_svg(screen, title=banner.title)
        case ReportFormat.JUNIT:
            if source.junit is not None:
                return source.junit()
            return _junit_fallback(source)
        case _:
            assert_never(fmt)


def json_text(document: dict[str, Any], banner: Banner) -> str:
    """``document`` with the banner as a ``report`` object right after ``schema``."""
    from sfdoctor.output.safe_text import json_text

    doc = dict(document)
    out: dict[str, Any] = {}
    if "schema" in doc:
        out["schema"] = doc.pop("schema")
    out["report"] = banner.document()
    out.update(doc)
    return json_text(out) + "\n"


def _markdown_fallback(source: ReportSource) -> str:
    from sfdoctor.output import export
    from sfdoctor.output.markdown import text

    banner = source.banner
    body = export.to_text(source.renderables()).rstrip("\n")
    # NOTE: the body holds text from input: a fence longer than any run of backticks in it,
    # so no line of it can close the block and be read as Markdown (or HTML).
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", body)), default=0) + 1)
    return (
        f"# {text(banner.title)}\n\n> **{text(banner.notice)}**\n\n{text(banner.generated)}\n\n"
        f"{fence}text\n{body}\n{fence}\n"
    )


def _junit_fallback(source: ReportSource) -> str:
    from xml.etree.ElementTree import Element, SubElement, indent, tostring

    from sfdoctor.output import export
    from sfdoctor.output.junit import xml_safe

    banner = source.banner
    body = xml_safe(export.to_text(source.renderables()))
    suite = Element("testsuite", name=f"sfdoctor {banner.command}", tests="1", skipped="0")
    suite.set("failures", "1" if source.failed else "0")
    suite.set("errors", "0")
    props = SubElement(suite, "properties")
    for key, value in banner.document().items():
        SubElement(props, "property", name=f"sfdoctor.{key}", value=xml_safe(str(value)))
    case = SubElement(suite, "testcase", classname=f"sfdoctor.{banner.command}", name="report")
    if source.failed:
        SubElement(case, "failure", type="report", message=banner.title).text = body
    else:
        SubElement(case, "system-out").text = body
    indent(suite, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(suite, encoding="unicode") + "\n"


def write(targets: Iterable[ReportTarget], source: ReportSource, redactor: Redactor) -> None:
    """Render, redact and write every report, atomically, mode 0600 (see the module doc).

    Call it once the run has finished. Raises :class:`UsageError` (exit 2) when a file
    cannot be written after all; no temporary file is left behind in any case.
    """
    rendered = [
        (t, (redactor.known if t.format.escaped else redactor)(render(t.format, source)))
        for t in targets
    ]
    temps: list[tuple[str, ReportTarget]] = []
    current: Path | None = None
    try:
        for target, text in rendered:
            current = target.path
            temps.append((_write_temp(target.path, text), target))
        for temp, target in temps:
            current = target.path
            os.replace(temp, target.path)
        temps.clear()
    except OSError as exc:
        where = printable(str(current))
        raise UsageError(f"cannot write report {where}: {exc.strerror or exc}") from None
    finally:
        for temp, _ in temps:
            try:
                os.unlink(temp)
            except FileNotFoundError:
                pass


def _write_temp(path: Path, text: str) -> str:
    """``text`` in a new 0600 file next to ``path``, flushed to disk; its name."""
    fd, temp = temps.new_temp(path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            os.fchmod(f.fileno(), MODE)  # mkstemp makes 0600 already; say so where it matters
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        os.unlink(temp)
        raise
    return temp
