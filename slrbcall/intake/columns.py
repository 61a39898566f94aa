"""How the intake reads a cell of each field: one cell reader per column of the sheet.

Each reader (:func:`cell_readers`) reads one cell with the readers of
:mod:`slrbcall.sheets.cells` and the call's own lists (housing companies, themes,
languages), and decides and words every problem as a :class:`CellProblem`.

Pure: no file is read and nothing is stored here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from slrbcall.calls.registry import check_enterprise_number, check_iban
from slrbcall.intake.fields import FIELDS, FieldKind
from slrbcall.model import Call, Lang, OrgKind
from slrbcall.sheets import (
    MAX_COUNT,
    CellError,
    clean_text,
    normalise_header,
    read_amount,
    read_date,
    read_identifier,
    read_int,
)

if TYPE_CHECKING:
    from slrbcall.calls.registry import Registry
    from slrbcall.sheets import Cell

__all__ = ["MAX_DURATION_MONTHS", "CellProblem", "cell_readers"]

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


#: The least whole number a count column takes, where it is not 0.
_MINIMUM = {"duration_months": 1}
#: The largest a count column takes, where it is not :data:`~slrbcall.sheets.MAX_COUNT`:
#: a project of a hundred years is a typo, and its end date must stay in the calendar.
MAX_DURATION_MONTHS = 1199
_MAXIMUM = {"duration_months": MAX_DURATION_MONTHS}


class CellProblem(ValueError):
    """A cell that cannot be read; ``str()`` is the message."""


def cell_readers(
    call: Call, registry: Registry, date1904: bool
) -> dict[str, Callable[[Cell], Any]]:

    def guard(function: Callable[[Cell], Any]) -> Callable[[Cell], Any]:
        def read(cell: Cell) -> Any:
            try:
                return function(cell)
            except CellError as exc:
                raise CellProblem(str(exc)) from None

        return read

    # A sheet names the same few organisations on every row, rightly or not: each
    # name is matched (and a misspelt one given its suggestions) once.
    @cache
    def organisation_named(name: str) -> tuple[str | None, str] | str:
        """The registry key (or None) and the name, or the problem with the name."""
        match = registry.match(name)
        if match is not None:
            return (match.key, name)
        allowed = set(call.eligibility.applicant_kinds)
        suggestions = registry.suggest(name, kinds=allowed)
        if suggestions:
            listed = "', '".join(suggestions)
            return f"unknown housing company '{name}' (did you mean '{listed}'?)"
        return (None, name)  # not a registry organisation at all: ineligible, not a typo

    def organisation(cell: Cell) -> tuple[str | None, str] | None:
        name = clean_text(cell)
        if name is None:
            return None
        found = organisation_named(name)
        if isinstance(found, str):
            raise CellProblem(found)
        return found

    def member_of(kind: OrgKind, what: str) -> Callable[[Cell], str | None]:
        """A reader of a registry organisation of ``kind``: its key, or the problem."""

        def read(cell: Cell) -> str | None:
            name = clean_text(cell)
            if name is None:
                return None
            match = registry.match(name)
            if match is not None and match.kind is kind:
                return match.key
            listed = "', '".join(registry.suggest(name, kinds={kind}))
            hint = f" (did you mean '{listed}'?)" if listed else ""
            raise CellProblem(f"'{name}' is not {what} of the registry{hint}")

        return read

    def checked(check: Callable[[str], str]) -> Callable[[Cell], str | None]:
        """A reader of an identifier that ``check`` normalises, or refuses saying why."""

        def read(cell: Cell) -> str | None:
            text = read_identifier(cell)
            if text is None:
                return None
            try:
                return check(text)
            except ValueError as exc:
                raise CellProblem(str(exc)) from None

        return read

    def email(cell: Cell) -> str | None:
        text = clean_text(cell)
        if text is None:
            return None
        if not _EMAIL.fullmatch(text):
            raise CellProblem(f"not an e-mail address: '{text}' (write e.g. name@example.be)")
        return text

    def language(cell: Cell) -> Lang | None:

        text = clean_text(cell)
        if text is None:
            return None
        found = _LANGUAGES.get(normalise_header(text))
        if found is None:
            raise CellProblem(f"not a language: '{text}' (write nl or fr)")
        return found

    theme_keys = _theme_keys(call)

    def theme(cell: Cell) -> Any:

        text = clean_text(cell)
        if text is None:
            return None
        return (theme_keys.get(normalise_header(text)), text)

    def count(key: str) -> Callable[[Cell], int | None]:
        low, high = _MINIMUM.get(key, 0), _MAXIMUM.get(key, MAX_COUNT)
        return lambda cell: read_int(cell, minimum=low, maximum=high)

    kinds: dict[FieldKind, Callable[[Cell], Any]] = {
        FieldKind.IDENTIFIER: read_identifier,
        FieldKind.TEXT: clean_text,
        FieldKind.LONG_TEXT: lambda cell: clean_text(cell, multiline=True),
        FieldKind.ORGANISATION: organisation,
        FieldKind.AMOUNT: read_amount,
        FieldKind.DATE: lambda cell: read_date(cell, date1904=date1904),
        FieldKind.LANGUAGE: language,
        FieldKind.EMAIL: email,
        FieldKind.ENTERPRISE_NUMBER: checked(check_enterprise_number),
        FieldKind.IBAN: checked(check_iban),
        FieldKind.THEME: theme,
        FieldKind.HOUSING_COMPANY: member_of(OrgKind.HOUSING_COMPANY, "a housing company"),
        FieldKind.COMMUNE: member_of(OrgKind.COMMUNE, "a commune"),
    }
    return {spec.key: guard(kinds.get(spec.kind, count(spec.key))) for spec in FIELDS}


def _theme_keys(call: Call) -> dict[str, str]:
    """Normalised key or label (nl, fr) -> theme key."""

    return {
        normalise_header(name): theme.key
        for theme in call.themes
        for name in (theme.key, theme.label.nl, theme.label.fr)
    }
