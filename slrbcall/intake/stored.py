"""Use cases on the stored applications: list them, show one, and read their planned
budgets by line."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slrbcall.calls.definition import load_registry
from slrbcall.calls.service import resolve_call
from slrbcall.errors import RefusedError
from slrbcall.i18n import _
from slrbcall.intake.budget import stored_budget
from slrbcall.intake.merge import from_row
from slrbcall.settings import Settings
from slrbcall.store import Workspace

if TYPE_CHECKING:
    from slrbcall.calls.definition import LoadedCall
    from slrbcall.model import Application, Budget, Call
    from slrbcall.store import Transaction

__all__ = [
    "StoredView",
    "application_budgets",
    "list_applications",
    "show_application",
    "stored_budgets",
]


@dataclass(frozen=True, slots=True)
class StoredView:
    """A stored application with where it came from, and its planned budget (if any)."""

    application: Application
    file_name: str
    created_at: str
    updated_at: str
    budget: Budget | None = None


def list_applications(
    settings: Settings,
    *,
    status: str | None = None,
    applicant: str | None = None,
    theme: str | None = None,
) -> tuple[LoadedCall, list[StoredView]]:
    """The stored applications of the call, filtered; in reference order."""

    with Workspace.open(settings.db_location, create=False) as ws:
        loaded = resolve_call(settings, held=ws.held_calls())
        stored = ws.applications(loaded.call.id)
        budgets = stored_budgets(ws, loaded.call)
    registry = load_registry(settings.calls_path)
    wanted_applicant = None
    if applicant:
        match = registry.match(applicant)
        wanted_applicant = match.key if match else applicant
    views = []
    for item in stored:
        app = from_row(item.row)
        if status and app.status.value != status:
            continue
        if wanted_applicant and wanted_applicant not in (app.applicant, app.applicant_name):
            continue
        if theme and theme not in (app.theme, app.theme_text):
            continue
        views.append(
            StoredView(
                app, item.file_name, item.created_at, item.updated_at, budgets.get(app.reference)
            )
        )
    return loaded, views


def show_application(settings: Settings, reference: str) -> tuple[LoadedCall, StoredView]:
    loaded, views = list_applications(settings)
    for view in views:
        if view.application.reference == reference:
            return loaded, view
    references = [v.application.reference for v in views]
    hint = difflib.get_close_matches(reference, references, n=1)
    message = (
        _("no application '{reference}' in {call} (did you mean '{hint}'?)")
        if hint
        else _("no application '{reference}' in {call}")
    )
    raise RefusedError(
        message.format(reference=reference, call=loaded.call.id, hint=hint[0] if hint else "")
    )


def application_budgets(settings: Settings, call: Call) -> dict[str, Budget]:
    """The planned budget in force of each application of ``call`` that has one, by
    reference (none without a workspace)."""
    if not Workspace.exists(settings.db_location):
        return {}
    with Workspace.open(settings.db_location, create=False) as ws:
        return stored_budgets(ws, call)


def stored_budgets(source: Workspace | Transaction, call: Call) -> dict[str, Budget]:
    """The budget in force of each application of ``call`` that has one, by reference."""
    return {
        reference: stored_budget(call, found.lines, found.co_financing)
        for reference, found in source.budgets(call.id).items()
    }
