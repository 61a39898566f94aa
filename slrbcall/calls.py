"""Call definitions: find them, read them strictly, check them, build :class:`Call`.

Reading goes YAML text -> :mod:`slrbcall.yamlstrict` (positions kept) -> pydantic
shape check (:mod:`slrbcall.callspec`) -> the rules that span several keys (here) ->
frozen :class:`~slrbcall.model.Call`. Every problem of a file is reported at once as
``file:line:col: message``.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from slrbcall.cache import cached
from slrbcall.errors import InputFileError, Problem, RefusedError
from slrbcall.resources import shipped_dir
from slrbcall.yamlstrict import Located, decode_source, parse_yaml, read_source

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

    from slrbcall.callspec import CallSpec, LocalizedSpec, RegistrySpec
    from slrbcall.model import Call, Localized, OrgKind
    from slrbcall.registry import Registry

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
TIE_BREAK_KEYS = ("id", "request-asc", "request-desc")
_PATH = tuple[str | int, ...]


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
    from slrbcall.registry import Registry

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
    from slrbcall.callspec import CallSpec

    try:
        registry = load_registry(registry_path.parent)
        located = parse_yaml(decode_source(raw, source=label), source=label, partial=True)
        spec = _validate(CallSpec, located)
    except InputFileError as exc:
        return exc.problems
    if located.problems:  # values the reader refused; the rest of the file was checked
        return located.problems
    problems = tuple(_check_rules(spec, located, registry, path))
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
    from slrbcall.callspec import CallSpec

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
        found = _shape_problems(model, exc, located)
        raise InputFileError(
            sorted([*located.problems, *found], key=lambda p: _line_col(p.where))
        ) from None


def _shape_problems(
    model: type[BaseModel], exc: ValidationError, located: Located
) -> list[Problem]:
    problems: list[Problem] = []
    for error in exc.errors(include_url=False):
        loc: _PATH = tuple(error["loc"])
        if any(loc[: len(bad)] == bad for bad in located.flawed):
            continue  # the reader already reported this value
        # Union members add their type names to loc; keep the path as the user wrote it.
        loc = tuple(part for part in loc if _in_data(located.data, loc, part))
        kind = error["type"]
        if kind == "missing":
            name = str(error["loc"][-1])
            problems.append(
                Problem(located.where(loc[:-1] if loc else ()), f"missing key '{name}'")
            )
            continue
        if kind == "extra_forbidden":
            name = str(loc[-1])
            known = _field_names(model, loc[:-1])
            hint = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            allowed = f"; allowed here: {', '.join(sorted(known))}" if not hint else ""
            problems.append(
                Problem(located.where(loc, key=True), f"unknown key '{name}'{suggestion}{allowed}")
            )
            continue
        message = str(error["msg"]).removeprefix("Value error, ")
        problems.append(Problem(located.where(loc), f"{_dotted(loc)}: {message}"))
    # One problem per place and message: unions repeat themselves.
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: _line_col(p.where))


def _in_data(data: Any, loc: _PATH, part: str | int) -> bool:
    """True when ``part`` is a real key/index on the way down ``loc`` (not a union tag)."""
    node = data
    for step in loc:
        if step == part:
            return (
                (isinstance(node, dict) and part in node)
                or (isinstance(node, list) and isinstance(part, int))
                or not isinstance(node, dict | list)
            )
        in_dict = isinstance(node, dict) and step in node
        in_list = isinstance(node, list) and isinstance(step, int) and step < len(node)
        if in_dict or in_list:
            node = node[step]
    return True


def _field_names(model: type[BaseModel], loc: _PATH) -> list[str]:
    """The keys allowed in the mapping at ``loc`` of ``model``."""
    from pydantic import BaseModel

    current: Any = model
    for step in loc:
        current = _unwrap(current, step)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def _core(annotation: Any) -> Any:
    """Strip Annotated and Optional/Union down to the model, list or dict inside."""
    import typing

    from pydantic import BaseModel

    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _core(typing.get_args(annotation)[0])
    if origin in (list, dict, tuple) or (
        isinstance(annotation, type) and issubclass(annotation, BaseModel)
    ):
        return annotation
    for arg in typing.get_args(annotation):  # a union: its first structured member
        inner = _core(arg)
        if typing.get_origin(inner) in (list, dict) or (
            isinstance(inner, type) and issubclass(inner, BaseModel)
        ):
            return inner
    return annotation


def _unwrap(annotation: Any, step: str | int) -> Any:
    """The annotation one step (a key or an index) below ``annotation``."""
    import typing

    from pydantic import BaseModel

    annotation = _core(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            if step in (name, info.alias):
                return _core(info.annotation)
        return None
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin in (list, tuple) and args:
        return _core(args[0])
    if origin is dict and len(args) == 2:
        return _core(args[1])
    return None


def _dotted(loc: _PATH) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "file"


def _line_col(where: str) -> tuple[int, int]:
    match = re.search(r":(\d+):(\d+)$", where)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


# -- rules that span several keys --------------------------------------------------------


def _check_rules(
    spec: CallSpec, located: Located, registry: Registry, path: Path
) -> Iterator[Problem]:
    from slrbcall.model import OrgKind, SignatoryRole

    at = located.where

    if spec.id != path.stem:
        yield Problem(
            at(("id",)),
            f"the id '{spec.id}' differs from the file name '{path.name}': rename one of them",
        )

    authority = registry.get(spec.authority)
    if authority is None or authority.kind is not OrgKind.AUTHORITY:
        yield Problem(at(("authority",)), _unknown_org(spec.authority, registry, OrgKind.AUTHORITY))

    grant = spec.grant
    if grant.minimum > grant.maximum:
        yield Problem(
            at(("grant", "minimum")),
            f"the grant minimum ({_euro(grant.minimum)}) is above the maximum "
            f"({_euro(grant.maximum)})",
        )
    if grant.maximum > spec.budget:
        yield Problem(
            at(("grant", "maximum")),
            f"the grant maximum ({_euro(grant.maximum)}) is above the budget "
            f"({_euro(spec.budget)})",
        )
    if grant.granularity <= 0:
        yield Problem(at(("grant", "granularity")), "the granularity must be at least 0.01")
    if spec.budget <= 0:
        yield Problem(at(("budget",)), "the budget must be above zero")

    yield from _unique(located, "themes", [t.key for t in spec.themes])
    yield from _unique(located, "scoring", [c.key for c in spec.scoring.criteria], "criteria")
    yield from _unique(located, "committee", [m.key for m in spec.committee])
    yield from _unique(located, "timeline", [m.key for m in spec.timeline.milestones], "milestones")
    yield from _unique(located, "timeline", [d.key for d in spec.timeline.deadlines], "deadlines")
    yield from _unique(located, "signatories", [s.role.value for s in spec.signatories])

    theme_keys = [t.key for t in spec.themes]
    for theme, cap in spec.allocation.theme_caps.items():
        if theme not in theme_keys:
            yield Problem(
                at(("allocation", "theme_caps", theme), key=True),
                f"theme cap for '{theme}', which is not a theme of this call"
                f"{_did_you_mean(theme, theme_keys)}",
            )
        if isinstance(cap, str) and Decimal(cap.rstrip("% ")) > 100:
            yield Problem(at(("allocation", "theme_caps", theme)), "a theme cap is at most 100%")

    criteria = [c.key for c in spec.scoring.criteria]
    for i, key in enumerate(spec.allocation.tie_break):
        if key in TIE_BREAK_KEYS:
            continue
        if key.startswith("criterion:"):
            if key.removeprefix("criterion:") not in criteria:
                yield Problem(
                    at(("allocation", "tie_break", i)),
                    f"tie-break on unknown criterion '{key.removeprefix('criterion:')}'"
                    f"{_did_you_mean(key.removeprefix('criterion:'), criteria)}",
                )
        elif not re.fullmatch(r"lottery:\d+", key):
            yield Problem(
                at(("allocation", "tie_break", i)),
                f"unknown tie-break key '{key}' (use id, request-asc, request-desc, "
                "criterion:KEY or lottery:SEED)",
            )
    share = spec.allocation.partial_min_share
    if not Decimal(0) <= share <= Decimal(1):
        yield Problem(
            at(("allocation", "partial_min_share")), "partial_min_share is a share between 0 and 1"
        )

    total = sum((t.percent for t in spec.tranches), Decimal(0))
    if total != 100:
        yield Problem(at(("tranches",)), f"the tranches sum to {total}%, not 100%")
    for i, tranche in enumerate(spec.tranches):
        if tranche.percent <= 0:
            yield Problem(at(("tranches", i, "percent")), "a tranche is more than 0%")
        if tranche.month is not None and tranche.month > spec.duration_months + 12:
            yield Problem(
                at(("tranches", i, "month")),
                f"month {tranche.month} is long after the project's end "
                f"(it lasts {spec.duration_months} months)",
            )

    for i, milestone in enumerate(spec.timeline.milestones):
        if (milestone.date is None) == (milestone.month is None):
            yield Problem(
                at(("timeline", "milestones", i)),
                f"milestone '{milestone.key}' needs either a date (2023-12-15) "
                "or a month (2023-12)",
            )

    for i, member in enumerate(spec.committee):
        for j, link in enumerate(member.links):
            if registry.get(link) is None:
                yield Problem(
                    at(("committee", i, "links", j)),
                    _unknown_org(link, registry, None),
                )

    roles = {s.role for s in spec.signatories}
    for needed in (SignatoryRole.AUTHORITY, SignatoryRole.HOUSING_COMPANY):
        if needed not in roles:
            yield Problem(at(("signatories",)), f"the signatories must include the {needed.value}")
    if spec.eligibility.partner_required and SignatoryRole.PARTNER not in roles:
        yield Problem(
            at(("signatories",)), "a partner is required, so the partner must be a signatory"
        )
    for i, signatory in enumerate(spec.signatories):
        if signatory.min > signatory.max:
            yield Problem(at(("signatories", i, "min")), "min is above max")

    from slrbcall.callspec import APPLICATION_FIELDS

    for i, name in enumerate(spec.required_fields):
        if name not in APPLICATION_FIELDS:
            yield Problem(
                at(("required_fields", i)),
                f"unknown application field '{name}'{_did_you_mean(name, APPLICATION_FIELDS)}",
            )
    for field_name in ("reference", "applicant", "title", "requested_amount"):
        if field_name not in spec.required_fields:
            yield Problem(at(("required_fields",)), f"the field '{field_name}' is always required")

    top_level = list(type(spec).model_fields)
    for i, name in enumerate(spec.illustrative):
        if name not in top_level:
            yield Problem(
                at(("illustrative", i)),
                f"'{name}' is not a key of a call{_did_you_mean(name, top_level)}",
            )


def _unique(
    located: Located, section: str, keys: Sequence[str], sub: str | None = None
) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    base: _PATH = (section, sub) if sub else (section,)
    for i, key in enumerate(keys):
        if key in seen:
            yield Problem(
                located.where((*base, i)),
                f"'{key}' is defined twice in {sub or section} (also item {seen[key] + 1})",
            )
        else:
            seen[key] = i


def _unknown_org(key: str, registry: Registry, kind: OrgKind | None) -> str:
    from slrbcall.model import OrgKind

    candidates = [o.key for o in registry.organisations if kind is None or o.kind is kind]
    what = "an authority" if kind is OrgKind.AUTHORITY else "an organisation"
    return f"'{key}' is not {what} of the registry{_did_you_mean(key, candidates)}"


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    hint = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{hint[0]}'?)" if hint else ""


def _euro(cents: int) -> str:
    from slrbcall.money import format_eur

    return format_eur(cents)


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
    from slrbcall.callspec import RegistrySpec
    from slrbcall.model import Lang, Organisation
    from slrbcall.registry import Registry, check_enterprise_number

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
