"""Monitoring reports: their checks, their deliverables, and the outcome figures.

A project reports several times (an interim report, yearly reports, the final one);
every report is kept, so progress over time shows (:func:`report_history`). The
outcome figures (:func:`outcome_figures`) take each project's **latest** report: its
counts are the project's totals so far, not increments to add up.

Totals add the projects that gave a figure; an average divides by the number of
projects that gave that figure (an empty count is "not reported", never zero), and is
rounded half-even to one decimal. The reach is the residents involved against the
residents the applications targeted, over the projects that gave both, in percent,
rounded half-even to one decimal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from types import MappingProxyType
from typing import Any

from slrbcall.errors import Problem
from slrbcall.followup.model import Project, Report, not_funded
from slrbcall.i18n import N_, _, format_day

__all__ = [
    "DELIVERABLES",
    "DELIVERABLE_LABELS",
    "OTHER_DELIVERABLE",
    "OutcomeTotals",
    "Outcomes",
    "ProjectOutcome",
    "check_reports",
    "deliverable_kinds",
    "outcome_figures",
    "outcomes_json",
    "report_history",
]

#: The deliverables the authority names, with the words that stand for them
#: (English, French, Dutch; singular and plural; compared without case or accents).
DELIVERABLES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "portraits": ("portrait", "portraits", "portret", "portretten"),
        "travel_reports": (
            "travel report",
            "travel reports",
            "travel diary",
            "travel diaries",
            "carnet de voyage",
            "carnets de voyage",
            "recit de voyage",
            "recits de voyage",
            "reisverslag",
            "reisverslagen",
            "reisdagboek",
            "reisdagboeken",
        ),
        "recipes": ("recipe", "recipes", "recette", "recettes", "recept", "recepten"),
        "booklets": ("booklet", "booklets", "livret", "livrets", "boekje", "boekjes"),
        "brochures": ("brochure", "brochures"),
    }
)
#: A part of the deliverables text that names none of :data:`DELIVERABLES`.
OTHER_DELIVERABLE = "other"
#: Each kind as the officer reads it (stored and in JSON: the key). "recipes" are
#: cooking recipes (recettes de cuisine / recepten), never receipts.
DELIVERABLE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "portraits": N_("portraits"),
        "travel_reports": N_("travel reports"),
        "recipes": N_("recipes"),
        "booklets": N_("booklets"),
        "brochures": N_("brochures"),
        OTHER_DELIVERABLE: N_("other"),
    }
)

_SPLIT = re.compile(r"[,;/+\n]| and | et | en ")
_PATTERNS = {
    kind: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")
    for kind, words in DELIVERABLES.items()
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def deliverable_kinds(text: str | None) -> tuple[str, ...]:
    """The kinds of deliverable a free text names, in :data:`DELIVERABLES` order, and
    ``other`` when a part of it names none: ``'12 portraits, un livret'`` ->
    ``('portraits', 'booklets')``; ``'a film'`` -> ``('other',)``."""
    if not text:
        return ()
    found: set[str] = set()
    for part in _SPLIT.split(_fold(text)):
        if not part.strip():
            continue
        kinds = {kind for kind, pattern in _PATTERNS.items() if pattern.search(part)}
        found |= kinds or {OTHER_DELIVERABLE}
    return tuple(k for k in (*DELIVERABLES, OTHER_DELIVERABLE) if k in found)


def check_reports(
    reports: Sequence[Report], projects: Sequence[Project], *, call_id: str
) -> tuple[list[Problem], list[str]]:
    """The problems (the file is refused) and warnings (stored anyway) of the reports.

    Problems: a report of a project that is not funded; a report dated before the
    project's start; the same project and date twice. Warning: more residents trained
    than involved.
    """
    funded = {p.reference: p for p in projects}
    problems: list[Problem] = []
    warnings: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    for report in reports:
        project = funded.get(report.reference)
        if project is None:
            problems.append(report.place.saying(not_funded(report.reference, call_id, funded)))
            continue
        if project.start is not None and report.report_date < project.start:
            problems.append(
                report.place.saying(
                    _("the report date {day} is before the start of {ref} ({start})").format(
                        day=format_day(report.report_date),
                        ref=report.reference,
                        start=format_day(project.start),
                    )
                )
            )
        key = (report.reference, report.report_date.isoformat())
        if key in seen:
            problems.append(
                report.place.saying(
                    _(
                        "{ref} already has a report dated {day} in this file ({place}): keep one"
                    ).format(
                        ref=report.reference, day=format_day(report.report_date), place=seen[key]
                    )
                )
            )
        else:
            seen[key] = report.where
        involved, trained = report.residents_involved, report.residents_trained
        if involved is not None and trained is not None and trained > involved:
            warnings.append(
                f"{report.where}: {report.reference}: "
                + _(
                    "{trained} residents trained but only {involved} involved (stored as "
                    "given: check the figures)"
                ).format(trained=trained, involved=involved)
            )
    return problems, warnings


def report_history(reports: Iterable[Report]) -> dict[str, tuple[Report, ...]]:
    """Each project's reports, oldest first: its progress over time."""
    history: dict[str, list[Report]] = {}
    for report in reports:
        history.setdefault(report.reference, []).append(report)
    return {
        ref: tuple(sorted(found, key=lambda r: r.report_date))
        for ref, found in sorted(history.items())
    }


@dataclass(frozen=True, slots=True)
class ProjectOutcome:
    """A funded project against its latest report (``report`` is ``None`` without one)."""

    project: Project
    report: Report | None
    reports: int
    reach_percent: Decimal | None


@dataclass(frozen=True, slots=True)
class OutcomeTotals:
    """Totals and averages over a group of projects (see the module docstring)."""

    projects: int
    reporting: int
    residents_targeted: int
    residents_involved: int
    residents_trained: int
    activities: int
    participants: int
    average_involved: Decimal | None
    average_trained: Decimal | None
    average_activities: Decimal | None
    average_participants: Decimal | None
    reach_percent: Decimal | None


@dataclass(frozen=True, slots=True)
class Outcomes:
    """The outcome figures of the funded projects: per project, in total, by theme
    (theme key, ``None`` for a project without one), and the deliverables by kind."""

    projects: tuple[ProjectOutcome, ...]
    totals: OutcomeTotals
    by_theme: Mapping[str | None, OutcomeTotals]
    deliverables: Mapping[str, int] = field(default_factory=dict)
    not_reported: tuple[str, ...] = ()


_ONE_DECIMAL = Decimal("0.1")


def _average(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(_ONE_DECIMAL, ROUND_HALF_EVEN)


def _percent(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(100 * part) / whole).quantize(_ONE_DECIMAL, ROUND_HALF_EVEN)


def _totals(outcomes: Sequence[ProjectOutcome]) -> OutcomeTotals:
    reports = [o.report for o in outcomes if o.report is not None]

    def given(name: str) -> list[int]:
        return [v for r in reports if (v := getattr(r, name)) is not None]

    reached = [
        (o.report.residents_involved, o.project.residents_targeted)
        for o in outcomes
        if o.report is not None
        and o.report.residents_involved is not None
        and o.project.residents_targeted
    ]
    return OutcomeTotals(
        projects=len(outcomes),
        reporting=len(reports),
        residents_targeted=sum(o.project.residents_targeted or 0 for o in outcomes),
        residents_involved=sum(given("residents_involved")),
        residents_trained=sum(given("residents_trained")),
        activities=sum(given("activities")),
        participants=sum(given("participants")),
        average_involved=_average(given("residents_involved")),
        average_trained=_average(given("residents_trained")),
        average_activities=_average(given("activities")),
        average_participants=_average(given("participants")),
        reach_percent=_percent(sum(i for i, _ in reached), sum(t for _, t in reached)),
    )


def outcome_figures(projects: Sequence[Project], reports: Iterable[Report]) -> Outcomes:
    """The outcome figures of ``projects`` from their latest reports.

    Reports of projects not in ``projects`` are left out (they cannot be stored: the
    monitoring intake refuses them). Invariant: each count of ``totals`` is the sum of
    that count over the groups of ``by_theme``.
    """
    history = report_history(reports)
    per_project = []
    deliverables: dict[str, int] = {}
    for project in projects:
        found = history.get(project.reference, ())
        latest = found[-1] if found else None
        reach = None
        if latest is not None and latest.residents_involved is not None:
            reach = _percent(latest.residents_involved, project.residents_targeted or 0)
            for kind in latest.deliverable_kinds:
                deliverables[kind] = deliverables.get(kind, 0) + 1
        per_project.append(ProjectOutcome(project, latest, len(found), reach))
    themes: dict[str | None, list[ProjectOutcome]] = {}
    for outcome in per_project:
        themes.setdefault(outcome.project.theme, []).append(outcome)
    return Outcomes(
        projects=tuple(per_project),
        totals=_totals(per_project),
        by_theme={
            theme: _totals(group)
            for theme, group in sorted(themes.items(), key=lambda kv: kv[0] or "")
        },
        deliverables={
            k: deliverables[k] for k in (*DELIVERABLES, OTHER_DELIVERABLE) if k in deliverables
        },
        not_reported=tuple(o.project.reference for o in per_project if o.report is None),
    )


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _totals_json(totals: OutcomeTotals) -> dict[str, Any]:
    return {
        "projects": totals.projects,
        "reporting": totals.reporting,
        "residents_targeted": totals.residents_targeted,
        "residents_involved": totals.residents_involved,
        "residents_trained": totals.residents_trained,
        "activities": totals.activities,
        "participants": totals.participants,
        "average_involved": _number(totals.average_involved),
        "average_trained": _number(totals.average_trained),
        "average_activities": _number(totals.average_activities),
        "average_participants": _number(totals.average_participants),
        "reach_percent": _number(totals.reach_percent),
    }


def outcomes_json(outcomes: Outcomes) -> dict[str, Any]:
    """The figures as JSON-ready data: decimals as strings, dates in ISO form."""
    return {
        "totals": _totals_json(outcomes.totals),
        "by_theme": [
            {"theme": theme, **_totals_json(totals)} for theme, totals in outcomes.by_theme.items()
        ],
        "deliverables": dict(outcomes.deliverables),
        "not_reported": list(outcomes.not_reported),
        "projects": [
            {
                "reference": o.project.reference,
                "title": o.project.title,
                "theme": o.project.theme,
                "residents_targeted": o.project.residents_targeted,
                "reports": o.reports,
                "report_date": o.report.report_date.isoformat() if o.report else None,
                "residents_involved": o.report.residents_involved if o.report else None,
                "residents_trained": o.report.residents_trained if o.report else None,
                "activities": o.report.activities if o.report else None,
                "participants": o.report.participants if o.report else None,
                "deliverables": o.report.deliverables if o.report else None,
                "deliverable_kinds": list(o.report.deliverable_kinds) if o.report else [],
                "reach_percent": _number(o.reach_percent),
            }
            for o in outcomes.projects
        ],
    }
