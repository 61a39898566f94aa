"""Applications between the domain and the workspace: rows in, rows out, intake merge.

The store keeps plain rows; this module turns them into :class:`Application` values
and back, and decides what an intake changes (new, changed, unchanged, and which
statuses move) so that the service only has to write it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slrbcall.eligibility import assess
from slrbcall.migrations import APPLICATION_COLUMNS, APPLICATION_FIELDS
from slrbcall.model import Application, ApplicationStatus, Lang, Reason

if TYPE_CHECKING:
    from slrbcall.model import Call
    from slrbcall.registry import Registry

__all__ = [
    "Merge",
    "content_sha256",
    "content_values",
    "from_row",
    "merge",
    "row_values",
    "to_row",
]


def to_row(app: Application) -> dict[str, Any]:
    """The stored form of an application (see ``store.APPLICATION_COLUMNS``)."""
    return dict(zip(APPLICATION_COLUMNS, row_values(app), strict=True))


def content_values(app: Application) -> tuple[Any, ...]:
    """The content of an application in its stored form, in ``APPLICATION_FIELDS`` order.

    What an intake compares to tell a changed application, and what its content hash
    is taken over: the normalised cells, not how the file was saved.
    """
    return (
        app.reference,
        app.applicant,
        app.applicant_name,
        app.title,
        app.requested_cents,
        app.language.value,
        app.partner,
        app.partner_enterprise_number,
        app.theme,
        app.theme_text,
        app.duration_months,
        app.start_date.isoformat() if app.start_date else None,
        app.residents_targeted,
        app.contact_name,
        app.contact_email,
        app.summary,
    )


def row_values(app: Application) -> tuple[Any, ...]:
    """The stored form of an application, in ``APPLICATION_COLUMNS`` order."""
    return (
        *content_values(app),
        app.status.value,
        reasons_json(app.reasons),
        app.source_row,
    )


#: One encoder for every hash: building one per call costs more than the encoding.
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def content_sha256(content: Sequence[Any]) -> str:
    """SHA-256 of the content (:func:`content_values`) as a JSON array.

    The same data gives the same hash however the file was saved: the values are
    normalised before (NFC text, exact cents, ISO dates).
    """
    return hashlib.sha256(_ENCODE(content).encode()).hexdigest()


def reasons_json(reasons: Sequence[Reason]) -> str:
    if not reasons:  # most applications: no reason to encode
        return "[]"
    return json.dumps([{"code": r.code, "message": r.message} for r in reasons], ensure_ascii=False)


def from_row(row: Mapping[str, Any]) -> Application:
    start = row["start_date"]
    return Application(
        reference=row["reference"],
        applicant=row["applicant"],
        applicant_name=row["applicant_name"],
        title=row["title"],
        requested_cents=row["requested_cents"],
        language=Lang(row["language"]),
        partner=row["partner"],
        partner_enterprise_number=row["partner_enterprise_number"],
        theme=row["theme"],
        theme_text=row["theme_text"],
        duration_months=row["duration_months"],
        start_date=dt.date.fromisoformat(start) if start else None,
        residents_targeted=row["residents_targeted"],
        contact_name=row["contact_name"],
        contact_email=row["contact_email"],
        summary=row["summary"],
        status=ApplicationStatus(row["status"]),
        reasons=tuple(Reason(r["code"], r["message"]) for r in json.loads(row["reasons_json"])),
        source_row=row["source_row"],
    )


@dataclass(frozen=True, slots=True)
class Merge:
    """What taking in a file changes, against what is stored.

    ``added`` and ``changed`` are this file's applications, assessed; ``status_moves``
    are stored applications (not in the file) whose status the file changes, e.g. an
    applicant's third application makes a stored one exceed the limit. ``file_view``
    is every application of the file, assessed, in reference order. ``rows`` holds the
    stored form (:func:`row_values`) and ``hashes`` the content hash of every added
    and changed application.
    """

    added: tuple[Application, ...]
    changed: tuple[tuple[Application, Application], ...]  # (before, after)
    unchanged: tuple[Application, ...]
    status_moves: tuple[tuple[Application, Application], ...]
    file_view: tuple[Application, ...]
    rows: Mapping[str, tuple[Any, ...]]
    hashes: Mapping[str, str]


def merge(
    incoming: Sequence[Application],
    stored_rows: Sequence[Mapping[str, Any]],
    *,
    call: Call,
    registry: Registry,
) -> Merge:
    """Combine a file with what is stored, and re-assess the whole call.

    An application of the file is changed when its content (:func:`content_values`)
    differs from the stored one, or when the file moves its status; the same data
    taken in again changes nothing.
    """
    stored = {row["reference"]: from_row(row) for row in stored_rows}
    stored_content = {
        row["reference"]: tuple(row[key] for key in APPLICATION_FIELDS) for row in stored_rows
    }
    combined = dict(stored)
    contents: dict[str, tuple[Any, ...]] = {}
    for app in incoming:
        combined[app.reference] = app
        contents[app.reference] = content_values(app)
    assessed = {
        app.reference: app for app in assess(list(combined.values()), call=call, registry=registry)
    }
    added, changed, unchanged, moves = [], [], [], []
    for app in incoming:
        now = assessed[app.reference]
        before = stored.get(app.reference)
        if before is None:
            added.append(now)
        elif stored_content[app.reference] != contents[app.reference] or (
            (before.status, before.reasons) != (now.status, now.reasons)
        ):
            changed.append((before, now))
        else:
            unchanged.append(now)
    rows, hashes = {}, {}
    for app in (*added, *(after for _, after in changed)):
        content = contents[app.reference]
        rows[app.reference] = (
            *content,
            app.status.value,
            reasons_json(app.reasons),
            app.source_row,
        )
        hashes[app.reference] = content_sha256(content)
    in_file = {app.reference for app in incoming}
    for reference, before in stored.items():
        now = assessed[reference]
        if reference not in in_file and (before.status, before.reasons) != (
            now.status,
            now.reasons,
        ):
            moves.append((before, now))
    view = tuple(sorted((assessed[a.reference] for a in incoming), key=lambda a: a.reference))
    return Merge(tuple(added), tuple(changed), tuple(unchanged), tuple(moves), view, rows, hashes)
