"""Property: no sequence of payments, corrections and amendments leaves a project's award
ceiling below what it was paid, and the totals always equal the sum of the history's
entries, to the cent.

Each example runs its steps through the use cases on a copy of the signed workspace
(the example's adopted run, every convention signed). A step may be refused (a rule
says no); it is never let through to the workspace's own triggers, which would raise
an ``sqlite3.IntegrityError`` instead of a refusal.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slrbcall.errors import RefusedError
from slrbcall.followup import schedule
from slrbcall.followup.service.amendments import amend
from slrbcall.followup.service.corrections import correct_payment, payment_history
from slrbcall.followup.service.payments import record_payment
from slrbcall.followup.service.state import followup_state
from slrbcall.settings import Settings
from slrbcall.store import Workspace

from .conftest import REPO

TODAY = dt.date(2025, 3, 10)
# Two projects: EMP23-03 (award € 45,000) and EMP23-12 (€ 30,000); € 4,000 of the
# budget is left, so amendments may raise an award a little.
REFERENCES = ("EMP23-03", "EMP23-12")
AMOUNTS = st.one_of(
    st.sampled_from(
        [0, 1, 4_800_00, 9_000_00, 13_500_00, 15_000_00, 22_500_00, 30_000_01, 45_000_01]
    ),
    st.integers(min_value=0, max_value=50_000_00),
)
SHARES = st.sampled_from(
    [
        None,
        (Decimal(100),),
        (Decimal(60), Decimal(40)),
        (Decimal(0), Decimal(50), Decimal(50)),
        (Decimal(50), Decimal(30), Decimal(20)),
    ]
)

STEPS = st.one_of(
    st.tuples(
        st.just("pay"),
        st.sampled_from(REFERENCES),
        st.integers(1, 2),
        st.one_of(st.none(), AMOUNTS.filter(lambda cents: cents > 0)),
    ),
    st.tuples(st.just("correct"), st.sampled_from(REFERENCES), st.integers(1, 2), AMOUNTS),
    st.tuples(
        st.just("amend"),
        st.sampled_from(REFERENCES),
        st.one_of(st.none(), AMOUNTS.filter(lambda cents: cents > 0)),
        SHARES,
    ),
)


def apply(settings_: Settings, step: tuple[Any, ...]) -> None:
    kind, reference = step[0], step[1]
    if kind == "pay":
        record_payment(
            settings_,
            reference,
            tranche=step[2],
            paid_on=dt.date(2024, 7, 15),
            today=TODAY,
            amount_cents=step[3],
            force=True,
            reason="property",
        )
    elif kind == "correct":
        correct_payment(
            settings_, reference, tranche=step[2], amount_cents=step[3], reason="p", today=TODAY
        )
    else:
        amount, shares = step[2], step[3]
        if amount is None and shares is None:
            amount = 1
        amend(
            settings_,
            reference,
            reason="property",
            on=TODAY,
            amount_cents=amount,
            shares=shares,
        )


def check(settings_: Settings) -> None:
    state = followup_state(settings_)
    history = payment_history(settings_)
    with Workspace.open(settings_.db_location, create=False) as ws:
        ceilings = ws.award_ceilings(state.loaded.call.id)
    by_reference = {p.project.reference: p for p in history.projects}
    for project in state.projects:
        paid = sum(p.amount_cents for p in state.payments if p.reference == project.reference)
        assert ceilings[project.reference] == project.award_cents
        assert paid <= project.award_cents, project.reference
        assert by_reference[project.reference].paid_cents == paid
        assert sum(t.amount_cents for t in schedule(state.loaded.call, project)) == (
            project.award_cents
        )
        assert project.award_cents > 0
    assert history.paid_cents == sum(p.amount_cents for p in state.payments)
    assert sum(p.award_cents for p in state.projects) <= state.budget_cents


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("money") / "ws.db"


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEPS, min_size=2, max_size=8))
def test_no_sequence_leaves_a_ceiling_below_what_was_paid(
    signed_db: Path, scratch: Path, steps: list[tuple[Any, ...]]
) -> None:
    shutil.copy(signed_db, scratch)
    for suffix in ("-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    settings_ = Settings(db=scratch, calls_dir=REPO / "calls", call_id="empowerment-2023")
    for step in steps:
        with contextlib.suppress(RefusedError):  # a rule said no: nothing was stored
            apply(settings_, step)
        check(settings_)
