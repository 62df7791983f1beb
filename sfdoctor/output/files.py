"""Report files (``--report PATH``): the only module that writes to disk.

Two steps, so that a run which cannot write its reports stops before it sends anything, and
a run which fails or is interrupted leaves nothing behind:

1. :func:`prepare`, first thing in a command: every path is checked (a known extension, an
   existing parent directory we can write to, a path and names the file system accepts, not
   a directory, not another user's file in a sticky directory such as ``/tmp``, not given
   twice) and a problem is a :class:`~sfdoctor.status.UsageError` (exit 2) before any login
   is attempted. Temporary files a killed run left behind are removed (:func:`clean_stale`).
2. :func:`write`, once the run has finished: every format is rendered in memory and passed
   through the run's :class:`~sfdoctor.redaction.Redactor` (the caller passed the result
   through :meth:`~sfdoctor.redaction.Redactor.deep` before rendering; for Markdown, HTML, SVG
   and XML this last pass masks the known secret values only, as a pattern could swallow a
   tag); then each is written to a temporary file in its target's directory (mode 0600,
   flushed to disk; named ``.sfdoctor-<pid>-<random>.tmp``, short whatever the report's
   name, so a name the file system accepts always has room for its temporary) and only
   when all of them are complete are they renamed into place (``os.replace``: atomic, and a
   symlink at the path is replaced, never followed). Any
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

import errno
import os
import re
import stat
import time
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, assert_never

from sfdoctor.output.console import printable
from sfdoctor.status import UsageError

if TYPE_CHECKING:
    from sfdoctor.output.banner import Banner
    from sfdoctor.redaction import Redactor

MODE = 0o600
"""Report files are readable by their owner only: they describe an org's authentication."""
TEMP_PREFIX = ".sfdoctor-"
TEMP_SUFFIX = ".tmp"
_TEMP = re.compile(r"\.sfdoctor-(\d+)-[a-z0-9_]{8}\.tmp")
"""A temporary report file: ``.sfdoctor-<writer's pid>-<8 random characters>.tmp``."""
_RANDOM = re.compile(r"[a-z0-9_]{8}")
"""The random part of a name ``tempfile.mkstemp`` makes."""
STALE_AFTER = 3600.0
"""Seconds after which a temporary file is stale whoever wrote it (another host, a reused pid)."""
DEAD_WRITER_GRACE = 60.0
"""Seconds a temporary file of a writer that is no longer running is left alone; a writer
on another host sharing the directory has a pid that means nothing here, and a report is
written in well under this."""


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
            what = f"'.{printable(ext)}' is not a report format" if ext else "no extension"
            raise UsageError(
                f"--report {printable(path)}: {what}",
                hint=f"the extension chooses the format: {known}",
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
    """Validate ``--report`` paths before anything is attempted (exit 2 on a problem), and
    remove the temporary files a killed run left in their directories."""
    targets: list[ReportTarget] = []
    seen: dict[Path, str] = {}
    for raw in paths or ():
        shown = printable(raw)
        if not raw.strip():
            raise UsageError("--report needs a file name")
        fmt = ReportFormat.of(raw)
        path = Path(raw).expanduser()
        _check(path, shown)
        try:
            key = path.resolve()
        except (OSError, RuntimeError):  # a symlink loop: the check above would have said
            key = path.absolute()
        if key in seen:
            raise UsageError(f"--report {shown}: the same file as --report {seen[key]}")
        seen[key] = shown
        targets.append(ReportTarget(path, fmt))
    by_directory: dict[Path, list[str]] = {}
    for t in targets:
        by_directory.setdefault(t.path.parent, []).append(t.path.name)
    for directory, names in by_directory.items():
        clean_stale(directory, names)
    return tuple(targets)


def _check(path: Path, shown: str) -> None:
    """Everything that would make writing ``path`` fail once the run is over."""
    parent = path.parent
    where = printable(str(parent))
    try:
        dir_stat = os.stat(parent)
    except FileNotFoundError:
        raise UsageError(
            f"--report {shown}: directory '{where}' does not exist",
            hint="create it first; sfdoctor does not create directories",
        ) from None
    except OSError as exc:
        raise UsageError(f"--report {shown}: {_reason(exc, path)}") from None
    if not stat.S_ISDIR(dir_stat.st_mode):
        raise UsageError(f"--report {shown}: '{where}' is not a directory")
    try:
        file_stat: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        file_stat = None
    except OSError as exc:
        raise UsageError(f"--report {shown}: {_reason(exc, path)}") from None
    if file_stat is not None:
        if path.is_dir():  # a directory, or a link to one
            raise UsageError(f"--report {shown}: is a directory")
        # NOTE: a symlink is replaced, never written through: its target's mode is no matter.
        if not stat.S_ISLNK(file_stat.st_mode) and not os.access(path, os.W_OK):
            raise UsageError(f"--report {shown}: the file exists and is not writable")
        euid = _euid()
        if euid is not None and sticky_refuses(dir_stat, file_stat, euid):
            raise UsageError(
                f"--report {shown}: the file belongs to another user (uid {file_stat.st_uid}) "
                f"and '{where}' lets only a file's owner replace it (sticky bit, as in /tmp)",
                hint="choose another file name, or a directory of your own",
            )
    _probe(parent, shown)


def sticky_refuses(dir_stat: os.stat_result, file_stat: os.stat_result, euid: int) -> bool:
    """True when the kernel will refuse to replace the file (``rename`` over it): its
    directory is sticky (``/tmp``) and neither the file nor the directory is ``euid``'s.
    Root (uid 0) may."""
    return (
        euid != 0
        and bool(dir_stat.st_mode & stat.S_ISVTX)
        and file_stat.st_uid != euid
        and dir_stat.st_uid != euid
    )


def _reason(exc: OSError, path: Path) -> str:
    """Why ``path`` cannot be used, in words (the file system's limits, when it is those)."""
    if exc.errno == errno.ENAMETOOLONG:
        name_max, path_max = _limits(path)
        longest = max((len(os.fsencode(part)) for part in path.parts), default=0)
        if longest > name_max:
            return (
                f"a name in the path is {longest:,} bytes long; the file system allows {name_max:,}"
            )
        size = len(os.fsencode(str(path)))
        return f"the path is {size:,} bytes long; the system allows {path_max - 1:,}"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is not a directory"
    if exc.errno == errno.ELOOP:
        return "too many symbolic links in the path"
    return exc.strerror or str(exc)


def _limits(path: Path) -> tuple[int, int]:
    """(NAME_MAX, PATH_MAX) where ``path`` would be, or Linux's when the system will not say."""
    for directory in (path.parent, Path(".")):
        try:
            return (
                os.pathconf(directory, "PC_NAME_MAX"),
                os.pathconf(directory, "PC_PATH_MAX"),
            )
        except (OSError, ValueError):
            continue
    return 255, 4096


def _probe(directory: Path, shown: str) -> None:
    """Create and remove a temporary file in ``directory``, named as :func:`write` will name
    its own: the one sure test that we can write there (``os.access`` says yes to root on a
    read-only file system)."""
    try:
        fd, name = _new_temp(directory)
    except OSError as exc:
        raise UsageError(
            f"--report {shown}: cannot write in '{printable(str(directory))}' "
            f"({_reason(exc, directory / 'x')})"
        ) from None
    os.close(fd)
    os.unlink(name)


def _new_temp(directory: Path) -> tuple[int, str]:
    """A new empty temporary file in ``directory`` (mode 0600, never a symlink followed)."""
    import tempfile

    # NOTE: the name is 25-32 characters whatever the report's name: a report named up to
    # the file system's limit still has a temporary that fits.
    return tempfile.mkstemp(
        dir=directory, prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=TEMP_SUFFIX
    )


def clean_stale(
    directory: Path, names: Iterable[str] = (), *, now: float | None = None
) -> list[str]:
    """Remove the temporary report files in ``directory`` that no run will finish, and
    return their names.

    Only sfdoctor's own, and only regular files of this user: ``.sfdoctor-<pid>-<random>.tmp``
    whose writer is no longer running (and that are older than :data:`DEAD_WRITER_GRACE`),
    or that are older than :data:`STALE_AFTER`; and, for each report name in ``names``, the
    ``.<name>.<random>.tmp`` earlier versions wrote, once older than :data:`STALE_AFTER`
    (their name holds no writer to ask about). Best effort: what cannot be read or removed
    stays.
    """
    now = time.time() if now is None else now
    euid = _euid()
    legacy = {f".{name}." for name in names}
    removed: list[str] = []
    try:
        entries = os.scandir(directory)
    except OSError:
        return removed
    with entries:
        for entry in entries:
            name = entry.name
            if not name.endswith(TEMP_SUFFIX):
                continue
            m = _TEMP.fullmatch(name)
            if m is None and not _is_legacy_temp(name, legacy):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
                if not stat.S_ISREG(st.st_mode) or (euid is not None and st.st_uid != euid):
                    continue
                age = now - st.st_mtime
                dead = m is not None and age > DEAD_WRITER_GRACE and not _running(int(m[1]))
                if age > STALE_AFTER or dead:
                    os.unlink(entry.path)
                    removed.append(name)
            except OSError:
                continue
    return removed


def _is_legacy_temp(name: str, prefixes: set[str]) -> bool:
    """``.<report name>.<8 random characters>.tmp``, as ``tempfile.mkstemp`` named the
    temporaries of sfdoctor 0.1 (``prefix=".<name>."``)."""
    end = len(name) - len(TEMP_SUFFIX)
    head, random_part = name[: end - 8], name[end - 8 : end]
    return head in prefixes and _RANDOM.fullmatch(random_part) is not None


def _euid() -> int | None:
    """This process's effective user id, or None where there is none (Windows)."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid() if geteuid is not None else None


def _running(pid: int) -> bool:
    """Whether a process ``pid`` exists on this machine (True when that cannot be told)."""
    if pid <= 0:
        return False
    if os.name != "posix":
        # NOTE: on Windows os.kill(pid, 0) terminates the process: never ask there.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: someone else's process, so it exists
        return True
    return True


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
    fd, temp = _new_temp(path.parent)
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
