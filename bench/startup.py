"""Start-up time of the commands people run all day.

Times ``slrbcall --help`` and ``slrbcall calls list`` (warm cache, the usual case)
against a bare ``python -c "import typer"``, median of N runs each, and prints the
ratios. Goals: --help within 1.5x of the bare import, calls list within 2x.

    python bench/startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time


def median_seconds(command: list[str], runs: int, env: dict[str, str]) -> float:
    # Warm the OS cache and write the bytecode.
    subprocess.run(command, capture_output=True, check=True, env=env)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    env = {**os.environ, "SLRBCALL_CACHE_DIR": tempfile.mkdtemp(prefix="slrbcall-bench-")}
    # Run from bytecode, as an installed copy does (pip compiles it on install): where
    # PYTHONDONTWRITEBYTECODE is set, every run would compile slrbcall's modules anew
    # while typer's come compiled. The warm-up run of each command writes it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    python = sys.executable
    baseline = median_seconds([python, "-c", "import typer"], args.runs, env)
    rows = [
        ("python -c 'import typer'", baseline, None),
        (
            "slrbcall --help",
            median_seconds([python, "-m", "slrbcall", "--help"], args.runs, env),
            1.5,
        ),
        (
            "slrbcall calls list",
            median_seconds([python, "-m", "slrbcall", "calls", "list"], args.runs, env),
            2.0,
        ),
        (
            "slrbcall calls list (cold cache)",
            median_seconds(
                [python, "-m", "slrbcall", "calls", "list"],
                args.runs,
                {**env, "SLRBCALL_CACHE_DIR": ""},
            ),
            None,
        ),
    ]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python:  {platform.python_version()}; median of {args.runs} runs\n")
    print(f"{'command':36} {'median':>9} {'ratio':>7} {'goal':>6}")
    for name, seconds, goal in rows:
        ratio = seconds / baseline
        verdict = "" if goal is None else ("ok" if ratio <= goal else "MISSED")
        goal_text = f"{goal:.1f}x" if goal else ""
        print(f"{name:36} {seconds * 1000:7.1f}ms {ratio:6.2f}x {goal_text:>6} {verdict}")


if __name__ == "__main__":
    main()
