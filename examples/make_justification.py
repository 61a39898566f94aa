"""Rebuild examples/justification/: the justified expenses of two funded example projects
of the Empowerment 2023 call, their supporting documents, and the officer's review.

    python examples/make_justification.py

* ``EMP23-03.xlsx`` (Digitale inclusie, in Dutch) and ``EMP23-05.xlsx`` (Potagers au
  pied des tours, in French): the workbooks the projects send, written through
  ``slrbcall template justification``'s own writer; each expense names its supporting
  document, a small PDF beside the workbooks.
* ``review.xlsx``: the officer's review of both, written through ``slrbcall
  justification review``'s writer, every expense decided with a reason code.

Every supplier, invoice and amount is illustrative, and the workbooks say so. They are
chosen so that the demo tells the issue's worked example: EMP23-03 (€ 45,000, € 36,000
paid) is admitted € 43,200, so its last payment is € 7,200 instead of € 9,000; EMP23-05
(€ 41,500, € 33,200 paid) is admitted € 27,200, so € 6,000 is to be recovered.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

from slrbcall.demo import run_demo
from slrbcall.followup.justification import Expense
from slrbcall.followup.service.justification import (
    take_justification,
    write_justification_template,
    write_review_template,
)
from slrbcall.settings import Settings

HERE = Path(__file__).resolve().parent / "justification"
NOTE = {
    "nl": "Voorbeeld: de leveranciers, facturen en bedragen zijn fictief (illustratief).",
    "fr": "Exemple : les fournisseurs, factures et montants sont fictifs (illustratifs).",
}

D = dt.date
# reference: (line, supplier, invoice, invoice date, paid on, amount, claimed, co-financed by)
EXPENSES: dict[str, list[tuple[object, ...]]] = {
    "EMP23-03": [
        (
            "personnel",
            "Sociaal secretariaat Voorbeeld",
            "LON-2024-06",
            D(2024, 6, 30),
            D(2024, 7, 5),
            "11300",
            None,
            None,
        ),
        (
            "personnel",
            "Sociaal secretariaat Voorbeeld",
            "LON-2024-12",
            D(2024, 12, 31),
            D(2025, 1, 6),
            "11300",
            None,
            None,
        ),
        (
            "material",
            "Voorbeeld Computers bv",
            "F-2024-0117",
            D(2024, 2, 12),
            D(2024, 2, 28),
            "9680",
            None,
            None,
        ),
        (
            "activities",
            "Buurthuis Voorbeeld vzw",
            "2024/031",
            D(2024, 3, 15),
            D(2024, 3, 30),
            "6000",
            "4200",
            "commune",
        ),
        (
            "activities",
            "Restaurant Voorbeeld",
            "T-889",
            D(2024, 5, 10),
            D(2024, 5, 10),
            "350",
            None,
            None,
        ),
        (
            "communication",
            "Drukkerij Voorbeeld",
            "D-4471",
            D(2024, 4, 2),
            D(2024, 4, 20),
            "5500",
            None,
            None,
        ),
        (
            "overheads",
            "Voorbeeld Beheer vzw",
            "OH-2024",
            D(2024, 12, 20),
            D(2025, 1, 15),
            "3900",
            None,
            None,
        ),
    ],
    "EMP23-05": [
        (
            "personnel",
            "Secrétariat social Exemple",
            "SAL-2024-06",
            D(2024, 6, 30),
            D(2024, 7, 5),
            "9000",
            None,
            None,
        ),
        (
            "personnel",
            "Secrétariat social Exemple",
            "SAL-2024-12",
            D(2024, 12, 31),
            D(2025, 1, 6),
            "9000",
            None,
            None,
        ),
        (
            "material",
            "Jardinerie Exemple srl",
            "FA-2024-102",
            D(2024, 3, 8),
            D(2024, 3, 20),
            "7260",
            None,
            None,
        ),
        (
            "activities",
            "Ferme pédagogique Exemple asbl",
            "2024-017",
            D(2024, 5, 22),
            D(2024, 6, 5),
            "4000",
            "3200",
            "own-funds",
        ),
        (
            "communication",
            "Imprimerie Exemple",
            "IMP-5512",
            D(2024, 4, 10),
            D(2024, 4, 25),
            "1800",
            None,
            None,
        ),
        (
            "overheads",
            "Gestion Exemple asbl",
            "FG-2024",
            D(2024, 12, 20),
            D(2025, 1, 15),
            "2400",
            None,
            None,
        ),
    ],
}
# invoice: (decision, amount admitted, reason, comment), in the review's French words.
DECISIONS: dict[str, tuple[str, str | None, str, str | None]] = {
    "LON-2024-06": ("admis", None, "justified", None),
    "LON-2024-12": ("admis", None, "justified", None),
    "F-2024-0117": ("partiellement admis", "8000", "vat_recoverable", "TVA 21 % : 1 680 €"),
    "2024/031": ("admis", None, "justified", None),
    "T-889": ("rejeté", None, "not_project_related", "Repas d'équipe"),
    "D-4471": ("admis", None, "justified", None),
    "OH-2024": ("admis", None, "justified", None),
    "SAL-2024-06": ("admis", None, "justified", None),
    "SAL-2024-12": (
        "partiellement admis",
        "4800",
        "partly_eligible",
        "Mi-temps à partir de septembre",
    ),
    "FA-2024-102": ("partiellement admis", "6000", "vat_recoverable", "TVA 21 % : 1 260 €"),
    "2024-017": ("admis", None, "justified", None),
    "IMP-5512": ("admis", None, "justified", None),
    "FG-2024": ("admis", None, "justified", None),
}


def pdf(text: str) -> bytes:
    """A one-page PDF that shows ``text``: the smallest supporting document a viewer opens."""
    stream = f"BT /F1 12 Tf 72 770 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def attachment(reference: str, invoice: str) -> str:
    return f"{reference}_{invoice.replace('/', '-')}.pdf"


def main() -> None:
    HERE.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        demo = run_demo(Settings(), out=Path(scratch) / "demo", settlement=False)
        settings = Settings(db=demo.db_path)
        call = next(c.call for c in demo.calls if c.call.id == "empowerment-2023")
        titles = {a.reference: a.title for a in demo.intake.applications}
        for reference, expenses in EXPENSES.items():
            lang = "nl" if reference == "EMP23-03" else "fr"
            lines = {b.key: b.label[lang] for b in call.budget_lines}
            sources = {c.key: c.label[lang] for c in call.co_financing}
            rows = []
            for line, supplier, invoice, dated, paid, amount, claimed, source in expenses:
                name = attachment(reference, str(invoice))
                (HERE / name).write_bytes(pdf(f"{supplier} - {invoice} - EUR {amount}"))
                rows.append(
                    [
                        reference,
                        titles[reference],
                        lines[str(line)],
                        supplier,
                        invoice,
                        dated,
                        paid,
                        Decimal(str(amount)),
                        None if claimed is None else Decimal(str(claimed)),
                        None if source is None else sources[str(source)],
                        name,
                        None,
                        None,
                    ]
                )
            out = HERE / f"{reference}.xlsx"
            write_justification_template(
                settings, out, reference=reference, lang=lang, rows=rows, notes=[NOTE[lang]]
            )
            take_justification(settings, out, today=D(2025, 3, 10))

        def decide(expense: Expense) -> list[object]:
            decision, admitted, reason, comment = DECISIONS[expense.invoice_number]
            return [decision, None if admitted is None else Decimal(admitted), reason, comment]

        write_review_template(
            settings, HERE / "review.xlsx", lang="fr", decide=decide, notes=[NOTE["fr"]]
        )
    print(f"wrote {HERE}")


if __name__ == "__main__":
    main()
