"""Officers at work at once: four processes taking in, scoring and paying on two calls,
on both backends. Nothing is lost or doubled, and a refusal is a clean line."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from slrbcall.store import Workspace

from .conftest import REPO, empowerment_text, write_call

pytestmark = pytest.mark.both_backends

CALLS = ("empowerment-2023", "empowerment-2024")
FUNDED = ("EMP23-03", "EMP23-05", "EMP23-07", "EMP23-09", "EMP23-12", "EMP23-14")


@pytest.fixture
def calls(tmp_path: Path) -> Path:
    """Two calls alike but for their id."""
    folder = tmp_path / "calls"
    write_call(folder, empowerment_text())
    write_call(
        folder,
        empowerment_text(**{"id: empowerment-2023": "id: empowerment-2024"}),
        name="empowerment-2024.yaml",
    )
    return folder


def at_once(db: Path | str, calls: Path, commands: Sequence[Sequence[str | Path]]) -> list[int]:
    """Run the commands in parallel processes, as four officers would; each ends with
    0 or a clean refusal (one 'Error:' line, exit 1 or 4), never a traceback. Their exit
    codes."""
    outcomes: list[int] = []
    env = {**os.environ, "SLRBCALL_BUSY_TIMEOUT": "60", "COLUMNS": "200"}
    running = [
        subprocess.Popen(
            [sys.executable, "-m", "slrbcall", "--db", str(db), "--calls-dir", str(calls)]
            + [str(part) for part in command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO,
        )
        for command in commands
    ]
    for process, command in zip(running, commands, strict=True):
        out, err = process.communicate(timeout=240)
        assert "Traceback" not in err, (command, err)
        assert process.returncode == 0 or (
            process.returncode in (1, 4) and err.startswith("Error: ")
        ), (command, process.returncode, out, err)
        outcomes.append(process.returncode)
    return outcomes


def rows(db: Path | str, sql: str) -> list[tuple[object, ...]]:
    with Workspace.open(db, create=False) as ws:
        return [tuple(r) for r in ws._conn.execute(sql).fetchall()]


def payments_file(tmp_path: Path, make_xlsx: Callable[..., Path], name: str) -> Path:
    header = ["Reference", "Tranche", "Payment date"]
    return make_xlsx(
        [header, *([ref, 1, "15/01/2024"] for ref in FUNDED)], name=name, sheet="Payments"
    )


def test_four_officers_on_two_calls_lose_and_double_nothing(
    db: Path | str, calls: Path, tmp_path: Path, make_xlsx: Callable[..., Path]
) -> None:
    applications = REPO / "examples" / "applications.xlsx"
    scores = REPO / "examples" / "scores.xlsx"
    a, b = (("--call", call) for call in CALLS)
    # Two officers take in the same file into each call at once.
    intakes = [(*a, "intake", applications)] * 2 + [(*b, "intake", applications)] * 2
    assert at_once(db, calls, intakes) == [0, 0, 0, 0]
    counted = "SELECT call_id, count(*) FROM application GROUP BY call_id ORDER BY call_id"
    assert rows(db, counted) == [(CALLS[0], 15), (CALLS[1], 15)]
    audited = (
        "SELECT chain, count(*), count(DISTINCT entity_key) FROM audit"
        " WHERE entity = 'application' GROUP BY chain ORDER BY chain"
    )
    assert rows(db, audited) == [(CALLS[0], 15, 15), (CALLS[1], 15, 15)]
    # The committee's marks, twice per call at once.
    assert at_once(db, calls, [(*a, "score", scores), (*b, "score", scores)] * 2) == [0] * 4
    marks = "SELECT call_id, count(*) FROM mark GROUP BY call_id ORDER BY call_id"
    (first, second) = rows(db, marks)
    assert first[1] == second[1] > 0
    for run, call in enumerate((a, b), start=1):  # run ids are the workspace's
        at_once(db, calls, [(*call, "allocate")])
        at_once(db, calls, [(*call, "allocations", "adopt", str(run))])
        for ref in FUNDED:
            at_once(
                db, calls,
                [(*call, "followup", "record", ref, "--milestone", "signature",
                  "--date", "2023-12-15", "--today", "2024-02-01")],
            )  # fmt: skip
    # Two finance officers take in the same payments into each call at once.
    paid = [payments_file(tmp_path, make_xlsx, f"payments-{n}.xlsx") for n in range(2)]
    takes = [
        (*c, "payments", "take", file, "--today", "2024-02-01") for c in (a, b) for file in paid
    ]
    assert at_once(db, calls, takes) == [0] * 4
    payments = "SELECT call_id, count(*), count(DISTINCT reference) FROM payment GROUP BY call_id"
    assert sorted(rows(db, payments)) == [(CALLS[0], 6, 6), (CALLS[1], 6, 6)]
    with Workspace.open(db, create=False) as ws:
        assert ws.verify_audit() is None
        assert set(ws.audit_heads()) == set(CALLS)
