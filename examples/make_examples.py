"""Rebuild the example workbooks that `slrbcall demo` runs on.

    python examples/make_examples.py

The partners' enterprise numbers, addresses, accounts and representatives are made up
the way examples/make_registry.py makes up the registry's: numbers in 0000.xxx.xxx,
accounts in BE.. 0000 00xx xxxx, "Rue de l'Exemple", people called Exemple.

The Empowerment 2023 call drew 15 applications from 13 of the 16 housing companies,
EUR 650,000 requested against EUR 255,000 available, and 6 projects were selected
(the authority's report on the call). Four of the projects are named in the authority's
feedback meeting: Digitale inclusie, Buurtkeuken, Mimosa 1080 and Le Bottin des
Voisins. Everything else here (the other titles, the partners, the amounts, the
contacts, the themes of the named projects) is illustrative, and the workbook says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from slrbcall.intake.service import used_fields, write_applications_template
from slrbcall.settings import Settings

HERE = Path(__file__).resolve().parent
START = dt.date(2024, 1, 1)
RECEIVED = dt.date(2023, 10, 13)  # illustrative: the call closed in the autumn

# reference, housing company, partner, title, theme, amount, language, residents, summary
APPLICATIONS = [
    (
        "EMP23-01",
        "Log'iris",
        "ASBL Plumes de quartier",
        "Ateliers d'écriture",
        "Culture et art",
        "35000",
        "fr",
        40,
        "Des ateliers d'écriture avec les locataires.",
    ),
    (
        "EMP23-02",
        "Log'iris",
        "ASBL Clic Solidaire",
        "Café numérique",
        "Fracture numérique",
        "25000",
        "fr",
        50,
        "Un café hebdomadaire pour apprivoiser le numérique.",
    ),
    (
        "EMP23-03",
        "Lojega",
        "vzw Digitaal Buurthuis",
        "Digitale inclusie",
        "Digitale kloof",
        "45000",
        "nl",
        65,
        "Digitale vaardigheden voor bewoners, stap voor stap.",
    ),
    (
        "EMP23-04",
        "En Bord de Soignes",
        "ASBL Saveurs Partagées",
        "Cuisine du monde",
        "Alimentation durable",
        "48000",
        "fr",
        45,
        "Cuisiner ensemble, local et de saison.",
    ),
    (
        "EMP23-05",
        "Foyer Anderlechtois",
        "ASBL Jardins Partagés",
        "Potagers au pied des tours",
        "Alimentation durable",
        "41500",
        "fr",
        55,
        "Des potagers cultivés par les habitants.",
    ),
    (
        "EMP23-06",
        "Le Foyer Laekenois",
        "ASBL Cuivres en Fête",
        "Fanfare de quartier",
        "Culture et art",
        "60000",
        "fr",
        35,
        "Une fanfare formée et jouée par les voisins.",
    ),
    (
        "EMP23-07",
        "Le Logement Bruxellois",
        "vzw Buurtwerk Noord",
        "Buurtkeuken",
        "Duurzame voeding",
        "38500",
        "nl",
        70,
        "Een buurtkeuken waar bewoners samen koken.",
    ),
    (
        "EMP23-08",
        "Binhôme",
        "ASBL Familles Debout",
        "Parents solos, parents forts",
        "Monoparentalité",
        "40000",
        "fr",
        30,
        "Un groupe d'entraide pour parents seuls.",
    ),
    (
        "EMP23-09",
        "Le Logement Molenbeekois",
        "ASBL Maison des Familles",
        "Mimosa 1080",
        "Monoparentalité",
        "52000",
        "fr",
        40,
        "Un lieu pour les mères seules de Molenbeek.",
    ),
    (
        "EMP23-10",
        "Foyer du Sud",
        "ASBL Répare Tout",
        "Repair café et compost",
        "Alimentation durable",
        "55000",
        "fr",
        60,
        "Réparer, composter, moins jeter.",
    ),
    (
        "EMP23-11",
        "Foyer du Sud",
        "ASBL Écrans Ouverts",
        "Tablettes pour tous",
        "Fracture numérique",
        "38000",
        "fr",
        45,
        "Prêt de tablettes et accompagnement.",
    ),
    (
        "EMP23-12",
        "Foyer Schaerbeekois",
        "ASBL Voix de Quartier",
        "Le Bottin des Voisins",
        "Culture et art",
        "30000",
        "fr",
        80,
        "Un annuaire des savoir-faire des voisins.",
    ),
    (
        "EMP23-13",
        "Comensia",
        "ASBL Murs Vivants",
        "Fresques murales",
        "Culture et art",
        "65000",
        "fr",
        50,
        "Des fresques dessinées avec les habitants.",
    ),
    (
        "EMP23-14",
        "Everecity",
        "vzw Samen Ouder",
        "Samen sterk, alleenstaande ouders",
        "Eenoudergezinnen",
        "44000",
        "nl",
        35,
        "Ondersteuning voor alleenstaande ouders.",
    ),
    (
        "EMP23-15",
        "Logis-Floréal",
        "vzw Digibuddy",
        "Digitale buddy's",
        "Digitale kloof",
        "33000",
        "nl",
        40,
        "Jongeren helpen oudere bewoners online.",
    ),
]

NOTES = [
    "",
    "Exemple livré avec slrbcall. Les quinze candidatures, les treize sociétés et le total "
    "demandé (650.000 €) suivent le rapport de la SLRB sur l'appel Empowerment 2023 ; les "
    "projets Digitale inclusie, Buurtkeuken, Mimosa 1080 et Le Bottin des Voisins sont ceux "
    "présentés par la SLRB. Les autres titres, les partenaires, les montants, les budgets par "
    "poste, les thèmes et les contacts sont illustratifs.",
]


def partner_facts(number: int, partner: str, commune: str) -> dict[str, object]:
    """Made-up facts of a partner, and they look it (see examples/make_registry.py)."""
    from make_registry import enterprise_number, iban

    dutch = partner.startswith("vzw")
    street = "Voorbeeldstraat" if dutch else "Rue de l'Exemple"
    person = "Jan Voorbeeld, voorzitter" if dutch else "Sophie Exemple, présidente"
    return {
        "partner_enterprise_number": enterprise_number(1000 + number),
        "partner_address": f"{street} {number}, {commune}",
        "partner_iban": iban(1000 + number),
        "partner_representative": person,
    }


def rows_of(call_id: str, values: list[dict[str, object]]) -> list[list[object]]:
    """The rows in the column order of the call's template (intake.used_fields)."""
    from slrbcall.calls.definition import load_call

    call = load_call(HERE.parent / "calls" / f"{call_id}.yaml").call
    return [[row.get(key) for key in used_fields(call)] for row in values]


# Where each housing company of the example is, for its partner's (made-up) address.
TOWNS = {
    "Log'iris": "1040 Etterbeek",
    "Lojega": "1090 Jette",
    "En Bord de Soignes": "1160 Auderghem",
    "Foyer Anderlechtois": "1070 Anderlecht",
    "Le Foyer Laekenois": "1020 Bruxelles",
    "Le Logement Bruxellois": "1000 Brussel",
    "Binhôme": "1050 Ixelles",
    "Le Logement Molenbeekois": "1080 Molenbeek-Saint-Jean",
    "Foyer du Sud": "1060 Saint-Gilles",
    "Foyer Schaerbeekois": "1030 Schaerbeek",
    "Comensia": "1070 Anderlecht",
    "Everecity": "1140 Evere",
    "Logis-Floréal": "1170 Watermaal-Bosvoorde",
}


def project(
    ref: str, title: str, theme: str, amount: Decimal, lang: str, residents: int, summary: str
) -> dict[str, object]:
    """The fields of a project as an example row gives them, and its (made-up) contact."""
    return {
        "title": title,
        "theme": theme,
        "requested_amount": amount,
        "language": lang,
        "residents_targeted": residents,
        "contact_name": f"Projectleider {ref}" if lang == "nl" else f"Porteur du projet {ref}",
        "summary": summary,
    }


def application_rows() -> list[list[object]]:
    """The rows, in the column order of the template."""
    rows: list[dict[str, object]] = []
    for ref, company, partner, title, theme, amount, lang, residents, summary in APPLICATIONS:
        number = int(ref[-2:])
        rows.append(
            {
                "reference": ref,
                "applicant": company,
                "partner": partner,
                **partner_facts(number, partner, TOWNS[company]),
                **project(ref, title, theme, Decimal(amount), lang, residents, summary),
                "duration_months": 12,
                "start_date": START,
                "received_date": RECEIVED,
                "contact_email": f"projet.{ref[-2:]}@example.org",
            }
        )
    return rows_of("empowerment-2023", rows)


# The planned budgets by line (illustrative), in euro: the project's cost on each line
# of the call and its co-financing, which the lines less the co-financing equal the
# request. EMP23-03 and EMP23-05 plan what their justified expenses then admit
# (examples/make_justification.py), so that the demo's settlements stay within them.
BUDGETS: dict[str, tuple[dict[str, int], dict[str, int]]] = {
    "EMP23-03": (
        {
            "personnel": 23000,
            "activities": 5600,
            "material": 9700,
            "communication": 4500,
            "overheads": 4000,
        },
        {"commune": 1800},
    ),
    "EMP23-05": (
        {
            "personnel": 20000,
            "activities": 8000,
            "material": 7500,
            "communication": 3000,
            "overheads": 3800,
        },
        {"own-funds": 800},
    ),
}
# The other projects split their cost in these shares (overheads 8 %, within 10 % of
# the direct costs; communication 5 %, within 10 % of the request), some with
# co-financing.
SHARES = {"personnel": 55, "activities": 20, "material": 12, "communication": 5, "overheads": 8}
CO_FINANCING = {
    "EMP23-01": {"other-public": 1500},
    "EMP23-09": {"own-funds": 3000},
    "EMP23-12": {"commune": 2000},
}


def budget_rows() -> list[list[object]]:
    """The budget sheet's rows: reference, title, each line, each co-financing source,
    in the order of the call's template (intake.template.budget_sheet)."""
    from slrbcall.calls.definition import load_call
    from slrbcall.money import split_largest_remainder

    call = load_call(HERE.parent / "calls" / "empowerment-2023.yaml").call
    rows: list[list[object]] = []
    for ref, _company, _partner, title, _theme, amount, *_rest in APPLICATIONS:
        if ref in BUDGETS:
            lines, sources = BUDGETS[ref]
        else:
            sources = CO_FINANCING.get(ref, {})
            cost = int(amount) + sum(sources.values())
            parts = split_largest_remainder(cost, list(SHARES.values()))
            lines = dict(zip(SHARES, parts, strict=True))
        assert sum(lines.values()) - sum(sources.values()) == int(amount), ref
        rows.append(
            [
                ref,
                title,
                *(lines.get(line.key) for line in call.budget_lines),
                *(sources.get(source.key) for source in call.co_financing),
            ]
        )
    return rows


# The committee's view of each project, as a mark out of 10 before each member's and
# each criterion's habits are added (illustrative). The six best-marked projects are
# the six funded ones: together they ask EUR 251,000 of the EUR 255,000.
QUALITY = {
    "EMP23-09": "9.0",
    "EMP23-03": "8.7",
    "EMP23-12": "8.5",
    "EMP23-07": "8.3",
    "EMP23-14": "8.0",
    "EMP23-05": "7.8",
    "EMP23-01": "7.2",
    "EMP23-13": "7.0",
    "EMP23-04": "6.8",
    "EMP23-06": "6.6",
    "EMP23-10": "6.4",
    "EMP23-08": "6.2",
    "EMP23-02": "6.0",
    "EMP23-11": "5.6",
    "EMP23-15": "5.4",
}
MEMBER_HABIT = {
    "action-sociale-1": "0.5",
    "action-sociale-2": "-0.5",
    "finances": "0",
    "expert-cohesion": "0.5",
    "expert-participation": "-0.5",
}
CRITERION_HABIT = {
    "empowerment": "0.5",
    "partnership": "0",
    "participation": "-0.5",
    "feasibility": "0",
    "sustainability": "0",
}
# One member doubts one project much more than the others: the ranking flags it.
DOUBT = {("EMP23-06", "finances"): "-3"}


def variation(reference: str, member: str, criterion: str) -> Decimal:
    """A fixed, pseudo-random -0.5, 0 or +0.5 per mark: members do not agree on everything."""
    import hashlib

    digest = hashlib.sha256(f"{reference}/{member}/{criterion}".encode()).digest()
    return (Decimal("-0.5"), Decimal(0), Decimal(0), Decimal("0.5"))[digest[0] % 4]


def mark(reference: str, member: str, criterion: str) -> Decimal:
    """A mark rounded to the half point, within 0..10."""
    raw = (
        Decimal(QUALITY[reference])
        + Decimal(MEMBER_HABIT[member])
        + Decimal(CRITERION_HABIT[criterion])
        + Decimal(DOUBT.get((reference, member), "0"))
        + variation(reference, member, criterion)
    )
    halves = (raw * 2).to_integral_value()
    return min(max(halves / 2, Decimal(0)), Decimal(10))


def write_workbooks(
    call_id: str,
    folder: Path,
    rows: list[list[object]],
    notes: list[str],
    marks: Callable[[str, str, str], Decimal],
    comments: Mapping[tuple[str, str], str] | None = None,
    budgets: list[list[object]] | None = None,
) -> None:
    """The applications workbook of ``rows`` (and ``budgets``, its budget sheet), then
    the marks workbook: its blank rows (one per application and member not in conflict)
    filled in with ``marks(reference, member, criterion)`` and ``comments``."""
    import tempfile

    from slrbcall.committee.service import write_scores_template
    from slrbcall.intake.service import intake
    from slrbcall.sheets.read import read_workbook

    folder.mkdir(exist_ok=True)
    settings = Settings(calls_dir=HERE.parent / "calls", call_id=call_id)
    applications = folder / "applications.xlsx"
    write_applications_template(
        settings, applications, lang="fr", rows=rows, budget_rows=budgets or (), notes=notes
    )
    print(f"wrote {applications}")
    with tempfile.TemporaryDirectory() as scratch:
        workspace = replace(settings, db=Path(scratch) / "examples.db")
        intake(workspace, applications)
        blank = folder / "scores.blank.xlsx"
        loaded, _ = write_scores_template(workspace, blank, lang="fr")
        sheet = read_workbook(blank).sheets[0]
        blank.unlink()
        criteria = [c.key for c in loaded.call.criteria]
        filled = []
        for cells in sheet.rows[1:]:
            reference, title, member = (str(cell.value) for cell in cells[:3])
            values = [marks(reference, member, criterion) for criterion in criteria]
            comment = (comments or {}).get((reference, member))
            filled.append([reference, title, member, *values, comment])
        scores = folder / "scores.xlsx"
        write_scores_template(workspace, scores, lang="fr", rows=filled)
    print(f"wrote {scores}")


def main() -> None:
    write_workbooks(
        "empowerment-2023",
        HERE,
        application_rows(),
        NOTES,
        mark,
        dict.fromkeys(DOUBT, "Budget peu réaliste."),
        budget_rows(),
    )


if __name__ == "__main__":
    main()
