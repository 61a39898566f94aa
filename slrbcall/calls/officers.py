"""The shape of ``officers.yaml``, as pydantic models, and the team it builds.

Loaded only when the file is not in the cache (:func:`slrbcall.calls.team.load_team`),
like :mod:`slrbcall.calls.build`. Every problem is reported at once, at its line and
column; a file with problems is never used.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from slrbcall.calls.check import line_col, shape_problems
from slrbcall.calls.team import Officer, Role, Team
from slrbcall.calls.yamlstrict import decode_source, parse_yaml
from slrbcall.errors import InputFileError, Problem
from slrbcall.i18n import _

__all__ = ["OfficerSpec", "OfficersSpec", "build_team"]

Key = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class OfficerSpec(_Strict):
    key: Key = Field(description="How --as and the audit name the officer.")
    name: Annotated[str, Field(min_length=1, max_length=200)]
    roles: list[Role] = Field(
        min_length=1,
        description="officer, finance, approver, committee_secretary and/or auditor.",
    )
    logins: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default=[], description="The officer's logins: the actor when no --as is given."
    )


class OfficersSpec(_Strict):
    """The officers who work on the calls (``calls/officers.yaml``)."""

    officers: list[OfficerSpec] = Field(min_length=1)


def build_team(raw: bytes, label: str) -> Team | tuple[Problem, ...]:
    """The team, or its problems (returned, not raised, so that they can be cached)."""
    try:
        located = parse_yaml(decode_source(raw, source=label), source=label)
        try:
            spec = OfficersSpec.model_validate(located.data)
        except ValidationError as exc:
            found = shape_problems(OfficersSpec, exc, located)
            return tuple(sorted([*located.problems, *found], key=line_col))
    except InputFileError as exc:
        return exc.problems
    problems: list[Problem] = []
    keys: dict[str, int] = {}
    logins: dict[str, str] = {}
    for i, officer in enumerate(spec.officers):
        if officer.key in keys:
            problems.append(
                located.problem(
                    ("officers", i, "key"),
                    _("'{key}' is defined twice (also item {number})").format(
                        key=officer.key, number=keys[officer.key] + 1
                    ),
                )
            )
        keys.setdefault(officer.key, i)
        for j, login in enumerate(officer.logins):
            owner = logins.setdefault(login.casefold(), officer.key)
            if owner != officer.key:
                problems.append(
                    located.problem(
                        ("officers", i, "logins", j),
                        _("the login '{login}' is {owner}'s already").format(
                            login=login, owner=owner
                        ),
                    )
                )
    if problems:
        return tuple(problems)
    return Team(
        officers=tuple(
            Officer(
                key=o.key, name=o.name.strip(), roles=frozenset(o.roles), logins=tuple(o.logins)
            )
            for o in spec.officers
        ),
        source=label,
    )
