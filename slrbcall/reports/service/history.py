"""Use case: an application's history, from the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slrbcall.intake.stored import show_application
from slrbcall.reports.history import Event, history
from slrbcall.settings import Settings
from slrbcall.store import Workspace

if TYPE_CHECKING:
    from slrbcall.calls.definition import LoadedCall
    from slrbcall.model import Application

__all__ = ["application_history"]


def application_history(
    settings: Settings, reference: str
) -> tuple[LoadedCall, Application, list[Event]]:
    """Everything that happened to application ``reference``, oldest first, from the audit."""

    loaded, view = show_application(settings, reference)
    call_id = loaded.call.id
    with Workspace.open(settings.db_location, create=False) as ws:
        rows = ws.audit_of(call_id, reference)
        runs = {
            run.id: {**run.result, "budget_cents": run.budget_cents} for run in ws.runs(call_id)
        }
    return loaded, view.application, history(rows, call_id=call_id, reference=reference, runs=runs)
