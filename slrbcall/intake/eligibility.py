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
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from slrbcall.calls.registry import normalise_name
from slrbcall.model import Application, Call, DurationRule, Lang, Reason, SignatoryRole
from slrbcall.money import format_eur
from slrbcall.sheets import fold, normalise_header

if TYPE_CHECKING:
    from slrbcall.calls.registry import Registry

__all__ = ["REASON_ORDER", "language_doubt", "likely_duplicates", "rule_breaks"]

#: The order in which reasons are listed, whatever order the rules ran in.
REASON_ORDER = (
    "applicant_unknown",
    "applicant_kind",
    "second_housing_company_not_allowed",
    "second_housing_company_same",
    "commune_not_allowed",
    "commune_missing",
    "partner_missing",
    "theme_unknown",
    "amount_below_minimum",
    "amount_above_maximum",
    "duration_not_call",
    "duration_too_long",
    "too_many_applications",
)


def rule_breaks(
    applications: Sequence[Application], *, call: Call, registry: Registry
) -> dict[int, tuple[Reason, ...]]:
    """The applications that break a rule of the call: index -> reasons, in
    :data:`REASON_ORDER`. The others are eligible.

    Deterministic and independent of the order given: the limit of applications per
    applicant keeps the first ones by reference (code-point order). Reads each
    application's own fields; its status and reasons are not looked at.
    """
    found: dict[int, list[Reason]] = {}
    for i, app in enumerate(applications):
        reasons = list(_reasons(app, call=call, registry=registry))
        if reasons:
            found[i] = reasons
    for i, reason in _over_the_limit(applications, call=call, registry=registry):
        found.setdefault(i, []).append(reason)
    return {
        i: tuple(sorted(reasons, key=lambda r: REASON_ORDER.index(r.code)))
        for i, reasons in found.items()
    }


def _over_the_limit(
    applications: Sequence[Application], *, call: Call, registry: Registry
) -> Iterable[tuple[int, Reason]]:
    """The applications beyond the call's limit per applicant, by reference."""
    limit = call.eligibility.max_applications_per_applicant
    if limit is None:
        return
    who = [app.applicant or app.applicant_name for app in applications]
    total = Counter(who)
    over = {applicant for applicant, count in total.items() if count > limit}
    if not over:
        return
    groups: dict[str, list[int]] = defaultdict(list)
    for i in sorted(
        (i for i, applicant in enumerate(who) if applicant in over),
        key=lambda i: applications[i].reference,
    ):
        groups[who[i]].append(i)
    for applicant, indexes in groups.items():
        name = _name(applications[indexes[0]], registry)
        for number, i in enumerate(indexes[limit:], start=limit + 1):
            yield (
                i,
                Reason(
                    "too_many_applications",
                    f"{name} sent {total[applicant]} applications and the call takes "
                    f"at most {limit} per applicant; by reference, this is number {number}",
                ),
            )


def _name(app: Application, registry: Registry) -> str:
    org = registry.get(app.applicant) if app.applicant else None
    return org.name.fr if org else app.applicant_name


def _reasons(app: Application, *, call: Call, registry: Registry) -> Iterable[Reason]:
    """The rules of the call that ``app`` breaks on its own (not the limit per applicant)."""
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
    yield from _parties(app, call=call, registry=registry)
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


def _parties(app: Application, *, call: Call, registry: Registry) -> Iterable[Reason]:
    """The second housing company and the commune: only where the call's conventions
    have them sign."""
    signs = {s.role: s for s in call.signatories}
    companies = signs.get(SignatoryRole.HOUSING_COMPANY)
    second = app.second_housing_company
    if second is not None:
        name = _org_name(second, registry)
        if companies is None or companies.max < 2:
            yield Reason(
                "second_housing_company_not_allowed",
                f"it names a second housing company ({name}); the conventions of this call "
                "are signed by one housing company",
            )
        elif second == app.applicant:
            yield Reason(
                "second_housing_company_same",
                f"the second housing company ({name}) is the applicant itself",
            )
    commune = signs.get(SignatoryRole.COMMUNE)
    if app.commune is not None and commune is None:
        yield Reason(
            "commune_not_allowed",
            f"it names a commune ({_org_name(app.commune, registry)}); the conventions of "
            "this call are not signed by a commune",
        )
    if app.commune is None and commune is not None and commune.min > 0:
        yield Reason("commune_missing", "the call requires a commune, and none is named")


def _org_name(key: str, registry: Registry) -> str:
    org = registry.get(key)
    return org.name.fr if org else key


# -- duplicates --------------------------------------------------------------------------


#: Above this many applications from one applicant, only identical titles are compared:
#: fuzzy comparison is pairwise, and such a group is a bulk file, not a real call.
FUZZY_GROUP_LIMIT = 50


def likely_duplicates(applications: Sequence[Application]) -> list[str]:
    """Warnings for applications that look alike under different references.

    Same applicant and either a similar title (or the same one) or the same partner.
    Never merged: an officer decides. Deterministic: groups in reference order.
    """

    by_applicant: dict[str, list[Application]] = defaultdict(list)
    for app in sorted(applications, key=lambda app: app.reference):
        by_applicant[app.applicant or normalise_header(app.applicant_name)].append(app)
    warnings = []
    for group in by_applicant.values():
        name = group[0].applicant_name
        same_partner: dict[str, list[str]] = defaultdict(list)
        for app in group:
            if app.partner:
                same_partner[normalise_header(app.partner)].append(app.reference)
        for listed in same_partner.values():
            if len(listed) > 1:
                warnings.append(
                    f"{_listing(listed)} come from {name} with the same "
                    "partner: check that they are different projects; they are kept apart"
                )
        for first, second in _similar_titles([app.title for app in group]):
            warnings.append(
                f"{group[first].reference} and {group[second].reference} may be the same "
                f"project ({name}, similar titles): check them; they are kept apart"
            )
    return warnings


def _listing(references: Sequence[str]) -> str:
    return ", ".join(references[:-1]) + f" and {references[-1]}"


def _similar_titles(titles: Sequence[str]) -> Iterable[tuple[int, int]]:
    """Pairs of positions (first, second) whose titles are alike."""

    folded = [fold(title) for title in titles]
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


# -- the language of a project ------------------------------------------------------------

#: A partner's legal form, written first or last in its name, and the language it is in.
_FORM_LANGUAGE = {"vzw": Lang.NL, "asbl": Lang.FR}


def language_doubt(app: Application) -> str | None:
    """A warning when the partner's legal form is in the other language than the project.

    The language of a project is a field of its own (its documents are written in it);
    a VZW partner on a project in French, or an ASBL on one in Dutch, is worth a look.
    """
    if not app.partner:
        return None
    words = [normalise_name(word) for word in app.partner.split()]
    forms = {_FORM_LANGUAGE[w] for w in (words[0], words[-1]) if w in _FORM_LANGUAGE}
    if len(forms) != 1 or app.language in forms:
        return None
    form = "a VZW" if Lang.NL in forms else "an ASBL"
    language = "French" if app.language is Lang.FR else "Dutch"
    return (
        f"{app.reference}: the partner '{app.partner}' is {form}, but the project's language "
        f"is {app.language.value}: its convention and letters are written in {language}; "
        "check its language"
    )
