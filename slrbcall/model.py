"""Plain, frozen domain values. No I/O, no validation library: the boundary
(:mod:`slrbcall.calls.definition`, :mod:`slrbcall.intake.reading`) builds these from
checked input."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from slrbcall.i18n import N_, _

__all__ = [
    "Address",
    "Aggregation",
    "AllocationDefaults",
    "Anchor",
    "AppealRoute",
    "Application",
    "ApplicationStatus",
    "Budget",
    "BudgetImputation",
    "BudgetLine",
    "Call",
    "Channel",
    "CoFinancingSource",
    "CommitteeMember",
    "Contact",
    "Criterion",
    "Decision",
    "DocumentTemplates",
    "DurationRule",
    "Eligibility",
    "JustificationTerms",
    "Lang",
    "Localized",
    "Milestone",
    "NotificationRule",
    "Ombudsman",
    "OrgKind",
    "Organisation",
    "PartialPolicy",
    "Policy",
    "ProjectDeadline",
    "Reason",
    "Representative",
    "ReserveTerms",
    "Signatory",
    "SignatoryRole",
    "Theme",
    "ThemeCap",
    "Tranche",
    "TrancheCondition",
    "canonical_reference",
]


class Lang(StrEnum):
    """The two official languages of the Brussels region."""

    NL = "nl"
    FR = "fr"


@dataclass(frozen=True, slots=True)
class Localized:
    """A text in Dutch and in French."""

    nl: str
    fr: str

    def __getitem__(self, lang: Lang | str) -> str:
        return self.nl if Lang(lang) is Lang.NL else self.fr


class OrgKind(StrEnum):
    AUTHORITY = "authority"
    HOUSING_COMPANY = "housing_company"
    NON_PROFIT = "non_profit"
    COMMUNE = "commune"


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address in Belgium, its street and town named in both languages.

    In Brussels a street has a French and a Dutch name (Rue Jourdan / Jourdanstraat),
    and so has the town (Saint-Gilles / Sint-Gillis); the number follows the street
    in both, as Belgian addresses write it.
    """

    street: Localized
    number: str
    postal_code: str
    town: Localized
    box: str | None = None

    def lines(self, lang: Lang | str) -> tuple[str, str]:
        """The two lines of the address in ``lang``: street and number, postcode and town."""
        box = ""
        if self.box:
            box = f" {'bus' if Lang(lang) is Lang.NL else 'bte'} {self.box}"
        return (f"{self.street[lang]} {self.number}{box}", f"{self.postal_code} {self.town[lang]}")

    def text(self, lang: Lang | str) -> str:
        """The address on one line in ``lang``: ``Rue Jourdan 45-55, 1060 Saint-Gilles``."""
        return ", ".join(self.lines(lang))


@dataclass(frozen=True, slots=True)
class Representative:
    """A person who signs for an organisation, with their function in both languages."""

    name: str
    function: Localized


@dataclass(frozen=True, slots=True)
class Organisation:
    """An organisation of the registry (or a partner named in an application).

    ``enterprise_number`` is the BCE/KBO number in the form ``0123.456.789``, and
    ``iban`` the account in its compact form, or ``None`` while it is not known: a real
    organisation's number or account is never invented. ``representatives`` sign for
    it, the first one by default.
    """

    key: str
    kind: OrgKind
    name: Localized
    short_names: tuple[str, ...] = ()
    languages: tuple[Lang, ...] = (Lang.FR, Lang.NL)
    communes: tuple[str, ...] = ()
    enterprise_number: str | None = None
    legal_form: Localized | None = None
    address: Address | None = None
    postal_code: str | None = None
    nis_code: str | None = None
    iban: str | None = None
    representatives: tuple[Representative, ...] = ()

    def display_name(self, lang: Lang | str = Lang.FR) -> str:
        return self.name[lang]


class DurationRule(StrEnum):
    EQUAL = "equal"  # an application's duration must equal the call's
    FREE = "free"  # any duration up to the call's


class Aggregation(StrEnum):
    MEAN = "mean"
    MEDIAN = "median"


class Policy(StrEnum):
    GREEDY = "greedy"
    STRICT = "strict"
    MAX_SCORE = "max-score"


class PartialPolicy(StrEnum):
    OFF = "off"
    REMAINDER = "remainder"


class Anchor(StrEnum):
    """What a project deadline is counted from."""

    START = "start"
    END = "end"


class TrancheCondition(StrEnum):
    SIGNATURE = "signature"
    INTERIM_REPORT = "interim_report"
    YEARLY_REPORT = "yearly_report"
    FINAL_REPORT = "final_report"


class SignatoryRole(StrEnum):
    AUTHORITY = "authority"
    HOUSING_COMPANY = "housing_company"
    PARTNER = "partner"
    COMMUNE = "commune"


@dataclass(frozen=True, slots=True)
class Theme:
    key: str
    label: Localized


@dataclass(frozen=True, slots=True)
class Eligibility:
    applicant_kinds: tuple[OrgKind, ...]
    partner_required: bool
    max_applications_per_applicant: int | None
    duration: DurationRule


@dataclass(frozen=True, slots=True)
class Criterion:
    key: str
    label: Localized
    weight: Decimal
    max_mark: int


@dataclass(frozen=True, slots=True)
class CommitteeMember:
    key: str
    name: str
    links: tuple[str, ...] = ()  # organisation keys the member declared a link with


@dataclass(frozen=True, slots=True)
class ThemeCap:
    """At most ``amount_cents`` or ``percent`` of the budget for one theme."""

    theme: str
    amount_cents: int | None = None
    percent: Decimal | None = None


@dataclass(frozen=True, slots=True)
class AllocationDefaults:
    policy: Policy = Policy.GREEDY
    partial: PartialPolicy = PartialPolicy.OFF
    partial_min_share: Decimal = Decimal(0)
    min_score: Decimal | None = None
    org_cap: int | None = None
    theme_caps: tuple[ThemeCap, ...] = ()
    theme_guarantee: bool = False
    tie_break: tuple[str, ...] = ("id",)


@dataclass(frozen=True, slots=True)
class ReserveTerms:
    """The call's reserve list: how released money goes to it, and until when.

    The list itself (the eligible, unfunded applications in the order of the adopted
    ranking) is frozen when a decision is adopted; these are its terms.
    """

    policy: Policy = Policy.GREEDY
    partial: PartialPolicy = PartialPolicy.OFF
    valid_until: dt.date | None = None  # None: valid as long as the decision


@dataclass(frozen=True, slots=True)
class Milestone:
    """A fixed step of the call: a day, or a whole month when only that is known."""

    key: str
    label: Localized
    date: dt.date | None = None
    month: str | None = None  # "YYYY-MM"


@dataclass(frozen=True, slots=True)
class ProjectDeadline:
    """A due date of each funded project, ``months`` after its start or end."""

    key: str
    label: Localized
    anchor: Anchor
    months: int
    every_months: int | None = None  # repeats (e.g. a yearly report) until the end


@dataclass(frozen=True, slots=True)
class Tranche:
    number: int
    percent: Decimal
    condition: TrancheCondition
    label: Localized
    month: int | None = None  # payable from this month after the start, when set


@dataclass(frozen=True, slots=True)
class Signatory:
    role: SignatoryRole
    min: int = 1
    max: int = 1


@dataclass(frozen=True, slots=True)
class DocumentTemplates:
    convention: Localized
    letter_award: Localized
    letter_refusal: Localized
    letter_reserve: Localized = Localized(nl="letter-reserve.nl.docx", fr="letter-reserve.fr.docx")


# -- the last mile: budget lines, co-financing, justification --------------------------


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """A budget line of the call (personnel, activities, overheads, ...): what a
    project's expenses are claimed under, and the rules that cap what is admitted on it.

    ``cap_cents`` or ``cap_percent`` (of the project's award) caps the line, when set;
    ``max_share_of_direct`` (a percent) makes it an indirect line, at most that share of
    the admitted direct costs (the lines without it).
    """

    key: str
    label: Localized
    cap_cents: int | None = None
    cap_percent: Decimal | None = None
    max_share_of_direct: Decimal | None = None

    @property
    def direct(self) -> bool:
        return self.max_share_of_direct is None


@dataclass(frozen=True, slots=True)
class Budget:
    """An application's planned budget: the project's cost on each budget line of its
    call and its co-financing by source, in cents, each in the call's order.

    The grant it asks for is the cost less the co-financing (a balanced budget, as a
    Brussels grant form has it: the expenses equal the grant and the other sources).
    Invariants, held by the intake: every key is one of the call's, every amount is 0
    or more, and ``grant_cents`` equals the application's requested amount.
    """

    lines: tuple[tuple[str, int], ...]
    co_financing: tuple[tuple[str, int], ...] = ()

    @property
    def total_cents(self) -> int:
        """The project's planned cost: the sum of its lines."""
        return sum(cents for _key, cents in self.lines)

    @property
    def co_financing_cents(self) -> int:
        return sum(cents for _key, cents in self.co_financing)

    @property
    def grant_cents(self) -> int:
        """What the budget asks of the grant: the cost less the co-financing."""
        return self.total_cents - self.co_financing_cents

    def line(self, key: str) -> int:
        """The amount planned on line ``key`` (0 when the budget does not name it)."""
        return next((cents for k, cents in self.lines if k == key), 0)


@dataclass(frozen=True, slots=True)
class CoFinancingSource:
    """Where the part of an expense not claimed from the grant comes from."""

    key: str
    label: Localized


@dataclass(frozen=True, slots=True)
class JustificationTerms:
    """When a project's expenses must be justified (``months`` after its start or end),
    and how many days a recovery is due after the settlement."""

    anchor: Anchor = Anchor.END
    months: int = 3
    recovery_days: int = 30


@dataclass(frozen=True, slots=True)
class Decision:
    """The act that awards the grants: the competent body and the day it decided."""

    body: Localized
    date: dt.date


@dataclass(frozen=True, slots=True)
class BudgetImputation:
    """Where the grants are charged: the basic allocation (allocation de base /
    basisallocatie) of the authority's budget, and the budget year."""

    basic_allocation: str
    year: int


@dataclass(frozen=True, slots=True)
class Contact:
    """The person the decision letters name for questions.

    ``address`` is the postal address in both languages; ``None`` means the
    authority's own address, from the registry.
    """

    name: str
    function: Localized
    phone: str
    email: str
    service: Localized | None = None
    address: Localized | None = None


@dataclass(frozen=True, slots=True)
class AppealRoute:
    """The appeal against a decision: the instance, its address, the form and the
    time allowed (days from the notification)."""

    body: Localized
    address: Localized
    form: Localized
    days: int


class Channel(StrEnum):
    """How a decision is notified."""

    EMAIL = "email"
    REGISTERED = "registered"
    EBOX = "ebox"


@dataclass(frozen=True, slots=True)
class NotificationRule:
    """When a notification sent by ``channel`` counts: the appeal period's first day
    is ``after`` days (working days when ``working_days``) after the day it was sent.

    The rule and its legal ``source`` are the call's data, never the code's guess.
    """

    channel: Channel
    after: int
    working_days: bool
    source: Localized


@dataclass(frozen=True, slots=True)
class Ombudsman:
    """The ombudsman a decision letter tells the addressee they may turn to."""

    name: Localized
    address: Localized
    phone: str
    email: Localized
    website: str


@dataclass(frozen=True, slots=True)
class Call:
    """A call for projects, as validated from its YAML definition.

    The keys after ``reserve`` are what the documents print about the call itself:
    the title as it reads inside a sentence, who signs for the authority, the
    decision, the budget imputation, the contact person, the appeal route, when a
    notification counts (per channel), the ombudsman, the subsidy rules the
    conventions apply, and who receives the grant. ``None`` (or empty) while the
    call file does not give them: the documents then say what is missing.
    """

    id: str
    title: Localized
    authority: str
    budget_cents: int
    grant_min_cents: int
    grant_max_cents: int
    granularity_cents: int
    duration_months: int
    themes: tuple[Theme, ...]
    eligibility: Eligibility
    criteria: tuple[Criterion, ...]
    aggregation: Aggregation
    disagreement_threshold: Decimal | None
    committee: tuple[CommitteeMember, ...]
    allocation: AllocationDefaults
    milestones: tuple[Milestone, ...]
    deadlines: tuple[ProjectDeadline, ...]
    tranches: tuple[Tranche, ...]
    signatories: tuple[Signatory, ...]
    legal_bases: tuple[Localized, ...]
    documents: DocumentTemplates
    description: Localized | None = None
    target_public: Localized | None = None
    required_fields: tuple[str, ...] = ()
    illustrative: tuple[str, ...] = ()
    reserve: ReserveTerms | None = None  # None: the call keeps no reserve list
    title_in_context: Localized | None = None
    authority_representative: Representative | None = None
    decision: Decision | None = None
    imputation: BudgetImputation | None = None
    contact: Contact | None = None
    appeal: AppealRoute | None = None
    notification: tuple[NotificationRule, ...] = ()
    ombudsman: Ombudsman | None = None
    subsidy_rules: Localized | None = None
    beneficiary: SignatoryRole = SignatoryRole.HOUSING_COMPANY
    #: The language of the call's open data (360Giving), if the call sets one.
    open_data_language: Lang | None = None
    budget_lines: tuple[BudgetLine, ...] = ()  # none: expenses cannot be justified
    co_financing: tuple[CoFinancingSource, ...] = ()
    justification: JustificationTerms = JustificationTerms()
    #: In a team's workspace, payments above this need a second person's approval.
    payment_approval_above_cents: int | None = None
    source_sha256: str = field(default="", compare=False)

    def theme(self, key: str) -> Theme | None:
        return next((t for t in self.themes if t.key == key), None)

    def notification_rule(self, channel: Channel) -> NotificationRule | None:
        return next((r for r in self.notification if r.channel is channel), None)

    def budget_line(self, key: str) -> BudgetLine | None:
        return next((b for b in self.budget_lines if b.key == key), None)


class ApplicationStatus(StrEnum):
    """Where an application stands after intake (allocation adds decisions later)."""

    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"

    @property
    def label(self) -> str:
        """The status as the officer reads it (in English, the status itself)."""
        return _(_STATUS_LABELS[self])


_STATUS_LABELS = {
    ApplicationStatus.ELIGIBLE: N_("eligible"),
    ApplicationStatus.INELIGIBLE: N_("ineligible"),
}


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an application is ineligible: a stable code and a sentence with the numbers."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Application:
    """One project proposal, normalised from a spreadsheet row.

    ``applicant`` is the registry key of the housing company, or ``None`` when the
    name matched no organisation (then the application is ineligible);
    ``applicant_name`` is the name as written. ``theme`` is a theme key of the call,
    or ``None`` when ``theme_text`` named no theme. Money is in cents.

    The partner is named in the application, with what its convention prints as
    written there: enterprise number, address (one line), IBAN (compact) and who
    represents it. ``second_housing_company`` and ``commune`` are registry keys, for
    the calls whose conventions a second housing company or a commune signs.
    ``received_date`` is the day the application reached the authority.
    """

    reference: str
    applicant: str | None
    applicant_name: str
    title: str
    requested_cents: int
    language: Lang
    partner: str | None = None
    partner_enterprise_number: str | None = None
    theme: str | None = None
    theme_text: str | None = None
    duration_months: int | None = None
    start_date: dt.date | None = None
    residents_targeted: int | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    summary: str | None = None
    partner_address: str | None = None
    partner_iban: str | None = None
    partner_representative: str | None = None
    received_date: dt.date | None = None
    second_housing_company: str | None = None
    commune: str | None = None
    status: ApplicationStatus = ApplicationStatus.ELIGIBLE
    reasons: tuple[Reason, ...] = ()
    source_row: int = 0


#: Characters that print as nothing, beside the format characters (category Cf): the
#: combining grapheme joiner, Hangul fillers, Khmer and Mongolian invisible vowels and
#: separators, and the variation selectors (Unicode's Default_Ignorable_Code_Point).
_IGNORABLE = frozenset(
    [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0, *range(0x180B, 0x1810)]
) | frozenset([*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])


def canonical_reference(text: str) -> str:
    """A reference (or another identifier) as it is compared and stored: NFKC, without
    the characters that print as nothing, trimmed.

    Two references that print the same are one: ``EMP23-01`` with a zero-width space, a
    soft hyphen or in full-width digits (``ＥＭＰ２３-０１``) is ``EMP23-01``.
    """
    if text.isascii():  # the usual case, checked in C
        return text.strip()
    folded = unicodedata.normalize("NFKC", text)
    return "".join(
        char
        for char in folded
        if ord(char) not in _IGNORABLE and unicodedata.category(char) != "Cf"
    ).strip()
