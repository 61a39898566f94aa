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


def median_seconds(commands: list[tuple[list[str], dict[str, str]]], runs: int) -> list[float]:
    """The median time of each command, the commands run in turn in every round, so that
    a drift in the machine's speed (it drifts here) touches them all alike."""
    for command, env in commands:  # warm the OS cache and write the bytecode
        subprocess.run(command, capture_output=True, check=True, env=env)
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for i, (command, env) in enumerate(commands):
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True, env=env)
            times[i].append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    env = {**os.environ, "SLRBCALL_CACHE_DIR": tempfile.mkdtemp(prefix="slrbcall-bench-")}
    # Run from bytecode, as an installed copy does (pip compiles it on install): where
    # PYTHONDONTWRITEBYTECODE is set, every run would compile slrbcall's modules anew
    # while typer's come compiled. The warm-up run of each command writes it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    python = sys.executable
    cold = {**env, "SLRBCALL_CACHE_DIR": ""}
    commands = [
        ("python -c 'import typer'", [python, "-c", "import typer"], env, None),
        ("slrbcall --help", [python, "-m", "slrbcall", "--help"], env, 1.5),
        ("slrbcall calls list", [python, "-m", "slrbcall", "calls", "list"], env, 2.0),
        (
            "slrbcall calls list (cold cache)",
            [python, "-m", "slrbcall", "calls", "list"],
            cold,
            None,
        ),
    ]
    medians = median_seconds([(command, e) for _, command, e, _ in commands], args.runs)
    baseline = medians[0]
    rows = [
        (name, seconds, goal) for (name, _, _, goal), seconds in zip(commands, medians, strict=True)
    ]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python:  {platform.python_version()}; median of {args.runs} rounds\n")
    print(f"{'command':36} {'median':>9} {'ratio':>7} {'goal':>6}")
    for name, seconds, goal in rows:
        ratio = seconds / baseline
        verdict = "" if goal is None else ("ok" if ratio <= goal else "MISSED")
        goal_text = f"{goal:.1f}x" if goal else ""
        print(f"{name:36} {seconds * 1000:7.1f}ms {ratio:6.2f}x {goal_text:>6} {verdict}")


if __name__ == "__main__":
    main()
