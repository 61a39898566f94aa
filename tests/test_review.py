"""The officer's review: ``justification review -o FILE`` writes the workbook,
``justification decide FILE`` takes it back under the intake contract."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from slrbcall.followup.justification import REASONS, reason_sentence
from slrbcall.sheets import normalise_header
from slrbcall.sheets.read import read_workbook

from .conftest import REPO, Invoke, Result
from .test_justification import HEADER

pytestmark = pytest.mark.both_backends

EXAMPLES = REPO / "examples" / "justification"

#: Where a decision goes: the headers of the review workbook in its three languages.
_COLUMNS = {
    "invoice": ("Invoice number", "N° de facture", "Factuurnummer"),
    "decision": ("Decision", "Décision", "Beslissing"),
    "admitted": ("Amount admitted", "Montant admis", "Aanvaard bedrag"),
    "reason": ("Reason code", "Code du motif", "Code van de reden"),
    "comment": ("Comment", "Commentaire", "Opmerking"),
}

Decisions = Mapping[str, tuple[object, object, object, object]]


def decide_in(path: Path, decisions: Decisions, *, out: Path | None = None) -> Path:
    """Fill in the review workbook ``path`` as an officer would: for each invoice number,
    (decision, amount admitted, reason code, comment); saved as ``out`` (default: in
    place)."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = {normalise_header(str(c.value)): c.column for c in sheet[1] if c.value}
    column = {
        key: next(header[normalise_header(n)] for n in names if normalise_header(n) in header)
        for key, names in _COLUMNS.items()
    }
    for row in range(2, sheet.max_row + 1):
        invoice = sheet.cell(row, column["invoice"]).value
        if invoice in decisions:
            for key, value in zip(
                ("decision", "admitted", "reason", "comment"), decisions[invoice], strict=True
            ):
                sheet.cell(row, column[key]).value = value
    target = out or path
    book.save(target)
    return target


@pytest.fixture
def justified(cli: Invoke, demo_db: Path) -> Callable[..., Result]:
    """The demo's workspace with the example's expenses of EMP23-03 and EMP23-05 taken
    in; returns the command line on it."""
    for reference in ("EMP23-03", "EMP23-05"):
        taken = cli(
            "--db", demo_db, "justify", EXAMPLES / f"{reference}.xlsx", "--today", "2025-04-30"
        )
        assert taken.exit_code == 0, taken
    return lambda *args: cli("--db", demo_db, *args)


def refused(result: Result) -> list[str]:
    assert result.exit_code == 3, result
    lines = result.stderr.splitlines()
    assert lines[-1].endswith("; nothing was stored.")
    return lines[:-1]


def test_every_reason_has_its_sentence_in_dutch_and_french() -> None:
    for code in REASONS:
        for lang in ("nl", "fr", "en"):
            assert reason_sentence(code, lang).endswith(".")
        assert reason_sentence(code, "nl") != reason_sentence(code, "fr")


def test_the_review_workbook_lists_every_expense_to_review(
    justified: Callable[..., Result], tmp_path: Path
) -> None:
    out = tmp_path / "examen.xlsx"
    result = justified("justification", "review", "-o", out, "--lang", "fr")
    assert " ".join(result.stdout.split()) == (
        f"Wrote {out} for empowerment-2023 (13 expenses): decide each, then 'slrbcall "
        f"justification decide {out}'."
    )
    book = read_workbook(out)
    sheet = book.sheets[0]
    assert sheet.name == "Examen"
    assert [c.value for c in sheet.rows[0]] == [
        "Référence *",
        "Titre du projet",
        "Poste budgétaire",
        "Fournisseur *",
        "N° de facture *",
        "Date de la facture",
        "Montant de la facture",
        "Part imputée au subside *",
        "Pièce justificative",
        "Décision *",
        "Montant admis",
        "Code du motif *",
        "Commentaire",
    ]
    assert len(sheet.rows) == 14
    instructions = [row[0].value for row in book.sheets[1].rows]
    assert (
        "vat_recoverable: La TVA est récupérable par le bénéficiaire et n'est donc pas éligible."
        in instructions
    )
    only = tmp_path / "only.xlsx"
    assert "(7 expenses)" in justified("justification", "review", "-o", only, "EMP23-03").stdout


def test_the_example_review_is_taken_in_once(justified: Callable[..., Result]) -> None:
    first = justified("justification", "decide", EXAMPLES / "review.xlsx")
    assert first.stdout == (
        "Took in 13 decisions from review.xlsx (sheet 'Examen') for empowerment-2023: 13 new, "
        "0 changed, 0 unchanged.\n"
    )
    again = justified("justification", "decide", EXAMPLES / "review.xlsx")
    assert again.stdout == (
        "Took in 13 decisions from review.xlsx (sheet 'Examen') for empowerment-2023: 0 new, "
        "0 changed, 13 unchanged.\n"
    )
    shown = json.loads(justified("justification", "show", "--json").stdout)
    totals = {
        p["reference"]: (p["claimed"], p["admitted"], p["to_review"]) for p in shown["projects"]
    }
    assert totals["EMP23-03"] == ("46230.00", "44200.00", 0)
    assert totals["EMP23-05"] == ("32660.00", "27200.00", 0)


def test_a_changed_decision_is_a_new_review(
    justified: Callable[..., Result], tmp_path: Path
) -> None:
    assert justified("justification", "decide", EXAMPLES / "review.xlsx").exit_code == 0
    changed = decide_in(
        EXAMPLES / "review.xlsx",
        {"T-889": ("partiellement admis", 100, "partly_eligible", "Deux repas de bénévoles")},
        out=tmp_path / "review.xlsx",
    )
    result = justified("justification", "decide", changed)
    assert result.stdout == (
        "Took in 13 decisions from review.xlsx (sheet 'Examen') for empowerment-2023: 0 new, "
        "1 changed, 12 unchanged.\n"
    )


def test_a_row_without_a_decision_is_left_out(
    justified: Callable[..., Result], tmp_path: Path
) -> None:
    out = tmp_path / "examen.xlsx"
    justified("justification", "review", "-o", out, "--lang", "en")
    decide_in(out, {"LON-2024-06": ("admitted", None, "justified", None)})
    result = justified("justification", "decide", out)
    assert result.stdout == (
        "Took in 1 decision from examen.xlsx (sheet 'Review') for empowerment-2023: 1 new, "
        "0 changed, 0 unchanged.\n"
        "12 expenses without a decision were left out.\n"
    )


def test_bad_decisions_are_refused_all_at_once(
    justified: Callable[..., Result], tmp_path: Path
) -> None:
    out = tmp_path / "examen.xlsx"
    justified("justification", "review", "-o", out, "--lang", "nl")
    decide_in(
        out,
        {
            "LON-2024-06": ("aanvaard", 5000, "justified", None),
            "LON-2024-12": ("gedeeltelijk aanvaard", None, "partly_eligible", None),
            "F-2024-0117": ("gedeeltelijk aanvaard", 9680, "vat_recoverable", None),
            "2024/031": ("verworpen", None, "justified", None),
            "T-889": ("verworpen", None, "other", None),
            "D-4471": ("aanvaard", None, "justfied", None),
            "OH-2024": ("misschien", None, "justified", None),
            "SAL-2024-06": ("verworpen", 200, "voucher_missing", None),
        },
    )
    lines = refused(justified("justification", "decide", out))
    assert len(lines) == 8
    said = "\n".join(lines)
    assert all(line.startswith("examen.xlsx: sheet 'Beoordeling', row ") for line in lines)
    assert (
        "not a decision: 'misschien' (write 'admitted' / 'admis' / 'aanvaard'; 'partly "
        "admitted' / 'partiellement admis' / 'gedeeltelijk aanvaard'; 'rejected' / 'rejeté' / "
        "'verworpen')"
    ) in said
    assert (
        f"'justfied' is not a reason code (did you mean 'justified'?) (the codes are "
        f"{', '.join(REASONS)})"
    ) in said
    assert "an admitted expense admits all of the € 11,300.00 claimed, not € 5,000.00" in said
    assert "a partly admitted expense needs the amount admitted (more than zero)" in said
    assert (
        "€ 9,680.00 is not part of the € 9,680.00 claimed: a partly admitted expense admits "
        "less than its claim (all of it: admitted)"
    ) in said
    assert (
        "'justified' goes with an admitted expense, and only there: give another reason for "
        "one rejected"
    ) in said
    assert "the reason 'other' needs a comment that says it" in said
    assert "a rejected expense admits nothing, not € 200.00" in said


def test_a_review_written_before_the_claim_changed_is_refused(
    justified: Callable[..., Result], make_xlsx: Callable[..., Path], tmp_path: Path
) -> None:
    out = tmp_path / "examen.xlsx"
    justified("justification", "review", "-o", out, "EMP23-03", "--lang", "fr")
    decide_in(out, {"LON-2024-06": ("admis", None, "justified", None)})
    header = HEADER[:7]
    newer = make_xlsx(
        [
            header,
            [
                "EMP23-03",
                "personnel",
                "Sociaal secretariaat Voorbeeld",
                "LON-2024-06",
                dt.date(2024, 6, 30),
                dt.date(2024, 7, 5),
                11000,
            ],
        ],
        name="correction.xlsx",
        sheet="Expenses",
    )
    assert justified("justify", newer, "--today", "2025-04-30").exit_code == 0
    assert refused(justified("justification", "decide", out)) == [
        "examen.xlsx: sheet 'Examen', row 6, column H ('Part imputée au subside *'): invoice "
        "'LON-2024-06' of 'Sociaal secretariaat Voorbeeld' now claims € 11,000.00, not "
        "€ 11,300.00: it changed since this workbook was written; write a new one"
    ]
