"""Standard input for ``sfdoctor explain -``: read in bounded memory, whatever comes.

Imported only when the paste comes from standard input (the start-up of ``explain "TEXT"``
does not pay for it, bench/startup.py).
"""

from __future__ import annotations

from sfdoctor.diagnosis.evidence import MAX_SCAN
from sfdoctor.status import UsageError

# NOTE: typing is not imported at run time (start-up budget, bench/startup.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

READ_LIMIT = 64 * 1024 * 1024
"""Characters of standard input read at most: past it the rest is not read."""
_CHUNK = 64 * 1024


def read_stream(stdin: TextIO) -> str:
    """Standard input in bounded memory: its first and last :data:`MAX_SCAN` characters
    (all of it when shorter), decoded as UTF-8 with bad bytes as U+FFFD. Reading stops at
    :data:`READ_LIMIT`, so an endless pipe (``/dev/zero``, ``yes``) ends too.

    NOTE: :func:`cut` keeps a paste's first and last ``MAX_SCAN // 2`` characters, so a
    longer paste is stood for by its first and last ``MAX_SCAN`` (with a line between):
    what ``cut`` keeps of it is the same, and its length is reported apart (:data:`_read`).
    """
    import codecs

    raw = getattr(stdin, "buffer", None)
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    head: list[str] = []
    head_len = 0
    tail = ""
    total = 0
    while total < READ_LIMIT:
        if raw is not None:
            data = raw.read(_CHUNK)
            # NOTE: a buffered read returns short only at end of input. On a terminal that
            # is the user's Ctrl-D, which is not sticky: reading again would wait for a
            # second one, so a short read ends the paste.
            ended = len(data) < _CHUNK
            chunk = decoder.decode(data, final=ended)
        else:
            data = chunk = stdin.read(_CHUNK)
            ended = len(data) < _CHUNK
        if chunk:
            total += len(chunk)
            if head_len < MAX_SCAN:
                head.append(chunk[: MAX_SCAN - head_len])
                head_len += len(head[-1])
            tail = (tail + chunk)[-MAX_SCAN:]
        if ended:
            break
    _read["chars"], _read["stopped"] = total, total >= READ_LIMIT
    text = "".join(head)
    if total >= 2 * MAX_SCAN:
        text += "\n" + tail  # cut keeps only the first and last MAX_SCAN // 2 of it
    elif total > MAX_SCAN:
        text += tail[MAX_SCAN - total :]  # the rest after the head: the whole paste
    if not text.strip():
        raise UsageError("the text to explain is empty")
    return text


_read: dict[str, Any] = {"chars": 0, "stopped": False}
"""How much of standard input the last :func:`read_stream` read, for the cut's note."""


def last_read() -> tuple[int, bool]:
    """(characters read, whether reading stopped at :data:`READ_LIMIT`) of the last read."""
    return int(_read["chars"]), bool(_read["stopped"])
