"""What ``--report PATH`` accepts, decided before any run (:func:`prepare`).

Every path is checked first thing in a command — a known extension, an existing parent
directory we can write to, a path and names the file system accepts, not a directory, not
another user's file in a sticky directory such as ``/tmp``, not given twice — and a problem
is a :class:`~sfdoctor.status.UsageError` (exit 2) before any login is attempted, so a run
which cannot write its reports stops before it sends anything. Temporary files a killed run
left in those directories are removed (:func:`sfdoctor.output.temps.clean_stale`).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from sfdoctor.output import temps
from sfdoctor.output.console import printable
from sfdoctor.status import UsageError


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
            return cls(_ALIASES.get(ext, ext))
        except ValueError:
            known = ", ".join(f".{f.value}" for f in cls)
            what = f"'.{printable(ext)}' is not a report format" if ext else "no extension"
            raise UsageError(
                f"--report {printable(path)}: {what}",
                hint=f"the extension chooses the format: {known}",
            ) from None


_ALIASES = {"htm": "html"}
"""Other extensions people give a format: ``report.htm`` is HTML."""


class ReportTarget(NamedTuple):
    """One validated ``--report`` path and its format."""

    path: Path
    format: ReportFormat


def prepare(
    paths: Iterable[str] | None, inputs: Iterable[str | None] = ()
) -> tuple[ReportTarget, ...]:
    """Validate ``--report`` paths before anything is attempted (exit 2 on a problem), and
    remove the temporary files a killed run left in their directories.

    ``inputs``: the files the run reads (an env file, a key file, exports). A report never
    replaces one of them: ``--env-file creds.txt --report creds.txt`` once lost the
    credentials file.
    """
    targets: list[ReportTarget] = []
    seen: dict[Path, str] = {}
    read: dict[Path, str] = {}
    for given in inputs:
        if given and given != "-":
            try:
                read[Path(given).expanduser().resolve()] = printable(given)
            except (OSError, RuntimeError):
                pass
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
        if key in read:
            raise UsageError(
                f"--report {shown}: this run reads that file ({read[key]}); a report would "
                "replace it"
            )
        if key in seen:
            raise UsageError(f"--report {shown}: the same file as --report {seen[key]}")
        seen[key] = shown
        targets.append(ReportTarget(path, fmt))
    by_directory: dict[Path, list[str]] = {}
    for t in targets:
        by_directory.setdefault(t.path.parent, []).append(t.path.name)
    for directory, names in by_directory.items():
        temps.clean_stale(directory, names)
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
        euid = temps.effective_uid()
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
    """Create and remove a temporary file in ``directory``, named as the report's own will
    be (:func:`~sfdoctor.output.temps.new_temp`): the one sure test that we can write there
    (``os.access`` says yes to root on a read-only file system)."""
    try:
        fd, name = temps.new_temp(directory)
    except OSError as exc:
        raise UsageError(
            f"--report {shown}: cannot write in '{printable(str(directory))}' "
            f"({_reason(exc, directory / 'x')})"
        ) from None
    os.close(fd)
    os.unlink(name)
