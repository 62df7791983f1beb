"""Serve a simulated org over HTTP on 127.0.0.1, in a background thread.

>>> with serve(org) as running:                     # doctest: +SKIP
...     requests.post(running.url + "/services/oauth2/token", data={...})
...     running.login_attempts, running.log

Standard library only. Every request is answered, whatever it holds: a body whose framing
cannot be trusted (:mod:`~sfdoctor.simulator.wire`) gets a plain-text 400, 408, 413 or 501
and a closed connection; a body that is read but cannot be parsed gets the endpoint's own
error answer; and a bug in the simulator gets a plain-text 500 that says so (never an
answer that pretends to be Salesforce's).
"""

from __future__ import annotations

import socket
import sys
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sfdoctor.simulator.org import Org
from sfdoctor.simulator.responses import Answer
from sfdoctor.simulator.routes import Request, Routed, bearer_token, dispatch, masked
from sfdoctor.simulator.wire import BodyError, read_body

MAX_BODY = 1024 * 1024
"""Request bodies beyond this many bytes are not read: 413, and the connection is closed."""

BODY_TIMEOUT = 10.0
"""Seconds a request body may take to arrive before the org answers 408 and hangs up."""

MAX_LOG = 10_000
"""Requests the running org remembers (the oldest are forgotten first)."""
HOST = "127.0.0.1"


@dataclass(frozen=True)
class LogEntry:
    """One request as the org saw it. Holds no secret: passwords, security tokens, client
    secrets and access tokens are masked or never recorded."""

    method: str
    path: str
    kind: str
    status: int
    fields: dict[str, str] = field(default_factory=dict)
    authorized: bool = False
    """Whether the request presented an access token (its value is not kept)."""
    login_attempt: bool = False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    running: RunningOrg

    def server_bind(self) -> None:
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().server_bind()

    # Open connections are tracked so that stop() also ends keep-alive connections: a
    # stopped org must not go on answering a client that kept its connection.
    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the client


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sfdoctor-simulator"
    sys_version = ""
    timeout = 30  # an idle keep-alive connection frees its thread after this
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass  # the org keeps its own log; nothing on stderr

    def date_time_string(self, timestamp: float | None = None) -> str:
        # The Date header tells the org's clock: a skewed org shows what a client whose
        # clock drifts sees (JWT assertions are judged by Salesforce's clock).
        if timestamp is None:
            timestamp = time.time() + self.server.running.org.clock_skew
        return super().date_time_string(timestamp)

    def _refuse(self, error: BodyError) -> None:
        # The body cannot be trusted, so neither can what follows it on this connection.
        self.close_connection = True
        self.server.running._record_refusal(self.command, urlsplit(self.path).path, error)
        data = f"sfdoctor simulator: {error.reason}\n".encode()
        self.send_response(error.status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _handle(self) -> None:
        running = self.server.running
        split = urlsplit(self.path)
        previous = self.connection.gettimeout()
        self.connection.settimeout(BODY_TIMEOUT)
        try:
            body = read_body(self.headers, self.rfile, MAX_BODY)
        except BodyError as error:
            self._refuse(error)
            return
        finally:
            self.connection.settimeout(previous)
        request = Request(
            method=self.command,
            path=split.path,
            query=dict(parse_qsl(split.query, keep_blank_values=True)),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        answer = running._answer(request)
        if running.delay > 0:
            time.sleep(running.delay)
        data = answer.body.encode("utf-8")
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in answer.headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


class RunningOrg:
    """A simulated org being served; a context manager that stops the server on exit."""

    def __init__(self, org: Org, server: _Server, delay: float) -> None:
        self.org = org
        self.delay = delay
        self._server = server
        self._lock = threading.Lock()
        # NOTE: bounded: `sfdoctor simulate` serves for as long as it is left running.
        self._log: deque[LogEntry] = deque(maxlen=MAX_LOG)
        self._login_attempts = 0
        port = server.server_address[1]
        self.url = f"http://{HOST}:{port}"
        """The login URL, also the instance URL and the identity host."""
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"sfdoctor-simulator-{port}",
            daemon=True,
        )
        self._stopped = False

    @property
    def log(self) -> list[LogEntry]:
        """The requests so far, oldest first (a copy): the last :data:`MAX_LOG` of them."""
        with self._lock:
            return list(self._log)

    @property
    def login_attempts(self) -> int:
        """POSTs to the token endpoint and to SOAP ``login()`` so far (all of them, also
        those older than the log keeps)."""
        with self._lock:
            return self._login_attempts

    def _answer(self, request: Request) -> Answer:
        with self._lock:  # the org changes with each request: one at a time
            try:
                routed = dispatch(self.org, self.url, request)
            except Exception:
                traceback.print_exc(file=sys.stderr)
                routed = Routed(
                    Answer(
                        500, "text/plain; charset=utf-8", "sfdoctor simulator: internal error\n"
                    ),
                    "simulator_error",
                )
            # Client credentials in a Basic header are no access token.
            authorized = bearer_token(request) is not None
            self._login_attempts += bool(routed.login_attempt)
            self._log.append(
                LogEntry(
                    method=request.method,
                    path=request.path,
                    kind=routed.kind,
                    status=routed.answer.status,
                    fields=masked(dict(routed.fields)),
                    authorized=authorized,
                    login_attempt=routed.login_attempt,
                )
            )
        return routed.answer

    def _record_refusal(self, method: str, path: str, error: BodyError) -> None:
        """Log a request refused before the org saw it (its body could not be read)."""
        with self._lock:
            self._log.append(LogEntry(method, path, "bad_request", error.status))

    def stop(self) -> None:
        """Stop serving and release the port (idempotent)."""
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()
        self._thread.join(timeout=5)

    def __enter__(self) -> RunningOrg:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve(org: Org, *, port: int = 0, delay: float = 0.0) -> RunningOrg:
    """Start serving ``org`` on 127.0.0.1 (``port`` 0: any free port) and return at once.

    ``delay`` seconds are slept before every answer (latency for benchmarks). Use the
    result as a context manager, or call :meth:`RunningOrg.stop`.
    """
    server = _Server((HOST, port), _Handler)
    running = RunningOrg(org, server, delay)
    server.running = running
    running._thread.start()
    return running
