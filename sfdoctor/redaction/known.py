"""The run's known secret values: a :class:`Redactor` masks the password, token, client
secret, ... it was given, matched literally and in the forms a library or a server may echo
them: URL- and form-encoded, HTML- and JSON-escaped, hex (lower- and upper-case, also byte by
byte: ``43 61``, ``43:61``, ``\\x43\\x61``), base64 (also inside a longer base64 text, such as a
Basic header); then every secret-looking pattern
(:func:`~.paste.redact`); with ``anonymize``, every identifying value too
(:class:`~.anonymize.Anonymizer`).

Only whole values are matched: a server's echo of part of a secret (its first characters, a
truncated copy) stays in view.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from sfdoctor.lazyre import LazyPattern
from sfdoctor.redaction.paste import redact
from sfdoctor.redaction.values import MASK

TYPE_CHECKING = False  # NOTE: typing is not imported at run time (start-up budget)
if TYPE_CHECKING:
    from typing import Any, TypeVar

    _T = TypeVar("_T")


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
        self.anonymizer = None
        if anonymize:
            # NOTE: imported only when asked for: its patterns and tables cost start-up
            # (bench/startup.py) on every run that does not anonymize.
            from sfdoctor.redaction.anonymize import Anonymizer

            self.anonymizer = Anonymizer()

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
        redacted: _T = out
        return redacted


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
    # Hex of the UTF-8 bytes, as a server or a debug dump prints them; a value of four
    # characters or more (see Redactor) gives eight hex digits or more, the floor the base64
    # forms keep too.
    hexed = value.encode("utf-8").hex()
    forms.update((hexed, hexed.upper()))
    # The same bytes one by one, as hexdump, Wireshark and repr() print them: 43 61,
    # 43:61, 43-61, \x43\x61.
    pairs = [hexed[i : i + 2] for i in range(0, len(hexed), 2)]
    for sep in (" ", ":", "-"):
        forms.update((sep.join(pairs), sep.join(pairs).upper()))
    escaped = "".join(f"\\x{p}" for p in pairs)
    forms.update((escaped, escaped.replace("\\x", "\0").upper().replace("\0", "\\x")))
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
