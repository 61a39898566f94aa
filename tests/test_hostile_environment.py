"""The terminal and the file system (issue 20, class 5): an output that cannot hold the
euro sign, a full or closed standard output, text that is not UTF-8, a read-only or full
folder, disk or workspace, a call file that is a device or a link that loops. Each ends
in one clear line and a documented exit code, never a traceback, and changes nothing
that was there.

A read-only folder is a chmod for an ordinary user, and a read-only bind mount for root
(whom permissions do not stop); a full disk is a small tmpfs, filled. Both need root or
the right permissions: where neither works, the test is skipped, and the injected faults
below (SQLite's page limit, a failing fsync) still run everywhere.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from slrbcall.errors import EnvironmentProblemError
from slrbcall.files import write_bytes

from .conftest import REPO, Invoke

EXAMPLES = REPO / "examples"


def digest(folder: Path) -> dict[str, str]:
    """Every file of ``folder`` and its SHA-256."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def stored(db: Path) -> tuple[str, bytes]:
    """What a workspace holds: its file, and its log (SQLite may leave an empty one)."""
    log = Path(f"{db}-wal")
    return hashlib.sha256(db.read_bytes()).hexdigest(), log.read_bytes() if log.exists() else b""


# -- read-only and full folders -----------------------------------------------------------


def _root() -> bool:
    return getattr(os, "geteuid", lambda: 1)() == 0


def _run(*command: str) -> bool:
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


@pytest.fixture(scope="module")
def mounts() -> Iterator[list[Path]]:
    """The mount points made by this module's fixtures, unmounted at its end."""
    made: list[Path] = []
    yield made
    for point in reversed(made):
        if not _run("umount", str(point)):
            _run("umount", "--lazy", str(point))  # still in use: detached now, freed later


def freeze(folder: Path, mounts: list[Path]) -> None:
    """Make ``folder`` and all it holds read-only for this process."""
    if not _root():
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        return
    if not (_run("mount", "--bind", str(folder), str(folder))):
        pytest.skip("root, but no bind mount here: a read-only folder cannot be made")
    mounts.append(folder)
    if not _run("mount", "-o", "remount,bind,ro", str(folder)):
        pytest.skip("a bind mount cannot be made read-only here")


def full_disk(
    folder: Path, mounts: list[Path], prepare: Callable[[], object], *, spare: int = 0
) -> None:
    """Make ``folder`` a small disk, ``prepare`` what it must hold, then fill it up (or
    leave ``spare`` bytes free)."""
    if not _root():
        pytest.skip("a full disk needs a tmpfs, which only root can mount")
    folder.mkdir(parents=True, exist_ok=True)
    if not _run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(folder)):
        pytest.skip("no tmpfs can be mounted here")
    mounts.append(folder)
    prepare()
    used = shutil.disk_usage(folder).used
    assert _run("mount", "-o", f"remount,size={used + (spare or 256 * 1024)}", str(folder))
    if spare:
        return
    with (folder / "filler").open("wb") as filler:
        while _written(filler):
            pass


def _written(stream: Any) -> bool:
    """Whether another 64 KiB fitted on the disk."""
    try:
        stream.write(bytes(64 * 1024))
        stream.flush()
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        return False
    return True


# -- every command, against a read-only, a full and a foreign workspace ------------------

OUT = "{out}"
DAY = "2025-01-15"
#: Every command, and its exit code on the demo's own workspace (1: a rule of the
#: demo's state refuses it, e.g. run 1 is adopted already). Files go to {out}.
COMMANDS: list[tuple[tuple[str, ...], int]] = [
    (("status",), 0),
    (("doctor",), 0),
    (("calls", "list"), 0),
    (("calls", "show", "empowerment-2023"), 0),
    (("calls", "schema"), 0),
    (("organisations", "list"), 0),
    (("organisations", "show", "slrb"), 0),
    (("applications", "list"), 0),
    (("applications", "show", "EMP23-03"), 0),
    (("ranking",), 0),
    (("allocate", "--dry-run"), 0),
    (("scenarios", "--budget", "200000", "--budget", "255000"), 0),
    (("explain", "EMP23-03"), 0),
    (("allocations", "list"), 0),
    (("allocations", "show", "1"), 0),
    (("timeline",), 0),
    (("followup", "milestones"), 0),
    (("followup", "outcomes"), 0),
    (("followup", "reports"), 0),
    (("payments",), 0),
    (("payments", "history", "EMP23-09"), 0),
    (("history", "EMP23-03"), 0),
    (("report", "--json"), 0),
    (("templates", "check"), 0),
    (("template", "applications", "-o", f"{OUT}/a.xlsx"), 0),
    (("template", "scores", "-o", f"{OUT}/s.xlsx"), 0),
    (("template", "monitoring", "-o", f"{OUT}/m.xlsx"), 0),
    (("export", "360giving", "-o", f"{OUT}/g.json"), 0),
    (("report", "--xlsx", f"{OUT}/r.xlsx"), 0),
    (("timeline", "--ics", f"{OUT}/t.ics"), 0),
    (("intake", str(EXAMPLES / "applications.xlsx"), "--dry-run"), 0),
    (("score", str(EXAMPLES / "scores.xlsx"), "--dry-run"), 0),
    (("monitor", str(EXAMPLES / "monitoring.xlsx"), "--dry-run"), 0),
    (("reallocate", "--dry-run"), 1),
    # Commands that write to the workspace.
    (("intake", str(EXAMPLES / "applications.xlsx")), 0),
    (("score", str(EXAMPLES / "scores.xlsx")), 0),
    (("monitor", str(EXAMPLES / "monitoring.xlsx")), 0),
    (("allocate",), 0),
    (("allocations", "adopt", "1"), 1),
    (("withdraw", "EMP23-07", "--date", "2024-08-01", "--reason", "the partner left"), 0),
    (("render-conventions", "--out", f"{OUT}/conventions"), 0),
    (("render-letters", "--out", f"{OUT}/outbox"), 0),
    (("render-amendments", "--out", f"{OUT}/amendments"), 1),
    (("amend", "EMP23-14", "--amount", "40000", "--reason", "a smaller hall"), 0),
    (("payments", "record", "EMP23-09", "--tranche", "3", "--amount", "10400", "--date", DAY), 1),
    (
        ("payments", "correct", "EMP23-09", "--tranche", "1", "--amount", "31200", "--reason", "x"),
        0,
    ),
    (("followup", "record", "EMP23-05", "--milestone", "final_report", "--date", DAY), 0),
    (
        (
            "followup",
            "correct",
            "EMP23-09",
            "--milestone",
            "signature",
            "--date",
            "2023-12-16",
            "--reason",
            "a typo",
        ),
        0,
    ),
]


def command_id(item: tuple[tuple[str, ...], int]) -> str:
    return " ".join(arg.rsplit("/", 1)[-1] for arg in item[0])


@pytest.fixture(scope="module")
def workspaces(
    demo_run: Any, tmp_path_factory: pytest.TempPathFactory, mounts: list[Path]
) -> Callable[[str], Path]:
    """``workspaces(kind)``: the demo's workspace read-only, on a full disk, or a database
    of another application; made once, on first use."""
    made: dict[str, Path] = {}

    def get(kind: str) -> Path:
        if kind not in made:
            folder = tmp_path_factory.mktemp(kind)
            if kind == "foreign":
                db = folder / "contacts.db"
                conn = sqlite3.connect(db)
                conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
                conn.commit()
                conn.close()
            elif kind == "read-only":
                db = folder / "ws.db"
                shutil.copy(demo_run.db_path, db)
                freeze(folder, mounts)
            else:
                db = folder / "disk" / "ws.db"
                full_disk(db.parent, mounts, lambda: shutil.copy(demo_run.db_path, db))
            made[kind] = db
        return made[kind]

    return get


@pytest.mark.parametrize("kind", ["read-only", "full", "foreign"])
@pytest.mark.parametrize("item", COMMANDS, ids=command_id)
def test_every_command_on_a_workspace_it_cannot_write(
    cli: Invoke,
    workspaces: Callable[[str], Path],
    tmp_path: Path,
    kind: str,
    item: tuple[tuple[str, ...], int],
) -> None:
    args, usual = item
    db = workspaces(kind)
    before = stored(db)
    args = tuple(arg.replace(OUT, str(tmp_path)) for arg in args)
    result = cli("--db", db, "--call", "empowerment-2023", *args)
    if args[0] == "doctor":
        assert result.exit_code in (0, 5), result
    elif kind == "foreign":
        assert result.exit_code in (usual, 3), result
        if result.exit_code == 3:
            assert result.stderr.startswith(f"{db}: is not a slrbcall workspace: ")
    elif args[0] != "doctor":  # whose failed checks exit with 5
        assert result.exit_code in (usual, 5), result
        if result.exit_code == 5:
            said = "is read-only here" if kind == "read-only" else "disk that holds the workspace"
            assert said in result.stderr, result
    assert "Traceback" not in result.stderr
    assert stored(db) == before


def test_reading_commands_read_a_read_only_and_a_full_workspace(
    cli: Invoke, workspaces: Callable[[str], Path]
) -> None:
    for kind in ("read-only", "full"):
        result = cli("--db", workspaces(kind), "report", "--json")
        assert result.exit_code == 0, result
        assert json.loads(result.stdout)["call"]["id"] == "empowerment-2023"
        doctor = json.loads(cli("--db", workspaces(kind), "doctor", "--json").stdout)
        checks = {check["check"]: check["ok"] for check in doctor}
        assert checks["workspace integrity"]
        assert checks["workspace guards"]


def test_a_new_workspace_in_a_read_only_folder(
    cli: Invoke, tmp_path: Path, mounts: list[Path]
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    freeze(folder, mounts)
    result = cli(
        "--db",
        folder / "new.db",
        "--call",
        "empowerment-2023",
        "intake",
        EXAMPLES / "applications.xlsx",
    )
    assert result.exit_code == 5, result
    assert result.stderr == (
        f"Error: {folder / 'new.db'}: the workspace is read-only here (its folder cannot be "
        "written), so nothing was written to it: copy it to a folder you can write to, or "
        "ask for write access\n"
    )


# -- a disk that fills up during a write: injected at SQLite's and the system's boundary --


class _FullAtCommit(sqlite3.Connection):
    """A connection whose every commit finds the disk full, as SQLite reports it."""

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if sql == "COMMIT":
            full = sqlite3.OperationalError("database or disk is full")
            full.sqlite_errorcode = 13  # type: ignore[attr-defined]
            raise full
        return super().execute(sql, *args)


@pytest.fixture
def full_at_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every commit of the tool's workspace fails as on a full disk."""
    real = sqlite3.connect
    monkeypatch.setattr(
        sqlite3, "connect", lambda *a, **k: real(*a, **{**k, "factory": _FullAtCommit})
    )


def audit_rows(db: Path) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return int(conn.execute("SELECT count(*) FROM audit").fetchone()[0])


def full_line(db: Path) -> str:
    return (
        f"Error: {db}: the disk that holds the workspace is full, so nothing was written to "
        "it: free some space and run the command again\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ("intake", str(EXAMPLES / "applications.xlsx")),
        ("score", str(EXAMPLES / "scores.xlsx")),
        ("allocate",),
        ("followup", "record", "EMP23-05", "--milestone", "final_report", "--date", DAY),
    ],
    ids=["intake", "score", "allocate", "followup record"],
)
def test_a_disk_full_at_commit_stores_nothing(
    cli: Invoke, demo_db: Path, full_at_commit: None, args: tuple[str, ...]
) -> None:
    before = audit_rows(demo_db)
    result = cli("--db", demo_db, "--call", "empowerment-2023", *args)
    assert result.exit_code == 5, result
    assert result.stderr == full_line(demo_db)
    assert audit_rows(demo_db) == before


def test_a_disk_that_fills_up_during_an_intake(
    cli: Invoke, demo_run: Any, tmp_path: Path, make_xlsx: Callable[..., Path], mounts: list[Path]
) -> None:
    from .test_intake import HEADER, row

    many = make_xlsx([HEADER, *(row(f"N-{i:04d}", title=f"Projet {i}" * 20) for i in range(1000))])
    db = tmp_path / "disk" / "ws.db"

    def prepare() -> None:  # the workspace and its log, with 64 KiB to spare
        shutil.copy(demo_run.db_path, db)
        with closing(sqlite3.connect(db)) as conn:
            conn.execute("PRAGMA journal_mode = WAL").fetchone()

    full_disk(db.parent, mounts, prepare, spare=64 * 1024)
    before = audit_rows(db)
    result = cli("--db", db, "--call", "empowerment-2023", "intake", many)
    assert result.exit_code == 5, result
    assert result.stderr == full_line(db)
    assert audit_rows(db) == before


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_file_that_cannot_be_written_keeps_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"the old report")

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os if failing == "fsync" else Path, failing, full)
    with pytest.raises(EnvironmentProblemError) as caught:
        write_bytes(target, b"the new report")
    assert str(caught.value) == (
        f"cannot write {target}: No space left on device (the disk is full: free some space, "
        "or write it elsewhere); nothing was changed there"
    )
    assert target.read_bytes() == b"the old report"
    assert [path.name for path in tmp_path.iterdir()] == ["report.xlsx"]


# -- output files in a read-only folder or on a full disk --------------------------------

OUTPUTS = [
    ("report", "--xlsx", "{out}/r.xlsx"),
    ("export", "360giving", "-o", "{out}/g.csv"),
    ("export", "360giving", "-o", "{out}/g.json"),
    ("timeline", "--ics", "{out}/t.ics"),
    ("templates", "init", "{out}/templates"),
    ("template", "applications", "-o", "{out}/a.xlsx"),
    ("render-conventions", "--out", "{out}/conventions"),
    ("render-letters", "--out", "{out}/outbox"),
    ("calls", "renew", "empowerment-2023", "--id", "empowerment-2025", "--duration", "12"),
    ("demo", "--out", "{out}/demo"),
]


@pytest.mark.parametrize("kind", ["read-only", "full"])
@pytest.mark.parametrize("args", OUTPUTS, ids=lambda args: " ".join(args[:2]))
def test_an_output_in_a_folder_that_cannot_be_written(
    cli: Invoke,
    demo_db: Path,
    tmp_path: Path,
    mounts: list[Path],
    kind: str,
    args: tuple[str, ...],
) -> None:
    out = tmp_path / "out"
    out.mkdir()

    def prepare() -> None:  # the calls folder in use: calls renew writes there
        shutil.copytree(REPO / "calls", out / "calls")

    if kind == "read-only":
        prepare()
        freeze(out, mounts)
    else:
        full_disk(out, mounts, prepare)
    before = digest(out)
    result = cli(
        "--db",
        demo_db,
        "--calls-dir",
        out / "calls",
        *(arg.replace("{out}", str(out)) for arg in args),
    )
    assert result.exit_code == 5, result
    (line,) = result.stderr.splitlines()
    if kind == "read-only":
        assert any(w in line for w in ("Read-only file system", "Permission denied")), line
    else:
        assert "No space left on device" in line or "the workspace is full" in line, line
    assert digest(out) == before


# -- the call files: a device, a pipe, a link that loops --------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.symlink_to("/dev/zero"), "is not a plain file (a device or a pipe)"),
        (lambda p: os.mkfifo(p), "is not a plain file (a device or a pipe)"),
        (lambda p: p.symlink_to(p.name), "cannot be read: Too many levels of symbolic links"),
        (lambda p: p.write_bytes(b"x: 1\n" * 600_000), "is 3,000,000 bytes; a call definition"),
    ],
    ids=["/dev/zero", "a pipe", "a link to itself", "3 MB"],
)
def test_a_call_file_that_cannot_be_a_call(
    cli: Invoke, tmp_path: Path, make: Callable[[Path], object], message: str
) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("POSIX files")
    calls = tmp_path / "calls"
    shutil.copytree(REPO / "calls", calls)
    odd = calls / "odd.yaml"
    make(odd)
    validate = cli("--calls-dir", calls, "calls", "validate", odd)
    assert validate.exit_code == 3, validate
    assert validate.stderr.splitlines()[0].startswith(f"{odd}: {message}")
    listed = cli("--calls-dir", calls, "calls", "list", "--json")
    assert listed.exit_code == 0, listed
    (problem,) = [c["problems"] for c in json.loads(listed.stdout) if not c["valid"]]
    assert problem[0].startswith(f"{odd}: {message}")


def test_a_spreadsheet_that_is_a_device_is_refused(cli: Invoke, db: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    result = cli("--db", db, "--call", "empowerment-2023", "intake", "/dev/zero")
    assert result.exit_code == 3
    assert result.stderr.startswith(
        "zero: this is not a plain file (a device or a pipe): give a spreadsheet"
    )


# -- the terminal -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("intake", "caf\udce9.xlsx"),
        ("withdraw", "EMP23-07", "--date", "2024-08-01", "--reason", "d\udce9part"),
        ("--db", "w\udce9.db", "status"),
    ],
    ids=["a file name", "a note", "a workspace"],
)
def test_text_that_is_not_utf8_is_wrong_usage(
    cli: Invoke, tmp_path: Path, args: tuple[str, ...]
) -> None:
    # Python keeps the bytes of an argument that is not UTF-8 as lone surrogates.
    result = cli(*args)
    assert result.exit_code == 2, result
    shown = next(a for a in args if "\udce9" in a).replace("\udce9", "?")
    assert result.stderr.splitlines()[-1] == (
        f"Error: the argument {shown!r} is not UTF-8 text: rename the file, or type the text again"
    )


def slrbcall(*args: str | Path, **options: Any) -> subprocess.CompletedProcess[bytes]:
    """``slrbcall ARGS`` in its own process, through the console entry point."""
    env = {**os.environ, "PYTHONPATH": str(REPO), **options.pop("env", {})}
    return subprocess.run(
        [sys.executable, "-m", "slrbcall", *map(str, args)],
        env=env,
        capture_output="stdout" not in options,
        check=False,
        timeout=60,
        **options,
    )


def test_an_output_without_the_euro_sign(demo_db: Path) -> None:
    env = {"PYTHONIOENCODING": "ascii"}
    report = slrbcall("--db", demo_db, "report", env=env)
    assert report.returncode == 0, report.stderr
    assert b"EUR 255,000.00" in report.stdout
    plain = slrbcall("--db", demo_db, "applications", "show", "EMP23-01", "--json", env=env)
    utf8 = slrbcall("--db", demo_db, "applications", "show", "EMP23-01", "--json")
    assert plain.stdout.isascii()
    assert json.loads(plain.stdout) == json.loads(utf8.stdout)  # escapes, nothing lost
    assert "écriture" in json.loads(plain.stdout)["title"]


def test_a_table_without_the_euro_sign_keeps_its_columns(demo_db: Path) -> None:
    """EUR takes three cells where the euro sign took one: the table is laid out with
    what the output will show, so its borders still line up."""
    done = slrbcall(
        "--db", demo_db, "payments", env={"PYTHONIOENCODING": "ascii", "COLUMNS": "200"}
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.decode("ascii").splitlines() if line[:1] in "|+"]
    assert any("EUR" in row for row in rows)
    assert len({len(row) for row in rows}) == 1, rows


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="Linux's /dev/full")
@pytest.mark.parametrize("args", [("status",), ("report", "--json"), ("--help",)])
def test_a_full_standard_output(demo_db: Path, args: tuple[str, ...]) -> None:
    with Path("/dev/full").open("wb") as full:
        done = slrbcall("--db", demo_db, *args, stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == 5
    assert done.stderr == b"Error: the output could not be written (No space left on device)\n"


def test_a_closed_pipe_ends_the_command_quietly(demo_db: Path) -> None:
    read, write = os.pipe()
    os.close(read)
    try:
        done = slrbcall("--db", demo_db, "report", stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert done.returncode == 5
    assert done.stderr == b""
