"""Actors and roles: who writes, and what each officer of ``officers.yaml`` may write."""

from __future__ import annotations

import ast
import getpass
import re
from pathlib import Path

import pytest

from slrbcall.calls.team import COMMAND_ROLES, Role
from slrbcall.store import Workspace

from .conftest import REPO, Invoke, empowerment_text, write_call

pytestmark = pytest.mark.both_backends

APPLICATIONS = REPO / "examples" / "applications.xlsx"
SCORES = REPO / "examples" / "scores.xlsx"

OFFICERS = """\
officers:
  - key: amina
    name: Amina El Idrissi
    roles: [officer]
    logins: [{login}]
  - key: marc
    name: Marc Dupont
    roles: [finance]
  - key: sofie
    name: Sofie Peeters
    roles: [approver, committee_secretary]
  - key: ines
    name: Inès Martin
    roles: [auditor]
"""


@pytest.fixture
def calls(tmp_path: Path) -> Path:
    """A calls folder with the Empowerment call and a team of four."""
    folder = tmp_path / "calls"
    write_call(folder, empowerment_text())
    (folder / "officers.yaml").write_text(
        OFFICERS.format(login=getpass.getuser()), encoding="utf-8"
    )
    return folder


def actors(db: Path) -> list[tuple[str, str | None]]:
    with Workspace.open(db, create=False) as ws:
        return [(row.command, row.actor) for row in ws.audit_rows()]


def test_without_officers_the_actor_is_the_login_or_as(
    cli: Invoke, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SLRBCALL_ACTOR", raising=False)
    assert cli("--db", db, "intake", APPLICATIONS).exit_code == 0
    assert cli("--db", db, "--as", "someone", "score", SCORES).exit_code == 0
    found = dict(actors(db))
    assert found["intake"] == getpass.getuser()
    assert found["score"] == "someone"


def test_an_officer_writes_under_their_key(cli: Invoke, db: Path, calls: Path) -> None:
    result = cli("--db", db, "--calls-dir", calls, "intake", APPLICATIONS)
    assert result.exit_code == 0, result
    assert {actor for _, actor in actors(db)} == {"amina"}  # mapped from the login


def test_as_names_the_officer_and_env_too(
    cli: Invoke, db: Path, calls: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("--db", db, "--calls-dir", calls, "intake", APPLICATIONS).exit_code == 0
    monkeypatch.setenv("SLRBCALL_ACTOR", "sofie")
    assert cli("--db", db, "--calls-dir", calls, "score", SCORES).exit_code == 0
    assert ("score", "sofie") in actors(db)


def test_an_unknown_officer_is_refused(cli: Invoke, db: Path, calls: Path) -> None:
    result = cli("--db", db, "--calls-dir", calls, "--as", "amira", "intake", APPLICATIONS)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: 'amira' is not an officer of {calls / 'officers.yaml'} (did you mean "
        "'amina'?); its officers are amina, marc, sofie, ines"
    )
    assert not Workspace.exists(db) or actors(db) == []


def test_a_login_the_team_does_not_know_is_refused(
    cli: Invoke, db: Path, calls: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "visitor")
    result = cli("--db", db, "--calls-dir", calls, "intake", APPLICATIONS)
    assert result.exit_code == 1
    assert "the login 'visitor' is not one of an officer of" in result.stderr
    assert "pass --as KEY" in result.stderr


@pytest.mark.parametrize(
    ("actor", "command", "needed"),
    [
        ("marc", ("intake", str(APPLICATIONS)), "officer"),
        ("amina", ("score", str(SCORES)), "committee_secretary"),
        ("ines", ("intake", str(APPLICATIONS)), "officer"),
    ],
    ids=["finance-takes-in", "officer-scores", "auditor-writes"],
)
def test_a_write_without_its_role_is_refused(
    cli: Invoke, db: Path, calls: Path, actor: str, command: tuple[str, ...], needed: str
) -> None:
    if command[0] == "score":
        assert cli("--db", db, "--calls-dir", calls, "intake", APPLICATIONS).exit_code == 0
    before = actors(db) if Workspace.exists(db) else []
    result = cli("--db", db, "--calls-dir", calls, "--as", actor, *command)
    assert result.exit_code == 1
    assert f"Error: {actor} may not run '{command[0]}': it needs the role '{needed}'" in (
        result.stderr
    )
    assert (actors(db) if Workspace.exists(db) else []) == before


def test_a_read_needs_no_role(cli: Invoke, db: Path, calls: Path) -> None:
    assert cli("--db", db, "--calls-dir", calls, "intake", APPLICATIONS).exit_code == 0
    result = cli("--db", db, "--calls-dir", calls, "--as", "ines", "applications", "list")
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("roles", "problem"),
    [
        (
            "[boss]",
            "4:13: officers[0].roles[0]: write one of 'officer', 'finance', 'approver', "
            "'committee_secretary', 'auditor', not 'boss'",
        ),
        ("[officer]", "5:10: 'amina' is defined twice (also item 1)"),
    ],
    ids=["unknown-role", "twice"],
)
def test_a_bad_officers_file_is_an_input_error(
    cli: Invoke, db: Path, calls: Path, roles: str, problem: str
) -> None:
    (calls / "officers.yaml").write_text(
        f"officers:\n  - key: amina\n    name: A\n    roles: {roles}\n"
        "  - key: amina\n    name: B\n    roles: [officer]\n",
        encoding="utf-8",
    )
    result = cli("--db", db, "--calls-dir", calls, "intake", APPLICATIONS)
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0] == f"{calls / 'officers.yaml'}:{problem}"


@pytest.mark.sqlite_only
def test_every_writing_command_names_its_actor() -> None:
    """Each write of a use case passes ``actor=`` (from ``acting``): none is anonymous."""
    for path in sorted((REPO / "slrbcall").rglob("*.py")):
        if "store" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "write"
                and any(k.arg == "command" for k in node.keywords)
            ):
                assert any(k.arg == "actor" for k in node.keywords), (
                    f"{path.relative_to(REPO)}, line {node.lineno}: a write without its actor"
                )


@pytest.mark.sqlite_only
def test_every_command_that_writes_has_a_role() -> None:
    """The commands named by the use cases' writes (``command=``, ``acting(...)``) are
    exactly the table's: a command added without its role would let anyone run it."""
    named: set[str] = set()
    for path in sorted((REPO / "slrbcall").rglob("*.py")):
        if "store" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            values = [k.value for k in node.keywords if k.arg == "command"]
            if isinstance(node.func, ast.Name) and node.func.id == "acting":
                values += node.args[1:]
            named |= {
                c.value
                for value in values
                for c in ast.walk(value)
                if isinstance(c, ast.Constant) and isinstance(c.value, str)
            }
    # The demo writes its own scratch workspace, as one person (docs/concepts.md).
    assert named - {"demo"} == set(COMMAND_ROLES)


@pytest.mark.sqlite_only
def test_the_roles_of_the_commands_are_documented() -> None:
    text = (REPO / "docs" / "concepts.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| `slrbcall ([a-z -]+)` \| (\w+) \|", text, re.M))
    assert documented == {command: role.value for command, role in COMMAND_ROLES.items()}
    assert {role.value for role in Role} <= set(re.findall(r"^- \*\*(\w+)\*\*", text, re.M))
