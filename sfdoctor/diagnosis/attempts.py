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
consumer", one audience line, fixed by approving the user). Seen for real: sf CLI 2.150.6
against ``sfdoctor simulate`` (tests/interop/test_sf_cli.py).
"""

from __future__ import annotations

HEADER = "Errors encountered:"
_AUDIENCE_GUESS = ("audience is invalid", "[audience=")
"""An audience guess: the line starts with the first words and holds the second (string
tests: a pattern here was quadratic on a hostile line)."""
_UNREACHED = "fetch failed"


def settled(text: str) -> str:
    """``text`` without the sf CLI's refused audience guesses and unreached hosts, when its
    list of JWT attempts holds another answer; else ``text`` unchanged. Linear in the text."""
    at = text.find(HEADER)
    if at < 0:
        return text
    start = at + len(HEADER)
    lines = text[start:].split("\n")
    n = 1 if lines and not lines[0].strip() else 0
    kept, dropped, other = [], 0, False
    while n < len(lines) and lines[n].strip():
        line = lines[n].strip()
        guess = line.startswith(_AUDIENCE_GUESS[0]) and _AUDIENCE_GUESS[1] in line
        if line == _UNREACHED or guess:
            dropped += 1
        else:
            other = True
            kept.append(lines[n])
        n += 1
    if not (other and dropped):
        return text
    return text[:start] + "\n" + "\n".join(kept + lines[n:])
