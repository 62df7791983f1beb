"""The deprecation radar: what a configuration leans on that Salesforce is taking away.

Pure: the flow, the login URL and the API versions in; report lines (stage ``radar``) and
findings out. The radar speaks whenever the flow in use is on its way out, whether or not
the login worked today:

- the OAuth username-password flow: blocked by default in orgs created since Summer '23,
  never supported by External Client Apps (``password_flow_disabled``, info);
- SOAP API ``login()``: not offered from API 65.0, disabled by default in orgs created in
  Winter '26 or later, retired in Summer '27 (``soap_login_disabled``, info);
- an API version older than every version the login host offers (``api_version_retired``,
  warning: calls at it fail today), when the session checks did not judge it already
  (:func:`judge_version`, which runs before any call uses the version);
- API 31.0 to 40.0: unsupported from Summer '27, retired in Summer '28
  (``api_version_retired``, warning).

Each note carries the way out: a concrete recipe for the JWT bearer flow, ending with the
``sfdoctor check --flow jwt`` that proves it works before the integration switches. A note
is about a flow that works today: its title says when the flow goes (the dates of
:mod:`sfdoctor.diagnosis.retirements`), never that it is disabled, though its ``cause`` is the
knowledge-base entry for the day it is (the JSON ``finding.cause`` contract: ids of CAUSES.md).
Sources: research §6.6 and §8 (items 5 and 6).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sfdoctor.diagnosis.findings import finding
from sfdoctor.diagnosis.retirements import BY_ID, Retirement
from sfdoctor.models import Check, Finding, Mark, Severity

RETIRED_THROUGH = 30.0
"""Versions up to 30.0 are retired (7.0-20.0 in Summer '22, 21.0-30.0 in Summer '25)."""
DEPRECATED_THROUGH = 40.0
"""Versions 31.0-40.0 are unsupported from Summer '27 and retired in Summer '28."""
GONE = "REST answers HTTP 410 GONE at it, SOAP HTTP 500 UNSUPPORTED_API_VERSION"

PRODUCTION_URL = "https://login.salesforce.com"
SANDBOX_URL = "https://test.salesforce.com"


def _where(login_url: str) -> str:
    """The ``check`` option that reaches ``login_url`` ('' for the default host)."""
    url = login_url.rstrip("/")
    if url == PRODUCTION_URL:
        return ""
    if url == SANDBOX_URL:
        return " --sandbox"
    return f" --login-url {url}"


def jwt_recipe(login_url: str) -> tuple[str, ...]:
    """The move to the JWT bearer flow, step by step, ending with the check that proves it
    (no password, no security token, nothing that breaks when a password changes)."""
    return (
        "Move to the JWT bearer flow. First create a private key and a self-signed "
        "certificate: openssl req -x509 -newkey rsa:2048 -sha256 -days 730 -nodes "
        "-subj '/CN=salesforce-integration' -keyout integration.key -out integration.crt "
        "(keep integration.key secret: mode 0600, never in version control).",
        "Upload the certificate to the connected app: App Manager > (app) > Edit > API "
        "(Enable OAuth Settings) > select 'Use digital signatures' > choose integration.crt > "
        "Save (changes can take up to 10 minutes to apply). For an External Client App "
        "(new apps are, since Spring '26; they never support the username-password flow): "
        "Setup > External Client Apps Manager > (app) > Edit Settings > OAuth Settings > "
        "Enable JWT Bearer Flow > upload integration.crt > Save.",
        "Pre-authorize the integration user: App Manager > (app) > Manage > Edit Policies > "
        "Permitted Users = 'Admin approved users are pre-authorized' > Save; then Manage "
        "Profiles (or Manage Permission Sets) on the same page: add the user's profile or a "
        "permission set assigned to the user. For an External Client App: External Client "
        "Apps Manager > (app) > Edit Policies > Permitted Users = 'Admin approved users are "
        "pre-authorized', then add the profiles or permission sets there.",
        "Verify before switching the integration over: SF_JWT_KEY_FILE=integration.key "
        f"sfdoctor check --flow jwt{_where(login_url)} (the same SF_CLIENT_ID and "
        "SF_USERNAME; no password, token or consumer secret needed).",
    )


PASSWORD_FLOW = BY_ID["oauth_username_password_flow"]
SOAP_LOGIN = BY_ID["soap_login"]


def countdown(retirement: Retirement, today: date) -> str:
    """When ``retirement`` happens, counted from ``today``: ``2027-02-20 (82 days)``;
    ``Summer '27, about 2027-06-12 (194 days)``; ``2027-02-20 (passed 3 days ago)``."""
    when = (
        f"{retirement.release}, about {retirement.date}"
        if retirement.release
        else (retirement.date)
    )
    days = retirement.days_left(today)
    if days < 0:
        return f"{when} (passed {-days} day{'' if days == -1 else 's'} ago)"
    return f"{when} ({days} day{'' if days == 1 else 's'})"


def _note(cause: str, title: str, evidence: list[str], remediation: tuple[str, ...]) -> Finding:
    """A radar note: the knowledge base's entry for ``cause`` (its references), with this
    run's title, evidence and remediation: the flow works today, so the entry's fixes for a
    refused login do not apply."""
    f = finding(cause, evidence, severity=Severity.INFO)
    return f._replace(title=title, remediation=remediation)


def _versions(offered: Any) -> list[float]:
    out = []
    for item in offered if isinstance(offered, list) else ():
        try:
            out.append(float(item["version"]))
        except (KeyError, TypeError, ValueError):
            continue
    return sorted(out)


def retired(version: str, offered: Any) -> str | None:
    """Why ``version`` is retired (evidence), or None when it is not known to be."""
    try:
        asked = float(version)
    except ValueError:
        return None
    listed = _versions(offered)
    if listed and asked < listed[0]:
        return (
            f"API v{version} is older than every version the login host offers "
            f"(oldest v{listed[0]:.1f}, newest v{listed[-1]:.1f}): it is retired"
        )
    if not listed and asked <= RETIRED_THROUGH:
        return f"API v{version} is retired (versions up to {RETIRED_THROUGH:.1f} are)"
    return None


def judge_version(version: str, offered: Any) -> tuple[str, str] | None:
    """Whether the org can answer at API ``version``, before any call uses it: None when it
    can (or when nothing says otherwise), else the cause (``api_version_retired``,
    ``api_version_unsupported``) and the evidence. ``offered`` is a ``/services/data/``
    answer (the instance's, or the login host's while the instance has not said)."""
    try:
        asked = float(version)
    except ValueError:
        return "api_version_unsupported", f"API v{version} is not a version number"
    listed = _versions(offered)
    span = f"v{listed[0]:.1f} to v{listed[-1]:.1f}" if listed else ""
    if asked <= RETIRED_THROUGH:
        return "api_version_retired", (
            f"API v{version} is retired: versions up to {RETIRED_THROUGH:.1f} are (7.0 to 20.0 "
            f"since Summer '22, 21.0 to 30.0 since Summer '25); {GONE}"
            + (f" (this org offers {span})" if span else "")
        )
    if not listed:
        return None
    if asked > listed[-1]:
        return "api_version_unsupported", (
            f"API v{version} is newer than every version this org offers ({span}): "
            f"the newest it answers at is v{listed[-1]:.1f}"
        )
    if asked < listed[0]:
        return "api_version_retired", (
            f"API v{version} is older than every version this org offers ({span}): it is "
            f"retired; {GONE}"
        )
    if asked not in listed:
        return "api_version_unsupported", (
            f"API v{version} is not in this org's list of versions ({span})"
        )
    return None


def scheduled(version: str) -> str | None:
    """The retirement ahead of API ``version`` (evidence), or None."""
    try:
        asked = float(version)
    except ValueError:
        return None
    if RETIRED_THROUGH < asked <= DEPRECATED_THROUGH:
        return (
            f"API v{version} is unsupported from Summer '27 and retired in Summer '28 "
            f"(31.0 to 40.0 are): from then on {GONE}"
        )
    return None


def scan(
    flow: str,
    *,
    login_url: str,
    api_version: str | None = None,
    soap_version: str | None = None,
    offered: Any = None,
    judged: bool = False,
    today: date | None = None,
) -> tuple[list[Check], list[Finding]]:
    """The radar's report lines and findings for one ``check`` run.

    ``api_version`` is ``--api-version`` (if given); ``soap_version`` the version SOAP
    ``login()`` was called at; ``offered`` the login host's ``/services/data/`` answer;
    ``judged``: the session checks already found the version retired or not offered;
    ``today``: the day the days left are counted from (default: today, UTC).
    """
    if today is None:
        from datetime import UTC, datetime

        today = datetime.now(UTC).date()
    checks: list[Check] = []
    findings: list[Finding] = []
    flow = str(flow)
    if flow == "password":
        checks.append(
            Check(
                "radar",
                "username-password flow",
                Mark.INFO,
                f"stops working {countdown(PASSWORD_FLOW, today)}: move to the JWT bearer flow",
                "password_flow_disabled",
            )
        )
        findings.append(
            _note(
                "password_flow_disabled",
                f"Username-password flow retires {PASSWORD_FLOW.date}: plan the move to the "
                "JWT bearer flow",
                [
                    "this configuration logs in with the OAuth 2.0 username-password flow "
                    "(grant_type=password); Salesforce retires it for connected apps on "
                    f"{countdown(PASSWORD_FLOW, today)}",
                    "orgs created in Summer '23 or later block it by default ('Allow OAuth "
                    "Username-Password Flows' off); External Client Apps never support it, "
                    "and from Spring '26 new connected apps are restricted, so a new app "
                    "for this integration would not offer it",
                ],
                (
                    *jwt_recipe(login_url),
                    "Or, where no user should be involved, the client credentials flow: "
                    "App Manager > (app) > Manage > Edit Policies > Client Credentials Flow > "
                    "Run As; then sfdoctor check --flow client-credentials at the My Domain.",
                ),
            )
        )
    elif flow == "soap":
        version = soap_version or "64.0"
        checks.append(
            Check(
                "radar",
                "SOAP login()",
                Mark.INFO,
                f"retires in {countdown(SOAP_LOGIN, today)}: move to the JWT bearer flow",
                "soap_login_disabled",
            )
        )
        evidence = [
            f"this configuration logs in with SOAP API login() (at v{version}), the call "
            "simple-salesforce, Data Loader and older jsforce setups make with a password "
            "and security token",
            "login() is not offered from API 65.0, is disabled by default in orgs created "
            f"in Winter '26 or later, and is retired in {countdown(SOAP_LOGIN, today)}",
        ]
        if api_version and version != api_version:
            evidence.append(
                f"--api-version {api_version} offers no login(): it was called at v{version}"
            )
        findings.append(
            _note(
                "soap_login_disabled",
                f"SOAP API login() retires in {SOAP_LOGIN.release} (about {SOAP_LOGIN.date}): "
                "plan the move to the JWT bearer flow",
                evidence,
                (
                    *jwt_recipe(login_url),
                    "In the code, use the access token where the session id was used; "
                    "simple-salesforce logs in with the JWT bearer flow itself: "
                    "Salesforce(username=..., consumer_key=..., privatekey_file=..., "
                    "domain=...).",
                    "Until then, keep login() at API 64.0 or older (/services/Soap/u/64.0): "
                    "65.0 and later do not offer it.",
                ),
            )
        )
    else:
        checks.append(
            Check(
                "radar",
                "deprecations",
                Mark.OK,
                "nothing this flow relies on is being retired",
            )
        )

    for version in dict.fromkeys(v for v in (api_version, soap_version) if v):
        why = None if judged else retired(version, offered)
        title = ""
        if why is None:
            why = scheduled(version)
            title = f"API v{version} is on its way out: unsupported from Summer '27"
        if why is not None:
            checks.append(Check("radar", "API version", Mark.WARN, why, "api_version_retired"))
            found = finding("api_version_retired", [why], severity=Severity.WARNING)
            findings.append(found._replace(title=title) if title else found)
            break
    return checks, findings
