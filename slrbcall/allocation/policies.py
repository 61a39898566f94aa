"""The walking policies (``greedy`` and ``strict``) and the theme guarantee.

Each walks the ranking once and decides every application in turn against a
:class:`Ledger` of what is left: the budget, the funded count per organisation and
the amount spent per capped theme. The ledger only ever shrinks what is left, so
an application skipped for a cap or for not fitting stays blocked to the end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

from slrbcall.model import PartialPolicy, Policy
from slrbcall.money import format_plain

from .codes import ReasonCode
from .inputs import AllocationOptions, Candidate
from .ranking import Ranked

__all__ = ["Ledger", "Verdict", "guarantee_themes", "walk"]

Facts = dict[str, str | int]


_NO_DETAIL: Mapping[str, str | int] = MappingProxyType({})


class Verdict(NamedTuple):
    """How one ranked application was decided, before it is put into words.

    A NamedTuple for speed, as :class:`Ranked`: one is made per application.
    """

    amount: int
    reason: ReasonCode
    before: int
    after: int
    detail: Mapping[str, str | int] = _NO_DETAIL


@dataclass(slots=True)
class Ledger:
    """What is left to give: budget, places per organisation, room per capped theme."""

    remaining: int
    org_cap: int | None
    theme_caps: Mapping[str, int]
    org_funded: dict[str, int] = field(default_factory=dict)
    theme_spent: dict[str, int] = field(default_factory=dict)

    @classmethod
    def start(cls, options: AllocationOptions) -> Ledger:
        return cls(options.budget_cents, options.org_cap, options.theme_cap_cents())

    def org_room(self, applicant: str) -> int | None:
        """Projects the applicant may still get funded (None: no cap)."""
        if self.org_cap is None:
            return None
        return self.org_cap - self.org_funded.get(applicant, 0)

    def theme_room(self, theme: str | None) -> int | None:
        """Cents the theme may still receive (None: no cap)."""
        if theme is None or theme not in self.theme_caps:
            return None
        return self.theme_caps[theme] - self.theme_spent.get(theme, 0)

    def blocked(self, c: Candidate) -> tuple[ReasonCode, Facts] | None:
        """The cap that skips ``c`` (checked on the full request), with its numbers."""
        org_room = self.org_room(c.applicant)
        if org_room is not None and org_room <= 0:
            return ReasonCode.ORG_CAP, {
                "applicant": c.applicant,
                "org_funded": self.org_funded.get(c.applicant, 0),
                "org_cap": self.org_cap or 0,
            }
        theme_room = self.theme_room(c.theme)
        if c.theme is not None and theme_room is not None and c.requested_cents > theme_room:
            return ReasonCode.THEME_CAP, {
                "theme": c.theme,
                "theme_spent": format_plain(self.theme_spent.get(c.theme, 0)),
                "theme_cap": format_plain(self.theme_caps[c.theme]),
            }
        return None

    def keep(self, theme: str | None, amount: int) -> None:
        """Money already spent outside this walk (paid to a withdrawn project, say):
        less to give, and its theme's share used, but no place of an organisation."""
        self.remaining -= amount
        if theme is not None and theme in self.theme_caps:
            self.theme_spent[theme] = self.theme_spent.get(theme, 0) + amount

    def fund(self, c: Candidate, amount: int) -> None:
        self.remaining -= amount
        if self.org_cap is not None:
            self.org_funded[c.applicant] = self.org_funded.get(c.applicant, 0) + 1
        if c.theme is not None and c.theme in self.theme_caps:
            self.theme_spent[c.theme] = self.theme_spent.get(c.theme, 0) + amount


def below_threshold(c: Candidate, options: AllocationOptions) -> bool:
    return options.min_score is not None and c.score < options.min_score


def guarantee_themes(
    ranked: Sequence[Ranked], options: AllocationOptions, ledger: Ledger
) -> dict[int, Verdict]:
    """Fund, for each theme, its best-ranked application that fits (budget and caps).

    Themes are served in the order of their best applications, so when the budget
    runs short the better-ranked themes come first. Applications below the score
    threshold are never guaranteed. Returns the verdicts by ranking index.
    """
    verdicts: dict[int, Verdict] = {}
    covered: set[str] = set()
    for r in ranked:
        c = r.candidate
        if c.theme is None or c.theme in covered or below_threshold(c, options):
            continue
        if ledger.blocked(c) is not None or c.requested_cents > ledger.remaining:
            continue
        before = ledger.remaining
        ledger.fund(c, c.requested_cents)
        covered.add(c.theme)
        verdicts[r.position] = Verdict(
            c.requested_cents,
            ReasonCode.THEME_GUARANTEE,
            before,
            ledger.remaining,
            {"theme": c.theme},
        )
    return verdicts


def _partial_offer(c: Candidate, remaining: int, options: AllocationOptions) -> tuple[int, Facts]:
    """The remainder rounded down to the granularity, and why it was refused (if it was)."""
    offer = remaining // options.granularity_cents * options.granularity_cents
    facts: Facts = {
        "offer": format_plain(offer),
        "grant_min": format_plain(options.grant_min_cents),
        "partial_min_share": str(options.partial_min_share),
    }
    if offer <= 0:
        facts["offer_refused"] = "nothing_left"
    elif offer < options.grant_min_cents:
        facts["offer_refused"] = "below_minimum"
    elif Decimal(offer) < options.partial_min_share * c.requested_cents:
        facts["offer_refused"] = "below_share"
    return offer, facts


def _skipped(
    r: Ranked, options: AllocationOptions, ledger: Ledger, line: Ranked | None
) -> Verdict | None:
    """The verdict on an application passed over before its request is weighed, if any.

    In this order: below the score threshold, below the funding line, blocked by a cap.
    """
    c = r.candidate
    here = ledger.remaining
    if below_threshold(c, options):
        return Verdict(
            0, ReasonCode.BELOW_THRESHOLD, here, here, {"min_score": str(options.min_score)}
        )
    if line is not None:
        detail: Facts = {"line_rank": line.rank, "line_reference": line.candidate.reference}
        return Verdict(0, ReasonCode.BELOW_LINE, here, here, detail)
    blocked = ledger.blocked(c)
    if blocked is not None:
        return Verdict(0, blocked[0], here, here, blocked[1])
    return None


def walk(
    ranked: Sequence[Ranked],
    options: AllocationOptions,
    ledger: Ledger,
    decided: Mapping[int, Verdict],
) -> dict[int, Verdict]:
    """Run ``greedy`` or ``strict`` over the ranking; ``decided`` lines are kept as they are.

    greedy: fund every request that fits what remains, skip the others and go on.
    strict: the first request that does not fit draws the funding line; every later
    application is below it. Caps skip an application without drawing the line.
    With ``partial=remainder`` the first request that does not fit is offered the
    remainder rounded down to the granularity, if that is at least the minimum grant
    and at least ``partial_min_share`` of the request: at most one partial award.
    Returns the verdicts by ranking position.
    """
    strict = options.policy is Policy.STRICT
    offer_made = options.partial is PartialPolicy.OFF
    # Measured: on 100,000 applications the per-line checks are most of the time, so
    # they are skipped when no threshold, cap or line can apply.
    checks = options.min_score is not None or ledger.org_cap is not None or bool(ledger.theme_caps)
    line: Ranked | None = None
    verdicts = dict(decided)
    for r in ranked:
        if r.position in verdicts:
            continue
        c = r.candidate
        before = ledger.remaining
        if checks or line is not None:
            skipped = _skipped(r, options, ledger, line)
            if skipped is not None:
                verdicts[r.position] = skipped
                continue
        if c.requested_cents <= before:
            ledger.fund(c, c.requested_cents)
            verdicts[r.position] = Verdict(
                c.requested_cents, ReasonCode.FUNDED, before, ledger.remaining
            )
            continue
        detail: Facts = {}
        if not offer_made:
            # Only the first request that does not fit is offered the remainder.
            offer_made = True
            offer, detail = _partial_offer(c, before, options)
            if "offer_refused" not in detail:
                ledger.fund(c, offer)
                verdicts[r.position] = Verdict(
                    offer, ReasonCode.PARTIAL_REMAINDER, before, ledger.remaining, detail
                )
                if strict:
                    line = r
                continue
        if strict:
            line = r
            detail["draws_line"] = 1
        verdicts[r.position] = Verdict(0, ReasonCode.DOES_NOT_FIT, before, before, detail)
    return verdicts
