"""The one place secrets are scrubbed.

Every string that leaves sfdoctor (console, JSON, report files, the verbose trace, error
messages) passes through :func:`redact` or a :class:`Redactor` holding the run's known secret
values. Two layers:

1. known values: the password, token, client secret, ... of this run, matched literally
   (also URL- and form-encoded), so they are caught wherever they appear;
2. patterns: secrets that sfdoctor was never told about but that users paste — session ids
   (``00D...!...``), ``Authorization`` headers, ``password=`` form fields, JSON secret fields,
   SOAP ``<password>``/``<sessionId>`` elements, PEM private keys, JWTs.

A third layer is optional (``--anonymize``, ``Redactor(secrets, anonymize=True)``): it also
replaces what identifies the customer but is not secret — usernames and e-mail addresses,
org ids, user ids and other record ids, My Domain and instance names, IP addresses — with
stable placeholders (the same value gets the same placeholder for the whole run), so an
anonymized report still reads as one story.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any, TypeVar, cast

_T = TypeVar("_T")

MASK = "****"

# Field names whose values are secret wherever they appear (form, JSON, XML, env lines).
_SECRET_FIELDS = (
    r"password|passwd|pwd|client_secret|consumer_secret|security_?token|access_token|"
    r"refresh_token|id_token|session_?id|sid|assertion|private_key|api_?key|"
    r"SF_PASSWORD|SF_SECURITY_TOKEN|SF_CLIENT_SECRET|SALESFORCE_PASSWORD|"
    r"SALESFORCE_SECURITY_TOKEN|SALESFORCE_CLIENT_SECRET|SALESFORCE_API_KEY"
)

# Words that follow "password:" in prose ("...this username and password: the password is
# wrong"), never a secret value: the YAML/log pattern leaves them alone. Known values are
# masked by the Redactor wherever they appear, whatever they are.
_PROSE = (
    r"the|a|an|this|that|these|it|its|is|are|was|were|be|been|not|no|none|and|or|to|of|for|"
    r"in|on|at|by|with|your|you|my|our|their|required|invalid|incorrect|wrong|expired|"
    r"missing|empty|changed|reset|must|should|will|can|cannot|if|when|see|use|set|enter"
)

# Words one of which every secret field name contains (a cheap test before a pattern runs).
_FIELD_WORDS = ("pass", "pwd", "secret", "token", "session", "sid", "assertion", "key")

# (needles, pattern, replacement). A pattern runs only when, for every group of needles, one
# of them occurs in the lower-cased text: most texts need few of the patterns, and the
# `re` module compiles (and caches) a pattern only when it first runs (start-up budget).
_PATTERNS: tuple[tuple[tuple[tuple[str, ...], ...], str, str], ...] = (
    # PEM blocks (private keys), whole.
    (
        (("private key",),),
        r"(?s)-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)",
        "-----BEGIN PRIVATE KEY----- " + MASK + " -----END PRIVATE KEY-----",
    ),
    # Salesforce session ids / access tokens: 15- or 18-char org id, "!", then the secret.
    ((("!",), ("00d",)), r"\b(00D[A-Za-z0-9]{9,20})![A-Za-z0-9._\-]+", r"\1!" + MASK),
    # Authorization headers: Bearer / OAuth / Basic.
    (
        (("authorization",),),
        r"(?i)\b(authorization\s*[:=]\s*[\"']?\s*(?:bearer|oauth|basic)\s+)[^\s\"',;]+",
        r"\1" + MASK,
    ),
    ((("bearer",),), r"(?i)\b(bearer[ \t]+)[A-Za-z0-9._~+/=!\-]{16,}", r"\1" + MASK),
    # JSON / Python dict fields: "password": "x"  'client_secret': 'x'
    (
        (('"', "'"), (":",), _FIELD_WORDS),
        r"(?i)([\"'](?:" + _SECRET_FIELDS + r")[\"']\s*:\s*)([\"'])((?:\\.|(?!\2).)*)\2",
        r"\1\2" + MASK + r"\2",
    ),
    # XML elements: <password>x</password>, <sf:sessionId>x</sf:sessionId>
    (
        (("password>", "sessionid>", "client_secret>"),),
        r"(?i)(<(?:\w+:)?(?:password|sessionId|client_secret)>)[^<]*(</)",
        r"\1" + MASK + r"\2",
    ),
    # Java/WSC-style key='value'
    (
        (("='",), _FIELD_WORDS),
        r"(?i)\b((?:" + _SECRET_FIELDS + r")=')[^']*(')",
        r"\1" + MASK + r"\2",
    ),
    # form fields, query strings, env lines, CLI flags: password=x, SF_PASSWORD="x"
    (
        (("=",), _FIELD_WORDS),
        r"(?i)(?<![\w-])((?:--?)?(?:" + _SECRET_FIELDS + r")\s*=\s*)"
        r"(\"[^\"]*\"|'[^']*'|[^\s&\"',;)}\]]+)",
        r"\1" + MASK,
    ),
    (
        (("--password", "--client-secret", "--security-token"),),
        r"(?i)(--(?:password|client-secret|security-token)\s+)(\S+)",
        r"\1" + MASK,
    ),
    # YAML / log style: password: x
    (
        ((":",), _FIELD_WORDS),
        r"(?i)(?<![\w\"'-])((?:" + _SECRET_FIELDS + r")\s*:\s+)(?![\"'\s])"
        r"(?!(?:" + _PROSE + r")\b)(\S+)",
        r"\1" + MASK,
    ),
    # JWTs (header.payload.signature, base64url): assertions, id tokens.
    ((("eyj",),), r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+", MASK),
    # Passwords in URLs (proxy URLs above all): http://user:secret@proxy:3128; the
    # placeholder of documentation (http://user:password@host) is left as it is.
    (
        (("://",), ("@",)),
        r"(?i)\b([a-z][a-z0-9+.-]*://[^\s:/@?#\"'<>]+:)(?!password@)[^\s/@?#\"'<>]+@",
        r"\1" + MASK + "@",
    ),
)


def redact(text: str) -> str:
    """Mask every secret-looking value in ``text`` (no known values needed)."""
    low = text.lower()
    for needles, pattern, repl in _PATTERNS:
        if all(any(n in low for n in group) for group in needles):
            text = re.sub(pattern, repl, text)
            low = text.lower()
    return text


class Redactor:
    """Redacts the run's known secret values, then every secret-looking pattern; with
    ``anonymize``, then every identifying value (see :class:`Anonymizer`).

    One instance per run, shared by every output (console, JSON, report files, the ``-v``
    trace), so an anonymized value gets the same placeholder everywhere.
    """

    def __init__(self, secrets: Iterable[str] = (), *, anonymize: bool = False) -> None:
        from urllib.parse import quote, quote_plus

        variants: set[str] = set()
        for value in secrets:
            # NOTE: very short values would mask ordinary words; the patterns still cover
            # them in their usual positions.
            if value and len(value) >= 4:
                variants.update(
                    {value, quote(value, safe=""), quote_plus(value), _html_escape(value)}
                )
        # Longest first, so a password+token pair is masked whole before its parts.
        self._values = sorted(variants, key=len, reverse=True)
        self.anonymizer = Anonymizer() if anonymize else None

    @property
    def anonymize(self) -> bool:
        """True when identifying values are replaced too (``--anonymize``)."""
        return self.anonymizer is not None

    def add(self, value: str) -> None:
        """Learn one more secret value (e.g. an access token received at run time)."""
        self._values = sorted({*self._values, *Redactor([value])._values}, key=len, reverse=True)

    def known(self, text: str) -> str:
        """Mask only the run's known secret values (also URL- and HTML-escaped).

        For rendered markup (HTML, SVG, XML), where the patterns could take a tag for part
        of a value; such output is rendered from a report redacted whole (:meth:`deep`).
        """
        for value in self._values:
            if value in text:
                text = text.replace(value, MASK)
        return text

    def __call__(self, text: str) -> str:
        text = redact(self.known(text))
        if self.anonymizer is not None:
            text = self.anonymizer(text)
        return text

    def deep(self, value: _T) -> _T:
        """``value`` with every string inside it redacted: records (NamedTuples), tuples,
        lists and dicts are rebuilt; enums, numbers and ``None`` pass as they are.

        Renderers wrap and escape text, after which a value split over two lines or turned
        into ``&amp;`` no longer matches; so a report is redacted whole *before* rendering,
        and the rendered text once more before it is written.
        """
        out: Any
        if isinstance(value, Enum):
            out = value
        elif isinstance(value, str):
            out = self(value)
        elif isinstance(value, tuple) and hasattr(value, "_fields"):
            out = type(value)(*(self.deep(v) for v in value))
        elif isinstance(value, tuple | list):
            out = type(value)(self.deep(v) for v in value)
        elif isinstance(value, dict):
            out = {k: self.deep(v) for k, v in value.items()}
        else:
            out = value
        return cast(_T, out)


def _html_escape(value: str) -> str:
    # NOTE: the `html` module is not imported for four replacements (start-up budget).
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


# --- anonymization -------------------------------------------------------------------

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
        self._subs = (
            (
                # user@host, also URL-encoded (user%40host in a form or the -v trace)
                r"(?<![\w.+%-])((?:[A-Za-z0-9._+-]|%(?!40)[0-9A-Fa-f]{2})+)(@|%40)"
                r"((?:[A-Za-z0-9-]+\.)+[A-Za-z0-9-]*[A-Za-z][A-Za-z0-9-]*)(?![\w-])",
                self._email,
            ),
            (
                r"(?i)(?:(?<![\w.%-])|(?<=%2F)|(?<=%40))([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)"
                r"(?=(?:\.[a-z0-9-]+)*\." + _SF_DOMAIN + r"(?![\w-]))",
                self._host,
            ),
            (r"(?<![A-Za-z0-9])00D[A-Za-z0-9]{12,17}(?![A-Za-z0-9])", self._org),
            (r"(?<![A-Za-z0-9])005[A-Za-z0-9]{12,17}(?![A-Za-z0-9])", self._user),
            (
                r"(?<![A-Za-z0-9])[A-Za-z0-9]{5}0[A-Za-z0-9]{9}(?:[A-Z0-5]{3})?(?![A-Za-z0-9])",
                self._record,
            ),
            (r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?!\w|\.\d)", self._ip),
            (r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:.])", self._ip),
        )

    def __call__(self, text: str) -> str:
        import re

        for pattern, repl in self._subs:
            text = re.sub(pattern, repl, text)
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

    def _host(self, m: re.Match[str]) -> str:
        label = m.group(1)
        low = label.lower()
        if low in _PUBLIC_LABELS or label in self._made:
            return label
        import re

        if re.fullmatch(r"[a-z]{2,4}\d{1,3}[a-z]?", low):  # na123, cs42, usa4s: an instance
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
