"""Eligibility under a call's rules, and applications that look alike.

:func:`rule_breaks` finds the readable applications that break a rule of the call, with
a reason code and a sentence for each rule (ineligible applications are stored, not
refused);
:func:`likely_duplicates` warns about applications that look alike under different
references.

Pure: no file is read and nothing is stored here (see :mod:`slrbcall.intake.service`).
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from slrbcall.model import Call, DurationRule, Reason
from slrbcall.money import format_eur
from slrbcall.sheets import fold_many, normalise_header

if TYPE_CHECKING:
    from slrbcall.calls.registry import Registry

__all__ = ["REASON_ORDER", "Columns", "likely_duplicates", "rule_breaks"]

#: Applications given column by column: a list per field of
#: :class:`~slrbcall.model.Application`, by name, one value per application.
Columns = Mapping[str, Sequence[Any]]

#: The order in which reasons are listed, whatever order the rules ran in.
REASON_ORDER = (
    "applicant_unknown",
    "applicant_kind",
    "partner_missing",
    "theme_unknown",
    "amount_below_minimum",
    "amount_above_maximum",
    "duration_not_call",
    "duration_too_long",
    "too_many_applications",
)


def rule_breaks(
    columns: Columns, *, call: Call, registry: Registry
) -> dict[int, tuple[Reason, ...]]:
    """The applications that break a rule of the call: index -> reasons, in
    :data:`REASON_ORDER`. The others are eligible.

    Deterministic and independent of the order given: the limit of applications per
    applicant keeps the first ones by reference (code-point order). Uses the columns
    ``reference``, ``applicant``, ``applicant_name``, ``partner``, ``theme``,
    ``theme_text``, ``requested_cents`` and ``duration_months``.
    """
    applicants = columns["applicant"]
    partners, cents = columns["partner"], columns["requested_cents"]
    themes, theme_texts = columns["theme"], columns["theme_text"]
    months = columns["duration_months"]
    kinds = call.eligibility.applicant_kinds
    wrong_kind = {
        key
        for key in set(applicants)
        if key is not None and (org := registry.get(key)) is not None and org.kind not in kinds
    }
    # Which rows may break a rule, one cheap pass per rule; a large file is mostly
    # eligible, and only these rows are judged and worded. Each pass is the test of
    # one rule of _reasons (a rule added there needs its pass here), and runs only if
    # a first pass over the column, in C, finds a value that can break the rule.
    suspects: set[int] = set()
    if None in applicants or wrong_kind:
        suspects.update(i for i, key in enumerate(applicants) if key is None or key in wrong_kind)
    if call.eligibility.partner_required and (None in partners or "" in partners):
        suspects.update(i for i, partner in enumerate(partners) if not partner)
    if None in themes:
        suspects.update(
            i
            for i, (theme, text) in enumerate(zip(themes, theme_texts, strict=True))
            if theme is None and text is not None
        )
    low, high = call.grant_min_cents, call.grant_max_cents
    if cents and not low <= min(cents) <= max(cents) <= high:
        suspects.update(i for i, amount in enumerate(cents) if not low <= amount <= high)
    wanted = call.duration_months
    if call.eligibility.duration is DurationRule.EQUAL:
        if not set(months) <= {wanted, None}:
            suspects.update(i for i, m in enumerate(months) if m is not None and m != wanted)
    elif any(m is not None and m > wanted for m in set(months)):
        suspects.update(i for i, m in enumerate(months) if m is not None and m > wanted)
    found: dict[int, list[Reason]] = {}
    for i in suspects:
        reasons = list(
            _reasons(
                applicants[i],
                columns["applicant_name"][i],
                partners[i],
                themes[i],
                theme_texts[i],
                cents[i],
                months[i],
                call=call,
                registry=registry,
            )
        )
        if reasons:
            found[i] = reasons
    for i, reason in _over_the_limit(columns, call=call, registry=registry):
        found.setdefault(i, []).append(reason)
    return {
        i: tuple(sorted(reasons, key=lambda r: REASON_ORDER.index(r.code)))
        for i, reasons in found.items()
    }


def _over_the_limit(
    columns: Columns, *, call: Call, registry: Registry
) -> Iterable[tuple[int, Reason]]:
    """The applications beyond the call's limit per applicant, by reference."""
    limit = call.eligibility.max_applications_per_applicant
    if limit is None:
        return
    who = [
        key or name
        for key, name in zip(columns["applicant"], columns["applicant_name"], strict=True)
    ]
    total = Counter(who)
    over = {applicant for applicant, count in total.items() if count > limit}
    if not over:
        return
    references = columns["reference"]
    groups: dict[str, list[int]] = defaultdict(list)
    for i in sorted(
        (i for i, applicant in enumerate(who) if applicant in over), key=references.__getitem__
    ):
        groups[who[i]].append(i)
    for applicant, indexes in groups.items():
        first = indexes[0]
        name = _name(columns["applicant"][first], columns["applicant_name"][first], registry)
        for number, i in enumerate(indexes[limit:], start=limit + 1):
            yield (
                i,
                Reason(
                    "too_many_applications",
                    f"{name} sent {total[applicant]} applications and the call takes "
                    f"at most {limit} per applicant; by reference, this is number {number}",
                ),
            )


def _name(applicant: str | None, applicant_name: str, registry: Registry) -> str:
    org = registry.get(applicant) if applicant else None
    return org.name.fr if org else applicant_name


def _reasons(
    applicant: str | None,
    applicant_name: str,
    partner: str | None,
    theme: str | None,
    theme_text: str | None,
    requested_cents: int,
    months: int | None,
    *,
    call: Call,
    registry: Registry,
) -> Iterable[Reason]:
    kinds = call.eligibility.applicant_kinds
    if applicant is None:
        yield Reason(
            "applicant_unknown",
            f"'{applicant_name}' is not an organisation that may apply "
            f"({', '.join(k.value.replace('_', ' ') for k in kinds)})",
        )
    else:
        org = registry.get(applicant)
        if org is not None and org.kind not in kinds:
            yield Reason(
                "applicant_kind",
                f"{org.name.fr} is a {org.kind.value.replace('_', ' ')}; this call is open to "
                f"{', '.join(k.value.replace('_', ' ') for k in kinds)}",
            )
    if call.eligibility.partner_required and not partner:
        yield Reason("partner_missing", "the call requires a partner, and none is named")
    if theme is None and theme_text is not None:
        names = ", ".join(t.label.fr for t in call.themes)
        yield Reason("theme_unknown", f"'{theme_text}' is not a theme of the call ({names})")
    if requested_cents < call.grant_min_cents:
        yield Reason(
            "amount_below_minimum",
            f"it asks for {format_eur(requested_cents)}, below the minimum grant of "
            f"{format_eur(call.grant_min_cents)}",
        )
    if requested_cents > call.grant_max_cents:
        yield Reason(
            "amount_above_maximum",
            f"it asks for {format_eur(requested_cents)}, above the maximum grant of "
            f"{format_eur(call.grant_max_cents)}",
        )
    if months is not None:
        if call.eligibility.duration is DurationRule.EQUAL and months != call.duration_months:
            yield Reason(
                "duration_not_call",
                f"it lasts {months} months; projects of this call last {call.duration_months}",
            )
        if call.eligibility.duration is DurationRule.FREE and months > call.duration_months:
            yield Reason(
                "duration_too_long",
                f"it lasts {months} months; projects of this call last at most "
                f"{call.duration_months}",
            )


# -- duplicates --------------------------------------------------------------------------


#: Above this many applications from one applicant, only identical titles are compared:
#: fuzzy comparison is pairwise, and such a group is a bulk file, not a real call.
FUZZY_GROUP_LIMIT = 50


def likely_duplicates(columns: Columns) -> list[str]:
    """Warnings for applications that look alike under different references.

    Same applicant and either a similar title (or the same one) or the same partner.
    Never merged: an officer decides. Deterministic: groups in reference order. Uses
    the columns ``reference``, ``applicant``, ``applicant_name``, ``partner`` and
    ``title``.
    """

    references, applicants = columns["reference"], columns["applicant"]
    names, partners, titles = columns["applicant_name"], columns["partner"], columns["title"]
    by_applicant: dict[str, list[int]] = defaultdict(list)
    for i in sorted(range(len(references)), key=references.__getitem__):
        by_applicant[applicants[i] or normalise_header(names[i])].append(i)
    warnings = []
    for group in by_applicant.values():
        same_partner: dict[str, list[str]] = defaultdict(list)
        for i in group:
            if partners[i]:
                same_partner[normalise_header(partners[i])].append(references[i])
        for listed in same_partner.values():
            if len(listed) > 1:
                warnings.append(
                    f"{_listing(listed)} come from {names[group[0]]} with the same "
                    "partner: check that they are different projects; they are kept apart"
                )
        for first, second in _similar_titles([titles[i] for i in group]):
            warnings.append(
                f"{references[group[first]]} and {references[group[second]]} may be the same "
                f"project ({names[group[first]]}, similar titles): check them; they are kept apart"
            )
    return warnings


def _listing(references: Sequence[str]) -> str:
    return ", ".join(references[:-1]) + f" and {references[-1]}"


def _similar_titles(titles: Sequence[str]) -> Iterable[tuple[int, int]]:
    """Pairs of positions (first, second) whose titles are alike."""

    folded = fold_many(titles)
    if len(folded) > FUZZY_GROUP_LIMIT:
        first_with: dict[str, int] = {}
        for i, title in enumerate(folded):
            if title in first_with:
                yield first_with[title], i
            else:
                first_with[title] = i
        return
    for i in range(len(folded)):
        matcher = difflib.SequenceMatcher(None, "", folded[i])
        for j in range(i + 1, len(folded)):
            matcher.set_seq1(folded[j])
            # The cheap upper bounds first: most pairs stop there.
            if (
                matcher.real_quick_ratio() >= 0.85
                and matcher.quick_ratio() >= 0.85
                and matcher.ratio() >= 0.85
            ):
                yield i, j
