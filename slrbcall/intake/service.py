"""Use cases on applications: take them in from a spreadsheet, with their budgets (and a
problem report), and write the applications template to fill in. The stored ones are
listed and shown by :mod:`.stored`."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from slrbcall.calls.definition import load_registry
from slrbcall.calls.service import resolve_call
from slrbcall.calls.team import acting
from slrbcall.errors import InputFileError, Problem, RefusedError
from slrbcall.i18n import _, language
from slrbcall.intake.budget import BudgetChanges, compare_budgets
from slrbcall.intake.budget_sheet import (
    BudgetsRead,
    budget_refusals,
    find_budget_sheet,
    is_budget_sheet,
    missing_budgets,
    read_budgets,
)
from slrbcall.intake.eligibility import language_doubt, likely_duplicates
from slrbcall.intake.fields import field, match_header, recognise_sheet
from slrbcall.intake.merge import (
    changed_fields,
    content_sha256,
    content_values,
    merge,
    reasons_json,
    row_values,
    to_row,
)
from slrbcall.intake.reading import RowsRead, read_applications
from slrbcall.intake.reasons import reasons_text
from slrbcall.intake.stored import stored_budgets
from slrbcall.intake.template import (
    SHEET_NAMES,
    application_columns,
    application_lists,
    application_properties,
    budget_sheet,
    instructions,
    used_fields,
)
from slrbcall.model import ApplicationStatus
from slrbcall.settings import Settings
from slrbcall.sheets import (
    choose_sheet,
    find_header,
    write_template,
)
from slrbcall.store import Workspace
from slrbcall.store.backend import label_of

if TYPE_CHECKING:
    from slrbcall.calls.definition import LoadedCall
    from slrbcall.intake.merge import Merge
    from slrbcall.model import Application, Budget, Call
    from slrbcall.sheets import Sheet, Workbook
    from slrbcall.store import Transaction

__all__ = [
    "IntakeResult",
    "intake",
    "reasons_text",
    "used_fields",
    "write_applications_template",
]


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """What ``slrbcall intake`` did (or, with ``dry_run``, would do).

    ``applications`` is every application of the file, assessed, in reference order;
    ``ineligible`` the ineligible ones among them. ``warnings`` are in the officer's
    language; the applications' reasons as stored (in English: see
    :func:`~slrbcall.intake.reasons.reason_text`). ``budget_sheet`` names the file's
    budget sheet, if it has one; ``budgets`` is the budget in force of each application
    of the file that has one once taken in, and ``budgets_changed`` the references whose
    budget the file records (a first one, or other amounts).
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
    budget_sheet: str | None = None
    budgets: Mapping[str, Budget] = dataclasses.field(default_factory=dict)
    budgets_changed: tuple[str, ...] = ()


def intake(
    settings: Settings,
    path: Path,
    *,
    sheet: str | None = None,
    dry_run: bool = False,
    report_xlsx: Path | None = None,
    on_row: Callable[[int, int], None] | None = None,
) -> IntakeResult:
    """Take in the applications of a spreadsheet, and their budgets: all of the file,
    or nothing.

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
        chosen = choose_sheet(
            workbook,
            recognise=lambda found: recognise_sheet(found) and not is_budget_sheet(found, call),
            requested=sheet,
        )
        header = find_header(
            chosen,
            match=match_header,
            required=call.required_fields,
            names={f: _label(f) for f in call.required_fields},
        )
        read = read_applications(
            chosen, header, call=call, registry=registry, date1904=workbook.date1904, on_row=on_row
        )
        budgets = _read_budgets(workbook, chosen, call, read, settings)
        problems = [*read.problems, *(budgets.problems if budgets else ())]
        if problems:
            raise InputFileError(problems)
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
    given = budgets.budgets if budgets else {}
    without = [app.reference for app in read.applications if app.reference not in given]
    missing = [missing_budgets(without, budgets.sheet)] if budgets and without else []

    def result(change: Merge, planned: BudgetChanges, db_path: Path | str) -> IntakeResult:
        # An application whose budget alone changes is a changed application.
        changed = set(_references(change.changed)) | (
            set(planned.to_store) & set(_references(change.unchanged))
        )
        return IntakeResult(
            file=path,
            call_id=call.id,
            sheet=chosen.name,
            rows=len(read.applications),
            added=_references(change.added),
            changed=tuple(a.reference for a in read.applications if a.reference in changed),
            unchanged=tuple(r for r in _references(change.unchanged) if r not in changed),
            status_moves=_references(change.moved),
            applications=change.applications,
            ineligible=tuple(
                app for app in change.applications if app.status is ApplicationStatus.INELIGIBLE
            ),
            warnings=(
                *read.warnings,
                *(budgets.warnings if budgets else ()),
                *missing,
                *duplicates,
                *doubts,
                *redefined,
                *(_frozen_status(app) for app in change.frozen_status),
            ),
            dry_run=dry_run,
            db_path=db_path if isinstance(db_path, Path) else label_of(db_path),
            budget_sheet=budgets.sheet if budgets else None,
            budgets=planned.in_force,
            budgets_changed=tuple(planned.to_store),
        )

    def checked(
        change: Merge, stored: Mapping[str, Budget], decided: Mapping[str, int]
    ) -> BudgetChanges:
        """Refuse the file when it changes a decided row or budget, or leaves a stored
        budget that no longer adds up: one line per row."""
        planned = compare_budgets(read.applications, given, stored, frozen=decided)
        problems = [
            *_frozen_rows(change, decided, path=path, sheet=chosen.name),
            *budget_refusals(planned, budgets, decided, read, path=path, sheet=chosen.name),
        ]
        if problems:
            raise InputFileError(problems)
        return planned

    db_path = settings.db_location
    if dry_run:
        decided: dict[str, int] = {}
        plans: dict[str, Budget] = {}
        if Workspace.exists(db_path):
            with Workspace.open(db_path, create=False) as ws:
                stored = ws.stored_rows(call.id)
                decided = _decided(ws, call.id)
                plans = stored_budgets(ws, call)
        else:
            stored = []
        change = merge(read.applications, stored, call=call, registry=registry, frozen=decided)
        return result(change, checked(change, plans, decided), db_path)

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
        planned = checked(change, stored_budgets(tx, call), decided)
        file_id = tx.add_intake_file(
            call.id,
            file_name=path.name,
            sha256=digest,
            sheet=chosen.name,
            rows=len(read.applications),
        )
        done = result(change, planned, db_path)
        _store_change(tx, call.id, change, snapshot_id=snapshot, file_id=file_id)
        tx.audit_insertions()
        _store_budgets(tx, call.id, planned, file_id=file_id)
        tx.set_intake_counts(
            file_id,
            added=len(done.added),
            changed=len(done.changed),
            unchanged=len(done.unchanged),
        )
    return done


def _read_budgets(
    workbook: Workbook, chosen: Sheet, call: Call, read: RowsRead, settings: Settings
) -> BudgetsRead | None:
    """The budget sheet of the workbook, read, or None when it has none (or the call
    has no budget lines). Two sheets that could be it are a problem of the file."""
    if not call.budget_lines:
        return None
    try:
        found = find_budget_sheet(workbook, call, besides=chosen)
    except InputFileError as exc:
        return BudgetsRead("", {}, {}, tuple(exc.problems), ())
    if found is None:
        return None
    decided: dict[str, int] = {}
    if Workspace.exists(settings.db_location):
        # Which are decided, to word their changes as such: the write checks it again.
        with Workspace.open(settings.db_location, create=False) as ws:
            decided = _decided(ws, call.id)
    return read_budgets(
        found,
        call=call,
        applications={app.reference: app for app in read.applications},
        references=read.references,
        applications_sheet=chosen.name,
        decided=decided,
    )


def _store_budgets(tx: Transaction, call_id: str, planned: BudgetChanges, *, file_id: int) -> None:
    """Record each new budget as the application's next version, audited."""
    for reference, budget in planned.to_store.items():
        version = tx.add_budget(
            call_id,
            reference,
            lines=budget.lines,
            co_financing=budget.co_financing,
            file_id=file_id,
        )
        tx.audit(
            "insert",
            "application_budget",
            f"{call_id}/{reference}",
            after={
                "version": version,
                "lines": dict(budget.lines),
                "co_financing": dict(budget.co_financing),
            },
        )


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


def _frozen_rows(
    change: Merge, decided: Mapping[str, int], *, path: Path, sheet: str
) -> list[Problem]:
    """A decided application whose row the file changes: one problem per row."""
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
    return problems


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


# -- templates ----------------------------------------------------------------------------


def write_applications_template(
    settings: Settings,
    out: Path,
    *,
    lang: str = "fr",
    rows: Sequence[Sequence[object]] = (),
    budget_rows: Sequence[Sequence[object]] = (),
    notes: Sequence[str] = (),
) -> LoadedCall:
    """A workbook for applicants or officers, ready to fill in and take in again.

    ``rows`` pre-fills it (in the order of ``fields.FIELDS``), and ``budget_rows`` its
    budget sheet, which a call with budget lines has (reference, title, each line, each
    co-financing source); ``notes`` are added to the instructions (the shipped example
    says which of its values are illustrative). Everything in it is in ``lang``, the
    language of the people who fill it in.
    """

    loaded = resolve_call(settings, held=_held_calls(settings))
    call = loaded.call
    registry = load_registry(settings.calls_path)
    budget = budget_sheet(call, lang, budget_rows)
    write_template(
        out,
        title=call.title.nl if lang == "nl" else call.title.fr,
        sheet_name=SHEET_NAMES[lang],
        columns=application_columns(call, lang),
        instructions=[*instructions(call, lang), *notes],
        properties=application_properties(call),
        lists=application_lists(call, registry, lang),
        rows=rows,
        lang=lang,
        more_sheets=() if budget is None else (budget,),
    )
    return loaded


def _held_calls(settings: Settings) -> dict[str, str]:
    """call id -> definition hash, of the calls the workspace holds (if it exists)."""
    if not Workspace.exists(settings.db_location):
        return {}
    with Workspace.open(settings.db_location, create=False) as ws:
        return ws.held_calls()
