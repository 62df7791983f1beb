"""The sf CLI's JWT login tries several hosts and prints every answer: keep the one that counts.

``sf org login jwt`` (and every command that logs in with a JWT) does not know which audience
an org wants, so @salesforce/core signs one assertion per login host and audience it can
think of -- the instance URL given, ``test.salesforce.com``, ``login.salesforce.com`` -- and
stops at the first that works (``getLoginAudienceCombos`` in forcedotcom/sfdx-core
``src/util/sfdcUrl.ts``). When none works it prints them all::

    Error authenticating with JWT.
    Errors encountered:
    audience is invalid  [audience=https://login.salesforce.com login=https://acme.my.salesforce.com/]
    fetch failed
    user hasn't approved this consumer

The ``audience is invalid [audience=... login=...]`` lines are the guesses Salesforce turned
down, and ``fetch failed`` the hosts the machine could not reach; neither is the failure
when another answer is in the list: that answer came from a pairing whose audience was not
refused, and it is the cause (forcedotcom/cli#1640: two "user hasn't approved this
consumer", one audience line, fixed by approving the user). When every try is ``fetch
failed``, no login server answered at all: the list is replaced by :data:`NO_ANSWER`, which
the knowledge base reads as the network's failure, not Salesforce's. Seen for real: sf CLI
2.150.6 against ``sfdoctor simulate`` and a closed port (tests/interop/test_sf_cli.py).

A list quoted inside JSON (``sf ... --json``: ``"message": "...\\nErrors encountered:\\n...",``)
ends at the line whose closing quote ends the message.
"""

from __future__ import annotations

HEADER = "Errors encountered:"
NO_ANSWER = "no login server answered (every try: fetch failed)"
"""What the list becomes when no try reached a login server."""
_AUDIENCE_GUESS = ("audience is invalid", "[audience=")
"""An audience guess: the line starts with the first words and holds the second (string
tests: a pattern here was quadratic on a hostile line)."""
_UNREACHED = "fetch failed"
_CLOSERS = ('",', "',", '"', "'")
MAX_LISTS = 8
"""How many lists one text is read for (``sf --json`` prints three)."""
"""What ends a line that ends a quoted message (longest first)."""


def settled(text: str) -> str:
    """``text`` with each of the sf CLI's lists of JWT attempts read (``--json`` prints the
    list three times: message, stack, cause): the refused audience guesses and unreached
    hosts set aside when another answer is in the list, the list replaced by
    :data:`NO_ANSWER` when every try went unanswered; else unchanged. Linear: each line is
    read once, and no more than :data:`MAX_LISTS` lists are read."""
    parts: list[str] = []
    done = 0
    for _ in range(MAX_LISTS):
        at = text.find(HEADER, done)
        if at < 0:
            break
        start = at + len(HEADER)
        read, end = _read_list(text, start)
        parts += [text[done:start], read]
        done = end
    return "".join(parts) + text[done:] if parts else text


def _read_list(text: str, start: int) -> tuple[str, int]:
    """The list that follows a header ending at ``start``, read, and the offset it ends at
    (the list as it was when there is nothing to set aside)."""
    lines: list[tuple[str, str, str]] = []  # (as written, what it says, its closing quote)
    pos = start
    header_line = True
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        raw = text[pos:end].rstrip()
        if not raw.strip() and not header_line:
            break  # a blank line ends the list
        next_pos = end + 1
        if raw.strip():
            quote = next((c for c in _CLOSERS if raw.endswith(c)), "")
            lines.append((raw, raw[: len(raw) - len(quote)].strip(), quote))
            if quote:  # the end of a quoted message ends the list
                pos = next_pos
                break
        header_line = False
        pos = next_pos
    kept = [raw for raw, core, _ in lines if not _set_aside(core)]
    unreached = sum(1 for _, core, _ in lines if core == _UNREACHED)
    if len(kept) == len(lines):
        return text[start:pos], pos
    closer = lines[-1][2] if _set_aside(lines[-1][1]) else ""  # kept lines keep their own
    tail = "\n" if text[pos - 1 : pos] == "\n" else ""
    if kept:
        return "\n" + "\n".join([*kept[:-1], kept[-1] + closer]) + tail, pos
    if unreached == len(lines):
        return " " + NO_ANSWER + closer + tail, pos
    return text[start:pos], pos


def _set_aside(core: str) -> bool:
    """An unreached host or a refused audience guess."""
    guess = core.startswith(_AUDIENCE_GUESS[0]) and _AUDIENCE_GUESS[1] in core
    return core == _UNREACHED or guess
