"""Exit statuses and the errors that carry them: one enum, one table (mirrored in the README),
one test per member; exceptions map to a status in one place (:func:`sfdoctor.cli.main`)."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """What the process exit code means. Scripts and CI key on these numbers."""

    OK = 0
    """Everything checked out (warnings allowed unless ``--strict``); a cause was named."""
    PROBLEM = 1
    """A problem was diagnosed: the login fails, or will fail elsewhere, for a named cause."""
    USAGE = 2
    """Usage or configuration error: bad flags, missing values, unreadable input."""
    INCONCLUSIVE = 3
    """Nothing recognised, a network failure, or Salesforce unavailable."""
    INTERNAL = 4
    """A bug in sfdoctor. Re-run with ``--debug`` for the traceback and report it."""
    INTERRUPTED = 130
    """Interrupted (Ctrl-C)."""


class SfdoctorError(Exception):
    """An expected failure with a message for the user and an exit status."""

    status = ExitStatus.INTERNAL

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


class UsageError(SfdoctorError):
    """Bad flags, missing values or unreadable input: nothing was attempted."""

    status = ExitStatus.USAGE
