"""Count every row of any number of exports into integrations, in one pass, bounded.

An integration (:mod:`.integration`) is a user x application x way of logging in (login
type, subtype, API type).
The hot loop (a million rows should cost at most 2.5 times a bare ``csv.reader`` pass) does
no parsing: the cells that make an integration and its API version are taken as one tuple
(``operator.itemgetter``) and looked up in a per-file dict; only a tuple seen for the first
time is decoded (codes to labels, the way it logs in: :mod:`.codes`) and tied to its
:class:`Integration`. A row then costs a count, a status set lookup, two time comparisons
and an address count. At the end of each file its groups are merged into the integrations.

Memory is bounded by the data's variety, not its length: at most :data:`MAX_KEYS` distinct
tuples per file, :data:`MAX_INTEGRATIONS` integrations, :data:`MAX_ADDRESSES` addresses and
:data:`MAX_VERSIONS` API versions per integration; what does not fit is counted as dropped.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from itertools import chain
from operator import itemgetter
from typing import Any, TextIO

from sfdoctor.loginhistory.audit.codes import (
    Way,
    api_type_label,
    blank,
    is_soap,
    login_type_label,
    login_way,
    subtype_label,
    version_number,
)
from sfdoctor.loginhistory.audit.columns import KEY_ROLES
from sfdoctor.loginhistory.audit.integration import (
    MAX_ADDRESSES,
    UNSEEN,
    Always,
    Integration,
    SourceCount,
    blocked,
    failed,
    new_stats,
)
from sfdoctor.loginhistory.clock import Clock, is_iso
from sfdoctor.loginhistory.layouts import Kind, Layout
from sfdoctor.loginhistory.rows import MAX_LINE, rows

MAX_KEYS = 20_000
"""Distinct (user, application, login type, subtype, API type, version) tuples per file."""
MAX_INTEGRATIONS = 5_000
MAX_VERSIONS = 50
MAX_USERS = 20_000
"""People remembered among interactive logins; user ids remembered with their names."""
MAX_STATUSES = 2_000
MAX_VALUE = 1_000
"""Characters of a cell kept in an integration (user, application, labels); a longer one is
counted under its first part, as it is shown anyway (no real value is this long)."""
MAX_DAYS = 10_000
"""Distinct dates (as written) whose day key is cached per file."""
LONG_LINE = f"a line longer than {MAX_LINE:,} characters (not a row)"
_OK = frozenset({"Success", "LOGIN_NO_ERROR", "200", "201", "204", "304"})


class AuditTally:
    """The integrations of every file fed, and what could not be kept."""

    def __init__(self) -> None:
        self.integrations: dict[tuple[str, ...], Integration] = {}
        self.interactive = Integration("", "", "", "", "", "", Way.INTERACTIVE, Kind.SETUP)
        """Every login by a person (UI, SSO), counted together: not an integration."""
        self.people: set[str] = set()
        self.more_people = False
        self.names: dict[str, str] = {}
        """User id (first 15 characters) -> username, learnt from files that have both."""
        self.sources: list[SourceCount] = []
        self.dropped_rows = 0
        self.dropped_keys = 0
        self._statuses: dict[str, bool] = {}

    # --- decoding a tuple seen for the first time ------------------------------------------

    def _owner(self, values: dict[str, str], kind: Kind, login: bool) -> Integration | None:
        """The integration a tuple of cells belongs to (created when new), the interactive
        aggregate for a person, or None when the integration cap is reached."""
        user = values.get("user", "").strip()
        user_id = values.get("user_id", "").strip()
        if blank(user):
            user = ""
        if blank(user_id):
            user_id = ""
        if user and user_id and len(self.names) < MAX_USERS:
            self.names.setdefault(user_id[:15], user)
        app = values.get("application", "").strip()
        if blank(app):
            app = values.get("client_name", "").strip()
            app = "" if blank(app) else app
        api_type = api_type_label(values.get("api_type", ""))
        if kind is Kind.ELF_API:
            lt = st = ""
            way = Way.SOAP_LOGIN if login and is_soap(api_type) else Way.API_CALLS
        else:
            lt = login_type_label(values.get("login_type", ""))
            st = subtype_label(values.get("login_subtype", ""))
            way = login_way(lt, st, api_type)
        if way is Way.INTERACTIVE:
            who = user or user_id
            if who and who not in self.people:
                if len(self.people) < MAX_USERS:
                    self.people.add(who)
                else:
                    self.more_people = True
            return self.interactive
        # NOTE: the way, not the subtype as written, makes the key: a code (oauthpassword)
        # and a label (OAuth Username-Password) are the same integration.
        how = st if way in (Way.OTHER, Way.OAUTH) else str(way)
        if kind is Kind.ELF_API:
            how = "api"
        key = (user or user_id, app, lt, how, api_type)
        owner = self.integrations.get(key)
        if owner is None:
            if len(self.integrations) >= MAX_INTEGRATIONS:
                return None
            owner = self.integrations[key] = Integration(
                user, user_id, app, lt, st, api_type, way, kind
            )
        else:
            if way is Way.SOAP_LOGIN and owner.way is Way.API_CALLS:
                owner.way = way  # the same client's calls were seen before its login() calls
            if " " in st and " " not in owner.login_subtype:
                owner.login_subtype = st  # a label says more than a code
            if user_id and not owner.user_id:
                owner.user_id = user_id
            if user and not owner.user:
                owner.user = user
        version = values.get("api_version", "")
        number = version_number(version)
        if number is not None and version not in owner.versions:
            if len(owner.versions) < MAX_VERSIONS:
                owner.versions[version.strip()] = number
        return owner

    def _failed(self, status: str) -> bool:
        known = self._statuses.get(status)
        if known is None:
            known = failed(status)
            if len(self._statuses) < MAX_STATUSES and len(status) <= MAX_VALUE:
                self._statuses[status] = known
        return known

    # --- the pass ---------------------------------------------------------------------------

    def feed(
        self,
        name: str,
        layout: Layout,
        text: TextIO,
        records: Iterable[list[str]] | None = None,
    ) -> SourceCount:
        """Count every row of one file, read from ``text`` after its header (one pass;
        nothing is kept but the counters). ``records``: the rows, when another reader of the
        same pass (``triage --audit``) reads ``text`` and counts its over-long lines."""
        src = SourceCount(name, layout)
        self.sources.append(src)
        if records is None:
            records = rows(text, layout, on_long=lambda: self.long_line(src))
        cols = layout.columns
        roles = [r for r in KEY_ROLES if r in cols]
        keyget = itemgetter(*(cols[r] for r in roles))
        single = len(roles) == 1
        kind = layout.kind
        width = len(layout.header)
        si = cols.get("status", -1)
        ti = cols.get("time", -1)
        ii = cols.get("source_ip", -1)
        ri = cols.get("api_resource", -1) if kind is Kind.ELF_API else -1
        groups: dict[Any, list[Any]] = {}
        logins: dict[Any, list[Any]] = {}
        overflow = new_stats(None)
        clock = Clock()

        # NOTE: times that are not ISO (the Setup download's 11/29/2026 11:59:59 PM) are
        # compared by day: a day key per distinct date as written costs a slice and a dict
        # lookup a row, where reading every time costs twice the rest of the loop. First and
        # last seen are shown by day in any case.
        days: dict[str, str] = {}

        def remap(swap: Any) -> None:  # the clock learnt that dates are day first
            days.clear()
            for s in chain(groups.values(), logins.values()):
                if s[3]:
                    s[2], s[3] = swap(s[2]), swap(s[3])

        clock.on_flip = remap
        it: Iterator[list[str]] = iter(records)
        iso = True
        if ti >= 0:
            head = self._first(it, src)
            if head is not None:
                iso = len(head) > ti and is_iso(head[ti])
                it = chain([head], it)
        # NOTE: a role the file lacks reads the first key column instead, so the loop tests
        # nothing per row: a missing status matches everything as a success (Always), and
        # what was counted for a missing time or address is thrown away when the file is
        # settled.
        spare = cols[roles[0]]
        sj, tj, ij = (i if i >= 0 else spare for i in (si, ti, ii))

        def day_key(value: str, sp: int) -> str:
            date = value[:sp] if sp > 0 else value
            key = clock(date)[:10]
            if len(days) < MAX_DAYS and len(date) <= 40:
                days[date] = key
            return key

        def time_key(value: str, iso: bool) -> str:
            """A row's time key, as the loop below makes it (for the few rows that need it
            before the loop's own reading)."""
            if iso:
                return value
            sp = value.find(" ")
            return days.get(value[:sp] if sp > 0 else value) or day_key(value, sp)

        ok: Any = _OK if si >= 0 else Always()
        iso = iso or ti < 0
        is_failed = self._failed
        is_blocked = blocked  # only failed rows ask (few): no cache
        cap = MAX_ADDRESSES

        def new_group(key: Any, login: bool) -> list[Any]:
            """The counters of a tuple seen for the first time (or one too long to keep)."""
            table = logins if login else groups
            cells = (key,) if single else key
            if any(len(c) > MAX_VALUE for c in cells):
                # NOTE: kept under its cut form only: caching the long key would hold its text.
                cells = tuple(c[:MAX_VALUE] for c in cells)
                key = cells[0] if single else cells
                known = table.get(key)
                if known is not None:
                    return known
            size = len(groups) + len(logins)
            if size >= MAX_KEYS:
                if size < 2 * MAX_KEYS:  # beyond, not even remembered as dropped
                    self.dropped_keys += 1
                    table[key] = overflow
                return overflow
            values = dict(zip(roles, cells, strict=True))
            stats = new_stats(self._owner(values, kind, login))
            if stats[6] is None:
                self.dropped_keys += 1
            table[key] = stats
            return stats

        n = 0
        try:
            while True:
                try:
                    # NOTE: the hot loop: keep it to dict lookups and comparisons.
                    for row in it:
                        n += 1
                        if len(row) != width:
                            fitted = self._fit(row, width, src)
                            if fitted is None:
                                continue
                            row = fitted
                        key = keyget(row)
                        if ri >= 0 and row[ri] == "login":
                            s = logins.get(key)
                            if s is None:
                                s = new_group(key, True)
                        else:
                            s = groups.get(key)
                            if s is None:
                                s = new_group(key, False)
                        s[0] += 1
                        st = row[sj]
                        if st not in ok and is_failed(st):
                            s[1] += 1
                            if is_blocked(st):  # rare: its time is read apart
                                s[7] += 1
                                s[8] = max(s[8], time_key(row[tj][:40], iso))
                        ts = row[tj][:40]  # a cell of any length keeps 40 characters
                        if not iso:  # a day key per date as written (cached)
                            sp = ts.find(" ")
                            ts = days.get(ts[:sp] if sp > 0 else ts) or day_key(ts, sp)
                        if ts:
                            if ts < s[2]:
                                s[2] = ts
                            if ts > s[3]:
                                s[3] = ts
                        ip = row[ij]
                        ips = s[4]
                        c = ips.get(ip)
                        if c is not None:
                            ips[ip] = c + 1
                        elif len(ips) < cap:
                            ip = ip[:100]  # a long cell is counted under its first part
                            ips[ip] = ips.get(ip, 0) + 1
                        else:
                            s[5] += 1
                    break
                except csv.Error as exc:
                    n += 1
                    self._malformed(exc, src)
        except EOFError:
            src.notes.append(
                "the compressed file ended early (truncated download?): rows after that point "
                "are missing"
            )
        except OSError as exc:
            src.notes.append(f"reading stopped early: {exc}; rows after that point are missing")
        finally:
            src.records += n
            stats = list(chain(groups.values(), logins.values()))
            for s in stats:
                if ti < 0:
                    s[2], s[3], s[8] = UNSEEN, "", ""
                if ii < 0:
                    s[4], s[5] = {}, 0
            self._settle(stats, overflow)
        return src

    def _settle(self, stats: Iterable[list[Any]], overflow: list[Any]) -> None:
        """Merge one file's groups into their integrations; count the dropped rows."""
        for s in stats:
            owner = s[6]
            if owner is not None:
                owner.merge(s)
            elif s is not overflow:
                self.dropped_rows += s[0]
        self.dropped_rows += overflow[0]

    def _first(self, it: Iterator[list[str]], src: SourceCount) -> list[str] | None:
        while True:
            try:
                return next(it, None)
            except csv.Error as exc:
                src.records += 1
                self._malformed(exc, src)

    @staticmethod
    def _fit(row: list[str], width: int, src: SourceCount) -> list[str] | None:
        """A row whose width differs from the header's: trimmed, or None (blank / skipped)."""
        if not row or (len(row) == 1 and not row[0].strip()):
            src.records -= 1  # a blank line is not a row
            return None
        if len(row) < width:
            src.skipped["fewer fields than the header (a truncated or footer line)"] += 1
            return None
        if any(cell.strip() for cell in row[width:]):
            src.skipped["more fields than the header (an unquoted delimiter?)"] += 1
            return None
        return row[:width]

    @staticmethod
    def _malformed(exc: csv.Error, src: SourceCount) -> None:
        reason = str(exc).split("(")[0].strip() or "malformed"
        src.skipped[f"malformed CSV record: {reason}"] += 1

    @staticmethod
    def long_line(src: SourceCount) -> None:
        """Count a line too long to be a row (passed over by ``rows.rows``)."""
        src.records += 1
        src.skipped[LONG_LINE] += 1
