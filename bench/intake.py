"""Intake speed at the sizes a call sees, end to end through the command line.

A real call has 15 to 500 applications; 10,000 is a generous ceiling. For each size
(default 500 and 10,000 rows) this generates a workbook with openpyxl, then runs
``python -m slrbcall intake FILE`` in a subprocess on a fresh workspace, ``--repeat``
times, and keeps the best wall-clock time. The goals: 500 rows in under 1 s and
10,000 rows in under 10 s, on a 2-core machine.

    python bench/intake.py [--rows N ...] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

#: Seconds allowed per size; a size not listed is held to the goal of the next larger one.
GOALS = {500: 1.0, 10_000: 10.0}

HEADER = [
    "Reference",
    "Housing company",
    "Partner",
    "Project title",
    "Theme",
    "Requested amount",
    "Duration (months)",
    "Start date",
    "Language",
    "Residents targeted",
    "Contact person",
    "Contact e-mail",
    "Summary",
]
COMPANIES = [
    "Foyer Anderlechtois",
    "Log'iris",
    "En Bord de Soignes",
    "Le Logement Bruxellois",
    "Le Foyer Laekenois",
    "Binhôme",
    "Lojega",
    "Le Logement Molenbeekois",
    "Foyer du Sud",
    "Foyer Schaerbeekois",
    "L'Habitation Moderne",
    "Logis-Floréal",
    "Comensia",
    "Everecity",
]
THEMES = ["Alimentation durable", "Monoparentalité", "Fracture numérique", "Culture et art"]


def generate(path: Path, rows: int) -> None:
    import openpyxl

    rng = random.Random(2023)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Applications")
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append(
            [
                f"B-{i:06d}",
                rng.choice(COMPANIES),
                f"ASBL Partenaire {i % 997}",
                f"Projet de quartier numéro {i}",
                rng.choice(THEMES),
                rng.randrange(1_000_000, 6_500_000) / 100,
                12,
                dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(60)),
                rng.choice(["fr", "nl"]),
                rng.randrange(10, 300),
                f"Personne {i}",
                f"contact{i}@example.be",
                "Un projet avec les habitants, pour les habitants.",
            ]
        )
    book.save(path)


def bench_calls(folder: Path) -> Path:
    """The shipped calls, without the per-applicant limit: fourteen housing companies
    sending hundreds of applications each would be refused by it, and every
    application is meant to be taken in as eligible."""
    folder.mkdir()
    for source in (REPO / "calls").iterdir():
        text = source.read_text(encoding="utf-8")
        if source.name == "empowerment-2023.yaml":
            text = text.replace("  max_applications_per_applicant: 2   # illustrative\n", "")
        (folder / source.name).write_text(text, encoding="utf-8")
    return folder


#: Every run from bytecode, as an installed copy runs (pip compiles it on install):
#: where PYTHONDONTWRITEBYTECODE is set, each run would compile slrbcall anew.
_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
_ENV["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))


def slrbcall(*args: str, calls: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "slrbcall", "--calls-dir", str(calls), *args]
    return subprocess.run(command, capture_output=True, text=True, env=_ENV, check=False)


def run_intake(path: Path, db: Path, calls: Path, rows: int) -> float:
    """Seconds of one ``slrbcall intake`` of ``path`` into the fresh workspace ``db``."""
    start = time.perf_counter()
    done = slrbcall("--db", str(db), "--call", "empowerment-2023", "intake", str(path), calls=calls)
    seconds = time.perf_counter() - start
    if done.returncode != 0 or f"{rows:,} new" not in done.stdout:
        raise SystemExit(f"intake of {path.name} failed ({done.returncode}):\n{done.stderr}")
    return seconds


def goal_for(rows: int) -> float:
    return next((GOALS[size] for size in sorted(GOALS) if rows <= size), max(GOALS.values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows",
        type=int,
        action="append",
        help="rows of a generated workbook (repeatable; default 500 and 10000)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per size, best kept")
    args = parser.parse_args()
    sizes = args.rows or sorted(GOALS)
    with tempfile.TemporaryDirectory(prefix="slrbcall-bench-") as folder:
        missed = bench(Path(folder), sizes, args.repeat)
    sys.exit(1 if missed else 0)


def bench(work: Path, sizes: list[int], repeat: int) -> bool:
    """Print the figures of each size; whether a goal was missed."""
    calls = bench_calls(work / "calls")
    # The validated call is cached in the bench's own folder, as it is on an officer's
    # machine once any command has read the call (calls/cache.py): filled here, untimed.
    _ENV["SLRBCALL_CACHE_DIR"] = str(work / "cache")
    if slrbcall("calls", "list", calls=calls).returncode != 0:
        raise SystemExit("slrbcall calls list failed")
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "slrbcall")],
        capture_output=True,
        check=True,
        env=_ENV,
    )
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python:  {platform.python_version()}")
    print(f"runs:    best of {repeat}, `python -m slrbcall intake FILE` on a fresh workspace")
    print()
    print(f"{'rows':>7} {'MB':>6} {'best s':>7} {'goal s':>7}  result  runs")
    missed = False
    for rows in sizes:
        path = work / f"applications-{rows}.xlsx"
        generate(path, rows)
        times = [
            run_intake(path, work / f"bench-{rows}-{run}.db", calls, rows) for run in range(repeat)
        ]
        best, goal = min(times), goal_for(rows)
        ok = best < goal
        missed = missed or not ok
        listed = ", ".join(f"{seconds:.2f}" for seconds in times)
        print(
            f"{rows:7,} {path.stat().st_size / 1e6:6.2f} {best:7.2f} {goal:7.1f}  "
            f"{'ok' if ok else 'MISSED':6}  {listed}"
        )
    return missed


if __name__ == "__main__":
    main()
