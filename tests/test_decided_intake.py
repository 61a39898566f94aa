"""After the decision, an application is frozen (case 5 of the decision's life): a file
that changes a decided row is refused, and every reading command keeps working whatever
is taken in later."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import REPO, Invoke, raw

pytestmark = pytest.mark.both_backends

EXAMPLE = REPO / "examples" / "applications.xlsx"


def edited(
    tmp_path: Path, changes: dict[tuple[int, str], Any], *, extra: dict[str, Any] | None = None
) -> Path:
    """The example applications with some cells changed (by row and header) and maybe one
    row added (the second row's values, with ``extra``'s by header)."""
    import openpyxl

    book = openpyxl.load_workbook(EXAMPLE)
    sheet = book.active
    columns = {str(cell.value).rstrip(" *"): cell.column for cell in sheet[1] if cell.value}
    for (row, header), value in changes.items():
        sheet.cell(row=row, column=columns[header]).value = value
    if extra:
        last = sheet.max_row + 1
        for col in range(1, sheet.max_column + 1):
            sheet.cell(row=last, column=col).value = sheet.cell(row=2, column=col).value
        for header, value in extra.items():
            sheet.cell(row=last, column=columns[header]).value = value
    path = tmp_path / "applications.xlsx"
    book.save(path)
    return path


def count(db: Path, sql: str) -> Any:
    with raw(db) as conn:
        return conn.execute(sql).fetchone()[0]


@pytest.mark.parametrize("dry_run", [False, True], ids=["intake", "dry-run"])
def test_a_file_that_changes_a_decided_row_is_refused(
    cli: Invoke, demo_db: Path, tmp_path: Path, dry_run: bool
) -> None:
    """Case 5: a corrected row for a funded, paid application was taken in silently."""
    # Row 4 is EMP23-03 (funded, signed, paid); row 12 is EMP23-11 (refused).
    path = edited(
        tmp_path,
        {
            (4, "Titre du projet"): "Digitale inclusie 2.0",
            (4, "Montant demandé"): 60000,
            (12, "Montant demandé"): 20000,
        },
    )
    audit = count(demo_db, "SELECT count(*) FROM audit")
    result = cli("--db", demo_db, "intake", path, *(["--dry-run"] if dry_run else []))
    assert result.exit_code == 3, result
    assert result.stderr.splitlines() == [
        "applications.xlsx: sheet 'Candidatures', row 4: EMP23-03 was decided (adopted run 2):"
        " its row may no longer change (Project title, Requested amount); put back the decided"
        " values, and record a change of the award with 'slrbcall amend EMP23-03' or a"
        " renunciation with 'slrbcall withdraw EMP23-03'",
        "applications.xlsx: sheet 'Candidatures', row 12: EMP23-11 was decided (adopted run 2):"
        " its row may no longer change (Requested amount); put back the decided values, and"
        " record a change of the award with 'slrbcall amend EMP23-11' or a renunciation with"
        " 'slrbcall withdraw EMP23-11'",
        "2 problems; nothing was stored.",
    ]
    assert count(demo_db, "SELECT count(*) FROM audit") == audit
    assert count(demo_db, "SELECT title FROM application WHERE reference = 'EMP23-03'") == (
        "Digitale inclusie"
    )


def test_a_late_application_is_taken_in_and_every_reading_command_still_works(
    cli: Invoke, demo_db: Path, tmp_path: Path
) -> None:
    path = edited(
        tmp_path,
        {},
        extra={
            "Référence": "EMP23-16",
            "Société de logement": "Foyer du Sud",
            "Partenaire": "ASBL Neuf",
            "Titre du projet": "Projet tardif",
            "Thème": "Culture et art",
        },
    )
    result = cli("--db", demo_db, "intake", path)
    assert result.exit_code == 0, result
    assert "1 new, 0 changed, 15 unchanged" in result.stdout
    for args in (
        ("ranking",),
        ("report", "--json"),
        ("payments", "--today", "2025-03-10"),
        ("timeline", "--today", "2025-03-10"),
        ("explain", "EMP23-03"),
        ("history", "EMP23-16"),
        ("render-conventions", "--out", tmp_path / "conventions"),
    ):
        ran = cli("--db", demo_db, *args)
        assert ran.exit_code == 0, (args, ran)
    figures = json.loads(cli("--db", demo_db, "report", "--json").stdout)
    assert figures["money"]["awarded"] == "247500.00"
    assert figures["applications"]["received"] == 16


def test_a_decided_application_keeps_its_status_when_the_call_would_judge_it_otherwise(
    cli: Invoke, demo_db: Path, tmp_path: Path
) -> None:
    """The call's rules changed after the decision: the decided keep what they were
    decided with, and the intake says so."""
    calls = tmp_path / "calls"
    calls.mkdir()
    source = (REPO / "calls" / "empowerment-2023.yaml").read_text(encoding="utf-8")
    (calls / "empowerment-2023.yaml").write_text(
        source.replace("maximum: 65000", "maximum: 50000", 1), encoding="utf-8"
    )
    (calls / "organisations.yaml").write_text(
        (REPO / "calls" / "organisations.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = cli("--db", demo_db, "--calls-dir", calls, "intake", EXAMPLE)
    assert result.exit_code == 0, result
    assert "EMP23-09 is decided and keeps the status it was decided with, though the call" in (
        result.stdout + result.stderr
    )
    status = count(demo_db, "SELECT status FROM application WHERE reference = 'EMP23-09'")
    assert status == "eligible"
