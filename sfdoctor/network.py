"""The network stage of ``check``: is this connection fit to carry credentials?

Runs before the first login and sends no credentials: DNS, the TCP connection, the TLS
handshake (through the configured proxy, as requests would go), the proxy itself. A failing
line stops the check before anything secret is sent. The clock skew is measured later,
from the ``Date`` header of the first Salesforce answer (:func:`clock_check`).

NOTE: the first version of this module is the seam ``check`` calls; the stage itself is
filled in by the network-diagnosis work (issue 8).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

from sfdoctor.report import Check, Finding


class NetworkResult(NamedTuple):
    """Report lines and findings of the network stage, and whether to stop there."""

    checks: tuple[Check, ...] = ()
    findings: tuple[Finding, ...] = ()
    blocking: bool = False


def preflight(
    login_url: str,
    *,
    timeout: float,
    environ: Mapping[str, str] | None = None,
    trace: Callable[[str], None] | None = None,
) -> NetworkResult:
    """Check the path to ``login_url`` without sending any credential."""
    return NetworkResult()


def clock_check(headers: Mapping[str, str]) -> NetworkResult:
    """Compare the ``Date`` header of a Salesforce answer with this machine's clock."""
    return NetworkResult()
