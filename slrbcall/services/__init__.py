"""Use cases: each command of the CLI calls one function here.

Functions take a :class:`Settings` (the global options) and keyword-only options, and
return plain results for the CLI to render. Business rules live in the domain modules;
SQL lives in :mod:`slrbcall.store`.

One module per use case: :mod:`.calls` (the call definitions), :mod:`.workspace` (the
workspace and ``doctor``), :mod:`.intake` (applications in, listed, and their template)
and :mod:`.demo`. Every public name is re-exported here, so that commands call
``services.intake(...)``.
"""

from slrbcall.services.allocation import (
    Allocation,
    Scenario,
    adopted_run,
    allocate,
    allocation_runs,
    explain,
    scenarios,
)
from slrbcall.services.calls import (
    CallListing,
    list_calls,
    registry,
    resolve_call,
    show_call,
    validate_calls,
)
from slrbcall.services.demo import DEMO_CALL, DemoResult, run_demo
from slrbcall.services.documents import (
    Rendered,
    context_of,
    render,
    templates_check,
    templates_init,
)
from slrbcall.services.intake import (
    IntakeResult,
    StoredView,
    intake,
    list_applications,
    show_application,
    write_applications_template,
)
from slrbcall.services.reports import CallReport, call_report, export_360giving
from slrbcall.services.scoring import (
    Ranking,
    ScoreIntake,
    ranking,
    stored_state,
    take_scores,
    write_scores_template,
)
from slrbcall.services.workspace import (
    Check,
    HeldCall,
    WorkspaceStatus,
    doctor,
    record_calls,
    workspace_status,
)

__all__ = [
    "DEMO_CALL",
    "Allocation",
    "CallListing",
    "CallReport",
    "Check",
    "DemoResult",
    "HeldCall",
    "IntakeResult",
    "Ranking",
    "Rendered",
    "Scenario",
    "ScoreIntake",
    "StoredView",
    "WorkspaceStatus",
    "adopted_run",
    "allocate",
    "allocation_runs",
    "call_report",
    "context_of",
    "doctor",
    "explain",
    "export_360giving",
    "intake",
    "list_applications",
    "list_calls",
    "ranking",
    "record_calls",
    "registry",
    "render",
    "resolve_call",
    "run_demo",
    "scenarios",
    "show_application",
    "show_call",
    "stored_state",
    "take_scores",
    "templates_check",
    "templates_init",
    "validate_calls",
    "workspace_status",
    "write_applications_template",
    "write_scores_template",
]
