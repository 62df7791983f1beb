"""The banner every report file opens with: what it is, when, by which version, and a warning.

Pure data; each renderer lays it out in its own format (a header in Markdown, properties and
a comment in JUnit XML, a ``report`` object in JSON, styled lines in text/HTML/SVG).
"""

from __future__ import annotations

from typing import Any, NamedTuple

REVIEW = (
    "Review before sharing: secrets are redacted, but usernames, org ids and hosts are not "
    "(use --anonymize)."
)
REVIEW_ANONYMIZED = (
    "Review before sharing: secrets are redacted, and usernames, org and user ids, hosts and "
    "IP addresses are replaced by placeholders (--anonymize)."
)


class Banner(NamedTuple):
    """Which command's report, when (UTC), by which sfdoctor, and whether it is anonymized."""

    command: str
    generated_at: str
    """``2025-06-01T12:00:00Z``."""
    version: str
    anonymized: bool = False

    @property
    def title(self) -> str:
        """``sfdoctor check report``."""
        return f"sfdoctor {self.command} report"

    @property
    def generated(self) -> str:
        """``Generated 2025-06-01T12:00:00Z (UTC) by sfdoctor 0.1.0``."""
        return f"Generated {self.generated_at} (UTC) by sfdoctor {self.version}"

    @property
    def notice(self) -> str:
        """The review-before-sharing warning."""
        return REVIEW_ANONYMIZED if self.anonymized else REVIEW

    def document(self) -> dict[str, Any]:
        """The banner as the ``report`` object of a JSON report file."""
        return {
            "title": self.title,
            "generated_at": self.generated_at,
            "sfdoctor_version": self.version,
            "anonymized": self.anonymized,
            "notice": self.notice,
        }

    def renderables(self) -> list[Any]:
        """The banner as rich renderables (the text, HTML and SVG reports)."""
        from rich.text import Text

        return [
            Text(self.title, style="bold"),
            Text(self.generated, style="dim"),
            Text(self.notice, style="yellow"),
            Text(""),
        ]
