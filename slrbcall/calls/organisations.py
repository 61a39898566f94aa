"""Use cases on the organisations registry (``slrbcall organisations``): list and show
its organisations, and find the blanks the calls' documents would still leave.

Apart from :mod:`slrbcall.calls.service` because they need the domain model, which the
call commands an officer runs all day (``calls list``) do without.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from slrbcall.calls.definition import find_call, load_call, load_registry, registry_file
from slrbcall.calls.parties import Blank, blanks, call_blanks
from slrbcall.calls.registry import Registry
from slrbcall.calls.service import list_calls
from slrbcall.errors import RefusedError
from slrbcall.i18n import _
from slrbcall.model import Organisation, OrgKind
from slrbcall.settings import Settings

__all__ = [
    "PartiesCheck",
    "check_organisations",
    "list_organisations",
    "registry",
    "show_organisation",
]


def registry(settings: Settings) -> Registry:
    """The registry of the calls folder in use (or the shipped one), validated."""
    return load_registry(settings.calls_path)


def list_organisations(settings: Settings, *, kind: OrgKind | None = None) -> list[Organisation]:
    """The organisations of the registry, in its order; only one kind if asked."""
    found = registry(settings)
    return list(found.organisations if kind is None else found.of_kind(kind))


def show_organisation(settings: Settings, name: str) -> Organisation:
    """The organisation with this key or name; refused, with the closest names, if none."""
    found = registry(settings)
    org = found.get(name) or found.match(name)
    if org is None:
        close = found.suggest(name)
        message = (
            _("no organisation '{name}' in {registry} (did you mean '{names}'?)")
            if close
            else _("no organisation '{name}' in {registry}")
        )
        raise RefusedError(
            message.format(
                name=name, registry=registry_file(settings.calls_path), names="', '".join(close)
            )
        )
    return org


@dataclass(frozen=True, slots=True)
class PartiesCheck:
    """What the documents of the calls would still leave blank.

    ``blanks`` are the registry's organisations with facts missing; ``calls`` the call
    files that leave out facts their documents print: (call file, missing keys).
    """

    registry: Path
    blanks: tuple[Blank, ...]
    calls: tuple[tuple[Path, tuple[str, ...]], ...]


def check_organisations(settings: Settings) -> PartiesCheck:
    """Every blank the conventions and letters of the calls would still have.

    The calls are ``--call``'s, else every valid call of the calls folder.
    """
    folder = settings.calls_path
    path = registry_file(folder)
    if settings.call_id:
        loaded = [load_call(find_call(settings.call_id, folder), registry=path)]
    else:
        loaded = [load_call(item.path, registry=path) for item in list_calls(settings) if item.call]
    calls = [item.call for item in loaded]
    return PartiesCheck(
        registry=path,
        blanks=tuple(blanks(calls, registry(settings))),
        calls=tuple(
            (item.path, tuple(missing)) for item in loaded if (missing := call_blanks(item.call))
        ),
    )
