"""Output helpers: Rich consoles, escaped user text, JSON, money.

User-supplied text (names, titles, file contents) is always passed to Rich as
:class:`rich.text.Text`, never as a markup string, so ``[bold]x[/]`` prints literally.
Rich honours ``NO_COLOR`` and plain pipes by itself.
"""

from __future__ import annotations

import codecs
import json
import os
import sys
import unicodedata
from collections.abc import Iterable
from contextlib import suppress
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from slrbcall.errors import EnvironmentProblemError
from slrbcall.i18n import _
from slrbcall.money import format_eur, format_plain

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from slrbcall.cli.tables import Table

__all__ = [
    "OutputError",
    "emit_json",
    "err_console",
    "eur",
    "guard_streams",
    "out_console",
    "plain_money",
    "settle_output",
    "table",
    "text",
    "warn",
]


def out_console() -> Console:
    from rich.console import Console

    return Console(file=sys.stdout, highlight=False, emoji=False)


def err_console() -> Console:
    from rich.console import Console

    return Console(file=sys.stderr, highlight=False, emoji=False, soft_wrap=True)


def warn(lines: Iterable[str]) -> None:
    """Each line on stderr as ``Warning: ...``, wrapped by the terminal, not cut."""
    console = err_console()
    for line in lines:
        console.print(text(_("Warning: {message}").format(message=line)), soft_wrap=True)


def text(value: object, style: str = "") -> Text:
    """User text as a Rich Text: never read as markup, never broken at a no-break space
    (:mod:`slrbcall.cli.prose`), and already in the characters the output can hold
    (``€`` as ``EUR`` on an output that holds only ASCII), so that Rich lays a table out
    with the width its cells will have."""
    from slrbcall.cli.prose import Prose  # noqa: PLC0415 (it loads rich)

    said = "" if value is None else str(value)
    if not said.isascii() and not _holds_unicode(sys.stdout):
        said = _as_output_holds(said, sys.stdout)
    return Prose(said, style=style)


def eur(cents: int | None) -> Text:
    return text("" if cents is None else format_eur(cents))


def plain_money(cents: int | None) -> str | None:
    """Money in JSON: a plain decimal string, never a float."""
    return None if cents is None else format_plain(cents)


def table(*columns: str, title: str | None = None, numeric: Iterable[str] = ()) -> Table:
    """A table of ``columns``; those named in ``numeric`` are aligned right and never
    wrapped: an amount cut in two reads as two amounts. On a narrow terminal, a word of
    the other columns wider than its column (a call's id) is folded onto the next line
    rather than cut: an officer types what the table shows."""
    from slrbcall.cli.tables import Table  # noqa: PLC0415 (it loads rich)

    right = set(numeric)
    result = Table(title=title, title_justify="left")
    for column in columns:
        numbers = column in right
        result.add_column(
            column,
            justify="right" if numbers else "left",
            no_wrap=numbers,
            overflow="ellipsis" if numbers else "fold",
        )
    return result


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def emit_json(data: Any) -> None:
    """Print ``data`` as JSON: stable key order as given, Decimals as strings. Text is
    written as it is, or as ``\\u`` escapes where the output cannot hold every character
    (still the same JSON)."""
    whole = _holds_unicode(sys.stdout)
    sys.stdout.write(json.dumps(data, ensure_ascii=not whole, indent=2, default=_default) + "\n")


# -- the standard streams -----------------------------------------------------------------
#
# What is printed must never end the command in a traceback: an output that cannot hold
# the euro sign (PYTHONIOENCODING=ascii, an old Windows console), a full disk behind
# "> file", a closed pipe. guard_streams() is set up by the console entry point, before
# any command runs; settle_output() runs after it.

#: The error handler of the standard streams: a character the output cannot hold is
#: written as the nearest it can (€ as EUR, é as e), else "?".
_NEAREST = "slrbcall-nearest"
_SPELLED = {
    "€": "EUR",
    "×": "x",
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
    "–": "-",
    "—": "-",
    "…": "...",
}


class OutputError(EnvironmentProblemError):
    """The standard output cannot be written (a full disk, a closed pipe). ``quiet``: a
    pipe whose reader stopped (``| head``) on purpose, which is said to no one."""

    def __init__(self, message: str, *, quiet: bool = False) -> None:
        super().__init__(message)
        self.quiet = quiet


def _nearest(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    shown = []
    for char in exc.object[exc.start : exc.end]:
        near = _SPELLED.get(char) or "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        try:
            near.encode(exc.encoding)
        except UnicodeEncodeError:
            near = ""
        shown.append(near or "?")
    return "".join(shown), exc.end


def _as_output_holds(said: str, stream: IO[str]) -> str:
    """``said`` in the characters ``stream`` can hold, each other one as its nearest
    (as the guarded streams write it)."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    codecs.register_error(_NEAREST, _nearest)
    try:
        return said.encode(encoding, errors=_NEAREST).decode(encoding)
    except LookupError:
        return said


def _holds_unicode(stream: IO[str]) -> bool:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


class _Guarded:
    """A standard stream whose write errors become :class:`OutputError` (stdout), or are
    dropped (stderr: nothing could tell them)."""

    def __init__(self, stream: IO[str], *, is_stdout: bool) -> None:
        self._stream = stream
        self._is_stdout = is_stdout
        self.failure: OutputError | None = None

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            return self._failed(exc, len(text))

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            self._failed(exc, 0)

    def _failed(self, exc: OSError, size: int) -> int:
        if not self._is_stdout:
            return size
        if self.failure is None:
            reason = exc.strerror or type(exc).__name__
            self.failure = OutputError(
                _("the output could not be written ({reason})").format(reason=reason),
                quiet=isinstance(exc, BrokenPipeError),
            )
            # Nothing more goes there, not even the interpreter's last flush at exit.
            with suppress(OSError, ValueError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, self._stream.fileno())
                os.close(devnull)
        raise self.failure from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def guard_streams() -> None:
    """Make the standard streams safe to print to, whatever they are (see above)."""
    codecs.register_error(_NEAREST, _nearest)
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None or isinstance(stream, _Guarded):
            continue
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors=_NEAREST)
        setattr(sys, name, _Guarded(stream, is_stdout=name == "stdout"))


def settle_output() -> OutputError | None:
    """Flush the standard output once the command is done; the error if it failed."""
    stdout = sys.stdout
    try:
        stdout.flush()
    except OutputError as exc:
        return exc
    return stdout.failure if isinstance(stdout, _Guarded) else None
