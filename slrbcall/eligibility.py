"""Eligibility under a call's rules, and applications that look alike.

:func:`assess` gives each readable application its status and a reason code and a
sentence for each rule it breaks (ineligible applications are stored, not refused);
:func:`likely_duplicates` warns about applications that look alike under different
references.

Pure: no file is read and nothing is stored here (see :mod:`slrbcall.services`).
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from slrbcall.model import Application, ApplicationStatus, Call, DurationRule, Reason
from slrbcall.money import format_eur

if TYPE_CHECKING:
    from slrbcall.registry import Registry

__all__ = ["REASON_ORDER", "assess", "likely_duplicates"]


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


def assess(
    applications: Sequence[Application], *, call: Call, registry: Registry
) -> list[Application]:
    """Each application with its status and reasons under the call's rules.

    Deterministic and independent of the input order: the limit of applications per
    applicant keeps the first ones by reference (code-point order). The result is in
    reference order.
    """
    ordered = sorted(applications, key=lambda a: a.reference)
    seen: Counter[str] = Counter()
    limit = call.eligibility.max_applications_per_applicant
    total: Counter[str] = Counter(a.applicant or a.applicant_name for a in ordered)
    result = []
    for app in ordered:
        reasons = list(_reasons(app, call, registry))
        who = app.applicant or app.applicant_name
        seen[who] += 1
        if limit is not None and seen[who] > limit:
            reasons.append(
                Reason(
                    "too_many_applications",
                    f"{_name(app, registry)} sent {total[who]} applications and the call takes "
                    f"at most {limit} per applicant; by reference, this is number {seen[who]}",
                )
            )
        reasons.sort(key=lambda r: REASON_ORDER.index(r.code))
        status = ApplicationStatus.INELIGIBLE if reasons else ApplicationStatus.ELIGIBLE
        if status is app.status and tuple(reasons) == app.reasons:
            result.append(app)  # unchanged: no copy (a bulk file is mostly this)
        else:
            result.append(replace(app, status=status, reasons=tuple(reasons)))
    return result


def _name(app: Application, registry: Registry) -> str:
    org = registry.get(app.applicant) if app.applicant else None
    return org.name.fr if org else app.applicant_name


def _reasons(app: Application, call: Call, registry: Registry) -> Iterable[Reason]:
    kinds = call.eligibility.applicant_kinds
    if app.applicant is None:
        yield Reason(
            "applicant_unknown",
            f"'{app.applicant_name}' is not an organisation that may apply "
            f"({', '.join(k.value.replace('_', ' ') for k in kinds)})",
        )
    else:
        org = registry.get(app.applicant)
        if org is not None and org.kind not in kinds:
            yield Reason(
                "applicant_kind",
                f"{org.name.fr} is a {org.kind.value.replace('_', ' ')}; this call is open to "
                f"{', '.join(k.value.replace('_', ' ') for k in kinds)}",
            )
    if call.eligibility.partner_required and not app.partner:
        yield Reason("partner_missing", "the call requires a partner, and none is named")
    if app.theme is None and app.theme_text is not None:
        names = ", ".join(t.label.fr for t in call.themes)
        yield Reason("theme_unknown", f"'{app.theme_text}' is not a theme of the call ({names})")
    if app.requested_cents < call.grant_min_cents:
        yield Reason(
            "amount_below_minimum",
            f"it asks for {format_eur(app.requested_cents)}, below the minimum grant of "
            f"{format_eur(call.grant_min_cents)}",
        )
    if app.requested_cents > call.grant_max_cents:
        yield Reason(
            "amount_above_maximum",
            f"it asks for {format_eur(app.requested_cents)}, above the maximum grant of "
            f"{format_eur(call.grant_max_cents)}",
        )
    months = app.duration_months
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


def likely_duplicates(applications: Sequence[Application]) -> list[str]:
    """Warnings for applications that look alike under different references.

    Same applicant and either a similar title (or the same one) or the same partner.
    Never merged: an officer decides. Deterministic: groups in reference order.
    """
    from slrbcall.sheets import normalise_header

    by_applicant: dict[str, list[Application]] = defaultdict(list)
    for app in sorted(applications, key=lambda a: a.reference):
        by_applicant[app.applicant or normalise_header(app.applicant_name)].append(app)
    warnings = []
    for group in by_applicant.values():
        partners: dict[str, list[str]] = defaultdict(list)
        for app in group:
            if app.partner:
                partners[normalise_header(app.partner)].append(app.reference)
        for references in partners.values():
            if len(references) > 1:
                warnings.append(
                    f"{_listing(references)} come from {group[0].applicant_name} with the same "
                    "partner: check that they are different projects; they are kept apart"
                )
        for first, second in _similar_titles(group):
            warnings.append(
                f"{first.reference} and {second.reference} may be the same project "
                f"({first.applicant_name}, similar titles): check them; they are kept apart"
            )
    return warnings


def _listing(references: Sequence[str]) -> str:
    return ", ".join(references[:-1]) + f" and {references[-1]}"


def _similar_titles(group: Sequence[Application]) -> Iterable[tuple[Application, Application]]:
    from slrbcall.sheets import fold_many

    titles = fold_many(app.title for app in group)
    if len(group) > FUZZY_GROUP_LIMIT:
        first_with: dict[str, Application] = {}
        for app, title in zip(group, titles, strict=True):
            if title in first_with:
                yield first_with[title], app
            else:
                first_with[title] = app
        return
    for i, first in enumerate(group):
        matcher = difflib.SequenceMatcher(None, "", titles[i])
        for j in range(i + 1, len(group)):
            matcher.set_seq1(titles[j])
            # The cheap upper bounds first: most pairs stop there.
            if (
                matcher.real_quick_ratio() >= 0.85
                and matcher.quick_ratio() >= 0.85
                and matcher.ratio() >= 0.85
            ):
                yield first, group[j]
