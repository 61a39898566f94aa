"""Intake speed and memory on a large applications workbook.

Generates a workbook of N applications (default 100,000), then, each in its own
process so that peak memory is its own:

* the raw python-calamine read of the same file (the floor);
* the full ``slrbcall intake`` (read, validate, store in a fresh workspace);
* ``pandas.read_excel(engine="openpyxl")``, if pandas is installed.

Prints the times, the ratios and the peak memory. Goals: intake within 2.5x of the
raw calamine read, at least 10x faster than pandas/openpyxl, peak under 600 MB.
calamine and the intake run ``--repeat`` times each, in turn, and keep their best
time; the ratio of each intake to the calamine read just before it is printed too.
pandas/openpyxl runs once (it takes minutes).

    python bench/intake.py [--rows 100000] [--repeat 5] [--no-pandas]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

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
    import datetime as dt

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


PHASES = {
    "calamine": """
        import python_calamine
        book = python_calamine.CalamineWorkbook.from_path(PATH)
        rows = book.get_sheet_by_index(0).to_python()
        assert len(rows) == ROWS + 1
    """,
    "intake": """
        from pathlib import Path
        from slrbcall.intake.service import intake
        from slrbcall.settings import Settings
        settings = Settings(db=Path(DB), calls_dir=Path(CALLS), call_id="empowerment-2023")
        result = intake(settings, Path(PATH))
        assert len(result.added) == ROWS, len(result.added)
    """,
    "pandas": """
        import pandas
        frame = pandas.read_excel(PATH, engine="openpyxl")
        assert len(frame) == ROWS
    """,
}


#: Each phase runs from bytecode, as an installed copy does (pip compiles it on
#: install): where PYTHONDONTWRITEBYTECODE is set, each run would compile slrbcall's
#: modules anew while the libraries' come compiled. ``main`` writes it first.
_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def run_phase(name: str, values: dict[str, object]) -> dict[str, float]:
    body = textwrap.dedent(PHASES[name])
    for key, value in values.items():
        body = body.replace(key, repr(value))
    script = textwrap.dedent(
        """
        import json, resource, sys, time
        start = time.perf_counter()
        {body}
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({{"seconds": seconds, "peak_mb": peak}}))
        """
    ).format(body=textwrap.indent(body, ""))
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=_ENV
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_calls(folder: Path) -> Path:
    """The shipped calls, without the per-applicant limit (a bulk file, not a real call)."""
    folder.mkdir()
    for source in (REPO / "calls").iterdir():
        text = source.read_text(encoding="utf-8")
        if source.name == "empowerment-2023.yaml":
            text = text.replace("  max_applications_per_applicant: 2   # illustrative\n", "")
        (folder / source.name).write_text(text, encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs of calamine and of the intake (best kept)"
    )
    parser.add_argument(
        "--no-pandas", dest="pandas", action="store_false", help="skip the pandas comparison"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="slrbcall-bench-"))
    path = work / "applications.xlsx"
    generate(path, args.rows)
    values = {
        "PATH": str(path),
        "ROWS": args.rows,
        "CALLS": str(bench_calls(work / "calls")),
    }
    os.environ["SLRBCALL_CACHE_DIR"] = ""
    _ENV["SLRBCALL_CACHE_DIR"] = ""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "slrbcall")],
        capture_output=True,
        check=True,
        env=_ENV,
    )
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python:  {platform.python_version()}")
    print(
        f"file:    {args.rows:,} rows x {len(HEADER)} columns, {path.stat().st_size / 1e6:.1f} MB\n"
    )
    # The timed phases alternate, so that a noisy moment of the machine hits both;
    # each keeps its best run (its peak memory is the largest of its runs).
    runs: dict[str, list[dict[str, float]]] = {"calamine": [], "intake": []}
    for run in range(args.repeat):
        fresh = {**values, "DB": str(work / f"bench-{run}.db")}  # each intake into a new workspace
        for name, times in runs.items():
            times.append(run_phase(name, fresh))
    results = {
        name: {
            "seconds": min(run["seconds"] for run in times),
            "peak_mb": max(run["peak_mb"] for run in times),
        }
        for name, times in runs.items()
    }
    for name, times in runs.items():
        listed = ", ".join(f"{run['seconds']:.2f}" for run in times)
        print(f"{name} runs: {listed} s")
    # Each intake against the calamine read just before it: the machine's speed
    # drifts, and a pair shares its moment.
    paired = sorted(
        i["seconds"] / c["seconds"] for c, i in zip(runs["calamine"], runs["intake"], strict=True)
    )
    listed = ", ".join(f"{ratio:.2f}" for ratio in paired)
    print(f"intake / calamine, run by run: {listed} (median {statistics.median(paired):.2f}x)")
    try:
        import pandas  # noqa: F401
    except ImportError:
        print("pandas is not installed: the pandas/openpyxl comparison is skipped")
    else:
        if args.pandas:
            results["pandas"] = run_phase("pandas", values)
    print()
    floor = results["calamine"]["seconds"]
    print(f"{'phase':10} {'seconds':>8} {'x calamine':>11} {'peak MB':>8}")
    for name, figures in results.items():
        ratio = figures["seconds"] / floor
        print(f"{name:10} {figures['seconds']:8.2f} {ratio:11.2f} {figures['peak_mb']:8.0f}")
    intake = results["intake"]
    print()
    print(f"intake / calamine: {intake['seconds'] / floor:.2f}x (goal <= 2.5x)")
    if "pandas" in results:
        speedup = results["pandas"]["seconds"] / intake["seconds"]
        print(f"pandas / intake:   {speedup:.1f}x (goal >= 10x)")
    print(f"intake peak memory: {intake['peak_mb']:.0f} MB (goal < 600 MB)")


if __name__ == "__main__":
    main()
