"""Regular expressions compiled on first use.

Compiling sfdoctor's patterns at import cost more than the whole start-up budget of
``sfdoctor explain``; most runs need only a few of them.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False  # NOTE: typing is not imported at run time (start-up budget)
if TYPE_CHECKING:
    from typing import Any


class LazyPattern:
    """Stands in for a compiled pattern; compiles it the first time it is used."""

    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self._source, self._flags)
        return getattr(compiled, name)
