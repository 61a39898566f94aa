"""The checks of a call definition that pydantic does not make, and its errors in the user's words.

* :func:`shape_problems` turns a pydantic ``ValidationError`` into one
  :class:`~slrbcall.errors.Problem` per place, as ``file:line:col: message``, with the
  path as the user wrote it and a "did you mean" for an unknown key; pydantic's own
  messages never reach the officer: each kind of error (:data:`SHAPE_SENTENCES`) is
  worded in our words, in the officer's language, naming the key and what to write;
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

from slrbcall.calls.forms import (
    APPLICATION_FIELDS,
    KEY_PATTERN,
    MONTH_PATTERN,
    NIS_CODE_PATTERN,
    PERCENT_PATTERN,
    POSTAL_CODE_PATTERN,
    TEMPLATE_NAME_PATTERN,
)
from slrbcall.calls.yamlstrict import Located
from slrbcall.errors import Problem
from slrbcall.i18n import N_, _, format_count, ngettext
from slrbcall.model import OrgKind, SignatoryRole
from slrbcall.money import format_eur

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

    from slrbcall.calls.registry import Registry
    from slrbcall.calls.spec import CallSpec
    from slrbcall.model import OrgKind

__all__ = [
    "SHAPE_SENTENCES",
    "TIE_BREAK_KEYS",
    "check_rules",
    "did_you_mean",
    "line_col",
    "shape_problems",
]

TIE_BREAK_KEYS = ("id", "request-asc", "request-desc")
_PATH = tuple[str | int, ...]


# -- shape -----------------------------------------------------------------------------


#: What to write, for each kind of pydantic error a call file meets, with the fields
#: ``{value}`` (what was written), ``{limit}``, ``{choices}`` and ``{count}``. A kind not
#: here keeps pydantic's message (a test holds the list to what the schema can raise).
SHAPE_SENTENCES = {
    "int_type": N_("write a whole number, e.g. 12, not {value}"),
    "int_parsing": N_("write a whole number, e.g. 12, not {value}"),
    "int_from_float": N_("write a whole number, e.g. 12, not {value}"),
    "bool_type": N_("write true or false, not {value}"),
    "bool_parsing": N_("write true or false, not {value}"),
    "string_type": N_("write a text, not {value}"),
    "string_too_short": N_("write a text: it cannot be empty"),
    "greater_than_equal": N_("write a number of {limit} or more, not {value}"),
    "greater_than": N_("write a number above {limit}, not {value}"),
    "less_than_equal": N_("write a number of {limit} or less, not {value}"),
    "less_than": N_("write a number below {limit}, not {value}"),
    "enum": N_("write one of {choices}, not {value}"),
    "literal_error": N_("write one of {choices}, not {value}"),
    "list_type": N_("write a list, one item per line starting with '- ', not {value}"),
    "dict_type": N_("write a mapping, one 'key: value' per line indented below, not {value}"),
    "model_type": N_("write a mapping, one 'key: value' per line indented below, not {value}"),
    "model_attributes_type": N_(
        "write a mapping, one 'key: value' per line indented below, not {value}"
    ),
    "date_type": N_("write a date as 2023-12-15, not {value}"),
    "date_parsing": N_("write a date as 2023-12-15, not {value}"),
    "date_from_datetime_parsing": N_("write a date as 2023-12-15, not {value}"),
    "date_from_datetime_inexact": N_("write a date as 2023-12-15, not {value}"),
}

#: What to write, for each form a text of a call file must have (a key, a month...).
_PATTERN_SENTENCES = {
    KEY_PATTERN: N_(
        "write a key of lower-case letters, digits, '-' and '_' that starts with a letter "
        "or a digit, e.g. digital-divide, not {value}"
    ),
    MONTH_PATTERN: N_("write a month as 2023-12, not {value}"),
    PERCENT_PATTERN: N_("write a share in percent such as '10%', not {value}"),
    TEMPLATE_NAME_PATTERN: N_(
        "write the name of a .docx file, e.g. convention.fr.docx, not {value}"
    ),
    POSTAL_CODE_PATTERN: N_("write a postal code of 4 digits, e.g. 1000, not {value}"),
    NIS_CODE_PATTERN: N_("write a NIS code of 5 digits, e.g. 21004, not {value}"),
}


def shape_problems(model: type[BaseModel], exc: ValidationError, located: Located) -> list[Problem]:
    """One problem per place of pydantic's errors, worded in our words (see
    :data:`SHAPE_SENTENCES`), in the officer's language."""
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
                located.problem(loc[:-1] if loc else (), _("missing key '{key}'").format(key=name))
            )
            continue
        if kind == "extra_forbidden":
            name = str(loc[-1])
            known = _field_names(model, loc[:-1])
            hint = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            if hint:
                message = _("unknown key '{key}' (did you mean '{hint}'?)").format(
                    key=name, hint=hint[0]
                )
            else:
                message = _("unknown key '{key}'; allowed here: {keys}").format(
                    key=name, keys=", ".join(sorted(known))
                )
            problems.append(located.problem(loc, message, key=True))
            continue
        problems.append(
            located.problem(
                loc, _("{key}: {message}").format(key=_dotted(loc), message=_our_words(error))
            )
        )
    # One problem per place and message: unions repeat themselves.
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=line_col)


def _our_words(error: Any) -> str:
    """What is wrong with one value, and what to write, in the officer's language."""
    kind = error["type"]
    context = error.get("ctx") or {}
    if kind == "value_error":  # our own validators' messages, already translated
        return str(context.get("error", error["msg"])).removeprefix("Value error, ")
    value = _written(error.get("input"))
    if kind == "string_pattern_mismatch":
        sentence = _PATTERN_SENTENCES.get(str(context.get("pattern")))
        if sentence is not None:
            return _(sentence).format(value=value)
        return _("write a text of the form {pattern}, not {value}").format(
            pattern=context.get("pattern"), value=value
        )
    if kind in ("string_too_long", "too_long"):
        most = int(context.get("max_length", 0))
        return ngettext(
            "write at most {count} character, not {value}",
            "write at most {count} characters, not {value}",
            most,
        ).format(count=format_count(most), value=value)
    if kind == "too_short" and isinstance(error.get("input"), list):
        least = int(context.get("min_length", 0))
        return ngettext(
            "write at least {count} item in this list",
            "write at least {count} items in this list",
            least,
        ).format(count=least)
    sentence = SHAPE_SENTENCES.get(kind)
    if sentence is None:
        return str(error["msg"])
    limit = next((context[k] for k in ("ge", "gt", "le", "lt") if k in context), "")
    choices = ", ".join(re.findall(r"'[^']*'", str(context.get("expected", ""))))
    return _(sentence).format(value=value, limit=limit, choices=choices)


def _written(value: Any) -> str:
    """A value as the file wrote it, for a message: text in quotes, cut when long."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return _("an empty value")
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    return str(value)


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
    return out or _("file")


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
            _("the id '{id}' differs from the file name '{file}': rename one of them").format(
                id=spec.id, file=path.name
            ),
        )

    authority = registry.get(spec.authority)
    if authority is None or authority.kind is not OrgKind.AUTHORITY:
        yield problem(("authority",), _unknown_org(spec.authority, registry, OrgKind.AUTHORITY))

    grant = spec.grant
    if grant.minimum > grant.maximum:
        yield problem(
            ("grant", "minimum"),
            _("the grant minimum ({minimum}) is above the maximum ({maximum})").format(
                minimum=_euro(grant.minimum), maximum=_euro(grant.maximum)
            ),
        )
    if grant.maximum > spec.budget:
        yield problem(
            ("grant", "maximum"),
            _("the grant maximum ({maximum}) is above the budget ({budget})").format(
                maximum=_euro(grant.maximum), budget=_euro(spec.budget)
            ),
        )
    if grant.granularity <= 0:
        yield problem(("grant", "granularity"), _("the granularity must be at least 0.01"))
    if spec.budget <= 0:
        yield problem(("budget",), _("the budget must be above zero"))

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
                _("theme cap for '{theme}', which is not a theme of this call").format(theme=theme)
                + did_you_mean(theme, theme_keys),
                key=True,
            )
        if isinstance(cap, str) and Decimal(cap.rstrip("% ")) > 100:
            yield problem(("allocation", "theme_caps", theme), _("a theme cap is at most 100%"))

    criteria = [c.key for c in spec.scoring.criteria]
    for i, key in enumerate(spec.allocation.tie_break):
        if key in TIE_BREAK_KEYS:
            continue
        if key.startswith("criterion:"):
            if key.removeprefix("criterion:") not in criteria:
                unknown = key.removeprefix("criterion:")
                yield problem(
                    ("allocation", "tie_break", i),
                    _("tie-break on unknown criterion '{criterion}'").format(criterion=unknown)
                    + did_you_mean(unknown, criteria),
                )
        elif not re.fullmatch(r"lottery:\d+", key):
            yield problem(
                ("allocation", "tie_break", i),
                _(
                    "unknown tie-break key '{key}' (use id, request-asc, request-desc, "
                    "criterion:KEY or lottery:SEED)"
                ).format(key=key),
            )
    share = spec.allocation.partial_min_share
    if not Decimal(0) <= share <= Decimal(1):
        yield problem(
            ("allocation", "partial_min_share"), _("partial_min_share is a share between 0 and 1")
        )

    total = sum((t.percent for t in spec.tranches), Decimal(0))
    if total != 100:
        yield problem(
            ("tranches",), _("the tranches sum to {total}%, not 100%").format(total=total)
        )
    for i, tranche in enumerate(spec.tranches):
        if tranche.percent <= 0:
            yield problem(("tranches", i, "percent"), _("a tranche is more than 0%"))
        if tranche.month is not None and tranche.month > spec.duration_months + 12:
            yield problem(
                ("tranches", i, "month"),
                ngettext(
                    "month {month} is long after the project's end (it lasts {count} month)",
                    "month {month} is long after the project's end (it lasts {count} months)",
                    spec.duration_months,
                ).format(month=tranche.month, count=spec.duration_months),
            )

    for i, milestone in enumerate(spec.timeline.milestones):
        if (milestone.date is None) == (milestone.month is None):
            yield problem(
                ("timeline", "milestones", i),
                _("milestone '{key}' needs either a date (2023-12-15) or a month (2023-12)").format(
                    key=milestone.key
                ),
            )

    for i, member in enumerate(spec.committee):
        for j, link in enumerate(member.links):
            if registry.get(link) is None:
                yield problem(("committee", i, "links", j), _unknown_org(link, registry, None))

    roles = {s.role for s in spec.signatories}
    needs = {
        SignatoryRole.AUTHORITY: N_("the signatories must include the authority"),
        SignatoryRole.HOUSING_COMPANY: N_("the signatories must include the housing_company"),
    }
    for needed, sentence in needs.items():
        if needed not in roles:
            yield problem(("signatories",), _(sentence))
    if spec.eligibility.partner_required and SignatoryRole.PARTNER not in roles:
        yield problem(
            ("signatories",), _("a partner is required, so the partner must be a signatory")
        )
    if spec.beneficiary == "partner" and SignatoryRole.PARTNER not in roles:
        yield problem(
            ("beneficiary",), _("the grant goes to the partner, so the partner must sign")
        )
    for i, signatory in enumerate(spec.signatories):
        if signatory.min > signatory.max:
            yield problem(("signatories", i, "min"), _("min is above max"))

    for i, name in enumerate(spec.required_fields):
        if name not in APPLICATION_FIELDS:
            yield problem(
                ("required_fields", i),
                _("unknown application field '{field}'").format(field=name)
                + did_you_mean(name, APPLICATION_FIELDS),
            )
    for field_name in ("reference", "applicant", "title", "requested_amount"):
        if field_name not in spec.required_fields:
            yield problem(
                ("required_fields",),
                _("the field '{field}' is always required").format(field=field_name),
            )

    yield from _ranges(spec, located)
    yield from _budget_line_rules(spec, located)

    top_level = list(type(spec).model_fields)
    for i, name in enumerate(spec.illustrative):
        if name not in top_level:
            yield problem(
                ("illustrative", i),
                _("'{key}' is not a key of a call").format(key=name)
                + did_you_mean(name, top_level),
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
            yield located.problem(
                path,
                _("{key} must be from {low} to {high}, not {value}").format(
                    key=path[-1], low=format_count(low), high=format_count(high), value=value
                ),
            )


def _budget_line_rules(spec: CallSpec, located: Located) -> Iterator[Problem]:
    """Budget lines and co-financing sources are unique; a share is at most 100 %; an
    indirect line (``max_share_of_direct``) needs a direct line to be a share of."""
    yield from _unique(located, "budget_lines", [b.key for b in spec.budget_lines])
    yield from _unique(located, "co_financing", [c.key for c in spec.co_financing])
    for i, line in enumerate(spec.budget_lines):
        for name, value in (("cap", line.cap), ("max_share_of_direct", line.max_share_of_direct)):
            if isinstance(value, str) and Decimal(value.rstrip("% ")) > 100:
                yield located.problem(("budget_lines", i, name), _("a share is at most 100%"))
    if spec.budget_lines and all(b.max_share_of_direct for b in spec.budget_lines):
        yield located.problem(
            ("budget_lines",),
            _(
                "every line is a share of the direct costs: at least one line must be direct "
                "(without max_share_of_direct)"
            ),
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
                _("'{key}' is defined twice in {section} (also item {number})").format(
                    key=key, section=sub or section, number=seen[key] + 1
                ),
            )
        else:
            seen[key] = i


def _unknown_org(key: str, registry: Registry, kind: OrgKind | None) -> str:

    candidates = [o.key for o in registry.organisations if kind is None or o.kind is kind]
    sentence = (
        _("'{key}' is not an authority of the registry")
        if kind is OrgKind.AUTHORITY
        else _("'{key}' is not an organisation of the registry")
    )
    return sentence.format(key=key) + did_you_mean(key, candidates)


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` with the closest of ``choices``, or nothing."""
    hint = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return _(" (did you mean '{hint}'?)").format(hint=hint[0]) if hint else ""


def _euro(cents: int) -> str:

    return format_eur(cents)
