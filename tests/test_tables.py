"""The commands' tables (slrbcall.cli.tables) print the very bytes Rich's tables print:
on a terminal in colour, on a plain pipe, on an output that holds only ASCII, wide or
narrow, with cells of several lines and of several styles (the report's bars), whether
the quick drawing applies or Rich draws the table itself."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from slrbcall.cli.output import table, text
from slrbcall.cli.tables import Table

#: Letters a table meets: accents, no-break spaces (amounts), wide CJK and emoji, a
#: combining accent and a zero-width space (of no width), brackets, and what Rich draws
#: itself: a tab, line breaks.
LETTERS = "abcXYZ 019.,-'€éÉ\u00a0\u202f漢字😀\u0301\u200b[]/"
RARE = "\t\n\u2028"
STYLES = ("", "yellow", "bold red", "green", "dim")


class _AsciiOutput(io.StringIO):
    encoding = "ascii"


def consoles(width: int) -> list[Console]:
    """A pipe, a colour terminal, a 16-colour terminal, an output that holds only ASCII."""
    common = {"width": width, "highlight": False, "emoji": False}
    return [
        Console(file=io.StringIO(), **common),
        Console(file=io.StringIO(), force_terminal=True, color_system="truecolor", **common),
        Console(file=io.StringIO(), force_terminal=True, color_system="standard", **common),
        Console(file=_AsciiOutput(), **common),
    ]


def printed(console: Console, view: RichTable) -> str:
    console.print(view)
    output = console.file
    assert isinstance(output, io.StringIO)
    return output.getvalue()


#: A cell as its parts, each a text and its style, appended one to the other.
Cell = Sequence[tuple[str, str]]


def cell_text(parts: Cell) -> Text:
    """A cell as the commands build one: ``text()``, then styled parts appended."""
    (first, style), *rest = parts
    made = text(first, style)
    for more, more_style in rest:
        made.append(text(more, more_style))
    return made


def both(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    numeric: Sequence[str],
    title: str | None,
) -> tuple[Table, RichTable]:
    """The commands' table (output.table) and Rich's own, built alike."""
    mine = table(*headers, title=title, numeric=numeric)
    theirs = RichTable(title=title, title_justify="left", show_lines=False)
    for header in headers:
        right = header in numeric
        theirs.add_column(
            header,
            justify="right" if right else "left",
            no_wrap=right,
            overflow="ellipsis" if right else "fold",
        )
    for row in rows:
        mine.add_row(*(cell_text(parts) for parts in row))
        theirs.add_row(*(cell_text(parts) for parts in row))
    return mine, theirs


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[Cell]], list[str]]:
    count = draw(st.integers(1, 5))
    headers = draw(
        st.lists(
            st.text(alphabet=LETTERS.replace("[", ""), min_size=1, max_size=12),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    rare = draw(st.sampled_from(["", "\n", "\n" * 3, RARE]))
    letters = st.sampled_from(LETTERS + rare)
    part = st.tuples(st.text(alphabet=letters, max_size=30), st.sampled_from(STYLES))
    cell = st.lists(part, min_size=1, max_size=3)
    rows = draw(st.lists(st.lists(cell, min_size=count, max_size=count), max_size=8))
    numeric = draw(st.lists(st.sampled_from(headers), unique=True))
    return headers, rows, numeric


@settings(max_examples=300, deadline=None)
@given(
    drawn=tables(),
    title=st.one_of(st.none(), st.text(alphabet=LETTERS.replace("[", ""), max_size=20)),
    width=st.integers(10, 200),
)
def test_a_table_prints_what_rich_prints(
    drawn: tuple[list[str], list[list[Cell]], list[str]],
    title: str | None,
    width: int,
) -> None:
    headers, rows, numeric = drawn
    for mine_console, their_console in zip(consoles(width), consoles(width), strict=True):
        mine, theirs = both(headers, rows, numeric, title)
        assert printed(mine_console, mine) == printed(their_console, theirs)


def test_a_commands_table_is_drawn_quickly() -> None:
    """The status's table of 200 calls takes the quick drawing, and still prints as Rich."""
    rows = [
        [[(f"call-{n:03d}", "")], [("f9dcae102cb3", "")], [("CHANGED since", "yellow")]]
        for n in range(200)
    ]
    mine, theirs = both(["call", "definition", "file now"], rows, [], "Calls")
    console = consoles(100)[1]
    assert mine._plain_layout(console, console.options) is not None
    assert printed(console, mine) == printed(consoles(100)[1], theirs)


@pytest.mark.parametrize(
    ("cells", "width"),
    [
        pytest.param([("a very long title that cannot fit", "")], 20, id="too-wide"),
        pytest.param([("two\u2028lines", "")], 80, id="line-separator"),
        pytest.param([("a\ttab", "")], 80, id="tab"),
        pytest.param([("e\u0301e\u0301 ", "")], 80, id="no-width-letters-and-a-trailing-space"),
    ],
)
def test_rich_draws_what_needs_its_machinery(cells: Cell, width: int) -> None:
    mine, theirs = both(["w"], [[cells]], [], None)
    console = consoles(width)[0]
    assert mine._plain_layout(console, console.options) is None
    assert printed(console, mine) == printed(consoles(width)[0], theirs)


def test_markup_in_a_header_prints_as_rich_prints_it() -> None:
    mine, theirs = both(["[bold]n[/bold] [red]m[/red]"], [[[("1", "")]]], [], None)
    console = consoles(40)[1]
    assert printed(console, mine) == printed(consoles(40)[1], theirs)


def test_the_reports_bars_are_drawn_quickly() -> None:
    """Two lines to a cell, the second of another colour, rows higher than a reference."""
    rows = [
        [
            [(f"B-{n:06d}", "")],
            [("asked\ngot", "")],
            [("█" * n + "\n", "bright_black"), ("█" * (n // 2), "green")],
        ]
        for n in range(1, 40)
    ]
    mine, theirs = both(["project", "", "requested and awarded"], rows, [], "Per project")
    console = consoles(120)[1]
    assert mine._plain_layout(console, console.options) is not None
    assert printed(console, mine) == printed(consoles(120)[1], theirs)


def test_a_table_in_a_panel_prints_as_rich_prints_it() -> None:
    """``calls show`` puts its tables in a panel, which measures them first."""
    from rich.console import Group
    from rich.panel import Panel

    mine, theirs = both(
        ["theme", "budget"], [[[("inclusion", "")], [("1\u202f000,00", "")]]], [], "T"
    )
    outputs = []
    for view in (mine, theirs):
        console = consoles(60)[1]
        console.print(Panel(Group(view, view), title="empowerment-2023", expand=False))
        outputs.append(console.file.getvalue())  # type: ignore[attr-defined]
    assert outputs[0] == outputs[1]


def test_a_plain_table_is_drawn_without_rich_s_table_module() -> None:
    """Rich's table module (and the fractions it measures with) costs a tenth of the
    start-up of ``calls list``, whose table is plain."""
    import subprocess
    import sys

    code = (
        "import io, sys\n"
        "from rich.console import Console\n"
        "from slrbcall.cli.output import table, text\n"
        "view = table('call', 'budget', numeric=['budget'])\n"
        "view.add_row(text('empowerment-2023'), text('255\\u202f000,00\\u00a0€'))\n"
        "Console(file=io.StringIO(), width=80).print(view)\n"
        "print('rich.table' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
