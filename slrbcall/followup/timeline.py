"""The follow-up timeline: the call's steps and each funded project's due dates, with
where each stands on a given day, and the same as an iCalendar file.

A project's milestones, tranches and amounts are those in force: corrected dates and
payments (a reversed payment is not a payment), amended tranches (a tranche an
amendment cancelled is not listed).

Statuses (:class:`ItemStatus`), on day ``today`` with a window of ``within`` days:

* ``done``: the project's milestone is recorded, or the tranche is paid; a step of the
  call itself counts as done once its day (its month's last day) has passed, since the
  call's own steps are the authority's and are not recorded;
* ``overdue``: its last day is before ``today`` and it is not done;
* ``due-within``: it falls (or its month overlaps) ``today`` .. ``today + within``;
* ``later``: after that.

A notified decision (funded or not) adds the last day of its appeal period, ``done``
once that day has passed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slrbcall.followup.justification import justification_due
from slrbcall.followup.model import (
    ItemKind,
    ItemStatus,
    MilestoneRecord,
    Payment,
    Project,
    status_label,
)
from slrbcall.followup.schedule import duties, english_label, schedule
from slrbcall.i18n import _, format_day, labelled, language, use_language
from slrbcall.model import Localized
from slrbcall.money import format_eur

if TYPE_CHECKING:
    from slrbcall.model import Call

__all__ = [
    "JUSTIFICATION",
    "AppealWindow",
    "Closing",
    "Timeline",
    "TimelineItem",
    "build_timeline",
    "item_status",
    "timeline_ics",
]

_KIND_ORDER = {
    ItemKind.CALL: 0,
    ItemKind.DUTY: 1,
    ItemKind.PAYMENT: 2,
    ItemKind.RECOVERY: 3,
    ItemKind.APPEAL: 4,
}

#: The justification of a project's expenses (a duty of a call with budget lines, done
#: once the project is settled) and the recovery a settlement sets.
JUSTIFICATION = "justification"
_JUSTIFICATION_LABEL = Localized(
    nl="Verantwoording van de uitgaven", fr="Justification des dépenses"
)
_RECOVERY_LABEL = Localized(nl="Terugvordering", fr="Récupération")


@dataclass(frozen=True, slots=True)
class Closing:
    """A project's settlement, as the timeline tells it: its date, and the recovery it
    set (due by ``recovery_due``), with what came back so far and when it last did."""

    reference: str
    settled_on: dt.date
    recovery_due: dt.date | None = None
    recovery_cents: int = 0
    recovered_cents: int = 0
    recovered_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class AppealWindow:
    """A notified decision's appeal period: its last day is a date of the timeline.

    ``label`` says how and when it was notified; the period's rule is the call's.
    """

    reference: str
    title: str | None
    first_day: dt.date
    last_day: dt.date
    label: Localized
    english: str = ""


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """One dated item. ``due`` .. ``until`` is one day, or a whole month for a step of
    the call known only by its month (then ``month`` is ``YYYY-MM``)."""

    due: dt.date
    until: dt.date
    kind: ItemKind
    key: str
    label: Localized
    status: ItemStatus
    reference: str | None = None
    title: str | None = None
    done_on: dt.date | None = None
    month: str | None = None
    amount_cents: int | None = None
    english: str = ""

    def label_in(self, lang: str) -> str:
        """The item's label in ``lang``: the call's own words in Dutch or French, the
        tool's in English (the call's definition has no English)."""
        if lang == "en":
            return self.english or self.label.fr
        return self.label[lang]


@dataclass(frozen=True, slots=True)
class Timeline:
    """Every item in date order, and the funded projects whose dates are unknown."""

    call_id: str
    today: dt.date
    within: int
    items: tuple[TimelineItem, ...]
    undated: tuple[str, ...] = ()

    def count(self, status: ItemStatus) -> int:
        return sum(1 for item in self.items if item.status is status)


def item_status(
    due: dt.date, until: dt.date, *, done: bool, today: dt.date, within: int
) -> ItemStatus:
    """Where an item stands on ``today`` (see the module docstring)."""
    if done:
        return ItemStatus.DONE
    if until < today:
        return ItemStatus.OVERDUE
    if due <= today + dt.timedelta(days=within):
        return ItemStatus.DUE_WITHIN
    return ItemStatus.LATER


def build_timeline(
    call: Call,
    projects: Iterable[Project],
    *,
    milestones: Iterable[MilestoneRecord],
    payments: Iterable[Payment],
    today: dt.date,
    within: int = 30,
    appeals: Iterable[AppealWindow] = (),
    closings: Iterable[Closing] = (),
) -> Timeline:
    """The timeline on ``today``; ``within`` (days, at least 0) is the "due soon" window.

    Each of ``appeals`` is an item on its last day: ``done`` once that day has passed
    (the period is over), else due within the window or later. A call with budget lines
    adds each project's justification deadline, done once the project is settled
    (``closings``); a settlement with a recovery adds it, due by its date, done once all
    of it came back.
    """
    if within < 0:
        raise ValueError(_("the window (--within) is a number of days, 0 or more"))
    items = []
    for step in call.milestones:
        if step.date is not None:
            due = until = step.date
        else:
            assert step.month is not None  # the call's validation: a date or a month
            year, month = (int(part) for part in step.month.split("-"))
            due = dt.date(year, month, 1)
            until = dt.date(year, month, calendar.monthrange(year, month)[1])
        items.append(
            TimelineItem(
                due=due,
                until=until,
                kind=ItemKind.CALL,
                key=step.key,
                label=step.label,
                status=item_status(due, until, done=until < today, today=today, within=within),
                month=step.month,
                english=english_label(step.key),
            )
        )
    recorded = {(m.reference, m.key): m.on for m in milestones}
    paid = {(p.reference, p.tranche): p for p in payments if not p.reversed}
    undated = []
    for project in projects:
        if project.start is None:
            undated.append(project.reference)
            continue
        for duty in duties(call, project):
            done_on = recorded.get((project.reference, duty.key))
            items.append(
                TimelineItem(
                    due=duty.due,
                    until=duty.due,
                    kind=ItemKind.DUTY,
                    key=duty.key,
                    label=duty.label,
                    status=item_status(
                        duty.due, duty.due, done=done_on is not None, today=today, within=within
                    ),
                    reference=project.reference,
                    title=project.title,
                    done_on=done_on,
                    english=duty.english,
                )
            )
        for tranche in schedule(call, project):
            if tranche.amount_cents == 0:
                continue  # an amendment left nothing to pay on it
            when = tranche.expected or project.start
            payment = paid.get((project.reference, tranche.number))
            items.append(
                TimelineItem(
                    due=when,
                    until=when,
                    kind=ItemKind.PAYMENT,
                    key=f"tranche:{tranche.number}",
                    label=tranche.label,
                    status=item_status(
                        when, when, done=payment is not None, today=today, within=within
                    ),
                    reference=project.reference,
                    title=project.title,
                    done_on=payment.paid_on if payment else None,
                    amount_cents=tranche.amount_cents,
                    english=f"Tranche {tranche.number}",
                )
            )
    for appeal in appeals:
        last = appeal.last_day
        items.append(
            TimelineItem(
                due=last,
                until=last,
                kind=ItemKind.APPEAL,
                key="appeal-deadline",
                label=appeal.label,
                status=item_status(last, last, done=last < today, today=today, within=within),
                reference=appeal.reference,
                title=appeal.title,
                english=appeal.english,
            )
        )
    items += _closing_items(call, projects, closings, today=today, within=within)
    items.sort(key=lambda i: (i.due, i.reference or "", _KIND_ORDER[i.kind], i.key))
    return Timeline(call.id, today, within, tuple(items), tuple(undated))


def _closing_items(
    call: Call,
    projects: Iterable[Project],
    closings: Iterable[Closing],
    *,
    today: dt.date,
    within: int,
) -> list[TimelineItem]:
    """The justification deadlines of the projects and the recoveries of their
    settlements."""
    closed = {c.reference: c for c in closings}
    items = []
    for project in projects:
        due = justification_due(call, project) if call.budget_lines else None
        closing = closed.get(project.reference)
        if due is not None:
            done_on = closing.settled_on if closing else None
            items.append(
                TimelineItem(
                    due=due,
                    until=due,
                    kind=ItemKind.DUTY,
                    key=JUSTIFICATION,
                    label=_JUSTIFICATION_LABEL,
                    status=item_status(
                        due, due, done=done_on is not None, today=today, within=within
                    ),
                    reference=project.reference,
                    title=project.title,
                    done_on=done_on,
                    english="Justification of the expenses",
                )
            )
        if closing is None or closing.recovery_due is None:
            continue
        back = closing.recovered_cents >= closing.recovery_cents
        items.append(
            TimelineItem(
                due=closing.recovery_due,
                until=closing.recovery_due,
                kind=ItemKind.RECOVERY,
                key="recovery",
                label=_RECOVERY_LABEL,
                status=item_status(
                    closing.recovery_due,
                    closing.recovery_due,
                    done=back,
                    today=today,
                    within=within,
                ),
                reference=project.reference,
                title=project.title,
                done_on=closing.recovered_on if back else None,
                amount_cents=closing.recovery_cents - closing.recovered_cents
                if not back
                else closing.recovery_cents,
                english="Recovery",
            )
        )
    return items


def timeline_ics(timeline: Timeline, *, name: str, lang: str) -> bytes:
    """The timeline as an iCalendar (RFC 5545) file: one all-day event per item.

    Each event's UID is stable (call, project, key), so importing a newer file updates
    the events instead of doubling them. DTSTAMP is ``timeline.today`` (not the wall
    clock), so the same timeline gives the same bytes.
    """
    from icalendar import Calendar, Event  # type: ignore[import-untyped]

    stamp = dt.datetime.combine(timeline.today, dt.time(0), tzinfo=dt.UTC)
    cal = Calendar()
    cal.add("prodid", "-//slrbcall//follow-up//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    with _speaking(lang):
        _add_events(cal, timeline, lang=lang, stamp=stamp, event_type=Event)
    data: bytes = cal.to_ical()
    return data


def _add_events(
    cal: Any, timeline: Timeline, *, lang: str, stamp: dt.datetime, event_type: Any
) -> None:
    for item in timeline.items:
        event = event_type()
        owner = item.reference or "call"
        event.add("uid", f"{timeline.call_id}/{owner}/{item.key}@slrbcall")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due)
        event.add("dtend", item.until + dt.timedelta(days=1))
        label = item.label_in(lang)
        summary = f"{item.reference} – {label}" if item.reference else label
        event.add("summary", summary)
        lines = [labelled(timeline.call_id, label)]
        if item.reference and item.title:
            lines.append(labelled(item.reference, item.title))
        if item.amount_cents is not None:
            lines.append(_("Amount: {amount}").format(amount=format_eur(item.amount_cents)))
        done = f" ({format_day(item.done_on)})" if item.done_on else ""
        lines.append(
            _("Status on {day}: {status}").format(
                day=format_day(timeline.today), status=status_label(item.status.value)
            )
            + done
        )
        event.add("description", "\n".join(lines))
        event.add("categories", [item.kind.value])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)


@contextmanager
def _speaking(lang: str) -> Iterator[None]:
    """Speak ``lang`` inside the block: a file's words are in its own language, whatever
    the officer's (the calendar's ``--lang``)."""
    spoken = language()
    use_language(lang)
    try:
        yield
    finally:
        use_language(spoken)
