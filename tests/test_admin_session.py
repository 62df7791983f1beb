"""Where the admin session comes from: a stand-in ``sf`` on PATH, and the variables."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from sfdoctor.check.admin_session import (
    TOKEN_VAR,
    URL_VAR,
    admin_session,
    describe,
    from_sf_cli,
    looks_like_token,
)
from sfdoctor.status import UsageError

TOKEN = "00D8d000001SiMu!AQcanary.admin.token.from.show.access.token"
OLD_TOKEN = "00D8d000001SiMu!AQcanary.token.from.an.old.org.display"
PLACEHOLDER = "[REDACTED] Use 'sf org auth show-access-token' to view"
INSTANCE = "https://acme-corp.my.salesforce.com"

STANDIN = """#!{python}
import json, os, sys, time
config = json.load(open(os.environ["SF_STANDIN_CONFIG"]))
command = " ".join(a for a in sys.argv[1:4] if not a.startswith("-"))
with open(os.environ["SF_STANDIN_LOG"], "a") as log:
    log.write(json.dumps({{"argv": sys.argv[1:], "stdin": sys.stdin.read(),
        "show_secrets": os.environ.get("SF_TEMP_SHOW_SECRETS"),
        "no_color": os.environ.get("NO_COLOR")}}) + "\\n")
answer = config.get(command, {{"status": 1, "name": "CommandNotFound",
    "message": command + " is not a sf command."}})
time.sleep(config.get("sleep", 0))
print(json.dumps(answer))
sys.exit(0 if answer.get("status") == 0 else 1)
"""


def display(token: str = PLACEHOLDER, **extra: Any) -> dict[str, Any]:
    """``sf org display --json`` as CLI 2.136.8+ prints it (plugin-org display.ts)."""
    result = {
        "id": "00D8d000001SiMuEAK",
        "apiVersion": "64.0",
        "accessToken": token,
        "instanceUrl": INSTANCE,
        "username": "admin@acme-corp.example",
        "clientId": "PlatformCLI",
        "connectedStatus": "Connected",
        "alias": "acme",
        **extra,
    }
    return {"status": 0, "result": result, "warnings": []}


def show_token(token: str = TOKEN) -> dict[str, Any]:
    """``sf org auth show-access-token --json`` (plugin-org show-access-token.ts)."""
    return {
        "status": 0,
        "result": {"accessToken": token},
        "warnings": ["This command displays your access token..."],
    }


@pytest.fixture
def sf(tmp_path: Path):
    """Write a stand-in ``sf``; return (environ with it on PATH, configure, calls)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "sf"
    script.write_text(STANDIN.format(python=sys.executable), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    config = tmp_path / "config.json"
    log = tmp_path / "log.jsonl"
    environ = {
        "PATH": str(bin_dir),
        "SF_STANDIN_CONFIG": str(config),
        "SF_STANDIN_LOG": str(log),
        "SF_TEMP_SHOW_SECRETS": "true",  # must not reach sf
    }

    def configure(**commands: Any) -> None:
        named = {
            k.replace("_", " ").replace("show access token", "show-access-token"): v
            for k, v in commands.items()
        }
        config.write_text(json.dumps(named))

    def calls() -> list[dict[str, Any]]:
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text().splitlines()]

    return environ, configure, calls


pytestmark = pytest.mark.skipif(os.name != "posix", reason="the stand-in sf is a script")


def test_token_from_show_access_token_never_the_placeholder(sf) -> None:
    environ, configure, calls = sf
    configure(org_display=display(), org_auth_show_access_token=show_token())
    session = from_sf_cli("acme", environ=environ)
    assert session.access_token.reveal() == TOKEN
    assert session.instance_url == INSTANCE
    assert session.username == "admin@acme-corp.example"
    assert session.api_version == "64.0"
    assert TOKEN not in repr(session) and TOKEN not in str(describe(session))
    made = calls()
    assert [c["argv"] for c in made] == [
        ["org", "display", "--json", "--target-org", "acme"],
        ["org", "auth", "show-access-token", "--json", "--target-org", "acme"],
    ]
    assert all(c["stdin"] == "" and c["show_secrets"] is None for c in made)
    assert all(c["no_color"] == "1" for c in made)


def test_an_old_cli_gives_the_token_in_org_display(sf) -> None:
    environ, configure, _ = sf
    configure(org_display=display(OLD_TOKEN))  # no show-access-token: "not a sf command"
    assert from_sf_cli("acme", environ=environ).access_token.reveal() == OLD_TOKEN


def test_placeholder_and_no_show_access_token_is_a_usage_error(sf) -> None:
    environ, configure, _ = sf
    configure(org_display=display())
    with pytest.raises(UsageError) as caught:
        from_sf_cli("acme", environ=environ)
    assert "gave no access token" in str(caught.value)
    assert "sf update" in caught.value.hint


def test_unknown_alias(sf) -> None:
    environ, configure, _ = sf
    configure(
        org_display={
            "status": 1,
            "name": "NamedOrgNotFoundError",
            "message": "No authorization information found for nope.",
            "exitCode": 1,
        }
    )
    with pytest.raises(UsageError) as caught:
        from_sf_cli("nope", environ=environ)
    assert str(caught.value) == "--admin-org nope: the Salesforce CLI knows no org by that name"
    assert "sf org list" in caught.value.hint


def test_expired_session(sf) -> None:
    environ, configure, _ = sf
    configure(
        org_display=display(connectedStatus="RefreshTokenAuthError"),
        org_auth_show_access_token=show_token(),
    )
    with pytest.raises(UsageError) as caught:
        from_sf_cli("acme", environ=environ)
    message = str(caught.value)
    assert "expired" in message and "sf org login web --alias acme" in message
    assert "\n" not in message and TOKEN not in message


def test_expired_refresh_token_error(sf) -> None:
    environ, configure, _ = sf
    configure(
        org_display={
            "status": 1,
            "name": "RefreshTokenAuthError",
            "message": "Error authenticating with the refresh token due to: expired "
            "access/refresh token",
        }
    )
    with pytest.raises(UsageError, match="session has expired"):
        from_sf_cli("acme", environ=environ)


def test_missing_sf(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        from_sf_cli("acme", environ={"PATH": str(tmp_path)})
    assert "not on PATH" in str(caught.value)
    assert TOKEN_VAR in caught.value.hint


def test_sf_is_cut_off_at_the_deadline(sf) -> None:
    environ, configure, _ = sf
    configure(org_display=display(), sleep=30)
    began = time.monotonic()
    with pytest.raises(UsageError, match="did not answer"):
        from_sf_cli("acme", environ=environ, timeout=1.0)
    assert time.monotonic() - began < 10


def test_an_instance_the_token_may_not_go_to(sf) -> None:
    environ, configure, _ = sf
    configure(
        org_display=display(instanceUrl="https://evil.example"),
        org_auth_show_access_token=show_token(),
    )
    with pytest.raises(UsageError, match="not a Salesforce host"):
        from_sf_cli("acme", environ=environ)


@pytest.mark.parametrize("alias", ["-o", "--json", "a b", "a;rm -rf /", "x" * 300, ""])
def test_an_alias_that_is_no_alias_is_refused_before_running_sf(sf, alias: str) -> None:
    environ, configure, calls = sf
    configure(org_display=display(), org_auth_show_access_token=show_token())
    with pytest.raises(UsageError):
        from_sf_cli(alias, environ=environ)
    assert calls() == []


def test_variables() -> None:
    session = admin_session(
        alias=None,
        environ={TOKEN_VAR: "  " + TOKEN + "\n", URL_VAR: INSTANCE + "/"},
    )
    assert session is not None
    assert session.access_token.reveal() == TOKEN and session.instance_url == INSTANCE
    assert session.source == f"{TOKEN_VAR} in the environment"
    # the env file wins over the environment
    session = admin_session(
        alias=None,
        environ={TOKEN_VAR: "x" * 30, URL_VAR: "https://other.my.salesforce.com"},
        env_file={TOKEN_VAR: TOKEN, URL_VAR: INSTANCE},
        env_file_name="prod.env",
    )
    assert session is not None and session.source == f"{TOKEN_VAR} in prod.env"
    assert session.instance_url == INSTANCE
    assert admin_session(alias=None, environ={}) is None


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({TOKEN_VAR: TOKEN}, f"{TOKEN_VAR} is set"),
        ({URL_VAR: INSTANCE}, f"{URL_VAR} is set"),
        ({TOKEN_VAR: PLACEHOLDER, URL_VAR: INSTANCE}, "is not an access token"),
        ({TOKEN_VAR: TOKEN, URL_VAR: "http://acme.my.salesforce.com"}, "plain HTTP"),
        ({TOKEN_VAR: TOKEN, URL_VAR: "https://acme.lightning.force.com"}, "Lightning"),
        ({TOKEN_VAR: TOKEN, URL_VAR: "https://evil.example\\@login.salesforce.com"}, "refused"),
        ({TOKEN_VAR: TOKEN, URL_VAR: INSTANCE + "/services/data"}, "an origin"),
    ],
)
def test_variables_refused(values: dict[str, str], expected: str) -> None:
    with pytest.raises(UsageError) as caught:
        admin_session(alias=None, environ=values)
    assert expected in str(caught.value)
    assert TOKEN not in str(caught.value)


def test_the_placeholder_is_no_token() -> None:
    assert not looks_like_token(PLACEHOLDER)
    assert not looks_like_token("")
    assert not looks_like_token(None)
    assert looks_like_token(TOKEN)
    # a JWT-format access token is one too
    assert looks_like_token("eyJ0bmsiOiJjb3JlL3Byb2QifQ.eyJzY3AiOiJhcGkifQ.c2lnbmF0dXJl")


def test_the_flag_wins_over_the_variables(sf) -> None:
    environ, configure, _ = sf
    configure(org_display=display(), org_auth_show_access_token=show_token())
    environ = {**environ, TOKEN_VAR: "y" * 30, URL_VAR: "https://other.my.salesforce.com"}
    session = admin_session(alias="acme", environ=environ)
    assert session is not None and session.access_token.reveal() == TOKEN


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc")
def test_ctrl_c_while_the_cli_runs_stops_it_and_its_children(tmp_path) -> None:
    """The CLI runs in its own process group, which a terminal's Ctrl-C does not reach: it
    and its children once outlived an interrupted run."""
    import signal
    import time

    from sfdoctor.check.admin_session import run_sf

    pids = tmp_path / "pids"
    sf = tmp_path / "sf"
    sf.write_text(f"#!/bin/sh\nsleep 300 &\necho $$ $! > {pids}\nwait\n", encoding="utf-8")
    sf.chmod(0o755)

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(1)
    try:
        with pytest.raises(KeyboardInterrupt):
            run_sf([str(sf)], {"PATH": os.environ.get("PATH", "")}, timeout=60)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    time.sleep(0.2)
    for pid in map(int, pids.read_text().split()):
        try:  # gone, or dead and waiting for init to reap it
            state = open(f"/proc/{pid}/stat", encoding="ascii").read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            continue
        assert state == "Z", (pid, state)
