"""360Giving open data: the funded grants as flat records, checked, written as JSON and
CSV, and read back.

The shipped example (the demo's allocation) gives six funded grants; literal data
covers identifiers, the award date, refusals and formula-looking text.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from slrbcall.calls.definition import load_call, load_registry
from slrbcall.calls.registry import Registry
from slrbcall.demo import DemoResult
from slrbcall.errors import RefusedError
from slrbcall.model import Application, Call, Lang, Localized, Organisation, OrgKind
from slrbcall.money import format_plain
from slrbcall.reports.giving360 import (
    COLUMNS,
    REQUIRED,
    Grant,
    grants_360,
    org_identifier,
    to_package,
    validate_360,
    write_360_csv,
    write_360_json,
)

CALLS = Path(__file__).resolve().parent.parent / "calls"
TITLES = [title for title, _ in COLUMNS]


@pytest.fixture(scope="module")
def call() -> Call:
    return load_call(CALLS / "empowerment-2023.yaml").call


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(CALLS)


@pytest.fixture(scope="module")
def demo(demo_run: DemoResult) -> DemoResult:
    """The session's demo run (see conftest.py); read, never changed."""
    return demo_run


@pytest.fixture(scope="module")
def demo_grants(demo: DemoResult, registry: Registry) -> list[Grant]:
    return grants_360(
        call=demo.allocation.loaded.call,
        applications=demo.intake.applications,
        lines=demo.allocation.result.to_json()["lines"],
        registry=registry,
        lang=Lang.FR,
        award_date=None,
    )


def app(reference: str, euro: int, **fields: Any) -> Application:
    fields.setdefault("applicant", "logiris")
    return Application(
        reference=reference,
        applicant_name=fields.pop("applicant_name", "Log'iris"),
        title=fields.pop("title", f"Project {reference}"),
        requested_cents=euro * 100,
        language=fields.pop("language", Lang.FR),
        theme="culture-art",
        **fields,
    )


def funded(reference: str, euro: int, decision: str = "funded_full") -> dict[str, Any]:
    return {"reference": reference, "amount": format_plain(euro * 100), "decision": decision}


# -- records -----------------------------------------------------------------------------


def test_the_shipped_example_gives_six_grants(demo_grants: list[Grant]) -> None:
    assert [g["Identifier"] for g in demo_grants] == [
        f"360G-slrb-empowerment-2023-{ref}"
        for ref in ("EMP23-09", "EMP23-07", "EMP23-03", "EMP23-12", "EMP23-05", "EMP23-14")
    ]
    assert all(list(g) == TITLES for g in demo_grants)
    total = sum((g["Amount Awarded"] for g in demo_grants), Decimal(0))
    assert total == Decimal("251000.00")
    assert validate_360(demo_grants) == []


def test_a_grant_in_french(demo_grants: list[Grant]) -> None:
    assert demo_grants[0] == {
        "Identifier": "360G-slrb-empowerment-2023-EMP23-09",
        "Title": "Mimosa 1080",
        "Description": "Un lieu pour les mères seules de Molenbeek.",
        "Currency": "EUR",
        "Amount Applied For": Decimal("52000.00"),
        "Amount Awarded": Decimal("52000.00"),
        "Amount Disbursed": None,  # no follow-up given
        "Award Date": "2023-12-01",  # the first day of the grants-awarded month
        "Planned Dates:Start Date": "2024-01-01",
        "Planned Dates:End Date": "2024-12-31",
        "Planned Dates:Duration (months)": 12,
        # No enterprise number is known yet: the publisher's own identifiers.
        "Recipient Org:Identifier": "360G-slrb-org-logement-molenbeekois",
        "Recipient Org:Name": "Le Logement Molenbeekois",
        "Recipient Org:Alternate Name": "Molenbeekse Huisvesting",
        "Funding Org:Identifier": "360G-slrb-org-slrb",
        "Funding Org:Name": "Société du Logement de la Région de Bruxelles-Capitale",
        "Funding Org:Alternate Name": "Brusselse Gewestelijke Huisvestingsmaatschappij",
        "Grant Programme:Code": "empowerment-2023",
        "Grant Programme:Title": "Appel à projets Empowerment 2023",
        "From An Open Call?": "Yes",
        "Beneficiary Location:Name": "Molenbeek-Saint-Jean",
        "Beneficiary Location:Country Code": "BE",
    }


def test_a_dutch_project_in_the_french_dataset(demo_grants: list[Grant]) -> None:
    """One language per dataset: the names never alternate with the project's language;
    the project's own title stays as it was written."""
    grant = demo_grants[1]
    assert grant["Title"] == "Buurtkeuken"
    assert grant["Recipient Org:Name"] == "Le Logement Bruxellois"
    assert grant["Recipient Org:Alternate Name"] == "Brusselse Woning"
    assert grant["Grant Programme:Title"] == "Appel à projets Empowerment 2023"
    assert grant["Beneficiary Location:Name"] == "Bruxelles"
    funders = {g["Funding Org:Name"] for g in demo_grants}
    assert funders == {"Société du Logement de la Région de Bruxelles-Capitale"}
    assert {g["Grant Programme:Title"] for g in demo_grants} == {"Appel à projets Empowerment 2023"}


def test_the_dutch_dataset_names_everything_in_dutch(demo: DemoResult, registry: Registry) -> None:
    grants = grants_360(
        call=demo.allocation.loaded.call,
        applications=demo.intake.applications,
        lines=demo.allocation.result.to_json()["lines"],
        registry=registry,
        lang=Lang.NL,
    )
    assert {g["Funding Org:Name"] for g in grants} == {
        "Brusselse Gewestelijke Huisvestingsmaatschappij"
    }
    assert {g["Grant Programme:Title"] for g in grants} == {"Projectoproep Empowerment 2023"}
    assert grants[0]["Recipient Org:Name"] == "Molenbeekse Huisvesting"
    assert grants[0]["Recipient Org:Alternate Name"] == "Le Logement Molenbeekois"
    assert grants[1]["Recipient Org:Name"] == "Brusselse Woning"
    package = to_package(grants)
    assert package["grants"][1]["recipientOrganization"] == [
        {
            "id": "360G-slrb-org-logement-bruxellois",
            "name": "Brusselse Woning",
            "alternateName": "Le Logement Bruxellois",
        }
    ]


def test_only_funded_lines_partial_included(call: Call, registry: Registry) -> None:
    applications = [
        app("A", 40_000, summary=""),
        app("B", 50_000, applicant="comensia"),
        app("C", 30_000),
    ]
    lines = [
        funded("A", 40_000),
        funded("B", 12_345, "funded_partial"),
        funded("C", 0, "not_funded"),
    ]
    grants = grants_360(
        call=call,
        applications=applications,
        lines=lines,
        registry=registry,
        lang=Lang.FR,
        prefix="360G-test",
        award_date=dt.date(2023, 12, 14),
    )
    assert [g["Identifier"] for g in grants] == [
        "360G-test-empowerment-2023-A",
        "360G-test-empowerment-2023-B",
    ]
    assert grants[0]["Description"] == "Project A"  # no summary: the title
    assert grants[0]["Award Date"] == "2023-12-14"
    assert grants[0]["Planned Dates:Start Date"] is None  # no start date given
    assert grants[1]["Amount Awarded"] == Decimal("12345.00")
    assert grants[1]["Amount Applied For"] == Decimal("50000.00")
    assert grants[1]["Recipient Org:Identifier"] == "360G-test-org-comensia"
    assert grants[1]["Beneficiary Location:Name"] is None  # its communes are not known


def test_a_funded_line_for_an_unknown_application_is_refused(
    call: Call, registry: Registry
) -> None:
    with pytest.raises(RefusedError, match="funds X, which the workspace does not hold"):
        grants_360(
            call=call,
            applications=[],
            lines=[funded("X", 1)],
            registry=registry,
            lang=Lang.FR,
            award_date=None,
        )


def test_organisation_identifiers() -> None:
    # A fictitious organisation: the number has valid check digits and belongs to no one
    # known here; the shipped registry holds no enterprise number yet.
    org = Organisation(
        key="fictitious",
        kind=OrgKind.NON_PROFIT,
        name=Localized(nl="Fictief", fr="Fictif"),
        enterprise_number="0123.456.749",
    )
    assert org_identifier(org, prefix="360G-slrb") == "BE-BCE_KBO-0123456749"
    unknown = Organisation(key="x", kind=OrgKind.NON_PROFIT, name=Localized(nl="X", fr="X"))
    assert org_identifier(unknown, prefix="360G-slrb") == "360G-slrb-org-x"


def test_the_award_date_without_a_milestone_is_missing(call: Call, registry: Registry) -> None:
    from dataclasses import replace

    no_timeline = replace(call, milestones=())
    grants = grants_360(
        call=no_timeline,
        applications=[app("A", 40_000)],
        lines=[funded("A", 40_000)],
        registry=registry,
        lang=Lang.FR,
        award_date=None,
    )
    assert grants[0]["Award Date"] is None
    assert validate_360(grants) == ["360G-slrb-empowerment-2023-A: missing Award Date"]


# -- checks ------------------------------------------------------------------------------


def test_validate_names_every_problem(demo_grants: list[Grant]) -> None:
    first, second, third, *rest = (dict(g) for g in demo_grants)
    first["Recipient Org:Identifier"] = None
    first["Recipient Org:Name"] = "  "
    second["Identifier"] = third["Identifier"]
    third["Amount Awarded"] = 44058.0  # a float is never exact money
    rest[0]["Award Date"] = "14/12/2023"
    del rest[1]["Currency"]
    assert validate_360([first, second, third, *rest]) == [
        "360G-slrb-empowerment-2023-EMP23-09: missing Recipient Org:Identifier",
        "360G-slrb-empowerment-2023-EMP23-09: missing Recipient Org:Name",
        "360G-slrb-empowerment-2023-EMP23-03: Amount Awarded is not an exact number: 44058.0",
        "360G-slrb-empowerment-2023-EMP23-03: duplicate Identifier (grants 2 and 3)",
        "360G-slrb-empowerment-2023-EMP23-12: Award Date is not an ISO date (YYYY-MM-DD): '14/12/2023'",
        "360G-slrb-empowerment-2023-EMP23-05: missing Currency",
    ]


def test_validate_without_identifier_or_grants() -> None:
    assert validate_360([]) == ["no funded grant to publish: allocate first ('slrbcall allocate')"]
    problems = validate_360([{"Title": "x"}])
    assert problems[0] == "grant 1: missing Identifier"
    assert len(problems) == len(REQUIRED) - 1


@pytest.mark.parametrize("writer", [write_360_json, write_360_csv], ids=["json", "csv"])
def test_writers_refuse_and_leave_the_old_file(
    writer: Any, demo_grants: list[Grant], tmp_path: Path
) -> None:
    path = tmp_path / "grants.out"
    path.write_text("old", encoding="utf-8")
    broken = [dict(g) for g in demo_grants]
    broken[2]["Recipient Org:Identifier"] = ""
    with pytest.raises(RefusedError) as caught:
        writer(path, broken)
    assert str(caught.value) == (
        "grants.out: not written, 1 problem:\n"
        "360G-slrb-empowerment-2023-EMP23-03: missing Recipient Org:Identifier"
    )
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grants.out"]


# -- JSON --------------------------------------------------------------------------------


def test_json_package_read_back(demo_grants: list[Grant], tmp_path: Path) -> None:
    path = tmp_path / "grants.json"
    write_360_json(path, demo_grants)
    text = path.read_text(encoding="utf-8")
    assert '"amountAwarded": 52000.00,' in text  # a number, written from the Decimal
    package = json.loads(text, parse_float=Decimal)
    assert list(package) == ["grants"]
    grants = package["grants"]
    assert len(grants) == 6
    assert grants[0] == {
        "id": "360G-slrb-empowerment-2023-EMP23-09",
        "title": "Mimosa 1080",
        "description": "Un lieu pour les mères seules de Molenbeek.",
        "currency": "EUR",
        "amountAppliedFor": Decimal("52000.00"),
        "amountAwarded": Decimal("52000.00"),
        "awardDate": "2023-12-01",
        "plannedDates": [{"startDate": "2024-01-01", "endDate": "2024-12-31", "duration": 12}],
        "recipientOrganization": [
            {
                "id": "360G-slrb-org-logement-molenbeekois",
                "name": "Le Logement Molenbeekois",
                "alternateName": "Molenbeekse Huisvesting",
            }
        ],
        "fundingOrganization": [
            {
                "id": "360G-slrb-org-slrb",
                "name": "Société du Logement de la Région de Bruxelles-Capitale",
                "alternateName": "Brusselse Gewestelijke Huisvestingsmaatschappij",
            }
        ],
        "grantProgramme": [
            {"code": "empowerment-2023", "title": "Appel à projets Empowerment 2023"}
        ],
        "fromOpenCall": "Yes",
        "beneficiaryLocation": [{"name": "Molenbeek-Saint-Jean", "countryCode": "BE"}],
    }
    total = sum((g["amountAwarded"] for g in grants), Decimal(0))
    assert total == Decimal("251000.00")
    # Plain JSON readers see numbers too.
    assert json.loads(text)["grants"][0]["amountAwarded"] == 52000


def test_json_amounts_are_exact_and_blanks_left_out(
    demo_grants: list[Grant], tmp_path: Path
) -> None:
    grant = dict(demo_grants[0])
    grant["Amount Awarded"] = Decimal("12345678901234567.89")  # beyond a double's precision
    grant["Beneficiary Location:Name"] = None
    grant["Title"] = 'Café "‹ligne›"\n2'
    path = tmp_path / "grants.json"
    write_360_json(path, [grant])
    text = path.read_text(encoding="utf-8")
    assert "12345678901234567.89" in text
    item = json.loads(text, parse_float=Decimal)["grants"][0]
    assert item["amountAwarded"] == Decimal("12345678901234567.89")
    assert item["beneficiaryLocation"] == [{"countryCode": "BE"}]
    assert item["title"] == 'Café "‹ligne›"\n2'


def test_to_package_nests_along_the_columns() -> None:
    assert to_package([{"Identifier": "g", "Recipient Org:Name": "R", "Title": ""}]) == {
        "grants": [{"id": "g", "recipientOrganization": [{"name": "R"}]}]
    }


# -- CSV ---------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_csv_read_back(demo_grants: list[Grant], tmp_path: Path) -> None:
    path = tmp_path / "grants.csv"
    write_360_csv(path, demo_grants)
    data = path.read_bytes()
    assert data.startswith(b"Identifier,Title,Description,Currency,")  # no byte-order mark
    assert b"\r\n" in data
    rows = read_csv(path)
    assert list(rows[0]) == TITLES
    assert len(rows) == 6
    assert rows[0]["Amount Awarded"] == "52000.00"
    assert rows[0]["Planned Dates:Duration (months)"] == "12"
    assert rows[0]["Recipient Org:Name"] == "Le Logement Molenbeekois"
    assert rows[1]["Beneficiary Location:Name"] == "Bruxelles"
    assert rows[1]["Recipient Org:Alternate Name"] == "Brusselse Woning"
    assert sum(Decimal(r["Amount Awarded"]) for r in rows) == Decimal("251000.00")


@pytest.mark.parametrize(
    ("title", "written"),
    [
        pytest.param('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")', id="equals"),
        pytest.param("+32 2 123 45 67", "'+32 2 123 45 67", id="plus"),
        pytest.param("-5", "'-5", id="minus"),
        pytest.param("@SUM(A1)", "'@SUM(A1)", id="at"),
        pytest.param("\t=1+1", "'\t'=1+1", id="tab"),
        pytest.param("Projet;=1+1", "Projet;'=1+1", id="semicolon"),
        pytest.param("Projet,@SUM(A1)", "Projet,'@SUM(A1)", id="comma"),
        pytest.param("Budget; -5 %", "Budget; -5 %", id="space-before"),
        pytest.param("2024-01-01, e-mail", "2024-01-01, e-mail", id="hyphens-inside"),
        pytest.param("Bel\x07 projet", "Bel projet", id="control-stripped"),
        pytest.param("Café 1080", "Café 1080", id="plain"),
    ],
)
def test_csv_neutralises_formula_text(
    title: str, written: str, call: Call, registry: Registry, tmp_path: Path
) -> None:
    grants = grants_360(
        call=call,
        applications=[app("A", 40_000, title=title, summary=title)],
        lines=[funded("A", 40_000)],
        registry=registry,
        lang=Lang.FR,
        award_date=dt.date(2023, 12, 1),
    )
    path = tmp_path / "grants.csv"
    write_360_csv(path, grants)
    row = read_csv(path)[0]
    assert row["Title"] == written
    assert row["Description"] == written
    # The JSON keeps the text as it is: no spreadsheet reads it.
    write_360_json(tmp_path / "grants.json", grants)
    item = json.loads((tmp_path / "grants.json").read_text(encoding="utf-8"))["grants"][0]
    assert item["title"] == title


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_no_field_is_a_formula_whatever_the_separator_it_is_opened_with(
    delimiter: str, call: Call, registry: Registry, tmp_path: Path
) -> None:
    """A Belgian Excel or LibreOffice opens a comma file with ';': every field it makes
    must still be text."""
    hostile = [
        'Projet;=HYPERLINK("http://x";"y")',
        "a,=1+1;+2\t-3\n@4",
        "\"quoted\";=cmd|' /C calc'!A0",
        "Quartier, ;=1",
    ]
    grants = grants_360(
        call=call,
        applications=[app(f"A{i}", 40_000, title=t, summary=t) for i, t in enumerate(hostile)],
        lines=[funded(f"A{i}", 40_000) for i in range(len(hostile))],
        registry=registry,
        lang=Lang.FR,
        award_date=dt.date(2023, 12, 1),
    )
    path = tmp_path / "grants.csv"
    write_360_csv(path, grants)
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        with_quotes = csv.reader([line], delimiter=delimiter)
        without_quotes = csv.reader([line], delimiter=delimiter, quoting=csv.QUOTE_NONE)
        for field in [*next(with_quotes), *next(without_quotes)]:
            assert not field.lstrip('"').startswith(("=", "+", "-", "@")), (delimiter, field)


def test_csv_accepts_no_other_types(demo_grants: list[Grant], tmp_path: Path) -> None:
    grant: dict[str, Any] = dict(demo_grants[0])
    grant["Planned Dates:Duration (months)"] = 12.0
    with pytest.raises(TypeError, match="cannot write a float"):
        write_360_csv(tmp_path / "grants.csv", [grant])
