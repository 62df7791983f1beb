"""The OAuth 2.0 username-password flow: one POST to ``/services/oauth2/token``.

Never retried: a refused login counts toward the user's lockout threshold.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any, NamedTuple

from sfdoctor.diagnosis.evidence import clues_from_response
from sfdoctor.models import Clue, Family, Secret
from sfdoctor.probes.http import HttpAnswer, Outcome, Transport, TransportError

TOKEN_PATH = "/services/oauth2/token"


class Token(NamedTuple):
    """A successful token response (the access token kept as a :class:`Secret`)."""

    access_token: Secret
    instance_url: str
    id: str
    issued_at: str
    signature: str
    token_type: str


class Login(NamedTuple):
    """One login attempt: the raw outcome, the token on success, the evidence otherwise."""

    outcome: Outcome
    token: Token | None
    clues: tuple[Clue, ...]

    @property
    def kind(self) -> str:
        """``ok``, ``auth_failure`` (an OAuth error answer or a SOAP login fault) or
        ``error`` (anything else)."""
        if self.token is not None:
            return "ok"
        if any(c.family in (Family.OAUTH, Family.SOAP) for c in self.clues):
            return "auth_failure"
        return "error"


def read_json(text: str) -> Any:
    """``json.loads``, with nesting too deep for the parser (``[[[[...``) a ValueError like
    any other unreadable JSON, not a crash."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def answer_clues(answer: HttpAnswer) -> list[Clue]:
    """:func:`~sfdoctor.diagnosis.evidence.clues_from_response` for ``answer``; an answer too deeply
    nested to read is an unrecognised one (``invalid_json``), never a crash."""
    try:
        return clues_from_response(answer.status, answer.content_type, answer.body)
    except RecursionError:
        deep = "an answer nested too deeply to read"
        return [Clue(Family.HTTP, "invalid_json", deep, answer.status, "HTTP body")]


def token_from(answer: HttpAnswer) -> Token | None:
    """The token in a 200 answer, or None when the answer is not a usable token response."""
    token, _ = _read_token(answer)
    return token


def _read_token(answer: HttpAnswer) -> tuple[Token | None, str]:
    """The token in a 200 answer, or None and why it is not usable ('' when the answer is
    simply not a token response)."""
    from sfdoctor.hosts import UrlRefused, parse_url, shown_url

    if answer.status != 200:
        return None, ""
    try:
        doc = read_json(answer.body)
    except ValueError:
        return None, ""
    if not isinstance(doc, dict) or not all(
        isinstance(doc.get(k), str) for k in ("access_token", "instance_url", "id")
    ):
        return None, ""
    for field in ("instance_url", "id"):
        # NOTE: the token goes to these URLs next (as a Bearer header): read them with the
        # parser that connects, and refuse what it could read differently from the checks.
        try:
            parse_url(doc[field])
        except UrlRefused as exc:
            return None, (
                f"token not used: the token response's {field} {shown_url(doc[field])} is not "
                f"a URL sfdoctor sends a token to ({exc})"
            )
    return Token(
        access_token=Secret(doc["access_token"]),
        instance_url=doc["instance_url"].rstrip("/"),
        id=doc["id"],
        issued_at=str(doc.get("issued_at", "")),
        signature=str(doc.get("signature", "")),
        token_type=str(doc.get("token_type", "")),
    ), ""


def transport_clue(err: TransportError) -> Clue:
    """The classifier's view of a transport fault. An answer cut short, or a URL refused
    before sending, is an answer sfdoctor cannot use: ``unexpected_response``."""
    if err.kind in ("truncated", "refused_url"):
        return Clue(Family.HTTP, "invalid_json", err.message, None, "transport")
    return Clue(Family.TRANSPORT, err.kind, err.message, None, "transport")


def password_login(
    transport: Transport,
    login_url: str,
    *,
    client_id: str,
    client_secret: Secret,
    username: str,
    password: Secret,
) -> Login:
    """POST the password grant; ``password`` already carries the token when one is used."""
    return token_request(
        transport,
        login_url,
        {
            "grant_type": "password",
            "client_id": client_id,
            "client_secret": client_secret.reveal(),
            "username": username,
            "password": password.reveal(),
        },
    )


def token_request(transport: Transport, login_url: str, form: dict[str, str]) -> Login:
    """POST ``form`` to the token endpoint of ``login_url``: the token, or the evidence.

    Shared by every OAuth flow (password, JWT bearer, client credentials); the access token
    received is taught to the transport's redactor at once.
    """
    outcome = transport.request(
        "POST",
        login_url.rstrip("/") + TOKEN_PATH,
        data=form,
        headers={"Accept": "application/json"},
    )
    if isinstance(outcome, TransportError):
        return Login(outcome, None, (transport_clue(outcome),))
    token, refused = _read_token(outcome)
    if token is not None:
        transport.redactor.add(token.access_token.reveal())
        return Login(outcome, token, ())
    if refused:
        _learn_token(transport, outcome.body)
        return Login(
            outcome,
            None,
            (Clue(Family.HTTP, "invalid_json", refused, outcome.status, "token response"),),
        )
    clues = answer_clues(outcome)
    if not clues:  # a 200 without the fields a token response must have
        clues = [Clue(Family.HTTP, "other", outcome.body[:200], outcome.status, "HTTP body")]
    return Login(outcome, None, tuple(clues))


def _learn_token(transport: Transport, body: str) -> None:
    """Teach the redactor the access token of an answer that is not used: it is still a
    credential, and the trace or the evidence may show the body."""
    try:
        doc = read_json(body)
    except ValueError:
        return
    if isinstance(doc, dict) and isinstance(doc.get("access_token"), str):
        transport.redactor.add(doc["access_token"])


def signature_valid(token: Token, client_secret: Secret) -> bool | None:
    """Check ``signature`` = Base64(HMAC-SHA256(client_secret, id + issued_at)).

    None when the response carries no signature (JWT responses may omit it).
    """
    if not token.signature or not token.issued_at:
        return None
    digest = hmac.new(
        client_secret.reveal().encode(), (token.id + token.issued_at).encode(), hashlib.sha256
    ).digest()
    expected = base64.b64encode(digest).decode()
    return hmac.compare_digest(expected, token.signature)
