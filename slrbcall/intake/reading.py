"""Applications in: spreadsheet rows -> normalised applications and data errors.

Two kinds of trouble, kept apart (DESIGN.md §5):

* a **data error** is a cell the tool cannot read (``ca 50k``, ``#DIV/0!``, an unknown
  housing company that looks like a typo). The whole file is refused and nothing is
  stored; every data error of the file is reported at once.
* **ineligibility** is readable data that breaks the call's rules (an amount outside the
  range, an unknown theme, a missing partner). Such applications are stored, with a
  reason code and a sentence for each rule they break.

This module finds the data errors, reading the sheet row by row. The columns are defined
in :mod:`slrbcall.intake.fields` and each cell is read by its field's reader in
:mod:`slrbcall.intake.columns`; ineligibility is judged by
:mod:`slrbcall.intake.eligibility`.

Pure: no file is read and nothing is stored here (see :mod:`slrbcall.intake.service`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slrbcall.errors import Problem
from slrbcall.i18n import _
from slrbcall.intake.columns import CellProblem, cell_readers
from slrbcall.intake.fields import field, header_language
from slrbcall.model import Application, Call, Lang
from slrbcall.sheets import column_letters

if TYPE_CHECKING:
    from slrbcall.calls.registry import Registry
    from slrbcall.sheets import Cell, Header, Sheet

__all__ = ["RowsRead", "layout_problems", "read_applications"]

#: Progress is reported every this many rows.
_PROGRESS_STEP = 1000


@dataclass(frozen=True, slots=True)
class RowsRead:
    """What a sheet yields: applications (not yet assessed), data errors, warnings, and
    every reference the sheet names (its rows with a data error included)."""

    applications: tuple[Application, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]
    header: Header
    references: frozenset[str] = frozenset()


def read_applications(
    sheet: Sheet,
    header: Header,
    *,
    call: Call,
    registry: Registry,
    date1904: bool = False,
    on_row: Callable[[int, int], None] | None = None,
) -> RowsRead:
    """Read every data row below ``header``; collect every data error of the sheet.

    Row by row, each cell of a known column goes through its field's cell reader
    (:mod:`slrbcall.intake.columns`), which decides and words every problem. A row
    with a data error gives no application. ``on_row(done, total)`` reports progress.
    """

    warnings = [
        _(
            "{file}: sheet '{sheet}', column {column} ('{header}') is not a known column and "
            "was ignored"
        ).format(file=sheet.file_label, sheet=sheet.name, column=column_letters(col), header=text)
        for col, text in header.ignored
    ]
    problems = list(layout_problems(sheet, header))
    readers = cell_readers(call, registry, date1904)
    columns = list(header.columns.items())
    rows = [
        cells
        for cells in sheet.rows
        if cells[0].row > header.row and any(not cells[col - 1].is_empty for _, col in columns)
    ]
    default_lang = header_language(header)

    def problem(cell: Cell, message: str) -> Problem:
        return sheet.problem(message, row=cell.row, column=cell.col, header=header.label(cell.col))

    applications: list[Application] = []
    first_row_of: dict[str, int] = {}  # reference -> the row where it first stands
    for done, cells in enumerate(rows):
        if on_row is not None and done % _PROGRESS_STEP == 0:
            on_row(done, len(rows))
        row = cells[0].row
        values: dict[str, Any] = {}
        found: list[Problem] = []
        for key, col in columns:
            try:
                values[key] = readers[key](cells[col - 1])
            except CellProblem as exc:
                found.append(problem(cells[col - 1], str(exc)))
        for key in call.required_fields:
            if key in header.columns and key in values and values[key] is None:
                hint = _(field(key).hint) if field(key).hint else _("a value")
                message = _("empty, but the call requires it (write {hint})").format(hint=hint)
                found.append(problem(cells[header.columns[key] - 1], message))
        reference = values.get("reference")
        if reference is not None:
            if reference in first_row_of:
                message = _(
                    "the reference '{reference}' is also on row {row}: "
                    "each application needs its own reference"
                ).format(reference=reference, row=first_row_of[reference])
                found.append(problem(cells[header.columns["reference"] - 1], message))
            else:
                first_row_of[reference] = row
        if found:
            problems.extend(found)
        else:
            applications.append(_application(values, row, registry, default_lang))
    if on_row is not None and rows:
        on_row(len(rows), len(rows))
    if not applications and not problems:
        problems.append(sheet.problem(_("no application below the header row"), row=header.row))
    return RowsRead(
        tuple(applications), tuple(problems), tuple(warnings), header, frozenset(first_row_of)
    )


def layout_problems(sheet: Sheet, header: Header) -> Iterable[Problem]:
    """Hidden rows and merged cells inside the table: never read silently."""

    last = sheet.rows[-1][0].row if sheet.rows else 0
    if last <= header.row:
        return
    for row in sorted(sheet.hidden_rows):
        if header.row < row <= last:
            yield sheet.problem(
                _(
                    "this row is hidden: show it (or delete it) so that what is taken in is what "
                    "people see"
                ),
                row=row,
            )
    for area in sheet.merged_ranges:
        first_row = _first_row(area)
        if first_row is not None and first_row >= header.row and first_row <= last:
            yield Problem(
                sheet.file_label,
                _("merged cells inside the table: unmerge them and fill in each cell"),
                sheet=sheet.name,
                cells=area,
            )


def _first_row(area: str) -> int | None:
    match = re.match(r"[A-Z]+(\d+)", area)
    return int(match.group(1)) if match else None


def _application(
    values: Mapping[str, Any], row: int, registry: Registry, default_lang: Lang | None
) -> Application:
    """The application of one row read without a data error (not yet assessed).

    Every call requires the reference, the applicant, the title and the amount, so a
    row read without a data error holds them; a field the sheet has no column for is
    empty. Without a language, an application is in its housing company's language
    where it has only one, else in the language of the header row, else in French.
    """
    applicant, applicant_name = values["applicant"]
    theme, theme_text = values.get("theme") or (None, None)
    language = values.get("language")
    if language is None:
        org = registry.get(applicant) if applicant else None
        if org is not None and len(org.languages) == 1:
            language = org.languages[0]
        else:
            language = default_lang or Lang.FR
    return Application(
        reference=values["reference"],
        applicant=applicant,
        applicant_name=applicant_name,
        title=values["title"],
        requested_cents=values["requested_amount"],
        language=language,
        partner=values.get("partner"),
        partner_enterprise_number=values.get("partner_enterprise_number"),
        theme=theme,
        theme_text=theme_text,
        duration_months=values.get("duration_months"),
        start_date=values.get("start_date"),
        residents_targeted=values.get("residents_targeted"),
        contact_name=values.get("contact_name"),
        contact_email=values.get("contact_email"),
        summary=values.get("summary"),
        partner_address=values.get("partner_address"),
        partner_iban=values.get("partner_iban"),
        partner_representative=values.get("partner_representative"),
        received_date=values.get("received_date"),
        second_housing_company=values.get("second_housing_company"),
        commune=values.get("commune"),
        source_row=row,
    )
