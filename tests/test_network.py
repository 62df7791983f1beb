"""The network stage of ``check``: DNS, proxies, TLS and the clock, on loopback only.

Certificates are made in the test with ``openssl`` (a self-signed one, and a "corporate
inspection CA" with a certificate for login.salesforce.com); the proxy is a tiny socket
server that answers ``CONNECT`` as told, or tunnels to a local TLS server. Nothing here
leaves the machine: names under ``.invalid`` never resolve, and every ``https://`` login
URL that is not loopback goes through the local proxy.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import ssl
import subprocess
import threading
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import NamedTuple

import pytest
from pytest_httpserver import HTTPServer

from sfdoctor.check.network import clock_check, preflight, proxy_for
from sfdoctor.check.network.environment import environ_proxies, mask_proxy
from sfdoctor.models import Mark
from sfdoctor.status import ExitStatus
from tests.commands.test_check import (
    CANARIES,
    CLIENT_ID,
    CLIENT_SECRET,
    PASSWORD,
    TOKEN,
    USERNAME,
    Org,
)

NOWHERE = "login.nonexistent-sfdoctor.invalid"  # RFC 6761: a name that never resolves


@pytest.fixture(autouse=True)
def _no_dns_query_leaves(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answer ``.invalid`` names here, as a resolver would, so no DNS query is sent."""
    import socket

    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.rstrip(".").endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if name not in ("localhost", "127.0.0.1", "::1") and not name[:1].isdigit():
            raise AssertionError(f"a test tried to resolve {name!r}: tests never leave loopback")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


PROXY_USER, PROXY_PASSWORD = "proxyuser", "ProxyCanaryPassw0rd"


# --- certificates -----------------------------------------------------------------------


class Certs(NamedTuple):
    ca: Path
    """The "corporate inspection CA" (O=Acme Corp), trusted by nobody by default."""
    leaf: Path
    leaf_key: Path
    """A certificate for login.salesforce.com, localhost and 127.0.0.1, signed by the CA."""
    self_signed: Path
    self_signed_key: Path


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make test certificates")
    d = tmp_path_factory.mktemp("certs")
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    _openssl(
        "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/O=Acme Corp/CN=Acme Corp TLS Inspection CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=d,
    )  # fmt: skip
    (d / "leaf.ext").write_text(
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid,issuer\n"
        "subjectAltName=DNS:login.salesforce.com,DNS:localhost,IP:127.0.0.1\n",
        encoding="ascii",
    )
    _openssl(
        "req", *ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=login.salesforce.com",
        cwd=d,
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "leaf.pem", "-days", "1", "-extfile", "leaf.ext",
        cwd=d,
    )  # fmt: skip
    _openssl(
        "req", "-x509", *ec, "-keyout", "self.key", "-out", "self.pem", "-days", "1",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        cwd=d,
    )  # fmt: skip
    return Certs(d / "ca.pem", d / "leaf.pem", d / "leaf.key", d / "self.pem", d / "self.key")


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


@pytest.fixture
def https_server(certs: Certs) -> Iterator[Callable[[Path, Path], HTTPServer]]:
    """Start pytest-httpserver over TLS with the certificate asked for."""
    started: list[HTTPServer] = []

    def start(cert: Path, key: Path) -> HTTPServer:
        server = HTTPServer(host="localhost", ssl_context=server_context(cert, key))
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.clear()
        if server.is_running():
            server.stop()


# --- a proxy ------------------------------------------------------------------------------


class Proxy:
    """A proxy on loopback: answers CONNECT with ``answer``, or tunnels to ``upstream``."""

    def __init__(
        self, *, answer: bytes | None = None, upstream: tuple[str, int] | None = None
    ) -> None:
        self.answer, self.upstream = answer, upstream
        self.heads: list[str] = []  # every request head received (CONNECT lines and headers)
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, userinfo: str = "") -> str:
        return f"http://{userinfo + '@' if userinfo else ''}127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                conn.close()
                return
            data += chunk
        self.heads.append(data.decode("latin-1"))
        if self.answer is not None or self.upstream is None:
            conn.sendall(self.answer or b"HTTP/1.1 502 Bad Gateway\r\n\r\n")
            conn.close()
            return
        # NOTE: whatever host CONNECT names, the tunnel leads to the local upstream.
        up = socket.create_connection(self.upstream)
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

        def pipe(a: socket.socket, b: socket.socket) -> None:
            try:
                while chunk := a.recv(65536):
                    b.sendall(chunk)
            except OSError:
                pass
            finally:
                for s in (a, b):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        threading.Thread(target=pipe, args=(up, conn), daemon=True).start()
        pipe(conn, up)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def proxies() -> Iterator[Callable[..., Proxy]]:
    made: list[Proxy] = []

    def make(**kwargs: object) -> Proxy:
        p = Proxy(**kwargs)  # type: ignore[arg-type]
        made.append(p)
        return p

    yield make
    for p in made:
        p.close()


@pytest.fixture(autouse=True)
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither this machine's proxy nor its CA-bundle settings leak into the tests."""
    for key in list(os.environ):
        if key.lower().endswith("_proxy") or key in (
            "REQUESTS_CA_BUNDLE",
            "CURL_CA_BUNDLE",
            "SSL_CERT_FILE",
            "REQUEST_METHOD",
        ):
            monkeypatch.delenv(key)


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def named(doc: dict) -> list[str]:
    """The causes of a JSON report's errors and warnings (notes, e.g. on deprecations, aside)."""
    return [f["cause"] for f in doc["findings"] if f["severity"] != "info"]


def by_name(result) -> dict[str, object]:
    return {c.name: c for c in result.checks}


def everything(result) -> str:
    """Every text of a result: lines, evidence, remediation."""
    parts = [c.summary for c in result.checks]
    for f in result.findings:
        parts += [f.title, *f.evidence, *f.remediation]
    return "\n".join(parts)


# --- the loopback path ----------------------------------------------------------------


def test_plain_http_on_loopback_is_one_quiet_line() -> None:
    result = preflight("http://127.0.0.1:9", timeout=1, environ={})
    assert [(c.name, c.mark) for c in result.checks] == [("transport", Mark.INFO)]
    assert "loopback" in result.checks[0].summary
    assert result.findings == () and not result.blocking


def test_plain_http_on_loopback_ignores_proxy_settings() -> None:
    result = preflight("http://localhost:9", timeout=1, environ={"HTTPS_PROXY": "http://x:1"})
    assert len(result.checks) == 1 and not result.blocking


def test_check_on_loopback_adds_no_blocking_line(run, monkeypatch, httpserver) -> None:
    org = Org(httpserver)
    sf_env(monkeypatch, httpserver.url_for("").rstrip("/"))
    r = run("check", "--format", "json")
    doc = json.loads(r.out)
    network = [c for c in doc["checks"] if c["stage"] == "network"]
    assert [c["name"] for c in network] == ["transport", "clock"]
    assert network[0]["status"] == "info" and network[1]["status"] == "ok"
    assert r.status == ExitStatus.OK and org.logins == ["token", "no-token"]


# --- DNS ------------------------------------------------------------------------------


def test_unresolvable_host_is_dns_failure_naming_the_host() -> None:
    result = preflight(f"https://{NOWHERE}", timeout=5, environ={})
    assert result.blocking
    dns = by_name(result)["DNS"]
    assert dns.mark is Mark.FAIL and NOWHERE in dns.summary and dns.cause == "dns_failure"
    [f] = result.findings
    assert f.cause == "dns_failure" and NOWHERE in f.evidence[0]
    assert "My Domain" in f.remediation[0] and "20 minutes" in f.remediation[0]
    assert "TLS" not in by_name(result)  # nothing after a failed step


def test_salesforces_own_login_host_not_resolving_is_this_machines_dns(monkeypatch) -> None:
    """Its one-line fix once stated a fact ("resolves everywhere") instead of an action."""
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    result = preflight("https://login.salesforce.com", timeout=5, environ={})
    [f] = result.findings
    assert f.cause == "dns_failure"
    assert f.remediation[0].startswith("Fix this machine's DNS (nslookup login.salesforce.com")


def test_unresolvable_host_through_check_sends_nothing(run, monkeypatch, httpserver) -> None:
    from sfdoctor import hosts

    monkeypatch.setattr(hosts, "SALESFORCE_DOMAINS", (*hosts.SALESFORCE_DOMAINS, "invalid"))
    org = Org(httpserver)
    sf_env(monkeypatch, f"https://{NOWHERE}")
    r = run("check", "--format", "json")
    doc = json.loads(r.out)
    assert named(doc) == ["dns_failure"]
    assert r.status == ExitStatus.INCONCLUSIVE and doc["attempts_used"] == 0
    assert org.logins == [] and not httpserver.log
    dns = next(c for c in doc["checks"] if c["name"] == "DNS")
    assert dns["status"] == "fail" and NOWHERE in dns["summary"]


def test_through_a_proxy_local_dns_is_skipped(proxies, certs, https_server) -> None:
    upstream = https_server(certs.self_signed, certs.self_signed_key)
    proxy = proxies(upstream=("127.0.0.1", upstream.port))
    result = preflight(f"https://{NOWHERE}", timeout=5, environ={"HTTPS_PROXY": proxy.url()})
    dns = by_name(result)["DNS"]
    assert dns.mark is Mark.INFO and "the proxy" in dns.summary and "resolves it" in dns.summary
    assert "dns_failure" not in [f.cause for f in result.findings]
    assert by_name(result)["proxy"].mark is Mark.OK  # it went on and asked the proxy
    assert proxy.heads[0].startswith(f"CONNECT {NOWHERE}:443 HTTP/1.1")


# --- TCP ------------------------------------------------------------------------------


def test_refused_port_is_network_unreachable() -> None:
    result = preflight(f"https://127.0.0.1:{free_port()}", timeout=2, environ={})
    tcp = by_name(result)["TCP connect"]
    assert tcp.mark is Mark.FAIL and result.blocking
    assert [f.cause for f in result.findings] == ["network_unreachable"]


# --- TLS ------------------------------------------------------------------------------


def test_self_signed_server_is_not_trusted_and_gets_no_credential(
    run, monkeypatch, certs, https_server
) -> None:
    server = https_server(certs.self_signed, certs.self_signed_key)
    org = Org(server)
    sf_env(monkeypatch, server.url_for("").rstrip("/"))
    r = run("check", "--format", "json", "-v")
    doc = json.loads(r.out)
    assert named(doc) == ["tls_verification_failed"]
    assert r.status == ExitStatus.INCONCLUSIVE and doc["attempts_used"] == 0
    assert org.logins == [] and not server.log, "no request at all reached the server"
    tls = next(c for c in doc["checks"] if c["name"] == "TLS")
    assert tls["status"] == "fail" and "intercepted" in tls["summary"]
    f = doc["findings"][0]
    assert f["cause"] == "tls_verification_failed"
    text = " ".join(f["evidence"])
    assert "self-signed" in text and "CN=localhost" in text and "nothing was sent" in text
    _remediation_trusts_the_ca_properly(f["remediation"])
    assert "> POST" not in r.err


def _remediation_trusts_the_ca_properly(steps: list[str]) -> None:
    text = " ".join(steps)
    assert "REQUESTS_CA_BUNDLE" in text and "truststore" in text and "SSL_CERT_FILE" in text
    for step in steps:
        if "verif" in step.lower() and any(w in step.lower() for w in ("off", "disable")):
            assert step.startswith("Not recommended:"), step


def test_interception_through_the_proxy_is_explained_and_nothing_is_sent(
    run, monkeypatch, certs, https_server, proxies, tmp_path
) -> None:
    # The corporate proxy re-signs TLS with its own CA: login.salesforce.com's certificate
    # is issued by "Acme Corp TLS Inspection CA".
    inspector = https_server(certs.leaf, certs.leaf_key)
    org = Org(inspector)
    proxy = proxies(upstream=("127.0.0.1", inspector.port))
    monkeypatch.setenv("HTTPS_PROXY", proxy.url(f"{PROXY_USER}:{PROXY_PASSWORD}"))
    sf_env(monkeypatch, "https://login.salesforce.com")
    for fmt in ("json", "console"):
        r = run("check", "--format", fmt, "-v")
        for canary in (*CANARIES, PROXY_PASSWORD):
            assert canary not in r.out and canary not in r.err, (fmt, canary)
        assert f"{PROXY_USER}:****@127.0.0.1" in r.out
        assert r.status == ExitStatus.INCONCLUSIVE
    reports = [tmp_path / f"report.{ext}" for ext in ("json", "txt", "md", "html", "xml")]
    r = run("check", "--format", "json", *(a for p in reports for a in ("--report", str(p))))
    for path in reports:
        text = path.read_text(encoding="utf-8")
        assert PROXY_PASSWORD not in text and "tls_verification_failed" in text, path.name
    doc = json.loads(r.out)
    assert named(doc) == ["tls_verification_failed"]
    evidence = " ".join(doc["findings"][0]["evidence"])
    assert "intercepted" in evidence and "Acme Corp TLS Inspection CA" in evidence
    assert "through the proxy" in evidence
    _remediation_trusts_the_ca_properly(doc["findings"][0]["remediation"])
    assert org.logins == [] and not inspector.log
    # The proxy saw CONNECTs (the check, then the certificate read), with the credentials
    # requests would send, and never a login.
    assert proxy.heads and all(
        h.startswith("CONNECT login.salesforce.com:443 ") for h in proxy.heads
    )
    auth = base64.b64encode(f"{PROXY_USER}:{PROXY_PASSWORD}".encode()).decode()
    assert f"Proxy-Authorization: Basic {auth}" in proxy.heads[0]


def test_trusted_ca_bundle_verifies_and_the_login_goes_ahead(
    run, monkeypatch, certs, https_server
) -> None:
    server = https_server(certs.leaf, certs.leaf_key)
    org = Org(server)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certs.ca))
    sf_env(monkeypatch, server.url_for("").rstrip("/"))
    r = run("check", "--format", "json")
    doc = json.loads(r.out)
    assert r.status == ExitStatus.OK, doc["findings"]
    assert org.logins == ["token", "no-token"]
    network = {c["name"]: c for c in doc["checks"] if c["stage"] == "network"}
    assert network["DNS"]["status"] == network["TCP connect"]["status"] == "ok"
    tls = network["TLS"]
    assert tls["status"] == "ok" and tls["summary"].startswith("TLSv1.")
    assert "CN=login.salesforce.com" in tls["summary"]
    assert "issued by CN=Acme Corp TLS Inspection CA, O=Acme Corp" in tls["summary"]
    assert "expires" in tls["summary"]


def test_inspection_trusted_through_the_bundle_is_pointed_out(certs, https_server, proxies) -> None:
    inspector = https_server(certs.leaf, certs.leaf_key)
    proxy = proxies(upstream=("127.0.0.1", inspector.port))
    env = {"HTTPS_PROXY": proxy.url(), "REQUESTS_CA_BUNDLE": str(certs.ca)}
    result = preflight("https://login.salesforce.com", timeout=5, environ=env)
    assert not result.blocking
    lines = by_name(result)
    assert lines["TLS"].mark is Mark.OK
    assert lines["TLS inspection"].mark is Mark.INFO
    assert "credentials included" in lines["TLS inspection"].summary


def test_unreadable_ca_bundle_blocks(certs, https_server, tmp_path) -> None:
    server = https_server(certs.leaf, certs.leaf_key)
    env = {"REQUESTS_CA_BUNDLE": str(tmp_path / "missing.pem")}
    result = preflight(server.url_for("").rstrip("/"), timeout=5, environ=env)
    assert result.blocking and [f.cause for f in result.findings] == ["tls_verification_failed"]
    assert "missing.pem" in by_name(result)["TLS"].summary


class TlsServer:
    """A bare TLS server: counts handshakes and the bytes sent after them."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self.context = context
        self.received = b""
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            try:
                with self.context.wrap_socket(conn, server_side=True) as tls:
                    tls.settimeout(2)
                    while chunk := tls.recv(4096):
                        self.received += chunk
            except OSError:
                pass


def test_old_tls_server_is_tls_unsupported(certs) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx = server_context(certs.self_signed, certs.self_signed_key)
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    server = TlsServer(ctx)
    try:
        result = preflight(f"https://127.0.0.1:{server.port}", timeout=5, environ={})
    finally:
        server.listener.close()
    assert result.blocking and [f.cause for f in result.findings] == ["tls_unsupported"]
    assert by_name(result)["TLS"].mark is Mark.FAIL
    assert "TLS 1.2" in " ".join(result.findings[0].evidence)


def test_certificate_read_after_a_failed_verification_sends_nothing(certs) -> None:
    server = TlsServer(server_context(certs.leaf, certs.leaf_key))
    try:
        result = preflight(f"https://localhost:{server.port}", timeout=5, environ={})
    finally:
        server.listener.close()
    assert [f.cause for f in result.findings] == ["tls_verification_failed"]
    assert "Acme Corp TLS Inspection CA" in everything(result)
    assert server.received == b"", "not a byte of application data on either handshake"


# --- proxies ----------------------------------------------------------------------------


def test_proxy_answering_407_is_proxy_error_and_no_credential_is_sent(
    run, monkeypatch, proxies
) -> None:
    proxy = proxies(
        answer=b"HTTP/1.1 407 Proxy Authentication Required\r\n"
        b'Proxy-Authenticate: Basic realm="acme"\r\nContent-Length: 0\r\n\r\n'
    )
    monkeypatch.setenv("https_proxy", proxy.url())
    sf_env(monkeypatch, "https://login.salesforce.com")
    r = run("check", "--format", "json", "-v")
    doc = json.loads(r.out)
    assert named(doc) == ["proxy_error"]
    assert r.status == ExitStatus.INCONCLUSIVE and doc["attempts_used"] == 0
    line = next(c for c in doc["checks"] if c["name"] == "proxy")
    assert line["status"] == "fail" and "407" in line["summary"]
    assert "USER:PASSWORD@" in doc["findings"][0]["remediation"][0]
    assert len(proxy.heads) == 1 and proxy.heads[0].startswith("CONNECT login.salesforce.com:443")
    for canary in CANARIES:
        assert canary not in proxy.heads[0]
    assert "> POST" not in r.err


def test_proxy_offering_only_windows_sign_in_says_so(proxies) -> None:
    proxy = proxies(
        answer=b"HTTP/1.1 407 Proxy Authentication Required\r\n"
        b"Proxy-Authenticate: Negotiate\r\nProxy-Authenticate: NTLM\r\n\r\n"
    )
    url = proxy.url(f"{PROXY_USER}:{PROXY_PASSWORD}")
    result = preflight("https://login.salesforce.com", timeout=5, environ={"HTTPS_PROXY": url})
    [f] = result.findings
    assert f.cause == "proxy_error" and result.blocking
    assert "Negotiate, NTLM" in " ".join(f.evidence)
    assert "only Negotiate, NTLM" in f.remediation[0] and "Px" in f.remediation[0]
    assert PROXY_PASSWORD not in everything(result)
    assert f"{PROXY_USER}:****@" in by_name(result)["proxy"].summary


def test_proxy_refusing_the_credentials_given(proxies) -> None:
    proxy = proxies(
        answer=b"HTTP/1.1 407 Proxy Authentication Required\r\n"
        b'Proxy-Authenticate: Basic realm="acme"\r\n\r\n'
    )
    url = proxy.url(f"{PROXY_USER}:{PROXY_PASSWORD}")
    result = preflight("https://login.salesforce.com", timeout=5, environ={"HTTPS_PROXY": url})
    [f] = result.findings
    assert "refused the user name and password" in f.remediation[0]


def test_proxy_forbidding_the_destination(proxies) -> None:
    proxy = proxies(answer=b"HTTP/1.1 403 Forbidden\r\n\r\n")
    result = preflight(
        "https://acme.my.salesforce.com", timeout=5, environ={"ALL_PROXY": proxy.url()}
    )
    assert [f.cause for f in result.findings] == ["proxy_error"]
    assert "403" in by_name(result)["proxy"].summary
    assert "*.salesforce.com" in result.findings[0].remediation[0]


def test_proxy_refusing_the_connection() -> None:
    url = f"http://{PROXY_USER}:{PROXY_PASSWORD}@127.0.0.1:{free_port()}"
    result = preflight("https://login.salesforce.com", timeout=2, environ={"HTTPS_PROXY": url})
    line = by_name(result)["proxy"]
    assert line.mark is Mark.FAIL and "refuses connections" in line.summary
    assert [f.cause for f in result.findings] == ["proxy_error"] and result.blocking
    assert PROXY_PASSWORD not in everything(result)


def test_inconsistent_proxy_variables_warn_with_credentials_masked(proxies) -> None:
    proxy = proxies(answer=b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n")
    env = {
        "HTTPS_PROXY": f"http://upper:UpperCanary0001@127.0.0.1:{free_port()}",
        "https_proxy": proxy.url("lower:LowerCanary0002"),
    }
    result = preflight("https://login.salesforce.com", timeout=5, environ=env)
    warning = by_name(result)["proxy variables"]
    assert warning.mark is Mark.WARN and "lower-case" in warning.summary
    assert "https_proxy=http://lower:****@" in warning.summary
    assert "HTTPS_PROXY=http://upper:****@" in warning.summary
    # requests uses the lower-case one: that is the proxy asked
    assert len(proxy.heads) == 1
    text = everything(result)
    assert "UpperCanary0001" not in text and "LowerCanary0002" not in text


def test_consistent_proxy_variables_do_not_warn() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = preflight(
        "https://login.salesforce.com", timeout=2, environ={"HTTPS_PROXY": url, "https_proxy": url}
    )
    assert "proxy variables" not in by_name(result)


def test_no_proxy_bypass_is_reported(certs) -> None:
    env = {"HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": ".invalid"}
    result = preflight(f"https://{NOWHERE}", timeout=5, environ=env)
    assert "NO_PROXY (.invalid) matches" in by_name(result)["proxy"].summary
    assert by_name(result)["DNS"].mark is Mark.FAIL  # connecting directly, so resolved here


def test_socks_proxy_is_named_but_not_inspected() -> None:
    env = {"ALL_PROXY": f"socks5h://u:{PROXY_PASSWORD}@127.0.0.1:1080"}
    result = preflight("https://login.salesforce.com", timeout=1, environ=env)
    assert not result.blocking and by_name(result)["proxy"].mark is Mark.INFO
    assert PROXY_PASSWORD not in everything(result)


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"HTTPS_PROXY": "http://p:1"},
        {"https_proxy": "http://lower:1", "HTTPS_PROXY": "http://upper:2"},
        {"https_proxy": "", "HTTPS_PROXY": "http://upper:2"},
        {"ALL_PROXY": "http://all:3"},
        {"ALL_PROXY": "http://all:3", "HTTPS_PROXY": "http://p:1"},
        {"HTTP_PROXY": "http://plain:4"},
        {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "salesforce.com"},
        {"HTTPS_PROXY": "http://p:1", "NO_PROXY": ".my.salesforce.com"},
        {"HTTPS_PROXY": "http://p:1", "no_proxy": "*"},
        {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "example.com, login.salesforce.com"},
        {"HTTPS_PROXY": "http://p:1", "no_proxy": "", "NO_PROXY": "salesforce.com"},
        {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "10.0.0.0/8"},
        {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "acme.my.salesforce.com:8443"},
        {"HTTPS_PROXY": "http://p:1", "REQUEST_METHOD": "GET"},
    ],
)
@pytest.mark.parametrize(
    "url",
    [
        "https://login.salesforce.com",
        "https://acme.my.salesforce.com:8443",
        "https://10.1.2.3",
    ],
)
def test_proxy_choice_is_the_one_requests_makes(monkeypatch, env, url) -> None:
    import requests
    from requests.utils import select_proxy

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = requests.Session().merge_environment_settings(url, {}, None, None, None)
    expected = select_proxy(url, settings["proxies"])
    assert proxy_for(url, dict(env)) == expected  # a mapping of its own
    assert proxy_for(url) == expected  # os.environ


def test_environ_proxies_prefers_lower_case() -> None:
    env = {"HTTPS_PROXY": "http://upper:1", "https_proxy": "http://lower:2", "NO_PROXY": "x"}
    assert environ_proxies(env) == {"https": "http://lower:2", "no": "x"}


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("http://user:pass@proxy:3128", "http://user:****@proxy:3128"),
        ("http://user:p%40ss@proxy:3128/", "http://user:****@proxy:3128/"),
        ("user:pass@proxy:3128", "user:****@proxy:3128"),
        ("http://user@proxy:3128", "http://user@proxy:3128"),
        ("http://proxy:3128", "http://proxy:3128"),
    ],
)
def test_mask_proxy(url: str, masked: str) -> None:
    assert mask_proxy(url) == masked


def test_redaction_masks_passwords_in_urls() -> None:
    from sfdoctor.redaction import redact

    assert redact("via http://u:S3cret@proxy:8080 now") == "via http://u:****@proxy:8080 now"
    assert redact("HTTPS_PROXY=http://user:password@host:port") == (
        "HTTPS_PROXY=http://user:password@host:port"  # the documentation's placeholder
    )


# --- the clock ----------------------------------------------------------------------------

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)


def test_clock_an_hour_behind_warns_for_jwt() -> None:
    result = clock_check({"Date": format_datetime(NOW + timedelta(hours=1), usegmt=True)}, now=NOW)
    [line] = result.checks
    assert line.mark is Mark.WARN and line.cause == "jwt_assertion_invalid"
    assert "1 h 0 min behind" in line.summary and "JWT" in line.summary
    assert "expires 1 h 0 min early" in line.summary
    [f] = result.findings
    assert f.cause == "jwt_assertion_invalid" and str(f.severity) == "warning"
    assert "NTP" in f.remediation[0] and not result.blocking


def test_clock_ahead_is_a_note_not_a_jwt_warning() -> None:
    """Salesforce refuses an exp already past, not one far ahead (the sf CLI signs exp in
    milliseconds and logs in), so a fast clock is no reason for a refused JWT."""
    result = clock_check({"Date": format_datetime(NOW - timedelta(hours=1), usegmt=True)}, now=NOW)
    [line] = result.checks
    assert line.mark is Mark.INFO and not line.cause
    assert "1 h 0 min ahead of" in line.summary and "harmless" in line.summary
    assert result.findings == ()


def test_clock_behind_is_said_so() -> None:
    date = format_datetime(NOW + timedelta(minutes=5), usegmt=True)
    [line] = clock_check({"date": date}, now=NOW).checks
    assert "5 min 0 s behind" in line.summary


def test_clock_in_step_is_ok() -> None:
    result = clock_check(
        {"Date": format_datetime(NOW - timedelta(seconds=3), usegmt=True)}, now=NOW
    )
    assert [(c.name, c.mark) for c in result.checks] == [("clock", Mark.OK)]
    assert result.findings == ()


def test_no_date_header_says_nothing() -> None:
    assert clock_check({"Content-Type": "application/json"}) == ((), (), False)


def test_unreadable_date_header_is_a_note() -> None:
    [line] = clock_check({"Date": "yesterday-ish"}).checks
    assert line.mark is Mark.INFO


def test_check_reads_the_clock_from_the_first_answer(run, monkeypatch, httpserver) -> None:
    from werkzeug.serving import WSGIRequestHandler

    # The local server's clock runs an hour fast (werkzeug writes the Date header itself), and
    # half a minute: the header's whole seconds then cannot round the hour down to 59 min.
    def hour_fast(self, timestamp=None) -> str:
        return format_datetime(datetime.now(UTC) + timedelta(hours=1, seconds=30), usegmt=True)

    monkeypatch.setattr(WSGIRequestHandler, "date_time_string", hour_fast)
    Org(httpserver)
    sf_env(monkeypatch, httpserver.url_for("").rstrip("/"))
    r = run("check", "--format", "json")
    doc = json.loads(r.out)
    clock = next(c for c in doc["checks"] if c["name"] == "clock")
    assert clock["status"] == "warn" and "1 h 0 min behind" in clock["summary"]
    assert named(doc) == ["jwt_assertion_invalid"]
    assert doc["verdict"] == "warn" and r.status == ExitStatus.OK


# --- the certificate reader ---------------------------------------------------------------


def test_certificate_reader_agrees_with_the_ssl_module_on_certifi_roots(tmp_path) -> None:
    import certifi

    from sfdoctor.probes.connect import parse_certificate

    decode = getattr(ssl._ssl, "_test_decode_cert", None)  # type: ignore[attr-defined]
    if decode is None:
        pytest.skip("this Python has no ssl._ssl._test_decode_cert to compare with")
    pem = Path(certifi.where()).read_text(encoding="ascii")
    blocks = [b + "-----END CERTIFICATE-----\n" for b in pem.split("-----END CERTIFICATE-----")]
    blocks = [b[b.index("-----BEGIN") :] for b in blocks if "-----BEGIN" in b]
    assert len(blocks) > 50
    for n, block in enumerate(blocks):
        path = tmp_path / f"{n}.pem"
        path.write_text(block, encoding="ascii")
        want = decode(str(path))
        got = parse_certificate(ssl.PEM_cert_to_DER_cert(block))
        assert got is not None, want["subject"]

        def field(name, key, want=want):
            return next((v for rdn in want[name] for k, v in rdn if k == key), "")

        assert got.issuer_o == field("issuer", "organizationName"), n
        assert got.subject_cn == field("subject", "commonName"), n
        assert got.not_after is not None
        assert got.not_after.timestamp() == ssl.cert_time_to_seconds(want["notAfter"])


# --- helpers ------------------------------------------------------------------------------


def sf_env(monkeypatch: pytest.MonkeyPatch, login_url: str) -> None:
    for key in list(os.environ):
        if key.startswith(("SF_", "SALESFORCE_")):
            monkeypatch.delenv(key)
    for key, value in {
        "SF_LOGIN_URL": login_url,
        "SF_USERNAME": USERNAME,
        "SF_PASSWORD": PASSWORD,
        "SF_SECURITY_TOKEN": TOKEN,
        "SF_CLIENT_ID": CLIENT_ID,
        "SF_CLIENT_SECRET": CLIENT_SECRET,
    }.items():
        monkeypatch.setenv(key, value)


@pytest.mark.skipif(not hasattr(__import__("signal"), "pthread_kill"), reason="POSIX signals")
def test_ctrl_c_that_reaches_another_thread_still_ends_a_request_at_once(
    httpserver: HTTPServer,
) -> None:
    """Linux may hand Ctrl-C's SIGINT to any thread: here the request's own worker gets it
    while the main thread waits for a server that never answers. The wait must end within
    a slice, not when --timeout runs out (it used to be one long join)."""
    import signal
    import time

    from sfdoctor.probes.http import Transport
    from sfdoctor.redaction import Redactor

    hang = threading.Event()
    httpserver.expect_request("/services/oauth2/token").respond_with_handler(
        lambda _request: hang.wait(10) and None  # type: ignore[func-returns-value]
    )
    transport = Transport(timeout=8.0, redactor=Redactor())

    def press() -> None:
        time.sleep(0.5)
        worker = next(t for t in threading.enumerate() if t.name == "sfdoctor-http")
        signal.pthread_kill(worker.ident, signal.SIGINT)  # type: ignore[arg-type]

    threading.Thread(target=press, daemon=True).start()
    start = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            transport.request("POST", httpserver.url_for("/services/oauth2/token"), data={"a": "b"})
        assert time.monotonic() - start < 2.0
    finally:
        hang.set()
