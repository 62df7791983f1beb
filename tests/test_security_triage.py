"""Hostile Login History exports (issue 18, item 3).

- A one-line gzip bomb (a few MB compressed, gigabytes of one line without a newline) took
  ``triage`` past 2 GB: a line is read at most :data:`~sfdoctor.loginhistory.rows.MAX_LINE`
  characters at a time and a longer one is skipped, counted with a reason. Memory stays
  flat: checked with tracemalloc on a generated line of tens of MB.
- UTF-16 exports without a byte-order mark were refused as binary: they are told by their
  NUL bytes and read.
- Ten distinct 40 KB statuses made triage crawl (each classified and redacted whole): a
  status is cut before it is classified, classified once per distinct status, and a value
  is redacted no further than :data:`~sfdoctor.loginhistory.display.REDACT_WINDOW`.
"""

from __future__ import annotations

import gzip
import json
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from sfdoctor.commands.triage import triage_file
from sfdoctor.loginhistory.decoding import bomless_utf16
from sfdoctor.loginhistory.display import REDACT_WINDOW
from sfdoctor.loginhistory.errors import InputError
from sfdoctor.loginhistory.rows import MAX_LINE
from sfdoctor.loginhistory.tally import MAX_STATUS_CHARS
from sfdoctor.status import ExitStatus
from tests.commands.test_triage import EXPECTED, MIX, mixed
from tests.hostile_patterns import deadline

HEADER = b"Username,Login Time,Source IP,Status\r\n"
ROW = b"ci@acme.example.com,2024-11-03T09:00:00.000Z,198.18.0.1,Invalid Password\r\n"
BOMB_MB = 48
"""Megabytes of the one line (without a newline) in the generated bomb."""


def write_gzip(path: Path, parts: Iterator[bytes]) -> Path:
    """``parts`` compressed into ``path``, written as they come (the test holds no bomb)."""
    with gzip.open(path, "wb", compresslevel=1) as f:
        for part in parts:
            f.write(part)
    return path


def one_line(megabytes: int, unit: bytes = b"A,") -> Iterator[bytes]:
    """``megabytes`` MB of a single line, no newline, a MB at a time."""
    chunk = unit * ((1 << 20) // len(unit))
    for _ in range(megabytes):
        yield chunk


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An export: two rows, a line of :data:`BOMB_MB` MB without a newline, two more rows."""
    path = tmp_path_factory.mktemp("bomb") / "Login.csv.gz"
    return write_gzip(path, iter([HEADER, ROW, ROW, *one_line(BOMB_MB), b"\r\n", ROW, ROW]))


def peak_of(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """(fn's result, the peak of memory Python allocated while it ran, in bytes)."""
    tracemalloc.start()
    try:
        result = fn(*args, **kwargs)
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- a line without an end ----------------------------------------------------------------


def test_a_one_line_gzip_bomb_is_skipped_with_memory_flat(bomb: Path) -> None:
    summary, peak = peak_of(triage_file, str(bomb))
    assert peak < 16 << 20, f"peak {peak / 2**20:.0f} MB for a {BOMB_MB} MB line"
    assert summary.rows == 5 and summary.failures == 4 and summary.skipped == 1
    (reason,) = summary.skipped_reasons
    assert f"longer than {MAX_LINE:,} characters" in reason.value and reason.count == 1


def test_the_bomb_end_to_end_is_a_normal_triage(run, bomb: Path) -> None:
    r = run("triage", str(bomb))
    assert r.status == ExitStatus.PROBLEM, r.err
    assert "skipped: 1 \u00d7 a line longer than 1,048,576 characters" in r.out


def test_a_bomb_in_place_of_the_header_is_refused_with_memory_flat(tmp_path: Path) -> None:
    path = write_gzip(tmp_path / "Login.csv.gz", one_line(BOMB_MB, b"Status,"))
    refused, peak = peak_of(_refusal, str(path))
    assert "line 1 is longer than 1,048,576 characters" in str(refused)
    assert refused.status == ExitStatus.USAGE
    assert peak < 16 << 20, f"peak {peak / 2**20:.0f} MB for a {BOMB_MB} MB line"


def _refusal(path: str) -> InputError:
    try:
        triage_file(path)
    except InputError as exc:
        return exc
    raise AssertionError("not refused")


def test_many_lines_just_over_the_limit_are_each_skipped(tmp_path: Path) -> None:
    over = b"x" * (MAX_LINE + 10) + b"\r\n"
    exact = ROW[:-2] + b"," * (MAX_LINE - len(ROW)) + b"\r\n"  # blank cells: still a row
    assert len(exact) == MAX_LINE
    path = write_gzip(tmp_path / "Login.csv.gz", iter([HEADER, over, ROW, over, exact, ROW]))
    summary = triage_file(str(path))
    assert summary.rows == 5 and summary.failures == 3, "a line of the limit is a row"
    assert {r.value: r.count for r in summary.skipped_reasons} == {
        f"a line longer than {MAX_LINE:,} characters (not a login row)": 2
    }


# --- UTF-16 without a byte-order mark -------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("compressed", [False, True])
def test_utf16_without_a_bom_is_read(run, tmp_path, encoding, compressed) -> None:
    data = mixed("setup").encode(encoding)
    assert not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    path = tmp_path / ("Login.csv.gz" if compressed else "Login.csv")
    path.write_bytes(gzip.compress(data) if compressed else data)
    r = run("triage", str(path), "--format", "json")
    assert r.status == ExitStatus.PROBLEM, r.err
    doc = json.loads(r.out)
    assert doc["rows"] == sum(m[3] for m in MIX)
    assert doc["by_cause"] == EXPECTED
    order = "little" if encoding.endswith("le") else "big"
    assert any(f"UTF-16 ({order}-endian)" in note for note in doc["notes"])


def test_utf16_without_a_bom_keeps_non_ascii_text(run, tmp_path) -> None:
    text = (
        "Username,Login Time,Source IP,Status\r\n"
        "zoë@acme.example.com,2024-11-03T09:00:00Z,198.18.0.1,Invalid Password\r\n"
        "李@acme.example.com,2024-11-03T09:01:00Z,198.18.0.1,Invalid Password\r\n"
    )
    path = tmp_path / "Login.csv"
    path.write_bytes(text.encode("utf-16-le"))
    r = run("triage", str(path), "--top", "5")
    assert r.status == ExitStatus.PROBLEM, r.err
    assert "zoë@acme.example.com" in r.out and "李@acme.example.com" in r.out


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("Username,Status\r\n".encode("utf-16-le"), "utf-16-le"),
        ("Username,Status\r\n".encode("utf-16-be"), "utf-16-be"),
        ("Usérnamé,Stätus,中文\r\n".encode("utf-16-le"), "utf-16-le"),
        (b"Username,Status\r\n", None),
        (b"\x00\x01\x02\x00" * 64, None),  # binary: NULs in both positions
        (bytes(range(256)), None),
        ("ab".encode("utf-16-le"), None),  # too short to tell
    ],
    ids=["le", "be", "le-non-ascii", "utf-8", "binary", "all-bytes", "short"],
)
def test_bomless_utf16_is_told_by_its_nul_bytes(head: bytes, expected: str | None) -> None:
    assert bomless_utf16(head) == expected


def test_binary_is_still_refused(run, tmp_path) -> None:
    path = tmp_path / "Login.csv"
    path.write_bytes(b"\x00\x01\x02\x00\xff\x00\x00\x10" * 512)
    r = run("triage", str(path))
    assert r.status == ExitStatus.USAGE and "Traceback" not in r.err


# --- long statuses ---------------------------------------------------------------------------


def long_statuses(distinct: int = 10, size: int = 40_000, rows: int = 200) -> str:
    """An export with ``distinct`` statuses of ``size`` characters, over ``rows`` rows: texts
    a backtracking pattern or a redaction pass over the whole value is slow on."""
    bodies = ["eyJ-" * (size // 4), "a." * (size // 2), "x@a." + "a-" * (size // 2)]
    lines = ["Username,Login Time,Source IP,Status,Application"]
    for i in range(rows):
        status = f"S{i % distinct} {bodies[i % distinct % len(bodies)]}"[:size]
        user = f"user{i % 7}@acme.example.com " + "u" * size if i % 2 else f"user{i % 7}@x.com"
        lines.append(f"{user},2024-11-03T09:{i % 60:02d}:00Z,198.18.0.1,{status},{'app ' * 9000}")
    return "\r\n".join(lines) + "\r\n"


def test_ten_distinct_40kb_statuses_are_classified_once_each_and_quickly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sfdoctor.loginhistory import display, tally

    classified: list[int] = []
    redacted: list[int] = []
    real_cause, real_redact = tally.status_cause, display.redact

    def cause(status, kb):  # type: ignore[no-untyped-def]
        classified.append(len(status))
        return real_cause(status, kb)

    def redact(text: str) -> str:
        redacted.append(len(text))
        return real_redact(text)

    monkeypatch.setattr(tally, "status_cause", cause)
    monkeypatch.setattr(display, "redact", redact)
    path = tmp_path / "Login.csv"
    path.write_text(long_statuses(), encoding="utf-8", newline="")

    start = time.monotonic()
    with deadline(10, "triage of ten 40 KB statuses"):  # a guard against a hang, no benchmark
        summary = triage_file(str(path))
    assert time.monotonic() - start < 10
    assert summary.rows == 200 and summary.failures == 200
    assert len(summary.unknown_statuses) == 10
    assert len(classified) == 10, "one classification per distinct status"
    assert max(classified) <= MAX_STATUS_CHARS
    assert max(redacted) <= REDACT_WINDOW
    assert all(len(u.value) <= 80 for u in summary.unknown_statuses)


def test_long_statuses_end_to_end(run, tmp_path: Path) -> None:
    path = tmp_path / "Login.csv"
    path.write_text(long_statuses(rows=60), encoding="utf-8", newline="")
    with deadline(10, "sfdoctor triage of long statuses"):
        r = run("triage", str(path), "--report", str(tmp_path / "r.html"))
    assert r.status == ExitStatus.INCONCLUSIVE, r.err
    assert "60 rows" in r.out and "10 unknown statuses" in r.out
