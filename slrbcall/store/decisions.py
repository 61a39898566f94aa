"""Queries on the committee's marks, the allocation runs, their adoptions and reserve
lists, and the withdrawals."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slrbcall.store.backend import Connection

__all__ = [
    "DecisionReads",
    "DecisionWrites",
    "StoredAdoption",
    "StoredMark",
    "StoredReserveEntry",
    "StoredRun",
    "StoredWithdrawal",
]


@dataclass(frozen=True, slots=True)
class StoredMark:
    reference: str
    reviewer: str
    criterion: str
    mark: str  # the exact decimal, as text
    comment: str | None
    source_file: str
    source_place: str


@dataclass(frozen=True, slots=True)
class StoredRun:
    """One stored allocation run: a proposal until an adoption names it."""

    id: int
    call_id: str
    at: str
    policy: str
    parameters: dict[str, Any]
    input_sha256: str
    tool_version: str
    budget_cents: int
    awarded_cents: int
    result: dict[str, Any]
    proposed_by: str | None = None  # the actor of the allocate or reallocate that stored it


@dataclass(frozen=True, slots=True)
class StoredAdoption:
    """One recorded adoption: from then on, ``run_id`` is the call's decision."""

    id: int
    call_id: str
    run_id: int
    at: str
    reason: str | None
    superseded_run_id: int | None  # the adopted run it replaced despite its commitments
    adopted_by: str | None = None


@dataclass(frozen=True, slots=True)
class StoredWithdrawal:
    """An applicant's renunciation of one application, as recorded."""

    reference: str
    on_date: str  # ISO date
    reason: str
    recorded_at: str


@dataclass(frozen=True, slots=True)
class StoredReserveEntry:
    """One place on the reserve list frozen with an adoption (``position`` from 1)."""

    position: int
    reference: str
    rank: int  # in the adopted ranking


_RUN_COLUMNS = (
    "id, call_id, at, policy, parameters_json, input_sha256, tool_version,"
    " budget_cents, awarded_cents, result_json, proposed_by"
)


def _run(r: Sequence[Any]) -> StoredRun:
    return StoredRun(
        id=r[0],
        call_id=r[1],
        at=r[2],
        policy=r[3],
        parameters=json.loads(r[4]),
        input_sha256=r[5],
        tool_version=r[6],
        budget_cents=r[7],
        awarded_cents=r[8],
        result=json.loads(r[9]),
        proposed_by=r[10],
    )


class DecisionQueries:
    """Reads that both a transaction and an open workspace offer."""

    _conn: Connection

    def marks(self, call_id: str) -> list[StoredMark]:
        rows = self._conn.execute(
            "SELECT reference, reviewer, criterion, mark, comment, source_file, source_place"
            " FROM mark WHERE call_id = ? ORDER BY reference, reviewer, criterion",
            (call_id,),
        ).fetchall()
        return [StoredMark(*row) for row in rows]

    def runs(self, call_id: str) -> list[StoredRun]:
        """The stored allocation runs of a call, oldest first."""
        rows = self._conn.execute(
            f"SELECT {_RUN_COLUMNS} FROM allocation_run WHERE call_id = ? ORDER BY id",
            (call_id,),
        ).fetchall()
        return [_run(r) for r in rows]

    def adopted_run(self, call_id: str) -> StoredRun | None:
        """The run of the call's latest adoption: its decision (None before any)."""
        row = self._conn.execute(
            f"SELECT {_RUN_COLUMNS} FROM allocation_run"
            " WHERE id = (SELECT run_id FROM adopted_run WHERE call_id = ?)",
            (call_id,),
        ).fetchone()
        return None if row is None else _run(row)

    def decisions(self, run_id: int) -> dict[str, tuple[int, str]]:
        """A run's decision rows: reference -> (amount in cents, decision)."""
        rows = self._conn.execute(
            "SELECT reference, amount_cents, decision FROM allocation_decision WHERE run_id = ?",
            (run_id,),
        ).fetchall()
        return {row[0]: (row[1], row[2]) for row in rows}

    def adoptions(self, call_id: str) -> list[StoredAdoption]:
        """Every adoption of the call, oldest first: the last one is in force."""
        rows = self._conn.execute(
            "SELECT id, call_id, run_id, at, reason, superseded_run_id, adopted_by"
            " FROM allocation_adoption WHERE call_id = ? ORDER BY id",
            (call_id,),
        ).fetchall()
        return [StoredAdoption(*row) for row in rows]

    def references(self, call_id: str) -> list[str]:
        """The references of the call's applications, in code-point order."""
        rows = self._conn.execute(
            "SELECT reference FROM application WHERE call_id = ? ORDER BY reference", (call_id,)
        ).fetchall()
        return [row[0] for row in rows]

    def reserve(self, adoption_id: int) -> list[StoredReserveEntry]:
        """The reserve list frozen with an adoption, in its order."""
        rows = self._conn.execute(
            "SELECT position, reference, rank FROM allocation_reserve WHERE adoption_id = ?"
            " ORDER BY position",
            (adoption_id,),
        ).fetchall()
        return [StoredReserveEntry(*row) for row in rows]

    def withdrawals(self, call_id: str) -> list[StoredWithdrawal]:
        """The call's withdrawals, in the order they were recorded."""
        rows = self._conn.execute(
            "SELECT reference, on_date, reason, recorded_at FROM withdrawal WHERE call_id = ?"
            " ORDER BY id",
            (call_id,),
        ).fetchall()
        return [StoredWithdrawal(*row) for row in rows]


class DecisionWrites(DecisionQueries):
    at: str
    actor: str

    def put_mark(
        self,
        call_id: str,
        mark: StoredMark,
    ) -> str:
        """Insert or update one mark; ``added``, ``changed`` or ``unchanged``."""
        before = self._conn.execute(
            "SELECT mark, comment FROM mark WHERE call_id = ? AND reference = ? AND reviewer = ?"
            " AND criterion = ?",
            (call_id, mark.reference, mark.reviewer, mark.criterion),
        ).fetchone()
        if before is None:
            self._conn.execute(
                "INSERT INTO mark (call_id, reference, reviewer, criterion, mark, comment,"
                " source_file, source_place, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    call_id,
                    mark.reference,
                    mark.reviewer,
                    mark.criterion,
                    mark.mark,
                    mark.comment,
                    mark.source_file,
                    mark.source_place,
                    self.at,
                    self.at,
                ),
            )
            return "added"
        if tuple(before) == (mark.mark, mark.comment):
            return "unchanged"
        self._conn.execute(
            "UPDATE mark SET mark = ?, comment = ?, source_file = ?, source_place = ?,"
            " updated_at = ? WHERE call_id = ? AND reference = ? AND reviewer = ?"
            " AND criterion = ?",
            (
                mark.mark,
                mark.comment,
                mark.source_file,
                mark.source_place,
                self.at,
                call_id,
                mark.reference,
                mark.reviewer,
                mark.criterion,
            ),
        )
        return "changed"

    def add_run(
        self,
        call_id: str,
        *,
        policy: str,
        parameters: Mapping[str, Any],
        input_sha256: str,
        tool_version: str,
        budget_cents: int,
        awarded_cents: int,
        result: Mapping[str, Any],
        decisions: Sequence[tuple[str, int | None, int, str, str, str]],
    ) -> int:
        """Store a run and its decisions (reference, rank, amount, decision, reason, text)."""
        cursor = self._conn.execute(
            "INSERT INTO allocation_run (call_id, at, policy, parameters_json, input_sha256,"
            " tool_version, budget_cents, awarded_cents, result_json, proposed_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                call_id,
                self.at,
                policy,
                json.dumps(parameters, sort_keys=True, ensure_ascii=False),
                input_sha256,
                tool_version,
                budget_cents,
                awarded_cents,
                json.dumps(result, ensure_ascii=False),
                self.actor,
            ),
        )
        run_id = int(cursor.fetchone()[0])
        self._conn.executemany(
            "INSERT INTO allocation_decision (run_id, reference, rank, amount_cents, decision,"
            " reason, explanation) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(run_id, *decision) for decision in decisions],
        )
        return run_id

    def adopt(
        self, call_id: str, run_id: int, *, reason: str | None, superseded_run_id: int | None
    ) -> int:
        """Record that ``run_id`` is the call's decision from now on, adopted by this
        transaction's actor (in a team's workspace, never who proposed it)."""
        cursor = self._conn.execute(
            "INSERT INTO allocation_adoption (call_id, run_id, at, reason, superseded_run_id,"
            " adopted_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (call_id, run_id, self.at, reason, superseded_run_id, self.actor),
        )
        return int(cursor.fetchone()[0])

    def add_reserve(self, adoption_id: int, references: Sequence[tuple[str, int]]) -> None:
        """Freeze the reserve list of an adoption: (reference, rank), in its order."""
        self._conn.executemany(
            "INSERT INTO allocation_reserve (adoption_id, position, reference, rank)"
            " VALUES (?, ?, ?, ?)",
            [
                (adoption_id, position, reference, rank)
                for position, (reference, rank) in enumerate(references, start=1)
            ],
        )

    def add_withdrawal(self, call_id: str, reference: str, *, on_date: str, reason: str) -> None:
        """Record a withdrawal; the schema refuses a second one of the same application."""
        self._conn.execute(
            "INSERT INTO withdrawal (call_id, reference, on_date, reason, recorded_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (call_id, reference, on_date, reason, self.at),
        )


class DecisionReads(DecisionQueries):
    pass
