"""The commands' tables, drawn as Rich draws them, in a tenth of the time.

Rich lays a table out and renders every cell through its general machinery (padding,
measuring, wrapping, justifying, cropping, in that order): about 0.1 ms a cell, so that
drawing the 200 calls of ``slrbcall status`` took 70 ms, a quarter of the command, and
the report's 250 lines as long (bench/workspace.py). When every cell is one line of
text that needs no wrapping and the table fits the width as it is, as the commands'
tables nearly always do, that machinery changes nothing: each line of a cell is its
text, padded to its column's width on the side its column justifies, between one space
on either side, and a row is as high as its highest cell. :class:`Table` then yields
the very segments Rich would yield, and Rich's console writes them, colours and all, as
it writes any segments. Any other table (a cell to wrap, a table wider than the
terminal, a cell that is not plain text, markup in a header) is drawn by Rich itself,
through the Rich table a :class:`Table` stands for: Rich's table module (and the
fractions it lays columns out with) is loaded only then, a tenth of the start-up of a
command that prints a plain table.

``tests/test_tables.py`` holds the two to the same bytes, on a terminal and off it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, TypeGuard

from rich.box import HEAVY_HEAD
from rich.cells import cell_len
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from slrbcall.cli.prose import Prose

if TYPE_CHECKING:
    from rich.console import (
        Console,
        ConsoleOptions,
        JustifyMethod,
        OverflowMethod,
        RenderableType,
        RenderResult,
    )
    from rich.table import Table as RichTable

__all__ = ["Column", "Table"]


class Column:
    """A column of a :class:`Table`: its header, on which side its cells stand, whether
    they may wrap, and what Rich does with a word wider than the column (``fold`` it
    onto the next line, or cut it with an ``ellipsis``)."""

    __slots__ = ("header", "justify", "no_wrap", "overflow")

    def __init__(
        self, header: str, justify: JustifyMethod, no_wrap: bool, overflow: OverflowMethod
    ) -> None:
        self.header = header
        self.justify = justify
        self.no_wrap = no_wrap
        self.overflow = overflow


class Table:
    """A table of the commands, as Rich's ``Table(title=..., title_justify=...)`` with
    ``add_column(header, justify=..., no_wrap=..., overflow=...)`` and
    ``add_row(*cells)``: drawn here when it is plain (see the module's docstring), else
    by the Rich table it stands for, which is made (and Rich's table module loaded) only
    then."""

    def __init__(self, *, title: str | None = None, title_justify: JustifyMethod = "left") -> None:
        self.title = title
        self.title_justify = title_justify
        self.columns: list[Column] = []
        self.rows: list[tuple[RenderableType, ...]] = []

    def add_column(
        self,
        header: str,
        *,
        justify: JustifyMethod = "left",
        no_wrap: bool = False,
        overflow: OverflowMethod = "ellipsis",
    ) -> None:
        self.columns.append(Column(header, justify, no_wrap, overflow))

    def add_row(self, *cells: RenderableType) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"a row of {len(cells)} cells in a table of {len(self.columns)}")
        self.rows.append(cells)

    def rich_table(self) -> RichTable:
        """The Rich table this one stands for."""
        from rich.table import Table as RichTable  # noqa: PLC0415 (a tenth of calls list's start-up)

        drawn = RichTable(title=self.title, title_justify=self.title_justify)
        for column in self.columns:
            drawn.add_column(
                column.header,
                justify=column.justify,
                no_wrap=column.no_wrap,
                overflow=column.overflow,
            )
        for row in self.rows:
            drawn.add_row(*row)
        return drawn

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        laid_out = self._plain_layout(console, options)
        if laid_out is None:
            yield self.rich_table()
            return
        yield from self._draw(console, options, *laid_out)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """How wide the table is, as Rich measures it (inside a panel: ``calls show``)."""
        return Measurement.get(console, options, self.rich_table())

    @property
    def _extra_width(self) -> int:
        """The width of the borders: both edges and a line between two columns."""
        return len(self.columns) + 1

    def _plain_layout(
        self, console: Console, options: ConsoleOptions
    ) -> tuple[list[int], list[list[Text]]] | None:
        """The columns' widths and cells (each column's header first) of a table drawn
        as it is, or None when Rich must draw it."""
        if not self.columns:
            return None
        available = options.max_width - self._extra_width
        widths: list[int] = []
        columns: list[list[Text]] = []
        for index, column in enumerate(self.columns):
            if column.justify not in ("left", "right"):
                return None
            header = console.render_str(column.header, markup=options.markup, highlight=False)
            cells: list[Text] = []
            for cell in (header, *(row[index] for row in self.rows)):
                if not _plain(cell):
                    return None
                cells.append(cell)
            lines = [line for cell in cells for line in cell.plain.split("\n")]
            width = max(cell_len(line) for line in lines)
            if any(len(line) > width for line in lines):
                return None  # characters of no width: Rich would trim trailing spaces
            widths.append(width + 2)
            columns.append(cells)
        if sum(widths) > available:
            return None  # Rich would shrink and wrap columns
        return widths, columns

    def _draw(
        self,
        console: Console,
        options: ConsoleOptions,
        widths: list[int],
        columns: list[list[Text]],
    ) -> Iterator[Segment]:
        """Rich's segments of the table (rich.table.Table._render, for these tables)."""
        table_width = sum(widths) + self._extra_width
        if self.title:
            title = console.render_str(self.title, style="table.title", highlight=False)
            yield from console.render(
                title,
                options.update(width=table_width, highlight=False, height=None).update(
                    justify=self.title_justify
                ),
            )
        box = HEAVY_HEAD.substitute(options, safe=console.safe_box)
        border = console.get_style("") + console.get_style("")
        new_line = Segment.line()
        yield Segment(box.get_top(widths), border)
        yield new_line
        header = console.get_style("table.header")
        header_styles = [header + console.get_style("") for _column in self.columns]
        rows = list(zip(*columns, strict=True))
        edges = [
            (box.head_left, box.head_right, box.head_vertical),
            (box.mid_left, box.mid_right, box.mid_vertical),
            (box.foot_left, box.foot_right, box.foot_vertical),
        ]
        last = len(rows) - 1
        for index, row in enumerate(rows):
            left, right, vertical = edges[0 if index == 0 else (2 if index == last else 1)]
            divider = Segment(vertical, border)
            if index == 0:  # the headers, under the header style, aligned to the bottom
                cells = [
                    _lines(console, cell, width, column.justify, over)
                    for cell, width, column, over in zip(
                        row, widths, self.columns, header_styles, strict=True
                    )
                ]
                height = max(len(lines) for lines in cells)
                for lines, width, over in zip(cells, widths, header_styles, strict=True):
                    lines[:0] = [[Segment(" " * width, over)]] * (height - len(lines))
            else:  # the rows' cells, aligned to the top
                cells = [
                    _lines(console, cell, width, column.justify, None)
                    for cell, width, column in zip(row, widths, self.columns, strict=True)
                ]
                height = max(len(lines) for lines in cells)
                for lines, width in zip(cells, widths, strict=True):
                    lines += [[Segment(" " * width, Style.null())]] * (height - len(lines))
            for line in range(height):
                yield Segment(left, border)
                for position, lines in enumerate(cells):
                    if position:
                        yield divider
                    yield from lines[line]
                yield Segment(right, border)
                yield new_line
            if index == 0:
                yield Segment(box.get_row(widths, "head", edge=True), border)
                yield new_line
        yield Segment(box.get_bottom(widths), border)
        yield new_line


#: Line breaks other than ``\n``, which Rich measures as breaks but does not render as
#: such: a cell holding one is drawn by Rich.
_OTHER_BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _plain(cell: object) -> TypeGuard[Text]:
    """Whether a cell is text that Rich draws line for line, without wrapping: no
    justification or overflow of its own, no tab, no line break but ``\\n``."""
    if not isinstance(cell, Text):
        return False
    plain = cell.plain
    return (
        cell.justify is None
        and cell.overflow is None
        and cell.no_wrap is None
        and cell.end == "\n"
        and "\t" not in plain
        and _OTHER_BREAKS.search(plain) is None
    )


def _lines(
    console: Console, cell: Text, width: int, justify: str, over: Style | None
) -> list[list[Segment]]:
    """A cell's lines of segments: a space, each line of its text justified to the
    width inside the padding, a space. ``over`` is the style laid over the whole cell
    (a header's), as Rich lays it over the segments of the text's own styles."""
    inside = width - 2
    space = Segment(" ", over if over is not None else Style.null())
    if not cell.spans and "\n" not in cell.plain:  # the usual cell, without Rich's Text
        own = console.get_style(cell.style) if cell.style else None
        style = (over + own) if over else own
        plain = _justified(cell.plain, inside, justify, held=isinstance(cell, Prose))
        return [[space, Segment(plain, style), space]]
    lines = []
    for line in cell.split("\n", allow_blank=True):
        if justify == "right":  # as _justified, moving the styled parts with the text
            stripped = len(line.plain) - len(_rstripped(line.plain, held=isinstance(cell, Prose)))
            if stripped:  # Rich's right_crop(0) would empty the line
                line.right_crop(stripped)
            line.pad_left(inside - cell_len(line.plain))
        else:
            line.pad_right(inside - cell_len(line.plain))
        # Rich renders the lines joined, which turns each line's own style into a styled
        # part (Text.render leaves a text's own style to its caller).
        segments = list(Text("\n").join([line]).render(console))
        if over:
            segments = [Segment(text, over + style) for text, style, _control in segments]
        lines.append([space, *segments, space])
    return lines


def _justified(plain: str, width: int, justify: str, *, held: bool) -> str:
    """A cell's text justified to ``width`` cells as Rich justifies it: padded on the
    right, or, with its trailing spaces stripped, on the left (``held``: but its
    no-break spaces, for a :class:`~slrbcall.cli.prose.Prose`)."""
    if justify == "right":
        plain = _rstripped(plain, held=held)
        return " " * (width - cell_len(plain)) + plain
    return plain + " " * (width - cell_len(plain))


#: Trailing spaces that Rich strips from a right-justified line of a Prose: every space
#: but the no-break ones, which a Prose holds out of its reach (cli/prose.py).
_TRAILING = re.compile(r"[^\S\u00a0\u202f]+$")


def _rstripped(plain: str, *, held: bool) -> str:
    return _TRAILING.sub("", plain) if held else plain.rstrip()
