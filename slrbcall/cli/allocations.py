"""``slrbcall allocations list / adopt / show``: the stored runs, and which is the decision."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import typer

from slrbcall.allocation import service as allocation_service
from slrbcall.allocation.codes import ReasonCode, decision_label, reason_label
from slrbcall.allocation.engine import shown_explanation
from slrbcall.allocation.standing import shown_day
from slrbcall.cli.common import JsonOption, settings
from slrbcall.cli.options import WholeNumber
from slrbcall.cli.output import emit_json, eur, out_console, table, text
from slrbcall.i18n import N_, _, format_moment, language
from slrbcall.money import cents_from_decimal, format_eur, format_plain

app = typer.Typer(no_args_is_help=True, help="The stored allocation runs.")


@app.command("list")
def list_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the stored allocation runs: which one is adopted, since when and why.

    Example: slrbcall allocations list
    """

    found = allocation_service.decisions(settings(ctx))
    loaded, runs, adopted = found.loaded, found.runs, found.adopted_id
    adoption = found.adoptions[-1] if found.adoptions else None
    now, terms = found.standing, loaded.call.reserve
    reserve = [p.reference for p in now.reserve] if terms is not None else None
    if as_json:
        emit_json(
            [
                {
                    "run": r.id,
                    "at": r.at,
                    "policy": r.policy,
                    "budget": format_plain(r.budget_cents),
                    "awarded": format_plain(r.awarded_cents),
                    "input_sha256": r.input_sha256,
                    "tool_version": r.tool_version,
                    "adopted": r.id == adopted,
                    "adoptions": [
                        {"at": a.at, "reason": a.reason, "superseded_run": a.superseded_run_id}
                        for a in found.adoptions
                        if a.run_id == r.id
                    ],
                    "reallocation_of": r.parameters.get("reallocation_of"),
                    "reserve": reserve if r.id == adopted else None,
                }
                for r in runs
            ]
        )
        return
    view = table(
        _("run"),
        _("at"),
        _("policy"),
        _("budget"),
        _("awarded"),
        _("funded"),
        "",
        title=loaded.call.id,
        numeric=(_("run"), _("budget"), _("awarded"), _("funded")),
    )
    was = {a.run_id for a in found.adoptions}
    for r in runs:
        funded = sum(1 for line in r.result["lines"] if line["decision"].startswith("funded"))
        of = r.parameters.get("reallocation_of")
        policy = r.policy
        if of is not None:
            policy = _("{policy}, reserve of run {run}").format(policy=r.policy, run=of)
        view.add_row(
            text(r.id),
            text(format_moment(r.at)),
            text(policy),
            eur(r.budget_cents),
            eur(r.awarded_cents),
            text(funded),
            text(_state(r.id, adopted, was), "green" if r.id == adopted else ""),
        )
    console = out_console()
    console.print(view)
    if adoption is None:
        console.print(
            text(_("No run is adopted yet: 'slrbcall allocations adopt RUN' adopts one."))
        )
    else:
        if adoption.reason:
            adopted_on = _("Run {run} adopted on {at}: {reason}.")
        else:
            adopted_on = _("Run {run} adopted on {at}.")
        console.print(
            text(
                adopted_on.format(
                    run=adoption.run_id, at=format_moment(adoption.at), reason=adoption.reason
                )
            )
        )
        if terms is not None:
            listed = ", ".join(f"{p.place}. {p.reference}" for p in now.reserve) or _("empty")
            if terms.valid_until:
                reserve_list = _("Reserve list, valid until {day}: {listed}.").format(
                    day=shown_day(terms.valid_until), listed=listed
                )
            else:
                reserve_list = _("Reserve list: {listed}.").format(listed=listed)
            console.print(text(reserve_list))
        for reference, withdrawn in now.pending.items():
            console.print(
                text(
                    _(
                        "Withdrawn since: {reference} on {day} ({released} released); "
                        "'slrbcall reallocate' proposes where it goes."
                    ).format(
                        reference=reference,
                        day=shown_day(withdrawn.on),
                        released=format_eur(withdrawn.released_cents),
                    ),
                    "yellow",
                )
            )


#: A run's state, as the list shows it.
_STATES = {"adopted": N_("adopted"), "replaced": N_("replaced"), "proposal": N_("proposal")}


def _state(run_id: int, adopted: int | None, was: set[int]) -> str:
    """A run's state: the decision in force, one that was, or a proposal."""
    if run_id == adopted:
        return _(_STATES["adopted"])
    return _(_STATES["replaced"] if run_id in was else _STATES["proposal"])


@app.command()
def adopt(
    ctx: typer.Context,
    run: Annotated[int, typer.Argument(metavar="RUN", help="The run to adopt.")],
    supersede: Annotated[
        bool,
        typer.Option(
            "--supersede",
            help="Replace a decision whose conventions are signed or paid (needs --reason).",
        ),
    ] = False,
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Why: recorded with the adoption.", show_default=False),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Adopt a stored run as the call's decision: documents and payments follow it.

    While the decision in force has signed conventions or payments, a run that would
    change them is refused unless --supersede --reason; an award on which money was
    paid is never lowered or removed.

    Example: slrbcall allocations adopt 1
    """

    done = allocation_service.adopt(settings(ctx), run, supersede=supersede, reason=reason)
    if as_json:
        emit_json(
            {
                "call": done.loaded.call.id,
                "run": done.run.id,
                "previous_run": done.previous_run_id,
                "reason": done.reason,
                "changed": [c.reference for c in done.changes],
                "reserve": list(done.reserve) if done.loaded.call.reserve is not None else None,
            }
        )
        return
    console = out_console()
    if done.previous_run_id is None:
        adopted = _("Run {run} is now the adopted decision of {call}.")
    else:
        adopted = _("Run {run} is now the adopted decision of {call}, replacing run {previous}.")
    console.print(
        text(
            adopted.format(run=done.run.id, call=done.loaded.call.id, previous=done.previous_run_id)
        )
    )
    for change in done.changes:
        console.print(text(_("Changed: {change}.").format(change=change.describe())))
    if done.loaded.call.reserve is not None:
        listed = ", ".join(done.reserve) or _("empty")
        console.print(text(_("Reserve list, in order: {listed}.").format(listed=listed)))


@app.command()
def show(
    ctx: typer.Context,
    run: Annotated[
        int | None,
        typer.Argument(
            metavar="[RUN]",
            click_type=WholeNumber(1, 10**9),
            help="A run number (default: the adopted one).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show one stored allocation run with every decision.

    Example: slrbcall allocations show
    """

    found = allocation_service.decisions(settings(ctx))
    loaded, stored = allocation_service.adopted_run(settings(ctx), run)
    terms = loaded.call.reserve
    # What happened since applies to the decision in force only.
    states = (
        {
            line["reference"]: found.standing.state(line["reference"], terms)
            for line in stored.result["lines"]
        }
        if stored.id == found.adopted_id
        else {}
    )
    if as_json:
        reserve = None
        if states and terms is not None:
            reserve = {
                "valid_until": None if terms.valid_until is None else str(terms.valid_until),
                "projects": [
                    {"place": p.place, "reference": p.reference, "rank": p.rank}
                    for p in found.standing.reserve
                ],
            }
        emit_json(
            {
                "run": stored.id,
                "at": stored.at,
                **stored.result,
                "adopted": stored.id == found.adopted_id,
                "reserve": reserve,
                "since": {ref: state for ref, state in states.items() if state["status"]},
            }
        )
        return
    view = table(
        _("rank"),
        _("reference"),
        _("requested"),
        _("awarded"),
        _("decision"),
        _("why"),
        title=_("{call}: run {run} ({policy}, {at})").format(
            call=loaded.call.id, run=stored.id, policy=stored.policy, at=format_moment(stored.at)
        ),
        numeric=(_("rank"),),
    )
    options = stored.result.get("options")
    for line in stored.result["lines"]:
        status = states.get(line["reference"], {}).get("status")
        withdrawn = line["reason"] == ReasonCode.WITHDRAWN.value
        why = shown_explanation(line, options)
        view.add_row(
            text(line["rank"] or "-"),
            text(line["reference"]),
            text(_amount(line["requested"])),
            text(_amount(line["amount"])),
            text(reason_label(line["reason"]) if withdrawn else decision_label(line["decision"])),
            text(why + (f" {status}" if status else "")),
        )
    out_console().print(view)


def _amount(plain: str) -> str:
    """A stored amount (``"52000.00"``) as written today in English (as stored), else in
    the officer's notation."""
    if language() == "en":
        return plain
    return format_eur(cents_from_decimal(Decimal(plain)))
