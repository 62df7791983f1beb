"""Triage benchmark: `sfdoctor triage` on a 1,000,000-row export vs a bare `csv.reader` pass.

Generates Login History exports in a temporary directory (deleted afterwards), then prints:

- the wall time of `sfdoctor triage FILE --format json` (in-process, output discarded) as a
  ratio to a bare `csv.reader` pass over the same file (best of --runs each, interleaved);
- the peak memory of triage (tracemalloc, each size in a fresh process) for 100,000 and
  1,000,000 rows, which should be flat.

Budget (DESIGN.md): at most 2x the bare pass, memory flat in the file's size.

    python bench/triage.py [--rows 1000000] [--kind setup|query|elf] [--runs 3]
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta

import export_budget

BUDGET = 2.0

# (weight, Login History status, ELF LOGIN_STATUS code)
MIX = (
    (740, "Success", "LOGIN_NO_ERROR"),
    (100, "Invalid Password", "LOGIN_ERROR_INVALID_PASSWORD"),
    (60, "Failed: API security token required", "LOGIN_ERROR_MUST_USE_API_TOKEN"),
    (30, "Restricted IP", "LOGIN_ERROR_RESTRICTED_DOMAIN"),
    (20, "Login Rate Exceeded", "LOGIN_ERROR_RATE_EXCEEDED"),
    (15, "Password Lockout", "LOGIN_ERROR_PASSWORD_LOCKOUT"),
    (10, "Failed: Computer activation required", "LOGIN_CHALLENGE_ISSUED"),
    (10, "User is Frozen", "LOGIN_ERROR_USER_FROZEN"),
    (10, "Failed: Invalid Nonce", "LOGIN_SAML_INVALID_NONCE"),
    (5, "Restricted Time", "LOGIN_ERROR_RESTRICTED_TIME"),
)
HEADERS = {
    "setup": [
        "Username",
        "Login Time",
        "Source IP",
        "Login Type",
        "Status",
        "Browser",
        "Platform",
        "Application",
        "Client Version",
        "API Type",
        "API Version",
        "Login URL",
    ],
    "query": [
        "UserId",
        "LoginTime",
        "SourceIp",
        "LoginType",
        "Status",
        "Browser",
        "Platform",
        "Application",
        "ClientVersion",
        "ApiType",
        "ApiVersion",
        "LoginUrl",
    ],
    "elf": [
        "EVENT_TYPE",
        "TIMESTAMP",
        "REQUEST_ID",
        "ORGANIZATION_ID",
        "USER_ID",
        "RUN_TIME",
        "CPU_TIME",
        "URI",
        "SESSION_KEY",
        "LOGIN_KEY",
        "USER_TYPE",
        "REQUEST_STATUS",
        "DB_TOTAL_TIME",
        "LOGIN_TYPE",
        "BROWSER_TYPE",
        "API_TYPE",
        "API_VERSION",
        "USER_NAME",
        "TLS_PROTOCOL",
        "CIPHER_SUITE",
        "AUTHENTICATION_METHOD_REFERENCE",
        "LOGIN_STATUS",
        "TIMESTAMP_DERIVED",
        "USER_ID_DERIVED",
        "CLIENT_IP",
        "URI_ID_DERIVED",
        "SOURCE_IP",
    ],
}


def generate(path: str, rows: int, kind: str, seed: int = 7) -> None:
    """Write a ``kind`` export of ``rows`` rows to ``path`` (deterministic)."""
    rnd = random.Random(seed)
    weights = [w for w, _, _ in MIX]
    users = [f"user{i}@acme.example.com" for i in range(300)]
    ips = [f"10.{i // 250}.{i % 250}.{rnd.randrange(1, 250)}" for i in range(2000)]
    apps = ["Browser", "Salesforce for iOS", "Data Loader", "Acme ETL", "Workbench"]
    start = datetime(2024, 11, 30, 23, 59, 59)
    step = timedelta(days=30) / rows
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADERS[kind])
        picks = rnd.choices(range(len(MIX)), weights=weights, k=rows)
        for i, pick in enumerate(picks):
            _, status, code = MIX[pick]
            when = start - step * i  # newest first, as Setup lists them
            user, ip, app = rnd.choice(users), rnd.choice(ips), rnd.choice(apps)
            if kind == "setup":
                stamp = f"{when.month}/{when.day}/{when.year} {when:%I:%M:%S %p}"
                w.writerow(
                    [
                        user,
                        stamp,
                        ip,
                        "Remote Access 2.0",
                        status,
                        "Unknown",
                        "Unknown",
                        app,
                        "N/A",
                        "N/A",
                        "N/A",
                        "https://login.salesforce.com",
                    ]
                )
            elif kind == "query":
                w.writerow(
                    [
                        "005" + str(hash(user))[-12:],
                        f"{when:%Y-%m-%dT%H:%M:%S}.000+0000",
                        ip,
                        "Remote Access 2.0",
                        status,
                        "Unknown",
                        "Unknown",
                        app,
                        "N/A",
                        "N/A",
                        "N/A",
                        "login.salesforce.com",
                    ]
                )
            else:
                w.writerow(
                    [
                        "Login",
                        f"{when:%Y%m%d%H%M%S}.000",
                        f"4-{i}",
                        "00D000000000001",
                        "005000000000001",
                        "12",
                        "10",
                        "/services/oauth2/token",
                        "",
                        "",
                        "Standard",
                        "S",
                        "5",
                        "Remote Access 2.0",
                        "Unknown",
                        "REST",
                        "62.0",
                        user,
                        "TLS 1.2",
                        "ECDHE-RSA-AES256-GCM-SHA384",
                        "",
                        code,
                        f"{when:%Y-%m-%dT%H:%M:%S}.000Z",
                        "005000000000001AAA",
                        ip,
                        "",
                        ip,
                    ]
                )


def argv(path: str) -> list[str]:
    """The command measured, on ``path``."""
    return ["triage", path, "--format", "json"]


def main() -> int:
    return export_budget.run(
        __doc__.splitlines()[0],
        "triage",
        argv,
        generate,
        list(HEADERS),
        BUDGET,
        # the knowledge base loaded before measuring:
        prelude='main(["explain", "--format", "json", "Restricted IP"])',
    )


if __name__ == "__main__":
    raise SystemExit(main())
