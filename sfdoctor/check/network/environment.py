"""The route requests would take, read from the environment as requests reads it: which
proxy (``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``, the system's settings) and which CA
bundle. Also the proxy passwords in that environment, masked in lines and handed to the
redactor so they never show.

The transport asks :func:`proxy_for` for every request, so what the report says is what
happens.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

# The proxy variables requests reads for an https:// URL, lower-case first.
_PROXY_VARIABLES = ("https_proxy", "all_proxy", "no_proxy")


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


def inconsistent_variables(environ: Mapping[str, str]) -> list[str]:
    """``low=... and LOW=...`` for each proxy variable set in both cases, to different
    values (passwords masked): requests reads one, other clients may read the other."""

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
