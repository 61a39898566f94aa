"""Is a database file a slrbcall workspace, and are its guards as the migrations made them?

A workspace says what it is in its file header (``PRAGMA application_id``), so that the
tool never adds its tables to another application's database. Its guards are the
triggers and views the migrations create: they keep payments within awards, and keep
the audit, the decisions and the payments as they were recorded. A guard dropped or
rewritten by hand (``sqlite3 slrbcall.db``) would let a change pass unrecorded, so every
write checks them first and ``slrbcall doctor`` names what differs.
"""

from __future__ import annotations

import errno
import sqlite3
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from slrbcall.errors import EnvironmentProblemError, GuardRefusedError
from slrbcall.i18n import N_, _
from slrbcall.store.migrations import Step

__all__ = [
    "APPLICATION_ID",
    "damage",
    "foreign_reason",
    "guard_problems",
    "refusal",
    "unwritable",
]

#: "SLRB" in the header of every workspace (bytes 68-71 of a SQLite file).
APPLICATION_ID = 0x534C5242

#: Tables that every workspace has had since its first migration.
_OWN_TABLES = frozenset({"call_snapshot", "workspace_call", "audit"})

#: What SQLite says of a file whose pages are damaged or that is no database at all.
_DAMAGE = ("malformed", "not a database", "corrupt", "disk i/o error", "could not decode")


def foreign_reason(conn: sqlite3.Connection) -> str | None:
    """Why the open database is not a slrbcall workspace, or None when it is one.

    A workspace is a new, empty database; or one whose header names slrbcall; or one
    made before headers were written, which has the tables of the first migration. Only
    reads: nothing is written to a file that is not ours. The header, the tables and the
    schema version are read in one read transaction: another process making the same
    new workspace at that moment is seen before or after its first migration, never
    half-way (its tables not yet there, its version already written).
    """
    outer = conn.in_transaction
    if not outer:
        conn.execute("BEGIN")
    try:
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        tables = {
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        if not outer and conn.in_transaction:  # a failed read may have ended it already
            conn.execute("ROLLBACK")
    if app_id == APPLICATION_ID:
        return None
    if app_id != 0:
        return _("its header names another application (id {id})").format(id=f"{app_id:#x}")
    if not tables and version == 0:
        return None  # a new database
    if version > 0 and tables >= _OWN_TABLES:
        return None  # a workspace from before the header was written
    shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
    return _("it holds the tables of another application ({tables})").format(
        tables=shown or _("none")
    )


@cache
def _expected(migrations: tuple[tuple[Step, ...], ...]) -> dict[tuple[str, str], str]:
    """The triggers and views the migrations make: (type, name) -> their SQL."""
    conn = sqlite3.connect(":memory:")
    try:
        for migration in migrations:
            for step in migration:
                if isinstance(step, str):
                    conn.execute(step)
                else:
                    step(conn)
        return _guards(conn)
    finally:
        conn.close()


def _guards(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    return {
        (kind, name): sql
        for kind, name, sql in conn.execute(
            "SELECT type, name, sql FROM sqlite_schema WHERE type IN ('trigger', 'view')"
        )
    }


#: Every guard's refusal as the triggers word it, in the SQLite migrations and in the
#: PostgreSQL schema alike (``tests/test_store_refusals.py`` holds the two to this list),
#: marked for the catalogs: :func:`refusal` says it in the officer's language.
GUARD_REFUSALS = frozenset(
    {
        N_("a call adopts only a run of its own"),
        N_("a correction follows the date it corrects"),
        N_("a correction follows the entry it corrects, by the difference between them"),
        N_("a decision is adopted by another person than who proposed it"),
        N_("a proposed payment is of a tranche not paid, within the award"),
        N_("a proposed payment is paid as proposed, once approved by another person"),
        N_("a recovery follows the last, from the settlement on, and never above what is due"),
        N_("a reserve list is kept as it was adopted"),
        N_(
            "a review follows the last, of the expense in force, and admits at most what "
            "was claimed"
        ),
        N_("a settled project is paid no more than its settlement admits"),
        N_("a settled project takes no more expenses"),
        N_("a settlement follows what was paid, the award in force and what was claimed"),
        N_("a withdrawn project is paid nothing after its withdrawal"),
        N_("adoptions are kept as they were recorded"),
        N_("allocation decisions are kept as they were made"),
        N_("allocation runs are kept as they were made"),
        N_("amendments are kept as they were recorded"),
        N_("an adopted decision never awards a project less than was paid to it"),
        N_("an amendment follows the award in force of a project of the adopted decision"),
        N_("an amendment never brings an award below what was paid"),
        N_("an invoice is claimed once, by one project: a new version follows the last"),
        N_("audit rows are append-only"),
        N_("budgets are kept as they were recorded"),
        N_("corrections are kept as they were recorded"),
        N_("expenses are kept as they were recorded"),
        N_("milestones are kept as they were recorded"),
        N_("payment proposals are kept as they were recorded"),
        N_("payments are kept as they were recorded"),
        N_("recoveries are kept as they were recorded"),
        N_("reviews are kept as they were recorded"),
        N_("settlements are kept as they were recorded"),
        N_("team records are kept as they were recorded"),
        N_("the convention of a settled project is amended no more"),
        N_("the expenses of a settled project are reviewed no more"),
        N_("the payments of a project may never exceed its award"),
        N_("the tranches of an amendment add up to its amount"),
        N_("withdrawals are kept as they were recorded"),
    }
)


def refusal(label: str, exc: BaseException) -> GuardRefusedError | None:
    """What to tell the officer when a guard or a constraint of the workspace refused a
    write (``exc``, from either driver); None for any other error.

    The tool checks every rule before it writes, so a refusal here means that a rule was
    missed or that the workspace was written around the tool. It is said as such, with
    the rule in the officer's language; nothing is stored.
    """
    if isinstance(exc, sqlite3.IntegrityError):
        said = str(exc)
    elif str(getattr(exc, "sqlstate", None) or "").startswith("23"):  # psycopg's
        diag = getattr(exc, "diag", None)
        said = str(getattr(diag, "message_primary", None) or exc)
    else:
        return None
    said = said.strip()
    if said in GUARD_REFUSALS:
        rule = _(said)
    else:  # a constraint of a table: the database's own words, quoted
        rule = _("a constraint of its tables ({detail})").format(
            detail=said.splitlines()[0] if said else "?"
        )
    return GuardRefusedError(
        _(
            "{path}: the workspace refused this change: {rule}. Nothing was stored. "
            "slrbcall checks this before it writes: please report the command you ran, and "
            "run 'slrbcall doctor' to check the workspace"
        ).format(path=label, rule=rule)
    )


#: What differs in a guard, by its kind (SQLite's ``trigger`` or ``view``).
_MISSING = {
    "trigger": N_("the trigger {name} is missing"),
    "view": N_("the view {name} is missing"),
}
_CHANGED = {
    "trigger": N_("the trigger {name} was changed"),
    "view": N_("the view {name} was changed"),
}
_FOREIGN = {
    "trigger": N_("the trigger {name} is not one of slrbcall's"),
    "view": N_("the view {name} is not one of slrbcall's"),
}


def guard_problems(
    conn: sqlite3.Connection, migrations: Sequence[Sequence[Step]], version: int
) -> list[str]:
    """Each guard of a workspace at schema ``version`` that is missing, changed or added."""
    expected = _expected(tuple(tuple(m) for m in migrations[:version]))
    found = _guards(conn)
    problems = []
    for (kind, name), sql in sorted(expected.items()):
        if (kind, name) not in found:
            problems.append(_(_MISSING[kind]).format(name=name))
        elif found[kind, name] != sql:
            problems.append(_(_CHANGED[kind]).format(name=name))
    for kind, name in sorted(set(found) - set(expected)):
        problems.append(_(_FOREIGN[kind]).format(name=name))
    return problems


def damage(exc: BaseException) -> str | None:
    """What SQLite said, when ``exc`` says the file is damaged; None for any other error.

    Text that is not UTF-8 is damage too: the tool writes nothing else.
    """
    if isinstance(exc, UnicodeDecodeError):
        return _("text that is not UTF-8 ({reason})").format(reason=exc.reason)
    if not isinstance(exc, sqlite3.DatabaseError) or isinstance(exc, sqlite3.IntegrityError):
        return None
    text = str(exc)
    return text if any(word in text.lower() for word in _DAMAGE) else None


#: SQLite's primary result codes that a folder or disk that cannot be written gives.
_SQLITE_IOERR, _SQLITE_READONLY, _SQLITE_CANTOPEN, _SQLITE_FULL = 10, 8, 14, 13
_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))  # no quotas on Windows
_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)


def unwritable(path: Path, exc: BaseException) -> EnvironmentProblemError | None:
    """Why the workspace at ``path`` cannot be written, when ``exc`` comes from that: a
    full disk, or a read-only file, folder or disk; None for any other error.

    SQLite says "disk I/O error" as well for a log it cannot grow on a full disk as for
    a failing disk, so the folder is tried with a small file of our own to tell.
    """
    if not isinstance(exc, sqlite3.Error):
        return None
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code not in (_SQLITE_IOERR, _SQLITE_READONLY, _SQLITE_CANTOPEN, _SQLITE_FULL):
        return None
    refused = _write_refused(path.parent)
    if code == _SQLITE_FULL or refused in _FULL:
        return EnvironmentProblemError(
            _(
                "{path}: the disk that holds the workspace is full, so nothing was written to "
                "it: free some space and run the command again"
            ).format(path=path)
        )
    if refused in _READ_ONLY or code == _SQLITE_READONLY:
        where = _("its folder") if refused is not None else _("the file")
        return EnvironmentProblemError(
            _(
                "{path}: the workspace is read-only here ({where} cannot be written), so "
                "nothing was written to it: copy it to a folder you can write to, or ask for "
                "write access"
            ).format(path=path, where=where)
        )
    return None


def _write_refused(folder: Path) -> int | None:
    """The error number with which ``folder`` refuses a small file, or None."""
    try:
        with tempfile.TemporaryFile(dir=folder) as probe:
            probe.write(bytes(4096))
            probe.flush()
    except OSError as exc:
        return exc.errno
    return None
