"""``slrbcall calls``: list, show, validate the call definitions; print their schema."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from slrbcall.calls import service as calls_service
from slrbcall.calls.definition import json_schema
from slrbcall.cli.common import JsonOption, settings
from slrbcall.cli.labels import (
    AGGREGATIONS,
    ANCHORS,
    CONDITIONS,
    DURATION_RULES,
    ORGANISATION_KINDS,
    PARTIALS,
    label,
)
from slrbcall.cli.notation import day, decimal, local
from slrbcall.cli.output import emit_json, eur, out_console, plain_money, table, text
from slrbcall.cli.renew import renew
from slrbcall.i18n import _, language, ngettext
from slrbcall.money import format_eur

if TYPE_CHECKING:
    from slrbcall.calls.definition import CallSummary, LoadedCall

app = typer.Typer(no_args_is_help=True, help="List, show, check and renew call definitions.")


@app.command("list")
def list_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the calls of the calls folder, each validated.

    Example: slrbcall calls list
    """

    listings = calls_service.list_calls(settings(ctx))
    if as_json:
        emit_json(
            [
                {
                    "file": str(item.path),
                    "valid": item.call is not None,
                    "problems": [str(p) for p in item.problems],
                    "call": summary_json(item.call) if item.call else None,
                }
                for item in listings
            ]
        )
        return
    view = table(
        _("id"),
        _("title"),
        _("budget"),
        _("grants"),
        _("months"),
        _("themes"),
        _("state"),
        numeric=(_("budget"),),
    )
    for item in listings:
        if item.call is None:
            count = len(item.problems)
            view.add_row(
                text(item.path.stem),
                text(""),
                text(""),
                text(""),
                text(""),
                text(""),
                text(
                    ngettext("{count} problem", "{count} problems", count).format(count=count),
                    "red",
                ),
            )
            continue
        call = item.call
        view.add_row(
            text(call.id),
            text(call.title_nl if language() == "nl" else call.title_fr),
            eur(call.budget_cents),
            text(f"{format_eur(call.grant_min_cents)} - {format_eur(call.grant_max_cents)}"),
            text(call.duration_months),
            text(len(call.themes)),
            text(_("valid"), "green"),
        )
    console = out_console()
    console.print(view)
    if any(item.call is None for item in listings):
        console.print(text(_("Run 'slrbcall calls validate FILE' to see the problems.")))


@app.command()
def show(
    ctx: typer.Context,
    call_id: Annotated[str, typer.Argument(metavar="ID", help="The call's id.")],
    as_json: JsonOption = False,
) -> None:
    """Show one call: budget, grant range, duration, themes, timeline, tranches.

    Example: slrbcall calls show empowerment-2023
    """

    loaded = calls_service.show_call(settings(ctx), call_id)
    if as_json:
        emit_json(call_detail(loaded))
        return
    render_call(loaded)


@app.command()
def validate(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Call YAML files.")],
    as_json: JsonOption = False,
) -> None:
    """Check call definition files; every problem is printed as file:line:col.

    Exits with 3 when a file has problems.

    Example: slrbcall calls validate calls/empowerment-2023.yaml
    """

    valid = calls_service.validate_calls(settings(ctx), files)
    if as_json:
        emit_json([{"file": str(path), "valid": True} for path in valid])
        return
    console = out_console()
    for path in valid:
        console.print(text(_("{file}: ok").format(file=path)))


@app.command()
def schema() -> None:
    """Print the JSON Schema of a call definition, for editors that check YAML.

    Example: slrbcall calls schema > call.schema.json
    """
    emit_json(json_schema())


# -- rendering ------------------------------------------------------------------------------


def summary_json(call: CallSummary) -> dict[str, Any]:
    return {
        "id": call.id,
        "title": {"nl": call.title_nl, "fr": call.title_fr},
        "budget": plain_money(call.budget_cents),
        "grant_minimum": plain_money(call.grant_min_cents),
        "grant_maximum": plain_money(call.grant_max_cents),
        "duration_months": call.duration_months,
        "themes": list(call.themes),
    }


def call_detail(loaded: LoadedCall) -> dict[str, Any]:
    call = loaded.call

    def loc(value: Any) -> dict[str, str] | None:
        return None if value is None else {"nl": value.nl, "fr": value.fr}

    return {
        "id": call.id,
        "title": loc(call.title),
        "budget": plain_money(call.budget_cents),
        "grant_minimum": plain_money(call.grant_min_cents),
        "grant_maximum": plain_money(call.grant_max_cents),
        "duration_months": call.duration_months,
        "file": str(loaded.path),
        "sha256": loaded.sha256,
        "authority": call.authority,
        "granularity": plain_money(call.granularity_cents),
        "description": loc(call.description),
        "target_public": loc(call.target_public),
        "themes": [{"key": t.key, "label": loc(t.label)} for t in call.themes],
        "eligibility": {
            "applicant_kinds": [k.value for k in call.eligibility.applicant_kinds],
            "partner_required": call.eligibility.partner_required,
            "max_applications_per_applicant": call.eligibility.max_applications_per_applicant,
            "duration": call.eligibility.duration.value,
        },
        "required_fields": list(call.required_fields),
        "scoring": {
            "aggregation": call.aggregation.value,
            "disagreement_threshold": call.disagreement_threshold,
            "criteria": [
                {"key": c.key, "label": loc(c.label), "weight": c.weight, "max_mark": c.max_mark}
                for c in call.criteria
            ],
        },
        "committee": [
            {"key": m.key, "name": m.name, "links": list(m.links)} for m in call.committee
        ],
        "allocation": {
            "policy": call.allocation.policy.value,
            "partial": call.allocation.partial.value,
            "partial_min_share": call.allocation.partial_min_share,
            "min_score": call.allocation.min_score,
            "org_cap": call.allocation.org_cap,
            "theme_caps": {
                cap.theme: (
                    f"{cap.percent}%" if cap.percent is not None else plain_money(cap.amount_cents)
                )
                for cap in call.allocation.theme_caps
            },
            "theme_guarantee": call.allocation.theme_guarantee,
            "tie_break": list(call.allocation.tie_break),
        },
        "milestones": [
            {"key": m.key, "label": loc(m.label), "date": m.date, "month": m.month}
            for m in call.milestones
        ],
        "deadlines": [
            {
                "key": d.key,
                "label": loc(d.label),
                "from": d.anchor.value,
                "months": d.months,
                "every_months": d.every_months,
            }
            for d in call.deadlines
        ],
        "tranches": [
            {
                "number": t.number,
                "percent": t.percent,
                "condition": t.condition.value,
                "label": loc(t.label),
                "month": t.month,
            }
            for t in call.tranches
        ],
        "signatories": [
            {"role": s.role.value, "min": s.min, "max": s.max} for s in call.signatories
        ],
        "legal_bases": [loc(b) for b in call.legal_bases],
        "documents": {
            "convention": loc(call.documents.convention),
            "letter_award": loc(call.documents.letter_award),
            "letter_refusal": loc(call.documents.letter_refusal),
        },
        "illustrative": list(call.illustrative),
    }


def render_call(loaded: LoadedCall) -> None:
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table

    from slrbcall.allocation.codes import tie_break_words  # noqa: PLC0415 (calls list's start-up)

    call = loaded.call
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    facts.add_row("titel (nl)", text(call.title.nl))
    facts.add_row("titre (fr)", text(call.title.fr))
    facts.add_row(_("authority"), text(call.authority))
    facts.add_row(_("budget"), eur(call.budget_cents))
    facts.add_row(
        _("grants"),
        text(
            _("{minimum} to {maximum}, partial awards in steps of {step}").format(
                minimum=format_eur(call.grant_min_cents),
                maximum=format_eur(call.grant_max_cents),
                step=format_eur(call.granularity_cents),
            )
        ),
    )
    months = call.duration_months
    facts.add_row(
        _("duration"),
        text(
            ngettext(
                "{count} month (projects {rule} this)",
                "{count} months (projects {rule} this)",
                months,
            ).format(count=months, rule=label(DURATION_RULES, call.eligibility.duration.value))
        ),
    )
    eligible = ", ".join(
        label(ORGANISATION_KINDS, k.value) for k in call.eligibility.applicant_kinds
    )
    partner = (
        _("a partner is required") if call.eligibility.partner_required else _("partner optional")
    )
    most = call.eligibility.max_applications_per_applicant
    facts.add_row(
        _("eligibility"),
        text(
            _("{kinds}; {partner}").format(kinds=eligible, partner=partner)
            + (_("; at most {count} per applicant").format(count=most) if most else "")
        ),
    )
    facts.add_row(
        _("scoring"),
        text(
            _("{aggregation} of the reviewers' weighted scores").format(
                aggregation=label(AGGREGATIONS, call.aggregation.value)
            )
            + (
                _("; flag when they differ by more than {threshold} points").format(
                    threshold=decimal(call.disagreement_threshold)
                )
                if call.disagreement_threshold is not None
                else ""
            )
        ),
    )
    allocation = call.allocation
    facts.add_row(
        _("allocation"),
        text(
            _("policy '{policy}', {partial}, ties broken by {keys}").format(
                policy=allocation.policy.value,
                partial=label(PARTIALS, allocation.partial.value),
                keys=_(", then ").join(tie_break_words(key) for key in allocation.tie_break),
            )
        ),
    )
    facts.add_row(
        _("signatories"),
        text(
            ", ".join(
                label(ORGANISATION_KINDS, s.role.value)
                + ("" if (s.min, s.max) == (1, 1) else f" ({s.min}-{s.max})")
                for s in call.signatories
            )
        ),
    )
    if call.illustrative:
        facts.add_row(_("illustrative"), text(", ".join(call.illustrative), "yellow"))
    facts.add_row(_("file"), text(f"{loaded.path} (sha256 {loaded.sha256[:12]})"))

    themes = table(_("theme"), "nl", "fr", title=_("Themes"))
    for theme in call.themes:
        themes.add_row(text(theme.key), text(theme.label.nl), text(theme.label.fr))

    # The labels of the call in the officer's language: Dutch for a Dutch-speaking
    # officer, else French (the calls have no English labels).
    label_column = _("label (nl)") if language() == "nl" else _("label (fr)")
    criteria = table(
        _("criterion"),
        label_column,
        _("weight"),
        _("max mark"),
        title=_("Criteria"),
        numeric=(_("weight"), _("max mark")),
    )
    for criterion in call.criteria:
        criteria.add_row(
            text(criterion.key),
            text(local(criterion.label)),
            text(decimal(criterion.weight)),
            text(decimal(criterion.max_mark)),
        )

    milestone_column = _("milestone (nl)") if language() == "nl" else _("milestone (fr)")
    timeline = table(_("when"), milestone_column, title=_("Timeline"))
    for milestone in call.milestones:
        when = day(milestone.date) if milestone.date else (milestone.month or "")
        timeline.add_row(text(when), text(local(milestone.label)))
    for deadline in call.deadlines:
        after = ngettext(
            "{anchor} + {count} month", "{anchor} + {count} months", deadline.months
        ).format(anchor=label(ANCHORS, deadline.anchor.value), count=deadline.months)
        if deadline.every_months:
            after += ngettext(
                ", then every {count} month", ", then every {count} months", deadline.every_months
            ).format(count=deadline.every_months)
        timeline.add_row(text(after), text(local(deadline.label)))

    tranches = table(
        "#",
        _("share"),
        _("condition"),
        label_column,
        title=_("Payment tranches"),
        numeric=(_("share"),),
    )
    for tranche in call.tranches:
        tranches.add_row(
            text(tranche.number),
            text(_("{percent}%").format(percent=decimal(tranche.percent))),
            text(label(CONDITIONS, tranche.condition.value)),
            text(local(tranche.label)),
        )

    out_console().print(
        Panel(
            Group(facts, themes, criteria, timeline, tranches),
            title=text(call.id),
            title_align="left",
        )
    )


# Registered last, so that it comes last in the group's help.
app.command()(renew)
