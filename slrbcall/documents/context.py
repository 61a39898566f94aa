"""The context of a document: one plain, JSON-serialisable dict per (project, language).

Every key is always present (``None`` when empty), and every value is either raw (dates
in ISO form, cents) or a ready string in the document's language (``amount_figures``,
``amount_words``, ``start_date_text``). Templates only print; they compute nothing.
``slrbcall render-conventions --context REF --json`` prints a context, and
docs/documents.md lists every key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from slrbcall.documents.addressing import beneficiary_keys, letter_keys, party_list
from slrbcall.documents.l10n import (
    amount_in_words,
    format_amount,
    format_date,
    format_percent,
    french_spacing,
    month_offset,
    split_tranches,
)
from slrbcall.documents.notices import call_keys
from slrbcall.documents.reasons import decision_sentences, score_text
from slrbcall.money import cents_from_decimal

if TYPE_CHECKING:
    from slrbcall.calls.registry import Registry
    from slrbcall.model import Application, Budget, BudgetLine, Call, Organisation, Tranche

__all__ = [
    "AMENDMENT",
    "KINDS",
    "SETTLEMENT",
    "amendment_context",
    "budget_keys",
    "deadlines",
    "document_context",
    "project_dates",
    "settlement_context",
]

#: The documents, by kind: the convention of a funded project and the decision letters
#: (a project on the call's reserve list gets the reserve letter instead of a refusal).
KINDS = ("convention", "letter-award", "letter-refusal", "letter-reserve")
#: An amendment to a convention: the convention's keys and its own (amendment_context).
AMENDMENT = "amendment"
#: The settlement letter of a project: a letter's keys and its own (settlement_context).
SETTLEMENT = "settlement"

_CONDITION = {
    "signature": {
        "fr": "à la signature de la convention",
        "nl": "bij de ondertekening van de overeenkomst",
    },
    "interim_report": {
        "fr": "après l'entretien intermédiaire",
        "nl": "na het tussentijds gesprek",
    },
    "yearly_report": {
        "fr": "après approbation du rapport annuel",
        "nl": "na goedkeuring van het jaarverslag",
    },
    "final_report": {
        "fr": "après approbation du rapport final",
        "nl": "na goedkeuring van het eindverslag",
    },
}
_PLACE = {"fr": "Bruxelles", "nl": "Brussel"}
_BLANK = "……………………"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _short(org: Organisation, lang: str) -> str:
    """The authority's acronym in ``lang``: the registry lists the French one first."""
    if not org.short_names:
        return org.name[lang]
    return org.short_names[0] if lang == "fr" else org.short_names[-1]


def project_dates(call: Call, application: Application) -> tuple[dt.date | None, dt.date | None]:
    """Start and end of a project: ``duration`` months from its start, the day before."""

    start = application.start_date
    if start is None:
        return None, None
    months = application.duration_months or call.duration_months
    return start, month_offset(start, months) - dt.timedelta(days=1)


def deadlines(call: Call, start: dt.date | None, end: dt.date | None) -> list[tuple[str, dt.date]]:
    """The project's due dates (key, date), from the call's offsets, in date order."""

    if start is None or end is None:
        return []
    found: list[tuple[str, dt.date]] = []
    for deadline in call.deadlines:
        anchor = start if deadline.anchor.value == "start" else end
        due = month_offset(anchor, deadline.months)
        found.append((deadline.key, due))
        if deadline.every_months:
            while True:
                due = month_offset(due, deadline.every_months)
                if due > end:
                    break
                found.append((deadline.key, due))
    return sorted(found, key=lambda item: (item[1], item[0]))


def document_context(
    kind: str,
    *,
    call: Call,
    registry: Registry,
    application: Application,
    line: Mapping[str, Any],
    budget_cents: int,
    lang: str,
    date: dt.date,
    place: str | None = None,
    reserve: tuple[int, int] | None = None,
    criteria: Mapping[str, Decimal] | None = None,
    funding_line: Decimal | None = None,
    budget: Budget | None = None,
) -> dict[str, Any]:
    """The context of one document of ``kind`` for ``application`` in ``lang``.

    ``line`` is the application's line of the adopted allocation run (its JSON form);
    ``reserve`` its place on the call's reserve list and the list's length, when it is on
    it (the list's validity is the call's). ``criteria`` are its committee's scores per
    criterion (0-100) and ``funding_line`` the score of the last project the decision
    funds, for the reasons of a decision that leaves it out. ``budget`` is the
    application's planned budget by line, if it has one (see :func:`budget_keys`).
    """

    authority = registry.get(call.authority)
    assert authority is not None  # the call's validation guarantees it
    amount = cents_from_decimal(Decimal(line["amount"]))
    start, end = project_dates(call, application)
    theme = call.theme(application.theme) if application.theme else None
    tranche_amounts = split_tranches(amount, [t.percent for t in call.tranches]) if amount else []
    names = {d.key: d.label[lang] for d in call.deadlines}
    line_score = score_text(funding_line, lang) if funding_line is not None else None
    reasons = [
        _spaced(sentence, lang)
        for sentence in decision_sentences(
            line,
            call=call,
            application=application,
            budget_cents=budget_cents,
            lang=lang,
            registry=registry,
            funding_line=line_score,
        )
    ]
    parties = party_list(call, registry, application, lang)
    imputation = call.imputation
    context: dict[str, Any] = {
        "kind": kind,
        "lang": lang,
        "call_id": call.id,
        "call_title": _lower_first(call.title[lang]),
        "call_title_heading": call.title[lang],
        "illustrative_data": registry.illustrative,
        "authority_name": authority.name[lang],
        "authority_short": _short(authority, lang),
        "reference": application.reference,
        "project_title": application.title,
        "theme_label": theme.label[lang] if theme else application.theme_text,
        "summary": application.summary,
        "summary_language_note": _other_language(application.language.value, lang)
        if application.summary
        else None,
        "residents_targeted": application.residents_targeted,
        "received_date": application.received_date.isoformat()
        if application.received_date
        else None,
        "received_date_text": format_date(application.received_date, lang)
        if application.received_date
        else None,
        "requested_cents": application.requested_cents,
        "requested_figures": format_amount(application.requested_cents, lang),
        "requested_words": amount_in_words(application.requested_cents, lang),
        "amount_cents": amount,
        "amount_figures": format_amount(amount, lang),
        "amount_words": amount_in_words(amount, lang),
        "partial": line["decision"] == "funded_partial",
        "decision": line["decision"],
        "rank": line["rank"],
        "score_text": score_text(line["score"], lang) if line["rank"] else None,
        "explanation": " ".join(reasons),
        "reasons": reasons,
        "criteria_scores": [
            {
                "key": criterion.key,
                "label": criterion.label[lang],
                "score_text": score_text(criteria[criterion.key], lang),
                "weight_text": _number(criterion.weight),
            }
            for criterion in call.criteria
            if criteria and criterion.key in criteria
        ],
        "funding_line_score_text": line_score,
        "duration_months": application.duration_months or call.duration_months,
        "start_date": start.isoformat() if start else None,
        "end_date": end.isoformat() if end else None,
        "start_date_text": format_date(start, lang) if start else _BLANK,
        "end_date_text": format_date(end, lang) if end else _BLANK,
        "tranches": [
            {
                "number": tranche.number,
                "percent": str(tranche.percent),
                "percent_text": format_percent(tranche.percent, lang),
                "amount_cents": cents,
                "amount_figures": format_amount(cents, lang),
                "condition": tranche.condition.value,
                "condition_text": _condition_text(tranche, start, lang),
                "label": tranche.label[lang],
            }
            for tranche, cents in zip(call.tranches, tranche_amounts, strict=False)
        ],
        "deadlines": [
            {
                "key": key,
                "label": names[key],
                "date": due.isoformat(),
                "date_text": format_date(due, lang),
            }
            for key, due in deadlines(call, start, end)
        ],
        "legal_bases": [basis[lang] for basis in call.legal_bases],
        "parties": parties,
        **beneficiary_keys(parties),
        **letter_keys(registry, application, lang),
        "place": place or _PLACE[lang],
        "date": date.isoformat(),
        "date_text": format_date(date, lang),
        **call_keys(call, authority, lang),
        **_reserve(call, reserve, lang),
        **budget_keys(call, budget, amount, lang),
    }
    context["imputation_text"] = (
        _IMPUTATION[lang].format(code=imputation.basic_allocation, year=imputation.year)
        if imputation
        else None
    )
    return context


def budget_keys(call: Call, budget: Budget | None, award_cents: int, lang: str) -> dict[str, Any]:
    """The keys of the planned budget by line, which the convention prints as a table:
    every line of the call (a line planned at nothing included, since the budget binds
    the settlement line by line), the project's cost, each co-financing source with an
    amount, and the grant the budget asks for (the cost less the co-financing). Empty
    (``[]``, ``None``, ``False``) for an application without a budget.

    Invariant: ``budget_total_cents - budget_co_financing_cents == budget_grant_cents``,
    and the lines' ``amount_cents`` add up to ``budget_total_cents``.
    """
    if budget is None or not call.budget_lines:
        return {
            "budget_lines": [],
            "budget_co_financing": [],
            "budget_total_cents": None,
            "budget_total_figures": None,
            "budget_co_financing_cents": None,
            "budget_co_financing_figures": None,
            "budget_grant_cents": None,
            "budget_grant_figures": None,
            "budget_award_differs": False,
        }
    labels = {line.key: line.label[lang] for line in call.budget_lines}
    sources = {source.key: source.label[lang] for source in call.co_financing}
    planned = dict(budget.lines)
    # A key the call no longer has (its definition was edited) prints as stored.
    keys = [*labels, *(key for key in planned if key not in labels)]

    def item(key: str, cents: int, label: str) -> dict[str, Any]:
        return {
            "key": key,
            "label": label,
            "amount_cents": cents,
            "amount_figures": format_amount(cents, lang),
        }

    return {
        "budget_lines": [item(key, planned.get(key, 0), labels.get(key, key)) for key in keys],
        "budget_co_financing": [
            item(key, cents, sources.get(key, key)) for key, cents in budget.co_financing
        ],
        "budget_total_cents": budget.total_cents,
        "budget_total_figures": format_amount(budget.total_cents, lang),
        "budget_co_financing_cents": budget.co_financing_cents,
        "budget_co_financing_figures": format_amount(budget.co_financing_cents, lang),
        "budget_grant_cents": budget.grant_cents,
        "budget_grant_figures": format_amount(budget.grant_cents, lang),
        "budget_award_differs": budget.grant_cents != award_cents,
    }


_IMPUTATION = {
    "fr": "l'allocation de base {code} du budget {year}",
    "nl": "basisallocatie {code} van de begroting {year}",
}
_LANGUAGE_NAMES = {
    "fr": {"nl": "en néerlandais", "fr": "en français"},
    "nl": {"nl": "in het Nederlands", "fr": "in het Frans"},
}


def _number(value: Decimal) -> str:
    """A weight as people write it in both languages: ``30``, ``12,5``."""
    return format(value.normalize(), "f").replace(".", ",")


def _other_language(text_lang: str, lang: str) -> str | None:
    """Which language a text is in, when the document is in the other one."""
    return None if text_lang == lang else _LANGUAGE_NAMES[lang][text_lang]


def _spaced(sentence: str, lang: str) -> str:
    return french_spacing(sentence) if lang == "fr" else sentence


def _reserve(call: Call, reserve: tuple[int, int] | None, lang: str) -> dict[str, Any]:
    """The keys of a project's place on the reserve list (``None`` when it is not on it)."""
    until = call.reserve.valid_until if call.reserve is not None and reserve else None
    return {
        "reserve_rank": reserve[0] if reserve else None,
        "reserve_size": reserve[1] if reserve else None,
        "reserve_valid_until": until.isoformat() if until else None,
        "reserve_valid_until_text": format_date(until, lang) if until else None,
    }


def _condition_text(tranche: Tranche, start: dt.date | None, lang: str) -> str:
    """The condition of a tranche, and from when it is payable when the call says so
    (the yearly tranches of a multi-year project differ only by that date)."""

    text = _CONDITION[tranche.condition.value][lang]
    if tranche.month is None or tranche.month == 0 or start is None:
        return text
    from_day = format_date(month_offset(start, tranche.month), lang)
    return f"{text}, vanaf {from_day}" if lang == "nl" else f"{text}, à partir du {from_day}"


_TRANCHE_STATUS = {
    "paid": {"fr": "versée", "nl": "betaald"},
    "to_pay": {"fr": "à verser", "nl": "te betalen"},
    "cancelled": {"fr": "annulée", "nl": "vervallen"},
}


def amendment_context(
    convention: Mapping[str, Any],
    *,
    number: int,
    convention_date: dt.date | None,
    decision_date: dt.date | None,
    previous_amount_cents: int,
    amount_cents: int,
    previous_end: dt.date | None,
    end: dt.date | None,
    previous_tranche_cents: Sequence[int],
    tranche_cents: Sequence[int],
    paid_tranches: Collection[int],
    paid_cents: int,
    reason: str,
) -> dict[str, Any]:
    """The context of an amendment (avenant / aanhangsel) to ``convention``, the
    context of the project's convention in the amendment's language (its ``date`` is
    the amendment's): every key of the convention, and what the amendment changes.

    ``tranche_cents`` are the tranches after it (``previous_tranche_cents`` before);
    ``paid_tranches`` those paid when it was made (they stay as paid).
    """

    lang = str(convention["lang"])

    def day(value: dt.date | None) -> tuple[str | None, str]:
        return (value.isoformat(), format_date(value, lang)) if value else (None, _BLANK)

    context = dict(convention)
    context["kind"] = AMENDMENT
    convention_iso, convention_text = day(convention_date)
    decision_iso, decision_text = day(decision_date)
    previous_end_iso, previous_end_text = day(previous_end)
    end_iso, end_text = day(end)
    called = convention["tranches"]
    tranches = []
    for index, cents in enumerate(tranche_cents):
        number_ = index + 1
        status = "paid" if number_ in paid_tranches else "cancelled" if cents == 0 else "to_pay"
        before = previous_tranche_cents[index] if index < len(previous_tranche_cents) else 0
        tranches.append(
            {
                "number": number_,
                "label": called[index]["label"] if index < len(called) else None,
                "condition_text": called[index]["condition_text"] if index < len(called) else None,
                "previous_amount_cents": before,
                "previous_amount_figures": format_amount(before, lang),
                "amount_cents": cents,
                "amount_figures": format_amount(cents, lang),
                "status": status,
                "status_text": _TRANCHE_STATUS[status][lang],
            }
        )
    context.update(
        {
            "amendment_number": number,
            "convention_date": convention_iso,
            "convention_date_text": convention_text,
            "decision_date": decision_iso,
            "decision_date_text": decision_text,
            "previous_amount_cents": previous_amount_cents,
            "previous_amount_figures": format_amount(previous_amount_cents, lang),
            "previous_amount_words": amount_in_words(previous_amount_cents, lang),
            "new_amount_cents": amount_cents,
            "new_amount_figures": format_amount(amount_cents, lang),
            "new_amount_words": amount_in_words(amount_cents, lang),
            "amount_changed": amount_cents != previous_amount_cents,
            "previous_end_date": previous_end_iso,
            "previous_end_date_text": previous_end_text,
            "new_end_date": end_iso,
            "new_end_date_text": end_text,
            "end_changed": end != previous_end,
            "paid_cents": paid_cents,
            "paid_figures": format_amount(paid_cents, lang),
            "amended_tranches": tranches,
            "amendment_reason": reason,
        }
    )
    return context


# -- the settlement letter (issue 17) -----------------------------------------------------

_RULE = {
    "cap": {"fr": "plafond du poste", "nl": "plafond van de post"},
    "planned": {
        "fr": "montant prévu au budget de la convention",
        "nl": "bedrag voorzien in de begroting van de overeenkomst",
    },
    "share_of_direct": {
        "fr": "au plus {percent} des frais directs admis",
        "nl": "ten hoogste {percent} van de aanvaarde directe kosten",
    },
}
_REVIEW_DECISION = {
    "partly_admitted": {"fr": "partiellement admis", "nl": "gedeeltelijk aanvaard"},
    "rejected": {"fr": "rejeté", "nl": "verworpen"},
}


def _rule_text(line: BudgetLine, rule: str | None, lang: str) -> str | None:
    if rule is None:
        return None
    percent = line.max_share_of_direct if rule == "share_of_direct" else None
    text = _RULE[rule][lang]
    return text.format(percent=format_percent(percent, lang)) if percent is not None else text


def settlement_context(
    letter: Mapping[str, Any],
    *,
    settlement_date: dt.date,
    award_cents: int,
    claimed_cents: int,
    admitted_cents: int,
    paid_cents: int,
    balance_cents: int,
    planned_last_cents: int | None,
    recovery_due: dt.date | None,
    lines: Sequence[tuple[BudgetLine, int, int, int, str | None]],
    refused: Sequence[tuple[str, str, str, int, int, str, str, str | None]],
) -> dict[str, Any]:
    """The context of a project's settlement letter: every key of ``letter`` (a letter's
    context in the settlement's language, its ``date`` the settlement's) and what the
    settlement says.

    ``lines`` are the call's budget lines, each with what was claimed, what the reviews
    admit and what is admitted after its rule (and that rule's code: ``cap``,
    ``planned`` or ``share_of_direct``); ``refused`` the expenses not admitted in full:
    (budget line's label, supplier, invoice number, claimed, admitted, decision, reason's
    sentence in the letter's language, comment). ``planned_last_cents`` is what the tranche that
    carries the last payment would have paid.
    """

    lang = str(letter["lang"])
    balance_kind = "payment" if balance_cents > 0 else "recovery" if balance_cents < 0 else "none"
    last = max(balance_cents, 0)
    recovery = max(-balance_cents, 0)
    lines_admitted = sum(admitted for _, _, _, admitted, _ in lines)
    context = dict(letter)
    context["kind"] = SETTLEMENT
    context.update(
        {
            "settlement_date": settlement_date.isoformat(),
            "settlement_date_text": format_date(settlement_date, lang),
            "award_cents": award_cents,
            "award_figures": format_amount(award_cents, lang),
            "claimed_cents": claimed_cents,
            "claimed_figures": format_amount(claimed_cents, lang),
            "admitted_cents": admitted_cents,
            "admitted_figures": format_amount(admitted_cents, lang),
            "admitted_words": amount_in_words(admitted_cents, lang),
            "award_cut": lines_admitted > admitted_cents,
            "paid_cents": paid_cents,
            "paid_figures": format_amount(paid_cents, lang),
            "balance_kind": balance_kind,
            "last_payment_cents": last,
            "last_payment_figures": format_amount(last, lang),
            "last_payment_words": amount_in_words(last, lang),
            "planned_last_figures": format_amount(planned_last_cents, lang)
            if planned_last_cents is not None
            else None,
            "recovery_cents": recovery,
            "recovery_figures": format_amount(recovery, lang),
            "recovery_words": amount_in_words(recovery, lang),
            "recovery_due_date": recovery_due.isoformat() if recovery_due else None,
            "recovery_due_date_text": format_date(recovery_due, lang) if recovery_due else None,
            "settlement_lines": [
                {
                    "key": line.key,
                    "label": line.label[lang],
                    "claimed_figures": format_amount(claimed, lang),
                    "reviewed_figures": format_amount(reviewed, lang),
                    "admitted_figures": format_amount(admitted, lang),
                    "rule_text": _rule_text(line, rule, lang) or "",
                }
                for line, claimed, reviewed, admitted, rule in lines
            ],
            "refused_expenses": [
                {
                    "budget_line": label,
                    "supplier": supplier,
                    "invoice_number": number,
                    "claimed_figures": format_amount(claimed, lang),
                    "admitted_figures": format_amount(admitted, lang),
                    "decision_text": _REVIEW_DECISION[decision][lang],
                    "reason_text": reason,
                    "comment": comment,
                }
                for label, supplier, number, claimed, admitted, decision, reason, comment in refused
            ],
        }
    )
    return context
