"""SOAP API ``login()`` on the partner endpoint, the way simple-salesforce sends it.

One POST of the login envelope to ``{login_url}/services/Soap/u/NN.0`` (never retried: a
refused login counts toward the user's lockout). The session id it returns is used as the
Bearer token on the REST API of ``serverUrl``'s instance, which accepts a SOAP session id.

``login()`` exists only up to API 64.0 (research §6.6), so it is called at 64.0 unless an
older version is asked for.
"""

from __future__ import annotations

from typing import NamedTuple

from sfdoctor.hosts import UrlRefused, parse_url, shown_url
from sfdoctor.models import Clue, Family, Secret
from sfdoctor.probes.http import HttpAnswer, Transport, TransportError
from sfdoctor.probes.password import Login, Token, answer_clues, transport_clue

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
    instance names dropped, as simple-salesforce does).

    Raises :class:`~sfdoctor.hosts.UrlRefused` for a URL :func:`~sfdoctor.hosts.parse_url`
    refuses: the parts come from the parser that connects, never from the raw text.
    """
    target = parse_url(server_url)
    first, dot, rest = target.host.partition(".")
    return target._replace(host=first.removesuffix("-api") + dot + rest).origin


class _Refused(NamedTuple):
    """A ``loginResponse`` whose session must not be used, and why."""

    session_id: str
    reason: str


def _parse(body: str) -> tuple[str, LoginResult] | _Refused | None:
    """The session id and the result of a ``loginResponse``, a :class:`_Refused` when its
    ``serverUrl`` is not one to send the session to, or None if it is not one."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(body)
    except (ET.ParseError, RecursionError):
        return None
    values: dict[str, str] = {}
    for el in root.iter():
        name = el.tag.rpartition("}")[2]
        if name not in values and el.text:
            values[name] = el.text.strip()
    session_id, server_url = values.get("sessionId", ""), values.get("serverUrl", "")
    if not session_id or not server_url.startswith(("https://", "http://")):
        return None
    try:
        instance = instance_of(server_url)
    except UrlRefused as exc:
        return _Refused(
            session_id,
            f"session not used: login() answered with serverUrl {shown_url(server_url)}, "
            f"not a URL sfdoctor sends a session to ({exc})",
        )
    return session_id, LoginResult(
        server_url=server_url,
        instance_url=instance,
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
    if isinstance(parsed, _Refused):
        transport.redactor.add(parsed.session_id)
        clue = Clue(Family.HTTP, "invalid_json", parsed.reason, outcome.status, "loginResponse")
        return Login(outcome, None, (clue,)), None
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
    clues = answer_clues(answer)
    if not clues:  # a 200 that is not a loginResponse
        clues = [Clue(Family.HTTP, "other", answer.body[:200], answer.status, "HTTP body")]
    return clues
