"""The error every export reader raises for input it cannot use.

A message says what was found and what was expected, and a hint says what to give instead;
the command turns it into exit status 2, never a traceback.
"""

from __future__ import annotations

from sfdoctor.status import UsageError


class InputError(UsageError):
    """The input is not a Login History export sfdoctor can read (exit 2)."""
