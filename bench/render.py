"""Rendering speed: 1,000 conventions, slrbcall's batch against a naive docxtpl loop.

Both render the real ``templates/convention.fr.docx`` with the same sandboxed Jinja
environment and write every document to disk, in the same run:

* naive: a fresh ``DocxTemplate`` for every document (what docxtpl's README shows);
* slrbcall, one process: ``render_documents(..., workers=1)``;
* slrbcall: ``render_documents`` as the commands call it (all cores for big batches).

The naive loop runs once (a minute); slrbcall's runs are the best of ``--repeat``,
since on a shared machine another process can take a core away.

Goal: slrbcall >= 3x faster than the naive loop. Then the first 20 documents go to PDF
in one LibreOffice call (skipped without LibreOffice), timed per document.

    python bench/render.py [--count 1000] [--pdf 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slrbcall.documents.batch import RenderJob, render_documents, safe_filename
from slrbcall.documents.libreoffice import find_libreoffice, libreoffice_version
from slrbcall.documents.pdf import convert_to_pdf
from slrbcall.documents.render import Renderer, jinja_environment

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "convention.fr.docx"
THEMES = ["Alimentation durable", "Monoparentalité", "Fracture numérique", "Culture"]


def euros(cents: int) -> str:
    whole, rest = divmod(cents, 100)
    return f"{whole:,}".replace(",", "\u202f") + f",{rest:02d}\xa0€"


def convention(i: int, rng: random.Random) -> dict[str, Any]:
    """A synthetic French convention: every key of templates/build_templates.py."""
    amount = rng.randrange(100, 651) * 10_000
    first = amount * 6 // 10
    return {
        "call_id": "empowerment-2024",
        "call_title": "appel à projets Empowerment 2024",
        "reference": f"EMP24-{i:04d}",
        "project_title": f"Potager & Co <quartier {i}>",
        "theme_label": rng.choice(THEMES),
        "summary": "Un potager partagé au pied des immeubles." if i % 3 else None,
        "residents_targeted": rng.randrange(10, 200),
        "authority_name": "Société du Logement de la Région de Bruxelles-Capitale",
        "authority_short": "SLRB",
        "amount_figures": euros(amount),
        "amount_words": "quarante-quatre mille cinquante-huit euros",
        "duration_months": 12,
        "start_date_text": "1er mars 2024",
        "end_date_text": "28 février 2025",
        "place": "Bruxelles",
        "date_text": "15 janvier 2024",
        "legal_bases": [
            "l'ordonnance du 17 juillet 2003 portant le Code bruxellois du Logement",
            "l'arrêté du Gouvernement du 26 septembre 1996",
        ],
        "parties": [
            {
                "name": "Société du Logement de la Région de Bruxelles-Capitale",
                "legal_form": None,
                "enterprise_number": "0123.456.789",
                "address": "Rue Jourdan 45-55, 1060 Bruxelles",
                "representative": "la Direction",
                "role_label": "l'autorité subsidiante",
            },
            {
                "name": f"Foyer n° {i % 40}",
                "legal_form": "SCRL",
                "enterprise_number": None,
                "address": None,
                "representative": None,
                "role_label": "la société immobilière de service public",
            },
        ],
        "tranches": [
            {
                "number": 1,
                "percent_text": "60\xa0%",
                "amount_figures": euros(first),
                "condition_text": "à la signature de la convention",
            },
            {
                "number": 2,
                "percent_text": "40\xa0%",
                "amount_figures": euros(amount - first),
                "condition_text": "après approbation du rapport final",
            },
        ],
        "deadlines": [
            {"label": "Entretien intermédiaire", "date_text": "1er septembre 2024"},
            {"label": "Rapport final", "date_text": "31 mars 2025"},
        ],
    }


def naive(contexts: list[dict[str, Any]], names: list[str], out: Path) -> float:
    from docxtpl import DocxTemplate

    env = jinja_environment()
    start = time.perf_counter()
    for values, name in zip(contexts, names, strict=True):
        document = DocxTemplate(str(TEMPLATE))
        document.render(values, env)
        document.save(str(out / name))
    return time.perf_counter() - start


def best_of(runs: int, jobs: list[RenderJob], out: Path, workers: int | None) -> float:
    """The fastest of ``runs`` batches: other processes on the machine only add time."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render_documents(jobs, out_dir=out, workers=workers)
        times.append(time.perf_counter() - start)
    return min(times)


def texts(path: Path) -> list[str]:
    from docx import Document

    document = Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return [p.text for p in document.paragraphs] + cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--pdf", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="runs of slrbcall; the best counts")
    args = parser.parse_args()

    import docxtpl

    soffice = find_libreoffice()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"machine: {platform.platform()}, {platform.machine()}, {cores} cores")
    print(f"python {platform.python_version()}, docxtpl {docxtpl.__version__}", end="")
    print(f", {libreoffice_version(soffice) if soffice else 'no LibreOffice'}")
    if hasattr(os, "getloadavg"):
        print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))

    rng = random.Random(2024)
    contexts = [convention(i, rng) for i in range(args.count)]
    missing = Renderer(TEMPLATE).variables - contexts[0].keys()
    if missing:
        sys.exit(f"the template uses keys this bench lacks: {', '.join(sorted(missing))}")
    names = [
        safe_filename("empowerment-2024", c["reference"], "convention.fr", suffix=".docx")
        for c in contexts
    ]
    jobs = [RenderJob(TEMPLATE, c, n) for c, n in zip(contexts, names, strict=True)]

    with tempfile.TemporaryDirectory(prefix="slrbcall-bench-") as scratch:
        folders = {key: Path(scratch) / key for key in ("naive", "one", "all")}
        folders["naive"].mkdir()
        print(f"\n{args.count} conventions (fr), written to disk:")
        naive_s = naive(contexts, names, folders["naive"])
        print(
            f"  naive docxtpl loop      {naive_s:7.2f} s  {naive_s / args.count * 1000:6.1f} ms/doc"
        )
        runs = [("slrbcall, one process", "one", 1), ("slrbcall, all cores", "all", None)]
        for label, key, workers in runs:
            seconds = best_of(args.repeat, jobs, folders[key], workers)
            print(
                f"  {label:<22}  {seconds:7.2f} s  {seconds / args.count * 1000:6.1f} ms/doc"
                f"  {naive_s / seconds:5.1f}x faster (goal >= 3x; best of {args.repeat})"
            )
        for name in (names[0], names[-1]):
            assert texts(folders["all"] / name) == texts(folders["naive"] / name), name
        print("  same text as docxtpl's: checked on the first and last document")

        count = min(args.pdf, args.count)
        if soffice is None:
            print(f"\nPDF: skipped, LibreOffice not found ({count} documents)")
            return
        sources = [folders["all"] / name for name in names[:count]]
        start = time.perf_counter()
        convert_to_pdf(sources, out_dir=Path(scratch) / "pdf", soffice=soffice)
        pdf_s = time.perf_counter() - start
        print(
            f"\nPDF, {count} documents in one LibreOffice call: {pdf_s:.2f} s, "
            f"{pdf_s / count:.2f} s/doc (start-up with a fresh profile included)"
        )


if __name__ == "__main__":
    main()
