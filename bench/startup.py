"""Start-up benchmark: `sfdoctor --version` and `explain --format json` vs `python -c pass`.

Prints the median wall time of each over N interleaved rounds and its ratio to the bare
interpreter.
Budget (DESIGN.md): each within 3x of `python -c pass`.

    python bench/startup.py [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

BUDGET = 3.0
# The installed console script is what people run; fall back to `python -m sfdoctor`.
_SCRIPT = os.path.join(os.path.dirname(sys.executable), "sfdoctor")
SFDOCTOR = [_SCRIPT] if os.path.exists(_SCRIPT) else [sys.executable, "-m", "sfdoctor"]
CASES = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "sfdoctor --version": [*SFDOCTOR, "--version"],
    "sfdoctor explain --format json": [
        *SFDOCTOR,
        "explain",
        "--format",
        "json",
        '{"error":"invalid_grant","error_description":"authentication failure"}',
    ],
}


def median_seconds(cases: dict[str, list[str]], runs: int) -> dict[str, float]:
    """The median wall time of each command over ``runs`` rounds.

    NOTE: interleaved (each round runs every command once, in turn), so that the ratios
    compare commands under the same load: measured one block after another, a machine
    whose load drifts during the run moves the ratios by half a unit.
    """
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, cmd in cases.items():
            start = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    # Warm the file-system cache and the .pyc files. NOTE: the warm-up writes the .pyc files
    # even under PYTHONDONTWRITEBYTECODE (an installed package has them: pip compiles them);
    # without them every run would compile sfdoctor's sources, which is not what it costs.
    warm_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for cmd in CASES.values():
        subprocess.run(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=warm_env
        )
    medians = median_seconds(CASES, args.runs)
    base = medians["python -c pass"]
    print(f"{'command':<34} {'median':>9} {'ratio':>7}  budget {BUDGET:.0f}x")
    worst = 0.0
    for name, t in medians.items():
        ratio = t / base
        worst = max(worst, ratio)
        print(f"{name:<34} {t * 1000:>7.1f}ms {ratio:>6.2f}x")
    print(f"worst ratio {worst:.2f}x: {'within' if worst <= BUDGET else 'OVER'} budget")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
