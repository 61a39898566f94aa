"""``slrbcall demo``: the whole pipeline on the shipped example, in a fresh workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from slrbcall import demo as demo_service
from slrbcall.allocation.codes import decision_label
from slrbcall.cli.common import JsonOption, settings
from slrbcall.cli.notation import day, decimal, local
from slrbcall.cli.output import emit_json, eur, out_console, plain_money, table, text
from slrbcall.committee.scoring import flag_label
from slrbcall.followup import ItemStatus
from slrbcall.followup.settlement import settlement_json
from slrbcall.i18n import _, ngettext
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
                    "budgets": len(result.intake.budgets),
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
    say = console.print
    say(
        text(
            ngettext(
                "1. Validated {count} call definition:",
                "1. Validated {count} call definitions:",
                len(result.calls),
            ).format(count=len(result.calls)),
            "bold",
        )
    )
    view = table(
        _("call"), _("budget"), _("grants"), _("months"), _("themes"), numeric=(_("budget"),)
    )
    for item in result.calls:
        call = item.call
        view.add_row(
            text(call.id),
            eur(call.budget_cents),
            text(f"{eur(call.grant_min_cents)} - {eur(call.grant_max_cents)}"),
            text(call.duration_months),
            text(", ".join(local(t.label) for t in call.themes)),
        )
    say(view)
    say(
        text(
            _("2. Recorded {call} in a fresh workspace {path} (schema {version})").format(
                call=result.intake.call_id,
                path=result.db_path,
                version=result.status.schema_version,
            ),
            "bold",
        )
    )
    taken = result.intake
    apps = taken.applications
    eligible = [a for a in apps if a.status.value == "eligible"]
    companies = {a.applicant or a.applicant_name for a in apps}
    requested = sum(a.requested_cents for a in apps)
    say(
        text(
            ngettext(
                "3. Took in {count} application for {call} from {file}: {companies}, "
                "{requested} requested, {eligible} eligible, {ineligible} ineligible.",
                "3. Took in {count} applications for {call} from {file}: {companies}, "
                "{requested} requested, {eligible} eligible, {ineligible} ineligible.",
                len(apps),
            ).format(
                count=len(apps),
                call=taken.call_id,
                file=taken.file.name,
                companies=ngettext(
                    "{count} housing company", "{count} housing companies", len(companies)
                ).format(count=len(companies)),
                requested=eur(requested),
                eligible=len(eligible),
                ineligible=len(apps) - len(eligible),
            ),
            "bold",
        )
    )
    by_theme = table(
        _("theme"),
        _("applications"),
        _("requested"),
        numeric=(_("applications"), _("requested")),
    )
    call = next(item.call for item in result.calls if item.call.id == taken.call_id)
    for theme in call.themes:
        chosen = [a for a in apps if a.theme == theme.key]
        by_theme.add_row(
            text(local(theme.label)),
            text(len(chosen)),
            eur(sum(a.requested_cents for a in chosen)),
        )
    say(by_theme)
    if taken.budget_sheet is not None:
        budgets = list(taken.budgets.values())
        say(
            text(
                ngettext(
                    "   A budget by line for {count} of them (sheet '{sheet}'): {total} of "
                    "planned costs, {co_financing} of it co-financed; its convention prints it.",
                    "   A budget by line for {count} of them (sheet '{sheet}'): {total} of "
                    "planned costs, {co_financing} of it co-financed; each convention prints its "
                    "own.",
                    len(budgets),
                ).format(
                    count=len(budgets),
                    sheet=taken.budget_sheet,
                    total=eur(sum(b.total_cents for b in budgets)),
                    co_financing=eur(sum(b.co_financing_cents for b in budgets)),
                )
            )
        )
    marks = result.scores
    members = len(result.ranking.loaded.call.committee)
    missing = len(marks.missing)
    say(
        text(
            ngettext(
                "4. Took in {count} mark from {file}: {members}, {state}",
                "4. Took in {count} marks from {file}: {members}, {state}",
                marks.marks,
            ).format(
                count=marks.marks,
                file=marks.file.name,
                members=ngettext(
                    "{count} committee member", "{count} committee members", members
                ).format(count=members),
                state=_("every application fully marked.")
                if not missing
                else ngettext(
                    "{count} application still missing marks.",
                    "{count} applications still missing marks.",
                    missing,
                ).format(count=missing),
            ),
            "bold",
        )
    )
    flagged = [
        f"{line.reference} ({', '.join(flag_label(flag) for flag in line.flags)})"
        for _rank, line, _tied in result.ranking.lines
        if line.flags
    ]
    conflicts = sorted(
        _("{member} on {reference}").format(member=member, reference=ref)
        for ref, members in result.ranking.conflicts.items()
        for member in members
    )
    say(
        text(
            _(
                "5. Ranked them. Conflicts of interest left out: {conflicts}. Flags: {flags}."
            ).format(
                conflicts=", ".join(conflicts) or _("none"), flags=", ".join(flagged) or _("none")
            ),
            "bold",
        )
    )
    allocated = result.allocation.result
    say(
        text(
            _("6. Allocated {budget} ({policy}):").format(
                budget=eur(allocated.options.budget_cents), policy=allocated.policy.value
            ),
            "bold",
        )
    )
    titles = {a.reference: a.title for a in taken.applications}
    decisions = table(
        _("rank"),
        _("reference"),
        _("project"),
        _("score"),
        _("requested"),
        _("awarded"),
        _("decision"),
        numeric=(_("rank"), _("score"), _("requested"), _("awarded")),
    )
    for decision in allocated.lines:
        decisions.add_row(
            text(decision.rank or "-"),
            text(decision.reference),
            text(titles.get(decision.reference, "")),
            text(decimal(decision.score, 2) if decision.rank else "-"),
            eur(decision.requested_cents),
            eur(decision.amount_cents),
            text(decision_label(decision.decision.value), "green" if decision.amount_cents else ""),
        )
    say(decisions)
    say(
        text(
            _(
                "   {awarded} awarded, {left} left; every decision has its reason "
                "('slrbcall explain EMP23-13')."
            ).format(
                awarded=eur(allocated.total_awarded_cents), left=eur(allocated.remainder_cents)
            )
        )
    )
    say(
        text(
            _(
                "   Stored as proposal run {run}, then adopted as the call's decision "
                "('slrbcall allocations list')."
            ).format(run=result.adoption.run.id)
        )
    )
    fig = result.report.figures
    say(
        text(
            _(
                "7. Key figures: {applications} from {companies}; {funded} funded; grants "
                "between {minimum} and {maximum} over {months}; {requested} requested against "
                "{budget} available; {awarded} awarded. The board's workbook: {file}"
            ).format(
                applications=ngettext(
                    "{count} application", "{count} applications", fig.applications
                ).format(count=fig.applications),
                companies=ngettext(
                    "{count} housing company", "{count} housing companies", fig.companies
                ).format(count=fig.companies),
                funded=fig.funded,
                minimum=eur(fig.grant_min_cents),
                maximum=eur(fig.grant_max_cents),
                months=ngettext("{count} month", "{count} months", fig.duration_months).format(
                    count=fig.duration_months
                ),
                requested=eur(fig.requested_cents),
                budget=eur(fig.budget_cents),
                awarded=eur(fig.awarded_cents),
                file=result.out_dir / "report.xlsx",
            ),
            "bold",
        )
    )
    conventions, letters = result.conventions, result.letters
    documents = [
        ngettext("{count} convention", "{count} conventions", len(conventions.files)).format(
            count=len(conventions.files)
        )
        + _pdf_files(len(conventions.pdfs)),
        ngettext("{count} letter", "{count} letters", len(letters.files)).format(
            count=len(letters.files)
        )
        + _pdf_files(len(letters.pdfs)),
    ]
    say(
        text(
            _("8. Rendered {conventions} and {letters} in {folder} and {outbox}").format(
                conventions=documents[0],
                letters=documents[1],
                folder=conventions.out_dir,
                outbox=letters.out_dir,
            ),
            "bold",
        )
    )

    w = later.withdrawal.withdrawn
    moved = later.reallocation.result
    (funded,) = moved.funded  # the shipped example funds one project from the reserve
    when = (
        _("before any payment")
        if not w.paid_cents
        else _("after {amount} was paid").format(amount=eur(w.paid_cents))
    )
    pdfs = len(later.conventions.pdfs) + len(later.letters.pdfs)
    say(
        text(
            _(
                "9. {reference} withdrew on {day}, {when} ({reason}): {free} was free "
                "({released} released, {unspent} left unspent). The reserve's first project "
                "that fits, {funded}, was funded {amount} from the reserve (run {run}, "
                "adopted); {left} is left. Rendered its convention and award letter{pdfs} in "
                "{folder} and {outbox}"
            ).format(
                reference=later.withdrawal.reference,
                day=day(w.on),
                when=when,
                reason=w.reason,
                free=eur(moved.free_cents),
                released=eur(moved.released_cents),
                unspent=eur(moved.unspent_cents),
                funded=funded.reference,
                amount=eur(funded.amount_cents),
                run=later.adoption.run.id,
                left=eur(moved.free_cents - moved.awarded_cents),
                pdfs=_pdf_files(pdfs),
                folder=later.conventions.out_dir,
                outbox=later.letters.out_dir,
            ),
            "bold",
        )
    )

    follow = result.followup
    assert follow is not None  # the command always runs the follow-up stage
    line = follow.timeline.timeline
    first = follow.payments[0].payment
    say(
        text(
            _(
                "10. Followed the projects up to {day}: {milestones} recorded, {tranches} "
                "paid (e.g. {reference} tranche {tranche}: {amount}); timeline: {overdue} "
                "overdue, {due} due within {within}."
            ).format(
                day=day(line.today),
                milestones=ngettext(
                    "{count} milestone", "{count} milestones", len(follow.milestones)
                ).format(count=len(follow.milestones)),
                tranches=ngettext(
                    "{count} tranche", "{count} tranches", len(follow.payments)
                ).format(count=len(follow.payments)),
                reference=first.reference,
                tranche=first.tranche,
                amount=eur(first.amount_cents),
                overdue=line.count(ItemStatus.OVERDUE),
                due=line.count(ItemStatus.DUE_WITHIN),
                within=ngettext("{count} day", "{count} days", line.within).format(
                    count=line.within
                ),
            ),
            "bold",
        )
    )
    totals = follow.outcomes.outcomes.totals
    say(
        text(
            _(
                "11. Outcomes from {file}: {involved} residents involved, {trained} trained, "
                "{activities} activities ({average} per project), {participants} participants."
            ).format(
                file=follow.monitoring.file.name,
                involved=totals.residents_involved,
                trained=totals.residents_trained,
                activities=totals.activities,
                average=decimal(totals.average_activities),
                participants=totals.participants,
            ),
            "bold",
        )
    )
    closing = result.settlement
    assert closing is not None  # the command always runs the settlement stage
    paid, owes = (done.settlement for done in closing.settled)
    assert paid.last_tranche is not None  # the shipped example pays EMP23-03 a balance
    settled_letters = [name for done in closing.settled for name in done.files]
    expenses = sum(len(j.added) for j in closing.justified)
    say(
        text(
            _(
                "12. Settled {paid} and {owes} on {day} from {expenses} and the officer's "
                "review ({review}): {paid} admitted {paid_admitted} of {paid_award}, "
                "{paid_paid} paid, so its last payment is {last} instead of {planned} (paid on "
                "{paid_on}); {owes} admitted {owes_admitted}, {owes_paid} paid, so {recovery} "
                "is to be recovered by {due}. Letters: {letters}."
            ).format(
                paid=paid.reference,
                owes=owes.reference,
                day=day(paid.on),
                expenses=ngettext(
                    "{count} justified expense", "{count} justified expenses", expenses
                ).format(count=expenses),
                review=closing.review.file.name,
                paid_admitted=eur(paid.admitted_cents),
                paid_award=eur(paid.award_cents),
                paid_paid=eur(paid.paid_cents),
                last=eur(paid.last_payment_cents),
                planned=eur(paid.planned_cents[paid.last_tranche - 1]),
                paid_on=day(closing.last_payment.payment.paid_on),
                owes_admitted=eur(owes.admitted_cents),
                owes_paid=eur(owes.paid_cents),
                recovery=eur(owes.recovery_cents),
                due=day(owes.recovery_due),
                letters=", ".join(settled_letters),
            ),
            "bold",
        )
    )
    say(text(_("The workspace and files are in {folder}").format(folder=result.out_dir)))
    say(
        text(
            _(
                "Its calls folder holds the example registry (made-up facts): go on with "
                "'slrbcall --db {path} --calls-dir {calls} ...'"
            ).format(path=result.db_path, calls=result.out_dir / "calls")
        ),
        soft_wrap=True,
    )


def _pdf_files(count: int) -> str:
    """`` (and 2 PDF files)``, or nothing without PDF files."""
    if not count:
        return ""
    return ngettext(" (and {count} PDF file)", " (and {count} PDF files)", count).format(
        count=count
    )
