"""The dates Salesforce takes API authentication away: one table, every date with its source.

Read by ``sfdoctor audit`` (which integrations hit which date, and the days left), the
deprecation radar of ``check`` and ``explain`` (the dates of a cause, :func:`for_cause`), so
a date is changed here once. Pure data; a test ties every row to a public source
(research/timeline-2026.md).

NOTE on the Summer releases: the sources name the release ("Summer '27"), not a day. A
Summer release reaches production orgs over several weekends from late May to mid June;
sfdoctor counts to the **second Saturday of June** of that year, a documented approximation,
and every output says so ("Summer '27 (about 2027-06-12)").
"""

from __future__ import annotations

from sfdoctor.models import NamedTuple  # typing's, without importing typing (start-up budget)

# NOTE: datetime is imported where a date is computed: `explain` imports this table for
# every cause, and most have no date (start-up budget, bench/startup.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime as dt


class Retirement(NamedTuple):
    """One thing Salesforce retires, when, and where that is said."""

    id: str
    """Stable id (ids are forever: a rename keeps the old one as an alias elsewhere)."""
    date: str
    """``YYYY-MM-DD``: the day it stops working (approximate when :attr:`release` is set)."""
    title: str
    source: str
    """A public Salesforce page that announces the date."""
    release: str = ""
    """The release the source names (``Summer '27``) when it gives no day; ``""`` when the
    source gives the day itself."""
    cause: str = ""
    """The knowledge-base entry with the remediation (``sfdoctor explain --cause ID``)."""

    @property
    def day(self) -> dt.date:
        """:attr:`date` as a date."""
        import datetime as dt

        return dt.date.fromisoformat(self.date)

    @property
    def approximate(self) -> bool:
        """True when the source names a release, not a day."""
        return bool(self.release)

    @property
    def when(self) -> str:
        """How the date is shown: ``2027-02-20`` or ``Summer '27 (about 2027-06-12)``."""
        return f"{self.release} (about {self.date})" if self.release else self.date

    def days_left(self, as_of: dt.date) -> int:
        """Days from ``as_of`` to the date (negative once it has passed)."""
        return (self.day - as_of).days


EOL_SOAP = "https://developer.salesforce.com/docs/platform/api/guide/api-eol-soap.html"

RETIREMENTS: tuple[Retirement, ...] = (
    Retirement(
        "api_versions_21_30",
        "2025-06-14",
        "API versions 30.0 and older are retired (21.0-30.0 in Summer '25): calls fail now",
        EOL_SOAP,
        release="Summer '25",
        cause="api_version_retired",
    ),
    Retirement(
        "oauth_username_password_flow",
        "2027-02-20",
        "The OAuth 2.0 username-password flow stops working for connected apps",
        "https://help.salesforce.com/s/articleView?id=005461976&type=1",
        cause="password_flow_disabled",
    ),
    Retirement(
        "soap_login",
        "2027-06-12",
        "SOAP API login() is retired (already unavailable at API 65.0 and later)",
        "https://help.salesforce.com/s/articleView?id=005132110&type=1",
        release="Summer '27",
        cause="soap_login_disabled",
    ),
    Retirement(
        "api_versions_31_40",
        "2027-06-12",
        "API versions 31.0-40.0 are unsupported (and retired in Summer '28)",
        "https://help.salesforce.com/s/articleView?id=005321531&type=1",
        release="Summer '27",
        cause="api_version_retired",
    ),
)
"""Every retirement sfdoctor knows, oldest date first."""

BY_ID: dict[str, Retirement] = {r.id: r for r in RETIREMENTS}


def for_cause(cause: str) -> tuple[Retirement, ...]:
    """The retirements whose remediation is the knowledge-base entry ``cause``, oldest first."""
    return tuple(r for r in RETIREMENTS if r.cause == cause)


def today() -> dt.date:
    """Today (UTC), from which the days left are counted."""
    import datetime as dt

    return dt.datetime.now(dt.UTC).date()
