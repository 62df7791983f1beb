"""Turn the timestamps of an export into sortable time keys (``YYYY-MM-DDTHH:MM[:SS]``).

ISO timestamps are their own keys; US, European, dotted and Event Log File compact
timestamps are read by shape, and whether a date is day first is learnt from the data.
"""

from __future__ import annotations

import re
from collections.abc import Callable

MAX_CACHE = 100_000
"""Dates and hours-as-written remembered (a year of hours is 8,784); past it the cache starts
again, so a file of random dates costs time, not memory."""


def is_iso(value: str) -> bool:
    """True for ``2024-11-03T14:22:05.000Z`` and ``2024-11-03 14:22:05`` (sortable as text)."""
    return len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-" and value[:4].isdigit()


class Clock:
    """Turns the export's timestamps into sortable keys ``YYYY-MM-DDTHH:MM[:SS]``.

    ISO timestamps are their own keys (callers skip the clock for them). Others are read by
    shape, with a cache per date: ``11/3/2024 2:22:05 PM`` (the Setup download in a US
    locale), ``03/11/2024 14:22``, ``03.11.2024 14:22:05``, ``20241103142205.123`` (ELF
    ``TIMESTAMP``). Whether ``03/11`` is 3 November or 11 March is learnt from the data: a
    first number above 12 means day first, a second above 12 month first; until then month
    first is assumed, and if the data later says otherwise every key handed out so far is
    ambiguous (both numbers at most 12), so :attr:`on_flip` is called to swap month and day
    in the keys already stored.
    """

    def __init__(self) -> None:
        self._dates: dict[str, str] = {}
        self._hours: dict[str, str] = {}
        self._ambiguous = False
        self.day_first: bool | None = None
        """True: day first; False: month first; None: not yet known (month first assumed)."""
        self.on_flip: Callable[[Callable[[str], str]], None] | None = None

    @staticmethod
    def swap(key: str) -> str:
        """``YYYY-AA-BB...`` -> ``YYYY-BB-AA...`` (month and day exchanged)."""
        if len(key) < 10 or key[4] != "-":
            return key
        return key[:5] + key[8:10] + "-" + key[5:7] + key[10:]

    def __call__(self, value: str) -> str:
        """The sortable key of ``value``; ``""`` when it is not a time sfdoctor can read."""
        # NOTE: the hot path: one dict lookup per row, keyed by what decides the hour (the
        # date, the hour as written, the AM/PM mark); minutes and seconds are copied as
        # they are. Everything else is worked out once per hour, in _slow.
        colon = value.find(":")
        if colon > 0:
            end = value.find(" ", colon)
            if end < 0:
                prefix = self._hours.get(value[:colon])
                if prefix is not None:
                    return prefix + value[colon:]
            else:
                prefix = self._hours.get(value[:colon] + value[end : end + 2])
                if prefix is not None:
                    return prefix + value[colon:end]
        return self._slow(value)

    def _slow(self, value: str) -> str:
        if is_iso(value):
            return value
        date, _, rest = value.strip().partition(" ")
        if len(date) >= 8 and date[:8].isdigit():  # ELF TIMESTAMP: 20241103142205.123
            return self._compact(date)
        day = self._dates.get(date) or self._date(date)
        if not day:
            return ""
        colon = value.find(":")
        h = rest.partition(":")[0].strip()
        if colon < 0 or not h.isdigit():
            return day + "T00:00"
        end = value.find(" ", colon)
        mark = value[end + 1 : end + 2] if end >= 0 else ""
        prefix = f"{day}T{_H12.get(h + mark) or _H24.get(h, h)}"
        if len(self._hours) >= MAX_CACHE:
            self._hours.clear()
        if end < 0:
            self._hours[value[:colon]] = prefix
            return prefix + value[colon:]
        self._hours[value[:colon] + value[end : end + 2]] = prefix
        return prefix + value[colon:end]

    @staticmethod
    def _compact(value: str) -> str:
        v = value
        return f"{v[:4]}-{v[4:6]}-{v[6:8]}T{v[8:10] or '00'}:{v[10:12] or '00'}:{v[12:14] or '00'}"

    def _date(self, token: str) -> str:
        parts = re.split(r"[/.\-]", token.rstrip(","))
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            return ""
        a, b, c = (int(p) for p in parts)
        if len(parts[0]) == 4:
            year, month, day = a, b, c
        else:
            year = c + 2000 if len(parts[2]) <= 2 else c  # 24 -> 2024; 0024 is year 24
            if "." in token:  # 03.11.2024: day first wherever dots are used
                day, month = a, b
            else:
                if self.day_first is None:
                    if a > 12:
                        self._decide(True)
                    elif b > 12:
                        self._decide(False)
                    else:
                        self._ambiguous = True
                day, month = (a, b) if self.day_first else (b, a)
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return ""
        iso = f"{year:04d}-{month:02d}-{day:02d}"
        if len(self._dates) >= MAX_CACHE:
            self._dates.clear()
        self._dates[token] = iso
        return iso

    def _decide(self, day_first: bool) -> None:
        self.day_first = day_first
        if day_first and self._ambiguous:
            # Every day-month date read so far was ambiguous, and read month first.
            self._dates.clear()
            self._hours.clear()
            if self.on_flip is not None:
                self.on_flip(self.swap)


# Hours as written -> two-digit 24-hour hours: "7" -> "07"; "7P" (7 PM) -> "19"; "12A" -> "00".
_H24 = {str(h): f"{h:02d}" for h in range(10)}
_H12 = {
    f"{h}{m}": f"{(h % 12) + (12 if m in 'Pp' else 0):02d}" for h in range(1, 13) for m in "AaPp"
}
_H12.update({f"0{h}{m}": v for h in range(1, 10) for m in "AaPp" for v in [_H12[f"{h}{m}"]]})
