"""The direct route of the network stage, when no proxy applies: DNS, then the TCP connection
to the login host, then TLS (:mod:`sfdoctor.check.network.tls`); and what a name that does
not resolve means (a broken resolver, or a My Domain not provisioned yet).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sfdoctor.check.network.tls import check_tls
from sfdoctor.models import Mark

if TYPE_CHECKING:
    import socket

    from sfdoctor.check.network.recorder import Recorder
    from sfdoctor.probes.connect import Fault


def connect_directly(rec: Recorder) -> None:
    """Resolve the login host, connect to it, then check TLS; record each step."""
    from sfdoctor.probes import connect

    resolved = connect.resolve(rec.host, rec.port, rec.timeout)
    if isinstance(resolved, connect.Fault):
        _dns_failure(rec, resolved)
        return
    shown = resolved.shown
    more = f" (+{len(shown) - 3} more)" if len(shown) > 3 else ""
    rec.line(
        "DNS",
        Mark.OK,
        f"{rec.host} -> {', '.join(shown[:3])}{more} in {resolved.elapsed_ms} ms",
    )
    conn = connect.open_tcp(resolved, rec.timeout)
    if isinstance(conn, connect.Fault):
        cause = "timeout" if conn.kind == "timeout" else "network_unreachable"
        rec.fail(
            "TCP connect",
            f"{rec.host}:{rec.port}: {conn.message}",
            cause,
            [f"TCP connection to {rec.host}:{rec.port} failed: {conn.message}"],
        )
        return
    rec.line("TCP connect", Mark.OK, f"{conn.peer} in {conn.elapsed_ms} ms")

    def reopen() -> socket.socket | None:
        again = connect.open_tcp(resolved, rec.timeout)
        return None if isinstance(again, connect.Fault) else again.sock

    check_tls(rec, conn.sock, reopen)


def _dns_failure(rec: Recorder, fault: Fault) -> None:
    from sfdoctor.hosts import PRODUCTION_LOGIN, SANDBOX_LOGIN

    if rec.host in (PRODUCTION_LOGIN, SANDBOX_LOGIN):
        extra = [
            f"Fix this machine's DNS (nslookup {rec.host}; a VPN, a firewall, or a network "
            f"that resolves outside names only through its proxy): {rec.host} is "
            "Salesforce's own login host and resolves everywhere else."
        ]
    else:
        extra = [
            f"If the My Domain {rec.host} was just created or renamed: Salesforce first "
            "provisions the new name (about 20 minutes, sometimes longer; an email says "
            "when it is done), and it serves logins once deployed (Setup > My Domain). A "
            "resolver that asked before then may keep answering 'does not exist' until "
            "its negative cache expires: if another resolver finds the name (nslookup "
            f"{rec.host} 1.1.1.1), wait or flush the local DNS cache."
        ]
    rec.fail(
        "DNS",
        f"{rec.host} does not resolve: {fault.message}",
        "dns_failure",
        [f"{rec.host} does not resolve here: {fault.message} (after {fault.elapsed_ms} ms)"],
        extra=extra,
    )
