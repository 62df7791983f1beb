"""What a ``check`` run found: attempts, checks, findings, the verdict and the exit status.

Immutable records (see :mod:`sfdoctor.models` for why they are NamedTuples). Every string in
them is already redacted: renderers can print them as they are.
"""

from typing import NamedTuple

from sfdoctor.models import Severity, StrEnum
from sfdoctor.status import ExitStatus

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
