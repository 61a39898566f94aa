"""The officers who work on the calls, their roles, and who may write what.

A team lists its people in ``officers.yaml``, beside the call definitions (the calls
folder in use: ``--calls-dir``, else ``./calls``, else the shipped one). Every command
that writes names its actor: ``--as KEY``, else ``$SLRBCALL_ACTOR``, else the officer
whose ``logins`` hold the login of the person running the tool. A write by someone the
file does not list, or without the role its command needs (:data:`COMMAND_ROLES`), is
refused. Without an ``officers.yaml`` the tool is one person's, as before: the actor is
``--as``, else ``$SLRBCALL_ACTOR``, else the login, and every write is allowed.

The roles are a second pair of eyes against mistakes, not a login: on a shared server,
the database's own logins say who connects (docs/concepts.md, "Actors and roles").
"""

from __future__ import annotations

import difflib
import getpass
import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import ModuleType

from slrbcall.calls.cache import cached
from slrbcall.calls.definition import OFFICERS_FILE
from slrbcall.calls.source import read_source
from slrbcall.errors import InputFileError, Problem, RefusedError
from slrbcall.i18n import N_, _
from slrbcall.settings import Settings, current_actor
from slrbcall.store import Actor

__all__ = [
    "COMMAND_ROLES",
    "OFFICERS_FILE",
    "ROLE_LABELS",
    "Actor",
    "Officer",
    "Role",
    "Team",
    "acting",
    "load_team",
    "officers_file",
    "read_team",
    "role_label",
]


class Role(StrEnum):
    """What an officer may do. A person may hold several roles."""

    OFFICER = "officer"  # runs the call: intake, proposals, documents, follow-up, expenses
    FINANCE = "finance"  # records the payments and what comes back of a recovery
    APPROVER = "approver"  # adopts decisions, approves payments, amends, settles
    COMMITTEE_SECRETARY = "committee_secretary"  # takes in the committee's marks
    AUDITOR = "auditor"  # reads and checks the audit trail; writes nothing


#: How a role is shown to the officer; the English label is the role's key, as
#: ``officers.yaml`` writes it.
ROLE_LABELS = {
    Role.OFFICER: N_("officer"),
    Role.FINANCE: N_("finance"),
    Role.APPROVER: N_("approver"),
    Role.COMMITTEE_SECRETARY: N_("committee_secretary"),
    Role.AUDITOR: N_("auditor"),
}


def role_label(role: Role) -> str:
    """A role as the officer reads it (in English, its key)."""
    return _(ROLE_LABELS[role])


#: The role each writing command needs, by the command name its audit rows carry.
#: Reading commands need none; a writing command missing here is a bug (``acting``
#: refuses to guess). Kept in step with docs/concepts.md and with the commands that
#: write by tests/test_team.py.
COMMAND_ROLES: dict[str, Role] = {
    "intake": Role.OFFICER,
    "score": Role.COMMITTEE_SECRETARY,
    "allocate": Role.OFFICER,
    "allocations adopt": Role.APPROVER,
    "withdraw": Role.OFFICER,
    "reallocate": Role.OFFICER,
    "render-conventions": Role.OFFICER,
    "render-letters": Role.OFFICER,
    "render-amendments": Role.OFFICER,
    "notify": Role.OFFICER,
    "notified": Role.OFFICER,
    "followup record": Role.OFFICER,
    "followup correct": Role.OFFICER,
    "monitor": Role.OFFICER,
    "amend": Role.APPROVER,
    "payments record": Role.FINANCE,
    "payments take": Role.FINANCE,
    "payments correct": Role.FINANCE,
    "payments approve": Role.APPROVER,
    "justify": Role.OFFICER,
    "justification decide": Role.OFFICER,
    # A settlement fixes what a project is finally granted, and a recovery, in a
    # letter open to appeal: a decision, as an amendment is.
    "settle": Role.APPROVER,
    "recovery record": Role.FINANCE,
}


@dataclass(frozen=True, slots=True)
class Officer:
    """One person of the team: a key (what ``--as`` and the audit name), a name, the
    roles they hold and the logins that are theirs."""

    key: str
    name: str
    roles: frozenset[Role]
    logins: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Team:
    """The officers of ``officers.yaml``, in file order (keys and logins unique)."""

    officers: tuple[Officer, ...]
    source: str = OFFICERS_FILE

    def get(self, key: str) -> Officer | None:
        return next((o for o in self.officers if o.key == key), None)

    def by_login(self, login: str) -> Officer | None:
        folded = login.casefold()
        return next(
            (o for o in self.officers if any(x.casefold() == folded for x in o.logins)), None
        )


def officers_file(settings: Settings) -> Path | None:
    """``officers.yaml`` of the calls folder in use, or None (one person's tool)."""
    if not settings.team:
        return None
    path = settings.calls_path / OFFICERS_FILE
    return path if path.is_file() else None


def load_team(settings: Settings) -> Team | None:
    """The team of ``officers.yaml``, validated (exit 3 on problems), or None without one."""
    path = officers_file(settings)
    return None if path is None else read_team(path)


def read_team(path: Path) -> Team:
    """The team of the officers' file ``path``, validated (exit 3 on problems)."""
    try:  # named as the user would type it, as the call files are
        label = str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        label = str(path)
    raw = read_source(path, label=label)
    result: Team | tuple[Problem, ...] = cached(
        "officers", [label, raw], lambda: _officers().build_team(raw, label)
    )
    if isinstance(result, tuple):
        raise InputFileError(result)
    return result


def acting(settings: Settings, command: str) -> Actor:
    """Who runs the writing ``command``, refused (exit 1) when the team does not know
    them or they lack the command's role (:data:`COMMAND_ROLES`)."""
    named = settings.actor or os.environ.get("SLRBCALL_ACTOR", "").strip() or None
    team = load_team(settings)
    if team is None:
        return Actor(named[:200] if named else current_actor())
    if named is not None:
        officer = team.get(named)
        if officer is None:
            keys = [o.key for o in team.officers]
            hint = difflib.get_close_matches(named, keys, n=1)
            suggestion = _(" (did you mean '{value}'?)").format(value=hint[0]) if hint else ""
            raise RefusedError(
                _(
                    "'{key}' is not an officer of {file}{suggestion}; its officers are {keys}"
                ).format(key=named, file=team.source, suggestion=suggestion, keys=", ".join(keys))
            )
    else:
        login = _login()
        officer = team.by_login(login) if login else None
        if officer is None:
            raise RefusedError(
                _(
                    "the login '{login}' is not one of an officer of {file}: pass --as KEY (or "
                    "set SLRBCALL_ACTOR), or add the login to your 'logins'"
                ).format(login=login or _("unknown"), file=team.source)
            )
    needed = COMMAND_ROLES[command]  # a KeyError is a writing command left out of the table
    if needed not in officer.roles:
        held = ", ".join(role_label(r) for r in sorted(officer.roles)) or _("none")
        raise RefusedError(
            _(
                "{key} may not run '{command}': it needs the role '{role}' ({key} holds: "
                "{held}; see {file})"
            ).format(
                key=officer.key,
                command=command,
                role=role_label(needed),
                held=held,
                file=team.source,
            )
        )
    return Actor(officer.key, team=True)


def _login() -> str:
    try:
        return getpass.getuser().strip()
    except (OSError, KeyError, ImportError):  # no login name on this machine (a container)
        return ""


def _officers() -> ModuleType:
    """:mod:`slrbcall.calls.officers`, loaded when the file is not in the cache."""
    from slrbcall.calls import officers  # noqa: PLC0415 (it loads pydantic)

    return officers
