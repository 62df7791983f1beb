"""The literals a signature pattern cannot match without: a cheap test before compiling it.

Used by the classifier at run time, and by the build, which stores each pattern's literals in
kb.json so that no run computes them again (start-up budget, bench/startup.py).
"""

from __future__ import annotations

from functools import cache

_SPECIAL = frozenset("\\[](){}.*+?^$|")
_QUANTIFIERS = frozenset("*+?{")


@cache
def needles(source: str) -> tuple[str, ...] | None:
    """Lower-case literals of which any match of ``source`` contains at least one.

    One per top-level alternative: the longest run of plain characters outside any group.
    None when some alternative has no such run of 4 or more characters (no cheap test).
    Matching texts are searched for these before the pattern is compiled: most patterns
    never need compiling for a given text (start-up budget).
    """
    if source.startswith("(?"):
        close = source.find(")")
        if close > 0 and source[2:close].isalpha():  # inline flags, e.g. (?s)
            source = source[close + 1 :]
    found: list[str] = []
    best, run, depth, i = "", "", 0, 0
    while i <= len(source):
        c = source[i] if i < len(source) else "|"
        if c == "|" and depth == 0:
            best = max(best, run, key=len)
            if len(best) < 4:
                return None
            found.append(best.lower())
            best, run = "", ""
        elif c in _SPECIAL or depth:
            if c in _QUANTIFIERS and run:
                run = run[:-1]  # the last character is optional or repeated
            best = max(best, run, key=len)
            run = ""
            if c == "\\":
                i += 1  # an escape: skip the escaped character too
            elif c in "[{":
                close = source.find("]" if c == "[" else "}", i + 2 if c == "[" else i + 1)
                i = close if close > 0 else len(source)
            elif c == "(":
                depth += 1
            elif c == ")":
                depth = max(depth - 1, 0)
        else:
            run += c
        i += 1
    return tuple(found)
