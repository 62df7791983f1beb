"""What a pasted text says about the request itself, beside Salesforce's answer to it.

Context predicates (text in, evidence line or None out), named by the knowledge base's
context signatures (``when``): a plain-HTTP login URL, a sandbox username sent to
production, a Lightning UI host, a pre-release host, a certificate or proxy failure on the
way to another service. And the hosts a pasted failure names, with the words that tie a
text to Salesforce: :mod:`sfdoctor.diagnosis.classify` caps a transport answer with them.

Every pattern here stays linear in the text (tests/test_security_patterns.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from sfdoctor.hosts import (
    PRODUCTION_LOGIN,
    SALESFORCE_DOMAINS,
    host_of,
    is_loopback,
    is_salesforce_host,
    sandbox_suffix,
)
from sfdoctor.lazyre import LazyPattern

# An http:// URL given as the request or login URL, not one inside a sentence or an
# `audience=` value.
# NOTE: every pattern here must stay linear in the text (tests/test_security_patterns.py):
# the curl alternative takes the first "curl" of a line atomically, so a line of many
# "curl" words is scanned once, not once per word; names and hosts are matched only from
# the start of a word.
_HTTP_LOGIN_URL = LazyPattern(
    r"(?:(?:^|\s)-[rl]\s+|--(?:instance|login)-?url[\s=]+|\b(?:login_?url|loginUrl|instance_?url|"
    r"sf_login_url|salesforce_login_url|login_host|host)\s*[:=]\s*[\"']?|\b(?:POST|GET)\s+|"
    r"web service at:?\s*|^(?>[^\n]*?\bcurl\b)[^\n]*?\s)"
    r"[\"']?(http://[^\s\"'<>]+)",
    re.IGNORECASE | re.MULTILINE,
)
_HTTP_SERVICE_URL = LazyPattern(
    r"(?<![=\w])(http://[\w.-]+/services/(?:oauth2|Soap|data)\S*)", re.I
)
# A username as pasted, its `@` as typed or URL-encoded in a request body (`bob%40acme.com.uat`:
# a lone escape does not make the paste decoded, see evidence.decode).
_USERNAME = LazyPattern(
    r"(?<![\w.+'%-])[\w.+'-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", re.IGNORECASE
)
# NOTE: a placeholder such as <org> stands for the org's name in pasted URLs.
_LIGHTNING = LazyPattern(
    r"(?<![\w.-])(?:<[\w-]{1,40}>|[\w-]+)(?:\.[\w-]+)*\.lightning\.force\.com\b", re.IGNORECASE
)


def _http_login_url(text: str) -> str | None:
    if "http://" not in text.lower():
        return None
    # A loopback URL is a local proxy, relay or mock, not the login host.
    for pattern in (_HTTP_LOGIN_URL, _HTTP_SERVICE_URL):
        for m in pattern.finditer(text):
            if not is_loopback(host_of(m.group(1))):
                return f"the request went to a plain-HTTP URL: {m.group(1)}"
    return None


def _sandbox_user_on_production(text: str) -> str | None:
    if PRODUCTION_LOGIN not in text.lower():
        return None
    for m in _USERNAME.finditer(text):
        username = m.group(0).replace("%40", "@")
        suffix = sandbox_suffix(username)
        if suffix:
            return (
                f"username {username} carries a sandbox suffix (.{suffix}) but the login "
                f"went to {PRODUCTION_LOGIN}"
            )
    return None


def _lightning_host(text: str) -> str | None:
    if "lightning.force.com" not in text.lower():
        return None
    m = _LIGHTNING.search(text)
    return f"{m.group(0)} is a Lightning Experience UI host, not a login or API host" if m else None


_INTERNAL = LazyPattern(
    r"(?<![\w.-])[\w-]+(?:\.[\w-]+)*\.(?:pre|soma)\.salesforce\.com\b", re.IGNORECASE
)


def _internal_host(text: str) -> str | None:
    if ".salesforce.com" not in text.lower():
        return None
    m = _INTERNAL.search(text)
    if not m:
        return None
    return f"{m.group(0)} is a Salesforce pre-release or internal host, not the org's login host"


# The host a failed request went to, where runtimes print it: urllib3's connection pool,
# node-fetch's "request to <url> failed", curl's "Failed to connect to <host> port", and the
# name a certificate did not cover (Node's altnames, CPython's and Java's mismatch lines).
_REQUEST_HOST = LazyPattern(
    r"\bHTTPSConnectionPool\(host='([\w.-]{1,253})'"
    r"|\brequest to https?://(?:[^/@\s]{0,256}@)?([\w.-]{1,253})[/:\s]"
    r"|\bFailed to connect to ([\w.-]{1,253}) port\b"
    r"|\bHost: ([\w.-]{1,253}) is not in the cert's altnames"
    r"|\bcertificate is not valid for '([\w.-]{1,253})'"
    r"|\bNo (?:subject alternative DNS )?name matching ([\w.-]{1,253}) found",
    re.IGNORECASE,
)
# Experience Cloud sites also take logins (OAuth on the site's own domain).
_SITE_DOMAINS = ("my.site.com", "salesforce-sites.com")


def foreign_host(texts: Iterable[str], *, connect: bool = True) -> str | None:
    """The host the failures in ``texts`` name, when every one they name is not Salesforce's
    (nor loopback, nor an Experience Cloud site): the first in order, else None.

    ``connect=False`` leaves out curl's "Failed to connect to <host> port": behind a proxy,
    the host curl names is the proxy's, and the failure is still the login's.
    """
    hosts: set[str] = set()
    for text in texts:
        for m in _REQUEST_HOST.finditer(text):
            if not connect and m.group(3):
                continue
            hosts.add(str(next(g for g in m.groups() if g)).lower().rstrip("."))
    hosts.discard("")
    if not hosts or any(
        is_salesforce_host(h) or is_loopback(h) or h.endswith(_SITE_DOMAINS) for h in hosts
    ):
        return None
    return sorted(hosts)[0]


# Words that tie a pasted failure to Salesforce: its domains (hosts.SALESFORCE_DOMAINS and
# its sites'), libraries and tools, its endpoints' paths. Linear: plain alternatives.
SALESFORCE_WORDS = LazyPattern(
    "|".join(re.escape(d) for d in (*SALESFORCE_DOMAINS, *_SITE_DOMAINS))
    + r"|salesforce|sforce|\bsfdc|\bsfdx|\bpardot|\bexacttarget|\bsoql\b"
    r"|/services/(?:oauth2|data|soap|async)\b|\bsf (?:org|project|data|apex|deploy)\b"
    r"|セールスフォース",
    re.IGNORECASE,
)

# A certificate or proxy failure in runtimes' words; a failed name lookup is not one (a
# mistyped login host fails there, and that is the login's own failure).
_SECURE_FAILURE = LazyPattern(
    r"certificate|\bSSL|\bTLS|self[- ]signed|issuer|altnames|handshake|tunneling socket"
    r"|ProxyError|\bproxy\b",
    re.IGNORECASE,
)
_NAME_LOOKUP = LazyPattern(
    r"getaddrinfo|ENOTFOUND|EAI_AGAIN|NameResolution|Name or service not known"
    r"|nodename nor servname|UnknownHost|Unknown host|Could not resolve|No such host",
    re.IGNORECASE,
)


def _foreign_secure_host(text: str) -> str | None:
    """A certificate or proxy failure on the way to a host that is not Salesforce's, in a
    text that names nothing of Salesforce: another service's failure, pasted alone.

    Measured on the corpus's dev texts (session 18): four such texts, three labelled as
    other services' look-alikes (a desktop app's changelog request, an identity CLI, a
    Commerce Cloud sandbox); the fourth, Marketing Cloud's, names exacttarget and stays.
    """
    if SALESFORCE_WORDS.search(text) or not _SECURE_FAILURE.search(text):
        return None
    if _NAME_LOOKUP.search(text):
        return None
    host = foreign_host([text], connect=False)
    return f"the certificate or proxy failure was on the way to {host}" if host else None


PREDICATES: dict[str, Callable[[str], str | None]] = {
    "http_login_url": _http_login_url,
    "sandbox_user_on_production": _sandbox_user_on_production,
    "lightning_host": _lightning_host,
    "internal_host": _internal_host,
    "foreign_secure_host": _foreign_secure_host,
}
