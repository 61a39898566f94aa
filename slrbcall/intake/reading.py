"""Applications in: spreadsheet rows -> normalised applications and data errors.

Two kinds of trouble, kept apart (DESIGN.md §5):

* a **data error** is a cell the tool cannot read (``ca 50k``, ``#DIV/0!``, an unknown
  housing company that looks like a typo). The whole file is refused and nothing is
  stored; every data error of the file is reported at once.
* **ineligibility** is readable data that breaks the call's rules (an amount outside the
  range, an unknown theme, a missing partner). Such applications are stored, with a
  reason code and a sentence for each rule they break.

This module finds the data errors. The columns are defined in :mod:`slrbcall.intake.fields`
and read by :mod:`slrbcall.intake.columns`; ineligibility is judged by
:mod:`slrbcall.intake.eligibility`.

Pure: no file is read and nothing is stored here (see :mod:`slrbcall.intake.service`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from slrbcall.errors import Problem
from slrbcall.intake.columns import cell_readers, column_readers, read_column
from slrbcall.intake.fields import field, header_language
from slrbcall.intake.merge import ApplicationRows
from slrbcall.model import Call, Lang
from slrbcall.sheets import column_letters, where_row
from slrbcall.sheets.grid import grid_of

if TYPE_CHECKING:
    from slrbcall.calls.registry import Registry
    from slrbcall.intake.merge import ApplicationRows
    from slrbcall.sheets import Header, Sheet

__all__ = ["RowsRead", "read_applications"]


@dataclass(frozen=True, slots=True)
class RowsRead:
    """What a sheet yields: applications (not yet assessed), data errors, warnings."""

    applications: ApplicationRows
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]
    header: Header


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

    Column by column: each value goes through a quick check of the usual cases (a
    plain text, a whole or two-decimal number, a date cell, a name seen before), and
    anything else through the cell readers, which decide and word every problem (see
    :mod:`slrbcall.intake.columns`). ``on_row(done, total)`` reports progress,
    in rows, once per column.
    """

    problems: list[Problem] = []
    warnings: list[str] = []
    for col, text in header.ignored:
        warnings.append(
            f"{sheet.file_label}: sheet '{sheet.name}', column {column_letters(col)} "
            f"('{text}') is not a known column and was ignored"
        )
    grid = grid_of(sheet.rows)
    keys = list(header.columns)
    rows, raw_columns = grid.columns([header.columns[key] for key in keys], below=header.row)
    problems.extend(_layout_problems(sheet, header))

    found: list[tuple[int, int, int, Problem]] = []  # (row, stage, position, problem)
    bad_rows: set[int] = set()
    bad_cells: set[tuple[int, int]] = set()

    def bad(row: int, message: str, *, col: int, stage: int, position: int) -> None:
        bad_rows.add(row)
        bad_cells.add((row, col))
        found.append(
            (row, stage, position, Problem(sheet.where(row, col, header.label(col)), message))
        )

    readers = cell_readers(call, registry, date1904)
    quick = column_readers(readers)
    columns: dict[str, list[Any]] = {}
    for position, (key, raw) in enumerate(zip(keys, raw_columns, strict=True)):
        col = header.columns[key]
        if on_row is not None and len(rows) >= 1000:
            on_row(len(rows) * position // len(keys), len(rows))
        columns[key] = read_column(
            raw,
            rows,
            col,
            grid=grid,
            reader=quick[key],
            bad=partial(bad, col=col, stage=0, position=position),
        )
    for position, key in enumerate(call.required_fields):
        if key not in columns or None not in columns[key]:  # usually none is empty
            continue
        col = header.columns[key]
        for row, value in zip(rows, columns[key], strict=True):
            if value is None and (row, col) not in bad_cells:
                bad(
                    row,
                    f"empty, but the call requires it (write {field(key).hint or 'a value'})",
                    col=col,
                    stage=1,
                    position=position,
                )
    references = columns.get("reference", [])
    if len(set(references) - {None}) < len(references) - references.count(None):  # a repeat
        col = header.columns["reference"]
        first_row_of: dict[str, int] = {}
        for row, reference in zip(rows, references, strict=True):
            if reference is None:
                continue
            if reference in first_row_of:
                bad(
                    row,
                    f"the reference '{reference}' is also on row {first_row_of[reference]}: "
                    "each application needs its own reference",
                    col=col,
                    stage=2,
                    position=0,
                )
            else:
                first_row_of[reference] = row
    found.sort(key=lambda item: item[:3])
    problems.extend(problem for *_, problem in found)
    applications = _stored_form(columns, rows, bad_rows, registry, header_language(header))
    if on_row is not None and len(rows) >= 1000:
        on_row(len(rows), len(rows))
    if not len(applications) and not problems:
        problems.append(
            Problem(
                where_row(sheet.file_label, sheet.name, header.row),
                "no application below the header row",
            )
        )
    return RowsRead(applications, tuple(problems), tuple(warnings), header)


def _layout_problems(sheet: Sheet, header: Header) -> Iterable[Problem]:
    """Hidden rows and merged cells inside the table: never read silently."""

    last = sheet.rows[-1][0].row if sheet.rows else 0
    if last <= header.row:
        return
    for row in sorted(sheet.hidden_rows):
        if header.row < row <= last:
            yield Problem(
                where_row(sheet.file_label, sheet.name, row),
                "this row is hidden: show it (or delete it) so that what is taken in is what "
                "people see",
            )
    for area in sheet.merged_ranges:
        first_row = _first_row(area)
        if first_row is not None and first_row >= header.row and first_row <= last:
            yield Problem(
                f"{sheet.file_label}: sheet '{sheet.name}', cells {area}",
                "merged cells inside the table: unmerge them and fill in each cell",
            )


def _first_row(area: str) -> int | None:
    match = re.match(r"[A-Z]+(\d+)", area)
    return int(match.group(1)) if match else None


def _stored_form(
    columns: Mapping[str, list[Any]],
    rows: Sequence[int],
    bad_rows: Collection[int],
    registry: Registry,
    default_lang: Lang | None,
) -> ApplicationRows:
    """The applications of the rows without a data error, in row order, in their
    stored form (see :class:`~slrbcall.intake.merge.ApplicationRows`)."""

    if bad_rows:
        keep = [i for i, row in enumerate(rows) if row not in bad_rows]
        columns = {key: [values[i] for i in keep] for key, values in columns.items()}
        rows = [rows[i] for i in keep]
    empty: list[Any] = [None] * len(rows)

    def column(key: str) -> list[Any]:
        return columns.get(key, empty)

    languages: dict[str | None, str] = {}

    def language_of(applicant: str | None) -> str:
        if applicant not in languages:
            org = registry.get(applicant) if applicant else None
            if org is not None and len(org.languages) == 1:
                languages[applicant] = org.languages[0].value
            else:
                languages[applicant] = (default_lang or Lang.FR).value
        return languages[applicant]

    applicant_keys, applicant_names = _pairs(column("applicant"))
    theme_keys, theme_texts = _pairs(column("theme"))
    language_column = column("language")
    iso = {day: day.isoformat() for day in set(column("start_date")) if day is not None}
    codes = {lang: lang.value for lang in Lang}  # Enum.value is a slow property
    return ApplicationRows(
        {
            "reference": column("reference"),
            "applicant": applicant_keys,
            "applicant_name": applicant_names,
            "title": column("title"),
            "requested_cents": column("requested_amount"),
            "language": list(map(codes.__getitem__, language_column))
            if None not in language_column
            else [
                codes[lang] if lang is not None else language_of(applicant)
                for lang, applicant in zip(language_column, applicant_keys, strict=True)
            ],
            "partner": column("partner"),
            "partner_enterprise_number": column("partner_enterprise_number"),
            "theme": theme_keys,
            "theme_text": theme_texts,
            "duration_months": column("duration_months"),
            "start_date": list(map(iso.get, column("start_date"))),
            "residents_targeted": column("residents_targeted"),
            "contact_name": column("contact_name"),
            "contact_email": column("contact_email"),
            "summary": column("summary"),
        },
        list(rows),
    )


def _pairs(values: Sequence[tuple[Any, Any] | None]) -> tuple[list[Any], list[Any]]:
    """A column of (key, text) pairs, or None, as a column of keys and one of texts."""
    if None not in values:  # the usual column: taken apart in C
        return list(map(itemgetter(0), values)), list(map(itemgetter(1), values))  # type: ignore[arg-type]
    return [p[0] if p else None for p in values], [p[1] if p else None for p in values]
