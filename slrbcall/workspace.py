"""Use cases on the workspace and the machine: what the workspace holds, which calls it
holds, and what slrbcall needs from this machine (``doctor``)."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slrbcall import __version__
from slrbcall.calls.definition import LoadedCall, call_files
from slrbcall.calls.service import list_calls, resolve_call
from slrbcall.documents.libreoffice import INSTALL_HINT, find_libreoffice, libreoffice_version
from slrbcall.errors import RefusedError, SlrbcallError
from slrbcall.intake.merge import content_sha256, content_values, from_row
from slrbcall.money import cents_from_decimal
from slrbcall.settings import Settings, default_db
from slrbcall.store import Actor, AuditRow, Workspace
from slrbcall.store.backend import label_of
from slrbcall.store.copy import copy_workspace as copy_rows
from slrbcall.store.core import SQLITE_VERSION
from slrbcall.store.migrations import APPLICATION_FIELDS

if TYPE_CHECKING:
    from slrbcall.store import Workspace

__all__ = [
    "AuditCheck",
    "AuditTrail",
    "Check",
    "Copied",
    "HeldCall",
    "WorkspaceStatus",
    "audit_trail",
    "call_in_use",
    "copy_workspace",
    "doctor",
    "record_calls",
    "verify_audit",
    "workspace_status",
]


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
    path: Path | str  # a file, or a server's URL
    exists: bool
    schema_version: int = 0
    calls: tuple[HeldCall, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)
    last_change: str | None = None


def workspace_status(settings: Settings) -> WorkspaceStatus:
    """What the workspace holds; it is not created if it does not exist."""

    path = settings.db_location
    if not Workspace.exists(path):
        return WorkspaceStatus(path=label_of(path), exists=False)
    with Workspace.open(path, create=False) as ws:
        # The calls folder is listed once: a workspace of ten years holds 200 calls.
        try:
            files = {f.stem: f for f in call_files(settings.calls_path)}
        except SlrbcallError:
            files = {}
        held = [
            HeldCall(
                call_id=record.call_id,
                sha256=record.sha256,
                recorded_at=record.recorded_at,
                source_path=record.source_path,
                file_state=_file_state(files.get(record.call_id), record.sha256),
            )
            for record in ws.calls()
        ]
        return WorkspaceStatus(
            path=ws.label,
            exists=True,
            schema_version=ws.schema_version,
            calls=tuple(held),
            counts=ws.counts(),
            last_change=ws.last_change(),
        )


def call_in_use(settings: Settings) -> LoadedCall:
    """The call a command works on (docs/cli.md, "Which call"): ``--call``, else the call
    the workspace holds, else the only call of the calls folder. Nothing is created."""

    held: dict[str, str] = {}
    if Workspace.exists(settings.db_location):
        with Workspace.open(settings.db_location, create=False) as ws:
            held = ws.held_calls()
    return resolve_call(settings, held=held)


def _file_state(path: Path | None, sha256: str) -> str:
    if path is None:
        return "missing"
    return "same" if hashlib.sha256(path.read_bytes()).hexdigest() == sha256 else "changed"


def record_calls(
    workspace: Workspace, calls: Sequence[LoadedCall], *, command: str, actor: Actor
) -> None:
    """Hold these calls in the workspace, snapshotting their definitions."""
    with workspace.write(command=command, actor=actor) as tx:
        for loaded in calls:
            tx.record_call(loaded.call.id, loaded.sha256, str(loaded.path), loaded.content)


# -- the audit trail -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditCheck:
    """The audit trail holds: ``rows`` rows, each chain's last row (id, digest)."""

    path: str
    rows: int
    heads: dict[str, tuple[int, str]]


def verify_audit(settings: Settings) -> AuditCheck:
    """Check every hash chain of the audit trail; refused (exit 1), naming the first row
    that does not hold, when a row was changed, removed or added outside slrbcall."""
    with Workspace.open(settings.db_location, create=False) as ws:
        broken = ws.verify_audit()
        if broken is not None:
            raise RefusedError(
                f"the audit trail of {ws.label} does not hold: {broken}. Restore the "
                "workspace's last copy, and keep this one for the inquiry"
            )
        heads = ws.audit_heads()
        return AuditCheck(ws.label, ws.counts().get("audit", 0), heads)


@dataclass(frozen=True, slots=True)
class AuditTrail:
    """The audit rows asked for, oldest first (the key is ``call/REF`` with ``--ref``)."""

    key: str | None
    actor: str | None
    rows: tuple[AuditRow, ...]


def audit_trail(
    settings: Settings,
    *,
    reference: str | None = None,
    actor: str | None = None,
    last: int | None = None,
) -> AuditTrail:
    """The audit rows of an application (``reference``, of the call in use), of an
    actor, or both; the ``last`` ones only when given."""
    with Workspace.open(settings.db_location, create=False) as ws:
        key = None
        if reference is not None:
            key = f"{resolve_call(settings, held=ws.held_calls()).call.id}/{reference}"
        rows = ws.audit_trail(key=key, actor=actor, last=last)
    return AuditTrail(key, actor, tuple(rows))


@dataclass(frozen=True, slots=True)
class Copied:
    """A workspace copied: from where to where, its rows per table and its chains."""

    source: str
    target: str
    counts: dict[str, int]
    heads: dict[str, tuple[int, str]]


def copy_workspace(settings: Settings, to: Path | str) -> Copied:
    """Copy the workspace (``--db``) into a new, empty one at ``to`` (a file or a
    ``postgresql://`` URL), row for row, then check that every table has the same rows
    and every audit chain holds and ends as in the original. Refused (exit 1) when the
    target holds anything already."""
    target_location = default_db(to)
    if label_of(target_location) == label_of(settings.db_location):
        raise RefusedError("--to names the workspace itself: copy it to a new one")
    with (
        Workspace.open(settings.db_location, create=False) as source,
        Workspace.open(target_location, create=True) as target,
    ):
        done = copy_rows(source, target)
        return Copied(source.label, target.label, done.counts, done.heads)


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

    checks = [
        Check(
            "python", sys.version_info >= (3, 11), f"{platform.python_version()} ({sys.executable})"
        ),
        Check("slrbcall", True, __version__),
    ]

    checks.append(
        Check(
            "sqlite",
            SQLITE_VERSION[1] >= (3, 37, 0),
            SQLITE_VERSION[0],
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

    db = settings.db_location
    if isinstance(db, Path):
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
            checks.extend(_workspace_checks(db))
    else:
        checks.extend(_server_checks(db))

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


def _server_checks(url: str) -> list[Check]:
    """Whether the server answers and holds the workspace, and who owns its tables."""
    try:
        exists = Workspace.exists(url)
    except SlrbcallError as exc:
        return [Check("workspace", False, str(exc).splitlines()[0])]
    checks = [
        Check("workspace", True, f"{label_of(url)} ({'exists' if exists else 'will be created'})")
    ]
    if not exists:
        return checks
    checks += _workspace_checks(url)
    with Workspace.open(url, create=False) as ws:
        owner, login = ws.owner()
    checks.append(
        Check(
            "workspace owner",
            owner != login,
            f"the audit and payment tables belong to {owner}; this login is {login}",
            "the tool's login owns the tables and could alter them: have an administrator "
            "make the workspace (docs/concepts.md, 'Which backend')",
            optional=True,
        )
    )
    return checks


def _workspace_checks(db: Path | str) -> list[Check]:
    """Whether the workspace's pages are sound, its guards as the migrations made them,
    its audit trail as it was recorded, and what it holds as its commands recorded it."""
    restore = "restore the last copy of the workspace"
    try:
        with Workspace.open(db, create=False) as ws:
            state = ws.integrity()
            guards = ws.guard_problems()
            if state != "ok":
                return [Check("workspace integrity", False, state, restore)]
            broken = ws.verify_audit()
            chains = len(ws.audit_heads())
            dangling = ws.dangling()
            contents = [
                problem
                for record in ws.calls()
                for problem in [
                    *_application_drift(ws, record.call_id),
                    *_decision_drift(ws, record.call_id),
                ]
            ]
    except SlrbcallError as exc:
        return [Check("workspace integrity", False, str(exc).splitlines()[0], restore)]
    outside = "changed outside slrbcall, with no audit row"
    return [
        Check(
            "audit trail",
            broken is None,
            str(broken) if broken else f"every row as it was recorded ({chains} chains)",
            f"the audit trail was altered outside slrbcall: {restore}",
        ),
        Check("workspace integrity", True, state, restore),
        Check(
            "workspace guards",
            not guards,
            "; ".join(guards) or "every trigger and view as the migrations made it",
            f"the guards were altered outside slrbcall: {restore}; until then no command "
            "writes to it",
        ),
        Check(
            "workspace contents",
            not dangling and not contents,
            "; ".join([*dangling, *contents])
            or "every application as its audit recorded it; every decision whole",
            f"{outside}: {restore} (or take that application's file in again, which "
            "records the change)",
        ),
    ]


def _application_drift(ws: Workspace, call_id: str) -> list[str]:
    """The applications whose stored fields are not what their content hash and their
    audit recorded: a row changed outside slrbcall (``sqlite3 slrbcall.db``)."""
    audited: dict[str, str] = {}
    for row in ws.audit_rows():
        key = row.entity_key or ""
        if row.entity != "application" or not key.startswith(f"{call_id}/"):
            continue
        after = row.after or {}
        if "content_sha256" in after:  # an insertion: its hash and its source row
            audited[key] = str(after["content_sha256"])
        elif "reference" in after:  # a change: the whole row after it
            audited[key] = _hash_of(after)
    found = []
    for stored in ws.applications(call_id):
        reference = stored.row["reference"]
        own = _hash_of(stored.row)
        if stored.content_sha256 not in (own, _earlier_hash_of(stored.row)):
            found.append(f"{reference}: its fields do not match the hash stored with them")
        elif audited.get(f"{call_id}/{reference}", stored.content_sha256) != stored.content_sha256:
            found.append(f"{reference}: its fields are not the ones its audit last recorded")
    return found


def _hash_of(row: Mapping[str, Any]) -> str:
    return content_sha256(content_values(from_row(row)))


def _earlier_hash_of(row: Mapping[str, Any]) -> str:
    """The content hash of versions before 0.x, over a JSON object (design-notes.md)."""
    content = dict(zip(APPLICATION_FIELDS, content_values(from_row(row)), strict=True))
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _decision_drift(ws: Workspace, call_id: str) -> list[str]:
    """Runs whose decisions are not the ones they were made with: an adopted run that is
    gone or has no decision left, a decision whose amount differs from its run's record,
    or a total that differs from its decisions."""
    found = []
    runs = {run.id: run for run in ws.runs(call_id)}
    for adoption in ws.adoptions(call_id):
        if adoption.run_id not in runs:
            found.append(f"run {adoption.run_id}, adopted on {adoption.at[:10]}, is missing")
    for run in runs.values():
        rows = ws.decisions(run.id)
        recorded = {
            line["reference"]: (_cents(line["amount"]), line["decision"])
            for line in run.result.get("lines", [])
        }
        if not rows:
            found.append(f"run {run.id} has no decision left")
            continue
        changed = sorted(
            ref for ref in recorded.keys() | rows.keys() if recorded.get(ref) != rows.get(ref)
        )
        if changed:
            found.append(
                f"run {run.id}: the decision of {', '.join(changed)} differs from the run's record"
            )
        if sum(amount for amount, _ in rows.values()) != run.awarded_cents:
            found.append(f"run {run.id}: its total differs from its decisions")
    return found


def _cents(plain: object) -> int | None:
    try:
        return cents_from_decimal(Decimal(str(plain)))
    except (ArithmeticError, ValueError):
        return None


def _writable(folder: Path) -> bool:
    try:
        with tempfile.NamedTemporaryFile(dir=folder):
            return True
    except OSError:
        return False
