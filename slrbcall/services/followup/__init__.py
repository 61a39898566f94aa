"""Use cases of the follow-up of funded projects: the timeline, milestones, payments,
monitoring reports, the outcome figures, and the next call (``calls renew``).

The funded projects are those of the adopted (last) allocation run. Rules live in
:mod:`slrbcall.followup`; reading the workbooks in :mod:`slrbcall.monitoring`; SQL in
:mod:`slrbcall.store.followup`. Every write is one transaction, audited; a file with a
problem stores nothing (exit 3). Nothing here reads the clock: ``today`` is passed in.

:mod:`.state` (the stored follow-up, the timeline), :mod:`.payments` (milestones and
payments), :mod:`.monitoring` (reports and outcomes), :mod:`.renew` and :mod:`.demo`.
"""

from slrbcall.services.followup.demo import DEMO_TODAY, FollowupDemo, run_followup_demo
from slrbcall.services.followup.monitoring import (
    MonitoringIntake,
    OutcomeReport,
    outcomes,
    take_monitoring,
    write_monitoring_template,
)
from slrbcall.services.followup.payments import (
    PaymentsIntake,
    PaymentsView,
    ProjectPayments,
    RecordedMilestone,
    RecordedPayment,
    payments,
    record_milestone,
    record_payment,
    take_payments,
    write_payments_template,
)
from slrbcall.services.followup.renew import RenewedCall, renew_call
from slrbcall.services.followup.state import (
    FollowupState,
    TimelineResult,
    followup_state,
    timeline,
    write_timeline_ics,
)

__all__ = [
    "DEMO_TODAY",
    "FollowupDemo",
    "FollowupState",
    "MonitoringIntake",
    "OutcomeReport",
    "PaymentsIntake",
    "PaymentsView",
    "ProjectPayments",
    "RecordedMilestone",
    "RecordedPayment",
    "RenewedCall",
    "TimelineResult",
    "followup_state",
    "outcomes",
    "payments",
    "record_milestone",
    "record_payment",
    "renew_call",
    "run_followup_demo",
    "take_monitoring",
    "take_payments",
    "timeline",
    "write_monitoring_template",
    "write_payments_template",
    "write_timeline_ics",
]
