"""``slrbcall withdraw`` and ``reallocate``: an applicant renounces, and the money that
releases goes to the reserve list."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from slrbcall.allocation import reallocation as reallocation_service
from slrbcall.allocation.codes import decision_label, reason_label
from slrbcall.allocation.standing import shown_day
from slrbcall.cli.allocation import Partial, PolicyOption, say_stored
from slrbcall.cli.common import ApplicationReference, JsonOption, settings
from slrbcall.cli.dates import Day
from slrbcall.cli.followup import TodayOption, _today
from slrbcall.cli.output import emit_json, eur, out_console, table, text
from slrbcall.errors import RefusedError
from slrbcall.i18n import _, clauses
from slrbcall.money import format_eur, format_plain

if TYPE_CHECKING:
    from slrbcall.allocation.engine import Reallocation

__all__ = ["reallocate", "withdraw"]


def withdraw(
    ctx: typer.Context,
    reference: ApplicationReference,
    date: Annotated[
        dt.date,
        typer.Option("--date", click_type=Day(), help="The day the applicant withdrew."),
    ],
    reason: Annotated[
        str, typer.Option("--reason", help="Why: recorded with the withdrawal and in the audit.")
    ],
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record that an applicant withdrew an application, before or after signature.

    The application stays visible with its history; it is in no new run and is paid
    nothing dated after the withdrawal. What it was awarded and not paid is released:
    'slrbcall reallocate' proposes to give it to the reserve list. This is the way to
    take an application out: removing its row from the applications file does not.

    Example: slrbcall withdraw EMP23-07 --date 2024-03-01 --reason "the partner closed"
    """

    done = reallocation_service.withdraw(
        settings(ctx), reference, on=date, reason=reason, today=_today(today)
    )
    w = done.withdrawn
    if as_json:
        emit_json(
            {
                "call": done.loaded.call.id,
                "reference": done.reference,
                "on": w.on,
                "reason": w.reason,
                "run": w.run_id,
                "award": format_plain(w.award_cents),
                "paid": format_plain(w.paid_cents),
                "released": format_plain(w.released_cents),
                "left_reserve_rank": None if done.left_reserve is None else done.left_reserve.place,
            }
        )
        return
    day = shown_day(w.on)
    said = [
        _("Recorded the withdrawal of {reference} on {day}.").format(
            reference=done.reference, day=day
        )
    ]
    if w.award_cents:
        said.append(
            _(
                "It was awarded {award} in run {run}; {paid} was paid, so {released} is "
                "released. It is paid nothing dated after {day}."
            ).format(
                award=format_eur(w.award_cents),
                run=w.run_id,
                paid=format_eur(w.paid_cents),
                released=format_eur(w.released_cents),
                day=day,
            )
        )
        if w.released_cents:
            said.append(_("'slrbcall reallocate' proposes to give it to the reserve list."))
    elif done.left_reserve is not None:
        said.append(
            _("It leaves the reserve list (it was rank {place}); nothing is released.").format(
                place=done.left_reserve.place
            )
        )
    else:
        said.append(_("It had no award: nothing is released."))
    out_console().print(text(" ".join(said)))


def reallocate(
    ctx: typer.Context,
    policy: PolicyOption = None,
    partial: Partial = None,
    after_validity: Annotated[
        bool,
        typer.Option(
            "--after-validity",
            help="Reallocate although the reserve's validity has passed (needs --reason).",
        ),
    ] = False,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason", help="Why --after-validity: recorded with the run.", show_default=False
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the result, store nothing.")
    ] = False,
    today: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Propose awards to the reserve list from the money that withdrawals released.

    Free is what the withdrawals since the adopted decision released (award minus what
    was paid) and what the decision left unspent. The reserve's projects are funded in
    their order under the reserve's policy; every other award is carried unchanged. The
    run is stored as a proposal: 'slrbcall allocations adopt RUN' adopts it.

    Example: slrbcall reallocate --policy greedy --dry-run
    """

    if after_validity and not (reason or "").strip():
        raise RefusedError(
            _("--after-validity needs --reason TEXT: say why the reserve is used late")
        )
    if reason is not None and not after_validity:
        raise RefusedError(_("--reason goes with --after-validity; a reallocation needs no other"))
    done = reallocation_service.reallocate(
        settings(ctx),
        today=_today(today),
        policy=policy,
        partial=partial,
        dry_run=dry_run,
        after_validity=reason if after_validity else None,
    )
    result = done.result
    if as_json:
        emit_json(
            {
                "call": done.loaded.call.id,
                "run": done.run_id,
                "stored": done.run_id is not None,
                "input_sha256": done.input_sha256,
                **result.to_json(),
            }
        )
        return
    render_reallocation(
        result,
        title=_("{call}: reallocation of run {run}").format(
            call=done.loaded.call.id, run=result.run_id
        ),
    )
    say_stored(done.run_id)


def render_reallocation(result: Reallocation, *, title: str) -> None:
    """The lines a reallocation changes, then where the money came from and went."""
    view = table(
        _("rank"),
        _("reserve"),
        _("reference"),
        _("requested"),
        _("awarded"),
        _("decision"),
        _("why"),
        title=title,
        numeric=(_("rank"), _("reserve"), _("requested"), _("awarded")),
    )
    for line in (*result.withdrawn, *result.reserve):
        place = line.facts.get("reserve_rank")
        withdrawn = line.reason.value == "withdrawn"
        view.add_row(
            text(line.rank or "-"),
            text(place or "-"),
            text(line.reference),
            eur(line.requested_cents),
            eur(line.amount_cents),
            text(reason_label(line.reason) if withdrawn else decision_label(line.decision)),
            text(line.shown_explanation),
        )
    console = out_console()
    console.print(view)
    numbers = {
        "free": format_eur(result.free_cents),
        "released": format_eur(result.released_cents),
        "withdrawn": ", ".join(line.reference for line in result.withdrawn),
        "unspent": format_eur(result.unspent_cents),
        "run": result.run_id,
        "funded": clauses(f"{x.reference} {format_eur(x.amount_cents)}" for x in result.funded)
        or _("none"),
        "left": format_eur(result.free_cents - result.awarded_cents),
    }
    if result.unspent_cents:
        said = _(
            "{free} is free ({released} released by the withdrawal of {withdrawn} and "
            "{unspent} run {run} left unspent). Funded from the reserve: {funded}; {left} "
            "left. Every other award of run {run} is carried unchanged."
        )
    else:
        said = _(
            "{free} is free ({released} released by the withdrawal of {withdrawn}). Funded "
            "from the reserve: {funded}; {left} left. Every other award of run {run} is "
            "carried unchanged."
        )
    console.print(text(said.format(**numbers)))
