"""Use cases of the allocation: allocate (and store the run), read runs, explain, compare."""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from slrbcall import __version__
from slrbcall.allocation import AllocationOptions, Candidate
from slrbcall.allocation import allocate as run_policy
from slrbcall.calls.service import resolve_call
from slrbcall.committee.service import ranking
from slrbcall.errors import RefusedError
from slrbcall.model import Policy
from slrbcall.money import format_eur
from slrbcall.settings import Settings
from slrbcall.store import Workspace

if TYPE_CHECKING:
    from slrbcall.allocation import AllocationResult, Candidate, OptionOverrides
    from slrbcall.calls.definition import LoadedCall
    from slrbcall.store import StoredRun

__all__ = [
    "Allocation",
    "Scenario",
    "adopted_run",
    "allocate",
    "allocation_runs",
    "explain",
    "scenarios",
]


@dataclass(frozen=True, slots=True)
class Allocation:
    """An allocation, stored (``run_id``) or not (a dry run)."""

    loaded: LoadedCall
    result: AllocationResult
    input_sha256: str
    run_id: int | None


def _candidates(
    settings: Settings, allow_incomplete: str | None
) -> tuple[LoadedCall, list[Candidate]]:
    """Every application of the call as a candidate: eligible ones with their score."""

    ranked = ranking(settings, allow_incomplete=allow_incomplete)
    lines = {line.reference: line for _, line, _ in ranked.lines}
    incomplete = sorted(ref for ref, line in lines.items() if line.score is None)
    if incomplete:
        shown = ", ".join(incomplete[:10]) + (" ..." if len(incomplete) > 10 else "")
        raise RefusedError(
            f"{len(incomplete)} eligible application(s) have no complete score ({shown}): "
            "take in the missing marks ('slrbcall ranking' lists them), or pass "
            "--allow-incomplete skip-reviewer|zero"
        )
    candidates = []
    for app in ranked.applications:
        line = lines.get(app.reference)
        eligible = app.status.value == "eligible" and line is not None
        candidates.append(
            Candidate(
                reference=app.reference,
                applicant=app.applicant or app.applicant_name,
                theme=app.theme,
                requested_cents=app.requested_cents,
                score=line.score if line is not None and line.score is not None else _zero(),
                criterion_scores=dict(line.criterion_scores) if line is not None else {},
                eligible=eligible,
                ineligible_reason=None
                if eligible
                else "; ".join(r.message for r in app.reasons) or "not eligible",
            )
        )
    return ranked.loaded, candidates


def _zero() -> Any:

    return Decimal(0)


def _input_hash(
    loaded: LoadedCall, candidates: Sequence[Candidate], parameters: Mapping[str, Any]
) -> str:
    """SHA-256 over the call definition, the candidates (sorted) and the parameters."""
    data = {
        "call": loaded.sha256,
        "candidates": sorted(
            (
                c.reference,
                c.applicant,
                c.theme,
                c.requested_cents,
                str(c.score),
                sorted((k, str(v)) for k, v in c.criterion_scores.items()),
                c.eligible,
            )
            for c in candidates
        ),
        "parameters": parameters,
    }
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def allocate(
    settings: Settings,
    *,
    budget_cents: int | None = None,
    overrides: OptionOverrides | None = None,
    allow_incomplete: str | None = None,
    dry_run: bool = False,
) -> Allocation:
    """Allocate the budget; unless ``dry_run``, store the run, which becomes the adopted one."""

    loaded, candidates = _candidates(settings, allow_incomplete)
    options = AllocationOptions.from_call(
        loaded.call, budget_cents=budget_cents, **(overrides or {})
    )
    result = run_policy(candidates, options)
    document = result.to_json()
    parameters = {**document["options"], "allow_incomplete": allow_incomplete}
    digest = _input_hash(loaded, candidates, parameters)
    if dry_run:
        return Allocation(loaded, result, digest, None)
    with (
        Workspace.open(settings.db_path, create=False) as ws,
        ws.write(command="allocate") as tx,
    ):
        run_id = tx.add_run(
            loaded.call.id,
            policy=result.policy.value,
            parameters=parameters,
            input_sha256=digest,
            tool_version=__version__,
            budget_cents=options.budget_cents,
            awarded_cents=result.total_awarded_cents,
            result=document,
            decisions=[
                (
                    line.reference,
                    line.rank,
                    line.amount_cents,
                    line.decision.value,
                    line.reason.value,
                    line.explanation,
                )
                for line in result.lines
            ],
        )
        tx.audit(
            "insert",
            "allocation_run",
            f"{loaded.call.id}/{run_id}",
            after={
                "policy": result.policy.value,
                "budget": options.budget_cents,
                "awarded": result.total_awarded_cents,
                "input_sha256": digest,
            },
        )
    return Allocation(loaded, result, digest, run_id)


def allocation_runs(settings: Settings) -> tuple[LoadedCall, list[StoredRun]]:
    """The stored runs of the call, oldest first (the last one is adopted)."""

    if not settings.db_path.exists():
        raise RefusedError(f"no workspace at {settings.db_path} yet")
    with Workspace.open(settings.db_path, create=False) as ws:
        loaded = resolve_call(settings, held={c.call_id: c.sha256 for c in ws.calls()})
        return loaded, ws.runs(loaded.call.id)


def adopted_run(settings: Settings, run_id: int | None = None) -> tuple[LoadedCall, StoredRun]:
    """The adopted (last stored) run, or the run ``run_id``."""
    loaded, runs = allocation_runs(settings)
    if not runs:
        raise RefusedError(
            f"no allocation for {loaded.call.id} yet: run 'slrbcall allocate --budget AMOUNT'"
        )
    if run_id is None:
        return loaded, runs[-1]
    for run in runs:
        if run.id == run_id:
            return loaded, run
    raise RefusedError(f"no allocation run {run_id} (runs: {', '.join(str(r.id) for r in runs)})")


def explain(settings: Settings, reference: str) -> tuple[LoadedCall, StoredRun, dict[str, Any]]:
    """Why ``reference`` got what it got in the adopted run."""

    loaded, run = adopted_run(settings)
    for line in run.result["lines"]:
        if line["reference"] == reference:
            return loaded, run, line
    references = [line["reference"] for line in run.result["lines"]]
    hint = difflib.get_close_matches(reference, references, n=1)
    suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
    raise RefusedError(f"no application '{reference}' in allocation run {run.id}{suggestion}")


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    budget_cents: int
    result: AllocationResult


def scenarios(
    settings: Settings,
    *,
    budgets: Sequence[int],
    policies: Sequence[str],
    overrides: OptionOverrides | None = None,
    allow_incomplete: str | None = None,
) -> tuple[LoadedCall, list[Scenario]]:
    """Every (budget, policy) combination, side by side; nothing is stored."""

    loaded, candidates = _candidates(settings, allow_incomplete)
    chosen_budgets = list(budgets) or [loaded.call.budget_cents]
    chosen_policies = [Policy(p) for p in policies] or [loaded.call.allocation.policy]
    found = []
    for budget in chosen_budgets:
        for policy in chosen_policies:
            chosen: OptionOverrides = {**(overrides or {}), "policy": policy}
            options = AllocationOptions.from_call(loaded.call, budget_cents=budget, **chosen)
            found.append(
                Scenario(
                    f"{policy.value} {format_eur(budget)}", budget, run_policy(candidates, options)
                )
            )
    return loaded, found
