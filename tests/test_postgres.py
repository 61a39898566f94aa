"""The workspace on a PostgreSQL server: the same schema, owned by a role the officers'
logins cannot alter, locked per call, guarded, and copied to and from SQLite."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import psycopg
import pytest

from slrbcall.errors import BusyError, EnvironmentProblemError
from slrbcall.store import MIGRATIONS, Workspace
from slrbcall.store import postgres_schema as pg
from slrbcall.store.backend import label_of

from .conftest import REPO, Invoke
from .pgserver import PgServer

APPLICATIONS = REPO / "examples" / "applications.xlsx"


@pytest.fixture
def server(pg_server: PgServer) -> PgServer:
    return pg_server


@pytest.fixture
def url(server: PgServer) -> str:
    return server.new()


@pytest.fixture
def officer(server: PgServer) -> str:
    """A login that is a member of slrbcall_writer only, as an officer's is."""
    name = "slrbcall_test_officer"
    for role, login in ((pg.WRITER_ROLE, "NOLOGIN"), (name, "LOGIN")):
        server.admin.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}')"
            f" THEN CREATE ROLE {role} {login}; END IF; END $$"
        )
    server.admin.execute(f"GRANT {pg.WRITER_ROLE} TO {name}")
    return name


def as_login(url: str, login: str) -> str:
    return url.replace("user=postgres", f"user={login}")


def test_every_sqlite_migration_after_the_baseline_has_a_postgresql_twin() -> None:
    assert set(pg.MIGRATIONS) == set(range(pg.BASELINE_VERSION + 1, len(MIGRATIONS) + 1))


def test_both_backends_hold_the_same_tables_columns_views_and_guards(
    url: str, tmp_path: Path
) -> None:
    Workspace.open(tmp_path / "ws.db").close()
    Workspace.open(url).close()
    lite = sqlite3.connect(tmp_path / "ws.db")
    tables = [t for (t,) in lite.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")]
    # Each column's name, and whether it may be empty (a key's columns never may).
    columns = {
        t: [(c[1], bool(c[3] or c[5])) for c in lite.execute(f"PRAGMA table_info({t})")]
        for t in tables
    }
    # The last mile's tables and the parties' columns are in the comparison, not only
    # the tables the team's migrations made.
    assert {"expense", "expense_review", "settlement", "recovery", "team", "payment_proposal"} <= (
        set(columns)
    )
    assert ("commune", False) in columns["application"]
    kinds = {
        kind: {
            name
            for (name,) in lite.execute(f"SELECT name FROM sqlite_schema WHERE type = '{kind}'")
        }
        for kind in ("view", "trigger")
    }
    with psycopg.connect(url, autocommit=True) as conn:
        found: dict[str, list[tuple[str, bool]]] = {}
        for table, column, nullable in conn.execute(
            "SELECT table_name, column_name, is_nullable FROM information_schema.columns"
            " WHERE table_schema = 'slrbcall' AND table_name <> 'slrbcall_workspace'"
            " AND table_name IN (SELECT tablename FROM pg_tables WHERE schemaname = 'slrbcall')"
            " ORDER BY table_name, ordinal_position"
        ):
            found.setdefault(table, []).append((column, nullable == "NO"))
    assert found == columns
    assert set(pg.VIEWS) == kinds["view"]
    assert {t.name for t in pg.TRIGGERS.values() if t.event != "TRUNCATE"} == kinds["trigger"]


def test_an_officer_login_cannot_alter_the_audit_or_the_payments(
    url: str, officer: str, cli: Invoke
) -> None:
    Workspace.open(url).close()  # made by the administrator's login
    mine = as_login(url, officer)
    assert cli("--db", mine, "intake", APPLICATIONS).exit_code == 0  # the officer writes
    with psycopg.connect(mine, autocommit=True) as conn:
        conn.execute("SET search_path = slrbcall")
        for statement in (
            "UPDATE audit SET actor = 'someone'",
            "DELETE FROM audit",
            "TRUNCATE audit",
            "DELETE FROM payment",
            "ALTER TABLE audit DISABLE TRIGGER USER",
            "ALTER TABLE payment DISABLE TRIGGER payment_within_award",
            "DROP TRIGGER audit_no_update ON audit",
            "CREATE OR REPLACE FUNCTION slrbcall_kept() RETURNS trigger LANGUAGE plpgsql"
            " AS $$ BEGIN RETURN NEW; END $$",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        (owner,) = conn.execute(
            "SELECT tableowner FROM pg_tables WHERE schemaname = 'slrbcall' AND tablename = 'payment'"
        ).fetchone()
    assert owner == pg.OWNER_ROLE


def test_an_officer_login_cannot_make_the_workspace(url: str, officer: str, cli: Invoke) -> None:
    result = cli("--db", as_login(url, officer), "intake", APPLICATIONS)
    assert result.exit_code == 1
    assert "an administrator runs 'slrbcall status --db URL' once" in result.stderr


def read_only(url: str) -> str:
    """The URL of a session that takes no writes, as a standby's is."""
    return url + "&options=-c%20default_transaction_read_only%3Don"


def test_a_server_that_takes_no_writes_is_read_and_refuses_writes_in_one_line(
    url: str, cli: Invoke
) -> None:
    assert cli("--db", url, "intake", APPLICATIONS).exit_code == 0
    ro = read_only(url)
    listed = cli("--db", ro, "applications", "list", "--json")
    assert listed.exit_code == 0, listed
    assert len(json.loads(listed.stdout)) == 15
    for command in (("intake", APPLICATIONS), ("score", REPO / "examples" / "scores.xlsx")):
        result = cli("--db", ro, *command)
        assert result.exit_code == 5, result
        assert result.stderr == (
            f"Error: {label_of(ro)}: the server takes no writes (a standby, or read-only by "
            "default), so nothing was written to the workspace: point --db at the primary "
            "server\n"
        )
    with Workspace.open(url, create=False) as ws:
        assert {r.command for r in ws.audit_rows()} == {"intake"}


def test_a_new_workspace_on_a_server_that_takes_no_writes(server: PgServer, cli: Invoke) -> None:
    result = cli("--db", read_only(server.new()), "intake", APPLICATIONS)
    assert result.exit_code == 5, result
    assert "the server takes no writes" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_login_that_may_only_read(url: str, server: PgServer, cli: Invoke) -> None:
    assert cli("--db", url, "intake", APPLICATIONS).exit_code == 0
    name = "slrbcall_test_reader"
    server.admin.execute(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}')"
        f" THEN CREATE ROLE {name} LOGIN; END IF; END $$"
    )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"GRANT USAGE ON SCHEMA slrbcall TO {name}")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA slrbcall TO {name}")
    reader = as_login(url, name)
    assert cli("--db", reader, "applications", "list").exit_code == 0
    result = cli("--db", reader, "intake", APPLICATIONS)
    assert result.exit_code == 5, result
    assert result.stderr == (
        f"Error: {label_of(reader)}: this login may only read the workspace, so nothing was "
        f"written to it: ask an administrator to grant it the role {pg.WRITER_ROLE}\n"
    )


def test_a_write_the_server_refuses_on_the_way_is_one_line(url: str) -> None:
    Workspace.open(url).close()
    with Workspace.open(url, create=False) as ws:
        ws._backend.raw.execute("SET default_transaction_read_only = on")
        with (
            pytest.raises(EnvironmentProblemError, match="the server takes no writes"),
            ws.write(command="intake") as tx,
        ):
            tx.audit("event", "test", "c/x")


@pytest.mark.parametrize(
    ("alteration", "problem"),
    [
        (
            "ALTER TABLE payment DISABLE TRIGGER payment_within_award",
            "the trigger payment_within_award is disabled",
        ),
        ("DROP TRIGGER audit_no_delete ON audit", "the trigger audit_no_delete is missing"),
        (
            "CREATE OR REPLACE FUNCTION slrbcall_payment_within_award() RETURNS trigger"
            " LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
            "the function slrbcall_payment_within_award was changed",
        ),
        (
            "CREATE OR REPLACE VIEW award_ceiling AS SELECT a.call_id, d.reference,"
            " d.amount_cents * 10 AS amount_cents FROM allocation_adoption a"
            " JOIN allocation_decision d ON d.run_id = a.run_id",
            "the view award_ceiling was changed",
        ),
        (
            "CREATE TRIGGER extra BEFORE INSERT ON payment FOR EACH ROW"
            " EXECUTE FUNCTION slrbcall_kept('x')",
            "the trigger extra is not one of slrbcall's",
        ),
    ],
    ids=["disabled", "dropped", "function", "view", "added"],
)
def test_a_guard_altered_on_the_server_stops_every_write(
    url: str, cli: Invoke, alteration: str, problem: str
) -> None:
    assert cli("--db", url, "intake", APPLICATIONS).exit_code == 0
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET search_path = slrbcall")
        conn.execute(alteration)
    result = cli("--db", url, "intake", APPLICATIONS)
    assert result.exit_code == 1
    assert problem in result.stderr
    assert "so nothing is written to it" in result.stderr
    doctor = json.loads(cli("--db", url, "doctor", "--json").stdout)
    guards = next(c for c in doctor if c["check"] == "workspace guards")
    assert problem in guards["detail"]


def test_writers_of_different_calls_never_wait_and_of_one_call_do(url: str) -> None:
    Workspace.open(url).close()
    with (
        Workspace.open(url, busy_timeout=0.3) as first,
        Workspace.open(url, busy_timeout=0.3) as second,
        first.write(command="t", call="call-a"),
    ):
        with second.write(command="t", call="call-b") as tx:  # another call: no wait
            tx.audit("event", "test", "call-b/x")
        with pytest.raises(BusyError, match="the workspace is busy"):  # noqa: SIM117
            with second.write(command="t", call="call-a"):
                pass


def test_a_copy_to_the_server_and_back_is_the_same_workspace(
    demo_db: Path, url: str, tmp_path: Path, cli: Invoke
) -> None:
    result = cli("--db", demo_db, "workspace", "copy", "--to", url, "--json")
    assert result.exit_code == 0, result
    there = json.loads(result.stdout)
    assert there["counts"]["audit"] > 40
    back = tmp_path / "back.db"
    result = cli("--db", url, "workspace", "copy", "--to", back)
    assert result.exit_code == 0, result
    told = " ".join(result.stdout.split())  # as wide as the terminal: lines may wrap
    assert told.startswith(f"Copied {label_of(url)} to {back}: ")
    assert "1 audit chain holds and ends as in the original." in told
    original, returned = sqlite3.connect(demo_db), sqlite3.connect(back)
    for (table,) in original.execute("SELECT name FROM sqlite_schema WHERE type = 'table'"):
        rows = f"SELECT * FROM {table} ORDER BY 1, 2"
        assert original.execute(rows).fetchall() == returned.execute(rows).fetchall(), table
    assert cli("--db", url, "audit", "verify").exit_code == 0
    # The copy goes on as the original would: its next rows take new ids and chain on.
    withdrawn = cli("--db", url, "withdraw", "EMP23-01", "--date", "2024-12-02", "--reason", "r")
    assert withdrawn.exit_code == 0, withdrawn
    assert cli("--db", url, "audit", "verify").exit_code == 0


def test_a_copy_into_a_workspace_that_holds_rows_is_refused(
    demo_db: Path, url: str, cli: Invoke
) -> None:
    assert cli("--db", url, "intake", APPLICATIONS).exit_code == 0
    result = cli("--db", demo_db, "workspace", "copy", "--to", url)
    assert result.exit_code == 1
    assert "is not empty (" in result.stderr


def test_a_schema_of_another_application_is_refused(url: str, cli: Invoke) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA other; CREATE TABLE other.invoices (id int)")
    result = cli("--db", url + "&schema=other", "status")
    assert result.exit_code == 3
    assert "is not a slrbcall workspace: its schema other holds the tables of another" in (
        result.stderr
    )


def test_an_unreachable_server_is_an_environment_problem(cli: Invoke, tmp_path: Path) -> None:
    result = cli("--db", f"postgresql://nobody:secret@/x?host={tmp_path}", "intake", APPLICATIONS)
    assert result.exit_code == 5
    assert "cannot connect to the workspace's server" in result.stderr
    assert "secret" not in result.stderr


def test_a_password_is_never_shown() -> None:
    assert label_of("postgresql://slrb:s3cret@db.example/grants") == (
        "postgresql://slrb:***@db.example/grants"
    )
    assert label_of("postgresql:///grants?host=/run&password=s3cret&schema=x") == (
        "postgresql:///grants?host=/run&password=***&schema=x"
    )
