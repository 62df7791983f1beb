"""Network, DNS, TLS, proxy and timeout failures as the platforms word them, in the languages
they ship (fixtures/catalogs/localized-transport.jsonl: each text verbatim from its source), and
the runtimes' own certificate and timeout strings (fixtures/catalogs/runtime-transport.jsonl:
each attested in the runtime's source or a pasted error).

A German or Chinese Windows prints .NET's and WinSock's messages in its own language; a
support engineer pastes them as they are. Each is read as the same cause as its English
original, and a connector's own words around them do not change that.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import sfdoctor

CATALOGS = Path(__file__).resolve().parent.parent / "fixtures" / "catalogs"


def _rows(name: str) -> list[dict[str, Any]]:
    text = (CATALOGS / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line]


LOCALIZED = _rows("localized-transport.jsonl")
RUNTIME = _rows("runtime-transport.jsonl")
ROWS = LOCALIZED + RUNTIME


def top(text: str) -> tuple[str | None, str | None]:
    matches = sfdoctor.explain(text).to_dict()["matches"]
    return (matches[0]["cause"], matches[0]["signature"]) if matches else (None, None)


@pytest.mark.parametrize(
    "row", ROWS, ids=[f"{r['key']}-{r['language']}-{i}" for i, r in enumerate(ROWS)]
)
def test_each_platform_message_names_its_cause(row: dict[str, Any]) -> None:
    assert top(row["text"])[0] == row["cause"]


def test_the_catalog_covers_several_languages_and_cites_every_source() -> None:
    assert {r["language"] for r in LOCALIZED} >= {
        "en",
        "de",
        "fr",
        "es",
        "it",
        "ja",
        "ko",
        "zh-CN",
        "ru",
        "nl",
        "sv",
        "pl",
        "tr",
        "pt-BR",
        "pt-PT",
        "zh-TW",
    }
    assert all(r["source"].startswith("https://") for r in ROWS)


def test_the_c_librarys_words_are_read_in_every_language_it_ships() -> None:
    """Linux's C library prints strerror() and getaddrinfo() errors in the machine's
    language, and Python, curl and Java pass them on as they are (glibc's po files)."""
    libc = {(r["key"], r["language"]) for r in LOCALIZED if r["key"].startswith("linux.")}
    assert len(libc) >= 80
    python = (
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='login.salesforce.com', "
        "port=443): Max retries exceeded with url: /services/oauth2/token (Caused by "
        "NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f3a>: Failed to "
        "establish a new connection: [Errno -3] Temporärer Fehler bei der Namensauflösung'))"
    )
    assert top(python)[0] == "dns_failure"
    curl = "curl: (56) Recv failure: 接続が相手からリセットされました"
    assert top(curl)[0] == "network_unreachable"
    assert top("java.net.ConnectException: Connexion refusée")[0] == "network_unreachable"


HOSTED = [r for r in LOCALIZED if "example.com" in r["text"]]


@pytest.mark.parametrize("row", HOSTED, ids=[f"{r['key']}-{r['language']}" for r in HOSTED])
def test_a_browser_page_reads_the_same_whatever_host_it_names(row: dict[str, Any]) -> None:
    """Chrome puts the host the user typed into its sentence (example.com in the catalog):
    the pattern must not hold the host, nor need a space after it (Korean glues a particle
    to it: "acme.my.salesforce.com에서")."""
    assert top(row["text"].replace("example.com", "acme.my.salesforce.com"))[0] == row["cause"]


def test_the_english_pages_are_read_whatever_host_they_name() -> None:
    chrome = (
        "Attackers might be trying to steal your information from acme.my.salesforce.com "
        "(for example, passwords, messages or credit cards)"
    )
    apple = (
        "The certificate for this server is invalid. You might be connecting to a server that "
        "is pretending to be “acme.my.salesforce.com” which could put your confidential "
        "information at risk."
    )
    assert top(chrome)[0] == top(apple)[0] == "tls_verification_failed"


@pytest.mark.parametrize(
    "text",
    [
        # "Connexion" is also a sign-in, "ligação" also a link: the short words count only
        # where they end the message, as strerror() prints them.
        "Erreur de connexion Salesforce : Connexion refusée par l'administrateur",
        "Ligação expirada",
    ],
)
def test_short_translated_words_used_otherwise_name_no_transport_cause(text: str) -> None:
    assert top(text)[0] is None


def test_a_localized_windows_message_inside_a_stack_trace() -> None:
    text = (
        "System.Net.WebException: Die zugrunde liegende Verbindung wurde geschlossen: "
        "Unerwarteter Fehler beim Senden. ---> System.IO.IOException\n"
        "   bei System.Net.HttpWebRequest.GetResponse()"
    )
    assert top(text)[0] == "tls_unsupported"


def test_a_localized_name_failure_keeps_the_host_out_of_the_pattern() -> None:
    assert (
        top("Der Remotename konnte nicht aufgelöst werden: 'acme.my.salesforce.com'")[0]
        == "dns_failure"
    )
    assert top("未能解析此远程名称: 'login.salesforce.com'")[0] == "dns_failure"


def test_the_runtimes_certificate_strings_are_verification_failures() -> None:
    # OpenSSL's X509 texts, CPython's hostname check, Java's, Go's, rustls': each a
    # certificate the client refused, whatever the runtime.
    assert {r["runtime"] for r in RUNTIME} >= {"OpenSSL", "CPython", "Java", "Go", "rustls"}
    text = "ssl.CertificateError: hostname 'acme.my.salesforce.com' doesn't match '*.corp'"
    assert top(text)[0] == "tls_verification_failed"
    assert top("AxiosError: timeout of 30000ms exceeded")[0] == "timeout"


def test_more_words_for_a_failure_keep_its_candidates() -> None:
    # The translated words share the English signature's candidates (signatures.toml `like`).
    doc = sfdoctor.explain("Die zugrunde liegende Verbindung wurde geschlossen: Unerwarteter "
                           "Fehler beim Senden.").to_dict()["matches"][0]  # fmt: skip
    assert doc["signature"] == "transport.text_tls_handshake_translated"
    assert doc["confidence"] == "medium"
    assert [c["cause"] for c in doc["candidates"]][:2] == ["tls_unsupported", "proxy_error"]


def test_winhttps_secure_channel_error_is_a_client_without_tls_1_2() -> None:
    """Excel VBA, Delphi and AutoHotkey call Salesforce through WinHTTP, which on Windows 7
    offers at most TLS 1.1 unless told otherwise: error 12157 (0x80072F7D), in the words of
    the machine's language."""
    vba = (
        "Run-time error '-2147012739 (80072f7d)':\nAn error occurred in the secure channel support"
    )
    assert top(vba) == ("tls_unsupported", "transport.winhttp_secure_channel_error")
    ja = "セキュリティで保護されたチャネル サポートでエラーが発生しました"
    assert top(ja)[0] == "tls_unsupported"


def test_dotnets_tls_wrappers_say_handshake_unless_trust_failed() -> None:
    """SslStream's 'Authentication failed, see inner exception.' is a failed TLS handshake,
    not a refused login; with WebExceptionStatus.TrustFailure it is the certificate."""
    outer = (
        "System.Security.Authentication.AuthenticationException: Authentication failed, "
        "see inner exception."
    )
    assert top(outer) == ("tls_unsupported", "transport.text_tls_handshake")
    mono = f"System.Net.WebException: Error: TrustFailure ({outer.split(': ', 1)[1]})"
    assert top(mono)[0] == "tls_verification_failed"
    assert top("Authentication failed")[0] == "ambiguous_auth_failure"


def test_a_peer_that_hung_up_is_read_through_fetch_httpx_and_aiohttp() -> None:
    """undici (Node's fetch), httpx and aiohttp each word a connection the other end closed
    before answering in their own way; prose with the same words is not a transport error."""
    fetch = (
        "TypeError: fetch failed\n    at node:internal/deps/undici/undici:13510:13 {\n"
        "  [cause]: SocketError: other side closed\n"
        "      at TLSSocket.onSocketEnd (node:internal/deps/undici/undici:6104:26) {\n"
        "    code: 'UND_ERR_SOCKET'\n  }\n}"
    )
    assert top(fetch) == ("network_unreachable", "transport.text_reset")
    assert top("The other side closed the discussion")[0] is None


@pytest.mark.parametrize(
    "text",
    [
        "ssl.SSLError: [SSL: UNSAFE_LEGACY_RENEGOTIATION_DISABLED] unsafe legacy renegotiation "
        "disabled (_ssl.c:1006)",
        "write EPROTO C057DCF6287F0000:error:0A000152:SSL routines:final_renegotiate:unsafe "
        "legacy renegotiation disabled",
    ],
)
def test_openssl_3s_renegotiation_refusal_points_at_the_device_in_the_path(text: str) -> None:
    """Salesforce supports secure renegotiation, so the peer without it is a TLS-inspecting
    proxy or firewall: a proxy_error whose note says so, not 'upgrade your runtime'."""
    match = sfdoctor.explain(text).matches[0]
    assert (match.cause, match.signature) == (
        "proxy_error",
        "transport.unsafe_legacy_renegotiation",
    )
    assert match.confidence == "medium"


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        ("System.Net.Http.HttpRequestException : An error occurred while sending the request.\n"
         "---- System.Net.Http.WinHttpException : Error 12007 calling "
         "WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, 'The server name or address could not be "
         "resolved'.", "dns_failure"),
        ("WinHttpException: A connection with the server could not be established",
         "network_unreachable"),
        ("System.Net.Http.WinHttpException (0x80072F8F): A security error occurred",
         "tls_verification_failed"),
    ],
)  # fmt: skip
def test_winhttps_own_words_name_the_failure(text: str, cause: str) -> None:
    """WinHTTP's messages for a failed lookup (12007), connection (12029) and secure channel
    (12175), as .NET's WinHttpHandler prints them (dotnet/runtime#45939, eShopOnContainers
    #278, dotnet/corefx#29687)."""
    assert top(text)[0] == cause


def test_winhttps_words_that_say_little_need_their_context() -> None:
    # 'A security error occurred' alone is any program's; with WinHTTP's name it is 12175,
    # listed with the handshake; a refused connection says where WinHTTP's proxy is set.
    assert top("A security error occurred")[0] is None
    doc = sfdoctor.explain("WinHttpException: A security error occurred").to_dict()["matches"][0]
    assert doc["confidence"] == "medium"
    assert [c["cause"] for c in doc["candidates"]] == ["tls_verification_failed", "tls_unsupported"]
    refused = sfdoctor.explain("WinHttpException: A connection with the server could not be "
                               "established").to_dict()["matches"][0]  # fmt: skip
    assert "netsh winhttp show proxy" in refused["note"]
