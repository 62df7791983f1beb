"""Node's built-in fetch() against the simulated org and failing endpoints.

Node 18+ integrations increasingly call Salesforce with the global ``fetch`` (undici) instead
of a library. Its failures read differently from jsforce's: every network failure is a
``TypeError: fetch failed`` whose ``[cause]`` names the real one (or nothing, when the code
logs only ``err.message``), and a deadline set with ``AbortSignal.timeout()`` ends in
"The operation was aborted due to timeout". The script below lets the rejection go
uncaught, so what is pasted is what Node prints. Needs only ``node`` 18+ on the PATH.
"""

from __future__ import annotations

import shutil
import subprocess
from urllib.parse import urlencode

import pytest

import sfdoctor
from sfdoctor.simulator import SCENARIOS, serve
from tests.interop.clients import TOKEN_PATH, password_grant
from tests.interop.test_simple_salesforce import named

NODE = shutil.which("node")
if NODE is None:
    pytest.skip("fetch interop needs Node.js 18+ on the PATH", allow_module_level=True)
_version = subprocess.run([NODE, "--version"], capture_output=True, text=True, timeout=10)
if int(_version.stdout.strip().lstrip("v").split(".")[0] or 0) < 18:
    pytest.skip(f"fetch needs Node.js 18+, not {_version.stdout.strip()}", allow_module_level=True)

Run = subprocess.CompletedProcess[str]

# argv: URL, deadline in ms; the url-encoded form on standard input. A refused login prints
# its status and body, as most code does.
SCRIPT = """
import {readFileSync} from 'node:fs';
const [url, ms] = process.argv.slice(1);
const res = await fetch(url, {
  method: 'POST',
  headers: {'Content-Type': 'application/x-www-form-urlencoded'},
  body: readFileSync(0, 'utf8'),
  signal: AbortSignal.timeout(Number(ms)),
});
if (!res.ok) {
  console.error(`Salesforce login failed: ${res.status} ${await res.text()}`);
  process.exit(1);
}
console.log('OK');
"""


def fetch(url: str, ms: int = 5000, form: str = "grant_type=password") -> Run:
    assert NODE is not None
    return subprocess.run(
        [NODE, "--input-type=module", "-e", SCRIPT, url, str(ms)],
        input=form,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "NODE_OPTIONS": ""},  # no proxy, no extra CA from the caller
    )


def top(text: str) -> str | None:
    return sfdoctor.explain(text).cause


def test_a_refused_connection_is_a_network_failure(closed_port: int) -> None:
    out = fetch(f"http://127.0.0.1:{closed_port}{TOKEN_PATH}")
    assert "fetch failed" in out.stderr and "ECONNREFUSED" in out.stderr, out.stderr
    assert top(out.stderr) == "network_unreachable", out.stderr


def test_the_message_alone_is_a_transport_failure_at_low_confidence() -> None:
    # Code that logs err.message only: no cause, and explain says how little that is.
    doc = sfdoctor.explain("TypeError: fetch failed").to_dict()
    assert doc["matches"][0]["confidence"] == "low"
    assert {"network_unreachable", "dns_failure", "tls_verification_failed"} <= named(
        "TypeError: fetch failed"
    )


def test_a_deadline_is_a_timeout(silent_port: int) -> None:
    out = fetch(f"http://127.0.0.1:{silent_port}{TOKEN_PATH}", ms=1000)
    assert "aborted due to timeout" in out.stderr, out.stderr
    assert top(out.stderr) == "timeout", out.stderr


def test_a_certificate_nobody_trusts_is_a_verification_failure(untrusted_tls_port: int) -> None:
    out = fetch(f"https://127.0.0.1:{untrusted_tls_port}{TOKEN_PATH}")
    assert "fetch failed" in out.stderr, out.stderr
    assert top(out.stderr) == "tls_verification_failed", out.stderr


def test_a_refused_login_prints_salesforces_answer() -> None:
    scenario = SCENARIOS["wrong-password"]
    with serve(scenario.org()) as running:
        form = urlencode(password_grant(scenario, scenario.env(running.url)))
        out = fetch(running.url + TOKEN_PATH, form=form)
    assert out.returncode == 1 and "invalid_grant" in out.stderr, out.stderr
    assert "invalid_credentials" in named(out.stderr)
