"""Where the value of a secret field starts and ends, and the :data:`MASK` that replaces it.

NOTE: values are found by hand, not by a pattern: a quoted value ends at the first quote not
escaped by a backslash, and the backtracking a pattern needs to decide that is what made
``"password":"`` + 60 backslashes run forever. Every scan here runs in time linear in the
text. A value cut off by the end of the text (a truncated trace line, a cut paste) is masked
to the end.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sfdoctor.lazyre import LazyPattern

MASK = "****"

# Words that follow "password:" in prose ("...this username and password: the password is
# wrong"), never a secret value: "name: value" text is left alone when its value starts
# with one. Known values are masked by the Redactor wherever they appear, whatever they are.
_PROSE = frozenset(
    (
        "the a an this that these it its is are was were be been not no none and or to of for "
        "in on at by with your you my our their required invalid incorrect wrong expired "
        "missing empty changed reset must should will can cannot if when see use set enter"
    ).split()
)
_FIRST_WORD = LazyPattern(r"[A-Za-z]{1,20}(?![A-Za-z])")

# Authorization schemes, kept in view: which one was sent is evidence.
_SCHEME = LazyPattern(
    r"(?i)(?:bearer|basic|oauth|token|digest|negotiate|ntlm|apikey)[ \t]+(?=[^\s\"'\\])"
)

_DQ_END = LazyPattern(r'["\n]')
_SQ_END = LazyPattern(r"['\n]")
# Where an unquoted value ends inside a line: at a space, at a quote or backslash (the value
# sits inside a JSON string: the quote must survive), at a tag; in a form, at the next field.
# A terminal escape sequence (sfdoctor's own coloured output is redacted too) ends one.
FORM_END = LazyPattern(r"[\s\"\\<>&\x1b]")
LOG_END = LazyPattern(r"[\s\"\\<>\x1b]")
# In a Ruby or PHP hash (password => x, 'token' => x,) an unquoted value ends at the next
# entry or the end of the hash, and is code when a call or an index follows (ENV['X']).
HASH_END = LazyPattern(r"[\s\"'\\<>,;()\[\]{}\x1b]")
# A YAML block scalar's header (password: |, >-, |2+), a comment after it: its value is the
# lines below, indented deeper than the key.
YAML_BLOCK = LazyPattern(r"[|>][-+1-9]{0,2}[ \t\r]*(?:#[^\n]*)?(?=\n|\Z)")
NUMBER = LazyPattern(r"-?[0-9][0-9.eE+-]{0,63}")
# A terminal escape sequence: CSI (colours, cursor), else ESC alone (what follows a lone
# ESC may be the value: it is never skipped).
_ESCAPE = LazyPattern(r"\x1b(?:\[[0-9;:?]{0,32}[ -/]{0,4}[@-~])?")


def skip_escapes(text: str, pos: int) -> int:
    """``pos`` past any terminal escape sequences written there (a coloured value, ``\x1b[1m``
    before it): the value is what follows them. Each step moves forward: linear."""
    while text.startswith("\x1b", pos):
        m = _ESCAPE.match(text, pos)
        pos = int(m.end()) if m is not None else pos + 1
    return pos


def _quote_level(backslashes: int) -> int:
    """How deep a quote written after ``backslashes`` backslashes is nested: 0 for ``"``,
    1 for ``\\"`` (JSON inside a JSON string), 3, 7; an even count only escapes backslashes.
    """
    for level in (7, 3, 1):
        if backslashes % (2 * level + 2) == level:
            return level
    return 0


def _quoted_end(text: str, start: int, quote: str, level: int) -> int:
    """Where the quoted value that starts at ``start`` ends: at its closing quote (written at
    nesting ``level``), or where the string around it ends (a value cut off inside a JSON
    string: the JSON must stay JSON), else at the end of the line (masked whole)."""
    finder = _DQ_END if quote == '"' else _SQ_END
    pos = start
    while True:
        m = finder.search(text, pos)
        if m is None:
            return len(text)
        k: int = m.start()
        if text[k] == "\n":
            return k
        count = 0
        while k - count > start and text[k - count - 1] == "\\":
            count += 1
        found = _quote_level(count)
        if found == level:
            return k - level
        if found < level:  # the enclosing string ends first
            return k - count
        pos = k + 1


def quoted(text: str, start: int) -> tuple[int, int] | None:
    """The span inside the quotes of a value written at ``start``, if it is quoted."""
    count = 0
    while count < 8 and text.startswith("\\", start + count):
        count += 1
    quote = text[start + count : start + count + 1]
    if quote not in ('"', "'"):
        return None
    begin = start + count + 1
    return begin, _quoted_end(text, begin, quote, _quote_level(count))


def line_end(text: str, start: int) -> int:
    """Where the line holding ``start`` ends, its trailing blanks left out."""
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    while end > start and text[end - 1] in " \t\r":
        end -= 1
    return end


def until(text: str, start: int, finder: LazyPattern) -> int:
    """Where ``finder`` next matches from ``start``, else the end of ``text``."""
    m = finder.search(text, start)
    return len(text) if m is None else int(m.start())


def value_span(
    text: str, start: int, name: str, *, end: LazyPattern | None, log: bool = False
) -> tuple[int, int] | None:
    """The span to mask of the value of field ``name`` written at ``start``: inside its
    quotes; unquoted, up to ``end`` (None: to the end of the line). None: nothing to mask.
    """
    authorization = name.lower().endswith("authorization")
    start = skip_escapes(text, start)
    span = quoted(text, start)
    if span is None:
        if log:
            word = _FIRST_WORD.match(text, start)
            if word is not None and word.group(0).lower() in _PROSE:
                return None
        scheme = _SCHEME.match(text, start) if authorization else None
        begin = start if scheme is None else int(scheme.end())
        stop = line_end(text, begin) if end is None else until(text, begin, end)
        if end is None:
            # NOTE: a terminal's escape sequence is never part of a value (sfdoctor's own
            # coloured output is redacted too: a banner wrapping after "password: "). The
            # ends above stop at one; a line's value does too. One scan per line: linear.
            escape = text.find("\x1b", begin, stop)
            stop = stop if escape < 0 else escape
    else:
        begin, stop = span
        scheme = _SCHEME.match(text, begin, stop) if authorization else None
        begin = begin if scheme is None else int(scheme.end())
    if stop <= begin or text[begin:stop] == MASK:
        return None
    return begin, stop


def indented_block(text: str, start: int, indent: int, *, prose: bool) -> tuple[int, int] | None:
    """The span to mask of a value written on the lines after the one holding ``start``
    (YAML: ``password: |`` or ``password:``, then the value indented): from the first
    character of the first line indented deeper than ``indent`` to the end of the last one,
    blank lines within included. None: no such line, or (``prose``) it reads as prose.

    Each line is read once: the scan stops at the first line that is not deeper.
    """
    begin = stop = -1
    newline = text.find("\n", start)
    while newline >= 0:
        line = newline + 1
        newline = text.find("\n", line)
        end = len(text) if newline < 0 else newline
        first = line
        while first < end and text[first] in " \t":
            first += 1
        last = end
        while last > first and text[last - 1] in " \t\r":
            last -= 1
        if last == first:  # a blank line: the value may go on below it
            continue
        if first - line <= indent:
            break
        if begin < 0:
            word = _FIRST_WORD.match(text, first)
            if prose and word is not None and word.group(0).lower() in _PROSE:
                return None
            begin = first
        stop = last
    if begin < 0 or text[begin:stop] == MASK:
        return None
    return begin, stop


def mask_spans(
    text: str, finder: LazyPattern, span: Callable[[str, re.Match[str]], tuple[int, int] | None]
) -> str:
    """``text`` with the span ``span`` picks for each match of ``finder`` masked."""
    out: list[str] = []
    last = 0
    for m in finder.finditer(text):
        if m.start() < last:  # inside a value already masked
            continue
        found = span(text, m)
        if found is None:
            continue
        begin, stop = found
        out += (text[last:begin], MASK)
        last = stop
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)
