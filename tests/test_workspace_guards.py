"""A foreign, damaged or tampered workspace: a clear line, never a traceback, and nothing
written to a file that is not ours (issue: hostile inputs, classes 6 and 7)."""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
from pathlib import Path

import pytest

from slrbcall.store import MIGRATIONS, Workspace
from slrbcall.store.guards import APPLICATION_ID
from tests.conftest import Invoke

#: Commands that only read, and commands that write, run against each bad workspace.
READERS = [
    ("status",),
    ("applications", "list"),
    ("ranking",),
    ("allocations", "list"),
    ("payments",),
    ("timeline",),
    ("report", "--json"),
    ("history", "EMP23-03"),
]
WRITERS = [
    ("allocate", "--dry-run"),
    ("allocate",),
    (
        "payments",
        "record",
        "EMP23-09",
        "--tranche",
        "1",
        "--amount",
        "1000",
        "--date",
        "2024-01-10",
    ),
    ("followup", "record", "EMP23-09", "--milestone", "signature", "--date", "2023-12-15"),
]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def foreign_db(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Jan', '02 123 45 67')")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("args", READERS + WRITERS, ids=lambda a: " ".join(a))
def test_another_applications_database_is_refused_and_left_untouched(
    cli: Invoke, tmp_path: Path, args: tuple[str, ...]
) -> None:
    db = foreign_db(tmp_path / "contacts.db")
    before = digest(db)
    result = cli("--db", db, "--call", "empowerment-2023", *args)
    assert result.exit_code == 3, result
    assert result.stderr.startswith(
        f"{db}: is not a slrbcall workspace: it holds the tables of another application"
        " (contacts); nothing was written to it (pass another --db)\n"
    )
    assert digest(db) == before
    assert not Path(f"{db}-wal").exists()


def test_a_database_whose_header_names_another_application_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA application_id = 1234")
    conn.close()
    with pytest.raises(Exception, match=r"its header names another application \(id 0x4d2\)"):
        Workspace.open(db)


def test_a_new_workspace_and_an_older_one_carry_slrbcalls_id(db: Path, tmp_path: Path) -> None:
    with Workspace.open(db):
        pass
    assert sqlite3.connect(db).execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    older = tmp_path / "older.db"
    conn = sqlite3.connect(older)
    for migration in MIGRATIONS[:3]:
        for statement in migration:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    with Workspace.open(older) as ws:
        assert ws.schema_version == len(MIGRATIONS)
    assert sqlite3.connect(older).execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def corrupt(source: Path, target: Path, seed: int) -> Path:
    """A copy of ``source`` with a few random bytes of its pages overwritten."""
    data = bytearray(source.read_bytes())
    rng = random.Random(seed)
    page = 4096
    for _ in range(rng.randint(1, 4)):
        start = rng.randrange(page, len(data))  # never the first page: its header says SQLite
        length = rng.randint(1, 64)
        data[start : start + length] = rng.randbytes(min(length, len(data) - start))
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize("seed", range(30))
def test_a_damaged_workspace_gives_a_clear_line_never_a_traceback(
    cli: Invoke, demo_db: Path, tmp_path: Path, seed: int
) -> None:
    damaged = corrupt(demo_db, tmp_path / "damaged.db", seed)
    for args in READERS + WRITERS:
        result = cli("--db", damaged, *args)
        assert result.exit_code in (0, 1, 3), (args, result)
        if result.exit_code == 3 and "damaged" in result.stderr:
            assert "restore its last copy" in result.stderr
    doctor = cli("--db", damaged, "doctor", "--json")
    assert doctor.exit_code in (0, 5)
    json.loads(doctor.stdout)


GUARD_CHANGES = {
    "dropped": "DROP TRIGGER payment_no_update",
    "rewritten": (
        "DROP TRIGGER audit_no_delete; CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
        " WHEN 0 BEGIN SELECT RAISE(ABORT, 'x'); END"
    ),
    "added": "CREATE TRIGGER sneaky AFTER INSERT ON payment BEGIN SELECT 1; END",
    "view": "DROP VIEW adopted_run",
}
GUARD_LINES = {
    "dropped": "the trigger payment_no_update is missing",
    "rewritten": "the trigger audit_no_delete was changed",
    "added": "the trigger sneaky is not one of slrbcall's",
    "view": "the view adopted_run is missing",
}


@pytest.mark.parametrize("change", sorted(GUARD_CHANGES))
def test_a_workspace_whose_guards_were_altered_refuses_every_write(
    cli: Invoke, demo_db: Path, change: str
) -> None:
    conn = sqlite3.connect(demo_db)
    conn.executescript(GUARD_CHANGES[change])
    conn.close()
    before = sqlite3.connect(demo_db).execute("SELECT count(*) FROM audit").fetchone()[0]
    for args in WRITERS[1:]:
        result = cli("--db", demo_db, *args)
        assert result.exit_code == 1, (args, result)
        assert GUARD_LINES[change] in result.stderr
        assert "nothing is written to it" in result.stderr
    assert sqlite3.connect(demo_db).execute("SELECT count(*) FROM audit").fetchone()[0] == before
    doctor = json.loads(cli("--db", demo_db, "doctor", "--json").stdout)
    guards = next(check for check in doctor if check["check"] == "workspace guards")
    assert not guards["ok"]
    assert GUARD_LINES[change] in guards["detail"]
    assert cli("--db", demo_db, "status").exit_code == 0  # reading still works


def test_doctor_finds_an_intact_workspace_guarded(cli: Invoke, demo_db: Path) -> None:
    doctor = json.loads(cli("--db", demo_db, "doctor", "--json").stdout)
    checks = {check["check"]: check for check in doctor}
    assert checks["workspace integrity"]["ok"]
    assert checks["workspace guards"] == {
        "check": "workspace guards",
        "ok": True,
        "optional": False,
        "detail": "every trigger and view as the migrations made it",
        "hint": checks["workspace guards"]["hint"],
    }
