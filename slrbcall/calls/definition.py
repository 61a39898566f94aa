"""Call definitions: find them, read them strictly, check them, build :class:`Call`.

Reading goes YAML text -> :mod:`slrbcall.calls.yamlstrict` (positions kept) -> pydantic
shape check (:mod:`slrbcall.calls.spec`) -> the rules that span several keys
(:mod:`slrbcall.calls.check`) -> frozen :class:`~slrbcall.model.Call`. Every problem of a
file is reported at once as ``file:line:col: message``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from slrbcall.calls.cache import cached
from slrbcall.calls.source import read_source
from slrbcall.errors import InputFileError, Problem, RefusedError
from slrbcall.i18n import _
from slrbcall.resources import shipped_dir

if TYPE_CHECKING:
    from slrbcall.calls.registry import Registry
    from slrbcall.model import Call

__all__ = [
    "OFFICERS_FILE",
    "REGISTRY_FILE",
    "CallSummary",
    "LoadedCall",
    "call_files",
    "find_call",
    "json_schema",
    "load_call",
    "load_registry",
    "registry_file",
    "summarise_call",
]

REGISTRY_FILE = "organisations.yaml"
#: The team's file beside the calls (:mod:`slrbcall.calls.team`): no call either.
OFFICERS_FILE = "officers.yaml"


@dataclass(frozen=True, slots=True)
class CallSummary:
    """What ``slrbcall calls list`` shows of a valid call: plain values only, so that
    the list can be read from the cache without loading the domain model."""

    id: str
    title_nl: str
    title_fr: str
    budget_cents: int
    grant_min_cents: int
    grant_max_cents: int
    duration_months: int
    themes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LoadedCall:
    """A validated call with the file it came from and that file's exact content."""

    call: Call
    path: Path
    content: str
    sha256: str


def call_files(calls_dir: Path) -> list[Path]:
    """The call definition files of a folder, sorted by name (the registry and the
    team's file excluded)."""
    if not calls_dir.is_dir():
        raise RefusedError(
            _("{folder}: no such calls folder (check --calls-dir)").format(folder=calls_dir)
        )
    return sorted(
        p
        for p in calls_dir.iterdir()
        if p.suffix in {".yaml", ".yml"} and p.name not in (REGISTRY_FILE, OFFICERS_FILE)
    )


def find_call(call_id: str, calls_dir: Path) -> Path:
    """The file of call ``call_id``; a call's file is named after its id."""
    for path in call_files(calls_dir):
        if path.stem == call_id:
            return path
    known = [p.stem for p in call_files(calls_dir)]
    hint = difflib.get_close_matches(call_id, known, n=1)
    listing = ", ".join(known) or _("none")
    message = (
        _("unknown call '{call}' (did you mean '{hint}'?); calls in {folder}: {calls}")
        if hint
        else _("unknown call '{call}'; calls in {folder}: {calls}")
    )
    raise RefusedError(
        message.format(call=call_id, hint=hint[0] if hint else "", folder=calls_dir, calls=listing)
    )


def registry_file(calls_dir: Path | None = None) -> Path:
    """``calls_dir/organisations.yaml`` when it exists, else the shipped registry."""
    if calls_dir is not None and (calls_dir / REGISTRY_FILE).is_file():
        return calls_dir / REGISTRY_FILE
    return shipped_dir("calls") / REGISTRY_FILE


def load_registry(calls_dir: Path | None = None) -> Registry:
    """The organisations registry of ``calls_dir`` (or the shipped one), validated."""
    path = registry_file(calls_dir)
    label = _label(path)
    raw = read_source(path, label=label)

    result: Registry | tuple[Problem, ...] = cached(
        "registry", [label, raw], lambda: _build().build_registry(raw, label)
    )
    if isinstance(result, tuple):  # its problems
        raise InputFileError(result)
    return result


def load_call(path: Path, *, registry: Path | None = None) -> LoadedCall:
    """Read, check and build one call definition; raise InputFileError listing every problem.

    ``registry`` is the organisations file the call refers to (default: the one beside
    the call, else the shipped one). Results are cached by the exact bytes of both.
    """
    registry_path = registry or registry_file(path.parent)
    label = _label(path)
    raw = read_source(path, label=label)
    registry_raw = read_source(registry_path, label=_label(registry_path))
    result = cached(
        "call",
        [label, path.stem, raw, registry_raw],
        lambda: _build_call(path, label, raw, registry_path),
    )
    if isinstance(result, LoadedCall):
        # The cache is keyed by content: the same bytes in another folder are the same
        # call, but the file is this one.
        return result if result.path == path else replace(result, path=path)
    raise InputFileError(result)


def summarise_call(path: Path, *, registry: Path | None = None) -> CallSummary:
    """The summary of a valid call (InputFileError otherwise), cached like :func:`load_call`."""
    registry_path = registry or registry_file(path.parent)
    label = _label(path)
    raw = read_source(path, label=label)
    registry_raw = read_source(registry_path, label=_label(registry_path))

    def build() -> CallSummary | tuple[Problem, ...]:
        try:
            call = load_call(path, registry=registry_path).call
        except InputFileError as exc:
            return exc.problems
        return CallSummary(
            id=call.id,
            title_nl=call.title.nl,
            title_fr=call.title.fr,
            budget_cents=call.budget_cents,
            grant_min_cents=call.grant_min_cents,
            grant_max_cents=call.grant_max_cents,
            duration_months=call.duration_months,
            themes=tuple(t.key for t in call.themes),
        )

    result = cached("summary", [label, path.stem, raw, registry_raw], build)
    if isinstance(result, CallSummary):
        return result
    raise InputFileError(result)


def _build_call(
    path: Path, label: str, raw: bytes, registry_path: Path
) -> LoadedCall | tuple[Problem, ...]:
    """The call, or its problems (returned, not raised, so that they can be cached)."""
    try:
        registry = load_registry(registry_path.parent)
    except InputFileError as exc:
        return exc.problems
    built: LoadedCall | tuple[Problem, ...] = _build().build_call(path, label, raw, registry)
    return built


def _build() -> ModuleType:
    """:mod:`slrbcall.calls.build`, loaded when a file is not in the cache."""
    from slrbcall.calls import build  # noqa: PLC0415 (it loads pydantic and the domain model)

    return build


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a call definition file, for editors: its descriptions (what an
    editor shows beside a key) in the officer's language. The keys stay as the files
    write them. ``tools/catalogs.py`` takes the descriptions into the catalogs from this
    very schema, in English."""
    from slrbcall.calls.spec import CallSpec  # noqa: PLC0415 (it loads pydantic)

    schema = CallSpec.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = _("slrbcall call definition")
    described: dict[str, Any] = _described(schema)
    return described


def _described(node: Any) -> Any:
    """``node`` with every ``description`` said in the officer's language."""
    if isinstance(node, dict):
        return {
            key: _(value) if key == "description" and isinstance(value, str) else _described(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_described(item) for item in node]
    return node


def _label(path: Path) -> str:
    """How a file is named in messages: as the user would type it, relative if possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a link that loops
        return str(path)
