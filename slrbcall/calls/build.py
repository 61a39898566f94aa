"""Building a call definition: YAML text -> pydantic shape -> the rules across keys ->
frozen :class:`~slrbcall.model.Call` (and the same for the organisations registry).

The expensive half of reading a call: pydantic and the domain model load here, and
:mod:`slrbcall.calls.definition` imports this module only when a file is not in the
cache (``slrbcall calls list`` runs all day, and reads the cache).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from slrbcall.calls.check import check_rules, did_you_mean, line_col, shape_problems
from slrbcall.calls.definition import LoadedCall
from slrbcall.calls.registry import Registry, check_enterprise_number, check_iban
from slrbcall.calls.spec import AddressSpec, CallSpec, LocalizedSpec, RegistrySpec
from slrbcall.calls.yamlstrict import Located, Path_, decode_source, parse_yaml
from slrbcall.errors import InputFileError, Problem
from slrbcall.i18n import _
from slrbcall.model import (
    Address,
    AllocationDefaults,
    AppealRoute,
    BudgetImputation,
    BudgetLine,
    Call,
    Channel,
    CoFinancingSource,
    CommitteeMember,
    Contact,
    Criterion,
    Decision,
    DocumentTemplates,
    Eligibility,
    JustificationTerms,
    Lang,
    Localized,
    Milestone,
    NotificationRule,
    Ombudsman,
    Organisation,
    OrgKind,
    ProjectDeadline,
    Representative,
    ReserveTerms,
    Signatory,
    SignatoryRole,
    Theme,
    ThemeCap,
    Tranche,
)

__all__ = ["build_call", "build_registry"]

_M = TypeVar("_M", bound=BaseModel)


def build_call(
    path: Path, label: str, raw: bytes, registry: Registry
) -> LoadedCall | tuple[Problem, ...]:
    """The call, or its problems (returned, not raised, so that they can be cached)."""
    try:
        located = parse_yaml(decode_source(raw, source=label), source=label, partial=True)
        spec = _validate(CallSpec, located)
    except InputFileError as exc:
        return exc.problems
    if located.problems:  # values the reader refused; the rest of the file was checked
        return located.problems

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


def _validate(model: type[_M], located: Located) -> _M:
    try:
        return model.model_validate(located.data)
    except ValidationError as exc:
        found = shape_problems(model, exc, located)
        raise InputFileError(sorted([*located.problems, *found], key=line_col)) from None


def _loc(spec: LocalizedSpec) -> Localized:

    return Localized(nl=spec.nl, fr=spec.fr)


def _to_call(spec: CallSpec, digest: str) -> Call:

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
            letter_reserve=Localized(
                nl=spec.documents.letter_reserve.nl, fr=spec.documents.letter_reserve.fr
            ),
        ),
        reserve=None
        if spec.reserve is None
        else ReserveTerms(
            policy=spec.reserve.policy,
            partial=spec.reserve.partial,
            valid_until=spec.reserve.valid_until,
        ),
        illustrative=tuple(spec.illustrative),
        **_about(spec),
        budget_lines=_budget_lines(spec),
        co_financing=tuple(
            CoFinancingSource(key=c.key, label=_loc(c.label)) for c in spec.co_financing
        ),
        justification=JustificationTerms(
            anchor=spec.justification.from_,
            months=spec.justification.months,
            recovery_days=spec.justification.recovery_days,
        ),
        payment_approval_above_cents=spec.payment_approval_above,
        source_sha256=digest,
    )


def _about(spec: CallSpec) -> dict[str, Any]:
    """What the documents print about the call itself (see :class:`Call`)."""
    rules = []
    if spec.notification is not None:
        for channel in Channel:
            rule = getattr(spec.notification, channel.value)
            if rule is not None:
                rules.append(
                    NotificationRule(
                        channel=channel,
                        after=rule.after,
                        working_days=rule.unit == "working_days",
                        source=_loc(rule.source),
                    )
                )
    person = spec.authority_representative
    contact, appeal, ombudsman = spec.contact, spec.appeal, spec.ombudsman
    return {
        "title_in_context": _loc(spec.title_in_context) if spec.title_in_context else None,
        "authority_representative": Representative(name=person.name, function=_loc(person.function))
        if person
        else None,
        "decision": Decision(body=_loc(spec.decision.body), date=spec.decision.date)
        if spec.decision
        else None,
        "imputation": BudgetImputation(
            basic_allocation=spec.imputation.basic_allocation, year=spec.imputation.year
        )
        if spec.imputation
        else None,
        "contact": Contact(
            name=contact.name,
            function=_loc(contact.function),
            phone=contact.phone,
            email=contact.email,
            service=_loc(contact.service) if contact.service else None,
            address=_loc(contact.address) if contact.address else None,
        )
        if contact
        else None,
        "appeal": AppealRoute(
            body=_loc(appeal.body),
            address=_loc(appeal.address),
            form=_loc(appeal.form),
            days=appeal.days,
        )
        if appeal
        else None,
        "notification": tuple(rules),
        "ombudsman": Ombudsman(
            name=_loc(ombudsman.name),
            address=_loc(ombudsman.address),
            phone=ombudsman.phone,
            email=_loc(ombudsman.email),
            website=ombudsman.website,
        )
        if ombudsman
        else None,
        "subsidy_rules": _loc(spec.subsidy_rules) if spec.subsidy_rules else None,
        "beneficiary": SignatoryRole(spec.beneficiary),
        "open_data_language": spec.open_data.language if spec.open_data else None,
    }


def _percent(text: str) -> Decimal:
    return Decimal(text.rstrip("% "))


def _budget_lines(spec: CallSpec) -> tuple[BudgetLine, ...]:
    return tuple(
        BudgetLine(
            key=line.key,
            label=_loc(line.label),
            cap_cents=line.cap if isinstance(line.cap, int) else None,
            cap_percent=_percent(line.cap) if isinstance(line.cap, str) else None,
            max_share_of_direct=_percent(line.max_share_of_direct)
            if line.max_share_of_direct is not None
            else None,
        )
        for line in spec.budget_lines
    )


def build_registry(raw: bytes, label: str) -> Registry | tuple[Problem, ...]:
    try:
        located = parse_yaml(decode_source(raw, source=label), source=label)
        return _registry_from(located)
    except InputFileError as exc:
        return exc.problems


def _registry_from(located: Located) -> Registry:
    spec: RegistrySpec = _validate(RegistrySpec, located)
    problems: list[Problem] = []
    communes = {
        org.key: _loc(org.name) for org in spec.organisations if org.kind is OrgKind.COMMUNE
    }
    keys = {org.key for org in spec.organisations}
    organisations: list[Organisation] = []
    seen: set[str] = set()

    def checked(check: Callable[[str], str], value: str | None, at: Path_) -> str | None:
        if value is None:
            return None
        try:
            return check(value)
        except ValueError as exc:
            problems.append(located.problem(at, str(exc)))
            return None

    for i, org in enumerate(spec.organisations):
        if org.key in seen:
            problems.append(
                located.problem(
                    ("organisations", i, "key"),
                    _("'{key}' is defined twice").format(key=org.key),
                )
            )
        seen.add(org.key)
        for j, commune in enumerate(org.communes):
            if commune not in keys:
                problems.append(
                    located.problem(
                        ("organisations", i, "communes", j),
                        _("unknown commune '{commune}'").format(commune=commune)
                        + did_you_mean(commune, sorted(keys)),
                    )
                )
        organisations.append(
            Organisation(
                key=org.key,
                kind=org.kind,
                name=_loc(org.name),
                short_names=tuple(org.short_names),
                languages=tuple(Lang(x) for x in org.languages),
                communes=tuple(org.communes),
                enterprise_number=checked(
                    check_enterprise_number,
                    org.enterprise_number,
                    ("organisations", i, "enterprise_number"),
                ),
                legal_form=_loc(org.legal_form) if org.legal_form else None,
                address=_address(org.address, communes, located, i, problems)
                if org.address
                else None,
                postal_code=org.postal_code,
                nis_code=org.nis_code,
                iban=checked(check_iban, org.iban, ("organisations", i, "iban")),
                representatives=tuple(
                    Representative(name=r.name, function=_loc(r.function))
                    for r in org.representatives
                ),
            )
        )
    if problems:
        raise InputFileError(problems)
    return Registry(organisations=tuple(organisations), illustrative=spec.illustrative)


def _address(
    spec: AddressSpec,
    communes: Mapping[str, Localized],
    located: Located,
    i: int,
    problems: list[Problem],
) -> Address | None:
    """An address whose town is a commune of the registry, or named in both languages."""
    at = ("organisations", i, "address")
    town: Localized | None = None
    if (spec.commune is None) == (spec.town is None):
        problems.append(
            located.problem(
                at,
                _("name the town with either 'commune' (a commune key) or 'town' ({fr, nl})"),
                key=True,
            )
        )
    elif spec.commune is not None:
        town = communes.get(spec.commune)
        if town is None:
            problems.append(
                located.problem(
                    (*at, "commune"),
                    _("unknown commune '{commune}'").format(commune=spec.commune)
                    + did_you_mean(spec.commune, sorted(communes)),
                )
            )
    elif spec.town is not None:
        town = _loc(spec.town)
    if town is None:
        return None
    return Address(
        street=_loc(spec.street),
        number=spec.number,
        postal_code=spec.postal_code,
        town=town,
        box=spec.box,
    )
