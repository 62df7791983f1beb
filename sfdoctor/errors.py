"""Exceptions that map to exit statuses in one place (:func:`sfdoctor.cli.main`)."""

from __future__ import annotations

from sfdoctor.status import ExitStatus


class SfdoctorError(Exception):
    """An expected failure with a message for the user and an exit status."""

    status = ExitStatus.INTERNAL

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


class UsageError(SfdoctorError):
    """Bad flags, missing values or unreadable input: nothing was attempted."""

    status = ExitStatus.USAGE
