"""Use cases of the justification: the workbook a project fills in with its expenses,
taking it in (``slrbcall justify``), the officer's review workbook and taking it back
(``slrbcall justification review`` and ``decide``), and what is claimed and admitted.

The rules are :mod:`slrbcall.followup.justification`; the workbooks are read by
:mod:`slrbcall.followup.justification_sheets`; attachments are checked here, in the
folder beside the workbook: a file named must be there, and its SHA-256, when the
workbook gives one, must be the file's. Every write is one transaction, audited with the
file and its hash; a file with a problem stores nothing (exit 3).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from slrbcall.calls.definition import LoadedCall
from slrbcall.calls.service import resolve_call
from slrbcall.calls.team import acting
from slrbcall.errors import InputFileError, Problem, RefusedError
from slrbcall.followup import Project
from slrbcall.followup.justification import (
    REASONS,
    Decision,
    Expense,
    Review,
    plan_expenses,
    plan_reviews,
)
from slrbcall.followup.justification_sheets import (
    DECISION_WORDS,
    JUSTIFICATION_COLUMNS,
    JUSTIFICATION_INSTRUCTIONS,
    JUSTIFICATION_NOTES,
    JUSTIFICATION_SHEETS,
    REVIEW_COLUMNS,
    REVIEW_INSTRUCTIONS,
    REVIEW_NOTES,
    REVIEW_SHEETS,
    read_expenses,
    read_review_rows,
)
from slrbcall.followup.service.closing import Stored, stored_justification
from slrbcall.followup.service.state import (
    FollowupState,
    check_lang,
    followup_state,
    open_workspace,
    read_state,
)
from slrbcall.followup.workbooks import Column, matcher, recogniser
from slrbcall.i18n import _, language
from slrbcall.money import to_decimal
from slrbcall.settings import Settings
from slrbcall.sheets import (
    Header,
    Sheet,
    TemplateColumn,
    Workbook,
    choose_sheet,
    find_header,
    write_template,
)
from slrbcall.store.settlement import StoredExpense, StoredReview

if TYPE_CHECKING:
    from slrbcall.model import Call
    from slrbcall.store import Transaction

__all__ = [
    "JustificationIntake",
    "JustificationView",
    "ProjectJustification",
    "ReviewIntake",
    "Stored",
    "audit_key",
    "justification_view",
    "stored_justification",
    "take_justification",
    "take_review",
    "write_justification_template",
    "write_review_template",
]


def audit_key(call_id: str, reference: str, identity: tuple[str, str]) -> str:
    """``call/REF/supplier|invoice``, the invoice quoted so that its key has no ``/``
    (the history counts the parts of a key)."""
    return f"{call_id}/{reference}/{quote('|'.join(identity), safe=' |')}"


def _justifiable(call: Call) -> None:
    if not call.budget_lines:
        raise RefusedError(
            _(
                "{call} has no budget lines: its expenses cannot be justified (add "
                "'budget_lines:' to the call's definition, see docs/call-definition.md)"
            ).format(call=call.id)
        )


def _projects(state: FollowupState, reference: str | None) -> tuple[Project, ...]:
    return state.projects if reference is None else (state.project(reference),)


# -- taking a workbook in -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Taking:
    """A workbook opened for taking in: its chosen sheet and header, its call, the
    follow-up and what is stored, read inside the transaction that will store it
    (``tx``; ``None`` for a dry run, which stores nothing)."""

    workbook: Workbook
    loaded: LoadedCall
    sheet: Sheet
    header: Header
    state: FollowupState
    stored: Stored
    tx: Transaction | None


@contextmanager
def _taking(
    settings: Settings,
    path: Path,
    *,
    columns: tuple[Column, ...],
    required: tuple[str, ...],
    sheet: str | None,
    report_xlsx: Path | None,
    command: str,
    dry_run: bool,
) -> Iterator[_Taking]:
    """Open ``path`` and the workspace for taking it in, in one write transaction of
    ``command`` (audited with the file and its SHA-256) unless ``dry_run``. A problem
    raised inside stores nothing, and is marked in ``report_xlsx`` when given."""
    from slrbcall.sheets.read import read_workbook
    from slrbcall.sheets.report import mark_problems

    workbook = read_workbook(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with open_workspace(settings) as ws:
        loaded = resolve_call(
            settings,
            held=ws.held_calls(),
            recorded_in_file=workbook.properties.get("slrbcall.call"),
        )
        _justifiable(loaded.call)
        try:
            chosen = choose_sheet(workbook, recognise=recogniser(columns), requested=sheet)
            names = {c.key: c.labels[language()] for c in columns}
            header = find_header(chosen, match=matcher(columns), required=required, names=names)
            if dry_run:
                yield _Taking(
                    workbook,
                    loaded,
                    chosen,
                    header,
                    read_state(ws, loaded),
                    stored_justification(ws, loaded.call.id),
                    None,
                )
            else:
                with ws.write(
                    command=command,
                    input_file=path.name,
                    input_sha256=digest,
                    call=loaded.call.id,
                    actor=acting(settings, command),
                ) as tx:
                    yield _Taking(
                        workbook,
                        loaded,
                        chosen,
                        header,
                        read_state(tx, loaded),
                        stored_justification(tx, loaded.call.id),
                        tx,
                    )
        except InputFileError as exc:
            if report_xlsx is not None:
                mark_problems(path, report_xlsx, exc.problems)
            raise


def _refuse(*groups: Sequence[Problem]) -> None:
    """All the problems at once, in the order of the sheet."""
    problems = sorted(
        (p for group in groups for p in group), key=lambda p: (p.row or 0, p.column or 0)
    )
    if problems:
        raise InputFileError(problems)


# -- the justification workbook -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JustificationIntake:
    """What ``slrbcall justify`` did (or, with ``dry_run``, would do)."""

    file: Path
    call_id: str
    sheet: str
    rows: int
    added: tuple[Expense, ...]
    changed: tuple[Expense, ...]
    unchanged: int
    left_out: int
    dry_run: bool

    @property
    def claimed_cents(self) -> int:
        return sum(e.claimed_cents for e in (*self.added, *self.changed))


def _with_attachments(
    expenses: Sequence[Expense], folder: Path
) -> tuple[list[Expense], list[Problem]]:
    """Each expense with the SHA-256 of its attachment, and the problems: a file named
    that is not in ``folder``, or whose hash is not the one the workbook gives. An
    expense whose attachment has a problem is still judged on the rest, without it."""
    found: list[Expense] = []
    problems: list[Problem] = []
    for expense in expenses:
        if expense.attachment is None:
            found.append(expense)
            continue
        file = folder / expense.attachment
        digest = _sha256(file) if file.is_file() else None
        if digest is None:
            problems.append(
                expense.at("attachment").saying(
                    _(
                        "no file '{file}' beside the workbook (in {folder}): put the supporting "
                        "document there, or leave the cell empty"
                    ).format(file=expense.attachment, folder=folder)
                )
            )
        elif expense.attachment_sha256 not in (None, digest):
            problems.append(
                expense.at("attachment_sha256").saying(
                    _(
                        "the SHA-256 of '{file}' is {digest}, not {given}: the file is not the "
                        "one listed"
                    ).format(
                        file=expense.attachment, digest=digest, given=expense.attachment_sha256
                    )
                )
            )
            digest = None
        if digest is None:
            found.append(replace(expense, attachment=None, attachment_sha256=None))
        else:
            found.append(replace(expense, attachment_sha256=digest))
    return found, problems


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stored_expense(expense: Expense, *, source_file: str) -> StoredExpense:
    supplier_key, invoice_key = expense.identity
    return StoredExpense(
        reference=expense.reference,
        supplier_key=supplier_key,
        invoice_key=invoice_key,
        version=expense.version,
        budget_line=expense.budget_line,
        supplier=expense.supplier,
        invoice_number=expense.invoice_number,
        invoice_date=expense.invoice_date.isoformat(),
        paid_on=expense.paid_on.isoformat(),
        amount_cents=expense.amount_cents,
        claimed_cents=expense.claimed_cents,
        cofinanced_by=expense.cofinanced_by,
        attachment=expense.attachment,
        attachment_sha256=expense.attachment_sha256,
        note=expense.note,
        source_file=source_file,
        source_place=expense.place.place_in(source_file),
    )


def _audited(expense: Expense) -> dict[str, object]:
    return {
        "version": expense.version,
        "budget_line": expense.budget_line,
        "invoice_date": expense.invoice_date.isoformat(),
        "paid_on": expense.paid_on.isoformat(),
        "amount_cents": expense.amount_cents,
        "claimed_cents": expense.claimed_cents,
        "cofinanced_by": expense.cofinanced_by,
        "attachment": expense.attachment,
        "attachment_sha256": expense.attachment_sha256,
        "place": expense.where,
    }


def take_justification(
    settings: Settings,
    path: Path,
    *,
    today: dt.date,
    sheet: str | None = None,
    dry_run: bool = False,
    report_xlsx: Path | None = None,
) -> JustificationIntake:
    """Take in a justification workbook: all of its expenses, or none (exit 3, every
    problem at its cell). The same file again changes nothing; a changed row is a new
    version of its expense, to be reviewed again."""

    required = (
        "reference",
        "budget_line",
        "supplier",
        "invoice_number",
        "invoice_date",
        "paid_on",
        "amount",
    )
    with _taking(
        settings,
        path,
        columns=JUSTIFICATION_COLUMNS,
        required=required,
        sheet=sheet,
        report_xlsx=report_xlsx,
        command="justify",
        dry_run=dry_run,
    ) as taking:
        call = taking.loaded.call
        read = read_expenses(
            taking.sheet, taking.header, call=call, date1904=taking.workbook.date1904
        )
        rows, missing = _with_attachments(read.expenses, path.resolve().parent)
        plan = plan_expenses(
            call,
            taking.state.projects,
            rows,
            stored=taking.stored.expenses,
            settled=taking.stored.settled,
            today=today,
        )
        _refuse(read.problems, missing, plan.problems)
        if taking.tx is not None:
            tx = taking.tx
            for expense in (*plan.added, *(after for _before, after in plan.changed)):
                tx.add_expense(call.id, _stored_expense(expense, source_file=path.name))
            tx.audit_many(
                [
                    (
                        "insert",
                        "expense",
                        audit_key(call.id, e.reference, e.identity),
                        None,
                        _audited(e),
                    )
                    for e in plan.added
                ]
                + [
                    (
                        "update",
                        "expense",
                        audit_key(call.id, after.reference, after.identity),
                        _audited(before),
                        _audited(after),
                    )
                    for before, after in plan.changed
                ]
            )
    return JustificationIntake(
        file=path,
        call_id=call.id,
        sheet=taking.sheet.name,
        rows=len(read.expenses),
        added=plan.added,
        changed=tuple(after for _before, after in plan.changed),
        unchanged=plan.unchanged,
        left_out=read.left_out,
        dry_run=dry_run,
    )


def _lang_of(lang: str) -> str:
    return "nl" if lang == "nl" else "fr"


def write_justification_template(
    settings: Settings,
    out: Path,
    *,
    reference: str | None,
    lang: str = "fr",
    rows: Sequence[Sequence[object]] | None = None,
    notes: Sequence[str] = (),
) -> tuple[LoadedCall, int]:
    """The justification workbook of project ``reference`` (``None``: of every funded
    project not settled yet): its expenses taken in so far, then rows to fill in with
    the reference and title filled in (25 for one project, one each for all). ``rows``
    replaces those rows and ``notes`` are added to the instructions (the shipped example
    fills them in). Returns the call and the number of rows."""

    check_lang(lang)
    state = followup_state(settings)
    call = state.loaded.call
    _justifiable(call)
    with open_workspace(settings) as ws:
        stored = stored_justification(ws, call.id)
    projects = [p for p in _projects(state, reference) if p.reference not in stored.settled]
    if not projects:
        raise RefusedError(
            _("every funded project of {call} is settled: nothing to justify").format(call=call.id)
        )
    text_lang = _lang_of(lang)
    line_labels = {b.key: b.label[text_lang] for b in call.budget_lines}
    source_labels = {c.key: c.label[text_lang] for c in call.co_financing}
    filled: list[Sequence[object]] = []
    for project in projects:
        for e in (x for x in stored.expenses if x.reference == project.reference):
            filled.append(
                [
                    e.reference,
                    project.title,
                    line_labels.get(e.budget_line, e.budget_line),
                    e.supplier,
                    e.invoice_number,
                    e.invoice_date,
                    e.paid_on,
                    to_decimal(e.amount_cents),
                    to_decimal(e.claimed_cents),
                    source_labels.get(e.cofinanced_by or "", e.cofinanced_by),
                    e.attachment,
                    e.attachment_sha256,
                    e.note,
                ]
            )
        filled += [[project.reference, project.title]] * (25 if reference else 1)
    if rows is not None:
        filled = list(rows)
    notes_of = JUSTIFICATION_NOTES[lang]
    kinds = {
        "reference": ("identifier", True, ""),
        "title": ("text", False, notes_of["title"]),
        "budget_line": ("choice", True, notes_of["budget_line"]),
        "supplier": ("text", True, ""),
        "invoice_number": ("identifier", True, ""),
        "invoice_date": ("date", True, notes_of["invoice_date"]),
        "paid_on": ("date", True, notes_of["paid_on"]),
        "amount": ("amount", True, notes_of["amount"]),
        "claimed": ("amount", False, notes_of["claimed"]),
        "cofinanced_by": (
            "choice" if source_labels else "text",
            False,
            notes_of["cofinanced_by"],
        ),
        "attachment": ("text", False, notes_of["attachment"]),
        "attachment_sha256": ("identifier", False, notes_of["attachment_sha256"]),
        "note": ("long_text", False, ""),
    }
    lists = {"budget_line": list(line_labels.values())}
    if source_labels:
        lists["cofinanced_by"] = list(source_labels.values())
    _write_template(
        out,
        call=call,
        lang=lang,
        columns=JUSTIFICATION_COLUMNS,
        kinds=kinds,
        lists=lists,
        sheet_name=JUSTIFICATION_SHEETS[lang],
        instructions=[*JUSTIFICATION_INSTRUCTIONS[lang], *notes],
        template="justification",
        rows=filled,
    )
    return state.loaded, len(filled)


def _write_template(
    out: Path,
    *,
    call: Call,
    lang: str,
    columns: tuple[Column, ...],
    kinds: dict[str, tuple[str, bool, str]],
    lists: dict[str, list[str]],
    sheet_name: str,
    instructions: Sequence[str],
    template: str,
    rows: Sequence[Sequence[object]],
) -> None:
    wide = ("title", "supplier", "note", "comment", "attachment", "attachment_sha256")
    write_template(
        out,
        title=call.title[_lang_of(lang)],
        sheet_name=sheet_name,
        columns=[
            TemplateColumn(
                c.key,
                c.labels[lang],
                *kinds[c.key],
                choices=c.key if kinds[c.key][0] == "choice" else None,
                width=30 if c.key in wide else 16,
            )
            for c in columns
        ],
        instructions=list(instructions),
        properties={"slrbcall.call": call.id, "slrbcall.template": template},
        lists=lists,
        rows=rows,
    )


# -- the review ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewIntake:
    """What ``slrbcall justification decide`` did (or, with ``dry_run``, would do)."""

    file: Path
    call_id: str
    sheet: str
    rows: int
    added: tuple[Review, ...]
    changed: tuple[Review, ...]
    unchanged: int
    left_out: int
    dry_run: bool


def write_review_template(
    settings: Settings,
    out: Path,
    *,
    reference: str | None = None,
    lang: str = "fr",
    decide: Callable[[Expense], Sequence[object]] | None = None,
    notes: Sequence[str] = (),
) -> tuple[LoadedCall, int]:
    """The officer's review workbook: a row per expense in force of the projects not
    settled (of ``reference`` only, when given), with its review in force if any.
    ``decide`` fills in the decision of an expense instead (the shipped example's), and
    ``notes`` are added to the instructions. Returns the call and the number of rows."""

    check_lang(lang)
    state = followup_state(settings)
    call = state.loaded.call
    _justifiable(call)
    with open_workspace(settings) as ws:
        stored = stored_justification(ws, call.id)
    wanted = {p.reference: p for p in _projects(state, reference)}
    reviewed = {r.identity: r for r in stored.reviews}
    text_lang = _lang_of(lang)
    rows: list[list[object]] = []
    for e in stored.expenses:
        project = wanted.get(e.reference)
        if project is None or e.reference in stored.settled:
            continue
        line = call.budget_line(e.budget_line)
        review = reviewed.get(e.identity)
        rows.append(
            [
                e.reference,
                project.title,
                line.label[text_lang] if line else e.budget_line,
                e.supplier,
                e.invoice_number,
                e.invoice_date,
                to_decimal(e.amount_cents),
                to_decimal(e.claimed_cents),
                e.attachment,
                *(decide(e) if decide is not None else ()),
                *(
                    (
                        DECISION_WORDS[review.decision][lang],
                        to_decimal(review.admitted_cents)
                        if review.decision is Decision.PARTLY_ADMITTED
                        else None,
                        review.reason,
                        review.comment,
                    )
                    if review is not None and decide is None
                    else ()
                ),
            ]
        )
    if not rows:
        if reference:
            nothing = _(
                "no expense to review in {call} for {ref}: take the justification in first "
                "('slrbcall justify FILE')"
            )
        else:
            nothing = _(
                "no expense to review in {call}: take the justification in first "
                "('slrbcall justify FILE')"
            )
        raise RefusedError(nothing.format(call=call.id, ref=reference))
    notes_of = REVIEW_NOTES[lang]
    kinds = {
        "reference": ("identifier", True, ""),
        "title": ("text", False, notes_of["title"]),
        "budget_line": ("text", False, notes_of["budget_line"]),
        "supplier": ("text", True, notes_of["supplier"]),
        "invoice_number": ("identifier", True, ""),
        "invoice_date": ("date", False, notes_of["invoice_date"]),
        "amount": ("amount", False, notes_of["amount"]),
        "claimed": ("amount", True, notes_of["claimed"]),
        "attachment": ("text", False, notes_of["attachment"]),
        "decision": ("choice", True, notes_of["decision"]),
        "admitted": ("amount", False, notes_of["admitted"]),
        "reason": ("choice", True, notes_of["reason"]),
        "comment": ("long_text", False, notes_of["comment"]),
    }
    _write_template(
        out,
        call=call,
        lang=lang,
        columns=REVIEW_COLUMNS,
        kinds=kinds,
        lists={
            "decision": [words[lang] for words in DECISION_WORDS.values()],
            "reason": list(REASONS),
        },
        sheet_name=REVIEW_SHEETS[lang],
        instructions=[*REVIEW_INSTRUCTIONS[lang], *notes],
        template="review",
        rows=rows,
    )
    return state.loaded, len(rows)


def _stored_review(review: Review, number: int, *, source_file: str) -> StoredReview:
    supplier_key, invoice_key = review.identity
    return StoredReview(
        supplier_key=supplier_key,
        invoice_key=invoice_key,
        version=review.version,
        number=number,
        decision=review.decision.value,
        admitted_cents=review.admitted_cents,
        reason_code=review.reason,
        comment=review.comment,
        source_file=source_file,
        source_place=review.place.place_in(source_file),
    )


def _review_audit(review: Review) -> dict[str, object]:
    return {
        "version": review.version,
        "decision": review.decision.value,
        "admitted_cents": review.admitted_cents,
        "reason": review.reason,
        "comment": review.comment,
        "place": review.place.where,
    }


def take_review(
    settings: Settings,
    path: Path,
    *,
    sheet: str | None = None,
    dry_run: bool = False,
    report_xlsx: Path | None = None,
) -> ReviewIntake:
    """Take in the officer's review workbook: all of its decisions, or none (exit 3).
    The same file again changes nothing; a changed decision is a new review of the
    expense (the earlier one is kept, and audited before and after)."""

    with _taking(
        settings,
        path,
        columns=REVIEW_COLUMNS,
        required=("reference", "supplier", "invoice_number", "claimed", "decision", "reason"),
        sheet=sheet,
        report_xlsx=report_xlsx,
        command="justification decide",
        dry_run=dry_run,
    ) as taking:
        call = taking.loaded.call
        read = read_review_rows(taking.sheet, taking.header)
        plan = plan_reviews(
            read.rows,
            expenses=taking.stored.expenses,
            reviews=taking.stored.reviews,
            settled=taking.stored.settled,
        )
        _refuse(read.problems, plan.problems)
        if taking.tx is not None:
            tx = taking.tx
            counts = tx.review_counts(call.id)
            for before, review in plan.added:
                number = counts.get(review.identity, 0) + 1
                tx.add_review(call.id, _stored_review(review, number, source_file=path.name))
                tx.audit(
                    "insert" if before is None else "update",
                    "expense_review",
                    audit_key(call.id, review.reference, review.identity),
                    before=None if before is None else _review_audit(before),
                    after=_review_audit(review),
                )
    return ReviewIntake(
        file=path,
        call_id=call.id,
        sheet=taking.sheet.name,
        rows=len(read.rows),
        added=tuple(r for before, r in plan.added if before is None),
        changed=tuple(r for before, r in plan.added if before is not None),
        unchanged=plan.unchanged,
        left_out=read.left_out,
        dry_run=dry_run,
    )


# -- what is claimed and admitted ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProjectJustification:
    """A project's expenses in force, each with its review in force (``None``: not
    reviewed yet), what they claim and what the reviews admit (before the call's rules
    by line and the award, which the settlement applies)."""

    reference: str
    expenses: tuple[tuple[Expense, Review | None], ...]
    settled_on: dt.date | None

    @property
    def claimed_cents(self) -> int:
        return sum(e.claimed_cents for e, _review in self.expenses)

    @property
    def admitted_cents(self) -> int:
        return sum(r.admitted_cents for _expense, r in self.expenses if r is not None)

    @property
    def to_review(self) -> int:
        return sum(1 for _expense, r in self.expenses if r is None)


@dataclass(frozen=True, slots=True)
class JustificationView:
    call_id: str
    projects: tuple[ProjectJustification, ...]


def justification_view(settings: Settings, reference: str | None = None) -> JustificationView:
    """The expenses of every funded project (or of ``reference``), with their reviews."""
    state = followup_state(settings)
    call = state.loaded.call
    with open_workspace(settings) as ws:
        stored = stored_justification(ws, call.id)
    reviewed = {r.identity: r for r in stored.reviews}
    return JustificationView(
        call.id,
        tuple(
            ProjectJustification(
                reference=project.reference,
                expenses=tuple(
                    (e, reviewed.get(e.identity))
                    for e in stored.expenses
                    if e.reference == project.reference
                ),
                settled_on=stored.settled.get(project.reference),
            )
            for project in _projects(state, reference)
        ),
    )
