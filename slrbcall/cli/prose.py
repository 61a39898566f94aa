"""The officer's text as Rich prints it, wrapped at its spaces but never at a no-break one.

French writes ``44 058,00 €`` and ``échéancier : 4 en retard`` with no-break spaces (a
narrow one in the amount and before the colon, a plain one before the euro sign), so
that no line ends inside an amount or before a colon. Rich breaks a line at any space,
no-break spaces included: a paragraph then reads ``38`` at the end of a line and
``500,00 €`` at the start of the next, two amounts. :class:`Prose` hides the no-break
spaces from Rich's wrapping behind characters that are no space, each one cell wide as
they are, and gives them back in what it prints.

Rich's console joins the texts it is given into one plain text before it wraps them,
so the hiding cannot be a wrap of our own: a :class:`Prose` hands the console a
renderable of its own (``__rich__``), which Rich renders as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.text import Text

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.console import Console, ConsoleOptions
    from rich.measure import Measurement

__all__ = ["Prose"]

#: The no-break spaces, and the private-use characters that stand for them while Rich
#: wraps (one cell wide, as they are, and never a place to break).
_NO_BREAK = "\u00a0\u202f"
_HELD = "\ue000\ue001"
_HOLD = str.maketrans(_NO_BREAK, _HELD)
_GIVE_BACK = str.maketrans(_HELD, _NO_BREAK)


class Prose(Text):
    """A Rich text that never breaks a line at a no-break space."""

    def __rich__(self) -> Text | _Held:
        if any(space in self.plain for space in _NO_BREAK):
            return _Held(self)
        return self


class _Held:
    """A text rendered with its no-break spaces held out of Rich's wrapping."""

    def __init__(self, prose: Text) -> None:
        self.held = prose.copy()  # a plain Text, as long as the prose: styles stay put
        self.held.plain = prose.plain.translate(_HOLD)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        for segment in self.held.__rich_console__(console, options):
            yield Segment(segment.text.translate(_GIVE_BACK), segment.style, segment.control)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return self.held.__rich_measure__(console, options)
