"""``sfdoctor demo audit``: a month of exports from a fictional org, then ``audit`` on them.

The org (Acme, ``acme.example.com``, addresses from the documentation ranges) has the mix a
real one has: a nightly ETL on the OAuth username-password flow, a partner integration on
SOAP API ``login()`` at API 45.0, a reporting service whose logins are fine (client
credentials) but whose REST calls are on API 38.0, a healthy billing app on the JWT bearer
flow, and people logging in through the UI. The files are written to a temporary directory
(deleted afterwards) in three forms: the first half of the month as a Setup > Login History
download (labels, US dates), the second half as an Event Log File of type Login (codes,
gzip), and the month's API calls as an Event Log File of type ApiTotalUsage. The audit runs
as of 2026-11-30, so the output is the same on every run.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import random
import sys
import tempfile
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, TextIO

from sfdoctor.status import UsageError

if TYPE_CHECKING:
    from sfdoctor.check.options import CheckOptions

AS_OF = date(2026, 11, 30)
START = datetime(2026, 10, 31)
DAYS = 30
SPLIT = 15
"""Days written as the Setup download; the rest as the Event Log File."""

SETUP = ["Username", "Login Time", "Source IP", "Login Type", "Login Subtype", "Status",
         "Browser", "Platform", "Application", "Client Version", "API Type", "API Version",
         "Login URL"]  # fmt: skip
ELF_LOGIN = ["EVENT_TYPE", "TIMESTAMP", "REQUEST_ID", "ORGANIZATION_ID", "USER_ID", "USER_NAME",
             "LOGIN_TYPE", "LOGIN_SUB_TYPE", "API_TYPE", "API_VERSION", "USE_API_TOKEN",
             "LOGIN_STATUS", "SOURCE_IP", "TIMESTAMP_DERIVED", "USER_ID_DERIVED"]  # fmt: skip
ELF_API = ["EVENT_TYPE", "TIMESTAMP", "REQUEST_ID", "ORGANIZATION_ID", "USER_ID", "API_FAMILY",
           "API_VERSION", "API_RESOURCE", "CLIENT_NAME", "CONNECTED_APP_NAME", "CLIENT_IP",
           "STATUS_CODE", "HTTP_METHOD", "TIMESTAMP_DERIVED"]  # fmt: skip
ORG = "00D5g000004ACME"

# (user, user id, application, Setup login type, Setup subtype, ELF type, ELF subtype,
#  API type label, ELF API type, API version, addresses, logins a day)
INTEGRATIONS = [
    ("etl@acme.example.com", "0055g00000ETL01", "Acme Nightly ETL", "Remote Access 2.0",
     "OAuth Username-Password", "i", "oauthpassword", "", "", "", ("203.0.113.10",
     "203.0.113.11"), 24),
    ("partner-sync@acme.example.com", "0055g00000PRT01", "Globex Partner Sync",
     "Partner Product", "", "R", "", "SOAP Partner", "P", "45.0", ("198.51.100.20",), 48),
    ("reporting@acme.example.com", "0055g00000REP01", "Acme Reporting", "Remote Access 2.0",
     "OAuth Client Credentials", "i", "oauthclientcredential", "", "", "",
     ("203.0.113.40",), 24),
    ("billing@acme.example.com", "0055g00000BIL01", "Acme Billing", "Remote Access 2.0",
     "OAuth JWT Bearer", "i", "oauthjwtbearer", "", "", "", ("203.0.113.50",
     "203.0.113.51"), 96),
]  # fmt: skip
PEOPLE = ["ada", "grace", "linus", "margaret", "alan", "barbara"]
# (user id, API family, version, resources, client name, connected app, address, calls a day)
API_CALLS = [
    ("0055g00000ETL01", "REST", "58.0", ("query", "sobjects", "composite"), "Acme ETL/3.1",
     "Acme Nightly ETL", "203.0.113.10", 120),
    ("0055g00000PRT01", "SOAP", "45.0", ("login", "query", "update"), "Globex Sync/7",
     "", "198.51.100.20", 96),
    ("0055g00000REP01", "REST", "38.0", ("query", "sobjects"), "reporting-service/2.3",
     "Acme Reporting", "203.0.113.40", 60),
    ("0055g00000BIL01", "REST", "62.0", ("sobjects", "composite"), "acme-billing/1.9",
     "Acme Billing", "203.0.113.50", 150),
]  # fmt: skip


def _us(when: datetime) -> str:
    return f"{when.month}/{when.day}/{when.year} {when:%I:%M:%S %p}"


def write_exports(directory: str, seed: int = 2027) -> list[str]:
    """Write the month of fictional exports into ``directory``; their paths."""
    rnd = random.Random(seed)
    setup_rows: list[list[str]] = []
    elf_rows: list[list[str]] = []
    api_rows: list[list[str]] = []
    for day in range(DAYS):
        base = START + timedelta(days=day)
        late = day >= SPLIT
        for user, uid, app, lt, st, elt, est, at, eat, ver, ips, per_day in INTEGRATIONS:
            for k in range(per_day):
                when = base + timedelta(minutes=k * 1440 // per_day + rnd.randrange(3))
                ip = ips[k % len(ips)]
                ok = rnd.random() > (0.04 if app == "Acme Nightly ETL" else 0.005)
                if late:
                    elf_rows.append(["Login", f"{when:%Y%m%d%H%M%S}.000", f"4{day:02d}{k:04d}",
                                     ORG, uid, user, elt, est, eat, ver or "",
                                     "P" if est == "oauthpassword" else "",
                                     "LOGIN_NO_ERROR" if ok else "LOGIN_ERROR_INVALID_PASSWORD",
                                     ip, f"{when:%Y-%m-%dT%H:%M:%S}.000Z",
                                     uid + "AAA"])  # fmt: skip
                else:
                    setup_rows.append([user, _us(when), ip, lt, st, "Success" if ok else
                                       "Invalid Password", "Unknown", "Unknown", app, "N/A",
                                       at or "N/A", ver or "N/A",
                                       "https://acme.my.salesforce.com"])  # fmt: skip
        if base.weekday() < 5:
            for n, person in enumerate(PEOPLE):
                when = base + timedelta(hours=8 + n, minutes=rnd.randrange(50))
                user = f"{person}@acme.example.com"
                ip = f"192.0.2.{10 + n}"
                if late:
                    elf_rows.append(["Login", f"{when:%Y%m%d%H%M%S}.000", f"5{day:02d}{n:04d}",
                                     ORG, f"0055g00000USR{n:02d}", user, "A", "uiup", "", "",
                                     "", "LOGIN_NO_ERROR", ip,
                                     f"{when:%Y-%m-%dT%H:%M:%S}.000Z", ""])  # fmt: skip
                else:
                    setup_rows.append([user, _us(when), ip, "Application",
                                       "UI Username-Password", "Success", "Chrome 131",
                                       "Mac OSX", "Browser", "N/A", "N/A", "N/A",
                                       "https://acme.my.salesforce.com"])  # fmt: skip
        for uid, family, ver, resources, client, app, ip, per_day in API_CALLS:
            for k in range(per_day):
                when = base + timedelta(minutes=k * 1440 // per_day)
                code = "200" if rnd.random() > 0.01 else "500"
                api_rows.append(["ApiTotalUsage", f"{when:%Y%m%d%H%M%S}.000",
                                 f"6{day:02d}{k:04d}", ORG, uid, family, ver,
                                 resources[k % len(resources)], client, app, ip, code,
                                 "POST", f"{when:%Y-%m-%dT%H:%M:%S}.000Z"])  # fmt: skip
    setup_rows.reverse()  # newest first, as Setup lists them
    first, mid, last = START.date(), (START + timedelta(days=SPLIT)).date(), AS_OF
    paths = [
        os.path.join(directory, f"LoginHistory-{first}-to-{mid - timedelta(days=1)}.csv"),
        os.path.join(directory, f"Login-{mid}-to-{last - timedelta(days=1)}.csv.gz"),
        os.path.join(directory, f"ApiTotalUsage-{first}-to-{last - timedelta(days=1)}.csv"),
    ]
    _write(paths[0], SETUP, setup_rows)
    _write(paths[1], ELF_LOGIN, elf_rows, compress=True)
    _write(paths[2], ELF_API, api_rows)
    return paths


def _write(path: str, header: list[str], rows: list[list[str]], compress: bool = False) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    with open(path, "wb") as f:
        f.write(gzip.compress(data, mtime=0) if compress else data)


def banner() -> str:
    """The line printed above the demo audit."""
    return (
        "Fictional org (nothing leaves this machine): a month of Login History and Event Log "
        f"Files for Acme, audited as of {AS_OF}"
    )


def demo_audit(
    opts: CheckOptions,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    color: bool | None = None,
) -> int:
    """Write the fictional exports, audit them as of 2026-11-30; the audit's exit status."""
    from sfdoctor.commands import audit

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    if opts.strict or opts.verbose:
        raise UsageError("demo audit takes --format, --report and --anonymize only")
    with tempfile.TemporaryDirectory(prefix="sfdoctor-demo-audit-") as tmp:
        paths = write_exports(tmp)
        if opts.fmt == "json":
            print(banner(), file=stderr)
        else:
            from rich.text import Text

            from sfdoctor.output.console import to_string

            # Wrapped at the terminal's width like check's banner (a 125-character line
            # broke mid-word at 80 columns).
            shown = stdout.isatty() if color is None else color
            stdout.write(to_string([Text(banner(), style="bold cyan")], color=shown) + "\n")
        return audit.run(
            paths,
            fmt=opts.fmt,
            as_of=AS_OF,
            stdout=stdout,
            stderr=stderr,
            color=color,
            reports=opts.reports,
            anonymize=opts.anonymize,
            names=os.path.basename,
        )
