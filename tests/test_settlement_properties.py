"""Property tests of the settlement: whatever the expenses, their review, the call's
rules by line and the payments, the money adds up to the cent."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from slrbcall.calls.definition import load_call
from slrbcall.followup import Payment, Project
from slrbcall.followup.justification import Decision, Expense, Review
from slrbcall.followup.schedule import schedule
from slrbcall.followup.settlement import plan_settlement, settlement_json
from slrbcall.model import BudgetLine, Call

from .conftest import SHIPPED_CALLS

CALL = load_call(SHIPPED_CALLS / "empowerment-2023.yaml").call
START = dt.date(2024, 1, 1)
ON = dt.date(2025, 4, 15)


@st.composite
def calls(draw: st.DrawFn) -> Call:
    """The shipped call, its lines' caps and shares drawn anew."""
    lines = []
    for line in CALL.budget_lines:
        cap = draw(st.sampled_from(["none", "cents", "percent"]))
        lines.append(
            BudgetLine(
                key=line.key,
                label=line.label,
                cap_cents=draw(st.integers(0, 3_000_000)) if cap == "cents" else None,
                cap_percent=Decimal(draw(st.integers(0, 1000))) / 10 if cap == "percent" else None,
                max_share_of_direct=Decimal(draw(st.integers(0, 300))) / 10
                if line.key == "overheads"
                else None,
            )
        )
    return replace(CALL, budget_lines=tuple(lines))


@st.composite
def cases(draw: st.DrawFn) -> tuple[Call, Project, list[Expense], list[Review], list[Payment]]:
    call = draw(calls())
    award = draw(st.integers(1, 10_000_000))
    project = Project(
        reference="P",
        title="P",
        applicant_name="A",
        theme=None,
        language="fr",
        award_cents=award,
        start=START,
        end=dt.date(2024, 12, 31),
        duration_months=12,
        residents_targeted=None,
    )
    payments = []
    for tranche in schedule(call, project):
        paid = draw(st.integers(0, tranche.amount_cents))
        if paid:
            payments.append(Payment("P", tranche.number, START, paid))
    expenses, reviews = [], []
    for number in range(draw(st.integers(0, 12))):
        claimed = draw(st.integers(1, 5_000_000))
        expense = Expense(
            reference="P",
            budget_line=draw(st.sampled_from([b.key for b in call.budget_lines])),
            supplier=f"Supplier {number % 3}",
            invoice_number=f"F-{number}",
            invoice_date=START,
            paid_on=START,
            amount_cents=claimed + draw(st.integers(0, 100_000)),
            claimed_cents=claimed,
        )
        expenses.append(expense)
        decision = draw(st.sampled_from(list(Decision)))
        if decision is Decision.PARTLY_ADMITTED and claimed < 2:
            decision = Decision.ADMITTED
        admitted = {
            Decision.ADMITTED: claimed,
            Decision.REJECTED: 0,
            Decision.PARTLY_ADMITTED: draw(st.integers(1, max(1, claimed - 1))),
        }[decision]
        reason = "justified" if decision is Decision.ADMITTED else "partly_eligible"
        reviews.append(Review("P", expense.identity, 1, decision, admitted, reason))
    return call, project, expenses, reviews, payments


@given(cases())
def test_the_money_adds_up_to_the_cent(
    case: tuple[Call, Project, list[Expense], list[Review], list[Payment]],
) -> None:
    call, project, expenses, reviews, payments = case
    plan = plan_settlement(
        call, project, expenses=expenses, reviews=reviews, payments=payments, on=ON
    )
    s = plan.settlement
    for line in s.lines:
        assert 0 <= line.admitted_cents <= line.reviewed_cents <= line.claimed_cents
    direct = sum(
        x.admitted_cents for x, b in zip(s.lines, call.budget_lines, strict=True) if b.direct
    )
    for line, rule in zip(s.lines, call.budget_lines, strict=True):
        if rule.max_share_of_direct is not None:
            assert line.admitted_cents * 100 <= direct * rule.max_share_of_direct
    assert s.admitted_cents <= s.award_cents == project.award_cents
    assert s.admitted_cents <= s.claimed_cents
    paid = sum(p.amount_cents for p in payments)
    assert s.paid_cents == paid
    assert paid + s.balance_cents == min(s.admitted_by_lines_cents, project.award_cents)
    assert (s.recovery_cents > 0) == (paid > s.admitted_cents) == (s.recovery_due is not None)
    assert s.last_payment_cents + s.recovery_cents == abs(s.balance_cents)
    if not plan.errors:
        assert sum(s.tranche_cents) == paid + s.last_payment_cents
        assert len(s.tranche_cents) == len(call.tranches)


@given(cases(), st.randoms(use_true_random=False))
def test_shuffled_rows_give_byte_identical_json(
    case: tuple[Call, Project, list[Expense], list[Review], list[Payment]],
    random: object,
) -> None:
    call, project, expenses, reviews, payments = case
    first = plan_settlement(
        call, project, expenses=expenses, reviews=reviews, payments=payments, on=ON
    )
    shuffled = [list(expenses), list(reviews), list(payments)]
    for items in shuffled:
        random.shuffle(items)  # type: ignore[attr-defined]
    again = plan_settlement(
        call,
        project,
        expenses=shuffled[0],  # type: ignore[arg-type]
        reviews=shuffled[1],  # type: ignore[arg-type]
        payments=shuffled[2],  # type: ignore[arg-type]
        on=ON,
    )
    assert (
        json.dumps(settlement_json(first.settlement)).encode()
        == json.dumps(settlement_json(again.settlement)).encode()
    )
    assert first.errors == again.errors


def test_each_rule_names_the_line_it_cut() -> None:
    """The shipped call: communication at most 10 % of the award, overheads at most 10 %
    of the admitted direct costs, both rounded down to the cent."""
    from slrbcall.followup.settlement import CAP, SHARE_OF_DIRECT, LineFigures, line_figures

    reviewed = {
        "personnel": 20_000_01,
        "material": 3_000_00,
        "communication": 5_000_00,
        "overheads": 4_000_00,
    }
    lines = line_figures(CALL, award_cents=45_000_00, claimed=reviewed, reviewed=reviewed)
    assert lines == (
        LineFigures("personnel", 20_000_01, 20_000_01, 20_000_01),
        LineFigures("activities", 0, 0, 0),
        LineFigures("material", 3_000_00, 3_000_00, 3_000_00),
        LineFigures("communication", 5_000_00, 5_000_00, 4_500_00, CAP),
        # 10 % of 27,500.01 is 2,750.001: rounded down
        LineFigures("overheads", 4_000_00, 4_000_00, 2_750_00, SHARE_OF_DIRECT),
    )
