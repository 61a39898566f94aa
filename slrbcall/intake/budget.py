"""The budget by line of an application, and the rules it keeps.

A call with ``budget_lines:`` asks each application for its planned budget: the
project's cost on each budget line of the call, and its co-financing by source (the
budget sheet of the applications workbook, read by :mod:`.budget_sheet`).

A budget is balanced, as a Brussels grant form has it: the lines (the project's cost)
less the co-financing equal the grant requested. Each line keeps the call's rules on
its planned amount: its ``cap`` (an amount, or a share of the requested grant), and for
an indirect line its ``max_share_of_direct`` of the planned direct lines, each share
rounded down to the cent as the settlement rounds it. A rule applies to a line's whole
cost: the sheet cannot tell which part of a line the co-financing pays.

Once stored, a budget is replaced by a new one, never taken away, and a decided
application's budget no longer changes (:func:`compare_budgets`). Pure: no file is read
and nothing is stored here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from slrbcall.i18n import N_, _, gettext_in, language
from slrbcall.model import Budget
from slrbcall.money import format_eur, percent_of

if TYPE_CHECKING:
    from slrbcall.model import Application, BudgetLine, Call

__all__ = [
    "BUDGET_SHEET",
    "CO_FINANCING_HEADER",
    "BudgetChanges",
    "budget_breaks",
    "budget_rule_note",
    "compare_budgets",
    "line_column",
    "source_column",
    "stored_budget",
]

#: The name of the budget sheet in the tool's template (in the template's language).
BUDGET_SHEET = N_("Budget by line")
#: The header of a co-financing source's column, in the template's language.
CO_FINANCING_HEADER = N_("Co-financing: {source}")
#: The prefixes of the column keys of the budget lines and the co-financing sources.
LINE_PREFIX = "line:"
SOURCE_PREFIX = "co_financing:"


def line_column(key: str) -> str:
    """The column key of budget line ``key``."""
    return LINE_PREFIX + key


def source_column(key: str) -> str:
    """The column key of co-financing source ``key``."""
    return SOURCE_PREFIX + key


def budget_breaks(budget: Budget, call: Call, requested_cents: int) -> list[tuple[str | None, str]]:
    """The call's rules ``budget`` breaks for an application requesting
    ``requested_cents``, each as (the line's key, or None for the whole budget; the
    sentence in the officer's language). Nothing when it keeps them all.

    The rules: the lines less the co-financing equal the requested amount; a line is at
    most its ``cap`` (a share of the requested amount, rounded down to the cent); an
    indirect line is at most its ``max_share_of_direct`` of the direct lines planned.
    """
    found: list[tuple[str | None, str]] = []
    if budget.grant_cents != requested_cents:
        found.append((None, _sum_break(budget, requested_cents)))
    direct = sum(budget.line(line.key) for line in call.budget_lines if line.direct)
    for line in call.budget_lines:
        planned = budget.line(line.key)
        if planned == 0:
            continue
        found.extend(
            (line.key, message) for message in _line_breaks(line, planned, requested_cents, direct)
        )
    return found


def _sum_break(budget: Budget, requested_cents: int) -> str:
    if budget.co_financing_cents:
        message = _(
            "the lines add up to {lines} and the co-financing to {co_financing}, so the "
            "budget asks the grant for {grant}, not the {requested} requested: the lines less "
            "the co-financing must equal the requested amount"
        )
    else:
        message = _(
            "the lines add up to {lines}, not the {requested} requested: the lines less the "
            "co-financing must equal the requested amount"
        )
    return message.format(
        lines=format_eur(budget.total_cents),
        co_financing=format_eur(budget.co_financing_cents),
        grant=format_eur(budget.grant_cents),
        requested=format_eur(requested_cents),
    )


def _line_breaks(line: BudgetLine, planned: int, requested: int, direct: int) -> Iterable[str]:
    if line.cap_cents is not None and planned > line.cap_cents:
        yield _("{amount} is above this line's cap of {cap}").format(
            amount=format_eur(planned), cap=format_eur(line.cap_cents)
        )
    if line.cap_percent is not None and planned > (cap := percent_of(requested, line.cap_percent)):
        yield _(
            "{amount} is above this line's cap, {percent} of the requested amount: {cap}"
        ).format(
            amount=format_eur(planned), percent=_percent(line.cap_percent), cap=format_eur(cap)
        )
    share = line.max_share_of_direct
    if share is not None and planned > (most := percent_of(direct, share)):
        yield _(
            "{amount} is above {percent} of the direct costs planned ({direct}): at most "
            "{most} on this line"
        ).format(
            amount=format_eur(planned),
            percent=_percent(share),
            direct=format_eur(direct),
            most=format_eur(most),
        )


def budget_rule_note(line: BudgetLine, call: Call, lang: str) -> str:
    """The rule of ``line`` as a template's header note says it, in ``lang`` ("" when
    it has none)."""
    notes = []
    if line.cap_cents is not None:
        notes.append(
            gettext_in(lang, N_("At most {cap}.")).format(cap=format_eur(line.cap_cents, lang=lang))
        )
    if line.cap_percent is not None:
        notes.append(
            gettext_in(lang, N_("At most {percent} of the requested amount.")).format(
                percent=_percent(line.cap_percent, lang)
            )
        )
    if line.max_share_of_direct is not None:
        text_lang = "nl" if lang == "nl" else "fr"
        direct = ", ".join(b.label[text_lang] for b in call.budget_lines if b.direct)
        notes.append(
            gettext_in(lang, N_("At most {percent} of the direct costs ({lines}).")).format(
                percent=_percent(line.max_share_of_direct, lang), lines=direct
            )
        )
    return " ".join(notes)


def _percent(value: Decimal, lang: str | None = None) -> str:
    """A share as the officer writes it: ``10%``, ``12,5 %`` in French, ``12,5%`` in Dutch."""
    code = language() if lang is None else lang
    number = format(value.normalize(), "f")
    if code == "fr":
        return number.replace(".", ",") + "\u00a0%"
    if code == "nl":
        return number.replace(".", ",") + "%"
    return number + "%"


def stored_budget(call: Call, lines: Mapping[str, int], co_financing: Mapping[str, int]) -> Budget:
    """A budget as the workspace holds it (amounts by key), in the call's order; a key
    the call no longer has (its definition was edited) comes after, kept as it was."""

    def ordered(amounts: Mapping[str, int], keys: Sequence[str]) -> tuple[tuple[str, int], ...]:
        known = [(key, amounts[key]) for key in keys if amounts.get(key)]
        return (*known, *((k, c) for k, c in amounts.items() if k not in keys and c))

    return Budget(
        lines=ordered(lines, [line.key for line in call.budget_lines]),
        co_financing=ordered(co_financing, [source.key for source in call.co_financing]),
    )


@dataclass(frozen=True, slots=True)
class BudgetChanges:
    """What the budgets of a file change against those stored.

    ``to_store`` are the budgets to record (an application's first, or other amounts),
    by reference, in the file's order; ``frozen`` the decided applications whose budget
    the file changes (refused); ``stale`` the applications the file gives no budget for
    whose stored one no longer asks the grant for their requested amount (refused);
    ``in_force`` the budget of each application of the file once taken in.
    """

    to_store: Mapping[str, Budget]
    frozen: tuple[str, ...]
    stale: tuple[str, ...]
    in_force: Mapping[str, Budget]


def compare_budgets(
    applications: Sequence[Application],
    read: Mapping[str, Budget],
    stored: Mapping[str, Budget],
    *,
    frozen: Collection[str],
) -> BudgetChanges:
    """Compare the budgets a file gives (``read``) with those ``stored``, for the
    ``applications`` of the file. An application with no row in the file keeps its
    stored budget: a budget is replaced, never taken away. The ``frozen`` references
    are decided: their budget may no longer change, nor be given for the first time
    (the settlement of a convention signed without one would change)."""
    to_store: dict[str, Budget] = {}
    changed_decided: list[str] = []
    stale: list[str] = []
    in_force: dict[str, Budget] = {}
    for app in applications:
        given, before = read.get(app.reference), stored.get(app.reference)
        if given is None:
            if before is not None:
                in_force[app.reference] = before
                if before.grant_cents != app.requested_cents:
                    stale.append(app.reference)
            continue
        in_force[app.reference] = given
        if given == before:
            continue
        if app.reference in frozen:
            changed_decided.append(app.reference)
        else:
            to_store[app.reference] = given
    return BudgetChanges(to_store, tuple(changed_decided), tuple(stale), in_force)
