"""Read commands on a workspace of ten years, on SQLite and on PostgreSQL.

Builds a workspace of 200 calls (twenty a year for ten years), 100 applications each
(20,000 in all), their marks, an adopted allocation, signatures and first payments,
and an audit trail of a million rows, every chain intact. One call is made by the
tool's own use cases (intake, scores, allocation, adoption, signatures, payments); the
others are copies of it under their own ids, their audit rows written again through
the store so that each call has its own chain, topped up with document rows to reach
the million. The same workspace is then copied to a PostgreSQL server by ``workspace
copy``: $SLRBCALL_TEST_POSTGRES, else a throwaway cluster (tests/pgserver.py).

Then it times each read command people run all day on one call of it: ``status``,
``ranking``, ``report``, ``timeline`` and ``history REF``, ``--repeat`` times each, the
best and the median: inside one warm process (what the workspace costs), and as the
wall-clock time of a whole ``python -m slrbcall`` process, which is what an officer waits
for (start-up included). Goals: 300 ms on SQLite and 500 ms on PostgreSQL, for the whole
process. The floor beside them is what any command costs before it reads anything: the
interpreter and ``import typer`` (see bench/startup.py), and ``slrbcall --version``.

    python bench/workspace.py [--calls 200] [--applications 100] [--audit 1000000]
                              [--repeat 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from intake import bench_calls, generate  # noqa: E402

from slrbcall.settings import Settings  # noqa: E402

GOALS = {"sqlite": 0.300, "postgresql": 0.500}
TEMPLATE = "call-2015-01"
#: The tables of a call, in the order their foreign keys allow, and the id columns that
#: a copy moves by the table's stride (``run_id`` and ``adoption_id`` point to others).
TABLES = (
    "call_snapshot",
    "workspace_call",
    "intake_file",
    "application",
    "mark",
    "allocation_run",
    "allocation_decision",
    "allocation_adoption",
    "allocation_reserve",
    "followup_milestone",
    "payment",
)
MOVED = {
    "call_snapshot": {"id": "call_snapshot"},
    "workspace_call": {"snapshot_id": "call_snapshot"},
    "intake_file": {"id": "intake_file"},
    "application": {
        "id": "application",
        "snapshot_id": "call_snapshot",
        "intake_file_id": "intake_file",
    },
    "mark": {"id": "mark"},
    "allocation_run": {"id": "allocation_run"},
    "allocation_decision": {"run_id": "allocation_run"},
    "allocation_adoption": {
        "id": "allocation_adoption",
        "run_id": "allocation_run",
        "superseded_run_id": "allocation_run",
    },
    "allocation_reserve": {"adoption_id": "allocation_adoption"},
}


def call_ids(count: int) -> list[str]:
    return [f"call-{2015 + i // 20}-{i % 20 + 1:02d}" for i in range(count)]


def write_calls(folder: Path, ids: list[str]) -> Path:
    """The calls folder: the bench's Empowerment call under every id."""
    bench_calls(folder)
    text = (folder / "empowerment-2023.yaml").read_text(encoding="utf-8")
    (folder / "empowerment-2023.yaml").unlink()
    for call in ids:
        (folder / f"{call}.yaml").write_text(
            text.replace("id: empowerment-2023", f"id: {call}"), encoding="utf-8"
        )
    return folder


def build_template(work: Path, calls: Path, applications: int) -> Path:
    """One call through the tool's use cases: intake, marks, allocation, adoption,
    signatures, first tranches."""
    from slrbcall.allocation.service import adopt, allocate
    from slrbcall.calls.definition import load_registry
    from slrbcall.committee import scoring
    from slrbcall.committee.service import stored_state, take_scores, write_scores_template
    from slrbcall.followup.service.payments import record_milestone, record_payment

    db = work / "template.db"
    settings = Settings(db=db, calls_dir=calls, call_id=TEMPLATE, team=False)
    workbook = work / "applications.xlsx"
    generate(workbook, applications)
    from slrbcall.intake.service import intake

    intake(settings, workbook)
    loaded, stored, _ = stored_state(settings)
    call = loaded.call
    conflicts = scoring.conflicts(call, stored, load_registry(calls))
    rng = random.Random(2015)
    rows: list[list[object]] = [
        [app.reference, app.title, member.key]
        + [rng.randrange(c.max_mark // 2, c.max_mark + 1) for c in call.criteria]
        + [None]
        for app in sorted(stored, key=lambda a: a.reference)
        if app.status.value == "eligible"
        for member in call.committee
        if member.key not in conflicts.get(app.reference, frozenset())
    ]
    marks = work / "marks.xlsx"
    write_scores_template(settings, marks, rows=rows)
    take_scores(settings, marks)
    done = allocate(settings)
    assert done.run_id is not None
    adopt(settings, done.run_id)
    today = dt.date(2016, 6, 1)
    funded = [line.reference for line in done.result.lines if line.amount_cents > 0]
    for ref in funded:
        record_milestone(settings, ref, key="signature", on=dt.date(2015, 12, 15), today=today)
        record_payment(settings, ref, tranche=1, paid_on=dt.date(2016, 1, 15), today=today)
    return db


def build(work: Path, calls: Path, ids: list[str], applications: int, audit: int) -> Path:
    """The ten-year workspace, as a SQLite file."""
    from slrbcall.store import Workspace

    template = build_template(work, calls, applications)
    source = sqlite3.connect(template)
    strides = {
        table: int(
            source.execute(f"SELECT coalesce(max({column}), 0) + 1 FROM {table}").fetchone()[0]
        )
        for table, column in (
            ("call_snapshot", "id"),
            ("intake_file", "id"),
            ("application", "id"),
            ("mark", "id"),
            ("allocation_run", "id"),
            ("allocation_adoption", "id"),
        )
    }
    rows = {table: _rows(source, table) for table in TABLES}
    entries = [
        (r[0], r[1], r[2], _load(r[3]), _load(r[4]))
        for r in source.execute(
            "SELECT action, entity, entity_key, before_json, after_json FROM audit"
            " WHERE chain = ? ORDER BY id",
            (TEMPLATE,),
        )
    ]
    per_call = max(len(entries), audit // len(ids))
    db = work / "ten-years.db"
    with Workspace.open(db) as ws:
        for k, call in enumerate(ids):
            with ws.write(command="bench", call=call, actor="bench") as tx:
                for table in TABLES:
                    columns, values = rows[table]
                    moved = MOVED.get(table, {})
                    out = []
                    for row in values:
                        item = dict(zip(columns, row, strict=True))
                        if "call_id" in item:
                            item["call_id"] = call
                        for column, by in moved.items():
                            if item.get(column) is not None:
                                item[column] += k * strides[by]
                        out.append(tuple(item[c] for c in columns))
                    tx.executemany(
                        f"INSERT INTO {table} ({', '.join(columns)})"
                        f" VALUES ({', '.join('?' * len(columns))})",
                        out,
                    )
                tx.audit_many(
                    [
                        (a, e, None if key is None else call + key[len(TEMPLATE) :], b, f)
                        for a, e, key, b, f in entries
                    ]
                    + [
                        (
                            "event",
                            "document",
                            f"{call}/B-{n % applications:06d}/letter.fr",
                            None,
                            {"file": f"letter-{n}.docx", "sha256": f"{n:064d}"},
                        )
                        for n in range(per_call - len(entries))
                    ]
                )
    return db


def _rows(source: sqlite3.Connection, table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    if table == "allocation_decision":
        sql = "SELECT * FROM allocation_decision"
    elif table == "allocation_reserve":
        sql = "SELECT * FROM allocation_reserve"
    else:
        sql = f"SELECT * FROM {table} WHERE call_id = '{TEMPLATE}'"
    cursor = source.execute(sql)
    return [d[0] for d in cursor.description], cursor.fetchall()


def _load(text: str | None) -> Any:
    import json

    return None if text is None else json.loads(text)


@contextlib.contextmanager
def server() -> Iterator[str]:
    """A PostgreSQL server's URL: $SLRBCALL_TEST_POSTGRES, else a throwaway cluster."""
    url = os.environ.get("SLRBCALL_TEST_POSTGRES")
    if url:
        yield url
        return
    from tests.pgserver import throwaway_cluster

    with throwaway_cluster() as started:
        yield started


def to_server(db: Path, admin: str) -> str:
    """The workspace copied into a new database of the server; its URL."""
    import psycopg

    from slrbcall.store import Workspace
    from slrbcall.store.copy import copy_workspace

    name = f"slrbcall_bench_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    base, _, query = admin.partition("?")
    url = f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")
    with Workspace.open(db, create=False) as source, Workspace.open(url) as target:
        copy_workspace(source, target)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    return url


def commands(call: str) -> list[list[str]]:
    return [
        ["--call", call, "status"],
        ["--call", call, "ranking"],
        ["--call", call, "report"],
        ["--call", call, "timeline", "--today", "2016-06-01"],
        ["--call", call, "history", "B-000007"],
    ]


def in_process(db: str, calls: Path, args: list[str], repeat: int) -> list[float]:
    """Seconds of each run of the command in this (warm) process."""
    from typer.testing import CliRunner

    from slrbcall.cli.app import app

    runner = CliRunner()
    full = ["--db", db, "--calls-dir", str(calls), *args]
    times = []
    for run in range(repeat + 1):  # the first run warms the imports and the cache
        start = time.perf_counter()
        done = runner.invoke(app, full, catch_exceptions=False)
        seconds = time.perf_counter() - start
        if done.exit_code != 0:
            raise SystemExit(f"slrbcall {' '.join(args)} failed: {done.output}")
        if run:
            times.append(seconds)
    return times


def whole(command: list[str], repeat: int) -> list[float]:
    """Wall-clock seconds of each run of a whole process, after one that writes the
    bytecode and the cache of call definitions, as an officer's earlier commands did."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times = []
    for run in range(repeat + 1):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, env=env, cwd=REPO)
        if run:
            times.append(time.perf_counter() - start)
    return times


def slrbcall(db: str, calls: Path, args: list[str]) -> list[str]:
    return [sys.executable, "-m", "slrbcall", "--db", db, "--calls-dir", str(calls), *args]


def figures(times: list[float]) -> str:
    """Best and median, in milliseconds."""
    return f"{min(times) * 1000:>6.0f}{statistics.median(times) * 1000:>7.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--applications", type=int, default=100)
    parser.add_argument("--audit", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="Build the workspace in DIR and keep it (with its server database); "
        "a later run with the same DIR and server reuses it.",
    )
    options = parser.parse_args()
    os.environ.setdefault("SLRBCALL_CACHE_DIR", tempfile.mkdtemp(prefix="slrbcall-cache-"))
    os.environ["COLUMNS"] = "160"
    with contextlib.ExitStack() as stack:
        if options.keep:
            work = Path(options.keep)
            work.mkdir(parents=True, exist_ok=True)
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="slrbcall-")))
        admin = stack.enter_context(server())
        ids = call_ids(options.calls)
        kept = work / "ten-years.db"
        start = time.perf_counter()
        if kept.exists() and (work / "server-url").exists():
            calls, db = work / "calls", kept
            url = (work / "server-url").read_text(encoding="utf-8")
            built = copied = 0.0
        else:
            calls = write_calls(work / "calls", ids)
            db = build(work, calls, ids, options.applications, options.audit)
            built = time.perf_counter() - start
            start = time.perf_counter()
            url = to_server(db, admin)
            copied = time.perf_counter() - start
            (work / "server-url").write_text(url, encoding="utf-8")
        print_figures(db, url, calls, ids, options, built, copied)


def print_figures(
    db: Path,
    url: str,
    calls: Path,
    ids: list[str],
    options: argparse.Namespace,
    built: float,
    copied: float,
) -> None:
    from slrbcall.store import Workspace

    with Workspace.open(db, create=False) as ws:
        counts = ws.counts()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python:  {platform.python_version()}, sqlite {sqlite3.sqlite_version}")
    print(
        f"workspace: {len(ids)} calls, {counts['application']:,} applications, "
        f"{counts['mark']:,} marks, {counts['payment']:,} payments, "
        f"{counts['audit']:,} audit rows; {db.stat().st_size / 1e6:.0f} MB on SQLite"
    )
    print(f"built in {built:.0f} s; copied to PostgreSQL in {copied:.0f} s")
    print(
        f"times in ms, best and median of {options.repeat} runs: 'command' inside a warm "
        "process, 'process' a whole python -m slrbcall; the goal is for the process\n"
    )
    floor = (
        ("python -c 'import typer'", [sys.executable, "-c", "import typer"]),
        ("slrbcall --version", [sys.executable, "-m", "slrbcall", "--version"]),
    )
    for name, command in floor:
        print(f"floor: {name:<26}{figures(whole(command, options.repeat))}")
    call = ids[len(ids) // 2]
    print(f"\n{'command':<22}{'backend':<12}{'command':>13}{'process':>13}{'goal':>6}  result")
    print(f"{'':<34}{'best':>6}{'median':>7}{'best':>6}{'median':>7}")
    failed = False
    for args in commands(call):
        for backend, location in (("sqlite", str(db)), ("postgresql", url)):
            mine = in_process(location, calls, args, options.repeat)
            total = whole(slrbcall(location, calls, args), options.repeat)
            goal = GOALS[backend]
            ok = min(total) <= goal
            failed |= not ok
            name = " ".join(a for a in args[2:] if not a.startswith("--") and a[0].isalpha())
            print(
                f"{name:<22}{backend:<12}{figures(mine)}{figures(total)}{goal * 1000:>6.0f}  "
                f"{'ok' if ok else 'SLOW'}"
            )
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
