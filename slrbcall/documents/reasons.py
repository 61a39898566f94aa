"""The reasons of a decision, in Dutch and French, for the decision letters.

A refusal is a public decision and must state its reasons (law of 29 July 1991 on the
formal motivation of administrative acts). The allocation explains each decision in
English for the officers, with its numbers in ``facts``; the letters need the same
reasons in the applicant's language. They are written here from the reason codes and
the numbers, never translated from the English sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from slrbcall.documents.l10n import format_amount
from slrbcall.money import cents_from_decimal

if TYPE_CHECKING:
    from slrbcall.calls.registry import Registry
    from slrbcall.model import Application, Call

__all__ = ["decision_sentences", "eligibility_sentences", "score_text"]


def _eur(value: str | int, lang: str) -> str:

    cents = value if isinstance(value, int) else cents_from_decimal(Decimal(str(value)))
    return format_amount(cents, lang)


def score_text(score: str | Decimal, lang: str) -> str:
    """A score with two decimals and a decimal comma (both languages): ``85,30``."""
    return f"{Decimal(str(score)):.2f}".replace(".", ",")


def _rank(rank: int, ranked: int, lang: str) -> str:
    if lang == "nl":
        return f"staat op plaats {rank} van {ranked}"
    return f"est classé {'1er' if rank == 1 else f'{rank}e'} sur {ranked}"


def decision_sentences(
    line: Mapping[str, Any],
    *,
    call: Call,
    application: Application,
    budget_cents: int,
    lang: str,
    registry: Registry | None = None,
    funding_line: str | None = None,
) -> list[str]:
    """Why this decision, in ``lang``: one or more complete sentences with the numbers.

    ``funding_line`` is the score of the last project the decision funds: an
    application it leaves out is told it (*the last project funded scored 79,75*).
    A partial award states the amount awarded, never the remainder before rounding.
    """
    facts = line.get("facts", {})
    reason = line["reason"]
    if reason == "ineligible":
        return eligibility_sentences(application, call=call, lang=lang, registry=registry)
    rank, ranked = int(facts.get("rank") or line["rank"]), int(facts.get("ranked", 0))
    score = score_text(line["score"], lang)
    place = _rank(rank, ranked, lang)
    requested = _eur(line["requested"], lang)
    remaining = _eur(line.get("remaining_before") or "0", lang)
    budget = _eur(budget_cents, lang)
    awarded = _eur(line.get("amount") or "0", lang)
    rounded = line.get("amount") != line.get("remaining_before")
    if lang == "nl":
        first = f"Het project {place}, met een score van {score} op 100."
        by_reason = {
            "does_not_fit": (
                f"Het vroeg {requested}, maar toen het aan de beurt was, bleef er van het "
                f"budget van {budget} nog {remaining} over."
            ),
            "below_line": (
                f"Het staat onder de financieringslijn: de hoger gerangschikte projecten "
                f"hebben het budget van {budget} opgebruikt."
            ),
            "below_threshold": (
                f"De score ligt onder de minimumscore van "
                f"{score_text(facts.get('min_score', '0'), lang)}."
            ),
            "org_cap": (
                f"De huisvestingsmaatschappij krijgt al het maximale aantal van "
                f"{facts.get('org_cap', '')} gefinancierde projecten."
            ),
            "theme_cap": "Het maximumbedrag voor het thema van het project is bereikt.",
            "not_in_optimum": (
                f"De combinatie van projecten met de hoogste totale score binnen het budget "
                f"van {budget} bevat dit project niet."
            ),
        }
        partial = (
            f"Het vroeg {requested}; toen het aan de beurt was, bleef er van het budget nog "
            f"{remaining} over, wat ten minste de minimale subsidie is. Het krijgt een "
            f"gedeeltelijke subsidie van {awarded}"
            + (
                f" (het beschikbare bedrag, afgerond op een veelvoud van "
                f"{_eur(call.granularity_cents, lang)})."
                if rounded
                else "."
            )
        )
        line_text = (
            f"Het laatste gefinancierde project behaalde een score van {funding_line} op 100."
        )
    else:
        first = f"Le projet {place}, avec un score de {score} sur 100."
        by_reason = {
            "does_not_fit": (
                f"Il demandait {requested}, mais lorsque son tour est venu, il ne restait que "
                f"{remaining} du budget de {budget}."
            ),
            "below_line": (
                f"Il se situe sous la ligne de financement : les projets mieux classés ont "
                f"épuisé le budget de {budget}."
            ),
            "below_threshold": (
                f"Ce score est inférieur au score minimal de "
                f"{score_text(facts.get('min_score', '0'), lang)}."
            ),
            "org_cap": (
                f"La société de logement obtient déjà le nombre maximal de "
                f"{facts.get('org_cap', '')} projets financés."
            ),
            "theme_cap": "Le plafond prévu pour le thème du projet est atteint.",
            "not_in_optimum": (
                f"La combinaison de projets qui obtient le score total le plus élevé dans le "
                f"budget de {budget} ne le comprend pas."
            ),
        }
        partial = (
            f"Il demandait {requested} ; lorsque son tour est venu, il restait {remaining} du "
            f"budget, ce qui atteint au moins la subvention minimale. Une subvention partielle "
            f"de {awarded} lui est octroyée"
            + (
                f" (le montant disponible, arrondi à un multiple de "
                f"{_eur(call.granularity_cents, lang)})."
                if rounded
                else "."
            )
        )
        line_text = f"Le dernier projet financé a obtenu un score de {funding_line} sur 100."
    if "reallocates_run" in facts:  # a reserve project, after a withdrawal released money
        by_reason |= _FROM_RESERVE[lang](requested, remaining)
    if reason in ("partial_remainder", "reserve_partial"):  # the latter: from the reserve
        return [first, partial]
    sentences = [first]
    if reason in by_reason:
        sentences.append(by_reason[reason])
    if funding_line is not None and line["decision"] == "not_funded":
        sentences.append(line_text)
    return sentences


def _reserve_nl(requested: str, remaining: str) -> dict[str, str]:
    return {
        "does_not_fit": (
            f"Het vroeg {requested}, maar toen het op de reservelijst aan de beurt was, bleef "
            f"er van de middelen die na een afzegging beschikbaar waren nog {remaining} over."
        ),
        "below_line": (
            "Het staat onder de financieringslijn van de reservelijst: de middelen die na een "
            "afzegging beschikbaar waren, volstonden niet voor de hoger geplaatste projecten."
        ),
    }


def _reserve_fr(requested: str, remaining: str) -> dict[str, str]:
    return {
        "does_not_fit": (
            f"Il demandait {requested}, mais lorsque son tour est venu sur la liste de réserve, "
            f"il ne restait que {remaining} des moyens disponibles après une renonciation."
        ),
        "below_line": (
            "Il se situe sous la ligne de financement de la liste de réserve : les moyens "
            "disponibles après une renonciation n'ont pas suffi aux projets mieux placés."
        ),
    }


#: The reasons of a reallocation's reserve lines that differ from a decision's.
_FROM_RESERVE = {"nl": _reserve_nl, "fr": _reserve_fr}


def eligibility_sentences(
    application: Application, *, call: Call, lang: str, registry: Registry | None = None
) -> list[str]:
    """The eligibility reasons of an application, in ``lang``, in the order of its codes.

    ``registry`` names the organisations a reason mentions in ``lang``."""
    sentences = []
    for reason in application.reasons:
        sentences.append(_eligibility(reason.code, application, call, lang, registry))
    return sentences or [
        "De aanvraag voldoet niet aan de voorwaarden van de oproep."
        if lang == "nl"
        else "La candidature ne remplit pas les conditions de l'appel."
    ]


def _name(key: str | None, registry: Registry | None, lang: str) -> str:
    org = registry.get(key) if registry is not None and key else None
    return org.name[lang] if org else key or ""


def _eligibility(
    code: str, app: Application, call: Call, lang: str, registry: Registry | None
) -> str:
    requested = _eur(app.requested_cents, lang)
    low, high = _eur(call.grant_min_cents, lang), _eur(call.grant_max_cents, lang)
    months, call_months = app.duration_months, call.duration_months
    limit = call.eligibility.max_applications_per_applicant
    theme = app.theme_text or ""
    second = _name(app.second_housing_company, registry, lang)
    commune = _name(app.commune, registry, lang)
    nl = {
        "applicant_unknown": f"{app.applicant_name} is geen openbare vastgoedmaatschappij.",
        "applicant_kind": f"{app.applicant_name} is geen openbare vastgoedmaatschappij.",
        "second_housing_company_not_allowed": f"De aanvraag vermeldt een tweede huisvestingsmaatschappij ({second}); de overeenkomsten van deze oproep worden door één huisvestingsmaatschappij ondertekend.",
        "second_housing_company_same": f"De tweede huisvestingsmaatschappij ({second}) is de aanvrager zelf.",
        "commune_not_allowed": f"De aanvraag vermeldt een gemeente ({commune}); de overeenkomsten van deze oproep worden niet door een gemeente ondertekend.",
        "commune_missing": "De oproep vereist een gemeente, en er wordt er geen vermeld.",
        "partner_missing": "De oproep vereist een partnervereniging, en er wordt er geen vermeld.",
        "theme_unknown": f"Het thema „{theme}” is geen thema van de oproep.",
        "amount_below_minimum": f"Het gevraagde bedrag ({requested}) ligt onder de minimale subsidie van {low}.",
        "amount_above_maximum": f"Het gevraagde bedrag ({requested}) ligt boven de maximale subsidie van {high}.",
        "duration_not_call": f"Het project duurt {months} maanden; de projecten van deze oproep duren {call_months} maanden.",
        "duration_too_long": f"Het project duurt {months} maanden; de projecten van deze oproep duren hoogstens {call_months} maanden.",
        "too_many_applications": f"De huisvestingsmaatschappij diende meer dan {limit} aanvragen in, het maximum van de oproep.",
    }
    fr = {
        "applicant_unknown": f"{app.applicant_name} n'est pas une société immobilière de service public.",
        "applicant_kind": f"{app.applicant_name} n'est pas une société immobilière de service public.",
        "second_housing_company_not_allowed": f"La candidature mentionne une deuxième société de logement ({second}) ; les conventions de cet appel sont signées par une seule société de logement.",
        "second_housing_company_same": f"La deuxième société de logement ({second}) est la candidate elle-même.",
        "commune_not_allowed": f"La candidature mentionne une commune ({commune}) ; les conventions de cet appel ne sont pas signées par une commune.",
        "commune_missing": "L'appel exige une commune, et aucune n'est mentionnée.",
        "partner_missing": "L'appel exige un partenaire associatif, et aucun n'est mentionné.",
        "theme_unknown": f"Le thème « {theme} » ne fait pas partie des thèmes de l'appel.",
        "amount_below_minimum": f"Le montant demandé ({requested}) est inférieur à la subvention minimale de {low}.",
        "amount_above_maximum": f"Le montant demandé ({requested}) dépasse la subvention maximale de {high}.",
        "duration_not_call": f"Le projet dure {months} mois ; les projets de cet appel durent {call_months} mois.",
        "duration_too_long": f"Le projet dure {months} mois ; les projets de cet appel durent au plus {call_months} mois.",
        "too_many_applications": f"La société de logement a introduit plus de {limit} candidatures, le maximum fixé par l'appel.",
    }
    table = nl if lang == "nl" else fr
    return table.get(code, code)
