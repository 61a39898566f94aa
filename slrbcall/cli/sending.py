"""``slrbcall notify`` and ``notified``: e-mail drafts of the letters, and the proof of
each notification, from which the appeal period runs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from slrbcall.cli.common import JsonOption, settings
from slrbcall.cli.dates import Day
from slrbcall.cli.documents import DateOption, Only
from slrbcall.cli.followup import TodayOption, _today
from slrbcall.cli.options import EnumChoice
from slrbcall.cli.output import emit_json, out_console, text, warn
from slrbcall.documents import sending
from slrbcall.documents.notification import CHANNEL_NAMES
from slrbcall.model import Channel

__all__ = ["notified", "notify"]


def notify(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="The drafts folder.")] = Path("drafts"),
    only: Only = None,
    date: DateOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write one e-mail draft (.eml) per addressee of the decision letters; send nothing.

    Each draft goes to the application's contact person, in the application's
    language, from the call's contact person, with the letter rendered by
    'slrbcall render-letters' attached (its PDF when there is one). A manifest.json
    lists each draft and its attachment with their SHA-256. Open a draft in Outlook or
    Thunderbird to send it, then record the day with 'slrbcall notified'.

    Example: slrbcall notify --out drafts
    """

    done = sending.notify(settings(ctx), out=out, only=only, date=date)
    warn(done.warnings)
    if as_json:
        emit_json(
            {
                "call": done.loaded.call.id,
                "run": done.run_id,
                "out": str(done.out_dir),
                "drafts": [
                    {
                        "reference": d.reference,
                        "lang": d.lang,
                        "file": d.file,
                        "sha256": d.sha256,
                        "to": d.to,
                        "attachment": d.attachment,
                        "attachment_sha256": d.attachment_sha256,
                    }
                    for d in done.drafts
                ],
                "manifest": str(done.manifest),
                "warnings": list(done.warnings),
            }
        )
        return
    console = out_console()
    console.print(
        text(
            f"Wrote {len(done.drafts)} e-mail drafts of {done.loaded.call.id} in "
            f"{done.out_dir}; nothing was sent."
        )
    )
    for draft in done.drafts:
        console.print(text(f"  {draft.file} to {draft.to}, with {draft.attachment}"))
    console.print(text(f"Manifest with SHA-256 of each draft and attachment: {done.manifest}"))


def notified(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(metavar="REF", help="The application's reference.")],
    on: Annotated[
        dt.date,
        typer.Option("--on", click_type=Day(), help="The day the decision was sent."),
    ],
    channel: Annotated[
        Channel,
        typer.Option(
            "--channel",
            click_type=EnumChoice(Channel),
            help="email, registered (a registered letter) or ebox.",
        ),
    ],
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="A note kept with the record (e.g. the postal receipt)."),
    ] = None,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record that a decision was notified: the day it was sent and how.

    The appeal period follows the call's rule for the channel ('notification' in its
    file, with its legal source): for a registered letter in the shipped calls, from
    the third working day after posting, for 60 days. Recorded in the audit with who
    and why; 'slrbcall timeline' shows each appeal period's last day.

    Example: slrbcall notified EMP23-13 --on 2023-12-18 --channel registered
    """

    done = sending.notified(
        settings(ctx), reference, on=on, channel=channel, reason=reason, today=_today(today)
    )
    period = done.notice.period
    if as_json:
        emit_json(
            {
                "call": done.loaded.call.id,
                "reference": done.notice.reference,
                "channel": period.channel.value,
                "sent_on": period.sent_on.isoformat(),
                "first_day": period.first_day.isoformat(),
                "last_day": period.last_day.isoformat(),
                "days": period.days,
                "source": done.notice.source,
            }
        )
        return
    out_console().print(
        text(
            f"Recorded: {done.notice.reference} notified by "
            f"{CHANNEL_NAMES[period.channel.value]['en']} sent on {period.sent_on}; the appeal "
            f"period runs from {period.first_day} to {period.last_day} ({period.days} days; "
            f"{done.notice.source})."
        ),
        soft_wrap=True,
    )
