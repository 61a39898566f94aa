"""Every --json output of the allocation is JSON alone, under every policy.

The HiGHS solver prints its banner from C, which a capture inside Python does not
see; so these run the command line in a real subprocess and parse what it wrote.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from .conftest import REPO

POLICIES = [
    pytest.param(["--policy", "greedy"], id="greedy"),
    pytest.param(["--policy", "greedy", "--partial", "remainder"], id="greedy-partial"),
    pytest.param(["--policy", "strict"], id="strict"),
    pytest.param(["--policy", "strict", "--partial", "remainder"], id="strict-partial"),
    pytest.param(["--policy", "max-score"], id="max-score"),
    pytest.param(["--policy", "max-score", "--org-cap", "1"], id="max-score-org-cap"),
]


def run_json(db: Path, *args: str) -> Any:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "slrbcall", "--db", str(db), *args, "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("policy", POLICIES)
def test_allocate_json_is_json_alone(demo_db: Path, policy: list[str]) -> None:
    result = run_json(demo_db, "allocate", "--budget", "255000", *policy, "--dry-run")
    assert result["options"]["budget"] == "255000.00"
    assert result["options"]["policy"] == policy[1]


@pytest.mark.parametrize(
    "budget", ["0", "1", "10000", "65000", "255000", "650000", "10000000"], ids=str
)
def test_max_score_json_at_edge_budgets(demo_db: Path, budget: str) -> None:
    """Budget 0, below every request, one request exactly, and above all requests."""
    result = run_json(demo_db, "allocate", "--budget", budget, "--policy", "max-score", "--dry-run")
    awarded = sum(Decimal(line["amount"]) for line in result["lines"])
    assert awarded == Decimal(result["total_awarded"]) <= Decimal(budget)


def test_scenarios_json_is_json_alone(demo_db: Path) -> None:
    result = run_json(
        demo_db,
        "scenarios",
        "--budget",
        "200000",
        "--budget",
        "255000",
        "--policy",
        "greedy",
        "--policy",
        "max-score",
    )
    assert len(result["scenarios"]) == 4
