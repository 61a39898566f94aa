"""The call's key figures, from the applications and the adopted allocation. Pure.

:func:`key_figures` counts and sums; :func:`figures_json` gives the result as plain
JSON values (:mod:`.terminal` draws them as bars).

Arithmetic and rounding (stated, and tested):

- Money is integer cents throughout; sums are exact.
- The ratio of the amount requested to the budget is ``requested / budget``, exact,
  then rounded ONCE to 2 decimal places, ROUND_HALF_EVEN (``650000 / 255000`` gives
  ``2.55``). ``None`` when the budget is zero.
- The average grant is ``awarded / funded``, rounded half-even to the cent. The
  median of an even count is the mean of the two middle grants, rounded half-even to
  the cent too; of an odd count, the middle grant.

Invariants: the rows by theme and by housing company each add up exactly to the
call's totals (applications, requested, funded, awarded), because every application
falls in exactly one theme row and one company row (an unknown theme or an unmatched
applicant gets a row of its own, with ``key`` None); ``awarded <= budget``; when an
allocation is given, ``awarded + remainder == budget``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from slrbcall.calls.registry import Registry, normalise_name
from slrbcall.errors import RefusedError
from slrbcall.i18n import N_, _
from slrbcall.model import Application, ApplicationStatus, Call, Localized
from slrbcall.money import cents_from_decimal, decimal_from_text, format_eur, format_plain

__all__ = [
    "FUNDED_DECISIONS",
    "GroupFigures",
    "KeyFigures",
    "ProjectRow",
    "figures_json",
    "key_figures",
    "median_cents",
    "round_cents",
]

#: The decisions of an allocation line that fund the project (fully or partially).
FUNDED_DECISIONS = frozenset({"funded_full", "funded_partial"})
_UNKNOWN_THEME = Localized(nl="(onbekend thema)", fr="(thème inconnu)")


@dataclass(frozen=True, slots=True)
class GroupFigures:
    """The figures of one theme or one housing company.

    ``key`` is the theme key or the company's registry key, or ``None`` for the row
    that gathers applications with no known theme (one row) or an applicant that
    matched no organisation (one row per name as written). ``label`` is the theme's
    label or the company's name, in both languages.
    """

    key: str | None
    label: Localized
    applications: int
    requested_cents: int
    funded: int
    awarded_cents: int


@dataclass(frozen=True, slots=True)
class ProjectRow:
    """One application, for the chart and the tables: what it asked, what it got.

    ``decision`` is the allocation's decision (``funded_full``, ...), or ``None``
    when nothing is allocated yet or the run has no line for it. ``company`` is the
    housing company's name, or the applicant's name as written when it matched none;
    ``theme`` is the theme's label, or the theme as written.
    """

    reference: str
    title: str
    company: Localized
    theme: Localized
    requested_cents: int
    awarded_cents: int
    decision: str | None
    rank: int | None


@dataclass(frozen=True, slots=True)
class KeyFigures:
    """The call's key figures. Money in cents; see the module for the rounding.

    ``allocated`` says whether an allocation was given; without one every award is 0,
    ``remainder_cents`` and the grant statistics are ``None``, and the eligible
    applications count as ``undecided``. ``ineligible_reasons`` counts each reason
    code once per application that carries it (an application may carry several),
    sorted by code. ``budget_cents`` is the allocation run's budget (by default the
    call's). ``companies`` counts the distinct housing companies (registry keys)
    that applied; applicants that matched no organisation are not among them.
    """

    call_id: str
    call_title: Localized
    applications: int
    companies: int
    eligible: int
    ineligible: int
    ineligible_reasons: tuple[tuple[str, int], ...]
    allocated: bool
    funded: int
    funded_full: int
    funded_partial: int
    not_funded: int
    undecided: int
    grant_min_cents: int
    grant_max_cents: int
    duration_months: int
    budget_cents: int
    requested_cents: int
    requested_eligible_cents: int
    requested_ratio: Decimal | None
    requested_eligible_ratio: Decimal | None
    awarded_cents: int
    remainder_cents: int | None
    average_grant_cents: int | None
    median_grant_cents: int | None
    smallest_grant_cents: int | None
    largest_grant_cents: int | None
    by_theme: tuple[GroupFigures, ...]
    by_company: tuple[GroupFigures, ...]
    projects: tuple[ProjectRow, ...]
    #: What the funded projects were paid, as corrected (None: not given).
    paid_cents: int | None = None


# -- arithmetic --------------------------------------------------------------------------


def round_cents(value: Fraction) -> int:
    """``value`` (in cents) to a whole cent, ROUND_HALF_EVEN, computed on integers."""
    quotient, remainder = divmod(value.numerator, value.denominator)
    twice = 2 * remainder
    if twice > value.denominator or (twice == value.denominator and quotient % 2):
        quotient += 1
    return quotient


def median_cents(amounts: Sequence[int]) -> int | None:
    """The median of ``amounts``: the middle one, or the mean of the two middle ones
    rounded half-even to the cent; ``None`` for no amounts."""
    if not amounts:
        return None
    ordered = sorted(amounts)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return round_cents(Fraction(ordered[middle - 1] + ordered[middle], 2))


def _ratio(numerator: int, denominator: int) -> Decimal | None:
    if denominator <= 0:
        return None
    # Exact fraction, one rounding to hundredths (round_cents rounds half-even).
    return Decimal(round_cents(Fraction(numerator * 100, denominator))).scaleb(-2)


def _cents(text: object, what: str, reference: str) -> int:
    if not isinstance(text, str):
        raise RefusedError(
            _("allocation line {reference}: {what} is not an amount: {text}").format(
                reference=reference, what=_(what), text=repr(text)
            )
        )
    return cents_from_decimal(decimal_from_text(text))


# -- figures -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Decided:
    decision: str | None
    awarded_cents: int
    rank: int | None
    position: int


def _decisions(
    lines: Sequence[Mapping[str, Any]] | None, references: Iterable[str]
) -> dict[str, _Decided]:
    """Reference -> its decision, from the run's lines; refuses lines for unknown
    applications (the totals by theme and company could not add up otherwise)."""
    known = set(references)
    found: dict[str, _Decided] = {}
    for position, line in enumerate(lines or ()):
        reference = str(line["reference"])
        if reference not in known:
            raise RefusedError(
                _(
                    "the allocation has a line for {reference}, which the workspace does not "
                    "hold: allocate again ('slrbcall allocate')"
                ).format(reference=reference)
            )
        if reference in found:
            raise RefusedError(
                _("the allocation has two lines for {reference}").format(reference=reference)
            )
        decision = str(line["decision"])
        awarded = _cents(line["amount"], N_("amount"), reference)
        if decision not in FUNDED_DECISIONS and awarded:
            raise RefusedError(
                _("allocation line {reference}: {decision} with an amount").format(
                    reference=reference, decision=decision
                )
            )
        rank = line.get("rank")
        found[reference] = _Decided(
            decision, awarded, rank if isinstance(rank, int) else None, position
        )
    return found


def _theme_of(call: Call, application: Application) -> tuple[str | None, Localized]:
    theme = call.theme(application.theme) if application.theme else None
    if theme is None:
        return None, _UNKNOWN_THEME
    return theme.key, theme.label


def _theme_label(call: Call, application: Application) -> Localized:
    """The theme's label; for an unknown theme, the theme as written, when written."""
    key, label = _theme_of(call, application)
    if key is None and application.theme_text:
        return Localized(nl=application.theme_text, fr=application.theme_text)
    return label


def _company_of(registry: Registry, application: Application) -> tuple[str | None, Localized]:
    org = registry.get(application.applicant) if application.applicant else None
    if org is None:
        name = application.applicant_name
        return None, Localized(nl=name, fr=name)
    return org.key, org.name


def _group(
    rows: Iterable[tuple[tuple[str | None, Localized], Application, _Decided | None]],
) -> dict[tuple[str | None, str], GroupFigures]:
    groups: dict[tuple[str | None, str], GroupFigures] = {}
    for (key, label), application, decided in rows:
        # Unknown rows (key None) are told apart by their label: one per name written.
        slot = (key, "" if key is not None else label.fr)
        before = groups.get(slot, GroupFigures(key, label, 0, 0, 0, 0))
        funded = decided is not None and decided.decision in FUNDED_DECISIONS
        groups[slot] = GroupFigures(
            key=key,
            label=label,
            applications=before.applications + 1,
            requested_cents=before.requested_cents + application.requested_cents,
            funded=before.funded + int(funded),
            awarded_cents=before.awarded_cents + (decided.awarded_cents if decided else 0),
        )
    return groups


def key_figures(
    *,
    call: Call,
    applications: Sequence[Application],
    lines: Sequence[Mapping[str, Any]] | None,
    registry: Registry,
    budget_cents: int | None = None,
    paid_cents: int | None = None,
) -> KeyFigures:
    """The key figures of ``call``: applications, eligibility, decisions, money.

    ``lines`` are the adopted run's JSON lines (``AllocationResult.to_json()["lines"]``),
    or ``None`` when nothing is allocated yet; ``budget_cents`` is that run's budget
    (``options.budget``), by default the call's; ``paid_cents`` what the funded projects
    were paid, corrections included (the follow-up's figure). Raises :class:`RefusedError` when a
    line names an application not in ``applications``, or when the awards exceed the
    budget (neither can come from a stored run of these applications).
    """
    budget = call.budget_cents if budget_cents is None else budget_cents
    decided = _decisions(lines, (a.reference for a in applications))
    eligible = [a for a in applications if a.status is ApplicationStatus.ELIGIBLE]
    reasons = Counter(
        reason.code
        for a in applications
        if a.status is ApplicationStatus.INELIGIBLE
        for reason in a.reasons
    )
    decisions = Counter(d.decision for d in decided.values())
    grants = [d.awarded_cents for d in decided.values() if d.decision in FUNDED_DECISIONS]
    awarded = sum(grants)
    if awarded > budget:
        raise RefusedError(
            _("the allocation awards {awarded}, more than the budget of {budget}").format(
                awarded=format_eur(awarded), budget=format_eur(budget)
            )
        )
    requested = sum(a.requested_cents for a in applications)
    requested_eligible = sum(a.requested_cents for a in eligible)
    allocated = lines is not None

    by_theme = _group((_theme_of(call, a), a, decided.get(a.reference)) for a in applications)
    theme_order = {t.key: i for i, t in enumerate(call.themes)}
    by_company = _group(
        (_company_of(registry, a), a, decided.get(a.reference)) for a in applications
    )

    def project(application: Application) -> ProjectRow:
        line = decided.get(application.reference)
        return ProjectRow(
            reference=application.reference,
            title=application.title,
            company=_company_of(registry, application)[1],
            theme=_theme_label(call, application),
            requested_cents=application.requested_cents,
            awarded_cents=line.awarded_cents if line else 0,
            decision=line.decision if line else None,
            rank=line.rank if line else None,
        )

    # The run's order (rank, then ineligible by reference); then anything it lacks.
    ordered = sorted(
        applications,
        key=lambda a: (
            (0, decided[a.reference].position, "")
            if a.reference in decided
            else (1, 0, a.reference)
        ),
    )
    return KeyFigures(
        call_id=call.id,
        call_title=call.title,
        applications=len(applications),
        companies=len({a.applicant for a in applications if a.applicant is not None}),
        eligible=len(eligible),
        ineligible=len(applications) - len(eligible),
        ineligible_reasons=tuple(sorted(reasons.items())),
        allocated=allocated,
        funded=len(grants),
        funded_full=decisions["funded_full"],
        funded_partial=decisions["funded_partial"],
        not_funded=decisions["not_funded"],
        undecided=sum(1 for a in eligible if a.reference not in decided),
        grant_min_cents=call.grant_min_cents,
        grant_max_cents=call.grant_max_cents,
        duration_months=call.duration_months,
        budget_cents=budget,
        requested_cents=requested,
        requested_eligible_cents=requested_eligible,
        requested_ratio=_ratio(requested, budget),
        requested_eligible_ratio=_ratio(requested_eligible, budget),
        awarded_cents=awarded,
        remainder_cents=budget - awarded if allocated else None,
        average_grant_cents=round_cents(Fraction(awarded, len(grants))) if grants else None,
        median_grant_cents=median_cents(grants),
        smallest_grant_cents=min(grants, default=None),
        largest_grant_cents=max(grants, default=None),
        by_theme=tuple(
            sorted(
                by_theme.values(),
                key=lambda g: theme_order.get(g.key, len(theme_order)) if g.key else 1 << 30,
            )
        ),
        by_company=tuple(
            sorted(by_company.values(), key=lambda g: (normalise_name(g.label.fr), g.label.fr))
        ),
        projects=tuple(project(a) for a in ordered),
        paid_cents=paid_cents,
    )


# -- JSON --------------------------------------------------------------------------------


def _money(cents: int | None) -> str | None:
    return None if cents is None else format_plain(cents)


def _loc(text: Localized) -> dict[str, str]:
    return {"fr": text.fr, "nl": text.nl}


def _group_json(group: GroupFigures) -> dict[str, Any]:
    return {
        "key": group.key,
        "label": _loc(group.label),
        "applications": group.applications,
        "requested": format_plain(group.requested_cents),
        "funded": group.funded,
        "awarded": format_plain(group.awarded_cents),
    }


def figures_json(fig: KeyFigures) -> dict[str, Any]:
    """``fig`` as JSON-ready data in a fixed key order: money as plain decimal strings
    (``"255000.00"``), ratios as decimal strings (``"2.55"``), never floats."""
    return {
        "call": {"id": fig.call_id, "title": _loc(fig.call_title)},
        "applications": {
            "received": fig.applications,
            "companies": fig.companies,
            "eligible": fig.eligible,
            "ineligible": fig.ineligible,
            "ineligible_reasons": dict(fig.ineligible_reasons),
        },
        "decisions": {
            "allocated": fig.allocated,
            "funded": fig.funded,
            "funded_full": fig.funded_full,
            "funded_partial": fig.funded_partial,
            "not_funded": fig.not_funded,
            "undecided": fig.undecided,
        },
        "grant": {
            "minimum": format_plain(fig.grant_min_cents),
            "maximum": format_plain(fig.grant_max_cents),
            "duration_months": fig.duration_months,
        },
        "money": {
            "budget": format_plain(fig.budget_cents),
            "requested": format_plain(fig.requested_cents),
            "requested_eligible": format_plain(fig.requested_eligible_cents),
            "requested_ratio": None if fig.requested_ratio is None else str(fig.requested_ratio),
            "requested_eligible_ratio": None
            if fig.requested_eligible_ratio is None
            else str(fig.requested_eligible_ratio),
            "awarded": format_plain(fig.awarded_cents),
            "remainder": _money(fig.remainder_cents),
            "paid": _money(fig.paid_cents),
        },
        "grants": {
            "average": _money(fig.average_grant_cents),
            "median": _money(fig.median_grant_cents),
            "smallest": _money(fig.smallest_grant_cents),
            "largest": _money(fig.largest_grant_cents),
        },
        "by_theme": [_group_json(g) for g in fig.by_theme],
        "by_company": [_group_json(g) for g in fig.by_company],
        "projects": [
            {
                "reference": p.reference,
                "title": p.title,
                "company": _loc(p.company),
                "theme": _loc(p.theme),
                "requested": format_plain(p.requested_cents),
                "awarded": format_plain(p.awarded_cents),
                "decision": p.decision,
                "rank": p.rank,
            }
            for p in fig.projects
        ],
    }
