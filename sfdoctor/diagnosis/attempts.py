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
"""What ends a line that ends a quoted message (longest first)."""


def settled(text: str) -> str:
    """``text`` with the sf CLI's list of JWT attempts read: the refused audience guesses and
    unreached hosts set aside when another answer is in the list, the list replaced by
    :data:`NO_ANSWER` when every try went unanswered; else ``text`` unchanged. Linear."""
    at = text.find(HEADER)
    if at < 0:
        return text
    start = at + len(HEADER)
    lines = text[start:].split("\n")
    n = 1 if lines and not lines[0].strip() else 0
    kept: list[str] = []
    dropped = unreached = 0
    closer = ""  # the closing quote of a dropped last line, kept for the line before it
    while n < len(lines) and lines[n].strip():
        raw = lines[n].rstrip()
        n += 1
        end = next((c for c in _CLOSERS if raw.endswith(c)), "")
        core = raw[: len(raw) - len(end)].strip()
        if core == _UNREACHED:
            dropped, unreached, closer = dropped + 1, unreached + 1, end
        elif core.startswith(_AUDIENCE_GUESS[0]) and _AUDIENCE_GUESS[1] in core:
            dropped, closer = dropped + 1, end
        else:
            kept.append(raw)
            closer = ""
        if end:
            break
    if not dropped:
        return text
    tail = lines[n:]
    if kept:
        return text[:start] + "\n" + "\n".join([*kept[:-1], kept[-1] + closer, *tail])
    if unreached == dropped:
        return text[:start] + " " + NO_ANSWER + closer + "\n" + "\n".join(tail)
    return text
