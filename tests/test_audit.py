"""The audit trail as hash chains: verified, read, and an edited row found."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from slrbcall.store import Workspace
from slrbcall.store.backend import label_of
from slrbcall.store.chain import GENESIS, first_break
from slrbcall.store.migrations import FOUR_EYES_MIGRATION

from .conftest import REPO, Invoke
from .schema import undo_after

CALL = "empowerment-2023"

pytestmark = pytest.mark.both_backends


def tamper(db: Path | str, sql: str) -> None:
    """Change the audit by hand, as someone with the file and sqlite3 (or the server's
    owner) would: the append-only guards set aside, the change made, the guards put
    back as they were."""
    if isinstance(db, str):
        import psycopg

        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute("SET search_path = slrbcall")
            conn.execute("ALTER TABLE audit DISABLE TRIGGER USER")
            conn.execute(sql)
            conn.execute("ALTER TABLE audit ENABLE TRIGGER USER")
        return
    conn = sqlite3.connect(db)
    triggers = conn.execute(
        "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'audit'"
    ).fetchall()
    conn.executescript(
        "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"
        + sql
        + ";"
        + ";".join(t[0] for t in triggers)
        + ";"
    )
    conn.close()


def test_the_demo_s_trail_holds(cli: Invoke, demo_db: Path) -> None:
    result = cli("--db", demo_db, "audit", "verify", "--json")
    assert result.exit_code == 0, result
    found = json.loads(result.stdout)
    assert found["holds"] is True
    assert found["rows"] > 40
    assert [c["chain"] for c in found["chains"]] == [CALL]
    shown = cli("--db", demo_db, "audit", "verify")
    assert shown.stdout.startswith(
        f"The audit trail of {label_of(demo_db)} holds: {found['rows']} rows"
    )


def test_an_edited_row_in_a_copied_workspace_is_found(
    cli: Invoke, demo_db: Path, copy_of: Callable[..., Any]
) -> None:
    copy = copy_of(demo_db)
    tamper(copy, "UPDATE audit SET actor = 'someone else' WHERE id = 7")
    assert cli("--db", copy, "doctor").exit_code in (0, 5)  # doctor's exit is the machine's
    result = cli("--db", copy, "audit", "verify")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: the audit trail of {label_of(copy)} does not hold: audit row 7 (the chain of "
        f"{CALL}): its content is not what was recorded (it was changed). Restore the "
        "workspace's last copy, and keep this one for the inquiry"
    )
    doctor = json.loads(cli("--db", copy, "doctor", "--json").stdout)
    check = next(c for c in doctor if c["check"] == "audit trail")
    assert check["ok"] is False
    assert check["detail"].startswith("audit row 7 ")
    assert cli("--db", demo_db, "audit", "verify").exit_code == 0  # the original holds


def test_a_removed_row_is_found_at_the_row_after_it(cli: Invoke, demo_db: Path) -> None:
    tamper(demo_db, "DELETE FROM audit WHERE id = 12")
    result = cli("--db", demo_db, "audit", "verify")
    assert result.exit_code == 1
    assert (
        f"audit row 13 (the chain of {CALL}): it does not follow row 11: a row before it "
        "was removed or added" in result.stderr
    )


def test_no_command_writes_after_an_edited_last_row(cli: Invoke, demo_db: Path) -> None:
    tamper(demo_db, "UPDATE audit SET reason = 'x' WHERE id = (SELECT max(id) FROM audit)")
    result = cli("--db", demo_db, "withdraw", "EMP23-01", "--date", "2024-12-02", "--reason", "r")
    assert result.exit_code == 1
    assert "was changed outside slrbcall, so nothing is written" in result.stderr


def test_the_intake_s_rows_join_the_chain(cli: Invoke, db: Path) -> None:
    assert cli("--db", db, "intake", REPO / "examples" / "applications.xlsx").exit_code == 0
    assert cli("--db", db, "score", REPO / "examples" / "scores.xlsx").exit_code == 0
    with Workspace.open(db, create=False) as ws:
        assert ws.verify_audit() is None
        rows = ws.audit_rows()
    assert [r.entity for r in rows[:2]] == ["call", "application"]
    assert {r.chain for r in rows} == {CALL}
    assert len({r.row_sha256 for r in rows}) == len(rows)


def test_show_filters_by_reference_and_actor(cli: Invoke, demo_db: Path) -> None:
    rows = json.loads(cli("--db", demo_db, "audit", "show", "--ref", "EMP23-07", "--json").stdout)
    assert {r["key"].split("/")[1] for r in rows} == {"EMP23-07"}
    assert rows[0]["entity"] == "application"
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    nobody = cli("--db", demo_db, "audit", "show", "--actor", "nobody", "--json")
    assert json.loads(nobody.stdout) == []
    last = json.loads(cli("--db", demo_db, "audit", "show", "--last", "3", "--json").stdout)
    assert len(last) == 3
    assert last[-1]["id"] == max(r["id"] for r in last)
    table = cli("--db", demo_db, "audit", "show", "--ref", "EMP23-07")
    assert "insert application" in table.stdout


@pytest.mark.sqlite_only
def test_the_migration_chains_the_rows_made_before(demo_db: Path) -> None:
    with Workspace.open(demo_db, create=False) as ws:
        before = [(r.id, r.command, r.entity, r.row_sha256) for r in ws.audit_rows()]
    conn = sqlite3.connect(demo_db)
    conn.executescript(undo_after(FOUR_EYES_MIGRATION))
    conn.close()
    with Workspace.open(demo_db, create=False) as ws:
        assert ws.verify_audit() is None
        after = [(r.id, r.command, r.entity, r.row_sha256) for r in ws.audit_rows()]
    assert after == before  # the same rows give the same digests


@pytest.mark.parametrize(
    ("rows", "found"),
    [
        ([], None),
        ([(1, "a", "x", "y"), (2, "a", "x", "z")], None),
        ([(1, "a", "x", "y"), (2, "b", "x", "z"), (3, "a", "x", "w")], None),
    ],
    ids=["empty", "one-chain", "two-chains"],
)
@pytest.mark.sqlite_only
def test_first_break_of_sound_chains(rows: list[tuple[object, ...]], found: None) -> None:
    from slrbcall.store.chain import HASHED, digest

    heads: dict[str, str] = {}
    full = []
    for row_id, chain, command, reason in rows:
        fields = [
            row_id,
            chain,
            "t",
            command,
            "event",
            "e",
            None,
            None,
            None,
            None,
            None,
            "v",
            None,
            reason,
        ]
        assert len(fields) == len(HASHED)
        prev = heads.get(chain, GENESIS)
        heads[chain] = digest(fields, prev)
        full.append((*fields, prev, heads[chain]))
    assert first_break(full) is found


def test_every_kind_of_row_joins_its_call_s_chain(
    cli: Invoke, demo_run: Any, demo_db: Path | str, tmp_path: Path
) -> None:
    """Whatever a command records (applications taken in, documents issued, drafts and
    notifications, corrections, an amendment, expenses and their review, settlements, a
    recovery), its audit row is in its call's chain, and a row edited by hand is found."""
    from slrbcall.demo import run_settlement_demo
    from slrbcall.settings import Settings

    def run(*args: str | Path) -> None:
        done = cli("--db", demo_db, "--calls-dir", demo_run.out_dir / "calls", *args)
        assert done.exit_code == 0, done

    run("render-letters", "--out", tmp_path / "outbox", "--date", "2024-01-15")
    run("notify", "--out", tmp_path / "drafts", "--date", "2024-01-16", "--only", "EMP23-09")
    run(
        "notified", "EMP23-09", "--on", "2024-01-16", "--channel", "registered",
        "--reason", "receipt 123", "--today", "2024-01-20",
    )  # fmt: skip
    run(
        "payments", "correct", "EMP23-09", "--tranche", "1", "--amount", "25000",
        "--reason", "typed 26000 for 25000", "--today", "2024-02-01",
    )  # fmt: skip
    run(
        "followup", "correct", "EMP23-09", "--milestone", "signature", "--date", "2023-12-16",
        "--reason", "signed a day later", "--today", "2024-02-01",
    )  # fmt: skip
    run("amend", "EMP23-09", "--amount", "50000", "--reason", "a workshop fewer")
    run_settlement_demo(Settings(db=demo_db), out=tmp_path / "settlements")
    run("recovery", "record", "EMP23-05", "--amount", "2000", "--date", "2025-05-02")
    assert cli("--db", demo_db, "audit", "verify").exit_code == 0
    with Workspace.open(demo_db, create=False) as ws:
        rows = ws.audit_rows()
    assert {r.chain for r in rows} == {CALL}
    assert {(r.entity_key or CALL).split("/")[0] for r in rows} == {CALL}
    last = {r.entity: r.id for r in rows}
    kinds = {
        "application",
        "document",
        "notification_draft",
        "notification",
        "payment_correction",
        "milestone_correction",
        "amendment",
        "expense",
        "expense_review",
        "settlement",
        "recovery",
    }
    assert kinds <= set(last)
    # The latest first: each edited row is then the first one that does not hold.
    for row_id in sorted((last[kind] for kind in kinds), reverse=True):
        tamper(demo_db, f"UPDATE audit SET after_json = '{{}}' WHERE id = {row_id}")
        result = cli("--db", demo_db, "audit", "verify")
        assert result.exit_code == 1
        assert f"audit row {row_id} (the chain of {CALL})" in result.stderr
