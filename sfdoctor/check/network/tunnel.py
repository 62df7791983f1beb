"""The proxy route of the network stage: the proxy URL read as urllib3 will read it, the TCP
connection to the proxy, ``CONNECT`` to the login host (with the URL's credentials, as
requests sends them), then TLS inside the tunnel (:mod:`sfdoctor.check.network.tls`); and
what each refusal by the proxy means.

Only ``http://`` proxies are inspected; ``https://`` and ``socks*://`` ones are named.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sfdoctor.check.network.environment import mask_proxy
from sfdoctor.check.network.tls import check_tls
from sfdoctor.models import Mark

if TYPE_CHECKING:
    import socket

    from sfdoctor.check.network.recorder import Recorder
    from sfdoctor.probes.connect import ProxyAnswer


_PERCENT_ENCODE = (
    "Percent-encode special characters in the proxy's user name and password: / as %2F, "
    "@ as %40, : as %3A, # as %23, ? as %3F, \\ as %5C, a space as %20 "
    "(HTTPS_PROXY=http://USER:PASSWORD@host:port)."
)


def connect_through(rec: Recorder, proxy: str) -> None:
    """Check the proxy URL, connect to the proxy, open a tunnel to the login host, then
    check TLS inside it; record each step."""
    import base64
    from urllib.parse import unquote, urlsplit

    from sfdoctor.probes import connect
    from sfdoctor.probes.http import USER_AGENT

    shown = mask_proxy(proxy)
    full = proxy if "://" in proxy else f"http://{proxy}"
    parts = urlsplit(full)
    scheme = parts.scheme.lower()
    if not _same_proxy(full):
        rec.fail(
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
        rec.line(
            "proxy",
            Mark.INFO,
            f"{shown}: a {scheme}:// proxy; sfdoctor inspects only http:// proxies, the "
            "login will go through it as requests decides",
        )
        return
    rec.line("DNS", Mark.INFO, f"{rec.host}: not resolved here; the proxy {shown} resolves it")
    try:
        proxy_host, proxy_port = parts.hostname or "", parts.port or 80
    except ValueError:
        proxy_host, proxy_port = "", 0
    if not proxy_host or not proxy_port:
        rec.fail(
            "proxy",
            f"{shown} is not a usable proxy URL",
            "proxy_error",
            [f"the proxy URL {shown} has no usable host or port"],
            extra=[_PERCENT_ENCODE] if "@" in proxy else None,
        )
        return
    resolved = connect.resolve(proxy_host, proxy_port, rec.timeout)
    if isinstance(resolved, connect.Fault):
        rec.fail(
            "proxy",
            f"the proxy host {proxy_host} does not resolve: {resolved.message}",
            "proxy_error",
            [f"the proxy {shown}: its host {proxy_host} does not resolve: {resolved.message}"],
        )
        return
    conn = connect.open_tcp(resolved, rec.timeout)
    if isinstance(conn, connect.Fault):
        what = {
            "refused": "refuses connections (nothing listens on that port?)",
            "timeout": f"does not answer within {rec.timeout:g} s",
        }.get(conn.kind, f"cannot be reached: {conn.message}")
        rec.fail(
            "proxy",
            f"{shown} {what}",
            "proxy_error",
            [f"the proxy {shown} {what} ({conn.message})"],
        )
        return
    rec.line("TCP connect", Mark.OK, f"proxy {conn.peer} in {conn.elapsed_ms} ms")

    headers = {"User-Agent": USER_AGENT}
    if parts.username:
        # As requests does: the URL's user and password, percent-decoded, Basic.
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        headers["Proxy-Authorization"] = "Basic " + base64.b64encode(
            pair.encode("latin-1", errors="replace")
        ).decode("ascii")
    target = f"{rec.host}:{rec.port}"
    answer = connect.proxy_connect(
        conn.sock, rec.host, rec.port, headers=headers, timeout=rec.timeout
    )
    if isinstance(answer, connect.Fault):
        conn.sock.close()
        rec.fail(
            "proxy",
            f"{shown}: CONNECT {target} failed: {answer.message}",
            "proxy_error",
            [f"the proxy {shown} did not open a tunnel to {target}: {answer.message}"],
        )
        return
    if answer.status != 200:
        conn.sock.close()
        _refusal(rec, shown, target, answer, has_credentials=bool(parts.username))
        return
    rec.line(
        "proxy",
        Mark.OK,
        f"{shown}: tunnel to {target} opened (HTTP 200) in {answer.elapsed_ms} ms",
    )
    rec.via = f" through the proxy {shown}"

    def reopen() -> socket.socket | None:
        again = connect.open_tcp(resolved, rec.timeout)
        if isinstance(again, connect.Fault):
            return None
        ok = connect.proxy_connect(
            again.sock, rec.host, rec.port, headers=headers, timeout=rec.timeout
        )
        if isinstance(ok, connect.Fault) or ok.status != 200:
            again.sock.close()
            return None
        return again.sock

    check_tls(rec, conn.sock, reopen)


def _refusal(
    rec: Recorder, shown: str, target: str, answer: ProxyAnswer, *, has_credentials: bool
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
    rec.fail("proxy", summary, "proxy_error", evidence, extra=extra)


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
