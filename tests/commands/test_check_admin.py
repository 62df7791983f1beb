"""``check`` with an administrator's session: Login History confirms the cause (never required).

Against the simulated org with an administrator (:func:`~sfdoctor.simulator.admin.with_admin`):
each ambiguous refusal is settled from the org's records in the JSON and on the console; an
admin side that cannot answer leaves check's own verdict and one line; the admin token only
ever carries GET requests and never shows in any output.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sfdoctor.check.admin_session import TOKEN_VAR, URL_VAR
from sfdoctor.check.options import CheckOptions
from sfdoctor.commands.check import run as run_check
from sfdoctor.simulator import SCENARIOS, Org, serve
from sfdoctor.simulator.admin import ADMIN_TOKEN, VIEW_SETUP, with_admin
from sfdoctor.simulator.fakes import USERNAME

CANARY = "00D8d000001SiMu!AQCanaryAdminTokenValue.zz9"


@dataclass
class Ran:
    status: int
    out: str
    err: str
    org: Any
    requests: list[tuple[str, str, bool]]
    """Every request the run made: (method, url, carried the admin token)."""

    @property
    def doc(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.out)
        return data

    def truth(self) -> list[dict[str, Any]]:
        return [c for c in self.doc["checks"] if c["stage"] == "ground truth"]


@pytest.fixture
def check(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Ran]]:
    """``check(scenario, ...)``: run check against the scenario's org, with an admin."""
    from sfdoctor.probes.http import Transport

    seen: list[tuple[str, str, bool]] = []
    original = Transport.request

    def request(self: Transport, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        auth = str((kwargs.get("headers") or {}).get("Authorization", ""))
        admin = auth.endswith((ADMIN_TOKEN, CANARY))
        seen.append((method, url, admin))
        return original(self, method, url, *args, **kwargs)

    monkeypatch.setattr(Transport, "request", request)

    def _check(
        name: str,
        *,
        admin: bool = True,
        token: str = ADMIN_TOKEN,
        session: str | None = None,
        permissions: frozenset[str] | None = None,
        change: Callable[[Org], None] | None = None,
        **options: Any,
    ) -> Ran:
        sc = SCENARIOS[name]
        org = sc.org()
        if admin:
            kwargs = (
                {"token": token}
                if permissions is None
                else {"token": token, "permissions": permissions}
            )
            with_admin(org, **kwargs)
        if change is not None:
            change(org)
        seen.clear()
        with serve(org) as running:
            environ = sc.env(running.url)
            if admin:
                environ |= {TOKEN_VAR: session or token, URL_VAR: running.url}
            out, err = io.StringIO(), io.StringIO()
            status = run_check(
                CheckOptions(flow=sc.flow, **({"fmt": "json"} | options)),
                environ=environ,
                stdout=out,
                stderr=err,
                color=False,
            )
            return Ran(status, out.getvalue(), err.getvalue(), running, list(seen))

    yield _check


def _frozen(org: Org) -> None:
    org.user(USERNAME).frozen = True


CONFIRMED = [
    ("wrong-password", None, "invalid_credentials", "Invalid Password"),
    ("locked-out", None, "user_locked_out", "Password Lockout"),
    ("healthy", _frozen, "user_frozen", "User is Frozen"),
    ("inactive-user", None, "user_inactive", "User is Inactive"),
    ("flow-disabled", None, "password_flow_disabled", "Username-Password Flow Disabled"),
    ("untrusted-no-token", None, "security_token_required", "API security token required"),
]


@pytest.mark.parametrize(("name", "change", "cause", "status"), CONFIRMED)
def test_cause_confirmed_from_login_history(check, name, change, cause, status) -> None:
    r = check(name, change=change)
    findings = [f for f in r.doc["findings"] if f["severity"] == "error"]
    assert findings[0]["cause"] == cause, findings
    assert not findings[0].get("candidates")  # the records decided: nothing left open
    evidence = " ".join(findings[0]["evidence"])
    assert "confirmed by Login History" in evidence and status in evidence
    assert "ambiguous_auth_failure" not in [f["cause"] for f in r.doc["findings"]]
    assert any("confirmed by Login History" in c["summary"] for c in r.truth())
    # the console: the ground truth section, the confirmed cause closing the report
    r = check(name, change=change, fmt="console")
    assert "Ground truth (Login History)" in r.out
    assert f'confirmed by Login History: "{status}' in r.out.replace("\n", " ") or status in r.out
    closing = r.out.rstrip("\n").split("\n\n")[-1]
    assert f"({cause})" in closing and "\u2192" in closing


def test_confirmed_cause_names_what_it_rules_out(check) -> None:
    r = check("wrong-password", fmt="console")
    assert "rules out: " in r.out
    doc = check("wrong-password").doc
    evidence = doc["findings"][0]["evidence"]
    ruled = next(e for e in evidence if e.startswith("rules out: "))
    assert "user_locked_out" in ruled and "user_frozen" in ruled
    # a token status is not among the checks Salesforce makes before the password
    assert "security_token_invalid" not in ruled


def test_without_admin_session_nothing_changes(check) -> None:
    r = check("wrong-password", admin=False)
    assert r.doc["findings"][0]["cause"] == "ambiguous_auth_failure"
    assert r.truth() == []
    assert not any(admin for _, _, admin in r.requests)
    assert "admin session" not in [i["name"] for i in r.doc.get("inputs", [])]


def test_admin_queries_are_get_only_and_never_logins(check) -> None:
    for name in ("wrong-password", "healthy", "locked-out"):
        r = check(name)
        admin = [(m, u) for m, u, a in r.requests if a]
        assert admin, "the admin session was used"
        assert {m for m, _ in admin} == {"GET"}, admin
        assert all("/services/oauth2/token" not in u for _, u in admin)
        assert r.org.login_attempts == SCENARIOS[name].expected_attempts
        rest_admin = [e for e in r.org.log if e.kind == "rest.admin"]
        assert rest_admin and {e.method for e in rest_admin} == {"GET"}
        logins = [e for e in r.org.log if e.login_attempt]
        assert len(logins) == SCENARIOS[name].expected_attempts


def _one_missing_line(r: Ran) -> str:
    skipped = [c for c in r.truth() if c["name"] == "login history"]
    assert len(skipped) == 1, r.truth()
    assert skipped[0]["summary"].startswith("no ground truth: ")
    assert "\n" not in skipped[0]["summary"]
    return str(skipped[0]["summary"])


def test_expired_admin_session_leaves_checks_own_verdict(check) -> None:
    r = check("wrong-password", session="00D8d000001SiMu!AQexpired.session.value.zz")
    assert r.doc["findings"][0]["cause"] == "ambiguous_auth_failure"
    line = _one_missing_line(r)
    assert "INVALID_SESSION_ID" in line and "expired or invalid" in line
    assert r.org.login_attempts == SCENARIOS["wrong-password"].expected_attempts
    con = check(
        "wrong-password", session="00D8d000001SiMu!AQexpired.session.value.zz", fmt="console"
    )
    assert "Traceback" not in con.out + con.err
    assert "no ground truth: the admin session is expired" in con.out
    assert "(ambiguous_auth_failure)" in con.out.rstrip("\n").split("\n\n")[-1]


def test_admin_without_permission_leaves_checks_own_verdict(check) -> None:
    r = check("wrong-password", permissions=frozenset({VIEW_SETUP}))
    assert r.doc["findings"][0]["cause"] == "ambiguous_auth_failure"
    line = _one_missing_line(r)
    assert "Manage Users" in line
    assert r.status == check("wrong-password", admin=False).status


def test_query_timeout_leaves_checks_own_verdict(check) -> None:
    def slow(org: Org) -> None:
        org.query_timeout = True

    r = check("wrong-password", change=slow)
    assert r.doc["findings"][0]["cause"] == "ambiguous_auth_failure"
    assert "timed the query out" in _one_missing_line(r)


def test_admin_session_is_an_input_with_its_source(check) -> None:
    r = check("wrong-password", fmt="console", reports=())
    doc = check("wrong-password").doc
    inputs = {i["name"]: i for i in doc["inputs"]}
    admin = inputs["admin session"]
    assert TOKEN_VAR in admin["source"]
    assert ADMIN_TOKEN not in json.dumps(doc)
    assert "Traceback" not in r.err


def test_admin_token_never_leaks(check, tmp_path: Path) -> None:
    reports = tuple(
        str(tmp_path / f"r.{ext}") for ext in ("json", "txt", "md", "html", "svg", "xml")
    )
    outputs = []
    for fmt in ("console", "json"):
        r = check("wrong-password", token=CANARY, fmt=fmt, verbose=True, reports=reports)
        assert "> GET" in r.err or "GET" in r.err, "the verbose trace ran"
        outputs += [r.out, r.err, *(Path(p).read_text(encoding="utf-8") for p in reports)]
        assert "confirmed by Login History" in r.out
    for text in outputs:
        assert CANARY not in text
        assert "AQCanaryAdminTokenValue" not in text


ADMIN_NAME = "ada.lovelace@northwind-traders.com"


def _sf_cli(monkeypatch: pytest.MonkeyPatch, url: str) -> list[list[str]]:
    """A stand-in for the Salesforce CLI holding the simulated administrator's session."""
    from sfdoctor.check import admin_session

    calls: list[list[str]] = []

    def run_sf(argv: Any, env: Any, timeout: float) -> admin_session.SfAnswer:
        calls.append(list(argv))
        if argv[1:3] == ["org", "display"]:
            result = {
                "instanceUrl": url,
                "username": ADMIN_NAME,
                "accessToken": "[REDACTED] Use 'sf org auth show-access-token' to view",
                "connectedStatus": "Connected",
                "apiVersion": "65.0",
            }
        else:
            result = {"accessToken": CANARY}
        return admin_session.SfAnswer(0, json.dumps({"status": 0, "result": result}), "")

    monkeypatch.setattr(admin_session, "run_sf", run_sf)
    monkeypatch.setattr(admin_session, "_find_sf", lambda environ: "/opt/sf/bin/sf")
    return calls


@pytest.mark.parametrize("anonymize", [False, True])
def test_admin_org_from_the_cli(monkeypatch, tmp_path: Path, anonymize: bool) -> None:
    sc = SCENARIOS["wrong-password"]
    org = sc.org()
    with_admin(org, token=CANARY)
    report = str(tmp_path / "r.md")
    with serve(org) as running:
        calls = _sf_cli(monkeypatch, running.url)
        for fmt in ("console", "json"):
            out, err = io.StringIO(), io.StringIO()
            opts = CheckOptions(
                fmt=fmt, admin_org="my-admin", anonymize=anonymize, verbose=True, reports=(report,)
            )
            run_check(opts, environ=sc.env(running.url), stdout=out, stderr=err, color=False)
            texts = (out.getvalue(), err.getvalue(), Path(report).read_text(encoding="utf-8"))
            assert "confirmed by Login History" in texts[0]
            for text in texts:
                assert CANARY not in text and "AQCanaryAdminTokenValue" not in text
                if anonymize:
                    assert ADMIN_NAME not in text and "ada.lovelace%40" not in text
            if fmt == "json" and not anonymize:
                inputs = {i["name"]: i for i in json.loads(texts[0])["inputs"]}
                assert inputs["admin session"]["value"].startswith(ADMIN_NAME + " at ")
                assert inputs["admin session"]["source"] == "sf org display --target-org my-admin"
        assert running.login_attempts == sc.expected_attempts * 2
    assert [c[1:3] for c in calls[:2]] == [["org", "display"], ["org", "auth"]]


def test_demo_admin(run) -> None:
    r = run("demo", "wrong-password", "--admin")
    assert 'confirmed by Login History: "Invalid Password" at ' in r.out
    assert "invalid_credentials \u00b7 error \u00b7 high confidence" in r.out
    assert "rules out: " in r.out
    assert ADMIN_TOKEN not in r.out + r.err
    plain = run("demo", "wrong-password")
    assert "Login History" not in plain.out.split("Findings")[0]


def test_demo_admin_json(run) -> None:
    r = run("demo", "untrusted-no-token", "--admin", "--format", "json")
    doc = json.loads(r.out)
    assert doc["findings"][0]["cause"] == "security_token_required"
    assert doc["findings"][0]["confidence"] == "high"


def test_demo_admin_refused_with_all(run) -> None:
    r = run("demo", "--all", "--admin")
    assert r.status == 2 and "--admin" in r.err


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_demo_admin_fits_one_screen(run, monkeypatch, name: str) -> None:
    from sfdoctor.commands.demo import _needs_extra

    if _needs_extra(SCENARIOS[name].flow):
        pytest.skip("the JWT scenarios need the jwt extra")
    monkeypatch.setenv("COLUMNS", "100")
    r = run("demo", name, "--admin")
    lines = r.out.rstrip("\n").split("\n")
    assert len(lines) <= 40, f"{len(lines)} lines:\n{r.out}"
    assert max(len(line) for line in lines) <= 100, r.out
    assert "Traceback" not in r.err
    assert lines[-1].split(":")[0] in ("OK", "WARN", "FAIL")
