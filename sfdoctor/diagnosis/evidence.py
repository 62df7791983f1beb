"""Turn what users paste, and what servers answer, into clues for the classifier.

Pure functions, no I/O. Every clue is built from already-redacted text, so nothing
downstream can echo a secret back.

Every pattern runs in time linear in the text, over no more than :data:`MAX_SCAN` characters
of a paste or an answer: a hostile body cannot stall a run (tests/test_security_patterns.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache

from sfdoctor.diagnosis.attempts import settled
from sfdoctor.diagnosis.mojibake import undo as undo_mojibake
from sfdoctor.diagnosis.oneline import LINE, lines, one_line
from sfdoctor.lazyre import LazyPattern
from sfdoctor.models import Clue, Family
from sfdoctor.redaction.paste import INVISIBLE, redact, rejoin_window_breaks, unmarked

MAX_SCAN = 256 * 1024
"""How many characters of a paste or an answer the patterns search (an error message is
short; a quarter of a megabyte of it is not Salesforce's)."""

# OAuth error codes Salesforce has used at the token and authorize endpoints (current and
# legacy). Matched as whole words followed by a separator and the description.
OAUTH_ERRORS = (
    "invalid_grant",
    "invalid_client_id",
    "invalid_client_credentials",
    "invalid_client",
    "unsupported_grant_type",
    "unsupported_response_type",
    "invalid_request",
    "inactive_user",
    "inactive_org",
    "rate_limit_exceeded",
    "invalid_app_access",
    "unknown_error",
    "invalid_scope",
    "access_denied",
    "redirect_uri_mismatch",
    "redirect_uri_missing",
)
# A message a page or a terminal wrapped: the lines after it that are lower-case words
# (at most three) are the rest of its sentence, not a stack frame, the next message or a
# line of code or configuration (`my $password = '...'`, `password: ...`).
_WRAPPED = r"(?:\n[a-z][a-z ,.;-]{0,200}(?=\n|$)){0,3}"
_OAUTH_INLINE = LazyPattern(
    r"(?<![\w/])(" + "|".join(OAUTH_ERRORS) + r")\b"
    r"(?:\s*(?:::|:|\s-\s|-)\s*([^\n]*" + _WRAPPED + r"))?"
)
# NOTE: a code may be glued to what precedes it (`ConstructorINVALID_LOGIN`, `sf:CODE`,
# `Error:CODE`): only an upper-case letter, digit or underscore before it means it is the
# tail of a longer word. Each run of such characters is scanned from its start only.
_API_CODE = LazyPattern(
    r"(?<![A-Z0-9_'])([A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+)(?![a-z0-9_])(?:\s*:\s*([^\n]*"
    + _WRAPPED
    + r"))?"
)
# A code whose underscores a Markdown page took for emphasis (`REQUESTLIMITEXCEEDED`), or a
# person typed as spaces (`INVALID LOGIN`): upper-case words that are a known code without
# its underscores are that code. Runs of at most eight words; each is looked up in parts.
_SQUASHED_CODE = LazyPattern(
    r"(?<![A-Za-z0-9_])([A-Z][A-Z0-9]{1,59}(?: [A-Z][A-Z0-9]{1,59}){0,7})(?![A-Za-z0-9_])"
)
_SSF_NEW = LazyPattern(r"Authentication failed \(code: ([^)\n]{1,100})\):\s*([^\n]*)")
_WSC_CODE = LazyPattern(r"exceptionCode='([A-Za-z_]+)'")
_WSC_MSG_START = "exceptionMessage='"
# The quote that ends an ApiFault message: the message may hold quotes (company's), so it
# is the one the dump puts next. NOTE: searched for from the message's start, once: a
# pattern `exceptionMessage='(.*?)'(?=...)` rescans the rest of the text from every
# "exceptionMessage='" when no such quote follows.
_WSC_MSG_END = LazyPattern(r"'(?=\s*(?:\]|extendedErrorDetails|$))", re.M)
_XML_CODE = LazyPattern(r"<(?:\w+:)?exceptionCode>\s*([^<\s]+)\s*</")
_XML_MSG = LazyPattern(r"<(?:\w+:)?exceptionMessage>([^<]*)</")
_XML_FAULTCODE = LazyPattern(r"<faultcode>(?:[\w.]+:)?([^<]+)</faultcode>")
_XML_FAULTSTRING = LazyPattern(r"<faultstring>([^<]*)</faultstring>")
_FORM_ERROR = LazyPattern(r"[?#&]?error=([a-z_]+)&(?:[a-z]+_)?error_description=([^&\s\"']*)")
# A redirect's description without its `error=` (a paste cut at the `&`): decoded alone.
_LONE_DESCRIPTION = LazyPattern(r"(?<![\w])error_description=([^&\s\"']{1,1000})")
_BARE_WORD = LazyPattern(r"[A-Za-z][A-Za-z0-9_]{2,59}")
_SOAP_CODE_PREFIX = LazyPattern(r"^[A-Z_]+:\s*")
# JSON values embedded in text start like this: an object with a key, or an array of them.
_JSON_START = LazyPattern(r"\{\s*\"|\[\s*\{")
_MAX_JSON_TRIES = 200
_SCRIPT = LazyPattern(r"<(script|style)\b.*?(?:</\1\s*>|\Z)", re.I | re.S)
_TAG = LazyPattern(r"<[^<>]*>")
# A description whose closing quote was cut off with the rest of the paste.
_OPEN_DESCRIPTION = LazyPattern(r"""["']error_description["']\s*:\s*["']([^"'\n]{1,300})""")
_QUOTED_FIELD = LazyPattern(
    r"""["'](error|error_description|errorCode|message|exceptionCode|exceptionMessage)["']\s*:\s*["']((?:\\.|[^"'\\])*)["']"""
)

# Mis-decoded UTF-8 (typographic quotes read as Latin-1 or cp1252) as it arrives in pastes.
_MOJIBAKE = (
    ("\u00e2\u20ac\u2122", "\u2019"),
    ("\u00e2\u20ac\u02dc", "\u2018"),
    ("\u00e2\u20ac\u0153", "\u201c"),
    ("\u00e2\u20ac\u009d", "\u201d"),
    ("\u00e2\u20ac\u201d", "\u2014"),
    ("\u00e2\u20ac\u201c", "\u2013"),
    ("\u00e2\u0080\u0099", "\u2019"),
    ("\u00e2\u0080\u0098", "\u2018"),
    ("\u00c2\u00a0", " "),
)
_LONE_MOJIBAKE = LazyPattern(r"(?<=[a-z])\u00e2(?=s\b)")  # companyâs -> company’s
_SGR = LazyPattern(r"\x1b\[[0-9;]{0,32}m")


# What wraps an error as it travels: a JSON string (`\"`, `\n`, `\u00e9`), an HTML page
# (`&quot;`, `&#39;`), a URL (`%20`, `+`), a Markdown page (`UNSUPPORTED\_API\_VERSION`).
_JSON_ESCAPE = LazyPattern(r"\\(?:u([0-9a-fA-F]{4})|([\"/\\nrt]))")
_JSON_SIMPLE = {'"': '"', "/": "/", "\\": "\\", "n": "\n", "r": "\n", "t": "\t"}
_HTML_ENTITY = LazyPattern(r"&(?:#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z]{2,8});")
_PERCENT = LazyPattern(r"%[0-9A-Fa-f]{2}")
_MD_ESCAPE = LazyPattern(r"\\([_*`])")


def _json_unescape(m: re.Match[str]) -> str:
    if m.group(1):
        return chr(int(m.group(1), 16))
    return _JSON_SIMPLE[m.group(2)]


_QUOTE_MARK = LazyPattern(r"^[ \t]*(?:>[ \t]?)+", re.M)


def decode(text: str) -> str:
    """Undo the escaping an error picks up on its way to a paste, so codes and messages read
    as Salesforce wrote them: e-mail/Markdown quote marks (``> `` before every line),
    Markdown escapes, escaped apostrophes (``hasn\\'t``), JSON string escapes, HTML
    entities, URL encoding, invisible characters (a zero-width space, a soft hyphen), UTF-8
    shown byte by byte (:mod:`sfdoctor.diagnosis.mojibake`), full-width punctuation (NFKC).
    Each step runs only when its marks are present.
    Redact before and after (:func:`normalize`).
    """
    if text.lstrip().startswith(">") and "\n" in text:
        lines = text.splitlines()
        if sum(1 for line in lines if line.lstrip().startswith(">")) * 2 > len(lines):
            text = _QUOTE_MARK.sub("", text)
    if "\\" in text:
        text = _MD_ESCAPE.sub(r"\1", text)
        # A single-quoted string as Node's console, Python's repr or PHP print it:
        # `error_description: 'user hasn\'t approved this consumer'`.
        text = text.replace("\\'", "'")
        if '\\"' in text or "\\n" in text or "\\u" in text:
            text = _JSON_ESCAPE.sub(_json_unescape, text)
    if "&" in text and _HTML_ENTITY.search(text):
        import html

        text = html.unescape(text)
    if "%" in text and len(_PERCENT.findall(text, 0, 4096)) >= 2:
        from urllib.parse import unquote, unquote_plus

        # `+` is a space only in a query string: a text with spaces is not one.
        text = unquote(text) if " " in text.strip() else unquote_plus(text)
    elif "+" in text and "&" in text and "=" in text and len(text.split(None, 1)) == 1:
        # A query string with nothing to percent-encode: an Auth. Provider's callback
        # (`ErrorCode=No_Oauth_Token&ErrorDescription=invalid_client+invalid+client+...`).
        from urllib.parse import unquote_plus

        text = unquote_plus(text)
    if not text.isascii():
        import unicodedata

        text = unicodedata.normalize("NFKC", INVISIBLE.sub("", undo_mojibake(text)))
    return text


def normalize(text: str) -> str:
    """Repair common mojibake and unify quotes and line ends, so patterns see one form.

    Escaping is undone apart (:func:`decode`), between two redactions: a secret is masked in
    the form it was pasted in (an escaped quote inside a JSON value is still the value) and
    again in the form decoding reveals (a URL-encoded one).
    """
    for bad, good in _MOJIBAKE:
        text = text.replace(bad, good)
    if "\u00e2" in text:
        text = _LONE_MOJIBAKE.sub("\u2019", text)
    if "\x1b[" in text:  # a coloured terminal log: its colours would split a field's name
        text = _SGR.sub("", text)  # from its value ("\x1b[32mSF_PASSWORD\x1b[0m: ...")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _form_value(raw: str) -> str:
    """A form-encoded value decoded (``+`` and ``%XX``), and redacted again: decoding may
    reveal a secret the paste's redaction could not see (``password%3D...``)."""
    from urllib.parse import parse_qs

    return redact(parse_qs(f"d={raw}").get("d", [""])[0])


def _clean(message: str) -> str:
    """Trim the decoration that wraps a message in exception reprs and logs."""
    # NOTE: str.strip, not a pattern: `[...]+$` is quadratic in a long run of its characters.
    message = message.strip().lstrip(" \t\n\r\f\v'\"[(").rstrip(" \t\n\r\f\v'\"]),;.")
    return message.replace("\\'", "'")


def _json_values(text: str) -> Iterator[object]:
    """Every JSON object, or array of objects, embedded in ``text`` (bounded, best effort).

    Only where one can start (``{"`` or ``[{``), at most 50 values and 200 failed tries:
    a text of nothing but braces costs no more than a short one. Nesting too deep for the
    decoder is not JSON to sfdoctor (the text is still classified as text).
    """
    decoder = json.JSONDecoder(strict=False)  # a decoded paste may hold raw newlines
    pos, seen, tries = 0, 0, 0
    while seen < 50 and tries < _MAX_JSON_TRIES:
        m = _JSON_START.search(text, pos)
        if m is None:
            return
        start = m.start()
        tries += 1
        try:
            value, end = decoder.raw_decode(text, start)
        except (ValueError, RecursionError):
            pos = start + 1
            continue
        seen += 1
        pos = end
        yield value


def clues_from_json(value: object, origin: str, status: int | None = None) -> list[Clue]:
    """Clues from a decoded JSON body: an OAuth error object or a REST error array."""
    clues: list[Clue] = []
    items = value if isinstance(value, list) else [value]
    for item in items:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("error"), str):
            desc = item.get("error_description")
            if desc is None and isinstance(item.get("message"), str):
                # Other OAuth servers (league/oauth2-server, Passport) describe in "message";
                # Salesforce always says error_description, so its patterns stay exact.
                desc = item["message"]
            clues.append(Clue(Family.OAUTH, item["error"], str(desc or ""), status, origin))
        elif isinstance(item.get("errorCode"), str):
            clues.append(
                Clue(Family.REST, item["errorCode"], str(item.get("message") or ""), status, origin)
            )
        elif isinstance(item.get("exceptionCode"), str):  # Bulk API 1.0
            clues.append(
                Clue(
                    Family.REST,
                    item["exceptionCode"],
                    str(item.get("exceptionMessage") or ""),
                    status,
                    origin,
                )
            )
    return clues


def clues_from_soap(body: str, status: int | None = None) -> list[Clue]:
    """A clue from a SOAP fault envelope (or its fragments), if it carries one."""
    if "xceptionCode>" not in body and "<faultcode>" not in body:
        return []
    code = _XML_CODE.search(body) or _XML_FAULTCODE.search(body)
    if not code:
        return []
    msg = _XML_MSG.search(body)
    message = msg.group(1) if msg else ""
    if not message:
        fs = _XML_FAULTSTRING.search(body)
        message = fs.group(1) if fs else ""
        message = _SOAP_CODE_PREFIX.sub("", message, count=1)
    import html

    return [
        Clue(
            Family.SOAP, code.group(1).strip(), html.unescape(message).strip(), status, "SOAP fault"
        )
    ]


def _form_clues(text: str) -> list[Clue]:
    """A redirect's ``error=…&error_description=…`` (or a description alone), decoded."""
    clues = [
        Clue(Family.OAUTH, m.group(1), _form_value(m.group(2)), None, "redirect parameters")
        for m in (_FORM_ERROR.finditer(text) if "error=" in text else ())
    ]
    if not clues and "error_description=" in text:
        for m in _LONE_DESCRIPTION.finditer(text):
            if desc := _form_value(m.group(1)):
                clues.append(Clue(Family.TEXT, None, desc, None, "redirect parameters"))
    return clues


def clues_from_text(
    text: str, known_codes: frozenset[str] = frozenset(), *, undecoded: str | None = None
) -> list[Clue]:
    """Every clue found in pasted text: structured ones, the whole text, then its lines.

    ``text`` must already be redacted and normalised; ``undecoded`` is the same paste before
    :func:`decode`, when decoding changed it (redacted too). ``known_codes`` are the upper-case
    API codes of the knowledge base: an upper-case word is taken as a code only if known.
    Only the first :data:`MAX_SCAN` characters are searched (callers cut the text first, and
    say so: ``explain`` keeps its start and its end).
    """
    text = settled(text[:MAX_SCAN])
    clues: list[Clue] = []
    logged: list[str] = []  # a JSON log record's message (pino's `msg`, a JSON logger's)
    for value in _json_values(text):
        clues.extend(clues_from_json(value, "JSON body"))
        if isinstance(value, dict) and isinstance(
            msg := value.get("msg", value.get("message")), str
        ):
            logged.append(redact(msg))
    clues.extend(clues_from_soap(text))

    wsc = _WSC_CODE.search(text) if "exceptionCode='" in text else None
    if wsc:
        at = text.find(_WSC_MSG_START, wsc.end())
        at = text.find(_WSC_MSG_START) if at < 0 else at
        message = ""
        if at >= 0:
            at += len(_WSC_MSG_START)
            end = _WSC_MSG_END.search(text, at)
            message = text[at : end.start()] if end else ""
        clues.append(Clue(Family.FAULT, wsc.group(1), message, None, "ApiFault"))
    for m in _SSF_NEW.finditer(text) if "(code:" in text else ():
        code, message = m.group(1).strip(), _clean(m.group(2))
        family = Family.FAULT if code.isupper() else Family.OAUTH
        clues.append(Clue(family, code, message, None, "exception message"))
    # Redirect parameters are read from the paste as it came when there is one: decoding
    # turns a value's `%20` into a space, which would end the value at its first word.
    for source in (undecoded[:MAX_SCAN], text) if undecoded else (text,):
        if form := _form_clues(source):
            clues.extend(form)
            break
    fields = dict(_QUOTED_FIELD.findall(text)) if "error" in text else {}
    if "error" in fields and not any(c.family is Family.OAUTH for c in clues):
        description = fields.get("error_description", "")
        if not description:
            cut_off = _OPEN_DESCRIPTION.search(text)
            description = cut_off.group(1) if cut_off else ""
        clues.append(Clue(Family.OAUTH, fields["error"], description, None, "error fields"))
    has_oauth_code = any(code in text for code in OAUTH_ERRORS)
    described = {c.code for c in clues if c.family is Family.OAUTH and c.message}
    for m in _OAUTH_INLINE.finditer(text) if has_oauth_code else ():
        if not m.group(2) and m.group(1) in described:
            continue  # the code's quote in a JSON body already read with its description
        clues.append(
            Clue(Family.OAUTH, m.group(1), _clean(m.group(2) or ""), None, "error message")
        )
    for m in _API_CODE.finditer(text) if "_" in text else ():
        if m.group(1) in known_codes:
            clues.append(
                Clue(Family.FAULT, m.group(1), _clean(m.group(2) or ""), None, "error code")
            )
    if "_" not in text or not clues:
        squashed = _squashed(known_codes)
        for m in _SQUASHED_CODE.finditer(text) if squashed else ():
            for code in _codes_in_run(m.group(1).split(" "), squashed, known_codes):
                clues.append(Clue(Family.FAULT, code, "", None, "error code (underscores lost)"))
    structured = bool(clues)
    # A paste's line breaks and runs of spaces are the page's or the terminal's, not the
    # error's ("authentication\nfailure" wrapped at 60 columns, "Invalid  username" typed):
    # a field's value is read on one line without markup, and so is the whole text.
    # Redacted again: a JSON value's escapes, decoded, may spell a secret's name.
    clues = [c._replace(message=redact(unmarked(" ".join(c.message.split())))) for c in clues]
    clues.append(Clue(Family.TEXT, None, text, None, "text"))
    flat = one_line(text)
    if flat != text.strip():
        clues.append(Clue(Family.TEXT, None, flat, None, "text, on one line"))
    # A console breaks a message mid-word: a line filling the window is also read joined.
    joined = one_line(rejoin_window_breaks(text)) if "\n" in text and len(text) < 4096 else flat
    if joined != flat:
        clues.append(Clue(Family.TEXT, None, joined, None, "text, rejoined"))
    if not structured:  # a field's line is not a message alone (`error: invalid_client`)
        clues.extend(Clue(Family.TEXT, None, line, None, LINE) for line in lines(text, logged))
    return clues


def _codes_in_run(words: list[str], squashed: dict[str, str], known: frozenset[str]) -> list[str]:
    """The known codes a run of upper-case words spells: one word without underscores, or
    consecutive words with spaces for them (the longest first)."""
    found: list[str] = []
    for i, word in enumerate(words):
        if word in squashed:
            found.append(squashed[word])
        for j in range(len(words), i + 1, -1):
            if "_".join(words[i:j]) in known:
                found.append("_".join(words[i:j]))
                break
    return found


@lru_cache(maxsize=2)
def _squashed(known_codes: frozenset[str]) -> dict[str, str]:
    """Each known code, keyed by its letters without underscores (ten or more of them)."""
    return {k: c for c in known_codes if "_" in c and len(k := c.replace("_", "")) >= 10}


def looks_like_html(body: str) -> bool:
    """True when a body is an HTML page (maintenance page, captive portal, proxy error)."""
    head = body.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html")) or "<html" in head or "<body" in head


def clues_from_response(status: int, content_type: str, body: str) -> list[Clue]:
    """Clues from one HTTP answer: the Salesforce error it carries, or what is wrong with it.

    The body is redacted first. A successful JSON answer yields no clue (the caller checks
    its fields). A JSON error body yields its OAuth or REST clue plus, for statuses that
    mean something on their own (410, 5xx), an :attr:`Family.HTTP` clue of kind ``json``.
    Any other body yields an HTTP clue whose code names its kind: ``html``, ``invalid_json``
    (a JSON content type that does not parse: truncated) or ``other`` (empty, plain text).
    Only the first :data:`MAX_SCAN` characters of the body are read (the transport reads
    no more than that either).
    """
    body = redact(body[:MAX_SCAN])
    ctype = content_type.split(";")[0].strip().lower()
    if "json" in ctype or body.lstrip()[:1] in ("{", "["):
        try:
            value = json.loads(body)
        except (ValueError, RecursionError):  # nesting too deep is no Salesforce answer
            return [Clue(Family.HTTP, "invalid_json", body[:200], status, "HTTP body")]
        clues = clues_from_json(value, "JSON body", status)
        if 200 <= status < 300 and not clues:
            return []
        return [*clues, Clue(Family.HTTP, "json", body[:200], status, "HTTP status")]
    if "xml" in ctype or body.lstrip().startswith("<?xml") or "Envelope" in body[:400]:
        # NOTE: SOAP faults always come with HTTP 500; the status says nothing more.
        clues = clues_from_soap(body, status)
        if clues:
            return clues
    kind = "html" if looks_like_html(body) else "other"
    answer = Clue(Family.HTTP, kind, _html_text(body)[:300], status, "HTTP body")
    word = body.strip()
    if kind == "other" and _BARE_WORD.fullmatch(word):
        # A bare word is an error's name: the identity URL's and userinfo's Bad_OAuth_Token.
        return [Clue(Family.TEXT, None, word, status, "HTTP body"), answer]
    return [answer]


def _html_text(body: str) -> str:
    """The visible text of an HTML page, roughly (for evidence and pattern matching)."""
    # NOTE: a <script> without its end runs to the end of the page (as in a browser): a
    # pattern that must find the end fails from every "<script" of a hostile page in turn.
    text = _SCRIPT.sub(" ", body)
    text = _TAG.sub(" ", text)
    return " ".join(text.split())
