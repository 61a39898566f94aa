"""What the allocation engine takes in: the candidates and the options.

Both are frozen values checked when they are made, so that the policies can trust
them: a bad option is a ``ValueError`` that says what is wrong (the command line reads
every option within its range first, so there it is a bug); candidates no policy can
allocate are an :class:`InvalidCandidatesError`, a refusal, since stored applications
can break the call's rules as the call reads now (its grant range edited after intake).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, TypedDict

from slrbcall.errors import RefusedError
from slrbcall.i18n import _, clauses
from slrbcall.model import Call, PartialPolicy, Policy, ThemeCap
from slrbcall.money import format_eur

if TYPE_CHECKING:
    from typing import Unpack

__all__ = [
    "AllocationOptions",
    "Candidate",
    "InvalidCandidatesError",
    "OptionOverrides",
    "Withdrawn",
    "validate_candidates",
]

#: Weighted scores are on a 0-100 scale (DESIGN.md §6).
SCORE_MAX = Decimal(100)

_TIE_BREAK = re.compile(r"id|request-asc|request-desc|criterion:\S+|lottery:\d+")


class InvalidCandidatesError(RefusedError):
    """Candidates that no policy can allocate; ``str()`` names every problem."""


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """The applicant renounced the application on ``on`` (ISO date), for ``reason``.

    ``award_cents`` is what the decision in force awarded it (run ``run_id``) and
    ``paid_cents`` what was paid of it: a withdrawn application keeps what was paid as
    its award, and releases the rest.
    """

    on: str
    reason: str
    paid_cents: int = 0
    award_cents: int = 0
    run_id: int | None = None

    @property
    def released_cents(self) -> int:
        return max(0, self.award_cents - self.paid_cents)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One application as the allocation sees it.

    ``applicant`` is the organisation key the organisation cap counts by;
    ``criterion_scores`` feed the ``criterion:KEY`` tie-break. An ineligible
    candidate is listed in the result with its reason but never ranked or funded; a
    ``withdrawn`` one is never ranked, and keeps what was paid to it as its award.
    """

    reference: str
    applicant: str
    theme: str | None
    requested_cents: int
    score: Decimal
    criterion_scores: Mapping[str, Decimal] = field(default_factory=dict)
    eligible: bool = True
    ineligible_reason: str | None = None
    withdrawn: Withdrawn | None = None


class OptionOverrides(TypedDict, total=False):
    """The options :meth:`AllocationOptions.from_call` lets a command override."""

    grant_min_cents: int
    grant_max_cents: int
    granularity_cents: int
    policy: Policy
    partial: PartialPolicy
    partial_min_share: Decimal
    min_score: Decimal | None
    org_cap: int | None
    theme_caps: tuple[ThemeCap, ...]
    theme_guarantee: bool
    tie_break: tuple[str, ...]
    time_limit_seconds: float
    counterfactuals: bool


@dataclass(frozen=True, slots=True)
class AllocationOptions:
    """The budget, the grant range and the policy with its settings.

    Partial awards are rounded down to ``granularity_cents``. A theme cap in percent
    is a share of the budget, rounded down to the cent. ``tie_break`` lists keys
    (``id``, ``request-asc``, ``request-desc``, ``criterion:KEY``, ``lottery:SEED``);
    the reference is always the last key, so the ranking is a total order.
    ``time_limit_seconds`` bounds all solver work of ``max-score`` together;
    ``counterfactuals`` (max-score only) re-solves once per unfunded application to
    say what forcing it in would cost.
    """

    budget_cents: int
    grant_min_cents: int
    grant_max_cents: int
    granularity_cents: int = 100
    policy: Policy = Policy.GREEDY
    partial: PartialPolicy = PartialPolicy.OFF
    partial_min_share: Decimal = Decimal(0)
    min_score: Decimal | None = None
    org_cap: int | None = None
    theme_caps: tuple[ThemeCap, ...] = ()
    theme_guarantee: bool = False
    tie_break: tuple[str, ...] = ("id",)
    time_limit_seconds: float = 60
    counterfactuals: bool = True

    def __post_init__(self) -> None:
        problems = list(self._problems())
        if problems:
            raise ValueError("invalid allocation options: " + "; ".join(problems))

    def _problems(self) -> list[str]:
        out: list[str] = []
        if self.budget_cents < 0:
            out.append(f"the budget is negative ({format_eur(self.budget_cents)})")
        if self.grant_min_cents < 0:
            out.append(f"the minimum grant is negative ({format_eur(self.grant_min_cents)})")
        if self.grant_max_cents < self.grant_min_cents:
            out.append(
                f"the maximum grant ({format_eur(self.grant_max_cents)}) is below the "
                f"minimum ({format_eur(self.grant_min_cents)})"
            )
        if self.granularity_cents < 1:
            out.append(f"the granularity must be at least 1 cent, not {self.granularity_cents}")
        if not Decimal(0) <= self.partial_min_share <= Decimal(1):
            out.append(
                f"partial_min_share is a share between 0 and 1, not {self.partial_min_share}"
            )
        if self.min_score is not None and not self.min_score.is_finite():
            out.append(f"min_score is not a number: {self.min_score}")
        if self.org_cap is not None and self.org_cap < 1:
            out.append(f"the organisation cap must be at least 1, not {self.org_cap}")
        if not self.time_limit_seconds > 0:
            out.append(f"the time limit must be positive, not {self.time_limit_seconds}")
        seen: set[str] = set()
        for cap in self.theme_caps:
            if cap.theme in seen:
                out.append(f"two caps for theme '{cap.theme}'")
            seen.add(cap.theme)
            if (cap.amount_cents is None) == (cap.percent is None):
                out.append(f"the cap for theme '{cap.theme}' needs an amount or a percent")
            elif cap.amount_cents is not None and cap.amount_cents < 0:
                out.append(f"the cap for theme '{cap.theme}' is negative")
            elif cap.percent is not None and not Decimal(0) <= cap.percent <= Decimal(100):
                out.append(f"the cap for theme '{cap.theme}' is not between 0 and 100%")
        out.extend(
            f"unknown tie-break key '{key}' (use id, request-asc, request-desc, "
            "criterion:KEY or lottery:SEED)"
            for key in self.tie_break
            if not _TIE_BREAK.fullmatch(key)
        )
        return out

    @classmethod
    def from_call(
        cls,
        call: Call,
        *,
        budget_cents: int | None = None,
        **overrides: Unpack[OptionOverrides],
    ) -> AllocationOptions:
        """The call's grant range and allocation defaults, then ``overrides``.

        ``budget_cents`` defaults to the call's budget.
        """
        defaults = call.allocation
        base = cls(
            budget_cents=call.budget_cents if budget_cents is None else budget_cents,
            grant_min_cents=call.grant_min_cents,
            grant_max_cents=call.grant_max_cents,
            granularity_cents=call.granularity_cents,
            policy=defaults.policy,
            partial=defaults.partial,
            partial_min_share=defaults.partial_min_share,
            min_score=defaults.min_score,
            org_cap=defaults.org_cap,
            theme_caps=defaults.theme_caps,
            theme_guarantee=defaults.theme_guarantee,
            tie_break=defaults.tie_break,
        )
        return dataclasses.replace(base, **overrides) if overrides else base

    def theme_cap_cents(self) -> dict[str, int]:
        """Each capped theme's cap in cents; a percent cap is rounded down to the cent."""
        caps: dict[str, int] = {}
        for cap in self.theme_caps:
            if cap.amount_cents is not None:
                caps[cap.theme] = cap.amount_cents
            elif cap.percent is not None:
                share = Decimal(self.budget_cents) * cap.percent / 100
                caps[cap.theme] = int(share.to_integral_value(rounding=ROUND_FLOOR))
        return caps


def _valid_score(score: Decimal) -> bool:
    return score.is_finite() and Decimal(0) <= score <= SCORE_MAX


def validate_candidates(candidates: Sequence[Candidate], options: AllocationOptions) -> None:
    """Refuse what no policy can allocate: every problem in one InvalidCandidatesError.

    Checked: unique references; no negative request; every eligible request within
    the grant range and above zero (so that ``min <= award <= min(request, max)`` can
    hold), withdrawn ones aside; every score a finite number between 0 and 100; what
    was paid to withdrawn applications within the budget.
    """
    problems: list[str] = []
    counts = Counter(c.reference for c in candidates)
    duplicates = sorted(ref for ref, n in counts.items() if n > 1)
    if duplicates:
        problems.append(
            _("duplicate references: {references}").format(references=", ".join(duplicates))
        )
    top = options.grant_max_cents
    bottom = max(options.grant_min_cents, 1)
    for c in candidates:
        if c.requested_cents < 0:
            problems.append(
                _("{reference}: negative request ({requested})").format(
                    reference=c.reference, requested=format_eur(c.requested_cents)
                )
            )
        elif c.eligible and c.withdrawn is None and not bottom <= c.requested_cents <= top:
            if c.requested_cents > top:
                limit = _("{reference}: request {requested} is above the maximum grant of {grant}")
            else:
                limit = _("{reference}: request {requested} is below the minimum grant of {grant}")
            grant = top if c.requested_cents > top else bottom
            problems.append(
                limit.format(
                    reference=c.reference,
                    requested=format_eur(c.requested_cents),
                    grant=format_eur(grant),
                )
            )
    kept = sum(c.withdrawn.paid_cents for c in candidates if c.withdrawn is not None)
    if kept > options.budget_cents:
        problems.append(
            _("withdrawn applications were paid {paid}, more than the budget of {budget}").format(
                paid=format_eur(kept), budget=format_eur(options.budget_cents)
            )
        )
    # Each distinct score once: 100,000 applications share a few thousand scores.
    bad = {s for s in {c.score for c in candidates} if not _valid_score(s)}
    problems.extend(
        _("{reference}: score {score} is not between 0 and 100").format(
            reference=c.reference, score=c.score
        )
        for c in candidates
        if c.score in bad
    )
    if problems:
        shown = problems[:20]
        if len(problems) > len(shown):
            shown.append(_("... and {count} more").format(count=len(problems) - len(shown)))
        raise InvalidCandidatesError(
            _("invalid candidates: {problems}").format(problems=clauses(shown))
        )
