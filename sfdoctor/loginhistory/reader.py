"""Read Login History exports: open, decode, find the header, name the columns, read the time.

Three kinds of file carry the same information under different headers:

- the Setup > Login History download (``Username, Login Time, Source IP, Status, ...``);
- a ``LoginHistory`` query export (``UserId, LoginTime, SourceIp, Status, ...``, from Data
  Loader, Workbench or ``sf data query``);
- an Event Log File ``Login`` CSV (``USER_NAME, TIMESTAMP_DERIVED, SOURCE_IP, LOGIN_STATUS``).

Columns are found by name, whatever the case, spacing, underscores or order (header spelling
of the Setup download is not documented). Input problems become :class:`InputError` with a
message that says what was found and what was expected; never a traceback.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from typing import IO, Any, NamedTuple, TextIO, cast

from sfdoctor.diagnosis.classify import classify
from sfdoctor.diagnosis.knowledge import KnowledgeBase
from sfdoctor.models import Clue, Family, StrEnum
from sfdoctor.status import UsageError


class InputError(UsageError):
    """The input is not a Login History export sfdoctor can read (exit 2)."""


class Kind(StrEnum):
    """Which export a file is, told from its header."""

    SETUP = "setup_login_history"
    """Setup > Login History download (headers with spaces: ``Login Time``)."""
    QUERY = "loginhistory_query"
    """A ``LoginHistory`` SOQL export (API field names: ``LoginTime``)."""
    ELF = "elf_login"
    """An Event Log File ``Login`` CSV (``LOGIN_STATUS`` codes)."""

    @property
    def label(self) -> str:
        """How the kind is named to people."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    Kind.SETUP: "Setup > Login History download",
    Kind.QUERY: "LoginHistory query export",
    Kind.ELF: "Event Log File (Login)",
}

# Roles and the normalised header names that fill them, best first.
ROLES: dict[str, tuple[str, ...]] = {
    "user": ("username", "user", "loginname", "userid", "useridderived"),
    "source_ip": ("sourceip", "clientip", "sourceipaddress", "ipaddress", "ip"),
    "time": (
        "logintime",
        "timestampderived",
        "eventdate",
        "timestamp",
        "createddate",
        "logindate",
        "datetime",
        "time",
        "date",
    ),
    "application": (
        "application",
        "connectedapp",
        "connectedappname",
        "appname",
        "clientname",
        "apitype",
        "logintype",
    ),
}
STATUS_NAMES = ("loginstatus", "status")
"""What a status column may be called (normalised): ``LOGIN_STATUS`` (ELF), ``Status``."""
EXPECTED = (
    "Status (Setup > Login History download, LoginHistory query) "
    "or LOGIN_STATUS (Event Log File Login)"
)

SUCCESS = "success"
"""The cause slot of a successful login (``Success``, ``LOGIN_NO_ERROR``)."""
_SUCCESS_STATUSES = frozenset({"success", "succeeded", "login_no_error"})
_API_CODE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_NON_ALNUM = re.compile(r"[^a-z0-9]")
_MAX_HEADER_SEARCH = 10
"""Non-blank lines searched for the header (report exports put a title above it)."""
MAX_LINE = 1 << 20
"""Characters in one line of an export (1 MiB). A longer line is no login row: it is read
no further than this into memory, then passed over (a one-line gzip bomb stays flat)."""


def normalize_header(name: str) -> str:
    """``API Type``, ``ApiType``, ``API_TYPE``, ``LoginHistory.ApiType`` -> ``apitype``."""
    name = name.strip().strip("\ufeff\"' ").rsplit(".", 1)[-1]
    return _NON_ALNUM.sub("", name.lower())


class Layout(NamedTuple):
    """Where each role sits in the rows of one file."""

    kind: Kind
    header: tuple[str, ...]
    status: int
    columns: dict[str, int]
    """role -> column index, for the roles the header has (``user``, ``source_ip``, ...)."""
    delimiter: str
    header_line: int
    """1-based line of the header (2 or more when a title or ``sep=`` line came first)."""

    def name(self, role: str) -> str | None:
        """The header text of ``role``'s column, or None when the file has none."""
        if role == "status":
            return self.header[self.status]
        i = self.columns.get(role)
        return None if i is None else self.header[i]


def layout_of(header: list[str], delimiter: str = ",", header_line: int = 1) -> Layout | None:
    """The layout of a header row, or None when it has no status column."""
    norm = [normalize_header(h) for h in header]
    index: dict[str, int] = {}
    for i, n in enumerate(norm):
        index.setdefault(n, i)
    status = next((index[n] for n in STATUS_NAMES if n in index), None)
    if status is None:
        return None
    if norm[status] == "loginstatus":
        kind = Kind.ELF
    else:
        # The Setup download labels its columns for people ("Login Time"); a query export
        # uses API names ("LoginTime", or "LOGINTIME" from Data Loader).
        spaced = any(" " in h.strip() for h in header)
        kind = Kind.SETUP if spaced else Kind.QUERY
    columns: dict[str, int] = {}
    for role, names in ROLES.items():
        for n in names:
            if n in index and index[n] != status:
                columns[role] = index[n]
                break
    return Layout(
        kind,
        tuple(h.strip().lstrip("\ufeff") for h in header),
        status,
        columns,
        delimiter,
        header_line,
    )


# --- opening and decoding ---------------------------------------------------------------

_FALLBACK = "sfdoctor-cp1252"


class _Decoding:
    """Counts bytes that were not UTF-8 (decoded as Windows-1252 instead)."""

    fallbacks = 0


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    # NOTE: called only for bytes that are not valid UTF-8, so a UTF-8 file pays nothing.
    # Excel on Windows saves "CSV" in the ANSI code page: Windows-1252 for Western Europe.
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    _Decoding.fallbacks += 1
    try:
        return bad.decode("cp1252"), exc.end
    except UnicodeDecodeError:
        return bad.decode("latin-1"), exc.end


codecs.register_error(_FALLBACK, _cp1252_fallback)


class Source(NamedTuple):
    """An opened export."""

    name: str
    text: TextIO
    size: int | None
    """Bytes in the file (compressed bytes for gzip), when known (not for standard input)."""
    compressed: bool
    encoding: str


class _Counted(io.RawIOBase):
    """Passes reads through, telling ``on_read`` how many bytes have been read so far.

    Called once per buffer refill (64 KiB), not per row: progress costs the hot loop nothing.
    """

    def __init__(self, raw: IO[bytes], on_read: Callable[[int], None]) -> None:
        self._raw = raw
        self._on_read = on_read
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        if n:
            self.position += n
            self._on_read(self.position)
        return n or 0

    def close(self) -> None:
        self._raw.close()
        super().close()


def bomless_utf16(head: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``head`` is UTF-16 text without a byte-order mark
    (how some tools save "Unicode Text"), else None.

    Told by the NUL bytes: a CSV header is ASCII, and ASCII in UTF-16 has a NUL in every
    other byte (the odd ones little-endian, the even ones big-endian) and nowhere else.
    """
    n = len(head) // 2 * 2
    if n < 8:
        return None
    half = n // 2
    even, odd = head[0:n:2].count(0), head[1:n:2].count(0)
    # NOTE: non-ASCII characters (é is E9 00, 中 is 2D 4E) leave fewer NULs; a few in the
    # other position are U+0100, U+4E00 ... . Binary data has NULs in both.
    if odd >= half * 0.6 and even <= half // 50:
        return "utf-16-le"
    if even >= half * 0.6 and odd <= half // 50:
        return "utf-16-be"
    return None


def _sniff(head: bytes, name: str) -> None:
    """Refuse what is plainly not a CSV file, saying what it is."""
    if head.startswith(b"PK\x03\x04"):
        raise InputError(
            f"{name} is a ZIP archive or an Excel workbook, not a CSV file",
            hint="unzip it, or open it in Excel and save it as CSV (Comma delimited)",
        )
    if head.startswith(b"%PDF"):
        raise InputError(f"{name} is a PDF document, not a CSV file")
    if head.startswith((b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff")):
        raise InputError(
            f"{name} is a binary file (an old Excel workbook or an image), not a CSV file",
            hint="export Login History as CSV: Setup > Login History > Download",
        )
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name} is a binary file, not a CSV file")


def open_source(
    path: str,
    stdin: IO[str] | None = None,
    on_read: Callable[[int], None] | None = None,
) -> Source:
    """Open ``path`` (``-`` for standard input), gzip or not, decoding UTF-8 (with or without
    a BOM), UTF-16 (Excel's "Unicode Text"; with a byte-order mark or without one), or
    Windows-1252 / Latin-1 where bytes are not UTF-8. ``on_read(bytes_so_far)`` is called as
    the file is read (for a progress bar).

    The source's ``name`` is for people: unprintable characters in ``path`` are escaped."""
    if path == "-":
        import sys

        stream = stdin if stdin is not None else sys.stdin
        name = "standard input"
        buffer = getattr(stream, "buffer", None)
        if buffer is None:  # a text stream without bytes underneath (tests, embedding)
            return Source(name, cast(TextIO, stream), None, False, "text")
        # NOTE: Any: a bytes stream from stdin, a file, a counting wrapper or a GzipFile,
        # each with the peek() the sniffing below needs.
        raw: Any = buffer
        size = None
    else:
        import os

        from sfdoctor.output.console import printable

        name = printable(path)
        try:
            raw = open(path, "rb")  # noqa: SIM115 - closed by the caller via Source.text
            size = os.fstat(raw.fileno()).st_size
        except IsADirectoryError:
            raise InputError(f"{name} is a directory, not a CSV file") from None
        except FileNotFoundError:
            raise InputError(f"{name}: no such file") from None
        except OSError as exc:
            raise InputError(f"cannot read {name}: {exc.strerror or exc}") from None
    if on_read is not None:
        raw = io.BufferedReader(_Counted(raw, on_read), buffer_size=1 << 16)
    elif not hasattr(raw, "peek"):
        raw = io.BufferedReader(raw)
    try:
        head = raw.peek(4096)[:4096]
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror or exc}") from None
    compressed = head.startswith(b"\x1f\x8b")
    if compressed:
        import gzip

        raw = gzip.GzipFile(fileobj=raw, mode="rb")
        try:
            head = raw.peek(4096)[:4096]
        except (OSError, EOFError) as exc:
            raise InputError(f"{name} is not a valid gzip file: {exc}") from None
    bom = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    bomless = None if bom else bomless_utf16(head)
    if bomless is None:
        _sniff(head, name)
    if bom:
        encoding, errors = "utf-16", "replace"
    elif bomless is not None:
        encoding, errors = bomless, "replace"
    else:
        encoding, errors = "utf-8-sig", _FALLBACK
    _Decoding.fallbacks = 0
    text = io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="")
    return Source(name, text, size, compressed, encoding)


def decoding_fallbacks() -> int:
    """How many undecodable byte runs the current input had (decoded as Windows-1252)."""
    return _Decoding.fallbacks


# --- the header -------------------------------------------------------------------------

_DELIMITERS = (",", ";", "\t", "|")


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def read_header(text: TextIO, name: str) -> Layout:
    """Read up to the header line and return the file's layout; InputError if there is none.

    Lines above the header (a report title, Excel's ``sep=;``) are passed over; the error
    for a file without a status column lists the columns it does have.
    """
    first: list[str] | None = None
    first_text = ""
    delimiter: str | None = None
    line_no = 0
    seen = 0
    while seen < _MAX_HEADER_SEARCH:
        line = text.readline(MAX_LINE)
        if not line:
            break
        line_no += 1
        if len(line) >= MAX_LINE and line[-1] not in "\r\n":
            raise InputError(
                f"{name}: line {line_no} is longer than {MAX_LINE:,} characters: "
                "not a Login History export",
                hint="give the export itself: Setup > Login History > Download",
            )
        stripped = line.strip().lstrip("\ufeff")
        if not stripped:
            continue
        seen += 1
        if stripped.lower().startswith("sep=") and len(stripped) <= 6:
            delimiter = stripped[4:5] or ","
            continue
        candidates = (delimiter,) if delimiter else _DELIMITERS
        best: list[str] = []
        for d in candidates:
            cells = _split(line, d)
            layout = layout_of(cells, d, line_no)
            if layout is not None and (
                len(cells) > 1 or normalize_header(cells[0]) in STATUS_NAMES
            ):
                return layout
            if len(cells) > len(best):
                best = cells
        if first is None:
            first, first_text = best, stripped
    if first is None:
        raise InputError(
            f"{name} is empty", hint="export Login History: Setup > Login History > Download"
        )
    head = first_text[:1]
    if head in "{[":
        raise InputError(
            f"{name} looks like JSON, not a CSV file",
            hint="export the rows as CSV (sf data query --result-format csv)",
        )
    if head == "<":
        raise InputError(
            f"{name} looks like HTML or XML, not a CSV file",
            hint="a login page saved instead of the export? "
            "Download it again from Setup > Login History",
        )
    found = ", ".join(repr(c.strip()[:40]) for c in first[:20]) + (
        " ..." if len(first) > 20 else ""
    )
    norm = {normalize_header(c) for c in first}
    if "eventtype" in norm:
        raise InputError(
            f"{name} is an Event Log File without a LOGIN_STATUS column (another event type?); "
            f"found columns: {found}",
            hint="triage reads Login event log files: EventLogFile where EventType = 'Login'",
        )
    raise InputError(
        f"{name}: no login status column; found columns: {found}; expected {EXPECTED}",
        hint="give the Login History export itself: Setup > Login History > Download, "
        "or an Event Log File of type Login",
    )


# --- statuses ---------------------------------------------------------------------------


def status_cause(status: str, kb: KnowledgeBase) -> tuple[str | None, str]:
    """The cause id and confidence of one Login History status or ELF ``LOGIN_STATUS`` code.

    The cause is :data:`SUCCESS` for a successful login, None when the knowledge base does
    not know the status. Classified by the same classifier as ``explain``: an API code as an
    Event Log File code (then as any API code: ``LOGIN_CHALLENGE_ISSUED`` is a SOAP code
    too), anything else as a Login History status.
    """
    s = status.strip()
    if s.lower() in _SUCCESS_STATUSES:
        return SUCCESS, "high"
    if not s:
        return None, ""
    if _API_CODE.fullmatch(s):
        matches = classify([Clue(Family.ELF, s, "", None, "LOGIN_STATUS")], kb) or classify(
            [Clue(Family.FAULT, s, "", None, "LOGIN_STATUS")], kb
        )
    else:
        matches = classify([Clue(Family.LOGIN_HISTORY, None, s, None, "Status")], kb)
    if not matches:
        return None, ""
    return matches[0].cause, str(matches[0].confidence)


# --- time -------------------------------------------------------------------------------


def is_iso(value: str) -> bool:
    """True for ``2024-11-03T14:22:05.000Z`` and ``2024-11-03 14:22:05`` (sortable as text)."""
    return len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-" and value[:4].isdigit()


class Clock:
    """Turns the export's timestamps into sortable keys ``YYYY-MM-DDTHH:MM[:SS]``.

    ISO timestamps are their own keys (callers skip the clock for them). Others are read by
    shape, with a cache per date: ``11/3/2024 2:22:05 PM`` (the Setup download in a US
    locale), ``03/11/2024 14:22``, ``03.11.2024 14:22:05``, ``20241103142205.123`` (ELF
    ``TIMESTAMP``). Whether ``03/11`` is 3 November or 11 March is learnt from the data: a
    first number above 12 means day first, a second above 12 month first; until then month
    first is assumed, and if the data later says otherwise every key handed out so far is
    ambiguous (both numbers at most 12), so :attr:`on_flip` is called to swap month and day
    in the keys already stored.
    """

    def __init__(self) -> None:
        self._dates: dict[str, str] = {}
        self._hours: dict[str, str] = {}
        self._ambiguous = False
        self.day_first: bool | None = None
        """True: day first; False: month first; None: not yet known (month first assumed)."""
        self.on_flip: Callable[[Callable[[str], str]], None] | None = None

    @staticmethod
    def swap(key: str) -> str:
        """``YYYY-AA-BB...`` -> ``YYYY-BB-AA...`` (month and day exchanged)."""
        if len(key) < 10 or key[4] != "-":
            return key
        return key[:5] + key[8:10] + "-" + key[5:7] + key[10:]

    def __call__(self, value: str) -> str:
        """The sortable key of ``value``; ``""`` when it is not a time sfdoctor can read."""
        # NOTE: the hot path: one dict lookup per row, keyed by what decides the hour (the
        # date, the hour as written, the AM/PM mark); minutes and seconds are copied as
        # they are. Everything else is worked out once per hour, in _slow.
        colon = value.find(":")
        if colon > 0:
            end = value.find(" ", colon)
            if end < 0:
                prefix = self._hours.get(value[:colon])
                if prefix is not None:
                    return prefix + value[colon:]
            else:
                prefix = self._hours.get(value[:colon] + value[end : end + 2])
                if prefix is not None:
                    return prefix + value[colon:end]
        return self._slow(value)

    def _slow(self, value: str) -> str:
        if is_iso(value):
            return value
        date, _, rest = value.strip().partition(" ")
        if len(date) >= 8 and date[:8].isdigit():  # ELF TIMESTAMP: 20241103142205.123
            return self._compact(date)
        day = self._dates.get(date) or self._date(date)
        if not day:
            return ""
        colon = value.find(":")
        h = rest.partition(":")[0].strip()
        if colon < 0 or not h.isdigit():
            return day + "T00:00"
        end = value.find(" ", colon)
        mark = value[end + 1 : end + 2] if end >= 0 else ""
        prefix = f"{day}T{_H12.get(h + mark) or _H24.get(h, h)}"
        if end < 0:
            self._hours[value[:colon]] = prefix
            return prefix + value[colon:]
        self._hours[value[:colon] + value[end : end + 2]] = prefix
        return prefix + value[colon:end]

    @staticmethod
    def _compact(value: str) -> str:
        v = value
        return f"{v[:4]}-{v[4:6]}-{v[6:8]}T{v[8:10] or '00'}:{v[10:12] or '00'}:{v[12:14] or '00'}"

    def _date(self, token: str) -> str:
        parts = re.split(r"[/.\-]", token.rstrip(","))
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            return ""
        a, b, c = (int(p) for p in parts)
        if len(parts[0]) == 4:
            year, month, day = a, b, c
        else:
            year = c + 2000 if c < 100 else c
            if "." in token:  # 03.11.2024: day first wherever dots are used
                day, month = a, b
            else:
                if self.day_first is None:
                    if a > 12:
                        self._decide(True)
                    elif b > 12:
                        self._decide(False)
                    else:
                        self._ambiguous = True
                day, month = (a, b) if self.day_first else (b, a)
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return ""
        iso = f"{year:04d}-{month:02d}-{day:02d}"
        self._dates[token] = iso
        return iso

    def _decide(self, day_first: bool) -> None:
        self.day_first = day_first
        if day_first and self._ambiguous:
            # Every day-month date read so far was ambiguous, and read month first.
            self._dates.clear()
            self._hours.clear()
            if self.on_flip is not None:
                self.on_flip(self.swap)


# Hours as written -> two-digit 24-hour hours: "7" -> "07"; "7P" (7 PM) -> "19"; "12A" -> "00".
_H24 = {str(h): f"{h:02d}" for h in range(10)}
_H12 = {
    f"{h}{m}": f"{(h % 12) + (12 if m in 'Pp' else 0):02d}" for h in range(1, 13) for m in "AaPp"
}
_H12.update({f"0{h}{m}": v for h in range(1, 10) for m in "AaPp" for v in [_H12[f"{h}{m}"]]})


def rows(
    text: TextIO, layout: Layout, on_long: Callable[[], None] | None = None
) -> Iterator[list[str]]:
    """The data rows after the header (a ``csv.reader``; Excel quoting included).

    A line longer than :data:`MAX_LINE` is passed over, never held whole: ``on_long`` is
    called for each (the caller counts it as a skipped row).
    """
    return csv.reader(_lines(text, on_long), delimiter=layout.delimiter)


def _lines(text: TextIO, on_long: Callable[[], None] | None) -> Iterator[str]:
    """The lines of ``text``, each read at most :data:`MAX_LINE` characters at a time."""
    # NOTE: iterating a text file reads a whole line, however long, into memory; readline
    # with a limit does not. This generator is in the hot loop: one call and one length
    # test per line.
    readline = text.readline
    limit = MAX_LINE
    while True:
        line = readline(limit)
        if len(line) < limit:
            if not line:
                return
            yield line
        elif line[-1] in "\r\n":
            yield line
        else:
            while True:  # the rest of the line, a piece at a time, thrown away
                rest = readline(limit)
                if len(rest) < limit or rest[-1] in "\r\n":
                    break
            if on_long is not None:
                on_long()
