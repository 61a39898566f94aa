"""The settlement of a funded project (décompte final / eindafrekening). Pure.

Once its expenses are reviewed, a project is settled in cents:

1. **by line**: what the reviews admit on each budget line, capped by the line's
   ``cap`` (an amount, or a share of the award, rounded down to the cent) and, when the
   application gave a budget by line (which its convention makes binding), by the
   amount planned on the line; then each indirect line (``max_share_of_direct``) at
   most that share of the admitted direct lines, rounded down to the cent;
2. **by the award**: the admitted total is at most the project's award (as amended);
3. **the balance** is the admitted total less what was paid. A positive balance is
   the last payment: it goes on the last unpaid tranche, instead of the amount planned,
   and the other unpaid tranches are cancelled. A negative balance is a recovery, due
   ``recovery_days`` after the settlement.

Invariants (property-tested): on every line, admitted <= reviewed <= claimed; the
admitted total <= the award; ``paid + balance == min(admitted by line, award)`` to the
cent; there is a recovery exactly when more was paid than admitted; the tranches after
the settlement add up to what was paid plus the last payment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from slrbcall.followup.justification import Expense, Review
from slrbcall.followup.model import Payment, Project
from slrbcall.followup.schedule import schedule
from slrbcall.i18n import N_, _, ngettext
from slrbcall.money import format_eur, format_plain, percent_of

if TYPE_CHECKING:
    from slrbcall.model import Budget, BudgetLine, Call

__all__ = [
    "PLANNED",
    "RULE_LABELS",
    "LineFigures",
    "Settlement",
    "SettlementPlan",
    "line_figures",
    "plan_settlement",
    "settled",
    "settlement_json",
]

#: The rule that cut a line: its own cap, the amount the convention's budget planned on
#: it, or its share of the direct costs.
CAP = "cap"
PLANNED = "planned"
SHARE_OF_DIRECT = "share_of_direct"
#: The rules as the officer reads them (stored and in JSON: the codes).
RULE_LABELS = {CAP: N_("cap"), PLANNED: N_("planned"), SHARE_OF_DIRECT: N_("share_of_direct")}


@dataclass(frozen=True, slots=True)
class LineFigures:
    """One budget line of a settlement: claimed, admitted by the reviews, and admitted
    after the line's rules (``rule`` names the rule that cut it, if one did)."""

    key: str
    claimed_cents: int
    reviewed_cents: int
    admitted_cents: int
    rule: str | None = None


def _capped(
    line: BudgetLine, reviewed: int, award_cents: int, planned: int | None
) -> tuple[int, str | None]:
    """What is admitted on ``line`` before the share of the direct costs, and the rule
    that cut it: the call's cap first, then the amount planned (``None``: no budget)."""
    caps = []
    if line.cap_cents is not None:
        caps.append(line.cap_cents)
    if line.cap_percent is not None:
        caps.append(percent_of(award_cents, line.cap_percent))
    admitted, rule = reviewed, None
    if caps and min(caps) < admitted:
        admitted, rule = min(caps), CAP
    if planned is not None and planned < admitted:
        admitted, rule = planned, PLANNED
    return admitted, rule


def line_figures(
    call: Call,
    *,
    award_cents: int,
    claimed: Mapping[str, int],
    reviewed: Mapping[str, int],
    planned: Mapping[str, int] | None = None,
) -> tuple[LineFigures, ...]:
    """Each budget line of the call, in its order, with what is ``claimed`` and
    ``reviewed`` on it (by line key) and what is admitted after its cap, the amount
    ``planned`` on it by the project's budget (when it has one: a line it does not name
    is planned at nothing) and, for an indirect line, its share of the admitted direct
    lines."""
    figures: dict[str, LineFigures] = {}
    for line in call.budget_lines:
        admitted, rule = _capped(
            line,
            reviewed.get(line.key, 0),
            award_cents,
            None if planned is None else planned.get(line.key, 0),
        )
        figures[line.key] = LineFigures(
            line.key, claimed.get(line.key, 0), reviewed.get(line.key, 0), admitted, rule
        )
    direct = sum(figures[line.key].admitted_cents for line in call.budget_lines if line.direct)
    for line in call.budget_lines:
        if line.max_share_of_direct is None:
            continue
        most = percent_of(direct, line.max_share_of_direct)
        if figures[line.key].admitted_cents > most:
            figures[line.key] = replace(
                figures[line.key], admitted_cents=most, rule=SHARE_OF_DIRECT
            )
    return tuple(figures[line.key] for line in call.budget_lines)


@dataclass(frozen=True, slots=True)
class Settlement:
    """A project's settlement on ``on``. ``admitted_cents`` is the admitted total after
    the lines' rules and the award; ``balance_cents = admitted_cents - paid_cents``;
    ``tranche_cents`` every tranche after it (paid ones as paid, the balance on
    ``last_tranche``, the others 0); ``recovery_due`` is set exactly when the balance is
    negative."""

    reference: str
    on: dt.date
    award_cents: int
    claimed_cents: int
    paid_cents: int
    lines: tuple[LineFigures, ...]
    admitted_cents: int
    balance_cents: int
    tranche_cents: tuple[int, ...]
    planned_cents: tuple[int, ...]
    last_tranche: int | None
    recovery_due: dt.date | None

    @property
    def admitted_by_lines_cents(self) -> int:
        return sum(line.admitted_cents for line in self.lines)

    @property
    def award_cut_cents(self) -> int:
        """What the award took off the lines' admitted total."""
        return self.admitted_by_lines_cents - self.admitted_cents

    @property
    def last_payment_cents(self) -> int:
        return max(self.balance_cents, 0)

    @property
    def recovery_cents(self) -> int:
        return max(-self.balance_cents, 0)


@dataclass(frozen=True, slots=True)
class SettlementPlan:
    """The settlement, and why it may not be made yet (``errors``)."""

    settlement: Settlement
    errors: tuple[str, ...]


def plan_settlement(
    call: Call,
    project: Project,
    *,
    expenses: Iterable[Expense],
    reviews: Iterable[Review],
    payments: Iterable[Payment],
    on: dt.date,
    budget: Budget | None = None,
) -> SettlementPlan:
    """The settlement of ``project`` on ``on`` from its expenses in force, their reviews
    in force and its payments as they stand (reversed ones at 0), by the rules of the
    module docstring; ``budget`` is its planned budget by line, if it has one. Refused:
    an expense not reviewed (its review must be of the version in force); a last
    payment with no unpaid tranche left to carry it."""

    ref = project.reference
    mine = [e for e in expenses if e.reference == ref]
    decided = {r.identity: r for r in reviews if r.reference == ref}
    claimed: dict[str, int] = {}
    reviewed: dict[str, int] = {}
    waiting = []
    for expense in mine:
        claimed[expense.budget_line] = claimed.get(expense.budget_line, 0) + expense.claimed_cents
        review = decided.get(expense.identity)
        if review is None or review.version != expense.version:
            waiting.append(expense.named())
            continue
        reviewed[expense.budget_line] = reviewed.get(expense.budget_line, 0) + review.admitted_cents
    lines = line_figures(
        call,
        award_cents=project.award_cents,
        claimed=claimed,
        reviewed=reviewed,
        planned=None if budget is None else dict(budget.lines),
    )
    admitted = min(sum(line.admitted_cents for line in lines), project.award_cents)
    plan = schedule(call, project)
    paid = {p.tranche: p.amount_cents for p in payments if p.reference == ref}
    paid_cents = sum(paid.values())
    balance = admitted - paid_cents
    unpaid = [t.number for t in plan if not paid.get(t.number)]
    last = unpaid[-1] if unpaid and balance > 0 else None
    tranches = tuple(paid.get(t.number, 0) or (balance if t.number == last else 0) for t in plan)
    errors = []
    if waiting:
        listed = ", ".join(sorted(waiting)[:5]) + (", ..." if len(waiting) > 5 else "")
        errors.append(
            ngettext(
                "{count} expense of {ref} is not reviewed yet ({expenses}): review them first "
                "('slrbcall justification review -o FILE')",
                "{count} expenses of {ref} are not reviewed yet ({expenses}): review them first "
                "('slrbcall justification review -o FILE')",
                len(waiting),
            ).format(count=len(waiting), ref=ref, expenses=listed)
        )
    if balance > 0 and last is None:
        errors.append(
            _(
                "every tranche of {ref} is paid, and {balance} is still due: no tranche is left "
                "to carry the last payment (correct the last payment first)"
            ).format(ref=ref, balance=format_eur(balance))
        )
    due = on + dt.timedelta(days=call.justification.recovery_days) if balance < 0 else None
    return SettlementPlan(
        Settlement(
            reference=ref,
            on=on,
            award_cents=project.award_cents,
            claimed_cents=sum(claimed.values()),
            paid_cents=paid_cents,
            lines=lines,
            admitted_cents=admitted,
            balance_cents=balance,
            tranche_cents=tranches,
            planned_cents=tuple(t.amount_cents for t in plan),
            last_tranche=last,
            recovery_due=due,
        ),
        tuple(errors),
    )


def settled(
    project: Project, *, admitted_cents: int, paid_cents: int, tranche_cents: tuple[int, ...]
) -> Project:
    """``project`` as its settlement leaves it: its tranches are the settlement's, and
    it may be paid no more than admitted (or than was paid, when that is more)."""
    return replace(
        project,
        award_cents=max(admitted_cents, paid_cents),
        decided_cents=project.decided,
        tranche_cents=tranche_cents,
    )


def settlement_json(settlement: Settlement) -> dict[str, Any]:
    """The settlement as JSON-ready data in a fixed key order, money as plain decimal
    strings (a balance is signed)."""
    return {
        "reference": settlement.reference,
        "date": settlement.on.isoformat(),
        "award": format_plain(settlement.award_cents),
        "claimed": format_plain(settlement.claimed_cents),
        "lines": [
            {
                "line": line.key,
                "claimed": format_plain(line.claimed_cents),
                "reviewed": format_plain(line.reviewed_cents),
                "admitted": format_plain(line.admitted_cents),
                "rule": line.rule,
            }
            for line in settlement.lines
        ],
        "admitted_by_lines": format_plain(settlement.admitted_by_lines_cents),
        "admitted": format_plain(settlement.admitted_cents),
        "paid": format_plain(settlement.paid_cents),
        "balance": format_plain(settlement.balance_cents),
        "last_payment": format_plain(settlement.last_payment_cents),
        "last_tranche": settlement.last_tranche,
        "recovery": format_plain(settlement.recovery_cents),
        "recovery_due": settlement.recovery_due.isoformat() if settlement.recovery_due else None,
        "tranches": [
            {"number": number, "planned": format_plain(planned), "amount": format_plain(cents)}
            for number, (planned, cents) in enumerate(
                zip(settlement.planned_cents, settlement.tranche_cents, strict=True), start=1
            )
        ],
    }
