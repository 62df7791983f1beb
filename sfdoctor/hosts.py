"""Facts about Salesforce hosts and usernames (pure; shared by classify and config lint)."""

from __future__ import annotations

import re

from sfdoctor.lazyre import LazyPattern
from sfdoctor.models import NamedTuple  # typing's, without importing typing (start-up budget)

PRODUCTION_LOGIN = "login.salesforce.com"
SANDBOX_LOGIN = "test.salesforce.com"

# Domains that serve Salesforce login and API endpoints (government cloud and the like
# included). A login URL outside these is not a Salesforce host.
SALESFORCE_DOMAINS = (
    "salesforce.com",
    "force.com",
    "cloudforce.com",
    "database.com",
    "salesforce.mil",
    "cloudforce.mil",
    "salesforce-setup.com",
    "sfcrmproducts.cn",
)

# Second-level labels under which a two-letter country code is an ordinary domain
# (user@acme.com.au), not a sandbox suffix.
_SECOND_LEVEL = frozenset({"com", "co", "org", "net", "ac", "gov", "edu", "ne", "or"})
_TLDS = frozenset({"com", "org", "net", "io", "co", "edu", "gov", "biz", "info", "dev", "app"})
_EMAILISH = LazyPattern(r"^[^@\s]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$")


def sandbox_suffix(username: str) -> str | None:
    """The sandbox name appended to ``username`` (``user@acme.com.dev`` -> ``dev``), or None.

    Salesforce appends ``.<sandbox name>`` to usernames copied into a sandbox. A two-letter
    label after a second-level label (``acme.com.au``) is read as a country domain.
    """
    m = _EMAILISH.match(username.strip())
    if not m:
        return None
    labels: list[str] = m.group(1).lower().split(".")
    if len(labels) < 3:
        return None
    last, before = labels[-1], labels[-2]
    if before not in _TLDS:
        return None
    if len(last) == 2 and before in _SECOND_LEVEL:
        return None
    return last


class UrlRefused(ValueError):
    """A URL sfdoctor will not connect to, whatever host it names: the message says why."""


class Endpoint(NamedTuple):
    """A URL read once, by the parser that connects (urllib3's), from validated parts."""

    scheme: str
    """``http`` or ``https``, lower-case."""
    host: str
    """Lower-case host name or address (an IPv6 address without its brackets)."""
    port: int | None
    path: str
    """The path and query, as urllib3 sends them ('' for none)."""

    @property
    def origin(self) -> str:
        """``scheme://host[:port]``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}{'' if self.port is None else f':{self.port}'}"

    @property
    def url(self) -> str:
        """The URL rebuilt from its parts: what is handed to requests, never the raw text."""
        return self.origin + self.path

    @property
    def default_port(self) -> int:
        """The port a connection goes to."""
        return self.port if self.port is not None else (443 if self.scheme == "https" else 80)


# An authority sfdoctor accepts: a DNS name or an IP address, an optional port. Nothing
# else: no user@, no percent-escapes, no characters two parsers could split differently.
_AUTHORITY = LazyPattern(
    r"(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9.])?|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?",
    re.IGNORECASE,
)


def parse_url(url: str) -> Endpoint:
    """Read an ``http(s)://`` URL the way the connection will, or raise :class:`UrlRefused`.

    NOTE: ``urllib.parse.urlsplit`` and urllib3 (which requests connects with) disagree on
    some URLs: ``https://evil.example\\@login.salesforce.com`` is login.salesforce.com to
    the first and evil.example to the second. So a URL is refused when it holds anything
    they could read differently (a backslash, userinfo, whitespace, control or non-ASCII
    characters, percent-escapes in the host), and when the two parsers do not name the same
    host and port. Callers connect to :attr:`Endpoint.url`, rebuilt from urllib3's parts.
    """
    from urllib.parse import urlsplit

    from urllib3.exceptions import LocationParseError
    from urllib3.util import parse_url as urllib3_parse

    if not isinstance(url, str) or not url:
        raise UrlRefused("empty URL")
    if "\\" in url:
        raise UrlRefused("it contains a backslash, which URL parsers split differently")
    bad = next((c for c in url if not "\x21" <= c <= "\x7e"), None)
    if bad is not None:
        if bad.isspace():
            what = "whitespace"
        elif bad > "\x7e":
            what = "a non-ASCII character"
        else:
            what = "a control character"
        raise UrlRefused(f"it contains {what} ({ascii(bad)})")
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        raise UrlRefused("it is not an http:// or https:// URL")
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if "@" in authority:
        raise UrlRefused("it carries a user name or password (user@host)")
    if _AUTHORITY.fullmatch(authority) is None:
        raise UrlRefused("its host is not a plain host name or address")
    try:
        ours = urllib3_parse(url)
        theirs = urlsplit(url)
        their_port = theirs.port
    except (LocationParseError, ValueError) as exc:
        raise UrlRefused(f"it does not parse ({type(exc).__name__})") from None
    host = (ours.host or "").lower().strip("[]")
    if ours.auth or theirs.username is not None or theirs.password is not None:
        raise UrlRefused("it carries a user name or password (user@host)")
    if not host or host != (theirs.hostname or "").lower() or ours.port != their_port:
        raise UrlRefused("URL parsers disagree on its host")
    if ours.port is not None and not 0 < ours.port < 65536:
        raise UrlRefused(f"port {ours.port} is out of range")
    path = ours.path or ""
    if ours.query is not None:
        path += "?" + ours.query
    return Endpoint(scheme.lower(), host, ours.port, path)


def shown_url(url: str) -> str:
    """``url`` fit to quote in a report: escaped (``ascii``), a ``user:password@`` part
    masked, cut to 200 characters."""
    masked = re.sub(r"(://[^:/@\\]*:)[^@]*@", r"\1****@", url)
    text = ascii(masked)
    return text if len(text) <= 200 else text[:199] + "\u2026'"


def host_of(url: str) -> str:
    """The lower-case host name of ``url`` as :func:`parse_url` reads it ('' if refused)."""
    try:
        return parse_url(url.strip()).host
    except UrlRefused:
        return ""


def credential_url_problem(url: str) -> str | None:
    """Why credentials (or a token) must not be sent to ``url``, or None when they may.

    They go only to a Salesforce host over HTTPS, or to loopback (the simulator, tests),
    and only to a URL :func:`parse_url` accepts.
    """
    try:
        target = parse_url(url)
    except UrlRefused as exc:
        return f"{shown_url(url)} is not a URL sfdoctor sends anything to: {exc}"
    host = target.host
    if is_loopback(host):
        return None  # the simulator and tests; plain HTTP allowed only here
    ui = ui_host_problem(host)
    if ui:
        return ui
    if not is_salesforce_host(host):
        return f"{host} is not a Salesforce host; credentials are only sent to Salesforce"
    if target.scheme != "https":
        return f"{url} uses plain HTTP; Salesforce requires HTTPS"
    return None


def is_salesforce_host(host: str) -> bool:
    """True for a host under one of Salesforce's login/API domains."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in SALESFORCE_DOMAINS)


# Salesforce hosts a browser shows that are not login hosts, and what each one is. Their
# My Domain name is the part before the suffix (a sandbox's too: acme--uat.sandbox).
_UI_HOSTS = (
    (".lightning.force.com", "a Lightning Experience UI host"),
    (".my.salesforce-setup.com", "the Setup UI host"),
    (".my.site.com", "an Experience Cloud site"),
    (".vf.force.com", "a Visualforce page host"),
    (".file.force.com", "a file download host"),
    (".secure.force.com", "a Salesforce Site"),
)


def ui_host_problem(host: str) -> str | None:
    """Why ``host`` is not a login host when it is a Salesforce page a browser shows
    (Lightning, Setup, an Experience Cloud site), with the org's login host to use instead."""
    host = host.lower().rstrip(".")
    for suffix, what in _UI_HOSTS:
        if host.endswith(suffix) and len(host) > len(suffix):
            name = host[: -len(suffix)]
            if suffix == ".vf.force.com":
                # MyDomain--c.vf.force.com, MyDomain--Sandbox--ns.sandbox.vf.force.com: the
                # last "--" part of the first label is the page's namespace.
                first, dot, rest = name.partition(".")
                name = first.rsplit("--", 1)[0] + dot + rest
            if suffix == ".secure.force.com":  # a Site's name is not the org's My Domain
                target = "the org's My Domain (https://MyDomainName.my.salesforce.com)"
            else:
                target = f"https://{name}.my.salesforce.com"
            generic = "test" if name.endswith(".sandbox") else "login"
            return (
                f"{host} is {what}, not a login host; use {target} or "
                f"https://{generic}.salesforce.com"
            )
    return None


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (the simulator and tests)."""
    if host in ("localhost", "localhost.localdomain"):
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_sandbox_host(host: str) -> bool:
    """True for the sandbox login host or a sandbox My Domain."""
    host = host.lower()
    return host == SANDBOX_LOGIN or ".sandbox.my.salesforce.com" in host or "--" in host
