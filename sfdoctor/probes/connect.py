"""The connection a login would use, opened one step at a time; nothing is sent over it.

DNS, the TCP connection (to the host or to the proxy), the proxy's ``CONNECT``, the TLS
handshake, each timed, each fault a :class:`Fault` value rather than an exception. No HTTP
request ever travels inside the TLS connection, let alone a credential: the caller
(:mod:`sfdoctor.check.network`) decides from these steps whether the login may go ahead.

The standard library only (``socket``, ``ssl``); ``certifi`` is asked where requests' CA
bundle lives, so the handshake trusts exactly what the login will trust.
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import NamedTuple

from sfdoctor.probes import join

MAX_PROXY_ANSWER = 64 * 1024  # a CONNECT answer is a status line and a few headers


class Fault(NamedTuple):
    """A step that failed. ``kind``: dns, refused, unreachable, timeout, reset, not_http (a
    proxy that does not speak HTTP), tls_verify, tls_protocol, not_tls, tls."""

    kind: str
    message: str
    elapsed_ms: int


class Resolved(NamedTuple):
    """The addresses a host name resolved to."""

    addresses: tuple[tuple[int, tuple], ...]
    """(address family, socket address) pairs, in the resolver's order."""
    elapsed_ms: int

    @property
    def shown(self) -> tuple[str, ...]:
        """The addresses as text, without duplicates."""
        return tuple(dict.fromkeys(str(sa[0]) for _, sa in self.addresses))


class Connected(NamedTuple):
    """An open TCP connection; the caller closes ``sock``."""

    sock: socket.socket
    peer: str
    elapsed_ms: int


class ProxyAnswer(NamedTuple):
    """The proxy's answer to ``CONNECT``: 200 opens the tunnel (``sock`` stays open)."""

    status: int
    reason: str
    headers: Mapping[str, str]
    elapsed_ms: int


class CertInfo(NamedTuple):
    """What a certificate says about itself (read, never trusted, by this module)."""

    subject_cn: str
    subject_o: str
    issuer_cn: str
    issuer_o: str
    not_after: datetime | None
    self_signed: bool

    @property
    def subject(self) -> str:
        return _name(self.subject_cn, self.subject_o)

    @property
    def issuer(self) -> str:
        return _name(self.issuer_cn, self.issuer_o)


class TlsInfo(NamedTuple):
    """A verified handshake: the protocol, the cipher and the certificate."""

    version: str
    cipher: str
    cert: CertInfo | None
    elapsed_ms: int


def _ms(start: float) -> int:
    return int((time.perf_counter() - start) * 1000)


def _name(cn: str, o: str) -> str:
    parts = [f"CN={cn}"] if cn else []
    if o:
        parts.append(f"O={o}")
    return ", ".join(parts) or "(empty name)"


def resolve(host: str, port: int, timeout: float) -> Resolved | Fault:
    """Resolve ``host`` as the login would, within ``timeout`` seconds."""
    import threading

    # NOTE: getaddrinfo takes no timeout; it runs in a daemon thread that is abandoned,
    # not joined, when the resolver hangs (it ends by itself, the process need not wait).
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["ok"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            box["error"] = exc

    start = time.perf_counter()
    worker = threading.Thread(target=work, name="sfdoctor-dns", daemon=True)
    worker.start()
    join(worker, timeout)
    if worker.is_alive():
        return Fault("timeout", f"no DNS answer within {timeout:g} s", _ms(start))
    if "error" in box:
        exc = box["error"]
        message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return Fault("dns", message or type(exc).__name__, _ms(start))
    infos = box.get("ok") or []
    addresses = tuple((int(family), sa) for family, _, _, _, sa in infos)  # type: ignore[attr-defined]
    if not addresses:
        return Fault("dns", "no address", _ms(start))
    return Resolved(addresses, _ms(start))


def open_tcp(resolved: Resolved, timeout: float) -> Connected | Fault:
    """Connect to the first address that answers, like ``socket.create_connection``,
    within ``timeout`` seconds in all."""
    import errno

    start = time.perf_counter()
    deadline = start + timeout
    fault = Fault("unreachable", "no address to connect to", 0)
    for family, sa in resolved.addresses:
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(left)
        try:
            sock.connect(sa)
        except TimeoutError:
            sock.close()
            fault = Fault("timeout", f"no answer from {sa[0]}:{sa[1]} within {timeout:g} s", 0)
        except ConnectionRefusedError:
            sock.close()
            fault = Fault("refused", f"{sa[0]}:{sa[1]} refused the connection", 0)
        except OSError as exc:
            sock.close()
            unreachable = exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH)
            reason = "unreachable" if unreachable else (exc.strerror or str(exc))
            fault = Fault("unreachable", f"{sa[0]}:{sa[1]}: {reason}", 0)
        else:
            return Connected(sock, f"{sa[0]}:{sa[1]}", _ms(start))
    return fault._replace(elapsed_ms=_ms(start))


def proxy_connect(
    sock: socket.socket,
    host: str,
    port: int,
    *,
    headers: Mapping[str, str],
    timeout: float,
) -> ProxyAnswer | Fault:
    """Ask the proxy on ``sock`` for a tunnel to ``host:port``: ``CONNECT`` and its
    ``headers`` (a ``Proxy-Authorization`` among them, never shown), nothing else."""
    target = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    lines = [f"CONNECT {target} HTTP/1.1", f"Host: {target}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    start = time.perf_counter()
    deadline = start + timeout
    sock.settimeout(timeout)
    try:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        raw = b""
        # NOTE: read byte chunks only up to the blank line; the proxy sends nothing after
        # it before the TLS handshake starts, so no byte of the tunnel is swallowed. Each
        # read waits only for what is left of ``timeout``: a proxy that answers one byte
        # at a time cannot hold the check longer than that.
        while b"\r\n\r\n" not in raw:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError
            sock.settimeout(left)
            chunk = sock.recv(4096)
            if not chunk:
                break
            raw += chunk
            if len(raw) > MAX_PROXY_ANSWER:
                break
    except TimeoutError:
        return Fault("timeout", f"no answer to CONNECT within {timeout:g} s", _ms(start))
    except OSError as exc:
        return Fault("reset", exc.strerror or str(exc), _ms(start))
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1", errors="replace")
    status_line, *header_lines = head.split("\r\n")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        what = repr(status_line[:80]) if status_line else "nothing"
        return Fault("not_http", f"the proxy answered CONNECT with {what}", _ms(start))
    answer_headers: dict[str, str] = {}
    for line in header_lines:
        name, sep, value = line.partition(":")
        if sep:
            key = name.strip().lower()
            value = value.strip()
            answer_headers[key] = (
                f"{answer_headers[key]}, {value}" if key in answer_headers else value
            )
    reason = parts[2] if len(parts) > 2 else ""
    return ProxyAnswer(int(parts[1]), reason, answer_headers, _ms(start))


MAX_CA_BUNDLE = 16 * 1024 * 1024
"""The largest CA bundle read (the system's is well under 1 MiB)."""


def verify_context(cafile: str | None) -> ssl.SSLContext:
    """The context requests would verify with: ``cafile`` (a file or a directory), else
    the system's default paths. May raise ``OSError`` for a bundle that cannot be read.

    NOTE: the bundle is read here, not by OpenSSL: a FIFO or a device named by
    ``REQUESTS_CA_BUNDLE`` once blocked the run in open(2), past every deadline and Ctrl-C.
    Only a regular file (opened without blocking) of at most :data:`MAX_CA_BUNDLE` is read.
    """
    import os
    import stat

    if cafile and os.path.isdir(cafile):
        return ssl.create_default_context(capath=cafile)
    if not cafile:
        return ssl.create_default_context()
    fd = os.open(cafile, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise OSError(f"{cafile} is not a regular file")
        data = f.read(MAX_CA_BUNDLE + 1)
    if len(data) > MAX_CA_BUNDLE:
        raise OSError(f"{cafile} is larger than {MAX_CA_BUNDLE // (1024 * 1024)} MiB")
    # PEM text (what requests reads); DER bytes are taken as they are.
    pem = b"-----BEGIN" in data
    return ssl.create_default_context(cadata=data.decode("latin-1") if pem else data)


def handshake(
    sock: socket.socket, host: str, context: ssl.SSLContext, timeout: float
) -> TlsInfo | Fault:
    """The TLS handshake on ``sock`` (verification as ``context`` says); closes the
    connection afterwards without sending anything over it."""
    start = time.perf_counter()
    sock.settimeout(timeout)
    try:
        tls = context.wrap_socket(sock, server_hostname=host)
    except ssl.SSLCertVerificationError as exc:
        sock.close()
        return Fault("tls_verify", _ssl_text(exc), _ms(start))
    except ssl.SSLError as exc:
        sock.close()
        return Fault(_ssl_kind(exc), _ssl_text(exc), _ms(start))
    except TimeoutError:
        sock.close()
        return Fault("timeout", f"no TLS handshake within {timeout:g} s", _ms(start))
    except OSError as exc:
        sock.close()
        return Fault("reset", f"during the TLS handshake: {exc.strerror or exc}", _ms(start))
    elapsed = _ms(start)
    try:
        der = tls.getpeercert(binary_form=True)
        cipher = tls.cipher()
        return TlsInfo(
            tls.version() or "?",
            cipher[0] if cipher else "?",
            parse_certificate(der) if der else None,
            elapsed,
        )
    finally:
        tls.close()


def peek_certificate(sock: socket.socket, host: str, timeout: float) -> CertInfo | None:
    """The certificate ``host`` presents on ``sock``, read with verification OFF.

    NOTE: only ever called after a verified handshake has failed, to say *who* presented
    the untrusted certificate (a corporate proxy's CA, a self-signed server). The
    connection is closed right after the handshake: nothing, no HTTP request and no
    credential, is sent over it.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    sock.settimeout(timeout)
    try:
        with context.wrap_socket(sock, server_hostname=host) as tls:
            der = tls.getpeercert(binary_form=True)
    except (OSError, ValueError):
        sock.close()
        return None
    return parse_certificate(der) if der else None


_PROTOCOL_REASONS = (
    "UNSUPPORTED_PROTOCOL",
    "PROTOCOL_VERSION",
    "NO_PROTOCOLS_AVAILABLE",
    "HANDSHAKE_FAILURE",
    "NO_SHARED_CIPHER",
    "NO_CIPHERS_AVAILABLE",
    "NO_SUITABLE",
    "INSUFFICIENT_SECURITY",
    "VERSION_TOO_LOW",
)


def _ssl_kind(exc: ssl.SSLError) -> str:
    reason = str(exc.reason or "")
    if isinstance(exc, ssl.SSLEOFError | ssl.SSLZeroReturnError):
        return "reset"
    if any(r in reason for r in _PROTOCOL_REASONS):
        return "tls_protocol"
    if "WRONG_VERSION_NUMBER" in reason or "HTTP_REQUEST" in reason or "RECORD_LAYER" in reason:
        return "not_tls"
    return "tls"


def _ssl_text(exc: ssl.SSLError) -> str:
    """OpenSSL's words without the decoration: ``[SSL: X] words (_ssl.c:1006)`` -> words."""
    if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_message:
        return str(exc.verify_message)
    text = str(exc)
    if "] " in text:
        text = text.split("] ", 1)[1]
    return text.split(" (_ssl.c:", 1)[0].strip() or type(exc).__name__


# --- a minimal X.509 reader ---------------------------------------------------------
# NOTE: the ssl module parses a certificate only when it was verified; after a failed
# verification only the DER bytes are available. These few lines read the issuer, the
# subject and the expiry from them (no dependency on the cryptography package).

_CN = bytes.fromhex("550403")  # 2.5.4.3 commonName
_O = bytes.fromhex("55040a")  # 2.5.4.10 organizationName


def _tlv(data: bytes, i: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the DER element at ``i``."""
    tag = data[i]
    length = data[i + 1]
    i += 2
    if length & 0x80:
        n = length & 0x7F
        length = int.from_bytes(data[i : i + n], "big")
        i += n
    if i + length > len(data):
        raise ValueError("truncated DER")
    return tag, i, i + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out = []
    while start < end:
        tag, s, e = _tlv(data, start)
        out.append((tag, s, e))
        start = e
    return out


def _text(tag: int, raw: bytes) -> str:
    if tag == 0x1E:  # BMPString
        return raw.decode("utf-16-be", errors="replace")
    return raw.decode("utf-8" if tag == 0x0C else "latin-1", errors="replace")


def _read_name(data: bytes, start: int, end: int) -> tuple[str, str]:
    cn = o = ""
    for _, s, e in _children(data, start, end):  # SET OF AttributeTypeAndValue
        for _, s2, e2 in _children(data, s, e):  # SEQUENCE { type, value }
            (_, os_, oe), (vtag, vs, ve) = _children(data, s2, e2)[:2]
            oid = data[os_:oe]
            if oid == _CN and not cn:
                cn = _text(vtag, data[vs:ve])
            elif oid == _O and not o:
                o = _text(vtag, data[vs:ve])
    return cn, o


def _read_time(tag: int, raw: bytes) -> datetime:
    text = raw.decode("ascii").rstrip("Z")
    if tag == 0x17:  # UTCTime: YYMMDDHHMM[SS]
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    fmt = "%Y%m%d%H%M%S" if len(text) >= 14 else "%Y%m%d%H%M"
    return datetime.strptime(text[:14], fmt).replace(tzinfo=UTC)


def parse_certificate(der: bytes) -> CertInfo | None:
    """Subject, issuer and expiry of a DER certificate; None if it cannot be read."""
    try:
        _, cs, ce = _tlv(der, 0)  # Certificate
        _, ts, te = _children(der, cs, ce)[0]  # TBSCertificate
        fields = _children(der, ts, te)
        if fields and fields[0][0] == 0xA0:  # [0] version
            fields = fields[1:]
        # serialNumber, signature, issuer, validity, subject
        issuer, validity, subject = fields[2], fields[3], fields[4]
        issuer_cn, issuer_o = _read_name(der, issuer[1], issuer[2])
        subject_cn, subject_o = _read_name(der, subject[1], subject[2])
        times = _children(der, validity[1], validity[2])
        tag, s, e = times[1]
        not_after: datetime | None = _read_time(tag, der[s:e])
    except (IndexError, ValueError, UnicodeDecodeError):
        return None
    same = der[issuer[1] : issuer[2]] == der[subject[1] : subject[2]]
    return CertInfo(subject_cn, subject_o, issuer_cn, issuer_o, not_after, same)
