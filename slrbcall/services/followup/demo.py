"""The follow-up stage of the demo, on the shipped example."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from slrbcall.services.followup.monitoring import (
    MonitoringIntake,
    OutcomeReport,
    outcomes,
    take_monitoring,
)
from slrbcall.services.followup.payments import (
    PaymentsView,
    RecordedMilestone,
    RecordedPayment,
    payments,
    record_milestone,
    record_payment,
)
from slrbcall.services.followup.state import TimelineResult, followup_state, timeline
from slrbcall.settings import Settings

__all__ = ["DEMO_TODAY", "FollowupDemo", "run_followup_demo"]


# -- the demo's follow-up ------------------------------------------------------------------


#: The day the demo's follow-up is seen from: a month before the final reports are due.
DEMO_TODAY = dt.date(2025, 3, 10)


@dataclass(frozen=True, slots=True)
class FollowupDemo:
    milestones: tuple[RecordedMilestone, ...]
    payments: tuple[RecordedPayment, ...]
    monitoring: MonitoringIntake
    timeline: TimelineResult
    payments_view: PaymentsView
    outcomes: OutcomeReport


def run_followup_demo(settings: Settings, *, today: dt.date = DEMO_TODAY) -> FollowupDemo:
    """The follow-up of the shipped example (after its allocation), with illustrative
    dates: every convention signed and every interim interview held; the questionnaire
    returned by all projects but the last; the first tranche paid to all, the second to
    the first three; then the reports of ``examples/monitoring.xlsx`` taken in. Seen on
    ``today``, some items are overdue (a questionnaire, second tranches) and the final
    reports are due within 30 days."""
    from slrbcall.resources import examples_dir

    projects = followup_state(settings).projects
    recorded = []
    paid = []
    for number, project in enumerate(projects):
        steps = [("signature", _DEMO_SIGNED), ("interim-interview", _DEMO_INTERIM)]
        if number < len(projects) - 1:
            steps.append(("questionnaire", _DEMO_QUESTIONNAIRE))
        for key, on in steps:
            recorded.append(
                record_milestone(settings, project.reference, key=key, on=on, today=today)
            )
        paid.append(
            record_payment(
                settings, project.reference, tranche=1, paid_on=_DEMO_FIRST_PAID, today=today
            )
        )
        if number < 3:
            paid.append(
                record_payment(
                    settings, project.reference, tranche=2, paid_on=_DEMO_SECOND_PAID, today=today
                )
            )
    taken = take_monitoring(settings, examples_dir() / "monitoring.xlsx")
    return FollowupDemo(
        milestones=tuple(recorded),
        payments=tuple(paid),
        monitoring=taken,
        timeline=timeline(settings, today=today),
        payments_view=payments(settings, today=today),
        outcomes=outcomes(settings),
    )


_DEMO_SIGNED = dt.date(2023, 12, 15)
_DEMO_FIRST_PAID = dt.date(2024, 1, 15)
_DEMO_INTERIM = dt.date(2024, 6, 28)
_DEMO_SECOND_PAID = dt.date(2024, 7, 15)
_DEMO_QUESTIONNAIRE = dt.date(2024, 9, 30)
