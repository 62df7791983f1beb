"""Salesforce's own messages in the user's language, without their codes
(fixtures/catalogs/localized-salesforce.jsonl: each verbatim from its source, with the source's
kind: Salesforce's text, or a vendor's machine translation of it that its users read).

Salesforce words a SOAP fault in the language of the user who logged in; a wrapper that
prints only the message leaves the support engineer with the words alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import sfdoctor

CATALOG = Path(__file__).resolve().parent.parent / "fixtures" / "catalogs"
ROWS = [
    json.loads(line)
    for line in (CATALOG / "localized-salesforce.jsonl").read_text(encoding="utf-8").splitlines()
    if line
]


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['key']}-{r['language']}" for r in ROWS])
def test_each_translated_message_names_its_cause(row: dict[str, Any]) -> None:
    match = sfdoctor.explain(row["text"]).matches[0]
    assert (match.cause, match.signature) == (row["cause"], row["signature"])


def test_a_translated_invalid_login_keeps_its_candidates() -> None:
    """INVALID_LOGIN covers several causes in any language: medium, with Login History's
    word for each."""
    doc = sfdoctor.explain(
        "ユーザ名、パスワード、セキュリティトークンが無効か、ユーザがロックされています。"
    ).to_dict()["matches"][0]
    assert doc["confidence"] == "medium"
    causes = [c["cause"] for c in doc["candidates"]]
    assert causes[:3] == [
        "invalid_credentials",
        "security_token_required",
        "security_token_invalid",
    ]


def test_a_code_glued_to_chinese_words_is_still_a_code() -> None:
    """\\b sees no boundary between a CJK character and a letter: "超過TotalRequests限制"."""
    assert sfdoctor.explain("超過TotalRequests限制").cause == "request_limit_exceeded"
    assert sfdoctor.explain("TotalRequestsX Limit").cause is None


def test_the_catalog_cites_every_source_and_says_what_kind_it_is() -> None:
    assert all(r["source"].startswith("https://") for r in ROWS)
    assert {r["runtime"] for r in ROWS} == {"Salesforce", "Marketo (machine-translated)"}
    assert {r["language"] for r in ROWS} >= {"ja", "fr", "de", "es", "it", "nl", "zh-CN", "zh-TW"}
