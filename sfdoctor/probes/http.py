"""One HTTP exchange, with a total deadline, no redirects, and faults turned into values.

``requests`` is imported here and nowhere else, and only when a probe runs. Every fault of
the transport (DNS, refused, timeout, TLS, proxy, an answer cut short) becomes a
:class:`TransportError` value with a kind the classifier knows; nothing here raises for a
network problem.

Three rules hold for every request:

- the URL is read once, by :func:`sfdoctor.hosts.parse_url` (urllib3's reading), and the
  request goes to the URL rebuilt from those parts; a URL that may not carry credentials
  (:func:`sfdoctor.hosts.credential_url_problem`) is refused before anything is sent;
- ``timeout`` bounds the whole exchange (connect, request, every byte of the answer), not
  each read: a server that sends one byte a second, or ``100 Continue`` forever, is cut off;
- the proxy and the CA bundle are the ones the network stage inspected (``proxy_for``,
  ``verify``), never read again behind its back; loopback never goes through a proxy.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from sfdoctor import __version__
from sfdoctor.probes import join
from sfdoctor.redaction import Redactor

USER_AGENT = f"sfdoctor/{__version__} (Salesforce authentication diagnostics)"
MAX_BODY = 256 * 1024  # an error body is small; a huge answer is not Salesforce's
TRACE_LIMIT = 2000
"""Characters of one ``-v`` trace line kept, counted after redaction."""
GRACE = 1.0
"""Seconds a request may outlive its deadline while its connection is torn down."""
_CHUNK = 64 * 1024


class HttpAnswer(NamedTuple):
    """Whatever the server answered (any status)."""

    url: str
    status: int
    content_type: str
    headers: Mapping[str, str]
    body: str
    elapsed_ms: int


class TransportError(NamedTuple):
    """No usable HTTP answer: ``kind`` is dns, connection, timeout, tls_verify,
    tls_handshake, proxy, truncated (the answer was cut short) or refused_url (nothing
    was sent: the URL may not carry credentials)."""

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
    if isinstance(
        exc, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError
    ):
        return "truncated"
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


# --- the deadline ---------------------------------------------------------------------


class _Deadline:
    """One request's deadline and the sockets it opened, shut down when it passes.

    NOTE: the sockets are only shut down (never closed) from the waiting thread: a read
    blocked in the worker wakes at once, and the worker closes them as it unwinds.
    """

    def __init__(self) -> None:
        self.expired = False
        self._sockets: list[Any] = []
        self._lock = threading.Lock()

    def watch(self, sock: Any) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True  # first: an EOF the shutdown causes is never taken for an end
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: Any) -> None:
    import socket

    try:
        # The plain socket's method, also for TLS sockets: ssl.SSLSocket.shutdown would
        # drop the TLS state under the worker's feet.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except (OSError, TypeError, ValueError):
        pass


_current = threading.local()  # the deadline of the request this worker thread runs
_WATCHED: dict[type, type] = {}
_WATCHED_LOCK = threading.Lock()


def _watched(pool_cls: type) -> type:
    """``pool_cls`` whose connections hand their socket to the running request's deadline."""
    with _WATCHED_LOCK:
        cached = _WATCHED.get(pool_cls)
        if cached is not None:
            return cached
        base: Any = pool_cls.ConnectionCls  # type: ignore[attr-defined]

        class Connection(base):
            def connect(self) -> None:
                try:
                    super().connect()
                finally:
                    deadline = getattr(_current, "deadline", None)
                    if deadline is not None and self.sock is not None:
                        deadline.watch(self.sock)

        pool: type = type(pool_cls.__name__, (pool_cls,), {"ConnectionCls": Connection})
        _WATCHED[pool_cls] = pool
        return pool


def _adapter() -> Any:
    """A requests adapter whose connections (direct, proxied, SOCKS) obey the deadline."""
    from requests.adapters import HTTPAdapter

    def watch(manager: Any) -> Any:
        manager.pool_classes_by_scheme = {
            scheme: _watched(cls) for scheme, cls in manager.pool_classes_by_scheme.items()
        }
        return manager

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            watch(self.poolmanager)

        def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
            return watch(super().proxy_manager_for(proxy, **kwargs))

    return Adapter(max_retries=0)


# --- the transport --------------------------------------------------------------------


def _no_proxy(url: str) -> str | None:
    return None


class Transport:
    """Sends requests for one run: its deadline, its User-Agent, its route, its redacted
    trace.

    ``proxy_for(url)`` names the proxy for a URL (None: direct); ``verify`` is the CA
    bundle (a path, or True for certifi's). Both come from the network stage, so the
    requests go the way it inspected. The environment is not read here (no ``.netrc``
    credentials either).
    """

    def __init__(
        self,
        *,
        timeout: float,
        redactor: Redactor,
        trace: Callable[[str], None] | None = None,
        proxy_for: Callable[[str], str | None] = _no_proxy,
        verify: str | bool = True,
    ) -> None:
        self.timeout = timeout
        self.redactor = redactor
        self.trace = trace
        self.proxy_for = proxy_for
        self.verify = verify
        self._lock = threading.Lock()
        self._sent = 0
        """Requests sent so far: each trace line ends with its request's number (``[#3]``),
        so an answer is paired with its request when requests run side by side."""

    def _number(self) -> str:
        with self._lock:
            self._sent += 1
            return f"[#{self._sent}]"

    def _trace(self, lines: list[str]) -> None:
        if self.trace is not None:
            with self._lock:  # keep one exchange's lines together
                for line in lines:
                    # NOTE: redact the whole line, then cut it: cut first, a secret split at
                    # the cut would no longer match and its first part would show.
                    text = self.redactor(line)
                    if len(text) > TRACE_LIMIT:
                        text = text[:TRACE_LIMIT] + f"\u2026 ({len(text) - TRACE_LIMIT} more)"
                    self.trace(text)

    def request(
        self,
        method: str,
        url: str,
        *,
        data: Mapping[str, str] | str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Outcome:
        """Send one request and return the answer or the transport fault, never raise
        for a network problem. Returns within ``timeout`` (+ :data:`GRACE`) seconds."""
        from sfdoctor.hosts import credential_url_problem, is_loopback, parse_url, shown_url

        number = self._number()
        problem = credential_url_problem(url)
        if problem is not None:
            message = self.redactor(problem)
            self._trace([f"> {method} refused, nothing sent: {message}  {number}"])
            return TransportError(shown_url(url)[1:-1], "refused_url", message, 0)
        target = parse_url(url)
        url = target.url  # NOTE: only the rebuilt URL goes to requests, never the raw text
        proxy = None if is_loopback(target.host) else self.proxy_for(url)
        sent = [f"> {method} {url}" + (" (through a proxy)" if proxy else "") + f"  {number}"]
        if isinstance(data, Mapping):
            from urllib.parse import urlencode

            sent.append(f">   {urlencode(data)}")
        elif isinstance(data, bytes):
            sent.append(f">   {data.decode('utf-8', errors='replace')}")
        elif data:
            sent.append(f">   {data}")
        self._trace(sent)

        deadline = _Deadline()
        box: list[Outcome | BaseException] = []
        start = time.perf_counter()

        def work() -> None:
            _current.deadline = deadline
            try:
                box.append(self._exchange(method, url, data, headers, proxy, deadline, start))
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
                box.append(exc)

        worker = threading.Thread(target=work, name="sfdoctor-http", daemon=True)
        worker.start()
        join(worker, self.timeout)
        if worker.is_alive():
            deadline.expire()
            # NOTE: a worker still stuck (in the resolver, which no socket shutdown wakes)
            # is abandoned: a daemon thread, it ends with its resolver or with the process.
            join(worker, GRACE)
        result = box[0] if box else None
        if isinstance(result, BaseException):
            raise result
        if result is None or (deadline.expired and isinstance(result, TransportError)):
            result = TransportError(
                url,
                "timeout",
                f"no complete answer within {self.timeout:g} s (--timeout bounds the whole "
                "exchange: connection, request and answer)",
                _ms(start),
            )
        if isinstance(result, TransportError):
            self._trace(
                [f"< {result.kind} error after {result.elapsed_ms} ms: {result.message}  {number}"]
            )
        else:
            self._trace(
                [
                    f"< {result.status} {result.content_type} ({result.elapsed_ms} ms)  {number}",
                    f"<   {result.body}",
                ]
            )
        return result

    def _exchange(
        self,
        method: str,
        url: str,
        data: Mapping[str, str] | str | bytes | None,
        headers: Mapping[str, str] | None,
        proxy: str | None,
        deadline: _Deadline,
        start: float,
    ) -> Outcome:
        """The exchange itself, in the worker thread; its sockets obey ``deadline``."""
        import http.client

        import requests
        import urllib3.exceptions

        session = requests.Session()
        session.trust_env = False  # the route is the network stage's, not re-read here
        session.headers["User-Agent"] = USER_AGENT
        adapter = _adapter()
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        body_started = False
        try:
            resp = session.request(
                method,
                url,
                data=data,
                headers=dict(headers or {}),
                timeout=self.timeout,
                allow_redirects=False,
                stream=True,
                proxies={"http": proxy, "https": proxy} if proxy else {},
                verify=self.verify,
            )
            try:
                body_started = True
                raw = _read_body(resp)
            finally:
                resp.close()
            if deadline.expired:  # the end of the body may be the shutdown's doing
                return TransportError(url, "timeout", "deadline passed", _ms(start))
        except requests.exceptions.RequestException as exc:
            kind = "timeout" if deadline.expired else _kind(exc)
            return TransportError(url, kind, _short(exc, self.redactor), _ms(start))
        except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as exc:
            # Outside requests' handler: the body, read from resp.raw, cut short or stalled.
            if deadline.expired or isinstance(exc, TimeoutError | urllib3.exceptions.TimeoutError):
                kind = "timeout"
            else:
                kind = "truncated" if body_started else "connection"
            message = _short(exc, self.redactor)
            if kind == "truncated":
                message = f"the answer was cut short ({message}); none of it was used"
            return TransportError(url, kind, message, _ms(start))
        finally:
            session.close()
        try:
            body = raw.decode(resp.encoding or "utf-8", errors="replace")
        except LookupError:  # a charset Python does not know
            body = raw.decode("utf-8", errors="replace")
        ctype = resp.headers.get("Content-Type", "")
        return HttpAnswer(url, resp.status_code, ctype, dict(resp.headers), body, _ms(start))


def _read_body(resp: Any) -> bytes:
    """Up to :data:`MAX_BODY` bytes of the answer, decoded from gzip and the like; the
    rest, if any, is left unread (the connection is closed after)."""
    chunks: list[bytes] = []
    size = 0
    while size < MAX_BODY:
        chunk = resp.raw.read(min(_CHUNK, MAX_BODY - size), decode_content=True)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _ms(start: float) -> int:
    return int((time.perf_counter() - start) * 1000)


def _short(exc: BaseException, redactor: Redactor) -> str:
    """The useful words of an exception, redacted, then cut to 400 characters."""
    text = redactor(" ".join((str(exc) or type(exc).__name__).split()))
    return text if len(text) <= 400 else text[:399] + "\u2026"
