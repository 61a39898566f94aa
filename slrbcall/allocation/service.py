"""Use cases of the allocation: propose (allocate and store a run), adopt a run as the
call's decision, read the runs and adoptions, explain, compare.

A stored run is a proposal; it becomes the call's decision only when an officer
adopts it (``slrbcall allocations adopt RUN``), and every later adoption is a recorded
act that never lowers or removes an award on which money was paid. An adoption freezes
the decision's reserve list. Withdrawals and the reallocation of what they release are
in :mod:`.reallocation`.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from slrbcall import __version__
from slrbcall.allocation.decisions import (
    Decisions,
    adopted_run,
    allocation_runs,
    decisions,
    decisions_in,
    run_of,
)
from slrbcall.allocation.engine import AllocationOptions, Candidate, reserve_of
from slrbcall.allocation.engine import allocate as run_policy
from slrbcall.allocation.standing import Standing, awards, shown_day, standing
from slrbcall.calls.service import resolve_call
from slrbcall.calls.team import acting
from slrbcall.committee.service import ranking
from slrbcall.errors import RefusedError
from slrbcall.i18n import _, clauses, ngettext
from slrbcall.model import Policy
from slrbcall.money import format_eur
from slrbcall.settings import Settings
from slrbcall.store import Workspace

if TYPE_CHECKING:
    from slrbcall.allocation.engine import AllocationResult, Candidate, OptionOverrides
    from slrbcall.calls.definition import LoadedCall
    from slrbcall.store import StoredRun, Transaction

__all__ = [
    "Adoption",
    "Allocation",
    "Decisions",
    "Scenario",
    "adopt",
    "adopted_run",
    "allocate",
    "allocation_runs",
    "decisions",
    "decisions_in",
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
            ngettext(
                "{count} eligible application has no complete score ({references}): "
                "take in the missing marks ('slrbcall ranking' lists them), or pass "
                "--allow-incomplete skip-reviewer|zero",
                "{count} eligible applications have no complete score ({references}): "
                "take in the missing marks ('slrbcall ranking' lists them), or pass "
                "--allow-incomplete skip-reviewer|zero",
                len(incomplete),
            ).format(count=len(incomplete), references=shown)
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
    with _open(settings) as ws:
        now = standing(ws, ranked.loaded.call.id)
    # A withdrawn application is in no new run: it keeps what was paid to it.
    candidates = [
        dataclasses.replace(c, withdrawn=now.withdrawn(c.reference))
        if c.reference in now.withdrawals
        else c
        for c in candidates
    ]
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
            + (() if c.withdrawn is None else ((c.withdrawn.on, c.withdrawn.paid_cents),))
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
    """Allocate the budget; unless ``dry_run``, store the run as a proposal to adopt."""

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
        Workspace.open(settings.db_location, create=False) as ws,
        ws.write(command="allocate", call=loaded.call.id, actor=acting(settings, "allocate")) as tx,
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
                "status": "proposal",
            },
        )
    return Allocation(loaded, result, digest, run_id)


def _open(settings: Settings) -> Workspace:
    return Workspace.open(settings.db_location, create=False)


@dataclass(frozen=True, slots=True)
class Change:
    """A committed project of the adopted run that another run would change."""

    reference: str
    award_cents: int  # in the adopted run
    new_award_cents: int  # in the run to adopt
    paid_cents: int
    signed: bool

    def describe(self) -> str:
        """``EMP23-03 (signed and € 13,500.00 paid: € 45,000.00 -> € 0.00)``."""
        if self.signed and self.paid_cents:
            what = _("signed and {paid} paid")
        elif self.signed:
            what = _("signed")
        else:
            what = _("{paid} paid")
        return _("{reference} ({what}: {award} -> {new_award})").format(
            reference=self.reference,
            what=what.format(paid=format_eur(self.paid_cents)),
            award=format_eur(self.award_cents),
            new_award=format_eur(self.new_award_cents),
        )


@dataclass(frozen=True, slots=True)
class Adoption:
    """A recorded adoption: the run in force before, the run now, what it changed."""

    loaded: LoadedCall
    run: StoredRun
    previous_run_id: int | None
    changes: tuple[Change, ...]
    reason: str | None
    reserve: tuple[str, ...] = ()  # the reserve list frozen with it, in order


def adopt(
    settings: Settings, run_id: int, *, supersede: bool = False, reason: str | None = None
) -> Adoption:
    """Adopt run ``run_id`` as the call's decision.

    Refused while the run in force has signed conventions or payments that the new
    run would change, unless ``supersede`` with a ``reason``; even then, an award on
    which money was paid is never lowered or removed. A recorded withdrawal is no such
    change when the run gives the withdrawn project what was paid to it; a run that
    gives it more, or that reallocates another decision than the one in force, is
    refused. The adoption freezes the run's reserve list. Audited.
    """
    reason = (reason or "").strip() or None
    if supersede and reason is None:
        raise RefusedError(_("--supersede needs --reason TEXT: say why the decision is replaced"))
    with _open(settings) as ws:
        loaded = resolve_call(settings, held=ws.held_calls())
        who = acting(settings, "allocations adopt")
        with ws.write(
            command="allocations adopt", call=loaded.call.id, actor=who, reason=reason
        ) as tx:
            call_id = loaded.call.id
            run = run_of(tx.runs(call_id), run_id)
            if who.team and run.proposed_by == who.key:
                raise RefusedError(
                    _(
                        "run {run} was proposed by {who}: another approver adopts it (four eyes)"
                    ).format(run=run.id, who=who.key)
                )
            current = tx.adopted_run(call_id)
            if current is not None and current.id == run.id:
                raise RefusedError(
                    _("run {run} is already the adopted decision of {call}").format(
                        run=run.id, call=call_id
                    )
                )
            now = standing(tx, call_id)
            _check_withdrawals(run, current, now)
            changes = _changes(tx, call_id, current, run, now) if current is not None else ()
            if changes and not supersede:
                raise RefusedError(
                    _(
                        "run {current} is the decision in force; run {run} would change "
                        "{count} of its committed projects: {changes}. Pass --supersede "
                        "--reason TEXT to replace the decision all the same"
                    ).format(
                        current=current.id if current else "?",
                        run=run.id,
                        count=len(changes),
                        changes=clauses(c.describe() for c in changes),
                    )
                )
            lowered = [c for c in changes if c.paid_cents and c.new_award_cents < c.award_cents]
            if lowered:
                raise RefusedError(
                    _(
                        "run {run} would lower or remove awards on which money was paid: "
                        "{changes}. Such an award changes only by an amendment"
                    ).format(run=run.id, changes=clauses(c.describe() for c in lowered))
                )
            _check_paid(run, now)
            superseded = current.id if (current is not None and changes) else None
            adoption_id = tx.adopt(call_id, run.id, reason=reason, superseded_run_id=superseded)
            reserve = reserve_of(run.result["lines"], now.withdrawals)
            tx.add_reserve(adoption_id, reserve)
            tx.audit(
                "insert",
                "allocation_adoption",
                f"{call_id}/{run.id}",
                before=None if current is None else {"run": current.id},
                after={
                    "run": run.id,
                    "reason": reason,
                    "superseded": superseded,
                    "changed": [c.reference for c in changes],
                    "reserve": [ref for ref, _ in reserve],
                },
            )
    return Adoption(
        loaded,
        run,
        None if current is None else current.id,
        changes,
        reason,
        tuple(ref for ref, _ in reserve),
    )


def _check_paid(run: StoredRun, now: Standing) -> None:
    """Refuse a run that would award a project less than was paid to it (its award may
    have been raised by an amendment since the decision); the workspace refuses it too."""
    given = awards(run)
    below = [
        _("{reference} ({award} in run {run}, {paid} paid)").format(
            reference=ref, award=format_eur(given.get(ref, 0)), run=run.id, paid=format_eur(paid)
        )
        for ref, paid in sorted(now.paid.items())
        if paid > given.get(ref, 0) and ref not in now.withdrawals
    ]
    if below:
        raise RefusedError(
            _(
                "run {run} would award less than was paid to: {projects}. An award is never "
                "below what was paid: propose a run that keeps these awards"
            ).format(run=run.id, projects=clauses(below))
        )


def _check_withdrawals(run: StoredRun, current: StoredRun | None, now: Standing) -> None:
    """Refuse a run that funds a withdrawn application beyond what was paid to it, or
    that reallocates a decision other than the one in force."""
    of = run.parameters.get("reallocation_of")
    if of is not None and (current is None or current.id != of):
        if current is None:
            refused = _(
                "run {run} reallocates run {of}, but no run is the decision in force: "
                "propose the reallocation again with 'slrbcall reallocate'"
            )
        else:
            refused = _(
                "run {run} reallocates run {of}, but run {current} is the decision in force: "
                "propose the reallocation again with 'slrbcall reallocate'"
            )
        raise RefusedError(
            refused.format(run=run.id, of=of, current=None if current is None else current.id)
        )
    given = awards(run)
    over = [
        _("{reference} ({award}; withdrawn on {day}, {paid} paid)").format(
            reference=ref,
            award=format_eur(given[ref]),
            day=shown_day(found.on_date),
            paid=format_eur(now.paid.get(ref, 0)),
        )
        for ref, found in sorted(now.withdrawals.items())
        if given.get(ref, 0) > now.paid.get(ref, 0)
    ]
    if over:
        raise RefusedError(
            _(
                "run {run} funds withdrawn applications: {projects}. A withdrawn application "
                "keeps only what was paid to it: propose a new run ('slrbcall reallocate' "
                "gives what it released to the reserve)"
            ).format(run=run.id, projects=clauses(over))
        )


def _changes(
    tx: Transaction, call_id: str, current: StoredRun, run: StoredRun, now: Standing
) -> tuple[Change, ...]:
    """The projects of ``current`` with a signed convention or a payment whose award
    ``run`` would change; a withdrawn project brought down to what was paid to it is a
    recorded change, not one of these."""
    signed = {m.reference for m in tx.milestones(call_id) if m.key == "signature"}
    paid = now.paid
    before = awards(current)
    after = awards(run)
    return tuple(
        Change(ref, before.get(ref, 0), after.get(ref, 0), paid.get(ref, 0), ref in signed)
        for ref in sorted(signed | set(paid))
        if before.get(ref, 0) != after.get(ref, 0)
        and not (ref in now.withdrawals and after.get(ref, 0) == paid.get(ref, 0))
    )


def explain(settings: Settings, reference: str) -> tuple[LoadedCall, StoredRun, dict[str, Any]]:
    """Why ``reference`` got what it got in the adopted run, and what happened since:
    its ``withdrawal``, its place on the ``reserve`` and a ``status`` sentence."""

    loaded, run = adopted_run(settings)
    for line in run.result["lines"]:
        if line["reference"] == reference:
            with _open(settings) as ws:
                now = standing(ws, loaded.call.id)
            return loaded, run, {**line, **now.state(reference, loaded.call.reserve)}
    references = [line["reference"] for line in run.result["lines"]]
    hint = difflib.get_close_matches(reference, references, n=1)
    if hint:
        refused = _("no application '{reference}' in allocation run {run} (did you mean '{hint}'?)")
    else:
        refused = _("no application '{reference}' in allocation run {run}")
    raise RefusedError(
        refused.format(reference=reference, run=run.id, hint=hint[0] if hint else "")
    )


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
