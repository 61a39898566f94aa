"""The workspace database: migrations, STRICT tables, audit triggers, transactions."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from slrbcall.errors import BusyError, InputFileError, RefusedError
from slrbcall.store import MIGRATIONS, Workspace

from .conftest import INTEGRITY

SHA = "a" * 64

pytestmark = pytest.mark.both_backends


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


@pytest.mark.sqlite_only
def test_new_workspace_is_migrated_strict_and_wal(db: Path) -> None:
    with Workspace.open(db) as ws:
        assert ws.schema_version == len(MIGRATIONS)
        # a large intake's transaction stays in memory until its commit
        assert ws._conn.execute("PRAGMA cache_size").fetchone()[0] <= -64 * 1024
    conn = raw(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    strict = conn.execute("SELECT name FROM pragma_table_list WHERE strict = 1").fetchall()
    assert {"audit", "call_snapshot", "workspace_call"} <= {row[0] for row in strict}


def test_every_audit_row_names_its_actor_and_reason(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLRBCALL_ACTOR", "a.dubois")
    with Workspace.open(db) as ws:
        with ws.write(command="test") as tx:
            tx.record_call("empowerment-2023", SHA, "calls/empowerment-2023.yaml", "id: x")
        with ws.write(command="fix", reason="the wrong amount was typed") as tx:
            tx.audit("event", "test", "k", after={"x": 1})
        with ws.write(command="other", actor="m.peeters") as tx:
            tx.audit("event", "test", "k")
        rows = ws.audit_rows()
    assert [(r.command, r.actor, r.reason) for r in rows] == [
        ("test", "a.dubois", None),
        ("fix", "a.dubois", "the wrong amount was typed"),
        ("other", "m.peeters", None),
    ]


@pytest.mark.sqlite_only
def test_audit_rows_written_before_actors_were_recorded_name_no_one(db: Path) -> None:
    with Workspace.open(db, migrations=MIGRATIONS[:7]) as ws:
        ws._conn.execute(
            "INSERT INTO audit (at, command, action, entity, tool_version)"
            " VALUES ('2025-01-01T00:00:00', 'intake', 'event', 'e', '0.1')"
        )
    with Workspace.open(db) as ws:
        (row,) = ws.audit_rows()
    assert (row.command, row.actor, row.reason) == ("intake", None, None)


def _old_record_call(conn: sqlite3.Connection) -> None:
    """A call recorded as a workspace of an older schema holds it (before actors)."""
    conn.execute(
        "INSERT INTO call_snapshot (call_id, sha256, source_path, content, recorded_at)"
        " VALUES ('empowerment-2023', ?, 'calls/empowerment-2023.yaml', 'id: x',"
        " '2024-01-01T00:00:00')",
        (SHA,),
    )
    conn.execute(
        "INSERT INTO workspace_call (call_id, snapshot_id, added_at)"
        " VALUES ('empowerment-2023', 1, '2024-01-01T00:00:00')"
    )
    conn.execute(
        "INSERT INTO audit (at, command, action, entity, entity_key, tool_version)"
        " VALUES ('2024-01-01T00:00:00', 'old', 'insert', 'call', 'empowerment-2023', '0.1')"
    )


@pytest.mark.sqlite_only
def test_a_database_made_by_migration_1_upgrades_cleanly(db: Path) -> None:
    with Workspace.open(db, migrations=MIGRATIONS[:1]) as ws:
        assert ws.schema_version == 1
    _old_record_call(raw(db))
    with Workspace.open(db) as ws:
        assert ws.schema_version == len(MIGRATIONS)
        assert [c.call_id for c in ws.calls()] == ["empowerment-2023"]
        assert [row.entity for row in ws.audit_rows()] == ["call"]
        assert ws.integrity() == "ok"


@pytest.mark.sqlite_only
def test_the_audit_rebuilt_by_migration_6_keeps_its_rows_triggers_and_check(db: Path) -> None:
    with Workspace.open(db, migrations=MIGRATIONS[:5]):
        pass
    conn = raw(db)
    _old_record_call(conn)
    conn.execute(
        "INSERT INTO audit (at, command, action, entity, entity_key, after_json, tool_version)"
        """ VALUES ('2024-01-01T00:00:00', 'old', 'event', 'test', 'k', '{"x": 1}', '0.1')"""
    )
    before = raw(db).execute("SELECT * FROM audit ORDER BY id").fetchall()
    with Workspace.open(db) as ws:
        assert ws.schema_version == len(MIGRATIONS) >= 6
        assert ws.integrity() == "ok"
    conn = raw(db)
    kept = conn.execute("SELECT * FROM audit ORDER BY id").fetchall()
    assert [row[: len(before[0])] for row in kept] == before  # migration 8 adds columns
    (table,) = conn.execute("SELECT sql FROM sqlite_schema WHERE name = 'audit'").fetchone()
    assert " IN (" not in table  # checked by comparisons, not a table built per row
    chained = f"'', '{'0' * 64}', '{'0' * 64}'"  # migration 12: chain, prev, own digest
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        conn.execute(
            "INSERT INTO audit (at, command, action, entity, tool_version, chain, prev_sha256,"
            f" row_sha256) VALUES ('t', 'c', 'forge', 'e', 'v', {chained})"
        )
    with pytest.raises(sqlite3.IntegrityError, match="audit rows are append-only"):
        conn.execute("DELETE FROM audit")
    with pytest.raises(sqlite3.IntegrityError, match="audit rows are append-only"):
        conn.execute("UPDATE audit SET command = 'forged'")
    conn.execute(
        "INSERT INTO audit (at, command, action, entity, tool_version, chain, prev_sha256,"
        f" row_sha256) VALUES ('t', 'c', 'event', 'e', 'v', {chained})"
    )
    assert conn.execute("SELECT max(id) FROM audit").fetchone()[0] == len(before) + 1


class _LockedAtFirst:
    """A connection whose switch to WAL is refused ``times`` times, as SQLite refuses
    it (at once, without its busy handler) while another process opens a new
    workspace."""

    def __init__(self, times: int) -> None:
        self.times = times
        self.tries = 0

    def execute(self, sql: str) -> sqlite3.Cursor:
        assert sql == "PRAGMA journal_mode = WAL"
        self.tries += 1
        if self.tries <= self.times:
            raise sqlite3.OperationalError("database is locked")
        return sqlite3.connect(":memory:").execute("SELECT 'wal'")


def test_the_switch_to_wal_is_tried_again_while_another_opens_the_workspace() -> None:
    from slrbcall.store.sqlite import journal_mode_wal as _journal_mode_wal

    conn = _LockedAtFirst(times=3)
    assert _journal_mode_wal(conn, timeout=5) == ("wal",)  # type: ignore[arg-type]
    assert conn.tries == 4
    always = _LockedAtFirst(times=10**6)
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        _journal_mode_wal(always, timeout=0.05)  # type: ignore[arg-type]
    assert always.tries > 1


@pytest.mark.sqlite_only
def test_a_newer_database_is_refused(db: Path) -> None:
    Workspace.open(db).close()
    raw(db).execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(RefusedError, match="was made by a newer slrbcall"):
        Workspace.open(db)


def test_audit_rows_cannot_be_changed_or_deleted(db: Path | str) -> None:
    with Workspace.open(db) as ws:
        with ws.write(command="test") as tx:
            tx.audit("event", "test", "k", after={"x": 1})
        for statement in ("UPDATE audit SET command = 'forged'", "DELETE FROM audit"):
            with pytest.raises(INTEGRITY, match="audit rows are append-only"):
                ws._conn.execute(statement)
        assert [r.command for r in ws.audit_rows()] == ["test"]


@pytest.mark.sqlite_only
def test_strict_tables_refuse_wrong_types(db: Path) -> None:
    Workspace.open(db).close()
    with pytest.raises(sqlite3.IntegrityError):
        raw(db).execute(
            "INSERT INTO call_snapshot (call_id, sha256, source_path, content, recorded_at)"
            " VALUES ('x', 'short', 'p', 'c', 't')"
        )


@pytest.mark.sqlite_only
def test_none_is_bound_as_null_and_sqlite3_is_left_as_python_has_it(db: Path) -> None:
    # Loading the store registers no adapter: sqlite3's adapters are process-wide.
    assert (type(None), sqlite3.PrepareProtocol) not in sqlite3.adapters
    with Workspace.open(db) as ws:
        row = ws._conn.execute("SELECT ? IS NULL, typeof(?2), ?3", (None, None, 0)).fetchone()
    assert row == (1, "null", 0)


def test_a_failed_write_leaves_nothing(db: Path) -> None:
    def write_then_fail(ws: Workspace) -> None:
        with ws.write(command="test") as tx:
            tx.record_call("empowerment-2023", SHA, "p", "c")
            raise RuntimeError("half-way")

    with Workspace.open(db) as ws:
        with pytest.raises(RuntimeError):
            write_then_fail(ws)
        assert ws.calls() == []
        assert ws.audit_rows() == []


def test_a_changed_definition_gets_a_new_snapshot(db: Path) -> None:
    with Workspace.open(db) as ws:
        with ws.write(command="one") as tx:
            tx.record_call("c", SHA, "p", "v1")
        with ws.write(command="two") as tx:
            tx.record_call("c", SHA, "p", "v1")  # the same content: nothing new
        with ws.write(command="three") as tx:
            tx.record_call("c", "b" * 64, "p", "v2")
        assert ws.calls()[0].sha256 == "b" * 64
        rows = ws.audit_rows()
        assert [(r.command, r.action) for r in rows] == [("one", "insert"), ("three", "update")]
        assert rows[1].before == {"sha256": SHA}


def test_a_second_writer_waits_then_reports_busy(db: Path) -> None:
    Workspace.open(db).close()
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with Workspace.open(db) as ws, ws.write(command="slow", call="c"):
            holding.set()
            release.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert holding.wait(5)
        with (
            Workspace.open(db, busy_timeout=0.1) as ws,
            pytest.raises(BusyError, match="the workspace is busy"),
            ws.write(command="second", call="c"),
        ):
            pass
    finally:
        release.set()
        thread.join()


@pytest.mark.sqlite_only
def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are notes, not a database " * 100, encoding="utf-8")
    with pytest.raises(InputFileError, match="is not a slrbcall workspace"):
        Workspace.open(path)


def test_no_workspace_is_not_created_for_reading(db: Path) -> None:
    with pytest.raises(RefusedError, match="no workspace at"):
        Workspace.open(db, create=False)
    assert not Workspace.exists(db)


@pytest.mark.parametrize("count", [0, 1, 40, 83], ids=["none", "one", "one-batch", "batches"])
def test_applications_are_inserted_in_order_each_audited(db: Path, count: int) -> None:
    from slrbcall.intake.merge import content_sha256, row_values
    from slrbcall.model import Application, Lang

    apps = [
        Application(
            f"E-{count - i:03d}",
            "logiris",
            "Log'iris",
            f"Projet {i}",
            1_000_000 + i,
            Lang.FR,
            source_row=i + 2,
        )
        for i in range(count)
    ]
    rows = [row_values(a) for a in apps]
    hashes = [content_sha256(row[:16]) for row in rows]
    with Workspace.open(db) as ws, ws.write(command="intake", input_file="f.xlsx") as tx:
        snapshot = tx.record_call("empowerment-2023", SHA, "calls/empowerment-2023.yaml", "id: x")
        file_id = tx.add_intake_file(
            "empowerment-2023", file_name="f.xlsx", sha256=SHA, sheet="s", rows=count
        )
        tx.insert_applications(
            "empowerment-2023", rows, hashes, snapshot_id=snapshot, file_id=file_id
        )
    ws = Workspace.open(db, create=False)
    conn = ws._conn
    stored = conn.execute(
        "SELECT reference, requested_cents, content_sha256, source_row, call_id, snapshot_id,"
        " intake_file_id, CASE WHEN created_at = updated_at THEN 1 ELSE 0 END"
        " FROM application ORDER BY id"
    ).fetchall()
    assert [tuple(r) for r in stored] == [
        (
            a.reference,
            a.requested_cents,
            digest,
            a.source_row,
            "empowerment-2023",
            snapshot,
            file_id,
            1,
        )
        for a, digest in zip(apps, hashes, strict=True)
    ]
    audited = conn.execute(
        "SELECT entity_key FROM audit WHERE entity = 'application' ORDER BY id"
    ).fetchall()
    ws.close()
    assert [tuple(r) for r in audited] == [(f"empowerment-2023/{a.reference}",) for a in apps]
