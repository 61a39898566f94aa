"""Use cases of a decision's later life: an applicant withdraws, and the money that
releases goes to the reserve list.

* :func:`withdraw` records a renunciation (before or after signature), with its date
  and the officer's reason: the application stays visible with its history, is in no
  new run, and is paid nothing dated after it.
* :func:`reallocate` proposes a run that carries every award of the decision in force
  unchanged, shows each withdrawal (its award brought down to what was paid), and
  gives the free money (what the withdrawals released, and what the decision left
  unspent) to the reserve, under the reserve's policy. ``slrbcall allocations adopt``
  adopts it without ``--supersede``: it changes nothing else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from slrbcall import __version__
from slrbcall.allocation.engine import Reallocation, Withdrawn, options_from_json
from slrbcall.allocation.engine import reallocate as give_to_reserve
from slrbcall.allocation.service import _open
from slrbcall.allocation.standing import ReservePlace, shown_day, standing
from slrbcall.calls.service import resolve_call
from slrbcall.calls.team import acting
from slrbcall.errors import RefusedError
from slrbcall.i18n import _
from slrbcall.money import cents_from_decimal, format_plain

if TYPE_CHECKING:
    from slrbcall.calls.definition import LoadedCall
    from slrbcall.model import PartialPolicy, Policy, ReserveTerms
    from slrbcall.settings import Settings
    from slrbcall.store import Transaction, Workspace

__all__ = ["Reallocated", "Withdrawal", "reallocate", "withdraw"]


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """A recorded withdrawal: what the application had (``withdrawn``: its award in
    run ``withdrawn.run_id`` and what was paid) and the place on the reserve it left."""

    loaded: LoadedCall
    reference: str
    withdrawn: Withdrawn
    left_reserve: ReservePlace | None


def withdraw(
    settings: Settings, reference: str, *, on: dt.date, reason: str, today: dt.date
) -> Withdrawal:
    """Record that the applicant renounced ``reference`` on ``on``, for ``reason``.

    Refused: an empty reason, a date after ``today``, an unknown application, a second
    withdrawal, and a date before one of its payments (money paid after a renunciation
    is recovered, not withdrawn). Audited with the reason.
    """
    reason = reason.strip()
    if not reason:
        raise RefusedError(_("--reason needs a text: say why the applicant withdrew"))
    if on > today:
        raise RefusedError(
            _("a withdrawal is recorded once made: {day} is after today ({today})").format(
                day=shown_day(on), today=shown_day(today)
            )
        )
    with _open(settings) as ws:
        loaded = resolve_call(settings, held=ws.held_calls())
        call_id = loaded.call.id
        with ws.write(
            command="withdraw",
            call=call_id,
            actor=acting(settings, "withdraw"),
            reason=reason,
        ) as tx:
            known = tx.references(call_id)
            if reference not in known:
                hint = difflib.get_close_matches(reference, known, n=1)
                if hint:
                    refused = _("no application '{reference}' in {call} (did you mean '{hint}'?)")
                else:
                    refused = _("no application '{reference}' in {call}")
                raise RefusedError(
                    refused.format(reference=reference, call=call_id, hint=hint[0] if hint else "")
                )
            now = standing(tx, call_id)
            earlier = now.withdrawals.get(reference)
            if earlier is not None:
                raise RefusedError(
                    _("{reference} was withdrawn on {day} already ({reason})").format(
                        reference=reference, day=shown_day(earlier.on_date), reason=earlier.reason
                    )
                )
            later = sorted(
                p.paid_on
                for p in tx.payments(call_id)
                if p.reference == reference and p.paid_on > on.isoformat()
            )
            if later:
                raise RefusedError(
                    _(
                        "{reference} was paid on {paid_on}, after {day}: date the withdrawal on "
                        "or after its last payment (money paid after a renunciation is "
                        "recovered, which a withdrawal does not record)"
                    ).format(reference=reference, paid_on=shown_day(later[-1]), day=shown_day(on))
                )
            tx.add_withdrawal(call_id, reference, on_date=on.isoformat(), reason=reason)
            recorded = standing(tx, call_id)
            withdrawn = recorded.withdrawn(reference)
            assert withdrawn is not None
            place = now.place(reference)
            tx.audit(
                "insert",
                "withdrawal",
                f"{call_id}/{reference}",
                after={
                    "on": on.isoformat(),
                    "reason": reason,
                    "run": withdrawn.run_id,
                    "award": withdrawn.award_cents,
                    "paid": withdrawn.paid_cents,
                    "released": withdrawn.released_cents,
                    "reserve_rank": None if place is None else place.place,
                },
            )
    return Withdrawal(loaded, reference, withdrawn, place)


@dataclass(frozen=True, slots=True)
class Reallocated:
    """A reallocation, stored as proposal ``run_id`` (``None``: a dry run)."""

    loaded: LoadedCall
    terms: ReserveTerms
    result: Reallocation
    input_sha256: str
    run_id: int | None
    after_validity: str | None  # the reason to reallocate after the reserve's validity


def reallocate(
    settings: Settings,
    *,
    today: dt.date,
    policy: Policy | None = None,
    partial: PartialPolicy | None = None,
    dry_run: bool = False,
    after_validity: str | None = None,
) -> Reallocated:
    """Propose awards to the reserve from what the withdrawals since the decision
    released; unless ``dry_run``, store it as a proposal to adopt.

    ``policy`` and ``partial`` default to the reserve's own (the call's ``reserve:``).
    Refused: a call without a reserve list, no adopted decision, nothing released, and
    a day after the reserve's validity unless ``after_validity`` gives the reason.
    """
    reason = (after_validity or "").strip() or None
    with _open(settings) as ws:
        loaded = resolve_call(settings, held=ws.held_calls())
        if dry_run:
            return _reallocate(ws, loaded, today, policy, partial, reason, None)
        with ws.write(
            command="reallocate",
            call=loaded.call.id,
            actor=acting(settings, "reallocate"),
            reason=reason,
        ) as tx:
            return _reallocate(ws, loaded, today, policy, partial, reason, tx)


def _reallocate(
    ws: Workspace,
    loaded: LoadedCall,
    today: dt.date,
    policy: Policy | None,
    partial: PartialPolicy | None,
    reason: str | None,
    tx: Transaction | None,
) -> Reallocated:
    call = loaded.call
    terms = call.reserve
    if terms is None:
        raise RefusedError(
            _(
                "{call} keeps no reserve list: declare one under 'reserve:' in its definition "
                "(docs/call-definition.md)"
            ).format(call=call.id)
        )
    now = standing(tx if tx is not None else ws, call.id)
    run = now.run
    if run is None:
        raise RefusedError(
            _(
                "no allocation of {call} is adopted yet: there is no reserve to reallocate to"
            ).format(call=call.id)
        )
    expired = terms.valid_until is not None and today > terms.valid_until
    if expired and reason is None:
        raise RefusedError(
            _(
                "the reserve list of {call} was valid until {until} (today is {today}): pass "
                "--after-validity --reason TEXT to reallocate all the same"
            ).format(
                call=call.id, until=shown_day(terms.valid_until or today), today=shown_day(today)
            )
        )
    pending = now.pending
    released = sum(w.released_cents for w in pending.values())
    if not released:
        if not pending:
            raise RefusedError(
                _(
                    "no withdrawal since run {run} was adopted, so nothing was released to "
                    "reallocate ('slrbcall withdraw REF --date D --reason TEXT' records one)"
                ).format(run=run.id)
            )
        raise RefusedError(
            _(
                "the withdrawals since run {run} ({references}) released nothing: they were "
                "not funded, or were paid in full"
            ).format(run=run.id, references=", ".join(pending))
        )
    options = dataclasses.replace(
        options_from_json(run.result["options"]),
        policy=policy or terms.policy,
        partial=partial or terms.partial,
    )
    result = give_to_reserve(
        run.result["lines"],
        run_id=run.id,
        options=options,
        reserve=[p.reference for p in now.reserve],
        withdrawals=pending,
    )
    parameters: dict[str, Any] = {
        "reallocation_of": run.id,
        "withdrawals": {
            ref: {"on": w.on, "paid": format_plain(w.paid_cents)} for ref, w in pending.items()
        },
        "policy": options.policy.value,
        "partial": options.partial.value,
        "reserve": [p.reference for p in now.reserve],
        "valid_until": None if terms.valid_until is None else str(terms.valid_until),
        "after_validity": reason if expired else None,
    }
    text = json.dumps(
        {"run": run.id, "run_input": run.input_sha256, "parameters": parameters},
        sort_keys=True,
        ensure_ascii=False,
    )
    digest = hashlib.sha256(text.encode()).hexdigest()
    stored = None
    if tx is not None:
        stored = _store(tx, call.id, run.budget_cents, result, parameters, digest)
    return Reallocated(loaded, terms, result, digest, stored, reason if expired else None)


def _store(
    tx: Transaction,
    call_id: str,
    budget_cents: int,
    result: Reallocation,
    parameters: dict[str, Any],
    digest: str,
) -> int:
    document = result.to_json()
    run_id = tx.add_run(
        call_id,
        policy=result.policy.value,
        parameters=parameters,
        input_sha256=digest,
        tool_version=__version__,
        budget_cents=budget_cents,
        awarded_cents=result.total_awarded_cents,
        result=document,
        decisions=[
            (
                line["reference"],
                line["rank"],
                _cents(line["amount"]),
                line["decision"],
                line["reason"],
                line["explanation"],
            )
            for line in document["lines"]
        ],
    )
    tx.audit(
        "insert",
        "allocation_run",
        f"{call_id}/{run_id}",
        after={
            "policy": result.policy.value,
            "reallocation_of": result.run_id,
            "withdrawn": [line.reference for line in result.withdrawn],
            "released": result.released_cents,
            "unspent": result.unspent_cents,
            "awarded": result.awarded_cents,
            "funded": {line.reference: line.amount_cents for line in result.funded},
            "input_sha256": digest,
            "status": "proposal",
        },
    )
    return run_id


def _cents(plain: str) -> int:
    return cents_from_decimal(Decimal(plain))
