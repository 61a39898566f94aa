"""The shape of a call definition file, as pydantic models.

This is the boundary: YAML parsed by :mod:`slrbcall.calls.yamlstrict` is checked here for
shape and types, then :mod:`slrbcall.calls.definition` checks the rules that span several keys
and builds the frozen :class:`slrbcall.model.Call`. Nothing else imports pydantic.
The JSON Schema printed by ``slrbcall calls schema`` is generated from these models.

Booleans and integers are strict (``partner_required: NO`` is an error, not ``False``).
Money is whole euro (``255000``) or a quoted amount read by the same Belgian rules as
the command line and the spreadsheets (``'255.000,00'``, ``'255000.50'``), exactly and
never through a float. A YAML number with a decimal point is refused: ``600.000`` is
600 to YAML and 600,000 to a Belgian reader.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    WithJsonSchema,
)

from slrbcall.model import (
    Aggregation,
    Anchor,
    DurationRule,
    Lang,
    OrgKind,
    PartialPolicy,
    Policy,
    SignatoryRole,
    TrancheCondition,
)
from slrbcall.money import AmountError, cents_from_decimal, parse_amount

__all__ = ["APPLICATION_FIELDS", "CallSpec", "OrganisationSpec", "RegistrySpec"]

#: The fields an application can carry; a call says which of them are required.
APPLICATION_FIELDS = (
    "reference",
    "applicant",
    "partner",
    "partner_enterprise_number",
    "title",
    "theme",
    "requested_amount",
    "duration_months",
    "start_date",
    "language",
    "residents_targeted",
    "contact_name",
    "contact_email",
    "summary",
)


def _money(value: Any) -> int:
    """Cents from whole euro, or from a quoted amount in Belgian notation."""
    if isinstance(value, Decimal):
        raise ValueError(_unquoted_decimal(value))
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("write an amount in euro, e.g. 255000 or '255.000,00'")
    try:
        cents = cents_from_decimal(value) if isinstance(value, int) else parse_amount(value)
    except AmountError as exc:
        raise ValueError(str(exc)) from exc
    if cents < 0:
        raise ValueError("an amount cannot be negative")
    return cents


def _unquoted_decimal(value: Decimal) -> str:
    """Why an amount written as a YAML number with a point is refused, with the fix."""
    try:
        belgian = parse_amount(str(value))
    except AmountError:
        belgian = None
    if belgian is None:
        return f"{value}: write whole euro, or an amount with cents in quotes, e.g. '255.000,50'"
    if belgian % 100:
        return f"{value}: write an amount with cents in quotes, e.g. '{_belgian(belgian)}'"
    return (
        f"{value} is ambiguous: YAML reads a point as decimals, a Belgian reader as "
        f"thousands (€ {_belgian(belgian)}); write whole euro, e.g. {belgian // 100}, or "
        f"quote the amount, e.g. '{_belgian(belgian)}'"
    )


def _belgian(cents: int) -> str:
    """``60000000`` -> ``600.000,00``: the notation the intake and the CLI read."""
    euro, rest = divmod(cents, 100)
    return f"{euro:,}".replace(",", ".") + f",{rest:02d}"


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("write a number, e.g. 30 or 12.5")
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str) and re.fullmatch(r"\d+(?:\.\d+)?", value.strip()):
        return Decimal(value.strip())
    raise ValueError("write a number, e.g. 30 or 12.5")


#: Euro amount in cents once validated (written in YAML as euro).
Money = Annotated[
    int,
    BeforeValidator(_money),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {"type": "string"},
            ],
            "description": (
                "Euro: whole euro as an integer, or a quoted amount in Belgian "
                "notation, e.g. '255.000,00'."
            ),
        }
    ),
]
Number = Annotated[
    Decimal,
    BeforeValidator(_decimal),
    WithJsonSchema(
        {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^\d+(\.\d+)?$"}]}
    ),
]
Key = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Text = Annotated[str, Field(min_length=1), AfterValidator(str.strip)]
Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
Percent = Annotated[
    str,
    Field(pattern=r"^\d+(\.\d+)?\s*%$"),
    WithJsonSchema({"type": "string", "pattern": r"^\d+(\.\d+)?\s*%$"}),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class LocalizedSpec(_Strict):
    """A text in Dutch and in French."""

    nl: Text
    fr: Text


class GrantSpec(_Strict):
    minimum: Money = Field(description="Smallest grant, in euro.")
    maximum: Money = Field(description="Largest grant, in euro.")
    granularity: Money = Field(
        default=100, description="Partial awards are rounded down to a multiple of this (euro)."
    )


class ThemeSpec(_Strict):
    key: Key
    label: LocalizedSpec


class EligibilitySpec(_Strict):
    applicant_kinds: list[OrgKind] = Field(default=[OrgKind.HOUSING_COMPANY], min_length=1)
    partner_required: StrictBool = True
    max_applications_per_applicant: StrictInt | None = Field(default=None, ge=1)
    duration: DurationRule = DurationRule.EQUAL


class CriterionSpec(_Strict):
    key: Key
    label: LocalizedSpec
    weight: Number = Field(
        gt=0, description="Relative weight (above 0); weights need not sum to 100."
    )
    max_mark: StrictInt = Field(ge=1, le=1000)


class ScoringSpec(_Strict):
    aggregation: Aggregation = Aggregation.MEAN
    disagreement_threshold: Number | None = Field(
        default=None,
        description="Flag an application when its reviewers' scores (0-100) differ by more.",
    )
    criteria: list[CriterionSpec] = Field(min_length=1)


class CommitteeMemberSpec(_Strict):
    key: Key
    name: Text
    links: list[Key] = Field(
        default=[], description="Organisation keys this member declared a link with."
    )


class AllocationSpec(_Strict):
    policy: Policy = Policy.GREEDY
    partial: PartialPolicy = PartialPolicy.OFF
    partial_min_share: Number = Decimal(0)
    min_score: Number | None = None
    org_cap: StrictInt | None = Field(
        default=None, ge=1, description="At most this many funded projects per applicant."
    )
    theme_caps: dict[str, Money | Percent] = Field(
        default={}, description="Per theme key: an amount in euro, or a share such as '40%'."
    )
    theme_guarantee: StrictBool = False
    tie_break: list[str] = Field(default=["id"], min_length=1)


class ReserveSpec(_Strict):
    policy: Policy = Field(
        default=Policy.GREEDY,
        description="How released money goes down the reserve: greedy, strict or max-score.",
    )
    partial: PartialPolicy = Field(
        default=PartialPolicy.OFF,
        description="remainder: the first reserve project that does not fit is offered "
        "what is free, as a partial grant.",
    )
    valid_until: dt.date | None = Field(
        default=None, description="The last day money can be reallocated to the reserve."
    )


class MilestoneSpec(_Strict):
    key: Key
    label: LocalizedSpec
    date: dt.date | None = None
    month: Month | None = None


class DeadlineSpec(_Strict):
    key: Key
    label: LocalizedSpec
    from_: Anchor = Field(alias="from")
    months: StrictInt = Field(ge=0, le=240)
    every_months: StrictInt | None = Field(default=None, ge=1, le=120)


class TimelineSpec(_Strict):
    milestones: list[MilestoneSpec] = []
    deadlines: list[DeadlineSpec] = []


class TrancheSpec(_Strict):
    percent: Number
    condition: TrancheCondition
    label: LocalizedSpec
    month: StrictInt | None = Field(default=None, ge=0, le=240)


class SignatorySpec(_Strict):
    role: SignatoryRole
    min: StrictInt = Field(default=1, ge=0, le=5)
    max: StrictInt = Field(default=1, ge=1, le=5)


TemplateName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*\.docx$")]


class TemplatePairSpec(_Strict):
    nl: TemplateName
    fr: TemplateName


class DocumentsSpec(_Strict):
    convention: TemplatePairSpec
    letter_award: TemplatePairSpec
    letter_refusal: TemplatePairSpec
    letter_reserve: TemplatePairSpec = TemplatePairSpec(
        nl="letter-reserve.nl.docx", fr="letter-reserve.fr.docx"
    )


class CallSpec(_Strict):
    """A call for projects (``calls/<id>.yaml``)."""

    id: Key
    title: LocalizedSpec
    description: LocalizedSpec | None = None
    authority: Key = Field(description="Organisation key of the authority in the registry.")
    budget: Money
    grant: GrantSpec
    duration_months: StrictInt = Field(ge=1, le=240)
    target_public: LocalizedSpec | None = None
    themes: list[ThemeSpec] = Field(min_length=1)
    eligibility: EligibilitySpec = EligibilitySpec()
    required_fields: list[str] = Field(
        default=["reference", "applicant", "title", "theme", "requested_amount"],
        description="Application fields that must be filled in.",
    )
    scoring: ScoringSpec
    committee: list[CommitteeMemberSpec] = []
    allocation: AllocationSpec = AllocationSpec()
    reserve: ReserveSpec | None = Field(
        default=None,
        description="A reserve list: the unfunded applications, in the order of the adopted "
        "ranking, that money released by a withdrawal goes to.",
    )
    timeline: TimelineSpec = TimelineSpec()
    tranches: list[TrancheSpec] = Field(min_length=1)
    payment_approval_above: Money | None = Field(
        default=None,
        description="In a team's workspace (officers.yaml), a payment above this amount "
        "(euro) is proposed, and paid once another approver approves it.",
    )
    signatories: list[SignatorySpec] = Field(min_length=2)
    legal_bases: list[LocalizedSpec] = []
    documents: DocumentsSpec
    illustrative: list[str] = Field(
        default=[], description="Top-level keys whose values no public source gives."
    )


def _code(value: Any) -> Any:
    """Codes written without quotes arrive as integers; they are text."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Code = Annotated[str, BeforeValidator(_code)]


PostalCode = Annotated[Code, Field(pattern=r"^[1-9]\d{3}$")]


class AddressSpec(_Strict):
    """A Belgian postal address: the town is a commune of the registry, or named."""

    street: LocalizedSpec
    number: Annotated[Code, Field(min_length=1, max_length=20)]
    box: Annotated[Code, Field(min_length=1, max_length=20)] | None = None
    postal_code: PostalCode
    commune: Key | None = Field(
        default=None, description="Key of a commune of the registry: its names are the town's."
    )
    town: LocalizedSpec | None = Field(
        default=None, description="The town in nl and fr, for a town that is not a commune."
    )


class RepresentativeSpec(_Strict):
    name: Text
    function: LocalizedSpec


class OrganisationSpec(_Strict):
    key: Key
    kind: OrgKind
    name: LocalizedSpec
    short_names: list[Text] = []
    languages: list[Lang] = [Lang.FR, Lang.NL]
    communes: list[Key] = []
    enterprise_number: Code | None = None
    legal_form: LocalizedSpec | None = None
    address: AddressSpec | None = None
    postal_code: PostalCode | None = None
    nis_code: Annotated[Code, Field(pattern=r"^\d{5}$")] | None = None
    iban: Text | None = None
    representatives: list[RepresentativeSpec] = []


class RegistrySpec(_Strict):
    """The organisations registry (``calls/organisations.yaml``)."""

    organisations: list[OrganisationSpec] = Field(min_length=1)
