"""The clock check: this machine's clock against the ``Date`` header of the first
Salesforce answer (the network stage runs before any answer, so this comes later).

A clock more than :data:`SKEW_LIMIT` seconds *behind* Salesforce's makes JWT bearer
assertions expire early, by that much, because Salesforce judges ``exp`` by its own clock.
A clock *ahead* does no harm there: Salesforce refuses an ``exp`` already past, not one far
ahead (its own CLI signs ``exp`` in milliseconds, some 50,000 years ahead, and logs in:
forcedotcom/sfdx-core src/org/authInfo.ts), and sfdoctor's assertion carries no ``iat`` or
``nbf``. That is said as a note.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sfdoctor.check.network.recorder import STAGE, NetworkResult
from sfdoctor.models import Check, Mark, Severity

SKEW_LIMIT = 60  # seconds a JWT assertion may lose of its lifetime (clients give it 3-5 min)


def clock_check(headers: Mapping[str, str], *, now: datetime | None = None) -> NetworkResult:
    """Compare the ``Date`` header of a Salesforce answer with this machine's clock.

    Nothing when there is no such header; a warning when this machine is more than
    :data:`SKEW_LIMIT` seconds behind (JWT assertions expire early by Salesforce's clock);
    a note when it is as far ahead (harmless to the login, worth synchronising).
    """
    from datetime import UTC
    from email.utils import parsedate_to_datetime

    value = next((v for k, v in headers.items() if k.lower() == "date"), "")
    if not value:
        return NetworkResult()
    try:
        server = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return NetworkResult(
            (Check(STAGE, "clock", Mark.INFO, f"unreadable Date header: {value[:60]!r}"),)
        )
    if server.tzinfo is None:
        server = server.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    skew = (now - server).total_seconds()
    if abs(skew) <= SKEW_LIMIT:
        return NetworkResult(
            (Check(STAGE, "clock", Mark.OK, f"within {abs(skew):.0f} s of Salesforce's"),)
        )
    if skew > 0:
        summary = (
            f"this machine's clock is {_duration(skew)} ahead of Salesforce's: harmless to "
            "the login (Salesforce refuses a JWT exp already past, not one far ahead); "
            "synchronise it (NTP) all the same"
        )
        return NetworkResult((Check(STAGE, "clock", Mark.INFO, summary),))
    from sfdoctor.diagnosis.findings import finding

    off = f"{_duration(-skew)} behind"
    summary = (
        f"this machine's clock is {off} Salesforce's: a JWT bearer assertion expires "
        f"{_duration(-skew)} early by Salesforce's clock"
    )
    found = finding(
        "jwt_assertion_invalid",
        [
            f"Salesforce's Date header says {server.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC, "
            f"this machine {now.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC: its clock is {off} "
            "Salesforce's",
            "the password flow does not depend on the clock; the JWT bearer flow does: "
            "Salesforce judges the assertion's exp by its own clock, so an assertion that "
            f"expires less than {_duration(-skew)} after signing is already past "
            "('expired authorization code')",
        ],
        severity=Severity.WARNING,
    )
    steps = [step for step in found.remediation if "clock" in step]
    found = found._replace(
        title=f"This machine's clock is {off} Salesforce's: JWT assertions expire early",
        remediation=(
            "Synchronise this machine's clock with NTP (Linux: timedatectl set-ntp true; "
            "Windows: w32tm /resync; a container takes its host's clock).",
            *steps,
        ),
    )
    return NetworkResult(
        (Check(STAGE, "clock", Mark.WARN, summary, "jwt_assertion_invalid"),), (found,)
    )


def _duration(seconds: float) -> str:
    s = round(seconds)
    if s < 120:
        return f"{s} s"
    minutes, s = divmod(s, 60)
    if minutes < 60:
        return f"{minutes} min {s} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"
