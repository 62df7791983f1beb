"""The temporary files reports are written through: named, created, and cleaned up.

A report is first written to ``.sfdoctor-<pid>-<random>.tmp`` in its target's directory (mode
0600; short whatever the report's name, so a name the file system accepts always has room for
its temporary), then renamed into place (:func:`sfdoctor.output.files.write`). A run killed in
between leaves its temporary behind; the next run with a report in that directory removes it
(:func:`clean_stale`).
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Iterable
from pathlib import Path

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


def new_temp(directory: Path) -> tuple[int, str]:
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
    euid = effective_uid()
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


def effective_uid() -> int | None:
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
