"""A Java integration against the simulated org, and what its developer pastes into ``explain``.

Java code logs in with java.net.http's ``HttpClient`` (Java 11+) or the older
``HttpURLConnection`` (tests/interop/java/SalesforceLogin.java, compiled here with the
machine's JDK). What they print is the JDK's own text, not a fixture written from memory: a
stack trace for a refused connection, an unknown host, a timeout, an answer that is not TLS,
a certificate nobody trusts; the status and body of a refused login (``HttpClient``); and
HttpURLConnection's ``Server returned HTTP response code: 400``, which throws Salesforce's
answer away. Skipped where there is no JDK (``javac`` and ``java``).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import pytest

import sfdoctor
from sfdoctor.simulator import SCENARIOS, serve
from tests.interop.clients import password_grant
from tests.interop.test_simple_salesforce import ROOT_CAUSE, named

JAVAC, JAVA = shutil.which("javac"), shutil.which("java")
if JAVAC is None or JAVA is None:
    pytest.skip(
        "Java interop needs a JDK (`javac` and `java`) on the PATH", allow_module_level=True
    )

SOURCE = Path(__file__).with_name("java") / "SalesforceLogin.java"
MODES = ("client", "urlconnection")
Run = subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def classes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("java")
    assert JAVAC is not None
    subprocess.run(
        [JAVAC, "-nowarn", "-d", str(out), str(SOURCE)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out


def login(
    classes: Path, mode: str, url: str, form: str = "grant_type=password", *props: str
) -> Run:
    """Run the Java client: its exit status, and what it printed."""
    assert JAVA is not None
    return subprocess.run(
        [JAVA, *props, "-cp", str(classes), "SalesforceLogin", mode, url],
        input=form,
        capture_output=True,
        text=True,
        timeout=60,
    )


def login_to(classes: Path, mode: str, name: str) -> Run:
    """Log in to the simulated org of scenario ``name`` with its credentials."""
    scenario = SCENARIOS[name]
    with serve(scenario.org()) as running:
        form = urlencode(password_grant(scenario, scenario.env(running.url)))
        return login(classes, mode, running.url, form)


def top(text: str) -> tuple[str | None, str | None]:
    doc = sfdoctor.explain(text).to_dict()
    return (
        (doc["matches"][0]["cause"], doc["matches"][0]["confidence"])
        if doc["matches"]
        else (None, None)
    )


# --- the JDK's own words for a failed connection ----------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_refused_connection_is_a_network_failure(
    classes: Path, mode: str, closed_port: int
) -> None:
    # HttpClient says only "java.net.ConnectException" (no message), its cause a
    # ClosedChannelException from the JDK's connection code; HttpURLConnection says
    # "Connection refused".
    out = login(classes, mode, f"http://127.0.0.1:{closed_port}")
    assert out.returncode == 1 and "java.net.ConnectException" in out.stderr, out.stderr
    assert top(out.stderr) == ("network_unreachable", "medium"), out.stderr


@pytest.mark.parametrize("mode", MODES)
def test_an_unknown_host_is_a_dns_failure(classes: Path, mode: str, tmp_path: Path) -> None:
    # The JDK reads names from this (empty) file instead of asking a DNS server: nothing leaves.
    hosts = tmp_path / "hosts"
    hosts.write_text("", encoding="ascii")
    out = login(
        classes, mode, "https://acme.my.salesforce.com", "grant_type=password",
        f"-Djdk.net.hosts.file={hosts}",
    )  # fmt: skip
    assert out.returncode == 1, out.stderr
    assert top(out.stderr)[0] == "dns_failure", out.stderr


@pytest.mark.parametrize("mode", MODES)
def test_no_answer_is_a_timeout(classes: Path, mode: str, silent_port: int) -> None:
    out = login(
        classes, mode, f"http://127.0.0.1:{silent_port}", "grant_type=password", "-Dtimeout=1"
    )
    assert out.returncode == 1, out.stderr
    assert top(out.stderr)[0] == "timeout", out.stderr


@pytest.mark.parametrize("mode", MODES)
def test_an_answer_that_is_not_tls_is_read_as_such(classes: Path, mode: str) -> None:
    # https:// to a port that answers in plain HTTP: what a proxy or captive portal in the way
    # does (Salesforce itself always speaks TLS). The JDK's socket says "Unsupported or
    # unrecognized SSL message", its SSLEngine (HttpClient) "Unrecognized SSL message,
    # plaintext connection?".
    scenario = SCENARIOS["healthy"]
    with serve(scenario.org()) as running:
        out = login(classes, mode, running.url.replace("http://", "https://"))
    assert "nrecognized SSL message" in out.stderr, out.stderr
    assert top(out.stderr) == ("proxy_error", "medium"), out.stderr
    assert "login_url_invalid" in named(out.stderr)


@pytest.mark.parametrize("mode", MODES)
def test_a_certificate_nobody_trusts_is_a_verification_failure(
    classes: Path, mode: str, untrusted_tls_port: int
) -> None:
    out = login(classes, mode, f"https://127.0.0.1:{untrusted_tls_port}")
    assert "PKIX path building failed" in out.stderr, out.stderr
    assert top(out.stderr)[0] == "tls_verification_failed", out.stderr


@pytest.mark.parametrize("mode", MODES)
def test_a_tls_version_the_server_refuses_is_tls_unsupported(
    classes: Path, mode: str, tls13_only_port: int
) -> None:
    # A client capped at an older TLS than the server accepts (-Djdk.tls.client.protocols).
    out = login(
        classes, mode, f"https://127.0.0.1:{tls13_only_port}", "grant_type=password",
        "-Djdk.tls.client.protocols=TLSv1.2",
    )  # fmt: skip
    assert "SSLHandshakeException" in out.stderr, out.stderr
    assert top(out.stderr)[0] == "tls_unsupported", out.stderr


@pytest.mark.parametrize("mode", MODES)
def test_a_proxy_refusing_the_tunnel_is_a_proxy_error(
    classes: Path, mode: str, refusing_proxy: Callable[[bytes], str]
) -> None:
    # HttpClient: "Tunnel failed, got: 403"; HttpURLConnection: "Unable to tunnel through
    # proxy. Proxy returns "HTTP/1.1 403 Forbidden"". The proxy refuses before any lookup.
    port = refusing_proxy(b"HTTP/1.1 403 Forbidden").rsplit(":", 1)[1]
    proxy = ("-Dhttps.proxyHost=127.0.0.1", f"-Dhttps.proxyPort={port}")
    out = login(classes, mode, "https://login.salesforce.com", "grant_type=password", *proxy)
    assert "403" in out.stderr, out.stderr
    assert top(out.stderr)[0] == "proxy_error", out.stderr


# --- Salesforce's answers ------------------------------------------------------------------

PASSWORD_SCENARIOS = [name for name, s in SCENARIOS.items() if s.flow == "password"]


@pytest.mark.parametrize("name", PASSWORD_SCENARIOS)
def test_httpclient_user_gets_the_root_cause_from_explain(classes: Path, name: str) -> None:
    out = login_to(classes, "client", name)
    if SCENARIOS[name].expected_cause in (None, "trusted_network_only"):
        assert out.returncode == 0 and out.stdout.startswith("OK "), out.stderr
        return
    assert out.returncode == 1, out.stdout
    assert ROOT_CAUSE[name] in named(out.stderr), (out.stderr, sfdoctor.explain(out.stderr).cause)


def test_urlconnection_hides_the_answer_and_explain_says_where_it_is(classes: Path) -> None:
    # HttpURLConnection throws "Server returned HTTP response code: 400" and keeps Salesforce's
    # JSON in the error stream: explain claims nothing and says how to read it.
    out = login_to(classes, "urlconnection", "wrong-password")
    assert "Server returned HTTP response code: 400" in out.stderr, out.stderr
    doc = sfdoctor.explain(out.stderr).to_dict()
    first = doc["matches"][0]
    assert first["confidence"] == "low"
    assert "invalid_credentials" in named(out.stderr)
    assert "getErrorStream" in str(doc), doc


def test_urlconnection_on_a_revoked_session_is_an_invalid_session(classes: Path) -> None:
    out = login_to(classes, "urlconnection", "session-revoked")
    assert "Server returned HTTP response code: 401" in out.stderr, out.stderr
    assert top(out.stderr)[0] == "session_invalid", out.stderr
