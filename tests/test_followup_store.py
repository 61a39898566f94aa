"""The follow-up tables hold their rules on their own: STRICT, CHECKs, the award cap."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from slrbcall.errors import GuardRefusedError
from slrbcall.settings import Settings
from slrbcall.store import MIGRATIONS, Workspace
from slrbcall.store.followup import (
    FOLLOWUP_MIGRATION,
    StoredMilestone,
    StoredPayment,
)

from .conftest import REPO, Built

pytestmark = pytest.mark.both_backends


@pytest.fixture(scope="module")
def funded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from slrbcall.demo import run_demo

    out = tmp_path_factory.mktemp("funded") / "demo"
    return run_demo(Settings(calls_dir=REPO / "calls"), out=out, followup=False).db_path


@pytest.fixture
def db(
    funded_db: Path,
    built: Built,
    backend: str,
    copy_of: Callable[..., Any],
    request: pytest.FixtureRequest,
) -> Path | str:
    return copy_of(built.serve(funded_db, backend, request))  # type: ignore[no-any-return]


def test_the_workspace_migrations_hold_the_follow_up_once() -> None:
    assert MIGRATIONS.count(FOLLOWUP_MIGRATION) == 1


@pytest.mark.sqlite_only
def test_the_tables_are_strict(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "ws.db", migrations=MIGRATIONS) as ws:
        assert ws.schema_version == len(MIGRATIONS)
    with sqlite3.connect(tmp_path / "ws.db") as conn:
        strict = dict(conn.execute("SELECT name, strict FROM pragma_table_list").fetchall())
    for table in ("followup_milestone", "payment", "monitoring_report"):
        assert strict[table] == 1


def payment(tranche: int, cents: int, **changes: object) -> StoredPayment:
    values: dict[str, object] = {
        "reference": "EMP23-12",
        "tranche": tranche,
        "paid_on": "2024-01-15",
        "amount_cents": cents,
        "forced": False,
        "reason": None,
        "note": None,
        "source": "test",
    }
    values.update(changes)
    return StoredPayment(**values)  # type: ignore[arg-type]


def test_the_schema_never_lets_payments_exceed_the_award(db: Path) -> None:
    with Workspace.open(db, create=False, migrations=MIGRATIONS) as ws:
        with ws.write(command="test") as tx:
            tx.add_payment("empowerment-2023", payment(1, 20_000_00))
        with (
            pytest.raises(GuardRefusedError, match="may never exceed its award"),
            ws.write(command="test") as tx,
        ):
            tx.add_payment("empowerment-2023", payment(2, 10_000_01))
        assert [p.amount_cents for p in ws.payments("empowerment-2023")] == [20_000_00]


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("UPDATE payment SET amount_cents = 1", "payments are kept as they were recorded"),
        ("DELETE FROM payment", "payments are kept as they were recorded"),
    ],
    ids=["update", "delete"],
)
def test_payments_are_never_changed(db: Path, statement: str, message: str) -> None:
    with Workspace.open(db, create=False, migrations=MIGRATIONS) as ws:
        with ws.write(command="test") as tx:
            tx.add_payment("empowerment-2023", payment(1, 15_000_00))
        with pytest.raises(GuardRefusedError, match=message), ws.write(command="t") as tx:
            tx.execute(statement)


@pytest.mark.parametrize(
    "bad",
    [
        payment(1, 100, forced=True, reason=None),
        payment(1, 100, forced=True, reason="  "),
        payment(1, 0),
        payment(0, 100),
        payment(1, 100, paid_on="2024-13-01"),
        payment(1, 100, reference="EMP23-99"),
    ],
    ids=["forced-without-reason", "blank-reason", "zero", "tranche-0", "no-such-month", "unknown"],
)
def test_checks_refuse_bad_payments(db: Path, bad: StoredPayment) -> None:
    with (
        Workspace.open(db, create=False, migrations=MIGRATIONS) as ws,
        pytest.raises(GuardRefusedError, match="the workspace refused this change"),
        ws.write(command="test") as tx,
    ):
        tx.add_payment("empowerment-2023", bad)


def test_a_milestone_key_is_canonical(db: Path) -> None:
    with (
        Workspace.open(db, create=False, migrations=MIGRATIONS) as ws,
        pytest.raises(GuardRefusedError, match="a constraint of its tables"),
        ws.write(command="test") as tx,
    ):
        tx.add_milestone(
            "empowerment-2023", StoredMilestone("EMP23-03", "Final-Report", "2025-01-31")
        )


def test_a_monitoring_count_is_never_negative(db: Path) -> None:
    with (
        Workspace.open(db, create=False, migrations=MIGRATIONS) as ws,
        pytest.raises(GuardRefusedError, match="a constraint of its tables"),
        ws.write(command="test") as tx,
    ):
        tx.execute(
            "INSERT INTO monitoring_report (call_id, reference, report_date,"
            " residents_involved, deliverable_kinds_json, source_file, source_place,"
            " created_at, updated_at) VALUES ('empowerment-2023', 'EMP23-03', '2024-06-30',"
            " -1, '[]', 'f', 'p', 'now', 'now')"
        )
