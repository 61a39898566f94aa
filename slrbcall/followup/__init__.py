"""The follow-up of funded projects: pure domain functions, no I/O.

* :mod:`.model`: funded projects and what is recorded about them (milestones,
  payments, monitoring reports), and the statuses;
* :mod:`.schedule`: each project's milestones and tranches, and the rules for
  recording a milestone or a payment, and for correcting one;
* :mod:`.amendments`: what an amendment to a convention changes, and whether it may;
* :mod:`.timeline`: the call's steps and the projects' due dates on a given day, and
  the same as an iCalendar file;
* :mod:`.outcomes`: monitoring checks, deliverables and the outcome figures.

Nothing here reads the clock: every function that needs "today" takes it.
"""

from slrbcall.followup.amendments import AmendmentPlan, plan_amendment
from slrbcall.followup.model import (
    Amendment,
    ItemKind,
    ItemStatus,
    MilestoneEntry,
    MilestoneRecord,
    Payment,
    PaymentEntry,
    Project,
    ProposedPayment,
    Report,
    TrancheStatus,
    amended,
    funded_projects,
    status_label,
)
from slrbcall.followup.outcomes import (
    DELIVERABLES,
    OTHER_DELIVERABLE,
    Outcomes,
    OutcomeTotals,
    ProjectOutcome,
    check_reports,
    deliverable_kinds,
    outcome_figures,
    outcomes_json,
    report_history,
)
from slrbcall.followup.schedule import (
    FINAL_REPORT,
    INTERIM_REPORT,
    SIGNATURE,
    YEARLY_REPORT,
    Duty,
    PaymentCheck,
    TrancheDue,
    TrancheState,
    check_correction,
    check_milestone,
    check_milestone_again,
    check_milestone_correction,
    check_payment,
    condition_keys,
    condition_label,
    duties,
    milestone_key,
    schedule,
    tranche_blockers,
    tranche_states,
)
from slrbcall.followup.timeline import (
    AppealWindow,
    Timeline,
    TimelineItem,
    build_timeline,
    item_status,
    timeline_ics,
)

__all__ = [
    "DELIVERABLES",
    "FINAL_REPORT",
    "INTERIM_REPORT",
    "OTHER_DELIVERABLE",
    "SIGNATURE",
    "YEARLY_REPORT",
    "Amendment",
    "AmendmentPlan",
    "AppealWindow",
    "Duty",
    "ItemKind",
    "ItemStatus",
    "MilestoneEntry",
    "MilestoneRecord",
    "OutcomeTotals",
    "Outcomes",
    "Payment",
    "PaymentCheck",
    "PaymentEntry",
    "Project",
    "ProjectOutcome",
    "ProposedPayment",
    "Report",
    "Timeline",
    "TimelineItem",
    "TrancheDue",
    "TrancheState",
    "TrancheStatus",
    "amended",
    "build_timeline",
    "check_correction",
    "check_milestone",
    "check_milestone_again",
    "check_milestone_correction",
    "check_payment",
    "check_reports",
    "condition_keys",
    "condition_label",
    "deliverable_kinds",
    "duties",
    "funded_projects",
    "item_status",
    "milestone_key",
    "outcome_figures",
    "outcomes_json",
    "plan_amendment",
    "report_history",
    "schedule",
    "status_label",
    "timeline_ics",
    "tranche_blockers",
    "tranche_states",
]
