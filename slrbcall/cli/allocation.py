"""``slrbcall allocate``, ``scenarios`` and ``explain``: who gets what, and why.

The stored runs and their adoption are in :mod:`slrbcall.cli.allocations`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from slrbcall.allocation import service as allocation_service
from slrbcall.allocation.codes import decision_label
from slrbcall.allocation.engine import shown_explanation
from slrbcall.cli.committee import AllowIncomplete, decimal_text
from slrbcall.cli.common import ApplicationReference, JsonOption, settings
from slrbcall.cli.options import (
    Amount,
    AmountOrPercent,
    EnumChoice,
    KeyValue,
    Number,
    TieBreakKey,
    WholeNumber,
    check_theme_caps,
    check_tie_break,
    tie_break_keys,
)
from slrbcall.cli.output import emit_json, eur, out_console, table, text
from slrbcall.i18n import _, format_moment, ngettext
from slrbcall.model import PartialPolicy, Policy, ThemeCap
from slrbcall.workspace import call_in_use

if TYPE_CHECKING:
    from slrbcall.allocation.engine import AllocationResult, OptionOverrides

Budget = Annotated[
    int | None,
    typer.Option(
        "--budget",
        click_type=Amount(),
        help="The budget in euro (default: the call's), e.g. 255000 or 255.000.",
        show_default=False,
    ),
]
PolicyOption = Annotated[
    Policy | None,
    typer.Option(
        "--policy",
        click_type=EnumChoice(Policy),
        help="greedy, strict or max-score (default: the call's).",
        show_default=False,
    ),
]
Partial = Annotated[
    PartialPolicy | None,
    typer.Option(
        "--partial",
        click_type=EnumChoice(PartialPolicy),
        help="off or remainder (default: the call's).",
        show_default=False,
    ),
]
PartialShare = Annotated[
    Decimal | None,
    typer.Option(
        "--partial-min-share",
        click_type=Number(Decimal(0), Decimal(1), example="write e.g. 0.5 or 0,5"),
        help="A partial award is at least this share of the request, from 0 to 1.",
        show_default=False,
    ),
]
Granularity = Annotated[
    int | None,
    typer.Option(
        "--granularity",
        click_type=Amount(minimum_cents=1),
        help="Partial awards are multiples of this (euro, at least 0,01).",
        show_default=False,
    ),
]
MinScore = Annotated[
    Decimal | None,
    typer.Option(
        "--min-score",
        click_type=Number(Decimal(0), Decimal(100), example="write e.g. 70 or 72,5"),
        help="Fund nothing below this score, from 0 to 100.",
        show_default=False,
    ),
]
OrgCap = Annotated[
    int | None,
    typer.Option(
        "--org-cap",
        click_type=WholeNumber(1, 1000, unit="projects"),
        help="At most this many funded projects per applicant, from 1 to 1000.",
        show_default=False,
    ),
]
# Each value is a (theme, cap) pair: typer takes no list of tuples as an annotation.
ThemeCapOption = Annotated[
    list[Any] | None,
    typer.Option(
        "--theme-cap",
        click_type=KeyValue(AmountOrPercent(), key="theme"),
        help="THEME=AMOUNT or THEME=PCT%; repeat for several themes.",
        show_default=False,
    ),
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
        click_type=TieBreakKey(),
        help="Tie-break key, in order; repeat: id, request-asc, request-desc, criterion:KEY, "
        "lottery:SEED.",
        show_default=False,
    ),
]


def overrides(
    *,
    policy: Policy | None,
    partial: PartialPolicy | None,
    partial_min_share: Decimal | None,
    granularity: int | None,
    min_score: Decimal | None,
    org_cap: int | None,
    theme_cap: list[tuple[str, int | Decimal]] | None,
    theme_guarantee: bool | None,
    tie_break: list[str] | None,
) -> OptionOverrides:
    """The options given on the command line (the others come from the call)."""
    chosen: OptionOverrides = {}
    if policy is not None:
        chosen["policy"] = policy
    if partial is not None:
        chosen["partial"] = partial
    if partial_min_share is not None:
        chosen["partial_min_share"] = partial_min_share
    if granularity is not None:
        chosen["granularity_cents"] = granularity
    if min_score is not None:
        chosen["min_score"] = min_score
    if org_cap is not None:
        chosen["org_cap"] = org_cap
    if theme_cap:
        chosen["theme_caps"] = tuple(
            ThemeCap(theme=theme, percent=cap)
            if isinstance(cap, Decimal)
            else ThemeCap(theme=theme, amount_cents=cap)
            for theme, cap in theme_cap
        )
    if theme_guarantee is not None:
        chosen["theme_guarantee"] = theme_guarantee
    if tie_break:
        chosen["tie_break"] = tie_break_keys(tie_break)
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
    if "theme_caps" in chosen or "tie_break" in chosen:
        call = call_in_use(settings(ctx)).call
        check_theme_caps(ctx, [cap.theme for cap in chosen.get("theme_caps", ())], call)
        check_tie_break(ctx, chosen.get("tie_break", ()), call)
    done = allocation_service.allocate(
        settings(ctx),
        budget_cents=budget,
        overrides=chosen,
        allow_incomplete=allow_incomplete,
        dry_run=dry_run,
    )
    if as_json:
        emit_json(
            {**done.result.to_json(), "input_sha256": done.input_sha256, "stored": not dry_run}
        )
        return
    render_result(
        done.result,
        title=_("{call}: {policy}").format(
            call=done.loaded.call.id, policy=done.result.policy.value
        ),
    )
    say_stored(done.run_id)


def say_stored(run_id: int | None) -> None:
    """Where a proposed run went: stored as a proposal to adopt, or (a dry run) nowhere."""
    if run_id is None:
        out_console().print(
            text(_("Dry run: nothing was stored; the adopted decision is unchanged."))
        )
    else:
        out_console().print(
            text(
                _(
                    "Stored as proposal run {run}; the adopted decision is unchanged. Adopt "
                    "it with 'slrbcall allocations adopt {run}'."
                ).format(run=run_id)
            )
        )


def render_result(result: AllocationResult, *, title: str) -> None:
    view = table(
        _("rank"),
        _("reference"),
        _("score"),
        _("requested"),
        _("awarded"),
        _("decision"),
        _("why"),
        title=title,
        numeric=(_("rank"), _("score"), _("requested"), _("awarded")),
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
            text(decimal_text(line.score) if line.rank else "-"),
            eur(line.requested_cents),
            eur(line.amount_cents),
            text(decision_label(line.decision.value), styles[line.decision.value]),
            text(line.shown_explanation),
        )
    console = out_console()
    console.print(view)
    funded = [line for line in result.lines if line.amount_cents > 0]
    console.print(
        text(
            ngettext(
                "{count} funded: {awarded} awarded of {budget}; {left} left.",
                "{count} funded: {awarded} awarded of {budget}; {left} left.",
                len(funded),
            ).format(
                count=len(funded),
                awarded=eur(result.total_awarded_cents),
                budget=eur(result.options.budget_cents),
                left=eur(result.remainder_cents),
            )
        )
    )


def scenarios(
    ctx: typer.Context,
    budget: Annotated[
        list[int] | None,
        typer.Option(
            "--budget",
            click_type=Amount(),
            help="A budget to try (euro); repeat for several.",
            show_default=False,
        ),
    ] = None,
    policy: Annotated[
        list[Policy] | None,
        typer.Option(
            "--policy",
            click_type=EnumChoice(Policy),
            help="A policy to try: greedy, strict or max-score; repeat for several.",
            show_default=False,
        ),
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
    loaded, found = allocation_service.scenarios(
        settings(ctx),
        budgets=budget or [],
        policies=policy or [],
        overrides=chosen,
        allow_incomplete=allow_incomplete,
    )
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
        _("reference"),
        *[s.name for s in found],
        _("moves"),
        title=_("{call}: scenarios").format(call=loaded.call.id),
    )
    for reference in references:
        cells: list[Any] = [text(reference)]
        for s in found:
            cells.append(eur(amounts[s.name][reference]))
        funded = {s.name: amounts[s.name][reference] > 0 for s in found}
        moves = ""
        if len(set(funded.values())) > 1:
            others = ", ".join(n for n, f in funded.items() if f != funded[first])
            moves = _("out under {scenarios}") if funded[first] else _("in under {scenarios}")
            moves = moves.format(scenarios=others)
        cells.append(text(moves, "yellow" if moves else ""))
        view.add_row(*cells)
    view.add_row(text(_("total")), *[eur(s.result.total_awarded_cents) for s in found], text(""))
    out_console().print(view)


def explain(
    ctx: typer.Context,
    reference: ApplicationReference,
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
    console.print(
        text(
            _("{reference} in allocation run {run} ({policy}, {at}):").format(
                reference=reference, run=run.id, policy=run.policy, at=format_moment(run.at)
            ),
            "bold",
        )
    )
    console.print(text(shown_explanation(line, run.result.get("options"))))
    if line["status"]:
        console.print(text(line["status"]))
