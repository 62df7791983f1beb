"""What a client of a scenario should expect: each request it makes, the answer, the Login
History row, and where that answer comes from.

The requests are answered in-process by :func:`~sfdoctor.simulator.routes.dispatch` on a
fresh org, exactly as the server would answer them, so what ``sfdoctor simulate`` prints
is what the served org does, not a second description of it. The client is a plain one:
password + token first when a token is configured, then the password alone; one JWT or
client credentials request; after a login that works, one REST call with the session.
"""

from __future__ import annotations

import base64
import json
import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from sfdoctor.simulator import responses as R
from sfdoctor.simulator.bearer import JWT_GRANT, PRODUCTION_AUDIENCE
from sfdoctor.simulator.fakes import key_pair
from sfdoctor.simulator.routes import TOKEN_PATH, Request, dispatch
from sfdoctor.simulator.scenario import Scenario

BASE_URL = "https://acme-corp.my.salesforce.com"
"""The host the expectations are phrased for (the simulator serves the same on loopback)."""

SOAP_VERSION = "64.0"
REST_CHECK = "/services/data/v64.0/limits"

_FORM = {"content-type": "application/x-www-form-urlencoded"}
_XML = {"content-type": "text/xml; charset=UTF-8", "soapaction": "login"}


@dataclass(frozen=True)
class Expected:
    """One request of a plain client and what the org does with it."""

    step: str
    """What the client sends (``login, password + token``, ``GET /limits``, ...)."""
    status: int
    answer: str
    """The answer in a few words: ``invalid_grant: authentication failure``, a SOAP
    ``exceptionCode``, a REST ``errorCode``, or what a success carries."""
    login_history: str | None
    """The Login History Status the request records (None: no row)."""
    source: str = ""
    """The public source of the answer ('' for a body the simulator builds)."""
    inferred: str = ""
    """What that answer's fixture infers."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt(scenario: Scenario) -> str:
    """An RS256 assertion as a client signs it, by this machine's clock (cryptography)."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = serialization.load_pem_private_key(
        key_pair(scenario.jwt_key or "")[0].encode(), password=None
    )
    if not isinstance(key, rsa.RSAPrivateKey):  # the key pairs are made RSA; say so to mypy
        raise TypeError(f"key pair {scenario.jwt_key!r} is not RSA")
    claims = {
        "iss": scenario.credentials["SF_CLIENT_ID"],
        "sub": scenario.credentials["SF_USERNAME"],
        "aud": PRODUCTION_AUDIENCE,
        "exp": int(time.time()) + 180,
    }
    head = _b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    body = _b64(json.dumps(claims).encode())
    signature = key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{body}.{_b64(signature)}"


def _soap_envelope(username: str, password: str) -> bytes:
    from xml.sax.saxutils import escape

    return (
        '<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body>'
        f'<login xmlns="urn:partner.soap.sforce.com"><username>{escape(username)}</username>'
        f"<password>{escape(password)}</password></login></env:Body></env:Envelope>"
    ).encode()


def _logins(scenario: Scenario) -> list[tuple[str, Request]]:
    env = scenario.credentials
    if scenario.flow == "jwt":
        form = {"grant_type": JWT_GRANT, "assertion": _jwt(scenario)}
        return [("login, JWT bearer", Request("POST", TOKEN_PATH, {}, _FORM, _encode(form)))]
    if scenario.flow == "client-credentials":
        form = {
            "grant_type": "client_credentials",
            "client_id": env["SF_CLIENT_ID"],
            "client_secret": env["SF_CLIENT_SECRET"],
        }
        return [
            ("login, client credentials", Request("POST", TOKEN_PATH, {}, _FORM, _encode(form)))
        ]
    passwords = [("password + token", env["SF_PASSWORD"] + env.get("SF_SECURITY_TOKEN", ""))]
    if scenario.has_token:
        passwords.append(("password alone", env["SF_PASSWORD"]))
    else:
        passwords = [("password, no token configured", env["SF_PASSWORD"])]
    out = []
    for label, password in passwords:
        if scenario.flow == "soap":
            body = _soap_envelope(env["SF_USERNAME"], password)
            path = f"/services/Soap/u/{SOAP_VERSION}"
            out.append((f"SOAP login(), {label}", Request("POST", path, {}, _XML, body)))
        else:
            form = {
                "grant_type": "password",
                "client_id": env["SF_CLIENT_ID"],
                "client_secret": env["SF_CLIENT_SECRET"],
                "username": env["SF_USERNAME"],
                "password": password,
            }
            out.append((f"login, {label}", Request("POST", TOKEN_PATH, {}, _FORM, _encode(form))))
    return out


def _encode(form: dict[str, str]) -> bytes:
    return urlencode(form).encode()


def _session(answer: R.Answer) -> str | None:
    if answer.status != 200:
        return None
    if answer.content_type.startswith("text/xml"):
        found = re.search(r"<sessionId>([^<]+)</sessionId>", answer.body)
        return found.group(1) if found else None
    token = json.loads(answer.body).get("access_token")
    return token if isinstance(token, str) else None


def summary(answer: R.Answer) -> str:
    """An answer in a few words (what a client's error message would carry)."""
    body = answer.body
    if answer.content_type.startswith("text/html"):
        return "an HTML page" + (" (down for maintenance)" if "maintenance" in body else "")
    if answer.content_type.startswith("text/xml"):
        code = re.search(r"<(?:sf:)?exceptionCode>([^<]+)<", body) or re.search(
            r"<faultcode>([^<]+)<", body
        )
        if code:
            return code.group(1)
        expired = "<passwordExpired>true</passwordExpired>" in body
        return "session issued" + (", passwordExpired = true" if expired else "")
    try:
        payload = json.loads(body)
    except ValueError:
        return body.strip()[:60]
    if isinstance(payload, dict) and "error" in payload:
        return f"{payload['error']}: {payload.get('error_description', '')}"
    if isinstance(payload, dict) and "access_token" in payload:
        return "access token issued"
    if isinstance(payload, list) and payload and isinstance(payload[0], dict):
        return str(payload[0].get("errorCode", "?"))
    return "OK"


def _expected(step: str, answer: R.Answer, history: str | None) -> Expected:
    where = R.provenance(answer.source) if answer.source else None
    return Expected(
        step,
        answer.status,
        summary(answer),
        history,
        where.source if where else "",
        where.inferred if where else "",
    )


def expectations(scenario: Scenario) -> list[Expected]:
    """Every request a plain client of ``scenario`` makes, answered by a fresh org."""
    org = scenario.org()
    out: list[Expected] = []
    session = None
    for step, request in _logins(scenario):
        before = len(org.login_history)
        answer = dispatch(org, BASE_URL, request).answer
        rows = org.login_history[before:]
        out.append(_expected(step, answer, rows[-1].status if rows else None))
        session = session or _session(answer)
    if session is not None:
        request = Request("GET", REST_CHECK, {}, {"authorization": f"Bearer {session}"})
        answer = dispatch(org, BASE_URL, request).answer
        out.append(_expected(f"GET {REST_CHECK.rsplit('/', 1)[1]} with the session", answer, None))
    return out


def describe(scenario: Scenario) -> str:
    """``sfdoctor simulate``'s account of what a client should expect, with the evidence."""
    lines = ["What a plain client should expect (each request, its answer, Login History):"]
    for n, e in enumerate(expectations(scenario), 1):
        lines.append(f"  {n}. {e.step} -> HTTP {e.status}: {e.answer}")
        detail = [f"Login History '{e.login_history}'"] if e.login_history else []
        if e.source:
            detail.append(f"answer captured from {e.source}")
        if detail:
            lines.append("     " + "; ".join(detail))
    if scenario.captured:
        lines.append(f"Captured from public evidence: {scenario.captured}.")
    if scenario.inferred:
        lines.append(f"Inferred: {scenario.inferred}.")
    return "\n".join(lines) + "\n"
