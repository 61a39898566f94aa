"""Call definitions: find them, read them strictly, check them, build :class:`Call`.

Reading goes YAML text -> :mod:`slrbcall.calls.yamlstrict` (positions kept) -> pydantic
shape check (:mod:`slrbcall.calls.spec`) -> the rules that span several keys
(:mod:`slrbcall.calls.check`) -> frozen :class:`~slrbcall.model.Call`. Every problem of a
file is reported at once as ``file:line:col: message``.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from slrbcall.calls.cache import cached
from slrbcall.calls.yamlstrict import Located, decode_source, parse_yaml, read_source
from slrbcall.errors import InputFileError, Problem, RefusedError
from slrbcall.resources import shipped_dir

if TYPE_CHECKING:
    from pydantic import BaseModel

    from slrbcall.calls.registry import Registry
    from slrbcall.calls.spec import CallSpec, LocalizedSpec, RegistrySpec
    from slrbcall.model import Call, Localized

__all__ = [
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
_M = TypeVar("_M", bound="BaseModel")


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
    """The call definition files of a folder, sorted by name (the registry excluded)."""
    if not calls_dir.is_dir():
        raise RefusedError(f"{calls_dir}: no such calls folder (check --calls-dir)")
    return sorted(
        p for p in calls_dir.iterdir() if p.suffix in {".yaml", ".yml"} and p.name != REGISTRY_FILE
    )


def find_call(call_id: str, calls_dir: Path) -> Path:
    """The file of call ``call_id``; a call's file is named after its id."""
    for path in call_files(calls_dir):
        if path.stem == call_id:
            return path
    known = [p.stem for p in call_files(calls_dir)]
    hint = difflib.get_close_matches(call_id, known, n=1)
    suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
    listing = ", ".join(known) or "none"
    raise RefusedError(f"unknown call '{call_id}'{suggestion}; calls in {calls_dir}: {listing}")


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
    from slrbcall.calls.registry import Registry

    result = cached("registry", [label, raw], lambda: _build_registry(raw, label))
    if isinstance(result, Registry):
        return result
    raise InputFileError(result)


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
        return result
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
    from slrbcall.calls.spec import CallSpec

    try:
        registry = load_registry(registry_path.parent)
        located = parse_yaml(decode_source(raw, source=label), source=label, partial=True)
        spec = _validate(CallSpec, located)
    except InputFileError as exc:
        return exc.problems
    if located.problems:  # values the reader refused; the rest of the file was checked
        return located.problems
    from slrbcall.calls.check import check_rules

    problems = tuple(check_rules(spec, located, registry, path))
    if problems:
        return problems
    digest = hashlib.sha256(raw).hexdigest()
    return LoadedCall(
        call=_to_call(spec, digest),
        path=path,
        content=decode_source(raw, source=label),
        sha256=digest,
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a call definition file, for editors."""
    from slrbcall.calls.spec import CallSpec

    schema = CallSpec.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "slrbcall call definition"
    return schema


def _label(path: Path) -> str:
    """How a file is named in messages: as the user would type it, relative if possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# -- shape -----------------------------------------------------------------------------


def _validate(model: type[_M], located: Located) -> _M:
    from pydantic import ValidationError

    try:
        return model.model_validate(located.data)
    except ValidationError as exc:
        from slrbcall.calls.check import line_col, shape_problems

        found = shape_problems(model, exc, located)
        raise InputFileError(
            sorted([*located.problems, *found], key=lambda p: line_col(p.where))
        ) from None


# -- building the domain objects ---------------------------------------------------------


def _loc(spec: LocalizedSpec) -> Localized:
    from slrbcall.model import Localized

    return Localized(nl=spec.nl, fr=spec.fr)


def _to_call(spec: CallSpec, digest: str) -> Call:
    from slrbcall.model import (
        AllocationDefaults,
        Call,
        CommitteeMember,
        Criterion,
        DocumentTemplates,
        Eligibility,
        Localized,
        Milestone,
        ProjectDeadline,
        Signatory,
        Theme,
        ThemeCap,
        Tranche,
    )

    caps = []
    for theme, cap in spec.allocation.theme_caps.items():
        if isinstance(cap, str):
            caps.append(ThemeCap(theme=theme, percent=Decimal(cap.rstrip("% "))))
        else:
            caps.append(ThemeCap(theme=theme, amount_cents=cap))
    allocation = spec.allocation
    return Call(
        id=spec.id,
        title=_loc(spec.title),
        description=_loc(spec.description) if spec.description else None,
        authority=spec.authority,
        budget_cents=spec.budget,
        grant_min_cents=spec.grant.minimum,
        grant_max_cents=spec.grant.maximum,
        granularity_cents=spec.grant.granularity,
        duration_months=spec.duration_months,
        target_public=_loc(spec.target_public) if spec.target_public else None,
        themes=tuple(Theme(key=t.key, label=_loc(t.label)) for t in spec.themes),
        eligibility=Eligibility(
            applicant_kinds=tuple(spec.eligibility.applicant_kinds),
            partner_required=spec.eligibility.partner_required,
            max_applications_per_applicant=spec.eligibility.max_applications_per_applicant,
            duration=spec.eligibility.duration,
        ),
        required_fields=tuple(spec.required_fields),
        criteria=tuple(
            Criterion(key=c.key, label=_loc(c.label), weight=c.weight, max_mark=c.max_mark)
            for c in spec.scoring.criteria
        ),
        aggregation=spec.scoring.aggregation,
        disagreement_threshold=spec.scoring.disagreement_threshold,
        committee=tuple(
            CommitteeMember(key=m.key, name=m.name, links=tuple(m.links)) for m in spec.committee
        ),
        allocation=AllocationDefaults(
            policy=allocation.policy,
            partial=allocation.partial,
            partial_min_share=allocation.partial_min_share,
            min_score=allocation.min_score,
            org_cap=allocation.org_cap,
            theme_caps=tuple(caps),
            theme_guarantee=allocation.theme_guarantee,
            tie_break=tuple(allocation.tie_break),
        ),
        milestones=tuple(
            Milestone(key=m.key, label=_loc(m.label), date=m.date, month=m.month)
            for m in spec.timeline.milestones
        ),
        deadlines=tuple(
            ProjectDeadline(
                key=d.key,
                label=_loc(d.label),
                anchor=d.from_,
                months=d.months,
                every_months=d.every_months,
            )
            for d in spec.timeline.deadlines
        ),
        tranches=tuple(
            Tranche(
                number=i,
                percent=t.percent,
                condition=t.condition,
                label=_loc(t.label),
                month=t.month,
            )
            for i, t in enumerate(spec.tranches, start=1)
        ),
        signatories=tuple(Signatory(role=s.role, min=s.min, max=s.max) for s in spec.signatories),
        legal_bases=tuple(_loc(b) for b in spec.legal_bases),
        documents=DocumentTemplates(
            convention=Localized(nl=spec.documents.convention.nl, fr=spec.documents.convention.fr),
            letter_award=Localized(
                nl=spec.documents.letter_award.nl, fr=spec.documents.letter_award.fr
            ),
            letter_refusal=Localized(
                nl=spec.documents.letter_refusal.nl, fr=spec.documents.letter_refusal.fr
            ),
        ),
        illustrative=tuple(spec.illustrative),
        source_sha256=digest,
    )


# -- the registry ---------------------------------------------------------------------------


def _build_registry(raw: bytes, label: str) -> Registry | tuple[Problem, ...]:
    try:
        located = parse_yaml(decode_source(raw, source=label), source=label)
        return _registry_from(located)
    except InputFileError as exc:
        return exc.problems


def _registry_from(located: Located) -> Registry:
    from slrbcall.calls.registry import Registry, check_enterprise_number
    from slrbcall.calls.spec import RegistrySpec
    from slrbcall.model import Lang, Organisation

    spec: RegistrySpec = _validate(RegistrySpec, located)
    problems: list[Problem] = []
    organisations: list[Organisation] = []
    seen: set[str] = set()
    for i, org in enumerate(spec.organisations):
        number = org.enterprise_number
        if org.key in seen:
            problems.append(
                Problem(located.where(("organisations", i, "key")), f"'{org.key}' is defined twice")
            )
        seen.add(org.key)
        if number is not None:
            try:
                number = check_enterprise_number(number)
            except ValueError as exc:
                problems.append(
                    Problem(located.where(("organisations", i, "enterprise_number")), str(exc))
                )
        organisations.append(
            Organisation(
                key=org.key,
                kind=org.kind,
                name=_loc(org.name),
                short_names=tuple(org.short_names),
                languages=tuple(Lang(x) for x in org.languages),
                communes=tuple(org.communes),
                enterprise_number=number,
                legal_form=_loc(org.legal_form) if org.legal_form else None,
                address=org.address,
                postal_code=org.postal_code,
                nis_code=org.nis_code,
            )
        )
    keys = {o.key for o in organisations}
    for i, org in enumerate(spec.organisations):
        for j, commune in enumerate(org.communes):
            if commune not in keys:
                problems.append(
                    Problem(
                        located.where(("organisations", i, "communes", j)),
                        f"unknown commune '{commune}'{_did_you_mean(commune, sorted(keys))}",
                    )
                )
    if problems:
        raise InputFileError(problems)
    return Registry(organisations=tuple(organisations))


def _did_you_mean(word: str, choices: list[str]) -> str:
    from slrbcall.calls.check import did_you_mean

    return did_you_mean(word, choices)
