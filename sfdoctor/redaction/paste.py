"""Secrets in pasted text: :func:`redact` masks what sfdoctor was never told about.

Session ids (``00D...!...``, also URL-encoded), ``Authorization`` and ``X-SFDC-Session``
headers, the value of every secret-named field (``password``, ``client_secret``,
``clientSecret``, ``SF_PASSWORD``, ``refreshToken``, ...; see :mod:`.names`) in forms, env
lines, YAML (also block scalars and values on the next line), logs (``name: value``,
``name:value``, ``name<TAB>value``), JSON (also JSON inside a JSON string), Ruby and PHP hashes
(``:password => 'x'``), PHP and Perl variables, array entries and constants (``$password =
'x'``, ``$config['password'] = 'x'``, ``define('SF_PASSWORD', 'x')``), setter and builder
calls (``setPassword("x")``), XML elements and command-line flags, ``curl -u
user:password``, passwords in URLs (``https://user@acme.com:pw@host``), PEM private keys, JWTs,
a secret-looking word written into a sentence after its name (``my password is Hunter2!``);
and each of those with its name marked up (``<b>password</b>=x``, ``**password**: x``) or
with an invisible character in it (``pass\u200bword=x``, a zero-width space).

Every pattern here runs in time linear in the text: no nested or overlapping quantifiers, and
field values are scanned by hand (:mod:`.values`) rather than by backtracking, so a hostile
paste or server answer cannot stall a run (tests/test_security_patterns.py holds every pattern
to that).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sfdoctor.lazyre import LazyPattern
from sfdoctor.redaction.names import FIELD_WORDS, secret_name
from sfdoctor.redaction.values import (
    FORM_END,
    HASH_END,
    LOG_END,
    MASK,
    NUMBER,
    YAML_BLOCK,
    indented_block,
    line_end,
    mask_spans,
    quoted,
    until,
    value_span,
)

_PEM_MASK = "-----BEGIN PRIVATE KEY----- " + MASK + " -----END PRIVATE KEY-----"

# JSON and Python-dict fields: "password": "x", 'clientSecret': 'x', "password": 1234, and
# the same inside a JSON string: {\"password\":\"x\"}; Ruby and PHP hashes: 'password' => 'x'.
# PHP's array entries and constants: $config['password'] = 'x', define('SF_PASSWORD', 'x').
_JSON_FIELD = LazyPattern(
    r"(?<!\\)(?:(?<![\w$])define\([ \t]*)?(\\{0,7})([\"'])([A-Za-z_$][\w.$-]{0,63})\1\2"
    r"[ \t\r\n]*(:|=>|\][ \t]*=(?![=>])|,)[ \t\r\n]*"
)


def _json_span(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    if not secret_name(m.group(3)):
        return None
    op = m.group(4)
    if op == "=>":
        return _hash_span(text, m.end(), m.group(3))
    if op.endswith(",") and not m.group(0).startswith("define"):
        return None  # a list of names ('username', 'password'), not define('NAME', value)
    if op.startswith("]") and text[m.start() - 1 : m.start()] != "[":
        return None
    number = NUMBER.match(text, m.end())
    if number is not None:
        return m.end(), int(number.end())
    span = quoted(text, m.end())
    if span is None:
        return None
    return value_span(text, m.end(), m.group(3), end=None)


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
    line = line_end(text, begin)
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


# Forms, query strings, env lines, YAML and log lines, Java toString, Ruby hashes:
# password=x, SF_PASSWORD="x", --client-secret=x, password: x, PASSWORD:x, clientSecret: 'x',
# X-SFDC-Session: x, password<TAB>x, :password => 'x'. On a line of its own (env file, YAML,
# headers) the value is the rest of the line; after a YAML key ending its line (password: |,
# password:), the lines indented below it. A form that was itself URL-encoded (a redirect's
# state, a logged URL) writes = as %3D; Gson writes = as \u003d in a JSON string (and a log
# line wrapped in another JSON string as \\u003d), and & as \u0026.
_FIELD = LazyPattern(
    r"(?m)(^[ \t]*(?:(?:-|export|set|my|our|local)[ \t]+)?)?(?:(?<![\w.$-])|(?<=%26)|(?<=%2526)"
    r"|(?<=\\u0026)|(?<=[^\w.$-]\$)|(?<=^\$))(?:--?)?"
    r"([A-Za-z_][\w.-]{0,63})[ \t]*(=>|==?|%(?:25)?3[Dd]|\\{1,7}u003[Dd]|:(?!:)|\t)[ \t]*"
)


def _field_span(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    name, op = m.group(2), m.group(3)
    log = op in (":", "\t")
    if not secret_name(name, log=log) or text.startswith("//", m.end()):
        return None
    if op == "=>":
        return _hash_span(text, m.end(), name)
    if op == ":" and m.end() == m.end(3) and text[m.start(2) - 1 : m.start(2)] in (":", "/"):
        # NOTE: name:value with no blank is a field, but not inside a colon-separated word:
        # force:user:password:generate is a command, scheme://password:x@host a URL.
        return None
    if op == ":" and m.group(1) is not None:
        indent = len(m.group(1)) - len(m.group(1).lstrip(" \t"))
        if YAML_BLOCK.match(text, m.end()):  # password: |  (or >-, |2): the lines below
            return indented_block(text, m.end(), indent, prose=False)
        if line_end(text, m.end()) == m.end():  # password:  then the value, indented below
            return indented_block(text, m.end(), indent, prose=True)
    end: LazyPattern | None = LOG_END if log else FORM_END
    if m.group(1) is not None and (log or m.group(1).strip() or name.isupper()):
        # A line of its own: a header or YAML (name: value), an env line (SF_PASSWORD=x,
        # export/set name=x). The value is the rest of the line: SF_PASSWORD=abc,def;ghi.
        # A form body starting a line (password=x&username=y) keeps its fields apart.
        end = None
    return value_span(text, m.end(), name, end=end, log=log)


def _hash_span(text: str, start: int, name: str) -> tuple[int, int] | None:
    """The value of a Ruby or PHP hash entry (``=>``): quoted, or up to the next entry."""
    if quoted(text, start) is None and text[until(text, start, HASH_END) :].startswith(("(", "[")):
        return None  # ENV['SF_PASSWORD'], env('SF_PASSWORD'): code, not a value
    return value_span(text, start, name, end=HASH_END)


# Setter and builder calls with a literal: setPassword("x"), .password('x'),
# withClientSecret("x"), also inside a JSON string (\"x\"). A variable is left alone.
_CALL = LazyPattern(r"(?<![\w$])([A-Za-z_]\w{0,63})\([ \t]*(?=\\{0,7}[\"'])")


def _call_span(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    if not secret_name(m.group(1)):  # setPassword: its last word says
        return None
    return value_span(text, m.end(), m.group(1), end=None)


# Command-line flags with the value as the next word: --password x, --client-secret x.
_FLAG = LazyPattern(r"(?<![\w-])--([A-Za-z][\w-]{0,63})[ \t]+(?=[^\s-])")


def _flag_span(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    if not secret_name(m.group(1)):
        return None
    return value_span(text, m.end(), m.group(1), end=LOG_END)


# curl -u user:password, --user user:password, --proxy-user, -U (the username may hold @).
_USER_FLAG = LazyPattern(r"(?<!\S)(?:-[uU][ \t]*|--(?:proxy-)?user(?:[ \t]+|=))(?=\S)")
_USER_END = LazyPattern(r"[\s:\"'\\]")


def _user_span(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    inside = quoted(text, m.end())  # -u 'user:password': the password ends at the quote
    name = m.end() if inside is None else inside[0]
    colon = _USER_END.search(text, name, name + 257)
    if colon is None or text[colon.start()] != ":":
        return None
    begin = int(colon.start()) + 1
    stop = until(text, begin, LOG_END) if inside is None else inside[1]
    return (begin, stop) if stop > begin and text[begin:stop] != MASK else None


# A secret written into a sentence: "my password is Hunter2!", "with password Welcome123",
# "security token was aB3dE5...". Only a word that looks like a secret is masked (six or
# more characters with a letter and a digit or a symbol a password takes, or eight digits):
# the words that follow "password" in an error ("password expired", "password or security
# token") stay.
# The name may end a variable's (SALESFORCE_PASSWORD); the value may follow in brackets, or
# after what the sentence says of it ("is not set (was X)", "is wrong: X").
_PROSE_SECRET = LazyPattern(
    r"(?i)(?<![\w.$-])(?:[a-z0-9]{1,40}_){0,4}(?:password|passwd|pwd|passphrase|secret|(?:(?:"
    r"security|access|refresh|api)[ _-]?)?token)(?:[ \t]*\([ \t]*|[ \t]+(?:(?:is|was|of)[ \t]+)?"
    r"(?:(?:now|still)[ \t]+)?(?:(?:not[ \t]+)?(?:set|valid|wrong|invalid|incorrect|rejected"
    r"|expired)[ \t]*(?:\(|:)[ \t]*(?:(?:was|got|is)[ \t:=]+)?)?)(?=\S)"
)
_SENTENCE_END = ".,;:)"


def _prose_span(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    inside = quoted(text, m.end())
    begin, stop = inside if inside is not None else (m.end(), until(text, m.end(), LOG_END))
    while inside is None and stop > begin and text[stop - 1] in _SENTENCE_END:
        stop -= 1  # the sentence's own punctuation, not the value's
    word = text[begin:stop]
    if len(word) < 6 or word == MASK or "/" in word or "=" in word or "&" in word:
        return None  # a path, a URL, a form: not a word of a sentence
    digit = any(c.isdigit() for c in word)
    letter = any(c.isalpha() for c in word)
    symbol = any(c in "!@#$%^*+~?" for c in word)
    secret = (digit and letter) or symbol or (word.isdigit() and len(word) >= 8)
    return (begin, stop) if secret else None


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
    (((":", "=>", "]", "define("), FIELD_WORDS), _JSON_FIELD, _json_span),
    ((("<", "&lt;"), FIELD_WORDS), _XML_OPEN, _xml_span),
    ((("=", ":", "%3d", "%253d", "u003d", "\t"), FIELD_WORDS), _FIELD, _field_span),
    ((("(",), FIELD_WORDS), _CALL, _call_span),
    ((("--",), FIELD_WORDS), _FLAG, _flag_span),
    ((("pass", "pwd", "secret", "token"), (" ", "\t")), _PROSE_SECRET, _prose_span),
    ((("-u", "--proxy-user"),), _USER_FLAG, _user_span),
)


# Markup a page or a Markdown file puts in the words, a field's name included
# (`<b>password</b>=x`, `**password**: x`, `` `password`=x ``): inline tags and emphasis.
# The one-line reading of a paste (sfdoctor.diagnosis.oneline) drops the same markup.
INLINE_TAG = LazyPattern(
    r"</?(?:b|strong|i|em|u|code|tt|span|a|font|mark|kbd|samp)(?:\s[^<>\n]{0,200})?>",
    re.IGNORECASE,
)
EMPHASIS = LazyPattern(r"\*\*|__|`")


def unmarked(text: str) -> str:
    """``text`` without the inline markup and emphasis a page or Markdown put in its words
    (``"<b>invalid</b> client credentials"``, ``**invalid** client``)."""
    if "<" in text:
        text = INLINE_TAG.sub("", text)
    return EMPHASIS.sub("", text) if "**" in text or "__" in text or "`" in text else text


# Characters a page or a chat puts in words without showing them (a zero-width space where a
# long word may break, a soft hyphen, a byte-order mark, a direction mark): `pass\u200bword=x`
# reads as `password=x` on screen, so it is masked as that; decoding drops them too.
INVISIBLE = LazyPattern("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


# A console window breaks a long line at its width, in the middle of a word: of a field's name
# (`...&pass` / `word=x`) or of its value (`password=hunt` / `er2`). On screen the two halves
# read as one, so the text with such breaks taken out is masked too. A window's break ends
# the paste's longest line, of 60 characters or more.
_MIDWORD_BREAK = LazyPattern(r"(?<=\w)\r?\n(?=\w)")
WINDOW = 60
"""The narrowest console window whose breaks are taken for a window's (a line of 60 or more)."""


def rejoin_window_breaks(text: str) -> str:
    """``text`` with each break a window made mid-word taken out (or ``text``): a break after
    the paste's longest line, of 60 characters or more, between a letter or digit and another."""
    lines = text.split("\n")
    width = max(len(line.rstrip("\r")) for line in lines)
    if width < WINDOW:
        return text
    out = []
    for line, after in zip(lines, [*lines[1:], ""], strict=True):
        bare = line.rstrip("\r")
        broken = len(bare) == width and bare[-1:].isalnum() and after[:1].isalnum()
        out.append(bare if broken else line + "\n")
    return "".join(out)[:-1]  # the last line gained a "\n" it did not have


def redact(text: str) -> str:
    """Mask every secret-looking value in ``text`` (no known values needed).

    A name marked up (``<b>password</b>=x``) or with an invisible character in it
    (``pass\u200bword=x``) hides its value from the fields' patterns: when the text without
    its inline markup and invisible characters has more to mask, that text, masked, is the
    answer (the markup is lost, the secret with it). So with a name or a value a console
    broke across two lines mid-word: when the text without those breaks masks more of
    itself, it is the answer (the breaks are lost).
    """
    masked = _redact(text)
    invisible = not text.isascii() and INVISIBLE.search(text)
    if invisible or "<" in text or "**" in text or "__" in text or "`" in text:
        bare = unmarked(INVISIBLE.sub("", text) if invisible else text)
        if bare != text:
            bare_masked = _redact(bare)
            if bare_masked.count(MASK) > masked.count(MASK):
                return bare_masked
    if "\n" in text and _MIDWORD_BREAK.search(text):
        joined = rejoin_window_breaks(text)
        low = joined.lower()
        if joined != text and any(word in low for word in FIELD_WORDS):
            joined_masked = _redact(joined)
            if _masked_length(joined, joined_masked) > _masked_length(text, masked):
                return joined_masked
    return masked


def _masked_length(text: str, masked: str) -> int:
    """How many characters of ``text`` its ``masked`` form hides."""
    return len(text) - (len(masked) - masked.count(MASK) * len(MASK))


def _redact(text: str) -> str:
    low = text.lower()
    # NOTE: `low` is not recomputed after a pass: masking only removes needles, so a stale
    # copy at worst runs a pass for nothing.
    for needles, pattern, repl in _SUBS:
        if all(any(n in low for n in group) for group in needles):
            text = pattern.sub(repl, text)
    for needles, finder, span in _FIELD_PASSES:
        if all(any(n in low for n in group) for group in needles):
            text = mask_spans(text, finder, span)
    return text
