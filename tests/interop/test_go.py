"""A Go integration (net/http) against the simulated org and failing endpoints.

Go programs print a failed request as a ``url.Error``: ``Post "https://...": <cause>``. When a
proxy refuses the CONNECT tunnel, Go's transport makes the cause the proxy's reason phrase
alone (``Post "https://login.salesforce.com/services/oauth2/token": Forbidden``: net/http's
transport.go returns ``errors.New`` of the status text), which reads like Salesforce refusing.
The client (tests/interop/go/salesforce_login.go) is built with the machine's Go toolchain;
without ``go`` on the PATH the module is skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import pytest

import sfdoctor
from sfdoctor.simulator import SCENARIOS, serve
from tests.interop.clients import password_grant
from tests.interop.test_simple_salesforce import named

GO = shutil.which("go")
if GO is None:
    pytest.skip("Go interop needs the Go toolchain (`go`) on the PATH", allow_module_level=True)

SOURCE = Path(__file__).with_name("go") / "salesforce_login.go"
Run = subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("go")
    env = {**os.environ, "GOCACHE": str(d / "cache"), "GOPATH": str(d / "path"), "GOFLAGS": ""}
    assert GO is not None
    subprocess.run(
        [GO, "build", "-o", str(d / "salesforce_login"), str(SOURCE)],
        check=True, capture_output=True, timeout=300, env=env,
    )  # fmt: skip
    return d / "salesforce_login"


def login(
    program: Path, url: str, form: str = "grant_type=password", timeout: int = 5, proxy: str = ""
) -> Run:
    env = {"PATH": os.environ.get("PATH", ""), "HTTPS_PROXY": proxy, "NO_PROXY": ""}
    return subprocess.run(
        [str(program), url, str(timeout)],
        input=form, capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip


def top(text: str) -> tuple[str | None, str | None]:
    doc = sfdoctor.explain(text).to_dict()
    if not doc["matches"]:
        return None, None
    return doc["matches"][0]["cause"], doc["matches"][0]["confidence"]


def test_a_refused_connection_is_a_network_failure(program: Path, closed_port: int) -> None:
    out = login(program, f"http://127.0.0.1:{closed_port}")
    assert "connection refused" in out.stderr, out.stderr
    assert top(out.stderr) == ("network_unreachable", "medium"), out.stderr


def test_no_answer_is_a_timeout(program: Path, silent_port: int) -> None:
    out = login(program, f"http://127.0.0.1:{silent_port}", timeout=1)
    assert "Client.Timeout exceeded" in out.stderr, out.stderr
    assert top(out.stderr)[0] == "timeout", out.stderr


def test_a_certificate_nobody_trusts_is_a_verification_failure(
    program: Path, untrusted_tls_port: int
) -> None:
    out = login(program, f"https://127.0.0.1:{untrusted_tls_port}")
    assert "x509" in out.stderr, out.stderr
    assert top(out.stderr)[0] == "tls_verification_failed", out.stderr


@pytest.mark.parametrize(
    "status",
    [
        b"HTTP/1.1 403 Forbidden",
        b"HTTP/1.1 502 Bad Gateway",
        b"HTTP/1.1 407 Proxy Authentication Required",
    ],
)
def test_a_proxy_refusing_the_tunnel_is_a_proxy_error(
    program: Path, refusing_proxy: Callable[[bytes], str], status: bytes
) -> None:
    # The target is a Salesforce host; the proxy (on loopback) refuses before any lookup.
    proxy = refusing_proxy(status)
    out = login(program, "https://login.salesforce.com", proxy=proxy)
    reason = status.split(b" ", 2)[2].decode()
    assert out.stderr.rstrip().endswith(f'/services/oauth2/token": {reason}'), out.stderr
    assert top(out.stderr)[0] == "proxy_error", out.stderr


def test_a_refused_login_prints_salesforces_answer(program: Path) -> None:
    scenario = SCENARIOS["wrong-password"]
    with serve(scenario.org()) as running:
        form = urlencode(password_grant(scenario, scenario.env(running.url)))
        out = login(program, running.url, form)
    assert "400 Bad Request" in out.stderr and "invalid_grant" in out.stderr, out.stderr
    assert "invalid_credentials" in named(out.stderr)
