"""Evidence in, ranked matches out. Pure: no I/O, no global state but the knowledge base.

The knowledge base holds the signatures (data); this module holds the vocabulary that gives
their fields meaning:

- a signature written for a family matches clues of the families in :data:`APPLIES`;
- ``code`` must equal the clue's code (case-insensitive); in free text it must appear as a
  whole word, and ``strict`` signatures never match free text;
- ``message`` is a case-insensitive pattern searched in the clue's message (or the text);
- ``status`` is an inclusive range of HTTP statuses (never matched by free text);
- ``when`` names a context predicate (:mod:`sfdoctor.diagnosis.context`; context
  signatures only).

Precedence is the signature's ``priority``: the specific beats the generic. Each cause is
reported once, by its highest-priority match; generic fallbacks are dropped once a decisive
signature has matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache

from sfdoctor.diagnosis.context import PREDICATES, SALESFORCE_WORDS, foreign_host
from sfdoctor.diagnosis.knowledge import KnowledgeBase
from sfdoctor.diagnosis.knowledge.needles import narrowed
from sfdoctor.diagnosis.oneline import LINE
from sfdoctor.hosts import is_salesforce_host
from sfdoctor.lazyre import LazyPattern
from sfdoctor.models import Clue, Confidence, Family, Match, Signature

APPLIES: dict[Family, frozenset[Family]] = {
    Family.OAUTH: frozenset({Family.OAUTH, Family.FAULT, Family.TEXT}),
    Family.SOAP: frozenset({Family.SOAP, Family.FAULT, Family.TEXT}),
    Family.REST: frozenset({Family.REST, Family.FAULT, Family.TEXT}),
    Family.ELF: frozenset({Family.ELF, Family.FAULT, Family.TEXT}),
    Family.LOGIN_HISTORY: frozenset({Family.LOGIN_HISTORY, Family.TEXT}),
    Family.HTTP: frozenset({Family.HTTP}),
    Family.TRANSPORT: frozenset({Family.TRANSPORT, Family.TEXT}),
    Family.CONTEXT: frozenset({Family.TEXT}),
}
# Families whose codes are distinctive words that may be searched for in free text.
_TEXT_CODE_FAMILIES = frozenset({Family.OAUTH, Family.SOAP, Family.REST, Family.ELF})

DECISIVE = 60
"""Matches at or above this priority name a cause on their own."""
GENERIC = 30
"""Matches below this priority are fallbacks, dropped when a decisive match exists."""

_MAX_EVIDENCE = 240
_LEAD = 60
"""How much of a long line an evidence line keeps before what matched."""
_WORD = LazyPattern(r"[\w-]+")

# --- matching ---------------------------------------------------------------------------

LOOKALIKE = "unknown"
"""The cause of look-alike signatures: a text that resembles a login failure and is not one."""

# Apex's and Visualforce's exceptions around a call Salesforce made to another server: its
# network and TLS failures are between Salesforce and that server, never a login to it.
_CALLOUT = ("CalloutException", "System.VisualforceException")
_STATUS_LINE = "transport.text_service_unavailable"


# NOTE: every signature is tried on every clue of a paste (up to 40 of its lines among
# them): a cache smaller than that would lower-case a long paste again for each signature.
@lru_cache(maxsize=64)
def _words(text: str) -> frozenset[str]:
    """The whole words of ``text``, lower-cased: codes are looked up among them."""
    return frozenset(_WORD.findall(text.lower()))


@cache
def pattern(source: str) -> re.Pattern[str]:
    """A signature's ``message`` pattern, compiled on first use (start-up budget)."""
    return re.compile(source, re.IGNORECASE)


def _code_matches(sig: Signature, clue: Clue) -> bool:
    if sig.code is None:
        return True
    if clue.family is Family.TEXT:
        if sig.strict or sig.family not in _TEXT_CODE_FAMILIES:
            return False
        return sig.code.lower() in _words(clue.message)
    if clue.code is None:
        # An OAuth description quoted without its error code (the Salesforce CLI prints
        # only the description): the description alone decides, unless strict.
        return not sig.strict and sig.message is not None
    return clue.code.lower() == sig.code.lower()


def _evidence(sig: Signature, clue: Clue, source: str | None = None) -> str:
    """One line saying what in the clue matched, short and already redacted."""
    status = f"HTTP {clue.status}: " if clue.status else ""
    if clue.family is Family.OAUTH:
        line = f"{status}error={clue.code}" if clue.code else f"{status}error description"
        if clue.message:
            line += f' error_description="{clue.message}"'
    elif clue.family in (Family.SOAP, Family.REST, Family.FAULT, Family.ELF):
        line = f"{status}{clue.code}: {clue.message}" if clue.message else f"{status}{clue.code}"
    elif clue.family is Family.LOGIN_HISTORY:
        line = f'Login History status "{clue.message}"'
    elif clue.family is Family.HTTP:
        line = f"{status}{clue.code} body" + (f': "{clue.message}"' if clue.message else "")
    elif clue.family is Family.TRANSPORT:
        line = f"{clue.code}: {clue.message}" if clue.message else str(clue.code)
    else:
        line = _text_line(sig, clue.message, source)
    line = " ".join(line.split())
    return line if len(line) <= _MAX_EVIDENCE else line[: _MAX_EVIDENCE - 1] + "\u2026"


def _text_line(sig: Signature, text: str, source: str | None = None) -> str:
    """The line of ``text`` that matched ``sig`` (or its first line)."""
    source = source or sig.message or re.escape(sig.code or "")
    m = pattern(source).search(text) if source else None
    if not m:
        return text.strip().splitlines()[0] if text.strip() else ""
    start = text.rfind("\n", 0, m.start()) + 1
    end = text.find("\n", m.end())
    end = end if end >= 0 else len(text)
    if end - start > _MAX_EVIDENCE and m.start() - start > _LEAD:
        # A long line (a text read on one line, minified JSON): from just before the match.
        return "\u2026" + text[m.start() - _LEAD : end].strip()
    return text[start:end].strip()


def match_signature(sig: Signature, clue: Clue) -> str | None:
    """The evidence line if ``sig`` matches ``clue``, else None."""
    if clue.family not in APPLIES[sig.family]:
        return None
    if clue.origin == LINE and (sig.when is not None or sig.cause == LOOKALIKE):
        return None  # about what the whole paste is (its request, its service), not a line
    if sig.when is not None:
        return PREDICATES[sig.when](clue.message)
    if sig.status is not None:
        if clue.status is None or not sig.status[0] <= clue.status <= sig.status[1]:
            return None
    if not _code_matches(sig, clue):
        return None
    source = sig.message
    if source is not None:
        # kb.json carries each pattern's literals (the build computes them: start-up budget).
        cheap = sig.needles
        if cheap is None:  # a knowledge base read from the TOML (tests): computed here
            from sfdoctor.diagnosis.knowledge.needles import needles

            cheap = needles(source)
        if cheap:  # only the alternatives the text has literals of are compiled
            source = narrowed(source, cheap, sig.parts, _lower(clue.message), sig.requires)
        if source is None or not pattern(source).search(clue.message):
            return None
    return _evidence(sig, clue, source)


@lru_cache(maxsize=64)
def _lower(text: str) -> str:
    return text.lower()


def _foreign_request_host(clues: Sequence[Clue]) -> str | None:
    """The host a pasted transport failure names, when every one it names is not Salesforce's.

    A certificate or proxy failure on the way to another service is that service's problem:
    the words are transport evidence, but not about this login.
    """
    return foreign_host([c.message for c in clues if c.family is Family.TEXT])


OTHER_HOST = "the failing request went to "
"""How the evidence line of a transport failure to another host starts (reports lift it
into the card as a caution)."""
UNNAMED_HOST = "nothing in the text says the failing request was Salesforce's"
"""How the evidence line of a pasted transport failure that names no Salesforce host,
endpoint or library starts (reports lift it into the card too)."""


def _cautioned(match: Match, line: str) -> Match:
    """``match`` at medium confidence at most, with ``line`` saying why (if given)."""
    confidence = Confidence.MEDIUM if match.confidence is Confidence.HIGH else match.confidence
    evidence = (*match.evidence, line) if line else match.evidence
    return match._replace(confidence=confidence, evidence=evidence)


def _transport_caution(clues: Sequence[Clue]) -> str | None:
    """Why a transport answer from ``clues`` may not be this login's, or None.

    A failure on the way to another host is that host's. A pasted failure that names nothing
    of Salesforce may be too: measured on the corpus's dev texts (session 8), a high transport
    answer was right 44 times in 44 when the text named Salesforce (a host, a library, an
    endpoint) and 47 in 53 when it named nothing of it; the six others were another
    service's certificate, proxy or tunnel failure, pasted alone. A failure sfdoctor saw
    itself (a TRANSPORT clue) went where it was told to go.
    """
    if foreign := _foreign_request_host(clues):
        return (
            f"{OTHER_HOST}{foreign}, not a Salesforce host: unless that is the org's "
            "custom login domain or a proxy, this failure belongs to another service"
        )
    texts = [c.message for c in clues if c.family is Family.TEXT]
    if (
        texts
        and not any(c.family is Family.TRANSPORT for c in clues)
        and not any(SALESFORCE_WORDS.search(t) for t in texts)
    ):
        return (
            f"{UNNAMED_HOST} (no Salesforce host, endpoint or library in it): if it went to "
            "another service, this failure is that service's, not the login's"
        )
    return None


def classify(clues: Sequence[Clue], kb: KnowledgeBase) -> tuple[Match, ...]:
    """Rank the causes the clues point to, best first (empty when nothing matched).

    Structured clues are tried before free text, so a match's evidence quotes the
    structured field when there is one.
    """
    ordered = sorted(clues, key=lambda c: c.family is Family.TEXT)
    outbound = any(c.family is Family.TEXT and any(m in c.message for m in _CALLOUT) for c in clues)
    # SOAP carries every fault with HTTP 500: beside a fault, the status line is no outage.
    fault = any(c.family is Family.SOAP for c in clues)
    best: dict[str, Match] = {}
    for sig in kb.signatures:  # highest priority first
        if sig.cause in best or (fault and sig.id == _STATUS_LINE):
            continue
        if outbound and sig.family is Family.TRANSPORT:
            continue  # a connection Salesforce made to someone else: not this login's fault
        for clue in ordered:
            evidence = match_signature(sig, clue)
            if evidence is not None:
                best[sig.cause] = Match(
                    sig.cause,
                    sig.id,
                    sig.family,
                    sig.confidence,
                    sig.priority,
                    (evidence,) if evidence else (),
                )
                break
    matches = sorted(best.values(), key=lambda m: -m.priority)
    if matches and matches[0].cause == LOOKALIKE:
        return ()  # a known look-alike: not a Salesforce login failure
    matches = [m for m in matches if m.cause != LOOKALIKE]
    # NOTE: a context match is about the request itself (plain HTTP, a sandbox username on
    # production): an error description no signature knows does not make it another server's.
    if (
        matches
        and matches[0].priority < DECISIVE
        and matches[0].family is not Family.CONTEXT
        and _foreign_oauth_error(clues, kb)
    ):
        return ()  # the body names its own error, in words that are not Salesforce's
    if matches and matches[0].priority < DECISIVE and _foreign_error_uri(clues):
        return ()  # the error points to another server's documentation
    if matches and matches[0].priority >= DECISIVE:
        matches = [m for m in matches if m.priority >= GENERIC]
    if len(matches) > 1:
        # NOTE: a context clue that names one of the top answer's own candidates is why
        # that text failed (a sandbox username sent to login.salesforce.com under
        # INVALID_LOGIN): it goes first, with the answer it narrows listed after it.
        listed = {c.cause for c in kb.candidates(matches[0].cause, matches[0].signature)}
        narrowing = next(
            (m for m in matches[1:] if m.family is Family.CONTEXT and m.cause in listed), None
        )
        if narrowing is not None:
            matches = [narrowing, *(m for m in matches if m is not narrowing)]
    # The caution is about the text (where it went), so it caps every transport reading of
    # it (an alternative must not read surer than the answer above it); the first says why.
    if any(m.family is Family.TRANSPORT for m in matches):
        if caution := _transport_caution(clues):
            first = next(i for i, m in enumerate(matches) if m.family is Family.TRANSPORT)
            matches = [
                _cautioned(m, caution if i == first else "") if m.family is Family.TRANSPORT else m
                for i, m in enumerate(matches)
            ]
    return tuple(matches)


def recognised(clues: Sequence[Clue], kb: KnowledgeBase) -> tuple[Signature, ...]:
    """The look-alike signatures ``clues`` match, best first: texts sfdoctor knows that are
    not a login failure it diagnoses (a success status, a UI-only refusal); their notes say
    what each is. Read only when :func:`classify` found nothing."""
    found = []
    for sig in kb.signatures:
        if sig.cause == LOOKALIKE and sig.note:
            if any(match_signature(sig, clue) is not None for clue in clues):
                found.append(sig)
    return tuple(found)


# An OAuth error's `error_uri`: the documentation of the server that answered.
_ERROR_URI = LazyPattern(r"\berror_uri\W{1,4}https?://([\w.-]{1,253})", re.IGNORECASE)


def _foreign_error_uri(clues: Sequence[Clue]) -> bool:
    """True when the text's OAuth error links its own documentation on a host that is not
    Salesforce's: another authorization server answered (jkkn.ai's "User not found")."""
    hosts = {
        m.group(1).lower().rstrip(".")
        for c in clues
        if c.family is Family.TEXT and "error_uri" in c.message
        for m in _ERROR_URI.finditer(c.message)
    }
    return bool(hosts) and not any(is_salesforce_host(h) for h in hosts)


def _foreign_oauth_error(clues: Sequence[Clue], kb: KnowledgeBase) -> bool:
    """True when the text carries an OAuth error with a description no signature knows.

    Salesforce always describes its OAuth errors, in words the knowledge base holds; an
    error described otherwise (Google's "Token has been expired or revoked.", another
    server's "The token has already been consumed.") is another provider's, and a wrapper's
    generic words around it must not turn it into a Salesforce cause.
    """
    described = [c for c in clues if c.family is Family.OAUTH and c.code and c.message]
    # Each error is tried as its fields and as the line "code: description" (the form the
    # translated descriptions are written for).
    forms = [
        form
        for c in described
        for form in (c, Clue(Family.TEXT, None, f"{c.code}: {c.message}", None, "text"))
    ]
    return bool(described) and not any(
        match_signature(sig, form) is not None
        for form in forms
        for sig in kb.signatures
        if sig.family is Family.OAUTH and sig.cause != LOOKALIKE
    )


def causes_of(matches: Iterable[Match]) -> list[str]:
    """The cause ids of ``matches``, in order."""
    return [m.cause for m in matches]
