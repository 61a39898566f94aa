"""``slrbcall history REF``: everything that happened to one application, from the audit."""

from __future__ import annotations

import typer

from slrbcall.cli.common import ApplicationReference, JsonOption, settings
from slrbcall.cli.output import emit_json, out_console, table, text
from slrbcall.i18n import _, format_moment, labelled
from slrbcall.reports.service.history import application_history


def history(
    ctx: typer.Context,
    reference: ApplicationReference,
    as_json: JsonOption = False,
) -> None:
    """Everything that happened to one application, in order: who, when, what and why.

    Its intake and later changes, the committee's marks, each allocation run's proposal
    and each adoption, its milestones and signature, payments and corrections, reports,
    withdrawal and amendments, as the workspace's audit recorded them.

    Example: slrbcall history EMP23-07
    """

    loaded, application, events = application_history(settings(ctx), reference)
    if as_json:
        emit_json(
            {
                "call": loaded.call.id,
                "reference": application.reference,
                "events": [
                    {
                        "at": event.at,
                        "actor": event.actor,
                        "command": event.command,
                        "what": event.what,
                        "reason": event.reason,
                        "source": event.source,
                    }
                    for event in events
                ],
            }
        )
        return
    view = table(
        _("when"),
        _("who"),
        _("what"),
        _("why"),
        title=labelled(application.reference, application.title),
    )
    for event in events:
        source = _(" (from {file})").format(file=event.source) if event.source else ""
        view.add_row(
            text(format_moment(event.at)),
            text(event.actor or "-"),
            text(event.what + source),
            text(event.reason or ""),
        )
    out_console().print(view)
