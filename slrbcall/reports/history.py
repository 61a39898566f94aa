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

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from slrbcall.allocation.codes import decision_label, reason_label
from slrbcall.i18n import N_, _, format_day, language, ngettext
from slrbcall.money import format_eur

__all__ = ["Event", "history"]

#: How many parts follow ``call/REF/`` in the key of each entity's audit rows, so that
#: the rows of reference ``A/B`` are never told in the history of reference ``A``.
_KEY_DEPTH = {
    "application": 0,
    "application_budget": 0,
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
_CHANNELS = {"email": N_("e-mail"), "registered": N_("registered letter"), "ebox": N_("e-Box")}
#: How a document's kind is told (in English, as its code).
_DOCUMENTS = {
    "convention": N_("convention"),
    "letter-award": N_("letter-award"),
    "letter-refusal": N_("letter-refusal"),
    "letter-reserve": N_("letter-reserve"),
    "amendment": N_("amendment"),
    "settlement": N_("settlement"),
}
#: How the milestones that tranches wait for are told (a call's own deadline, such as
#: ``questionnaire``, is told by its key).
_MILESTONES = {
    "signature": N_("signature"),
    "interim_report": N_("interim_report"),
    "final_report": N_("final_report"),
}
#: How the officer's decision on an expense is told.
_EXPENSE_DECISIONS = {
    "admitted": N_("admitted"),
    "partly_admitted": N_("partly_admitted"),
    "rejected": N_("rejected"),
}
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


def _day(value: Any) -> str:
    """A day as the audit holds it (ISO text) as the officer reads it."""
    if isinstance(value, str):
        try:
            return format_day(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _named(names: Mapping[str, str], key: object) -> str:
    """``key`` as ``names`` tell it in the officer's language, else as it is."""
    name = names.get(str(key))
    return str(key) if name is None else _(name)


def _milestone(key: str) -> str:
    """A milestone's key as told: ``yearly_report:2`` keeps its number."""
    base, sep, number = key.partition(":")
    if sep and base == "yearly_report":
        return _("yearly_report") + f":{number}"
    return _named(_MILESTONES, key)


def _mark(value: object) -> str:
    """A mark as the officer writes it: ``8.5`` in English, ``8,5`` in French and Dutch."""
    shown = str(value)
    return shown if language() == "en" else shown.replace(".", ",")


def _decision(line: Mapping[str, Any]) -> str:
    return decision_label(str(line.get("decision")))


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
    return "; ".join(told) or _("no field changed")


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
            return _("taken in (row {row} of the file)").format(row=row) if row else _("taken in")
        if action == "update":
            return _("changed by an intake: {changes}").format(
                changes=_changes(before or {}, after)
            )
    if entity == "application_budget":
        lines = after.get("lines") or {}
        sources = after.get("co_financing") or {}
        return _(
            "budget by line taken in (version {version}): {total} of planned costs, "
            "{co_financing} co-financed"
        ).format(
            version=after.get("version"),
            total=_money(sum(int(c) for c in lines.values())),
            co_financing=_money(sum(int(c) for c in sources.values())),
        )
    if entity == "mark":
        reviewer, criterion = key.split("/")[-2:]
        mark = after.get("mark")
        if before and before.get("mark") != mark:
            return _("mark of {reviewer} on {criterion}: {before} -> {after}").format(
                reviewer=reviewer,
                criterion=criterion,
                before=_mark(before.get("mark")),
                after=_mark(mark),
            )
        return _("mark of {reviewer} on {criterion}: {mark}").format(
            reviewer=reviewer, criterion=criterion, mark=_mark(mark)
        )
    if entity == "allocation_run":
        run_id = int(last)
        run = runs.get(run_id) or {}
        line = _decision_line(run, reference)
        if line is None:
            return None  # a run that did not rank this application
        policy = after.get("policy") or run.get("policy", "?")
        budget = after.get("budget", run.get("budget_cents"))
        rank = _("rank {rank}, ").format(rank=line["rank"]) if line.get("rank") is not None else ""
        reason = line.get("reason")
        return _(
            "proposal run {run} ({policy}, budget {budget}): {rank}{decision}, {amount}"
        ).format(
            run=run_id,
            policy=policy,
            budget=_money(budget),
            rank=rank,
            decision=_decision(line),
            amount=_money(line.get("amount")),
        ) + (f" ({reason_label(str(reason))})" if reason not in (None, "funded") else "")
    if entity == "allocation_adoption":
        run_id = int(after.get("run", last))
        line = _decision_line(runs.get(run_id), reference)
        superseded = after.get("superseded")
        if line is None:
            adopted = (
                _("run {run} adopted as the call's decision, replacing run {superseded}")
                if superseded
                else _("run {run} adopted as the call's decision")
            )
        else:
            adopted = (
                _(
                    "run {run} adopted as the call's decision, replacing run {superseded}: "
                    "{decision}, {amount}"
                )
                if superseded
                else _("run {run} adopted as the call's decision: {decision}, {amount}")
            )
        return adopted.format(
            run=run_id,
            superseded=superseded,
            decision=None if line is None else _decision(line),
            amount=None if line is None else _money(line.get("amount")),
        )
    if entity == "milestone":
        date = after.get("date")
        if before and before.get("date") != date:
            return _("milestone {milestone} moved from {before} to {after}").format(
                milestone=_milestone(last), before=_day(before.get("date")), after=_day(date)
            )
        return _("milestone {milestone} recorded on {day}").format(
            milestone=_milestone(last), day=_day(date)
        )
    if entity == "payment" and action == "insert":
        paid = (
            _("tranche {tranche} paid: {amount} on {day} (forced)")
            if after.get("forced")
            else _("tranche {tranche} paid: {amount} on {day}")
        ).format(
            tranche=last, amount=_money(after.get("amount_cents")), day=_day(after.get("paid_on"))
        )
        if after.get("proposed_by"):
            paid += _(", proposed by {proposer} and approved by {approver}").format(
                proposer=after["proposed_by"], approver=after.get("approved_by")
            )
        return paid
    if entity == "payment_proposal":
        return _(
            "tranche {tranche} proposed for payment: {amount} on {day}, awaiting approval"
        ).format(
            tranche=last, amount=_money(after.get("amount_cents")), day=_day(after.get("paid_on"))
        )
    if entity == "payment_correction":
        tranche = key.split("/")[-2]
        old = before or {}
        if after.get("amount_cents") == 0:
            return _(
                "tranche {tranche} payment reversed: {amount} on {day} was recorded by mistake"
            ).format(
                tranche=tranche,
                amount=_money(old.get("amount_cents")),
                day=_day(old.get("paid_on")),
            )
        return _(
            "tranche {tranche} payment corrected: {before} on {before_day} -> {after} on {day}"
        ).format(
            tranche=tranche,
            before=_money(old.get("amount_cents")),
            before_day=_day(old.get("paid_on")),
            after=_money(after.get("amount_cents")),
            day=_day(after.get("paid_on")),
        )
    if entity == "milestone_correction":
        milestone = key.split("/")[-2]
        return _("milestone {milestone} corrected: {before} -> {after}").format(
            milestone=_milestone(milestone),
            before=_day((before or {}).get("date")),
            after=_day(after.get("date")),
        )
    if entity == "amendment":
        old = before or {}
        told = [_("amendment {number}").format(number=last)]
        if old.get("amount_cents") != after.get("amount_cents"):
            told.append(
                _("award {before} -> {after}").format(
                    before=_money(old.get("amount_cents")), after=_money(after.get("amount_cents"))
                )
            )
        if old.get("end_date") != after.get("end_date"):
            told.append(
                _("end {before} -> {after}").format(
                    before=_day(old.get("end_date")), after=_day(after.get("end_date"))
                )
            )
        if old.get("tranches") != after.get("tranches"):
            shown = ", ".join(_money(cents) for cents in after.get("tranches") or ())
            told.append(_("tranches {amounts}").format(amounts=shown))
        return "; ".join(told)
    if entity == "withdrawal":
        return _(
            "withdrawn on {day}: {paid} paid is kept, {released} of its award released"
        ).format(
            day=_day(after.get("on")),
            paid=_money(after.get("paid")),
            released=_money(after.get("released")),
        )
    if entity == "notification":
        channel = after.get("channel")
        named = _CHANNELS.get(str(channel))
        return _(
            "notified by {channel} sent on {day}: the appeal period runs from {first} to {last}"
        ).format(
            channel=channel if named is None else _(named),
            day=_day(after.get("sent_on")),
            first=_day(after.get("first_day")),
            last=_day(after.get("last_day")),
        )
    if entity == "notification_draft":
        return _(
            "e-mail draft {file} written for {to}, with {attachment} attached (nothing sent)"
        ).format(file=after.get("file"), to=after.get("to"), attachment=after.get("attachment"))
    if entity == "document":
        return _("document issued: {kind} ({lang}), {file}").format(
            kind=_named(_DOCUMENTS, after.get("kind")),
            lang=after.get("lang"),
            file=after.get("file"),
        )
    if entity == "monitoring_report":
        figures = [
            _figure(name, after[name]).format(count=after[name])
            for name in ("residents_involved", "residents_trained", "activities", "participants")
            if after.get(name) is not None
        ]
        said = (
            _("monitoring report of {day} corrected: {figures}")
            if action == "update"
            else _("monitoring report of {day} taken in: {figures}")
        )
        return said.format(day=_day(last), figures=", ".join(figures) or _("no figures"))
    last_mile = _last_mile(entity, action, after)
    if last_mile is not None:
        return last_mile
    values = _changes(before, after) if before else _values(after)
    return f"{entity.replace('_', ' ')} {action}" + (f": {values}" if values else "")


def _figure(name: str, count: Any) -> str:
    """How the figure ``name`` of a monitoring report is told, for ``count``."""
    n = count if isinstance(count, int) else 0
    if name == "residents_involved":
        return ngettext("{count} resident involved", "{count} residents involved", n)
    if name == "residents_trained":
        return ngettext("{count} trained", "{count} trained", n)
    if name == "activities":
        return ngettext("{count} activity", "{count} activities", n)
    return ngettext("{count} participant", "{count} participants", n)


def _last_mile(entity: str, action: str, after: Mapping[str, Any]) -> str | None:
    """The sentence of an expense, its review, a settlement or a recovery."""
    if entity == "expense":
        told = (
            _("expense changed (version {version}): {amount} on {line} ({place})")
            if action == "update"
            else _("expense claimed: {amount} on {line} ({place})")
        )
        return told.format(
            version=after.get("version"),
            amount=_money(after.get("claimed_cents")),
            line=after.get("budget_line"),
            place=after.get("place"),
        )
    if entity == "expense_review":
        decision = str(after.get("decision"))
        named = _EXPENSE_DECISIONS.get(decision)
        return _("expense reviewed: {decision}, {amount} admitted ({reason})").format(
            decision=decision if named is None else _(named),
            amount=_money(after.get("admitted_cents")),
            reason=after.get("reason"),
        )
    if entity == "settlement":
        return _("settled on {day}: {admitted} admitted, {paid} paid, balance {balance}").format(
            day=_day(after.get("date")),
            admitted=_money(after.get("admitted")),
            paid=_money(after.get("paid")),
            balance=_money(after.get("balance")),
        )
    if entity == "recovery":
        return _("recovery: {amount} back on {day}").format(
            amount=_money(after.get("amount_cents")), day=_day(after.get("date"))
        )
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
            marks[criterion] = _mark((row.after or {}).get("mark"))
            listed = ", ".join(f"{name} {mark}" for name, mark in marks.items())
            events[-1] = _with_what(
                events[-1],
                _("marks of {reviewer}: {marks}").format(reviewer=reviewer, marks=listed),
            )
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
