"""A full sample context of each kind of document, for ``slrbcall templates check``.

Every key present, realistic values from the shipped Empowerment call and registry,
and text that tries the templates: ``&`` and ``<`` in a title, a partial award, a
summary in the other language, scores per criterion and a funding line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from slrbcall.calls.definition import load_call, load_registry
from slrbcall.documents.context import (
    AMENDMENT,
    SETTLEMENT,
    amendment_context,
    document_context,
    settlement_context,
)
from slrbcall.model import Application, ApplicationStatus, Budget, Call, Lang, Reason
from slrbcall.resources import shipped_dir

__all__ = ["sample_context"]


def sample_context(kind: str, lang: str) -> dict[str, Any]:
    """A full context for checking templates: every key, realistic values, tricky text."""

    folder = shipped_dir("calls")
    call = load_call(folder / "empowerment-2023.yaml").call
    registry = load_registry(folder)
    refused = kind in ("letter-refusal", "letter-reserve")
    application = Application(
        reference="EMP23-09",
        applicant="logement-molenbeekois",
        applicant_name="Le Logement Molenbeekois",
        title="Mimosa 1080 & Co <pilote>",
        requested_cents=52_000_00,
        language=Lang.FR,
        partner="ASBL Maison des Familles",
        partner_enterprise_number="0403.170.701",
        partner_address="Rue de l'Exemple 1, 1080 Molenbeek-Saint-Jean",
        partner_iban="BE68539007547034",
        partner_representative="Prénom Nom, présidente",
        theme="single-parenthood",
        theme_text="Monoparentalité",
        duration_months=12,
        start_date=dt.date(2024, 1, 1),
        received_date=dt.date(2023, 9, 29),
        residents_targeted=40,
        contact_name="Prénom Nom",
        contact_email="projet.09@example.org",
        summary="Un lieu pour les mères seules de Molenbeek.",
        status=ApplicationStatus.ELIGIBLE,
        reasons=() if not refused else (Reason("amount_above_maximum", ""),),
    )
    # The award letter of a partial grant: it says the amount awarded, and why.
    partial = kind == "letter-award"
    line: dict[str, Any] = {
        "reference": "EMP23-09",
        "rank": 7 if refused or partial else 1,
        "score": "70.0500" if refused or partial else "91.0500",
        "requested": "52000.00",
        "amount": "0.00" if refused else "4000.00" if partial else "52000.00",
        "decision": "not_funded" if refused else "funded_partial" if partial else "funded_full",
        "reason": "does_not_fit" if refused else "partial_remainder" if partial else "funded",
        "remaining_before": "4000.00" if refused or partial else "255000.00",
        "facts": {"rank": 7 if refused or partial else 1, "ranked": 15},
    }
    criteria = {
        "empowerment": Decimal("72.5"),
        "partnership": Decimal("70"),
        "participation": Decimal("65"),
        "feasibility": Decimal("75"),
        "sustainability": Decimal("67.5"),
    }
    context = document_context(
        kind,
        call=call,
        registry=registry,
        application=application,
        line=line,
        budget_cents=call.budget_cents,
        lang=lang,
        date={AMENDMENT: dt.date(2024, 9, 2), SETTLEMENT: dt.date(2025, 4, 15)}.get(
            kind, dt.date(2023, 12, 15)
        ),
        reserve=(1, 9) if kind == "letter-reserve" else None,
        criteria=criteria,
        funding_line=Decimal("79.7500"),
        # A planned budget that asks exactly the request: costs less co-financing.
        budget=Budget(
            lines=(
                ("personnel", 28_000_00),
                ("activities", 12_500_00),
                ("material", 6_200_00),
                ("communication", 5_200_00),
                ("overheads", 4_100_00),
            ),
            co_financing=(("own-funds", 2_500_00), ("commune", 1_500_00)),
        ),
    )
    if kind == SETTLEMENT:
        return _sample_settlement(context, call)
    if kind != AMENDMENT:
        return context
    return amendment_context(
        context,
        number=1,
        convention_date=dt.date(2023, 12, 15),
        decision_date=dt.date(2023, 12, 5),
        previous_amount_cents=52_000_00,
        amount_cents=60_000_00,
        previous_end=dt.date(2024, 12, 31),
        end=dt.date(2025, 3, 31),
        previous_tranche_cents=(26_000_00, 15_600_00, 10_400_00),
        tranche_cents=(26_000_00, 20_400_00, 13_600_00),
        paid_tranches=(1,),
        paid_cents=26_000_00,
        reason="Extension of the workshops to a second building <B> & its garden.",
    )


def _sample_settlement(letter: Mapping[str, Any], call: Call) -> dict[str, Any]:
    """A settlement with a recovery, a capped line and refused expenses with tricky text."""
    lang = str(letter["lang"])
    reviewed = {"personnel": 24_000_00, "activities": 9_000_00, "communication": 6_000_00}
    admitted = {"communication": 5_200_00}
    lines = [
        (
            line,
            reviewed.get(line.key, 0) + (1_500_00 if line.key == "activities" else 0),
            reviewed.get(line.key, 0),
            admitted.get(line.key, reviewed.get(line.key, 0)),
            "cap" if line.key in admitted else None,
        )
        for line in call.budget_lines
    ]
    return settlement_context(
        letter,
        settlement_date=dt.date(2025, 4, 15),
        award_cents=52_000_00,
        claimed_cents=40_500_00,
        admitted_cents=38_200_00,
        paid_cents=41_600_00,
        balance_cents=-3_400_00,
        planned_last_cents=10_400_00,
        recovery_due=dt.date(2025, 5, 15),
        lines=lines,
        refused=[
            (
                call.budget_lines[1].label[lang],
                "Traiteur <Chez Léa> & fils",
                "T-889",
                1_500_00,
                0,
                "rejected",
                "La dépense ne sert pas l'objet du projet."
                if lang == "fr"
                else "De uitgave dient niet het voorwerp van het project.",
                "Repas d'équipe & verre de l'amitié",
            )
        ],
    )
