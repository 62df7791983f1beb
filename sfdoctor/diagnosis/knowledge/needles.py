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

    One per top-level alternative: the longest run of plain characters outside any group;
    failing that (a run shorter than 4), the literals of a group the alternative cannot
    match without, e.g. ``(?:missing|empty) (?:client id|username)``; failing that, a run
    of 3 (``\\b407\\b``). None when some alternative has none of these (no cheap test).
    Matching texts are searched for these before the pattern is compiled: most patterns
    never need compiling for a given text (start-up budget).
    """
    found: list[str] = []
    for alternative in (source[a:b] for a, b in _spans(source)):
        run = _longest_run(alternative)
        if _weight(run) >= 4:
            found.append(run.lower())
            continue
        inner = _required_group_needles(alternative)
        if inner is None and (len(run) == 3 or _weight(run) >= 2 > len(run)):
            # A short word ("407", "tls") or one CJK or Hangul character ("密", "会话"'s
            # first) still spares most texts.
            inner = (run.lower(),)
        if inner is None:
            return None
        found.extend(inner)
    return tuple(found)


@cache
def parts(source: str) -> tuple[int, ...] | None:
    """Where each top-level alternative of ``source`` is, and how many of :func:`needles`'
    literals are its own: ``(start, end, count)`` per alternative, flat, in order.

    With it the classifier compiles only the alternatives whose literals a text contains
    (a big pattern costs milliseconds to compile; one alternative, a fraction of that). None
    when there is no cheap test, or a single alternative that :func:`requires` asks nothing
    more of (nothing to narrow).
    """
    found = needles(source)
    spans = _spans(source)
    if not found or (len(spans) < 2 and requires(source) is None):
        return None
    flat: list[int] = []
    for a, b in spans:
        flat += [a, b, len(needles(source[a:b]) or ())]
    if sum(flat[2::3]) != len(found):  # NOTE: cannot happen; then the full pattern is used
        return None
    return tuple(flat)


@cache
def requires(source: str) -> tuple[tuple[tuple[str, ...], ...], ...] | None:
    """For each top-level alternative of ``source``, every group of literals it cannot match
    without (a match holds one literal of each group): its longest plain run, and each
    required group's literals. None when no alternative has more than one such group (then
    :func:`needles` says all there is).

    ``\\b(?:invalid|bad)\\b.{0,12}(?:login|host)[ _](?:url|uri)`` needs "invalid" or "bad",
    "login" or "host", and "url" or "uri": a text with "invalid" and no "url" or "uri" does not
    compile it.
    """
    groups = [_groups(source[a:b]) for a, b in _spans(source)]
    return tuple(groups) if any(len(g) > 1 for g in groups) else None


def narrowed(
    source: str,
    found: tuple[str, ...],
    where: tuple[int, ...] | None,
    low: str,
    needed: tuple[tuple[tuple[str, ...], ...], ...] | None = None,
) -> str | None:
    """``source`` cut to the alternatives whose literals (``found``, laid out by ``where``,
    see :func:`parts`; all of their groups in ``needed``, see :func:`requires`) occur in
    ``low``, the lower-cased text; None when no alternative can match. What is left matches
    exactly the texts ``source`` matches."""
    if not any(x in low for x in found):  # most signatures, for most texts: one pass
        return None
    if not where:
        return source
    kept: list[str] = []
    n = 0
    for k, i in enumerate(range(0, len(where), 3)):
        a, b, count = where[i], where[i + 1], where[i + 2]
        if any(x in low for x in found[n : n + count]) and (
            needed is None or all(any(x in low for x in group) for group in needed[k])
        ):
            kept.append(source[a:b])
        n += count
    if not kept:
        return None
    if len(kept) * 3 == len(where):
        return source
    return source[: where[0]] + "|".join(kept)


def _scoped(body: str) -> bool:
    """True for a non-capturing group's body, with or without scoped flags: ``?:...``,
    ``?-i:...`` (a lookaround, ``?=``, ``?<!``, is not one)."""
    colon = body.find(":")
    return body.startswith("?") and colon > 0 and all(c in "aiLmsux-" for c in body[1:colon])


def _weight(run: str) -> int:
    """How selective a literal is: a character outside ASCII (CJK, Hangul, kana) is rare in
    most texts and counts double, so "会话" is as good a needle as "gone"."""
    return sum(1 if c.isascii() else 2 for c in run)


def _skip(source: str, i: int) -> int:
    """The index after the escape or character class starting at ``source[i]``."""
    if source[i] == "\\":
        return i + 2
    j = i + 2 if source.startswith("[^", i) else i + 1
    j += source.startswith("]", j)  # "]" right after "[" or "[^" is literal
    while j < len(source):  # an escaped "]", "(" or "|" inside the class is literal too
        if source[j] == "\\":
            j += 2
        elif source[j] == "]":
            return j + 1
        else:
            j += 1
    return len(source)


def _spans(source: str) -> list[tuple[int, int]]:
    """Where the top-level alternatives of ``source`` are (after its inline flags, e.g.
    ``(?s)``, which stay at the front of the pattern)."""
    start = 0
    if source.startswith("(?"):
        close = source.find(")")
        if close > 0 and source[2:close].isalpha():
            start = close + 1
    spans, depth, i = [], 0, start
    while i < len(source):
        c = source[i]
        if c in "\\[":
            i = _skip(source, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth = max(depth - 1, 0)
        elif c == "|" and depth == 0:
            spans.append((start, i))
            start = i + 1
        i += 1
    spans.append((start, len(source)))
    return spans


def _longest_run(alternative: str) -> str:
    """The longest run of plain characters outside any group of one alternative."""
    best, run, depth, i = "", "", 0, 0
    while i < len(alternative):
        c = alternative[i]
        if c in _SPECIAL or depth:
            if c in _QUANTIFIERS and run:
                run = run[:-1]  # the last character is optional or repeated
            best = max(best, run, key=len)
            run = ""
            if c == "\\":
                i += 1  # an escape: skip the escaped character too
            elif c == "[":
                i = _skip(alternative, i) - 1
            elif c == "{":
                close = alternative.find("}", i + 1)
                i = close if close > 0 else len(alternative)
            elif c == "(":
                depth += 1
            elif c == ")":
                depth = max(depth - 1, 0)
        else:
            run += c
        i += 1
    return max(best, run, key=len)


def _groups(alternative: str) -> tuple[tuple[str, ...], ...]:
    """The literal groups one alternative cannot match without (see :func:`requires`)."""
    run = _longest_run(alternative)
    found = [(run.lower(),)] if _weight(run) >= 4 else []
    return tuple(found + _required_groups(alternative))


def _required_group_needles(alternative: str) -> tuple[str, ...] | None:
    """The needles of the first top-level group ``alternative`` cannot match without (not
    followed by ``?``, ``*`` or ``{0``; not a lookaround), or None."""
    found = _required_groups(alternative, first=True)
    return found[0] if found else None


def _required_groups(alternative: str, first: bool = False) -> list[tuple[str, ...]]:
    """The needles of each top-level group ``alternative`` cannot match without (not
    followed by ``?``, ``*`` or ``{0``; not a lookaround) that has needles; the first only
    with ``first``."""
    found: list[tuple[str, ...]] = []
    depth, start, i = 0, -1, 0
    while i < len(alternative):
        c = alternative[i]
        if c in "\\[":
            i = _skip(alternative, i)
            continue
        if c == "(":
            if depth == 0:
                start = i
            depth += 1
        elif c == ")" and depth:
            depth -= 1
            if depth == 0:
                after = alternative[i + 1 : i + 3]
                body = alternative[start + 1 : i]
                optional = after[:1] in ("?", "*") or after.startswith(("{0", "{,"))
                scoped = _scoped(body)
                if not optional and (scoped or not body.startswith("?")):
                    inner = needles(body[body.find(":") + 1 :] if scoped else body)
                    if inner is not None:
                        found.append(inner)
                        if first:
                            return found
        i += 1
    return found
