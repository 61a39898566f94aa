"""The budget sheet of the applications workbook: found, read and checked.

The sheet is wide, one row per application as on the first sheet: its reference, its
title (not read), a column per budget line and a column per co-financing source
(``Co-financing: Own funds``), amounts in euro, an empty cell being nothing planned. It
is found by its headers, whatever its name.

Everything wrong is a data error (the whole file is refused), each at its cell: an
unreadable amount, a column holding amounts that is no line of the call, a reference
twice or with no application, a budget that does not add up or breaks a line's rule
(:func:`~slrbcall.intake.budget.budget_breaks`). Pure: no file is read and nothing is
stored here.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from slrbcall.errors import InputFileError, Problem
from slrbcall.i18n import _, gettext_in, language, ngettext
from slrbcall.intake.budget import (
    CO_FINANCING_HEADER,
    LINE_PREFIX,
    SOURCE_PREFIX,
    BudgetChanges,
    budget_breaks,
    line_column,
    source_column,
)
from slrbcall.intake.fields import field, match_header
from slrbcall.intake.reading import RowsRead, layout_problems
from slrbcall.model import Budget
from slrbcall.money import format_eur
from slrbcall.sheets import (
    CellError,
    column_letters,
    find_header,
    normalise_header,
    read_amount,
    read_identifier,
)

if TYPE_CHECKING:
    from slrbcall.model import Application, Call
    from slrbcall.sheets import Cell, Sheet, Workbook

__all__ = [
    "BudgetsRead",
    "budget_refusals",
    "find_budget_sheet",
    "is_budget_sheet",
    "missing_budgets",
    "read_budgets",
]

_REFERENCE = "reference"
_TITLE = "title"


def _header_index(call: Call) -> dict[str, str]:
    """Normalised header -> column key: the reference and the title as the applications
    sheet names them, each line by its key or label (nl, fr), each source by its key or
    label, bare or after "Co-financing:" in English, French or Dutch. A line's name wins
    over a source's."""
    index: dict[str, str] = {}
    for key in (_REFERENCE, _TITLE):
        spec = field(key)
        for name in (*spec.labels.values(), *spec.aliases, key):
            index.setdefault(normalise_header(name), key)
    for line in call.budget_lines:
        for name in (line.key, line.label.nl, line.label.fr):
            index.setdefault(normalise_header(name), line_column(line.key))
    for source in call.co_financing:
        names = (source.key, source.label.nl, source.label.fr)
        for name in names:
            index.setdefault(normalise_header(name), source_column(source.key))
        for lang in ("en", "fr", "nl"):
            pattern = gettext_in(lang, CO_FINANCING_HEADER)
            for name in names:
                index.setdefault(
                    normalise_header(pattern.format(source=name)), source_column(source.key)
                )
    return index


def _matcher(call: Call) -> Callable[[str], str | None]:
    index = _header_index(call)
    return index.get


def is_budget_sheet(sheet: Sheet, call: Call) -> bool:
    """True when one of the first rows names the reference and more budget lines or
    co-financing sources than other columns of an application: a budget sheet, never
    the applications sheet with a column named like a line."""
    if not call.budget_lines:
        return False
    match = _matcher(call)
    for cells in sheet.rows[:30]:
        names = [normalise_header(c.value) for c in cells if isinstance(c.value, str)]
        keys = {match(name) for name in names if name}
        money = sum(1 for key in keys if key and key.startswith((LINE_PREFIX, SOURCE_PREFIX)))
        others = {match_header(name) for name in names if name} - {None, _REFERENCE, _TITLE}
        if _REFERENCE in keys and money > len(others):
            return True
    return False


def find_budget_sheet(workbook: Workbook, call: Call, *, besides: Sheet) -> Sheet | None:
    """The budget sheet of ``workbook`` (a visible sheet other than ``besides``, the
    applications sheet), or None. Raises :class:`InputFileError` when several could be."""
    found = [
        sheet
        for sheet in workbook.sheets
        if sheet.visible and sheet.name != besides.name and is_budget_sheet(sheet, call)
    ]
    if len(found) > 1:
        listed = ", ".join(f"'{sheet.name}'" for sheet in found)
        raise InputFileError(
            [
                Problem(
                    workbook.path.name,
                    _("several sheets could be the budget by line ({sheets}): keep one").format(
                        sheets=listed
                    ),
                )
            ]
        )
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class BudgetsRead:
    """What the budget sheet yields: each application's budget (by reference; an
    application whose row is empty has none), the row each came from, data errors and
    warnings, in the officer's language."""

    sheet: str
    budgets: Mapping[str, Budget]
    rows: Mapping[str, int]
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]


def read_budgets(
    sheet: Sheet,
    *,
    call: Call,
    applications: Mapping[str, Application],
    references: Collection[str],
    applications_sheet: str,
    decided: Collection[str] = (),
) -> BudgetsRead:
    """Read every row of the budget sheet and check each budget against its application.

    ``applications`` are the applications read without a data error, by reference;
    ``references`` every reference the applications sheet names, its rows with a data
    error included (their budgets are read, not checked against them). The budgets of
    the ``decided`` applications are read, not checked: a decided budget that no
    longer adds up means a changed row or budget, which the intake refuses as such.
    """
    try:
        header = find_header(
            sheet,
            match=_matcher(call),
            required=(_REFERENCE,),
            names={_REFERENCE: _label(_REFERENCE)},
        )
    except InputFileError as exc:
        return BudgetsRead(sheet.name, {}, {}, tuple(exc.problems), ())
    problems: list[Problem] = list(layout_problems(sheet, header))
    warnings: list[str] = []
    data_rows = [cells for cells in sheet.rows if cells[0].row > header.row]
    for col, text in header.ignored:
        if any(not cells[col - 1].is_empty for cells in data_rows):
            problems.append(
                sheet.problem(_unknown_column(call, text), row=header.row, column=col, header=text)
            )
        else:
            warnings.append(
                _(
                    "{file}: sheet '{sheet}', column {column} ('{header}') is not a known "
                    "column and was ignored"
                ).format(
                    file=sheet.file_label,
                    sheet=sheet.name,
                    column=column_letters(col),
                    header=text,
                )
            )
    money = [
        (key, col)
        for key, col in header.columns.items()
        if key.startswith((LINE_PREFIX, SOURCE_PREFIX))
    ]
    ref_col = header.columns[_REFERENCE]
    budgets: dict[str, Budget] = {}
    rows: dict[str, int] = {}
    for cells in data_rows:
        wanted = [cells[ref_col - 1], *(cells[col - 1] for _key, col in money)]
        if all(cell.is_empty for cell in wanted):
            continue  # a blank row, or one with its title alone
        row = cells[0].row

        def problem(cell: Cell, message: str, row: int = row) -> Problem:
            return sheet.problem(message, row=row, column=cell.col, header=header.label(cell.col))

        found: list[Problem] = []
        reference = None
        try:
            reference = read_identifier(cells[ref_col - 1])
            unreadable = False
        except CellError as exc:
            found.append(problem(cells[ref_col - 1], str(exc)))
            unreadable = True
        amounts: dict[str, int | None] = {}
        for key, col in money:
            try:
                amounts[key] = read_amount(cells[col - 1])
            except CellError as exc:
                found.append(problem(cells[col - 1], str(exc)))
        if reference is None and not unreadable:
            found.insert(
                0,
                problem(
                    cells[ref_col - 1],
                    _("empty: each row of the budget names the reference of its application"),
                ),
            )
        elif reference is not None and reference in rows:
            found.append(
                problem(
                    cells[ref_col - 1],
                    _(
                        "the reference '{reference}' is also on row {row}: each application "
                        "has one row of budget"
                    ).format(reference=reference, row=rows[reference]),
                )
            )
            reference = None
        elif reference is not None and reference not in references:
            found.append(
                problem(
                    cells[ref_col - 1],
                    _(
                        "no application '{reference}' on sheet '{sheet}': a budget goes with "
                        "an application of the same file"
                    ).format(reference=reference, sheet=applications_sheet),
                )
            )
            reference = None
        if reference is not None:
            rows[reference] = row
        if found or reference is None:
            problems.extend(found)
            continue
        if all(value is None for value in amounts.values()):
            continue  # the reference alone: no budget
        budget = _budget(call, amounts)
        budgets[reference] = budget
        application = applications.get(reference)
        if application is None or reference in decided:
            continue  # its row has a data error, reported there; or it is decided
        columns = dict(money)
        for broken, message in budget_breaks(budget, call, application.requested_cents):
            if broken is None:
                problems.append(
                    sheet.problem(
                        message
                        + " "
                        + _("(requested on sheet '{sheet}', row {row})").format(
                            sheet=applications_sheet, row=application.source_row
                        ),
                        row=row,
                    )
                )
            else:
                col = columns[line_column(broken)]
                problems.append(problem(cells[col - 1], message))
    return BudgetsRead(sheet.name, budgets, rows, tuple(problems), tuple(warnings))


def _label(key: str) -> str:
    labels = field(key).labels
    return labels.get(language(), labels["en"])


def _unknown_column(call: Call, text: str) -> str:
    """Why a column holding amounts that names no line of the call is refused."""
    lang = "nl" if language() == "nl" else "fr"
    lines = [line.label[lang] for line in call.budget_lines]
    sources = [source.label[lang] for source in call.co_financing]
    close = difflib.get_close_matches(text, [*lines, *sources], n=1, cutoff=0.6)
    suggestion = _(" (did you mean '{value}'?)").format(value=close[0]) if close else ""
    listed = ", ".join(f"'{name}'" for name in lines)
    if not sources:
        return _(
            "'{header}' is not a budget line of {call}{suggestion}: its lines are {lines}"
        ).format(header=text, call=call.id, suggestion=suggestion, lines=listed)
    return _(
        "'{header}' is neither a budget line nor a co-financing source of {call}{suggestion}: "
        "its lines are {lines}, its sources {sources}"
    ).format(
        header=text,
        call=call.id,
        suggestion=suggestion,
        lines=listed,
        sources=", ".join(f"'{name}'" for name in sources),
    )


def _budget(call: Call, amounts: Mapping[str, int | None]) -> Budget:
    """The budget of one row: the amounts above zero, in the call's order."""
    return Budget(
        lines=tuple(
            (line.key, cents)
            for line in call.budget_lines
            if (cents := amounts.get(line_column(line.key)) or 0)
        ),
        co_financing=tuple(
            (source.key, cents)
            for source in call.co_financing
            if (cents := amounts.get(source_column(source.key)) or 0)
        ),
    )


def missing_budgets(references: Sequence[str], sheet: str) -> str:
    """The warning for the applications of a file with a budget sheet but no budget."""
    listed = ", ".join(references[:10]) + (", ..." if len(references) > 10 else "")
    return ngettext(
        "{count} application of the file has no budget on sheet '{sheet}' ({references}): "
        "its convention will print none",
        "{count} applications of the file have no budget on sheet '{sheet}' ({references}): "
        "their conventions will print none",
        len(references),
    ).format(count=len(references), sheet=sheet, references=listed)


def budget_refusals(
    planned: BudgetChanges,
    budgets: BudgetsRead | None,
    decided: Mapping[str, int],
    read: RowsRead,
    *,
    path: Path,
    sheet: str,
) -> list[Problem]:
    """A decided application's budget that the file changes, at its budget row; a stored
    budget that no longer asks for the requested amount, at the requested amount."""
    problems = []
    for reference in planned.frozen:
        assert budgets is not None  # only a budget sheet changes a budget
        problems.append(
            Problem(
                path.name,
                _(
                    "{reference} was decided (adopted run {run}): its budget may no longer "
                    "change; put back the decided amounts, and record a change of the award "
                    "with 'slrbcall amend {reference}'"
                ).format(reference=reference, run=decided[reference]),
                sheet=budgets.sheet,
                row=budgets.rows[reference],
            )
        )
    by_reference = {app.reference: app for app in read.applications}
    column = read.header.columns.get("requested_amount")
    for reference in planned.stale:
        app = by_reference[reference]
        problems.append(
            Problem(
                path.name,
                _(
                    "the budget stored for {reference} asks the grant for {grant}, not the "
                    "{requested} now requested: give its budget again on the budget sheet, "
                    "or put back the amount"
                ).format(
                    reference=reference,
                    grant=format_eur(planned.in_force[reference].grant_cents),
                    requested=format_eur(app.requested_cents),
                ),
                sheet=sheet,
                row=app.source_row,
                column=column,
                header=read.header.label(column) if column else None,
            )
        )
    return problems
