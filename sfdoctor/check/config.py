"""Settings for ``check``: from flags, an env file, the environment or a prompt, with provenance.

Secrets never come from flags (shell history, process lists). Precedence, highest first:
a flag, the ``--env-file`` given on this command line, the environment (``SF_*`` names,
then the ``SALESFORCE_*`` names restforce users already have), an interactive prompt, a
default. Each value remembers where it came from, so the report can show it — masked.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from typing import NamedTuple

from sfdoctor.models import Secret
from sfdoctor.status import UsageError

PRODUCTION_URL = "https://login.salesforce.com"
SANDBOX_URL = "https://test.salesforce.com"


class Setting(NamedTuple):
    """One value and where it came from: flag, env, env-file, prompt or default."""

    value: str | Secret | None
    source: str
    origin: str = ""
    """The variable name or file it was read from."""

    @property
    def text(self) -> str:
        """The value as a plain string ('' if unset); secrets revealed: for lint only."""
        if isinstance(self.value, Secret):
            return self.value.reveal()
        return self.value or ""


# (setting, secret?, variable names in order of preference)
FIELDS: tuple[tuple[str, bool, tuple[str, ...]], ...] = (
    ("login_url", False, ("SF_LOGIN_URL", "SALESFORCE_LOGIN_URL", "SALESFORCE_HOST")),
    ("username", False, ("SF_USERNAME", "SALESFORCE_USERNAME")),
    ("password", True, ("SF_PASSWORD", "SALESFORCE_PASSWORD")),
    ("security_token", True, ("SF_SECURITY_TOKEN", "SALESFORCE_SECURITY_TOKEN")),
    ("client_id", False, ("SF_CLIENT_ID", "SALESFORCE_CLIENT_ID")),
    ("client_secret", True, ("SF_CLIENT_SECRET", "SALESFORCE_CLIENT_SECRET")),
    # A path: not secret itself. The key it names is, and never leaves the probe that signs.
    ("jwt_key_file", False, ("SF_JWT_KEY_FILE",)),
)
SECRET_FIELDS = frozenset(name for name, secret, _ in FIELDS if secret)
REQUIRED = ("username", "password", "client_id", "client_secret")
"""What the username-password flow needs (the default flow)."""
REQUIRED_BY_FLOW: dict[str, tuple[str, ...]] = {
    "password": REQUIRED,
    "soap": ("username", "password"),
    "jwt": ("client_id", "username", "jwt_key_file"),
    "client-credentials": ("client_id", "client_secret"),
}
"""The settings each ``--flow`` cannot do without (keys are :class:`~sfdoctor.models.Flow`
values; the security token is never required: trusted networks need none)."""


def _prompted(flow: str) -> tuple[str, ...]:
    """What a terminal is asked for, in order: what ``flow`` requires and, for the password
    flows, the security token right after the password (never required: Enter for none)."""
    required = REQUIRED_BY_FLOW[flow]
    if "password" not in required:
        return required
    at = required.index("password") + 1
    return (*required[:at], "security_token", *required[at:])


class Settings(NamedTuple):
    """Every setting ``check`` needs, each with its provenance."""

    login_url: Setting
    username: Setting
    password: Setting
    security_token: Setting
    client_id: Setting
    client_secret: Setting
    jwt_key_file: Setting

    def secrets(self) -> list[str]:
        """The secret values, for the redactor (password+token too: that is what is sent)."""
        values = [getattr(self, name).text for name in SECRET_FIELDS]
        if self.password.text and self.security_token.text:
            values.append(self.password.text + self.security_token.text)
        return [v for v in values if v]


_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*?)\s*$")


MAX_ENV_FILE = 1024 * 1024
"""Bytes of an ``--env-file`` read at most: ``/dev/zero`` is not an env file."""
MAX_KEY_FILE = 64 * 1024
"""Bytes of a private key file read at most (an RSA 4096 PEM key is about 3.3 KB)."""


class FileProblem(ValueError):
    """A file that cannot be read as asked: the message says why, never what it holds."""


def read_small_file(path: str, limit: int, *, regular_only: bool = True) -> bytes:
    """The bytes of the file at ``path``, at most ``limit`` of them, else :class:`FileProblem`.

    ``regular_only`` refuses anything but a regular file (a FIFO, a device such as
    ``/dev/zero``, a directory, a socket) without blocking on it; otherwise pipes are read
    too (``--env-file <(op inject ...)``), still never beyond ``limit``.
    """
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) if regular_only else os.O_RDONLY
    try:
        # NOTE: opened with O_NONBLOCK, a FIFO with no writer does not block the open; the
        # file type is then read from the open descriptor, so it cannot change in between.
        fd = os.open(os.path.expanduser(path), flags | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise FileProblem(f"no such file: {path}") from None
    except IsADirectoryError:
        raise FileProblem(f"{path} is a directory, not a file") from None
    except OSError as exc:
        raise FileProblem(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    mode = os.fstat(fd).st_mode
    if stat.S_ISDIR(mode) or (regular_only and not stat.S_ISREG(mode)):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise FileProblem(f"{path} is a directory, not a file")
        raise FileProblem(
            f"{path} is not a regular file (a pipe, a device or a socket); give the path of "
            "the file itself"
        )
    with os.fdopen(fd, "rb") as f:
        try:
            data = f.read(limit + 1)
        except OSError as exc:
            raise FileProblem(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    if len(data) > limit:
        raise FileProblem(f"{path} is larger than {limit // 1024} KiB: not the file expected")
    return data


def parse_env_file(path: str) -> dict[str, str]:
    """Read ``KEY=VALUE`` lines (``export``, quotes and ``#`` comments allowed).

    Raises :class:`UsageError` (exit 2) when the file cannot be read; the message never
    quotes the file's content.
    """
    if not os.path.exists(os.path.expanduser(path)):
        raise UsageError(f"env file not found: {path}")
    try:
        text = read_small_file(path, MAX_ENV_FILE, regular_only=False).decode("utf-8-sig")
    except FileProblem as exc:
        raise UsageError(f"cannot read env file: {exc}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"cannot read env file {path}: {type(exc).__name__}") from None
    values: dict[str, str] = {}
    # NOTE: lines end at \n, \r\n or \r, as shells and dotenv read them; str.splitlines
    # would also cut a value at a form feed or U+2028, which a password may hold.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _ENV_LINE.match(line)
        if not m:
            raise UsageError(f"{path}:{number}: expected KEY=VALUE")
        key, raw = m.groups()
        values[key] = _env_value(raw, f"{path}:{number}")
    return values


def _env_value(raw: str, where: str) -> str:
    """One env-file value as dotenv and shells read it: a quoted value is what lies between
    its quotes, whatever comment follows (``"pa ss"  # CI``); an unquoted one ends before a
    `` #`` comment. Nothing inside quotes is unescaped: a password keeps its backslashes.

    NOTE: a value whose quote never closes, or with text after its closing quote, is refused
    rather than guessed at: a wrong guess sends a password Salesforce refuses, and every
    refusal counts toward the user's lockout. The message never quotes the value.
    """
    value = raw.lstrip(" \t")
    if value[:1] == "#" and len(value) < len(raw):
        return ""  # KEY=   # a comment: the value is empty (KEY=#x is the value #x)
    raw = value
    if raw[:1] in ('"', "'"):
        quote = raw[0]
        end = raw.find(quote, 1)
        while end != -1:
            after = end + 1
            while after < len(raw) and raw[after] in " \t":
                after += 1  # each run of blanks is scanned once: linear in the line
            if after == len(raw) or (after > end + 1 and raw[after] == "#"):
                return raw[1:end]
            end = raw.find(quote, end + 1)
        raise UsageError(
            f"{where}: the value's opening {quote} has no closing {quote} before the end of "
            "the line or a # comment (quote a value that starts with one quote in the other)"
        )
    for mark in (" #", "\t#"):
        if mark in raw:
            raw = raw.split(mark, 1)[0]
    return raw.rstrip()


_HOST_START = re.compile(r"[A-Za-z0-9\[]")


def login_url_text(raw: str) -> str:
    """A login URL as given (a flag, ``SF_LOGIN_URL``, restforce's ``SALESFORCE_HOST``...),
    read the same way wherever it comes from: surrounding whitespace trimmed, and a bare
    host (``login.salesforce.com``, ``acme.my.salesforce.com``) made ``https://`` + host.

    NOTE: nothing is judged here: the result goes through the strict checks of
    :func:`sfdoctor.hosts.parse_url` like any URL (``https://`` is put in front first, so a
    host that is not a plain host name, or carries ``user@``, is refused there).
    """
    text = raw.strip()
    if text and "://" not in text and _HOST_START.match(text):
        return f"https://{text}"
    return text


def load_settings(
    *,
    login_url_flag: str | None = None,
    sandbox: bool = False,
    env_file: str | None = None,
    environ: Mapping[str, str] | None = None,
    prompt: Callable[[str, bool], str] | None = None,
    flow: str = "password",
) -> Settings:
    """Gather the settings. ``prompt(label, secret)`` is called for the missing values
    ``flow`` requires, when given (the CLI passes one only when standard input is a
    terminal)."""
    environ = os.environ if environ is None else environ
    file_values = parse_env_file(env_file) if env_file else {}
    found: dict[str, Setting] = {}
    for name, secret, variables in FIELDS:
        setting = Setting(None, "unset")
        for source, mapping in (("env-file", file_values), ("env", environ)):
            var = next((v for v in variables if mapping.get(v)), None)
            if var is not None:
                raw = mapping[var]
                if name == "login_url":
                    raw = login_url_text(raw)
                origin = f"{var} in {env_file}" if source == "env-file" else var
                setting = Setting(Secret(raw) if secret else raw, source, origin)
                break
        found[name] = setting
    if login_url_flag:
        found["login_url"] = Setting(login_url_text(login_url_flag), "flag", "--login-url")
    elif sandbox:
        found["login_url"] = Setting(SANDBOX_URL, "flag", "--sandbox")
    elif found["login_url"].value is None:
        found["login_url"] = Setting(PRODUCTION_URL, "default")
    if prompt is not None:
        for name in _prompted(str(flow)):
            if found[name].value is not None:
                continue
            if name == "security_token" and found["password"].source != "prompt":
                continue  # a password from the environment or a file: its token is there too
            secret = name in SECRET_FIELDS
            label = name.replace("_", " ")
            if name == "security_token":
                label += " (Enter for none: a trusted network needs none)"
            answer = prompt(label, secret)
            if answer:
                found[name] = Setting(Secret(answer) if secret else answer, "prompt")
    for name, setting in found.items():
        _require_text(name, setting)
    return Settings(**found)


def _require_text(name: str, setting: Setting) -> None:
    """Raise :class:`UsageError` (exit 2) for a value that is not text.

    NOTE: Python reads environment bytes that are not UTF-8 as lone surrogates
    (``surrogateescape``); such a value cannot be sent (nor printed) and would end the run
    in a traceback halfway. The message names the variable and the position, never the
    value.
    """
    text = setting.text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        where = setting.origin or setting.source
        raise UsageError(
            f"{where} ({name.replace('_', ' ')}) is not valid UTF-8 text (an undecodable "
            f"byte at character {exc.start + 1})",
            hint="set it again from a UTF-8 source, e.g. export it from a UTF-8 terminal or "
            "file; check the locale (LANG, LC_ALL) the variable was written with",
        ) from None


def terminal_prompt(label: str, secret: bool) -> str:
    """Ask on the terminal; secrets without echo."""
    if secret:
        import getpass

        return getpass.getpass(f"{label}: ")
    print(f"{label}: ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().rstrip("\n")


def mask(value: str | Secret | None) -> str:
    """How a value is shown in reports: secrets as ``****`` plus their length."""
    if value is None:
        return "(not set)"
    if isinstance(value, Secret):
        n = len(value.reveal())
        return f"**** ({n} characters)"
    return value
