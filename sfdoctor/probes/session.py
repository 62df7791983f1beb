"""Use a fresh session the way an integration would: identity, versions, limits, a query."""

from __future__ import annotations

import re
from typing import Any, NamedTuple
from urllib.parse import quote

from sfdoctor.models import Clue
from sfdoctor.probes.http import Outcome, Transport, TransportError
from sfdoctor.probes.password import Token, answer_clues, read_json, transport_clue

DEFAULT_QUERY = "SELECT Id, Name FROM Organization LIMIT 1"


class Call(NamedTuple):
    """One verification call: its outcome, the decoded JSON on success, the evidence otherwise."""

    name: str
    outcome: Outcome
    data: Any
    clues: tuple[Clue, ...]

    @property
    def ok(self) -> bool:
        return not self.clues


def _get(transport: Transport, name: str, url: str, token: Token | None) -> Call:
    headers = {"Accept": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token.access_token.reveal()}"
    outcome = transport.request("GET", url, headers=headers)
    if isinstance(outcome, TransportError):
        return Call(name, outcome, None, (transport_clue(outcome),))
    clues = answer_clues(outcome)
    if outcome.status == 200 and not clues:
        try:
            return Call(name, outcome, read_json(outcome.body), ())
        except ValueError:  # pragma: no cover - clues_from_response already caught it
            pass
    if not clues:
        from sfdoctor.models import Family

        clues = [Clue(Family.HTTP, "other", outcome.body[:200], outcome.status, "HTTP body")]
    return Call(name, outcome, None, tuple(clues))


def identity(transport: Transport, token: Token) -> Call:
    """GET the identity URL (``id`` of the token response)."""
    return _get(transport, "identity", token.id, token)


def versions(transport: Transport, token: Token) -> Call:
    """GET ``/services/data/``: the API versions this instance serves."""
    return _get(transport, "versions", token.instance_url + "/services/data/", token)


def login_host_versions(transport: Transport, login_url: str) -> Call:
    """GET ``/services/data/`` on the login host, without credentials (none are needed).

    Sent alongside the first login, so the session checks can start on the newest version
    as soon as a token arrives, one round trip earlier.
    """
    return _get(transport, "versions", login_url.rstrip("/") + "/services/data/", None)


def offers(data: Any, version: str) -> bool:
    """True when a ``/services/data/`` answer lists ``version``."""
    return isinstance(data, list) and any(
        isinstance(item, dict) and item.get("version") == version for item in data
    )


def limits(transport: Transport, token: Token, version: str) -> Call:
    """GET ``/services/data/vNN.0/limits``."""
    return _get(transport, "limits", f"{token.instance_url}/services/data/v{version}/limits", token)


def query(transport: Transport, token: Token, version: str, soql: str) -> Call:
    """GET ``/services/data/vNN.0/query?q=...``."""
    url = f"{token.instance_url}/services/data/v{version}/query?q={quote(soql, safe='')}"
    return _get(transport, "query", url, token)


def newest_version(data: Any) -> str | None:
    """The highest ``version`` in a ``/services/data/`` answer. Only versions shaped like
    ``62.0`` count: the value goes into the URLs of the next requests."""
    if not isinstance(data, list):
        return None
    found = []
    for item in data:
        try:
            version = item["version"]
            if isinstance(version, str) and _VERSION.fullmatch(version):
                found.append((float(version), version))
        except (KeyError, TypeError, ValueError):
            continue
    return max(found)[1] if found else None


_VERSION = re.compile(r"[0-9]{1,3}\.[0-9]")
