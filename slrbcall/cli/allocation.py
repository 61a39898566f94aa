"""``slrbcall allocate``, ``scenarios``, ``explain`` and ``allocations``: who gets what, why."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated, Any

import typer

from slrbcall.allocation import service as allocation_service
from slrbcall.cli.committee import AllowIncomplete
from slrbcall.cli.common import JsonOption, settings
from slrbcall.cli.output import emit_json, eur, out_console, table, text
from slrbcall.errors import RefusedError
from slrbcall.model import PartialPolicy, Policy, ThemeCap
from slrbcall.money import AmountError, format_plain, parse_amount

if TYPE_CHECKING:
    from slrbcall.allocation import AllocationResult, OptionOverrides

app = typer.Typer(no_args_is_help=True, help="The stored allocation runs.")

Budget = Annotated[
    str | None,
    typer.Option("--budget", help="The budget in euro (default: the call's), e.g. 255000."),
]
PolicyOption = Annotated[
    str | None, typer.Option("--policy", help="greedy, strict or max-score (default: the call's).")
]
Partial = Annotated[
    str | None, typer.Option("--partial", help="off or remainder (default: the call's).")
]
PartialShare = Annotated[
    str | None,
    typer.Option(
        "--partial-min-share", help="A partial award is at least this share of the request."
    ),
]
Granularity = Annotated[
    str | None, typer.Option("--granularity", help="Partial awards are multiples of this (euro).")
]
MinScore = Annotated[str | None, typer.Option("--min-score", help="Fund nothing below this score.")]
OrgCap = Annotated[
    int | None, typer.Option("--org-cap", help="At most this many funded projects per applicant.")
]
ThemeCapOption = Annotated[
    list[str] | None,
    typer.Option("--theme-cap", help="THEME=AMOUNT or THEME=PCT%; repeat for several themes."),
]
ThemeGuarantee = Annotated[
    bool | None,
    typer.Option(
        "--theme-guarantee/--no-theme-guarantee",
        help="First fund the best application of each theme (default: the call's).",
    ),
]
TieBreak = Annotated[
    list[str] | None,
    typer.Option(
        "--tie-break",
        help="Tie-break key, in order; repeat: id, request-asc, request-desc, criterion:KEY, "
        "lottery:SEED.",
    ),
]


def _money(text_value: str, option: str) -> int:

    try:
        return parse_amount(text_value)
    except AmountError as exc:
        raise RefusedError(f"{option}: {exc}") from None


def _decimal(text_value: str, option: str) -> Decimal:
    try:
        return Decimal(text_value.replace(",", "."))
    except InvalidOperation:
        raise RefusedError(f"{option}: not a number: {text_value!r}") from None


def overrides(
    *,
    policy: str | None,
    partial: str | None,
    partial_min_share: str | None,
    granularity: str | None,
    min_score: str | None,
    org_cap: int | None,
    theme_cap: list[str] | None,
    theme_guarantee: bool | None,
    tie_break: list[str] | None,
) -> OptionOverrides:
    """The options given on the command line (the others come from the call)."""
    chosen: OptionOverrides = {}
    try:
        if policy is not None:
            chosen["policy"] = Policy(policy)
        if partial is not None:
            chosen["partial"] = PartialPolicy(partial)
    except ValueError as exc:
        raise RefusedError(f"{exc}: see 'slrbcall allocate --help'") from None
    if partial_min_share is not None:
        chosen["partial_min_share"] = _decimal(partial_min_share, "--partial-min-share")
    if granularity is not None:
        chosen["granularity_cents"] = _money(granularity, "--granularity")
    if min_score is not None:
        chosen["min_score"] = _decimal(min_score, "--min-score")
    if org_cap is not None:
        chosen["org_cap"] = org_cap
    if theme_cap:
        caps = []
        for item in theme_cap:
            theme, sep, value = item.partition("=")
            if not sep or not theme or not value:
                raise RefusedError(f"--theme-cap {item!r}: write THEME=AMOUNT or THEME=PCT%")
            if value.strip().endswith("%"):
                caps.append(
                    ThemeCap(theme=theme, percent=_decimal(value.strip()[:-1], "--theme-cap"))
                )
            else:
                caps.append(ThemeCap(theme=theme, amount_cents=_money(value, "--theme-cap")))
        chosen["theme_caps"] = tuple(caps)
    if theme_guarantee is not None:
        chosen["theme_guarantee"] = theme_guarantee
    if tie_break:
        chosen["tie_break"] = tuple(key for item in tie_break for key in item.split(",") if key)
    return chosen


def allocate(
    ctx: typer.Context,
    budget: Budget = None,
    policy: PolicyOption = None,
    partial: Partial = None,
    partial_min_share: PartialShare = None,
    granularity: Granularity = None,
    min_score: MinScore = None,
    org_cap: OrgCap = None,
    theme_cap: ThemeCapOption = None,
    theme_guarantee: ThemeGuarantee = None,
    tie_break: TieBreak = None,
    allow_incomplete: AllowIncomplete = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the result, store nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Allocate the budget and explain every decision; the run is stored as a proposal.

    Defaults come from the call definition; the options override them. The proposal
    becomes the call's decision only with 'slrbcall allocations adopt RUN'.

    Example: slrbcall allocate --budget 255000 --policy greedy
    """

    chosen = overrides(
        policy=policy,
        partial=partial,
        partial_min_share=partial_min_share,
        granularity=granularity,
        min_score=min_score,
        org_cap=org_cap,
        theme_cap=theme_cap,
        theme_guarantee=theme_guarantee,
        tie_break=tie_break,
    )
    try:
        done = allocation_service.allocate(
            settings(ctx),
            budget_cents=_money(budget, "--budget") if budget is not None else None,
            overrides=chosen,
            allow_incomplete=allow_incomplete,
            dry_run=dry_run,
        )
    except ValueError as exc:
        raise RefusedError(str(exc)) from None
    if as_json:
        emit_json(
            {**done.result.to_json(), "input_sha256": done.input_sha256, "stored": not dry_run}
        )
        return
    render_result(done.result, title=f"{done.loaded.call.id}: {done.result.policy.value}")
    console = out_console()
    if done.run_id is None:
        console.print(text("Dry run: nothing was stored; the adopted allocation is unchanged."))
    else:
        console.print(
            text(
                f"Stored as proposal run {done.run_id}; the adopted decision is unchanged. "
                f"Adopt it with 'slrbcall allocations adopt {done.run_id}'."
            )
        )


def render_result(result: AllocationResult, *, title: str) -> None:
    view = table(
        "rank",
        "reference",
        "score",
        "requested",
        "awarded",
        "decision",
        "why",
        title=title,
        numeric=("rank", "score", "requested", "awarded"),
    )
    styles = {
        "funded_full": "green",
        "funded_partial": "cyan",
        "not_funded": "",
        "ineligible": "red",
    }
    for line in result.lines:
        view.add_row(
            text(line.rank or "-"),
            text(line.reference),
            text(f"{line.score:.2f}" if line.rank else "-"),
            eur(line.requested_cents),
            eur(line.amount_cents),
            text(line.decision.value, styles[line.decision.value]),
            text(line.explanation),
        )
    console = out_console()
    console.print(view)
    funded = [line for line in result.lines if line.amount_cents > 0]
    console.print(
        text(
            f"{len(funded)} funded: {eur(result.total_awarded_cents)} awarded of "
            f"{eur(result.options.budget_cents)}; {eur(result.remainder_cents)} left."
        )
    )


def scenarios(
    ctx: typer.Context,
    budget: Annotated[
        list[str] | None, typer.Option("--budget", help="A budget to try; repeat for several.")
    ] = None,
    policy: Annotated[
        list[str] | None, typer.Option("--policy", help="A policy to try; repeat for several.")
    ] = None,
    partial: Partial = None,
    min_score: MinScore = None,
    org_cap: OrgCap = None,
    allow_incomplete: AllowIncomplete = None,
    as_json: JsonOption = False,
) -> None:
    """Compare allocations side by side: the amount of each application, who moves in or out.

    Nothing is stored.

    Example: slrbcall scenarios --budget 255000 --budget 300000 --policy greedy --policy max-score
    """

    chosen = overrides(
        policy=None,
        partial=partial,
        partial_min_share=None,
        granularity=None,
        min_score=min_score,
        org_cap=org_cap,
        theme_cap=None,
        theme_guarantee=None,
        tie_break=None,
    )
    try:
        loaded, found = allocation_service.scenarios(
            settings(ctx),
            budgets=[_money(b, "--budget") for b in budget or []],
            policies=policy or [],
            overrides=chosen,
            allow_incomplete=allow_incomplete,
        )
    except ValueError as exc:
        raise RefusedError(str(exc)) from None
    references = sorted({line.reference for s in found for line in s.result.lines})
    amounts = {
        s.name: {line.reference: line.amount_cents for line in s.result.lines} for s in found
    }
    first = found[0].name
    if as_json:
        emit_json(
            {
                "call": loaded.call.id,
                "scenarios": [{"name": s.name, **s.result.to_json()} for s in found],
            }
        )
        return
    view = table(
        "reference", *[s.name for s in found], "moves", title=f"{loaded.call.id}: scenarios"
    )
    for reference in references:
        cells: list[Any] = [text(reference)]
        for s in found:
            cells.append(eur(amounts[s.name][reference]))
        funded = {s.name: amounts[s.name][reference] > 0 for s in found}
        moves = ""
        if len(set(funded.values())) > 1:
            moves = "in" if not funded[first] else "out"
            moves += " under " + ", ".join(n for n, f in funded.items() if f != funded[first])
        cells.append(text(moves, "yellow" if moves else ""))
        view.add_row(*cells)
    view.add_row(text("total"), *[eur(s.result.total_awarded_cents) for s in found], text(""))
    out_console().print(view)


def explain(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(metavar="REF", help="The application's reference.")],
    as_json: JsonOption = False,
) -> None:
    """Why an application got what it got in the adopted allocation.

    Example: slrbcall explain EMP23-09
    """

    loaded, run, line = allocation_service.explain(settings(ctx), reference)
    if as_json:
        emit_json({"call": loaded.call.id, "run": run.id, **line})
        return
    console = out_console()
    console.print(text(f"{reference} in allocation run {run.id} ({run.policy}, {run.at}):", "bold"))
    console.print(text(line["explanation"]))


@app.command("list")
def list_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the stored allocation runs: which one is adopted, since when and why.

    Example: slrbcall allocations list
    """

    found = allocation_service.decisions(settings(ctx))
    loaded, runs, adopted = found.loaded, found.runs, found.adopted_id
    adoption = found.adoptions[-1] if found.adoptions else None
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
    for r in runs:
        funded = sum(1 for line in r.result["lines"] if line["decision"].startswith("funded"))
        view.add_row(
            text(r.id),
            text(r.at),
            text(r.policy),
            eur(r.budget_cents),
            eur(r.awarded_cents),
            text(funded),
            text("adopted" if r.id == adopted else "proposal", "green" if r.id == adopted else ""),
        )
    console = out_console()
    console.print(view)
    if adoption is None:
        console.print(text("No run is adopted yet: 'slrbcall allocations adopt RUN' adopts one."))
    else:
        why = f": {adoption.reason}" if adoption.reason else ""
        console.print(text(f"Run {adoption.run_id} adopted on {adoption.at}{why}."))


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


@app.command()
def show(
    ctx: typer.Context,
    run: Annotated[
        int | None, typer.Argument(metavar="[RUN]", help="A run number (default: the adopted one).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show one stored allocation run with every decision.

    Example: slrbcall allocations show
    """

    loaded, stored = allocation_service.adopted_run(settings(ctx), run)
    if as_json:
        emit_json({"run": stored.id, "at": stored.at, **stored.result})
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
        view.add_row(
            text(line["rank"] or "-"),
            text(line["reference"]),
            text(line["requested"]),
            text(line["amount"]),
            text(line["decision"]),
            text(line["explanation"]),
        )
    out_console().print(view)
