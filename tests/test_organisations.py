"""The parties registry: addresses, accounts and representatives, and
``slrbcall organisations list/show/check``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from slrbcall.calls.build import build_registry
from slrbcall.calls.parties import Missing, blanks
from slrbcall.calls.registry import Registry
from slrbcall.errors import Problem
from slrbcall.model import Address, Lang, Localized
from tests.conftest import SHIPPED_CALLS, Invoke, write_call

REGISTRY_HEAD = """\
organisations:
  - key: slrb
    kind: authority
    name: {fr: Société du Logement de la Région de Bruxelles-Capitale, nl: Brusselse Gewestelijke Huisvestingsmaatschappij}
    short_names: [SLRB, BGHM]
    enterprise_number: "0403.170.701"
    address:
      street: {fr: Rue Jourdan, nl: Jourdanstraat}
      number: "45-55"
      postal_code: "1060"
      commune: commune-saint-gilles
    representatives:
      - name: Jeanne Exemple
        function: {fr: Directrice générale, nl: Directeur-generaal}
  - key: commune-saint-gilles
    kind: commune
    name: {fr: Saint-Gilles, nl: Sint-Gillis}
    postal_code: "1060"
"""

COMPANY = """\
  - key: foyer-du-sud
    kind: housing_company
    name: {fr: Foyer du Sud, nl: Zuiderhaard}
"""


def registry_of(text: str) -> Registry:
    built = build_registry(text.encode(), "organisations.yaml")
    assert isinstance(built, Registry), built
    return built


def problems_of(text: str) -> list[str]:
    built = build_registry(text.encode(), "organisations.yaml")
    assert not isinstance(built, Registry)
    return [str(p) for p in built if isinstance(p, Problem)]


def test_an_address_is_written_in_each_language_with_its_commune() -> None:
    slrb = registry_of(REGISTRY_HEAD).get("slrb")
    assert slrb is not None
    assert slrb.address is not None
    assert slrb.address.text(Lang.FR) == "Rue Jourdan 45-55, 1060 Saint-Gilles"
    assert slrb.address.text(Lang.NL) == "Jourdanstraat 45-55, 1060 Sint-Gillis"
    assert slrb.representatives[0].function[Lang.NL] == "Directeur-generaal"


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        pytest.param(Lang.FR, ("Avenue de l'Exemple 12 bte 3", "3000 Louvain"), id="fr-bte"),
        pytest.param(Lang.NL, ("Voorbeeldlaan 12 bus 3", "3000 Leuven"), id="nl-bus"),
    ],
)
def test_a_box_number_is_bte_in_french_and_bus_in_dutch(lang: Lang, lines: tuple[str, str]) -> None:
    address = Address(
        street=Localized(nl="Voorbeeldlaan", fr="Avenue de l'Exemple"),
        number="12",
        postal_code="3000",
        town=Localized(nl="Leuven", fr="Louvain"),
        box="3",
    )
    assert address.lines(lang) == lines


def test_a_bad_iban_and_an_unknown_commune_are_named_with_their_line() -> None:
    text = REGISTRY_HEAD.replace("commune: commune-saint-gilles", "commune: commune-st-gilles")
    text += COMPANY + '    iban: "BE68 5390 0754 7035"\n'
    assert problems_of(text) == [
        "organisations.yaml:11:16: unknown commune 'commune-st-gilles'"
        " (did you mean 'commune-saint-gilles'?)",
        "organisations.yaml:22:11: not a valid IBAN: 'BE68 5390 0754 7035'"
        " (check digits do not match)",
    ]


def test_an_address_names_its_town_once() -> None:
    text = REGISTRY_HEAD.replace(
        "      commune: commune-saint-gilles\n",
        "      commune: commune-saint-gilles\n      town: {fr: Bruxelles, nl: Brussel}\n",
    )
    assert problems_of(text) == [
        "organisations.yaml:7:5: name the town with either 'commune' (a commune key)"
        " or 'town' ({fr, nl})"
    ]


def test_a_good_iban_is_kept_compact() -> None:
    company = registry_of(REGISTRY_HEAD + COMPANY + '    iban: "BE68 5390 0754 7034"\n').get(
        "foyer-du-sud"
    )
    assert company is not None
    assert company.iban == "BE68539007547034"


def test_blanks_name_what_each_party_lacks_and_the_iban_of_beneficiaries() -> None:
    from slrbcall.calls.definition import load_call

    call = load_call(SHIPPED_CALLS / "empowerment-2023.yaml").call
    found = blanks([call], registry_of(REGISTRY_HEAD + COMPANY))
    assert [(b.organisation.key, b.missing) for b in found] == [
        (
            "foyer-du-sud",
            (Missing.ENTERPRISE_NUMBER, Missing.ADDRESS, Missing.REPRESENTATIVE, Missing.IBAN),
        )
    ]
    assert found[0].sentence() == (
        "foyer-du-sud (Foyer du Sud): no enterprise number (BCE/KBO), no address,"
        " no representative, no IBAN (needed by the conventions of empowerment-2023)"
    )


def test_a_registry_in_full_has_no_blank(tmp_path: Path, cli: Invoke) -> None:
    calls = tmp_path / "calls"
    calls.mkdir()
    shutil.copy(SHIPPED_CALLS / "empowerment-2023.yaml", calls)
    company = (
        COMPANY
        + '    enterprise_number: "0403.170.701"\n'
        + '    iban: "BE68 5390 0754 7034"\n'
        + "    address:\n"
        + "      street: {fr: Rue de l'Exemple, nl: Voorbeeldstraat}\n"
        + '      number: "1"\n'
        + '      postal_code: "1060"\n'
        + "      commune: commune-saint-gilles\n"
        + "    representatives:\n"
        + "      - name: Jan Voorbeeld\n"
        + "        function: {fr: Directeur, nl: Directeur}\n"
    )
    (calls / "organisations.yaml").write_text(REGISTRY_HEAD + company, encoding="utf-8")
    result = cli("--calls-dir", calls, "organisations", "check")
    assert result.exit_code == 0, result
    assert result.stdout == "organisations.yaml: every party of the conventions is named in full\n"


def test_check_lists_every_blank_of_the_shipped_registry_and_exits_1(cli: Invoke) -> None:
    result = cli("organisations", "check", "--call", "empowerment-2023")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 17  # the authority and the 16 housing companies
    assert lines[0] == (  # the call names who signs for the authority
        "organisations.yaml: slrb (Société du Logement de la Région de Bruxelles-Capitale):"
        " no enterprise number (BCE/KBO) (needed by the conventions of empowerment-2023)"
    )
    assert "lack facts a convention prints" in result.stderr
    found = json.loads(cli("organisations", "check", "--json").stdout)
    assert found[1]["missing"] == ["enterprise_number", "address", "representative", "iban"]


def test_show_finds_an_organisation_by_its_name_in_either_language(cli: Invoke) -> None:
    shown = json.loads(cli("organisations", "show", "Jourdanstraat", "--json").stdout or "null")
    assert shown is None  # an address is not a name
    result = cli("organisations", "show", "BGHM", "--json")
    assert result.exit_code == 0, result
    slrb = json.loads(result.stdout)
    assert slrb["key"] == "slrb"
    assert slrb["address"]["text"] == {
        "fr": "Rue Jourdan 45-55, 1060 Saint-Gilles",
        "nl": "Jourdanstraat 45-55, 1060 Sint-Gillis",
    }


def test_show_suggests_close_names_for_an_unknown_one(cli: Invoke) -> None:
    result = cli("organisations", "show", "Foyer du Suf")
    assert result.exit_code == 1
    assert "no organisation 'Foyer du Suf'" in result.stderr
    assert "did you mean 'Foyer du Sud'" in result.stderr


def test_list_by_kind(cli: Invoke) -> None:
    listed = json.loads(cli("organisations", "list", "--kind", "commune", "--json").stdout)
    assert len(listed) == 19
    assert cli("organisations", "list", "--kind", "school").exit_code == 2


def test_check_names_what_a_call_file_leaves_out(tmp_path: Path, cli: Invoke) -> None:
    calls = tmp_path / "calls"
    text = (SHIPPED_CALLS / "empowerment-2023.yaml").read_text(encoding="utf-8")
    start = text.index("authority_representative:")
    end = text.index("decision:")
    write_call(calls, text[:start] + text[end:])
    result = cli("--calls-dir", calls, "organisations", "check", "--call", "empowerment-2023")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (  # the registry holds no one for the SLRB
        "organisations.yaml: slrb (Société du Logement de la Région de Bruxelles-Capitale):"
        " no enterprise number (BCE/KBO), no representative"
        " (needed by the conventions of empowerment-2023)"
    )
    assert result.stdout.splitlines()[-1] == (
        "empowerment-2023.yaml: no authority_representative (who signs for the authority)"
    )
    found = json.loads(cli("--calls-dir", calls, "organisations", "check", "--json").stdout)
    assert found[-1] == {
        "call": "empowerment-2023",
        "file": "empowerment-2023.yaml",
        "missing": ["authority_representative"],
    }
