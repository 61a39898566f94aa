"""The history of one application: everything that happened to it, in order, from the audit.

Every change to the workspace leaves an audit row (who, when, which command, why, from
which file, before and after). The history of an application reads those rows back as
plain sentences: its intake and any later change of its row, the committee's marks, each
allocation run's proposal for it and each adoption, its milestones (the signature among
them), its payments and their corrections, its monitoring reports, a withdrawal, an
amendment, the documents issued to it, its e-mail drafts and its notifications. Nothing
is left out: a row of a kind this module does not know is still told, by its entity and
values.

Pure: the rows come from :meth:`slrbcall.store.Workspace.audit_of`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from slrbcall.money import format_eur

__all__ = ["Event", "history"]

#: How many parts follow ``call/REF/`` in the key of each entity's audit rows, so that
#: the rows of reference ``A/B`` are never told in the history of reference ``A``.
_KEY_DEPTH = {
    "application": 0,
    "withdrawal": 0,
    "mark": 2,
    "milestone": 1,
    "payment": 1,
    "payment_proposal": 1,
    "monitoring_report": 1,
    "amendment": 1,
    "document": 1,
    "notification": 1,
    "notification_draft": 1,
    "payment_correction": 2,
    "milestone_correction": 2,
    "expense": 1,
    "expense_review": 1,
    "settlement": 0,
    "recovery": 1,
}
#: How a notification's channel is told.
_CHANNELS = {"email": "e-mail", "registered": "registered letter", "ebox": "e-Box"}
#: Rows of the whole call that every application's history tells.
_CALL_WIDE = frozenset({"allocation_run", "allocation_adoption"})


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened to an application, told in one sentence."""

    at: str  # ISO 8601, UTC, to the second
    actor: str | None  # None for rows written before actors were recorded
    command: str
    what: str
    reason: str | None = None
    source: str | None = None  # the input file, where the change came from one


def _belongs(entity: str, key: str | None, call_id: str, reference: str) -> bool:
    if entity in _CALL_WIDE:
        return True
    own = f"{call_id}/{reference}"
    if key == own:
        return entity not in _KEY_DEPTH or _KEY_DEPTH[entity] == 0
    if key is None or not key.startswith(own + "/"):
        return False
    parts = key[len(own) + 1 :].split("/")
    return len(parts) == _KEY_DEPTH.get(entity, 1)


def _money(value: Any) -> str:
    """An amount as the audit holds it (cents, or a decimal text in euro) for reading."""
    if isinstance(value, int) and not isinstance(value, bool):
        return format_eur(value)
    if isinstance(value, str):
        try:
            return format_eur(int(Decimal(value) * 100))
        except ArithmeticError:
            return value
    return str(value)


def _values(values: Mapping[str, Any] | None) -> str:
    """The values of a row, ``key: value`` each, for a kind of row told as it is."""
    if not values:
        return ""
    shown = []
    for name, value in values.items():
        if value is None or value == [] or value == {}:
            continue
        shown.append(f"{name}: {_money(value) if name.endswith('_cents') else value}")
    return "; ".join(shown)


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """``title: 'a' -> 'b'; requested_cents: € 1.00 -> € 2.00`` for what differs."""
    told = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name.endswith("_cents"):
            told.append(f"{name}: {_money(old)} -> {_money(new)}")
        else:
            told.append(f"{name}: {old!r} -> {new!r}")
    return "; ".join(told) or "no field changed"


def _decision_line(run: Mapping[str, Any] | None, reference: str) -> Mapping[str, Any] | None:
    if run is None:
        return None
    lines: Sequence[Mapping[str, Any]] = run.get("lines", ())
    return next((line for line in lines if line.get("reference") == reference), None)


def _tell(
    entity: str,
    action: str,
    key: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    runs: Mapping[int, Mapping[str, Any]],
    reference: str,
) -> str | None:
    """The sentence of one audit row, or None when it says nothing of this application."""
    after = after or {}
    last = key.rsplit("/", 1)[-1]
    if entity == "application":
        if action == "insert":
            row = after.get("source_row")
            return f"taken in (row {row} of the file)" if row else "taken in"
        if action == "update":
            return f"changed by an intake: {_changes(before or {}, after)}"
    if entity == "mark":
        reviewer, criterion = key.split("/")[-2:]
        mark = after.get("mark")
        if before and before.get("mark") != mark:
            return f"mark of {reviewer} on {criterion}: {before.get('mark')} -> {mark}"
        return f"mark of {reviewer} on {criterion}: {mark}"
    if entity == "allocation_run":
        run_id = int(last)
        run = runs.get(run_id) or {}
        line = _decision_line(run, reference)
        if line is None:
            return None  # a run that did not rank this application
        policy = after.get("policy") or run.get("policy", "?")
        budget = after.get("budget", run.get("budget_cents"))
        rank = f"rank {line['rank']}, " if line.get("rank") is not None else ""
        return (
            f"proposal run {run_id} ({policy}, budget {_money(budget)}): {rank}"
            f"{line.get('decision')}, {_money(line.get('amount'))}"
            + (f" ({line['reason']})" if line.get("reason") not in (None, "funded") else "")
        )
    if entity == "allocation_adoption":
        run_id = int(after.get("run", last))
        line = _decision_line(runs.get(run_id), reference)
        outcome = (
            f": {line.get('decision')}, {_money(line.get('amount'))}" if line is not None else ""
        )
        superseded = after.get("superseded")
        replaced = f", replacing run {superseded}" if superseded else ""
        return f"run {run_id} adopted as the call's decision{replaced}{outcome}"
    if entity == "milestone":
        date = after.get("date")
        if before and before.get("date") != date:
            return f"milestone {last} moved from {before.get('date')} to {date}"
        return f"milestone {last} recorded on {date}"
    if entity == "payment" and action == "insert":
        forced = " (forced)" if after.get("forced") else ""
        approved = (
            f", proposed by {after['proposed_by']} and approved by {after.get('approved_by')}"
            if after.get("proposed_by")
            else ""
        )
        return (
            f"tranche {last} paid: {_money(after.get('amount_cents'))} "
            f"on {after.get('paid_on')}{forced}{approved}"
        )
    if entity == "payment_proposal":
        return (
            f"tranche {last} proposed for payment: {_money(after.get('amount_cents'))} "
            f"on {after.get('paid_on')}, awaiting approval"
        )
    if entity == "payment_correction":
        tranche = key.split("/")[-2]
        old = before or {}
        if after.get("amount_cents") == 0:
            return (
                f"tranche {tranche} payment reversed: {_money(old.get('amount_cents'))} "
                f"on {old.get('paid_on')} was recorded by mistake"
            )
        return (
            f"tranche {tranche} payment corrected: {_money(old.get('amount_cents'))} on "
            f"{old.get('paid_on')} -> {_money(after.get('amount_cents'))} on {after.get('paid_on')}"
        )
    if entity == "milestone_correction":
        milestone = key.split("/")[-2]
        return (
            f"milestone {milestone} corrected: {(before or {}).get('date')} -> {after.get('date')}"
        )
    if entity == "amendment":
        old = before or {}
        told = [f"amendment {last}"]
        if old.get("amount_cents") != after.get("amount_cents"):
            told.append(
                f"award {_money(old.get('amount_cents'))} -> {_money(after.get('amount_cents'))}"
            )
        if old.get("end_date") != after.get("end_date"):
            told.append(f"end {old.get('end_date')} -> {after.get('end_date')}")
        if old.get("tranches") != after.get("tranches"):
            shown = ", ".join(_money(cents) for cents in after.get("tranches") or ())
            told.append(f"tranches {shown}")
        return "; ".join(told)
    if entity == "withdrawal":
        return (
            f"withdrawn on {after.get('on')}: {_money(after.get('paid'))} paid is kept, "
            f"{_money(after.get('released'))} of its award released"
        )
    if entity == "notification":
        channel = _CHANNELS.get(str(after.get("channel")), after.get("channel"))
        return (
            f"notified by {channel} sent on {after.get('sent_on')}: the appeal period runs "
            f"from {after.get('first_day')} to {after.get('last_day')}"
        )
    if entity == "notification_draft":
        return (
            f"e-mail draft {after.get('file')} written for {after.get('to')}, with "
            f"{after.get('attachment')} attached (nothing sent)"
        )
    if entity == "document":
        return f"{after.get('kind')} ({after.get('lang')}) issued: {after.get('file')}"
    if entity == "monitoring_report":
        figures = [
            f"{after[name]} {label}"
            for name, label in (
                ("residents_involved", "residents involved"),
                ("residents_trained", "trained"),
                ("activities", "activities"),
                ("participants", "participants"),
            )
            if after.get(name) is not None
        ]
        verb = "corrected" if action == "update" else "taken in"
        return f"monitoring report of {last} {verb}: {', '.join(figures) or 'no figures'}"
    last_mile = _last_mile(entity, action, after)
    if last_mile is not None:
        return last_mile
    values = _changes(before, after) if before else _values(after)
    return f"{entity.replace('_', ' ')} {action}" + (f": {values}" if values else "")


def _last_mile(entity: str, action: str, after: Mapping[str, Any]) -> str | None:
    """The sentence of an expense, its review, a settlement or a recovery."""
    if entity == "expense":
        verb = f"changed (version {after.get('version')})" if action == "update" else "claimed"
        return (
            f"expense {verb}: {_money(after.get('claimed_cents'))} on "
            f"{after.get('budget_line')} ({after.get('place')})"
        )
    if entity == "expense_review":
        return (
            f"expense reviewed: {after.get('decision')}, {_money(after.get('admitted_cents'))} "
            f"admitted ({after.get('reason')})"
        )
    if entity == "settlement":
        balance = _money(after.get("balance"))
        return (
            f"settled on {after.get('date')}: {_money(after.get('admitted'))} admitted, "
            f"{_money(after.get('paid'))} paid, balance {balance}"
        )
    if entity == "recovery":
        return f"recovery: {_money(after.get('amount_cents'))} back on {after.get('date')}"
    return None


def _with_what(event: Event, what: str) -> Event:
    return Event(event.at, event.actor, event.command, what, event.reason, event.source)


def history(
    rows: Iterable[Any],
    *,
    call_id: str,
    reference: str,
    runs: Mapping[int, Mapping[str, Any]],
) -> list[Event]:
    """The events of application ``reference``, oldest first.

    ``rows`` are audit rows (:class:`~slrbcall.store.AuditRow`) in the order they
    were written; ``runs`` maps each allocation run's id to its stored result (and its
    ``budget_cents``), whose lines say what each run proposed for the application.
    """
    events: list[Event] = []
    marks: dict[str, str] = {}  # criterion -> mark, of one reviewer's marks taken in at once
    group: tuple[object, ...] | None = None
    for row in rows:
        if not _belongs(row.entity, row.entity_key, call_id, reference):
            continue
        if row.entity == "mark" and row.action == "insert":
            # A reviewer's first marks, taken in from one file: one event, not one a criterion.
            reviewer, criterion = (row.entity_key or "").split("/")[-2:]
            key = (row.at, row.command, row.input_file, row.actor, reviewer)
            if key != group or not events:
                group, marks = key, {}
                events.append(Event(row.at, row.actor, row.command, "", row.reason, row.input_file))
            marks[criterion] = str((row.after or {}).get("mark"))
            listed = ", ".join(f"{name} {mark}" for name, mark in marks.items())
            events[-1] = _with_what(events[-1], f"marks of {reviewer}: {listed}")
            continue
        group = None
        what = _tell(
            row.entity,
            row.action,
            row.entity_key or "",
            row.before,
            row.after,
            runs=runs,
            reference=reference,
        )
        if what is None:
            continue
        events.append(
            Event(
                at=row.at,
                actor=row.actor,
                command=row.command,
                what=what,
                reason=row.reason,
                source=row.input_file,
            )
        )
    return events
