"""Hostile inputs for regular expressions: texts built to make a backtracking pattern take
quadratic or exponential time, and a deadline to fail on one instead of hanging.

A pattern is slow on a long text that almost matches it from many places: runs of its
literal start (``exceptionMessage='`` x 18000), its start followed by a long run of what a
quantifier takes and then something it cannot end on (``"password":"`` + backslashes,
``x@a.`` + ``a-`` x 100000 + ``_``). :func:`hostile_texts` builds those for any pattern from
its own parse: what a match holds before each of its quantified parts, and the characters
its classes and repeated parts take. tests/test_security_patterns.py checks that these texts
catch the patterns that hung before issue 18 was fixed.
"""

from __future__ import annotations

import re
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

try:  # Python 3.11+: the parser is private; its shape has not changed since 3.5
    import re._parser as sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

SIZE = 256 * 1024
"""As much of a paste or an answer as any pattern sees (sfdoctor.diagnosis.evidence.MAX_SCAN)."""

# Runs that every pattern meets: what usernames, hosts, ids, JSON, XML, escapes look like.
GENERIC = (
    "a",
    "1",
    " ",
    "\\",
    '"',
    "{",
    "<",
    ".",
    "@",
    "%41",
    "a.",
    "a-",
    "a:",
    "1.",
    "eyJ-",
    "x@a.",
)
# What ends those runs: a character no class takes, one that a word boundary or a
# (?![\w-]) refuses.
ENDS = ("\x00", "_")
# What follows a pattern's own start in the texts that make one start backtrack for long.
CORE = ("a", " ", "\\", "a.", "a-")
# Texts every pipeline (redact, anonymize, explain, triage) is held to, besides the runs.
MIXED = (
    '"password":"' + "\\" * 60,
    "a." * 40000 + " ://@",
    "eyJ-" * 50000,
    "exceptionCode='X' " + "exceptionMessage='" * 18000 + "x",
    "{" * SIZE,
    "[" * 100000,
    "<script" * 36000,
    "x@a." + "a-" * 100000 + "_",
    "password: " * 25000,
    "curl " * 50000 + "\nhttp://",
    "Authentication failed (code: " * 9000,
    "-----BEGIN " * 20000,
    ("a" * 40 + "@") * 6000,
    " " * SIZE + "x",
)


@contextmanager
def deadline(seconds: float, what: str) -> Iterator[None]:
    """Fail with AssertionError if the block runs longer than ``seconds`` (interrupting it:
    the `re` engine checks for signals while it backtracks). Without SIGALRM (Windows, not
    the main thread) the block runs unguarded and the caller's timing still decides."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def _expired(signum: int, frame: Any) -> None:
        raise AssertionError(f"{what}: still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- what a pattern looks like ---------------------------------------------------------

_PICK = "a1 .-x_@:/\"'<\\"
"""Candidates for a character a class takes (or, negated, does not exclude)."""


def _class_char(items: list[tuple[Any, Any]]) -> str:
    """A character the class ``items`` takes."""
    negate = bool(items) and items[0][0] is sre_parse.NEGATE
    probe = re.compile(_class_source(items))
    for c in _PICK if negate else _PICK + "".join(chr(i) for i in range(32, 127)):
        if probe.fullmatch(c):
            return c
    return "a"


def _class_source(items: list[tuple[Any, Any]]) -> str:
    """The class ``items`` as pattern text (to test candidates against it)."""
    out = []
    for op, arg in items:
        if op is sre_parse.NEGATE:
            out.append("^")
        elif op is sre_parse.LITERAL:
            out.append(re.escape(chr(arg)))
        elif op is sre_parse.RANGE:
            out.append(f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}")
        elif op is sre_parse.CATEGORY:
            name = str(arg).upper()
            out.append(
                next(
                    (esc for key, esc in _CATEGORIES if key in name),
                    "a",
                )
            )
    return "[" + "".join(out) + "]"


_CATEGORIES = (
    ("NOT_DIGIT", r"\D"),
    ("NOT_SPACE", r"\S"),
    ("NOT_WORD", r"\W"),
    ("DIGIT", r"\d"),
    ("SPACE", r"\s"),
    ("WORD", r"\w"),
)


class _Shape:
    """What :func:`shape` learns from a parsed pattern."""

    def __init__(self) -> None:
        self.chars: set[str] = set()
        """The characters its classes and its repeated parts take (what quantifiers scan)."""
        self.prefixes: list[str] = []
        """What a match holds before each of its quantified parts (and whole witnesses)."""
        self.groups: dict[int, str] = {}

    def walk(self, items: Any, before: str = "", repeated: bool = False) -> str:
        """A string ``items`` could match after ``before`` (its witness)."""
        out: list[str] = []
        for op, arg in items:
            here = before + "".join(out)
            if op is sre_parse.LITERAL:
                out.append(chr(arg))
                if repeated:
                    self.chars.add(chr(arg))
            elif op is sre_parse.NOT_LITERAL or op is sre_parse.ANY:
                c = "b" if op is sre_parse.NOT_LITERAL and chr(arg) == "a" else "a"
                out.append(c)
                if repeated:
                    self.chars.add(c)
            elif op is sre_parse.IN:
                c = _class_char(arg)
                out.append(c)
                self.chars.add(c)
            elif op is sre_parse.BRANCH:
                alts = [self.walk(alt, here, repeated) for alt in arg[1]]
                self.prefixes.extend(here + alt for alt in alts[1:])
                out.append(alts[0])
            elif op is sre_parse.SUBPATTERN:
                group, _, _, sub = arg
                text = self.walk(sub, here, repeated)
                if group:
                    self.groups[group] = text
                out.append(text)
            elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, _POSSESSIVE):
                low, _, sub = arg
                self.prefixes.append(here)
                out.append(self.walk(sub, here, True) * max(low, 1))
            elif op is _ATOMIC:
                out.append(self.walk(arg, here, repeated))
            elif op is sre_parse.GROUPREF:
                out.append(self.groups.get(arg, ""))
            elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
                self.walk(arg[1], here, repeated)  # its characters, not its text
        return "".join(out)


_POSSESSIVE = getattr(sre_parse, "POSSESSIVE_REPEAT", object())
_ATOMIC = getattr(sre_parse, "ATOMIC_GROUP", object())


def shape(pattern: re.Pattern[str]) -> tuple[list[str], list[str]]:
    """What a match of ``pattern`` holds before each of its quantified parts (then whole
    matches: its *witnesses*), and the characters its classes and repeated parts take."""
    found = _Shape()
    whole = found.walk(sre_parse.parse(pattern.pattern, pattern.flags))
    prefixes = [p for p in dict.fromkeys([*found.prefixes, whole]) if p]
    return prefixes, sorted(found.chars)


MAX_PREFIXES = 4


def hostile_texts(pattern: re.Pattern[str], size: int = SIZE) -> Iterator[str]:
    """Texts that a backtracking ``pattern`` could be slow on: runs of what its matches
    start with and of :data:`GENERIC` (``size`` characters: slow from many starts), and
    each such start followed by a long run of a character it scans next and a character
    that ends the run (``size // 8`` characters: slow from one start; quadratic there is
    still seconds, exponential forever)."""
    prefixes, chars = shape(pattern)
    fillers = list(dict.fromkeys([*[c for c in chars if c.isprintable()][:6], *CORE]))
    short = size // 8
    # NOTE: the longest starts first: they hold the shorter ones' literals.
    for p in sorted(prefixes, key=len, reverse=True)[:MAX_PREFIXES]:
        for end in ENDS:
            yield p * (size // len(p)) + end
        yield (p + " ") * (size // (len(p) + 1))  # starts that need a word boundary
        for f in fillers:
            for end in ENDS:
                yield p + f * ((short - len(p)) // len(f)) + end
    for f in GENERIC:
        yield f * (size // len(f)) + "\x00"


def _imported(module: Any) -> set[str]:
    """The names ``module`` binds with ``from ... import``."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(module))
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def module_patterns(*modules: Any) -> dict[str, re.Pattern[str]]:
    """Every compiled (or lazily compiled) pattern held by a module: its globals, and what
    its tuples and dicts hold, by a name saying where it was found: the module that defines
    it when one of ``modules`` does (``paste.LOG_END`` is ``values.LOG_END``)."""
    from sfdoctor.lazyre import LazyPattern

    found: dict[str, re.Pattern[str]] = {}
    seen: set[tuple[str, int]] = set()

    def visit(name: str, value: Any, depth: int) -> None:
        if isinstance(value, LazyPattern | re.Pattern):
            key = (value.pattern, value.flags)
            if key not in seen:  # one pattern held under two names is run once
                seen.add(key)
                found[name] = re.compile(*key)
        elif isinstance(value, tuple | list) and depth < 4:
            for i, item in enumerate(value):
                visit(f"{name}[{i}]", item, depth + 1)
        elif isinstance(value, dict) and depth < 4:
            for key, item in value.items():
                visit(f"{name}[{key!r}]", item, depth + 1)

    # NOTE: what a module defines first, then what it imports: a pattern is run once, and
    # named after the module it is defined in.
    imported = {module.__name__: _imported(module) for module in modules}
    for defined in (True, False):
        for module in modules:
            short = module.__name__.rsplit(".", 1)[-1]
            for attr, value in vars(module).items():
                if (attr in imported[module.__name__]) is not defined:
                    visit(f"{short}.{attr}", value, 0)
    return found


if __name__ == "__main__":  # pragma: no cover - a look at what the generator makes
    print(shape(re.compile(sys.argv[1])))
