"""The allocation engine: who is funded, with how much, and why. Pure: no I/O.

:func:`allocate` ranks the eligible candidates (score descending, then the
tie-break chain, then the reference) and applies the policy of DESIGN.md §6:

* ``greedy`` funds every request that fits what remains, in rank order;
* ``strict`` stops at the first request that does not fit (the funding line);
* ``max-score`` funds the set with the highest total score, proven optimal by HiGHS,
  ties between optimal sets going to the better-ranked applications; it makes no
  partial awards (``partial`` is ignored under it).

Invariants of every result, whatever the policy and options:

* the total awarded is at most the budget, and total + remainder == budget;
* every award satisfies grant minimum <= award <= min(request, grant maximum);
* ``funded_full`` if and only if award == request; at most one ``funded_partial``;
* no application below ``min_score`` is funded; no organisation gets more than
  ``org_cap`` projects; no capped theme receives more than its cap;
* the result (and its ``to_json()``) does not depend on the order of the candidates;
* a withdrawn candidate is never ranked: its award is what was paid to it, which
  comes out of the budget first.

:func:`reallocate` gives the money that withdrawals released to the reserve list of
an adopted decision, every other award of it kept as it is (:mod:`.reserve`).
"""

from __future__ import annotations

from collections.abc import Sequence

from slrbcall.model import Policy

from .codes import Decision, ReasonCode, decision_label, reason_label
from .explain import Context, shown_explanation
from .inputs import (
    AllocationOptions,
    Candidate,
    InvalidCandidatesError,
    OptionOverrides,
    Withdrawn,
    validate_candidates,
)
from .optimal import max_score
from .policies import Ledger, guarantee_themes, walk
from .ranking import rank
from .reserve import Reallocation, reallocate, reserve_of
from .result import AllocationResult, DecisionLine, gc_paused, options_from_json
from .solver import OptimalityNotProvenError

__all__ = [
    "AllocationOptions",
    "AllocationResult",
    "Candidate",
    "Decision",
    "DecisionLine",
    "InvalidCandidatesError",
    "OptimalityNotProvenError",
    "OptionOverrides",
    "Reallocation",
    "ReasonCode",
    "Withdrawn",
    "allocate",
    "decision_label",
    "options_from_json",
    "reallocate",
    "reason_label",
    "reserve_of",
    "shown_explanation",
]


def allocate(candidates: Sequence[Candidate], options: AllocationOptions) -> AllocationResult:
    """Allocate ``options.budget_cents`` among ``candidates`` under ``options.policy``.

    Raises :class:`InvalidCandidatesError` (exit code 1) for inputs no policy can
    allocate (duplicate references, negative requests, an eligible request outside the
    grant range, a score outside 0-100), and :class:`OptimalityNotProvenError` (exit
    code 1) when ``max-score`` cannot prove its optimum within
    ``options.time_limit_seconds``.
    """
    with gc_paused():
        return _allocate(candidates, options)


def _allocate(candidates: Sequence[Candidate], options: AllocationOptions) -> AllocationResult:
    validate_candidates(candidates, options)
    withdrawn = sorted((c for c in candidates if c.withdrawn), key=lambda c: c.reference)
    eligible = [c for c in candidates if c.eligible and not c.withdrawn]
    ranked = rank(eligible, options.tie_break)
    ledger = Ledger.start(options)
    for c in withdrawn:  # what was paid to them stays theirs
        ledger.keep(c.theme, c.withdrawn.paid_cents if c.withdrawn else 0)
    decided = guarantee_themes(ranked, options, ledger) if options.theme_guarantee else {}
    optimum = None
    if options.policy is Policy.MAX_SCORE:
        verdicts, optimum = max_score(ranked, options, ledger, decided)
    else:
        verdicts = walk(ranked, options, ledger, decided)
    context = Context(len(ranked), options)
    lines = [DecisionLine.ranked(r, verdicts[r.position], context) for r in ranked]
    lines.extend(DecisionLine.withdrawn(c, context) for c in withdrawn)
    ineligible = sorted(
        (c for c in candidates if not c.eligible and not c.withdrawn), key=lambda c: c.reference
    )
    lines.extend(DecisionLine.ineligible(c, context) for c in ineligible)
    total = sum(line.amount_cents for line in lines)
    if total > options.budget_cents:  # pragma: no cover - the policies never overspend
        raise AssertionError(f"allocated {total} cents of a budget of {options.budget_cents}")
    return AllocationResult(
        lines=tuple(lines),
        total_awarded_cents=total,
        remainder_cents=options.budget_cents - total,
        policy=options.policy,
        options=options,
        optimum=optimum,
        proven_optimal=True if optimum is not None else None,
    )
