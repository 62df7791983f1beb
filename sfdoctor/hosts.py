"""Facts about Salesforce hosts and usernames (pure; shared by classify and config lint)."""

from __future__ import annotations

import re

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
_EMAILISH = re.compile(r"^[^@\s]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$")


def sandbox_suffix(username: str) -> str | None:
    """The sandbox name appended to ``username`` (``user@acme.com.dev`` -> ``dev``), or None.

    Salesforce appends ``.<sandbox name>`` to usernames copied into a sandbox. A two-letter
    label after a second-level label (``acme.com.au``) is read as a country domain.
    """
    m = _EMAILISH.match(username.strip())
    if not m:
        return None
    labels = m.group(1).lower().split(".")
    if len(labels) < 3:
        return None
    last, before = labels[-1], labels[-2]
    if before not in _TLDS:
        return None
    if len(last) == 2 and before in _SECOND_LEVEL:
        return None
    return last


def host_of(url: str) -> str:
    """The lower-case host name of ``url`` ('' if it has none)."""
    from urllib.parse import urlsplit

    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def is_salesforce_host(host: str) -> bool:
    """True for a host under one of Salesforce's login/API domains."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in SALESFORCE_DOMAINS)


def is_lightning_host(host: str) -> bool:
    """True for a Lightning Experience UI host (``*.lightning.force.com``): not a login host."""
    return host.lower().rstrip(".").endswith(".lightning.force.com")


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
