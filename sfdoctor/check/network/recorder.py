"""What one run of the network stage records: its target, its report lines, its findings,
and whether it blocks the login. Every step (direct, through a proxy, TLS) writes here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

from sfdoctor.models import Check, Finding, Mark

STAGE = "network"


class NetworkResult(NamedTuple):
    """Report lines and findings of the network stage, and whether to stop there."""

    checks: tuple[Check, ...] = ()
    findings: tuple[Finding, ...] = ()
    blocking: bool = False


class Recorder:
    """One run of the stage: the login URL's host and port, the step budget, the
    environment read for proxies, and what the steps found."""

    def __init__(
        self,
        url: str,
        timeout: float,
        environ: Mapping[str, str],
        trace: Callable[[str], None] | None,
    ) -> None:
        from sfdoctor.hosts import parse_url

        target = parse_url(url)  # preflight() has read it already: it parses
        self.url = target.url
        self.host = target.host
        self.port = target.default_port
        self.timeout = timeout
        self.environ = environ
        self._trace_to = trace
        self.checks: list[Check] = []
        self.findings: list[Finding] = []
        self.blocking = False
        self.via = ""  # " through the proxy" once a tunnel is open

    def trace(self, line: str) -> None:
        if self._trace_to is not None:
            from sfdoctor.redaction import redact

            self._trace_to(redact(f"* network: {line}"))

    def line(self, name: str, mark: Mark, summary: str, cause: str = "") -> None:
        """Add a report line, and trace it."""
        self.checks.append(Check(STAGE, name, mark, summary, cause))
        self.trace(f"{name}: {summary}")

    def fail(
        self,
        name: str,
        summary: str,
        cause: str,
        evidence: list[str],
        *,
        extra: list[str] | None = None,
        confidence: str = "high",
    ) -> None:
        """Add a failing line and its finding, and block the login."""
        from sfdoctor.diagnosis.findings import finding

        self.line(name, Mark.FAIL, summary, cause)
        self.findings.append(
            finding(
                cause,
                [*evidence, "nothing was sent: the login was not attempted"],
                confidence=confidence,
                extra_remediation=extra or (),
            )
        )
        self.blocking = True

    def result(self) -> NetworkResult:
        """What the run found, frozen."""
        return NetworkResult(tuple(self.checks), tuple(self.findings), self.blocking)
