"""Shared test helpers: the fixture corpus and an in-process runner for ``main``."""

from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def pytest_configure(config: pytest.Config) -> None:
    """Deliver Ctrl-C in a run started in the background; ignore the caller's terminal width.

    NOTE: a shell without job control starts a background command (``pytest &``) with
    SIGINT ignored, and every program it starts inherits that: the tests that press Ctrl-C
    (a pseudo-terminal, ``simulate``, a request's wait) would see it ignored and fail
    for a reason that is not sfdoctor's. A handler, unlike "ignored", is not inherited.
    """
    import os
    import signal

    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    # The console's width follows COLUMNS: a narrow terminal that exports it would wrap the
    # reports the tests read (five failed at COLUMNS=60). Tests run as CI does, without it;
    # the tests about widths set their own.
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)


def fixture_paths() -> list[Path]:
    """Every fixture file, sorted (stable test ids)."""
    return sorted(FIXTURES.glob("*/*.json"))


def load_fixture(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@dataclass
class Run:
    status: int
    out: str
    err: str


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Call ``sfdoctor.cli.main`` in-process with optional stdin; return status and output."""
    from sfdoctor.cli import main

    def _run(*argv: str, stdin: str | None = None) -> Run:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        status = main(list(argv))
        captured = capsys.readouterr()
        return Run(status, captured.out, captured.err)

    return _run
