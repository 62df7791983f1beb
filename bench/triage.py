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

import argparse
import csv
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from datetime import datetime, timedelta

BUDGET = 2.0
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

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


def bare(path: str) -> float:
    start = time.perf_counter()
    with open(path, newline="", encoding="utf-8") as f:
        for _ in csv.reader(f):
            pass
    return time.perf_counter() - start


def triage(path: str) -> float:
    from sfdoctor.cli import main

    start = time.perf_counter()
    with redirect_stdout(io.StringIO()):
        main(["triage", path, "--format", "json"])
    return time.perf_counter() - start


_PEAK = """
import io, sys, tracemalloc
from contextlib import redirect_stdout
sys.path.insert(0, {root!r})
from sfdoctor.cli import main
main(["explain", "--format", "json", "Restricted IP"])  # load the knowledge base first
tracemalloc.start()
with redirect_stdout(io.StringIO()):
    main(["triage", {path!r}, "--format", "json"])
print(tracemalloc.get_traced_memory()[1])
"""


def peak_bytes(path: str) -> int:
    code = _PEAK.format(root=ROOT, path=path)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--kind", choices=sorted(HEADERS), default="setup")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, ROOT)
    with tempfile.TemporaryDirectory(prefix="sfdoctor-bench-") as tmp:
        small, big = os.path.join(tmp, "small.csv"), os.path.join(tmp, "big.csv")
        generate(small, args.rows // 10, args.kind)
        generate(big, args.rows, args.kind)
        size = os.path.getsize(big)
        # Interleaved, best of each: a busy machine slows both alike.
        bases, ours_ = [], []
        for _ in range(args.runs):
            bases.append(bare(big))
            ours_.append(triage(big))
        base, ours = min(bases), min(ours_)
        ratio = ours / base
        p_small, p_big = peak_bytes(small), peak_bytes(big)
    print(f"{args.kind} export, {args.rows:,} rows, {size / 1e6:.0f} MB")
    print(f"bare csv.reader pass   {base:7.2f} s")
    print(f"sfdoctor triage        {ours:7.2f} s   {ratio:.2f}x   (budget {BUDGET:.0f}x)")
    print(f"peak memory {args.rows // 10:>9,} rows  {p_small / 1e6:7.2f} MB (tracemalloc)")
    print(f"peak memory {args.rows:>9,} rows  {p_big / 1e6:7.2f} MB (tracemalloc)")
    flat = p_big <= p_small * 1.5 + 1_000_000
    print(
        f"{'OK' if ratio <= BUDGET and flat else 'OVER BUDGET'}: "
        f"{ratio:.2f}x time, memory x{p_big / max(p_small, 1):.2f} for 10x the rows"
    )
    return 0 if ratio <= BUDGET and flat else 1


if __name__ == "__main__":
    raise SystemExit(main())
