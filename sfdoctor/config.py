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

from sfdoctor.errors import UsageError

PRODUCTION_URL = "https://login.salesforce.com"
SANDBOX_URL = "https://test.salesforce.com"


class Secret:
    """A secret value that never prints: ``str()``, ``repr()`` and f-strings show ``****``.

    Only the probes call :meth:`reveal`, to put the value on the wire.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The real value. Call it only where the value is sent."""
        return self._value

    def __str__(self) -> str:
        return "****"

    __repr__ = __str__

    def __format__(self, spec: str) -> str:
        return "****"

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> None:  # type: ignore[override]
        raise TypeError("a Secret cannot be pickled")


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


_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


def parse_env_file(path: str) -> dict[str, str]:
    """Read ``KEY=VALUE`` lines (``export``, quotes and ``#`` comments allowed).

    Raises :class:`UsageError` (exit 2) when the file cannot be read; the message never
    quotes the file's content.
    """
    try:
        with open(path, encoding="utf-8-sig") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        raise UsageError(f"env file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read env file {path}: {type(exc).__name__}") from None
    values: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _ENV_LINE.match(line)
        if not m:
            raise UsageError(f"{path}:{number}: expected KEY=VALUE")
        key, raw = m.groups()
        if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
            raw = raw[1:-1]
        elif " #" in raw:
            raw = raw.split(" #", 1)[0].rstrip()
        values[key] = raw
    return values


def _login_url_from(name: str, raw: str) -> str:
    # restforce's SALESFORCE_HOST is a host name, not a URL.
    if name == "SALESFORCE_HOST" and "://" not in raw:
        return f"https://{raw}"
    return raw


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
                    raw = _login_url_from(var, raw)
                origin = f"{var} in {env_file}" if source == "env-file" else var
                setting = Setting(Secret(raw) if secret else raw, source, origin)
                break
        found[name] = setting
    if login_url_flag:
        found["login_url"] = Setting(login_url_flag, "flag", "--login-url")
    elif sandbox:
        found["login_url"] = Setting(SANDBOX_URL, "flag", "--sandbox")
    elif found["login_url"].value is None:
        found["login_url"] = Setting(PRODUCTION_URL, "default")
    if prompt is not None:
        for name in REQUIRED_BY_FLOW[str(flow)]:
            if found[name].value is None:
                secret = name in SECRET_FIELDS
                answer = prompt(name.replace("_", " "), secret)
                if answer:
                    found[name] = Setting(Secret(answer) if secret else answer, "prompt")
    return Settings(**found)


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
