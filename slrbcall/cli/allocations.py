"""``slrbcall allocations list / adopt / show``: the stored runs, and which is the decision."""

from __future__ import annotations

from typing import Annotated

import typer

from slrbcall.allocation import service as allocation_service
from slrbcall.cli.common import JsonOption, settings
from slrbcall.cli.options import WholeNumber
from slrbcall.cli.output import emit_json, eur, out_console, table, text
from slrbcall.money import format_eur, format_plain

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
        "run",
        "at",
        "policy",
        "budget",
        "awarded",
        "funded",
        "",
        title=loaded.call.id,
        numeric=("run", "budget", "awarded", "funded"),
    )
    was = {a.run_id for a in found.adoptions}
    for r in runs:
        funded = sum(1 for line in r.result["lines"] if line["decision"].startswith("funded"))
        of = r.parameters.get("reallocation_of")
        view.add_row(
            text(r.id),
            text(r.at),
            text(r.policy if of is None else f"{r.policy}, reserve of run {of}"),
            eur(r.budget_cents),
            eur(r.awarded_cents),
            text(funded),
            text(_state(r.id, adopted, was), "green" if r.id == adopted else ""),
        )
    console = out_console()
    console.print(view)
    if adoption is None:
        console.print(text("No run is adopted yet: 'slrbcall allocations adopt RUN' adopts one."))
    else:
        why = f": {adoption.reason}" if adoption.reason else ""
        console.print(text(f"Run {adoption.run_id} adopted on {adoption.at}{why}."))
        if terms is not None:
            until = f", valid until {terms.valid_until}" if terms.valid_until else ""
            listed = ", ".join(f"{p.place}. {p.reference}" for p in now.reserve) or "empty"
            console.print(text(f"Reserve list{until}: {listed}."))
        for reference, withdrawn in now.pending.items():
            console.print(
                text(
                    f"Withdrawn since: {reference} on {withdrawn.on} "
                    f"({format_eur(withdrawn.released_cents)} released); 'slrbcall reallocate' "
                    "proposes where it goes.",
                    "yellow",
                )
            )


def _state(run_id: int, adopted: int | None, was: set[int]) -> str:
    """A run's state: the decision in force, one that was, or a proposal."""
    if run_id == adopted:
        return "adopted"
    return "replaced" if run_id in was else "proposal"


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
    before = "" if done.previous_run_id is None else f", replacing run {done.previous_run_id}"
    console.print(
        text(f"Run {done.run.id} is now the adopted decision of {done.loaded.call.id}{before}.")
    )
    for change in done.changes:
        console.print(text(f"Changed: {change.describe()}."))
    if done.loaded.call.reserve is not None:
        listed = ", ".join(done.reserve) or "empty"
        console.print(text(f"Reserve list, in order: {listed}."))


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
        "rank",
        "reference",
        "requested",
        "awarded",
        "decision",
        "why",
        title=f"{loaded.call.id}: run {stored.id} ({stored.policy}, {stored.at})",
        numeric=("rank",),
    )
    for line in stored.result["lines"]:
        status = states.get(line["reference"], {}).get("status")
        view.add_row(
            text(line["rank"] or "-"),
            text(line["reference"]),
            text(line["requested"]),
            text(line["amount"]),
            text("withdrawn" if line["reason"] == "withdrawn" else line["decision"]),
            text(line["explanation"] + (f" {status}" if status else "")),
        )
    out_console().print(view)
