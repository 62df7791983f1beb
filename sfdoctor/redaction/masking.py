"""The one place secrets are scrubbed.

Every string that leaves sfdoctor (console, JSON, report files, the verbose trace, error
messages) passes through :func:`redact` or a :class:`Redactor` holding the run's known secret
values. Two layers:

1. known values: the password, token, client secret, ... of this run, matched literally and
   in the forms a library or a server may echo them: URL- and form-encoded, HTML- and
   JSON-escaped, base64 (also inside a longer base64 text, such as a Basic header);
2. patterns: secrets that sfdoctor was never told about but that users paste — session ids
   (``00D...!...``, also URL-encoded), ``Authorization`` and ``X-SFDC-Session`` headers, the
   value of every secret-named field (``password``, ``client_secret``, ``clientSecret``,
   ``SF_PASSWORD``, ``refreshToken``, ...) in forms, env lines, YAML, logs, JSON (also JSON
   inside a JSON string), XML elements and command-line flags, ``curl -u user:password``,
   passwords in URLs (``https://user@acme.com:pw@host``), PEM private keys, JWTs.

A third layer is optional (``--anonymize``, ``Redactor(secrets, anonymize=True)``): it also
replaces what identifies the customer but is not secret — usernames and e-mail addresses,
org ids, user ids and other record ids, My Domain and instance names, IP addresses — with
stable placeholders (the same value gets the same placeholder for the whole run), so an
anonymized report still reads as one story.

Every pattern here runs in time linear in the text: no nested or overlapping quantifiers,
and field values are scanned by hand rather than by backtracking, so a hostile paste or
server answer cannot stall a run (tests/test_security_patterns.py holds every pattern to
that). A value cut off by the end of the text (a truncated trace line, a cut paste) is
masked to the end.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any, TypeVar, cast

from sfdoctor.lazyre import LazyPattern

_T = TypeVar("_T")

MASK = "****"
_PEM_MASK = "-----BEGIN PRIVATE KEY----- " + MASK + " -----END PRIVATE KEY-----"

# --- which field names are secret -------------------------------------------------------

# A name is secret when its last word is one of these (client_secret, clientSecret,
# SF_PASSWORD, newPassword, refreshToken, X-SFDC-Session: split on separators and case).
_SECRET_WORDS = frozenset(
    {"password", "passwd", "pwd", "passphrase", "secret", "token", "assertion", "sid"}
    | {"authorization", "sessionid"}
)
_SECRET_PAIRS = frozenset(
    {
        ("session", "id"),
        ("private", "key"),
        ("api", "key"),
        ("access", "key"),
        ("secret", "key"),
        ("sfdc", "session"),
    }
)
# ... or when its last word ends with one of these (lower-case names: "clientsecret").
_SECRET_ENDINGS = ("password", "passwd", "secret", "token", "sessionid", "privatekey", "apikey")
# In "name: value" text a bare English word is prose ("the user's current token: log in"),
# so only these bare names count there; names of two words or more always do.
_BARE_LOG_NAMES = frozenset(
    {"password", "passwd", "pwd", "passphrase", "sid", "sessionid", "authorization"}
)
# Upper-case names with one of these words are Salesforce error codes, never fields:
# "INVALID_SESSION_ID: Session expired", {"LOGIN_ERROR_MUST_USE_API_TOKEN": 12}. Not when an
# environment prefix says it is a variable (SF_..., SALESFORCE_...).
_CODE_WORDS = frozenset(
    {"invalid", "error", "must", "expired", "missing", "required", "exceeded", "failed"}
    | {"unsupported", "disabled", "locked"}
)
_ENV_PREFIXES = frozenset({"sf", "sfdx", "sfdc", "salesforce"})
_NAME_WORD = LazyPattern(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")

# Words that follow "password:" in prose ("...this username and password: the password is
# wrong"), never a secret value: "name: value" text is left alone when its value starts
# with one. Known values are masked by the Redactor wherever they appear, whatever they are.
_PROSE = frozenset(
    (
        "the a an this that these it its is are was were be been not no none and or to of for "
        "in on at by with your you my our their required invalid incorrect wrong expired "
        "missing empty changed reset must should will can cannot if when see use set enter"
    ).split()
)
_FIRST_WORD = LazyPattern(r"[A-Za-z]{1,20}(?![A-Za-z])")

# Authorization schemes, kept in view: which one was sent is evidence.
_SCHEME = LazyPattern(
    r"(?i)(?:bearer|basic|oauth|token|digest|negotiate|ntlm|apikey)[ \t]+(?=[^\s\"'\\])"
)

# Words one of which every secret field name contains (a cheap test before a pass runs).
_FIELD_WORDS = ("pass", "pwd", "secret", "token", "session", "sid", "assertion", "key", "auth")


def secret_name(name: str, *, log: bool = False) -> bool:
    """True when a field called ``name`` holds a secret (``password``, ``clientSecret``,
    ``SF_CLIENT_SECRET``, ``refresh_token``, ``X-SFDC-Session``, ``Authorization``, ...).

    ``log``: the name stands before ``:`` in free text, where a bare English word is not a
    field name. An upper-case error code never is (``INVALID_SESSION_ID``).
    """
    words = [w.lower() for w in _NAME_WORD.findall(name)]
    while words and words[-1].isdigit():  # password2, secret_1
        words.pop()
    if not words:
        return False
    if log and len(words) == 1 and words[0] not in _BARE_LOG_NAMES:
        return False
    if name.isupper() and words[0] not in _ENV_PREFIXES and _CODE_WORDS.intersection(words):
        return False
    last = words[-1]
    return (
        last in _SECRET_WORDS
        or tuple(words[-2:]) in _SECRET_PAIRS
        or last.endswith(_SECRET_ENDINGS)
    )


# --- scanning a field's value -----------------------------------------------------------
#
# NOTE: values are found by hand, not by a pattern: a quoted value ends at the first quote
# not escaped by a backslash, and the backtracking a pattern needs to decide that is what
# made `"password":"` + 60 backslashes run forever.

_DQ_END = LazyPattern(r'["\n]')
_SQ_END = LazyPattern(r"['\n]")
# Where an unquoted value ends inside a line: at a space, at a quote or backslash (the value
# sits inside a JSON string: the quote must survive), at a tag; in a form, at the next field.
_FORM_END = LazyPattern(r"[\s\"\\<>&]")
_LOG_END = LazyPattern(r"[\s\"\\<>]")
_NUMBER = LazyPattern(r"-?[0-9][0-9.eE+-]{0,63}")


def _quote_level(backslashes: int) -> int:
    """How deep a quote written after ``backslashes`` backslashes is nested: 0 for ``"``,
    1 for ``\\"`` (JSON inside a JSON string), 3, 7; an even count only escapes backslashes.
    """
    for level in (7, 3, 1):
        if backslashes % (2 * level + 2) == level:
            return level
    return 0


def _quoted_end(text: str, start: int, quote: str, level: int) -> int:
    """Where the quoted value that starts at ``start`` ends: at its closing quote (written at
    nesting ``level``), or where the string around it ends (a value cut off inside a JSON
    string: the JSON must stay JSON), else at the end of the line (masked whole)."""
    finder = _DQ_END if quote == '"' else _SQ_END
    pos = start
    while True:
        m = finder.search(text, pos)
        if m is None:
            return len(text)
        k: int = m.start()
        if text[k] == "\n":
            return k
        count = 0
        while k - count > start and text[k - count - 1] == "\\":
            count += 1
        found = _quote_level(count)
        if found == level:
            return k - level
        if found < level:  # the enclosing string ends first
            return k - count
        pos = k + 1


def _quoted(text: str, start: int) -> tuple[int, int] | None:
    """The span inside the quotes of a value written at ``start``, if it is quoted."""
    count = 0
    while count < 8 and text.startswith("\\", start + count):
        count += 1
    quote = text[start + count : start + count + 1]
    if quote not in ('"', "'"):
        return None
    begin = start + count + 1
    return begin, _quoted_end(text, begin, quote, _quote_level(count))


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    while end > start and text[end - 1] in " \t\r":
        end -= 1
    return end


def _until(text: str, start: int, finder: LazyPattern) -> int:
    m = finder.search(text, start)
    return len(text) if m is None else int(m.start())


def _value(
    text: str, start: int, name: str, *, end: LazyPattern | None, log: bool = False
) -> tuple[int, int] | None:
    """The span to mask of the value of field ``name`` written at ``start``: inside its
    quotes; unquoted, up to ``end`` (None: to the end of the line). None: nothing to mask.
    """
    authorization = name.lower().endswith("authorization")
    span = _quoted(text, start)
    if span is None:
        if log:
            word = _FIRST_WORD.match(text, start)
            if word is not None and word.group(0).lower() in _PROSE:
                return None
        scheme = _SCHEME.match(text, start) if authorization else None
        begin = start if scheme is None else int(scheme.end())
        stop = _line_end(text, begin) if end is None else _until(text, begin, end)
    else:
        begin, stop = span
        scheme = _SCHEME.match(text, begin, stop) if authorization else None
        begin = begin if scheme is None else int(scheme.end())
    if stop <= begin or text[begin:stop] == MASK:
        return None
    return begin, stop


def _mask_spans(
    text: str, finder: LazyPattern, span: Callable[[str, re.Match[str]], tuple[int, int] | None]
) -> str:
    """``text`` with the span ``span`` picks for each match of ``finder`` masked."""
    out: list[str] = []
    last = 0
    for m in finder.finditer(text):
        if m.start() < last:  # inside a value already masked
            continue
        found = span(text, m)
        if found is None:
            continue
        begin, stop = found
        out += (text[last:begin], MASK)
        last = stop
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


# --- the passes --------------------------------------------------------------------------

# JSON and Python-dict fields: "password": "x", 'clientSecret': 'x', "password": 1234, and
# the same inside a JSON string: {\"password\":\"x\"}.
_JSON_FIELD = LazyPattern(
    r"(?<!\\)(\\{0,7})([\"'])([A-Za-z_$][\w.$-]{0,63})\1\2[ \t\r\n]*:[ \t\r\n]*"
)


def _json_span(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    if not secret_name(m.group(3)):
        return None
    number = _NUMBER.match(text, m.end())
    if number is not None:
        return m.end(), int(number.end())
    span = _quoted(text, m.end())
    if span is None:
        return None
    return _value(text, m.end(), m.group(3), end=None)


# XML elements: <password>x</password>, <sf:sessionId>x</sf:sessionId>,
# <password xsi:type="xsd:string">x</password>, and their HTML-escaped form (&lt;password&gt;).
_XML_OPEN = LazyPattern(
    r"(<|&lt;)(?:[\w.-]{1,40}:)?([A-Za-z_][\w.-]{0,63})(?:[ \t\r\n][^<>&]{0,1024})?(>|&gt;)"
)


def _xml_span(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    if not secret_name(m.group(2)) or m.group(0).endswith(("/>", "/&gt;")):
        return None
    begin = m.end()
    if text.startswith("<![CDATA[", begin):
        cdata = text.find("]]>", begin)
        return begin, len(text) if cdata < 0 else cdata + 3
    # The value runs to the closing tag. With no tag left on the line (a trace line cut in
    # the value), to the end of the line, unless it reads as prose ("the <password> element").
    lt = text.find(m.group(1), begin)
    line = _line_end(text, begin)
    if 0 <= lt <= line:
        if not text.startswith(m.group(1) + "/", lt):
            return None  # an element holding elements, or prose
        stop = lt
    elif text[begin : begin + 1].isspace():
        return None
    else:
        # NOTE: nor past a double quote: the line may be JSON holding the cut-off XML.
        quote = text.find('"', begin, line)
        stop = line if quote < 0 else quote
        while stop > begin and text[stop - 1] == "\\":
            stop -= 1
    if stop <= begin or text[begin:stop] == MASK:
        return None
    return begin, stop


# Forms, query strings, env lines, YAML and log lines, Java toString: password=x,
# SF_PASSWORD="x", --client-secret=x, password: x, clientSecret: 'x', X-SFDC-Session: x.
# On a line of its own (env file, YAML, headers) the value is the rest of the line. A colon
# must be followed by a space or a quote: force:user:password:generate is a command.
_FIELD = LazyPattern(
    r"(?m)(^[ \t]*(?:(?:-|export|set)[ \t]+)?)?(?<![\w.$-])(?:--?)?"
    r"([A-Za-z_][\w.-]{0,63})[ \t]*(==?|:(?=[ \t\"']))[ \t]*"
)


def _field_span(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    name, op = m.group(2), m.group(3)
    log = op == ":"
    if not secret_name(name, log=log) or text.startswith("//", m.end()):
        return None
    end: LazyPattern | None = _LOG_END if log else _FORM_END
    if m.group(1) is not None and (log or m.group(1).strip() or name.isupper()):
        # A line of its own: a header or YAML (name: value), an env line (SF_PASSWORD=x,
        # export/set name=x). The value is the rest of the line: SF_PASSWORD=abc,def;ghi.
        # A form body starting a line (password=x&username=y) keeps its fields apart.
        end = None
    return _value(text, m.end(), name, end=end, log=log)


# Command-line flags with the value as the next word: --password x, --client-secret x.
_FLAG = LazyPattern(r"(?<![\w-])--([A-Za-z][\w-]{0,63})[ \t]+(?=[^\s-])")


def _flag_span(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    if not secret_name(m.group(1)):
        return None
    return _value(text, m.end(), m.group(1), end=_LOG_END)


# curl -u user:password, --user user:password, --proxy-user, -U (the username may hold @).
_USER_FLAG = LazyPattern(r"(?<!\S)(?:-[uU][ \t]*|--(?:proxy-)?user(?:[ \t]+|=))(?=\S)")
_USER_END = LazyPattern(r"[\s:\"'\\]")


def _user_span(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    quoted = _quoted(text, m.end())  # -u 'user:password': the password ends at the quote
    name = m.end() if quoted is None else quoted[0]
    colon = _USER_END.search(text, name, name + 257)
    if colon is None or text[colon.start()] != ":":
        return None
    begin = int(colon.start()) + 1
    stop = _until(text, begin, _LOG_END) if quoted is None else quoted[1]
    return (begin, stop) if stop > begin and text[begin:stop] != MASK else None


# (needles, pattern, replacement): a pattern runs only when, for every group of needles, one
# of them occurs in the lower-cased text: most texts need few of the patterns, and a pattern
# is compiled only when it first runs (start-up budget).
_Needles = tuple[tuple[str, ...], ...]
_SUBS: tuple[tuple[_Needles, LazyPattern, str], ...] = (
    # PEM blocks (private keys), whole; one cut off, to the end of the text or of the JSON
    # string that holds it (a key's base64 holds no quote).
    (
        (("private key",),),
        LazyPattern(
            r"-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----[^\"]*?"
            r"(?:-----END [A-Z ]{0,40}PRIVATE KEY-----|(?=\\?\"|\Z))",
            re.S,
        ),
        _PEM_MASK,
    ),
    # Salesforce session ids / access tokens: 15- or 18-char org id, "!", then the secret;
    # also URL-encoded (%21) and encoded twice (%2521).
    (
        (("00d",), ("!", "%21", "%2521")),
        LazyPattern(r"\b(00D[A-Za-z0-9]{9,20})(!|%21|%2521)[A-Za-z0-9._%-]+"),
        r"\1\2" + MASK,
    ),
    ((("bearer",),), LazyPattern(r"(?i)\b(bearer[ \t]+)[A-Za-z0-9._~+/=!%-]{16,}"), r"\1" + MASK),
    # JWTs (header.payload.signature, base64url): assertions, id tokens. Only at the start
    # of a run of base64url characters, so a long run is scanned once.
    (
        (("eyj",),),
        LazyPattern(
            r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}+\.[A-Za-z0-9_-]{8,}+\.[A-Za-z0-9_-]*+"
        ),
        MASK,
    ),
    # Passwords in URLs (proxy URLs above all): http://user:secret@proxy:3128, and a
    # Salesforce username in userinfo (https://ci@acme.com:secret@host: the last @ ends the
    # password). The placeholder of documentation (http://user:password@host) is kept.
    (
        (("://",), ("@",)),
        LazyPattern(r"(://[^\s/?#:\"<>\\]*:)(?!(?i:password)@)[^\s/?#\"<>\\]*@"),
        r"\1" + MASK + "@",
    ),
)
_FIELD_PASSES: tuple[
    tuple[_Needles, LazyPattern, Callable[[str, re.Match[str]], tuple[int, int] | None]], ...
] = (
    (((":",), _FIELD_WORDS), _JSON_FIELD, _json_span),
    ((("<", "&lt;"), _FIELD_WORDS), _XML_OPEN, _xml_span),
    ((("=", ":"), _FIELD_WORDS), _FIELD, _field_span),
    ((("--",), _FIELD_WORDS), _FLAG, _flag_span),
    ((("-u", "--proxy-user"),), _USER_FLAG, _user_span),
)


def redact(text: str) -> str:
    """Mask every secret-looking value in ``text`` (no known values needed)."""
    low = text.lower()
    # NOTE: `low` is not recomputed after a pass: masking only removes needles, so a stale
    # copy at worst runs a pass for nothing.
    for needles, pattern, repl in _SUBS:
        if all(any(n in low for n in group) for group in needles):
            text = pattern.sub(repl, text)
    for needles, finder, span in _FIELD_PASSES:
        if all(any(n in low for n in group) for group in needles):
            text = _mask_spans(text, finder, span)
    return text


class Redactor:
    """Redacts the run's known secret values, then every secret-looking pattern; with
    ``anonymize``, then every identifying value (see :class:`Anonymizer`).

    One instance per run, shared by every output (console, JSON, report files, the ``-v``
    trace), so an anonymized value gets the same placeholder everywhere.
    """

    def __init__(self, secrets: Iterable[str] = (), *, anonymize: bool = False) -> None:
        variants: set[str] = set()
        for value in secrets:
            # NOTE: very short values would mask ordinary words; the patterns still cover
            # them in their usual positions.
            if value and len(value) >= 4:
                variants.update(_encodings(value))
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
        """Mask only the run's known secret values (also encoded, see the module doc).

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


_HEX_ESCAPE = LazyPattern(r"%[0-9A-F]{2}")


def _encodings(value: str) -> set[str]:
    """``value`` and the forms it takes when a library or a server echoes it."""
    import json
    from urllib.parse import quote, quote_plus

    url = quote(value, safe="")
    forms = {
        value,
        url,
        _HEX_ESCAPE.sub(lambda m: m.group(0).lower(), url),  # %2f: some encoders
        quote(url, safe=""),  # encoded twice (a URL inside a query string)
        quote(value),  # "/" left as it is
        quote_plus(value),
        _html_escape(value),
        _html_escape(value).replace("'", "&#x27;"),  # html.escape(quote=True)
        _html_escape(value).replace("'", "&#39;"),
        _html_escape(value).replace("'", "&apos;"),
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        json.dumps(value)[1:-1].replace("/", "\\/"),
    }
    forms.update(_base64_forms(value))
    return {f for f in forms if len(f) >= 4}


def _base64_forms(value: str) -> set[str]:
    """The base64 text of ``value`` at each of the three byte alignments it can have inside
    a longer base64 text (``Basic base64(client_id:client_secret)``), trimmed to the
    characters that depend on ``value`` alone; standard and URL-safe alphabets."""
    from binascii import b2a_base64

    data = value.encode("utf-8")
    out: set[str] = set()
    for shift in range(3):
        text = b2a_base64(b"\0" * shift + data, newline=False).decode("ascii")
        core = text[-(-8 * shift // 6) : (8 * (shift + len(data))) // 6]
        # NOTE: a short core could occur in unrelated base64 by chance; 8 characters of a
        # secret's own bits cannot, in practice.
        if len(core) >= 8:
            out.update({core, core.replace("+", "-").replace("/", "_")})
    return out


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
