"""The applications workbook the tool writes for people to fill in: its columns, its
drop-down lists, its instructions and, for a call with budget lines, its budget sheet.

Everything in it is in the template's language, the language of the people who fill it
in. Pure: the use case that writes it is
:func:`slrbcall.intake.service.write_applications_template`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from slrbcall.i18n import N_, gettext_in
from slrbcall.intake.budget import (
    BUDGET_SHEET,
    CO_FINANCING_HEADER,
    budget_rule_note,
    line_column,
    source_column,
)
from slrbcall.intake.fields import FIELDS, FieldKind, field
from slrbcall.model import OrgKind, SignatoryRole
from slrbcall.money import format_eur
from slrbcall.sheets import TemplateColumn, TemplateSheet

if TYPE_CHECKING:
    from slrbcall.calls.registry import Registry
    from slrbcall.model import Call

__all__ = [
    "SHEET_NAMES",
    "application_columns",
    "application_lists",
    "application_properties",
    "budget_sheet",
    "instructions",
    "used_fields",
]

#: The name of the applications sheet, per template language.
SHEET_NAMES = {"en": "Applications", "fr": "Candidatures", "nl": "Aanvragen"}

_KINDS = {
    FieldKind.IDENTIFIER: "identifier",
    FieldKind.TEXT: "text",
    FieldKind.LONG_TEXT: "long_text",
    FieldKind.ORGANISATION: "choice",
    FieldKind.AMOUNT: "amount",
    FieldKind.COUNT: "count",
    FieldKind.DATE: "date",
    FieldKind.LANGUAGE: "choice",
    FieldKind.EMAIL: "text",
    FieldKind.ENTERPRISE_NUMBER: "identifier",
    FieldKind.IBAN: "identifier",
    FieldKind.THEME: "choice",
    FieldKind.HOUSING_COMPANY: "choice",
    FieldKind.COMMUNE: "choice",
}
_CHOICES = {
    "applicant": "applicants",
    "second_housing_company": "housing_companies",
    "commune": "communes",
    "theme": "themes",
    "language": "languages",
}


def used_fields(call: Call) -> tuple[str, ...]:
    """The fields of :data:`~slrbcall.intake.fields.FIELDS` an application to ``call``
    can use: a second housing company and a commune only where they sign."""
    signs = {s.role: s for s in call.signatories}
    companies = signs.get(SignatoryRole.HOUSING_COMPANY)
    unused = set()
    if companies is None or companies.max < 2:
        unused.add("second_housing_company")
    if SignatoryRole.COMMUNE not in signs:
        unused.add("commune")
    return tuple(spec.key for spec in FIELDS if spec.key not in unused)


def _text_lang(lang: str) -> str:
    """The language of the call's own labels in a template of ``lang`` (an English
    template shows the French ones: a call's labels are in Dutch and French)."""
    return "nl" if lang == "nl" else "fr"


def application_columns(call: Call, lang: str) -> list[TemplateColumn]:
    """The columns of the applications sheet, in the order of ``FIELDS``."""
    return [
        TemplateColumn(
            key=spec.key,
            header=spec.labels[lang],
            kind=_KINDS[spec.kind],
            required=spec.key in call.required_fields,
            note=gettext_in(lang, spec.hint) if spec.hint else "",
            choices=_CHOICES.get(spec.key),
            width=40 if spec.kind is FieldKind.LONG_TEXT else 22,
        )
        for spec in FIELDS
        if spec.key in used_fields(call)
    ]


def application_lists(call: Call, registry: Registry, lang: str) -> dict[str, list[str]]:
    """The drop-down lists of the applications sheet, by name."""
    text_lang = _text_lang(lang)
    allowed = set(call.eligibility.applicant_kinds) or {OrgKind.HOUSING_COMPANY}
    applicants = sorted(
        (o.name[text_lang] for o in registry.organisations if o.kind in allowed), key=str.casefold
    )
    return {
        "applicants": applicants,
        "housing_companies": _names(registry, OrgKind.HOUSING_COMPANY, text_lang),
        "communes": _names(registry, OrgKind.COMMUNE, text_lang),
        "themes": [t.label[text_lang] for t in call.themes],
        "languages": ["nl", "fr"],
    }


def _names(registry: Registry, kind: OrgKind, lang: str) -> list[str]:
    return sorted((o.name[lang] for o in registry.of_kind(kind)), key=str.casefold)


def budget_sheet(
    call: Call, lang: str, rows: Sequence[Sequence[object]] = ()
) -> TemplateSheet | None:
    """The budget sheet of an applications workbook, or None for a call without budget
    lines: the reference, the project's title (not read), a column per budget line and
    one per co-financing source, in the call's order. ``rows`` pre-fill it in that
    order."""
    if not call.budget_lines:
        return None
    text_lang = _text_lang(lang)
    reference, title = field("reference"), field("title")
    columns = [
        TemplateColumn(
            key="reference",
            header=reference.labels[lang],
            kind="identifier",
            required=True,
            note=gettext_in(lang, N_("The reference of the application, as on the first sheet.")),
            width=16,
        ),
        TemplateColumn(
            key="title",
            header=title.labels[lang],
            kind="text",
            required=False,
            note=gettext_in(lang, N_("For your reading: this column is not taken in.")),
            width=30,
        ),
        *(
            TemplateColumn(
                key=line_column(line.key),
                header=line.label[text_lang],
                kind="amount",
                required=False,
                note=budget_rule_note(line, call, lang),
                width=18,
            )
            for line in call.budget_lines
        ),
        *(
            TemplateColumn(
                key=source_column(source.key),
                header=gettext_in(lang, CO_FINANCING_HEADER).format(source=source.label[text_lang]),
                kind="amount",
                required=False,
                note="",
                width=20,
            )
            for source in call.co_financing
        ),
    ]
    return TemplateSheet(gettext_in(lang, BUDGET_SHEET), columns, rows)


def instructions(call: Call, lang: str) -> list[str]:
    """The instructions sheet's lines, in the template's language."""

    def words(message: str) -> str:
        return gettext_in(lang, message)

    title = call.title.nl if lang == "nl" else call.title.fr
    low = format_eur(call.grant_min_cents, lang=lang)
    high = format_eur(call.grant_max_cents, lang=lang)
    lines = [
        words(N_("One row per application to the call '{title}' ({call}).")).format(
            title=title, call=call.id
        ),
        words(N_("Columns marked * are required. Keep the header row as it is.")),
        words(
            N_("Requested amount in euro, between {low} and {high} (e.g. 44058 or 44.058,00).")
        ).format(low=low, high=high),
        words(N_("Duration in months: {months}. Dates as 01/01/2024.")).format(
            months=call.duration_months
        ),
        words(N_("Pick the housing company, the theme and the language from the drop-down lists.")),
    ]
    if call.budget_lines:
        budget = words(BUDGET_SHEET)
        lines += [
            words(
                N_(
                    "Sheet '{sheet}': one row per application, with its planned costs by budget "
                    "line and its co-financing by source, in euro; an empty cell is nothing."
                )
            ).format(sheet=budget),
            words(
                N_(
                    "The budget lines less the co-financing must equal the requested amount; "
                    "each line keeps the rule in the note of its header."
                )
            ),
        ]
    lines.append(
        words(N_("Take it in with: slrbcall intake FILE.xlsx --call {call}")).format(call=call.id)
    )
    return lines


def application_properties(call: Call) -> Mapping[str, str]:
    """The workbook's custom properties: the call it is for, and what it is."""
    return {"slrbcall.call": call.id, "slrbcall.template": "applications"}
