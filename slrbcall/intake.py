"""Applications in: spreadsheet rows -> normalised applications and data errors.

Two kinds of trouble, kept apart (DESIGN.md §5):

* a **data error** is a cell the tool cannot read (``ca 50k``, ``#DIV/0!``, an unknown
  housing company that looks like a typo). The whole file is refused and nothing is
  stored; every data error of the file is reported at once.
* **ineligibility** is readable data that breaks the call's rules (an amount outside the
  range, an unknown theme, a missing partner). Such applications are stored, with a
  reason code and a sentence for each rule they break.

This module finds the data errors. The columns are defined in :mod:`slrbcall.fields`;
ineligibility is judged by :mod:`slrbcall.eligibility`.

Pure: no file is read and nothing is stored here (see :mod:`slrbcall.services`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from slrbcall.errors import Problem
from slrbcall.fields import FIELDS, FieldKind, field, header_language
from slrbcall.model import Application, Call, Lang

if TYPE_CHECKING:
    from slrbcall.registry import Registry
    from slrbcall.sheets import Cell, Header, Sheet

__all__ = ["RowsRead", "read_applications"]


@dataclass(frozen=True, slots=True)
class RowsRead:
    """What a sheet yields: applications (not yet assessed), data errors, warnings."""

    applications: tuple[Application, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]
    header: Header


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")
_LANGUAGES = {
    "nl": Lang.NL,
    "n": Lang.NL,
    "nederlands": Lang.NL,
    "neerlandais": Lang.NL,
    "dutch": Lang.NL,
    "vlaams": Lang.NL,
    "fr": Lang.FR,
    "f": Lang.FR,
    "francais": Lang.FR,
    "frans": Lang.FR,
    "french": Lang.FR,
}


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

    ``on_row(done, total)`` is called every 1,000 rows (for a progress bar).
    """
    from slrbcall.sheets import column_letters, where_row

    problems: list[Problem] = []
    warnings: list[str] = []
    for col, text in header.ignored:
        warnings.append(
            f"{sheet.file_label}: sheet '{sheet.name}', column {column_letters(col)} "
            f"('{text}') is not a known column and was ignored"
        )
    data_rows = [cells for cells in sheet.rows if cells[0].row > header.row]
    problems.extend(_layout_problems(sheet, header, data_rows))

    default_lang = header_language(header)
    applications: list[Application] = []
    first_row_of: dict[str, int] = {}
    readers = _readers(call, registry, date1904)
    for number, cells in enumerate(data_rows, start=1):
        if on_row is not None and number % 1000 == 0:
            on_row(number, len(data_rows))
        used = [cells[col - 1] for col in header.columns.values() if col <= len(cells)]
        if all(c.is_empty for c in used):
            continue
        values: dict[str, Any] = {}
        row_problems: list[Problem] = []
        for key, col in header.columns.items():
            cell = cells[col - 1]
            try:
                values[key] = readers[key](cell)
            except _CellProblem as exc:
                row_problems.append(
                    Problem(sheet.where(cell.row, col, header.label(col)), str(exc))
                )
                values[key] = None
        row = cells[0].row
        for key in call.required_fields:
            if (
                key in header.columns
                and values.get(key) is None
                and not any(
                    p.where.startswith(sheet.where(row, header.columns[key])) for p in row_problems
                )
            ):
                col = header.columns[key]
                row_problems.append(
                    Problem(
                        sheet.where(row, col, header.label(col)),
                        f"empty, but the call requires it (write {field(key).hint or 'a value'})",
                    )
                )
        reference = values.get("reference")
        if reference is not None:
            if reference in first_row_of:
                col = header.columns["reference"]
                row_problems.append(
                    Problem(
                        sheet.where(row, col, header.label(col)),
                        f"the reference '{reference}' is also on row {first_row_of[reference]}: "
                        "each application needs its own reference",
                    )
                )
            else:
                first_row_of[reference] = row
        if row_problems:
            problems.extend(row_problems)
            continue
        applications.append(_application(values, registry, default_lang, row))
    if not applications and not problems:
        problems.append(
            Problem(
                where_row(sheet.file_label, sheet.name, header.row),
                "no application below the header row",
            )
        )
    return RowsRead(tuple(applications), tuple(problems), tuple(warnings), header)


def _layout_problems(
    sheet: Sheet, header: Header, rows: Sequence[tuple[Cell, ...]]
) -> Iterable[Problem]:
    """Hidden rows and merged cells inside the table: never read silently."""
    from slrbcall.sheets import where_row

    if not rows:
        return
    last = rows[-1][0].row
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


class _CellProblem(ValueError):
    """A cell that cannot be read; ``str()`` is the message."""


def _readers(call: Call, registry: Registry, date1904: bool) -> dict[str, Callable[[Cell], Any]]:
    from slrbcall.registry import check_enterprise_number
    from slrbcall.sheets import (
        CellError,
        clean_text,
        read_amount,
        read_date,
        read_identifier,
        read_int,
    )

    def guard(function: Callable[[Cell], Any]) -> Callable[[Cell], Any]:
        def read(cell: Cell) -> Any:
            try:
                return function(cell)
            except CellError as exc:
                raise _CellProblem(str(exc)) from None

        return read

    @cache
    def organisation_named(name: str) -> tuple[str | None, str]:
        match = registry.match(name)
        if match is not None:
            return (match.key, name)
        allowed = set(call.eligibility.applicant_kinds)
        suggestions = registry.suggest(name, kinds=allowed)
        if suggestions:
            listed = "', '".join(suggestions)
            raise _CellProblem(f"unknown housing company '{name}' (did you mean '{listed}'?)")
        return (None, name)  # not a registry organisation at all: ineligible, not a typo

    def organisation(cell: Cell) -> tuple[str | None, str] | None:
        name = clean_text(cell)
        return None if name is None else organisation_named(name)

    def enterprise_number(cell: Cell) -> str | None:
        text = read_identifier(cell)
        if text is None:
            return None
        try:
            return check_enterprise_number(text)
        except ValueError as exc:
            raise _CellProblem(str(exc)) from None

    def email(cell: Cell) -> str | None:
        text = clean_text(cell)
        if text is None:
            return None
        if not _EMAIL.fullmatch(text):
            raise _CellProblem(f"not an e-mail address: '{text}' (write e.g. name@example.be)")
        return text

    def language(cell: Cell) -> Lang | None:
        from slrbcall.sheets import normalise_header

        text = clean_text(cell)
        if text is None:
            return None
        found = _LANGUAGES.get(normalise_header(text))
        if found is None:
            raise _CellProblem(f"not a language: '{text}' (write nl or fr)")
        return found

    theme_keys = _theme_keys(call)

    def theme(cell: Cell) -> Any:
        from slrbcall.sheets import normalise_header

        text = clean_text(cell)
        if text is None:
            return None
        return (theme_keys.get(normalise_header(text)), text)

    def count(minimum: int) -> Callable[[Cell], int | None]:
        return lambda cell: read_int(cell, minimum=minimum)

    kinds: dict[FieldKind, Callable[[Cell], Any]] = {
        FieldKind.IDENTIFIER: read_identifier,
        FieldKind.TEXT: clean_text,
        FieldKind.LONG_TEXT: lambda cell: clean_text(cell, multiline=True),
        FieldKind.ORGANISATION: organisation,
        FieldKind.AMOUNT: read_amount,
        FieldKind.DATE: lambda cell: read_date(cell, date1904=date1904),
        FieldKind.LANGUAGE: language,
        FieldKind.EMAIL: email,
        FieldKind.ENTERPRISE_NUMBER: enterprise_number,
        FieldKind.THEME: theme,
    }
    readers = {spec.key: guard(kinds.get(spec.kind, count(0))) for spec in FIELDS}
    readers["duration_months"] = guard(count(1))
    return readers


def _theme_keys(call: Call) -> dict[str, str]:
    """Normalised key or label (nl, fr) -> theme key."""
    from slrbcall.sheets import normalise_header

    return {
        normalise_header(name): theme.key
        for theme in call.themes
        for name in (theme.key, theme.label.nl, theme.label.fr)
    }


def _application(
    values: Mapping[str, Any], registry: Registry, default_lang: Lang | None, row: int
) -> Application:
    applicant_key, applicant_name = values["applicant"]
    theme_key, theme_text = values.get("theme") or (None, None)
    language = values.get("language")
    if language is None:
        org = registry.get(applicant_key) if applicant_key else None
        if org is not None and len(org.languages) == 1:
            language = org.languages[0]
        else:
            language = default_lang or Lang.FR
    return Application(
        reference=values["reference"],
        applicant=applicant_key,
        applicant_name=applicant_name,
        title=values["title"],
        requested_cents=values["requested_amount"],
        language=language,
        partner=values.get("partner"),
        partner_enterprise_number=values.get("partner_enterprise_number"),
        theme=theme_key,
        theme_text=theme_text,
        duration_months=values.get("duration_months"),
        start_date=values.get("start_date"),
        residents_targeted=values.get("residents_targeted"),
        contact_name=values.get("contact_name"),
        contact_email=values.get("contact_email"),
        summary=values.get("summary"),
        source_row=row,
    )
