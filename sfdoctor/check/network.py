"""The network stage of ``check``: is this connection fit to carry credentials?

Runs before the first login and sends no credentials: DNS, the TCP connection, the TLS
handshake (through the configured proxy, as requests would go), the proxy itself. A failing
line stops the check before anything secret is sent. The clock skew is measured later,
from the ``Date`` header of the first Salesforce answer (:func:`clock_check`).

The steps themselves (sockets, TLS) live in :mod:`sfdoctor.probes.connect`; this module
decides which to take, as requests would, and what each outcome means.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from sfdoctor.models import Check, Finding, Mark, Severity

if TYPE_CHECKING:
    import socket

    from sfdoctor.probes.connect import CertInfo, Fault, ProxyAnswer

STAGE = "network"
SKEW_LIMIT = 60  # seconds; beyond this a JWT assertion's exp/iat no longer fit Salesforce's window
LOOPBACK_HTTP = (
    "plain HTTP on loopback (simulator/tests), connecting directly: no DNS, proxy or TLS to inspect"
)

# Organisations whose CAs issue Salesforce's certificates. DigiCert since Salesforce's move
# from Symantec in 2018 (login, My Domain and instance hosts; the DigiCert Global Root G2
# chain from 2026); Let's Encrypt for custom domains served by the Salesforce CDN; the
# Symantec family (VeriSign, GeoTrust, thawte) before 2018. Inferred from Salesforce's
# certificate-change notices, not from a published list: an issuer outside it is reported
# as likely TLS interception, never trusted because of it.
PUBLIC_CA_ORGS = ("digicert", "let's encrypt", "symantec", "verisign", "geotrust", "thawte")

# The proxy variables requests reads for an https:// URL, lower-case first.
_PROXY_VARIABLES = ("https_proxy", "all_proxy", "no_proxy")


class NetworkResult(NamedTuple):
    """Report lines and findings of the network stage, and whether to stop there."""

    checks: tuple[Check, ...] = ()
    findings: tuple[Finding, ...] = ()
    blocking: bool = False


# --- proxies, exactly as requests chooses them ----------------------------------------


def environ_proxies(environ: Mapping[str, str]) -> dict[str, str]:
    """``urllib.request.getproxies_environment`` over ``environ``: scheme -> proxy URL,
    the lower-case variable winning (an empty one removes the upper-case one's value)."""
    proxies: dict[str, str] = {}
    for name, value in environ.items():
        low = name.lower()
        if value and low.endswith("_proxy"):
            proxies[low[:-6]] = value
    if "REQUEST_METHOD" in environ:  # CVE-2016-1000110, as urllib does
        proxies.pop("http", None)
    for name, value in environ.items():
        if name.endswith("_proxy"):
            if value:
                proxies[name.lower()[:-6]] = value
            else:
                proxies.pop(name.lower()[:-6], None)
    return proxies


def _bypassed(url: str, environ: Mapping[str, str], proxies: Mapping[str, str]) -> bool:
    """``requests.utils.should_bypass_proxies`` over ``environ`` (NO_PROXY / no_proxy)."""
    import urllib.request
    from urllib.parse import urlsplit

    from requests.utils import address_in_network, is_ipv4_address, is_valid_cidr

    parts = urlsplit(url)
    hostname = parts.hostname
    if hostname is None:
        return True
    no_proxy = environ.get("no_proxy") or environ.get("NO_PROXY")
    if no_proxy:
        entries = [h for h in no_proxy.replace(" ", "").split(",") if h]
        if is_ipv4_address(hostname):
            for entry in entries:
                if is_valid_cidr(entry):
                    if address_in_network(hostname, entry):
                        return True
                elif hostname == entry:
                    return True
        else:
            with_port = f"{hostname}:{parts.port}" if parts.port else hostname
            for entry in entries:
                entry = entry.lstrip(".")
                if entry in (hostname, with_port):
                    return True
                if hostname.endswith("." + entry) or with_port.endswith("." + entry):
                    return True
    if environ is os.environ:
        # The platform's own rules too (macOS and Windows system proxy exceptions).
        return bool(urllib.request.proxy_bypass(hostname))
    # NOTE: proxy_bypass_environment is public in urllib but missing from its type stubs.
    bypass_environment = getattr(urllib.request, "proxy_bypass_environment")  # noqa: B009
    return bool(bypass_environment(hostname, dict(proxies)))


def proxy_for(url: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The proxy for ``url``, or None: the one requests (``trust_env=True``) would choose,
    except that loopback never goes through a proxy (as if NO_PROXY named it).

    NOTE: a proxy on the way to the simulator or a test server would see the credentials
    in clear (plain HTTP), and the report would not know. The transport asks this function
    for every request, so what the report says is what happens.
    """
    import urllib.request
    from urllib.parse import urlsplit

    from sfdoctor.hosts import host_of, is_loopback

    if is_loopback(host_of(url)):
        return None
    env = os.environ if environ is None else environ
    # With the real environment, urllib also reads the system settings (macOS, Windows).
    proxies = urllib.request.getproxies() if env is os.environ else environ_proxies(env)
    if _bypassed(url, env, proxies):
        return None
    return proxies.get(urlsplit(url).scheme.lower(), proxies.get("all")) or None


def mask_proxy(url: str) -> str:
    """``http://user:secret@proxy:3128`` -> ``http://user:****@proxy:3128``.

    Everything between the first ``:`` of the user part and the last ``@`` is masked, so
    a password holding ``/``, ``?``, ``#`` or ``@`` unencoded (which makes the URL
    unusable) is masked whole too.
    """
    from sfdoctor.redaction import MASK

    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    userinfo, at, hostpart = rest.rpartition("@")
    if not at:
        return url
    user, colon, _ = userinfo.partition(":")
    return f"{scheme}{sep}{user}{':' + MASK if colon else ''}@{hostpart}"


def proxy_secrets(environ: Mapping[str, str] | None = None) -> list[str]:
    """The passwords in the proxy variables of ``environ`` (raw and percent-decoded), for
    the redactor: whatever a library prints about a proxy, they never show."""
    from urllib.parse import unquote

    env = os.environ if environ is None else environ
    out = []
    for name, value in env.items():
        if not name.lower().endswith("_proxy") or "@" not in value:
            continue
        rest = value.split("://", 1)[-1]  # the part after the scheme, if there is one
        password = rest.rpartition("@")[0].partition(":")[2]
        out += [password, unquote(password)] if password else []
    return out


def ca_bundle(environ: Mapping[str, str] | None = None) -> tuple[str | None, str]:
    """The CA bundle requests would verify with (None: the system's store), and its name."""
    env = os.environ if environ is None else environ
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        value = env.get(name)
        if value:
            return value, f"{name} ({value})"
    try:
        import certifi
    except ImportError:  # pragma: no cover - requests depends on certifi
        return None, "the system's CA store"
    return certifi.where(), "certifi's CA bundle (the one requests uses)"


def _inconsistent_variables(environ: Mapping[str, str]) -> list[str]:
    def same(a: str, b: str) -> bool:
        def norm(v: str) -> object:
            return {e.strip().lstrip(".") for e in v.split(",")} if "," in v else v.strip("/ ")

        return norm(a) == norm(b)

    out = []
    for low in _PROXY_VARIABLES:
        up = low.upper()
        if low in environ and up in environ and not same(environ[low], environ[up]):
            out.append(
                f"{low}={mask_proxy(environ[low]) or '(empty)'} and "
                f"{up}={mask_proxy(environ[up]) or '(empty)'}"
            )
    return out


# --- the stage ----------------------------------------------------------------------


def preflight(
    login_url: str,
    *,
    timeout: float,
    environ: Mapping[str, str] | None = None,
    trace: Callable[[str], None] | None = None,
) -> NetworkResult:
    """Check the path to ``login_url`` without sending any credential.

    ``environ`` (default ``os.environ``) holds the proxy and CA-bundle variables, read as
    requests reads them. A ``blocking`` result means: do not send the login.
    """
    from sfdoctor.hosts import UrlRefused, is_loopback, parse_url

    env: Mapping[str, str] = os.environ if environ is None else environ
    try:
        target = parse_url(login_url)
    except UrlRefused as exc:  # lint refuses it first; this stage never guesses a host
        from sfdoctor.diagnosis.findings import finding
        from sfdoctor.hosts import shown_url

        summary = f"{shown_url(login_url)}: {exc}"
        return NetworkResult(
            (Check(STAGE, "login URL", Mark.FAIL, summary, "login_url_invalid"),),
            (finding("login_url_invalid", [summary, "nothing was sent"]),),
            True,
        )
    if target.scheme != "https":
        # Lint lets plain HTTP through to loopback only (the simulator, tests): nothing to
        # inspect, and nothing that costs a round trip.
        text = LOOPBACK_HTTP if is_loopback(target.host) else "plain HTTP: no TLS to inspect"
        configured = sorted(
            name for name in env if name.lower() in ("http_proxy", "all_proxy") and env[name]
        )
        if configured and is_loopback(target.host):
            text += (
                f"; {' and '.join(configured)} set, but loopback never goes through a proxy: "
                "connecting directly"
            )
        return NetworkResult((Check(STAGE, "transport", Mark.INFO, text),))
    return _Preflight(login_url, timeout, env, trace).run()


class _Preflight:
    """One run of the stage: its lines, its findings, whether it blocks."""

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

    # -- recording --

    def trace(self, line: str) -> None:
        if self._trace_to is not None:
            from sfdoctor.redaction import redact

            self._trace_to(redact(f"* network: {line}"))

    def line(self, name: str, mark: Mark, summary: str, cause: str = "") -> None:
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

    # -- the steps --

    def run(self) -> NetworkResult:
        from sfdoctor.hosts import is_loopback

        for pair in _inconsistent_variables(self.environ):
            self.line(
                "proxy variables",
                Mark.WARN,
                f"{pair} differ: requests (and sfdoctor, curl, wget) use the lower-case one, "
                "other clients may read the other; set both alike or unset one",
            )
        proxy = proxy_for(self.url, self.environ)
        if proxy is None:
            if not is_loopback(self.host):
                self.line("proxy", Mark.INFO, self._no_proxy_summary())
            elif environ_proxies(self.environ).keys() & {"https", "all"}:
                self.line(
                    "proxy",
                    Mark.INFO,
                    f"none: {self.host} is loopback, which never goes through a proxy; "
                    "connecting directly",
                )
            self._direct()
        else:
            self._through(proxy)
        return NetworkResult(tuple(self.checks), tuple(self.findings), self.blocking)

    def _no_proxy_summary(self) -> str:
        configured = environ_proxies(self.environ)
        if configured.get("https") or configured.get("all"):
            no_proxy = self.environ.get("no_proxy") or self.environ.get("NO_PROXY")
            rule = f"NO_PROXY ({no_proxy})" if no_proxy else "the system's proxy exceptions"
            return f"none: {rule} matches {self.host}; connecting directly"
        return "none (no HTTPS_PROXY or ALL_PROXY): connecting directly"

    def _direct(self) -> None:
        from sfdoctor.probes import connect

        resolved = connect.resolve(self.host, self.port, self.timeout)
        if isinstance(resolved, connect.Fault):
            self._dns_failure(resolved)
            return
        shown = resolved.shown
        more = f" (+{len(shown) - 3} more)" if len(shown) > 3 else ""
        self.line(
            "DNS",
            Mark.OK,
            f"{self.host} -> {', '.join(shown[:3])}{more} in {resolved.elapsed_ms} ms",
        )
        conn = connect.open_tcp(resolved, self.timeout)
        if isinstance(conn, connect.Fault):
            cause = "timeout" if conn.kind == "timeout" else "network_unreachable"
            self.fail(
                "TCP connect",
                f"{self.host}:{self.port}: {conn.message}",
                cause,
                [f"TCP connection to {self.host}:{self.port} failed: {conn.message}"],
            )
            return
        self.line("TCP connect", Mark.OK, f"{conn.peer} in {conn.elapsed_ms} ms")

        def reopen() -> socket.socket | None:
            again = connect.open_tcp(resolved, self.timeout)
            return None if isinstance(again, connect.Fault) else again.sock

        self._tls(conn.sock, reopen)

    def _dns_failure(self, fault: Fault) -> None:
        from sfdoctor.hosts import PRODUCTION_LOGIN, SANDBOX_LOGIN

        if self.host in (PRODUCTION_LOGIN, SANDBOX_LOGIN):
            extra = [
                f"{self.host} is Salesforce's own login host and resolves everywhere: this "
                "machine's DNS is broken or blocked (VPN, firewall, a network that resolves "
                "outside names only through its proxy)."
            ]
        else:
            extra = [
                f"If the My Domain {self.host} was just created or renamed: Salesforce first "
                "provisions the new name (about 20 minutes, sometimes longer; an email says "
                "when it is done), and it serves logins once deployed (Setup > My Domain). A "
                "resolver that asked before then may keep answering 'does not exist' until "
                "its negative cache expires: if another resolver finds the name (nslookup "
                f"{self.host} 1.1.1.1), wait or flush the local DNS cache."
            ]
        self.fail(
            "DNS",
            f"{self.host} does not resolve: {fault.message}",
            "dns_failure",
            [f"{self.host} does not resolve here: {fault.message} (after {fault.elapsed_ms} ms)"],
            extra=extra,
        )

    def _through(self, proxy: str) -> None:
        import base64
        from urllib.parse import unquote, urlsplit

        from sfdoctor.probes import connect
        from sfdoctor.probes.http import USER_AGENT

        shown = mask_proxy(proxy)
        full = proxy if "://" in proxy else f"http://{proxy}"
        parts = urlsplit(full)
        scheme = parts.scheme.lower()
        if not _same_proxy(full):
            self.fail(
                "proxy",
                f"{shown} is not a usable proxy URL",
                "proxy_error",
                [
                    f"the proxy URL {shown} cannot be read as one host and port (a character "
                    "in it, unencoded, ends the user name or password early, or parsers "
                    "read it differently)"
                ],
                extra=[_PERCENT_ENCODE],
            )
            return
        if scheme != "http":
            # https:// (TLS to the proxy, then TLS inside) and socks*:// proxies: named only.
            self.line(
                "proxy",
                Mark.INFO,
                f"{shown}: a {scheme}:// proxy; sfdoctor inspects only http:// proxies, the "
                "login will go through it as requests decides",
            )
            return
        self.line(
            "DNS", Mark.INFO, f"{self.host}: not resolved here; the proxy {shown} resolves it"
        )
        try:
            proxy_host, proxy_port = parts.hostname or "", parts.port or 80
        except ValueError:
            proxy_host, proxy_port = "", 0
        if not proxy_host or not proxy_port:
            self.fail(
                "proxy",
                f"{shown} is not a usable proxy URL",
                "proxy_error",
                [f"the proxy URL {shown} has no usable host or port"],
                extra=[_PERCENT_ENCODE] if "@" in proxy else None,
            )
            return
        resolved = connect.resolve(proxy_host, proxy_port, self.timeout)
        if isinstance(resolved, connect.Fault):
            self.fail(
                "proxy",
                f"the proxy host {proxy_host} does not resolve: {resolved.message}",
                "proxy_error",
                [f"the proxy {shown}: its host {proxy_host} does not resolve: {resolved.message}"],
            )
            return
        conn = connect.open_tcp(resolved, self.timeout)
        if isinstance(conn, connect.Fault):
            what = {
                "refused": "refuses connections (nothing listens on that port?)",
                "timeout": f"does not answer within {self.timeout:g} s",
            }.get(conn.kind, f"cannot be reached: {conn.message}")
            self.fail(
                "proxy",
                f"{shown} {what}",
                "proxy_error",
                [f"the proxy {shown} {what} ({conn.message})"],
            )
            return
        self.line("TCP connect", Mark.OK, f"proxy {conn.peer} in {conn.elapsed_ms} ms")

        headers = {"User-Agent": USER_AGENT}
        if parts.username:
            # As requests does: the URL's user and password, percent-decoded, Basic.
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            headers["Proxy-Authorization"] = "Basic " + base64.b64encode(
                pair.encode("latin-1", errors="replace")
            ).decode("ascii")
        target = f"{self.host}:{self.port}"
        answer = connect.proxy_connect(
            conn.sock, self.host, self.port, headers=headers, timeout=self.timeout
        )
        if isinstance(answer, connect.Fault):
            conn.sock.close()
            self.fail(
                "proxy",
                f"{shown}: CONNECT {target} failed: {answer.message}",
                "proxy_error",
                [f"the proxy {shown} did not open a tunnel to {target}: {answer.message}"],
            )
            return
        if answer.status != 200:
            conn.sock.close()
            self._proxy_refusal(shown, target, answer, has_credentials=bool(parts.username))
            return
        self.line(
            "proxy",
            Mark.OK,
            f"{shown}: tunnel to {target} opened (HTTP 200) in {answer.elapsed_ms} ms",
        )
        self.via = f" through the proxy {shown}"

        def reopen() -> socket.socket | None:
            again = connect.open_tcp(resolved, self.timeout)
            if isinstance(again, connect.Fault):
                return None
            ok = connect.proxy_connect(
                again.sock, self.host, self.port, headers=headers, timeout=self.timeout
            )
            if isinstance(ok, connect.Fault) or ok.status != 200:
                again.sock.close()
                return None
            return again.sock

        self._tls(conn.sock, reopen)

    def _proxy_refusal(
        self, shown: str, target: str, answer: ProxyAnswer, *, has_credentials: bool
    ) -> None:
        status = f"HTTP {answer.status} {answer.reason}".strip()
        evidence = [f"the proxy {shown} answered CONNECT {target} with {status}"]
        extra: list[str] = []
        if answer.status == 407:
            offered = answer.headers.get("proxy-authenticate", "")
            schemes = list(dict.fromkeys(c.strip().split(" ")[0] for c in offered.split(",")))
            schemes = [s for s in schemes if s and "=" not in s]  # not realm="..." parts
            if offered:
                evidence.append(f"it asks for: {', '.join(schemes) or offered[:80]}")
            lowered = {s.lower() for s in schemes}
            if lowered and "basic" not in lowered:
                windows = " (Windows sign-in)" if lowered & {"ntlm", "negotiate"} else ""
                extra.append(
                    f"The proxy offers only {', '.join(schemes)}{windows}, which Python "
                    "requests cannot answer, whatever the proxy URL holds: ask IT for "
                    "Basic authentication or an exemption for this host, or run a local "
                    "authenticating proxy (Px, Cntlm) and point HTTPS_PROXY at it."
                )
            elif has_credentials:
                extra.append(
                    "The proxy refused the user name and password in the proxy URL: check "
                    "them, and percent-encode special characters in them (@ as %40, : as %3A)."
                )
            else:
                extra.append(
                    "The proxy wants credentials: give them in the proxy URL, "
                    "HTTPS_PROXY=http://USER:PASSWORD@host:port (percent-encoded), from a "
                    "secret store rather than a committed file."
                )
            summary = f"{shown} answered {status}"
        elif answer.status in (403, 405):
            extra.append(
                f"The proxy does not allow tunnels to {target}: ask IT to allow CONNECT to "
                "*.salesforce.com and *.force.com on port 443 (your My Domain included)."
            )
            summary = f"{shown} refused CONNECT {target}: {status}"
        else:
            extra.append(
                f"The answer ({status}) comes from the proxy, not from Salesforce: the proxy "
                f"could not reach {target} (its own DNS or firewall); ask IT with this answer."
            )
            summary = f"{shown} could not open a tunnel to {target}: {status}"
        self.fail("proxy", summary, "proxy_error", evidence, extra=extra)

    def _tls(self, sock: socket.socket, reopen: Callable[[], socket.socket | None]) -> None:
        import ssl

        from sfdoctor.hosts import is_loopback
        from sfdoctor.probes import connect

        bundle, source = self._ca_bundle()
        try:
            context = connect.verify_context(bundle)
        except (OSError, ssl.SSLError) as exc:
            sock.close()
            self.fail(
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
        result = connect.handshake(sock, self.host, context, self.timeout)
        if isinstance(result, connect.TlsInfo):
            cert = result.cert
            summary = f"{result.version} in {result.elapsed_ms} ms{self.via}"
            if cert is not None:
                summary += f"; certificate {cert.subject}, issued by {cert.issuer}"
                if cert.not_after is not None:
                    summary += f", expires {_day(cert.not_after)}"
            self.line("TLS", Mark.OK, summary)
            if cert is not None and not _public(cert) and not is_loopback(self.host):
                self.line(
                    "TLS inspection",
                    Mark.INFO,
                    f"issued by {cert.issuer}, not by a public CA Salesforce uses: TLS is "
                    f"inspected on the way and trusted through {source}; the inspecting "
                    "proxy can read everything sent, credentials included",
                )
            return
        if result.kind == "tls_verify":
            again = reopen()
            seen = connect.peek_certificate(again, self.host, self.timeout) if again else None
            self._not_verified(result.message, seen, source)
        elif result.kind == "tls_protocol":
            self.fail(
                "TLS",
                f"handshake refused: {result.message}",
                "tls_unsupported",
                [
                    f"the TLS handshake with {self.host}{self.via} was refused: {result.message}",
                    f"this Python uses {ssl.OPENSSL_VERSION} (lowest protocol offered: "
                    f"{context.minimum_version.name}); Salesforce requires TLS 1.2 or later",
                ],
            )
        elif result.kind == "not_tls":
            self.fail(
                "TLS",
                f"{self.host}:{self.port} does not speak TLS ({result.message})",
                "unexpected_response",
                [
                    f"{self.host}:{self.port}{self.via} answered the TLS handshake with "
                    f"something else ({result.message}): a plain-HTTP port, or a proxy or "
                    "captive portal in Salesforce's place"
                ],
            )
        elif result.kind == "timeout":
            self.fail(
                "TLS",
                result.message,
                "timeout",
                [f"the TLS handshake with {self.host}{self.via}: {result.message}"],
            )
        elif result.kind == "reset":
            self.fail(
                "TLS",
                f"connection closed during the handshake ({result.message})",
                "network_unreachable",
                [
                    f"the connection to {self.host}{self.via} was closed during the TLS "
                    f"handshake ({result.message}): a firewall or proxy that blocks this "
                    "host by name, or a server that is not Salesforce"
                ],
            )
        else:
            self.fail(
                "TLS",
                f"handshake failed: {result.message}",
                "tls_unsupported",
                [f"the TLS handshake with {self.host}{self.via} failed: {result.message}"],
                confidence="medium",
            )

    def _ca_bundle(self) -> tuple[str | None, str]:
        """The CA bundle requests would verify with, and how to name it."""
        return ca_bundle(self.environ)

    def _not_verified(self, message: str, cert: CertInfo | None, source: str) -> None:
        evidence = [
            f"the certificate presented for {self.host}{self.via} is not trusted: {message}"
        ]
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
                    f"TLS to {self.host} is intercepted: it comes with {who}, not one from a "
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
                    f"The certificate is not for {self.host}: check the login URL's spelling "
                    "and use the My Domain host from Setup > My Domain."
                ]
        self.fail("TLS", summary, "tls_verification_failed", evidence, extra=extra)


_PERCENT_ENCODE = (
    "Percent-encode special characters in the proxy's user name and password: / as %2F, "
    "@ as %40, : as %3A, # as %23, ? as %3F, \\ as %5C, a space as %20 "
    "(HTTPS_PROXY=http://USER:PASSWORD@host:port)."
)


def _same_proxy(url: str) -> bool:
    """True when urllib.parse and urllib3 (which requests connects with) read the same
    host and port in the proxy URL ``url``, and it holds nothing they could split apart
    (a backslash, whitespace, control characters)."""
    from urllib.parse import urlsplit

    from urllib3.exceptions import LocationParseError
    from urllib3.util import parse_url

    if any(not "\x21" <= c <= "\x7e" or c == "\\" for c in url):
        return False
    try:
        ours, theirs = parse_url(url), urlsplit(url)
        return (ours.host or "").lower().strip("[]") == (theirs.hostname or "") and (
            ours.port == theirs.port
        )
    except (LocationParseError, ValueError):
        return False


def _public(cert: CertInfo) -> bool:
    org = cert.issuer_o.lower()
    return not cert.self_signed and org.startswith(PUBLIC_CA_ORGS)


def _day(when: datetime) -> str:
    from datetime import UTC

    days = (when - datetime.now(UTC)).days
    return f"{when:%Y-%m-%d} ({days} days)" if days >= 0 else f"{when:%Y-%m-%d} (expired)"


# --- the clock ------------------------------------------------------------------------


def clock_check(headers: Mapping[str, str], *, now: datetime | None = None) -> NetworkResult:
    """Compare the ``Date`` header of a Salesforce answer with this machine's clock.

    Nothing when there is no such header; a warning above :data:`SKEW_LIMIT` seconds,
    which breaks JWT bearer assertions (their ``exp`` is judged by Salesforce's clock).
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
    from sfdoctor.diagnosis.findings import finding

    off = f"{_duration(abs(skew))} {'ahead of' if skew > 0 else 'behind'}"
    summary = f"this machine's clock is {off} Salesforce's: JWT bearer assertions would be rejected"
    found = finding(
        "jwt_assertion_invalid",
        [
            f"Salesforce's Date header says {server.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC, "
            f"this machine {now.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC: its clock is {off} "
            "Salesforce's",
            "the password flow does not depend on the clock; the JWT bearer flow does "
            "(Salesforce judges the assertion's exp by its own clock), and so do "
            "certificate validity checks",
        ],
        severity=Severity.WARNING,
    )
    steps = [step for step in found.remediation if "clock" in step]
    found = found._replace(
        title=f"This machine's clock is {off} Salesforce's: JWT logins would fail",
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
