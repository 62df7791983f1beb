"""The redaction choke point masks what users paste and what the run knows."""

from __future__ import annotations

import pytest

from sfdoctor.redaction import MASK, Redactor, redact

CANARIES = {
    "password": "CanaryPassw0rd-7731",
    "client_secret": "CanarySecret9A8B7C6D",
    "session": "00D5g000004CANRY!AQ4AQCanarySessionIdValue.x_y-z",
    "refresh": "5Aep861CanaryRefreshToken",
}


@pytest.mark.parametrize(
    "text",
    [
        f"curl -d grant_type=password -d password={CANARIES['password']} https://x",
        f'{{"password": "{CANARIES["password"]}"}}',
        f"SF_PASSWORD='{CANARIES['password']}'",
        f"password: {CANARIES['password']}",
        f"client_secret={CANARIES['client_secret']}&username=a",
        f"'client_secret': '{CANARIES['client_secret']}'",
        f"Authorization: Bearer {CANARIES['session']}",
        f"the session {CANARIES['session']} expired",
        f'{{"refresh_token":"{CANARIES["refresh"]}"}}',
        f"<n1:password>{CANARIES['password']}</n1:password>",
        f"<sessionId>{CANARIES['session']}</sessionId>",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowCanaryKeyBody\n-----END RSA PRIVATE KEY-----",
        "assertion=eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJDYW5hcnkifQ.c2lnbmF0dXJlQ2FuYXJ5",
    ],
)
def test_patterns_mask_pasted_secrets(text: str) -> None:
    out = redact(text)
    assert MASK in out
    for value in (*CANARIES.values(), "CanaryKeyBody", "c2lnbmF0dXJlQ2FuYXJ5"):
        assert value not in out


def test_org_id_survives_so_the_evidence_stays_useful() -> None:
    assert redact(CANARIES["session"]).startswith("00D5g000004CANRY!")


def test_known_values_are_masked_anywhere_even_encoded() -> None:
    r = Redactor(["p@ss w0rd+tok"])
    out = r("sent p%40ss%20w0rd%2Btok and p%40ss+w0rd%2Btok and p@ss w0rd+tok")
    assert "w0rd" not in out


def test_ordinary_error_words_are_kept() -> None:
    text = "Invalid username, password, security token; or user locked out."
    assert redact(text) == text
