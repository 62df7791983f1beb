"""Report paths that fail only once the logins are done (issue 18, item 2).

Every ``--report`` path that cannot be written is refused before any login (and before
``explain`` or ``triage`` read anything): a clear message, exit 2, never exit 4. The cases:
a name of 245-255 characters (its temporary file's name used to pass the 255 bytes a name
may have, so the run failed after the logins), a longer name, a path over PATH_MAX, a
directory, a missing parent, another user's file in a sticky directory (``/tmp``), and
terminal escape codes in the path (echoed raw). Temporary files a killed run left behind
are removed on the next run: only sfdoctor's own, only stale ones. Reports stay atomic and
0600.
"""

from __future__ import annotations

import io
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sfdoctor.output import files, paths, temps
from sfdoctor.status import ExitStatus, UsageError
from tests.commands import conftest as commands_conftest
from tests.commands.test_check import Org
from tests.conftest import ROOT

PASTE = "INVALID_LOGIN: Invalid username, password, security token; or user locked out."

env = commands_conftest.env  # the fixture: SF_* pointed at the local org


def long_name(length: int, ext: str = "json") -> str:
    """A report file name of exactly ``length`` characters (bytes: ASCII)."""
    return "r" * (length - len(ext) - 1) + "." + ext


def over_path_max(base: Path) -> str:
    """A path longer than PATH_MAX under ``base`` (whose directories need not exist)."""
    path_max = os.pathconf(base, "PC_PATH_MAX") if hasattr(os, "pathconf") else 4096
    depth = path_max // 200 + 2
    return str(base.joinpath(*["d" * 199] * depth, "r.json"))


class _Untouchable(io.StringIO):
    """Standard input that fails the test when it is read."""

    def read(self, *args: object) -> str:
        raise AssertionError("the input was read before the report paths were checked")

    readline = read

    def isatty(self) -> bool:
        return False


@pytest.fixture
def nothing_is_read(monkeypatch: pytest.MonkeyPatch) -> str:
    """Standard input that ``explain -`` and ``triage -`` must not read: the argument."""
    monkeypatch.setattr(sys, "stdin", _Untouchable())
    return "-"


# --- names the file system accepts are written, after the run ---------------------------


@pytest.mark.parametrize("length", [245, 250, 255])
def test_a_name_up_to_the_limit_is_written_after_the_logins(
    run, env, httpserver, tmp_path, length
) -> None:
    Org(httpserver)
    target = tmp_path / long_name(length)
    r = run("check", "--report", str(target))
    assert r.status == ExitStatus.OK, r.err
    assert target.is_file() and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [target.name], "no temporary file left"


@pytest.mark.parametrize("length", [245, 255])
def test_a_name_up_to_the_limit_is_written_by_explain_and_triage(run, tmp_path, length) -> None:
    from tests.commands.test_triage import mixed

    csv_path = tmp_path / "in" / "LoginHistory.csv"
    csv_path.parent.mkdir()
    csv_path.write_text(mixed("setup"), encoding="utf-8", newline="")
    out = tmp_path / "out"
    out.mkdir()
    for ext in ("md", "html", "svg", "xml", "txt"):
        r = run("explain", PASTE, "--report", str(out / long_name(length, ext)))
        assert r.status == ExitStatus.OK, r.err
    r = run("triage", str(csv_path), "--report", str(out / long_name(length, "t.json")))
    assert r.status == ExitStatus.PROBLEM, r.err
    assert len(list(out.iterdir())) == 6
    assert all(not p.name.endswith(".tmp") for p in out.iterdir())


def test_temporary_names_are_short_whatever_the_report_name(tmp_path, monkeypatch) -> None:
    made: list[str] = []
    real = temps.new_temp

    def spy(directory: Path) -> tuple[int, str]:
        fd, name = real(directory)
        made.append(Path(name).name)
        return fd, name

    monkeypatch.setattr(temps, "new_temp", spy)
    from sfdoctor.redaction import Redactor
    from tests.test_output import source

    targets = paths.prepare([str(tmp_path / long_name(255, f.value)) for f in paths.ReportFormat])
    files.write(targets, source(), Redactor())
    assert len(made) == 2 * len(targets), "a probe per report, then one per report"
    assert all(len(name) <= 40 and temps._TEMP.fullmatch(name) for name in made), made


# --- refused before any login, exit 2 -----------------------------------------------------


def bad_paths(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """name -> (path, what the message says)."""
    (tmp_path / "dir.json").mkdir()
    (tmp_path / "file").write_text("", encoding="utf-8")
    return {
        "name too long": (str(tmp_path / long_name(256)), "bytes long"),
        "name far too long": (str(tmp_path / long_name(1000)), "bytes long"),
        "over PATH_MAX": (over_path_max(tmp_path), "bytes long"),
        "directory": (str(tmp_path / "dir.json"), "is a directory"),
        "missing parent": (str(tmp_path / "missing" / "r.json"), "does not exist"),
        "parent is a file": (str(tmp_path / "file" / "r.json"), "not a directory"),
    }


CASES = ["name too long", "name far too long", "over PATH_MAX", "directory", "missing parent"]
CASES.append("parent is a file")


@pytest.mark.parametrize("case", CASES)
def test_check_refuses_a_bad_path_before_any_login(run, env, httpserver, tmp_path, case) -> None:
    path, says = bad_paths(tmp_path)[case]
    Org(httpserver)
    r = run("check", "--report", str(tmp_path / "ok.md"), "--report", path)
    assert r.status == ExitStatus.USAGE, r.err
    assert says in r.err and r.err.startswith("sfdoctor: error: --report ")
    assert "internal error" not in r.err and "Traceback" not in r.err
    assert len(httpserver.log) == 0, "nothing may be sent"
    assert not (tmp_path / "ok.md").exists()


@pytest.mark.parametrize("command", ["explain", "triage"])
@pytest.mark.parametrize("case", CASES)
def test_explain_and_triage_refuse_a_bad_path_before_reading(
    run, tmp_path, nothing_is_read, command, case
) -> None:
    path, says = bad_paths(tmp_path)[case]
    r = run(command, nothing_is_read, "--report", path)
    assert r.status == ExitStatus.USAGE, r.err
    assert says in r.err and "internal error" not in r.err


def test_the_limits_are_said_in_words(tmp_path) -> None:
    with pytest.raises(UsageError) as name:
        paths.prepare([str(tmp_path / long_name(300))])
    assert "a name in the path is 300 bytes long; the file system allows 255" in str(name.value)
    with pytest.raises(UsageError) as path:
        paths.prepare([over_path_max(tmp_path)])
    assert "the path is" in str(path.value) and "the system allows" in str(path.value)


# --- another user's file in a sticky directory ---------------------------------------------


def fake_stat(mode: int, uid: int) -> os.stat_result:
    return os.stat_result((mode, 0, 0, 1, uid, 0, 0, 0, 0, 0))


@pytest.mark.parametrize(
    ("directory", "file", "euid", "refused"),
    [
        (fake_stat(stat.S_IFDIR | 0o1777, 0), fake_stat(stat.S_IFREG | 0o666, 1001), 1000, True),
        (fake_stat(stat.S_IFDIR | 0o1777, 0), fake_stat(stat.S_IFREG | 0o600, 1000), 1000, False),
        (
            fake_stat(stat.S_IFDIR | 0o1777, 1000),
            fake_stat(stat.S_IFREG | 0o666, 1001),
            1000,
            False,
        ),
        (fake_stat(stat.S_IFDIR | 0o0777, 0), fake_stat(stat.S_IFREG | 0o666, 1001), 1000, False),
        (fake_stat(stat.S_IFDIR | 0o1777, 0), fake_stat(stat.S_IFREG | 0o666, 1001), 0, False),
    ],
    ids=["others-in-tmp", "mine-in-tmp", "my-sticky-dir", "not-sticky", "root"],
)
def test_sticky_rule(directory, file, euid, refused) -> None:
    assert paths.sticky_refuses(directory, file, euid) is refused


@pytest.fixture
def someone_elses_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A world-writable file of another user in a sticky directory of a third (root), seen
    by a user who is neither: the kernel will refuse to replace it."""
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("needs root to give a file to another user")
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    theirs = shared / "r.json"
    theirs.write_text("theirs", encoding="utf-8")
    theirs.chmod(0o666)
    os.chown(theirs, 4243, 4243)
    monkeypatch.setattr(os, "geteuid", lambda: 4242)
    return theirs


def test_check_refuses_another_users_file_in_a_sticky_directory_before_any_login(
    run, env, httpserver, someone_elses_file
) -> None:
    Org(httpserver)
    r = run("check", "--report", str(someone_elses_file))
    assert r.status == ExitStatus.USAGE, r.err
    assert "belongs to another user" in r.err and "sticky" in r.err
    assert len(httpserver.log) == 0
    assert someone_elses_file.read_text(encoding="utf-8") == "theirs"


def test_triage_refuses_another_users_file_in_a_sticky_directory(
    run, nothing_is_read, someone_elses_file
) -> None:
    r = run("triage", nothing_is_read, "--report", str(someone_elses_file))
    assert r.status == ExitStatus.USAGE and "belongs to another user" in r.err


# --- a path is shown, never obeyed ----------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "\x1b[2J\x1b[31mred.pdf",  # a bad extension
        "\x1b]8;;https://evil.example\x07x\x1b]8;;\x07/r.json",  # a missing directory
        "bidi\u202enosj.md/r.json",
        "bell\x07\x9b2J/r.json",
    ],
)
def test_escape_codes_in_a_bad_path_are_shown_escaped(run, tmp_path, nothing_is_read, name) -> None:
    r = run("explain", nothing_is_read, "--report", str(tmp_path / name))
    assert r.status == ExitStatus.USAGE
    assert not any(c in r.err for c in "\x1b\x07\x9b\u202e"), repr(r.err)
    assert "\\x1b" in r.err or "\\u202e" in r.err or "\\x07" in r.err


def test_a_triage_file_name_with_escape_codes_is_shown_escaped(run, tmp_path) -> None:
    r = run("triage", str(tmp_path / "\x1b[2Jmissing.csv"))
    assert r.status == ExitStatus.USAGE and "\x1b" not in r.err and "\\x1b[2J" in r.err


# --- temporary files a killed run left behind ------------------------------------------------


def dead_pid() -> int:
    """The pid of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def leave(directory: Path, name: str, *, age: float = 0.0) -> Path:
    path = directory / name
    path.write_text("partial", encoding="utf-8")
    when = time.time() - age
    os.utime(path, (when, when))
    return path


def test_a_write_killed_midway_is_cleaned_on_the_next_run(run, tmp_path) -> None:
    """A real SIGKILL mid-write: the next run with a report in that directory removes it."""
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("no SIGKILL here")
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from sfdoctor.output import temps\n"
        "fd, name = temps.new_temp(Path(sys.argv[1]))\n"
        "os.write(fd, b'half a report')\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=ROOT, check=False)
    assert killed.returncode == -signal.SIGKILL
    (left,) = tmp_path.iterdir()
    assert temps._TEMP.fullmatch(left.name)
    past = time.time() - temps.DEAD_WRITER_GRACE - 5
    os.utime(left, (past, past))

    r = run("explain", PASTE, "--report", str(tmp_path / "r.md"))
    assert r.status == ExitStatus.OK
    assert [p.name for p in tmp_path.iterdir()] == ["r.md"]


def test_only_stale_temporaries_of_sfdoctor_are_removed(tmp_path) -> None:
    mine, gone = os.getpid(), dead_pid()
    hour = temps.STALE_AFTER
    removed = {
        leave(tmp_path, f".sfdoctor-{gone}-abcd_123.tmp", age=120),  # dead writer
        leave(tmp_path, f".sfdoctor-{mine}-zzzzzzzz.tmp", age=hour + 60),  # older than an hour
        leave(tmp_path, ".r.json.k2j4h5g6.tmp", age=hour + 60),  # what sfdoctor 0.1 left
    }
    kept = {
        leave(tmp_path, f".sfdoctor-{mine}-running1.tmp", age=120),  # its writer still runs
        leave(tmp_path, f".sfdoctor-{gone}-justnow1.tmp", age=5),  # within the grace
        leave(tmp_path, ".r.json.k2j4h5g7.tmp", age=120),  # 0.1's, recent
        leave(tmp_path, ".other.json.k2j4h5g6.tmp", age=hour + 60),  # no report of this run
        leave(tmp_path, ".sfdoctor-x-abcdefgh.tmp", age=hour + 60),  # not the pattern
        leave(tmp_path, f".sfdoctor-{gone}-abcdefgh.tmp.bak", age=hour + 60),
        leave(tmp_path, "notes.tmp", age=hour + 60),
    }
    link = tmp_path / f".sfdoctor-{gone}-symlink1.tmp"
    link.symlink_to(tmp_path / "notes.tmp")
    os.utime(link, (time.time() - hour * 2,) * 2, follow_symlinks=False)
    folder = tmp_path / f".sfdoctor-{gone}-folder01.tmp"
    folder.mkdir()
    os.utime(folder, (time.time() - hour * 2,) * 2)

    paths.prepare([str(tmp_path / "r.json")])
    left = set(tmp_path.iterdir())
    assert not removed & left
    assert kept | {link, folder} <= left


def test_another_users_temporaries_are_left_alone(tmp_path) -> None:
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("needs root to give a file to another user")
    theirs = leave(tmp_path, f".sfdoctor-{dead_pid()}-theirs01.tmp", age=temps.STALE_AFTER * 2)
    os.chown(theirs, 4243, 4243)
    assert temps.clean_stale(tmp_path, ["r.json"]) == []
    assert theirs.exists()


def test_an_unreadable_directory_is_no_error_for_the_cleaner(tmp_path) -> None:
    assert temps.clean_stale(tmp_path / "missing") == []
