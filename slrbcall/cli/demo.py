"""``slrbcall demo``: the whole pipeline on the shipped example, in a fresh workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from slrbcall import demo as demo_service
from slrbcall.cli.common import JsonOption, settings
from slrbcall.cli.output import emit_json, eur, out_console, plain_money, table, text
from slrbcall.followup import ItemStatus
from slrbcall.followup.settlement import settlement_json
from slrbcall.reports.figures import figures_json


def demo(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Empty folder for the demo's files. Default: a new temporary folder.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Run every stage on the shipped example call, in a fresh workspace, and tell the story.

    Example: slrbcall demo --out demo-run
    """

    result = demo_service.run_demo(settings(ctx), out=out)
    later = result.withdrawal  # the withdrawal and the reallocation, in January 2024
    if as_json:
        emit_json(
            {
                "out": str(result.out_dir),
                "workspace": str(result.db_path),
                "calls": [item.call.id for item in result.calls],
                "schema_version": result.status.schema_version,
                "counts": result.status.counts,
                "intake": {
                    "call": result.intake.call_id,
                    "applications": len(result.intake.applications),
                    "eligible": sum(
                        1 for a in result.intake.applications if a.status.value == "eligible"
                    ),
                    "requested": plain_money(
                        sum(a.requested_cents for a in result.intake.applications)
                    ),
                },
                "marks": result.scores.marks,
                "report": figures_json(result.report.figures),
                "conventions": list(result.conventions.files),
                "letters": list(result.letters.files),
                "allocation": result.allocation.result.to_json(),
                "withdrawal": {
                    "reference": later.withdrawal.reference,
                    "on": later.withdrawal.withdrawn.on,
                    "reason": later.withdrawal.withdrawn.reason,
                    "paid": plain_money(later.withdrawal.withdrawn.paid_cents),
                    "released": plain_money(later.withdrawal.withdrawn.released_cents),
                },
                "settlements": [
                    settlement_json(done.settlement)
                    for done in (result.settlement.settled if result.settlement else ())
                ],
                "reallocation": {
                    "run": later.reallocation.run_id,
                    "adopted": later.adoption.run.id == later.reallocation.run_id,
                    "conventions": list(later.conventions.files),
                    "letters": list(later.letters.files),
                    **later.reallocation.result.to_json(),
                },
            }
        )
        return
    console = out_console()
    console.print(text(f"1. Validated {len(result.calls)} call definitions:", "bold"))
    view = table("call", "budget", "grants", "months", "themes", numeric=("budget",))
    for item in result.calls:
        call = item.call
        view.add_row(
            text(call.id),
            eur(call.budget_cents),
            text(f"{eur(call.grant_min_cents)} - {eur(call.grant_max_cents)}"),
            text(call.duration_months),
            text(", ".join(t.label.fr for t in call.themes)),
        )
    console.print(view)
    console.print(
        text(
            f"2. Recorded {result.intake.call_id} in a fresh workspace {result.db_path} "
            f"(schema {result.status.schema_version})",
            "bold",
        )
    )
    taken = result.intake
    apps = taken.applications
    eligible = [a for a in apps if a.status.value == "eligible"]
    companies = {a.applicant or a.applicant_name for a in apps}
    requested = sum(a.requested_cents for a in apps)
    console.print(
        text(
            f"3. Took in {len(apps)} applications for {taken.call_id} from "
            f"{taken.file.name}: {len(companies)} housing companies, {eur(requested)} "
            f"requested, {len(eligible)} eligible, {len(apps) - len(eligible)} ineligible.",
            "bold",
        )
    )
    by_theme = table("theme", "applications", "requested", numeric=("applications", "requested"))
    call = next(item.call for item in result.calls if item.call.id == taken.call_id)
    for theme in call.themes:
        chosen = [a for a in apps if a.theme == theme.key]
        by_theme.add_row(
            text(theme.label.fr),
            text(len(chosen)),
            eur(sum(a.requested_cents for a in chosen)),
        )
    console.print(by_theme)
    marks = result.scores
    console.print(
        text(
            f"4. Took in {marks.marks} marks from {marks.file.name}: "
            f"{len(result.ranking.loaded.call.committee)} committee members, "
            + (
                "every application fully marked."
                if not marks.missing
                else f"{len(marks.missing)} applications still missing marks."
            ),
            "bold",
        )
    )
    flagged = [
        f"{line.reference} ({', '.join(line.flags)})"
        for _, line, _ in result.ranking.lines
        if line.flags
    ]
    conflicts = sorted(
        f"{member} on {ref}"
        for ref, members in result.ranking.conflicts.items()
        for member in members
    )
    console.print(
        text(
            f"5. Ranked them. Conflicts of interest left out: {', '.join(conflicts) or 'none'}. "
            f"Flags: {', '.join(flagged) or 'none'}.",
            "bold",
        )
    )
    allocated = result.allocation.result
    console.print(
        text(
            f"6. Allocated {eur(allocated.options.budget_cents)} ({allocated.policy.value}):",
            "bold",
        )
    )
    titles = {a.reference: a.title for a in taken.applications}
    decisions = table(
        "rank",
        "reference",
        "project",
        "score",
        "requested",
        "awarded",
        "decision",
        numeric=("rank", "score", "requested", "awarded"),
    )
    for decision in allocated.lines:
        decisions.add_row(
            text(decision.rank or "-"),
            text(decision.reference),
            text(titles.get(decision.reference, "")),
            text(f"{decision.score:.2f}" if decision.rank else "-"),
            eur(decision.requested_cents),
            eur(decision.amount_cents),
            text(decision.decision.value, "green" if decision.amount_cents else ""),
        )
    console.print(decisions)
    console.print(
        text(
            f"   {eur(allocated.total_awarded_cents)} awarded, {eur(allocated.remainder_cents)} "
            "left; every decision has its reason ('slrbcall explain EMP23-13')."
        )
    )
    console.print(
        text(
            f"   Stored as proposal run {result.adoption.run.id}, then adopted as the call's "
            "decision ('slrbcall allocations list')."
        )
    )
    fig = result.report.figures
    console.print(
        text(
            f"7. Key figures: {fig.applications} applications from {fig.companies} housing "
            f"companies; {fig.funded} funded; grants between {eur(fig.grant_min_cents)} and "
            f"{eur(fig.grant_max_cents)} over {fig.duration_months} months; "
            f"{eur(fig.requested_cents)} requested against {eur(fig.budget_cents)} available; "
            f"{eur(fig.awarded_cents)} awarded. The board's workbook: "
            f"{result.out_dir / 'report.xlsx'}",
            "bold",
        )
    )
    documents = [
        f"{len(done.files)} {label}" + (f" (and {len(done.pdfs)} PDF files)" if done.pdfs else "")
        for label, done in (("conventions", result.conventions), ("letters", result.letters))
    ]
    console.print(
        text(
            f"8. Rendered {' and '.join(documents)} in {result.conventions.out_dir} and "
            f"{result.letters.out_dir}",
            "bold",
        )
    )

    w = later.withdrawal.withdrawn
    moved = later.reallocation.result
    (funded,) = moved.funded  # the shipped example funds one project from the reserve
    when = "before any payment" if not w.paid_cents else f"after {eur(w.paid_cents)} was paid"
    pdfs = len(later.conventions.pdfs) + len(later.letters.pdfs)
    console.print(
        text(
            f"9. {later.withdrawal.reference} withdrew on {w.on}, {when} ({w.reason}): "
            f"{eur(moved.free_cents)} was free ({eur(moved.released_cents)} released, "
            f"{eur(moved.unspent_cents)} left unspent). The reserve's first project that "
            f"fits, {funded.reference}, was funded {eur(funded.amount_cents)} from the "
            f"reserve (run {later.adoption.run.id}, adopted); "
            f"{eur(moved.free_cents - moved.awarded_cents)} is left. Rendered its convention "
            f"and award letter" + (f" (and {pdfs} PDF files)" if pdfs else "") + " in "
            f"{later.conventions.out_dir} and {later.letters.out_dir}",
            "bold",
        )
    )

    follow = result.followup
    assert follow is not None  # the command always runs the follow-up stage
    line = follow.timeline.timeline
    first = follow.payments[0].payment
    console.print(
        text(
            f"10. Followed the projects up to {line.today.isoformat()}: "
            f"{len(follow.milestones)} milestones recorded, {len(follow.payments)} tranches "
            f"paid (e.g. {first.reference} tranche {first.tranche}: "
            f"{eur(first.amount_cents)}); "
            f"timeline: {line.count(ItemStatus.OVERDUE)} overdue, "
            f"{line.count(ItemStatus.DUE_WITHIN)} due within {line.within} days.",
            "bold",
        )
    )
    totals = follow.outcomes.outcomes.totals
    console.print(
        text(
            f"11. Outcomes from {follow.monitoring.file.name}: "
            f"{totals.residents_involved} residents involved, "
            f"{totals.residents_trained} trained, {totals.activities} activities "
            f"({totals.average_activities} per project), {totals.participants} participants.",
            "bold",
        )
    )
    closing = result.settlement
    assert closing is not None  # the command always runs the settlement stage
    paid, owes = (done.settlement for done in closing.settled)
    assert paid.last_tranche is not None  # the shipped example pays EMP23-03 a balance
    letters = [name for done in closing.settled for name in done.files]
    console.print(
        text(
            f"12. Settled {paid.reference} and {owes.reference} on {paid.on} from "
            f"{sum(len(j.added) for j in closing.justified)} justified expenses and the "
            f"officer's review ({closing.review.file.name}): {paid.reference} admitted "
            f"{eur(paid.admitted_cents)} of {eur(paid.award_cents)}, "
            f"{eur(paid.paid_cents)} paid, so its last payment is "
            f"{eur(paid.last_payment_cents)} instead of "
            f"{eur(paid.planned_cents[paid.last_tranche - 1])} (paid on "
            f"{closing.last_payment.payment.paid_on}); "
            f"{owes.reference} admitted {eur(owes.admitted_cents)}, {eur(owes.paid_cents)} "
            f"paid, so {eur(owes.recovery_cents)} is to be recovered by {owes.recovery_due}. "
            f"Letters: {', '.join(letters)}.",
            "bold",
        )
    )
    console.print(text(f"The workspace and files are in {result.out_dir}"))
    console.print(
        text(
            "Its calls folder holds the example registry (made-up facts): go on with "
            f"'slrbcall --db {result.db_path} --calls-dir {result.out_dir / 'calls'} ...'"
        ),
        soft_wrap=True,
    )
