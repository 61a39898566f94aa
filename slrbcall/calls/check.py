"""The checks of a call definition that pydantic does not make, and its errors in the user's words.

* :func:`shape_problems` turns a pydantic ``ValidationError`` into one
  :class:`~slrbcall.errors.Problem` per place, as ``file:line:col: message``, with the
  path as the user wrote it and a "did you mean" for an unknown key;
* :func:`check_rules` checks the rules that span several keys (grant range, unique
  keys, theme caps, tie-breaks, tranches, signatories, known organisations...).

Called by :mod:`slrbcall.calls.definition`, which reads the file and builds the call.
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slrbcall.calls.spec import APPLICATION_FIELDS
from slrbcall.calls.yamlstrict import Located
from slrbcall.errors import Problem
from slrbcall.model import OrgKind, SignatoryRole
from slrbcall.money import format_eur

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

    from slrbcall.calls.registry import Registry
    from slrbcall.calls.spec import CallSpec
    from slrbcall.model import OrgKind

__all__ = [
    "TIE_BREAK_KEYS",
    "check_rules",
    "did_you_mean",
    "line_col",
    "shape_problems",
]

TIE_BREAK_KEYS = ("id", "request-asc", "request-desc")
_PATH = tuple[str | int, ...]


# -- shape -----------------------------------------------------------------------------


def shape_problems(model: type[BaseModel], exc: ValidationError, located: Located) -> list[Problem]:
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
            problems.append(located.problem(loc[:-1] if loc else (), f"missing key '{name}'"))
            continue
        if kind == "extra_forbidden":
            name = str(loc[-1])
            known = _field_names(model, loc[:-1])
            hint = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            allowed = f"; allowed here: {', '.join(sorted(known))}" if not hint else ""
            problems.append(
                located.problem(loc, f"unknown key '{name}'{suggestion}{allowed}", key=True)
            )
            continue
        message = str(error["msg"]).removeprefix("Value error, ")
        problems.append(located.problem(loc, f"{_dotted(loc)}: {message}"))
    # One problem per place and message: unions repeat themselves.
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=line_col)


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


def line_col(problem: Problem) -> tuple[int, int]:
    """Where a problem stands in its file, to list a file's problems in order."""
    return problem.line or 0, problem.col or 0


# -- rules that span several keys --------------------------------------------------------


def check_rules(
    spec: CallSpec, located: Located, registry: Registry, path: Path
) -> Iterator[Problem]:

    problem = located.problem

    if spec.id != path.stem:
        yield problem(
            ("id",),
            f"the id '{spec.id}' differs from the file name '{path.name}': rename one of them",
        )

    authority = registry.get(spec.authority)
    if authority is None or authority.kind is not OrgKind.AUTHORITY:
        yield problem(("authority",), _unknown_org(spec.authority, registry, OrgKind.AUTHORITY))

    grant = spec.grant
    if grant.minimum > grant.maximum:
        yield problem(
            ("grant", "minimum"),
            f"the grant minimum ({_euro(grant.minimum)}) is above the maximum "
            f"({_euro(grant.maximum)})",
        )
    if grant.maximum > spec.budget:
        yield problem(
            ("grant", "maximum"),
            f"the grant maximum ({_euro(grant.maximum)}) is above the budget "
            f"({_euro(spec.budget)})",
        )
    if grant.granularity <= 0:
        yield problem(("grant", "granularity"), "the granularity must be at least 0.01")
    if spec.budget <= 0:
        yield problem(("budget",), "the budget must be above zero")

    yield from _unique(located, "themes", [t.key for t in spec.themes])
    yield from _unique(located, "scoring", [c.key for c in spec.scoring.criteria], "criteria")
    yield from _unique(located, "committee", [m.key for m in spec.committee])
    yield from _unique(located, "timeline", [m.key for m in spec.timeline.milestones], "milestones")
    yield from _unique(located, "timeline", [d.key for d in spec.timeline.deadlines], "deadlines")
    yield from _unique(located, "signatories", [s.role.value for s in spec.signatories])

    theme_keys = [t.key for t in spec.themes]
    for theme, cap in spec.allocation.theme_caps.items():
        if theme not in theme_keys:
            yield problem(
                ("allocation", "theme_caps", theme),
                f"theme cap for '{theme}', which is not a theme of this call"
                f"{did_you_mean(theme, theme_keys)}",
                key=True,
            )
        if isinstance(cap, str) and Decimal(cap.rstrip("% ")) > 100:
            yield problem(("allocation", "theme_caps", theme), "a theme cap is at most 100%")

    criteria = [c.key for c in spec.scoring.criteria]
    for i, key in enumerate(spec.allocation.tie_break):
        if key in TIE_BREAK_KEYS:
            continue
        if key.startswith("criterion:"):
            if key.removeprefix("criterion:") not in criteria:
                yield problem(
                    ("allocation", "tie_break", i),
                    f"tie-break on unknown criterion '{key.removeprefix('criterion:')}'"
                    f"{did_you_mean(key.removeprefix('criterion:'), criteria)}",
                )
        elif not re.fullmatch(r"lottery:\d+", key):
            yield problem(
                ("allocation", "tie_break", i),
                f"unknown tie-break key '{key}' (use id, request-asc, request-desc, "
                "criterion:KEY or lottery:SEED)",
            )
    share = spec.allocation.partial_min_share
    if not Decimal(0) <= share <= Decimal(1):
        yield problem(
            ("allocation", "partial_min_share"), "partial_min_share is a share between 0 and 1"
        )

    total = sum((t.percent for t in spec.tranches), Decimal(0))
    if total != 100:
        yield problem(("tranches",), f"the tranches sum to {total}%, not 100%")
    for i, tranche in enumerate(spec.tranches):
        if tranche.percent <= 0:
            yield problem(("tranches", i, "percent"), "a tranche is more than 0%")
        if tranche.month is not None and tranche.month > spec.duration_months + 12:
            yield problem(
                ("tranches", i, "month"),
                f"month {tranche.month} is long after the project's end "
                f"(it lasts {spec.duration_months} months)",
            )

    for i, milestone in enumerate(spec.timeline.milestones):
        if (milestone.date is None) == (milestone.month is None):
            yield problem(
                ("timeline", "milestones", i),
                f"milestone '{milestone.key}' needs either a date (2023-12-15) "
                "or a month (2023-12)",
            )

    for i, member in enumerate(spec.committee):
        for j, link in enumerate(member.links):
            if registry.get(link) is None:
                yield problem(("committee", i, "links", j), _unknown_org(link, registry, None))

    roles = {s.role for s in spec.signatories}
    for needed in (SignatoryRole.AUTHORITY, SignatoryRole.HOUSING_COMPANY):
        if needed not in roles:
            yield problem(("signatories",), f"the signatories must include the {needed.value}")
    if spec.eligibility.partner_required and SignatoryRole.PARTNER not in roles:
        yield problem(("signatories",), "a partner is required, so the partner must be a signatory")
    if spec.beneficiary == "partner" and SignatoryRole.PARTNER not in roles:
        yield problem(("beneficiary",), "the grant goes to the partner, so the partner must sign")
    for i, signatory in enumerate(spec.signatories):
        if signatory.min > signatory.max:
            yield problem(("signatories", i, "min"), "min is above max")

    for i, name in enumerate(spec.required_fields):
        if name not in APPLICATION_FIELDS:
            yield problem(
                ("required_fields", i),
                f"unknown application field '{name}'{did_you_mean(name, APPLICATION_FIELDS)}",
            )
    for field_name in ("reference", "applicant", "title", "requested_amount"):
        if field_name not in spec.required_fields:
            yield problem(("required_fields",), f"the field '{field_name}' is always required")

    yield from _ranges(spec, located)
    yield from _budget_line_rules(spec, located)

    top_level = list(type(spec).model_fields)
    for i, name in enumerate(spec.illustrative):
        if name not in top_level:
            yield problem(
                ("illustrative", i),
                f"'{name}' is not a key of a call{did_you_mean(name, top_level)}",
            )


#: What a call may cap a count of applications or projects at, as ``--org-cap`` does.
_COUNT_RANGE = (1, 1000)


def _ranges(spec: CallSpec, located: Located) -> Iterator[Problem]:
    """Every number within its documented range (docs/concepts.md, "Numbers")."""
    allocation, scoring = spec.allocation, spec.scoring
    checks: list[tuple[tuple[str | int, ...], Decimal | int | None, int, int]] = [
        (("allocation", "min_score"), allocation.min_score, 0, 100),
        (("allocation", "org_cap"), allocation.org_cap, *_COUNT_RANGE),
        (
            ("eligibility", "max_applications_per_applicant"),
            spec.eligibility.max_applications_per_applicant,
            *_COUNT_RANGE,
        ),
        (("scoring", "disagreement_threshold"), scoring.disagreement_threshold, 0, 100),
        *(
            (("scoring", "criteria", i, "weight"), criterion.weight, 0, 1000)
            for i, criterion in enumerate(scoring.criteria)
        ),
    ]
    for path, value, low, high in checks:
        if value is not None and not low <= value <= high:
            yield located.problem(path, f"{path[-1]} must be from {low:,} to {high:,}, not {value}")


def _budget_line_rules(spec: CallSpec, located: Located) -> Iterator[Problem]:
    """Budget lines and co-financing sources are unique; a share is at most 100 %; an
    indirect line (``max_share_of_direct``) needs a direct line to be a share of."""
    yield from _unique(located, "budget_lines", [b.key for b in spec.budget_lines])
    yield from _unique(located, "co_financing", [c.key for c in spec.co_financing])
    for i, line in enumerate(spec.budget_lines):
        for name, value in (("cap", line.cap), ("max_share_of_direct", line.max_share_of_direct)):
            if isinstance(value, str) and Decimal(value.rstrip("% ")) > 100:
                yield located.problem(("budget_lines", i, name), "a share is at most 100%")
    if spec.budget_lines and all(b.max_share_of_direct for b in spec.budget_lines):
        yield located.problem(
            ("budget_lines",),
            "every line is a share of the direct costs: at least one line must be direct "
            "(without max_share_of_direct)",
        )


def _unique(
    located: Located, section: str, keys: Sequence[str], sub: str | None = None
) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    base: _PATH = (section, sub) if sub else (section,)
    for i, key in enumerate(keys):
        if key in seen:
            yield located.problem(
                (*base, i),
                f"'{key}' is defined twice in {sub or section} (also item {seen[key] + 1})",
            )
        else:
            seen[key] = i


def _unknown_org(key: str, registry: Registry, kind: OrgKind | None) -> str:

    candidates = [o.key for o in registry.organisations if kind is None or o.kind is kind]
    what = "an authority" if kind is OrgKind.AUTHORITY else "an organisation"
    return f"'{key}' is not {what} of the registry{did_you_mean(key, candidates)}"


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    hint = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{hint[0]}'?)" if hint else ""


def _euro(cents: int) -> str:

    return format_eur(cents)
