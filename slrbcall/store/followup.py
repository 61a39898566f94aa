"""Queries on the follow-up of funded projects: milestones, payments, their corrections,
amendments, monitoring reports.

Mixed into the workspace's classes like :mod:`.decisions` (:class:`FollowupReads` into
``Workspace``, :class:`FollowupWrites` into ``Transaction``), with its schema in
:data:`FOLLOWUP_MIGRATION` (migration 4 of ``MIGRATIONS``) and
:data:`CORRECTIONS_AMENDMENTS_MIGRATION`: callers use the methods on the workspace or the
transaction itself.

Like the other query modules, this one never imports :mod:`.core`, which imports it:
a mixin needs only the connection (``_conn``) and the transaction's time (``at``) that
the classes it is mixed into provide.

Rules the schema holds on its own, whatever the code above it does:

* a tranche of a project is paid once (primary key), for more than zero cents;
* payments, milestones, corrections and amendments are never updated or deleted; a
  payment or a milestone changes by a correction, numbered 1, 2, ... after it, which
  carries its reason (and, for a payment, the signed difference to the figure it
  corrects); what is in force is the last correction (views ``effective_payment`` and
  ``effective_milestone``);
* the payments of a project never add up to more than its award ceiling: its award in
  the adopted run, or its latest amendment against that adoption (view
  ``award_ceiling``); an amendment never brings the award below what was paid, and no
  adoption leaves a project awarded less than it was paid;
* a forced payment carries its reason;
* one monitoring report per project and report date; counts are never negative.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace

from slrbcall.store.backend import Connection
from slrbcall.store.migrations import CORRECTIONS_AMENDMENTS_MIGRATION, FOLLOWUP_MIGRATION

__all__ = [
    "CORRECTIONS_AMENDMENTS_MIGRATION",
    "FOLLOWUP_MIGRATION",
    "FollowupReads",
    "FollowupWrites",
    "StoredAmendment",
    "StoredMilestone",
    "StoredMilestoneEntry",
    "StoredPayment",
    "StoredPaymentEntry",
    "StoredProposal",
    "StoredReport",
]


@dataclass(frozen=True, slots=True)
class StoredMilestone:
    """A project's milestone as it stands: ``key`` is canonical (``yearly_report:2``);
    ``corrections`` counts the corrections of its date (the last one is in force)."""

    reference: str
    key: str
    on_date: str  # ISO date
    note: str | None = None
    corrections: int = 0


@dataclass(frozen=True, slots=True)
class StoredMilestoneEntry:
    """One entry of a milestone's history: as recorded (``number`` 0), or a correction
    (1, 2, ...) with the date it corrected and its reason."""

    reference: str
    key: str
    number: int
    on_date: str
    previous_date: str | None
    note: str | None
    reason: str | None
    recorded_at: str


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
    corrections: int = 0  # the date and amount are those of the last correction
    recorded_by: str | None = None  # who recorded it (who proposed it, when approved)
    approved_by: str | None = None  # who approved it, when it was proposed above a threshold


@dataclass(frozen=True, slots=True)
class StoredProposal:
    """A payment proposed above the call's threshold (``payments approve`` pays it),
    not approved yet: it counts against the award, not as paid."""

    reference: str
    tranche: int
    paid_on: str  # ISO date
    amount_cents: int
    forced: bool
    reason: str | None
    note: str | None
    source: str
    proposed_by: str
    recorded_at: str = ""

    @classmethod
    def of(cls, payment: StoredPayment, *, proposed_by: str) -> StoredProposal:
        """``payment``, proposed by ``proposed_by`` rather than paid."""
        return cls(
            payment.reference,
            payment.tranche,
            payment.paid_on,
            payment.amount_cents,
            payment.forced,
            payment.reason,
            payment.note,
            payment.source,
            proposed_by,
        )


@dataclass(frozen=True, slots=True)
class StoredPaymentEntry:
    """One entry of a tranche's history: the payment as recorded (``number`` 0), or a
    correction (1, 2, ...): the amount and date it sets, and the signed difference to
    the amount in force before it. The entries' amounts of a tranche add up as
    ``first amount + sum of the differences == the amount in force``."""

    reference: str
    tranche: int
    number: int
    paid_on: str
    amount_cents: int
    difference_cents: int
    forced: bool
    reason: str | None
    note: str | None
    source: str
    recorded_at: str


@dataclass(frozen=True, slots=True)
class StoredAmendment:
    """An amendment to a project's convention, against adoption ``adoption_id``:
    the award ``amount_cents`` (was ``previous_amount_cents``), the end date in force
    after it, the amount of every tranche (paid ones as paid), and what was paid when
    it was recorded (in all, and the tranches paid)."""

    reference: str
    number: int
    adoption_id: int
    on_date: str
    amount_cents: int
    previous_amount_cents: int
    end_date: str | None
    previous_end_date: str | None
    tranche_cents: tuple[int, ...]
    shares: tuple[str, ...] | None  # the percents given for the unpaid tranches, if any
    paid_cents: int
    paid_tranches: tuple[int, ...]
    reason: str
    recorded_at: str


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

    _conn: Connection

    def milestones(self, call_id: str) -> list[StoredMilestone]:
        """Every recorded milestone, with its corrected date (view ``effective_milestone``)."""
        rows = self._conn.execute(
            "SELECT reference, key, on_date, note, corrections FROM effective_milestone"
            " WHERE call_id = ? ORDER BY reference, on_date, key",
            (call_id,),
        ).fetchall()
        return [StoredMilestone(*row) for row in rows]

    def milestone_entries(self, call_id: str) -> list[StoredMilestoneEntry]:
        """Every milestone as recorded and each of its corrections, in order."""
        rows = self._conn.execute(
            "SELECT reference, key, 0, on_date, NULL, note, NULL, recorded_at"
            " FROM followup_milestone WHERE call_id = ?"
            " UNION ALL SELECT reference, key, number, on_date, previous_date, note, reason,"
            " recorded_at FROM milestone_correction WHERE call_id = ?"
            " ORDER BY 1, 2, 3",
            (call_id, call_id),
        ).fetchall()
        return [StoredMilestoneEntry(*row) for row in rows]

    def effective_payments(self, call_id: str) -> list[StoredPayment]:
        """Each tranche paid, as it stands after its corrections; a reversed payment is
        here with 0 cents (view ``effective_payment``)."""
        rows = self._conn.execute(
            "SELECT p.reference, p.tranche, e.paid_on, e.amount_cents, p.forced, p.reason,"
            " p.note, p.source, e.corrections, p.recorded_by, p.approved_by"
            " FROM payment p JOIN effective_payment e"
            " ON e.call_id = p.call_id AND e.reference = p.reference AND e.tranche = p.tranche"
            " WHERE p.call_id = ? ORDER BY p.reference, p.tranche",
            (call_id,),
        ).fetchall()
        return [StoredPayment(r[0], r[1], r[2], r[3], bool(r[4]), *r[5:11]) for r in rows]

    def pending_payments(self, call_id: str) -> list[StoredProposal]:
        """The payments proposed above the call's threshold and not approved yet."""
        rows = self._conn.execute(
            "SELECT reference, tranche, paid_on, amount_cents, forced, reason, note, source,"
            " proposed_by, recorded_at FROM pending_payment WHERE call_id = ?"
            " ORDER BY reference, tranche",
            (call_id,),
        ).fetchall()
        return [StoredProposal(r[0], r[1], r[2], r[3], bool(r[4]), *r[5:10]) for r in rows]

    def payments(self, call_id: str) -> list[StoredPayment]:
        """The payments in force: corrected, and without the reversed ones."""
        return [p for p in self.effective_payments(call_id) if p.amount_cents > 0]

    def payment_entries(self, call_id: str) -> list[StoredPaymentEntry]:
        """Every payment as recorded and each of its corrections, in order."""
        rows = self._conn.execute(
            "SELECT reference, tranche, 0, paid_on, amount_cents, amount_cents, forced,"
            " reason, note, source, recorded_at FROM payment WHERE call_id = ?"
            " UNION ALL SELECT reference, tranche, number, paid_on, amount_cents,"
            " difference_cents, 0, reason, note, 'command', recorded_at"
            " FROM payment_correction WHERE call_id = ? ORDER BY 1, 2, 3",
            (call_id, call_id),
        ).fetchall()
        return [
            StoredPaymentEntry(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), *r[7:11])
            for r in rows
        ]

    def amendments(self, call_id: str) -> list[StoredAmendment]:
        """Every amendment of the call, against any adoption, by project and number."""
        rows = self._conn.execute(
            "SELECT reference, number, adoption_id, on_date, amount_cents,"
            " previous_amount_cents, end_date, previous_end_date, tranches_json, shares_json,"
            " paid_cents, paid_tranches_json, reason, recorded_at FROM amendment"
            " WHERE call_id = ? ORDER BY reference, number",
            (call_id,),
        ).fetchall()
        return [
            StoredAmendment(
                reference=r[0],
                number=r[1],
                adoption_id=r[2],
                on_date=r[3],
                amount_cents=r[4],
                previous_amount_cents=r[5],
                end_date=r[6],
                previous_end_date=r[7],
                tranche_cents=tuple(int(c) for c in json.loads(r[8])),
                shares=None if r[9] is None else tuple(str(x) for x in json.loads(r[9])),
                paid_cents=r[10],
                paid_tranches=tuple(int(n) for n in json.loads(r[11])),
                reason=r[12],
                recorded_at=r[13],
            )
            for r in rows
        ]

    def award_ceilings(self, call_id: str) -> dict[str, int]:
        """reference -> the most the project may be paid (view ``award_ceiling``), for
        every project of the adopted run with an award above zero."""
        rows = self._conn.execute(
            "SELECT reference, amount_cents FROM award_ceiling"
            " WHERE call_id = ? AND amount_cents > 0 ORDER BY reference",
            (call_id,),
        ).fetchall()
        return {str(r[0]): int(r[1]) for r in rows}

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
    actor: str

    def add_milestone(self, call_id: str, milestone: StoredMilestone) -> None:
        """Record a milestone reached. The schema refuses a second record of it: a
        recorded milestone changes only by :meth:`add_milestone_correction`."""
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

    def add_milestone_correction(
        self, call_id: str, entry: StoredMilestoneEntry
    ) -> StoredMilestoneEntry:
        """Record a correction of a milestone's date; the schema checks that it follows
        the last entry (its number and the date it corrects). Returns it as stored."""
        self._conn.execute(
            "INSERT INTO milestone_correction (call_id, reference, key, number, on_date,"
            " previous_date, note, reason, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                call_id,
                entry.reference,
                entry.key,
                entry.number,
                entry.on_date,
                entry.previous_date,
                entry.note,
                entry.reason,
                self.at,
            ),
        )
        return replace(entry, recorded_at=self.at)

    def add_payment_correction(self, call_id: str, entry: StoredPaymentEntry) -> StoredPaymentEntry:
        """Record a correction of a payment. The schema refuses one that does not
        follow the last entry (its number, its difference) or that would bring the
        project's payments above its award ceiling. Returns it as stored."""
        self._conn.execute(
            "INSERT INTO payment_correction (call_id, reference, tranche, number, paid_on,"
            " amount_cents, difference_cents, reason, note, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                call_id,
                entry.reference,
                entry.tranche,
                entry.number,
                entry.paid_on,
                entry.amount_cents,
                entry.difference_cents,
                entry.reason,
                entry.note,
                self.at,
            ),
        )
        return replace(entry, recorded_at=self.at)

    def add_amendment(self, call_id: str, amendment: StoredAmendment) -> StoredAmendment:
        """Record an amendment. The schema refuses one out of order, against another
        adoption than the one in force, from another award than the one in force,
        whose tranches do not add up to its amount, or below what was paid."""
        self._conn.execute(
            "INSERT INTO amendment (call_id, reference, number, adoption_id, on_date,"
            " amount_cents, previous_amount_cents, end_date, previous_end_date,"
            " tranches_json, shares_json, paid_cents, paid_tranches_json, reason, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                call_id,
                amendment.reference,
                amendment.number,
                amendment.adoption_id,
                amendment.on_date,
                amendment.amount_cents,
                amendment.previous_amount_cents,
                amendment.end_date,
                amendment.previous_end_date,
                json.dumps(list(amendment.tranche_cents)),
                None if amendment.shares is None else json.dumps(list(amendment.shares)),
                amendment.paid_cents,
                json.dumps(list(amendment.paid_tranches)),
                amendment.reason,
                self.at,
            ),
        )
        return replace(amendment, recorded_at=self.at)

    def add_payment(self, call_id: str, payment: StoredPayment) -> None:
        """Record a payment (by this transaction's actor, unless it names who recorded
        it). The schema refuses a second payment of a tranche, a total above the award,
        and a proposed payment paid otherwise than proposed or approved by who proposed
        it; the caller checks them first, to say why."""
        self._conn.execute(
            "INSERT INTO payment (call_id, reference, tranche, paid_on, amount_cents, forced,"
            " reason, note, source, recorded_at, recorded_by, approved_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                payment.recorded_by or self.actor,
                payment.approved_by,
            ),
        )

    def add_payment_proposal(self, call_id: str, proposal: StoredProposal) -> None:
        """Record a payment proposed above the call's threshold, by this transaction's
        actor. The schema refuses one of a paid or proposed tranche, or above the award
        with what is paid and proposed."""
        self._conn.execute(
            "INSERT INTO payment_proposal (call_id, reference, tranche, paid_on, amount_cents,"
            " forced, reason, note, source, proposed_by, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                call_id,
                proposal.reference,
                proposal.tranche,
                proposal.paid_on,
                proposal.amount_cents,
                int(proposal.forced),
                proposal.reason,
                proposal.note,
                proposal.source,
                self.actor,
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
