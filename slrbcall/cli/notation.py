"""The officer's notation of what the command line prints beside amounts: counts,
decimal numbers, days, and the labels a call gives in French and Dutch.

Amounts have theirs in :func:`slrbcall.money.format_eur`. English, the code's own
language, keeps the notation the tool always printed.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from slrbcall.i18n import format_day, language

if TYPE_CHECKING:
    from slrbcall.model import Localized

__all__ = ["day", "decimal", "local", "number"]


def number(count: int) -> str:
    """A count: ``1,234`` in English, ``1 234`` in French (a narrow no-break space, as
    the amounts), ``1.234`` in Dutch."""
    grouped = f"{count:,}"
    code = language()
    if code == "fr":
        return grouped.replace(",", "\u202f")
    if code == "nl":
        return grouped.replace(",", ".")
    return grouped


def decimal(value: object, places: int | None = None) -> str:
    """A decimal number (a score, a weight): ``72.50`` in English, ``72,50`` in French and
    Dutch; ``places`` decimals, else as many as the value has."""
    shown = str(value) if places is None else f"{value:.{places}f}"
    return shown if language() == "en" else shown.replace(".", ",")


def day(value: dt.date | str | None) -> str:
    """A day (:func:`slrbcall.i18n.format_day`); an ISO text, as the workspace keeps
    days, is read first; anything else is shown as it is."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return str(value)
    if isinstance(value, dt.date):
        return format_day(value)
    try:
        return format_day(dt.date.fromisoformat(value))
    except ValueError:
        return value


def local(label: Localized) -> str:
    """A label of a call (a theme, a criterion, a milestone) in the officer's language:
    Dutch for a Dutch-speaking officer, else French (a call names things in both)."""
    return label.nl if language() == "nl" else label.fr
