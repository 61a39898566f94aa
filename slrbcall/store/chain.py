"""The audit trail as hash chains: each row holds the SHA-256 of its content and of the
row before it in its chain, so that a row edited, removed or inserted by hand is found.

There is one chain per call (the first part of a row's key, ``call/...``; the rows of no
call form the chain ``''``): the writes of one call are serialized (one transaction at
a time per call, also on PostgreSQL), so each chain grows in the order of its row ids,
and officers working on different calls never wait for each other's audit.

A row's digest is the SHA-256 of its fields as a JSON array (:data:`HASHED`, in that
order, with the previous row's digest last): the same on SQLite and PostgreSQL, so a
workspace copied from one to the other keeps its chains. The first row of a chain
follows :data:`GENESIS`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slrbcall.i18n import _

__all__ = [
    "GENESIS",
    "HASHED",
    "AuditEntry",
    "ChainBreak",
    "chain_of",
    "digest",
    "first_break",
]

#: One audit row to write: (action, entity, key, before, after).
AuditEntry = tuple[str, str, str | None, Mapping[str, Any] | None, Mapping[str, Any] | None]

#: What the first row of every chain follows.
GENESIS = "0" * 64

#: The columns of an audit row that its digest covers, in order (then ``prev_sha256``).
HASHED = (
    "id",
    "chain",
    "at",
    "command",
    "action",
    "entity",
    "entity_key",
    "before_json",
    "after_json",
    "input_file",
    "input_sha256",
    "tool_version",
    "actor",
    "reason",
)


def chain_of(key: str | None) -> str:
    """The chain of an audit row: the call its key starts with (``call/...``)."""
    return "" if key is None else key.split("/", 1)[0]


def digest(fields: Sequence[Any], prev: str) -> str:
    """The SHA-256 (hex) of a row: its :data:`HASHED` fields and the previous digest."""
    text = json.dumps([*fields, prev], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first audit row whose chain does not hold, and why: its content was
    ``changed``, or it does not follow the row before it in its chain (``follows``: that
    row's id, None for the start of the chain), which was removed, or a row was added.

    Its ``str()`` is the officer's sentence, in their language."""

    row_id: int
    chain: str
    changed: bool
    follows: int | None = None

    @property
    def why(self) -> str:
        if self.changed:
            return _("its content is not what was recorded (it was changed)")
        if self.follows is None:
            return _(
                "it does not follow the start of its chain: a row before it was removed or added"
            )
        return _("it does not follow row {row}: a row before it was removed or added").format(
            row=self.follows
        )

    def __str__(self) -> str:
        if self.chain:
            told = _("audit row {row} (the chain of {chain}): {why}")
        else:
            told = _("audit row {row} (the workspace's own chain): {why}")
        return told.format(row=self.row_id, chain=self.chain, why=self.why)


def first_break(rows: Iterable[Sequence[Any]]) -> ChainBreak | None:
    """The first row, by id, whose chain does not hold, or None when every chain holds.

    ``rows`` are in id order: the :data:`HASHED` fields, then ``prev_sha256`` and
    ``row_sha256``. A row whose digest is not that of its content was changed; a row
    whose ``prev_sha256`` is not its predecessor's digest follows a row that was
    removed, inserted or changed (the row it names is gone).
    """
    heads: dict[str, tuple[int, str]] = {}
    width = len(HASHED)
    for row in rows:
        fields, prev, own = row[:width], row[width], row[width + 1]
        row_id, chain = int(fields[0]), str(fields[1])
        before = heads.get(chain)
        expected = GENESIS if before is None else before[1]
        if prev != expected:
            return ChainBreak(
                row_id, chain, changed=False, follows=None if before is None else before[0]
            )
        if digest(fields, prev) != own:
            return ChainBreak(row_id, chain, changed=True)
        heads[chain] = (row_id, own)
    return None


#: Rows read and written at a time when a whole trail is chained (a migration, a copy).
_BATCH = 10_000


def rechain(conn: Any, *, source: str, target: str) -> None:
    """Copy the audit rows of table ``source`` into ``target``, in id order, each with its
    chain, the digest of the row before it and its own digest (the migration that
    chains the rows recorded before chains existed). ``conn`` is a DB-API connection
    whose placeholders are ``?``; rows go in batches, so a trail of millions fits."""
    columns = ", ".join(c for c in HASHED if c != "chain")
    cursor = conn.execute(f"SELECT {columns} FROM {source} ORDER BY id")
    heads: dict[str, str] = {}
    insert = (
        f"INSERT INTO {target} ({', '.join(HASHED)}, prev_sha256, row_sha256)"
        f" VALUES ({', '.join('?' * (len(HASHED) + 2))})"
    )
    while batch := cursor.fetchmany(_BATCH):
        out = []
        for row in batch:
            fields = (row[0], chain_of(row[5]), *row[1:])
            prev = heads.get(fields[1], GENESIS)
            own = digest(fields, prev)
            heads[fields[1]] = own
            out.append((*fields, prev, own))
        conn.executemany(insert, out)
