"""Use cases: each command of the CLI calls one function here.

Functions take a :class:`Settings` (the global options) and keyword-only options, and
return plain results for the CLI to render. Business rules live in the domain modules;
SQL lives in :mod:`slrbcall.store`.
"""

from __future__ import annotations

import difflib
import hashlib
import platform
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from slrbcall import __version__
from slrbcall.calls import (
    REGISTRY_FILE,
    CallSummary,
    LoadedCall,
    call_files,
    find_call,
    load_call,
    load_registry,
    registry_file,
    summarise_call,
)
from slrbcall.errors import InputFileError, Problem, RefusedError, SlrbcallError
from slrbcall.resources import examples_dir
from slrbcall.settings import Settings

if TYPE_CHECKING:
    from slrbcall.applications import Merge
    from slrbcall.model import Application, Call
    from slrbcall.registry import Registry
    from slrbcall.store import Transaction, Workspace

__all__ = [
    "CallListing",
    "Check",
    "DemoResult",
    "WorkspaceStatus",
    "doctor",
    "list_calls",
    "resolve_call",
    "run_demo",
    "show_call",
    "validate_calls",
    "workspace_status",
]


# -- calls --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallListing:
    """One file of the calls folder: its summary when valid, else its problems."""

    path: Path
    call: CallSummary | None
    problems: tuple[Problem, ...] = ()


def list_calls(settings: Settings) -> list[CallListing]:
    """Every call definition of the calls folder, each validated."""
    folder = settings.calls_path
    registry = registry_file(folder)
    listings = []
    for path in call_files(folder):
        try:
            listings.append(CallListing(path=path, call=summarise_call(path, registry=registry)))
        except InputFileError as exc:
            listings.append(CallListing(path=path, call=None, problems=exc.problems))
    return listings


def show_call(settings: Settings, call_id: str) -> LoadedCall:
    folder = settings.calls_path
    return load_call(find_call(call_id, folder), registry=registry_file(folder))


def validate_calls(settings: Settings, paths: Sequence[Path]) -> list[Path]:
    """Validate each file (a call, or an organisations registry).

    Returns the files, all valid; else raises one InputFileError listing the problems
    of all of them.
    """
    registry = registry_file(settings.calls_path)
    problems: list[Problem] = []
    for path in paths:
        try:
            if path.name == REGISTRY_FILE:
                load_registry(path.parent)
            else:
                load_call(path, registry=registry)
        except InputFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputFileError(problems)
    return list(paths)


def resolve_call(
    settings: Settings,
    *,
    held_calls: Mapping[str, str] | None = None,
    recorded_in_file: str | None = None,
) -> LoadedCall:
    """Which call a command works on (docs/cli.md, "Which call"):

    ``--call``; else the call the workspace holds (``held_calls``: id -> hash); else
    the call recorded in the input workbook; else the only call of the calls folder.
    Otherwise refuse, listing them.
    """
    folder = settings.calls_path
    registry = registry_file(folder)
    if settings.call_id:
        return load_call(find_call(settings.call_id, folder), registry=registry)
    if held_calls:
        if len(held_calls) == 1:
            return load_call(find_call(next(iter(held_calls)), folder), registry=registry)
        names = ", ".join(sorted(held_calls))
        raise RefusedError(f"the workspace holds several calls ({names}): pass --call ID")
    if recorded_in_file:
        return load_call(find_call(recorded_in_file, folder), registry=registry)
    files = call_files(folder)
    if len(files) == 1:
        return load_call(files[0], registry=registry)
    names = ", ".join(p.stem for p in files) or "none"
    raise RefusedError(f"which call? pass --call ID (calls in {folder}: {names})")


def registry(settings: Settings) -> Registry:
    return load_registry(settings.calls_path)


# -- workspace ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HeldCall:
    call_id: str
    sha256: str
    recorded_at: str
    source_path: str
    #: ``same``, ``changed`` (the YAML file was edited since) or ``missing``.
    file_state: str


@dataclass(frozen=True, slots=True)
class WorkspaceStatus:
    path: Path
    exists: bool
    schema_version: int = 0
    calls: tuple[HeldCall, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)
    last_change: str | None = None


def workspace_status(settings: Settings) -> WorkspaceStatus:
    """What the workspace holds; it is not created if it does not exist."""
    from slrbcall.store import Workspace

    path = settings.db_path
    if not path.exists():
        return WorkspaceStatus(path=path, exists=False)
    with Workspace.open(path, create=False) as ws:
        held = []
        for record in ws.calls():
            held.append(
                HeldCall(
                    call_id=record.call_id,
                    sha256=record.sha256,
                    recorded_at=record.recorded_at,
                    source_path=record.source_path,
                    file_state=_file_state(settings, record.call_id, record.sha256),
                )
            )
        audit = ws.audit_rows()
        return WorkspaceStatus(
            path=path,
            exists=True,
            schema_version=ws.schema_version,
            calls=tuple(held),
            counts=ws.counts(),
            last_change=audit[-1].at if audit else None,
        )


def _file_state(settings: Settings, call_id: str, sha256: str) -> str:
    try:
        path = find_call(call_id, settings.calls_path)
    except SlrbcallError:
        return "missing"
    return "same" if hashlib.sha256(path.read_bytes()).hexdigest() == sha256 else "changed"


def record_calls(workspace: Workspace, calls: Sequence[LoadedCall], *, command: str) -> None:
    """Hold these calls in the workspace, snapshotting their definitions."""
    with workspace.write(command=command) as tx:
        for loaded in calls:
            tx.record_call(loaded.call.id, loaded.sha256, str(loaded.path), loaded.content)


# -- doctor -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str
    hint: str | None = None
    #: A failed optional check is a warning: the tool works, one feature does not.
    optional: bool = False


def doctor(settings: Settings) -> list[Check]:
    """Check what slrbcall needs from this machine."""
    import importlib.metadata

    from slrbcall.documents.libreoffice import INSTALL_HINT, find_libreoffice, libreoffice_version

    checks = [
        Check(
            "python", sys.version_info >= (3, 11), f"{platform.python_version()} ({sys.executable})"
        ),
        Check("slrbcall", True, __version__),
    ]
    import sqlite3  # noqa: TID251 - only the version string, no data access

    checks.append(
        Check(
            "sqlite",
            sqlite3.sqlite_version_info >= (3, 37, 0),
            sqlite3.sqlite_version,
            "SQLite 3.37 or newer is needed for STRICT tables: upgrade Python",
        )
    )
    for dist in ("typer", "rich", "pydantic", "PyYAML", "python-stdnum"):
        try:
            checks.append(Check(dist, True, importlib.metadata.version(dist)))
        except importlib.metadata.PackageNotFoundError:
            checks.append(Check(dist, False, "not installed", "reinstall slrbcall with pip"))

    try:
        listings = list_calls(settings)
        bad = [item for item in listings if item.call is None]
        checks.append(
            Check(
                "calls",
                not bad and bool(listings),
                f"{len(listings)} in {settings.calls_path}"
                + (f", {len(bad)} with problems" if bad else ""),
                "run 'slrbcall calls validate FILE' to see the problems" if bad else None,
            )
        )
    except SlrbcallError as exc:
        checks.append(Check("calls", False, str(exc).splitlines()[0]))

    templates = settings.templates_path
    checks.append(
        Check(
            "templates", templates.is_dir(), str(templates), "pass --templates-dir", optional=True
        )
    )

    from slrbcall.store import Workspace

    db = settings.db_path
    folder = db.resolve().parent
    writable = folder.is_dir() and _writable(folder)
    checks.append(
        Check(
            "workspace",
            writable,
            f"{db} ({'exists' if db.exists() else 'will be created'})",
            f"the folder {folder} is not writable: pass --db PATH",
        )
    )
    if db.exists():
        try:
            with Workspace.open(db, create=False) as ws:
                state = ws.integrity()
            checks.append(Check("workspace integrity", state == "ok", state))
        except SlrbcallError as exc:
            checks.append(Check("workspace integrity", False, str(exc).splitlines()[0]))

    office = find_libreoffice()
    version = libreoffice_version(office) if office else None
    checks.append(
        Check(
            "libreoffice",
            office is not None,
            f"{version or 'unknown version'} ({office})"
            if office
            else "not found (needed for --pdf)",
            INSTALL_HINT,
            optional=True,
        )
    )
    fc_list = shutil.which("fc-list")
    if fc_list:
        import subprocess

        fonts = subprocess.run(
            [fc_list, ":", "family"], capture_output=True, text=True, check=False, encoding="utf-8"
        ).stdout
        wanted = ("Liberation Serif", "Liberation Sans", "DejaVu Sans", "Carlito", "Caladea")
        present = [f for f in wanted if f in fonts]
        checks.append(
            Check(
                "fonts",
                bool(present),
                ", ".join(present) or "no metric-compatible fonts found",
                "install fonts-liberation so that PDFs keep Word's layout",
                optional=True,
            )
        )
    return checks


def _writable(folder: Path) -> bool:
    try:
        with tempfile.NamedTemporaryFile(dir=folder):
            return True
    except OSError:
        return False


# -- demo ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What the demo did, for the CLI to tell as a story."""

    out_dir: Path
    db_path: Path
    calls: tuple[LoadedCall, ...]
    intake: IntakeResult
    status: WorkspaceStatus


def run_demo(settings: Settings, *, out: Path | None = None) -> DemoResult:
    """Run every stage that exists on the shipped example, in a fresh workspace.

    ``out`` must be empty or absent; by default a new temporary folder is used.
    """
    if out is None:
        out_dir = Path(tempfile.mkdtemp(prefix="slrbcall-demo-"))
    else:
        out_dir = out
        if out_dir.exists() and any(out_dir.iterdir()):
            raise RefusedError(f"{out_dir} is not empty: the demo needs a fresh folder")
        out_dir.mkdir(parents=True, exist_ok=True)
    db_path = out_dir / "slrbcall.db"
    demo_settings = Settings(
        db=db_path, calls_dir=settings.calls_dir, templates_dir=settings.templates_dir
    )
    from slrbcall.store import Workspace

    files = call_files(demo_settings.calls_path)
    validate_calls(demo_settings, files)
    registry = registry_file(demo_settings.calls_path)
    calls = tuple(load_call(path, registry=registry) for path in files)
    with Workspace.open(db_path) as ws:
        record_calls(ws, calls, command="demo")
    example = replace(demo_settings, call_id=DEMO_CALL)
    taken = intake(example, examples_dir() / "applications.xlsx")
    return DemoResult(
        out_dir=out_dir,
        db_path=db_path,
        calls=calls,
        intake=taken,
        status=workspace_status(demo_settings),
    )


#: The call the shipped example data belongs to.
DEMO_CALL = "empowerment-2023"


# -- intake -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """What ``slrbcall intake`` did (or, with ``dry_run``, would do)."""

    file: Path
    call_id: str
    sheet: str
    rows: int
    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    status_moves: tuple[str, ...]
    applications: tuple[Application, ...]
    warnings: tuple[str, ...]
    dry_run: bool
    db_path: Path


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
    from slrbcall.applications import merge
    from slrbcall.intake import (
        field,
        likely_duplicates,
        match_header,
        read_applications,
        recognise_sheet,
    )
    from slrbcall.sheets import choose_sheet, find_header, read_workbook
    from slrbcall.store import Workspace

    if report_xlsx is not None and report_xlsx.resolve() == path.resolve():
        raise RefusedError("--report-xlsx must name a new file, not the file taken in")
    workbook = read_workbook(path)
    held = _held_calls(settings)
    loaded = resolve_call(
        settings, held_calls=held, recorded_in_file=workbook.properties.get("slrbcall.call")
    )
    call = loaded.call
    registry = load_registry(settings.calls_path)
    try:
        chosen = choose_sheet(workbook, recognise=recognise_sheet, requested=sheet)
        header = find_header(
            chosen,
            match=match_header,
            required=call.required_fields,
            names={f: field(f).labels["en"] for f in call.required_fields},
        )
        read = read_applications(
            chosen, header, call=call, registry=registry, date1904=workbook.date1904, on_row=on_row
        )
        if read.problems:
            raise InputFileError(read.problems)
    except InputFileError as exc:
        if report_xlsx is not None:
            _write_report(path, report_xlsx, exc.problems)
        raise
    warnings = [*read.warnings, *likely_duplicates(read.applications)]
    if held and call.id in held and held[call.id] != loaded.sha256:
        warnings.append(
            f"the definition of {call.id} changed since it was last used "
            f"({held[call.id][:12]} -> {loaded.sha256[:12]}); the change is recorded"
        )

    def result(change: Merge, db_path: Path) -> IntakeResult:
        return IntakeResult(
            file=path,
            call_id=call.id,
            sheet=chosen.name,
            rows=len(read.applications),
            added=tuple(a.reference for a in change.added),
            changed=tuple(after.reference for _, after in change.changed),
            unchanged=tuple(a.reference for a in change.unchanged),
            status_moves=tuple(after.reference for _, after in change.status_moves),
            applications=change.file_view,
            warnings=tuple(warnings),
            dry_run=dry_run,
            db_path=db_path,
        )

    db_path = settings.db_path
    if dry_run:
        if db_path.exists():
            with Workspace.open(db_path, create=False) as ws:
                stored, hashes = ws.stored_rows(call.id), ws.stored_hashes(call.id)
        else:
            stored, hashes = [], {}
        change = merge(read.applications, stored, hashes, call=call, registry=registry)
        return result(change, db_path)

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with (
        Workspace.open(db_path) as ws,
        ws.write(command="intake", input_file=path.name, input_sha256=digest) as tx,
    ):
        snapshot = tx.record_call(call.id, loaded.sha256, str(loaded.path), loaded.content)
        # Read what is stored inside the write transaction: a concurrent intake that
        # committed first is taken into account, never overwritten.
        change = merge(
            read.applications,
            tx.stored_rows(call.id),
            tx.stored_hashes(call.id),
            call=call,
            registry=registry,
        )
        file_id = tx.add_intake_file(
            call.id,
            file_name=path.name,
            sha256=digest,
            sheet=chosen.name,
            rows=len(read.applications),
        )
        _store_change(tx, call.id, change, snapshot_id=snapshot, file_id=file_id)
    return result(change, db_path)


def _held_calls(settings: Settings) -> dict[str, str]:
    """call id -> definition hash, of the calls the workspace holds (if it exists)."""
    from slrbcall.store import Workspace

    if not settings.db_path.exists():
        return {}
    with Workspace.open(settings.db_path, create=False) as ws:
        return {record.call_id: record.sha256 for record in ws.calls()}


def _store_change(
    tx: Transaction, call_id: str, change: Merge, *, snapshot_id: int, file_id: int
) -> None:
    from slrbcall.applications import to_row

    for app in change.added:
        row = to_row(app)
        tx.insert_application(
            call_id,
            row,
            sha256=change.hashes[app.reference],
            snapshot_id=snapshot_id,
            file_id=file_id,
        )
        tx.audit("insert", "application", f"{call_id}/{app.reference}", after=row)
    for before, after in change.changed:
        row = to_row(after)
        tx.update_application(
            call_id,
            row,
            sha256=change.hashes[after.reference],
            snapshot_id=snapshot_id,
            file_id=file_id,
        )
        tx.audit(
            "update",
            "application",
            f"{call_id}/{after.reference}",
            before=to_row(before),
            after=row,
        )
    for before, after in change.status_moves:
        row = to_row(after)
        tx.set_status(call_id, after.reference, row["status"], row["reasons_json"])
        tx.audit(
            "update",
            "application",
            f"{call_id}/{after.reference}",
            before={"status": before.status.value, "reasons_json": to_row(before)["reasons_json"]},
            after={"status": row["status"], "reasons_json": row["reasons_json"]},
        )
    tx.set_intake_counts(
        file_id,
        added=len(change.added),
        changed=len(change.changed),
        unchanged=len(change.unchanged),
    )


_WHERE_CELL = re.compile(r": sheet '(?P<sheet>.*)', row (?P<row>\d+)(?:, column (?P<col>[A-Z]+))?")


def _write_report(source: Path, out: Path, problems: Sequence[Problem]) -> None:
    """A copy of the workbook with every bad cell marked (``--report-xlsx``)."""
    from slrbcall.sheets import CellMark, write_problem_report

    marks = []
    for problem in problems:
        found = _WHERE_CELL.search(problem.where)
        if found is None:
            marks.append(CellMark(sheet="", row=0, col=0, message=str(problem)))
            continue
        letters = found.group("col") or ""
        col = 0
        for letter in letters:
            col = col * 26 + ord(letter) - ord("A") + 1
        marks.append(
            CellMark(
                sheet=found.group("sheet"),
                row=int(found.group("row")),
                col=col,
                message=problem.message,
            )
        )
    write_problem_report(source, out, problems=marks)


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
    from slrbcall.applications import from_row
    from slrbcall.store import Workspace

    with Workspace.open(settings.db_path, create=False) as ws:
        loaded = resolve_call(settings, held_calls={c.call_id: c.sha256 for c in ws.calls()})
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
    suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
    raise RefusedError(f"no application '{reference}' in {loaded.call.id}{suggestion}")


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

    ``rows`` pre-fills it (in the order of ``intake.FIELDS``); ``notes`` are added to
    the instructions (the shipped example says which of its values are illustrative).
    """
    from slrbcall.intake import FIELDS, FieldKind
    from slrbcall.model import OrgKind
    from slrbcall.sheets import TemplateColumn, write_template

    loaded = resolve_call(settings, held_calls=_held_calls(settings))
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
        FieldKind.THEME: "choice",
    }
    choices = {"applicant": "applicants", "theme": "themes", "language": "languages"}
    text_lang = "nl" if lang == "nl" else "fr"
    columns = [
        TemplateColumn(
            key=spec.key,
            header=spec.labels[lang],
            kind=kinds[spec.kind],
            required=spec.key in call.required_fields,
            note=spec.hint,
            choices=choices.get(spec.key),
            width=40 if spec.kind is FieldKind.LONG_TEXT else 22,
        )
        for spec in FIELDS
    ]
    allowed = set(call.eligibility.applicant_kinds) or {OrgKind.HOUSING_COMPANY}
    applicants = sorted(
        (o.name[text_lang] for o in registry.organisations if o.kind in allowed), key=str.casefold
    )
    lists = {
        "applicants": applicants,
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
    )
    return loaded


_SHEET_NAMES = {"en": "Applications", "fr": "Candidatures", "nl": "Aanvragen"}


def _instructions(call: Call, lang: str) -> list[str]:
    from slrbcall.money import format_eur

    low, high = format_eur(call.grant_min_cents), format_eur(call.grant_max_cents)
    if lang == "nl":
        return [
            f"Eén rij per aanvraag voor de oproep '{call.title.nl}' ({call.id}).",
            "Kolommen met een * zijn verplicht. Laat de kopregel ongewijzigd.",
            f"Gevraagd bedrag in euro, tussen {low} en {high} (bijvoorbeeld 44.058,00).",
            f"Duur in maanden: {call.duration_months}. Datums als 01/01/2024.",
            "Kies de huisvestingsmaatschappij, het thema en de taal in de keuzelijsten.",
            f"Inlezen: slrbcall intake BESTAND.xlsx --call {call.id}",
        ]
    if lang == "en":
        return [
            f"One row per application to the call '{call.title.fr}' ({call.id}).",
            "Columns marked * are required. Keep the header row as it is.",
            f"Requested amount in euro, between {low} and {high} (e.g. 44058 or 44.058,00).",
            f"Duration in months: {call.duration_months}. Dates as 01/01/2024.",
            "Pick the housing company, the theme and the language from the drop-down lists.",
            f"Take it in with: slrbcall intake FILE.xlsx --call {call.id}",
        ]
    return [
        f"Une ligne par candidature à l'appel « {call.title.fr} » ({call.id}).",
        "Les colonnes marquées d'un * sont obligatoires. Ne modifiez pas la ligne d'en-tête.",
        f"Montant demandé en euros, entre {low} et {high} (par exemple 44.058,00).",
        f"Durée en mois : {call.duration_months}. Dates au format 01/01/2024.",
        "Choisissez la société de logement, le thème et la langue dans les listes déroulantes.",
        f"Pour l'importer : slrbcall intake FICHIER.xlsx --call {call.id}",
    ]
