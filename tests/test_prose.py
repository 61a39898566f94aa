"""The officer's text is wrapped at its spaces, never at a no-break space: an amount
(``38 500,00 €``) or a French colon (``reste : 7 500,00 €``) stays on one line."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from slrbcall.cli.output import text

SAID = (
    "EMP23-07 a renoncé le 08/01/2024 : 42\u202f500,00\u00a0€ étaient disponibles "
    "(38\u202f500,00\u00a0€ libérés, 4\u202f000,00\u00a0€ non utilisés)\u202f; reste"
    "\u202f: 7\u202f500,00\u00a0€."
)


@given(width=st.integers(16, 120), style=st.sampled_from(["", "bold", "red"]))
def test_a_line_breaks_only_at_a_plain_space(width: int, style: str) -> None:
    console = Console(file=io.StringIO(), width=width, highlight=False)
    console.print(text(SAID, style))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    lines = output.splitlines()
    assert all(len(line) <= width for line in lines)
    # put back together at plain spaces, the lines are the text: no break was made at
    # a no-break space, and none was lost
    assert " ".join(line.rstrip(" ") for line in lines) == SAID


def test_the_styles_stay_on_their_characters() -> None:
    said = text("Reste\u202f: ", "bold")
    said.append(text("7\u202f500,00\u00a0€", "red"))
    console = Console(
        file=io.StringIO(), width=12, force_terminal=True, color_system="standard", no_color=False
    )
    console.print(said)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b[1mReste\u202f:" in output
    assert "\x1b[1;31m7\u202f500,00\u00a0€" in output  # bold and red
