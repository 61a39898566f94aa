"""What the allocation engine gives back: one decision line per application."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from slrbcall.model import Policy
from slrbcall.money import format_plain

from .inputs import AllocationOptions

__all__ = ["AllocationResult", "Decision", "DecisionLine", "ReasonCode"]


class Decision(StrEnum):
    FUNDED_FULL = "funded_full"
    FUNDED_PARTIAL = "funded_partial"
    NOT_FUNDED = "not_funded"
    INELIGIBLE = "ineligible"


class ReasonCode(StrEnum):
    """Why a line got its decision: stable codes that letters and reports key on."""

    FUNDED = "funded"
    PARTIAL_REMAINDER = "partial_remainder"
    DOES_NOT_FIT = "does_not_fit"
    BELOW_LINE = "below_line"
    BELOW_THRESHOLD = "below_threshold"
    ORG_CAP = "org_cap"
    THEME_CAP = "theme_cap"
    THEME_GUARANTEE = "theme_guarantee"
    NOT_IN_OPTIMUM = "not_in_optimum"
    INELIGIBLE = "ineligible"


@dataclass(frozen=True, slots=True)
class DecisionLine:
    """The decision on one application, with its reason in words and in numbers.

    ``rank`` is 1-based among the eligible applications (``None`` when ineligible).
    ``remaining_*_cents`` is the budget left just before and after this line was
    decided (``None`` when ineligible). ``tie_break_key`` names the key that decided
    the order against a neighbour with the same score. ``facts`` holds the numbers of
    ``explanation`` as plain values (money as plain decimal strings), so that letters
    in Dutch and French can be written from them.
    """

    reference: str
    rank: int | None
    score: Decimal
    requested_cents: int
    amount_cents: int
    decision: Decision
    reason: ReasonCode
    remaining_before_cents: int | None
    remaining_after_cents: int | None
    tie_break_key: str | None
    explanation: str
    facts: Mapping[str, str | int]

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "rank": self.rank,
            "score": str(self.score),
            "requested": format_plain(self.requested_cents),
            "amount": format_plain(self.amount_cents),
            "decision": self.decision.value,
            "reason": self.reason.value,
            "remaining_before": _plain(self.remaining_before_cents),
            "remaining_after": _plain(self.remaining_after_cents),
            "tie_break_key": self.tie_break_key,
            "explanation": self.explanation,
            "facts": {key: self.facts[key] for key in sorted(self.facts)},
        }


@dataclass(frozen=True, slots=True)
class AllocationResult:
    """An allocation: the lines (eligible in rank order, then ineligible by reference).

    Invariants: ``total_awarded_cents + remainder_cents == options.budget_cents``;
    ``optimum`` and ``proven_optimal`` are set by ``max-score`` only (the total score
    of the funded set, proven optimal by the solver).
    """

    lines: tuple[DecisionLine, ...]
    total_awarded_cents: int
    remainder_cents: int
    policy: Policy
    options: AllocationOptions
    optimum: Decimal | None = None
    proven_optimal: bool | None = None

    def line(self, reference: str) -> DecisionLine:
        """The line of one application; KeyError when there is none."""
        for line in self.lines:
            if line.reference == reference:
                return line
        raise KeyError(reference)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values in a fixed key order: money and Decimals as strings."""
        return {
            "policy": self.policy.value,
            "options": _options_json(self.options),
            "total_awarded": format_plain(self.total_awarded_cents),
            "remainder": format_plain(self.remainder_cents),
            "optimum": None if self.optimum is None else str(self.optimum),
            "proven_optimal": self.proven_optimal,
            "lines": [line.to_json() for line in self.lines],
        }


def _plain(cents: int | None) -> str | None:
    return None if cents is None else format_plain(cents)


def _options_json(options: AllocationOptions) -> dict[str, Any]:
    resolved = options.theme_cap_cents()
    return {
        "budget": format_plain(options.budget_cents),
        "grant_min": format_plain(options.grant_min_cents),
        "grant_max": format_plain(options.grant_max_cents),
        "granularity": format_plain(options.granularity_cents),
        "policy": options.policy.value,
        "partial": options.partial.value,
        "partial_min_share": str(options.partial_min_share),
        "min_score": None if options.min_score is None else str(options.min_score),
        "org_cap": options.org_cap,
        "theme_caps": [
            {
                "theme": cap.theme,
                "amount": _plain(cap.amount_cents),
                "percent": None if cap.percent is None else str(cap.percent),
                "cap": format_plain(resolved[cap.theme]),
            }
            for cap in sorted(options.theme_caps, key=lambda c: c.theme)
        ],
        "theme_guarantee": options.theme_guarantee,
        "tie_break": list(options.tie_break),
        "counterfactuals": options.counterfactuals,
    }
