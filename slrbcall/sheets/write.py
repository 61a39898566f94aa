"""Spreadsheets out: safe, atomic writing with openpyxl (no knowledge of applications).

The caller passes plain data; this module knows cells, not applications.
Three promises hold for every workbook written here (DESIGN.md §8):

* **text stays text.** User text goes through :func:`safe_text` and is written
  as an inline string (``t="inlineStr"``), never as a formula, whatever it starts
  with. A value starting with ``=``, ``+``, ``-``, ``@``, a tab or a line break
  also gets Excel's *quote prefix*, so that editing the cell later (F2, Enter)
  keeps it text instead of turning ``=1+1`` into ``2``;
* **numbers are exact.** Excel stores doubles and shows 15 significant digits,
  so an ``int`` or ``Decimal`` is written as a number only when that loses
  nothing; otherwise it is written as its exact text. Floats are refused: money
  never is one;
* **writes are atomic** (:func:`write_atomic`): a temporary file in the target's
  folder, then one rename. A failed save leaves the old file as it was.

The writers built on it are :mod:`.template` (a workbook to fill in) and
:mod:`.report` (a copy of a workbook with its problems marked).

openpyxl is imported inside the functions that use it, so that
``slrbcall --help`` starts fast. openpyxl ships no type information, hence the
``type: ignore[import-untyped]`` on its imports.
"""

from __future__ import annotations

import datetime
import math
import re
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Protocol

from slrbcall.errors import RefusedError
from slrbcall.files import write_file

__all__ = [
    "AMOUNT_FORMAT",
    "AUTHOR",
    "CELL_TEXT_LIMIT",
    "COUNT_FORMAT",
    "DATE_FORMAT",
    "MARK_FORMAT",
    "TEXT_FORMAT",
    "check_suffix",
    "comment",
    "csv_field",
    "put_text",
    "put_value",
    "safe_text",
    "write_atomic",
]

#: Excel's limit on the length of a cell's text, in UTF-16 code units.
CELL_TEXT_LIMIT = 32_767
#: Euro amounts. ``[$€-813]`` is a currency token (Euro, Dutch (Belgium)): Excel and
#: LibreOffice file the format under *Currency € Euro*, not *Custom*, and both take
#: the separators from the reader's machine, so a Belgian officer sees
#: ``44.058,00 €`` (measured with LibreOffice 7 under fr_BE and nl_BE; a quoted
#: ``"€"`` would only be a literal character after a plain number).
AMOUNT_FORMAT = "#,##0.00 [$€-813]"
COUNT_FORMAT = "0"
#: A committee mark: one decimal is shown (7.5), more are kept.
MARK_FORMAT = "0.0#"
DATE_FORMAT = "DD/MM/YYYY"
#: Excel's *Text* format: what a user types stays text, so ``00123`` keeps its zeros.
TEXT_FORMAT = "@"

# C0 controls but tab and line feed (carriage returns become line feeds first), DEL
# and C1, lone surrogates and the two non-characters: XML 1.0 cannot hold most of
# them, and none is meant to be seen.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# What spreadsheet programs read as the start of a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# The start of a text, or of any field a CSV reader may cut it into: a Belgian Excel or
# LibreOffice splits on ";" what was written with ",", and either may split on tabs.
_FIELD_FORMULA = re.compile(r"(^|[,;\t\r\n])(?=[=+\-@\t\r\n])")
# Excel keeps 15 significant digits and nothing beyond ±9.99999999999999E+307.
_EXCEL_DIGITS = 15
_EXCEL_MAX = 9.99999999999999e307
_DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
_TIME_FORMAT = "HH:MM"
AUTHOR = "slrbcall"


class SavableWorkbook(Protocol):
    """What :func:`write_atomic` needs: an openpyxl ``Workbook`` and the like."""

    def save(self, filename: IO[bytes], /) -> None: ...


def safe_text(value: str) -> str:
    """``value`` as a spreadsheet cell can hold it.

    Line breaks become ``\\n`` (a lone CR would be lost in the XML anyway); other
    control characters (C0 but tab and line feed, DEL, C1), lone surrogates and
    U+FFFE/U+FFFF are removed; the text is cut to :data:`CELL_TEXT_LIMIT` UTF-16
    code units (Excel's count), never in the middle of a character. Nothing else
    changes: neutralising formulas is the writer's job, not the text's.
    """
    text = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) <= CELL_TEXT_LIMIT // 2:
        return text
    units = text.encode("utf-16-le")
    if len(units) <= 2 * CELL_TEXT_LIMIT:
        return text
    # A surrogate pair cut in two is dropped whole.
    return units[: 2 * CELL_TEXT_LIMIT].decode("utf-16-le", errors="ignore")


def csv_field(text: str) -> str:
    """``text`` (already safe) as a CSV field that no reader can take for a formula.

    A ``'`` goes before a formula's first character at the start of the text and after
    every ``,``, ``;``, tab or line break inside it: whichever separator the program
    that opens the file splits on, no field it makes starts a formula.
    """
    return _FIELD_FORMULA.sub(r"\1'", text)


def write_atomic(workbook: SavableWorkbook, path: Path) -> None:
    """Save ``workbook`` to ``path`` all at once, or not at all
    (:func:`slrbcall.files.write_file`).

    Refuses (:class:`RefusedError`) a ``path`` that is a folder or whose folder does
    not exist; a file the system will not let us write (open in Excel on Windows, a
    full disk, a read-only folder) is an :class:`EnvironmentProblemError`, and the old
    file is kept.
    """
    write_file(path, workbook.save)


# --- cells ------------------------------------------------------------------------


def put_text(cell: Any, text: str) -> None:
    """Write ``text`` (already safe) as a text cell that can never be a formula."""
    cell.value = text
    # openpyxl reads "=..." as a formula and "#N/A" as an error: force a string.
    cell.data_type = "s"
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True


def _as_excel_number(number: int | Decimal) -> int | float | None:
    """``number`` as Excel can hold it without loss, or None when it cannot."""
    if isinstance(number, Decimal):
        if not number.is_finite():
            return None
        digits = "".join(map(str, number.as_tuple().digits)).strip("0")
    else:
        digits = str(abs(number)).strip("0")
    if len(digits) > _EXCEL_DIGITS:
        return None
    as_float = float(number)
    if not math.isfinite(as_float) or abs(as_float) > _EXCEL_MAX:
        return None
    if Decimal(repr(as_float)) != number:
        return None
    return number if isinstance(number, int) else as_float


def put_value(cell: Any, value: object) -> None:
    """Write one plain value: text made safe, numbers exact, dates with a date format.

    Raises ``TypeError`` for a float (money is never one) and any other type.
    """
    if value is None:
        return
    if isinstance(value, str):
        put_text(cell, safe_text(value))
    elif isinstance(value, bool):
        cell.value = value
    elif isinstance(value, int | Decimal):
        number = _as_excel_number(value)
        if number is None:
            text = str(value) if isinstance(value, int) else format(value, "f")
            put_text(cell, safe_text(text))
        else:
            cell.value = number
    elif isinstance(value, datetime.datetime | datetime.date | datetime.time):
        cell.value = value
        if isinstance(value, datetime.datetime):
            cell.number_format = _DATETIME_FORMAT
        elif isinstance(value, datetime.date):
            cell.number_format = DATE_FORMAT
        else:
            cell.number_format = _TIME_FORMAT
    elif isinstance(value, float):
        raise TypeError(f"a float cannot be written exactly: pass a Decimal or an int ({value!r})")
    else:
        raise TypeError(f"cannot write a {type(value).__name__} to a cell")


def comment(text: str) -> Any:
    from openpyxl.comments import Comment  # type: ignore[import-untyped]

    text = safe_text(text)
    lines = sum(1 + len(line) // 48 for line in text.split("\n"))
    return Comment(text, AUTHOR, width=320, height=min(400, 24 + 16 * lines))


def check_suffix(path: Path, allowed: tuple[str, ...]) -> None:
    if path.suffix.lower() not in allowed:
        names = " or ".join(allowed)
        raise RefusedError(f"{path.name}: an Excel workbook is written here: name it with {names}")
