"""The progress bar of the commands that read big exports (``triage``, ``audit``): on stderr,
shown only once reading takes more than a moment, rich imported only then."""

from __future__ import annotations

import time
from typing import Any, TextIO

PROGRESS_DELAY = 0.5
"""Seconds of reading before a progress bar appears (small files never show one)."""


class ReadProgress:
    """A rich progress bar on stderr, shown only once reading takes more than a moment."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.size: int | None = None
        self.name = ""
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, position: int) -> None:
        if self.bar is None:
            if time.monotonic() - self.started < PROGRESS_DELAY:
                return
            # NOTE: rich is imported only here, once a file turns out to be big.
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            from sfdoctor.output.console import printable

            # NOTE: the description is a file name: never markup, never a control sequence.
            columns: list[Any] = [
                TextColumn("reading {task.description}", markup=False),
                BarColumn(),
            ]
            columns.append(DownloadColumn())
            if self.size:
                columns.append(TimeRemainingColumn())
            console = Console(file=self.stream, markup=False, highlight=False, emoji=False)
            self.bar = Progress(*columns, console=console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task(printable(self.name), total=self.size or None)
        self.bar.update(self.task, completed=position)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
