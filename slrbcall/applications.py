"""Applications between the domain and the workspace: rows in, rows out, intake merge.

The store keeps plain rows; this module turns them into :class:`Application` values
and back, and decides what an intake changes (new, changed, unchanged, and which
statuses move) so that the service only has to write it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slrbcall.eligibility import assess, content_hash
from slrbcall.model import Application, ApplicationStatus, Lang, Reason

if TYPE_CHECKING:
    from slrbcall.model import Call
    from slrbcall.registry import Registry

__all__ = ["Merge", "from_row", "merge", "to_row"]


def to_row(app: Application) -> dict[str, Any]:
    """The stored form of an application (see ``store.APPLICATION_COLUMNS``)."""
    return {
        "reference": app.reference,
        "applicant": app.applicant,
        "applicant_name": app.applicant_name,
        "title": app.title,
        "requested_cents": app.requested_cents,
        "language": app.language.value,
        "partner": app.partner,
        "partner_enterprise_number": app.partner_enterprise_number,
        "theme": app.theme,
        "theme_text": app.theme_text,
        "duration_months": app.duration_months,
        "start_date": app.start_date.isoformat() if app.start_date else None,
        "residents_targeted": app.residents_targeted,
        "contact_name": app.contact_name,
        "contact_email": app.contact_email,
        "summary": app.summary,
        "status": app.status.value,
        "reasons_json": reasons_json(app.reasons),
        "source_row": app.source_row,
    }


def reasons_json(reasons: Sequence[Reason]) -> str:
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
    is every application of the file, assessed, in reference order.
    """

    added: tuple[Application, ...]
    changed: tuple[tuple[Application, Application], ...]  # (before, after)
    unchanged: tuple[Application, ...]
    status_moves: tuple[tuple[Application, Application], ...]
    file_view: tuple[Application, ...]
    hashes: Mapping[str, str]


def merge(
    incoming: Sequence[Application],
    stored_rows: Sequence[Mapping[str, Any]],
    stored_hashes: Mapping[str, str],
    *,
    call: Call,
    registry: Registry,
) -> Merge:
    """Combine a file with what is stored, and re-assess the whole call."""
    stored = {row["reference"]: from_row(row) for row in stored_rows}
    combined = dict(stored)
    hashes: dict[str, str] = {}
    for app in incoming:
        combined[app.reference] = app
        hashes[app.reference] = content_hash(app)
    assessed = {
        app.reference: app for app in assess(list(combined.values()), call=call, registry=registry)
    }
    added, changed, unchanged, moves = [], [], [], []
    for app in incoming:
        now = assessed[app.reference]
        before = stored.get(app.reference)
        if before is None:
            added.append(now)
        elif stored_hashes.get(app.reference) != hashes[app.reference] or (
            (before.status, before.reasons) != (now.status, now.reasons)
        ):
            changed.append((before, now))
        else:
            unchanged.append(now)
    in_file = {app.reference for app in incoming}
    for reference, before in stored.items():
        now = assessed[reference]
        if reference not in in_file and (before.status, before.reasons) != (
            now.status,
            now.reasons,
        ):
            moves.append((before, now))
    view = tuple(sorted((assessed[a.reference] for a in incoming), key=lambda a: a.reference))
    return Merge(tuple(added), tuple(changed), tuple(unchanged), tuple(moves), view, hashes)
