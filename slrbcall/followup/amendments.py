"""Amendments to a convention (avenant / aanhangsel): what one would change, and whether
it may. Pure.

An amendment sets a project's award (the most it may be paid from then on), its end
date, or how its unpaid tranches split the award. It never touches what was paid:

* **paid tranches stay as paid**: a tranche with a payment keeps the amount paid on it;
* **the rest is spread over the unpaid tranches**: the award minus what was paid, by the
  call's percentages of those tranches renormalised, or by the shares given (one per
  unpaid tranche), in cents by largest remainder, so that the tranches add up exactly to
  the award;
* **never below what was paid**, never above the budget of the adopted decision (with
  the other projects' awards), and never an amendment that changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from slrbcall.followup.model import Payment, Project
from slrbcall.followup.schedule import schedule
from slrbcall.i18n import _, format_day
from slrbcall.money import format_eur, split_largest_remainder

if TYPE_CHECKING:
    from slrbcall.model import Call

__all__ = ["AmendmentPlan", "plan_amendment"]


@dataclass(frozen=True, slots=True)
class AmendmentPlan:
    """What an amendment would set, and why it may not (``errors``, empty when it may).

    Invariant (without errors): ``sum(tranche_cents) == amount_cents`` and every paid
    tranche keeps the amount paid on it.
    """

    amount_cents: int
    end: dt.date | None
    tranche_cents: tuple[int, ...]
    paid_cents: int
    paid_tranches: tuple[int, ...]
    errors: tuple[str, ...]


def plan_amendment(
    call: Call,
    project: Project,
    *,
    payments: Iterable[Payment],
    amount_cents: int | None = None,
    end: dt.date | None = None,
    shares: Sequence[Decimal] | None = None,
    budget_cents: int,
    others_cents: int,
) -> AmendmentPlan:
    """The amendment of ``project`` (as it stands, amended or not) to ``amount_cents``
    (default: its award), ``end`` (default: its end) and ``shares`` of the unpaid
    tranches (default: the call's percentages of them, renormalised; the tranches stay
    as they are when neither the amount nor the shares change).

    ``payments`` are the payments as they stand (reversed ones count for nothing);
    ``others_cents`` the awards of the call's other funded projects, which with this
    one may not pass ``budget_cents``.
    """

    ref = project.reference
    plan = schedule(call, project)
    paid = {
        p.tranche: p.amount_cents
        for p in payments
        if p.reference == ref and p.amount_cents > 0 and 1 <= p.tranche <= len(plan)
    }
    paid_total = sum(p.amount_cents for p in payments if p.reference == ref)
    amount = project.award_cents if amount_cents is None else amount_cents
    errors: list[str] = []
    if amount < paid_total:
        errors.append(
            _(
                "{amount} is below the {paid} already paid: an amendment never brings an award "
                "below what was paid"
            ).format(amount=format_eur(amount), paid=format_eur(paid_total))
        )
    if amount + others_cents > budget_cents:
        errors.append(
            _(
                "{amount} would bring the awards of {call} to {total}, above the budget of the "
                "adopted decision ({budget})"
            ).format(
                amount=format_eur(amount),
                call=call.id,
                total=format_eur(amount + others_cents),
                budget=format_eur(budget_cents),
            )
        )
    if end is not None:
        if project.start is None:
            errors.append(_("the project has no start date, so its end date cannot be amended"))
        elif end <= project.start:
            errors.append(
                _("the end date {end} is not after the project's start ({start})").format(
                    end=format_day(end), start=format_day(project.start)
                )
            )
    unpaid = [t.number for t in plan if t.number not in paid]
    tranches = tuple(t.amount_cents for t in plan)
    if amount_cents is not None or shares is not None:
        left = max(0, amount - sum(paid.values()))
        if shares is not None and len(shares) != len(unpaid):
            errors.append(
                _(
                    "--tranches gives one share per unpaid tranche: {count} ({which}), not {given}"
                ).format(
                    count=len(unpaid),
                    which=_numbers(unpaid) if unpaid else _("every tranche is paid"),
                    given=len(shares),
                )
            )
        elif not unpaid and left > 0:
            errors.append(
                _(
                    "every tranche of {ref} is paid: no tranche is left to pay the {left} the "
                    "amendment adds"
                ).format(ref=ref, left=format_eur(left))
            )
        elif unpaid:
            weights = (
                list(shares)
                if shares is not None
                else [call.tranches[n - 1].percent for n in unpaid]
            )
            spread = iter(split_largest_remainder(left, weights))
            tranches = tuple(paid[t.number] if t.number in paid else next(spread) for t in plan)
    new_end = end if end is not None else project.end
    if not errors and (amount, new_end, tranches) == (
        project.award_cents,
        project.end,
        tuple(t.amount_cents for t in plan),
    ):
        errors.append(
            _(
                "the amendment changes nothing: the award is {amount}, the end date {end}, and "
                "the tranches stay as they are"
            ).format(
                amount=format_eur(amount),
                end=format_day(new_end) if new_end else _("unknown"),
            )
        )
    return AmendmentPlan(
        amount_cents=amount,
        end=new_end,
        tranche_cents=tranches,
        paid_cents=paid_total,
        paid_tranches=tuple(sorted(paid)),
        errors=tuple(errors),
    )


def _numbers(numbers: Sequence[int]) -> str:
    """``tranche 3``, ``tranches 2 and 3``, ``tranches 1, 2 and 3``."""
    text = [str(n) for n in numbers]
    if len(text) == 1:
        return _("tranche {number}").format(number=text[0])
    return _("tranches {numbers} and {last}").format(numbers=", ".join(text[:-1]), last=text[-1])
