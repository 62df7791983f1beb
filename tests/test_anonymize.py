"""--anonymize: the optional second layer of the redaction choke point."""

from __future__ import annotations

import pytest

from sfdoctor.diagnosis.knowledge import load
from sfdoctor.models import Check, Mark
from sfdoctor.redaction import MASK, Redactor, redact


@pytest.mark.parametrize(
    ("text", "gone", "placeholder"),
    [
        ("user integration@acme.com", "acme", "user-1@example.com"),
        ("username=integration%40acme.com&x=1", "acme", "user-1%40example.com"),
        ("sandbox ci@acme.com.uat", "acme", "user-1@example.com.uat"),
        ("https://acme.my.salesforce.com/services", "acme", "my-domain-1.my.salesforce.com"),
        ("acme--uat.sandbox.my.salesforce.com", "acme", "my-domain-1.sandbox.my.salesforce.com"),
        ("https://acme.lightning.force.com", "acme", "my-domain-1.lightning.force.com"),
        ("instance https://na123.salesforce.com", "na123", "instance-1.salesforce.com"),
        ("org 00D5g000004ABCDEAA.", "00D5g", "org 00D-org-1."),
        ("user 0055g00000ABCDEAAQ", "0055g", "user 005-user-1"),
        ("account 0015g00000ABCDeAAG", "0015g", "account 001-id-1"),
        ("from 198.18.7.42:443", "198.18", "from 203.0.113.1:443"),
        ("from 2a00:1450:4001:80b::200e", "2a00", "2001:db8::1"),
        ("session 00D5g000004ABCD!AQ4AQsecret", "00D5g", "00D-org-1!" + MASK),
    ],
)
def test_identifying_values_are_replaced(text: str, gone: str, placeholder: str) -> None:
    out = Redactor(anonymize=True)(text)
    assert gone not in out and placeholder in out


@pytest.mark.parametrize(
    "text",
    [
        "https://login.salesforce.com and https://test.salesforce.com",
        "https://help.salesforce.com/s/articleView?id=sf.x&type=5",
        "https://MyDomainName.my.salesforce.com (the knowledge base's own placeholder)",
        "never 0.0.0.0\u2013255.255.255.255; loopback 127.0.0.1 and ::1",
        "at 12:34:56 with API v62.0, sfdoctor 0.1.0, issued_at 1691308480245",
        "HMAC-SHA256 of id + issued_at; invalid_grant; authentication failure",
        "user@example.com, 192.0.2.7 and 2001:db8::5 are documentation values",
    ],
)
def test_what_identifies_no_one_is_kept(text: str) -> None:
    assert Redactor(anonymize=True)(text) == text


def test_same_value_same_placeholder_and_idempotent() -> None:
    r = Redactor(anonymize=True)
    once = r("a@acme.com b@acme.com a@acme.com 00D5g000004ABCD 00D5g000004ABCDEAA 10.1.2.3")
    assert once == (
        "user-1@example.com user-2@example.com user-1@example.com 00D-org-1 00D-org-1 203.0.113.1"
    )
    assert r(once) == once


def test_without_anonymize_identities_stay() -> None:
    text = "integration@acme.com 00D5g000004ABCDEAA 198.18.7.42 acme.my.salesforce.com"
    assert Redactor()(text) == text and not Redactor().anonymize


def test_deep_redacts_records_and_keeps_enums() -> None:
    r = Redactor(["CanaryPassw0rd"], anonymize=True)
    check = Check("session", "identity", Mark.OK, "integration@acme.com CanaryPassw0rd")
    out = r.deep((check, [check], {"k": check}))
    assert out[0] == Check("session", "identity", Mark.OK, f"user-1@example.com {MASK}")
    assert out[0].mark is Mark.OK and type(out[0]) is Check
    assert out[1][0] == out[0] and out[2]["k"] == out[0]


def test_knowledge_base_prose_survives_redaction() -> None:
    # "password: the password is wrong" is prose, not a password field
    for entry in load().causes.values():
        for line in (entry.meaning, entry.why, *entry.remediation_lines()):
            assert redact(line) == line, entry.id


def test_a_proxy_urls_user_and_host_are_replaced() -> None:
    """--anonymize kept 'http://jdoe:****@proxy.acme-corp.internal:3128' in every output:
    a person's login and the company's network."""
    from sfdoctor.redaction.anonymize import Anonymizer

    a = Anonymizer()
    out = a("the proxy http://jdoe:****@proxy.acme-corp.internal:3128 answered 407")
    assert "jdoe" not in out and "acme-corp" not in out
    assert out == "the proxy http://user-1:****@host-1.example:3128 answered 407"
    # the same proxy, the same placeholders; loopback is kept
    assert (
        a("http://jdoe:****@proxy.acme-corp.internal:3128")
        == "http://user-1:****@host-1.example:3128"
    )
    assert a("http://jdoe:****@localhost:3128") == "http://user-1:****@localhost:3128"
