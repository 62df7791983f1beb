"""``--anonymize``: the optional third layer, after known values and patterns.

It replaces what identifies the customer but is not secret — usernames and e-mail addresses,
org ids, user ids and other record ids, My Domain and instance names, IP addresses — with
stable placeholders (the same value gets the same placeholder for the whole run), so an
anonymized report still reads as one story. Every pattern here runs in time linear in the text
(tests/test_security_patterns.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sfdoctor.lazyre import LazyPattern

# Host labels that name Salesforce itself, or the knowledge base's own placeholders.
_PUBLIC_LABELS = frozenset(
    {
        "login",
        "test",
        "www",
        "help",
        "developer",
        "developers",
        "trailhead",
        "status",
        "trust",
        "api",
        "appexchange",
        "ip-ranges",
        "success",
        "admin",
        "security",
        "resources",
        "my",
        "lightning",
        "sandbox",
        "mydomainname",
        "mydomainname--sandboxname",
        "sandboxname",
    }
)
_SF_DOMAIN = (
    r"(?:salesforce|force|cloudforce|database|visualforce|documentforce|site|salesforce-sites|"
    r"salesforce-setup|sfcrmproducts)\.(?:com|mil|cn)"
)
# RFC 2606 / 6761 names and RFC 5737 / 3849 addresses: documentation, never a customer's.
_EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net")
_EXAMPLE_TLDS = ("invalid", "test", "example", "localhost")
_DOC_NETS = ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")

# user@host, also URL-encoded (user%40host in a form or the -v trace). NOTE: the last label
# (which must hold a letter) is "digits or hyphens, a letter, the rest", taken possessively:
# written as [a-z0-9-]*[a-z][a-z0-9-]* it was quadratic in a long label.
_EMAIL = LazyPattern(
    r"(?<![\w.+%-])((?:[A-Za-z0-9._+-]|%(?!40)[0-9A-Fa-f]{2})+)(@|%40)"
    r"((?:[A-Za-z0-9-]++\.)+[0-9-]*+[A-Za-z][A-Za-z0-9-]*+)(?![\w-])"
)
_SF_HOST = LazyPattern(
    r"(?i)(?:(?<![\w.%-])|(?<=%2F)|(?<=%40))([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)"
    r"(?=(?:\.[a-z0-9-]+)*\." + _SF_DOMAIN + r"(?![\w-]))"
)
# A URL with a user name in it (a proxy's, http://jdoe:****@proxy.acme.internal:3128): the
# user is a person's login and the host names the company's network.
_USERINFO = LazyPattern(
    r"(?i)(?<![\w+.-])((?:https?|socks[45]?h?)://)([^:/@\s]{1,128})((?::[^@/\s]{0,256})?@)"
    r"([a-z0-9.-]{1,253})"
)
_ORG_ID = LazyPattern(r"(?<![A-Za-z0-9])00D[A-Za-z0-9]{12,17}(?![A-Za-z0-9])")
_USER_ID = LazyPattern(r"(?<![A-Za-z0-9])005[A-Za-z0-9]{12,17}(?![A-Za-z0-9])")
_RECORD_ID = LazyPattern(
    r"(?<![A-Za-z0-9])[A-Za-z0-9]{5}0[A-Za-z0-9]{9}(?:[A-Z0-5]{3})?(?![A-Za-z0-9])"
)
_IPV4 = LazyPattern(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?!\w|\.\d)")
_IPV6 = LazyPattern(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:.])")
_INSTANCE = LazyPattern(r"[a-z]{2,4}\d{1,3}[a-z]?")  # na123, cs42, usa4s: an instance


class Anonymizer:
    """Replaces identifying values with placeholders, the same one for the same value.

    ============================  ============================================
    ``integration@acme.com``      ``user-1@example.com``
    ``ci@acme.com.uat``           ``user-2@example.com.uat`` (sandbox suffix kept)
    ``acme.my.salesforce.com``    ``my-domain-1.my.salesforce.com``
    ``na123.salesforce.com``      ``instance-1.salesforce.com``
    ``00D5g000004ABCDEAA``        ``00D-org-1``
    ``0055g00000ABCDEAAQ``        ``005-user-1``
    ``0015g00000ABCDEAAQ``        ``001-id-1`` (the key prefix says the object)
    ``198.18.7.42``               ``203.0.113.1`` (IPv6: ``2001:db8::1``)
    ============================  ============================================

    Salesforce's own hosts (``login.salesforce.com``, ``help.salesforce.com``, ...), loopback
    and unspecified addresses, ``0.0.0.0``–``255.255.255.255``, and documentation names and
    addresses are kept. Placeholders contain no ``<``, ``&`` or quotes, so they are safe in
    every output format. Thread-safe (the ``-v`` trace runs in several threads).
    """

    def __init__(self) -> None:
        import threading

        self._seen: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}
        self._made: set[str] = set()
        self._lock = threading.Lock()
        self._subs: tuple[tuple[LazyPattern, Callable[[re.Match[str]], str]], ...] = (
            (_USERINFO, self._userinfo),
            (_EMAIL, self._email),
            (_SF_HOST, self._host),
            (_ORG_ID, self._org),
            (_USER_ID, self._user),
            (_RECORD_ID, self._record),
            (_IPV4, self._ip),
            (_IPV6, self._ip),
        )

    def __call__(self, text: str) -> str:
        for pattern, repl in self._subs:
            text = pattern.sub(repl, text)
        return text

    def _placeholder(self, kind: str, key: str, make: Callable[[int], str]) -> str:
        with self._lock:
            out = self._seen.get((kind, key))
            if out is None:
                n = self._counts[kind] = self._counts.get(kind, 0) + 1
                out = self._seen[(kind, key)] = make(n)
                self._made.add(out)
            return out

    def _email(self, m: re.Match[str]) -> str:
        from urllib.parse import unquote

        local, at, domain = m.groups()
        domain = domain.lower()
        if domain in _EXAMPLE_DOMAINS or domain.endswith(_EXAMPLE_TLDS):
            return m.group(0)
        from sfdoctor.hosts import sandbox_suffix

        value = f"{unquote(local)}@{domain}".lower()
        if value in self._made:
            return m.group(0)
        suffix = sandbox_suffix(value)
        tail = f".{suffix}" if suffix else ""
        name = self._placeholder("email", value, lambda n: f"user-{n}@example.com{tail}")
        return name.replace("@", at)

    def _userinfo(self, m: re.Match[str]) -> str:
        from sfdoctor.hosts import is_loopback, is_salesforce_host

        scheme, user, secret, host = m.groups()
        if user not in self._made:
            user = self._placeholder("url-user", user, lambda n: f"user-{n}")
        low = host.lower().rstrip(".")
        keep = (
            is_salesforce_host(low)
            or is_loopback(low)
            or low in _EXAMPLE_DOMAINS
            or low.endswith(_EXAMPLE_TLDS)
            or low.replace(".", "").isdigit()  # an address: the IP pass replaces it
            or host in self._made
        )
        if not keep:
            host = self._placeholder("url-host", low, lambda n: f"host-{n}.example")
        return f"{scheme}{user}{secret}{host}"

    def _host(self, m: re.Match[str]) -> str:
        label = m.group(1)
        low = label.lower()
        if low in _PUBLIC_LABELS or label in self._made:
            return label
        if _INSTANCE.fullmatch(low):  # na123, cs42, usa4s: an instance
            return self._placeholder("instance", low, lambda n: f"instance-{n}")
        return self._placeholder("host", low, lambda n: f"my-domain-{n}")

    def _org(self, m: re.Match[str]) -> str:
        # The 18-character id is the 15-character one plus a checksum: one org, one name.
        return self._placeholder("org", m.group(0)[:15], lambda n: f"00D-org-{n}")

    def _user(self, m: re.Match[str]) -> str:
        return self._placeholder("user", m.group(0)[:15], lambda n: f"005-user-{n}")

    def _record(self, m: re.Match[str]) -> str:
        value = m.group(0)
        prefix = value[:3]
        # A record id's key prefix has a digit (001, 0PS, a0B); words and numbers do not
        # look like this mix.
        if not any(c.isdigit() for c in prefix) or value.isdigit() or value.isalpha():
            return value
        return self._placeholder("record", value[:15], lambda n: f"{prefix}-id-{n}")

    def _ip(self, m: re.Match[str]) -> str:
        import ipaddress

        value = m.group(0)
        try:
            ip = ipaddress.ip_address(value)
        except ValueError:
            return value  # a time of day (12:34:56), a version number, ...
        nets = (ipaddress.ip_network(net) for net in _DOC_NETS)
        keep = (
            ip.is_loopback
            or ip.is_unspecified
            or str(ip) == "255.255.255.255"
            or any(ip.version == net.version and ip in net for net in nets)
        )
        if keep:
            return value
        if ip.version == 4:
            return self._placeholder("ipv4", str(ip), _ipv4_placeholder)
        return self._placeholder("ipv6", str(ip), lambda n: f"2001:db8::{n:x}")


def _ipv4_placeholder(n: int) -> str:
    # 203.0.113.1 .. .254, then the other documentation ranges.
    nets = ("203.0.113", "198.51.100", "192.0.2")
    block, host = divmod(n - 1, 254)
    if block < len(nets):
        return f"{nets[block]}.{host + 1}"
    return f"ip-{n}"
