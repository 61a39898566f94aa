"""The committee's marks in: a scores workbook -> :class:`~slrbcall.committee.scoring.Mark` values.

Two layouts are read (docs/scoring.md):

* **wide**, as ``slrbcall template scores`` writes it: one row per (application,
  reviewer), one column per criterion, and a comment column;
* **long**, as other tools export it: one row per mark, with reference, reviewer,
  criterion and mark columns.

Cells follow the intake contract (:mod:`slrbcall.sheets`): every unreadable cell is a
problem, all of them are reported at once, and nothing is stored. Whether a mark is
allowed (range, conflicts, duplicates) is :func:`slrbcall.committee.scoring.check_marks`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from slrbcall.committee.scoring import Mark
from slrbcall.errors import Problem
from slrbcall.i18n import _, language
from slrbcall.sheets import CellError, clean_text, normalise_header, read_identifier

if TYPE_CHECKING:
    from slrbcall.committee.scoring import Mark
    from slrbcall.model import Call
    from slrbcall.sheets import Cell, Header, Sheet

__all__ = ["MarksRead", "mark_matcher", "read_marks", "recognise_marks_sheet"]

_ALIASES = {
    "reference": (
        "reference",
        "ref",
        "référence",
        "réf",
        "referentie",
        "application",
        "candidature",
        "aanvraag",
        "dossier",
    ),
    "reviewer": (
        "reviewer",
        "member",
        "committee member",
        "évaluateur",
        "évaluatrice",
        "membre",
        "membre du comité",
        "beoordelaar",
        "lid",
        "jurylid",
        "lid van het comité",
    ),
    "criterion": ("criterion", "critère", "criterium", "criteria", "critères", "criteria"),
    "mark": ("mark", "score", "note", "cote", "punten", "score (punten)", "beoordeling"),
    "comment": ("comment", "comments", "commentaire", "remarque", "opmerking", "commentaar"),
}

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def mark_matcher(call: Call) -> Callable[[str], str | None]:
    """A header matcher: the fixed columns, and ``criterion:KEY`` per criterion."""

    index: dict[str, str] = {}
    for key, names in _ALIASES.items():
        for name in names:
            index.setdefault(normalise_header(name), key)
    for criterion in call.criteria:
        for name in (criterion.key, criterion.label.nl, criterion.label.fr):
            index.setdefault(normalise_header(name), f"criterion:{criterion.key}")
    return index.get


def recognise_marks_sheet(call: Call) -> Callable[[Sheet], bool]:
    match = mark_matcher(call)

    def recognise(sheet: Sheet) -> bool:

        for cells in sheet.rows[:30]:
            found = {match(normalise_header(c.value)) for c in cells if isinstance(c.value, str)}
            if {"reference", "reviewer"} <= found:
                return True
        return False

    return recognise


@dataclass(frozen=True, slots=True)
class MarksRead:
    marks: tuple[Mark, ...]
    problems: tuple[Problem, ...]
    layout: str  # "wide" or "long"


def read_marks(sheet: Sheet, header: Header, *, call: Call) -> MarksRead:
    """Every mark of the sheet below ``header``, with every unreadable cell as a problem."""

    columns = header.columns
    criteria = {
        k.removeprefix("criterion:"): c for k, c in columns.items() if k.startswith("criterion:")
    }
    long_layout = "criterion" in columns and "mark" in columns
    problems: list[Problem] = []
    marks: list[Mark] = []
    if not long_layout and not criteria:
        problems.append(
            sheet.problem(
                _(
                    "no mark columns: add one column per criterion ({criteria}) or the "
                    "columns 'Criterion' and 'Mark'"
                ).format(criteria=", ".join(c.label[_label_language()] for c in call.criteria)),
                row=header.row,
            )
        )
        return MarksRead((), tuple(problems), "wide")
    reviewers = _reviewer_index(call)
    criterion_names = _criterion_index(call)

    def at(cell: Cell) -> Problem:
        return sheet.problem("", row=cell.row, column=cell.col, header=header.label(cell.col))

    for cells in sheet.rows:
        if cells[0].row <= header.row or all(
            cells[c - 1].is_empty for c in columns.values() if c <= len(cells)
        ):
            continue
        try:
            reference = read_identifier(cells[columns["reference"] - 1])
            reviewer_cell = cells[columns["reviewer"] - 1]
            reviewer_text = clean_text(reviewer_cell)
            comment = (
                clean_text(cells[columns["comment"] - 1], multiline=True)
                if "comment" in columns
                else None
            )
        except CellError as exc:
            problems.append(at(cells[0]).saying(str(exc)))
            continue
        if reference is None or reviewer_text is None:
            missing = "reference" if reference is None else "reviewer"
            cell = cells[columns[missing] - 1]
            if reference is None:
                empty = _("empty: every row needs its reference")
            else:
                empty = _("empty: every row needs its reviewer")
            problems.append(at(cell).saying(empty))
            continue
        reviewer = reviewers.get(_fold(reviewer_text), reviewer_text)
        if long_layout:
            pairs = []
            criterion_cell = cells[columns["criterion"] - 1]
            try:
                text = clean_text(criterion_cell) or ""
            except CellError as exc:
                problems.append(at(criterion_cell).saying(str(exc)))
                continue
            pairs.append((criterion_names.get(_fold(text), text), cells[columns["mark"] - 1]))
        else:
            pairs = [(key, cells[col - 1]) for key, col in criteria.items()]
        for criterion, cell in pairs:
            try:
                value = _mark_value(cell)
            except CellError as exc:
                problems.append(at(cell).saying(str(exc)))
                continue
            if value is None:
                continue  # a missing mark: reported by missing_marks, not a data error
            marks.append(
                Mark(
                    reference=reference,
                    reviewer=reviewer,
                    criterion=criterion,
                    mark=value,
                    comment=comment,
                    place=at(cell),
                )
            )
    return MarksRead(tuple(marks), tuple(problems), "long" if long_layout else "wide")


def _label_language() -> str:
    """The language of the call's labels the officer reads: Dutch, else French."""
    return "nl" if language() == "nl" else "fr"


def _fold(text: str) -> str:

    return normalise_header(text)


def _reviewer_index(call: Call) -> dict[str, str]:
    """Normalised key or name -> committee member key."""
    index: dict[str, str] = {}
    for member in call.committee:
        index[_fold(member.key)] = member.key
        index[_fold(member.name)] = member.key
    return index


def _criterion_index(call: Call) -> dict[str, str]:
    index: dict[str, str] = {}
    for criterion in call.criteria:
        for name in (criterion.key, criterion.label.nl, criterion.label.fr):
            index[_fold(name)] = criterion.key
    return index


def _mark_value(cell: Cell) -> Decimal | None:
    """A mark: a number cell taken exactly, or text such as ``7,5`` or ``7.5``."""

    value = cell.value
    if cell.error is None and isinstance(value, int | Decimal) and not isinstance(value, bool):
        if value < 0:
            raise CellError(_("a mark cannot be negative: {mark}").format(mark=value))
        return Decimal(value)
    text = clean_text(cell)
    if text is None:
        return None
    if not _NUMBER.fullmatch(text):
        raise CellError(
            _("not a mark: '{text}' (write a number such as 7 or 7,5)").format(text=text)
        )
    return Decimal(text.replace(",", "."))
