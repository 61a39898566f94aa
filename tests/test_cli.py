"""The command line: exit codes, exact messages, JSON, global options."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from slrbcall import __version__

from .conftest import REPO, Invoke, empowerment_text, write_call


def test_help_lists_the_commands(cli: Invoke) -> None:
    result = cli("--help")
    assert result.exit_code == 0
    for command in ("demo", "status", "doctor", "calls"):
        assert command in result.stdout


def test_version(cli: Invoke) -> None:
    assert cli("--version").stdout == f"slrbcall {__version__}\n"


def test_python_dash_m(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "slrbcall", "--version"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "SLRBCALL_CACHE_DIR": ""},
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"slrbcall {__version__}"


def test_calls_list(cli: Invoke) -> None:
    result = cli("calls", "list")
    assert result.exit_code == 0
    assert "empowerment-2023" in result.stdout
    assert "€ 255,000.00" in result.stdout
    assert "cohesion-sociale-2021" in result.stdout


def test_calls_list_on_a_narrow_terminal_hides_no_letter_of_an_id(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 60 columns the ids do not fit their column: they are folded onto the next line,
    never cut short with an ellipsis (an officer types the id the list shows)."""
    monkeypatch.setenv("COLUMNS", "60")
    result = cli("calls", "list")
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 60
    first_column = "".join(
        line.split("│")[1].strip() for line in result.stdout.splitlines() if "│" in line
    )
    assert "cohesion-sociale-2021" in first_column
    assert "empowerment-2023" in first_column
    assert "…" not in first_column


def test_calls_list_json_money_is_text(cli: Invoke) -> None:
    data = json.loads(cli("calls", "list", "--json").stdout)
    empowerment = next(
        item for item in data if item["call"] and item["call"]["id"] == "empowerment-2023"
    )
    assert empowerment["valid"] is True
    assert empowerment["call"]["budget"] == "255000.00"
    assert empowerment["call"]["grant_minimum"] == "10000.00"


def test_calls_list_shows_an_invalid_call(tmp_path: Path, cli: Invoke) -> None:
    folder = tmp_path / "calls"
    write_call(folder, empowerment_text(**{"budget: 255000 ": "budget: 2e5 "}))
    result = cli("calls", "list", "--calls-dir", folder)
    assert result.exit_code == 0
    assert "1 problem" in result.stdout
    assert "Run 'slrbcall calls validate FILE' to see the problems." in result.stdout


def test_calls_show(cli: Invoke) -> None:
    result = cli("calls", "show", "empowerment-2023")
    assert result.exit_code == 0, result
    out = result.stdout
    for fact in (
        "Appel à projets Empowerment 2023",
        "Projectoproep Empowerment 2023",
        "€ 255,000.00",
        "€ 10,000.00 to € 65,000.00",
        "12 months",
        "Fracture numérique",
        "Digitale kloof",
        "2023-11",
        "Comité d'avis",
        "end + 3 months",
        "50%",
        "final_report",
    ):
        assert fact in out, fact


def test_calls_show_json(cli: Invoke) -> None:
    data = json.loads(cli("calls", "show", "empowerment-2023", "--json").stdout)
    assert data["budget"] == "255000.00"
    assert [t["percent"] for t in data["tranches"]] == ["50", "30", "20"]
    assert data["themes"][0] == {
        "key": "sustainable-food",
        "label": {"nl": "Duurzame voeding", "fr": "Alimentation durable"},
    }


def test_unknown_call_is_refused_with_a_suggestion(cli: Invoke) -> None:
    result = cli("calls", "show", "empowerment-2024")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: unknown call 'empowerment-2024' (did you mean 'empowerment-2023'?)"
    )


def test_user_text_is_never_markup(tmp_path: Path, cli: Invoke) -> None:
    folder = tmp_path / "calls"
    write_call(
        folder,
        empowerment_text(**{"fr: Appel à projets Empowerment 2023": "fr: '[bold]x[/] [red]y'"}),
    )
    result = cli("--calls-dir", folder, "calls", "show", "empowerment-2023")
    assert result.exit_code == 0, result
    assert "[bold]x[/] [red]y" in result.stdout


def test_global_options_work_after_the_command(tmp_path: Path, cli: Invoke) -> None:
    db = tmp_path / "here.db"
    assert cli("demo", "--out", tmp_path / "demo").exit_code == 0
    result = cli("status", "--db", tmp_path / "demo" / "slrbcall.db", "--json")
    assert result.exit_code == 0, result
    assert json.loads(result.stdout)["exists"] is True
    assert json.loads(cli("status", f"--db={db}", "--json").stdout)["exists"] is False


def test_status_without_workspace_does_not_create_one(tmp_path: Path, cli: Invoke) -> None:
    db = tmp_path / "none.db"
    result = cli("--db", db, "status")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"No workspace at {db} yet")
    assert not db.exists()


def test_status_reports_a_call_edited_after_use(tmp_path: Path, cli: Invoke) -> None:
    folder = tmp_path / "calls"
    path = write_call(folder, empowerment_text())
    out = tmp_path / "demo"
    assert cli("--calls-dir", folder, "demo", "--out", out).exit_code == 0
    path.write_text(empowerment_text(**{"budget: 255000 ": "budget: 300000 "}), encoding="utf-8")
    result = cli("--calls-dir", folder, "--db", out / "slrbcall.db", "status")
    assert "edited since it was recorded" in result.stdout
    assert "A call definition was edited after it was used" in result.stdout


def test_demo_in_a_fresh_folder(tmp_path: Path, cli: Invoke) -> None:
    out = tmp_path / "demo"
    result = cli("demo", "--out", out)
    assert result.exit_code == 0, result
    assert "Validated 2 call definitions" in result.stdout
    assert (out / "slrbcall.db").exists()
    status = json.loads(cli("--db", out / "slrbcall.db", "status", "--json").stdout)
    assert {c["id"] for c in status["calls"]} == {"empowerment-2023"}
    assert status["counts"]["application"] == 15
    assert status["counts"]["mark"] == 370  # 15 x 5 members x 5 criteria, less one conflict
    assert status["counts"]["allocation_run"] == 2
    assert status["counts"]["allocation_adoption"] == 2
    assert status["counts"]["withdrawal"] == 1
    # the call, 15 applications and their 15 budgets, 370 marks, the allocation run and its
    # adoption, the 6 conventions and 15 letters issued, the withdrawal, the reallocation
    # run and its adoption, EMP23-01's convention and letter, then the follow-up: 17 milestones,
    # 9 payments and 12 monitoring reports; then the last mile: 13 expenses and their
    # 13 reviews, 2 final reports, 2 settlements and their letters, and a last payment
    assert status["counts"]["audit"] == (
        1 + 15 + 15 + 370 + 1 + 1 + 6 + 15 + 1 + 1 + 1 + 2 + 17 + 9 + 12 + 13 + 13 + 2 + 2 + 2 + 1
    )
    assert status["counts"]["settlement"] == 2
    assert "Stored as proposal run 1, then adopted as the call's decision" in result.stdout
    assert "€ 251,000.00 awarded, € 4,000.00 left; every decision has its reason" in result.stdout
    assert "6 funded;" in result.stdout
    assert "8. Rendered 6 conventions and 15 letters" in result.stdout
    said = " ".join(result.stdout.split())
    assert (
        "9. EMP23-07 withdrew on 2024-01-08, before any payment (the partner, vzw Buurtwerk "
        "Noord, stopped its activities): € 42,500.00 was free (€ 38,500.00 released, "
        "€ 4,000.00 left unspent). The reserve's first project that fits, EMP23-01, was "
        "funded € 35,000.00 from the reserve (run 2, adopted); € 7,500.00 is left. Rendered "
        f"its convention and award letter in {out / 'reallocation' / 'conventions'} and "
        f"{out / 'reallocation' / 'outbox'}"
    ) in said
    assert "10. Followed the projects up to 2025-03-10: 17 milestones recorded" in said
    assert "11. Outcomes from monitoring.xlsx: 202 residents involved, 98 trained" in said
    assert (
        "12. Settled EMP23-03 and EMP23-05 on 2025-04-15 from 13 justified expenses and the "
        "officer's review (review.xlsx): EMP23-03 admitted € 43,200.00 of € 45,000.00, "
        "€ 36,000.00 paid, so its last payment is € 7,200.00 instead of € 9,000.00 (paid on "
        "2025-04-25); EMP23-05 admitted € 27,200.00, € 33,200.00 paid, so € 6,000.00 is to "
        "be recovered by 2025-05-15."
    ) in said
    assert (
        "3. Took in 15 applications for empowerment-2023 from applications.xlsx: 13 housing companies, € 650,000.00 requested, 15 eligible, 0 ineligible."
        in result.stdout
    )


def test_demo_refuses_a_folder_that_is_not_empty(tmp_path: Path, cli: Invoke) -> None:
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    result = cli("demo", "--out", tmp_path)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {tmp_path} is not empty: the demo needs a fresh folder"


def test_doctor_json(tmp_path: Path, cli: Invoke) -> None:
    result = cli("--db", tmp_path / "ws.db", "doctor", "--json")
    checks = {c["check"]: c for c in json.loads(result.stdout)}
    assert checks["python"]["ok"] is True
    assert checks["calls"]["ok"] is True
    assert checks["workspace"]["ok"] is True
    assert result.exit_code == 0


def test_doctor_exits_5_when_the_calls_are_broken(tmp_path: Path, cli: Invoke) -> None:
    folder = tmp_path / "calls"
    write_call(folder, empowerment_text(**{"budget: 255000 ": "budget: 2e5 "}))
    result = cli("--calls-dir", folder, "--db", tmp_path / "ws.db", "doctor")
    assert result.exit_code == 5
    assert "FAIL" in result.stdout


def test_db_that_is_a_directory(tmp_path: Path, cli: Invoke) -> None:
    result = cli("--db", tmp_path, "demo", "--out", tmp_path / "d")
    assert result.exit_code == 0  # the demo uses its own workspace
    result = cli("--db", tmp_path, "status")
    assert result.exit_code == 3
    assert result.stderr.startswith(f"{tmp_path}: is a directory: --db names a database file")


def test_installed_layout_finds_the_shipped_calls() -> None:
    from slrbcall.resources import shipped_dir

    assert (shipped_dir("calls") / "empowerment-2023.yaml").is_file()
    assert shipped_dir("calls") == REPO / "calls"
