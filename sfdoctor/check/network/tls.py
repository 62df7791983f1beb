"""The TLS step of the network stage: the handshake with the login host (directly or inside
the proxy's tunnel), verified with the CA bundle requests would use, and what a refused or
unverified certificate means, TLS interception first among them.

The handshake itself lives in :mod:`sfdoctor.probes.connect`; this module judges it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sfdoctor.check.network.environment import ca_bundle
from sfdoctor.models import Mark

if TYPE_CHECKING:
    import socket

    from sfdoctor.check.network.recorder import Recorder
    from sfdoctor.probes.connect import CertInfo


# Organisations whose CAs issue Salesforce's certificates. DigiCert since Salesforce's move
# from Symantec in 2018 (login, My Domain and instance hosts; the DigiCert Global Root G2
# chain from 2026); Let's Encrypt for custom domains served by the Salesforce CDN; the
# Symantec family (VeriSign, GeoTrust, thawte) before 2018. Inferred from Salesforce's
# certificate-change notices, not from a published list: an issuer outside it is reported
# as likely TLS interception, never trusted because of it.
PUBLIC_CA_ORGS = ("digicert", "let's encrypt", "symantec", "verisign", "geotrust", "thawte")


def check_tls(
    rec: Recorder, sock: socket.socket, reopen: Callable[[], socket.socket | None]
) -> None:
    """Run the TLS handshake over ``sock`` and record the outcome; ``reopen`` opens the same
    route again, to read a certificate that did not verify."""
    import ssl

    from sfdoctor.hosts import is_loopback
    from sfdoctor.probes import connect

    bundle, source = ca_bundle(rec.environ)
    try:
        context = connect.verify_context(bundle)
    except (OSError, ssl.SSLError) as exc:
        sock.close()
        rec.fail(
            "TLS",
            f"the CA bundle {source} cannot be read",
            "tls_verification_failed",
            [f"the CA bundle {source} cannot be read: {exc}"],
            extra=[
                "Point REQUESTS_CA_BUNDLE (or CURL_CA_BUNDLE) at a readable PEM file that "
                "holds the public roots (and your company CA, if TLS is inspected), or "
                "unset it to use certifi's bundle."
            ],
        )
        return
    result = connect.handshake(sock, rec.host, context, rec.timeout)
    if isinstance(result, connect.TlsInfo):
        cert = result.cert
        summary = f"{result.version} in {result.elapsed_ms} ms{rec.via}"
        if cert is not None:
            summary += f"; certificate {cert.subject}, issued by {cert.issuer}"
            if cert.not_after is not None:
                summary += f", expires {_day(cert.not_after)}"
        rec.line("TLS", Mark.OK, summary)
        if cert is not None and not _public(cert) and not is_loopback(rec.host):
            rec.line(
                "TLS inspection",
                Mark.INFO,
                f"issued by {cert.issuer}, not by a public CA Salesforce uses: TLS is "
                f"inspected on the way and trusted through {source}; the inspecting "
                "proxy can read everything sent, credentials included",
            )
        return
    if result.kind == "tls_verify":
        again = reopen()
        seen = connect.peek_certificate(again, rec.host, rec.timeout) if again else None
        _not_verified(rec, result.message, seen, source)
    elif result.kind == "tls_protocol":
        rec.fail(
            "TLS",
            f"handshake refused: {result.message}",
            "tls_unsupported",
            [
                f"the TLS handshake with {rec.host}{rec.via} was refused: {result.message}",
                f"this Python uses {ssl.OPENSSL_VERSION} (lowest protocol offered: "
                f"{context.minimum_version.name}); Salesforce requires TLS 1.2 or later",
            ],
        )
    elif result.kind == "not_tls":
        rec.fail(
            "TLS",
            f"{rec.host}:{rec.port} does not speak TLS ({result.message})",
            "unexpected_response",
            [
                f"{rec.host}:{rec.port}{rec.via} answered the TLS handshake with "
                f"something else ({result.message}): a plain-HTTP port, or a proxy or "
                "captive portal in Salesforce's place"
            ],
        )
    elif result.kind == "timeout":
        rec.fail(
            "TLS",
            result.message,
            "timeout",
            [f"the TLS handshake with {rec.host}{rec.via}: {result.message}"],
        )
    elif result.kind == "reset":
        rec.fail(
            "TLS",
            f"connection closed during the handshake ({result.message})",
            "network_unreachable",
            [
                f"the connection to {rec.host}{rec.via} was closed during the TLS "
                f"handshake ({result.message}): a firewall or proxy that blocks this "
                "host by name, or a server that is not Salesforce"
            ],
        )
    else:
        rec.fail(
            "TLS",
            f"handshake failed: {result.message}",
            "tls_unsupported",
            [f"the TLS handshake with {rec.host}{rec.via} failed: {result.message}"],
            confidence="medium",
        )


def _not_verified(rec: Recorder, message: str, cert: CertInfo | None, source: str) -> None:
    evidence = [f"the certificate presented for {rec.host}{rec.via} is not trusted: {message}"]
    extra: list[str] = []
    if cert is None:
        summary = f"certificate not verified: {message}"
    else:
        evidence.append(
            f"it names {cert.subject}, issued by {cert.issuer}"
            + (f", valid until {_day(cert.not_after)}" if cert.not_after else "")
            + " (read with verification off; nothing was sent on that connection)"
        )
        summary = f"certificate not verified ({message}): issued by {cert.issuer}"
        if not _public(cert):
            who = (
                f"a self-signed certificate, {cert.subject}"
                if cert.self_signed
                else f"a certificate issued by {cert.issuer}"
            )
            evidence.append(
                f"TLS to {rec.host} is intercepted: it comes with {who}, not one from a "
                "public CA Salesforce uses (DigiCert); a TLS-inspecting proxy or security "
                "software re-signs the connection with its own CA, and would read the "
                "password, token and client secret"
            )
            extra = [
                f"Trust the inspecting CA ({cert.issuer}) properly, as the next steps say: "
                "get its certificate as PEM from IT, then REQUESTS_CA_BUNDLE (sfdoctor "
                "verifies with it too) or the system store through truststore. Better "
                "still, ask IT to exempt *.salesforce.com and *.force.com from TLS "
                "inspection, so credentials travel encrypted end to end."
            ]
            summary = f"certificate not verified: TLS is intercepted ({who})"
        elif "expired" in message:
            extra = [
                "The certificate is a public CA's but out of its validity: check this "
                "machine's clock and time zone (NTP) before anything else."
            ]
        elif "local issuer" in message or "unable to get" in message:
            extra = [
                f"The certificate is a public CA's, but {source} lacks its root: update "
                "it (pip install -U certifi, or the system's ca-certificates package); "
                "Salesforce's certificates chain to DigiCert Global Root G2 from 2026."
            ]
        elif "mismatch" in message.lower():
            extra = [
                f"The certificate is not for {rec.host}: check the login URL's spelling "
                "and use the My Domain host from Setup > My Domain."
            ]
    rec.fail("TLS", summary, "tls_verification_failed", evidence, extra=extra)


def _public(cert: CertInfo) -> bool:
    org = cert.issuer_o.lower()
    return not cert.self_signed and org.startswith(PUBLIC_CA_ORGS)


def _day(when: datetime) -> str:
    from datetime import UTC

    days = (when - datetime.now(UTC)).days
    return f"{when:%Y-%m-%d} ({days} days)" if days >= 0 else f"{when:%Y-%m-%d} (expired)"
