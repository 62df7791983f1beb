"""Network, DNS, TLS, proxy and timeout failures as the platforms word them, in the languages
they ship (fixtures/catalogs/localized-transport.jsonl: each text verbatim from its source).

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

CATALOG = (
    Path(__file__).resolve().parent.parent / "fixtures" / "catalogs" / "localized-transport.jsonl"
)
ROWS = [json.loads(line) for line in CATALOG.read_text(encoding="utf-8").splitlines() if line]


def top(text: str) -> tuple[str | None, str | None]:
    matches = sfdoctor.explain(text).to_dict()["matches"]
    return (matches[0]["cause"], matches[0]["signature"]) if matches else (None, None)


@pytest.mark.parametrize(
    "row", ROWS, ids=[f"{r['key']}-{r['language']}-{i}" for i, r in enumerate(ROWS)]
)
def test_each_platform_message_names_its_cause(row: dict[str, Any]) -> None:
    assert top(row["text"])[0] == row["cause"]


def test_the_catalog_covers_several_languages_and_cites_every_source() -> None:
    assert {r["language"] for r in ROWS} >= {
        "en",
        "de",
        "fr",
        "es",
        "it",
        "ja",
        "ko",
        "zh-CN",
        "ru",
    }
    assert all(r["source"].startswith("https://") for r in ROWS)


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
