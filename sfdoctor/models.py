"""Records shared by every layer: evidence in, matches and explanations out.

All records are immutable, so a value built by one layer cannot be changed by another;
variants are separate values (a transport failure is a clue, not an exception).

NOTE: records are typed ``NamedTuple``s rather than frozen dataclasses: importing
``dataclasses`` (and ``inspect`` behind it) alone cost more than half of the start-up budget
of ``sfdoctor explain`` (bench/startup.py).
"""

from enum import StrEnum
from typing import Any, NamedTuple

__all__ = ["StrEnum"]  # re-exported: every enum of user choices is a StrEnum


class OutputFormat(StrEnum):
    """``--format`` choices for standard output."""

    CONSOLE = "console"
    JSON = "json"


class Flow(StrEnum):
    """``check --flow`` choices: how the integration logs in."""

    PASSWORD = "password"
    """OAuth 2.0 username-password flow (``grant_type=password``)."""
    SOAP = "soap"
    """SOAP API ``login()`` with password + security token (simple-salesforce, Data Loader)."""
    JWT = "jwt"
    """OAuth 2.0 JWT bearer flow: an RS256 assertion signed with the app's private key."""
    CLIENT_CREDENTIALS = "client-credentials"
    """OAuth 2.0 client credentials flow, at the org's My Domain, as the app's Run As user."""


class Family(StrEnum):
    """Where a piece of evidence comes from.

    Signatures are written for one family; :data:`sfdoctor.diagnosis.classify.APPLIES` says which
    clue families each signature family can match.
    """

    OAUTH = "oauth"
    """An OAuth token-endpoint body: ``error`` + ``error_description``."""
    SOAP = "soap"
    """A SOAP ``login()`` fault: ``exceptionCode`` + ``exceptionMessage``."""
    REST = "rest"
    """A REST error array: ``[{"errorCode", "message"}]``."""
    FAULT = "fault"
    """An upper-case API code found in pasted text, SOAP or REST unknown."""
    LOGIN_HISTORY = "login_history"
    """A Setup > Login History status string."""
    ELF = "elf"
    """An Event Log File ``LOGIN_STATUS`` code."""
    HTTP = "http"
    """An HTTP answer that is not a Salesforce error body (HTML page, truncated JSON, ...)."""
    TRANSPORT = "transport"
    """No HTTP answer at all: DNS, refused connection, timeout, TLS, proxy."""
    CONTEXT = "context"
    """What surrounds an error: the login URL, the username, the host."""
    TEXT = "text"
    """Free text as pasted; matched by pattern only."""


class Confidence(StrEnum):
    """How sure a match is, as declared by its signature."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Severity(StrEnum):
    """How bad a finding is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Clue(NamedTuple):
    """One piece of evidence, already redacted.

    ``code`` is the machine-readable part (OAuth ``error``, SOAP ``exceptionCode``, REST
    ``errorCode``, ELF code, HTTP body kind, transport failure kind); ``message`` the human
    part (``error_description``, fault message, status string, or the whole pasted text for
    :attr:`Family.TEXT`).
    """

    family: Family
    code: str | None = None
    message: str = ""
    status: int | None = None
    origin: str = ""
    """Where the clue was found, for the evidence line (``JSON body``, ``SOAP fault``, ...)."""


class Match(NamedTuple):
    """A signature that matched a clue: one candidate cause."""

    cause: str
    signature: str
    family: Family
    confidence: Confidence
    priority: int
    evidence: tuple[str, ...] = ()


class Explanation(NamedTuple):
    """The result of classifying one piece of evidence, best match first."""

    matches: tuple[Match, ...]
    text: str = ""
    """The input after redaction (what may safely be shown back)."""

    @property
    def family(self) -> Family | None:
        """The family of the best match, or None when nothing matched."""
        return self.matches[0].family if self.matches else None

    @property
    def cause(self) -> str | None:
        """The best match's cause id, or None when nothing matched."""
        return self.matches[0].cause if self.matches else None

    def to_dict(self) -> dict[str, Any]:
        """The ``sfdoctor.explain/1`` JSON document (see the README)."""
        from sfdoctor.output.explain_json import explanation_document

        return explanation_document(self)


class Discouraged(NamedTuple):
    """A remediation option sfdoctor advises against, with the reason."""

    option: str
    reason: str


class Candidate(NamedTuple):
    """One possible cause behind an ambiguous failure, and how to confirm it."""

    cause: str
    confirm: str


class Cause(NamedTuple):
    """One knowledge-base entry: a cause id and everything said about it."""

    id: str
    title: str
    category: str
    severity: Severity
    meaning: str
    why: str
    remediation: tuple[str, ...]
    discouraged: tuple[Discouraged, ...] = ()
    confirm: str = ""
    references: tuple[str, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    aliases: tuple[str, ...] = ()

    def remediation_lines(self) -> list[str]:
        """Remediation as shown to users: recommended steps first, discouraged ones last."""
        lines = list(self.remediation)
        lines.extend(f"Not recommended: {d.option}. {d.reason}" for d in self.discouraged)
        return lines


class Signature(NamedTuple):
    """A typed matcher for one kind of evidence of one cause (data from signatures.toml)."""

    id: str
    cause: str
    family: Family
    priority: int
    confidence: Confidence
    code: str | None = None
    message: str | None = None
    """A case-insensitive regular expression (source; compiled on first use), or None."""
    status: tuple[int, int] | None = None
    strict: bool = False
    """Only a clue that carries this exact code matches (never free text alone)."""
    when: str | None = None
    """A named context predicate from :mod:`sfdoctor.diagnosis.classify` (context family only)."""
    example: str = ""
    note: str = ""
