"""The reserve list, and the reallocation of the money that withdrawals release.

The reserve of an adopted decision is its eligible, unfunded applications, those below
the minimum score and the withdrawn ones left out, in the order of its ranking
(:func:`reserve_of`); the workspace freezes it when the decision is adopted, so that a
later change of marks cannot reorder it.

:func:`reallocate` gives the free money (what the withdrawals released, and what the
decision left unspent) to the reserve, under the reserve's policy, and carries every
other line of the decision as it is. Invariants of a :class:`Reallocation`:

* a line that is neither withdrawn nor on the reserve is carried unchanged, under every
  policy (max-score included): a notified award is never changed;
* a withdrawn application's award is what was paid to it (zero if nothing was);
* new awards go to reserve projects only, and add up to at most the free money:
  ``total_awarded_cents + remainder_cents == budget`` and ``free == released + unspent``;
* every new award satisfies grant minimum <= award <= min(request, grant maximum).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from slrbcall.model import Policy
from slrbcall.money import cents_from_decimal, format_plain

from .codes import ReasonCode
from .explain import Context, Reallocating
from .inputs import AllocationOptions, Candidate, Withdrawn, validate_candidates
from .optimal import max_score
from .policies import Ledger, walk
from .ranking import Ranked
from .result import DecisionLine, run_json

__all__ = ["Reallocation", "reallocate", "reserve_of"]

#: Unfunded lines that are not on the reserve: the committee's threshold excludes them.
_OFF_RESERVE = frozenset({ReasonCode.BELOW_THRESHOLD.value, ReasonCode.WITHDRAWN.value})
_FROM_RESERVE = {
    ReasonCode.FUNDED: ReasonCode.RESERVE_FUNDED,
    ReasonCode.PARTIAL_REMAINDER: ReasonCode.RESERVE_PARTIAL,
}


def reserve_of(
    lines: Sequence[Mapping[str, Any]], withdrawn: Collection[str]
) -> list[tuple[str, int]]:
    """The reserve a decision's lines make: (reference, rank), in rank order."""
    found = [
        (line["reference"], int(line["rank"]))
        for line in lines
        if line["rank"] is not None
        and line["decision"] == "not_funded"
        and line["reason"] not in _OFF_RESERVE
        and line["reference"] not in withdrawn
    ]
    return sorted(found, key=lambda item: (item[1], item[0]))


def _cents(plain: str) -> int:
    return cents_from_decimal(Decimal(plain))


def _candidate(line: Mapping[str, Any], withdrawn: Withdrawn | None = None) -> Candidate:
    """A decision's line as the allocation sees it (its facts name applicant and theme)."""
    facts = line.get("facts") or {}
    theme = facts.get("theme")
    return Candidate(
        reference=line["reference"],
        applicant=str(facts.get("applicant", "")),
        theme=None if theme is None else str(theme),
        requested_cents=_cents(line["requested"]),
        score=Decimal(line["score"]),
        eligible=line["rank"] is not None,
        withdrawn=withdrawn,
    )


@dataclass(frozen=True, slots=True)
class Reallocation:
    """A decision (run ``run_id``) with its withdrawals recorded and its reserve funded.

    ``lines`` holds every line in the decision's order, as JSON (carried lines exactly
    as the decision has them); ``changed`` the lines it made: the withdrawn ones, then
    the reserve's, each in rank order.
    """

    run_id: int
    options: AllocationOptions
    lines: tuple[Mapping[str, Any], ...]
    withdrawn: tuple[DecisionLine, ...]
    reserve: tuple[DecisionLine, ...]
    released_cents: int
    unspent_cents: int
    optimum: Decimal | None = None

    @property
    def policy(self) -> Policy:
        return self.options.policy

    @property
    def free_cents(self) -> int:
        return self.released_cents + self.unspent_cents

    @property
    def funded(self) -> tuple[DecisionLine, ...]:
        """The reserve projects it funds, in reserve order."""
        return tuple(line for line in self.reserve if line.amount_cents)

    @property
    def awarded_cents(self) -> int:
        """What it gives the reserve."""
        return sum(line.amount_cents for line in self.reserve)

    @property
    def total_awarded_cents(self) -> int:
        return sum(_cents(line["amount"]) for line in self.lines)

    @property
    def remainder_cents(self) -> int:
        return self.options.budget_cents - self.total_awarded_cents

    def to_json(self) -> dict[str, Any]:
        """A run's JSON (as :meth:`AllocationResult.to_json`), and what was reallocated."""
        document = run_json(
            self.options,
            total_awarded_cents=self.total_awarded_cents,
            optimum=self.optimum,
            lines=[dict(line) for line in self.lines],
        )
        document["reallocation"] = {
            "of_run": self.run_id,
            "withdrawn": [line.reference for line in self.withdrawn],
            "released": format_plain(self.released_cents),
            "unspent": format_plain(self.unspent_cents),
            "free": format_plain(self.free_cents),
            "awarded": format_plain(self.awarded_cents),
            "left": format_plain(self.free_cents - self.awarded_cents),
            "reserve": [line.reference for line in self.reserve],
            "funded": [line.reference for line in self.funded],
        }
        return document


def reallocate(
    lines: Sequence[Mapping[str, Any]],
    *,
    run_id: int,
    options: AllocationOptions,
    reserve: Sequence[str],
    withdrawals: Mapping[str, Withdrawn],
) -> Reallocation:
    """Give the money ``withdrawals`` release to ``reserve``, under ``options.policy``.

    ``lines`` are the decision's (run ``run_id``, its JSON lines); ``options`` its
    options, with the reserve's policy and partial policy; ``reserve`` the references
    still on its reserve, in order; ``withdrawals`` the withdrawals the decision does
    not show yet, with what was paid (their award is read from ``lines``). The caps
    of the decision still hold: the projects it funds count against them.
    """
    by_reference = {line["reference"]: line for line in lines}
    unknown = sorted(set(withdrawals) - set(by_reference))
    if unknown:
        raise ValueError(f"withdrawals of applications the decision does not hold: {unknown}")
    reserve = [ref for ref in reserve if ref not in withdrawals]
    if len(set(reserve)) != len(reserve) or any(
        ref not in by_reference or _cents(by_reference[ref]["amount"]) for ref in reserve
    ):
        raise ValueError("a reserve holds unfunded applications of the decision, each once")
    places = {ref: place for place, ref in enumerate(reserve, start=1)}
    ledger, withdrawn = _kept(lines, run_id, options, places, withdrawals)
    unspent = options.budget_cents - sum(_cents(line["amount"]) for line in lines)
    released = sum(c.withdrawn.released_cents for c in withdrawn.values() if c.withdrawn)
    if ledger.remaining != released + unspent:  # pragma: no cover - the kept lines add up
        raise AssertionError(f"free {ledger.remaining} != {released} + {unspent}")

    candidates = [_candidate(by_reference[ref]) for ref in reserve]
    validate_candidates(candidates, options)
    ranked = [Ranked(c, int(by_reference[c.reference]["rank"]) - 1) for c in candidates]
    order = tuple(line["reference"] for line in lines if line["reference"] in withdrawn)
    context = Context(
        sum(1 for line in lines if line["rank"] is not None),
        options,
        Reallocating(run_id, order, ledger.remaining, released, unspent, places),
    )
    optimum = None
    if options.policy is Policy.MAX_SCORE:
        verdicts, optimum = max_score(ranked, options, ledger, {})
    else:
        verdicts = walk(ranked, options, ledger, {})
    made: dict[str, DecisionLine] = {}
    for r in ranked:
        v = verdicts[r.position]
        v = v._replace(reason=_FROM_RESERVE.get(v.reason, v.reason))
        made[r.candidate.reference] = DecisionLine.ranked(r, v, context)
    for ref in order:
        c, rank = withdrawn[ref], by_reference[ref]["rank"]
        place = None if rank is None else Ranked(c, rank - 1)
        made[ref] = DecisionLine.withdrawn(c, context, place)
    return Reallocation(
        run_id=run_id,
        options=options,
        lines=tuple(
            made[line["reference"]].to_json() if line["reference"] in made else dict(line)
            for line in lines
        ),
        withdrawn=tuple(made[ref] for ref in order),
        reserve=tuple(made[ref] for ref in reserve),
        released_cents=released,
        unspent_cents=unspent,
        optimum=optimum,
    )


def _kept(
    lines: Sequence[Mapping[str, Any]],
    run_id: int,
    options: AllocationOptions,
    places: Mapping[str, int],
    withdrawals: Mapping[str, Withdrawn],
) -> tuple[Ledger, dict[str, Candidate]]:
    """What the decision keeps comes out of the budget first (a withdrawn project keeping
    what was paid to it); its funded projects count against the organisation cap, and
    what it spent on a theme against that theme's. The ledger, and the withdrawn ones."""
    ledger = Ledger(options.budget_cents, options.org_cap, options.theme_cap_cents())
    withdrawn: dict[str, Candidate] = {}
    for line in lines:
        ref = line["reference"]
        amount = _cents(line["amount"])
        if ref in places:
            continue
        if ref in withdrawals:
            w = dataclasses.replace(withdrawals[ref], award_cents=amount, run_id=run_id)
            if w.paid_cents > amount:
                raise ValueError(f"{ref}: {w.paid_cents} cents paid of an award of {amount}")
            withdrawn[ref] = _candidate(line, w)
            ledger.keep(withdrawn[ref].theme, w.paid_cents)
            continue
        kept = _candidate(line)
        ledger.keep(kept.theme, amount)
        if amount and ledger.org_cap is not None:
            ledger.org_funded[kept.applicant] = ledger.org_funded.get(kept.applicant, 0) + 1
    return ledger, withdrawn
