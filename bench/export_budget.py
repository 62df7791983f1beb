"""What bench/triage.py and bench/audit.py share: a command on a generated export against a
bare `csv.reader` pass over the same file, and its peak memory at two sizes.

Each script supplies its generator and its command; this module times them (best of --runs,
interleaved: a busy machine slows both alike), measures peak memory in fresh processes
(tracemalloc), prints the figures as ratios measured in one run, and returns the exit status.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import redirect_stdout

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_PEAK = """
import io, sys, tracemalloc
from contextlib import redirect_stdout
sys.path.insert(0, {root!r})
from sfdoctor.cli import main
{prelude}
tracemalloc.start()
with redirect_stdout(io.StringIO()):
    main({argv!r})
print(tracemalloc.get_traced_memory()[1])
"""


def bare(path: str) -> float:
    """Seconds for a bare csv.reader pass over ``path``."""
    start = time.perf_counter()
    with open(path, newline="", encoding="utf-8") as f:
        for _ in csv.reader(f):
            pass
    return time.perf_counter() - start


def command_seconds(argv: list[str]) -> float:
    """Seconds for ``sfdoctor ARGV`` in this process, its output discarded."""
    from sfdoctor.cli import main

    start = time.perf_counter()
    with redirect_stdout(io.StringIO()):
        main(argv)
    return time.perf_counter() - start


def peak_bytes(argv: list[str], prelude: str) -> int:
    """Peak traced memory of ``sfdoctor ARGV`` in a fresh process, after ``prelude`` ran."""
    code = _PEAK.format(root=ROOT, argv=argv, prelude=prelude)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1])


def run(
    description: str,
    name: str,
    argv: Callable[[str], list[str]],
    generate: Callable[[str, int, str], None],
    kinds: list[str],
    budget: float,
    prelude: str = "",
) -> int:
    """Parse --rows/--kind/--runs, measure ``sfdoctor argv(FILE)``, print, return 0 or 1."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--kind", choices=sorted(kinds), default="setup")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, ROOT)
    with tempfile.TemporaryDirectory(prefix="sfdoctor-bench-") as tmp:
        small, big = os.path.join(tmp, "small.csv"), os.path.join(tmp, "big.csv")
        generate(small, args.rows // 10, args.kind)
        generate(big, args.rows, args.kind)
        size = os.path.getsize(big)
        bases, ours_ = [], []
        for _ in range(args.runs):
            bases.append(bare(big))
            ours_.append(command_seconds(argv(big)))
        base, ours = min(bases), min(ours_)
        ratio = ours / base
        p_small, p_big = peak_bytes(argv(small), prelude), peak_bytes(argv(big), prelude)
    print(f"{args.kind} export, {args.rows:,} rows, {size / 1e6:.0f} MB")
    print(f"bare csv.reader pass   {base:7.2f} s")
    print(f"sfdoctor {name:<13} {ours:7.2f} s   {ratio:.2f}x   (budget {budget:g}x)")
    print(f"peak memory {args.rows // 10:>9,} rows  {p_small / 1e6:7.2f} MB (tracemalloc)")
    print(f"peak memory {args.rows:>9,} rows  {p_big / 1e6:7.2f} MB (tracemalloc)")
    flat = p_big <= p_small * 1.5 + 1_000_000
    ok = ratio <= budget and flat
    print(
        f"{'OK' if ok else 'OVER BUDGET'}: "
        f"{ratio:.2f}x time, memory x{p_big / max(p_small, 1):.2f} for 10x the rows"
    )
    return 0 if ok else 1
