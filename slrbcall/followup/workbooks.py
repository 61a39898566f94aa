"""The follow-up workbooks in: monitoring reports and payments, under the intake contract.

Both are read like the applications (:mod:`slrbcall.sheets`): the header row found by
content, headers in English, French or Dutch, every unreadable cell a problem, all of
them at once, and nothing stored when there is one. Whether a row is allowed (a funded
project, dates, the payment rules) is :mod:`slrbcall.followup`'s job.

The templates pre-fill the reference and the title of each project (and the tranche
for payments), so a row whose other cells are all empty is one the officer did not fill
in: it is left out and counted, never an error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from slrbcall.errors import Problem
from slrbcall.followup.model import Report
from slrbcall.followup.outcomes import deliverable_kinds
from slrbcall.sheets import (
    CellError,
    clean_text,
    normalise_header,
    read_amount,
    read_date,
    read_identifier,
    read_int,
)

if TYPE_CHECKING:
    from slrbcall.sheets import Cell, Header, Sheet

__all__ = [
    "DELIVERABLE_WORDS",
    "MONITORING_COLUMNS",
    "MONITORING_INSTRUCTIONS",
    "MONITORING_SHEETS",
    "PAYMENT_COLUMNS",
    "PAYMENT_INSTRUCTIONS",
    "PAYMENT_SHEETS",
    "Column",
    "PaymentRow",
    "PaymentsRead",
    "ReportsRead",
    "column",
    "filled",
    "matcher",
    "read_payment_rows",
    "read_reports",
    "recogniser",
]


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a follow-up workbook: its headers per language (en, fr, nl), other
    names people give it, and whether the tool reads it back (``read``)."""

    key: str
    labels: Mapping[str, str]
    aliases: tuple[str, ...] = ()
    read: bool = True


def column(key: str, en: str, fr: str, nl: str, *aliases: str, read: bool = True) -> Column:
    return Column(key, MappingProxyType({"en": en, "fr": fr, "nl": nl}), aliases, read)


_REFERENCE = column(
    "reference", "Reference", "Référence", "Referentie", "Ref", "Réf", "Dossier", "Project"
)
_TITLE = column("title", "Project title", "Titre du projet", "Projecttitel", "Title", read=False)

MONITORING_COLUMNS: tuple[Column, ...] = (
    _REFERENCE,
    _TITLE,
    column(
        "report_date", "Report date", "Date du rapport", "Datum van het verslag", "Date", "Datum"
    ),
    column(
        "residents_involved",
        "Residents involved",
        "Habitants impliqués",
        "Betrokken bewoners",
        "Locataires impliqués",
        "Involved",
    ),
    column(
        "residents_trained",
        "Residents trained",
        "Habitants formés",
        "Opgeleide bewoners",
        "Locataires formés",
        "Gevormde bewoners",
        "Trained",
    ),
    column(
        "activities",
        "Activities held",
        "Activités organisées",
        "Georganiseerde activiteiten",
        "Activities",
        "Activités",
        "Activiteiten",
    ),
    column("participants", "Participants", "Participants", "Deelnemers"),
    column(
        "deliverables",
        "Deliverables",
        "Productions",
        "Realisaties",
        "Réalisations",
        "Producten",
        "Outputs",
    ),
    column(
        "remarks",
        "Remarks",
        "Remarques",
        "Opmerkingen",
        "Remarque",
        "Opmerking",
        "Comment",
        "Commentaire",
    ),
)

PAYMENT_COLUMNS: tuple[Column, ...] = (
    _REFERENCE,
    _TITLE,
    column("tranche", "Tranche", "Tranche", "Schijf", "Tranche number", "Numéro de tranche"),
    column("amount_due", "Amount due", "Montant prévu", "Voorzien bedrag", read=False),
    column(
        "paid_on",
        "Payment date",
        "Date du paiement",
        "Betalingsdatum",
        "Paid on",
        "Payé le",
        "Betaald op",
        "Date",
        "Datum",
    ),
    column(
        "amount", "Amount paid", "Montant payé", "Betaald bedrag", "Amount", "Montant", "Bedrag"
    ),
    column("note", "Note", "Remarque", "Opmerking", "Remark", "Comment", "Commentaire"),
)


def matcher(columns: tuple[Column, ...]) -> Callable[[str], str | None]:
    """A header matcher for :func:`slrbcall.sheets.find_header` over ``columns``."""

    index: dict[str, str] = {}
    for column in columns:
        for name in (*column.labels.values(), *column.aliases):
            index.setdefault(normalise_header(name), column.key)
    return index.get


def recogniser(columns: tuple[Column, ...]) -> Callable[[Sheet], bool]:
    """True for a sheet with a row naming the reference and another column the tool
    reads back."""
    match = matcher(columns)
    read = {column.key for column in columns if column.read}

    def recognise(sheet: Sheet) -> bool:

        for cells in sheet.rows[:30]:
            found = {match(normalise_header(c.value)) for c in cells if isinstance(c.value, str)}
            if "reference" in found and len(found & read) >= 2:
                return True
        return False

    return recognise


@dataclass(frozen=True, slots=True)
class ReportsRead:
    reports: tuple[Report, ...]
    problems: tuple[Problem, ...]
    left_out: int  # pre-filled rows with no report in them


_REPORT_FIELDS = (
    "report_date",
    "residents_involved",
    "residents_trained",
    "activities",
    "participants",
    "deliverables",
    "remarks",
)
_COUNTS = ("residents_involved", "residents_trained", "activities", "participants")


def filled(cells: tuple[Cell, ...], columns: Mapping[str, int], keys: tuple[str, ...]) -> bool:
    """Whether any of the cells of ``keys`` (their ``columns``) holds something."""
    return any(
        not cells[columns[key] - 1].is_empty
        for key in keys
        if key in columns and columns[key] <= len(cells)
    )


def read_reports(sheet: Sheet, header: Header, *, date1904: bool = False) -> ReportsRead:
    """Every report of the sheet below ``header``, with every unreadable cell a problem.

    A count cannot be negative; the reference and the report date are required in a
    row that reports anything.
    """

    columns = header.columns
    reports: list[Report] = []
    problems: list[Problem] = []
    left_out = 0

    def at(cell: Cell) -> Problem:
        return sheet.problem("", row=cell.row, column=cell.col, header=header.label(cell.col))

    for cells in sheet.rows:
        if cells[0].row <= header.row or not filled(cells, columns, ("reference", *_REPORT_FIELDS)):
            continue
        if not filled(cells, columns, _REPORT_FIELDS):
            left_out += 1
            continue
        found: dict[str, object] = {}
        row_problems = []
        for key in ("reference", *_REPORT_FIELDS):
            if key not in columns:
                found[key] = None
                continue
            cell = cells[columns[key] - 1]
            try:
                if key == "reference":
                    found[key] = read_identifier(cell)
                elif key == "report_date":
                    found[key] = read_date(cell, date1904=date1904)
                elif key in _COUNTS:
                    found[key] = read_int(cell, minimum=0)
                else:
                    found[key] = clean_text(cell, multiline=True)
            except CellError as exc:
                row_problems.append(at(cell).saying(str(exc)))
                continue
            if found[key] is None and key in ("reference", "report_date"):
                name = "reference" if key == "reference" else "report date"
                row_problems.append(at(cell).saying(f"empty: every report needs its {name}"))
        if row_problems:
            problems.extend(row_problems)
            continue
        reference, report_date = found["reference"], found["report_date"]
        assert isinstance(reference, str)
        assert isinstance(report_date, dt.date)
        deliverables = found["deliverables"]
        assert deliverables is None or isinstance(deliverables, str)
        remarks = found["remarks"]
        assert remarks is None or isinstance(remarks, str)
        counts = {key: found[key] for key in _COUNTS}
        reports.append(
            Report(
                reference=reference,
                report_date=report_date,
                residents_involved=_count(counts["residents_involved"]),
                residents_trained=_count(counts["residents_trained"]),
                activities=_count(counts["activities"]),
                participants=_count(counts["participants"]),
                deliverables=deliverables,
                deliverable_kinds=deliverable_kinds(deliverables),
                remarks=remarks,
                place=sheet.problem("", row=cells[0].row),
            )
        )
    return ReportsRead(tuple(reports), tuple(problems), left_out)


def _count(value: object) -> int | None:
    assert value is None or isinstance(value, int)
    return value


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """One payment as read from a payments workbook (``amount_cents`` ``None``: the
    tranche's full amount)."""

    reference: str
    tranche: int
    paid_on: dt.date
    amount_cents: int | None
    note: str | None
    place: Problem  # where it was read (a problem without a message)

    @property
    def where(self) -> str:
        return self.place.where


@dataclass(frozen=True, slots=True)
class PaymentsRead:
    rows: tuple[PaymentRow, ...]
    problems: tuple[Problem, ...]
    left_out: int


def read_payment_rows(sheet: Sheet, header: Header, *, date1904: bool = False) -> PaymentsRead:
    """Every payment of the sheet below ``header``; reference, tranche and payment
    date are required in a row that pays anything."""

    columns = header.columns
    rows: list[PaymentRow] = []
    problems: list[Problem] = []
    left_out = 0
    paid_fields = ("paid_on", "amount", "note")

    for cells in sheet.rows:
        if cells[0].row <= header.row or not filled(
            cells, columns, ("reference", "tranche", *paid_fields)
        ):
            continue
        if not filled(cells, columns, paid_fields):
            left_out += 1
            continue
        found: dict[str, object] = {}
        row_problems = []
        for key in ("reference", "tranche", *paid_fields):
            if key not in columns:
                found[key] = None
                continue
            cell = cells[columns[key] - 1]
            try:
                if key == "reference":
                    found[key] = read_identifier(cell)
                elif key == "tranche":
                    found[key] = read_int(cell, minimum=1)
                elif key == "paid_on":
                    found[key] = read_date(cell, date1904=date1904)
                elif key == "amount":
                    found[key] = read_amount(cell)
                else:
                    found[key] = clean_text(cell, multiline=True)
            except CellError as exc:
                row_problems.append(
                    sheet.problem(
                        str(exc), row=cell.row, column=cell.col, header=header.label(cell.col)
                    )
                )
                continue
            if found[key] is None and key in ("reference", "tranche", "paid_on"):
                name = {"reference": "reference", "tranche": "tranche", "paid_on": "payment date"}
                row_problems.append(
                    sheet.problem(
                        f"empty: every payment needs its {name[key]}",
                        row=cell.row,
                        column=cell.col,
                        header=header.label(cell.col),
                    )
                )
        if row_problems:
            problems.extend(row_problems)
            continue
        reference, tranche, paid_on = found["reference"], found["tranche"], found["paid_on"]
        amount, note = found["amount"], found["note"]
        assert isinstance(reference, str)
        assert isinstance(tranche, int)
        assert isinstance(paid_on, dt.date)
        assert amount is None or isinstance(amount, int)
        assert note is None or isinstance(note, str)
        rows.append(
            PaymentRow(
                reference=reference,
                tranche=tranche,
                paid_on=paid_on,
                amount_cents=amount,
                note=note,
                place=sheet.problem("", row=cells[0].row),
            )
        )
    return PaymentsRead(tuple(rows), tuple(problems), left_out)


#: The sheet names of the templates, per language (en, fr, nl).
MONITORING_SHEETS = MappingProxyType({"en": "Monitoring", "fr": "Suivi", "nl": "Opvolging"})
PAYMENT_SHEETS = MappingProxyType({"en": "Payments", "fr": "Paiements", "nl": "Betalingen"})

#: The words of the deliverables list, per language, for the template's note.
DELIVERABLE_WORDS = MappingProxyType(
    {
        "en": "portraits, travel reports, recipes, booklets, brochures",
        "fr": "portraits, carnets de voyage, recettes, livrets, brochures",
        "nl": "portretten, reisverslagen, recepten, boekjes, brochures",
    }
)

MONITORING_INSTRUCTIONS = MappingProxyType(
    {
        "en": (
            "One row per report of a funded project. Fill in the report date and the "
            "figures so far (totals since the start, not since the last report).",
            "Leave a figure empty when it is not known: empty is 'not reported', not zero.",
            "Deliverables: free text, or words from the list: " + DELIVERABLE_WORDS["en"] + ".",
            "A later report of the same project goes on a new row with its own date: every "
            "report is kept.",
            "Take it in with: slrbcall monitor FILE.xlsx",
        ),
        "fr": (
            "Une ligne par rapport d'un projet financé. Indiquez la date du rapport et les "
            "chiffres à cette date (depuis le début du projet, pas depuis le rapport "
            "précédent).",
            "Laissez vide un chiffre inconnu : vide veut dire « non rapporté », pas zéro.",
            "Productions : texte libre, ou des mots de la liste : " + DELIVERABLE_WORDS["fr"] + ".",
            "Un rapport suivant du même projet va sur une nouvelle ligne avec sa date : "
            "chaque rapport est conservé.",
            "Pour l'importer : slrbcall monitor FICHIER.xlsx",
        ),
        "nl": (
            "Eén rij per verslag van een gesubsidieerd project. Vul de datum van het verslag "
            "in en de cijfers op die datum (sinds de start, niet sinds het vorige verslag).",
            "Laat een onbekend cijfer leeg: leeg betekent 'niet gerapporteerd', niet nul.",
            "Realisaties: vrije tekst, of woorden uit de lijst: " + DELIVERABLE_WORDS["nl"] + ".",
            "Een later verslag van hetzelfde project komt op een nieuwe rij met zijn eigen "
            "datum: elk verslag wordt bewaard.",
            "Inlezen: slrbcall monitor BESTAND.xlsx",
        ),
    }
)

PAYMENT_INSTRUCTIONS = MappingProxyType(
    {
        "en": (
            "One row per tranche still to pay. Fill in the payment date of the tranches "
            "paid; leave the others empty.",
            "Amount paid: leave it empty to pay the amount due, or type the amount.",
            "A tranche is paid once, never above the award, and not before its condition is "
            "met (signature, reports): record the milestones first.",
            "Take it in with: slrbcall payments take FILE.xlsx",
        ),
        "fr": (
            "Une ligne par tranche restant à payer. Indiquez la date de paiement des "
            "tranches payées ; laissez les autres vides.",
            "Montant payé : laissez vide pour payer le montant prévu, ou tapez le montant.",
            "Une tranche se paie une fois, jamais au-delà de la subvention, et pas avant que "
            "sa condition soit remplie (signature, rapports) : enregistrez d'abord les "
            "étapes.",
            "Pour l'importer : slrbcall payments take FICHIER.xlsx",
        ),
        "nl": (
            "Eén rij per schijf die nog betaald moet worden. Vul de betalingsdatum in van de "
            "betaalde schijven; laat de andere leeg.",
            "Betaald bedrag: laat leeg om het voorziene bedrag te betalen, of typ het bedrag.",
            "Een schijf wordt één keer betaald, nooit boven de subsidie, en niet voor de "
            "voorwaarde vervuld is (ondertekening, verslagen): registreer eerst de mijlpalen.",
            "Inlezen: slrbcall payments take BESTAND.xlsx",
        ),
    }
)
