"""The wheel carries the calls and templates, and works away from the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("slrbcall-*.whl")
    return built


def test_wheel_holds_the_shipped_data_once(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "slrbcall/_data/calls/empowerment-2023.yaml" in names
    assert "slrbcall/_data/calls/organisations.yaml" in names
    assert not any(name.startswith("calls/") for name in names)


def test_installed_wheel_runs_away_from_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "SLRBCALL_CACHE_DIR": ""}
    done = subprocess.run(
        [sys.executable, "-m", "slrbcall", "calls", "list", "--json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert '"id": "empowerment-2023"' in done.stdout
    assert (
        str(target)
        in subprocess.run(
            [sys.executable, "-c", "import slrbcall.resources as r; print(r.shipped_dir('calls'))"],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
