"""Use cases: each command of the CLI calls one function here.

Functions take a :class:`Settings` (the global options) and keyword-only options, and
return plain results for the CLI to render. Business rules live in the domain modules;
SQL lives in :mod:`slrbcall.store`.

One module per use case: :mod:`.calls`, :mod:`.workspace` (and ``doctor``),
:mod:`.applications` (intake, listing, the template), :mod:`.scoring`,
:mod:`.allocation`, :mod:`.documents`, :mod:`.reports`, :mod:`.followup` and
:mod:`.demo`. Every public name is reachable here (``services.intake(...)``); the
submodules load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from slrbcall.lazy import loader

if TYPE_CHECKING:
    from slrbcall.services.allocation import (
        Allocation,
        Scenario,
        adopted_run,
        allocate,
        allocation_runs,
        explain,
        scenarios,
    )
    from slrbcall.services.applications import (
        IntakeResult,
        StoredView,
        intake,
        list_applications,
        show_application,
        write_applications_template,
    )
    from slrbcall.services.calls import (
        CallListing,
        list_calls,
        registry,
        resolve_call,
        show_call,
        validate_calls,
    )
    from slrbcall.services.demo import (
        DEMO_CALL,
        DemoResult,
        run_demo,
    )
    from slrbcall.services.documents import (
        Rendered,
        context_of,
        render,
        templates_check,
        templates_init,
    )
    from slrbcall.services.reports import (
        CallReport,
        call_report,
        export_360giving,
    )
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

#: Where each name lives. The submodules are imported on first use (PEP 562), so that
#: a command loads only the use cases it calls (start-up time: bench/startup.py).
_HOMES: dict[str, str] = {
    "Allocation": "slrbcall.services.allocation",
    "CallListing": "slrbcall.services.calls",
    "CallReport": "slrbcall.services.reports",
    "Check": "slrbcall.services.workspace",
    "DEMO_CALL": "slrbcall.services.demo",
    "DemoResult": "slrbcall.services.demo",
    "HeldCall": "slrbcall.services.workspace",
    "IntakeResult": "slrbcall.services.applications",
    "Ranking": "slrbcall.services.scoring",
    "Rendered": "slrbcall.services.documents",
    "Scenario": "slrbcall.services.allocation",
    "ScoreIntake": "slrbcall.services.scoring",
    "StoredView": "slrbcall.services.applications",
    "WorkspaceStatus": "slrbcall.services.workspace",
    "adopted_run": "slrbcall.services.allocation",
    "allocate": "slrbcall.services.allocation",
    "allocation_runs": "slrbcall.services.allocation",
    "call_report": "slrbcall.services.reports",
    "context_of": "slrbcall.services.documents",
    "doctor": "slrbcall.services.workspace",
    "explain": "slrbcall.services.allocation",
    "export_360giving": "slrbcall.services.reports",
    "intake": "slrbcall.services.applications",
    "list_applications": "slrbcall.services.applications",
    "list_calls": "slrbcall.services.calls",
    "ranking": "slrbcall.services.scoring",
    "record_calls": "slrbcall.services.workspace",
    "registry": "slrbcall.services.calls",
    "render": "slrbcall.services.documents",
    "resolve_call": "slrbcall.services.calls",
    "run_demo": "slrbcall.services.demo",
    "scenarios": "slrbcall.services.allocation",
    "show_application": "slrbcall.services.applications",
    "show_call": "slrbcall.services.calls",
    "stored_state": "slrbcall.services.scoring",
    "take_scores": "slrbcall.services.scoring",
    "templates_check": "slrbcall.services.documents",
    "templates_init": "slrbcall.services.documents",
    "validate_calls": "slrbcall.services.calls",
    "workspace_status": "slrbcall.services.workspace",
    "write_applications_template": "slrbcall.services.applications",
    "write_scores_template": "slrbcall.services.scoring",
}

__getattr__ = loader(__name__, _HOMES)
