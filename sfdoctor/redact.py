"""The one place secrets are scrubbed.

Every string that leaves sfdoctor (console, JSON, report files, the verbose trace, error
messages) passes through :func:`redact` or a :class:`Redactor` holding the run's known secret
values. Two layers:

1. known values: the password, token, client secret, ... of this run, matched literally
   (also URL- and form-encoded), so they are caught wherever they appear;
2. patterns: secrets that sfdoctor was never told about but that users paste — session ids
   (``00D...!...``), ``Authorization`` headers, ``password=`` form fields, JSON secret fields,
   SOAP ``<password>``/``<sessionId>`` elements, PEM private keys, JWTs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "****"

# Field names whose values are secret wherever they appear (form, JSON, XML, env lines).
_SECRET_FIELDS = (
    r"password|passwd|pwd|client_secret|consumer_secret|security_?token|access_token|"
    r"refresh_token|id_token|session_?id|sid|assertion|private_key|api_?key|"
    r"SF_PASSWORD|SF_SECURITY_TOKEN|SF_CLIENT_SECRET|SALESFORCE_PASSWORD|"
    r"SALESFORCE_SECURITY_TOKEN|SALESFORCE_CLIENT_SECRET|SALESFORCE_API_KEY"
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
    ((("bearer",),), r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=!\-]{16,}", r"\1" + MASK),
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
        r"(?i)(?<![\w\"'-])((?:" + _SECRET_FIELDS + r")\s*:\s+)(?![\"'\s])(\S+)",
        r"\1" + MASK,
    ),
    # JWTs (header.payload.signature, base64url): assertions, id tokens.
    ((("eyj",),), r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+", MASK),
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
    """Redacts the run's known secret values, then every secret-looking pattern."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        from urllib.parse import quote, quote_plus

        variants: set[str] = set()
        for value in secrets:
            # NOTE: very short values would mask ordinary words; the patterns still cover
            # them in their usual positions.
            if value and len(value) >= 4:
                variants.update({value, quote(value, safe=""), quote_plus(value)})
        # Longest first, so a password+token pair is masked whole before its parts.
        self._values = sorted(variants, key=len, reverse=True)

    def add(self, value: str) -> None:
        """Learn one more secret value (e.g. an access token received at run time)."""
        self._values = sorted({*self._values, *Redactor([value])._values}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for value in self._values:
            if value in text:
                text = text.replace(value, MASK)
        return redact(text)
