"""Queries on the follow-up of funded projects: milestones, payments, monitoring reports.

Mixed into the workspace's classes like :mod:`.decisions` (:class:`FollowupReads` into
``Workspace``, :class:`FollowupWrites` into ``Transaction``), with its schema in
:data:`FOLLOWUP_MIGRATION` (migration 4 of ``MIGRATIONS``): callers use the methods on
the workspace or the transaction itself.

Like the other query modules, this one never imports :mod:`.core`, which imports it:
a mixin needs only the connection (``_conn``) and the transaction's time (``at``) that
the classes it is mixed into provide.

Rules the schema holds on its own, whatever the code above it does:

* a tranche of a project is paid once (primary key), for more than zero cents;
* the payments of a project never add up to more than its award in the adopted (last)
  allocation run (a trigger); payments are never updated or deleted;
* a forced payment carries its reason;
* one monitoring report per project and report date; counts are never negative.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from slrbcall.store.migrations import FOLLOWUP_MIGRATION

__all__ = [
    "FOLLOWUP_MIGRATION",
    "FollowupReads",
    "FollowupWrites",
    "StoredMilestone",
    "StoredPayment",
    "StoredReport",
]

#: The follow-up tables: migration 4 of ``MIGRATIONS``.


@dataclass(frozen=True, slots=True)
class StoredMilestone:
    """A project's milestone as recorded: ``key`` is canonical (``yearly_report:2``)."""

    reference: str
    key: str
    on_date: str  # ISO date
    note: str | None = None


@dataclass(frozen=True, slots=True)
class StoredPayment:
    reference: str
    tranche: int
    paid_on: str  # ISO date
    amount_cents: int
    forced: bool
    reason: str | None
    note: str | None
    source: str  # "command", or the file and place it came from


@dataclass(frozen=True, slots=True)
class StoredReport:
    reference: str
    report_date: str  # ISO date
    residents_involved: int | None
    residents_trained: int | None
    activities: int | None
    participants: int | None
    deliverables: str | None
    deliverable_kinds: tuple[str, ...]
    remarks: str | None
    source_file: str
    source_place: str

    def content(self) -> dict[str, object]:
        """What a report says (for comparing and auditing), without where it came from."""
        return {
            "residents_involved": self.residents_involved,
            "residents_trained": self.residents_trained,
            "activities": self.activities,
            "participants": self.participants,
            "deliverables": self.deliverables,
            "deliverable_kinds": list(self.deliverable_kinds),
            "remarks": self.remarks,
        }


_REPORT_COLUMNS = (
    "reference, report_date, residents_involved, residents_trained, activities, participants,"
    " deliverables, deliverable_kinds_json, remarks, source_file, source_place"
)


def _report(row: Sequence[object]) -> StoredReport:
    kinds = json.loads(str(row[7]))
    return StoredReport(
        reference=str(row[0]),
        report_date=str(row[1]),
        residents_involved=_int(row[2]),
        residents_trained=_int(row[3]),
        activities=_int(row[4]),
        participants=_int(row[5]),
        deliverables=None if row[6] is None else str(row[6]),
        deliverable_kinds=tuple(str(k) for k in kinds),
        remarks=None if row[8] is None else str(row[8]),
        source_file=str(row[9]),
        source_place=str(row[10]),
    )


def _int(value: object) -> int | None:
    return None if value is None else int(str(value))


class FollowupQueries:
    """Reads that both a transaction and an open workspace offer."""

    _conn: sqlite3.Connection

    def milestones(self, call_id: str) -> list[StoredMilestone]:
        rows = self._conn.execute(
            "SELECT reference, key, on_date, note FROM followup_milestone WHERE call_id = ?"
            " ORDER BY reference, on_date, key",
            (call_id,),
        ).fetchall()
        return [StoredMilestone(*row) for row in rows]

    def payments(self, call_id: str) -> list[StoredPayment]:
        rows = self._conn.execute(
            "SELECT reference, tranche, paid_on, amount_cents, forced, reason, note, source"
            " FROM payment WHERE call_id = ? ORDER BY reference, tranche",
            (call_id,),
        ).fetchall()
        return [
            StoredPayment(
                reference=r[0],
                tranche=r[1],
                paid_on=r[2],
                amount_cents=r[3],
                forced=bool(r[4]),
                reason=r[5],
                note=r[6],
                source=r[7],
            )
            for r in rows
        ]

    def monitoring_reports(self, call_id: str) -> list[StoredReport]:
        """Every report of every project, kept over time: by reference, then date."""
        rows = self._conn.execute(
            f"SELECT {_REPORT_COLUMNS} FROM monitoring_report WHERE call_id = ?"
            " ORDER BY reference, report_date",
            (call_id,),
        ).fetchall()
        return [_report(row) for row in rows]


class FollowupWrites(FollowupQueries):
    """Writes of one transaction (see :class:`slrbcall.store.Transaction`)."""

    at: str

    def put_milestone(self, call_id: str, milestone: StoredMilestone) -> str:
        """Record (or re-date) a milestone; ``added``, ``changed`` or ``unchanged``."""
        before = self._conn.execute(
            "SELECT on_date, note FROM followup_milestone"
            " WHERE call_id = ? AND reference = ? AND key = ?",
            (call_id, milestone.reference, milestone.key),
        ).fetchone()
        if before is None:
            self._conn.execute(
                "INSERT INTO followup_milestone (call_id, reference, key, on_date, note,"
                " recorded_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    call_id,
                    milestone.reference,
                    milestone.key,
                    milestone.on_date,
                    milestone.note,
                    self.at,
                    self.at,
                ),
            )
            return "added"
        if tuple(before) == (milestone.on_date, milestone.note):
            return "unchanged"
        self._conn.execute(
            "UPDATE followup_milestone SET on_date = ?, note = ?, updated_at = ?"
            " WHERE call_id = ? AND reference = ? AND key = ?",
            (
                milestone.on_date,
                milestone.note,
                self.at,
                call_id,
                milestone.reference,
                milestone.key,
            ),
        )
        return "changed"

    def add_payment(self, call_id: str, payment: StoredPayment) -> None:
        """Record a payment. The schema refuses a second payment of a tranche and a
        total above the award; the caller checks both first, to say why."""
        self._conn.execute(
            "INSERT INTO payment (call_id, reference, tranche, paid_on, amount_cents, forced,"
            " reason, note, source, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                call_id,
                payment.reference,
                payment.tranche,
                payment.paid_on,
                payment.amount_cents,
                int(payment.forced),
                payment.reason,
                payment.note,
                payment.source,
                self.at,
            ),
        )

    def put_report(self, call_id: str, report: StoredReport) -> str:
        """Insert or update the report of (project, date); ``added``, ``changed`` or
        ``unchanged``. Reports of other dates are kept: they show progress over time."""
        row = self._conn.execute(
            f"SELECT {_REPORT_COLUMNS} FROM monitoring_report"
            " WHERE call_id = ? AND reference = ? AND report_date = ?",
            (call_id, report.reference, report.report_date),
        ).fetchone()
        values = (
            report.residents_involved,
            report.residents_trained,
            report.activities,
            report.participants,
            report.deliverables,
            json.dumps(list(report.deliverable_kinds)),
            report.remarks,
            report.source_file,
            report.source_place,
        )
        if row is None:
            self._conn.execute(
                "INSERT INTO monitoring_report (call_id, reference, report_date,"
                " residents_involved, residents_trained, activities, participants,"
                " deliverables, deliverable_kinds_json, remarks, source_file, source_place,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (call_id, report.reference, report.report_date, *values, self.at, self.at),
            )
            return "added"
        if _report(row).content() == report.content():
            return "unchanged"
        self._conn.execute(
            "UPDATE monitoring_report SET residents_involved = ?, residents_trained = ?,"
            " activities = ?, participants = ?, deliverables = ?, deliverable_kinds_json = ?,"
            " remarks = ?, source_file = ?, source_place = ?, updated_at = ?"
            " WHERE call_id = ? AND reference = ? AND report_date = ?",
            (*values, self.at, call_id, report.reference, report.report_date),
        )
        return "changed"


class FollowupReads(FollowupQueries):
    pass
