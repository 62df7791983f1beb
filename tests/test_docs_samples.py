"""The output samples in README.md and docs/ are what the commands print (issue 13, part C).

A sample is the fenced block right after a marker, its first line the command::

    <!-- sample: sfdoctor explain 'INVALID_LOGIN: Invalid username, password' -->
    ```text
    $ sfdoctor explain 'INVALID_LOGIN: Invalid username, password'
    ...its output...
    ```

The test runs the command in-process (``main(argv)`` from the repository root, standard
output not a terminal: 100 columns, no colour) and compares. A marker may keep only some
lines of a long output: ``<!-- sample: sfdoctor demo | lines 1-20, last 1 -->``; a line
``…`` in the block stands for the lines left out. What changes from run to run (timings,
the simulated org's port, dates, clock skew) is normalised on both sides, and whitespace is
folded, so a sample does not break when a number gets a digit longer and a line wraps
elsewhere.

When the output changes on purpose, rewrite every sample from the commands::

    python -m tests.test_docs_samples --update
"""

from __future__ import annotations

import io
import os
import re
import shlex
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
README_LINES = 200

_MARKER = re.compile(r"^<!-- sample: (?P<command>.+?)(?: \| lines (?P<lines>[^>]+?))? -->$")
_FENCE = re.compile(r"^(`{3,})")
ELISION = "\u2026"

# What differs between two runs of the same command, and what it becomes on both sides.
VOLATILE = [
    (re.compile(r"\b(127\.0\.0\.1|localhost):\d+"), r"\1:PORT"),
    (re.compile(r"\b\d[\d,]*(?:\.\d+)? ?ms\b"), "N ms"),
    (re.compile(r"\b\d[\d,]*(?:\.\d+)? ?s\b"), "N s"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?Z?"), "DATE"),
    (re.compile(r"\(\d+ days?\)"), "(N days)"),
    # the same countdown where a one-line answer cuts it short: "(82 …"
    (re.compile(r"\(\d+ (?:da?y?s?)?\u2026"), "(N \u2026"),
    # the simulated org counts API calls across concurrent requests: the order varies
    (re.compile(r"\b[\d,]+ of ([\d,]+) daily API requests"), r"N of \1 daily API requests"),
]


class Sample(NamedTuple):
    """One marked block: where it is, what runs, which lines it keeps, what it says."""

    page: Path
    line: int
    """The marker's line (1-based)."""
    command: str
    ranges: str
    body: list[str]
    """The block's lines after the ``$ command`` line."""
    start: int
    """Index of the block's first line (the ``$`` line) in the page's lines."""
    end: int
    """Index of the closing fence."""

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def samples(page: Path) -> list[Sample]:
    """Every marked sample of ``page``."""
    lines = page.read_text(encoding="utf-8").split("\n")
    found = []
    for i, line in enumerate(lines):
        m = _MARKER.match(line.strip())
        if not m:
            continue
        fence = _FENCE.match(lines[i + 1]) if i + 1 < len(lines) else None
        assert fence, f"{page.name}:{i + 1}: a sample marker must be followed by a fenced block"
        end = next(j for j in range(i + 2, len(lines)) if lines[j].strip() == fence[1])
        found.append(
            Sample(page, i + 1, m["command"], m["lines"] or "", lines[i + 3 : end], i + 2, end)
        )
    return found


ALL = [s for page in PAGES for s in samples(page)]


def run(command: str) -> str:
    """What ``command`` (``sfdoctor ...``) prints on standard output, run in-process."""
    from sfdoctor.cli import main

    argv = shlex.split(command)
    assert argv[0] == "sfdoctor", command
    out, err = io.StringIO(), io.StringIO()
    here = Path.cwd()
    os.chdir(ROOT)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main(argv[1:])
    finally:
        os.chdir(here)
    assert "Traceback" not in err.getvalue() and "internal error" not in err.getvalue(), err
    return out.getvalue()


def keep(output: str, ranges: str) -> list[str]:
    """The lines of ``output`` that ``ranges`` keeps (``1-20, 30-, last 2``), with ``…``
    where lines were left out."""
    lines = output.rstrip("\n").split("\n")
    if not ranges:
        return lines
    chosen: set[int] = set()
    for part in (p.strip() for p in ranges.split(",")):
        if part.startswith("last "):
            chosen.update(range(max(0, len(lines) - int(part[5:])), len(lines)))
        else:
            first, _, last = part.partition("-")
            stop = int(last) if last else len(lines)
            chosen.update(range(int(first) - 1, min(stop, len(lines))))
    out: list[str] = []
    for i, line in enumerate(lines):
        if i in chosen:
            out.append(line)
        elif not out or out[-1] != ELISION:
            out.append(ELISION)
    return out


def normal(text: str) -> str:
    """``text`` with the volatile parts replaced and whitespace folded."""
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def matches(expected: list[str], output: str) -> bool:
    """True when the parts of ``expected`` between ``…`` lines appear in ``output`` in order,
    the first at its start and the last at its end unless a ``…`` stands there."""
    actual = normal(output)
    parts: list[list[str]] = [[]]
    for line in expected:
        if line.strip() in (ELISION, "..."):
            parts.append([])
        else:
            parts[-1].append(line)
    chunks = [normal("\n".join(p)) for p in parts]
    if not any(chunks):
        return False  # an empty sample shows nothing to check
    at = 0
    for n, chunk in enumerate(chunks):
        if not chunk:
            continue
        found = actual.find(chunk, at)
        if found < 0 or (n == 0 and found != 0):
            return False
        at = found + len(chunk)
    return not chunks[-1] or actual.endswith(chunks[-1])


@pytest.mark.parametrize("sample", ALL, ids=[s.id for s in ALL])
def test_sample_is_what_the_command_prints(sample: Sample) -> None:
    lines = sample.page.read_text(encoding="utf-8").split("\n")
    assert lines[sample.start] == f"$ {sample.command}", (
        f"{sample.id}: the block must start with '$ {sample.command}'"
    )
    output = run(sample.command)
    assert matches(sample.body, output), (
        f"{sample.id} no longer matches `{sample.command}`; if the change is intended, run "
        "`python -m tests.test_docs_samples --update`.\n--- now:\n"
        + "\n".join(keep(output, sample.ranges))
    )


def test_the_pages_have_samples() -> None:
    assert {s.page.name for s in ALL} >= {"README.md", "explain.md", "triage.md", "check.md"}


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_shown_run_is_a_checked_sample(page: Path) -> None:
    """A block that shows ``$ sfdoctor ...`` with output must be a marked sample."""
    lines = page.read_text(encoding="utf-8").split("\n")
    marked = {s.start for s in samples(page)}
    for i, line in enumerate(lines):
        if line.startswith("$ sfdoctor") and i > 0 and _FENCE.match(lines[i - 1]):
            assert i in marked, f"{page.name}:{i + 1}: output not checked (add a sample marker)"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_relative_links_resolve(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        path = (page.parent / target.split("#", 1)[0]).resolve()
        assert path.exists(), f"{page.name}: broken link {target}"


def test_readme_is_short_and_keeps_the_quick_start() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= README_LINES
    assert "pip install . && sfdoctor demo" in readme
    assert "pip install -e '.[test]' && python -m pytest -q" in readme
    assert "python -m pytest -q" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_keep_and_matches() -> None:
    assert normal("in 1,203 ms, within 2 s") == normal("in 7 ms, within 0 s")
    out = "a 1\nb 12 ms\nc\nd\ne 127.0.0.1:4242\n"
    kept = keep(out, "1-2, last 1")
    assert kept == ["a 1", "b 12 ms", ELISION, "e 127.0.0.1:4242"]
    assert matches(kept, "a 1\nb 3 ms\nc\nd\nx\ne 127.0.0.1:1\n")
    assert not matches(kept, "a 1\nb 3 ms\nc\ne 127.0.0.1:1\nf\n")  # the last part ends it
    assert not matches(["b"], out)  # the first part starts it
    assert matches(["a 1 b", "12 ms c d e", "127.0.0.1:9"], out)  # re-wrapped


# --- python -m tests.test_docs_samples --update ---------------------------------------------


def update() -> int:
    """Rewrite every sample from its command; print the ones that changed."""
    changed = 0
    for page in PAGES:
        lines = page.read_text(encoding="utf-8").split("\n")
        for sample in reversed(samples(page)):  # from the end: indices stay valid
            output = run(sample.command)
            fresh = [f"$ {sample.command}", *keep(output, sample.ranges)]
            if lines[sample.start] == fresh[0] and normal("\n".join(sample.body)) == normal(
                "\n".join(fresh[1:])
            ):
                continue
            lines[sample.start : sample.end] = fresh
            changed += 1
            print(f"updated {sample.id}: {sample.command}")
        page.write_text("\n".join(lines), encoding="utf-8")
    print(f"{changed} sample(s) updated")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        print("usage: python -m tests.test_docs_samples --update", file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(update())
