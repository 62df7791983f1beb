"""Helpers for ``triage`` / ``audit`` reading the simulated org with an admin session."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import pytest

from sfdoctor.check.admin_session import TOKEN_VAR, URL_VAR
from sfdoctor.simulator import SCENARIOS, Org, fakes, serve
from sfdoctor.simulator.admin import ADMIN_TOKEN, with_admin

CANARY = "00D8d000001SiMu!AQCanaryAdminTokenValue.zz9"
EXPIRED = "00D8d000001SiMu!AQexpired.session.value.zz"
ADMIN_NAME = "ada.lovelace@northwind-traders.com"
LOGINS = ("good", "bad", "good", "bad", "bad", "good")
"""The logins made before each run: a right password (``good``) or a wrong one."""


@dataclass
class Ran:
    status: int
    out: str
    err: str
    requests: list[tuple[str, str, bool]]
    """Every request the run made: (method, url, carried the admin token)."""
    url: str
    export: str = ""
    """The LoginHistory query export of the org's Login History, after the run."""

    @property
    def doc(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.out)
        return data


def login(url: str, good: bool) -> None:
    """One username-password login to the simulated org (right or wrong password)."""
    password = fakes.PASSWORD + fakes.SECURITY_TOKEN if good else "Wrong-Passw0rd"
    data = urllib.parse.urlencode(
        {
            "grant_type": "password",
            "client_id": fakes.CONSUMER_KEY,
            "client_secret": fakes.CONSUMER_SECRET,
            "username": fakes.USERNAME,
            "password": password,
        }
    ).encode()
    try:
        urllib.request.urlopen(url + "/services/oauth2/token", data, timeout=10).close()
    except urllib.error.HTTPError as exc:
        exc.close()


def more_history(org: Org, n: int) -> None:
    """``n`` more Login History rows like the last one, a minute apart before it."""
    last = org.login_history[-1]
    earlier = [replace(last, time=last.time - timedelta(minutes=i + 1)) for i in range(n)]
    org.login_history[:0] = reversed(earlier)


def export_of(org: Org) -> str:
    """The ``LoginHistory`` query export (CSV) of ``org``'s Login History."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["Username", "UserId", "LoginTime", "Status", "SourceIp", "LoginType", "LoginSubType"]
        + ["Application", "ApiType", "ApiVersion"]
    )
    for e in org.login_history:
        writer.writerow(
            [e.username, e.user_id, e.time.strftime("%Y-%m-%dT%H:%M:%S.000+0000"), e.status]
            + [e.source_ip, e.login_type, e.login_sub_type, e.application, e.api_type]
            + [e.api_version]
        )
    return buffer.getvalue()


@pytest.fixture
def org_run(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Ran]]:
    """``org_run(command_run, *args, ...)``: a simulated org with logins made and an admin,
    then ``command_run(*args, environ=..., stdout=..., stderr=..., **options)``."""
    from sfdoctor.probes.http import Transport

    seen: list[tuple[str, str, bool]] = []
    original = Transport.request

    def request(self: Transport, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        auth = str((kwargs.get("headers") or {}).get("Authorization", ""))
        seen.append((method, url, auth.endswith((ADMIN_TOKEN, CANARY))))
        return original(self, method, url, *args, **kwargs)

    monkeypatch.setattr(Transport, "request", request)

    def _run(
        command: Callable[..., int],
        *args: Any,
        token: str = ADMIN_TOKEN,
        session: str | None = None,
        permissions: frozenset[str] | None = None,
        change: Callable[[Org], None] | None = None,
        variables: bool = True,
        before: Callable[[str], None] | None = None,
        **options: Any,
    ) -> Ran:
        org = SCENARIOS["healthy"].org()
        with_admin(
            org, token=token, **({} if permissions is None else {"permissions": permissions})
        )
        with serve(org) as running:
            for how in LOGINS:
                login(running.url, how == "good")
            if change is not None:
                change(org)
            if before is not None:
                before(running.url)
            environ = {TOKEN_VAR: session or token, URL_VAR: running.url} if variables else {}
            seen.clear()
            out, err = io.StringIO(), io.StringIO()
            try:
                status = command(
                    *args, environ=environ, stdout=out, stderr=err, color=False, **options
                )
            except Exception as exc:
                from sfdoctor.status import SfdoctorError

                if not isinstance(exc, SfdoctorError):
                    raise
                err.write(f"sfdoctor: error: {exc}\n")
                status = int(exc.status)
            return Ran(
                status, out.getvalue(), err.getvalue(), list(seen), running.url, export_of(org)
            )

    yield _run


def sf_cli(monkeypatch: pytest.MonkeyPatch, url: str, version: str = "65.0") -> None:
    """A stand-in for the Salesforce CLI holding the administrator's session (``CANARY``)."""
    from sfdoctor.check import admin_session

    def run_sf(argv: Any, env: Any, timeout: float) -> admin_session.SfAnswer:
        if argv[1:3] == ["org", "display"]:
            result = {
                "instanceUrl": url,
                "username": ADMIN_NAME,
                "accessToken": "[REDACTED] Use 'sf org auth show-access-token' to view",
                "connectedStatus": "Connected",
                "apiVersion": version,
            }
        else:
            result = {"accessToken": CANARY}
        return admin_session.SfAnswer(0, json.dumps({"status": 0, "result": result}), "")

    monkeypatch.setattr(admin_session, "run_sf", run_sf)
    monkeypatch.setattr(admin_session, "_find_sf", lambda environ: "/opt/sf/bin/sf")
