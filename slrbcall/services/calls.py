"""Use cases on call definitions: list, show and validate them; choose the call to work on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

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
from slrbcall.errors import InputFileError, Problem, RefusedError
from slrbcall.settings import Settings

if TYPE_CHECKING:
    from slrbcall.registry import Registry

__all__ = [
    "CallListing",
    "held_calls",
    "list_calls",
    "registry",
    "resolve_call",
    "show_call",
    "validate_calls",
]


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
    held: Mapping[str, str] | None = None,
    recorded_in_file: str | None = None,
) -> LoadedCall:
    """Which call a command works on (docs/cli.md, "Which call"):

    ``--call``; else the call the workspace holds (``held``: id -> hash); else
    the call recorded in the input workbook; else the only call of the calls folder.
    Otherwise refuse, listing them.
    """
    folder = settings.calls_path
    registry = registry_file(folder)
    if settings.call_id:
        return load_call(find_call(settings.call_id, folder), registry=registry)
    if held:
        if len(held) == 1:
            return load_call(find_call(next(iter(held)), folder), registry=registry)
        names = ", ".join(sorted(held))
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


def held_calls(settings: Settings) -> dict[str, str]:
    """call id -> definition hash, of the calls the workspace holds (if it exists)."""
    from slrbcall.store import Workspace

    if not settings.db_path.exists():
        return {}
    with Workspace.open(settings.db_path, create=False) as ws:
        return {record.call_id: record.sha256 for record in ws.calls()}
