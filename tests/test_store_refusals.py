"""A guard or a constraint of the workspace that refuses a write is told in the officer's
language, as a refusal that stored nothing, on both backends."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from slrbcall.errors import GuardRefusedError
from slrbcall.i18n import use_language
from slrbcall.store import MIGRATIONS, Workspace
from slrbcall.store import postgres_schema as pg
from slrbcall.store.guards import GUARD_REFUSALS, refusal

pytestmark = pytest.mark.both_backends

SHA = "b" * 64

_SQLITE_RAISE = re.compile(r"RAISE\s*\(\s*ABORT\s*,\s*'((?:[^']|'')*)'\s*\)")
_PG_RAISE = re.compile(r"RAISE EXCEPTION '((?:[^'%]|'')+)'")


def sqlite_refusals() -> set[str]:
    return {
        said
        for migration in MIGRATIONS
        for step in migration
        if isinstance(step, str)
        for said in _SQLITE_RAISE.findall(step)
    }


def postgres_refusals() -> set[str]:
    said = {m for body in pg.FUNCTIONS.values() for m in _PG_RAISE.findall(body)}
    return said | {t.argument for t in pg.TRIGGERS.values() if t.argument}


def test_every_guard_s_refusal_is_in_the_catalogs_list() -> None:
    """A new trigger's words must be added to GUARD_REFUSALS (and so to the catalogs);
    a refusal no trigger says any more must leave it."""
    assert sqlite_refusals() == set(GUARD_REFUSALS)
    assert postgres_refusals() <= set(GUARD_REFUSALS)


@pytest.mark.sqlite_only
def test_the_postgresql_guards_say_what_the_sqlite_guards_say() -> None:
    assert postgres_refusals() == sqlite_refusals()


def test_a_guard_that_refuses_a_write_is_told_in_french(db: Path | str) -> None:
    with Workspace.open(db) as ws:
        with ws.write(command="test") as tx:
            tx.audit("event", "test", "k", after={"x": 1})
        use_language("fr")
        with pytest.raises(GuardRefusedError) as refused, ws.write(command="forge"):
            ws._conn.execute("UPDATE audit SET command = 'forged'")
        message = str(refused.value)
        assert "les lignes du journal d'audit ne font que s'ajouter" in message
        assert "append-only" not in message
        assert "Rien n'a été enregistré" in message
        assert [r.command for r in ws.audit_rows()] == ["test"]


def record_a_call_twice(ws: Workspace) -> None:
    with ws.write(command="test") as tx:
        tx.record_call("empowerment-2023", SHA, "calls/empowerment-2023.yaml", "id: x")
        ws._conn.execute(
            "INSERT INTO call_snapshot (call_id, sha256, source_path, content, recorded_at)"
            " SELECT call_id, sha256, source_path, content, recorded_at FROM call_snapshot"
        )


def test_a_constraint_that_refuses_a_write_quotes_the_database(db: Path | str) -> None:
    with Workspace.open(db) as ws:
        use_language("nl")
        with pytest.raises(GuardRefusedError) as refused:
            record_a_call_twice(ws)
        message = str(refused.value)
        assert "Er werd niets opgeslagen" in message
        assert "een beperking van zijn tabellen (" in message  # the database's words quoted
        assert ws.calls() == []


def test_other_errors_are_not_refusals() -> None:
    assert refusal("x.db", ValueError("no")) is None
    assert refusal("x.db", OSError("disk")) is None
