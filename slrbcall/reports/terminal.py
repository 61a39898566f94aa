"""The key figures as a chart for the terminal: bars of block characters. Pure strings.

The CLI prints them (with Rich); nothing here knows about colours or tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from slrbcall.i18n import _, language
from slrbcall.money import format_eur
from slrbcall.reports.figures import KeyFigures, ProjectRow

__all__ = ["bars", "budget_caption", "ratio_text"]

# Eighths of a block, from one eighth to seven; a whole block is "█".
_EIGHTHS = "▏▎▍▌▋▊▉"
_FULL = "█"


def _bar(cents: int, scale: int, width: int) -> str:
    """``cents`` as a bar of block characters, where ``scale`` cents fill ``width``.

    The length in eighths of a character is ``cents × width × 8 / scale``, rounded
    DOWN (a bar never overstates), but never below one eighth for a non-zero amount
    (so a small grant stays visible). Zero gives an empty string.
    """
    if cents <= 0 or scale <= 0:
        return ""
    eighths = max(1, cents * width * 8 // scale)
    whole, part = divmod(eighths, 8)
    return _FULL * whole + (_EIGHTHS[part - 1] if part else "")


def bars(rows: Sequence[ProjectRow], *, width: int = 40) -> list[tuple[str, str, str]]:
    """One ``(reference, requested bar, awarded bar)`` per project, in ``rows`` order.

    Both bars share one scale: the largest request fills ``width`` characters
    exactly; see :func:`_bar` for the rounding (down, in eighths of a character).
    The budget is usually several requests wide, so it is not drawn to this scale:
    :func:`budget_caption` gives it as a label under the chart. Pure strings; the
    CLI prints them.
    """
    if width < 1:
        raise ValueError(f"width must be at least 1, not {width}")
    scale = max((r.requested_cents for r in rows), default=0)
    return [
        (r.reference, _bar(r.requested_cents, scale, width), _bar(r.awarded_cents, scale, width))
        for r in rows
    ]


def budget_caption(fig: KeyFigures) -> str:
    """The budget line of the chart, in words: budget, requested, awarded, left over."""
    parts = [
        _("Budget {amount}").format(amount=format_eur(fig.budget_cents)),
        _("requested {amount}").format(amount=format_eur(fig.requested_cents)),
    ]
    if fig.requested_ratio is not None:
        parts[-1] = _("requested {amount} ({ratio}× the budget)").format(
            amount=format_eur(fig.requested_cents), ratio=ratio_text(fig.requested_ratio)
        )
    if fig.allocated:
        parts.append(_("awarded {amount}").format(amount=format_eur(fig.awarded_cents)))
        parts.append(_("left {amount}").format(amount=format_eur(fig.remainder_cents or 0)))
    return " · ".join(parts)


def ratio_text(ratio: Decimal | None) -> str:
    """A ratio as the officer writes it: ``2.55``, or ``2,55`` in French and Dutch."""
    return str(ratio) if language() == "en" else str(ratio).replace(".", ",")
