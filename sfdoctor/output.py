"""Report files (``--report PATH``): the only module that writes to disk.

Two steps, so that a run which cannot write its reports stops before it sends anything, and
a run which fails or is interrupted leaves nothing behind:

1. :func:`prepare`, first thing in a command: every path is checked (a known extension, an
   existing parent directory we can write to, not a directory, not given twice) and a
   problem is a :class:`~sfdoctor.errors.UsageError` (exit 2) before any login is attempted.
2. :func:`write`, once the run has finished: every format is rendered in memory and passed
   through the run's :class:`~sfdoctor.redact.Redactor` (the caller passed the result
   through :meth:`~sfdoctor.redact.Redactor.deep` before rendering; for Markdown, HTML, SVG
   and XML this last pass masks the known secret values only, as a pattern could swallow a
   tag); then each is written to a temporary file in its target's directory (mode 0600,
   flushed to disk) and only when all of them are complete are they renamed into place
   (``os.replace``: atomic, and a symlink at the path is replaced, never followed). Any
   failure removes the temporary files.

Giving a command ``--report`` (how ``check`` and ``explain`` do it; ``triage`` the same)::

    # sfdoctor/cli.py, where the subcommand is defined: --report PATH (repeatable), --anonymize
    _add_report_options(triage)

    # the command: validate before doing anything, write after everything
    targets = output.prepare(paths)
    ...
    redactor = Redactor(secrets, anonymize=anonymize)
    result = redactor.deep(result)
    output.write(targets, output.ReportSource(banner, document=..., renderables=...), redactor)

A :class:`ReportSource` needs a JSON document and rich renderables (text, HTML and SVG come
from those); Markdown and JUnit renderers are optional: without them the Markdown report is
the text report in a code block and the JUnit report one test case carrying it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, assert_never

from sfdoctor.errors import UsageError

if TYPE_CHECKING:
    from sfdoctor.redact import Redactor
    from sfdoctor.render.banner import Banner

MODE = 0o600
"""Report files are readable by their owner only: they describe an org's authentication."""


class ReportFormat(StrEnum):
    """The report formats, named by the file extension that selects them."""

    JSON = "json"
    TEXT = "txt"
    MARKDOWN = "md"
    HTML = "html"
    SVG = "svg"
    JUNIT = "xml"

    @property
    def escaped(self) -> bool:
        """Markdown, HTML, SVG, XML: formats that escape text and wrap it in syntax, where
        only known values are masked after rendering (a pattern could swallow a tag or a
        closing backtick); the report was redacted whole before it was rendered."""
        return self in (
            ReportFormat.MARKDOWN,
            ReportFormat.HTML,
            ReportFormat.SVG,
            ReportFormat.JUNIT,
        )

    @classmethod
    def of(cls, path: str) -> ReportFormat:
        """The format ``path``'s extension selects; a :class:`UsageError` for any other."""
        ext = Path(path).suffix.lower().lstrip(".")
        try:
            return cls(ext)
        except ValueError:
            known = ", ".join(f".{f.value}" for f in cls)
            what = f"'.{ext}' is not a report format" if ext else "no extension"
            raise UsageError(
                f"--report {path}: {what}", hint=f"the extension chooses the format: {known}"
            ) from None


class ReportTarget(NamedTuple):
    """One validated ``--report`` path and its format."""

    path: Path
    format: ReportFormat


class ReportSource(NamedTuple):
    """What a command hands to :func:`write`: the banner and a renderer per format.

    Every renderer is pure and called only when its format was asked for.
    """

    banner: Banner
    document: Callable[[], dict[str, Any]]
    """The ``--format json`` document (the banner is added as its ``report`` object)."""
    renderables: Callable[[], list[Any]]
    """The console report as rich renderables (the banner is put before them)."""
    markdown: Callable[[], str] | None = None
    junit: Callable[[], str] | None = None
    failed: bool = False
    """For the fallback JUnit report: whether its one test case fails."""


def prepare(paths: Iterable[str] | None) -> tuple[ReportTarget, ...]:
    """Validate ``--report`` paths before anything is attempted (exit 2 on a problem)."""
    targets: list[ReportTarget] = []
    seen: dict[Path, str] = {}
    for raw in paths or ():
        if not raw.strip():
            raise UsageError("--report needs a file name")
        fmt = ReportFormat.of(raw)
        path = Path(raw).expanduser()
        parent = path.parent
        if not parent.is_dir():
            raise UsageError(
                f"--report {raw}: directory {str(parent)!r} does not exist",
                hint="create it first; sfdoctor does not create directories",
            )
        if path.is_dir():
            raise UsageError(f"--report {raw}: is a directory")
        if path.exists() and not os.access(path, os.W_OK):
            raise UsageError(f"--report {raw}: the file exists and is not writable")
        _probe(parent, raw)
        key = path.resolve()
        if key in seen:
            raise UsageError(f"--report {raw}: the same file as --report {seen[key]}")
        seen[key] = raw
        targets.append(ReportTarget(path, fmt))
    return tuple(targets)


def _probe(directory: Path, raw: str) -> None:
    """Create and remove a file in ``directory``: the one sure test that we can write there
    (``os.access`` says yes to root on a read-only file system)."""
    import tempfile

    try:
        fd, name = tempfile.mkstemp(dir=directory, prefix=".sfdoctor-probe-")
    except OSError as exc:
        raise UsageError(
            f"--report {raw}: cannot write in {str(directory)!r} ({exc.strerror or exc})"
        ) from None
    os.close(fd)
    os.unlink(name)


def render(fmt: ReportFormat, source: ReportSource) -> str:
    """The report in ``fmt`` (not yet redacted: :func:`write` does that)."""
    from sfdoctor.render import export

    banner = source.banner
    match fmt:
        case ReportFormat.JSON:
            return json_text(source.document(), banner)
        case ReportFormat.TEXT:
            return export.to_text([*banner.renderables(), *source.renderables()])
        case ReportFormat.MARKDOWN:
            if source.markdown is not None:
                return source.markdown()
            return _markdown_fallback(source)
        case ReportFormat.HTML:
            return export.to_html(
                [*banner.renderables(), *source.renderables()], title=banner.title
            )
        case ReportFormat.SVG:
            return export.to_svg([*banner.renderables(), *source.renderables()], title=banner.title)
        case ReportFormat.JUNIT:
            if source.junit is not None:
                return source.junit()
            return _junit_fallback(source)
        case _:
            assert_never(fmt)


def json_text(document: dict[str, Any], banner: Banner) -> str:
    """``document`` with the banner as a ``report`` object right after ``schema``."""
    import json

    doc = dict(document)
    out: dict[str, Any] = {}
    if "schema" in doc:
        out["schema"] = doc.pop("schema")
    out["report"] = banner.document()
    out.update(doc)
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"


def _markdown_fallback(source: ReportSource) -> str:
    from sfdoctor.render import export
    from sfdoctor.render.markdown import text

    banner = source.banner
    body = export.to_text(source.renderables()).rstrip("\n")
    fence = "````" if "```" in body else "```"
    return (
        f"# {text(banner.title)}\n\n> **{text(banner.notice)}**\n\n{text(banner.generated)}\n\n"
        f"{fence}text\n{body}\n{fence}\n"
    )


def _junit_fallback(source: ReportSource) -> str:
    from xml.etree.ElementTree import Element, SubElement, indent, tostring

    from sfdoctor.render import export

    banner = source.banner
    body = export.to_text(source.renderables())
    suite = Element("testsuite", name=f"sfdoctor {banner.command}", tests="1", skipped="0")
    suite.set("failures", "1" if source.failed else "0")
    suite.set("errors", "0")
    props = SubElement(suite, "properties")
    for key, value in banner.document().items():
        SubElement(props, "property", name=f"sfdoctor.{key}", value=str(value))
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
        raise UsageError(f"cannot write report {current}: {exc.strerror or exc}") from None
    finally:
        for temp, _ in temps:
            try:
                os.unlink(temp)
            except FileNotFoundError:
                pass


def _write_temp(path: Path, text: str) -> str:
    """``text`` in a new 0600 file next to ``path``, flushed to disk; its name."""
    import tempfile

    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
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
