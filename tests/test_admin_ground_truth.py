"""Ground truth: each diagnosis confirmed from the simulated org's own Login History, read
with an administrator's session after a real ``check`` run against it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import pytest

from sfdoctor.check import ground_truth as gt
from sfdoctor.check.config import load_settings
from sfdoctor.check.options import CheckOptions
from sfdoctor.commands.check import execute
from sfdoctor.models import Mark, Report, Secret, Severity
from sfdoctor.probes.admin import AdminClient, AdminSession
from sfdoctor.probes.http import Transport
from sfdoctor.redaction import Redactor
from sfdoctor.simulator import SCENARIOS, Org, serve
from sfdoctor.simulator.admin import ADMIN_TOKEN, MONITOR_LOGIN_HISTORY, VIEW_SETUP, with_admin
from sfdoctor.simulator.fakes import USERNAME, build_org
from sfdoctor.simulator.org import LoginHistoryEntry


class Ran(NamedTuple):
    report: Report
    truth: gt.GroundTruth
    secrets: list[str]
    waits: list[float]


@contextmanager
def served(org: Org) -> Iterator[Any]:
    with serve(org) as running:
        yield running


def check_then_read(
    scenario: str,
    *,
    org: Org | None = None,
    admin_org: Org | None = None,
    permissions: frozenset[str] | None = None,
    before_read: Any = None,
    sleep: Any = None,
) -> Ran:
    """Run ``check`` for ``scenario`` against its org, then read the ground truth with an
    admin session (on ``admin_org`` when given: another org than the one logged in to)."""
    sc = SCENARIOS[scenario]
    org = org or sc.org()
    admin_side = admin_org or org
    kwargs = {} if permissions is None else {"permissions": permissions}
    token = with_admin(admin_side, **kwargs)
    waits: list[float] = []
    with ExitStack() as stack:
        running = stack.enter_context(served(org))
        admin_running = running if admin_org is None else stack.enter_context(served(admin_org))
        settings = load_settings(environ=sc.env(running.url), flow=sc.flow)
        started = datetime.now(UTC)
        report = execute(CheckOptions(flow=sc.flow, timeout=5), settings)
        finished = datetime.now(UTC)
        if before_read is not None:
            before_read(admin_side)
        logins = running.login_attempts
        transport = Transport(timeout=5, redactor=Redactor())
        client = AdminClient(transport, AdminSession(admin_running.url, Secret(token)))
        truth = gt.read(
            client,
            username=settings.username.text,
            attempts=report.attempts,
            started=started,
            finished=finished,
            sleep=sleep or waits.append,
        )
        assert running.login_attempts == logins, "reading the ground truth logged in"
    return Ran(report, truth, [*settings.secrets(), token], waits)


def shown(ran: Ran) -> str:
    """Every string the ground truth puts into a report."""
    settled = gt.settle(ran.report.findings, ran.truth)
    return repr((ran.truth, gt.checks(ran.truth), settled))


def confirmed(ran: Ran, cause: str, status: str, confidence: str = "high") -> Any:
    truth = ran.truth
    assert not truth.missing, truth.missing
    assert truth.cause == cause and truth.confidence == confidence
    settled = gt.settle(ran.report.findings, truth)
    errors = [f for f in settled if f.severity is Severity.ERROR]
    assert [f.cause for f in errors] == [cause]
    (f,) = errors
    assert f.confidence == confidence and f.candidates == ()
    shape = re.compile(
        rf': confirmed by Login History: "{re.escape(status)}" at \d\d:\d\d:\d\d UTC '
        r"from 203\.0\.113\.7$"
    )
    assert any(shape.search(e) for e in f.evidence), f.evidence
    assert all(secret not in shown(ran) for secret in ran.secrets)
    return f


def test_wrong_password() -> None:
    ran = check_then_read("wrong-password")
    assert "ambiguous_auth_failure" in [f.cause for f in ran.report.findings]
    f = confirmed(ran, "invalid_credentials", "Invalid Password")
    ruled = next(e for e in f.evidence if e.startswith("rules out: "))
    assert "user_locked_out" in ruled and "password_flow_disabled" in ruled
    assert "security_token_required" not in ruled  # unknown until the password is right
    assert not ran.waits  # every row was there at once: no re-query


def test_lockout() -> None:
    ran = check_then_read("locked-out")
    confirmed(ran, "user_locked_out", "Password Lockout")
    user = next(c for c in gt.checks(ran.truth) if c.name == "user")
    assert user.mark is Mark.FAIL and "LOCKED OUT" in user.summary


def test_frozen() -> None:
    ran = check_then_read("wrong-password", org=build_org(user={"frozen": True}))
    f = confirmed(ran, "user_frozen", "User is Frozen")
    assert "rules out: password_flow_disabled, wrong_login_host" in f.evidence


def test_inactive() -> None:
    ran = check_then_read("inactive-user")
    confirmed(ran, "user_inactive", "User is Inactive")


def test_blocked_flow() -> None:
    ran = check_then_read("flow-disabled")
    # the knowledge base holds this status at medium confidence (third-party evidence only)
    confirmed(ran, "password_flow_disabled", "Username-Password Flow Disabled", "medium")


def test_token_required() -> None:
    ran = check_then_read("untrusted-no-token")
    confirmed(ran, "security_token_required", "Failed: API security token required")


def test_stale_token() -> None:
    ran = check_then_read("stale-token")
    assert ran.truth.cause == "security_token_invalid"
    (f,) = [f for f in gt.settle(ran.report.findings, ran.truth) if f.severity is Severity.ERROR]
    assert f.cause == "security_token_invalid" and f.confidence == "high"
    assert any('"Invalid Password"' in e for e in f.evidence)


def test_soap_wrong_password() -> None:
    ran = check_then_read("soap-wrong-password")
    assert ran.truth.cause == "invalid_credentials"
    settled = gt.settle(ran.report.findings, ran.truth)
    assert [f.cause for f in settled if f.severity is Severity.ERROR] == ["invalid_credentials"]


def test_healthy_run_gets_the_users_recent_failures() -> None:
    org = SCENARIOS["healthy"].org()
    user = org.user(USERNAME)
    org.login_history.append(
        LoginHistoryEntry(
            datetime.now(UTC) - timedelta(days=2),
            USERNAME,
            user.user_id,
            "198.51.100.99",
            "Remote Access 2.0",
            "Invalid Password",
        )
    )
    ran = check_then_read("healthy", org=org)
    assert ran.truth.cause is None and not ran.truth.missing
    assert gt.settle(ran.report.findings, ran.truth) == list(ran.report.findings)
    lines = {c.name: c for c in gt.checks(ran.truth)}
    recent = lines["recent failures"]
    assert recent.mark is Mark.INFO
    assert recent.summary.startswith(
        '1 failed login in the last 7 days: 1 \u00d7 "Invalid Password"'
    )
    assert "from 198.51.100.99" in recent.summary
    # the login without the token failed as expected from an untrusted network: a note
    assert lines["password only"].mark is Mark.INFO
    assert lines["password + security token"].mark is Mark.OK


def test_no_row_means_the_login_went_elsewhere() -> None:
    # The integration's login host is an org without this user; the admin reads the org
    # that has it: no row for the attempts.
    elsewhere = build_org(user={"username": "someone-else@acme-corp.example"})
    ran = check_then_read("wrong-password", org=elsewhere, admin_org=build_org())
    truth = ran.truth
    assert truth.cause == "wrong_login_host" and truth.confidence == "medium"
    assert truth.unmatched and ran.waits == [2.0, 4.0]  # bounded re-queries, then a verdict
    (f,) = [f for f in gt.settle(ran.report.findings, truth) if f.severity is Severity.ERROR]
    assert f.cause == "wrong_login_host"
    assert any("no Login History row for" in e for e in f.evidence)


def test_user_state_alone_decides() -> None:
    ran = check_then_read(
        "wrong-password",
        org=build_org(user={"frozen": True}),
        before_read=lambda org: org.login_history.clear(),
    )
    assert ran.truth.cause == "user_frozen"
    assert any("UserLogin.IsFrozen = true" in e for e in ran.truth.evidence)


def test_rows_written_late_are_read_again() -> None:
    kept: list[Any] = []

    def hide(org: Org) -> None:
        kept.extend(org.login_history)
        org.login_history.clear()
        hide.org = org  # type: ignore[attr-defined]

    def later(seconds: float) -> None:
        hide.org.login_history.extend(kept)  # type: ignore[attr-defined]

    ran = check_then_read("locked-out", before_read=hide, sleep=later)
    assert ran.truth.cause == "user_locked_out" and len(ran.truth.confirmations) == 2


@pytest.mark.parametrize(
    ("breaks", "says"),
    [
        (lambda org: org.sessions.pop(ADMIN_TOKEN), "admin session is expired or invalid"),
        (lambda org: setattr(org, "query_timeout", True), "timed the query out"),
        (lambda org: setattr(org, "api_enabled", False), "API is disabled"),
    ],
)
def test_admin_side_failures_leave_one_line(breaks: Any, says: str) -> None:
    ran = check_then_read("wrong-password", before_read=breaks)
    truth = ran.truth
    assert says in truth.missing and "\n" not in truth.missing
    assert gt.settle(ran.report.findings, truth) == list(ran.report.findings)
    last = gt.checks(truth)[-1]
    assert last.mark is Mark.SKIP and last.summary == f"no ground truth: {truth.missing}"
    assert all(secret not in shown(ran) for secret in ran.secrets)


def test_no_permission_to_read_other_users_history() -> None:
    ran = check_then_read("wrong-password", permissions=frozenset({VIEW_SETUP}))
    truth = ran.truth
    assert truth.cause is None
    assert "'Manage Users' or 'Monitor Login History'" in truth.missing


def test_monitor_login_history_is_enough_for_the_rows() -> None:
    ran = check_then_read(
        "wrong-password", permissions=frozenset({VIEW_SETUP, MONITOR_LOGIN_HISTORY})
    )
    assert ran.truth.cause == "invalid_credentials"
    assert ran.truth.user is not None and ran.truth.user.frozen is None
    assert any("frozen and locked unknown" in n for n in ran.truth.notes)


def test_a_user_the_admin_org_does_not_have() -> None:
    ran = check_then_read(
        "wrong-password", admin_org=build_org(user={"username": "x@acme-corp.example"})
    )
    assert ran.truth.cause is None and "no user integration@acme-corp.example" in ran.truth.missing


def test_status_cause_reads_the_knowledge_base() -> None:
    from sfdoctor.diagnosis.knowledge import load

    kb = load()
    assert gt.status_cause("Success", kb) == ("success", "high")
    assert gt.status_cause("Invalid Password", kb)[0] == "invalid_credentials"
    assert gt.status_cause("Password Lockout", kb)[0] == "user_locked_out"
    assert gt.status_cause("Something new", kb) == (None, "")
