"""Records shared by every layer: evidence in, matches and explanations out.

All records are immutable, so a value built by one layer cannot be changed by another;
variants are separate values (a transport failure is a clue, not an exception).

NOTE: records are typed ``NamedTuple``s rather than frozen dataclasses: importing
``dataclasses`` (and ``inspect`` behind it) alone cost more than half of the start-up budget
of ``sfdoctor explain`` (bench/startup.py). Importing ``typing`` cost a sixth of it, so at
run time :class:`NamedTuple` is this module's own (the type checker sees typing's).
"""

from __future__ import annotations

from collections import namedtuple
from enum import StrEnum

from sfdoctor.status import ExitStatus

__all__ = ["NamedTuple", "StrEnum"]  # re-exported: for records, and enums of user choices

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple
else:

    class _NamedTupleMeta(type):
        """``class R(NamedTuple)`` as :mod:`typing` makes it, without importing typing: a
        :func:`collections.namedtuple` of the annotated fields (the assigned ones are their
        defaults), with the class body's docstring, methods and properties."""

        def __new__(cls, name: str, bases: tuple[type, ...], ns: dict[str, object]) -> type:
            fields = list(ns.get("__annotations__", {}))
            defaults = [ns[f] for f in fields if f in ns]
            if any(f not in ns for f in fields[len(fields) - len(defaults) :]):
                raise TypeError(f"{name}: a field without a default follows one with a default")
            record = namedtuple(name, fields, defaults=defaults, module=str(ns["__module__"]))
            for key, value in ns.items():
                if key in _RESERVED:
                    raise AttributeError(f"cannot overwrite NamedTuple attribute {key}")
                if key not in ("__module__", "__annotations__") and key not in fields:
                    setattr(record, key, value)
            record.__annotations__ = ns.get("__annotations__", {})
            return record

    _RESERVED = frozenset(
        {"__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults"}
        | {"_make", "_replace", "_asdict", "_source"}
    )

    # The base itself is made as typing makes its own: not a record, the metaclass's instance.
    NamedTuple = type.__new__(_NamedTupleMeta, "NamedTuple", (), {})


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


class Discouraged(NamedTuple):
    """A remediation option sfdoctor advises against, with the reason."""

    option: str
    reason: str


class Candidate(NamedTuple):
    """One possible cause behind an ambiguous failure, and how to confirm it."""

    cause: str
    confirm: str
    """A Login History status (written as Salesforce shows it, capitalised: "Password
    Lockout") or, lower-case, a check to make ("the inner exception is ...")."""


def confirm_label(confirm: str | None) -> str:
    """How a candidate's ``confirm`` is introduced: ``Login History`` for a status (the
    knowledge base writes statuses capitalised, and checks to make in lower case), else
    ``How to tell``. tests/test_knowledge.py holds the knowledge base to that convention."""
    return "Login History" if confirm and confirm[:1].isupper() else "How to tell"


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
    action: str = ""
    """The one recommended action, in one line: what a console report closes with."""

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
    success: bool = False
    """A recognised text (cause ``unknown``, with a note) that says the login succeeded."""
    needles: tuple[str, ...] | None = None
    """Literals any match of ``message`` contains one of (empty: no such test); None when not
    computed yet (:func:`sfdoctor.diagnosis.knowledge.needles.needles`)."""
    parts: tuple[int, ...] | None = None
    """Where ``message``'s alternatives and their needles are
    (:func:`sfdoctor.diagnosis.knowledge.needles.parts`); None: compile it whole."""
    requires: tuple[tuple[tuple[str, ...], ...], ...] | None = None
    """Per alternative, every literal group it needs
    (:func:`sfdoctor.diagnosis.knowledge.needles.requires`); None: its needles say it all."""


class Secret:
    """A secret value that never prints: ``str()``, ``repr()`` and f-strings show ``****``.

    Only the probes call :meth:`reveal`, to put the value on the wire.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The real value. Call it only where the value is sent."""
        return self._value

    def __str__(self) -> str:
        return "****"

    __repr__ = __str__

    def __format__(self, spec: str) -> str:
        return "****"

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> None:  # type: ignore[override]
        raise TypeError("a Secret cannot be pickled")


# --------------------------------------------------------------------------------------
# What a ``check`` run found: attempts, checks, findings, the verdict and the exit status.
# Every string in them is already redacted: renderers can print them as they are.
SCHEMA = "sfdoctor.check/1"


class Verdict(StrEnum):
    """The run in one word."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


class Mark(StrEnum):
    """The state of one check line (✓ / ! / ✗ / ·)."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    INFO = "info"
    SKIP = "skip"


class Input(NamedTuple):
    """One configuration value as shown to users: where it came from, masked if secret."""

    name: str
    value: str
    source: str
    secret: bool


class Attempt(NamedTuple):
    """One login request: what was sent (never a secret) and what came back."""

    label: str
    with_token: bool
    url: str
    outcome: str
    """``ok``, ``auth_failure`` (Salesforce refused the credentials) or ``error``."""
    status: int | None = None
    error: str | None = None
    error_description: str | None = None
    elapsed_ms: int = 0


class Check(NamedTuple):
    """One line of the report: a stage, what was checked, and how it went."""

    stage: str
    name: str
    mark: Mark
    summary: str
    cause: str = ""
    """The finding this line is evidence of ('' if none): a failed check in JUnit carries it."""


class Finding(NamedTuple):
    """A named cause with its evidence and what to do about it."""

    cause: str
    severity: Severity
    title: str
    evidence: tuple[str, ...] = ()
    remediation: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    confidence: str = "high"
    candidates: tuple[tuple[str, str, str], ...] = ()
    """For an ambiguous failure: (cause, title, Login History status that confirms it)."""


class Report(NamedTuple):
    """A whole ``check`` run, ready to render."""

    version: str
    generated_at: str
    login_url: str
    flow: str
    inputs: tuple[Input, ...]
    attempts: tuple[Attempt, ...]
    attempt_budget: int
    checks: tuple[Check, ...]
    findings: tuple[Finding, ...]

    @property
    def verdict(self) -> Verdict:
        """``fail`` on any error finding or failed check, ``warn`` on any warning, else ``ok``."""
        if any(f.severity is Severity.ERROR for f in self.findings) or any(
            c.mark is Mark.FAIL for c in self.checks
        ):
            return Verdict.FAIL
        if any(f.severity is Severity.WARNING for f in self.findings) or any(
            c.mark is Mark.WARN for c in self.checks
        ):
            return Verdict.WARN
        return Verdict.OK

    @property
    def blocked(self) -> bool:
        """True when the configuration stopped the run before any request was sent."""
        return not self.attempts and any(
            c.stage == "configuration" and c.mark is Mark.FAIL for c in self.checks
        )

    def exit_status(self, *, strict: bool = False) -> ExitStatus:
        """0 ok (warnings too unless ``strict``), 1 a diagnosed problem, 2 blocked by the
        configuration, 3 inconclusive."""
        if self.blocked:
            return ExitStatus.USAGE
        verdict = self.verdict
        if verdict is Verdict.OK or (verdict is Verdict.WARN and not strict):
            return ExitStatus.OK
        # A warning under --strict is a diagnosed problem too.
        named = [f for f in self.findings if f.severity is not Severity.INFO]
        if verdict is Verdict.FAIL:
            named = [f for f in named if f.severity is Severity.ERROR]
        if any(f.cause not in INCONCLUSIVE_CAUSES for f in named):
            return ExitStatus.PROBLEM
        return ExitStatus.INCONCLUSIVE

    def summary(self) -> str:
        """One line: checks passed, warnings, failures, login attempts used."""
        counts = {m: sum(1 for c in self.checks if c.mark is m) for m in Mark}
        used = len(self.attempts)

        def plural(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        return (
            f"{plural(counts[Mark.OK], 'check')} passed, {plural(counts[Mark.WARN], 'warning')}, "
            f"{plural(counts[Mark.FAIL], 'failure')}; {used} of {self.attempt_budget} login "
            f"attempt{'' if self.attempt_budget == 1 else 's'} used"
        )


# Findings that mean "we could not tell": the network, Salesforce itself, or an answer we
# do not recognise. A run failing only on these exits 3, not 1.
INCONCLUSIVE_CAUSES = frozenset(
    {
        "unknown",
        "dns_failure",
        "network_unreachable",
        "timeout",
        "proxy_error",
        "service_unavailable",
        "unexpected_response",
        "tls_verification_failed",
    }
)
