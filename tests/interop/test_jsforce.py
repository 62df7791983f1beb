"""jsforce 3 against the simulated org, where Node 18+ and jsforce are present: the password
and SOAP scenarios through ``conn.login()``, the JWT bearer and client credentials ones
through ``conn.authorize()``.

jsforce posts its logins chunked and logs in again on every 401, which is why the simulated
org reads chunked bodies and has a login rate limit. Nothing is installed here: without
``node`` 18 or later on the PATH and ``jsforce`` resolvable by it, the module is skipped.
``.ci/run`` installs jsforce 3.10.16 (the last release for Node 18-21) and points
``NODE_PATH`` at it; by hand: ``npm install --prefix .ci/node jsforce@3.10.16`` and
``NODE_PATH=.ci/node/node_modules python -m pytest tests/interop``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace

import pytest

import sfdoctor
from sfdoctor.simulator import SCENARIOS, serve
from sfdoctor.simulator.fakes import CONSUMER_KEY, CONSUMER_SECRET
from sfdoctor.simulator.org import Org
from tests.interop.clients import OAUTH, SOAP
from tests.interop.test_simple_salesforce import ROOT_CAUSE, WEAK_EXPLAIN, WORKS, named

MIN_NODE = 18


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip(
            "jsforce interop needs Node.js 18+: no `node` on the PATH", allow_module_level=True
        )
    out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10)
    major = int(out.stdout.strip().lstrip("v").split(".")[0] or 0)
    if major < MIN_NODE:
        pytest.skip(
            f"jsforce interop needs Node.js {MIN_NODE}+; this machine has {out.stdout.strip()}",
            allow_module_level=True,
        )
    found = subprocess.run(
        [node, "-e", "require.resolve('jsforce')"], capture_output=True, timeout=10
    )
    if found.returncode != 0:
        pytest.skip(
            "jsforce interop: `jsforce` is not installed for this node (see the module's "
            "docstring)",
            allow_module_level=True,
        )
    return node


NODE = _node()

# Logs in (SOAP login() without a client id, the OAuth password grant with one), queries
# once, and prints {"ok": true} or {"ok": false, "text": <the error as its user sees it>}.
SCRIPT = r"""
const jsforce = require('jsforce');
const [loginUrl, username, password, clientId, clientSecret] = process.argv.slice(1);
const options = { loginUrl, version: '59.0' };
if (clientId) options.oauth2 = { loginUrl, clientId, clientSecret };
const conn = new jsforce.Connection(options);
conn.login(username, password)
  .then(() => conn.query('SELECT Id, Name FROM Organization'))
  .then(() => console.log(JSON.stringify({ ok: true })))
  .catch((err) => console.log(JSON.stringify({ ok: false, text: String(err) })));
"""


# (scenario, path) pairs where jsforce logs in again on every 401 and never stops: the session
# is refused after each successful login (revoked at once; an expired password through the
# OAuth flow, whose token jsforce does not see as expired). Only Salesforce's login rate limit
# ends the loop, and what the user then reads is the rate limit, not its cause. Seen here with
# jsforce 3.10.16; jsforce#1411 reports the same loop against a real org.
RELOGIN_LOOP = {
    ("session-revoked", "soap"),
    ("session-revoked", "oauth"),
    ("password-expired", "oauth"),
    ("soap-password-expired", "oauth"),
}


def _cases(loop: bool = False) -> list[object]:
    cases: list[object] = []
    for name, scenario in SCENARIOS.items():
        if scenario.flow not in ("password", "soap"):
            continue
        for path, key in (("soap", SOAP), ("oauth", OAUTH)):
            if ((name, path) in RELOGIN_LOOP) != loop:
                continue
            reason = WEAK_EXPLAIN.get((name, key))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(name, path, marks=marks, id=f"{name}-{path}"))
    return cases


def _jsforce(org: Org, name: str, path: str) -> tuple[dict[str, object], list[str]]:
    """What jsforce prints for scenario ``name`` on ``path`` against ``org``, and the org's
    Login History statuses afterwards."""
    env = SCENARIOS[name].credentials
    password = env["SF_PASSWORD"] + env.get("SF_SECURITY_TOKEN", "")
    client = (
        [env.get("SF_CLIENT_ID", CONSUMER_KEY), env.get("SF_CLIENT_SECRET", CONSUMER_SECRET)]
        if path == "oauth"
        else []
    )
    with serve(org) as running:
        out = subprocess.run(
            [NODE, "-e", SCRIPT, running.url, env["SF_USERNAME"], password, *client],
            capture_output=True,
            text=True,
            timeout=60,
        )
        history = [row.status for row in running.org.login_history]
    return json.loads(out.stdout.strip().splitlines()[-1]), history


@pytest.mark.parametrize(("name", "path"), _cases())
def test_jsforce_sees_what_salesforce_would_say(name: str, path: str) -> None:
    seen, _ = _jsforce(SCENARIOS[name].org(), name, path)
    if (name, SOAP if path == "soap" else OAUTH) in WORKS:
        assert seen["ok"], seen
        return
    assert not seen["ok"]
    text = str(seen["text"])
    assert ROOT_CAUSE[name] in named(text), (text, sfdoctor.explain(text).cause)


@pytest.mark.parametrize(("name", "path"), _cases(loop=True))
def test_relogin_loop_ends_in_the_login_rate_limit(name: str, path: str) -> None:
    """With 3 logins an hour allowed, jsforce logs in 3 times, each session is refused, and
    the fourth login is refused for the rate: the user reads "login rate exceeded"."""
    seen, history = _jsforce(replace(SCENARIOS[name].org(), login_rate_limit=3), name, path)
    assert not seen["ok"]
    text = str(seen["text"])
    assert "Unable to refresh session" in text and "rate" in text.lower(), text
    assert history == ["Success"] * 3 + ["Login Rate Exceeded"]
    assert sfdoctor.explain(text).cause == "rate_limited"


# The flows without a password, as jsforce code runs them: `conn.authorize()` with the grant's
# parameters (jsforce signs nothing itself: the script signs the JWT with Node's crypto).
AUTHORIZE = r"""
const jsforce = require('jsforce');
const crypto = require('node:crypto');
const fs = require('node:fs');
const [loginUrl, flow, clientId, clientSecret, username, keyFile] = process.argv.slice(1);
const oauth2 = { loginUrl, clientId, clientSecret };
const conn = new jsforce.Connection({ oauth2, version: '59.0' });
let params = { grant_type: 'client_credentials' };
if (flow === 'jwt') {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const claims = { iss: clientId, sub: username, aud: 'https://login.salesforce.com',
                   exp: Math.floor(Date.now() / 1000) + 180 };
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}`;
  const signature = crypto.sign('RSA-SHA256', Buffer.from(unsigned), fs.readFileSync(keyFile));
  params = { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
             assertion: `${unsigned}.${signature.toString('base64url')}` };
}
conn.authorize(params)
  .then(() => conn.query('SELECT Id, Name FROM Organization'))
  .then(() => console.log(JSON.stringify({ ok: true })))
  .catch((err) => console.log(JSON.stringify({ ok: false, text: String(err) })));
"""


@pytest.mark.parametrize(
    "name", [n for n, s in SCENARIOS.items() if s.flow in ("jwt", "client-credentials")]
)
def test_jsforce_authorize_without_a_password(name: str) -> None:
    scenario = SCENARIOS[name]
    with serve(scenario.org()) as running:
        env = scenario.env(running.url)
        out = subprocess.run(
            [
                NODE,
                *("-e", AUTHORIZE, running.url, scenario.flow, env["SF_CLIENT_ID"]),
                env.get("SF_CLIENT_SECRET", ""),
                env.get("SF_USERNAME", ""),
                env.get("SF_JWT_KEY_FILE", ""),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    if scenario.expected_cause is None:
        assert seen["ok"], seen
        return
    assert not seen["ok"]
    assert sfdoctor.explain(str(seen["text"])).cause == scenario.expected_cause, seen
