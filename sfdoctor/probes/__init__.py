"""The only code that talks to the network: one module per flow, plus session checks.

Probes never print and never judge: an answer or a fault comes back as a value. May import
records, ``hosts`` and ``output.redact`` (the trace is redacted before it is kept); never
``diagnosis``, ``check``, the renderers or rich.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from threading import Thread

SLICE = 0.1
"""Seconds between two looks for Ctrl-C while a thread is waited for."""


def join(thread: Thread, timeout: float | None = None) -> None:
    """Wait for ``thread`` to end, at most ``timeout`` seconds, in short slices.

    NOTE: Linux may deliver Ctrl-C's SIGINT to any thread of the process. Python runs its
    handler in the main thread, but only once that thread runs Python code again: a main
    thread blocked in one long ``join`` would notice Ctrl-C when the join ends (after the
    whole ``--timeout``). A slice returns to Python every :data:`SLICE` seconds.
    """
    end = None if timeout is None else time.monotonic() + timeout
    while thread.is_alive():
        left = SLICE if end is None else min(SLICE, end - time.monotonic())
        if left <= 0:
            return
        thread.join(left)
