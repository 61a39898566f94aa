"""Decided data changed by hand, past the guards: ``slrbcall doctor`` names it (issue 20,
class 7). Each change is what ``sqlite3 slrbcall.db`` allows someone who drops a guard
trigger, changes a row and writes the trigger back exactly as it was, so that the check
of the guards alone finds nothing."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from slrbcall.doctor import _workspace_checks
from slrbcall.intake.merge import content_sha256, content_values, from_row
from slrbcall.store import AuditRow, Workspace
from slrbcall.store.migrations import APPLICATION_COLUMNS

from .conftest import Invoke


def past_the_guard(db: Path, trigger: str, *statements: str) -> None:
    """Run ``statements`` with ``trigger`` dropped, then write it back as it was."""
    with closing(sqlite3.connect(db)) as conn:
        (sql,) = conn.execute(
            "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?", (trigger,)
        ).fetchone()
        conn.executescript(
            f"BEGIN; DROP TRIGGER {trigger}; {'; '.join(statements)}; {sql}; COMMIT;"
        )


def by_hand(db: Path, *statements: str) -> None:
    with closing(sqlite3.connect(db)) as conn:  # foreign keys off, as in the sqlite3 shell
        conn.executescript(f"BEGIN; {'; '.join(statements)}; COMMIT;")


def contents(cli: Invoke, db: Path) -> dict[str, object]:
    result = cli("--db", db, "doctor", "--json")
    checks = {check["check"]: check for check in json.loads(result.stdout)}
    assert checks["workspace guards"]["ok"], checks["workspace guards"]
    return dict(checks["workspace contents"], exit=result.exit_code)


def rehashed(db: Path, reference: str, **changes: object) -> str:
    """``UPDATE`` of an application's fields with its content hash computed anew."""
    with closing(sqlite3.connect(db)) as conn:
        row = conn.execute(
            f"SELECT {', '.join(APPLICATION_COLUMNS)} FROM application WHERE reference = ?",
            (reference,),
        ).fetchone()
    fields = {**dict(zip(APPLICATION_COLUMNS, row, strict=True)), **changes}
    sets = ", ".join(f"{key} = {value!r}" for key, value in changes.items())
    digest = content_sha256(content_values(from_row(fields)))
    return f"UPDATE application SET {sets}, content_sha256 = '{digest}' WHERE reference = '{reference}'"


CHANGED = "changed outside slrbcall, with no audit row"
CASES = {
    "a title": (
        lambda db: by_hand(db, "UPDATE application SET title = 'X' WHERE reference = 'EMP23-03'"),
        "EMP23-03: its fields do not match the hash stored with them",
    ),
    "an amount requested": (
        lambda db: by_hand(
            db, "UPDATE application SET requested_cents = 1 WHERE reference = 'EMP23-12'"
        ),
        "EMP23-12: its fields do not match the hash stored with them",
    ),
    "a title, with its hash made anew": (
        lambda db: by_hand(db, rehashed(db, "EMP23-05", title="Autre chose")),
        "EMP23-05: its fields are not the ones its audit last recorded",
    ),
    "an award raised by a million": (
        lambda db: past_the_guard(
            db,
            "allocation_decision_frozen",
            "UPDATE allocation_decision SET amount_cents = amount_cents + 100000000"
            " WHERE reference = 'EMP23-09'",
        ),
        "run 1: the decision of EMP23-09 differs from the run's record; "
        "run 1: its total differs from its decisions",
    ),
    "a refusal turned into an award": (
        lambda db: past_the_guard(
            db,
            "allocation_decision_frozen",
            "UPDATE allocation_decision SET decision = 'funded_full', amount_cents = 6500000"
            " WHERE reference = 'EMP23-13'",
        ),
        "run 1: the decision of EMP23-13 differs from the run's record; "
        "run 1: its total differs from its decisions",
    ),
    "a decision deleted": (
        lambda db: past_the_guard(
            db,
            "allocation_decision_kept",
            "DELETE FROM allocation_decision WHERE reference = 'EMP23-07'",
        ),
        "run 1: the decision of EMP23-07 differs from the run's record; "
        "run 1: its total differs from its decisions",
    ),
    "the adopted run deleted": (
        lambda db: past_the_guard(
            db,
            "allocation_run_kept",
            "DELETE FROM allocation_run WHERE id = 1",
        ),
        "a row of allocation_adoption names a missing row of allocation_run",
    ),
    "a run's total changed": (
        lambda db: past_the_guard(
            db,
            "allocation_run_frozen",
            "UPDATE allocation_run SET awarded_cents = 1 WHERE id = 1",
        ),
        "run 1: its total differs from its decisions",
    ),
    "an application deleted, its marks left": (
        lambda db: by_hand(db, "DELETE FROM application WHERE reference = 'EMP23-15'"),
        "a row of mark names a missing row of application",
    ),
}


@pytest.mark.parametrize(("change", "found"), CASES.values(), ids=CASES.keys())
def test_doctor_names_a_change_made_by_hand(
    cli: Invoke, demo_db: Path, change: object, found: str
) -> None:
    change(demo_db)  # type: ignore[operator]
    check = contents(cli, demo_db)
    assert not check["ok"]
    assert found in str(check["detail"])
    assert str(check["hint"]).startswith(f"{CHANGED}: restore the last copy of the workspace")
    assert check["exit"] == 5


def test_an_adopted_run_without_decisions_is_named(cli: Invoke, demo_db: Path) -> None:
    past_the_guard(demo_db, "allocation_decision_kept", "DELETE FROM allocation_decision")
    assert "run 1 has no decision left" in str(contents(cli, demo_db)["detail"])


def test_changes_the_tool_made_are_not_tampering(
    cli: Invoke, demo_db: Path, make_xlsx: object, tmp_path: Path
) -> None:
    from .test_intake import HEADER, row

    # A changed title taken in again (audited), and a new application: all recorded.
    changed = make_xlsx([HEADER, row("N-01"), row("N-02", title="Un autre")])  # type: ignore[operator]
    assert cli("--db", demo_db, "--call", "empowerment-2023", "intake", changed).exit_code == 0
    again = make_xlsx([HEADER, row("N-01"), row("N-02", title="Un titre corrigé")])  # type: ignore[operator]
    assert cli("--db", demo_db, "--call", "empowerment-2023", "intake", again).exit_code == 0
    assert cli("--db", demo_db, "allocate").exit_code == 0
    check = contents(cli, demo_db)
    assert check["ok"], check
    assert check["detail"] == ("every application as its audit recorded it; every decision whole")


def test_the_demo_is_whole(cli: Invoke, demo_db: Path) -> None:
    check = contents(cli, demo_db)
    assert check["ok"], check


def test_doctor_reads_the_audit_once_whatever_the_number_of_calls(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workspace of ten years holds 200 calls and a million audit rows: doctor reads the
    audit's application rows in one pass for all the calls, never the whole audit once
    per call (which took a quarter of an hour there; bench/workspace.py builds one)."""
    reads: list[dict[str, object]] = []
    audit_trail, calls = Workspace.audit_trail, Workspace.calls

    def counted(self: Workspace, **options: object) -> list[AuditRow]:
        reads.append(options)
        return audit_trail(self, **options)  # type: ignore[arg-type]

    def whole_audit(self: Workspace, **options: object) -> list[AuditRow]:
        raise AssertionError("doctor read the whole audit")

    monkeypatch.setattr(Workspace, "audit_trail", counted)
    monkeypatch.setattr(Workspace, "audit_rows", whole_audit)
    monkeypatch.setattr(Workspace, "calls", lambda self: calls(self) * 3)
    checks = {check.name: check for check in _workspace_checks(demo_db)}
    assert checks["workspace contents"].ok, checks["workspace contents"]
    assert reads == [{"entity": "application"}]
