"""One HTTP exchange, with a timeout, no redirects, and faults turned into values.

``requests`` is imported here and nowhere else, and only when a probe runs. Every fault of
the transport (DNS, refused, timeout, TLS, proxy) becomes a :class:`TransportError` value
with a kind the classifier knows; nothing here raises for a network problem.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from sfdoctor import __version__
from sfdoctor.redact import Redactor

USER_AGENT = f"sfdoctor/{__version__} (Salesforce authentication diagnostics)"
MAX_BODY = 256 * 1024  # an error body is small; a huge answer is not Salesforce's


class HttpAnswer(NamedTuple):
    """Whatever the server answered (any status)."""

    url: str
    status: int
    content_type: str
    headers: Mapping[str, str]
    body: str
    elapsed_ms: int


class TransportError(NamedTuple):
    """No HTTP answer: ``kind`` is dns, connection, timeout, tls_verify, tls_handshake, proxy."""

    url: str
    kind: str
    message: str
    elapsed_ms: int


Outcome = HttpAnswer | TransportError


def _kind(exc: BaseException) -> str:
    import requests

    text = repr(exc)
    if isinstance(exc, requests.exceptions.ProxyError):
        return "proxy"
    if isinstance(exc, requests.exceptions.SSLError):
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
            return "tls_verify"
        return "tls_handshake"
    if isinstance(exc, requests.exceptions.Timeout):
        return "timeout"
    dns_markers = (
        "NameResolutionError",
        "Name or service not known",
        "Failed to resolve",
        "nodename nor servname",
        "getaddrinfo failed",
        "No address associated",
        "Temporary failure in name resolution",
    )
    if any(m in text for m in dns_markers):
        return "dns"
    return "connection"


class Transport:
    """Sends requests for one run: its timeout, its User-Agent, its redacted trace."""

    def __init__(
        self,
        *,
        timeout: float,
        redactor: Redactor,
        trace: Callable[[str], None] | None = None,
    ) -> None:
        self.timeout = timeout
        self.redactor = redactor
        self.trace = trace
        self._local = threading.local()
        self._lock = threading.Lock()

    def _session(self) -> Any:
        # NOTE: requests.Session is not documented as thread-safe; one per thread.
        session = getattr(self._local, "session", None)
        if session is None:
            import requests

            session = requests.Session()
            session.headers["User-Agent"] = USER_AGENT
            session.trust_env = True  # honour HTTPS_PROXY / NO_PROXY / REQUESTS_CA_BUNDLE
            self._local.session = session
        return session

    def _trace(self, lines: list[str]) -> None:
        if self.trace is not None:
            with self._lock:  # keep one exchange's lines together
                for line in lines:
                    self.trace(self.redactor(line))

    def request(
        self,
        method: str,
        url: str,
        *,
        data: Mapping[str, str] | str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Outcome:
        """Send one request and return the answer or the transport fault, never raise."""
        import requests

        sent = [f"> {method} {url}"]
        if isinstance(data, Mapping):
            from urllib.parse import urlencode

            sent.append(f">   {urlencode(data)}")
        elif isinstance(data, bytes):
            sent.append(f">   {data[:2000].decode('utf-8', errors='replace')}")
        elif data:
            sent.append(f">   {data[:2000]}")
        self._trace(sent)
        start = time.perf_counter()
        try:
            resp = self._session().request(
                method,
                url,
                data=data,
                headers=dict(headers or {}),
                timeout=self.timeout,
                allow_redirects=False,
                stream=True,
            )
            raw = resp.raw.read(MAX_BODY + 1, decode_content=True) or b""
            resp.close()
        except requests.exceptions.RequestException as exc:
            elapsed = int((time.perf_counter() - start) * 1000)
            kind = _kind(exc)
            message = self.redactor(_short(exc))
            self._trace([f"< {kind} error after {elapsed} ms: {message}"])
            return TransportError(url, kind, message, elapsed)
        elapsed = int((time.perf_counter() - start) * 1000)
        encoding = resp.encoding or "utf-8"
        body = raw[:MAX_BODY].decode(encoding if encoding else "utf-8", errors="replace")
        ctype = resp.headers.get("Content-Type", "")
        self._trace([f"< {resp.status_code} {ctype} ({elapsed} ms)", f"<   {body[:2000]}"])
        return HttpAnswer(url, resp.status_code, ctype, dict(resp.headers), body, elapsed)


def _short(exc: BaseException) -> str:
    """The innermost useful line of a requests exception."""
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())[:400]
