"""SOAP API ``login()`` on the partner endpoint, the way simple-salesforce sends it.

One POST of the login envelope to ``{login_url}/services/Soap/u/NN.0`` (never retried: a
refused login counts toward the user's lockout). The session id it returns is used as the
Bearer token on the REST API of ``serverUrl``'s instance, which accepts a SOAP session id.

``login()`` exists only up to API 64.0 (research §6.6), so it is called at 64.0 unless an
older version is asked for.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlsplit

from sfdoctor.config import Secret
from sfdoctor.evidence import clues_from_response
from sfdoctor.models import Clue, Family
from sfdoctor.probes.http import HttpAnswer, Transport, TransportError
from sfdoctor.probes.password import Login, Token, transport_clue

LAST_VERSION = "64.0"
"""The last API version that offers ``login()`` (65.0 and later do not)."""
SOAP_PATH = "/services/Soap/u/"
CLIENT = "sfdoctor"
"""The ``CallOptions`` client name sent with the call (shown in Login History as a client)."""


class LoginResult(NamedTuple):
    """The fields of a successful ``loginResponse`` that ``check`` uses."""

    server_url: str
    instance_url: str
    user_id: str
    organization_id: str
    username: str
    password_expired: bool


def login_version(requested: str | None) -> str:
    """The version to call ``login()`` at: ``requested`` when it still offers the call
    (64.0 or older), else 64.0."""
    if requested:
        try:
            if float(requested) <= float(LAST_VERSION):
                return requested
        except ValueError:
            pass
    return LAST_VERSION


def _escape(value: str) -> str:
    # NOTE: simple-salesforce escapes with html.escape (quotes included); so does sfdoctor,
    # so a password with & < > " ' reaches Salesforce as it does from simple-salesforce.
    import html

    return html.escape(value, quote=True)


def envelope(username: str, password: str) -> str:
    """The partner ``login()`` request; ``password`` is the password + token as sent."""
    return (
        '<?xml version="1.0" encoding="utf-8" ?>'
        '<env:Envelope xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:env="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:urn="urn:partner.soap.sforce.com">'
        f"<env:Header><urn:CallOptions><urn:client>{CLIENT}</urn:client>"
        "<urn:defaultNamespace>sf</urn:defaultNamespace></urn:CallOptions></env:Header>"
        '<env:Body><n1:login xmlns:n1="urn:partner.soap.sforce.com">'
        f"<n1:username>{_escape(username)}</n1:username>"
        f"<n1:password>{_escape(password)}</n1:password>"
        "</n1:login></env:Body></env:Envelope>"
    )


def instance_of(server_url: str) -> str:
    """The REST base URL of ``serverUrl``: its scheme and host (an ``-api`` suffix of old
    instance names dropped, as simple-salesforce does)."""
    parts = urlsplit(server_url)
    host, _, port = parts.netloc.partition(":")
    first, dot, rest = host.partition(".")
    host = first.removesuffix("-api") + dot + rest
    return f"{parts.scheme}://{host}{':' + port if port else ''}"


def _parse(body: str) -> tuple[str, LoginResult] | None:
    """The session id and the result of a ``loginResponse``, or None if it is not one."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    values: dict[str, str] = {}
    for el in root.iter():
        name = el.tag.rpartition("}")[2]
        if name not in values and el.text:
            values[name] = el.text.strip()
    session_id, server_url = values.get("sessionId", ""), values.get("serverUrl", "")
    if not session_id or not server_url.startswith(("https://", "http://")):
        return None
    return session_id, LoginResult(
        server_url=server_url,
        instance_url=instance_of(server_url),
        user_id=values.get("userId", ""),
        organization_id=values.get("organizationId", ""),
        username=values.get("userName", ""),
        password_expired=values.get("passwordExpired", "").lower() == "true",
    )


def soap_login(
    transport: Transport,
    login_url: str,
    *,
    username: str,
    password: Secret,
    api_version: str = LAST_VERSION,
) -> tuple[Login, LoginResult | None]:
    """POST ``login()``; ``password`` already carries the token when one is used.

    The session id is taught to the transport's redactor as soon as it is read.
    """
    escaped = _escape(password.reveal())
    if escaped != password.reveal():
        transport.redactor.add(escaped)  # the form the secret takes on the wire
    outcome = transport.request(
        "POST",
        f"{login_url.rstrip('/')}{SOAP_PATH}{api_version}",
        data=envelope(username, password.reveal()).encode("utf-8"),
        headers={"Content-Type": "text/xml; charset=UTF-8", "SOAPAction": "login"},
    )
    if isinstance(outcome, TransportError):
        return Login(outcome, None, (transport_clue(outcome),)), None
    parsed = _parse(outcome.body) if outcome.status == 200 else None
    if parsed is not None:
        session_id, result = parsed
        transport.redactor.add(session_id)
        token = Token(
            access_token=Secret(session_id),
            instance_url=result.instance_url,
            id="",  # login() returns no identity URL: the LoginResult names the user
            issued_at="",
            signature="",
            token_type="Bearer",
        )
        return Login(outcome, token, ()), result
    return Login(outcome, None, tuple(_clues(outcome))), None


def _clues(answer: HttpAnswer) -> list[Clue]:
    clues = clues_from_response(answer.status, answer.content_type, answer.body)
    if not clues:  # a 200 that is not a loginResponse
        clues = [Clue(Family.HTTP, "other", answer.body[:200], answer.status, "HTTP body")]
    return clues
