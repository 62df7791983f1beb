"""Reports to render: built from the knowledge base, with hostile server text in them."""

from __future__ import annotations

from sfdoctor.diagnosis.findings import finding
from sfdoctor.models import Attempt, Check, Input, Mark, Report, Severity
from sfdoctor.output.banner import Banner

# What a server might say: table breaks, code spans, markup, an HTML tag.
HOSTILE = "auth | failure `x` [bold]red[/bold] <script>alert(1)</script> **b**"

INPUTS = (
    Input("login URL", "https://login.salesforce.com", "default", False),
    Input("username", "integration@acme.com", "env (SF_USERNAME)", False),
    Input("password", "**** (14 characters)", "env (SF_PASSWORD)", True),
)


def banner(command: str = "check", anonymized: bool = False) -> Banner:
    return Banner(command, "2025-06-01T12:00:00Z", "0.1.0", anonymized)


def healthy() -> Report:
    return Report(
        "0.1.0",
        "2025-06-01T12:00:00Z",
        "https://login.salesforce.com",
        "password",
        INPUTS,
        (Attempt("password + security token", True, "https://x/token", "ok", 200, elapsed_ms=210),),
        2,
        (
            Check("configuration", "configuration", Mark.OK, "every value present"),
            Check("login", "login with password + security token", Mark.OK, "HTTP 200"),
            Check("network", "trusted network", Mark.SKIP, "not tested: budget of one"),
            Check("session", "identity", Mark.OK, "integration@acme.com"),
        ),
        (),
    )


def failing() -> Report:
    """A refused login (tied to its finding), a warning, and a finding no check points at."""
    refused = finding("security_token_required", [f"login refused: {HOSTILE}"])
    limits = finding("request_limit_exceeded", ["limits: 10 left"], severity=Severity.WARNING)
    loose = finding("login_url_invalid", ["a finding that no check line points at"])
    return Report(
        "0.1.0",
        "2025-06-01T12:00:00Z",
        "https://login.salesforce.com",
        "password",
        INPUTS,
        (
            Attempt(
                "password",
                False,
                "https://login.salesforce.com/services/oauth2/token",
                "auth_failure",
                400,
                "invalid_grant",
                HOSTILE,
                180,
            ),
        ),
        2,
        (
            Check("configuration", "configuration", Mark.OK, "every value present"),
            Check("login", "login with password", Mark.FAIL, HOSTILE, refused.cause),
            Check("login", "lockout", Mark.INFO, "1 refused login(s)"),
            Check("session", "API limits", Mark.WARN, "10 of 15,000 left", limits.cause),
        ),
        (refused, loose, limits),
    )
