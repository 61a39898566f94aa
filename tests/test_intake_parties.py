"""What an application says about its parties: the partner's address, IBAN and
representative, the received date, and a second housing company and a commune where
the call's conventions have them sign."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from slrbcall.intake.merge import from_row
from slrbcall.store import Workspace

from .conftest import Invoke

pytestmark = pytest.mark.both_backends

HEADER = [
    "Référence",
    "Société de logement",
    "Deuxième société de logement",
    "Commune",
    "Partenaire",
    "N° BCE du partenaire",
    "Adresse du partenaire",
    "IBAN du partenaire",
    "Partenaire représenté par",
    "Titre du projet",
    "Thème",
    "Montant demandé",
    "Durée (mois)",
    "Date de début",
    "Date de réception",
    "Langue",
]


def pcs_row(ref: str, **changes: Any) -> list[Any]:
    values = {
        "ref": ref,
        "applicant": "Foyer Schaerbeekois",
        "second": "Everecity",
        "commune": "Schaerbeek",
        "partner": "ASBL Voisins Solidaires",
        "number": "0403.170.701",
        "address": "Rue de l'Exemple 1, 1030 Schaerbeek",
        "iban": "BE68 5390 0754 7034",
        "representative": "Prénom Nom, présidente",
        "title": f"Projet {ref}",
        "theme": "Vivre ensemble",
        "amount": 200000,
        "months": 60,
        "start": "01/01/2022",
        "received": "15/09/2021",
        "lang": "fr",
    }
    values.update(changes)
    return list(values.values())


@pytest.fixture
def take(cli: Invoke, db: Path) -> Callable[..., Any]:
    def run(path: Path, call: str = "cohesion-sociale-2021", *args: str) -> Any:
        return cli("--db", db, "--call", call, "intake", path, *args)

    return run


def stored(db: Path, call: str = "cohesion-sociale-2021") -> dict[str, Any]:
    with Workspace.open(db, create=False) as ws:
        return {row["reference"]: from_row(row) for row in ws.stored_rows(call)}


def test_the_parties_of_a_multi_party_project_are_taken_in(
    make_xlsx: Callable[..., Path], take: Callable[..., Any], db: Path
) -> None:
    result = take(make_xlsx([HEADER, pcs_row("PCS-01")]))
    assert result.exit_code == 0, result
    app = stored(db)["PCS-01"]
    assert (app.applicant, app.second_housing_company, app.commune) == (
        "foyer-schaerbeekois",
        "everecity",
        "commune-schaerbeek",
    )
    assert app.partner_address == "Rue de l'Exemple 1, 1030 Schaerbeek"
    assert app.partner_iban == "BE68539007547034"
    assert app.partner_representative == "Prénom Nom, présidente"
    assert app.received_date == dt.date(2021, 9, 15)
    assert app.status.value == "eligible"
    # The same file again changes nothing.
    again = take(make_xlsx([HEADER, pcs_row("PCS-01")]), "cohesion-sociale-2021", "--json")
    done = json.loads(again.stdout)
    assert (done["new"], done["changed"], done["unchanged"]) == ([], [], 1)


def test_an_unknown_commune_or_a_bad_iban_is_a_data_error(
    make_xlsx: Callable[..., Path], take: Callable[..., Any], db: Path
) -> None:
    path = make_xlsx(
        [
            HEADER,
            pcs_row("PCS-01", commune="Schaarbeeck"),
            pcs_row("PCS-02", iban="BE68 5390 0754 7035", second="Foyer du Sudd"),
        ]
    )
    result = take(path)
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "applications.xlsx: sheet 'Applications', row 2, column D ('Commune'):"
        " 'Schaarbeeck' is not a commune of the registry (did you mean 'Schaerbeek'?)"
    )
    assert lines[1] == (
        "applications.xlsx: sheet 'Applications', row 3, column C"
        " ('Deuxième société de logement'): 'Foyer du Sudd' is not a housing company of"
        " the registry (did you mean 'Foyer du Sud'?)"
    )
    assert lines[2].startswith(
        "applications.xlsx: sheet 'Applications', row 3, column H ('IBAN du partenaire'):"
    )
    assert not Workspace.exists(db) or not stored(db)


def test_a_second_company_or_a_commune_where_they_do_not_sign_is_ineligible(
    make_xlsx: Callable[..., Path], take: Callable[..., Any], db: Path
) -> None:
    row = pcs_row("E-01", theme="Fracture numérique", amount=30000, months=12)
    same = pcs_row("PCS-02", second="Foyer Schaerbeekois")
    assert take(make_xlsx([HEADER, row]), "empowerment-2023").exit_code == 0
    assert take(make_xlsx([HEADER, same], name="pcs.xlsx")).exit_code == 0
    empowerment = stored(db, "empowerment-2023")["E-01"]
    assert [r.code for r in empowerment.reasons] == [
        "second_housing_company_not_allowed",
        "commune_not_allowed",
    ]
    assert empowerment.reasons[0].message == (
        "it names a second housing company (Everecity); the conventions of this call are"
        " signed by one housing company"
    )
    assert [r.code for r in stored(db)["PCS-02"].reasons] == ["second_housing_company_same"]


def test_a_partner_in_the_other_language_is_warned(
    make_xlsx: Callable[..., Path], take: Callable[..., Any]
) -> None:
    path = make_xlsx([HEADER, pcs_row("PCS-01", partner="vzw Samen Wonen")])
    result = take(path, "cohesion-sociale-2021", "--json")
    assert result.exit_code == 0, result
    assert json.loads(result.stdout)["warnings"] == [
        "PCS-01: the partner 'vzw Samen Wonen' is a VZW, but the project's language is fr:"
        " its convention and letters are written in French; check its language"
    ]


def test_the_template_has_the_columns_the_call_uses(cli: Invoke, tmp_path: Path) -> None:
    from slrbcall.sheets.read import read_workbook

    def headers(call: str) -> list[Any]:
        out = tmp_path / f"{call}.xlsx"
        result = cli("--call", call, "template", "applications", "-o", out, "--lang", "nl")
        assert result.exit_code == 0, result
        sheet = read_workbook(out).sheets[0]
        return [cell.value for cell in sheet.rows[0]]

    cohesion = headers("cohesion-sociale-2021")
    assert "Tweede huisvestingsmaatschappij *" not in cohesion
    assert {"Tweede huisvestingsmaatschappij", "Gemeente"} <= {
        str(h).rstrip(" *") for h in cohesion
    }
    empowerment = {str(h).rstrip(" *") for h in headers("empowerment-2023")}
    assert {"Adres partner", "IBAN partner", "Partner vertegenwoordigd door"} <= empowerment
    assert "Ontvangen op" in empowerment
    assert not {"Tweede huisvestingsmaatschappij", "Gemeente"} & empowerment
