"""Queries on the last mile: the expenses a project justifies, their review, the
settlement and the recoveries.

Mixed into the workspace's classes like :mod:`.followup` (:class:`SettlementReads` into
``Workspace``, :class:`SettlementWrites` into ``Transaction``), with its schema in
:data:`SETTLEMENT_MIGRATION` (migration 12; on PostgreSQL, in the baseline of
:mod:`.postgres_schema`). Rules the schema holds on its own: an invoice is claimed by
one project, in numbered versions; a review admits at most what its version claims; a
settlement follows what was paid and what was claimed; a recovery never passes what is
due; nothing here is ever updated or deleted, and a settled project takes no more
expenses, reviews, amendments, or payments above its settlement.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace

from slrbcall.store.backend import Connection
from slrbcall.store.migrations import SETTLEMENT_MIGRATION

__all__ = [
    "SETTLEMENT_MIGRATION",
    "SettlementReads",
    "SettlementWrites",
    "StoredExpense",
    "StoredRecovery",
    "StoredReview",
    "StoredSettlement",
]


@dataclass(frozen=True, slots=True)
class StoredExpense:
    """One version of an invoice claimed by a project (the key: the call, the folded
    ``supplier_key`` and ``invoice_key``, and the ``version``)."""

    reference: str
    supplier_key: str
    invoice_key: str
    version: int
    budget_line: str
    supplier: str
    invoice_number: str
    invoice_date: str  # ISO date
    paid_on: str  # ISO date
    amount_cents: int
    claimed_cents: int
    cofinanced_by: str | None
    attachment: str | None
    attachment_sha256: str | None
    note: str | None
    source_file: str
    source_place: str
    recorded_at: str = ""


@dataclass(frozen=True, slots=True)
class StoredReview:
    """The officer's decision on one version of an invoice, numbered per invoice."""

    supplier_key: str
    invoice_key: str
    version: int
    number: int
    decision: str  # admitted, partly_admitted, rejected
    admitted_cents: int
    reason_code: str
    comment: str | None
    source_file: str
    source_place: str
    recorded_at: str = ""


@dataclass(frozen=True, slots=True)
class StoredSettlement:
    """A project's settlement; ``figures`` holds its figures by budget line (``lines``),
    the tranches planned before it (``planned``) and the tranche that carries the last
    payment (``last_tranche``), as plain JSON."""

    reference: str
    adoption_id: int
    on_date: str
    award_cents: int
    claimed_cents: int
    admitted_cents: int
    paid_cents: int
    balance_cents: int
    tranche_cents: tuple[int, ...]
    figures: dict[str, object]
    recovery_due_date: str | None
    note: str | None
    recorded_at: str = ""


@dataclass(frozen=True, slots=True)
class StoredRecovery:
    reference: str
    number: int
    on_date: str
    amount_cents: int
    note: str | None
    recorded_at: str = ""


_EXPENSE_COLUMNS = (
    "reference, supplier_key, invoice_key, version, budget_line, supplier, invoice_number,"
    " invoice_date, paid_on, amount_cents, claimed_cents, cofinanced_by, attachment,"
    " attachment_sha256, note, source_file, source_place, recorded_at"
)
_REVIEW_COLUMNS = (
    "supplier_key, invoice_key, version, number, decision, admitted_cents, reason_code,"
    " comment, source_file, source_place, recorded_at"
)
_SETTLEMENT_COLUMNS = (
    "reference, adoption_id, on_date, award_cents, claimed_cents, admitted_cents,"
    " paid_cents, balance_cents, tranches_json, figures_json, recovery_due_date, note,"
    " recorded_at"
)


def _settlement(row: Sequence[object]) -> StoredSettlement:
    return StoredSettlement(
        reference=str(row[0]),
        adoption_id=int(str(row[1])),
        on_date=str(row[2]),
        award_cents=int(str(row[3])),
        claimed_cents=int(str(row[4])),
        admitted_cents=int(str(row[5])),
        paid_cents=int(str(row[6])),
        balance_cents=int(str(row[7])),
        tranche_cents=tuple(int(c) for c in json.loads(str(row[8]))),
        figures=dict(json.loads(str(row[9]))),
        recovery_due_date=None if row[10] is None else str(row[10]),
        note=None if row[11] is None else str(row[11]),
        recorded_at=str(row[12]),
    )


class SettlementQueries:
    """Reads that both a transaction and an open workspace offer."""

    _conn: Connection

    def expenses(self, call_id: str) -> list[StoredExpense]:
        """Every invoice claimed, as its version in force, by project and date."""
        rows = self._conn.execute(
            f"SELECT {_EXPENSE_COLUMNS} FROM expense_in_force WHERE call_id = ?"
            " ORDER BY reference, invoice_date, supplier_key, invoice_key",
            (call_id,),
        ).fetchall()
        return [StoredExpense(*row) for row in rows]

    def reviews(self, call_id: str) -> list[StoredReview]:
        """The review in force of each invoice (of its version in force)."""
        rows = self._conn.execute(
            f"SELECT {_REVIEW_COLUMNS} FROM review_in_force WHERE call_id = ?"
            " ORDER BY supplier_key, invoice_key",
            (call_id,),
        ).fetchall()
        return [StoredReview(*row) for row in rows]

    def review_counts(self, call_id: str) -> dict[tuple[str, str], int]:
        """(supplier key, invoice key) -> how many reviews the invoice has had, of any
        version: its next review takes the next number."""
        rows = self._conn.execute(
            "SELECT supplier_key, invoice_key, count(*) FROM expense_review WHERE call_id = ?"
            " GROUP BY supplier_key, invoice_key",
            (call_id,),
        ).fetchall()
        return {(str(r[0]), str(r[1])): int(r[2]) for r in rows}

    def settlements(self, call_id: str) -> list[StoredSettlement]:
        rows = self._conn.execute(
            f"SELECT {_SETTLEMENT_COLUMNS} FROM settlement WHERE call_id = ? ORDER BY reference",
            (call_id,),
        ).fetchall()
        return [_settlement(row) for row in rows]

    def recoveries(self, call_id: str) -> list[StoredRecovery]:
        rows = self._conn.execute(
            "SELECT reference, number, on_date, amount_cents, note, recorded_at FROM recovery"
            " WHERE call_id = ? ORDER BY reference, number",
            (call_id,),
        ).fetchall()
        return [StoredRecovery(*row) for row in rows]


class SettlementWrites(SettlementQueries):
    """Writes of one transaction (see :class:`slrbcall.store.Transaction`)."""

    at: str

    def add_expense(self, call_id: str, expense: StoredExpense) -> StoredExpense:
        """Record a version of an invoice. The schema refuses a version out of order, an
        invoice of another project, and any expense of a settled project."""
        self._conn.execute(
            f"INSERT INTO expense (call_id, {_EXPENSE_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                call_id,
                expense.reference,
                expense.supplier_key,
                expense.invoice_key,
                expense.version,
                expense.budget_line,
                expense.supplier,
                expense.invoice_number,
                expense.invoice_date,
                expense.paid_on,
                expense.amount_cents,
                expense.claimed_cents,
                expense.cofinanced_by,
                expense.attachment,
                expense.attachment_sha256,
                expense.note,
                expense.source_file,
                expense.source_place,
                self.at,
            ),
        )
        return replace(expense, recorded_at=self.at)

    def add_review(self, call_id: str, review: StoredReview) -> StoredReview:
        """Record a review of the version in force of an invoice. The schema refuses one
        out of order, of another version, admitting more than claimed, or of a settled
        project."""
        self._conn.execute(
            f"INSERT INTO expense_review (call_id, {_REVIEW_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                call_id,
                review.supplier_key,
                review.invoice_key,
                review.version,
                review.number,
                review.decision,
                review.admitted_cents,
                review.reason_code,
                review.comment,
                review.source_file,
                review.source_place,
                self.at,
            ),
        )
        return replace(review, recorded_at=self.at)

    def add_settlement(self, call_id: str, settlement: StoredSettlement) -> StoredSettlement:
        """Record a project's settlement, once. The schema refuses one that does not
        follow what was paid, the award in force and what was claimed."""
        self._conn.execute(
            f"INSERT INTO settlement (call_id, {_SETTLEMENT_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                call_id,
                settlement.reference,
                settlement.adoption_id,
                settlement.on_date,
                settlement.award_cents,
                settlement.claimed_cents,
                settlement.admitted_cents,
                settlement.paid_cents,
                settlement.balance_cents,
                json.dumps(list(settlement.tranche_cents)),
                json.dumps(settlement.figures, sort_keys=True, ensure_ascii=False),
                settlement.recovery_due_date,
                settlement.note,
                self.at,
            ),
        )
        return replace(settlement, recorded_at=self.at)

    def add_recovery(self, call_id: str, recovery: StoredRecovery) -> StoredRecovery:
        """Record what came back of a recovery. The schema refuses one out of order,
        before the settlement, or above what is still due."""
        self._conn.execute(
            "INSERT INTO recovery (call_id, reference, number, on_date, amount_cents, note,"
            " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                call_id,
                recovery.reference,
                recovery.number,
                recovery.on_date,
                recovery.amount_cents,
                recovery.note,
                self.at,
            ),
        )
        return replace(recovery, recorded_at=self.at)


class SettlementReads(SettlementQueries):
    pass
