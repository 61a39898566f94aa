"""Property tests of the reallocation: a notified award never changes, the released
money is never exceeded, every new award is within the grant range."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slrbcall.allocation.engine import (
    AllocationOptions,
    Candidate,
    Withdrawn,
    allocate,
    options_from_json,
    reallocate,
    reserve_of,
)
from slrbcall.model import PartialPolicy, Policy

from .test_allocation_properties import cases, needs_highspy


def cents(plain: str) -> int:
    return int(Decimal(plain) * 100)


@st.composite
def reallocations(draw: st.DrawFn, policy: Policy | None = None) -> tuple[object, ...]:
    """A decision, some withdrawals (each paid part of its award), and the reserve's terms."""
    candidates, options = draw(cases(max_size=10))
    decision = allocate(candidates, options).to_json()
    lines = decision["lines"]
    refs = [line["reference"] for line in lines]
    chosen = draw(st.lists(st.sampled_from(refs), unique=True, max_size=4)) if refs else []
    withdrawals = {}
    for ref in chosen:
        award = cents(next(x for x in lines if x["reference"] == ref)["amount"])
        paid = draw(st.sampled_from([0, award // 2, award, draw(st.integers(0, award))]))
        withdrawals[ref] = Withdrawn(on="2024-03-01", reason="test", paid_cents=paid)
    terms = {
        "policy": policy or draw(st.sampled_from([Policy.GREEDY, Policy.STRICT])),
        "partial": draw(st.sampled_from(PartialPolicy)),
    }
    return candidates, options, decision, withdrawals, terms


def check(decision: dict, withdrawals: dict, terms: dict) -> None:  # type: ignore[type-arg]
    lines = decision["lines"]
    reserve = [ref for ref, _ in reserve_of(lines, withdrawals)]
    options = dataclasses.replace(options_from_json(decision["options"]), **terms)
    result = reallocate(lines, run_id=1, options=options, reserve=reserve, withdrawals=withdrawals)
    after = {line["reference"]: line for line in result.lines}
    assert list(after) == [line["reference"] for line in lines]
    for line in lines:
        ref = line["reference"]
        if ref in withdrawals:
            # A withdrawn project keeps what was paid to it, and nothing more.
            assert cents(after[ref]["amount"]) == withdrawals[ref].paid_cents
            assert after[ref]["reason"] == "withdrawn"
        elif ref in reserve:
            assert line["amount"] == "0.00"
        else:
            # Every other line, every notified award with it, is carried as it was.
            assert after[ref] == line
    free = options.budget_cents - sum(
        cents(after[ref]["amount"]) for ref in after if ref not in reserve
    )
    assert free == result.free_cents == result.released_cents + result.unspent_cents
    assert result.released_cents == sum(
        cents(next(x for x in lines if x["reference"] == ref)["amount"]) - w.paid_cents
        for ref, w in withdrawals.items()
    )
    given_out = sum(cents(after[ref]["amount"]) for ref in reserve)
    assert given_out == result.awarded_cents <= free
    assert result.total_awarded_cents <= options.budget_cents
    assert result.total_awarded_cents + result.remainder_cents == options.budget_cents
    top = options.grant_max_cents
    for ref in reserve:
        amount, request = cents(after[ref]["amount"]), cents(after[ref]["requested"])
        if amount:
            assert options.grant_min_cents <= amount <= min(request, top)
            assert (after[ref]["decision"] == "funded_full") == (amount == request)
            assert after[ref]["reason"] in ("reserve_funded", "reserve_partial")
        else:
            assert after[ref]["decision"] == "not_funded"
    assert sum(1 for ref in reserve if after[ref]["reason"] == "reserve_partial") <= 1
    json.dumps(result.to_json())  # plain JSON values


@given(reallocations())
@settings(max_examples=150)
def test_a_reallocation_keeps_every_notified_award_and_the_released_budget(
    case: tuple[object, ...],
) -> None:
    _, _, decision, withdrawals, terms = case
    check(decision, withdrawals, terms)  # type: ignore[arg-type]


@needs_highspy
@given(reallocations(policy=Policy.MAX_SCORE))
@settings(max_examples=40)
def test_under_max_score_too(case: tuple[object, ...]) -> None:
    _, _, decision, withdrawals, terms = case
    check(decision, withdrawals, terms)  # type: ignore[arg-type]


def test_a_reserve_is_in_rank_order_without_the_threshold_and_the_withdrawn() -> None:
    lines = [
        {"reference": "A", "rank": 2, "decision": "not_funded", "reason": "does_not_fit"},
        {"reference": "B", "rank": 1, "decision": "funded_full", "reason": "funded"},
        {"reference": "C", "rank": 4, "decision": "not_funded", "reason": "below_threshold"},
        {"reference": "D", "rank": 3, "decision": "not_funded", "reason": "org_cap"},
        {"reference": "E", "rank": None, "decision": "ineligible", "reason": "ineligible"},
        {"reference": "F", "rank": 5, "decision": "not_funded", "reason": "below_line"},
    ]
    assert reserve_of(lines, {"F"}) == [("A", 2), ("D", 3)]


def test_a_paid_amount_above_the_award_is_a_bug() -> None:
    candidates = [Candidate("A", "org", None, 2_000_000, Decimal(90))]
    options = AllocationOptions(2_000_000, 1_000_000, 6_500_000)
    lines = allocate(candidates, options).to_json()["lines"]
    with pytest.raises(ValueError, match="paid of an award"):
        reallocate(
            lines,
            run_id=1,
            options=options,
            reserve=[],
            withdrawals={"A": Withdrawn("2024-03-01", "x", paid_cents=2_000_001)},
        )


def test_the_caps_of_the_decision_still_hold() -> None:
    """With one project per organisation, a reserve project of an organisation that is
    funded already stays unfunded, unless that organisation's project withdrew."""
    candidates = [
        Candidate("A", "org-a", None, 3_000_000, Decimal(90)),
        Candidate("B", "org-a", None, 2_000_000, Decimal(80)),
        Candidate("C", "org-b", None, 3_000_000, Decimal(70)),
        Candidate("D", "org-c", None, 2_000_000, Decimal(60)),
    ]
    options = AllocationOptions(6_000_000, 1_000_000, 6_500_000, org_cap=1)
    lines = allocate(candidates, options).to_json()["lines"]
    assert [x["amount"] for x in lines] == ["30000.00", "0.00", "30000.00", "0.00"]
    quit_c = {"C": Withdrawn("2024-03-01", "x")}
    reserve = [ref for ref, _ in reserve_of(lines, quit_c)]
    done = reallocate(lines, run_id=1, options=options, reserve=reserve, withdrawals=quit_c)
    assert [line.reference for line in done.funded] == ["D"]  # B: org-a has its project
    quit_a = {"A": Withdrawn("2024-03-01", "x")}
    reserve = [ref for ref, _ in reserve_of(lines, quit_a)]
    done = reallocate(lines, run_id=1, options=options, reserve=reserve, withdrawals=quit_a)
    assert [line.reference for line in done.funded] == ["B"]
