"""The follow-up as stored, and the timeline: the base of the other follow-up use cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from slrbcall.calls.definition import LoadedCall
from slrbcall.calls.service import resolve_call
from slrbcall.calls.team import acting
from slrbcall.documents.l10n import format_date
from slrbcall.documents.notification import (
    CHANNEL_NAMES,
    AppealPeriod,
    last_notices,
    sent_on_text,
)
from slrbcall.errors import Problem, RefusedError
from slrbcall.files import write_bytes
from slrbcall.followup import (
    Amendment,
    AppealWindow,
    MilestoneEntry,
    MilestoneRecord,
    Payment,
    PaymentEntry,
    Project,
    ProposedPayment,
    Report,
    Timeline,
    amended,
    build_timeline,
    funded_projects,
    timeline_ics,
)
from slrbcall.followup.model import not_funded
from slrbcall.followup.settlement import settled
from slrbcall.followup.timeline import Closing
from slrbcall.i18n import _, language
from slrbcall.intake.merge import from_row
from slrbcall.model import Localized
from slrbcall.settings import Settings
from slrbcall.store import Workspace

if TYPE_CHECKING:
    from slrbcall.store import Transaction, Workspace
    from slrbcall.store.followup import StoredAmendment, StoredPayment, StoredProposal

__all__ = [
    "FollowupState",
    "TimelineResult",
    "check_lang",
    "followup_state",
    "open_workspace",
    "read_state",
    "recording",
    "timeline",
    "write_timeline_ics",
]


# -- the state of the follow-up ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FollowupState:
    """The call, its funded projects (adopted run ``run_id``, by adoption
    ``adoption_id``, each as its amendments in force leave it) and what is recorded.

    ``milestones`` and ``payments`` stand as corrected (reversed payments included,
    at 0); ``milestone_entries`` and ``payment_entries`` are their whole history, and
    ``amendments`` those recorded against the adoption in force, in order.
    ``pending`` are the payments proposed above the call's threshold, awaiting approval.
    """

    loaded: LoadedCall
    run_id: int
    projects: tuple[Project, ...]
    milestones: tuple[MilestoneRecord, ...]
    payments: tuple[Payment, ...]
    reports: tuple[Report, ...]
    adoption_id: int = 0
    budget_cents: int = 0
    adopted_on: dt.date | None = None
    milestone_entries: tuple[MilestoneEntry, ...] = ()
    payment_entries: tuple[PaymentEntry, ...] = ()
    amendments: tuple[Amendment, ...] = ()
    pending: tuple[ProposedPayment, ...] = ()

    def project(self, reference: str) -> Project:
        """The funded project ``reference``, or a refusal naming the funded ones."""
        for project in self.projects:
            if project.reference == reference:
                return project
        references = [p.reference for p in self.projects]
        raise RefusedError(not_funded(reference, self.loaded.call.id, references))


def open_workspace(settings: Settings) -> Workspace:
    return Workspace.open(settings.db_location, create=False)


def read_state(source: Workspace | Transaction, loaded: LoadedCall) -> FollowupState:

    call = loaded.call
    run = source.adopted_run(call.id)
    if run is None:
        raise RefusedError(
            _(
                "no adopted allocation for {call} yet: run 'slrbcall allocate --budget AMOUNT',"
                " then 'slrbcall allocations adopt RUN'"
            ).format(call=call.id)
        )
    applications = [from_row(row) for row in source.stored_rows(call.id)]
    adoption = source.adoptions(call.id)[-1]
    in_force = tuple(
        _amendment(a) for a in source.amendments(call.id) if a.adoption_id == adoption.id
    )
    latest = {a.reference: a for a in in_force}
    projects = tuple(
        amended(p, latest[p.reference]) if p.reference in latest else p
        for p in funded_projects(call, applications, run.result["lines"])
    )
    # A settled project is paid as its settlement says (the balance on its last tranche).
    closed = {s.reference: s for s in source.settlements(call.id)}
    projects = tuple(
        settled(
            p,
            admitted_cents=closed[p.reference].admitted_cents,
            paid_cents=closed[p.reference].paid_cents,
            tranche_cents=closed[p.reference].tranche_cents,
        )
        if p.reference in closed
        else p
        for p in projects
    )
    return FollowupState(
        loaded=loaded,
        run_id=run.id,
        projects=projects,
        milestones=tuple(
            MilestoneRecord(
                m.reference, m.key, dt.date.fromisoformat(m.on_date), m.note, m.corrections
            )
            for m in source.milestones(call.id)
        ),
        payments=tuple(_payment(p, p.corrections) for p in source.effective_payments(call.id)),
        reports=tuple(
            Report(
                reference=r.reference,
                report_date=dt.date.fromisoformat(r.report_date),
                residents_involved=r.residents_involved,
                residents_trained=r.residents_trained,
                activities=r.activities,
                participants=r.participants,
                deliverables=r.deliverables,
                deliverable_kinds=r.deliverable_kinds,
                remarks=r.remarks,
                place=Problem.read_back(r.source_file, r.source_place),
            )
            for r in source.monitoring_reports(call.id)
        ),
        adoption_id=adoption.id,
        budget_cents=run.budget_cents,
        adopted_on=dt.date.fromisoformat(adoption.at[:10]),
        milestone_entries=tuple(
            MilestoneEntry(
                reference=m.reference,
                key=m.key,
                number=m.number,
                on=dt.date.fromisoformat(m.on_date),
                previous=dt.date.fromisoformat(m.previous_date) if m.previous_date else None,
                note=m.note,
                reason=m.reason,
                recorded_at=m.recorded_at,
            )
            for m in source.milestone_entries(call.id)
        ),
        payment_entries=tuple(
            PaymentEntry(
                reference=p.reference,
                tranche=p.tranche,
                number=p.number,
                paid_on=dt.date.fromisoformat(p.paid_on),
                amount_cents=p.amount_cents,
                difference_cents=p.difference_cents,
                reason=p.reason,
                note=p.note,
                forced=p.forced,
                recorded_at=p.recorded_at,
            )
            for p in source.payment_entries(call.id)
        ),
        amendments=in_force,
        pending=tuple(
            ProposedPayment(_payment(p), proposed_by=p.proposed_by, recorded_at=p.recorded_at)
            for p in source.pending_payments(call.id)
        ),
    )


def _payment(stored: StoredPayment | StoredProposal, corrections: int = 0) -> Payment:
    return Payment(
        reference=stored.reference,
        tranche=stored.tranche,
        paid_on=dt.date.fromisoformat(stored.paid_on),
        amount_cents=stored.amount_cents,
        forced=stored.forced,
        reason=stored.reason,
        note=stored.note,
        corrections=corrections,
    )


def _amendment(stored: StoredAmendment) -> Amendment:
    def day(text: str | None) -> dt.date | None:
        return None if text is None else dt.date.fromisoformat(text)

    return Amendment(
        reference=stored.reference,
        number=stored.number,
        adoption_id=stored.adoption_id,
        on=dt.date.fromisoformat(stored.on_date),
        amount_cents=stored.amount_cents,
        previous_amount_cents=stored.previous_amount_cents,
        end=day(stored.end_date),
        previous_end=day(stored.previous_end_date),
        tranche_cents=stored.tranche_cents,
        shares=None if stored.shares is None else tuple(Decimal(x) for x in stored.shares),
        paid_cents=stored.paid_cents,
        paid_tranches=stored.paid_tranches,
        reason=stored.reason,
        recorded_at=stored.recorded_at,
    )


@contextmanager
def recording(
    settings: Settings, *, command: str, reason: str | None = None
) -> Iterator[tuple[Transaction, FollowupState]]:
    """One write transaction of ``command`` (audited with ``reason``), with the
    follow-up as stored read inside it: all of it is stored, or none of it."""

    with open_workspace(settings) as ws:
        loaded = resolve_call(settings, held=ws.held_calls())
        with ws.write(
            command=command,
            call=loaded.call.id,
            actor=acting(settings, command),
            reason=reason,
        ) as tx:
            yield tx, read_state(tx, loaded)


def followup_state(settings: Settings, *, recorded_in_file: str | None = None) -> FollowupState:
    """The follow-up as stored: refused without a workspace or an allocation."""

    with open_workspace(settings) as ws:
        loaded = resolve_call(settings, held=ws.held_calls(), recorded_in_file=recorded_in_file)
        return read_state(ws, loaded)


# -- the timeline --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimelineResult:
    loaded: LoadedCall
    timeline: Timeline


def timeline(settings: Settings, *, today: dt.date, within: int = 30) -> TimelineResult:
    """The call's steps and the funded projects' due dates, as they stand on ``today``."""

    if within < 0:
        raise RefusedError(_("--within is a number of days, 0 or more"))
    with open_workspace(settings) as ws:  # once: on a server, each opening is a round trip
        loaded = resolve_call(settings, held=ws.held_calls())
        state = read_state(ws, loaded)
        appeals = _appeals(ws, loaded)
        closings = _closings(ws, loaded.call.id)
    found = build_timeline(
        loaded.call,
        state.projects,
        milestones=state.milestones,
        payments=state.payments,
        today=today,
        within=within,
        appeals=appeals,
        closings=closings,
    )
    return TimelineResult(loaded, found)


def _closings(ws: Workspace, call_id: str) -> tuple[Closing, ...]:
    """The settlements and what came back of their recoveries, for the timeline."""
    settlements = ws.settlements(call_id)
    recoveries = ws.recoveries(call_id)
    found = []
    for s in settlements:
        back = [r for r in recoveries if r.reference == s.reference]
        found.append(
            Closing(
                reference=s.reference,
                settled_on=dt.date.fromisoformat(s.on_date),
                recovery_due=dt.date.fromisoformat(s.recovery_due_date)
                if s.recovery_due_date
                else None,
                recovery_cents=max(-s.balance_cents, 0),
                recovered_cents=sum(r.amount_cents for r in back),
                recovered_on=dt.date.fromisoformat(back[-1].on_date) if back else None,
            )
        )
    return tuple(found)


_APPEAL_LABEL = {
    "en": "End of the appeal period ({days} days from {first}; notification by {sent})",
    "nl": "Einde van de beroepstermijn ({days} dagen vanaf {first}; kennisgeving per {sent})",
    "fr": (
        "Fin du délai de recours ({days} jours à partir du {first}\u00a0; notification par {sent})"
    ),
}


def _appeals(ws: Workspace, loaded: LoadedCall) -> list[AppealWindow]:
    """The appeal periods of the decisions notified (``slrbcall notified``)."""
    titles = {row["reference"]: row["title"] for row in ws.stored_rows(loaded.call.id)}
    found = []
    for notice in last_notices(ws.audit_events("notification", loaded.call.id)):
        period = notice.period

        def label(lang: str, period: AppealPeriod = period) -> str:
            return _APPEAL_LABEL[lang].format(
                days=period.days,
                first=format_date(period.first_day, lang),
                sent=sent_on_text(period, lang),
            )

        english = _APPEAL_LABEL["en"].format(
            days=period.days,
            first=period.first_day.isoformat(),
            sent=f"{CHANNEL_NAMES[period.channel.value]['en']} of {period.sent_on.isoformat()}",
        )

        found.append(
            AppealWindow(
                reference=notice.reference,
                title=titles.get(notice.reference),
                first_day=period.first_day,
                last_day=period.last_day,
                label=Localized(nl=label("nl"), fr=label("fr")),
                english=english,
            )
        )
    return found


def write_timeline_ics(result: TimelineResult, path: Path, *, lang: str | None = None) -> Path:
    """Write the timeline as an iCalendar file (``.ics``), atomically, its words in
    ``lang`` (nl, fr or en; default: the officer's language)."""

    if path.suffix.lower() != ".ics":
        raise RefusedError(_("{name}: an iCalendar file ends in .ics").format(name=path.name))
    lang = check_lang(lang)
    title = result.loaded.call.title
    name = title.fr if lang == "en" else title[lang]  # a call is titled in nl and fr
    write_bytes(path, timeline_ics(result.timeline, name=name, lang=lang))
    return path


def check_lang(lang: str | None) -> str:
    """``lang`` (nl, fr or en), or the officer's language when it is ``None``."""
    if lang is None:
        return language()
    if lang not in ("nl", "fr", "en"):
        raise RefusedError(_("--lang must be nl, fr or en, not '{lang}'").format(lang=lang))
    return lang
