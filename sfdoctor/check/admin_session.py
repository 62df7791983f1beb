"""Where the administrator's session for ``check --admin-org`` comes from (never required).

Two sources, a flag first:

- ``--admin-org ALIAS``: the Salesforce CLI's stored authorization, asked through ``sf``
  itself, never by reading or decrypting its files (``~/.sfdx``). ``sf org display --json
  --target-org ALIAS`` gives the instance URL and the username; ``sf org auth
  show-access-token --json --target-org ALIAS`` the token. Since CLI 2.136.8 ``org display``
  redacts the token to a truthy placeholder (``"[REDACTED] Use 'sf org auth
  show-access-token' to view"``: forcedotcom/cli#3560, salesforcecli/plugin-org#1673,
  SFDO-Tooling/CumulusCI#4009), which is never taken for a token; its value is used only
  when it carries a real one (a CLI older than ``show-access-token``).
- ``SF_ADMIN_ACCESS_TOKEN`` + ``SF_ADMIN_INSTANCE_URL`` from the ``--env-file`` or the
  environment: the token a :class:`~sfdoctor.models.Secret` like the other secrets.

``sf`` runs without a shell, stdin closed, output captured, within one total deadline for
both calls. A missing ``sf``, an unknown alias, an expired session or an instance URL the
token may not go to is a :class:`~sfdoctor.status.UsageError` (exit 2) in one line.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from sfdoctor.models import Input, Secret
from sfdoctor.probes.admin import AdminSession
from sfdoctor.status import UsageError

TOKEN_VAR = "SF_ADMIN_ACCESS_TOKEN"
URL_VAR = "SF_ADMIN_INSTANCE_URL"
SF_TIMEOUT = 60.0
"""Seconds both ``sf`` calls may take together (each starts Node.js and may refresh the
token first)."""
MAX_OUTPUT = 1024 * 1024
INSTALL = "https://developer.salesforce.com/tools/salesforcecli"

_ALIAS = re.compile(r"[A-Za-z0-9_.@+][A-Za-z0-9_.@+\-]{0,254}")
# A token is one printable word: ``00D...!AQ...`` or a JWT-format token. The placeholder has
# spaces and brackets.
_TOKEN = re.compile(r"[A-Za-z0-9!._~+/=\-]{20,4096}")
_VERSION = re.compile(r"[0-9]{1,3}\.[0-9]")


class SfAnswer(NamedTuple):
    """What one ``sf`` run printed and how it ended."""

    returncode: int
    stdout: str
    stderr: str


Runner = Callable[[Sequence[str], Mapping[str, str], float], SfAnswer]
"""Runs an argv with an environment within a number of seconds (tests pass their own)."""


def admin_session(
    *,
    alias: str | None,
    environ: Mapping[str, str],
    env_file: Mapping[str, str] | None = None,
    env_file_name: str = "",
    timeout: float = SF_TIMEOUT,
    run: Runner | None = None,
) -> AdminSession | None:
    """The administrator's session, or None when none was asked for.

    ``--admin-org`` (``alias``) wins over the variables; the ``--env-file`` values
    (``env_file``, read from ``env_file_name``) over the environment.
    """
    if alias is not None:
        return from_sf_cli(alias, environ=environ, timeout=timeout, run=run)
    for values, where in ((env_file or {}), f"in {env_file_name}"), (environ, "in the environment"):
        if values.get(TOKEN_VAR) or values.get(URL_VAR):
            return from_variables(values, where)
    return None


def from_variables(values: Mapping[str, str], where: str = "") -> AdminSession:
    """The session named by ``SF_ADMIN_ACCESS_TOKEN`` + ``SF_ADMIN_INSTANCE_URL``."""
    token = values.get(TOKEN_VAR, "").strip()
    url = values.get(URL_VAR, "").strip()
    if not token or not url:
        have, lack = (TOKEN_VAR, URL_VAR) if token else (URL_VAR, TOKEN_VAR)
        raise UsageError(f"{have} is set {where} but {lack} is not: the admin session needs both")
    if not looks_like_token(token):
        raise UsageError(
            f"{TOKEN_VAR} {where} is not an access token (one word of 20 or more characters)"
        )
    return AdminSession(_instance_url(url, URL_VAR), Secret(token), "", f"{TOKEN_VAR} {where}")


def looks_like_token(value: Any) -> bool:
    """True for a real access token; False for the CLI's ``[REDACTED] ...`` placeholder,
    an empty value or anything that is not one printable word."""
    return isinstance(value, str) and _TOKEN.fullmatch(value) is not None


def from_sf_cli(
    alias: str,
    *,
    environ: Mapping[str, str],
    timeout: float = SF_TIMEOUT,
    run: Runner | None = None,
) -> AdminSession:
    """The session the Salesforce CLI holds for ``alias`` (an alias or a username)."""
    if _ALIAS.fullmatch(alias) is None:
        raise UsageError(f"--admin-org {alias[:60]!r} is not an alias or username the CLI knows")
    run = run or run_sf
    deadline = time.monotonic() + timeout
    env = dict(environ)
    # Plain JSON output, no update check mid-run; never SF_TEMP_SHOW_SECRETS.
    env.update({"NO_COLOR": "1", "FORCE_COLOR": "0", "SF_AUTOUPDATE_DISABLE": "true"})
    env.pop("SF_TEMP_SHOW_SECRETS", None)
    sf = _find_sf(environ)
    shown = _display(run, [sf, "org", "display", "--json", "--target-org", alias], env, deadline)
    result = _result(shown, "org display", alias)
    instance = result.get("instanceUrl")
    if not isinstance(instance, str) or not instance:
        raise UsageError(f"--admin-org {alias}: the Salesforce CLI gave no instance URL")
    status = result.get("connectedStatus")
    if isinstance(status, str) and status not in ("Connected", "Unknown") and status:
        raise UsageError(_expired(alias, status))
    argv = [sf, "org", "auth", "show-access-token", "--json", "--target-org", alias]
    answer = _display(run, argv, env, deadline)
    token = _result(answer, "org auth show-access-token", alias, soft=True).get("accessToken")
    if not looks_like_token(token):
        token = result.get("accessToken")  # a CLI older than show-access-token
    if not looks_like_token(token):
        raise UsageError(
            f"--admin-org {alias}: the Salesforce CLI gave no access token (it redacts it "
            "from 'sf org display' since 2.136.8, and 'sf org auth show-access-token' "
            "failed)",
            hint="update the CLI (sf update), or set SF_ADMIN_ACCESS_TOKEN and "
            "SF_ADMIN_INSTANCE_URL",
        )
    assert isinstance(token, str)
    version = result.get("apiVersion")
    return AdminSession(
        _instance_url(instance, f"--admin-org {alias}"),
        Secret(token),
        str(result.get("username") or "")[:255],
        f"sf org display --target-org {alias}",
        version if isinstance(version, str) and _VERSION.fullmatch(version) else None,
    )


def describe(session: AdminSession) -> Input:
    """The report's input line for the admin session (the token never shown)."""
    who = f"{session.username} at " if session.username else ""
    return Input("admin session", f"{who}{session.instance_url}", session.source, False)


def _find_sf(environ: Mapping[str, str]) -> str:
    import shutil

    found = shutil.which("sf", path=environ.get("PATH", os.defpath))
    if found is None:
        raise UsageError(
            "--admin-org needs the Salesforce CLI (sf), which is not on PATH",
            hint=f"install it ({INSTALL}), or set SF_ADMIN_ACCESS_TOKEN and SF_ADMIN_INSTANCE_URL",
        )
    return found


def _display(run: Runner, argv: list[str], env: Mapping[str, str], deadline: float) -> SfAnswer:
    left = deadline - time.monotonic()
    if left <= 0:
        raise UsageError(f"the Salesforce CLI did not answer in time ({' '.join(argv[1:4])})")
    return run(argv, env, left)


def _result(answer: SfAnswer, what: str, alias: str, *, soft: bool = False) -> dict[str, Any]:
    """The ``result`` object of ``sf ... --json``; a UsageError for the CLI's error (an
    empty dict when ``soft``: the caller has a fallback)."""
    try:
        data = json.loads(answer.stdout)
    except (ValueError, RecursionError):
        data = None
    result = data.get("result") if isinstance(data, dict) else None
    if isinstance(data, dict) and data.get("status") == 0 and isinstance(result, dict):
        return result
    if soft:
        return {}
    name = str(data.get("name") or "") if isinstance(data, dict) else ""
    message = _line(str(data.get("message") or "")) if isinstance(data, dict) else ""
    if "NamedOrgNotFound" in name or "NoAuthInfoFound" in name or "No authorization" in message:
        raise UsageError(
            f"--admin-org {alias}: the Salesforce CLI knows no org by that name",
            hint="'sf org list' shows the aliases; 'sf org login web --alias NAME' adds one",
        )
    if "RefreshToken" in name or "expired" in message.lower() or "INVALID_SESSION" in message:
        raise UsageError(_expired(alias, name or message))
    said = message or _line(answer.stderr) or f"exit status {answer.returncode}"
    raise UsageError(f"--admin-org {alias}: 'sf {what}' failed: {said}")


def _expired(alias: str, why: str) -> str:
    return (
        f"--admin-org {alias}: the Salesforce CLI's session has expired ({_line(why)}); log in "
        f"again with 'sf org login web --alias {alias}'"
    )


def _line(text: str) -> str:
    """One line of a CLI message, without control characters, cut to 160 characters."""
    text = " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", text).split())
    return text if len(text) <= 160 else text[:159] + "\u2026"


def _instance_url(url: str, where: str) -> str:
    """``url`` when the admin token may go there (a Salesforce host over HTTPS, or
    loopback: the same rule as credentials), without a trailing slash."""
    from sfdoctor.hosts import credential_url_problem, parse_url

    url = url.strip().rstrip("/")
    problem = credential_url_problem(url)
    if problem is not None:
        raise UsageError(f"{where}: the admin instance URL is refused: {problem}")
    target = parse_url(url)
    if target.path not in ("", "/"):
        raise UsageError(f"{where}: the admin instance URL must be an origin, not a path")
    return target.origin


def run_sf(argv: Sequence[str], env: Mapping[str, str], timeout: float) -> SfAnswer:
    """Run ``argv`` (no shell, stdin closed, output captured) within ``timeout`` seconds;
    the process and its children are killed when it runs over."""
    import signal

    posix = os.name == "posix"
    try:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env),
            shell=False,
            start_new_session=posix,  # its own process group: killed whole on timeout
        )
    except OSError as exc:
        raise UsageError(f"cannot run the Salesforce CLI: {exc.strerror or exc}") from None

    def stop() -> None:
        if posix:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
        proc.kill()
        try:
            proc.communicate(timeout=5)  # a child that left the group may hold the pipes
        except subprocess.TimeoutExpired:
            pass

    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop()
        raise UsageError(
            f"the Salesforce CLI did not answer within {timeout:.0f} s ({' '.join(argv[1:4])})"
        ) from None
    except BaseException:
        # NOTE: its own process group does not get the terminal's Ctrl-C: stop it here, or
        # the CLI and its children outlive the run.
        stop()
        raise
    decode = lambda b: b[:MAX_OUTPUT].decode("utf-8", errors="replace")  # noqa: E731
    return SfAnswer(proc.returncode, decode(out), decode(err))
