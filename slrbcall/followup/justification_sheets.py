"""The justification and review workbooks in, under the intake contract. Pure.

Read like the other follow-up workbooks (:mod:`.workbooks`): the header row found by
content, headers in English, French or Dutch, every unreadable cell a problem with its
place, all at once. A budget line or a co-financing source is named by its key or its
label in either language; a decision by its word in English, French or Dutch; a reason
by its code. Whether a row is allowed (a funded project, its period, an invoice claimed
once) is :mod:`.justification`'s job; whether an attachment is there, and its hash, the
service's (it reads files).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from types import MappingProxyType
from typing import TYPE_CHECKING

from slrbcall.errors import Problem
from slrbcall.followup.justification import REASONS, Decision, Expense, ReviewRow
from slrbcall.followup.workbooks import Column, column, filled
from slrbcall.i18n import N_, _, clauses
from slrbcall.model import Localized
from slrbcall.sheets import (
    CellError,
    clean_text,
    fold,
    read_amount,
    read_date,
    read_identifier,
)

if TYPE_CHECKING:
    from slrbcall.model import Call
    from slrbcall.sheets import Cell, Header, Sheet

__all__ = [
    "DECISION_WORDS",
    "JUSTIFICATION_COLUMNS",
    "JUSTIFICATION_INSTRUCTIONS",
    "JUSTIFICATION_NOTES",
    "JUSTIFICATION_SHEETS",
    "REVIEW_COLUMNS",
    "REVIEW_INSTRUCTIONS",
    "REVIEW_NOTES",
    "REVIEW_SHEETS",
    "ExpensesRead",
    "ReviewsRead",
    "read_expenses",
    "read_review_rows",
]

_REFERENCE = column(
    "reference", "Reference", "Référence", "Referentie", "Ref", "Réf", "Dossier", "Project"
)
_TITLE = column("title", "Project title", "Titre du projet", "Projecttitel", "Title", read=False)
_LINE = column(
    "budget_line",
    "Budget line",
    "Poste budgétaire",
    "Begrotingspost",
    "Line",
    "Poste",
    "Post",
    "Category",
    "Catégorie",
    "Categorie",
)
_SUPPLIER = column(
    "supplier", "Supplier", "Fournisseur", "Leverancier", "Prestataire", "Vendor", "Supplier name"
)
_INVOICE = column(
    "invoice_number",
    "Invoice number",
    "N° de facture",
    "Factuurnummer",
    "Invoice",
    "Invoice no",
    "Facture",
    "Numéro de facture",
    "Factuur",
)
_CLAIMED = column(
    "claimed",
    "Claimed from the grant",
    "Part imputée au subside",
    "Ten laste van de subsidie",
    "Claimed",
    "Montant imputé",
    "Imputé",
    "Share claimed",
)

JUSTIFICATION_COLUMNS: tuple[Column, ...] = (
    _REFERENCE,
    _TITLE,
    _LINE,
    _SUPPLIER,
    _INVOICE,
    column("invoice_date", "Invoice date", "Date de la facture", "Factuurdatum", "Date facture"),
    column(
        "paid_on",
        "Payment date",
        "Date du paiement",
        "Betalingsdatum",
        "Paid on",
        "Payé le",
        "Betaald op",
    ),
    column(
        "amount",
        "Invoice amount",
        "Montant de la facture",
        "Factuurbedrag",
        "Amount",
        "Montant",
        "Bedrag",
    ),
    _CLAIMED,
    column(
        "cofinanced_by",
        "Co-financed by",
        "Cofinancé par",
        "Gecofinancierd door",
        "Co-financing",
        "Cofinancement",
        "Cofinanciering",
    ),
    column(
        "attachment",
        "Attachment",
        "Pièce justificative",
        "Bewijsstuk",
        "File",
        "Fichier",
        "Bestand",
        "Voucher",
        "Justificatif",
    ),
    column(
        "attachment_sha256",
        "Attachment SHA-256",
        "SHA-256 de la pièce",
        "SHA-256 van het bewijsstuk",
        "SHA-256",
        "SHA256",
    ),
    column("note", "Note", "Remarque", "Opmerking", "Remark", "Commentaire"),
)

REVIEW_COLUMNS: tuple[Column, ...] = (
    _REFERENCE,
    _TITLE,
    column("budget_line", "Budget line", "Poste budgétaire", "Begrotingspost", read=False),
    _SUPPLIER,
    _INVOICE,
    column("invoice_date", "Invoice date", "Date de la facture", "Factuurdatum", read=False),
    column("amount", "Invoice amount", "Montant de la facture", "Factuurbedrag", read=False),
    _CLAIMED,
    column("attachment", "Attachment", "Pièce justificative", "Bewijsstuk", read=False),
    column("decision", "Decision", "Décision", "Beslissing"),
    column("admitted", "Amount admitted", "Montant admis", "Aanvaard bedrag", "Admitted", "Admis"),
    column(
        "reason", "Reason code", "Code du motif", "Code van de reden", "Reason", "Motif", "Reden"
    ),
    column("comment", "Comment", "Commentaire", "Opmerking", "Remark", "Remarque"),
)

#: The decision words of a review workbook, as written in it, per language.
DECISION_WORDS: Mapping[Decision, Mapping[str, str]] = MappingProxyType(
    {
        Decision.ADMITTED: {"en": "admitted", "fr": "admis", "nl": "aanvaard"},
        Decision.PARTLY_ADMITTED: {
            "en": "partly admitted",
            "fr": "partiellement admis",
            "nl": "gedeeltelijk aanvaard",
        },
        Decision.REJECTED: {"en": "rejected", "fr": "rejeté", "nl": "verworpen"},
    }
)
_DECISIONS = {
    fold(word): decision
    for decision, words in DECISION_WORDS.items()
    for word in (*words.values(), decision.value)
} | {fold("partly"): Decision.PARTLY_ADMITTED, fold("refusé"): Decision.REJECTED}

_SHA256 = re.compile(r"[0-9a-f]{64}")


def _choice(text: str, options: Mapping[str, Localized]) -> str:
    """The key that ``text`` names (the key, or a label in nl or fr), else ``text``."""
    if text in options:
        return text
    wanted = fold(text)
    for key, label in options.items():
        if wanted in (fold(key), fold(label.nl), fold(label.fr)):
            return key
    return text


def _attachment(text: str) -> str:
    """A file name in the folder beside the workbook, never a path out of it."""
    for pure in (PurePosixPath(text), PureWindowsPath(text)):
        if pure.is_absolute() or pure.anchor or ".." in pure.parts:
            raise CellError(
                _(
                    "'{text}' is not a file of the workbook's folder: name the file (e.g. "
                    "facture-017.pdf) and put it beside the workbook"
                ).format(text=text)
            )
    return "/".join(PureWindowsPath(text).parts)


def _sha256(text: str) -> str:
    value = text.strip().lower()
    if not _SHA256.fullmatch(value):
        raise CellError(
            _("not a SHA-256: '{text}' (64 hexadecimal digits, or leave it empty)").format(
                text=text
            )
        )
    return value


@dataclass(frozen=True, slots=True)
class ExpensesRead:
    expenses: tuple[Expense, ...]
    problems: tuple[Problem, ...]
    left_out: int  # pre-filled rows with no expense in them


_EXPENSE_FIELDS = (
    "budget_line",
    "supplier",
    "invoice_number",
    "invoice_date",
    "paid_on",
    "amount",
    "claimed",
    "cofinanced_by",
    "attachment",
    "attachment_sha256",
    "note",
)
#: Each required field, and what a row that lacks it is told.
_REQUIRED = {
    "reference": N_("empty: every expense needs its reference"),
    "budget_line": N_("empty: every expense needs its budget line"),
    "supplier": N_("empty: every expense needs its supplier"),
    "invoice_number": N_("empty: every expense needs its invoice number"),
    "invoice_date": N_("empty: every expense needs its invoice date"),
    "paid_on": N_("empty: every expense needs its payment date"),
    "amount": N_("empty: every expense needs its amount"),
}


def _cells(
    sheet: Sheet,
    header: Header,
    keys: tuple[str, ...],
    read: Callable[[str, Cell], object],
    required: Mapping[str, str],
) -> Callable[[tuple[Cell, ...]], tuple[dict[str, object], dict[str, Problem], list[Problem]]]:
    """A reader of one row: each field's value and place, and the row's problems."""

    def row(cells: tuple[Cell, ...]) -> tuple[dict[str, object], dict[str, Problem], list[Problem]]:
        found: dict[str, object] = {}
        places: dict[str, Problem] = {}
        problems: list[Problem] = []
        for key in keys:
            column = header.columns.get(key)
            if column is None or column > len(cells):
                found[key] = None
                continue
            cell = cells[column - 1]
            places[key] = sheet.problem(
                "", row=cell.row, column=cell.col, header=header.label(cell.col)
            )
            try:
                found[key] = read(key, cell)
            except CellError as exc:
                problems.append(places[key].saying(str(exc)))
                continue
            if found[key] is None and key in required:
                problems.append(places[key].saying(_(required[key])))
        return found, places, problems

    return row


def read_expenses(
    sheet: Sheet, header: Header, *, call: Call, date1904: bool = False
) -> ExpensesRead:
    """Every expense of the sheet below ``header``, with every unreadable cell a problem.
    An empty claim is the whole amount."""

    lines = {b.key: b.label for b in call.budget_lines}
    sources = {c.key: c.label for c in call.co_financing}

    def read(key: str, cell: Cell) -> object:
        if key in ("reference", "invoice_number"):
            return read_identifier(cell)
        if key in ("invoice_date", "paid_on"):
            return read_date(cell, date1904=date1904)
        if key in ("amount", "claimed"):
            return read_amount(cell)
        text = clean_text(cell, multiline=key == "note")
        if text is None:
            return None
        if key == "budget_line":
            return _choice(text, lines)
        if key == "cofinanced_by":
            return _choice(text, sources)
        if key == "attachment":
            return _attachment(text)
        if key == "attachment_sha256":
            return _sha256(text)
        return text

    reader = _cells(sheet, header, ("reference", *_EXPENSE_FIELDS), read, _REQUIRED)
    expenses: list[Expense] = []
    problems: list[Problem] = []
    left_out = 0
    for cells in sheet.rows:
        if cells[0].row <= header.row or not filled(
            cells, header.columns, ("reference", *_EXPENSE_FIELDS)
        ):
            continue
        if not filled(cells, header.columns, _EXPENSE_FIELDS):
            left_out += 1
            continue
        found, places, row_problems = reader(cells)
        if found["attachment_sha256"] is not None and found["attachment"] is None:
            row_problems.append(
                places["attachment_sha256"].saying(
                    _("a SHA-256 without an attachment: name the file it is the hash of")
                )
            )
        if row_problems:
            problems.extend(row_problems)
            continue
        amount = _int(found["amount"])
        claimed = found["claimed"]
        expenses.append(
            Expense(
                reference=_text(found["reference"]),
                budget_line=_text(found["budget_line"]),
                supplier=_text(found["supplier"]),
                invoice_number=_text(found["invoice_number"]),
                invoice_date=_day(found["invoice_date"]),
                paid_on=_day(found["paid_on"]),
                amount_cents=amount,
                claimed_cents=amount if claimed is None else _int(claimed),
                cofinanced_by=_optional(found["cofinanced_by"]),
                attachment=_optional(found["attachment"]),
                attachment_sha256=_optional(found["attachment_sha256"]),
                note=_optional(found["note"]),
                place=sheet.problem("", row=cells[0].row),
                places=MappingProxyType(places),
            )
        )
    return ExpensesRead(tuple(expenses), tuple(problems), left_out)


@dataclass(frozen=True, slots=True)
class ReviewsRead:
    rows: tuple[ReviewRow, ...]
    problems: tuple[Problem, ...]
    left_out: int  # expenses with no decision yet


_REVIEW_FIELDS = ("decision", "admitted", "reason", "comment")
_REVIEW_REQUIRED = {
    "reference": N_("empty: every review needs its reference"),
    "supplier": N_("empty: every review needs its supplier"),
    "invoice_number": N_("empty: every review needs its invoice number"),
    "claimed": N_("empty: every review needs its amount claimed"),
    "decision": N_("empty: every review needs its decision"),
    "reason": N_("empty: every review needs its reason code"),
}
_WORDS = ", ".join(f"'{w}'" for w in DECISION_WORDS[Decision.ADMITTED].values())


def _decision(text: str) -> Decision:
    found = _DECISIONS.get(fold(text))
    if found is None:
        words = clauses(
            " / ".join(f"'{w}'" for w in words.values()) for words in DECISION_WORDS.values()
        )
        raise CellError(
            _("not a decision: '{text}' (write {words})").format(text=text, words=words)
        )
    return found


def _reason(text: str) -> str:
    """The code of a reason cell: the code alone, or before a colon or a dash."""
    code = re.split(r"\s*[:–—]\s*|\s+-\s+", text.strip(), maxsplit=1)[0]
    return code.strip().casefold()


def read_review_rows(sheet: Sheet, header: Header) -> ReviewsRead:
    """Every decision of the review sheet below ``header``; a row without a decision, an
    amount, a reason or a comment is an expense not reviewed yet, left out."""

    def read(key: str, cell: Cell) -> object:
        if key in ("reference", "invoice_number"):
            return read_identifier(cell)
        if key in ("claimed", "admitted"):
            return read_amount(cell)
        text = clean_text(cell, multiline=key == "comment")
        if text is None or key in ("supplier", "comment"):
            return text
        return _decision(text) if key == "decision" else _reason(text)

    keys = ("reference", "supplier", "invoice_number", "claimed", *_REVIEW_FIELDS)
    reader = _cells(sheet, header, keys, read, _REVIEW_REQUIRED)
    rows: list[ReviewRow] = []
    problems: list[Problem] = []
    left_out = 0
    for cells in sheet.rows:
        if cells[0].row <= header.row or not filled(cells, header.columns, keys):
            continue
        if not filled(cells, header.columns, _REVIEW_FIELDS):
            left_out += 1
            continue
        found, places, row_problems = reader(cells)
        if row_problems:
            problems.extend(row_problems)
            continue
        decision = found["decision"]
        assert isinstance(decision, Decision)
        admitted = found["admitted"]
        rows.append(
            ReviewRow(
                reference=_text(found["reference"]),
                supplier=_text(found["supplier"]),
                invoice_number=_text(found["invoice_number"]),
                claimed_cents=_int(found["claimed"]),
                decision=decision,
                admitted_cents=None if admitted is None else _int(admitted),
                reason=_text(found["reason"]),
                comment=_optional(found["comment"]),
                place=sheet.problem("", row=cells[0].row),
                places=MappingProxyType(places),
            )
        )
    return ReviewsRead(tuple(rows), tuple(problems), left_out)


def _text(value: object) -> str:
    assert isinstance(value, str)
    return value


def _optional(value: object) -> str | None:
    assert value is None or isinstance(value, str)
    return value


def _int(value: object) -> int:
    assert isinstance(value, int)
    return value


def _day(value: object) -> dt.date:
    assert isinstance(value, dt.date)
    return value


#: The sheet names of the templates, per language (en, fr, nl).
JUSTIFICATION_SHEETS = MappingProxyType({"en": "Expenses", "fr": "Dépenses", "nl": "Uitgaven"})
REVIEW_SHEETS = MappingProxyType({"en": "Review", "fr": "Examen", "nl": "Beoordeling"})

JUSTIFICATION_INSTRUCTIONS = MappingProxyType(
    {
        "en": (
            "One row per invoice paid for the project: its budget line, supplier, number, "
            "date, payment date and amount, and the part of it claimed from this grant "
            "(empty: all of it).",
            "The part not claimed is co-financed: say by whom (own funds, the commune, "
            "other public money).",
            "An invoice is claimed once, by one project. Its date falls within the "
            "project's period; it is paid before the justification deadline.",
            "Put each supporting document beside this workbook and write its file name "
            "under Attachment; its SHA-256 may be given, and is then checked.",
            "Take it in with: slrbcall justify FILE.xlsx",
        ),
        "fr": (
            "Une ligne par facture payée pour le projet : son poste budgétaire, le "
            "fournisseur, le numéro, la date, la date du paiement et le montant, et la part "
            "imputée à ce subside (vide : tout le montant).",
            "La part non imputée est cofinancée : indiquez par qui (fonds propres, la "
            "commune, d'autres moyens publics).",
            "Une facture n'est imputée qu'une fois, à un seul projet. Sa date tombe dans la "
            "période du projet ; elle est payée avant l'échéance de la justification.",
            "Placez chaque pièce justificative à côté de ce classeur et écrivez le nom du "
            "fichier sous « Pièce justificative » ; son SHA-256 peut être donné, il est "
            "alors vérifié.",
            "Pour l'importer : slrbcall justify FICHIER.xlsx",
        ),
        "nl": (
            "Eén rij per factuur die voor het project betaald werd: de begrotingspost, de "
            "leverancier, het nummer, de datum, de betalingsdatum en het bedrag, en het deel "
            "ten laste van deze subsidie (leeg: het hele bedrag).",
            "Het deel dat niet ten laste van de subsidie komt, wordt gecofinancierd: vermeld "
            "door wie (eigen middelen, de gemeente, andere overheidsmiddelen).",
            "Een factuur wordt één keer ingediend, door één project. De datum valt binnen de "
            "looptijd van het project; ze is betaald vóór de termijn van de verantwoording.",
            "Zet elk bewijsstuk naast deze werkmap en schrijf de bestandsnaam onder "
            "'Bewijsstuk'; de SHA-256 mag vermeld worden en wordt dan gecontroleerd.",
            "Inlezen: slrbcall justify BESTAND.xlsx",
        ),
    }
)


def _reason_lines(lang: str) -> tuple[str, ...]:
    text = "en" if lang == "en" else lang
    return tuple(f"{code}: {sentence[text]}" for code, sentence in REASONS.items())


REVIEW_INSTRUCTIONS = MappingProxyType(
    {
        "en": (
            "One row per expense claimed. Decide each: admitted (all of the claim), partly "
            "admitted (type the amount admitted) or rejected; always give a reason code.",
            "The reason codes (their sentence goes in the settlement letter, in Dutch or French):",
            *_reason_lines("en"),
            "Leave a row empty while it is not reviewed. Take it in with: slrbcall "
            "justification decide FILE.xlsx",
        ),
        "fr": (
            "Une ligne par dépense imputée. Décidez de chacune : admis (toute la part "
            "imputée), partiellement admis (tapez le montant admis) ou rejeté ; donnez "
            "toujours un code de motif.",
            "Les codes de motif (leur phrase figure dans la lettre de décompte final) :",
            *_reason_lines("fr"),
            "Laissez vide une ligne pas encore examinée. Pour l'importer : slrbcall "
            "justification decide FICHIER.xlsx",
        ),
        "nl": (
            "Eén rij per ingediende uitgave. Beslis over elke: aanvaard (het hele bedrag), "
            "gedeeltelijk aanvaard (typ het aanvaarde bedrag) of verworpen; geef altijd een "
            "code van de reden.",
            "De codes (hun zin staat in de brief van de eindafrekening):",
            *_reason_lines("nl"),
            "Laat een rij leeg zolang ze niet beoordeeld is. Inlezen: slrbcall "
            "justification decide BESTAND.xlsx",
        ),
    }
)

#: The notes on the templates' headers, per language (en, fr, nl), by column key.
JUSTIFICATION_NOTES = MappingProxyType(
    {
        "en": {
            "title": "Not read back: for information.",
            "budget_line": "A budget line of the call.",
            "invoice_date": "Within the project's period.",
            "paid_on": "Before the justification deadline.",
            "amount": "The invoice's amount, VAT included.",
            "claimed": "The part claimed from this grant; empty: all of it.",
            "cofinanced_by": "Who pays the part not claimed.",
            "attachment": "The file name of the supporting document.",
            "attachment_sha256": "Empty: computed when taken in.",
        },
        "fr": {
            "title": "Non relu : pour information.",
            "budget_line": "Un poste budgétaire de l'appel.",
            "invoice_date": "Dans la période du projet.",
            "paid_on": "Avant l'échéance de la justification.",
            "amount": "Le montant de la facture, TVA comprise.",
            "claimed": "La part imputée à ce subside ; vide : tout le montant.",
            "cofinanced_by": "Qui paie la part non imputée.",
            "attachment": "Le nom du fichier de la pièce justificative.",
            "attachment_sha256": "Vide : calculé à l'importation.",
        },
        "nl": {
            "title": "Wordt niet ingelezen: ter informatie.",
            "budget_line": "Een begrotingspost van de oproep.",
            "invoice_date": "Binnen de looptijd van het project.",
            "paid_on": "Vóór de termijn van de verantwoording.",
            "amount": "Het factuurbedrag, btw inbegrepen.",
            "claimed": "Het deel ten laste van deze subsidie; leeg: het hele bedrag.",
            "cofinanced_by": "Wie het deel betaalt dat niet ten laste van de subsidie komt.",
            "attachment": "De bestandsnaam van het bewijsstuk.",
            "attachment_sha256": "Leeg: berekend bij het inlezen.",
        },
    }
)
REVIEW_NOTES = MappingProxyType(
    {
        "en": {
            "title": "Not read back.",
            "budget_line": "Not read back.",
            "supplier": "With the invoice number: the expense reviewed.",
            "invoice_date": "Not read back.",
            "amount": "Not read back.",
            "claimed": "Checked: the claim this review was written for.",
            "attachment": "Not read back.",
            "decision": "Admitted, partly admitted or rejected.",
            "admitted": "For a partly admitted expense: the amount admitted.",
            "reason": "A reason code (see the instructions).",
            "comment": "Required with the reason 'other'.",
        },
        "fr": {
            "title": "Non relu.",
            "budget_line": "Non relu.",
            "supplier": "Avec le numéro de facture : la dépense examinée.",
            "invoice_date": "Non relu.",
            "amount": "Non relu.",
            "claimed": "Vérifié : la part imputée pour laquelle cet examen a été écrit.",
            "attachment": "Non relu.",
            "decision": "Admis, partiellement admis ou rejeté.",
            "admitted": "Pour une dépense partiellement admise : le montant admis.",
            "reason": "Un code de motif (voir les instructions).",
            "comment": "Obligatoire avec le motif « other ».",
        },
        "nl": {
            "title": "Wordt niet ingelezen.",
            "budget_line": "Wordt niet ingelezen.",
            "supplier": "Samen met het factuurnummer: de beoordeelde uitgave.",
            "invoice_date": "Wordt niet ingelezen.",
            "amount": "Wordt niet ingelezen.",
            "claimed": "Gecontroleerd: het bedrag waarvoor deze beoordeling geschreven werd.",
            "attachment": "Wordt niet ingelezen.",
            "decision": "Aanvaard, gedeeltelijk aanvaard of verworpen.",
            "admitted": "Voor een gedeeltelijk aanvaarde uitgave: het aanvaarde bedrag.",
            "reason": "Een code van de reden (zie de instructies).",
            "comment": "Verplicht bij de reden 'other'.",
        },
    }
)
