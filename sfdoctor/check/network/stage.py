"""The network stage of ``check``: is this connection fit to carry credentials?

Runs before the first login and sends no credentials: DNS, the TCP connection, the TLS
handshake (through the configured proxy, as requests would go), the proxy itself. A failing
line stops the check before anything secret is sent. This module reads the login URL and
the proxy choice, then takes the direct route (:mod:`~sfdoctor.check.network.direct`) or
the proxy's (:mod:`~sfdoctor.check.network.tunnel`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from sfdoctor.check.network.direct import connect_directly
from sfdoctor.check.network.environment import (
    environ_proxies,
    inconsistent_variables,
    proxy_for,
)
from sfdoctor.check.network.recorder import STAGE, NetworkResult, Recorder
from sfdoctor.check.network.tunnel import connect_through
from sfdoctor.models import Check, Mark

LOOPBACK_HTTP = (
    "plain HTTP on loopback (simulator/tests), connecting directly: no DNS, proxy or TLS to inspect"
)


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
    return _run(Recorder(login_url, timeout, env, trace))


def _run(rec: Recorder) -> NetworkResult:
    from sfdoctor.hosts import is_loopback

    for pair in inconsistent_variables(rec.environ):
        rec.line(
            "proxy variables",
            Mark.WARN,
            f"{pair} differ: requests (and sfdoctor, curl, wget) use the lower-case one, "
            "other clients may read the other; set both alike or unset one",
        )
    proxy = proxy_for(rec.url, rec.environ)
    if proxy is None:
        if not is_loopback(rec.host):
            rec.line("proxy", Mark.INFO, _no_proxy_summary(rec))
        elif environ_proxies(rec.environ).keys() & {"https", "all"}:
            rec.line(
                "proxy",
                Mark.INFO,
                f"none: {rec.host} is loopback, which never goes through a proxy; "
                "connecting directly",
            )
        connect_directly(rec)
    else:
        connect_through(rec, proxy)
    return rec.result()


def _no_proxy_summary(rec: Recorder) -> str:
    configured = environ_proxies(rec.environ)
    if configured.get("https") or configured.get("all"):
        no_proxy = rec.environ.get("no_proxy") or rec.environ.get("NO_PROXY")
        rule = f"NO_PROXY ({no_proxy})" if no_proxy else "the system's proxy exceptions"
        return f"none: {rule} matches {rec.host}; connecting directly"
    return "none (no HTTPS_PROXY or ALL_PROXY): connecting directly"
