"""The follow-up's plain values: funded projects, what was recorded about them, statuses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from slrbcall.documents.context import project_dates
from slrbcall.errors import NOWHERE, Problem
from slrbcall.i18n import N_, _
from slrbcall.money import cents_from_decimal

if TYPE_CHECKING:
    from slrbcall.model import Application, Call

__all__ = [
    "Amendment",
    "ItemKind",
    "ItemStatus",
    "MilestoneEntry",
    "MilestoneRecord",
    "Payment",
    "PaymentEntry",
    "Project",
    "ProposedPayment",
    "Report",
    "TrancheStatus",
    "amended",
    "funded_projects",
    "not_funded",
    "status_label",
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
    APPEAL = "appeal"  # the last day of an appeal against a notified decision
    RECOVERY = "recovery"  # what a settled project is to repay


class TrancheStatus(StrEnum):
    PAID = "paid"
    DUE = "due"  # its condition is met: it can be paid
    BLOCKED = "blocked"  # its condition is not met yet
    CANCELLED = "cancelled"  # an amendment left nothing to pay on it


#: How each status (of an item or a tranche) and each kind of entry is shown to the
#: officer; the stored and JSON values stay the codes.
_SHOWN = {
    "overdue": N_("overdue"),
    "due-within": N_("due-within"),
    "done": N_("done"),
    "later": N_("later"),
    "paid": N_("paid"),
    "due": N_("due"),
    "blocked": N_("blocked"),
    "cancelled": N_("cancelled"),
    "payment": N_("payment"),
    "correction": N_("correction"),
    "reversal": N_("reversal"),
}


def status_label(code: str) -> str:
    """A status (:class:`ItemStatus`, :class:`TrancheStatus`) or an entry's kind
    (:attr:`PaymentEntry.kind`) in the officer's language."""
    return _(_SHOWN[code]) if code in _SHOWN else code


def not_funded(reference: str, call_id: str, funded: Iterable[str]) -> str:
    """Why ``reference`` is refused: not a funded project of the call (which are named)."""
    return _("'{ref}' is not a funded project of {call} (the funded projects are {funded})").format(
        ref=reference, call=call_id, funded=", ".join(funded) or _("none")
    )


@dataclass(frozen=True, slots=True)
class Project:
    """A funded project: its application's facts and its award in the adopted run.

    ``start`` and ``end`` are ``None`` when the application gave no start date; then
    its due dates are unknown. ``end`` is the day before ``start`` + duration.

    Once amended (``amendment`` is the number of the amendment in force, 0 before
    any), ``award_cents`` is the amended award, the most the project may be paid;
    ``decided_cents`` stays the award of the adopted run; ``end`` is the amended end;
    and ``tranche_cents`` holds the amount of each tranche (empty: the call's
    percentages of the award).
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
    decided_cents: int | None = None  # None: not amended, the same as award_cents
    tranche_cents: tuple[int, ...] = ()
    amendment: int = 0

    @property
    def decided(self) -> int:
        """The award of the adopted run, before any amendment."""
        return self.award_cents if self.decided_cents is None else self.decided_cents


@dataclass(frozen=True, slots=True)
class MilestoneRecord:
    """A milestone a project reached, as it stands: ``key`` is canonical
    (``signature``, ``interim_report``, ``yearly_report:2``, ``final_report``, ...);
    ``on`` is the date of its last correction, if any (``corrections`` counts them)."""

    reference: str
    key: str
    on: dt.date
    note: str | None = None
    corrections: int = 0


@dataclass(frozen=True, slots=True)
class MilestoneEntry:
    """One entry of a milestone's history: as first recorded (``number`` 0), or a
    correction (1, 2, ...) from ``previous`` to ``on``, with its reason."""

    reference: str
    key: str
    number: int
    on: dt.date
    previous: dt.date | None
    note: str | None
    reason: str | None
    recorded_at: str


@dataclass(frozen=True, slots=True)
class Payment:
    """A tranche's payment as it stands: the amount and date of its last correction,
    if any (``corrections`` counts them). A payment corrected to zero is reversed:
    the tranche is not paid."""

    reference: str
    tranche: int
    paid_on: dt.date
    amount_cents: int
    forced: bool = False
    reason: str | None = None
    note: str | None = None
    corrections: int = 0

    @property
    def reversed(self) -> bool:
        return self.amount_cents == 0


@dataclass(frozen=True, slots=True)
class ProposedPayment:
    """A payment above the call's threshold, proposed by ``proposed_by`` and not
    approved yet: it counts against the project's award, and not as paid."""

    payment: Payment
    proposed_by: str
    recorded_at: str


@dataclass(frozen=True, slots=True)
class PaymentEntry:
    """One entry of a tranche's history: the payment as recorded (``number`` 0) or a
    correction (1, 2, ...). ``difference_cents`` is signed: what the entry adds to
    the amount in force before it (the payment's own amount for ``number`` 0), so a
    tranche's entries add up to what it stands at."""

    reference: str
    tranche: int
    number: int
    paid_on: dt.date
    amount_cents: int
    difference_cents: int
    reason: str | None
    note: str | None
    forced: bool
    recorded_at: str

    @property
    def kind(self) -> str:
        """``payment``, ``correction``, or ``reversal`` (a correction to zero)."""
        if self.number == 0:
            return "payment"
        return "reversal" if self.amount_cents == 0 else "correction"


@dataclass(frozen=True, slots=True)
class Amendment:
    """An amendment to a project's convention (avenant / aanhangsel), numbered per
    project, against the adoption ``adoption_id``. ``end`` is the end date in force
    after it; ``tranche_cents`` the amount of every tranche after it (the paid ones as
    paid); ``shares`` the percents given for the unpaid tranches (``None``: the call's,
    renormalised); ``paid_cents`` and ``paid_tranches`` what was paid when it was
    recorded. Invariants: ``sum(tranche_cents) == amount_cents >= paid_cents``."""

    reference: str
    number: int
    adoption_id: int
    on: dt.date
    amount_cents: int
    previous_amount_cents: int
    end: dt.date | None
    previous_end: dt.date | None
    tranche_cents: tuple[int, ...]
    shares: tuple[Decimal, ...] | None
    paid_cents: int
    paid_tranches: tuple[int, ...]
    reason: str
    recorded_at: str = ""


def amended(project: Project, amendment: Amendment) -> Project:
    """``project`` as ``amendment`` leaves it: its award, end date and tranches."""
    if amendment.reference != project.reference:
        raise ValueError(f"amendment of {amendment.reference} applied to {project.reference}")
    return replace(
        project,
        award_cents=amendment.amount_cents,
        decided_cents=project.decided,
        end=amendment.end or project.end,
        tranche_cents=amendment.tranche_cents,
        amendment=amendment.number,
    )


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
    #: Where it was read from (a problem without a message), for messages.
    place: Problem = NOWHERE

    @property
    def where(self) -> str:
        return self.place.where


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
