"""What servers answer becomes clues; bodies are redacted before anyone sees them."""

from __future__ import annotations

from sfdoctor.diagnosis.evidence import clues_from_response, clues_from_text, normalize
from sfdoctor.models import Family

SOAP = (
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.'
    'xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body>'
    "<soapenv:Fault><faultcode>sf:INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: Invalid "
    "username, password, security token; or user locked out.</faultstring><detail>"
    "<sf:LoginFault><sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode><sf:exceptionMessage>"
    "Invalid username, password, security token; or user locked out.</sf:exceptionMessage>"
    "</sf:LoginFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"
)


def test_oauth_error_body() -> None:
    clue, status = clues_from_response(
        400,
        "application/json;charset=UTF-8",
        '{"error":"invalid_grant","error_description":"authentication failure"}',
    )
    assert (clue.family, clue.code, clue.message, clue.status) == (
        Family.OAUTH,
        "invalid_grant",
        "authentication failure",
        400,
    )


def test_soap_fault_envelope() -> None:
    (clue,) = clues_from_response(500, "text/xml; charset=utf-8", SOAP)
    assert (clue.family, clue.code) == (Family.SOAP, "INVALID_LOGIN")
    assert clue.message.startswith("Invalid username")


def test_rest_error_array() -> None:
    clue, _ = clues_from_response(
        401,
        "application/json",
        '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]',
    )
    assert (clue.family, clue.code, clue.status) == (Family.REST, "INVALID_SESSION_ID", 401)


def test_html_maintenance_page() -> None:
    (clue,) = clues_from_response(
        503,
        "text/html",
        "<html><head><title>Maintenance</title></head><body><h1>Down for "
        "maintenance</h1></body></html>",
    )
    assert (clue.family, clue.code, clue.status) == (Family.HTTP, "html", 503)
    assert "Down for maintenance" in clue.message and "<h1>" not in clue.message


def test_successful_json_is_no_evidence() -> None:
    assert clues_from_response(200, "application/json", '{"access_token":"x","id":"y"}') == []


def test_truncated_json() -> None:
    (clue,) = clues_from_response(200, "application/json", '{"access_token":"00D5g0000')
    assert (clue.family, clue.code) == (Family.HTTP, "invalid_json")


def test_access_token_in_a_body_never_reaches_a_clue() -> None:
    body = '{"access_token":"00D5g000004XXXX!AQ4AQCanaryCanary","instance_url":"x"'
    (clue,) = clues_from_response(200, "application/json", body)
    assert "CanaryCanary" not in clue.message


def test_wsc_fault_text() -> None:
    text = (
        "[LoginFault [ApiFault  exceptionCode='INVALID_LOGIN'\n exceptionMessage='Invalid "
        "username, password, security token; or user locked out.'\n"
        " extendedErrorDetails='{[0]}'\n]\n]"
    )
    clues = clues_from_text(text, frozenset({"INVALID_LOGIN"}))
    assert clues[0].code == "INVALID_LOGIN" and clues[0].message.startswith("Invalid username")
    assert clues[-1].family is Family.TEXT


def test_redirect_parameters() -> None:
    clues = clues_from_text(
        "https://cb.example/#error=invalid_client_id&error_description="
        "client%20identifier%20invalid"
    )
    assert clues[0].message == "client identifier invalid"


def test_a_pasted_redirects_percent_encoded_description_is_read_whole() -> None:
    """The whole paste is percent-decoded before it is read; the redirect's parameters are
    read before that, or ``grant%20type%20not%20supported`` ends at ``grant`` and no
    signature knows it (mcp-hosted#12 relayed Salesforce's answer this way)."""
    import sfdoctor

    for paste in (
        "error=unsupported_grant_type&error_description=grant%20type%20not%20supported",
        "https://claude.ai/settings/connectors?&step=end_error"
        "&oauth_error=unsupported_grant_type&oauth_error_description=grant%20type%20not%20supported",
    ):
        top = sfdoctor.explain(paste).matches[0]
        assert top.cause == "malformed_token_request", paste
        assert 'error_description="grant type not supported"' in top.evidence[0]


def test_a_query_string_with_plus_for_spaces_and_no_percent_is_decoded() -> None:
    """An Auth. Provider's callback has nothing to percent-encode, so only its `+` say it is a
    query string; a lone base64 value (no `&`) keeps its `+`."""
    from sfdoctor.diagnosis.evidence import decode

    paste = "ErrorCode=No_OauthToken&ErrorDescription=invalid_client+invalid+client+credentials"
    assert decode(paste).endswith("ErrorDescription=invalid_client invalid client credentials")
    assert decode("token=ab+cd/ef==") == "token=ab+cd/ef=="
    assert decode("a=1&b=2+3 and more words") == "a=1&b=2+3 and more words"


def test_normalize_repairs_mojibake() -> None:
    assert normalize("company\u00e2\u20ac\u2122s") == "company\u2019s"
    assert normalize("company\u00e2s trusted") == "company\u2019s trusted"
