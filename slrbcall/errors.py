"""The error family that leaves slrbcall through one exit path.

Domain code raises these; the command line prints ``str(error)`` on stderr and exits
with the class's ``exit_code``. Anything else that escapes is a bug and keeps its
traceback. Exit codes are part of the contract (see docs/cli.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "EXIT_BUSY",
    "EXIT_ENVIRONMENT",
    "EXIT_INPUT",
    "EXIT_OK",
    "EXIT_REFUSED",
    "EXIT_USAGE",
    "BusyError",
    "EnvironmentProblemError",
    "InputFileError",
    "Problem",
    "RefusedError",
    "SlrbcallError",
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

    ``where`` names the file and the place in it, e.g. ``calls/x.yaml:14:3`` or
    ``applications.xlsx: sheet 'Applications', row 7, column D ('Requested amount')``.
    ``message`` says what is wrong and, where it helps, what to write instead.
    """

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class SlrbcallError(Exception):
    """Base class: a problem the user can act on. ``str()`` is the user's message."""

    exit_code: int = EXIT_REFUSED


class RefusedError(SlrbcallError):
    """A rule refuses the request (unknown call, no allocation yet, ...)."""

    exit_code = EXIT_REFUSED


class InputFileError(SlrbcallError):
    """An input file (spreadsheet or YAML) cannot be used; nothing was stored.

    Carries every problem found, so that the user can fix them all in one go.
    """

    exit_code = EXIT_INPUT

    def __init__(self, problems: Iterable[Problem], *, cap: int = PROBLEM_CAP) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("InputFileError needs at least one problem")
        self.cap = cap
        super().__init__(self._render())

    def _render(self) -> str:
        shown = [str(p) for p in self.problems[: self.cap]]
        rest = len(self.problems) - len(shown)
        if rest:
            shown.append(f"... and {rest} more problem{'s' if rest != 1 else ''}")
        return "\n".join(shown)


class BusyError(SlrbcallError):
    """Another slrbcall run is writing to the same workspace."""

    exit_code = EXIT_BUSY


class EnvironmentProblemError(SlrbcallError):
    """Something the machine lacks (LibreOffice for --pdf, a writable folder, ...)."""

    exit_code = EXIT_ENVIRONMENT
