"""The counters of one cause, merged from the per-status counters of a
:class:`~sfdoctor.loginhistory.tally.Tally` (several statuses can name the same cause)."""

from __future__ import annotations

from collections import defaultdict

from sfdoctor.loginhistory.tally import StatusTally


class CauseCounts:
    """Counters of one cause, merged from its statuses."""

    def __init__(self, cause: str) -> None:
        self.cause = cause
        self.confidence = "high"
        self.count = 0
        self.statuses: dict[str, int] = {}
        self.users: dict[str, list] = {}
        self.user_status: dict[str, dict[str, int]] = defaultdict(dict)
        self.ips: defaultdict[str, int] = defaultdict(int)
        self.apps: defaultdict[str, int] = defaultdict(int)
        self.hours: defaultdict[str, int] = defaultdict(int)

    def add(self, tl: StatusTally) -> None:
        self.count += tl.n
        self.statuses[tl.status] = tl.n
        if tl.confidence and tl.confidence != "high":
            self.confidence = tl.confidence
        for user, (n, first, last, ips) in tl.users.items():
            mine = self.users.get(user)
            if mine is None:
                self.users[user] = [n, first, last, ips]
            else:
                mine[0] += n
                mine[1] = min(mine[1], first)
                mine[2] = max(mine[2], last)
                mine[3] = mine[3] + [ip for ip in ips if ip not in mine[3]]
            self.user_status[user][tl.status] = n
        for src, dst in ((tl.ips, self.ips), (tl.apps, self.apps), (tl.hours, self.hours)):
            for k, v in src.items():
                dst[k] += v

    def status_of(self, user: str) -> str:
        """The status this user's failures carried most."""
        counts = self.user_status.get(user) or self.statuses
        return max(counts.items(), key=lambda kv: kv[1])[0]
