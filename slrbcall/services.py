"""Use cases: each command of the CLI calls one function here.

Functions take a :class:`Settings` (the global options) and keyword-only options, and
return plain results for the CLI to render. Business rules live in the domain modules;
SQL lives in :mod:`slrbcall.store`.
"""

from __future__ import annotations

import hashlib
import platform
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
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
from slrbcall.settings import Settings

if TYPE_CHECKING:
    from slrbcall.registry import Registry
    from slrbcall.store import Workspace

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
    workspace: Workspace | None = None,
    recorded_in_file: str | None = None,
) -> LoadedCall:
    """Which call a command works on (docs/cli.md, "Which call"):

    ``--call``; else the call the workspace holds; else the call recorded in the input
    workbook; else the only call of the calls folder. Otherwise refuse, listing them.
    """
    folder = settings.calls_path
    registry = registry_file(folder)
    if settings.call_id:
        return load_call(find_call(settings.call_id, folder), registry=registry)
    if workspace is not None:
        held = workspace.calls()
        if len(held) == 1:
            return load_call(find_call(held[0].call_id, folder), registry=registry)
        if len(held) > 1:
            names = ", ".join(c.call_id for c in held)
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
    return DemoResult(
        out_dir=out_dir, db_path=db_path, calls=calls, status=workspace_status(demo_settings)
    )
