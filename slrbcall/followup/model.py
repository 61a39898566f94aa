"""The follow-up's plain values: funded projects, what was recorded about them, statuses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from slrbcall.documents.context import project_dates
from slrbcall.money import cents_from_decimal

if TYPE_CHECKING:
    from slrbcall.model import Application, Call

__all__ = [
    "ItemKind",
    "ItemStatus",
    "MilestoneRecord",
    "Payment",
    "Project",
    "Report",
    "TrancheStatus",
    "funded_projects",
]


class ItemStatus(StrEnum):
    """Where a dated item of the timeline stands on a given day."""

    OVERDUE = "overdue"  # its day has passed and it is not done
    DUE_WITHIN = "due-within"  # due from today to today + the window
    DONE = "done"
    LATER = "later"


class ItemKind(StrEnum):
    CALL = "call"  # a step of the call itself (from the YAML timeline)
    DUTY = "duty"  # a milestone a funded project owes (signature, reports, interviews)
    PAYMENT = "payment"  # a tranche to pay


class TrancheStatus(StrEnum):
    PAID = "paid"
    DUE = "due"  # its condition is met: it can be paid
    BLOCKED = "blocked"  # its condition is not met yet


@dataclass(frozen=True, slots=True)
class Project:
    """A funded project: its application's facts and its award in the adopted run.

    ``start`` and ``end`` are ``None`` when the application gave no start date; then
    its due dates are unknown. ``end`` is the day before ``start`` + duration.
    """

    reference: str
    title: str
    applicant_name: str
    theme: str | None
    language: str
    award_cents: int
    start: dt.date | None
    end: dt.date | None
    duration_months: int
    residents_targeted: int | None


@dataclass(frozen=True, slots=True)
class MilestoneRecord:
    """A milestone a project reached, as recorded: ``key`` is canonical
    (``signature``, ``interim_report``, ``yearly_report:2``, ``final_report``, ...)."""

    reference: str
    key: str
    on: dt.date
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Payment:
    reference: str
    tranche: int
    paid_on: dt.date
    amount_cents: int
    forced: bool = False
    reason: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Report:
    """One monitoring report of a project, as of ``report_date``. A count is ``None``
    when the report leaves it empty (not reported, which is not zero)."""

    reference: str
    report_date: dt.date
    residents_involved: int | None = None
    residents_trained: int | None = None
    activities: int | None = None
    participants: int | None = None
    deliverables: str | None = None
    deliverable_kinds: tuple[str, ...] = ()
    remarks: str | None = None
    where: str = ""  # the place in the file it was read from, for messages


def funded_projects(
    call: Call, applications: Iterable[Application], lines: Iterable[Mapping[str, Any]]
) -> tuple[Project, ...]:
    """The funded projects of an allocation run, in reference order.

    ``lines`` are the run's JSON lines; a line is funded when its decision is
    ``funded_full`` or ``funded_partial`` with an amount above zero. Raises
    ``ValueError`` for a funded line without its application (a damaged workspace).
    """

    by_reference = {a.reference: a for a in applications}
    projects = []
    for line in lines:
        if not str(line["decision"]).startswith("funded"):
            continue
        award = cents_from_decimal(Decimal(str(line["amount"])))
        if award <= 0:
            continue
        app = by_reference.get(str(line["reference"]))
        if app is None:
            raise ValueError(f"the funded project {line['reference']} has no stored application")
        start, end = project_dates(call, app)
        projects.append(
            Project(
                reference=app.reference,
                title=app.title,
                applicant_name=app.applicant_name,
                theme=app.theme,
                language=app.language.value,
                award_cents=award,
                start=start,
                end=end,
                duration_months=app.duration_months or call.duration_months,
                residents_targeted=app.residents_targeted,
            )
        )
    return tuple(sorted(projects, key=lambda p: p.reference))
