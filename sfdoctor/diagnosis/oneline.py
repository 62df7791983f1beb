"""A paste read on one line: the layout a page, a terminal or a logger gave it taken away.

A page or a terminal breaks a long line where it likes (``authentication\\nfailure`` at 60
columns), people type double spaces, and a logger puts a timestamp, a level, a thread and
its own name before every message (``2026-05-01 12:00:00,123 ERROR [main] c.a.Sync -
Token Expired``); a word processor curls the quotes (``doesn’t``); a web page or a Markdown
file marks words up (``API is **disabled**``, ``security <b>token</b>``). None of it is the
error's: :func:`one_line` is what the error said, for the patterns that a line break, a run
of spaces, a log prefix, a curly quote or markup would stop.

A paste can also hold more than the error: a question under it ("Any idea? It worked
yesterday."), the log lines around it, a sentence that introduces it ("I keep getting this
error: Token Expired"). :func:`lines` are its lines one by one, each read on its own, so a
message that is a whole line, or all a line's introducing sentence leads to, is read alone.
"""

from __future__ import annotations

import re

from sfdoctor.lazyre import LazyPattern
from sfdoctor.redaction.paste import WINDOW, unmarked

# A log line's prefix: a timestamp first (a date and time, or a time alone), then at most six
# of a bracketed field ([main], [INFO]), a level, a logger's dotted name before " - ", or a
# separator; what follows is the message. Linear: each part is a bounded run of one class.
_LEVELS = r"(?:ERROR|ERR|WARN|WARNING|INFO|DEBUG|FATAL|SEVERE|TRACE|CRITICAL|NOTICE)"
_LOG_PREFIX = LazyPattern(
    r"^[ \t]*\[?(?:\d{4}-\d{2}-\d{2}[T ])?\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?"
    r"(?:Z|[+-]\d{2}:?\d{2}| ?UTC)?\]?"
    r"(?:[ \t]{1,8}(?:\[[^\]\n]{1,80}\]|"
    + _LEVELS
    + r":?|[\w.$]{1,120}(?=[ \t]{1,8}-[ \t])|[-|:])){0,6}"
    r"[ \t]{0,8}[-|:]?[ \t]{1,8}",
    re.MULTILINE,
)

# Other standard prefixes, on every line: Python's default logging format (`ERROR:sync:`,
# `WARNING:root:`; a logger's name is lower case, so `ERROR:INVALID_LOGIN:` keeps its code),
# syslog's and journalctl's (`Dec  2 14:00:01 host1 sync[4121]: `), and Docker Compose's
# service column (`sync-1  | `, `sync_1  | `). Each part is one bounded run of a class.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SERVICE_PREFIX = LazyPattern(
    r"^[ \t]*(?:(?:CRITICAL|ERROR|WARNING|INFO|DEBUG):(?:[a-z_][\w.-]{0,120})?:"
    r"|(?:" + "|".join(_MONTHS) + r")[ \t]{1,2}\d{1,2}[ \t]\d{2}:\d{2}:\d{2}[ \t]{1,4}"
    r"[\w.-]{1,64}[ \t]{1,4}[\w./@-]{1,64}(?:\[\d{1,10}\])?:"
    r"|[A-Za-z][\w.-]{0,62}[-_]\d{1,3}[ \t]{1,16}\|)[ \t]?",
    re.MULTILINE,
)
_SERVICE_START = ("CRITICAL:", "ERROR:", "WARNING:", "INFO:", "DEBUG:", *_MONTHS)

# A generic name for an error before its message ("Error: ", "Exception: ",
# "java.lang.RuntimeException: ", "Caused by: "), at most three deep: the message under it is
# what a bare one says. A name that says something (ConnectException, SocketTimeoutException,
# SalesforceAuthenticationFailed) stays: readings use it.
_ERROR_LABEL = LazyPattern(
    r"^(?:(?:java\.lang\.)?(?:Runtime)?Exception|Error|Fault|Caused by)[ \t]{0,4}:[ \t]{1,4}",
    re.IGNORECASE,
)


# A numbered list's marker before a step or an error (`1. `, `2) `): one or two digits, so
# an HTTP status (`401 Unauthorized`) is never taken for one.
_LIST_MARK = LazyPattern(r"^\d{1,2}[.)][ \t]+")

# PowerShell's wrapper around a .NET method's exception (MethodInvocationException):
# `Exception calling "GetResponse" with "0" argument(s): "<the exception's message>"`.
_POWERSHELL_CALL = LazyPattern(r'^Exception calling "[^"\n]{1,120}" with "\d{1,3}" argument\(s\): ')

# Markup a page or a Markdown file put in the words: inline tags and emphasis come out
# (redaction's INLINE_TAG and EMPHASIS: `<b>API</b> is disabled`, `**API is disabled for
# this User**`, a code in backticks), other tags part words (`<br>`, `</td><td>`). Only
# HTML's own tag names: a placeholder (`https://<mydomain>.my.salesforce.com`, `<username>`)
# is the text's. Each tag is one bounded run.
_TAG = LazyPattern(
    r"</?(?:br|p|div|li|ul|ol|dl|dt|dd|tr|td|th|table|thead|tbody|h[1-6]|pre|blockquote|hr"
    r"|html|head|body|title|section|article|header|footer)(?:\s[^<>\n]{0,200})?/?>",
    re.IGNORECASE,
)

# What a log line's prefix and an error's name start with: the patterns are compiled only
# for a text that could have one (start-up budget, bench/startup.py).
_STAMP_START = "[0123456789"
_LABEL_START = "EeCcFfJj"

# A word processor's or a web page's quotes, straightened as the error printed them.
_STRAIGHT = {0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"'}


def _unbroken(text: str) -> str:
    """``text`` with the lines a fixed-width window broke mid-word put back together.

    A console copied as it shows (Windows' legacy console, a log viewer) breaks every long
    line at the window's width, in the middle of a word ("contact your ad" / "ministrator"):
    when two or more lines have the same length, 60 or more, and none is longer, each line of
    that length is joined to the next without a space.
    """
    lines = text.split("\n")
    width = max(len(line) for line in lines)
    if width < WINDOW or sum(1 for line in lines if len(line) == width) < 2:
        return text
    return "".join(line if len(line) == width else line + "\n" for line in lines)


def one_line(text: str) -> str:
    """``text`` without log prefixes, mid-word breaks, curly quotes and layout: its
    whitespace runs (line breaks too) one space each."""
    if "\n" in text:
        text = _unbroken(text)
    if "\n" in text or (text.lstrip()[:1] or "-") in _STAMP_START:
        text = _LOG_PREFIX.sub("", text)
    if "|" in text or text.lstrip().startswith(_SERVICE_START):
        text = _SERVICE_PREFIX.sub("", text)
    text = unmarked(text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    text = " ".join(text.split()).translate(_STRAIGHT)
    if text[:1].isdigit() and (mark := _LIST_MARK.match(text)):
        text = text[mark.end() :]
    if text.startswith("Exception calling "):
        text = _POWERSHELL_CALL.sub("", text).removesuffix(",")
    if len(text) > 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()  # the whole paste in quotes: a string as a log printed it
    for _ in range(3 if text and text[0] in _LABEL_START else 0):
        label = _ERROR_LABEL.match(text)
        if not label:
            break
        text = text[label.end() :]
    return text


# A sentence that introduces the error on its line ("I keep getting this error when the job
# runs: Token Expired"): words and spaces only, one of them saying an error follows; what
# follows its colon is read as a line of its own.
_LEAD_IN = LazyPattern(r"^([A-Za-z][A-Za-z ,'()-]{2,120}?)[ \t]*:[ \t]+(\S.{2,199})$")
_LEAD_WORDS = frozenset(
    "error errors exception message says said returns returned shows showed get gets getting "
    "got receive received receiving throws threw thrown fails failed failing see seeing".split()
)

LINE = "a line"
"""The origin of a clue that is one line of a paste (context predicates read the whole)."""
MAX_LINES = 20
"""How many lines from each end of a paste :func:`lines` reads on their own."""
_MAX_LINE = 200


def lines(text: str, logged: list[str] | None = None) -> list[str]:
    """The short lines of a paste of several, each as :func:`one_line` reads it: the first
    and the last :data:`MAX_LINES` (a log's error is often its last line), each once; and
    the ``logged`` messages of its JSON log records (pino's ``msg``), one a line."""
    parts = [line for line in _unbroken(text).split("\n") if line.strip()]
    if len(parts) > 2 * MAX_LINES:
        parts = parts[:MAX_LINES] + parts[-MAX_LINES:]
    told = [m.group(2) for part in parts if ":" in part and (m := _told(part))]
    if len(parts) < 2:
        parts = []
    parts += [m for m in (logged or [])[:MAX_LINES] if "\n" not in m.strip()] + told
    out: list[str] = []
    for part in parts:
        line = one_line(part) if len(part) <= 4 * _MAX_LINE else ""
        if 2 < len(line) <= _MAX_LINE and line not in out:
            out.append(line)
    return out


def _told(line: str) -> re.Match[str] | None:
    """The match of a sentence introducing an error on ``line`` (group 2: the error)."""
    m = _LEAD_IN.match(line.strip())
    return m if m and _LEAD_WORDS.intersection(m.group(1).lower().split()) else None
