"""``max-score``: the funded set with the highest total score, proven optimal by HiGHS.

How the optimum is found, exactly and fast enough for 10,000 applications:

1. The LP relaxation gives multipliers for the budget and cap rows. With any
   non-negative multipliers, the Lagrangian bound ``L`` (computed here in exact
   integers) bounds every funded set from above, and ``L + min(0, r_i)`` bounds every
   set that contains application ``i`` (``r_i`` is its reduced profit).
2. A good feasible set (LP rounding, then a small exact "core" problem over the
   applications whose reduced profit is nearest zero) gives a lower bound ``LB``.
   Any application whose bound with it is below ``LB`` is in no optimal set; any
   whose bound without it is below ``LB`` is in every one. Those are fixed, and
   HiGHS proves the optimum of what is left (a 0/1 program, gap 0).
3. Ties between optimal sets: among all sets with the optimal total, the result is
   the lexicographically greatest in rank order (the best-ranked application that
   can be in an optimal set is in it, then the next, ...). With the optimum known,
   the fixing of step 2 leaves the applications that are in some optimal sets but
   not all; they are decided in rank order, 20 at a time, by maximising weights
   2^19 .. 2^0 (each outweighs all that follow) under "total = optimum". So the
   result is unique, whatever the solver's own choices or the input order.

No partial awards are made under max-score: a set either funds a request in full or
not at all, which is what makes the optimum a clean 0/1 program.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from slrbcall.i18n import _
from slrbcall.money import format_plain

from .codes import ReasonCode
from .inputs import AllocationOptions
from .policies import Facts, Ledger, Verdict, below_threshold
from .ranking import Ranked
from .solver import Knapsack, Solver

__all__ = ["Optimum", "max_score", "solve_max_score"]

#: Multipliers are turned into integers over this denominator (exactness, not accuracy).
_SCALE = 1 << 32
#: Size of the exact core problem that yields the first lower bound.
_CORE = 64
#: Applications decided per lexicographic solve: weights up to 2^19 stay exact in floats.
_BLOCK = 20


@dataclass(frozen=True, slots=True)
class Optimum:
    """The chosen items, the optimal total value, and per unchosen item its counterfactual.

    ``forced[i]`` is the best total value of a set that must contain ``i``.
    """

    chosen: frozenset[int]
    value: int
    forced: dict[int, int] = field(default_factory=dict)
    solves: int = 0


class _Bounds:
    """The exact Lagrangian bound of the knapsack, scaled by ``_SCALE``."""

    def __init__(self, p: Knapsack, budget: float, org: Sequence[float], theme: Sequence[float]):
        lam = round(Fraction(budget) * _SCALE)
        mu = [round(Fraction(m) * _SCALE) for m in org]
        nu = [round(Fraction(m) * _SCALE) for m in theme]
        self.reduced = [
            p.values[i] * _SCALE
            - lam * p.costs[i]
            - (mu[p.org[i]] if p.org[i] >= 0 else 0)
            - (nu[p.theme[i]] * p.costs[i] if p.theme[i] >= 0 else 0)
            for i in range(len(p))
        ]
        self.total = (
            lam * p.budget
            + sum(m * r for m, r in zip(mu, p.org_room, strict=True))
            + sum(m * r for m, r in zip(nu, p.theme_room, strict=True))
            + sum(r for r in self.reduced if r > 0)
        )
        by_closeness = sorted(range(len(p)), key=lambda i: (abs(self.reduced[i]), i))
        self.core = sorted(by_closeness[:_CORE])

    def fixings(self, lower: int, forced: int | None = None) -> tuple[set[int], set[int]]:
        """Items in no set worth ``lower`` or more (out), and in every such set (in).

        With ``forced``, only sets containing that item are considered.
        """
        top = self.total
        if forced is not None:
            top += min(0, self.reduced[forced])
        target = lower * _SCALE
        out = {i for i, r in enumerate(self.reduced) if top + min(0, r) < target}
        inside = {i for i, r in enumerate(self.reduced) if top - max(0, r) < target}
        if forced is not None:
            out.discard(forced)
            inside.add(forced)
        return out, inside

    def ceiling(self, forced: int) -> int:
        """An integer upper bound on the best value of a set that contains ``forced``."""
        return (self.total + min(0, self.reduced[forced])) // _SCALE


def _fill(p: Knapsack, chosen: set[int], order: Sequence[int]) -> set[int]:
    """Add the items of ``order`` that still fit, in that order (exact arithmetic)."""
    spent = sum(p.costs[i] for i in chosen)
    org_used = [0] * len(p.org_room)
    theme_used = [0] * len(p.theme_room)
    for i in chosen:
        if p.org[i] >= 0:
            org_used[p.org[i]] += 1
        if p.theme[i] >= 0:
            theme_used[p.theme[i]] += p.costs[i]
    for i in order:
        if i in chosen or spent + p.costs[i] > p.budget:
            continue
        o, t = p.org[i], p.theme[i]
        if o >= 0 and org_used[o] + 1 > p.org_room[o]:
            continue
        if t >= 0 and theme_used[t] + p.costs[i] > p.theme_room[t]:
            continue
        chosen.add(i)
        spent += p.costs[i]
        if o >= 0:
            org_used[o] += 1
        if t >= 0:
            theme_used[t] += p.costs[i]
    return chosen


def _with(p: Knapsack, base: Collection[int], item: int, by_profit: Sequence[int]) -> set[int]:
    """A feasible set containing ``item``: drop the least profitable others, then refill.

    Only items that share a broken row with ``item`` are dropped: its organisation,
    its theme, then (for the budget) any.
    """
    chosen = set(base) | {item}
    o, t = p.org[item], p.theme[item]
    cheapest_first = [i for i in reversed(by_profit) if i != item]
    if o >= 0:
        members = [i for i in cheapest_first if i in chosen and p.org[i] == o]
        excess = len(members) + 1 - p.org_room[o]
        chosen.difference_update(members[: max(0, excess)])
    if t >= 0:
        spent = sum(p.costs[i] for i in chosen if p.theme[i] == t)
        for i in cheapest_first:
            if spent <= p.theme_room[t]:
                break
            if i in chosen and p.theme[i] == t:
                chosen.discard(i)
                spent -= p.costs[i]
    spent = sum(p.costs[i] for i in chosen)
    for i in cheapest_first:
        if spent <= p.budget:
            break
        if i in chosen:
            chosen.discard(i)
            spent -= p.costs[i]
    return _fill(p, chosen, by_profit)


def _best(
    p: Knapsack,
    solver: Solver,
    bounds: _Bounds,
    incumbent: frozenset[int],
    *,
    forced: int | None = None,
    what: str,
) -> frozenset[int]:
    """The optimum (containing ``forced``, if given), starting from a feasible ``incumbent``.

    The bound fixes what it can against the incumbent's value. When much is left, a
    small exact "core" problem over the items whose reduced profit is nearest zero
    (everything else kept as in the incumbent) usually finds the optimum itself, and
    its value lets the bound fix more. HiGHS proves the rest.
    """
    out, inside = bounds.fixings(p.value(incumbent), forced)
    free = [i for i in range(len(p)) if i not in out and i not in inside]
    if len(free) > _CORE:
        core = [i for i in bounds.core if i != forced]
        core_set = set(core)
        kept = [i for i in incumbent if i not in core_set]
        better = solver.solve(core, kept, start=incumbent, what=what)
        if better is not None and p.value(better) > p.value(incumbent):
            incumbent = better
            out, inside = bounds.fixings(p.value(incumbent), forced)
            free = [i for i in range(len(p)) if i not in out and i not in inside]
    best = solver.solve(free, inside, start=incumbent, what=what)
    if best is None:  # pragma: no cover - the incumbent satisfies every fixing
        raise AssertionError(f"{what}: the fixed problem lost the incumbent")
    return best


def solve_max_score(p: Knapsack, *, time_limit: float, counterfactuals: bool) -> Optimum:
    """The lexicographically first optimal set (see the module docstring), proven."""
    n = len(p)
    solver = Solver(p, time_limit)
    if n == 0:
        return Optimum(frozenset(), 0)
    lp_values, budget, org, theme = solver.relaxation()
    bounds = _Bounds(p, budget, org, theme)
    by_profit = sorted(range(n), key=lambda i: (-bounds.reduced[i], i))

    # A first feasible set: the LP's whole items, then whatever else fits.
    rounded = sorted(range(n), key=lambda i: (-lp_values[i], -bounds.reduced[i], i))
    best = _best(p, solver, bounds, frozenset(_fill(p, set(), rounded)), what=_("the optimum"))
    optimum = p.value(best)

    # Ties: decide the undecided items in rank order, a block at a time.
    out, inside = bounds.fixings(optimum)
    open_items = [i for i in range(n) if i not in out and i not in inside]
    decided = set(inside)
    incumbent = best
    for start in range(0, len(open_items), _BLOCK):
        block = open_items[start : start + _BLOCK]
        if all(i in incumbent for i in block):
            decided.update(block)  # all in: nothing is lexicographically greater
            continue
        weights = {i: 1 << (len(block) - 1 - k) for k, i in enumerate(block)}
        found = solver.solve(
            [*block, *open_items[start + _BLOCK :]],
            decided,
            weights,
            min_value=optimum,
            start=incumbent,
            what=_("the tie-break between optimal sets"),
        )
        if found is None:  # pragma: no cover - the incumbent is a witness
            raise AssertionError("the tie-break lost the incumbent")
        decided.update(i for i in block if i in found)
        incumbent = found
    chosen = frozenset(decided)
    if p.value(chosen) != optimum or not p.feasible(chosen):  # pragma: no cover
        raise AssertionError("the tie-break changed the optimum")

    forced: dict[int, int] = {}
    if counterfactuals:
        for item in range(n):
            if item in chosen:
                continue
            forced[item] = _forced_optimum(p, solver, bounds, chosen, item, by_profit)
    return Optimum(chosen, optimum, forced, solver.solves)


def _forced_optimum(
    p: Knapsack,
    solver: Solver,
    bounds: _Bounds,
    chosen: frozenset[int],
    item: int,
    by_profit: Sequence[int],
) -> int:
    """The best total value of a set that must contain ``item`` (which fits on its own)."""
    witness = frozenset(_with(p, chosen, item, by_profit))
    if p.value(witness) >= bounds.ceiling(item):
        return p.value(witness)  # the bound meets a feasible set: nothing to solve
    # The LP with the item forced in gives multipliers that fit this question.
    lp_values, budget, org, theme = solver.relaxation(forced=item)
    local = _Bounds(p, budget, org, theme)
    rounded = sorted(range(len(p)), key=lambda i: (-lp_values[i], -local.reduced[i], i))
    other = frozenset(_fill(p, {item}, rounded))
    if p.value(other) > p.value(witness):
        witness = other
    if p.value(witness) >= local.ceiling(item):
        return p.value(witness)
    what = _("what forcing in item {item} would cost").format(item=item)
    return p.value(_best(p, solver, local, witness, forced=item, what=what))


def scale_scores(scores: Sequence[Decimal]) -> tuple[list[int], int]:
    """Scores as exact integers: times 10^k, k the most decimal places present (<= 6)."""
    places = 0
    for score in scores:
        exponent = score.as_tuple().exponent
        if isinstance(exponent, int):
            places = max(places, -exponent)
    if places > 6:
        raise ValueError(
            f"max-score needs scores with at most 6 decimals to optimise exactly; got {places}"
        )
    factor = 10**places
    return [int(s * factor) for s in scores], places


def cost_unit(costs: Sequence[int]) -> int:
    """The gcd of the requests: costs in this unit keep the solver's numbers small."""
    return math.gcd(*costs) if costs else 1


def max_score(
    ranked: Sequence[Ranked],
    options: AllocationOptions,
    ledger: Ledger,
    decided: Mapping[int, Verdict],
) -> tuple[dict[int, Verdict], Decimal]:
    """Decide every ranked application under ``max-score``; returns the optimum score.

    ``decided`` (the theme guarantee) is kept and its spending is already in
    ``ledger``. Applications that cannot be in any set on their own (below the
    threshold, blocked by a cap, larger than the budget left) are decided without the
    solver; the others form the 0/1 program.
    """
    verdicts = dict(decided)
    pool: list[Ranked] = []
    for r in ranked:
        if r.position in verdicts:
            continue
        c = r.candidate
        here = ledger.remaining
        if below_threshold(c, options):
            detail: Facts = {"min_score": str(options.min_score)}
            verdicts[r.position] = Verdict(0, ReasonCode.BELOW_THRESHOLD, here, here, detail)
        elif (blocked := ledger.blocked(c)) is not None:
            verdicts[r.position] = Verdict(0, blocked[0], here, here, blocked[1])
        elif c.requested_cents > here:
            detail = {"available": format_plain(here)}
            verdicts[r.position] = Verdict(0, ReasonCode.DOES_NOT_FIT, here, here, detail)
        else:
            pool.append(r)

    values, places = scale_scores([r.candidate.score for r in pool])
    unit = cost_unit([r.candidate.requested_cents for r in pool])
    orgs: dict[str, int] = {}
    themes: dict[str, int] = {}
    org_room: list[int] = []
    theme_room: list[int] = []
    org_of: list[int] = []
    theme_of: list[int] = []
    for r in pool:
        c = r.candidate
        room = ledger.org_room(c.applicant)
        if room is not None and c.applicant not in orgs:
            orgs[c.applicant] = len(org_room)
            org_room.append(room)
        org_of.append(orgs.get(c.applicant, -1))
        t_room = ledger.theme_room(c.theme)
        if c.theme is not None and t_room is not None and c.theme not in themes:
            themes[c.theme] = len(theme_room)
            theme_room.append(t_room // unit)  # sums of multiples of unit: floor is exact
        theme_of.append(themes.get(c.theme, -1) if c.theme is not None else -1)
    problem = Knapsack(
        costs=[r.candidate.requested_cents // unit for r in pool],
        values=values,
        org=org_of,
        theme=theme_of,
        budget=ledger.remaining // unit,
        org_room=org_room,
        theme_room=theme_room,
    )
    result = solve_max_score(
        problem, time_limit=options.time_limit_seconds, counterfactuals=options.counterfactuals
    )

    guaranteed = sum((ranked[i].candidate.score for i in decided), Decimal(0))

    def as_score(value: int) -> Decimal:
        return guaranteed + Decimal(value).scaleb(-places)

    optimum = as_score(result.value)
    chosen = {pool[i].position for i in result.chosen}
    forced = {pool[i].position: value for i, value in result.forced.items()}
    remaining = ledger.remaining
    for r in ranked:
        c = r.candidate
        if r.position in chosen:
            before, remaining = remaining, remaining - c.requested_cents
            ledger.fund(c, c.requested_cents)
            detail = {"optimum": str(optimum)}
            verdicts[r.position] = Verdict(
                c.requested_cents, ReasonCode.FUNDED, before, remaining, detail
            )
        elif r.position not in verdicts:
            detail = {"optimum": str(optimum)}
            if r.position in forced:
                detail["optimum_with"] = str(as_score(forced[r.position]))
                detail["drop"] = str(optimum - as_score(forced[r.position]))
            else:
                detail["counterfactual"] = "not_computed"
            verdicts[r.position] = Verdict(
                0, ReasonCode.NOT_IN_OPTIMUM, remaining, remaining, detail
            )
        else:
            v = verdicts[r.position]
            if v.reason is not ReasonCode.THEME_GUARANTEE:
                # Walk the budget in rank order so that before/after read as in greedy.
                verdicts[r.position] = Verdict(v.amount, v.reason, remaining, remaining, v.detail)
    return verdicts, optimum
