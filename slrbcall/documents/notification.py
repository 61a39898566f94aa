"""Notifying a decision: when the appeal period runs, and the e-mail draft that carries
the letter.

A decision is notified by e-mail, registered letter or e-Box. When the appeal period
starts depends on the channel; the call says how (its ``notification`` rules, each with
its legal source), never this module: it only counts the days. Working days are Monday
to Friday, the Belgian public holidays aside (law of 4 January 1974 on public holidays:
1 January, Easter Monday, 1 May, Ascension Day, Whit Monday, 21 July, 15 August,
1 November, 11 November, 25 December).

The draft is an RFC 5322 message (the standard library's ``email`` package) with one
addressee and the letter attached; Outlook and Thunderbird open it as a message to
send (``X-Unsent: 1``). Nothing is ever sent from the tool.

Pure: no file is read here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from slrbcall.documents.l10n import format_date, french_spacing
from slrbcall.i18n import language
from slrbcall.model import Channel

if TYPE_CHECKING:
    from email.message import EmailMessage

    from slrbcall.model import NotificationRule
    from slrbcall.store import AuditRow

__all__ = [
    "CHANNEL_NAMES",
    "AppealPeriod",
    "Notice",
    "appeal_period",
    "channel_name",
    "draft_message",
    "last_notices",
    "public_holidays",
    "sent_on_text",
    "working_day",
]

#: How each channel is named, for people.
CHANNEL_NAMES = {
    "email": {"en": "e-mail", "fr": "courrier électronique", "nl": "e-mail"},
    "registered": {
        "en": "registered letter",
        "fr": "lettre recommandée",
        "nl": "aangetekende brief",
    },
    "ebox": {"en": "e-Box", "fr": "e-Box", "nl": "e-Box"},
}


def channel_name(key: str) -> str:
    """How channel ``key`` is named in the officer's language."""
    return CHANNEL_NAMES[key][language()]


def _easter(year: int) -> dt.date:
    """Easter Sunday (the Gregorian computus, as published by Nature in 1876)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return dt.date(year, month, day + 1)


@cache
def public_holidays(year: int) -> frozenset[dt.date]:
    """The ten Belgian public holidays of ``year``."""
    easter = _easter(year)
    fixed = ((1, 1), (5, 1), (7, 21), (8, 15), (11, 1), (11, 11), (12, 25))
    moving = (dt.timedelta(days=1), dt.timedelta(days=39), dt.timedelta(days=50))
    return frozenset(
        [dt.date(year, month, day) for month, day in fixed] + [easter + d for d in moving]
    )


def working_day(day: dt.date) -> bool:
    """Monday to Friday, and not a public holiday."""
    return day.weekday() < 5 and day not in public_holidays(day.year)


@dataclass(frozen=True, slots=True)
class AppealPeriod:
    """The appeal period of a notification: its first and last day (both included)."""

    channel: Channel
    sent_on: dt.date
    first_day: dt.date
    last_day: dt.date
    days: int


def appeal_period(rule: NotificationRule, *, sent_on: dt.date, days: int) -> AppealPeriod:
    """The period of ``days`` days that a notification sent on ``sent_on`` opens.

    Its first day is the ``rule.after``-th day (working day, when the rule says so)
    after ``sent_on``; its last day is ``days - 1`` days later.
    """
    first = sent_on
    counted = 0
    while counted < rule.after:
        first += dt.timedelta(days=1)
        if not rule.working_days or working_day(first):
            counted += 1
    return AppealPeriod(
        channel=rule.channel,
        sent_on=sent_on,
        first_day=first,
        last_day=first + dt.timedelta(days=days - 1),
        days=days,
    )


@dataclass(frozen=True, slots=True)
class Notice:
    """A recorded notification of one application's decision, and its appeal period."""

    reference: str
    period: AppealPeriod
    source: str  # the legal source of the rule (French), from the call


def last_notices(rows: Iterable[AuditRow]) -> list[Notice]:
    """The last notification of each application, by reference, from the audit rows
    of the notifications recorded (oldest first, as ``slrbcall notified`` wrote them)."""
    last: dict[str, Notice] = {}
    for row in rows:
        after = row.after or {}
        reference = (row.entity_key or "").split("/")[1]
        last[reference] = Notice(
            reference=reference,
            period=AppealPeriod(
                channel=Channel(after["channel"]),
                sent_on=dt.date.fromisoformat(after["sent_on"]),
                first_day=dt.date.fromisoformat(after["first_day"]),
                last_day=dt.date.fromisoformat(after["last_day"]),
                days=int(after["days"]),
            ),
            source=str(after.get("source", "")),
        )
    return [last[reference] for reference in sorted(last)]


_BODY = {
    "fr": (
        "Madame, Monsieur,\n\n"
        "Veuillez trouver en pièce jointe la décision relative au projet « {project_title} »"
        " (réf. {reference}), introduit dans le cadre {call_title_in_context}.\n\n"
        "La lettre jointe indique les voies de recours contre cette décision et la"
        " possibilité de saisir {ombudsman_name}.\n\n"
        "Pour toute question : {contact_name}, {contact_function}, tél. {contact_phone},"
        " {contact_email}.\n\n"
        "Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.\n\n"
        "{signatory}, {signatory_function}\n{authority_name}\n"
    ),
    "nl": (
        "Geachte mevrouw, geachte heer,\n\n"
        "In bijlage vindt u de beslissing over het project „{project_title}” (ref."
        " {reference}), ingediend in het kader {call_title_in_context}.\n\n"
        "De bijgevoegde brief vermeldt de beroepsmogelijkheden tegen deze beslissing en de"
        " mogelijkheid om een klacht in te dienen bij {ombudsman_name}.\n\n"
        "Met vragen kunt u terecht bij {contact_name}, {contact_function}, tel."
        " {contact_phone}, {contact_email}.\n\n"
        "Met de meeste hoogachting,\n\n"
        "{signatory}, {signatory_function}\n{authority_name}\n"
    ),
}
_SUBJECT = {
    "fr": "{call_title_heading} – décision relative au projet {reference}",
    "nl": "{call_title_heading} – beslissing over het project {reference}",
}
_UNKNOWN = "……"


def draft_message(
    context: Mapping[str, Any],
    *,
    attachment: bytes,
    attachment_name: str,
    content_type: str,
    date: dt.date,
) -> EmailMessage:
    """The draft of one letter's e-mail: from the call's contact person to the
    application's contact person (one addressee), in the letter's language, the letter
    attached. ``context`` is the letter's context (its ``recipient_*``, ``contact_*``,
    ``signatory`` ... keys); an empty value prints as a dotted line."""
    # The e-mail package is loaded only to write drafts: the timeline and the history,
    # which read the appeal periods from here, do not need it.
    from email.message import EmailMessage  # noqa: PLC0415 (loaded only to write drafts)
    from email.policy import SMTP  # noqa: PLC0415 (loaded only to write drafts)
    from email.utils import format_datetime, formataddr  # noqa: PLC0415 (loaded only to write drafts)

    lang = str(context["lang"])
    values = {key: (value if value is not None else _UNKNOWN) for key, value in context.items()}
    message = EmailMessage(policy=SMTP)
    sender = str(context["contact_email"])
    name = f"{context['contact_name']} ({context['authority_short']})"
    message["From"] = formataddr((name, sender))
    message["To"] = formataddr(
        (str(context["recipient_person"] or ""), str(context["recipient_email"]))
    )
    message["Subject"] = _SUBJECT[lang].format_map(values)
    message["Date"] = format_datetime(dt.datetime.combine(date, dt.time(9), tzinfo=dt.UTC))
    digest = hashlib.sha256(attachment).hexdigest()[:24]
    domain = sender.rsplit("@", 1)[-1]
    message["Message-ID"] = f"<{context['call_id']}.{context['reference']}.{digest}@{domain}>"
    message["X-Unsent"] = "1"  # Outlook opens it as a message to send, not a received one
    body = _BODY[lang].format_map(values)
    message.set_content(french_spacing(body) if lang == "fr" else body)
    maintype, subtype = content_type.split("/", 1)
    message.add_attachment(attachment, maintype=maintype, subtype=subtype, filename=attachment_name)
    message["Content-Language"] = lang  # after the parts: setting a part clears Content-*
    return message


def sent_on_text(period: AppealPeriod, lang: str) -> str:
    """``lettre recommandée du 18 décembre 2023`` / ``aangetekende brief van 18 december 2023``."""
    channel = CHANNEL_NAMES[period.channel.value][lang]
    joined = "van" if lang == "nl" else "du"
    return f"{channel} {joined} {format_date(period.sent_on, lang)}"
