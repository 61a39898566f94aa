"""The justification of a funded project's expenses, and the officer's review of it. Pure.

A project justifies the grant by its expenses: one per invoice, under a budget line of
the call, with the share of it claimed from the grant (the rest is co-financed). An
invoice is its supplier and its number, compared in a folded form
(:func:`invoice_identity`): **an invoice is claimed once, by one project**.

:func:`plan_expenses` judges the rows of a justification workbook against the funded
projects and what is stored, every problem at its cell:

* refused: a project that is not funded, or already settled; an invoice claimed twice
  in the file, by two projects, or already claimed by another project; an invoice dated
  outside the project's period, or paid before its start, after its justification
  deadline or after today; a claim above the invoice's amount; an attachment that
  changed since it was taken in;
* the same row again changes nothing; a row that changes a stored expense becomes its
  next version (the earlier one is kept), to be reviewed again.

:func:`plan_reviews` judges the officer's review of the expenses in force: each one
admitted (all of the claim), partly admitted (less than the claim, more than zero) or
rejected, always with a reason code of :data:`REASONS`, whose sentence exists in Dutch,
French and English.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from slrbcall.calls.check import did_you_mean
from slrbcall.documents.l10n import month_offset
from slrbcall.errors import NOWHERE, Problem
from slrbcall.followup.model import Project
from slrbcall.money import format_eur
from slrbcall.sheets import fold

if TYPE_CHECKING:
    from slrbcall.model import Call

__all__ = [
    "REASONS",
    "Decision",
    "Expense",
    "ExpensePlan",
    "Review",
    "ReviewPlan",
    "ReviewRow",
    "invoice_identity",
    "justification_due",
    "plan_expenses",
    "plan_reviews",
    "reason_sentence",
]


class Decision(StrEnum):
    """What the officer decides of one expense."""

    ADMITTED = "admitted"  # all of the claim
    PARTLY_ADMITTED = "partly_admitted"  # less than the claim, more than nothing
    REJECTED = "rejected"  # nothing


#: The reasons of a review, by code: one sentence each in nl, fr (and en, for the
#: officer's workbook). ``justified`` goes with an admitted expense, every other code
#: with one partly admitted or rejected; ``other`` needs a comment that says it.
REASONS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "justified": {
            "nl": "De uitgave is verantwoord en subsidiabel.",
            "fr": "La dépense est justifiée et éligible.",
            "en": "The expense is justified and eligible.",
        },
        "partly_eligible": {
            "nl": "Slechts een deel van de uitgave is subsidiabel.",
            "fr": "Une partie seulement de la dépense est éligible.",
            "en": "Only part of the expense is eligible.",
        },
        "not_project_related": {
            "nl": "De uitgave dient niet het voorwerp van het project.",
            "fr": "La dépense ne sert pas l'objet du projet.",
            "en": "The expense does not serve the project's purpose.",
        },
        "ineligible_cost": {
            "nl": "Dit soort uitgave is volgens de regels van de oproep niet subsidiabel.",
            "fr": "Ce type de dépense n'est pas éligible selon les règles de l'appel.",
            "en": "This kind of expense is not eligible under the call's rules.",
        },
        "voucher_missing": {
            "nl": "Het bewijsstuk ontbreekt of is onleesbaar.",
            "fr": "La pièce justificative manque ou est illisible.",
            "en": "The supporting document is missing or unreadable.",
        },
        "payment_not_proven": {
            "nl": "De betaling van de uitgave is niet bewezen.",
            "fr": "Le paiement de la dépense n'est pas prouvé.",
            "en": "The payment of the expense is not proven.",
        },
        "vat_recoverable": {
            "nl": "De btw is door de begunstigde terugvorderbaar en dus niet subsidiabel.",
            "fr": "La TVA est récupérable par le bénéficiaire et n'est donc pas éligible.",
            "en": "The VAT is recoverable by the beneficiary, so it is not eligible.",
        },
        "funded_elsewhere": {
            "nl": "De uitgave wordt al door een andere subsidie gedekt.",
            "fr": "La dépense est déjà couverte par un autre subside.",
            "en": "The expense is already covered by another grant.",
        },
        "other": {
            "nl": "Andere reden (zie de opmerking).",
            "fr": "Autre motif (voir la remarque).",
            "en": "Another reason (see the comment).",
        },
    }
)
_ADMITTED_REASON = "justified"
_NEEDS_COMMENT = "other"


def reason_sentence(code: str, lang: str) -> str:
    """The sentence of reason ``code`` in ``lang`` (nl, fr or en)."""
    return REASONS[code][lang]


def invoice_identity(supplier: str, invoice_number: str) -> tuple[str, str]:
    """The folded supplier and invoice number an invoice is known by: case, accents,
    punctuation and spaces do not make another invoice of the supplier's name, nor case
    and spaces of its number (``'F-2024/017'`` and ``'f-2024/017 '`` are one)."""
    return fold(supplier) or supplier.strip(), " ".join(invoice_number.casefold().split())


def justification_due(call: Call, project: Project) -> dt.date | None:
    """The day the project's expenses are due: ``months`` after its start or its end
    (the call's ``justification``); ``None`` without a start date."""
    terms = call.justification
    anchor = project.start if terms.anchor.value == "start" else project.end
    return None if anchor is None else month_offset(anchor, terms.months)


@dataclass(frozen=True, slots=True)
class Expense:
    """One invoice claimed by a project (``version`` 1, 2, ... as it changed).

    ``claimed_cents`` is the share of ``amount_cents`` claimed from the grant; the rest is
    co-financed (``cofinanced_by``, a source of the call, when given). ``attachment`` is
    a file name in the folder beside the workbook, and ``attachment_sha256`` its hash.
    ``places`` holds where each field was read (problems without a message), for
    messages at the right cell.
    """

    reference: str
    budget_line: str
    supplier: str
    invoice_number: str
    invoice_date: dt.date
    paid_on: dt.date
    amount_cents: int
    claimed_cents: int
    cofinanced_by: str | None = None
    attachment: str | None = None
    attachment_sha256: str | None = None
    note: str | None = None
    version: int = 1
    place: Problem = NOWHERE
    places: Mapping[str, Problem] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def identity(self) -> tuple[str, str]:
        return invoice_identity(self.supplier, self.invoice_number)

    @property
    def where(self) -> str:
        return self.place.where

    def at(self, key: str) -> Problem:
        """Where field ``key`` was read, else the row."""
        return self.places.get(key, self.place)

    def content(self) -> tuple[object, ...]:
        """What the expense says, to tell a row taken in again from a changed one."""
        return (
            self.reference,
            self.budget_line,
            self.supplier,
            self.invoice_number,
            self.invoice_date,
            self.paid_on,
            self.amount_cents,
            self.claimed_cents,
            self.cofinanced_by,
            self.attachment,
            self.attachment_sha256,
            self.note,
        )

    def named(self) -> str:
        return f"invoice '{self.invoice_number}' of '{self.supplier}'"


@dataclass(frozen=True, slots=True)
class ExpensePlan:
    """What taking in the rows would do: the new expenses, the new versions of stored
    ones (with the version each replaces), how many rows are stored as they are, and
    the problems (nothing may be stored while there is one)."""

    added: tuple[Expense, ...]
    changed: tuple[tuple[Expense, Expense], ...]
    unchanged: int
    problems: tuple[Problem, ...]


def plan_expenses(
    call: Call,
    projects: Iterable[Project],
    rows: Sequence[Expense],
    *,
    stored: Iterable[Expense],
    settled: Mapping[str, dt.date],
    today: dt.date,
) -> ExpensePlan:
    """Judge ``rows`` (read from one workbook) against the funded ``projects``, the
    expenses ``stored`` (in force) and the projects ``settled`` (reference -> date), by
    the rules of the module docstring. Rows are judged in order; a row that repeats an
    invoice of an earlier row is refused, naming that row."""

    funded = {p.reference: p for p in projects}
    known = {e.identity: e for e in stored}
    seen: dict[tuple[str, str], Expense] = {}
    added: list[Expense] = []
    changed: list[tuple[Expense, Expense]] = []
    unchanged = 0
    problems: list[Problem] = []
    for row in rows:
        found = _row_problems(call, funded, row, settled=settled, today=today)
        identity = row.identity
        earlier = seen.get(identity)
        if earlier is not None:
            who = (
                "again"
                if earlier.reference == row.reference
                else f"by {earlier.reference} and by {row.reference}"
            )
            found.append(
                row.at("invoice_number").saying(
                    f"{row.named()} is claimed {who} (also on {_row_of(earlier)}): an invoice "
                    "is claimed once, by one project"
                )
            )
        else:
            seen[identity] = row
        before = known.get(identity)
        if before is not None and before.reference != row.reference:
            found.append(
                row.at("reference").saying(
                    f"{row.named()} is already claimed by {before.reference} "
                    f"({before.where}): an invoice is claimed once, by one project"
                )
            )
        elif (
            before is not None
            and row.attachment is not None
            and row.attachment == before.attachment
            and row.attachment_sha256 != before.attachment_sha256
        ):
            found.append(
                row.at("attachment").saying(
                    f"'{row.attachment}' changed since it was taken in (its SHA-256 was "
                    f"{before.attachment_sha256}): a voucher is kept as it was; name the new "
                    "file differently"
                )
            )
        if found:
            problems.extend(found)
            continue
        if before is None:
            added.append(row)
        elif before.content() == row.content():
            unchanged += 1
        else:
            changed.append((before, _next_version(row, before)))
    return ExpensePlan(tuple(added), tuple(changed), unchanged, tuple(problems))


def _next_version(row: Expense, before: Expense) -> Expense:
    return replace(row, version=before.version + 1)


def _row_of(expense: Expense) -> str:
    return f"row {expense.place.row}" if expense.place.row else expense.where


def _row_problems(
    call: Call,
    funded: Mapping[str, Project],
    row: Expense,
    *,
    settled: Mapping[str, dt.date],
    today: dt.date,
) -> list[Problem]:
    project = funded.get(row.reference)
    if project is None:
        return [
            row.at("reference").saying(
                f"'{row.reference}' is not a funded project of {call.id} (the funded projects "
                f"are {', '.join(funded) or 'none'})"
            )
        ]
    if row.reference in settled:
        return [
            row.at("reference").saying(
                f"{row.reference} was settled on {settled[row.reference]}: a settled project "
                "takes no more expenses"
            )
        ]
    found = []
    if call.budget_line(row.budget_line) is None:
        keys = [b.key for b in call.budget_lines]
        found.append(
            row.at("budget_line").saying(
                f"'{row.budget_line}' is not a budget line of {call.id}"
                f"{did_you_mean(row.budget_line, keys)} (the lines are {', '.join(keys)})"
            )
        )
    if row.cofinanced_by is not None and row.cofinanced_by not in {
        c.key for c in call.co_financing
    }:
        keys = [c.key for c in call.co_financing]
        found.append(
            row.at("cofinanced_by").saying(
                f"'{row.cofinanced_by}' is not a co-financing source of {call.id} "
                f"(the sources are {', '.join(keys) or 'none'})"
            )
        )
    if row.amount_cents <= 0:
        found.append(row.at("amount").saying("an invoice's amount is above zero"))
    if row.claimed_cents <= 0 < row.amount_cents:
        found.append(row.at("claimed").saying("the share claimed is above zero"))
    elif row.claimed_cents > row.amount_cents:
        found.append(
            row.at("claimed").saying(
                f"{format_eur(row.claimed_cents)} claimed is more than the invoice's "
                f"{format_eur(row.amount_cents)}"
            )
        )
    found += _date_problems(call, project, row, today=today)
    return found


def _date_problems(call: Call, project: Project, row: Expense, *, today: dt.date) -> list[Problem]:
    """An invoice dated outside the project's period, or paid before its start, after its
    justification deadline or after today."""
    start, end = project.start, project.end
    if start is None or end is None:
        return [
            row.at("reference").saying(
                f"{row.reference} has no start date, so its period is not known"
            )
        ]
    found = []
    if not start <= row.invoice_date <= end:
        found.append(
            row.at("invoice_date").saying(
                f"the invoice date {row.invoice_date} is outside the project's period "
                f"({start} to {end})"
            )
        )
    due = justification_due(call, project)
    assert due is not None  # the project has a start
    if row.paid_on < start:
        found.append(
            row.at("paid_on").saying(
                f"the payment date {row.paid_on} is before the project's start ({start})"
            )
        )
    elif row.paid_on > due:
        found.append(
            row.at("paid_on").saying(
                f"the payment date {row.paid_on} is after the justification deadline ({due})"
            )
        )
    elif row.paid_on > today:
        found.append(
            row.at("paid_on").saying(f"the payment date {row.paid_on} is after today ({today})")
        )
    return found


# -- the review ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Review:
    """The officer's decision on an invoice's version in force (``number`` counts the
    reviews of the invoice)."""

    reference: str
    identity: tuple[str, str]
    version: int
    decision: Decision
    admitted_cents: int
    reason: str
    comment: str | None = None
    number: int = 0
    place: Problem = NOWHERE

    def content(self) -> tuple[object, ...]:
        return (self.decision, self.admitted_cents, self.reason, self.comment)


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One row of a review workbook as read: the expense it names (project, supplier,
    invoice number, and the claim it was written with) and the decision.
    ``admitted_cents`` is ``None`` when left empty."""

    reference: str
    supplier: str
    invoice_number: str
    claimed_cents: int
    decision: Decision
    admitted_cents: int | None
    reason: str
    comment: str | None
    place: Problem = NOWHERE
    places: Mapping[str, Problem] = field(default_factory=lambda: MappingProxyType({}))

    def at(self, key: str) -> Problem:
        return self.places.get(key, self.place)


@dataclass(frozen=True, slots=True)
class ReviewPlan:
    """What taking in a review workbook would do: the new reviews (a first review, or a
    changed decision, with the review it follows), how many rows change nothing, and the
    problems."""

    added: tuple[tuple[Review | None, Review], ...]
    unchanged: int
    problems: tuple[Problem, ...]


def plan_reviews(
    rows: Sequence[ReviewRow],
    *,
    expenses: Iterable[Expense],
    reviews: Iterable[Review],
    settled: Mapping[str, dt.date],
) -> ReviewPlan:
    """Judge the review ``rows`` against the expenses in force, their reviews in force and
    the settled projects. Refused: an expense that is not claimed (or not by that
    project), whose claim changed since the workbook was written, of a settled project,
    reviewed twice in the file; an admitted amount above the claim, or not matching the
    decision; a reason that is not one of :data:`REASONS` or does not go with the
    decision; ``other`` without a comment."""

    in_force = {e.identity: e for e in expenses}
    current = {r.identity: r for r in reviews}
    seen: dict[tuple[str, str], ReviewRow] = {}
    added: list[tuple[Review | None, Review]] = []
    unchanged = 0
    problems: list[Problem] = []
    for row in rows:
        identity = invoice_identity(row.supplier, row.invoice_number)
        expense = in_force.get(identity)
        named = f"invoice '{row.invoice_number}' of '{row.supplier}'"
        found: list[Problem] = []
        if expense is None or expense.reference != row.reference:
            found.append(
                row.at("invoice_number").saying(
                    f"{row.reference} claims no {named}: review the expenses of a review "
                    "workbook ('slrbcall justification review -o FILE')"
                )
            )
        elif row.reference in settled:
            found.append(
                row.at("reference").saying(
                    f"{row.reference} was settled on {settled[row.reference]}: its expenses "
                    "are reviewed no more"
                )
            )
        elif row.claimed_cents != expense.claimed_cents:
            found.append(
                row.at("claimed").saying(
                    f"{named} now claims {format_eur(expense.claimed_cents)}, not "
                    f"{format_eur(row.claimed_cents)}: it changed since this workbook was "
                    "written; write a new one"
                )
            )
        if identity in seen:
            found.append(
                row.at("invoice_number").saying(
                    f"{named} is reviewed twice (also on {_review_row(seen[identity])})"
                )
            )
        seen.setdefault(identity, row)
        admitted, more = _admitted(row, expense)
        found += more
        if found or expense is None:
            problems.extend(found)
            continue
        review = Review(
            reference=row.reference,
            identity=identity,
            version=expense.version,
            decision=row.decision,
            admitted_cents=admitted,
            reason=row.reason,
            comment=row.comment,
            place=row.place,
        )
        before = current.get(identity)
        if before is not None and before.version == expense.version:
            if before.content() == review.content():
                unchanged += 1
                continue
            added.append((before, review))
        else:
            added.append((None, review))
    return ReviewPlan(tuple(added), unchanged, tuple(problems))


def _review_row(row: ReviewRow) -> str:
    return f"row {row.place.row}" if row.place.row else row.place.where


def _admitted(row: ReviewRow, expense: Expense | None) -> tuple[int, list[Problem]]:
    """The amount admitted by ``row`` and the problems of its decision and reason."""
    found: list[Problem] = []
    claimed = expense.claimed_cents if expense is not None else row.claimed_cents
    if row.reason not in REASONS:
        found.append(
            row.at("reason").saying(
                f"'{row.reason}' is not a reason code{did_you_mean(row.reason, list(REASONS))} "
                f"(the codes are {', '.join(REASONS)})"
            )
        )
    elif (row.reason == _ADMITTED_REASON) != (row.decision is Decision.ADMITTED):
        found.append(
            row.at("reason").saying(
                f"'{_ADMITTED_REASON}' goes with an admitted expense, and only there: "
                f"give another reason for one {row.decision.value.replace('_', ' ')}"
                if row.decision is not Decision.ADMITTED
                else f"an admitted expense has the reason '{_ADMITTED_REASON}', not '{row.reason}'"
            )
        )
    elif row.reason == _NEEDS_COMMENT and not row.comment:
        found.append(row.at("comment").saying("the reason 'other' needs a comment that says it"))
    value = row.admitted_cents
    if row.decision is Decision.ADMITTED:
        if value is not None and value != claimed:
            found.append(
                row.at("admitted").saying(
                    f"an admitted expense admits all of the {format_eur(claimed)} claimed, not "
                    f"{format_eur(value)}: mark it partly admitted"
                )
            )
        return claimed, found
    if row.decision is Decision.REJECTED:
        if value:
            found.append(
                row.at("admitted").saying(
                    f"a rejected expense admits nothing, not {format_eur(value)}: leave it "
                    "empty, or mark it partly admitted"
                )
            )
        return 0, found
    if value is None or value == 0:
        found.append(
            row.at("admitted").saying(
                "a partly admitted expense needs the amount admitted (more than zero)"
            )
        )
        return 0, found
    if value >= claimed:
        found.append(
            row.at("admitted").saying(
                f"{format_eur(value)} is not part of the {format_eur(claimed)} claimed: a "
                "partly admitted expense admits less than its claim (all of it: admitted)"
            )
        )
    return value, found
