"""Property: whatever sequence of commands an officer runs over a decision's life
(payments, corrections, amendments, withdrawals, reallocations, new runs adopted with
--supersede), no paid award is ever lowered below what was paid, no ceiling falls below
what was paid, a reallocation never changes an award it did not give, the awards never
pass the budget, and the paid totals equal the sum of the history's entries to the cent.

Every step goes through the use cases, on a copy of the signed workspace; a refused
step (a rule said no) stores nothing and is never let through to the workspace's own
triggers, which would raise an ``sqlite3.IntegrityError`` instead of a refusal.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from slrbcall.allocation.reallocation import reallocate, withdraw
from slrbcall.allocation.service import adopt, allocate, decisions
from slrbcall.errors import RefusedError
from slrbcall.followup.service.amendments import amend
from slrbcall.followup.service.corrections import correct_payment, payment_history
from slrbcall.followup.service.payments import record_payment
from slrbcall.followup.service.state import followup_state
from slrbcall.model import PartialPolicy, Policy
from slrbcall.settings import Settings
from slrbcall.store import Workspace

from .conftest import REPO

TODAY = dt.date(2024, 6, 1)  # within the reserve's validity (30 June 2024)
FUNDED = ("EMP23-03", "EMP23-07", "EMP23-12")
AMOUNTS = st.sampled_from([1, 5_000_00, 13_500_00, 19_250_00, 22_500_00, 30_000_00, 49_000_00])

STEPS = st.one_of(
    st.tuples(st.just("pay"), st.sampled_from(FUNDED), st.integers(1, 2)),
    st.tuples(
        st.just("correct"),
        st.sampled_from(FUNDED),
        st.integers(1, 2),
        st.one_of(st.just(0), AMOUNTS),
    ),
    st.tuples(st.just("amend"), st.sampled_from(FUNDED), AMOUNTS),
    st.tuples(st.just("withdraw"), st.sampled_from(FUNDED)),
    st.tuples(
        st.just("reallocate"),
        st.sampled_from([Policy.GREEDY, Policy.STRICT, Policy.MAX_SCORE]),
        st.sampled_from([PartialPolicy.OFF, PartialPolicy.REMAINDER]),
    ),
    st.tuples(st.just("supersede"), st.sampled_from([100_000_00, 200_000_00, 300_000_00])),
)


def apply(at: Settings, step: tuple[Any, ...]) -> int | None:
    """Run one step; return the run a reallocation adopted, if any."""
    kind = step[0]
    if kind == "pay":
        record_payment(
            at,
            step[1],
            tranche=step[2],
            paid_on=dt.date(2024, 1, 15) if step[2] == 1 else dt.date(2024, 5, 15),
            today=TODAY,
            force=True,
            reason="property",
        )
    elif kind == "correct":
        correct_payment(at, step[1], tranche=step[2], amount_cents=step[3], reason="p", today=TODAY)
    elif kind == "amend":
        amend(at, step[1], reason="property", on=TODAY, amount_cents=step[2])
    elif kind == "withdraw":
        withdraw(at, step[1], on=dt.date(2024, 5, 31), reason="property", today=TODAY)
    elif kind == "reallocate":
        proposed = reallocate(at, today=TODAY, policy=step[1], partial=step[2])
        run_id = proposed.run_id
        assert run_id is not None
        adopt(at, run_id)
        return run_id
    else:
        proposed_run = allocate(at, budget_cents=step[1]).run_id
        assert proposed_run is not None
        adopt(at, proposed_run, supersede=True, reason="property")
    return None


def awards(at: Settings) -> dict[str, int]:
    found = decisions(at)
    run = next(r for r in found.runs if r.id == found.adopted_id)
    return {
        line["reference"]: round(float(line["amount"]) * 100)  # exact: two decimals
        for line in run.result["lines"]
    }


def check(at: Settings, before: dict[str, int], reallocated: bool) -> dict[str, int]:
    state = followup_state(at)
    history = payment_history(at)
    call_id = state.loaded.call.id
    with Workspace.open(at.db_location, create=False) as ws:
        ceilings = ws.award_ceilings(call_id)
    paid: dict[str, int] = {}
    for payment in state.payments:
        paid[payment.reference] = paid.get(payment.reference, 0) + payment.amount_cents
    now = awards(at)
    for reference, cents in paid.items():
        assert ceilings.get(reference, 0) >= cents, reference
        assert now.get(reference, 0) >= cents or ceilings.get(reference, 0) >= cents, reference
    assert history.paid_cents == sum(paid.values())
    for project in history.projects:
        assert project.paid_cents == paid.get(project.project.reference, 0)
    assert sum(now.values()) <= state.budget_cents
    if reallocated:
        withdrawn = set(decisions(at).standing.withdrawals)
        for reference, cents in before.items():
            if cents and reference not in withdrawn:
                assert now[reference] == cents, reference
    return now


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("decision") / "ws.db"


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(STEPS, min_size=2, max_size=7))
def test_no_sequence_of_commands_breaks_a_decisions_money(
    signed_db: Path, scratch: Path, steps: list[tuple[Any, ...]]
) -> None:
    shutil.copy(signed_db, scratch)
    for suffix in ("-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    at = Settings(db=scratch, calls_dir=REPO / "calls", call_id="empowerment-2023")
    before = awards(at)
    for step in steps:
        reallocated = False
        try:
            reallocated = apply(at, step) is not None
            event(f"{step[0]} done")
        except RefusedError:  # a rule said no: nothing was stored
            event(f"{step[0]} refused")
        before = check(at, before, reallocated)
