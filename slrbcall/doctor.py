"""Use case: ``slrbcall doctor``, what slrbcall needs from this machine, and whether the
workspace is whole (its pages, its guards, its audit trail, and what it holds as its
commands recorded it).

Apart from :mod:`slrbcall.workspace` because it reads much that ``status``, run all
day, does not: the installed packages' metadata, the applications' content hashes,
LibreOffice and the fonts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from slrbcall import __version__
from slrbcall.calls.service import list_calls
from slrbcall.documents.libreoffice import INSTALL_HINT, find_libreoffice, libreoffice_version
from slrbcall.errors import SlrbcallError
from slrbcall.i18n import N_, _, clauses, format_day, ngettext
from slrbcall.intake.merge import content_sha256, content_values, from_row
from slrbcall.money import cents_from_decimal
from slrbcall.settings import Settings
from slrbcall.store import Workspace
from slrbcall.store.backend import label_of
from slrbcall.store.core import SQLITE_VERSION
from slrbcall.store.migrations import APPLICATION_FIELDS

__all__ = ["Check", "check_label", "doctor"]


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str
    hint: str | None = None
    #: A failed optional check is a warning: the tool works, one feature does not.
    optional: bool = False


#: The names of the checks that are words (the others name a program), shown to the
#: officer in their language; the JSON of ``doctor`` keeps the names as they are.
_CHECK_LABELS = {
    "calls": N_("calls"),
    "templates": N_("templates"),
    "workspace": N_("workspace"),
    "workspace integrity": N_("workspace integrity"),
    "workspace guards": N_("workspace guards"),
    "workspace contents": N_("workspace contents"),
    "workspace owner": N_("workspace owner"),
    "audit trail": N_("audit trail"),
    "fonts": N_("fonts"),
}


def check_label(name: str) -> str:
    """A check's name as the officer reads it."""
    label = _CHECK_LABELS.get(name)
    return name if label is None else _(label)


def doctor(settings: Settings) -> list[Check]:
    """Check what slrbcall needs from this machine; the details and hints are sentences
    in the officer's language."""

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
            _("SQLite 3.37 or newer is needed for STRICT tables: upgrade Python"),
        )
    )
    for dist in ("typer", "rich", "pydantic", "PyYAML", "python-stdnum"):
        try:
            checks.append(Check(dist, True, importlib.metadata.version(dist)))
        except importlib.metadata.PackageNotFoundError:
            checks.append(Check(dist, False, _("not installed"), _("reinstall slrbcall with pip")))

    try:
        listings = list_calls(settings)
        bad = [item for item in listings if item.call is None]
        found = _("{count} in {folder}").format(count=len(listings), folder=settings.calls_path)
        if bad:
            found += ngettext(
                ", {count} with problems", ", {count} with problems", len(bad)
            ).format(count=len(bad))
        checks.append(
            Check(
                "calls",
                not bad and bool(listings),
                found,
                _("run 'slrbcall calls validate FILE' to see the problems") if bad else None,
            )
        )
    except SlrbcallError as exc:
        checks.append(Check("calls", False, str(exc).splitlines()[0]))

    templates = settings.templates_path
    checks.append(
        Check(
            "templates",
            templates.is_dir(),
            str(templates),
            _("pass --templates-dir"),
            optional=True,
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
                (_("{path} (exists)") if db.exists() else _("{path} (will be created)")).format(
                    path=db
                ),
                _("the folder {folder} is not writable: pass --db PATH").format(folder=folder),
            )
        )
        if db.exists():
            checks.extend(_workspace_checks(db))
    else:
        checks.extend(_server_checks(db))

    office = find_libreoffice()
    version = (libreoffice_version(office) if office else None) or _("unknown version")
    checks.append(
        Check(
            "libreoffice",
            office is not None,
            f"{version} ({office})" if office else _("not found (needed for --pdf)"),
            _(INSTALL_HINT),
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
                ", ".join(present) or _("no metric-compatible fonts found"),
                _("install fonts-liberation so that PDFs keep Word's layout"),
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
        Check(
            "workspace",
            True,
            (_("{path} (exists)") if exists else _("{path} (will be created)")).format(
                path=label_of(url)
            ),
        )
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
            _("the audit and payment tables belong to {owner}; this login is {login}").format(
                owner=owner, login=login
            ),
            _(
                "the tool's login owns the tables and could alter them: have an administrator "
                "make the workspace (docs/concepts.md, 'Which backend')"
            ),
            optional=True,
        )
    )
    return checks


def _workspace_checks(db: Path | str) -> list[Check]:
    """Whether the workspace's pages are sound, its guards as the migrations made them,
    its audit trail as it was recorded, and what it holds as its commands recorded it."""
    restore = _("restore the last copy of the workspace")
    try:
        with Workspace.open(db, create=False) as ws:
            state = ws.integrity()
            guards = ws.guard_problems()
            if state != "ok":
                return [Check("workspace integrity", False, state, restore)]
            broken = ws.verify_audit()
            chains = len(ws.audit_heads())
            dangling = ws.dangling()
            audited = _audited_applications(ws)
            contents = [
                problem
                for record in ws.calls()
                for problem in [
                    *_application_drift(ws, record.call_id, audited),
                    *_decision_drift(ws, record.call_id),
                ]
            ]
    except SlrbcallError as exc:
        return [Check("workspace integrity", False, str(exc).splitlines()[0], restore)]
    return [
        Check(
            "audit trail",
            broken is None,
            str(broken)
            if broken
            else ngettext(
                "every row as it was recorded ({count} chain)",
                "every row as it was recorded ({count} chains)",
                chains,
            ).format(count=chains),
            _("the audit trail was altered outside slrbcall: {restore}").format(restore=restore),
        ),
        Check("workspace integrity", True, _("ok"), restore),
        Check(
            "workspace guards",
            not guards,
            clauses(guards) or _("every trigger and view as the migrations made it"),
            _(
                "the guards were altered outside slrbcall: {restore}; until then no command "
                "writes to it"
            ).format(restore=restore),
        ),
        Check(
            "workspace contents",
            not dangling and not contents,
            clauses([*dangling, *contents])
            or _("every application as its audit recorded it; every decision whole"),
            _(
                "changed outside slrbcall, with no audit row: {restore} (or take that "
                "application's file in again, which records the change)"
            ).format(restore=restore),
        ),
    ]


def _audited_applications(ws: Workspace) -> dict[str, str]:
    """The content hash the audit last recorded for each application of every call
    (``call/reference`` -> hash): its insertion's, or its last change's. One pass over
    the audit's application rows, for all calls: a workspace of ten years holds a
    million audit rows."""
    audited: dict[str, str] = {}
    for row in ws.audit_trail(entity="application"):
        after = row.after or {}
        if "content_sha256" in after:  # an insertion: its hash and its source row
            audited[row.entity_key or ""] = str(after["content_sha256"])
        elif "reference" in after:  # a change: the whole row after it
            audited[row.entity_key or ""] = _hash_of(after)
    return audited


def _application_drift(ws: Workspace, call_id: str, audited: Mapping[str, str]) -> list[str]:
    """The applications whose stored fields are not what their content hash and their
    audit (``audited``, :func:`_audited_applications`) recorded: a row changed outside
    slrbcall (``sqlite3 slrbcall.db``)."""
    found = []
    for stored in ws.applications(call_id):
        reference = stored.row["reference"]
        own = _hash_of(stored.row)
        if stored.content_sha256 not in (own, _earlier_hash_of(stored.row)):
            found.append(
                _("{reference}: its fields do not match the hash stored with them").format(
                    reference=reference
                )
            )
        elif audited.get(f"{call_id}/{reference}", stored.content_sha256) != stored.content_sha256:
            found.append(
                _("{reference}: its fields are not the ones its audit last recorded").format(
                    reference=reference
                )
            )
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
            found.append(
                _("run {run}, adopted on {day}, is missing").format(
                    run=adoption.run_id, day=_day(adoption.at[:10])
                )
            )
    for run in runs.values():
        rows = ws.decisions(run.id)
        recorded = {
            line["reference"]: (_cents(line["amount"]), line["decision"])
            for line in run.result.get("lines", [])
        }
        if not rows:
            found.append(_("run {run} has no decision left").format(run=run.id))
            continue
        changed = sorted(
            ref for ref in recorded.keys() | rows.keys() if recorded.get(ref) != rows.get(ref)
        )
        if changed:
            found.append(
                ngettext(
                    "run {run}: the decision of {references} differs from the run's record",
                    "run {run}: the decisions of {references} differ from the run's record",
                    len(changed),
                ).format(run=run.id, references=", ".join(changed))
            )
        if sum(amount for amount, _kind in rows.values()) != run.awarded_cents:
            found.append(_("run {run}: its total differs from its decisions").format(run=run.id))
    return found


def _day(iso: str) -> str:
    """An ISO day of the workspace as the officer reads it."""
    try:
        return format_day(dt.date.fromisoformat(iso))
    except ValueError:
        return iso


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
