"""Turn what users paste, and what servers answer, into clues for the classifier.

Pure functions, no I/O. Every clue is built from already-redacted text, so nothing
downstream can echo a secret back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from sfdoctor.lazyre import LazyPattern
from sfdoctor.models import Clue, Family
from sfdoctor.redact import redact

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
_OAUTH_INLINE = LazyPattern(
    r"(?<![\w/])(" + "|".join(OAUTH_ERRORS) + r")\b"
    r"(?:\s*(?:::|:|\s-\s|-)\s*([^\n]*))?"
)
_API_CODE = LazyPattern(r"(?<![\w'])([A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+)\b(?:\s*:\s*([^\n]*))?")
_SSF_NEW = LazyPattern(r"Authentication failed \(code: ([^)]+)\):\s*([^\n]*)")
_WSC_CODE = LazyPattern(r"exceptionCode='([A-Za-z_]+)'")
_WSC_MSG = LazyPattern(r"exceptionMessage='(.*?)'(?=\s*(?:\]|extendedErrorDetails|$))", re.S | re.M)
_XML_CODE = LazyPattern(r"<(?:\w+:)?exceptionCode>\s*([^<\s]+)\s*</")
_XML_MSG = LazyPattern(r"<(?:\w+:)?exceptionMessage>([^<]*)</")
_XML_FAULTCODE = LazyPattern(r"<faultcode>(?:[\w.]+:)?([^<]+)</faultcode>")
_XML_FAULTSTRING = LazyPattern(r"<faultstring>([^<]*)</faultstring>")
_FORM_ERROR = LazyPattern(r"[?#&]?error=([a-z_]+)&error_description=([^&\s\"']*)")
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


def normalize(text: str) -> str:
    """Repair common mojibake and unify quotes and line ends, so patterns see one form."""
    for bad, good in _MOJIBAKE:
        text = text.replace(bad, good)
    if "\u00e2" in text:
        text = _LONE_MOJIBAKE.sub("\u2019", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _clean(message: str) -> str:
    """Trim the decoration that wraps a message in exception reprs and logs."""
    message = message.strip()
    message = re.sub(r"""^[\s'"\[(]+|[\s'"\]),;.]+$""", "", message)
    return message.replace("\\'", "'")


def _json_values(text: str) -> Iterator[object]:
    """Every JSON object or array embedded in ``text`` (bounded, best effort)."""
    decoder = json.JSONDecoder()
    pos, seen = 0, 0
    while seen < 50:
        starts = [i for i in (text.find("{", pos), text.find("[", pos)) if i >= 0]
        if not starts:
            return
        start = min(starts)
        try:
            value, end = decoder.raw_decode(text, start)
        except ValueError:
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
        message = re.sub(r"^[A-Z_]+:\s*", "", message)
    import html

    return [
        Clue(
            Family.SOAP, code.group(1).strip(), html.unescape(message).strip(), status, "SOAP fault"
        )
    ]


def clues_from_text(text: str, known_codes: frozenset[str] = frozenset()) -> list[Clue]:
    """Every clue found in pasted text, structured ones first and the whole text last.

    ``text`` must already be redacted and normalised. ``known_codes`` are the upper-case
    API codes of the knowledge base: an upper-case word is taken as a code only if known.
    """
    clues: list[Clue] = []
    for value in _json_values(text):
        clues.extend(clues_from_json(value, "JSON body"))
    clues.extend(clues_from_soap(text))

    wsc = _WSC_CODE.search(text) if "exceptionCode='" in text else None
    if wsc:
        msg = _WSC_MSG.search(text, wsc.end()) or _WSC_MSG.search(text)
        clues.append(
            Clue(Family.FAULT, wsc.group(1), msg.group(1) if msg else "", None, "ApiFault")
        )
    for m in _SSF_NEW.finditer(text) if "(code:" in text else ():
        code, message = m.group(1).strip(), _clean(m.group(2))
        family = Family.FAULT if code.isupper() else Family.OAUTH
        clues.append(Clue(family, code, message, None, "exception message"))
    for m in _FORM_ERROR.finditer(text) if "error=" in text else ():
        from urllib.parse import parse_qs

        desc = parse_qs(f"d={m.group(2)}").get("d", [""])[0]
        clues.append(Clue(Family.OAUTH, m.group(1), desc, None, "redirect parameters"))
    fields = dict(_QUOTED_FIELD.findall(text)) if "error" in text else {}
    if "error" in fields and not any(c.family is Family.OAUTH for c in clues):
        clues.append(
            Clue(
                Family.OAUTH,
                fields["error"],
                fields.get("error_description", ""),
                None,
                "error fields",
            )
        )
    has_oauth_code = any(code in text for code in OAUTH_ERRORS)
    for m in _OAUTH_INLINE.finditer(text) if has_oauth_code else ():
        clues.append(
            Clue(Family.OAUTH, m.group(1), _clean(m.group(2) or ""), None, "error message")
        )
    for m in _API_CODE.finditer(text) if "_" in text else ():
        if m.group(1) in known_codes:
            clues.append(
                Clue(Family.FAULT, m.group(1), _clean(m.group(2) or ""), None, "error code")
            )
    clues.append(Clue(Family.TEXT, None, text, None, "text"))
    return clues


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
    """
    body = redact(body)
    ctype = content_type.split(";")[0].strip().lower()
    if "json" in ctype or body.lstrip()[:1] in ("{", "["):
        try:
            value = json.loads(body)
        except ValueError:
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
    return [Clue(Family.HTTP, kind, _html_text(body)[:300], status, "HTTP body")]


def _html_text(body: str) -> str:
    """The visible text of an HTML page, roughly (for evidence and pattern matching)."""
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", body)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(text.split())
