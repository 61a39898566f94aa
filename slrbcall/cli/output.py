"""Output helpers: Rich consoles, escaped user text, JSON, money.

User-supplied text (names, titles, file contents) is always passed to Rich as
:class:`rich.text.Text`, never as a markup string, so ``[bold]x[/]`` prints literally.
Rich honours ``NO_COLOR`` and plain pipes by itself.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from slrbcall.money import format_eur, format_plain

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

__all__ = [
    "emit_json",
    "err_console",
    "eur",
    "out_console",
    "plain_money",
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
        console.print(text(f"Warning: {line}"), soft_wrap=True)


def text(value: object, style: str = "") -> Text:
    """User text as a Rich Text: never read as markup."""
    from rich.text import Text

    return Text("" if value is None else str(value), style=style)


def eur(cents: int | None) -> Text:
    return text("" if cents is None else format_eur(cents))


def plain_money(cents: int | None) -> str | None:
    """Money in JSON: a plain decimal string, never a float."""
    return None if cents is None else format_plain(cents)


def table(*columns: str, title: str | None = None, numeric: Iterable[str] = ()) -> Table:
    from rich.table import Table

    right = set(numeric)
    result = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        result.add_column(column, justify="right" if column in right else "left")
    return result


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def emit_json(data: Any) -> None:
    """Print ``data`` as JSON: UTF-8, stable key order as given, Decimals as strings."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n")
