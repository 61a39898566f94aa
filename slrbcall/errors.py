"""The error family that leaves slrbcall through one exit path.

Domain code raises these; the command line prints ``str(error)`` on stderr and exits
with the class's ``exit_code``. Anything else that escapes is a bug and keeps its
traceback. Exit codes are part of the contract (see docs/cli.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import KW_ONLY, dataclass, replace

from slrbcall.i18n import _, ngettext

__all__ = [
    "EXIT_BUSY",
    "EXIT_ENVIRONMENT",
    "EXIT_INPUT",
    "EXIT_OK",
    "EXIT_REFUSED",
    "EXIT_USAGE",
    "NOWHERE",
    "BusyError",
    "EnvironmentProblemError",
    "GuardRefusedError",
    "InputFileError",
    "Problem",
    "RefusedError",
    "SlrbcallError",
    "column_letters",
]

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_BUSY = 4
EXIT_ENVIRONMENT = 5

#: How many problem lines an error prints before it summarises the rest.
PROBLEM_CAP = 50


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in an input file, at one place.

    ``message`` says what is wrong and, where it helps, what to write instead. The
    place is given as fields, and :attr:`where` words it as DESIGN.md §4 shows it:

    * in a spreadsheet: the ``file``, then as narrow as the problem is, its ``sheet``,
      ``row`` and ``column`` (1-based, as the user sees them) with the column's
      ``header`` as written, or a range of ``cells`` such as ``D4:E4``:
      ``applications.xlsx: sheet 'Applications', row 7, column D ('Requested amount')``;
    * in a text file (YAML): the ``file``, the ``line`` and the ``col``:
      ``empowerment-2023.yaml:14:3``.

    A place that is neither (a folder, a template, a place read back from the
    workspace) is given whole as ``file``: ``Problem("calls/x.yaml", "file not found")``.

    Invariants: a row, column, header or cells only in a sheet; a column only in a
    row, a header only with its column; cells instead of a row; a line and a col
    together, never with a sheet; every number 1-based.
    """

    file: str
    message: str
    _: KW_ONLY
    sheet: str | None = None
    row: int | None = None
    column: int | None = None
    header: str | None = None
    cells: str | None = None
    line: int | None = None
    col: int | None = None

    def __post_init__(self) -> None:
        in_sheet = (self.row, self.column, self.header, self.cells)
        if self.sheet is None and any(part is not None for part in in_sheet):
            raise ValueError(f"{self.file}: a row, a column or cells are in a sheet")
        if (self.column is not None and self.row is None) or (
            self.header is not None and self.column is None
        ):
            raise ValueError(f"{self.file}: a column is in a row, and a header names a column")
        if self.cells is not None and self.row is not None:
            raise ValueError(f"{self.file}: a range of cells or a row, not both")
        if (self.line is None) != (self.col is None) or (
            self.line is not None and self.sheet is not None
        ):
            raise ValueError(f"{self.file}: a line and a col go together, in a text file")
        if any(n is not None and n < 1 for n in (self.row, self.column, self.line, self.col)):
            raise ValueError(f"{self.file}: rows, columns, lines and cols count from 1")

    @property
    def where(self) -> str:
        """The place in words, as the error lines print it."""
        if self.line is not None:
            return f"{self.file}:{self.line}:{self.col}"
        if self.sheet is None:
            return self.file
        # The file's name and its colon stay as they are: a stored place is this text
        # with "file: " cut off (place_in), and read back by joining them (read_back).
        words = f"{self.file}: " + _("sheet '{sheet}'").format(sheet=self.sheet)
        if self.cells is not None:
            words += _(", cells {cells}").format(cells=self.cells)
        if self.row is not None:
            words += _(", row {row}").format(row=self.row)
        if self.column is not None:
            words += _(", column {column}").format(column=column_letters(self.column))
        if self.header is not None:
            words += _(" ('{header}')").format(header=self.header)
        return words

    def __str__(self) -> str:
        if self.line is not None or self.sheet is None:
            # ``file:line:col: message``, as compilers write it and editors read it
            return f"{self.where}: {self.message}"
        # a place in words, joined as the officer's language joins (French: a space)
        return _("{where}: {message}").format(where=self.where, message=self.message)

    def place_in(self, file: str) -> str:
        """The place without the name of ``file``, as the workspace stores it beside the
        file's name: ``sheet 'Marks', row 4``. :meth:`read_back` joins them again."""
        return self.where.removeprefix(f"{file}: ")

    @classmethod
    def read_back(cls, file: str, place: str) -> Problem:
        """The place of a row read back from the workspace: its file's name and the
        place in it (:meth:`place_in`)."""
        return cls(f"{file}: {place}", "")

    def saying(self, message: str) -> Problem:
        """A problem at the same place with ``message``: a row keeps its place from
        the reading, and what is wrong with it is found later."""
        return replace(self, message=message)


#: The place of a value that was not read from a file (built in code, or a test).
NOWHERE = Problem("", "")


def column_letters(col: int) -> str:
    """Excel's name of a 1-based column: 1 -> ``A``, 26 -> ``Z``, 27 -> ``AA``."""
    if col < 1:
        raise ValueError(f"columns are 1-based, got {col}")
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class SlrbcallError(Exception):
    """Base class: a problem the user can act on. ``str()`` is the user's message."""

    exit_code: int = EXIT_REFUSED


class RefusedError(SlrbcallError):
    """A rule refuses the request (unknown call, no allocation yet, ...)."""

    exit_code = EXIT_REFUSED


class GuardRefusedError(SlrbcallError):
    """The workspace itself refused a write that the tool let through: one of its guards
    (a trigger) or a table's constraint. Not a :class:`RefusedError`: no rule of the tool
    said no, so it is a bug or a workspace written around the tool, and tests that let a
    rule's refusal pass must not let this one pass."""

    exit_code = EXIT_REFUSED


class InputFileError(SlrbcallError):
    """An input file (spreadsheet or YAML) cannot be used; nothing was stored.

    Carries every problem found, so that the user can fix them all in one go.
    ``stores`` says whether the command would have stored something: a check that
    only reads (``calls validate``, ``templates check``) does not say "nothing was
    stored".
    """

    exit_code = EXIT_INPUT

    def __init__(
        self, problems: Iterable[Problem], *, cap: int = PROBLEM_CAP, stores: bool = True
    ) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("InputFileError needs at least one problem")
        self.cap = cap
        self.stores = stores
        super().__init__(self._render())

    def _render(self) -> str:
        shown = [str(p) for p in self.problems[: self.cap]]
        rest = len(self.problems) - len(shown)
        if rest:
            more = ngettext("... and {count} more problem", "... and {count} more problems", rest)
            shown.append(more.format(count=rest))
        return "\n".join(shown)


class BusyError(SlrbcallError):
    """Another slrbcall run is writing to the same workspace."""

    exit_code = EXIT_BUSY


class EnvironmentProblemError(SlrbcallError):
    """Something the machine lacks (LibreOffice for --pdf, a writable folder, ...)."""

    exit_code = EXIT_ENVIRONMENT
