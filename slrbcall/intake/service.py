"""Use cases on applications: take them in from a spreadsheet (with a problem report),
list and show the stored ones, and write the applications template to fill in."""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from slrbcall.calls.definition import load_registry
from slrbcall.calls.service import resolve_call
from slrbcall.calls.team import acting
from slrbcall.errors import InputFileError, Problem, RefusedError
from slrbcall.i18n import N_, _, gettext_in, language
from slrbcall.intake.eligibility import language_doubt, likely_duplicates
from slrbcall.intake.fields import FIELDS, FieldKind, field, match_header, recognise_sheet
from slrbcall.intake.merge import (
    changed_fields,
    content_sha256,
    content_values,
    from_row,
    merge,
    reasons_json,
    row_values,
    to_row,
)
from slrbcall.intake.reading import read_applications
from slrbcall.intake.reasons import reasons_text
from slrbcall.model import ApplicationStatus, OrgKind, SignatoryRole
from slrbcall.money import format_eur
from slrbcall.settings import Settings
from slrbcall.sheets import (
    TemplateColumn,
    choose_sheet,
    find_header,
    write_template,
)
from slrbcall.store import Workspace
from slrbcall.store.backend import label_of

if TYPE_CHECKING:
    from slrbcall.calls.definition import LoadedCall
    from slrbcall.calls.registry import Registry
    from slrbcall.intake.merge import Merge
    from slrbcall.model import Application, Call
    from slrbcall.store import Transaction

__all__ = [
    "IntakeResult",
    "StoredView",
    "intake",
    "list_applications",
    "reasons_text",
    "show_application",
    "write_applications_template",
]


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """What ``slrbcall intake`` did (or, with ``dry_run``, would do).

    ``applications`` is every application of the file, assessed, in reference order;
    ``ineligible`` the ineligible ones among them. ``warnings`` are in the officer's
    language; the applications' reasons as stored (in English: see
    :func:`~slrbcall.intake.reasons.reason_text`).
    """

    file: Path
    call_id: str
    sheet: str
    rows: int
    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    status_moves: tuple[str, ...]
    applications: tuple[Application, ...]
    ineligible: tuple[Application, ...]
    warnings: tuple[str, ...]
    dry_run: bool
    db_path: Path | str  # the workspace: a file, or a server's URL (no password)


def intake(
    settings: Settings,
    path: Path,
    *,
    sheet: str | None = None,
    dry_run: bool = False,
    report_xlsx: Path | None = None,
    on_row: Callable[[int, int], None] | None = None,
) -> IntakeResult:
    """Take in the applications of a spreadsheet: all of the file, or nothing.

    Data errors raise :class:`InputFileError` (and, with ``report_xlsx``, write a copy
    of the workbook with each bad cell marked). Readable applications are merged with
    what the workspace holds, in one transaction, and the whole call is re-assessed.
    """
    if report_xlsx is not None and report_xlsx.resolve() == path.resolve():
        raise RefusedError(_("--report-xlsx must name a new file, not the file taken in"))
    from slrbcall.sheets.read import read_workbook
    from slrbcall.sheets.report import mark_problems

    workbook = read_workbook(path)
    held = _held_calls(settings)
    loaded = resolve_call(
        settings, held=held, recorded_in_file=workbook.properties.get("slrbcall.call")
    )
    registry = load_registry(settings.calls_path)
    call = loaded.call
    try:
        chosen = choose_sheet(workbook, recognise=recognise_sheet, requested=sheet)
        header = find_header(
            chosen,
            match=match_header,
            required=call.required_fields,
            names={f: _label(f) for f in call.required_fields},
        )
        read = read_applications(
            chosen, header, call=call, registry=registry, date1904=workbook.date1904, on_row=on_row
        )
        if read.problems:
            raise InputFileError(read.problems)
    except InputFileError as exc:
        if report_xlsx is not None:
            mark_problems(path, report_xlsx, exc.problems)
        raise
    redefined = []
    if held and call.id in held and held[call.id] != loaded.sha256:
        redefined.append(
            _(
                "the definition of {call} changed since it was last used ({before} -> {now}); "
                "the change is recorded"
            ).format(call=call.id, before=held[call.id][:12], now=loaded.sha256[:12])
        )

    duplicates = likely_duplicates(read.applications)
    doubts = [doubt for app in read.applications if (doubt := language_doubt(app))]

    def result(change: Merge, db_path: Path | str) -> IntakeResult:
        return IntakeResult(
            file=path,
            call_id=call.id,
            sheet=chosen.name,
            rows=len(read.applications),
            added=_references(change.added),
            changed=_references(change.changed),
            unchanged=_references(change.unchanged),
            status_moves=_references(change.moved),
            applications=change.applications,
            ineligible=tuple(
                app for app in change.applications if app.status is ApplicationStatus.INELIGIBLE
            ),
            warnings=(
                *read.warnings,
                *duplicates,
                *doubts,
                *redefined,
                *(_frozen_status(app) for app in change.frozen_status),
            ),
            dry_run=dry_run,
            db_path=db_path if isinstance(db_path, Path) else label_of(db_path),
        )

    db_path = settings.db_location
    if dry_run:
        decided: dict[str, int] = {}
        if Workspace.exists(db_path):
            with Workspace.open(db_path, create=False) as ws:
                stored = ws.stored_rows(call.id)
                decided = _decided(ws, call.id)
        else:
            stored = []
        change = merge(read.applications, stored, call=call, registry=registry, frozen=decided)
        _refuse_frozen(change, decided, path=path, sheet=chosen.name)
        return result(change, db_path)

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with (
        Workspace.open(db_path) as ws,
        ws.write(
            command="intake",
            call=call.id,
            actor=acting(settings, "intake"),
            input_file=path.name,
            input_sha256=digest,
        ) as tx,
    ):
        snapshot = tx.record_call(call.id, loaded.sha256, str(loaded.path), loaded.content)
        # Read what is stored inside the write transaction: a concurrent intake that
        # committed first is taken into account, never overwritten.
        decided = _decided(tx, call.id)
        change = merge(
            read.applications, tx.stored_rows(call.id), call=call, registry=registry, frozen=decided
        )
        _refuse_frozen(change, decided, path=path, sheet=chosen.name)
        file_id = tx.add_intake_file(
            call.id,
            file_name=path.name,
            sha256=digest,
            sheet=chosen.name,
            rows=len(read.applications),
        )
        _store_change(tx, call.id, change, snapshot_id=snapshot, file_id=file_id)
        tx.audit_insertions()
    return result(change, db_path)


def _label(key: str) -> str:
    """The header of a field as the officer's language writes it."""
    labels = field(key).labels
    return labels.get(language(), labels["en"])


def _frozen_status(app: Application) -> str:
    """The warning for a decided application that the call would now judge otherwise."""
    if app.status is ApplicationStatus.ELIGIBLE:
        warning = _(
            "{reference} is decided and keeps the status it was decided with, though the "
            "call now judges it eligible"
        )
    else:
        warning = _(
            "{reference} is decided and keeps the status it was decided with, though the "
            "call now judges it ineligible"
        )
    warning = warning.format(reference=app.reference)
    return warning + (f" ({reasons_text(app.reasons)})" if app.reasons else "")


#: The sheet's field of each stored content column that is not named as its field.
_FIELD_OF = {
    "applicant_name": "applicant",
    "theme_text": "theme",
    "requested_cents": "requested_amount",
}


def _decided(source: Workspace | Transaction, call_id: str) -> dict[str, int]:
    """The applications of the call's adopted decision, with the run that decided them."""
    run = source.adopted_run(call_id)
    if run is None:
        return {}
    return {line["reference"]: run.id for line in run.result.get("lines", ())}


def _refuse_frozen(change: Merge, decided: Mapping[str, int], *, path: Path, sheet: str) -> None:
    """Refuse the file when it changes a decided application: one line per row."""
    problems = []
    for app in change.frozen_changed:
        fields = ", ".join(
            dict.fromkeys(
                _label(_FIELD_OF.get(name, name))
                for name in changed_fields(change.before[app.reference], app)
            )
        )
        problems.append(
            Problem(
                path.name,
                _(
                    "{reference} was decided (adopted run {run}): its row may no longer change "
                    "({fields}); put back the decided values, and record a change of the award "
                    "with 'slrbcall amend {reference}' or a renunciation with "
                    "'slrbcall withdraw {reference}'"
                ).format(reference=app.reference, run=decided[app.reference], fields=fields),
                sheet=sheet,
                row=app.source_row,
            )
        )
    if problems:
        raise InputFileError(problems)


def _references(applications: Sequence[Application]) -> tuple[str, ...]:
    return tuple(app.reference for app in applications)


def _store_change(
    tx: Transaction, call_id: str, change: Merge, *, snapshot_id: int, file_id: int
) -> None:

    tx.insert_applications(
        call_id,
        [row_values(app) for app in change.added],
        [content_sha256(content_values(app)) for app in change.added],
        snapshot_id=snapshot_id,
        file_id=file_id,
    )
    for app in change.changed:
        row = to_row(app)
        tx.update_application(
            call_id,
            row,
            sha256=content_sha256(content_values(app)),
            snapshot_id=snapshot_id,
            file_id=file_id,
        )
        tx.audit(
            "update",
            "application",
            f"{call_id}/{app.reference}",
            before=dict(change.before[app.reference]),
            after=row,
        )
    for app in change.moved:
        before = change.before[app.reference]
        after = {"status": app.status.value, "reasons_json": reasons_json(app.reasons)}
        tx.set_status(call_id, app.reference, after["status"], after["reasons_json"])
        tx.audit(
            "update",
            "application",
            f"{call_id}/{app.reference}",
            before={"status": before["status"], "reasons_json": before["reasons_json"]},
            after=after,
        )
    tx.set_intake_counts(
        file_id,
        added=len(change.added),
        changed=len(change.changed),
        unchanged=len(change.unchanged),
    )


# -- applications -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredView:
    """A stored application with where it came from."""

    application: Application
    file_name: str
    created_at: str
    updated_at: str


def list_applications(
    settings: Settings,
    *,
    status: str | None = None,
    applicant: str | None = None,
    theme: str | None = None,
) -> tuple[LoadedCall, list[StoredView]]:
    """The stored applications of the call, filtered; in reference order."""

    with Workspace.open(settings.db_location, create=False) as ws:
        loaded = resolve_call(settings, held=ws.held_calls())
        stored = ws.applications(loaded.call.id)
    registry = load_registry(settings.calls_path)
    wanted_applicant = None
    if applicant:
        match = registry.match(applicant)
        wanted_applicant = match.key if match else applicant
    views = []
    for item in stored:
        app = from_row(item.row)
        if status and app.status.value != status:
            continue
        if wanted_applicant and wanted_applicant not in (app.applicant, app.applicant_name):
            continue
        if theme and theme not in (app.theme, app.theme_text):
            continue
        views.append(StoredView(app, item.file_name, item.created_at, item.updated_at))
    return loaded, views


def show_application(settings: Settings, reference: str) -> tuple[LoadedCall, StoredView]:
    loaded, views = list_applications(settings)
    for view in views:
        if view.application.reference == reference:
            return loaded, view
    references = [v.application.reference for v in views]
    hint = difflib.get_close_matches(reference, references, n=1)
    message = (
        _("no application '{reference}' in {call} (did you mean '{hint}'?)")
        if hint
        else _("no application '{reference}' in {call}")
    )
    raise RefusedError(
        message.format(reference=reference, call=loaded.call.id, hint=hint[0] if hint else "")
    )


# -- templates ----------------------------------------------------------------------------


def write_applications_template(
    settings: Settings,
    out: Path,
    *,
    lang: str = "fr",
    rows: Sequence[Sequence[object]] = (),
    notes: Sequence[str] = (),
) -> LoadedCall:
    """A workbook for applicants or officers, ready to fill in and take in again.

    ``rows`` pre-fills it (in the order of ``fields.FIELDS``); ``notes`` are added to
    the instructions (the shipped example says which of its values are illustrative).
    Everything in it is in ``lang``, the language of the people who fill it in.
    """

    loaded = resolve_call(settings, held=_held_calls(settings))
    call = loaded.call
    registry = load_registry(settings.calls_path)
    kinds = {
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
    choices = {
        "applicant": "applicants",
        "second_housing_company": "housing_companies",
        "commune": "communes",
        "theme": "themes",
        "language": "languages",
    }
    text_lang = "nl" if lang == "nl" else "fr"
    columns = [
        TemplateColumn(
            key=spec.key,
            header=spec.labels[lang],
            kind=kinds[spec.kind],
            required=spec.key in call.required_fields,
            note=gettext_in(lang, spec.hint) if spec.hint else "",
            choices=choices.get(spec.key),
            width=40 if spec.kind is FieldKind.LONG_TEXT else 22,
        )
        for spec in FIELDS
        if spec.key in used_fields(call)
    ]
    allowed = set(call.eligibility.applicant_kinds) or {OrgKind.HOUSING_COMPANY}
    applicants = sorted(
        (o.name[text_lang] for o in registry.organisations if o.kind in allowed), key=str.casefold
    )
    lists = {
        "applicants": applicants,
        "housing_companies": _names(registry, OrgKind.HOUSING_COMPANY, text_lang),
        "communes": _names(registry, OrgKind.COMMUNE, text_lang),
        "themes": [t.label[text_lang] for t in call.themes],
        "languages": ["nl", "fr"],
    }
    write_template(
        out,
        title=call.title[text_lang],
        sheet_name=_SHEET_NAMES[lang],
        columns=columns,
        instructions=[*_instructions(call, lang), *notes],
        properties={"slrbcall.call": call.id, "slrbcall.template": "applications"},
        lists=lists,
        rows=rows,
        lang=lang,
    )
    return loaded


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


def _names(registry: Registry, kind: OrgKind, lang: str) -> list[str]:
    return sorted((o.name[lang] for o in registry.of_kind(kind)), key=str.casefold)


_SHEET_NAMES = {"en": "Applications", "fr": "Candidatures", "nl": "Aanvragen"}


def _instructions(call: Call, lang: str) -> list[str]:
    """The instructions sheet's lines, in the template's language."""

    def words(message: str) -> str:
        return gettext_in(lang, message)

    title = call.title.nl if lang == "nl" else call.title.fr
    low = format_eur(call.grant_min_cents, lang=lang)
    high = format_eur(call.grant_max_cents, lang=lang)
    return [
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
        words(N_("Take it in with: slrbcall intake FILE.xlsx --call {call}")).format(call=call.id),
    ]


def _held_calls(settings: Settings) -> dict[str, str]:
    """call id -> definition hash, of the calls the workspace holds (if it exists)."""
    if not Workspace.exists(settings.db_location):
        return {}
    with Workspace.open(settings.db_location, create=False) as ws:
        return ws.held_calls()
