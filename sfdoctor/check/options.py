"""What the command line asked ``check`` for: the one record the pipeline and the commands
that run it (``check``, ``demo``) share."""

from __future__ import annotations

from typing import NamedTuple

from sfdoctor.models import Flow


class CheckOptions(NamedTuple):
    """What the command line asked for (no secrets: those come from the environment)."""

    login_url: str | None = None
    sandbox: bool = False
    env_file: str | None = None
    timeout: float = 10.0
    max_attempts: int = 2
    api_version: str | None = None
    query: str | None = None
    fmt: str = "console"
    strict: bool = False
    verbose: bool = False
    reports: tuple[str, ...] = ()
    """``--report`` paths; the extension chooses the format (:mod:`sfdoctor.output.paths`)."""
    anonymize: bool = False
    flow: str = Flow.PASSWORD
    """``--flow``: a :class:`~sfdoctor.models.Flow` value."""
    details: bool = False
    """``--details``: the console shows every step, candidate status, reference and recipe
    (report files always do)."""
    admin_org: str | None = None
    """``--admin-org ALIAS``: the Salesforce CLI's session whose Login History confirms the
    cause (``SF_ADMIN_ACCESS_TOKEN`` + ``SF_ADMIN_INSTANCE_URL`` otherwise; never required)."""
