"""Judge the integrations of a fed :class:`~sfdoctor.loginhistory.audit.tally.AuditTally`
against the retirement table and build the :class:`~.summary.AuditSummary`.

Which retirement an integration hits:

- ``oauth_username_password_flow``: it logs in with the OAuth username-password flow;
- ``soap_login``: it logs in with SOAP API ``login()`` (already failing at 65.0 and later);
- ``api_versions_31_40``: it used an API version from 31.0 to 40.0;
- ``api_versions_21_30``: it used an API version of 30.0 or older (failing now).

JWT bearer, client credentials, web server and refresh token flows hit none.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache

from sfdoctor import __version__
from sfdoctor.diagnosis.retirements import BY_ID, RETIREMENTS, Retirement
from sfdoctor.loginhistory.audit import recipes
from sfdoctor.loginhistory.audit.codes import Way
from sfdoctor.loginhistory.audit.integration import UNSEEN, Integration
from sfdoctor.loginhistory.audit.summary import (
    AuditSource,
    AuditSummary,
    Deadline,
    Hit,
    IntegrationRow,
)
from sfdoctor.loginhistory.audit.tally import MAX_USERS, AuditTally
from sfdoctor.loginhistory.display import day_of, plural
from sfdoctor.loginhistory.display import show as show_value
from sfdoctor.loginhistory.layouts import Kind

NAMES = {
    "api_versions_21_30": "API 30.0 and older",
    "oauth_username_password_flow": "username-password flow",
    "soap_login": "SOAP login()",
    "api_versions_31_40": "API 31.0-40.0",
}
"""Short names of the retirements, for tables and the verdict."""


_UP = "oauth_username_password_flow"


@lru_cache(maxsize=4096)
def show(value: str) -> str:
    """A value from a file as shown (:func:`~sfdoctor.loginhistory.display.show`), once per
    distinct value: addresses, versions and applications repeat across integrations."""
    return show_value(value)


def hits_of(integration: Integration) -> list[Retirement]:
    """The retirements ``integration`` hits, in the table's order (soonest first)."""
    ids = set()
    if integration.way is Way.PASSWORD:
        ids.add("oauth_username_password_flow")
    if integration.way is Way.SOAP_LOGIN:
        ids.add("soap_login")
    numbers = integration.versions.values()
    if any(v <= 30.0 for v in numbers):
        ids.add("api_versions_21_30")
    if any(30.0 < v <= 40.0 for v in numbers):
        ids.add("api_versions_31_40")
    return [r for r in RETIREMENTS if r.id in ids]


def blocked_now(integration: Integration) -> bool:
    """True when the org refuses this integration's username-password logins already: its
    last row was refused "Username-Password Flow Disabled" (with no time column, every row
    was). NOTE: a file whose times are not ISO is read by day, so a success later that same
    day is not seen."""
    if integration.way is not Way.PASSWORD or not integration.blocked:
        return False
    if integration.blocked_last and integration.last:
        return integration.blocked_last >= integration.last
    return integration.blocked == integration.count


def _blocked_step(integration: Integration, now: bool) -> str:
    n = integration.blocked
    day = _day(integration.blocked_last)
    seen = f"{n:,} {plural(n, 'login')}" + (f", the last on {day}" if day else "")
    if now:
        return (
            "Failing now: the org refuses the username-password flow already (Login History "
            f"Status 'Username-Password Flow Disabled': {seen}). Move it now, as below; "
            "allowing the flow again (Setup > OAuth and OpenID Connect Settings > Allow OAuth "
            f"Username-Password Flows) holds only until {BY_ID[_UP].date}."
        )
    return (
        f"Refused before: {seen} with Login History Status 'Username-Password Flow "
        "Disabled'; later logins went through (the flow was allowed again)."
    )


def remediation(integration: Integration, hits: list[Retirement]) -> tuple[str, ...]:
    """The steps for every retirement hit, each recipe ending with its ``sfdoctor check``.

    The application's name came from a file: it is shown as every such value is."""
    ids = {r.id for r in hits}
    steps: list[str] = []
    if _UP in ids:
        app = integration.application
        if integration.blocked:
            steps.append(_blocked_step(integration, blocked_now(integration)))
        steps += recipes.password_flow(show(app) if app else "")
    if "soap_login" in ids:
        steps += recipes.soap_login(integration.versions.values())
    if ids & {"api_versions_21_30", "api_versions_31_40"}:
        steps += recipes.api_version(integration.versions.values(), integration.way)
    causes = dict.fromkeys(r.cause for r in hits if r.cause)
    if causes:
        steps.append(
            "Every step, and the references: "
            + "; ".join(f"sfdoctor explain --cause {c}" for c in causes)
        )
    return tuple(steps)


def _combine(into: Integration, other: Integration) -> None:
    """Add ``other``'s counters to ``into`` (the same integration, named two ways)."""
    into.merge([other.count, other.failures, other.first, other.last, other.ips,
                other.more_ips, into, other.blocked, other.blocked_last])  # fmt: skip
    for v, n in other.versions.items():
        into.versions.setdefault(v, n)
    if into.way is Way.API_CALLS and other.way is Way.SOAP_LOGIN:
        into.way = other.way
    into.user = into.user or other.user
    into.user_id = into.user_id or other.user_id
    if " " in other.login_subtype and " " not in into.login_subtype:
        into.login_subtype = other.login_subtype


def _key(integ: Integration) -> tuple[str, ...]:
    how = "api" if integ.kind is Kind.ELF_API else str(integ.way)
    if integ.way in (Way.OTHER, Way.OAUTH):
        how = integ.login_subtype
    return (integ.user or integ.user_id, integ.application, integ.login_type, how,
            integ.api_type)  # fmt: skip


def _resolved(tally: AuditTally) -> list[Integration]:
    """The integrations with user ids named where another file gave the username; those that
    then turn out to be the same integration are combined, and so is one seen without its
    application (an Event Log File Login has no such column) with the one integration of the
    same user and way that has it."""
    out: dict[tuple[str, ...], Integration] = {}
    for integ in tally.integrations.values():
        if not integ.user and integ.user_id:
            integ.user = tally.names.get(integ.user_id[:15], "")
        key = _key(integ)
        if key in out:
            _combine(out[key], integ)
        else:
            out[key] = integ
    named: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for key in out:
        if key[1]:
            named.setdefault(key[:1] + key[2:], []).append(key)
    for key in [k for k in out if not k[1]]:
        matches = named.get(key[:1] + key[2:], [])
        if len(matches) == 1:
            _combine(out[matches[0]], out.pop(key))
    return list(out.values())


def _day(key: str) -> str | None:
    """``YYYY-MM-DD`` of a time key, or None (no time column, or no time read)."""
    if not key or key == UNSEEN:
        return None
    day = day_of(key)
    return None if day == "undated" else day


def _hit(r: Retirement, as_of: date) -> Hit:
    return Hit(r.id, r.date, r.title, r.days_left(as_of), r.when, r.cause, NAMES[r.id])


def _row(integ: Integration, as_of: date) -> IntegrationRow:
    hits = hits_of(integ)
    versions = sorted(integ.versions.items(), key=lambda kv: (kv[1], kv[0]))
    ips = sorted(integ.ips.items(), key=lambda kv: (-kv[1], kv[0]))
    late_soap = integ.way is Way.SOAP_LOGIN and any(v > recipes.SOAP_LOGIN_LAST for v in
                                                     integ.versions.values())  # fmt: skip
    refused = blocked_now(integ)
    return IntegrationRow(
        user=show(integ.user or integ.user_id) if (integ.user or integ.user_id) else "",
        user_id=show(integ.user_id) if integ.user_id else None,
        application=show(integ.application) if integ.application else "",
        login_type=show(integ.login_type) if integ.login_type else "",
        login_subtype=show(integ.login_subtype) if integ.login_subtype else "",
        api_type=show(integ.api_type) if integ.api_type else "",
        way=integ.way.label,
        api_versions=tuple(show(v) for v, _ in versions),
        source_ips=tuple(show(ip) for ip, _ in ips if ip.strip()),
        more_ips=integ.more_ips,
        count=integ.count,
        unit="API calls" if integ.kind is Kind.ELF_API else "logins",
        failures=integ.failures,
        first_seen=_day(integ.first),
        last_seen=_day(integ.last),
        retirements=tuple(_hit(r, as_of) for r in hits),
        remediation=remediation(integ, hits),
        failing_now=late_soap or refused or any(r.days_left(as_of) < 0 for r in hits),
        refused=refused,
    )


def _deadline(r: Retirement, integrations: list[Integration], as_of: date) -> Deadline:
    """One retirement's countdown, how many integrations hit it, and its recipe once."""
    hitting = [i for i in integrations if any(h.id == r.id for h in hits_of(i))]
    steps: list[str] = []
    if hitting:
        versions = [v for i in hitting for v in i.versions.values()]
        if r.id == "oauth_username_password_flow":
            steps = recipes.password_flow("")
        elif r.id == "soap_login":
            steps = recipes.soap_login(
                v for i in hitting if i.way is Way.SOAP_LOGIN for v in i.versions.values()
            )
        else:
            low, high = (0.0, 30.0) if r.id == "api_versions_21_30" else (30.0, 40.0)
            ways = {i.way for i in hitting}
            way = ways.pop() if len(ways) == 1 else Way.OTHER
            steps = recipes.api_version((v for v in versions if low < v <= high), way)
        steps.append(f"Every step, and the references: sfdoctor explain --cause {r.cause}")
    return Deadline(r.id, r.date, r.title, r.when, r.days_left(as_of), r.source, r.cause,
                    len(hitting), NAMES[r.id], r.release, tuple(steps))  # fmt: skip


def _order(row: IntegrationRow) -> tuple[object, ...]:
    soonest = min((h.date for h in row.retirements), default="9999-99-99")
    return (not row.failing_now, soonest, -row.count, row.user, row.application)


def summarize(
    tally: AuditTally,
    *,
    as_of: date,
    top: int = 10,
    problems: tuple[tuple[str, str], ...] = (),
    notes: tuple[str, ...] = (),
) -> AuditSummary:
    """The summary of a fed tally, judged as of ``as_of``; ``problems``: (file, why) for the
    files that could not be used."""
    integrations = _resolved(tally)
    rows = sorted((_row(i, as_of) for i in integrations), key=_order)
    deadlines = tuple(_deadline(r, integrations, as_of) for r in RETIREMENTS)
    sources = [
        AuditSource(
            s.name,
            str(s.kind),
            s.kind.label,
            s.rows,
            s.skipped_count,
            tuple(sorted(s.skipped.items(), key=lambda kv: -kv[1])),
            "",
        )  # fmt: skip
        for s in tally.sources
    ]
    sources += [AuditSource(path, None, "", 0, 0, (), why) for path, why in problems]
    all_notes = list(notes)
    for s in tally.sources:
        all_notes += [f"{s.name}: {n}" for n in s.notes]
    unknown = [i for i in rows if i.way == Way.OAUTH.label]
    if unknown:
        all_notes.append(
            f"{len(unknown):,} OAuth {plural(len(unknown), 'integration')} (Remote Access 2.0) "
            "without a login subtype: the export does not say which flow "
            f"{'it uses' if len(unknown) == 1 else 'they use'}; a username-password flow among "
            f"them stops working on {BY_ID['oauth_username_password_flow'].date}. Add the "
            "Login Subtype column, or audit the Event Log File Login (LOGIN_SUB_TYPE)"
        )
    if tally.dropped_rows:
        all_notes.append(
            f"{tally.dropped_keys:,} more distinct integrations or versions than sfdoctor keeps "
            f"({tally.dropped_rows:,} rows) were counted but not listed"
        )
    people = len(tally.people)
    if tally.more_people:
        all_notes.append(f"more than {MAX_USERS:,} people logged in interactively")
    return AuditSummary(
        version=__version__,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        as_of=as_of.isoformat(),
        sources=tuple(sources),
        integrations=tuple(rows),
        deadlines=deadlines,
        interactive_logins=tally.interactive.count,
        interactive_people=people,
        rows=sum(s.rows for s in tally.sources),
        dropped_rows=tally.dropped_rows,
        dropped_integrations=tally.dropped_keys,
        notes=tuple(all_notes),
        top=top,
    )
