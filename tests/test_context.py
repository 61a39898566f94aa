"""Document contexts: every key always there, the numbers right in both languages."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from slrbcall.documents.context import KINDS, deadlines, project_dates
from slrbcall.documents.sample import sample_context
from slrbcall.model import Application, Lang

from .conftest import SHIPPED_CALLS


@pytest.mark.parametrize("lang", ["nl", "fr"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_key_is_present_and_plain(kind: str, lang: str) -> None:
    context = sample_context(kind, lang)
    json.dumps(context)  # plain JSON values only
    assert set(context) == set(sample_context("convention", "fr"))
    assert context["lang"] == lang


def test_convention_numbers_in_french() -> None:
    context = sample_context("convention", "fr")
    assert context["amount_figures"] == "52\u202f000,00\u00a0€"
    assert context["amount_words"] == "cinquante-deux mille euros"
    assert context["start_date_text"] == "1er janvier 2024"
    assert context["end_date_text"] == "31 décembre 2024"
    assert [t["percent_text"] for t in context["tranches"]] == [
        "50\u00a0%",
        "30\u00a0%",
        "20\u00a0%",
    ]
    assert sum(t["amount_cents"] for t in context["tranches"]) == context["amount_cents"]
    assert [(d["key"], d["date_text"]) for d in context["deadlines"]] == [
        ("interim-interview", "1er juillet 2024"),
        ("questionnaire", "1er octobre 2024"),
        ("final-report", "31 mars 2025"),
    ]
    assert [p["role"] for p in context["parties"]] == ["authority", "housing_company", "partner"]
    assert context["authority_short"] == "SLRB"
    assert context["call_title"] == "appel à projets Empowerment 2023"


def test_convention_numbers_in_dutch() -> None:
    context = sample_context("convention", "nl")
    assert context["amount_figures"] == "€\u00a052.000,00"
    assert context["amount_words"] == "tweeënvijftigduizend euro"
    assert context["start_date_text"] == "1 januari 2024"
    assert context["authority_short"] == "BGHM"
    assert context["parties"][1]["role_label"] == "de begunstigde"


def test_a_convention_defines_its_beneficiary_and_its_call_in_a_sentence() -> None:
    fr = sample_context("convention", "fr")
    assert fr["call_title_in_context"] == "de l'appel à projets Empowerment 2023"
    assert (fr["beneficiary_name"], fr["beneficiary_role"]) == (
        "Le Logement Molenbeekois",
        "housing_company",
    )
    assert fr["beneficiary_iban"] is None  # the shipped registry holds no account
    assert fr["imputation_text"] == "l'allocation de base 00.000.00.00 du budget 2023"
    assert [(p["role"], p["beneficiary"]) for p in fr["parties"]] == [
        ("authority", False),
        ("housing_company", True),
        ("partner", False),
    ]
    partner = fr["parties"][2]
    assert partner["address"] == "Rue de l'Exemple 1, 1080 Molenbeek-Saint-Jean"
    assert partner["iban"] is None  # printed for the beneficiary only
    assert fr["parties"][0]["representative"] == "Jeanne Exemple, Directrice générale"
    assert fr["summary_language_note"] is None
    nl = sample_context("convention", "nl")
    assert nl["call_title_in_context"] == "van de projectoproep Empowerment 2023"
    assert nl["summary_language_note"] == "in het Frans"  # the summary is as written
    assert nl["imputation_text"] == "basisallocatie 00.000.00.00 van de begroting 2023"


def test_a_letter_is_addressed_signed_and_carries_its_mentions() -> None:
    fr = sample_context("letter-refusal", "fr")
    assert (fr["recipient_person"], fr["recipient_name"]) == (
        "Prénom Nom",
        "Le Logement Molenbeekois",
    )
    assert (fr["copy_name"], fr["copy_address"]) == (
        "ASBL Maison des Familles",
        "Rue de l'Exemple 1, 1080 Molenbeek-Saint-Jean",
    )
    assert (fr["signatory"], fr["signatory_function"]) == ("Jeanne Exemple", "Directrice générale")
    assert (fr["decision_body"], fr["decided_on_text"]) == (
        "le conseil d'administration de la SLRB",
        "5 décembre 2023",
    )
    assert (fr["appeal_body"], fr["appeal_days_text"]) == ("le Conseil d'État", "soixante (60)")
    assert fr["ombudsman_name"] == "le Médiateur bruxellois"
    assert fr["ombudsman_phone"] == "+32\u00a02\u00a0549\u00a067\u00a000"
    assert fr["contact_address"] == "Rue Jourdan 45-55, 1060 Saint-Gilles"
    nl = sample_context("letter-refusal", "nl")
    assert (nl["appeal_body"], nl["appeal_days_text"]) == ("de Raad van State", "zestig (60)")
    assert nl["ombudsman_email"] == "klachten@ombuds.brussels"


def test_a_refusal_gives_the_scores_per_criterion_and_the_funding_line() -> None:
    fr = sample_context("letter-refusal", "fr")
    assert fr["reasons"][-1] == "Le dernier projet financé a obtenu un score de 79,75 sur 100."
    assert fr["criteria_scores"][0] == {
        "key": "empowerment",
        "label": "Renforcement du pouvoir d'agir",
        "score_text": "72,50",
        "weight_text": "30",
    }
    nl = sample_context("letter-refusal", "nl")
    assert nl["reasons"][-1] == (
        "Het laatste gefinancierde project behaalde een score van 79,75 op 100."
    )


def test_a_partial_award_states_the_amount_awarded() -> None:
    fr = sample_context("letter-award", "fr")
    assert fr["partial"] is True
    assert fr["reasons"][1] == (
        "Il demandait 52\u202f000,00\u00a0€\u00a0; lorsque son tour est venu, il restait"
        " 4\u202f000,00\u00a0€ du budget, ce qui atteint au moins la subvention minimale. Une"
        " subvention partielle de 4\u202f000,00\u00a0€ lui est octroyée."
    )


def test_refusal_reasons_are_in_the_letter_language() -> None:
    fr = sample_context("letter-refusal", "fr")["reasons"]
    nl = sample_context("letter-refusal", "nl")["reasons"]
    assert fr[0] == "Le projet est classé 7e sur 15, avec un score de 70,05 sur 100."
    assert "il ne restait que 4\u202f000,00\u00a0€ du budget de 255\u202f000,00\u00a0€" in fr[1]
    assert nl[0] == "Het project staat op plaats 7 van 15, met een score van 70,05 op 100."


def test_a_reserve_letter_gives_the_place_and_the_validity() -> None:
    fr = sample_context("letter-reserve", "fr")
    assert (fr["reserve_rank"], fr["reserve_size"]) == (1, 9)
    assert (fr["reserve_valid_until"], fr["reserve_valid_until_text"]) == (
        "2024-06-30",
        "30 juin 2024",
    )
    assert sample_context("letter-reserve", "nl")["reserve_valid_until_text"] == "30 juni 2024"
    assert sample_context("letter-refusal", "fr")["reserve_rank"] is None


@pytest.mark.parametrize(
    ("reason", "lang", "expected"),
    [
        (
            "does_not_fit",
            "fr",
            "Il demandait 65\u202f000,00\u00a0€, mais lorsque son tour est venu sur la liste de "
            "réserve, il ne restait que 42\u202f500,00\u00a0€ des moyens disponibles après une "
            "renonciation.",
        ),
        (
            "does_not_fit",
            "nl",
            "Het vroeg €\u00a065.000,00, maar toen het op de reservelijst aan de beurt was, "
            "bleef er van de middelen die na een afzegging beschikbaar waren nog "
            "€\u00a042.500,00 over.",
        ),
        (
            "below_line",
            "fr",
            "Il se situe sous la ligne de financement de la liste de réserve : les moyens "
            "disponibles après une renonciation n'ont pas suffi aux projets mieux placés.",
        ),
    ],
)
def test_the_reasons_of_a_reserve_project_after_a_withdrawal(
    reason: str, lang: str, expected: str
) -> None:
    from slrbcall.calls.definition import load_call
    from slrbcall.documents.reasons import decision_sentences

    call = load_call(SHIPPED_CALLS / "empowerment-2023.yaml").call
    line = {
        "rank": 7,
        "score": "70.0500",
        "requested": "65000.00",
        "reason": reason,
        "remaining_before": "42500.00",
        "facts": {"rank": 7, "ranked": 15, "reallocates_run": 1, "reserve_rank": 1},
    }
    app = Application("EMP23-13", "comensia", "Comensia", "Fresques", 6_500_000, Lang(lang))
    found = decision_sentences(line, call=call, application=app, budget_cents=1, lang=lang)
    assert found[1] == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "fr",
            "Il demandait 65\u202f000,00\u00a0€ ; lorsque son tour est venu, il restait"
            " 29\u202f050,00\u00a0€ du budget, ce qui atteint au moins la subvention minimale."
            " Une subvention partielle de 29\u202f000,00\u00a0€ lui est octroyée (le montant"
            " disponible, arrondi à un multiple de 100,00\u00a0€).",
        ),
        (
            "nl",
            "Het vroeg €\u00a065.000,00; toen het aan de beurt was, bleef er van het budget"
            " nog €\u00a029.050,00 over, wat ten minste de minimale subsidie is. Het krijgt een"
            " gedeeltelijke subsidie van €\u00a029.000,00 (het beschikbare bedrag, afgerond op"
            " een veelvoud van €\u00a0100,00).",
        ),
    ],
)
def test_a_partial_award_says_the_amount_awarded_after_rounding(lang: str, expected: str) -> None:
    from slrbcall.calls.definition import load_call
    from slrbcall.documents.reasons import decision_sentences

    call = load_call(SHIPPED_CALLS / "empowerment-2023.yaml").call
    line = {
        "rank": 7,
        "score": "70.0500",
        "requested": "65000.00",
        "amount": "29000.00",
        "decision": "funded_partial",
        "reason": "partial_remainder",
        "remaining_before": "29050.00",
        "facts": {"rank": 7, "ranked": 15},
    }
    app = Application("EMP23-13", "comensia", "Comensia", "Fresques", 6_500_000, Lang(lang))
    found = decision_sentences(line, call=call, application=app, budget_cents=1, lang=lang)
    assert found[1] == expected


def test_multi_year_projects_get_yearly_deadlines() -> None:
    from slrbcall.calls.definition import load_call

    call = load_call(SHIPPED_CALLS / "cohesion-sociale-2021.yaml").call
    app = Application(
        reference="PCS-01",
        applicant="logiris",
        applicant_name="Log'iris",
        title="x",
        requested_cents=100_000_00,
        language=Lang.FR,
        duration_months=60,
        start_date=dt.date(2022, 1, 1),
    )
    start, end = project_dates(call, app)
    assert (start, end) == (dt.date(2022, 1, 1), dt.date(2026, 12, 31))
    due = deadlines(call, start, end)
    yearly = [d for key, d in due if key == "yearly-report"]
    assert yearly == [dt.date(y, 1, 1) for y in range(2023, 2027)]
    assert due[-1] == ("final-report", dt.date(2027, 3, 31))


def test_yearly_tranches_say_from_when_they_are_payable() -> None:
    from slrbcall.calls.definition import load_call, load_registry
    from slrbcall.documents.context import document_context

    call = load_call(SHIPPED_CALLS / "cohesion-sociale-2021.yaml").call
    app = Application(
        reference="PCS-01",
        applicant="logiris",
        applicant_name="Log'iris",
        title="Vivre ensemble",
        requested_cents=100_000_00,
        language=Lang.FR,
        partner="ASBL X",
        duration_months=60,
        start_date=dt.date(2022, 1, 1),
    )
    line = {
        "amount": "100000.00",
        "decision": "funded_full",
        "rank": 1,
        "score": "80",
        "reason": "funded",
        "requested": "100000.00",
    }
    context = document_context(
        "convention",
        call=call,
        registry=load_registry(SHIPPED_CALLS),
        application=app,
        line=line,
        budget_cents=call.budget_cents,
        lang="fr",
        date=dt.date(2021, 12, 1),
    )
    conditions = [t["condition_text"] for t in context["tranches"]]
    assert conditions[0] == "à la signature de la convention"
    assert conditions[1] == "après approbation du rapport annuel, à partir du 1er janvier 2023"
    assert conditions[4] == "après approbation du rapport final, à partir du 1er janvier 2026"
    assert sum(t["amount_cents"] for t in context["tranches"]) == 100_000_00
