"""Rebuild examples/monitoring.xlsx: the monitoring reports of the six funded example
projects of the Empowerment 2023 call, as the demo's decision in force has them: the
decision of December 2023 with EMP23-01 (Ateliers d'écriture), funded from the reserve
in January 2024, instead of EMP23-07, which withdrew before any payment.

    python examples/make_monitoring.py

Each project reports twice: at the interim interview (June 2024) and in its final report
(January 2025); both rows are kept, so progress over time shows. The final figures
follow the authority's report on the call: about 200 residents involved, nearly 100 of
them trained, an average of 45 activities per project, and more than 60 participants in
the digital project (Digitale inclusie). How these split between the projects, the
interim figures, the deliverables and the remarks are illustrative, and the workbook
says so. It is written through ``slrbcall template monitoring``'s own writer, on a
workspace where the demo has run up to its follow-up (intake, marks, allocation,
withdrawal and reallocation).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from slrbcall.demo import run_demo
from slrbcall.followup.service.monitoring import write_monitoring_template
from slrbcall.followup.service.state import followup_state
from slrbcall.settings import Settings

HERE = Path(__file__).resolve().parent
INTERIM = dt.date(2024, 6, 28)
FINAL = dt.date(2025, 1, 31)

# reference: (involved, trained, activities, participants, deliverables, remarks) at the
# interim interview, then in the final report. Counts are totals since the start.
REPORTS: dict[str, tuple[tuple[object, ...], tuple[object, ...]]] = {
    "EMP23-01": (
        (22, 8, 22, 35, None, "Ateliers d'écriture le mardi et le jeudi, à la salle commune."),
        (
            38,
            18,
            50,
            57,
            "Recettes racontées, livret de textes des habitants",
            "Deux habitantes animent désormais un atelier avec Plumes de quartier.",
        ),
    ),
    "EMP23-03": (
        (25, 12, 24, 38, None, "Twee groepen per week in het buurthuis."),
        (
            42,
            30,
            52,
            64,
            "Brochure 'Veilig online', 10 portretten van deelnemers",
            "Meer dan 60 deelnemers; 30 bewoners halen hun digitaal attest.",
        ),
    ),
    "EMP23-05": (
        (20, 6, 18, 30, None, "Premières récoltes en juin."),
        (
            33,
            14,
            40,
            48,
            "Livret de recettes du potager",
            "Un comité de jardiniers reprend les potagers en 2025.",
        ),
    ),
    "EMP23-09": (
        (15, 5, 19, 20, None, "Accueil des enfants pendant les ateliers."),
        (
            28,
            12,
            42,
            36,
            "Portraits de mères, carnet de voyage",
            "Un groupe de parole continue sans l'ASBL.",
        ),
    ),
    "EMP23-12": (
        (20, 4, 16, 40, None, "Collecte des savoir-faire porte à porte."),
        (
            36,
            10,
            38,
            71,
            "Brochure « Le Bottin des Voisins », portraits",
            "Le bottin est distribué dans les trois immeubles.",
        ),
    ),
    "EMP23-14": (
        (14, 6, 21, 18, None, "Oudergroep op woensdagnamiddag."),
        (25, 14, 48, 31, "Reisverslag van de uitstap, brochure", "Ouders organiseren zelf."),
    ),
}

NOTES = [
    "",
    "Exemple livré avec slrbcall. Les chiffres finaux suivent le rapport de la SLRB sur "
    "l'appel Empowerment 2023 (environ 200 habitants impliqués, près de 100 formés, 45 "
    "activités par projet en moyenne, plus de 60 participants au projet numérique) ; leur "
    "répartition entre projets, les chiffres intermédiaires, les productions et les "
    "remarques sont illustratifs.",
]


def report_rows(titles: dict[str, str]) -> list[list[object]]:
    """The rows, in the column order of the template (monitoring.MONITORING_COLUMNS)."""
    rows: list[list[object]] = []
    for reference, (interim, final) in REPORTS.items():
        for day, figures in ((INTERIM, interim), (FINAL, final)):
            rows.append([reference, titles[reference], day, *figures])
    return rows


def main() -> None:
    calls = HERE.parent / "calls"
    with tempfile.TemporaryDirectory() as folder:
        demo = run_demo(Settings(calls_dir=calls), out=Path(folder) / "demo", followup=False)
        settings = Settings(db=demo.db_path, calls_dir=calls, call_id="empowerment-2023")
        titles = {p.reference: p.title for p in followup_state(settings).projects}
        if sorted(titles) != sorted(REPORTS):
            raise SystemExit(f"the funded example projects changed: {sorted(titles)}")
        out = HERE / "monitoring.xlsx"
        write_monitoring_template(settings, out, lang="fr", rows=report_rows(titles), notes=NOTES)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
