"""Count a Login History export in one pass, without keeping its rows.

The loop is the hot path of ``sfdoctor triage`` (a million rows should cost at most twice a
bare ``csv.reader`` pass), so it is written for speed: columns by index, no dict per row,
each distinct status classified once (a success is then a set lookup; a failure status maps
to the counters of its :class:`StatusTally`), times compared as text (ISO timestamps sort
as text; others go through a cached :class:`~sfdoctor.loginhistory.clock.Clock`).

Memory is bounded: per distinct status (at most :data:`MAX_STATUSES`), counters per user,
address, application and hour, and at most :data:`MAX_KEYS` distinct users (addresses,
applications) and :data:`MAX_HOURS` distinct hours across all statuses: past that, the keys
with the fewest failures are folded into one :data:`OTHER` key per status, so every total stays
exact and only the long tail of the tables is lost. A status is cut to
:data:`MAX_STATUS_CHARS` before it is classified or kept, and a line is read at most
:data:`~sfdoctor.loginhistory.rows.MAX_LINE` characters at a time
(:func:`~sfdoctor.loginhistory.rows.rows`), so neither a 40 KB status nor a gigabyte line
without a newline costs more than its first part.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import Any

from sfdoctor.diagnosis.knowledge import KnowledgeBase
from sfdoctor.loginhistory.clock import Clock, is_iso
from sfdoctor.loginhistory.layouts import Layout
from sfdoctor.loginhistory.rows import MAX_LINE
from sfdoctor.loginhistory.statuses import SUCCESS, status_cause

MAX_ADDRESSES = 20
"""Distinct source addresses remembered per user and status ("from 20+ addresses")."""
MAX_STATUSES = 2000
"""Distinct statuses classified and counted one by one; more means a wrong column."""
OVERFLOW = "\u2026other statuses"
MAX_STATUS_CHARS = 1000
"""Characters of a status that are classified and kept (Salesforce's are under 100)."""
MAX_KEYS = 100_000
"""Distinct users, and separately addresses and applications, counted one by one across all
statuses; past it the least-failing half is folded into :data:`OTHER` (a real export rarely
comes near: it would take 100,000 failing users)."""
MAX_HOURS = 200_000
"""Distinct hours (``YYYY-MM-DDTHH``) counted one by one across all statuses (20 years of
hours for one status, or a year for twenty); past it, as :data:`MAX_KEYS`."""
OTHER = "\u2026other"
"""The key that holds what was folded away when a counter passed its cap."""
FOLD_CHECK = 4096
"""Failed rows between two checks of the caps (a check costs a few ``len`` calls)."""
KINDS = ("users", "source addresses", "applications", "hours")
"""What each of a :class:`StatusTally`'s four counters counts, in ``counters`` order."""
LONG_LINE = f"a line longer than {MAX_LINE:,} characters (not a login row)"
"""The skipped reason of an over-long line."""


class StatusTally:
    """Everything counted for one distinct status string (failures only)."""

    __slots__ = ("apps", "cause", "confidence", "counters", "hours", "ips", "status", "users")

    def __init__(self, status: str, cause: str | None, confidence: str = "") -> None:
        self.status = status
        self.cause = cause
        """A cause id, or None (a status the knowledge base does not know)."""
        self.confidence = confidence
        self.users: dict[str, list] = {}
        """user -> [failures, first time key, last time key, [distinct source addresses]]."""
        self.ips: defaultdict[str, int] = defaultdict(int)
        self.apps: defaultdict[str, int] = defaultdict(int)
        self.hours: defaultdict[str, int] = defaultdict(int)
        """``YYYY-MM-DDTHH`` -> failures (days and bursts come from these)."""
        self.counters = (self.users, self.ips, self.apps, self.hours)
        """The same four, as the hot loop unpacks them (cheaper than four attributes)."""

    @property
    def n(self) -> int:
        """Rows with this status."""
        return sum(us[0] for us in self.users.values())


class Tally:
    """The counters of one export, filled by :meth:`feed`."""

    def __init__(self, layout: Layout, kb: KnowledgeBase) -> None:
        self.layout = layout
        self.kb = kb
        self.statuses: dict[str, StatusTally] = {}
        """Failure statuses (known or not) and their counters."""
        self.success_statuses: set[str] = set()
        self.records = 0
        """Records read after the header: rows, blank lines and malformed records."""
        self.long_lines = 0
        """Lines longer than MAX_LINE, passed over before the CSV reader saw them."""
        self.blank = 0
        self.skipped: defaultdict[str, int] = defaultdict(int)
        self.notes: list[str] = []
        self.clock = Clock()
        self.clock.on_flip = self._remap
        self._overflow: StatusTally | None = None
        self.folded: set[str] = set()
        """The :data:`KINDS` whose counters passed their cap (their tables are the top part)."""
        self._addresses: dict[str, str] = {}

    @property
    def overflowed(self) -> bool:
        """True when there were more distinct statuses than :data:`MAX_STATUSES`."""
        return self._overflow is not None

    @property
    def rows(self) -> int:
        """Data rows read, skipped ones included (blank lines are not rows)."""
        return self.records + self.long_lines - self.blank

    @property
    def failures(self) -> int:
        """Rows whose status is not a success (unknown statuses included)."""
        return sum(tl.n for tl in self.statuses.values())

    @property
    def successes(self) -> int:
        """Rows whose status is a success."""
        return self.rows - sum(self.skipped.values()) - self.failures

    def long_line(self) -> None:
        """Count a line too long to be a row (``rows.rows`` calls it)."""
        self.long_lines += 1
        self.skipped[LONG_LINE] += 1

    def _new_status(self, status: str) -> tuple | None:
        """Classify a status seen for the first time: its counters, or None for a success.

        A status longer than :data:`MAX_STATUS_CHARS` is counted under its first part (it
        comes here on every row: the caller does not cache such keys)."""
        if len(status) > MAX_STATUS_CHARS:
            # NOTE: classifying and redacting cost grows with the text; no real status is
            # this long, so its first part says all there is to say about it.
            status = status[:MAX_STATUS_CHARS]
            known = self.statuses.get(status)
            if known is not None:
                return known.counters
            if status in self.success_statuses:
                return None
        if len(self.statuses) >= MAX_STATUSES:
            if self._overflow is None:
                self._overflow = self.statuses[OVERFLOW] = StatusTally(OVERFLOW, None)
            return self._overflow.counters
        cause, confidence = status_cause(status, self.kb)
        if cause == SUCCESS:
            self.success_statuses.add(status)
            return None
        tl = self.statuses[status] = StatusTally(status, cause, confidence)
        return tl.counters

    def _fit(self, row: list[str]) -> list[str] | None:
        """A row whose width differs from the header's: trimmed, or None (blank / skipped)."""
        width = len(self.layout.header)
        if not row or (len(row) == 1 and not row[0].strip()):
            self.blank += 1
            return None
        if len(row) < width:
            self.skipped["fewer fields than the header (a truncated or footer line)"] += 1
            return None
        if any(cell.strip() for cell in row[width:]):
            self.skipped["more fields than the header (an unquoted delimiter?)"] += 1
            return None
        return row[:width]

    def _remap(self, swap: Callable[[str], str]) -> None:
        """The clock learnt that dates are day first: fix the keys stored so far."""
        for tl in self.statuses.values():
            for us in tl.users.values():
                us[1], us[2] = swap(us[1]), swap(us[2])
            hours = dict(tl.hours)
            tl.hours.clear()
            for key, count in hours.items():
                tl.hours[swap(key)] += count

    def _bound(self) -> None:
        """Fold the counters that passed their cap (:data:`MAX_KEYS`, :data:`MAX_HOURS`)."""
        if len(self._addresses) > MAX_KEYS:
            self._addresses.clear()  # only shares strings: forgetting it costs no count
        for kind, name in enumerate(KINDS):
            cap = MAX_HOURS if name == "hours" else MAX_KEYS
            if sum(len(tl.counters[kind]) for tl in self.statuses.values()) > cap:
                self._fold(kind, cap // 2)
                self.folded.add(name)

    def _fold(self, kind: int, keep: int) -> None:
        """Keep about ``keep`` keys of counter ``kind`` (those with most failures, across all
        statuses) and fold the others into each status's :data:`OTHER` key.

        Folding half at a time makes the cost amortised: a fold sorts the counts once, and
        at least ``keep`` new keys must come before the next one."""
        counters: list[dict[str, Any]] = [tl.counters[kind] for tl in self.statuses.values()]
        users = kind == 0
        counts = sorted(
            (v[0] if users else v for c in counters for k, v in c.items() if k != OTHER),
            reverse=True,
        )
        if len(counts) <= keep:
            return
        floor = counts[keep]
        for c in counters:
            gone = [k for k, v in c.items() if k != OTHER and (v[0] if users else v) <= floor]
            for k in gone:
                v = c.pop(k)
                if not users:
                    c[OTHER] = c.get(OTHER, 0) + v
                    continue
                other = c.get(OTHER)
                if other is None:
                    c[OTHER] = [v[0], v[1], v[2], v[3][:MAX_ADDRESSES]]
                    continue
                other[0] += v[0]
                other[1] = min(other[1], v[1])
                other[2] = max(other[2], v[2])
                seen = other[3]
                seen += [ip for ip in v[3] if ip not in seen][: MAX_ADDRESSES - len(seen)]

    def feed(self, records: Iterable[list[str]]) -> None:
        """Count every record (one pass; nothing is kept but the counters)."""
        layout = self.layout
        width = len(layout.header)
        cols = layout.columns
        si = layout.status
        # NOTE: a role the file lacks reads the status column instead, so the loop needs no
        # test per row; the summary ignores what was counted for it.
        ui = cols.get("user", si)
        ii = cols.get("source_ip", si)
        ai = cols.get("application", si)
        ti = cols.get("time", si)
        it: Iterator[list[str]] = iter(records)
        iso = True
        if "time" in cols:
            first = self._first(it)
            if first is not None:
                iso = len(first) > ti and is_iso(first[ti])
                it = chain([first], it)
        clock = self.clock.__call__  # bound once: the instance call costs more per row
        ok = self.success_statuses
        cache: dict[str, tuple] = {s: t.counters for s, t in self.statuses.items()}
        fit = self._fit
        new_status = self._new_status
        cap = MAX_ADDRESSES
        addresses = self._addresses
        bound = self._bound
        check = FOLD_CHECK
        n = self.records
        try:
            while True:
                try:
                    # NOTE: the hot loop. A success costs a count, a length check and a set
                    # lookup; a failure a handful of dict operations. Keep it that way.
                    for row in it:
                        n += 1
                        if len(row) != width:
                            fitted = fit(row)
                            if fitted is None:
                                continue
                            row = fitted
                        st = row[si]
                        if st in ok:
                            continue
                        counters = cache.get(st)
                        if counters is None:
                            counters = new_status(st)
                            if counters is None:
                                continue
                            if len(cache) < MAX_STATUSES and len(st) <= MAX_STATUS_CHARS:
                                cache[st] = counters
                        check -= 1
                        if not check:
                            # NOTE: a countdown over failed rows (only they add keys), so a
                            # file cannot dodge the check by where it puts its successes.
                            check = FOLD_CHECK
                            bound()
                        users, ips, apps, hours = counters
                        user = row[ui]
                        ts = row[ti]
                        key = ts if iso else clock(ts)
                        ip = row[ii]
                        us = users.get(user)
                        # NOTE: addresses are kept as one string object per distinct address
                        # (setdefault), however many rows and users hold it.
                        if us is None:
                            users[user] = [1, key, key, [addresses.setdefault(ip, ip)]]
                        else:
                            us[0] += 1
                            if key < us[1]:
                                us[1] = key
                            elif key > us[2]:
                                us[2] = key
                            seen = us[3]
                            if len(seen) < cap and ip not in seen:
                                seen.append(addresses.setdefault(ip, ip))
                        ips[ip] += 1
                        apps[row[ai]] += 1
                        hours[key[:13]] += 1
                    break
                except csv.Error as exc:
                    n += 1
                    self._malformed(exc)
        except EOFError:
            self.notes.append(
                "the compressed file ended early (truncated download?): rows after that point "
                "are missing"
            )
        except OSError as exc:
            self.notes.append(f"reading stopped early: {exc}; rows after that point are missing")
        finally:
            self.records = n
            self._bound()

    def _first(self, it: Iterator[list[str]]) -> list[str] | None:
        while True:
            try:
                return next(it, None)
            except csv.Error as exc:
                self.records += 1
                self._malformed(exc)

    def _malformed(self, exc: csv.Error) -> None:
        reason = str(exc).split("(")[0].strip() or "malformed"
        self.skipped[f"malformed CSV record: {reason}"] += 1
