"""Round trips of a healthy `sfdoctor check`: how much network latency it pays for.

Serves the simulated org's `healthy` scenario on loopback, once answering at once and once
delaying every answer by DELAY seconds, runs the real check against each, and prints the
extra wall time in units of DELAY: the number of round trips on the critical path. The
zero-latency runs are the baseline (after a warm-up run), so import time and local work are
not counted as network.
Budget (DESIGN.md): at most 2.2 (floor 2: the login with the token, the login host's API
versions beside it; then the login without the token and every session check concurrently,
on the newest version the login host offers, confirmed by the instance's own list).

    python bench/check_latency.py [--delay 0.2] [--runs 5] [--api-version NN.0]

Exit status 1 when over budget.
"""

from __future__ import annotations

import argparse
import statistics
import time

from sfdoctor.check.config import load_settings
from sfdoctor.check.options import CheckOptions
from sfdoctor.commands.check import execute
from sfdoctor.simulator import SCENARIOS, serve

BUDGET = 2.2


def one_run(delay: float, api_version: str | None = None) -> tuple[float, int, int]:
    """Wall seconds of one healthy check, the requests the org saw, and its login count."""
    sc = SCENARIOS["healthy"]
    with serve(sc.org(), delay=delay) as org:
        settings = load_settings(environ=sc.env(org.url))
        start = time.perf_counter()
        report = execute(CheckOptions(api_version=api_version), settings)
        elapsed = time.perf_counter() - start
        assert str(report.verdict) == "ok", report.summary()
        return elapsed, len(org.log), org.login_attempts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--api-version", default=None, help="check with --api-version NN.0")
    args = parser.parse_args()
    one_run(0.0, args.api_version)  # warm-up: imports, first connections
    fast = statistics.median(one_run(0.0, args.api_version)[0] for _ in range(args.runs))
    slow_runs = [one_run(args.delay, args.api_version) for _ in range(args.runs)]
    slow = statistics.median(r[0] for r in slow_runs)
    requests, logins = slow_runs[0][1], slow_runs[0][2]
    trips = (slow - fast) / args.delay
    print(f"healthy check: {requests} requests ({logins} logins) to the simulated org")
    print(
        f"without latency: {fast * 1000:.0f} ms; with {args.delay * 1000:.0f} ms per answer: "
        f"{slow * 1000:.0f} ms"
    )
    print(
        f"network time = {trips:.2f} round trips (budget {BUDGET}; a sequential client "
        f"would pay {requests})"
    )
    within = trips <= BUDGET
    print("within budget" if within else "OVER budget")
    return 0 if within else 1


if __name__ == "__main__":
    raise SystemExit(main())
