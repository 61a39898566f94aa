"""A decision, once adopted, changes only by a recorded act (proposals and adoption)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from slrbcall.store import Workspace
from slrbcall.store.migrations import (
    CORRECTIONS_AMENDMENTS_MIGRATION,
    FOLLOWUP_MIGRATION,
    RESERVE_MIGRATION,
)

from .conftest import INTEGRITY, Invoke, raw
from .schema import undo, undo_after

pytestmark = pytest.mark.both_backends

CALL = ("--call", "empowerment-2023")


@pytest.fixture
def decided(demo_db: Path) -> Path:
    """The demo's workspace: run 2 (run 1 with EMP23-07's withdrawal and EMP23-01 funded
    from the reserve) adopted, conventions signed, tranches paid."""
    return demo_db


def adopted(cli: Invoke, db: Path) -> int | None:
    runs = json.loads(cli("--db", db, "allocations", "list", "--json").stdout)
    found = [r["run"] for r in runs if r["adopted"]]
    assert len(found) <= 1
    return found[0] if found else None


def paid(cli: Invoke, db: Path, today: str = "2025-03-10") -> dict[str, str]:
    view = json.loads(cli("--db", db, "payments", "--today", today, "--json").stdout)
    return {p["reference"]: p["paid"] for p in view["projects"]}


def test_a_second_allocate_is_a_proposal_and_changes_no_decision(
    cli: Invoke, decided: Path
) -> None:
    """Case 2 of the issue: 'allocate --budget 100000' (a zero missing) became the
    adopted allocation, two signed, paid projects dropped out and payments showed 0."""
    before = paid(cli, decided)
    assert before["EMP23-03"] == "36000.00"
    result = cli("--db", decided, *CALL, "allocate", "--budget", "100000")
    assert result.exit_code == 0, result
    assert "Stored as proposal run 3; the adopted decision is unchanged." in result.stdout
    assert "Adopt it with 'slrbcall allocations adopt 3'." in result.stdout
    assert adopted(cli, decided) == 2
    assert paid(cli, decided) == before
    shown = json.loads(cli("--db", decided, "allocations", "show", "--json").stdout)
    assert shown["run"] == 2
    assert shown["total_awarded"] == "247500.00"
    explained = cli("--db", decided, "explain", "EMP23-03")
    assert "EMP23-03 in allocation run 2" in explained.stdout


def test_adopting_a_run_that_changes_committed_projects_is_refused(
    cli: Invoke, decided: Path
) -> None:
    assert cli("--db", decided, *CALL, "allocate", "--budget", "100000").exit_code == 0
    result = cli("--db", decided, "allocations", "adopt", "3")
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert message.startswith(
        "Error: run 2 is the decision in force; run 3 would change 4 of its committed "
        "projects: EMP23-01 (signed and € 28,000.00 paid: € 35,000.00 -> € 0.00); "
    ), message
    assert message.endswith(". Pass --supersede --reason TEXT to replace the decision all the same")
    assert adopted(cli, decided) == 2


def test_supersede_needs_a_reason(cli: Invoke, decided: Path) -> None:
    assert cli("--db", decided, *CALL, "allocate", "--budget", "100000").exit_code == 0
    result = cli("--db", decided, "allocations", "adopt", "3", "--supersede")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: --supersede needs --reason TEXT: say why the decision is replaced"
    )


def test_supersede_never_lowers_an_award_on_which_money_was_paid(
    cli: Invoke, decided: Path
) -> None:
    assert cli("--db", decided, *CALL, "allocate", "--budget", "100000").exit_code == 0
    result = cli(
        "--db", decided, "allocations", "adopt", "3", "--supersede", "--reason", "budget cut"
    )
    assert result.exit_code == 1
    assert "run 3 would lower or remove awards on which money was paid: EMP23-01" in (result.stderr)
    assert result.stderr.strip().endswith("Such an award changes only by an amendment")
    assert adopted(cli, decided) == 2
    assert paid(cli, decided)["EMP23-01"] == "28000.00"


def test_supersede_with_a_reason_is_recorded_and_audited(
    copy_of: Callable[..., Any], cli: Invoke, scored_db: Path, tmp_path: Path
) -> None:
    """A run that raises the committed projects' awards may supersede, with a reason."""
    db = copy_of(scored_db)
    assert cli("--db", db, *CALL, "allocate", "--budget", "255000").exit_code == 0
    assert cli("--db", db, "allocations", "adopt", "1").exit_code == 0
    signed = cli(
        "--db", db, "followup", "record", "EMP23-13", "--milestone", "signature",
        "--date", "2023-12-15", "--today", "2023-12-16",
    )  # fmt: skip
    assert signed.exit_code != 0  # EMP23-13 is not funded in run 1: nothing to sign
    assert cli(
        "--db", db, "followup", "record", "EMP23-09", "--milestone", "signature",
        "--date", "2023-12-15", "--today", "2023-12-16",
    ).exit_code == 0  # fmt: skip
    # A larger budget funds EMP23-09 as before, and more projects besides.
    assert cli("--db", db, *CALL, "allocate", "--budget", "330000").exit_code == 0
    same = cli("--db", db, "allocations", "adopt", "2", "--json")
    assert same.exit_code == 0, same
    assert json.loads(same.stdout)["changed"] == []
    # Run 3 drops EMP23-09 (signed, not paid): only with --supersede --reason.
    assert cli("--db", db, *CALL, "allocate", "--budget", "20000").exit_code == 0
    refused = cli("--db", db, "allocations", "adopt", "3")
    assert refused.exit_code == 1
    done = cli(
        "--db", db, "allocations", "adopt", "3", "--supersede", "--reason", "board decision 12/2"
    )
    assert done.exit_code == 0, done
    assert "Run 3 is now the adopted decision of empowerment-2023, replacing run 2." in (
        done.stdout
    )
    assert "Changed: EMP23-09 (signed: € 52,000.00 -> € 0.00)." in done.stdout
    runs = json.loads(cli("--db", db, "allocations", "list", "--json").stdout)
    assert [r["adopted"] for r in runs] == [False, False, True]
    assert runs[2]["adoptions"] == [
        {"at": runs[2]["adoptions"][0]["at"], "reason": "board decision 12/2", "superseded_run": 2}
    ]
    with Workspace.open(db, create=False) as ws:
        rows = [r for r in ws.audit_rows() if r.entity == "allocation_adoption"]
    assert [(r.after or {})["run"] for r in rows] == [1, 2, 3]
    assert (rows[-1].after or {})["changed"] == ["EMP23-09"]


def test_adopting_the_adopted_run_again_is_refused(cli: Invoke, decided: Path) -> None:
    result = cli("--db", decided, "allocations", "adopt", "2")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: run 2 is already the adopted decision of empowerment-2023"
    )


def test_documents_wait_for_an_adoption(
    copy_of: Callable[..., Any], cli: Invoke, scored_db: Path, tmp_path: Path
) -> None:
    db = copy_of(scored_db)
    assert cli("--db", db, *CALL, "allocate").exit_code == 0
    result = cli("--db", db, "render-conventions", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: no allocation of empowerment-2023 is adopted yet (proposals: 1): adopt one "
        "with 'slrbcall allocations adopt 1'"
    )
    assert not (tmp_path / "out").exists()


def test_the_workspace_refuses_to_rewrite_or_delete_a_decision(decided: Path) -> None:
    conn = raw(decided)
    for sql in (
        "DELETE FROM allocation_adoption",
        "UPDATE allocation_adoption SET run_id = run_id",
        "DELETE FROM allocation_run",
        "DELETE FROM allocation_decision",
        "UPDATE allocation_decision SET amount_cents = amount_cents + 100000000",
    ):
        with pytest.raises(INTEGRITY, match="kept as they were"):
            conn.execute(sql)
    conn.close()


@pytest.mark.sqlite_only
def test_a_workspace_made_before_adoptions_counts_its_last_run_as_adopted(
    copy_of: Callable[..., Any], cli: Invoke, scored_db: Path, tmp_path: Path
) -> None:
    """Migration 7: the last run of each call was its decision; it is recorded so."""
    db = copy_of(scored_db)
    assert cli("--db", db, *CALL, "allocate").exit_code == 0
    assert cli("--db", db, *CALL, "allocate", "--budget", "200000").exit_code == 0
    # Taken back to how schema 6 kept it: no adoption, the last run decided.
    conn = sqlite3.connect(db)
    conn.executescript(undo_after(RESERVE_MIGRATION))
    conn.executescript(undo(CORRECTIONS_AMENDMENTS_MIGRATION, keep=("payment_within_award",)))
    conn.executescript(
        "DROP TABLE allocation_reserve; DROP TABLE withdrawal;"
        " DROP TRIGGER payment_not_after_withdrawal;"
        " DROP TRIGGER allocation_adoption_no_delete; DELETE FROM allocation_adoption;"
        " DROP VIEW adopted_run; DROP TRIGGER payment_within_award;"
        " DROP TRIGGER allocation_run_kept; DROP TRIGGER allocation_decision_frozen;"
        " DROP TRIGGER allocation_decision_kept; DROP TRIGGER allocation_adoption_no_update;"
        " DROP TRIGGER allocation_adoption_own_call; DROP TABLE allocation_adoption;"
        " ALTER TABLE audit DROP COLUMN actor; ALTER TABLE audit DROP COLUMN reason;"
        " PRAGMA user_version = 6;"
    )
    old_trigger = next(sql for sql in FOLLOWUP_MIGRATION if "payment_within_award" in sql)
    conn.executescript(old_trigger + ";")
    conn.close()
    runs = json.loads(cli("--db", db, "allocations", "list", "--json").stdout)
    assert [(r["run"], r["adopted"]) for r in runs] == [(1, False), (2, True)]
    assert runs[1]["adoptions"][0]["reason"] == "the last run before adoptions were recorded"


def test_the_first_tranche_is_paid_at_signature_before_the_start(
    copy_of: Callable[..., Any], cli: Invoke, scored_db: Path, tmp_path: Path
) -> None:
    """Case 4 of the issue: signed 15 Dec, paid 22 Dec, the project starts on 1 Jan."""
    db = copy_of(scored_db)
    assert cli("--db", db, *CALL, "allocate").exit_code == 0
    assert cli("--db", db, "allocations", "adopt", "1").exit_code == 0
    signed = cli(
        "--db", db, "followup", "record", "EMP23-03", "--milestone", "signature",
        "--date", "2023-12-15", "--today", "2023-12-23",
    )  # fmt: skip
    assert signed.exit_code == 0, signed
    paid = cli(
        "--db", db, "payments", "record", "EMP23-03", "--tranche", "1",
        "--date", "2023-12-22", "--today", "2023-12-23", "--json",
    )  # fmt: skip
    assert paid.exit_code == 0, paid
    assert json.loads(paid.stdout)["amount"] == "22500.00"


def test_no_run_is_adopted_that_awards_less_than_an_amended_paid_award(
    cli: Invoke, decided: Path
) -> None:
    """An amendment raised EMP23-03 to € 49,000 and all of it was paid: a new run that
    gives it its first € 45,000 is refused with a line, never by the workspace's trigger."""
    amended = cli(
        "--db", decided, "amend", "EMP23-03", "--amount", "49000", "--reason", "a second site",
        "--date", "2025-03-10",
    )  # fmt: skip
    assert amended.exit_code == 0, amended
    paid_all = cli(
        "--db", decided, "payments", "record", "EMP23-03", "--tranche", "3", "--date",
        "2025-03-10", "--today", "2025-03-10", "--force", "--reason", "final report late",
    )  # fmt: skip
    assert paid_all.exit_code == 0, paid_all
    assert cli("--db", decided, *CALL, "allocate").exit_code == 0
    result = cli("--db", decided, "allocations", "adopt", "3", "--supersede", "--reason", "x")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: run 3 would award less than was paid to: EMP23-03 (€ 45,000.00 in run 3,"
        " € 49,000.00 paid). An award is never below what was paid: propose a run that"
        " keeps these awards\n"
    )
    assert adopted(cli, decided) == 2
