"""``slrbcall organisations``: the registry of the parties, and what it still lacks."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from slrbcall.calls import organisations as organisations_service
from slrbcall.calls.parties import CALL_FACTS
from slrbcall.cli.common import JsonOption, settings
from slrbcall.cli.labels import ORGANISATION_KINDS, label
from slrbcall.cli.options import EnumChoice
from slrbcall.cli.output import emit_json, out_console, table, text
from slrbcall.errors import RefusedError
from slrbcall.i18n import _, ngettext
from slrbcall.model import Address, Lang, Organisation, OrgKind

app = typer.Typer(
    no_args_is_help=True, help="The organisations registry: the parties of the conventions."
)


@app.command("list")
def list_(
    ctx: typer.Context,
    kind: Annotated[
        OrgKind | None,
        typer.Option(
            "--kind",
            click_type=EnumChoice(OrgKind),
            help="authority, housing_company, non_profit or commune.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List the organisations of the registry (organisations.yaml beside the calls).

    Example: slrbcall organisations list --kind housing_company
    """

    found = organisations_service.list_organisations(settings(ctx), kind=kind)
    if as_json:
        emit_json([organisation_json(org) for org in found])
        return
    view = table(
        _("key"), _("kind"), _("name (fr)"), _("name (nl)"), "BCE/KBO", _("address"), _("signs")
    )
    for org in found:
        view.add_row(
            text(org.key),
            text(label(ORGANISATION_KINDS, org.kind.value)),
            text(org.name.fr),
            text(org.name.nl),
            text(org.enterprise_number or "-"),
            text(org.address.text(Lang.FR) if org.address else "-"),
            text(org.representatives[0].name if org.representatives else "-"),
        )
    out_console().print(view)


@app.command()
def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="KEY", help="A key or a name, in nl or fr.")],
    as_json: JsonOption = False,
) -> None:
    """Show one organisation: names, numbers, address and representatives in nl and fr.

    Example: slrbcall organisations show "Foyer du Sud"
    """

    org = organisations_service.show_organisation(settings(ctx), name)
    if as_json:
        emit_json(organisation_json(org))
        return
    console = out_console()
    view = table("", "fr", "nl")
    view.add_row(text(_("name")), text(org.name.fr), text(org.name.nl))
    if org.legal_form:
        view.add_row(text(_("legal form")), text(org.legal_form.fr), text(org.legal_form.nl))
    if org.address:
        view.add_row(
            text(_("address")), text(org.address.text(Lang.FR)), text(org.address.text(Lang.NL))
        )
    for person in org.representatives:
        view.add_row(
            text(_("represented by")),
            text(f"{person.name}, {person.function.fr}"),
            text(f"{person.name}, {person.function.nl}"),
        )
    console.print(text(f"{org.key} ({label(ORGANISATION_KINDS, org.kind.value)})", "bold"))
    console.print(view)
    for name, value in (
        (_("enterprise number (BCE/KBO)"), org.enterprise_number),
        ("IBAN", org.iban),
        (_("communes"), ", ".join(org.communes) or None),
        (_("postal code"), org.postal_code),
        (_("NIS code"), org.nis_code),
    ):
        console.print(text(_("{name}: {value}").format(name=name, value=value or "-")))


@app.command()
def check(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Name every blank the conventions would still have: numbers, addresses, signatories.

    Looks at the parties of the conventions of --call, else of every call of the calls
    folder: the authority, the housing companies (and their IBAN, as beneficiaries)
    and, where a call has them sign, the communes; and at what the call files say of
    themselves (who signs for the authority, the decision, the budget imputation, the
    contact person, the appeal route, the ombudsman). Exits with 1 while a blank
    remains; nothing is ever filled in by guess. What the applications leave blank
    (a partner's address, IBAN, ...) is reported when the documents are rendered.

    Example: slrbcall organisations check --call empowerment-2023
    """

    checked = organisations_service.check_organisations(settings(ctx))
    path, found = checked.registry, checked.blanks
    if as_json:
        emit_json(
            [
                {
                    "key": blank.organisation.key,
                    "missing": [item.value for item in blank.missing],
                    "calls": list(blank.calls),
                }
                for blank in found
            ]
            + [
                {"call": call_path.stem, "file": call_path.name, "missing": list(missing)}
                for call_path, missing in checked.calls
            ]
        )
    else:
        console = out_console()
        for blank in found:
            console.print(text(f"{path.name}: {blank.sentence()}"), soft_wrap=True)
        if not found:
            console.print(
                text(
                    _("{file}: every party of the conventions is named in full").format(
                        file=path.name
                    )
                ),
                soft_wrap=True,
            )
        what = dict(CALL_FACTS)
        for call_path, missing in checked.calls:
            listed = ", ".join(
                _("no {key} ({what})").format(key=key, what=_(what[key])) for key in missing
            )
            console.print(text(f"{call_path.name}: {listed}"), soft_wrap=True)
    if found:
        count = len(found)
        raise RefusedError(
            ngettext(
                "{count} organisation of {registry} lacks facts a convention prints: fill them "
                "in from their source (the BCE/KBO for numbers, the organisation for its IBAN)",
                "{count} organisations of {registry} lack facts a convention prints: fill them "
                "in from their source (the BCE/KBO for numbers, the organisation for its IBAN)",
                count,
            ).format(count=count, registry=path)
        )
    if checked.calls:
        raise RefusedError(
            _(
                "the call files leave out facts their documents print: add them "
                "(docs/call-definition.md)"
            )
        )


def _address_json(address: Address | None) -> dict[str, Any] | None:
    if address is None:
        return None
    return {
        "street": {"fr": address.street.fr, "nl": address.street.nl},
        "number": address.number,
        "box": address.box,
        "postal_code": address.postal_code,
        "town": {"fr": address.town.fr, "nl": address.town.nl},
        "text": {"fr": address.text(Lang.FR), "nl": address.text(Lang.NL)},
    }


def organisation_json(org: Organisation) -> dict[str, Any]:
    return {
        "key": org.key,
        "kind": org.kind.value,
        "name": {"fr": org.name.fr, "nl": org.name.nl},
        "short_names": list(org.short_names),
        "languages": [lang.value for lang in org.languages],
        "enterprise_number": org.enterprise_number,
        "legal_form": {"fr": org.legal_form.fr, "nl": org.legal_form.nl}
        if org.legal_form
        else None,
        "address": _address_json(org.address),
        "iban": org.iban,
        "representatives": [
            {"name": r.name, "function": {"fr": r.function.fr, "nl": r.function.nl}}
            for r in org.representatives
        ],
        "communes": list(org.communes),
        "postal_code": org.postal_code,
        "nis_code": org.nis_code,
    }
