"""httpx and aiohttp against the simulated org and failing endpoints, and what their users paste.

requests has its own module (test_requests_errors.py); newer Python integrations (async code,
MCP servers, SDKs) use httpx or aiohttp, whose exceptions word the same failures their own
way: aiohttp wraps asyncio's "Connect call failed" in ``ClientConnectorError`` and ends a
request past its deadline with a bare ``TimeoutError``; both print a refused login as a status
line without Salesforce's answer (``raise_for_status()``). The traceback a user would see is
pasted into ``explain``. A name that does not resolve is simulated in ``socket.getaddrinfo``,
so no DNS query leaves the machine.
"""

from __future__ import annotations

import asyncio
import socket
import traceback
from collections.abc import Callable
from typing import Any

import pytest

import sfdoctor
from sfdoctor.simulator import SCENARIOS, serve
from tests.interop.clients import QUERY, TOKEN_PATH, password_grant
from tests.interop.test_simple_salesforce import named

CLIENTS = ("httpx", "aiohttp")
FORM = {"grant_type": "password", "client_id": "id", "client_secret": "s", "username": "u"}


def _httpx(
    url: str, data: dict[str, str] | None, headers: dict[str, str], timeout: float, proxy: str
) -> Any:
    import httpx

    with httpx.Client(timeout=timeout, trust_env=False, proxy=proxy or None) as client:
        if data is None:
            response = client.get(url, headers=headers)
        else:
            response = client.post(url, data=data, headers=headers)
        response.raise_for_status()
        return response.json()


def _aiohttp(
    url: str, data: dict[str, str] | None, headers: dict[str, str], timeout: float, proxy: str
) -> Any:
    import aiohttp

    async def call() -> Any:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
            via = {"proxy": proxy} if proxy else {}
            method = (
                session.get(url, headers=headers, **via)
                if data is None
                else session.post(url, data=data, headers=headers, **via)
            )
            async with method as response:
                response.raise_for_status()
                return await response.json()

    return asyncio.run(call())


CALLS: dict[str, Callable[..., Any]] = {"httpx": _httpx, "aiohttp": _aiohttp}


def request(
    client: str,
    url: str,
    data: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 5,
    proxy: str = "",
) -> tuple[Any, str]:
    """The answer, or the traceback an uncaught exception prints (as the user sees it)."""
    pytest.importorskip(client)
    try:
        return CALLS[client](url, data, headers or {}, timeout, proxy), ""
    except Exception as exc:  # noqa: BLE001 - every failure is what the user would paste
        return None, "".join(traceback.format_exception(exc))


def top(text: str) -> tuple[str | None, str | None]:
    doc = sfdoctor.explain(text).to_dict()
    if not doc["matches"]:
        return None, None
    return doc["matches"][0]["cause"], doc["matches"][0]["confidence"]


@pytest.mark.parametrize("client", CLIENTS)
def test_a_refused_connection_is_a_network_failure(client: str, closed_port: int) -> None:
    _, text = request(client, f"http://127.0.0.1:{closed_port}{TOKEN_PATH}", FORM)
    assert top(text) == ("network_unreachable", "medium"), text


@pytest.mark.parametrize("client", CLIENTS)
def test_no_answer_is_a_timeout(client: str, silent_port: int) -> None:
    _, text = request(client, f"http://127.0.0.1:{silent_port}{TOKEN_PATH}", FORM, timeout=1)
    assert top(text)[0] == "timeout", text


@pytest.mark.parametrize("client", CLIENTS)
def test_a_name_that_does_not_resolve_is_a_dns_failure(
    client: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_such_name(host: str, *args: object, **kwargs: object) -> list[Any]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    _, text = request(client, f"https://acme.my.salesforce.com{TOKEN_PATH}", FORM)
    assert top(text)[0] == "dns_failure", text


@pytest.mark.parametrize("client", CLIENTS)
def test_a_certificate_nobody_trusts_is_a_verification_failure(
    client: str, untrusted_tls_port: int
) -> None:
    _, text = request(client, f"https://127.0.0.1:{untrusted_tls_port}{TOKEN_PATH}", FORM)
    assert "CERTIFICATE_VERIFY_FAILED" in text, text
    assert top(text)[0] == "tls_verification_failed", text


def test_a_tls_version_the_server_refuses_is_tls_unsupported(tls13_only_port: int) -> None:
    # httpx with a context capped at TLS 1.2, as an old runtime is capped below what the
    # server accepts.
    httpx = pytest.importorskip("httpx")
    import ssl

    ctx = ssl.create_default_context()
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    try:
        httpx.post(f"https://127.0.0.1:{tls13_only_port}{TOKEN_PATH}", data=FORM, verify=ctx)
    except httpx.HTTPError as exc:
        text = "".join(traceback.format_exception(exc))
    else:
        pytest.fail("a TLS 1.2 client reached a TLS 1.3-only server")
    assert top(text)[0] == "tls_unsupported", text


@pytest.mark.parametrize("client", CLIENTS)
def test_a_proxy_refusing_the_tunnel_is_a_proxy_error(
    client: str, refusing_proxy: Callable[[bytes], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the proxy is connected to; a lookup of the Salesforce host would be a bug here.
    real = socket.getaddrinfo

    def loopback_only(host: str, *args: Any, **kwargs: Any) -> Any:
        assert host in ("127.0.0.1", "localhost"), f"looked up {host}"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)
    proxy = refusing_proxy(b"HTTP/1.1 403 Forbidden")
    _, text = request(client, f"https://login.salesforce.com{TOKEN_PATH}", FORM, proxy=proxy)
    assert "403" in text, text
    assert top(text) == ("proxy_error", "medium"), text


@pytest.mark.parametrize("client", CLIENTS)
def test_a_refused_login_without_its_body_claims_nothing(client: str) -> None:
    # raise_for_status() keeps the status and drops Salesforce's JSON: explain lists the
    # candidates at low confidence, the real one among them.
    scenario = SCENARIOS["wrong-password"]
    with serve(scenario.org()) as running:
        form = password_grant(scenario, scenario.env(running.url))
        _, text = request(client, running.url + TOKEN_PATH, form)
    assert "400" in text, text
    assert top(text) == ("ambiguous_auth_failure", "low"), text
    assert "invalid_credentials" in named(text)


@pytest.mark.parametrize("client", CLIENTS)
def test_a_query_on_a_revoked_session_is_an_invalid_session(client: str) -> None:
    scenario = SCENARIOS["session-revoked"]
    with serve(scenario.org()) as running:
        form = password_grant(scenario, scenario.env(running.url))
        token, text = request(client, running.url + TOKEN_PATH, form)
        assert token is not None, text
        url = f"{token['instance_url']}/services/data/v59.0/query?q={QUERY}"
        bearer = {"Authorization": f"Bearer {token['access_token']}"}
        rows, text = request(client, url, headers=bearer)
    assert rows is None and "401" in text, text
    assert top(text)[0] == "session_invalid", text
