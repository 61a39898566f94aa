"""Use cases on call definitions: list, show and validate them; choose the call to work on;
draft the next call from an existing one (``slrbcall calls renew``, the drafting itself
being :mod:`slrbcall.calls.renew`).

This module stays clear of the domain model (:mod:`slrbcall.model`): ``calls list`` runs
all day and reads call summaries from the cache. The registry's use cases, which need
the model, are :mod:`slrbcall.calls.organisations`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from slrbcall.calls.definition import (
    OFFICERS_FILE,
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
from slrbcall.i18n import _
from slrbcall.resources import shipped_dir
from slrbcall.settings import Settings

if TYPE_CHECKING:
    from slrbcall.calls.renew import Renewal

__all__ = [
    "CallListing",
    "RenewedCall",
    "list_calls",
    "renew_call",
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
    """Validate each file (a call, an organisations registry, or a team's officers).

    Returns the files, all valid; else raises one InputFileError listing the problems
    of all of them.
    """
    registry = registry_file(settings.calls_path)
    problems: list[Problem] = []
    for path in paths:
        try:
            if path.name == REGISTRY_FILE:
                load_registry(path.parent)
            elif path.name == OFFICERS_FILE:
                from slrbcall.calls.team import (  # noqa: PLC0415 (it loads the store, which calls list does without)
                    read_team,
                )

                read_team(path)
            else:
                load_call(path, registry=registry)
        except InputFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputFileError(problems, stores=False)
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
        raise RefusedError(
            _("the workspace holds several calls ({calls}): pass --call ID").format(calls=names)
        )
    if recorded_in_file:
        return load_call(find_call(recorded_in_file, folder), registry=registry)
    files = call_files(folder)
    if len(files) == 1:
        return load_call(files[0], registry=registry)
    names = ", ".join(p.stem for p in files) or _("none")
    raise RefusedError(
        _("which call? pass --call ID (calls in {folder}: {calls})").format(
            folder=folder, calls=names
        )
    )


# -- the next call -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RenewedCall:
    path: Path
    renewal: Renewal
    loaded: LoadedCall  # the new call, validated


def renew_call(
    settings: Settings,
    source_id: str,
    *,
    new_id: str,
    duration_months: int,
    years: int | None = None,
) -> RenewedCall:
    """Draft ``calls/<new_id>.yaml`` from call ``source_id`` (see :mod:`slrbcall.calls.renew`).

    The dates move by ``years``, by default the gap between the years in the two ids.
    The file goes into the calls folder in use, never over an existing one, and only
    once it validates.
    """

    # The drafting and the writing load here: calls list, run all day, does without.
    from slrbcall.calls.renew import call_year, renew_text  # noqa: PLC0415 (calls list's start-up)
    from slrbcall.files import write_file  # noqa: PLC0415 (calls list's start-up)

    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", new_id):
        raise RefusedError(
            _(
                "--id '{id}': a call id is lower-case letters, digits, '-' and '_' "
                "(e.g. empowerment-2025)"
            ).format(id=new_id)
        )
    if new_id == source_id:
        raise RefusedError(_("--id must differ from the call renewed"))
    if not 1 <= duration_months <= 240:
        raise RefusedError(_("--duration is a number of months, from 1 to 240"))
    folder = settings.calls_path
    source_path = find_call(source_id, folder)
    if any(p.stem == new_id for p in call_files(folder)):
        raise RefusedError(
            _(
                "{file} already exists: refusing to overwrite it "
                "(choose another --id, or remove the file)"
            ).format(file=folder / (new_id + ".yaml"))
        )
    installed = shipped_dir("calls")
    if installed.parent.name == "_data" and folder.resolve() == installed.resolve():
        raise RefusedError(
            _(
                "the calls folder in use is the one installed with slrbcall ({folder}): "
                "make a calls folder of your own (copy the calls you need into ./calls) "
                "or pass --calls-dir DIR"
            ).format(folder=folder)
        )
    registry = registry_file(folder)
    source = load_call(source_path, registry=registry)
    if years is None:
        old_year, new_year = call_year(source_id), call_year(new_id)
        if old_year is None or new_year is None:
            raise RefusedError(
                _(
                    "cannot tell the years from '{source}' and '{id}': "
                    "pass --years N (how many years to move the dates by)"
                ).format(source=source_id, id=new_id)
            )
        years = new_year - old_year
    renewal = renew_text(
        source.content,
        new_id=new_id,
        duration_months=duration_months,
        shift_years=years,
        source_label=source_path.name,
    )
    target = folder / f"{new_id}.yaml"
    write_file(
        target,
        lambda stream: stream.write(renewal.text.encode("utf-8")),
        exclusive=True,
        # A draft that does not validate is a bug: it is never put in place.
        check=lambda draft: load_call(draft, registry=registry),
    )
    return RenewedCall(target, renewal, load_call(target, registry=registry))
