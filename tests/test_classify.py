"""Precedence: the specific beats the generic, context beats only the generic."""

from __future__ import annotations

from pathlib import Path

import pytest

from sfdoctor.commands.explain import explain_text
from sfdoctor.diagnosis.classify import classify
from sfdoctor.diagnosis.knowledge import load
from sfdoctor.models import Clue, Family

TOKEN_2016 = (
    "Invalid username, password, security token; or user locked out. Are you at a new "
    "location? When accessing Salesforce--either via a desktop client or the API--from outside "
    "of your company\u2019s trusted networks, you must add a security token to your password to "
    "log in."
)


def causes(text: str) -> list[str]:
    return [m.cause for m in explain_text(text).matches]


def test_token_code_beats_invalid_login_with_the_same_words() -> None:
    assert causes(f"LOGIN_MUST_USE_SECURITY_TOKEN: {TOKEN_2016}") == ["security_token_required"]


def test_mojibake_copy_of_the_token_message() -> None:
    garbled = "LOGIN_MUST_USE_SECURITY_TOKEN: " + TOKEN_2016.replace("\u2019", "\u00e2")
    assert causes(garbled) == ["security_token_required"]


def test_invalid_login_with_user_not_active_is_still_credentials() -> None:
    text = (
        "INVALID_LOGIN: Invalid username, password, security token, user not active, "
        "or user locked out"
    )
    assert causes(text)[0] == "invalid_credentials"


def test_expired_password_code_beats_invalid_operation() -> None:
    text = (
        "INVALID_OPERATION_WITH_EXPIRED_PASSWORD: The users password has expired, you must "
        "call SetPassword before attempting any other API operations"
    )
    assert causes(text) == ["password_expired"]


def test_generic_failure_is_ambiguous_alone() -> None:
    assert causes("invalid_grant: authentication failure") == ["ambiguous_auth_failure"]


def test_decisive_description_drops_the_generic_fallback() -> None:
    assert causes(
        "invalid_grant - authentication failure - Failed: API security token required"
    ) == ["security_token_required"]


def test_login_history_status_beats_the_api_text() -> None:
    text = "invalid_grant: authentication failure\nLogin History status: Restricted IP"
    assert causes(text)[0] == "ip_restricted"


def test_http_login_url_overrides_a_generic_error() -> None:
    text = "sfdx auth:web:login -r http://login.salesforce.com\nERROR: grant type not supported"
    assert causes(text)[0] == "https_required"


def test_http_inside_audience_is_not_a_login_url() -> None:
    text = (
        "Error authenticating with JWT config due to: audience is invalid "
        "[audience=http://login.salesforce.com login=https://test.salesforce.com]"
    )
    assert causes(text) == ["wrong_login_host"]


def test_context_never_beats_a_decisive_error() -> None:
    text = "POST http://login.salesforce.com/services/oauth2/token -> invalid_grant: ip restricted"
    assert causes(text)[0] == "ip_restricted"


def test_sandbox_username_on_production_host() -> None:
    text = (
        "login to https://login.salesforce.com as integration@acme.com.uat failed: "
        "invalid_grant: authentication failure"
    )
    assert causes(text)[0] == "wrong_login_host"


def test_country_domain_is_not_a_sandbox_suffix() -> None:
    text = (
        "login to https://login.salesforce.com as ops@acme.com.au failed: "
        "invalid_grant: authentication failure"
    )
    assert causes(text) == ["ambiguous_auth_failure"]


def test_cli_invalid_client_prefix_is_not_a_secret_problem() -> None:
    text = (
        "Invalid client credentials. Verify the OAuth client secret and ID. Error "
        "authenticating with auth code due to: grant type not supported"
    )
    assert "invalid_client_secret" not in causes(text)


def test_invalid_client_with_its_code_is_the_secret() -> None:
    assert causes(
        '{"error":"invalid_client","error_description":"invalid client credentials"}'
    ) == ["invalid_client_secret"]


def test_unsupported_tls_and_https_split_on_the_message() -> None:
    assert causes("UNSUPPORTED_CLIENT: TLS 1.0 has been disabled in this organization.")[0] == (
        "tls_unsupported"
    )
    assert causes("UNSUPPORTED_CLIENT: HTTPS Required")[0] == "https_required"


def test_unknown_upper_case_words_are_not_codes() -> None:
    assert causes("PLEASE_READ_THE_MANUAL: nothing to see") == []


@pytest.mark.parametrize(
    ("clue", "cause"),
    [
        (Clue(Family.TRANSPORT, "dns", "Name or service not known"), "dns_failure"),
        (Clue(Family.TRANSPORT, "timeout", "read timed out"), "timeout"),
        (Clue(Family.HTTP, "html", "Down for maintenance", 503), "service_unavailable"),
        (Clue(Family.HTTP, "html", "Sign in to the hotel wifi", 200), "unexpected_response"),
        (Clue(Family.HTTP, "invalid_json", '{"access_token":"', 200), "unexpected_response"),
        (Clue(Family.HTTP, "other", "Gone", 410), "api_version_retired"),
    ],
)
def test_structured_clues_from_probes(clue: Clue, cause: str) -> None:
    assert classify([clue], load())[0].cause == cause


def test_each_cause_is_reported_once_with_its_best_evidence() -> None:
    text = (
        '{"error":"invalid_grant","error_description":"ip restricted"}\n'
        "Restforce::AuthenticationError: invalid_grant: ip restricted"
    )
    matches = explain_text(text).matches
    assert [m.cause for m in matches] == ["ip_restricted"]
    assert matches[0].evidence == ('error=invalid_grant error_description="ip restricted"',)


def test_literal_prefilter_never_hides_a_match() -> None:
    """needles() may only skip texts the pattern cannot match (checked on every fixture)."""
    import json

    from sfdoctor.diagnosis.classify import pattern
    from sfdoctor.diagnosis.knowledge.needles import needles
    from tests.conftest import fixture_paths

    texts = []
    for path in fixture_paths():
        fx = json.loads(path.read_text(encoding="utf-8"))
        texts.append(fx["text"] if "text" in fx else fx.get("http", {}).get("body", ""))
    texts += [TOKEN_2016, "multi-factor authentication is required", "x{0,40}y required"]
    for sig in load().signatures:
        if sig.message is None:
            continue
        cheap = needles(sig.message)
        for text in texts:
            if pattern(sig.message).search(text):
                assert cheap is None or any(n in text.lower() for n in cheap), (sig.id, text)


def test_narrowed_patterns_find_what_the_whole_pattern_finds() -> None:
    """Compiling only the alternatives a text has literals of finds the same match (the same
    span, so the same evidence line) on every fixture and every corpus text."""
    import json

    from sfdoctor.diagnosis.classify import pattern
    from sfdoctor.diagnosis.knowledge.needles import narrowed, needles, parts, requires
    from tests.conftest import fixture_paths

    texts = []
    for path in fixture_paths():
        fx = json.loads(path.read_text(encoding="utf-8"))
        texts.append(fx["text"] if "text" in fx else fx.get("http", {}).get("body", ""))
    corpus = Path(__file__).resolve().parent.parent / "corpus" / "texts.jsonl"
    texts += [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines()]
    for catalog in (corpus.parent.parent / "fixtures" / "catalogs").glob("*.jsonl"):
        lines = catalog.read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["text"] for line in lines if line]
    narrowing = 0
    for sig in load().signatures:
        found = needles(sig.message) if sig.message else None
        if not found:
            continue
        where = parts(sig.message)  # type: ignore[arg-type]
        needed = requires(sig.message) if where else None  # type: ignore[arg-type]
        assert (sig.parts, sig.requires) == (where, needed), sig.id
        for text in texts:
            whole = pattern(sig.message).search(text)  # type: ignore[arg-type]
            source = narrowed(sig.message, found, where, text.lower(), needed)  # type: ignore[arg-type]
            if source is None:
                assert whole is None, (sig.id, text)
                continue
            narrowing += source != sig.message
            cut = pattern(source).search(text)
            assert (cut and cut.span()) == (whole and whole.span()), (sig.id, text)
    assert narrowing > 1000  # the test exercises narrowed patterns, not only whole ones


def test_parts_lay_out_each_alternative_and_its_literals() -> None:
    from sfdoctor.diagnosis.knowledge.needles import narrowed, needles, parts

    source = "(?s)alpha one|(?:beta|gamma)!|delta"
    assert needles(source) == ("alpha one", "beta", "gamma", "delta")
    assert parts(source) == (4, 13, 1, 14, 29, 2, 30, 35, 1)
    found, where = needles(source), parts(source)
    assert narrowed(source, found, where, "x gamma!") == "(?s)(?:beta|gamma)!"
    assert narrowed(source, found, where, "alpha one, delta") == "(?s)alpha one|delta"
    assert narrowed(source, found, where, "alpha one beta delta") == source
    assert narrowed(source, found, where, "nothing here") is None
    assert parts("just one alternative") is None  # nothing to narrow


def test_requires_asks_for_every_group_an_alternative_cannot_do_without() -> None:
    from sfdoctor.diagnosis.knowledge.needles import narrowed, needles, parts, requires

    source = r"\b(?:invalid|bad)\b.{0,12}(?:login|host)[ _](?:url|uri)|token (?:expired)?"
    needed = requires(source)
    assert needed == (
        (("invalid", "bad"), ("login", "host"), ("url", "uri")),
        (("token ",),),  # an optional group is no requirement
    )
    found, where = needles(source), parts(source)
    # "invalid" alone no longer compiles the first alternative: it needs a host and a URL.
    assert narrowed(source, found, where, "invalid username", needed) is None
    assert narrowed(source, found, where, "invalid login url", needed) == source.split("|t")[0]
    assert narrowed(source, found, where, "bad host url; token ", needed) == source
    single = r"(?:missing|empty) (?:client id|username)"
    assert parts(single) is not None  # one alternative, but two groups to ask for
    assert narrowed(single, needles(single), parts(single), "username", requires(single)) is None


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("user hasn'?t approved this consumer", ("t approved this consumer",)),
        (r"(?:multi|two)-factor\b.{0,40}\brequired", ("required",)),
        ("a{2,3}bcde", ("bcde",)),
        ("TLS", ("tls",)),  # a short word still spares the texts without it
        (r"\b40\b|TLS", None),  # two characters do not
        # An alternative without a long literal falls back to a group it cannot skip.
        (r"(?:missing|empty|no) (?:client[ _]?id|username)\b", ("client", "username")),
        (
            r"\b50[0234]\b\s*(?:Bad Gateway|Service Unavailable)",
            ("bad gateway", "service unavailable"),
        ),
        (r"(?:abc|de)? xy", (" xy",)),
        (r"(?:abc|de)? x", None),
        (r"(?=lookahead)ab", None),
        (
            "audience is invalid|audience validation failed",
            ("audience is invalid", "audience validation failed"),
        ),
        # CJK and Hangul are rare in most texts: two characters, even one, are a needle.
        ("会话(?:已)?过期|세션이 만료", ("会话", "세션이 만료")),
        ("密[码碼]已过期", ("已过期",)),
        ("用[户戶]非", ("用",)),  # one character outside ASCII, as a three-letter word
        # A scoped-flag group is a group like (?:...), not a lookaround.
        ("(?-i:[`\"'](?:GONE)[`\"'])", ("gone",)),
        # An escaped "]" and a "(" inside a class close nothing: the "|" after it still
        # separates two alternatives (the class once ended at "\]" and the "(" opened a group).
        (r"refused(?=\s*(?:[)\]'(\n]|$))|Le reseau", ("refused", "le reseau")),
        (r"[]a]bcd|efgh", ("bcd", "efgh")),
    ],
)
def test_needles(source: str, expected: tuple[str, ...] | None) -> None:
    from sfdoctor.diagnosis.knowledge.needles import needles

    assert needles(source) == expected
