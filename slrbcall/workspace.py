"""Use cases on the workspace: what it holds, which calls it holds, its audit trail, and
its copy to another backend. What slrbcall needs from the machine is :mod:`slrbcall.doctor`."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from slrbcall.calls.definition import LoadedCall, call_files
from slrbcall.calls.service import resolve_call
from slrbcall.errors import RefusedError, SlrbcallError
from slrbcall.i18n import _
from slrbcall.settings import Settings, default_db
from slrbcall.store import Actor, AuditRow, Workspace
from slrbcall.store.backend import label_of
from slrbcall.store.copy import copy_workspace as copy_rows

if TYPE_CHECKING:
    from slrbcall.store import Workspace

__all__ = [
    "AuditCheck",
    "AuditTrail",
    "Copied",
    "HeldCall",
    "WorkspaceStatus",
    "audit_trail",
    "call_in_use",
    "copy_workspace",
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
                _(
                    "the audit trail of {path} does not hold: {problem}. Restore the "
                    "workspace's last copy, and keep this one for the inquiry"
                ).format(path=ws.label, problem=broken)
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
        raise RefusedError(_("--to names the workspace itself: copy it to a new one"))
    with (
        Workspace.open(settings.db_location, create=False) as source,
        Workspace.open(target_location, create=True) as target,
    ):
        done = copy_rows(source, target)
        return Copied(source.label, target.label, done.counts, done.heads)
