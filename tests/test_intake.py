"""Intake: every problem of a file at once, nothing half-stored, ineligibility with reasons."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from slrbcall.store import Workspace

from .conftest import Invoke, raw

pytestmark = pytest.mark.both_backends

HEADER = [
    "Reference",
    "Housing company",
    "Partner",
    "Project title",
    "Theme",
    "Requested amount",
    "Duration (months)",
    "Start date",
    "Language",
]


def row(ref: str, applicant: str = "Log'iris", amount: Any = 30000, **changes: Any) -> list[Any]:
    values = {
        "ref": ref,
        "applicant": applicant,
        "partner": "ASBL Voisins",
        "title": f"Projet {ref}",
        "theme": "Fracture numérique",
        "amount": amount,
        "months": 12,
        "start": "01/01/2024",
        "lang": "fr",
    }
    values.update(changes)
    return list(values.values())


def count_rows(db: Path, table: str = "application") -> int:
    if not Workspace.exists(db):
        return 0
    with raw(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.fixture
def intake(cli: Invoke, db: Path) -> Callable[..., Any]:
    def run(path: Path, *args: str | Path) -> Any:
        return cli("--db", db, "--call", "empowerment-2023", "intake", path, *args)

    return run


def test_a_clean_file_is_taken_in(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any], db: Path
) -> None:
    path = make_xlsx([HEADER, row("E-01"), row("E-02", "Foyer Schaerbeekois")])
    result = intake(path)
    assert result.exit_code == 0, result
    assert result.stdout.splitlines()[0].startswith(
        "Took in 2 applications from applications.xlsx (sheet 'Applications') for "
        "empowerment-2023: 2 new, 0 changed, 0 unchanged; 2 eligible, 0 ineligible."
    )
    assert count_rows(db) == 2


def test_every_bad_cell_is_reported_and_nothing_stored(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any], db: Path
) -> None:
    path = make_xlsx(
        [
            ["Empowerment 2023: candidatures"],
            [],
            HEADER,
            row("E-01"),
            row("E-02", amount="ca 50k"),
            row("E-03", amount="1,500"),
            row("E-04", "Foyer Scharbeekois"),
            row("E-05", months=-2),
            row("E-01"),
            row("E-07", start="31/02/2024", lang="de"),
        ]
    )
    result = intake(path)
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "applications.xlsx: sheet 'Applications', row 5, column F ('Requested amount'): not an amount: 'ca 50k' (write e.g. 44058 or 44.058,00)",
        "applications.xlsx: sheet 'Applications', row 6, column F ('Requested amount'): ambiguous amount: '1,500' could be thousands or decimals: 1.500 or 1,50 (write the one you mean)",
        "applications.xlsx: sheet 'Applications', row 7, column B ('Housing company'): unknown housing company 'Foyer Scharbeekois' (did you mean 'Foyer Schaerbeekois', 'Le Foyer Laekenois'?)",
        "applications.xlsx: sheet 'Applications', row 8, column G ('Duration (months)'): "
        + _negative_message(),
        "applications.xlsx: sheet 'Applications', row 9, column A ('Reference'): the reference 'E-01' is also on row 4: each application needs its own reference",
        "applications.xlsx: sheet 'Applications', row 10, column H ('Start date'): "
        + _bad_date_message(),
        "applications.xlsx: sheet 'Applications', row 10, column I ('Language'): not a language: 'de' (write nl or fr)",
        "7 problems; nothing was stored.",
    ]
    assert count_rows(db) == 0


def test_empty_required_cells_and_a_repeat_beside_an_empty_reference_are_each_reported(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any], db: Path
) -> None:
    path = make_xlsx(
        [
            HEADER,
            row("E-01"),
            row(None, title="Sans référence"),
            row("E-03", title=None, amount=None),
            row("E-01"),
        ]
    )
    result = intake(path)
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "applications.xlsx: sheet 'Applications', row 3, column A ('Reference'): empty, but "
        "the call requires it (write a reference such as EMP-2023-01, unique in the call)",
        "applications.xlsx: sheet 'Applications', row 4, column D ('Project title'): "
        "empty, but the call requires it (write a value)",
        "applications.xlsx: sheet 'Applications', row 4, column F ('Requested amount'): empty, "
        "but the call requires it (write an amount in euro, e.g. 44058 or 44.058,00)",
        "applications.xlsx: sheet 'Applications', row 5, column A ('Reference'): the reference "
        "'E-01' is also on row 2: each application needs its own reference",
        "4 problems; nothing was stored.",
    ]
    assert count_rows(db) == 0


def _negative_message() -> str:
    from slrbcall.sheets import Cell, CellError, read_int

    with pytest.raises(CellError) as info:
        read_int(Cell(row=1, col=1, value=-2), minimum=1)
    return str(info.value)


def _bad_date_message() -> str:
    from slrbcall.sheets import Cell, CellError, read_date

    with pytest.raises(CellError) as info:
        read_date(Cell(row=1, col=1, value="31/02/2024", is_text=True))
    return str(info.value)


def test_missing_required_column_lists_the_columns_found(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any], db: Path
) -> None:
    header = [h for h in HEADER if h != "Requested amount"] + ["Budget"]
    path = make_xlsx([header, [*row("E-01")[:-1], "x"]])
    result = intake(path)
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0] == (
        "applications.xlsx: sheet 'Applications', row 1: missing required column "
        "'Requested amount' (the columns found are 'Reference', 'Housing company', 'Partner', "
        "'Project title', 'Theme', 'Duration (months)', 'Start date', 'Language', 'Budget')"
    )
    assert not Workspace.exists(db)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(
            [
                "Référence",
                "Société de logement",
                "Partenaire",
                "Titre du projet",
                "Thème",
                "Montant demandé (€)",
                "Durée (mois)",
                "Date de début",
                "Langue",
            ],
            id="french",
        ),
        pytest.param(
            [
                "Referentie",
                "OVM",
                "Partner",
                "Projecttitel",
                "Thema",
                "Gevraagd bedrag *",
                "Duur (maanden)",
                "Startdatum",
                "Taal",
            ],
            id="dutch",
        ),
        pytest.param(
            ["REF.", "sisp", "ASBL", "Intitulé", "thematique", "MONTANT", "Duree", "Debut", "lang"],
            id="aliases-case-accents",
        ),
    ],
)
def test_headers_in_french_dutch_and_aliases(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any], headers: list[str]
) -> None:
    path = make_xlsx([headers, row("E-01", "Log’iris", amount="44.058,00")])
    result = intake(path, "--json")
    assert result.exit_code == 0, result
    data = json.loads(result.stdout)
    assert data["applications"][0]["requested_amount"] == "44058.00"
    assert data["applications"][0]["applicant"] == "logiris"


def test_unknown_columns_are_reported_as_ignored(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any]
) -> None:
    path = make_xlsx([[*HEADER, "Remarques internes"], [*row("E-01"), "à revoir"]])
    result = intake(path)
    assert result.exit_code == 0
    assert (
        "Warning: applications.xlsx: sheet 'Applications', column J ('Remarques internes') "
        "is not a known column and was ignored"
    ) in result.stdout


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("44.058,00", 4405800), ("44 058", 4405800), ("€ 1.500", 150000)],
)
def test_amounts_in_belgian_notation(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any], typed: str, cents: int
) -> None:
    result = intake(make_xlsx([HEADER, row("E-01", amount=typed)]), "--dry-run", "--json")
    assert (
        json.loads(result.stdout)["applications"][0]["requested_amount"]
        == f"{cents // 100}.{cents % 100:02d}"
    )


@pytest.mark.parametrize("typed", ["1,500", "1e3", "-5", "12,345"])
def test_ambiguous_or_signed_amounts_are_refused(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any], typed: str, db: Path
) -> None:
    result = intake(make_xlsx([HEADER, row("E-01", amount=typed)]))
    assert result.exit_code == 3
    assert "column F ('Requested amount')" in result.stderr
    assert count_rows(db) == 0


def test_formula_without_cached_value_and_error_cell(
    make_xlsx: Callable[..., Path], patch: Callable[..., Path], intake: Callable[..., Any], db: Path
) -> None:
    path = make_xlsx([HEADER, row("E-01", amount="=20000+5000"), row("E-02", amount=1)])
    path = patch(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(
            '<c r="F3" t="n"><v>1</v></c>', '<c r="F3" t="e"><v>#DIV/0!</v></c>'
        ),
    )
    result = intake(path)
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[0].startswith(
        "applications.xlsx: sheet 'Applications', row 2, column F ('Requested amount'): "
        "formula without a cached value"
    )
    assert lines[1].startswith(
        "applications.xlsx: sheet 'Applications', row 3, column F ('Requested amount'): "
    )
    assert "#DIV/0!" in lines[1]
    assert count_rows(db) == 0


def test_hidden_row_and_merged_cells_inside_the_table(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any], db: Path
) -> None:
    path = make_xlsx(
        [HEADER, row("E-01"), row("E-02"), row("E-03", title=None), row("E-04")],
        hidden_rows=[3],
        merged=["D4:E4"],
    )
    result = intake(path)
    assert result.exit_code == 3
    assert result.stderr.splitlines()[:2] == [
        "applications.xlsx: sheet 'Applications', row 3: this row is hidden: show it (or delete it) so that what is taken in is what people see",
        "applications.xlsx: sheet 'Applications', cells D4:E4: merged cells inside the table: unmerge them and fill in each cell",
    ]
    assert count_rows(db) == 0


def test_names_in_nfd_with_zero_width_spaces_and_curly_apostrophes(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any]
) -> None:
    nfd = "Binho\u0302me"
    path = make_xlsx(
        [
            HEADER,
            row("E-01", nfd, title="Cafe\u0301 nume\u0301rique"),
            row("E-02", "Log\u2019\u200biris", title="L\u2019atelier"),
        ]
    )
    data = json.loads(intake(path, "--json").stdout)
    first, second = data["applications"]
    assert first["applicant"] == "binhome"
    assert first["title"] == "Café numérique"  # NFC
    assert second["applicant"] == "logiris"
    assert second["title"] == "L\u2019atelier"  # kept as typed


def test_markup_looking_names_are_printed_literally(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any]
) -> None:
    path = make_xlsx([HEADER, row("E-01", "[bold]x[/]", title="[red]Rouge[/red]")])
    result = intake(path)
    assert result.exit_code == 0, result
    assert "[bold]x[/]" in result.stdout
    assert "is not an organisation that may apply" in result.stdout


def test_readable_data_that_breaks_the_rules_is_stored_as_ineligible(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any], cli: Invoke, db: Path
) -> None:
    path = make_xlsx(
        [
            HEADER,
            row("E-01", amount=8000),
            row("E-02", "Lojega", amount=70000),
            row("E-03", "Binhôme", months=24),
            row("E-04", "Comensia", theme="Sport"),
            row("E-05", "Everecity", partner=None),
            row("E-06", "Foyer du Sud"),
            row("E-07", "Foyer du Sud"),
            row("E-08", "Foyer du Sud"),
            row("E-09", "Anderlecht"),
        ]
    )
    result = intake(path, "--json")
    assert result.exit_code == 0, result
    reasons = {
        a["reference"]: [r["code"] for r in a["reasons"]]
        for a in json.loads(result.stdout)["applications"]
    }
    assert reasons == {
        "E-01": ["amount_below_minimum"],
        "E-02": ["amount_above_maximum"],
        "E-03": ["duration_not_call"],
        "E-04": ["theme_unknown"],
        "E-05": ["partner_missing"],
        "E-06": [],
        "E-07": [],
        "E-08": ["too_many_applications"],
        "E-09": ["applicant_kind"],
    }
    assert count_rows(db) == 9
    listed = json.loads(
        cli("--db", db, "applications", "list", "--status", "ineligible", "--json").stdout
    )
    assert len(listed) == 7
    shown = cli("--db", db, "applications", "show", "E-01")
    assert "it asks for € 8,000.00, below the minimum grant of € 10,000.00" in shown.stdout


def test_the_same_data_twice_changes_nothing_even_resaved(
    make_xlsx: Callable[..., Path],
    make_csv: Callable[..., Path],
    intake: Callable[..., Any],
    db: Path,
) -> None:
    rows = [HEADER, row("E-01"), row("E-02", "Lojega", amount="12.500,50")]
    assert intake(make_xlsx(rows)).exit_code == 0
    text = "\n".join(";".join("" if v is None else str(v) for v in r) for r in rows)
    again = intake(make_csv(text))
    assert again.exit_code == 0, again
    assert "0 new, 0 changed, 2 unchanged" in again.stdout


def test_a_changed_row_is_updated_with_before_and_after_in_the_audit(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any], db: Path
) -> None:
    assert intake(make_xlsx([HEADER, row("E-01")])).exit_code == 0
    changed = intake(make_xlsx([HEADER, row("E-01", amount=31000)], name="v2.xlsx"))
    assert "0 new, 1 changed, 0 unchanged" in changed.stdout
    with raw(db) as conn:
        before, after, source = conn.execute(
            "SELECT before_json, after_json, input_file FROM audit WHERE action = 'update'"
            " AND entity = 'application'"
        ).fetchone()
    assert json.loads(before)["requested_cents"] == 3000000
    assert json.loads(after)["requested_cents"] == 3100000
    assert source == "v2.xlsx"


def test_each_new_application_is_audited_with_its_content_hash_and_row(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any], db: Path
) -> None:
    import hashlib

    from slrbcall.store.migrations import APPLICATION_FIELDS

    assert intake(make_xlsx([HEADER, row("E-02"), row("E-01", "Lojega")])).exit_code == 0
    with raw(db) as conn:
        audited = conn.execute(
            "SELECT entity_key, before_json, after_json, command, input_file FROM audit"
            " WHERE action = 'insert' AND entity = 'application' ORDER BY id"
        ).fetchall()
        stored = conn.execute(
            f"SELECT {', '.join(APPLICATION_FIELDS)}, content_sha256, source_row"
            " FROM application ORDER BY reference"
        ).fetchall()
    by_key = {
        key: (before, json.loads(after), command, file)
        for key, before, after, command, file in audited
    }
    assert sorted(by_key) == ["empowerment-2023/E-01", "empowerment-2023/E-02"]
    for *content, digest, source_row in stored:
        assert content[16:] == [None] * 6  # fields added later: out of the hash when empty
        text = json.dumps(content[:16], ensure_ascii=False)
        assert digest == hashlib.sha256(text.encode()).hexdigest()
        before, after, command, file = by_key[f"empowerment-2023/{content[0]}"]
        assert before is None
        assert command == "intake"
        assert file == "applications.xlsx"
        assert after == {"content_sha256": digest, "source_row": source_row}
    assert [r[-1] for r in stored] == [3, 2]


def test_a_file_that_adds_and_changes_audits_each_once(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any], db: Path
) -> None:
    assert intake(make_xlsx([HEADER, row("E-01")])).exit_code == 0
    both = make_xlsx([HEADER, row("E-01", amount=31000), row("E-02")], name="v2.xlsx")
    assert "1 new, 1 changed, 0 unchanged" in intake(both).stdout
    with raw(db) as conn:
        audited = conn.execute(
            "SELECT action, entity_key, input_file FROM audit WHERE entity = 'application'"
            " ORDER BY id"
        ).fetchall()
    assert audited == [
        ("insert", "empowerment-2023/E-01", "applications.xlsx"),
        ("update", "empowerment-2023/E-01", "v2.xlsx"),
        ("insert", "empowerment-2023/E-02", "v2.xlsx"),
    ]


def test_a_file_can_move_the_status_of_a_stored_application(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any], db: Path
) -> None:
    first = [HEADER, row("E-01", "Foyer du Sud"), row("E-02", "Foyer du Sud")]
    assert intake(make_xlsx(first)).exit_code == 0
    # The call takes two applications per applicant, the first ones by reference:
    # E-00 comes first, so the stored E-02 is now the third.
    result = intake(make_xlsx([HEADER, row("E-00", "Foyer du Sud")], name="late.xlsx"))
    assert result.exit_code == 0, result
    assert "1 new, 0 changed, 0 unchanged; 1 eligible, 0 ineligible." in result.stdout
    assert "Status changed for stored applications: E-02" in result.stdout
    with raw(db) as conn:
        stored = dict(conn.execute("SELECT reference, status FROM application").fetchall())
        before, after = conn.execute(
            "SELECT before_json, after_json FROM audit WHERE action = 'update'"
            " AND entity_key = 'empowerment-2023/E-02'"
        ).fetchone()
    assert stored == {"E-00": "eligible", "E-01": "eligible", "E-02": "ineligible"}
    assert json.loads(before) == {"status": "eligible", "reasons_json": "[]"}
    assert json.loads(after)["status"] == "ineligible"
    assert "by reference, this is number 3" in json.loads(after)["reasons_json"]


def test_likely_duplicates_are_warned_not_merged(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any], db: Path
) -> None:
    path = make_xlsx(
        [
            HEADER,
            row("E-01", title="Potager collectif", partner="ASBL A"),
            row("E-02", title="Potagers collectifs", partner="ASBL B"),
            row("E-03", "Lojega", title="Atelier vélo", partner="ASBL C"),
            row("E-04", "Lojega", title="Bibliothèque", partner="asbl c"),
        ]
    )
    result = intake(path)
    assert (
        "Warning: E-01 and E-02 may be the same project (Log'iris, similar titles)" in result.stdout
    )
    assert "Warning: E-03 and E-04 come from Lojega with the same partner" in result.stdout
    assert count_rows(db) == 4


def test_a_flood_of_warnings_is_cut_short_and_json_lists_them_all(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any]
) -> None:
    # Sixty times the same project and partner: one warning for the partner, and one
    # for each application after the first for the title.
    path = make_xlsx([HEADER, *[row(f"E-{i:02d}", title="Potager") for i in range(60)]])
    shown = intake(path, "--dry-run").stdout.splitlines()
    assert sum(line.startswith("Warning: ") for line in shown) == 51
    assert "Warning: 10 more warnings; --json lists them all." in shown
    assert len(json.loads(intake(path, "--dry-run", "--json").stdout)["warnings"]) == 60


def test_counts_of_a_large_file_have_thousands_separators(
    make_csv: Callable[..., Path], intake: Callable[..., Any]
) -> None:
    rows = [HEADER, *[row(f"E-{i:04d}", title=f"Projet {i}", partner=f"P{i}") for i in range(1000)]]
    text = "\n".join(";".join("" if v is None else str(v) for v in r) for r in rows)
    result = intake(make_csv(text), "--dry-run")
    assert result.exit_code == 0, result
    assert result.stdout.startswith("Would take in 1,000 applications from")
    assert "1,000 new, 0 changed, 0 unchanged; 2 eligible, 998 ineligible." in " ".join(
        result.stdout.split()
    )


def test_dry_run_stores_nothing(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any], db: Path
) -> None:
    result = intake(make_xlsx([HEADER, row("E-01")]), "--dry-run")
    assert result.exit_code == 0
    assert "Dry run: nothing was stored." in result.stdout
    assert not Workspace.exists(db)


def test_call_is_found_without_call_option(
    make_xlsx: Callable[..., Path], cli: Invoke, db: Path
) -> None:
    path = make_xlsx([HEADER, row("E-01")], properties={"slrbcall.call": "empowerment-2023"})
    assert cli("--db", db, "intake", path).exit_code == 0
    # the workspace now holds the call: a file without the property works too
    assert cli("--db", db, "intake", make_xlsx([HEADER, row("E-02")], name="b.xlsx")).exit_code == 0


def test_ambiguous_call_is_refused(make_xlsx: Callable[..., Path], cli: Invoke, db: Path) -> None:
    result = cli("--db", db, "intake", make_xlsx([HEADER, row("E-01")]))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: which call? pass --call ID (calls in ")


def test_report_xlsx_marks_the_bad_cells(
    make_xlsx: Callable[..., Path], intake: Callable[..., Any], tmp_path: Path
) -> None:
    import openpyxl

    report = tmp_path / "report.xlsx"
    result = intake(
        make_xlsx([HEADER, row("E-01"), row("E-02", amount="ca 50k")]), "--report-xlsx", report
    )
    assert result.exit_code == 3
    book = openpyxl.load_workbook(report)
    cell = book["Applications"]["F3"]
    assert cell.comment is not None
    assert "not an amount: 'ca 50k'" in cell.comment.text


def test_template_round_trip(cli: Invoke, tmp_path: Path, db: Path) -> None:
    import openpyxl

    template = tmp_path / "candidatures.xlsx"
    result = cli(
        "--call", "empowerment-2023", "template", "applications", "-o", template, "--lang", "fr"
    )
    assert result.exit_code == 0, result
    book = openpyxl.load_workbook(template)
    sheet = book["Candidatures"]
    headers = [c.value for c in sheet[1]]
    assert headers[0].startswith("Référence")
    values = {
        "Référence": "EMP-01",
        "Société de logement": "Log'iris",
        "Partenaire": "ASBL Voisins",
        "Titre du projet": "Jardin",
        "Thème": "Alimentation durable",
        "Montant demandé": 25000,
        "Durée (mois)": 12,
        "Langue": "fr",
    }
    for col, header in enumerate(headers, start=1):
        name = header.removesuffix(" *")
        if name in values:
            sheet.cell(row=2, column=col, value=values[name])
    book.save(template)
    taken = cli("--db", db, "intake", template, "--json")  # the call is read from the workbook
    assert taken.exit_code == 0, taken
    data = json.loads(taken.stdout)
    assert data["call"] == "empowerment-2023"
    assert data["applications"][0]["theme"] == "sustainable-food"


def test_two_intakes_at_the_same_time(
    make_xlsx: Callable[..., Path], tmp_path: Path, db: Path
) -> None:
    first = make_xlsx([HEADER, *[row(f"A-{i:03d}") for i in range(300)]], name="a.xlsx")
    second = make_xlsx([HEADER, *[row(f"B-{i:03d}", "Lojega") for i in range(300)]], name="b.xlsx")
    env = {**os.environ, "SLRBCALL_BUSY_TIMEOUT": "60"}
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "slrbcall",
                "--db",
                str(db),
                "--call",
                "empowerment-2023",
                "intake",
                str(p),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for p in (first, second)
    ]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    assert count_rows(db) == 600
    assert count_rows(db, "intake_file") == 2


def test_an_intake_killed_half_way_leaves_no_row(
    make_xlsx: Callable[..., Path], tmp_path: Path, db: Path
) -> None:
    path = make_xlsx([HEADER, *[row(f"K-{i:03d}") for i in range(50)]])
    driver = textwrap.dedent(
        f"""
        import os, signal, sys
        from slrbcall import store
        from slrbcall.cli.app import main
        original = store.Transaction.insert_applications
        def insert_then_die(self, *args, **kwargs):
            original(self, *args, **kwargs)  # the rows are written, not yet committed
            os.kill(os.getpid(), signal.SIGKILL)
        store.Transaction.insert_applications = insert_then_die
        sys.argv = ["slrbcall", "--db", {str(db)!r}, "--call", "empowerment-2023", "intake", {str(path)!r}]
        main()
        """
    )
    killed = subprocess.run([sys.executable, "-c", driver], capture_output=True, check=False)
    assert killed.returncode == -signal.SIGKILL
    assert count_rows(db) == 0
    assert count_rows(db, "intake_file") == 0
    again = subprocess.run(
        [
            sys.executable,
            "-m",
            "slrbcall",
            "--db",
            str(db),
            "--call",
            "empowerment-2023",
            "intake",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert count_rows(db) == 50


def test_zip_bomb_is_refused_before_reading(
    make_bomb: Callable[..., Path], intake: Callable[..., Any], db: Path
) -> None:
    result = intake(make_bomb())
    assert result.exit_code == 3
    assert not Workspace.exists(db)


def _unused(_: Sequence[Any]) -> None:  # keeps imports honest for type checkers
    return None
