"""Audit benchmark: `sfdoctor audit` on a 1,000,000-row export vs a bare `csv.reader` pass.

Generates an export in a temporary directory (deleted afterwards), then prints:

- the wall time of `sfdoctor audit FILE --format json` (in-process, output discarded) as a
  ratio to a bare `csv.reader` pass over the same file (best of --runs each, interleaved);
- the peak memory of the audit (tracemalloc, each size in a fresh process) for 100,000 and
  1,000,000 rows, which should be flat.

Budget (DESIGN.md): at most 2.5x the bare pass, memory flat in the file's size.

    python bench/audit.py [--rows 1000000] [--kind setup|elf|api] [--runs 3]

The Setup download (US dates, read through the clock) is the slowest kind, hence the default.
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta

import export_budget

BUDGET = 2.5

HEADERS = {
    "setup": ["Username", "Login Time", "Source IP", "Login Type", "Login Subtype", "Status",
              "Browser", "Platform", "Application", "Client Version", "API Type",
              "API Version", "Login URL"],
    "elf": ["EVENT_TYPE", "TIMESTAMP", "REQUEST_ID", "ORGANIZATION_ID", "USER_ID", "USER_NAME",
            "LOGIN_TYPE", "LOGIN_SUB_TYPE", "API_TYPE", "API_VERSION", "LOGIN_STATUS",
            "SOURCE_IP", "TIMESTAMP_DERIVED", "USER_ID_DERIVED", "BROWSER_TYPE"],
    "api": ["EVENT_TYPE", "TIMESTAMP", "REQUEST_ID", "ORGANIZATION_ID", "USER_ID", "API_FAMILY",
            "API_VERSION", "API_RESOURCE", "CLIENT_NAME", "CONNECTED_APP_NAME", "CLIENT_IP",
            "STATUS_CODE", "HTTP_METHOD", "TIMESTAMP_DERIVED"],
}  # fmt: skip
# (weight, Setup login type, subtype, API type, version, ELF type, subtype code, API type code)
WAYS = [
    (30, "Remote Access 2.0", "OAuth Username-Password", "N/A", "N/A", "i", "oauthpassword", ""),
    (25, "Remote Access 2.0", "OAuth JWT Bearer", "N/A", "N/A", "i", "oauthjwtbearer", ""),
    (15, "Remote Access 2.0", "OAuth Client Credentials", "N/A", "N/A", "i",
     "oauthclientcredential", ""),
    (15, "Partner Product", "", "SOAP Partner", "45.0", "R", "", "P"),
    (5, "Other Apex API", "", "SOAP Enterprise", "38.0", "I", "", "E"),
    (10, "Application", "UI Username-Password", "N/A", "N/A", "A", "uiup", ""),
]  # fmt: skip


def generate(path: str, rows: int, kind: str, seed: int = 7) -> None:
    """Write a ``kind`` export of ``rows`` rows to ``path`` (deterministic)."""
    rnd = random.Random(seed)
    users = [f"user{i}@acme.example.com" for i in range(300)]
    ips = [f"10.{i // 250}.{i % 250}.{rnd.randrange(1, 250)}" for i in range(2000)]
    apps = ["Browser", "Acme ETL", "Data Loader", "Acme Billing", "Workbench"]
    start = datetime(2026, 11, 29, 23, 59, 59)
    step = timedelta(days=30) / rows
    weights = [w[0] for w in WAYS]
    # NOTE: as in an org, each user logs in one way with one or two applications (an
    # integration user per integration; people in the browser): a few hundred integrations.
    ways = rnd.choices(range(len(WAYS)), weights=weights, k=len(users))
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADERS[kind])
        for i in range(rows):
            u = rnd.randrange(len(users))
            _, lt, st, at, ver, elt, est, eat = WAYS[ways[u]]
            when = start - step * i
            ip, app = rnd.choice(ips), apps[(u + i % 2) % len(apps)]
            ok = rnd.random() > 0.05
            if kind == "setup":
                stamp = f"{when.month}/{when.day}/{when.year} {when:%I:%M:%S %p}"
                w.writerow([users[u], stamp, ip, lt, st, "Success" if ok else "Invalid Password",
                            "Unknown", "Unknown", app, "N/A", at, ver,
                            "https://acme.my.salesforce.com"])  # fmt: skip
            elif kind == "elf":
                w.writerow(["Login", f"{when:%Y%m%d%H%M%S}.000", f"4-{i}", "00D000000000001",
                            f"005{u:012d}", users[u], elt, est, eat, ver if eat else "",
                            "LOGIN_NO_ERROR" if ok else "LOGIN_ERROR_INVALID_PASSWORD", ip,
                            f"{when:%Y-%m-%dT%H:%M:%S}.000Z", f"005{u:012d}AAA",
                            "Go-http-client/1.1"])  # fmt: skip
            else:
                family = "SOAP" if eat else "REST"
                w.writerow(["ApiTotalUsage", f"{when:%Y%m%d%H%M%S}.000", f"6-{i}",
                            "00D000000000001", f"005{u:012d}", family,
                            ver if eat else rnd.choice(("58.0", "62.0", "38.0")),
                            "login" if eat and i % 5 == 0 else "query", app + "/1.0", app, ip,
                            "200" if ok else "500", "POST",
                            f"{when:%Y-%m-%dT%H:%M:%S}.000Z"])  # fmt: skip


def argv(path: str) -> list[str]:
    """The command measured, on ``path``."""
    return ["audit", path, "--format", "json", "--as-of", "2026-11-30"]


def main() -> int:
    return export_budget.run(
        __doc__.splitlines()[0],
        "audit",
        argv,
        generate,
        list(HEADERS),
        BUDGET,
        # imported before measuring:
        prelude="import sfdoctor.commands.audit, sfdoctor.output.audit_json",
    )


if __name__ == "__main__":
    raise SystemExit(main())
