"""The dates of the command line's options, in the forms the spreadsheets take.

One parser, :class:`Day`, beside the others of :mod:`slrbcall.cli.options` (it works the
same way: a bad date is wrong usage, exit 2). It lives apart because it reads with the
spreadsheets' own reader, :func:`slrbcall.sheets.cells.read_date`, and importing it loads
the ``sheets`` package's cells and headers: time that ``calls list`` and ``status``,
which take no date, need not spend (bench/startup.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from slrbcall.cli.options import OptionType
from slrbcall.i18n import _, format_day
from slrbcall.sheets.cells import CellError, read_date
from slrbcall.sheets.model import Cell

__all__ = ["FIRST_DAY", "LAST_DAY", "Day"]

#: The days an option may name, as a cell (:func:`~slrbcall.sheets.cells.read_date`): far
#: enough either way for any call, and near enough that a day plus any duration of the
#: tool (at most 100 years) is still a date.
FIRST_DAY = dt.date(1950, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)


class Day(OptionType):
    """A calendar day from :data:`FIRST_DAY` to :data:`LAST_DAY`."""

    name = "date"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            day: dt.date | None = value
        else:
            try:
                day = read_date(Cell(row=0, col=0, value=str(value), is_text=True))
            except CellError as exc:
                self.fail(str(exc), param, ctx)
        if day is None:
            self.fail(_("an empty date (write 2024-06-20 or 20/06/2024)"), param, ctx)
        if not FIRST_DAY <= day <= LAST_DAY:  # a date given as such, not typed
            self.fail(
                _("{day} is outside the years {first} to {last}").format(
                    day=format_day(day), first=FIRST_DAY.year, last=LAST_DAY.year
                ),
                param,
                ctx,
            )
        return day
