"""Rebuild the example workbooks of the social-cohesion call (cohesion-sociale-2021).

    python examples/make_cohesion.py

Six multi-year projects, each a partnership between the SLRB/BGHM, one or two housing
companies, a non-profit and, for some, the commune: the shape the authority describes
for its social-cohesion projects. Everything else is made up, and the workbooks say
so: the projects, the partners, the amounts, the contacts and the committee's marks.
The partners' facts are made up the way examples/make_registry.py makes up the
registry's (numbers in 0000.xxx.xxx, accounts in BE.. 0000 00xx xxxx, "Rue de
l'Exemple", people called Exemple or Voorbeeld).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from make_examples import partner_facts, project, rows_of, write_workbooks

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "cohesion-sociale-2021"
CALL = "cohesion-sociale-2021"
START = dt.date(2022, 1, 1)
RECEIVED = dt.date(2021, 10, 15)

# reference, housing company, second housing company, commune, partner, partner's town,
# title, theme, amount, language, residents, summary
APPLICATIONS = [
    (
        "PCS21-01",
        "Foyer Schaerbeekois",
        "Everecity",
        "Schaerbeek",
        "ASBL Schaerbeek Ensemble",
        "1030 Schaerbeek",
        "Vivre ensemble à Terdelt",
        "Vivre ensemble",
        "320000",
        "fr",
        300,
        "Une maison de quartier partagée par les locataires des deux sociétés.",
    ),
    (
        "PCS21-02",
        "Le Logement Bruxellois",
        None,
        "Bruxelles",
        "vzw Buurthuis Marollen",
        "1000 Brussel",
        "Samen in de Marollen",
        "Samenleven",
        "250000",
        "nl",
        250,
        "Een buurthuis waar huurders activiteiten voor de wijk opzetten.",
    ),
    (
        "PCS21-03",
        "Foyer du Sud",
        "Binhôme",
        None,
        "ASBL Sud Solidaire",
        "1060 Saint-Gilles",
        "Locataires acteurs",
        "Participation des locataires",
        "280000",
        "fr",
        220,
        "Des comités de locataires formés et accompagnés dans deux sociétés.",
    ),
    (
        "PCS21-04",
        "Lojega",
        None,
        "Jette",
        "vzw Samen in Jette",
        "1090 Jette",
        "Buren helpen buren",
        "Sociale begeleiding",
        "180000",
        "nl",
        150,
        "Vrijwillige buren begeleiden nieuwe huurders in hun eerste jaar.",
    ),
    (
        "PCS21-05",
        "Comensia",
        None,
        None,
        "ASBL Ateliers du Quartier",
        "1070 Anderlecht",
        "Ateliers pour tous",
        "Accompagnement social",
        "150000",
        "fr",
        120,
        "Des ateliers de français, de cuisine et de réparation au pied des immeubles.",
    ),
    (
        "PCS21-06",
        "Log'iris",
        None,
        "Koekelberg",
        "ASBL Koekelberg Solidaire",
        "1081 Koekelberg",
        "Koekelberg, quartier solidaire",
        "Vivre ensemble",
        "220000",
        "fr",
        180,
        "Des fêtes de quartier et un potager collectif, menés par les habitants.",
    ),
]

NOTES = [
    "",
    "Exemple livré avec slrbcall : les projets, les partenaires, les montants, les "
    "contacts et les données des partenaires sont fictifs.",
]

# The committee's view of each project, as a mark out of 20 before each member's
# habits are added; the members' marks are medianed (the call's aggregation).
QUALITY = {
    "PCS21-01": "17.5",
    "PCS21-02": "16.5",
    "PCS21-03": "15.5",
    "PCS21-04": "14.5",
    "PCS21-05": "12",
    "PCS21-06": "11",
}
MEMBER_HABIT = {
    "action-sociale-1": "1",
    "action-sociale-2": "-1",
    "finances": "0",
    "expert-cohesion": "0.5",
}
CRITERION_HABIT = {"needs": "1", "partnership": "0", "feasibility": "-1"}


def application_rows() -> list[list[object]]:
    rows: list[dict[str, object]] = []
    for item in APPLICATIONS:
        ref, company, second, commune, partner, town, title, theme, amount = item[:9]
        lang, residents, summary = item[9:]
        number = 100 + int(ref[-2:])
        rows.append(
            {
                "reference": ref,
                "applicant": company,
                "second_housing_company": second,
                "commune": commune,
                "partner": partner,
                **partner_facts(number, str(partner), str(town)),
                **project(
                    str(ref),
                    str(title),
                    str(theme),
                    Decimal(str(amount)),
                    str(lang),
                    int(str(residents)),
                    str(summary),
                ),
                "duration_months": 60,
                "start_date": START,
                "received_date": RECEIVED,
                "contact_email": f"pcs.{ref[-2:]}@example.org",
            }
        )
    return rows_of(CALL, rows)


def mark(reference: str, member: str, criterion: str) -> Decimal:
    raw = (
        Decimal(QUALITY[reference])
        + Decimal(MEMBER_HABIT[member])
        + Decimal(CRITERION_HABIT[criterion])
    )
    return min(max(raw, Decimal(0)), Decimal(20))


def main() -> None:
    write_workbooks(CALL, FOLDER, application_rows(), NOTES, mark)


if __name__ == "__main__":
    main()
