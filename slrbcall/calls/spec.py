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
from typing import Annotated, Any, Literal

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

from slrbcall.calls.forms import (
    KEY_PATTERN,
    MONTH_PATTERN,
    NIS_CODE_PATTERN,
    PERCENT_PATTERN,
    POSTAL_CODE_PATTERN,
    TEMPLATE_NAME_PATTERN,
)
from slrbcall.i18n import _
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

__all__ = [
    "CallSpec",
    "OrganisationSpec",
    "RegistrySpec",
]


def _money(value: Any) -> int:
    """Cents from whole euro, or from a quoted amount in Belgian notation."""
    if isinstance(value, Decimal):
        raise ValueError(_unquoted_decimal(value))
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(_("write an amount in euro, e.g. 255000 or '255.000,00'"))
    try:
        cents = cents_from_decimal(value) if isinstance(value, int) else parse_amount(value)
    except AmountError as exc:
        raise ValueError(str(exc)) from exc
    if cents < 0:
        raise ValueError(_("an amount cannot be negative"))
    return cents


def _unquoted_decimal(value: Decimal) -> str:
    """Why an amount written as a YAML number with a point is refused, with the fix."""
    try:
        belgian = parse_amount(str(value))
    except AmountError:
        belgian = None
    if belgian is None:
        return _(
            "{value}: write whole euro, or an amount with cents in quotes, e.g. '255.000,50'"
        ).format(value=value)
    if belgian % 100:
        return _("{value}: write an amount with cents in quotes, e.g. '{amount}'").format(
            value=value, amount=_belgian(belgian)
        )
    return _(
        "{value} is ambiguous: YAML reads a point as decimals, a Belgian reader as "
        "thousands (€ {amount}); write whole euro, e.g. {euro}, or quote the amount, "
        "e.g. '{amount}'"
    ).format(value=value, amount=_belgian(belgian), euro=belgian // 100)


def _belgian(cents: int) -> str:
    """``60000000`` -> ``600.000,00``: the notation the intake and the CLI read."""
    euro, rest = divmod(cents, 100)
    return f"{euro:,}".replace(",", ".") + f",{rest:02d}"


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(_("write a number, e.g. 30 or 12.5"))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str) and re.fullmatch(r"\d+(?:\.\d+)?", value.strip()):
        return Decimal(value.strip())
    raise ValueError(_("write a number, e.g. 30 or 12.5"))


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
Key = Annotated[str, Field(pattern=KEY_PATTERN, max_length=64)]
Text = Annotated[str, Field(min_length=1), AfterValidator(str.strip)]
Month = Annotated[str, Field(pattern=MONTH_PATTERN)]
Percent = Annotated[
    str,
    Field(pattern=PERCENT_PATTERN),
    WithJsonSchema({"type": "string", "pattern": PERCENT_PATTERN}),
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


TemplateName = Annotated[str, Field(pattern=TEMPLATE_NAME_PATTERN)]


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


def _code(value: Any) -> Any:
    """Codes written without quotes arrive as integers; they are text."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Code = Annotated[str, BeforeValidator(_code)]


PostalCode = Annotated[Code, Field(pattern=POSTAL_CODE_PATTERN)]


class RepresentativeSpec(_Strict):
    name: Text
    function: LocalizedSpec


class DecisionSpec(_Strict):
    body: LocalizedSpec = Field(
        description="The competent body, as a sentence names it: 'le conseil "
        "d'administration de la SLRB' / 'de raad van bestuur van de BGHM'."
    )
    date: dt.date = Field(description="The day it decided to award the grants.")


class ImputationSpec(_Strict):
    basic_allocation: Annotated[Code, Field(min_length=1, max_length=40)] = Field(
        description="The basic allocation (allocation de base / basisallocatie) charged."
    )
    year: StrictInt = Field(ge=2000, le=2100, description="The budget year.")


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}", value):
        raise ValueError(
            _("not an e-mail address: '{text}' (write e.g. name@example.be)").format(text=value)
        )
    return value


Email = Annotated[str, AfterValidator(_email)]


class ContactSpec(_Strict):
    name: Text
    function: LocalizedSpec
    service: LocalizedSpec | None = Field(
        default=None, description="The department: 'Direction de l'Action sociale'."
    )
    address: LocalizedSpec | None = Field(
        default=None, description="Postal address on one line; default: the authority's."
    )
    phone: Text
    email: Email


class AppealSpec(_Strict):
    body: LocalizedSpec = Field(description="The instance: 'le Conseil d'État'.")
    address: LocalizedSpec = Field(description="Its address, on one line.")
    form: LocalizedSpec = Field(description="How an appeal is lodged, as a sentence ends.")
    days: StrictInt = Field(ge=1, le=365, description="Days allowed from the notification.")


class NotificationRuleSpec(_Strict):
    after: StrictInt = Field(
        ge=0, le=30, description="The appeal period starts this many days after sending."
    )
    unit: Literal["days", "working_days"] = "days"
    source: LocalizedSpec = Field(description="The rule's legal source, or who set it.")


class NotificationSpec(_Strict):
    email: NotificationRuleSpec | None = None
    registered: NotificationRuleSpec | None = None
    ebox: NotificationRuleSpec | None = None


class OmbudsmanSpec(_Strict):
    name: LocalizedSpec = Field(description="'le Médiateur bruxellois' / 'de Brusselse Ombudsman'.")
    address: LocalizedSpec
    phone: Text
    email: LocalizedSpec
    website: Text


class OpenDataSpec(_Strict):
    language: Lang = Field(
        description="The one language of the published dataset (nl or fr): the names "
        "of the funder, the recipients and the programme; the other language's name goes "
        "in an additional field."
    )


# -- the last mile: budget lines, co-financing, justification (issue 17) -----------------


class BudgetLineSpec(_Strict):
    key: Key
    label: LocalizedSpec
    cap: Money | Percent | None = Field(
        default=None,
        description="The most admitted on this line per project: euro, or a share of the "
        "award such as '10%'.",
    )
    max_share_of_direct: Percent | None = Field(
        default=None,
        description="An indirect line (overheads): at most this share of the admitted direct "
        "costs, e.g. '10%'.",
    )


class CoFinancingSpec(_Strict):
    key: Key
    label: LocalizedSpec


class JustificationSpec(_Strict):
    from_: Anchor = Field(default=Anchor.END, alias="from")
    months: StrictInt = Field(default=3, ge=0, le=240)
    recovery_days: StrictInt = Field(
        default=30, ge=1, le=365, description="Days after the settlement a recovery is due."
    )


class CallSpec(_Strict):
    """A call for projects (calls/<id>.yaml)."""

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
    title_in_context: LocalizedSpec | None = Field(
        default=None,
        description="The title as it follows 'dans le cadre' / 'in het kader', with its "
        'preposition and article: "de l\'appel à projets Empowerment 2023".',
    )
    authority_representative: RepresentativeSpec | None = Field(
        default=None, description="Who signs the conventions and letters for the authority."
    )
    decision: DecisionSpec | None = None
    imputation: ImputationSpec | None = None
    contact: ContactSpec | None = Field(
        default=None, description="The contact person the decision letters name."
    )
    appeal: AppealSpec | None = None
    notification: NotificationSpec | None = Field(
        default=None,
        description="When a notification counts, per channel (email, registered, ebox).",
    )
    ombudsman: OmbudsmanSpec | None = None
    subsidy_rules: LocalizedSpec | None = Field(
        default=None,
        description="The provisions on the use, justification, control and repayment "
        "of grants, as a sentence names them.",
    )
    beneficiary: Literal["housing_company", "partner"] = Field(
        default="housing_company", description="Who receives the grant, on its IBAN."
    )
    open_data: OpenDataSpec | None = Field(
        default=None, description="How the call's grants are published as open data."
    )
    budget_lines: list[BudgetLineSpec] = Field(
        default=[], description="The lines a project's expenses are justified under."
    )
    co_financing: list[CoFinancingSpec] = Field(
        default=[], description="Where the part of an expense not claimed may come from."
    )
    justification: JustificationSpec = JustificationSpec()
    illustrative: list[str] = Field(
        default=[], description="Top-level keys whose values no public source gives."
    )


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
    nis_code: Annotated[Code, Field(pattern=NIS_CODE_PATTERN)] | None = None
    iban: Text | None = None
    representatives: list[RepresentativeSpec] = []


class RegistrySpec(_Strict):
    """The organisations registry (``calls/organisations.yaml``)."""

    organisations: list[OrganisationSpec] = Field(min_length=1)
    illustrative: StrictBool = Field(
        default=False,
        description="Example data, not facts: every document rendered with it says so.",
    )
