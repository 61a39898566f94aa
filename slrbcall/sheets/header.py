"""Find the sheet to read and its header row, by what the cells say.

Officers add title rows above the header, rename sheets, and type headers in
English, French or Dutch, with accents or without, with a ``*`` for required
columns or a unit in brackets. So headers are compared after
:func:`normalise_header`, and the caller's ``match`` maps a normalised header to
a field key through its own alias table (built with the same function).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from slrbcall.errors import InputFileError, Problem
from slrbcall.i18n import _
from slrbcall.sheets.model import Cell, Sheet, Workbook, column_letters

__all__ = [
    "Header",
    "choose_sheet",
    "find_header",
    "fold",
    "header_text",
    "normalise_header",
    "pick_sheet_name",
]

# A trailing decoration: a required-field star, a colon, or a unit in brackets
# such as "(€)", "(EUR)", "[mois]". Brackets holding a digit ("Partner (2)") are
# part of the name and stay.
_DECORATION = re.compile(r"(?:\s*[*:]|\s*[(\[][^()\[\]\d]{0,20}[)\]])\s*$")
_NOT_WORD = re.compile(r"[\W_]+")


def _plain(text: str) -> str:
    """Case-folded, with every accent and other combining mark dropped (NFKD)."""
    if text.isascii():  # nothing to decompose, and casefold() is lower() for ASCII
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold(text: str) -> str:
    """Text as compared loosely: ``'Le Bottin des Voisins !'`` -> ``'le bottin des voisins'``.

    Case-folded, accents stripped, runs of spaces, underscores and punctuation made
    one space (see :func:`normalise_header` for headers, which also drops units).
    """
    return _NOT_WORD.sub(" ", _plain(text)).strip()


@lru_cache(maxsize=8192)
def normalise_header(text: str) -> str:
    """A header as compared: ``'Montant demandé (€) *'`` -> ``'montant demande'``.

    Case-folded, accents stripped, runs of spaces, underscores and punctuation
    made one space, trailing decorations (``*``, ``:``, ``(€)``, ``(mois)``)
    dropped. Never empty for a header that has a letter or digit.
    """
    plain = _plain(text)
    undecorated = plain
    while True:
        shorter = _DECORATION.sub("", undecorated)
        if shorter == undecorated:
            break
        undecorated = shorter
    words = _NOT_WORD.sub(" ", undecorated).strip()
    return words or _NOT_WORD.sub(" ", plain).strip()


def pick_sheet_name(file_label: str, names: Sequence[str], requested: str) -> str:
    """The sheet called ``requested``: exact, else ignoring case as Excel does."""
    if requested in names:
        return requested
    folded = [name for name in names if name.casefold() == requested.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    listed = ", ".join(f"'{name}'" for name in names) or _("none")
    raise InputFileError(
        [
            Problem(
                file_label,
                _("no sheet named '{name}': the sheets are {sheets}").format(
                    name=requested, sheets=listed
                ),
            )
        ]
    )


def choose_sheet(
    workbook: Workbook, *, recognise: Callable[[Sheet], bool], requested: str | None
) -> Sheet:
    """The sheet to read: ``requested`` if given, else the only visible one recognised.

    Raises :class:`InputFileError` naming the sheets and ``--sheet NAME`` when no
    visible sheet, or more than one, is recognised.
    """
    label = workbook.path.name
    if requested is not None:
        chosen = pick_sheet_name(label, workbook.sheet_names, requested)
        return next(sheet for sheet in workbook.sheets if sheet.name == chosen)
    found = [sheet for sheet in workbook.sheets if sheet.visible and recognise(sheet)]
    if len(found) == 1:
        return found[0]
    if found:
        listed = ", ".join(f"'{sheet.name}'" for sheet in found)
        message = _("several sheets could be the one to read ({sheets}): pass --sheet NAME")
    else:
        listed = ", ".join(f"'{name}'" for name in workbook.sheet_names) or _("none")
        message = _(
            "no visible sheet has the expected columns (the sheets are {sheets}): "
            "check the header row, or pass --sheet NAME"
        )
    message = message.format(sheets=listed)
    raise InputFileError([Problem(label, message)])


@dataclass(frozen=True, slots=True)
class Header:
    """The header row of a sheet and what each column holds.

    Invariants: ``columns`` maps each recognised field to one column (its first,
    when ``duplicates`` allowed it twice); ``labels`` maps every non-empty header
    cell's column to its text as written; ``ignored`` lists the columns whose
    header matched no field, in order.
    """

    row: int
    columns: Mapping[str, int]
    labels: Mapping[int, str]
    ignored: tuple[tuple[int, str], ...] = ()
    duplicates: Mapping[str, tuple[int, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def label(self, col: int) -> str | None:
        """The header text of ``col`` as written, for ``where()``."""
        return self.labels.get(col)


def header_text(value: object) -> str | None:
    """A header cell's text as written (NFC, spaces collapsed), or None if empty."""
    if value is None or isinstance(value, bool):
        return None
    text = unicodedata.normalize("NFC", str(value)).replace("\u00a0", " ")
    text = " ".join(text.split())
    return text or None


def _matches(
    cells: Sequence[Cell], match: Callable[[str], str | None]
) -> list[tuple[int, str, str | None]]:
    """(column, text as written, field or None) for each non-empty header cell."""
    found = []
    for cell in cells:
        text = header_text(cell.value)
        if text is not None:
            found.append((cell.col, text, match(normalise_header(text))))
    return found


def _ordered(keys: Collection[str]) -> list[str]:
    # A set of required fields would make the message order vary between runs.
    return list(keys) if isinstance(keys, Sequence) else sorted(keys)


def find_header(
    sheet: Sheet,
    *,
    match: Callable[[str], str | None],
    required: Collection[str],
    max_scan: int = 30,
    names: Mapping[str, str] | None = None,
    allow_duplicates: bool = False,
) -> Header:
    """The header row among the first ``max_scan`` non-empty rows of ``sheet``.

    The first row with the most cells that ``match`` recognises (at least two)
    wins. ``names`` gives the user's name of a field for messages (default: the
    key). Raises :class:`InputFileError` with every problem at once: no header
    row, a required field missing (listing the columns found), and, unless
    ``allow_duplicates``, a field given by two columns.
    """
    best: list[tuple[int, str, str | None]] = []
    best_row, best_count = 0, 1
    widest: list[tuple[int, str, str | None]] = []
    for cells in sheet.rows[:max_scan]:
        found = _matches(cells, match)
        count = sum(1 for _col, _text, key in found if key is not None)
        if count > best_count:
            best, best_row, best_count = found, cells[0].row, count
        if len(found) > len(widest):
            widest = found
    if not best:
        seen = ", ".join(f"'{text}'" for _col, text, _key in widest) or _("nothing")
        wanted = ", ".join(f"'{(names or {}).get(key, key)}'" for key in _ordered(required))
        raise InputFileError(
            [
                sheet.problem(
                    _(
                        "no header row found in the first {count} rows "
                        "(expected columns such as {wanted}; the fullest row has {seen})"
                    ).format(count=max_scan, wanted=wanted, seen=seen)
                )
            ]
        )
    return _header(sheet, best_row, best, required, names or {}, allow_duplicates)


def _header(
    sheet: Sheet,
    row: int,
    found: list[tuple[int, str, str | None]],
    required: Collection[str],
    names: Mapping[str, str],
    allow_duplicates: bool,
) -> Header:
    columns: dict[str, int] = {}
    repeated: dict[str, list[int]] = {}
    ignored: list[tuple[int, str]] = []
    for col, text, key in found:
        if key is None:
            ignored.append((col, text))
        elif key in columns:
            repeated.setdefault(key, [columns[key]]).append(col)
        else:
            columns[key] = col
    labels = {col: text for col, text, _key in found}
    problems: list[Problem] = []
    if not allow_duplicates:
        for key, cols in repeated.items():
            column_names = ", ".join(f"{column_letters(c)} '{labels[c]}'" for c in cols)
            problems.append(
                sheet.problem(
                    _("'{name}' is given by more than one column ({columns}): keep one").format(
                        name=names.get(key, key), columns=column_names
                    ),
                    row=row,
                    column=cols[1],
                    header=labels[cols[1]],
                )
            )
    listed = ", ".join(f"'{text}'" for _col, text, _key in found)
    for key in _ordered(required):
        if key not in columns:
            problems.append(
                sheet.problem(
                    _("missing required column '{name}' (the columns found are {columns})").format(
                        name=names.get(key, key), columns=listed
                    ),
                    row=row,
                )
            )
    if problems:
        raise InputFileError(problems)
    return Header(
        row=row,
        columns=MappingProxyType(columns),
        labels=MappingProxyType(labels),
        ignored=tuple(ignored),
        duplicates=MappingProxyType({key: tuple(cols) for key, cols in repeated.items()}),
    )
