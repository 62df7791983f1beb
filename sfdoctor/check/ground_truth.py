"""Salesforce's own verdict on this run's logins, read with an administrator's session.

The token endpoint says "authentication failure" for half a dozen causes; Login History
records which one. With an admin session (:mod:`~sfdoctor.check.admin_session`) and the
read-only client (:mod:`sfdoctor.probes.admin`), :func:`read` looks the run's user up
(``User``; ``UserLogin`` for frozen and locked), reads its ``LoginHistory`` rows around the
run, pairs each login attempt with its row, and classifies each Status with the knowledge
base (the classifier ``explain`` and ``triage`` use). :func:`settle` puts the result into the
run's findings; :func:`checks` gives its report lines.

Pairing: rows from ``started - WINDOW`` to ``finished + WINDOW`` (shifted by the measured
clock skew: LoginTime is Salesforce's clock), in time order (then Id, the order Salesforce
wrote them), each attempt taking the next row whose outcome fits (a login that worked takes
a ``Success`` row, a refused one any other). Salesforce can write the rows a few seconds
late, so a missing row is looked for again after each of :data:`SETTLE` seconds: a bounded
re-query, never another login.

An admin side that cannot answer (expired session, missing permission, API disabled, a
query timeout) leaves ``missing`` saying why in one line: never an exception, never a login.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from sfdoctor.diagnosis.classify import classify
from sfdoctor.diagnosis.findings import finding
from sfdoctor.diagnosis.knowledge import KnowledgeBase, load
from sfdoctor.models import Attempt, Check, Clue, Family, Finding, Mark, Severity
from sfdoctor.probes.admin import (
    AdminClient,
    AdminFailure,
    LoginRow,
    Problem,
    find_user,
    login_history,
    user_login,
)

STAGE = "ground truth"
WINDOW = 30.0
"""Seconds of slack each side of the run: clock skew not measured, LoginTime in seconds."""
SETTLE = (2.0, 4.0)
"""Seconds waited before each re-query while an attempt has no row yet."""
RECENT_DAYS = 7
SUCCESS = "success"
CHECK_ORDER = (
    "wrong_login_host",
    "password_flow_disabled",
    "rate_limited",
    "user_inactive",
    "user_frozen",
    "user_locked_out",
    "org_inactive",
    "ip_restricted",
    "login_hours",
    "invalid_credentials",
)
"""The order Salesforce checks a password login in, as far as it is known (research §1 and
the simulator's :func:`~sfdoctor.simulator.login.decide_password_login`; partly INFERRED):
a refusal at one check means the checks before it passed."""
_SUCCESS = frozenset({"success", "succeeded"})
# Refusals Salesforce makes before it knows the user: no Login History row to wait for.
_NO_ROW_ERRORS = frozenset({"invalid_client_id", "invalid_client", "unsupported_grant_type"})


class UserState(NamedTuple):
    """The run's user as the org holds it; ``frozen``/``locked`` None when unreadable."""

    username: str
    user_id: str
    active: bool
    profile: str
    frozen: bool | None
    locked: bool | None


class Confirmation(NamedTuple):
    """One attempt paired with its Login History row and the row's cause."""

    attempt: str
    row: LoginRow
    cause: str | None
    """:data:`SUCCESS`, a cause id, or None for a status the knowledge base does not know."""
    confidence: str

    @property
    def line(self) -> str:
        """``confirmed by Login History: "Invalid Password" at 09:14:03 UTC from 203.0.113.7``."""
        when = self.row.login_time.astimezone(UTC).strftime("%H:%M:%S UTC")
        source = f" from {self.row.source_ip}" if self.row.source_ip else ""
        return f'confirmed by Login History: "{self.row.status}" at {when}{source}'


class GroundTruth(NamedTuple):
    """What the org's own records say about the run."""

    source: str
    missing: str = ""
    """Why the ground truth is missing or partial, in one line ('' when it is whole)."""
    user: UserState | None = None
    confirmations: tuple[Confirmation, ...] = ()
    unmatched: tuple[str, ...] = ()
    """Attempts that reached Salesforce and left no row."""
    others: int = 0
    """Rows of this user in the window that no attempt of this run explains."""
    recent: tuple[LoginRow, ...] = ()
    """A working run: the user's failed logins of the last days (newest first)."""
    recent_read: int = 0
    cause: str | None = None
    """The cause the org's records decide (None: they decide none)."""
    confidence: str = ""
    evidence: tuple[str, ...] = ()
    ruled_out: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def finding(self) -> Finding | None:
        """The finding for :attr:`cause` (None when none): evidence from the records,
        the candidates it rules out named, no candidates left open."""
        if self.cause is None:
            return None
        evidence = list(self.evidence)
        if self.ruled_out:
            evidence.append("rules out: " + ", ".join(self.ruled_out))
        found = finding(self.cause, evidence, confidence=self.confidence)
        return found._replace(candidates=())


def status_cause(status: str, kb: KnowledgeBase) -> tuple[str | None, str]:
    """The cause and confidence of a Login History Status (as ``triage`` classifies it)."""
    if status.strip().lower() in _SUCCESS:
        return SUCCESS, "high"
    matches = classify([Clue(Family.LOGIN_HISTORY, None, status, None, "Status")], kb)
    return (matches[0].cause, str(matches[0].confidence)) if matches else (None, "")


def read(
    client: AdminClient,
    *,
    username: str,
    attempts: Sequence[Attempt],
    started: datetime,
    finished: datetime,
    skew: float = 0.0,
    sleep: Callable[[float], None] = time.sleep,
    kb: KnowledgeBase | None = None,
) -> GroundTruth:
    """Read the org's verdict on ``attempts`` (made between ``started`` and ``finished``,
    this machine's clock; ``skew`` = Salesforce's clock minus this one, in seconds)."""
    kb = kb or load()
    started, finished = (t if t.tzinfo else t.replace(tzinfo=UTC) for t in (started, finished))
    source = f"Login History at {client.origin}"
    if not username:
        return GroundTruth(source, "no username to look up (the flow names no user)")
    found = find_user(client, username)
    if isinstance(found, AdminFailure):
        return GroundTruth(source, found.message)
    if found is None:
        return GroundTruth(
            source,
            f"no user {username} in the admin session's org ({client.origin}): the session "
            "is for another org, or the username is not this org's (a sandbox suffix?)",
        )
    state = user_login(client, found.id)
    notes: list[str] = []
    hidden = isinstance(state, AdminFailure) and state.problem is Problem.PERMISSION
    if isinstance(state, AdminFailure):
        if not hidden:
            return GroundTruth(source, state.message)
        notes.append(f"frozen and locked unknown: {state.message}")
    frozen: bool | None = None
    locked: bool | None = None
    if state is not None and not isinstance(state, AdminFailure):
        frozen, locked = state
    user = UserState(
        found.username or username, found.id, found.active, found.profile, frozen, locked
    )
    shift = timedelta(seconds=skew)
    since = started + shift - timedelta(seconds=WINDOW)
    until = finished + shift + timedelta(seconds=WINDOW)
    expected = [a for a in attempts if _leaves_row(a)]
    matched: tuple[list[Confirmation], list[str], int] = ([], [], 0)
    missing = ""
    for wait in (0.0, *SETTLE):
        if wait:
            sleep(wait)
        rows = login_history(client, found.id, since)
        if isinstance(rows, AdminFailure):
            missing = rows.message
            break
        matched = _match(attempts, [r for r in rows if r.login_time <= until], kb)
        if len(matched[0]) >= len(expected):
            break
    confirmations, unmatched, others = matched
    if not missing and hidden and not confirmations:
        missing = (
            "Login History shows no row, but the administrator lacks 'Manage Users', so "
            "Salesforce may show only the admin's own rows: it needs 'Manage Users' or "
            "'Monitor Login History'"
        )
    decided = _decide(attempts, confirmations, user, [] if missing else unmatched, kb)
    truth = GroundTruth(
        source,
        missing,
        user,
        tuple(confirmations),
        tuple(unmatched),
        others,
        cause=decided.cause,
        confidence=decided.confidence,
        evidence=decided.evidence,
        ruled_out=decided.ruled_out,
        notes=tuple(notes),
    )
    if not missing and any(a.outcome == "ok" for a in attempts) and decided.cause is None:
        truth = _with_recent(client, truth, found.id, finished + shift)
    return truth


def _leaves_row(attempt: Attempt) -> bool:
    if attempt.outcome == "ok":
        return True
    return attempt.outcome == "auth_failure" and (attempt.error or "") not in _NO_ROW_ERRORS


def _match(
    attempts: Sequence[Attempt], rows: Sequence[LoginRow], kb: KnowledgeBase
) -> tuple[list[Confirmation], list[str], int]:
    """Pair attempts (in run order) with rows (in time order): each takes the next unused
    row whose outcome fits. Returns the pairs, the attempts left without a row, and how
    many rows no attempt took."""
    out: list[Confirmation] = []
    unmatched: list[str] = []
    used: set[int] = set()
    last = -1
    for a in attempts:
        if a.outcome == "error":
            continue  # no answer: the attempt may never have reached Salesforce's login
        worked = a.outcome == "ok"
        pick = next(
            (
                i
                for i, r in enumerate(rows)
                if i > last and (r.status.strip().lower() in _SUCCESS) == worked
            ),
            None,
        )
        if pick is None:
            if _leaves_row(a):
                unmatched.append(a.label)
            continue
        used.add(pick)
        last = pick
        cause, confidence = status_cause(rows[pick].status, kb)
        out.append(Confirmation(a.label, rows[pick], cause, confidence))
    return out, unmatched, len(rows) - len(used)


class _Decision(NamedTuple):
    cause: str | None
    confidence: str = ""
    evidence: tuple[str, ...] = ()
    ruled_out: tuple[str, ...] = ()


def _decide(
    attempts: Sequence[Attempt],
    confirmations: Sequence[Confirmation],
    user: UserState,
    unmatched: Sequence[str],
    kb: KnowledgeBase,
) -> _Decision:
    """The cause the records decide, its confidence, evidence and the candidates it rules
    out."""
    by_label = {c.attempt: c for c in confirmations}
    with_token = next((by_label.get(a.label) for a in attempts if a.with_token), None)
    without = next((by_label.get(a.label) for a in attempts if not a.with_token), None)
    # NOTE: "<label> login: ...", not "<label>: ...": "password: <text>" reads as a secret
    # field to the redaction patterns, which would mask the whole confirmation.
    evidence = [f"{c.attempt} login: {c.line}" for c in confirmations]
    failed = [c for c in confirmations if c.cause != SUCCESS]
    cause: str | None = None
    confidence = "high"
    if (
        with_token is not None
        and without is not None
        and with_token.cause == "invalid_credentials"
        and without.cause in (SUCCESS, "security_token_required")
    ):
        # The password alone passed Salesforce's password check (it logged in, or asked
        # for the token): what made password + token invalid is the token.
        cause = "security_token_invalid"
        evidence.append("the password alone is right; the token appended to it is not")
    elif any(a.outcome == "ok" for a in attempts):
        return _Decision(None, "", tuple(evidence))
    elif failed and failed[0].cause is not None:
        cause, confidence = failed[0].cause, failed[0].confidence or "high"
    elif not user.active or user.frozen or user.locked:
        field, cause = (
            ("IsActive = false", "user_inactive")
            if not user.active
            else ("UserLogin.IsFrozen = true", "user_frozen")
            if user.frozen
            else ("UserLogin.IsPasswordLocked = true", "user_locked_out")
        )
        evidence.append(f"confirmed by the user record: {user.username} has {field}")
    elif unmatched:
        cause, confidence = "wrong_login_host", "medium"
        evidence.append(
            f"no Login History row for {', '.join(unmatched)}: Salesforce did not tie the "
            f"attempts to {user.username} in this org, so the login most likely went to "
            "another org's host (production vs sandbox) or under another username"
        )
    if cause is None:
        return _Decision(None, "", tuple(evidence))
    if user.locked and cause != "user_locked_out":
        evidence.append(
            f"{user.username} is now locked out (UserLogin.IsPasswordLocked): failed logins "
            "reached the lockout threshold; an administrator unlocks the user in Setup > Users"
        )
    candidates = [c.cause for c in kb.cause("ambiguous_auth_failure").candidates]
    return _Decision(cause, confidence, tuple(evidence), tuple(_ruled_out(cause, candidates)))


def _ruled_out(cause: str, candidates: Sequence[str]) -> list[str]:
    """The candidates a confirmed ``cause`` excludes: the checks Salesforce makes before
    the one that refused (they passed); all the others when the refusal says the password
    was right (a token status) or no row was written at all."""
    if cause in ("security_token_required", "security_token_invalid", "wrong_login_host"):
        return [c for c in candidates if c != cause]
    if cause not in CHECK_ORDER:
        return []
    before = CHECK_ORDER[: CHECK_ORDER.index(cause)]
    return [c for c in candidates if c in before]


def _with_recent(
    client: AdminClient, truth: GroundTruth, user_id: str, now: datetime
) -> GroundTruth:
    """``truth`` with the user's failed logins of the last :data:`RECENT_DAYS` days."""
    rows = login_history(
        client, user_id, now - timedelta(days=RECENT_DAYS), newest_first=True, limit=200
    )
    if isinstance(rows, AdminFailure):
        return truth._replace(notes=(*truth.notes, f"recent logins unread: {rows.message}"))
    mine = {c.row.id for c in truth.confirmations}
    failures = tuple(r for r in rows if r.id not in mine and r.status.lower() not in _SUCCESS)
    return truth._replace(recent=failures, recent_read=len(rows))


def _recent_line(truth: GroundTruth) -> str:
    if not truth.recent:
        return f"no failed login in the last {RECENT_DAYS} days ({truth.recent_read} read)"
    parts = []
    for status, n in Counter(r.status for r in truth.recent).most_common(4):
        last = next(r for r in truth.recent if r.status == status)
        when = last.login_time.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        parts.append(f'{n} \u00d7 "{status}" (last {when} from {last.source_ip or "?"})')
    n = len(truth.recent)
    return f"{n} failed login{'' if n == 1 else 's'} in the last {RECENT_DAYS} days: " + "; ".join(
        parts
    )


def checks(truth: GroundTruth) -> list[Check]:
    """The report's lines for the ground truth (stage :data:`STAGE`)."""
    out: list[Check] = []
    user = truth.user
    if user is not None:
        flags = [
            "active" if user.active else "INACTIVE",
            {None: "frozen: unknown", True: "FROZEN", False: "not frozen"}[user.frozen],
            {None: "locked: unknown", True: "LOCKED OUT", False: "not locked"}[user.locked],
        ]
        bad = not user.active or bool(user.frozen) or bool(user.locked)
        summary = f"{user.username} ({user.profile or 'no profile'}): {', '.join(flags)}"
        cause = truth.cause if bad and truth.cause else ""
        out.append(Check(STAGE, "user", Mark.FAIL if bad else Mark.OK, summary, cause))
    worked = truth.cause is None
    for c in truth.confirmations:
        if c.cause == SUCCESS:
            mark, cause = Mark.OK, ""
        elif worked:
            mark, cause = Mark.INFO, ""  # e.g. the token required without it: as expected
        else:
            mark, cause = Mark.FAIL, truth.cause or ""
        named = f" ({c.cause})" if c.cause not in (None, SUCCESS) else ""
        out.append(Check(STAGE, c.attempt, mark, c.line + named, cause))
    for label in truth.unmatched:
        out.append(Check(STAGE, label, Mark.INFO, "no Login History row for this attempt"))
    if truth.others:
        out.append(
            Check(
                STAGE,
                "other logins",
                Mark.INFO,
                f"{truth.others} other login{'' if truth.others == 1 else 's'} of this user during "
                "the run (another client?)",
            )
        )
    if truth.recent or truth.recent_read:
        out.append(Check(STAGE, "recent failures", Mark.INFO, _recent_line(truth)))
    for note in truth.notes:
        out.append(Check(STAGE, "note", Mark.INFO, note))
    if truth.missing:
        out.append(Check(STAGE, "login history", Mark.SKIP, f"no ground truth: {truth.missing}"))
    return out


def settle(findings: Sequence[Finding], truth: GroundTruth) -> list[Finding]:
    """``findings`` with the records' verdict put in: the finding of the same cause gains
    the evidence (and high confidence); an ambiguous or contradicted guess about the login
    gives way to it. Nothing changes when the records decide nothing."""
    confirmed = truth.finding()
    if confirmed is None:
        return list(findings)
    kb = load()
    about_login = {s.cause for s in kb.signatures if s.family is Family.LOGIN_HISTORY}
    vague = {"ambiguous_auth_failure", "unknown"}
    # NOTE: a finding of the same cause but another severity (the radar's note on the
    # password flow) is another statement, left as it is.
    same = any(f.cause == confirmed.cause and f.severity is confirmed.severity for f in findings)
    out: list[Finding] = []
    placed = False
    for f in findings:
        if f.cause == confirmed.cause and f.severity is confirmed.severity and not placed:
            stronger = truth.confidence if truth.confidence == "high" else f.confidence
            f = f._replace(
                evidence=(*f.evidence, *confirmed.evidence), confidence=stronger, candidates=()
            )
            placed = True
        elif f.severity is Severity.ERROR and (
            f.cause in vague or (f.cause in about_login and truth.confidence == "high")
        ):
            if not placed and not same:
                note = f"Login History settles what the API's answer left open ({f.cause})"
                out.append(confirmed._replace(evidence=(*confirmed.evidence, note)))
                placed = True
            continue  # the guess gives way to the records
        out.append(f)
    if not placed and truth.confidence == "high":
        out.append(confirmed)
    return out
