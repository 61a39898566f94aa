"""Use cases that read a call's decisions: its stored runs, its adoptions, the run in
force and where it stands (withdrawals, reserve).

Apart from :mod:`.service`, which proposes and adopts runs with the engine: the report,
the documents and the follow-up read the decisions, they allocate nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slrbcall.allocation.standing import Standing, standing
from slrbcall.calls.service import resolve_call
from slrbcall.errors import RefusedError
from slrbcall.i18n import _
from slrbcall.settings import Settings
from slrbcall.store import Workspace

if TYPE_CHECKING:
    from slrbcall.calls.definition import LoadedCall
    from slrbcall.store import StoredAdoption, StoredRun

__all__ = ["Decisions", "adopted_run", "allocation_runs", "decisions", "decisions_in", "run_of"]


@dataclass(frozen=True, slots=True)
class Decisions:
    """The stored runs of a call and its adoptions, oldest first, and where the
    decision in force stands (withdrawals, reserve)."""

    loaded: LoadedCall
    runs: list[StoredRun]
    adoptions: list[StoredAdoption]
    standing: Standing

    @property
    def adopted_id(self) -> int | None:
        """The run in force: the run of the latest adoption."""
        return self.adoptions[-1].run_id if self.adoptions else None


def decisions(settings: Settings) -> Decisions:
    """The runs of the call and which of them was adopted, when and why."""
    with Workspace.open(settings.db_location, create=False) as ws:
        return decisions_in(ws, resolve_call(settings, held=ws.held_calls()))


def decisions_in(ws: Workspace, loaded: LoadedCall) -> Decisions:
    """The runs of ``loaded`` and which of them was adopted, from an open workspace."""
    call_id = loaded.call.id
    return Decisions(loaded, ws.runs(call_id), ws.adoptions(call_id), standing(ws, call_id))


def allocation_runs(settings: Settings) -> tuple[LoadedCall, list[StoredRun]]:
    """The stored runs of the call, oldest first."""
    found = decisions(settings)
    return found.loaded, found.runs


def adopted_run(settings: Settings, run_id: int | None = None) -> tuple[LoadedCall, StoredRun]:
    """The adopted run (the call's decision), or the run ``run_id``."""
    found = decisions(settings)
    call_id = found.loaded.call.id
    if run_id is not None:
        return found.loaded, run_of(found.runs, run_id)
    if not found.runs:
        raise RefusedError(
            _("no allocation for {call} yet: run 'slrbcall allocate --budget AMOUNT'").format(
                call=call_id
            )
        )
    if found.adopted_id is None:
        proposals = ", ".join(str(run.id) for run in found.runs)
        raise RefusedError(
            _(
                "no allocation of {call} is adopted yet (proposals: {proposals}): adopt one "
                "with 'slrbcall allocations adopt {run}'"
            ).format(call=call_id, proposals=proposals, run=found.runs[-1].id)
        )
    return found.loaded, run_of(found.runs, found.adopted_id)


def run_of(runs: Sequence[StoredRun], run_id: int) -> StoredRun:
    """The run ``run_id`` among ``runs``; refused, naming them, when it is not there."""
    for run in runs:
        if run.id == run_id:
            return run
    known = ", ".join(str(r.id) for r in runs) or _("none")
    raise RefusedError(_("no allocation run {run} (runs: {known})").format(run=run_id, known=known))
