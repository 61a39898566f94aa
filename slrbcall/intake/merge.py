"""Applications between the domain and the workspace: rows in, rows out, intake merge.

The store keeps plain rows; this module turns them into :class:`Application` values
and back, gives each its content hash, and decides what an intake changes (new,
changed, unchanged, and which statuses move) so that the service only has to write it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slrbcall.intake.eligibility import rule_breaks
from slrbcall.model import Application, ApplicationStatus, Lang, Reason
from slrbcall.store.migrations import APPLICATION_COLUMNS, APPLICATION_FIELDS

if TYPE_CHECKING:
    from slrbcall.calls.registry import Registry
    from slrbcall.model import Call

__all__ = [
    "Merge",
    "changed_fields",
    "content_sha256",
    "content_values",
    "from_row",
    "from_values",
    "merge",
    "reasons_json",
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
        app.partner_address,
        app.partner_iban,
        app.partner_representative,
        app.received_date.isoformat() if app.received_date else None,
        app.second_housing_company,
        app.commune,
    )


def row_values(app: Application) -> tuple[Any, ...]:
    """The stored form of an application, in ``APPLICATION_COLUMNS`` order."""
    return (
        *content_values(app),
        app.status.value,
        reasons_json(app.reasons),
        app.source_row,
    )


#: How many content fields the earlier versions hashed: the fields added since
#: (the partner's address, ...) count only when they hold something.
_FIRST_FIELDS = 16


def content_sha256(content: Sequence[Any]) -> str:
    """SHA-256 of the content (:func:`content_values`) as a JSON array.

    The same data gives the same hash however the file was saved: the values are
    normalised before (NFC text, exact cents, ISO dates). Empty fields added after the
    first sixteen are left out, so that an application stored by an earlier version
    keeps its hash.
    """
    values = list(content)
    while len(values) > _FIRST_FIELDS and values[-1] is None:
        values.pop()
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()


def reasons_json(reasons: Sequence[Reason]) -> str:
    return json.dumps([{"code": r.code, "message": r.message} for r in reasons], ensure_ascii=False)


def from_row(row: Mapping[str, Any]) -> Application:
    """An application from its stored row (a mapping of ``APPLICATION_COLUMNS``)."""
    return from_values(tuple(row[name] for name in APPLICATION_COLUMNS))


def from_values(values: Sequence[Any]) -> Application:
    """An application from its stored form, in ``APPLICATION_COLUMNS`` order."""
    (
        reference,
        applicant,
        applicant_name,
        title,
        requested_cents,
        language,
        partner,
        partner_enterprise_number,
        theme,
        theme_text,
        duration_months,
        start_date,
        residents_targeted,
        contact_name,
        contact_email,
        summary,
        partner_address,
        partner_iban,
        partner_representative,
        received_date,
        second_housing_company,
        commune,
        status,
        reasons,
        source_row,
    ) = values
    return Application(
        reference=reference,
        applicant=applicant,
        applicant_name=applicant_name,
        title=title,
        requested_cents=requested_cents,
        language=Lang(language),
        partner=partner,
        partner_enterprise_number=partner_enterprise_number,
        theme=theme,
        theme_text=theme_text,
        duration_months=duration_months,
        start_date=dt.date.fromisoformat(start_date) if start_date else None,
        residents_targeted=residents_targeted,
        contact_name=contact_name,
        contact_email=contact_email,
        summary=summary,
        partner_address=partner_address,
        partner_iban=partner_iban,
        partner_representative=partner_representative,
        received_date=dt.date.fromisoformat(received_date) if received_date else None,
        second_housing_company=second_housing_company,
        commune=commune,
        status=ApplicationStatus(status),
        reasons=tuple(Reason(r["code"], r["message"]) for r in json.loads(reasons)),
        source_row=source_row,
    )


@dataclass(frozen=True, slots=True)
class Merge:
    """What taking in a file changes, against what is stored.

    ``applications`` is every application of the file, assessed, in reference order.
    ``added``, ``changed`` and ``unchanged`` are those of the file, assessed, in the
    file's order; ``moved`` the stored applications (not in the file) whose status the
    file changes, re-assessed, e.g. an applicant's third application makes a stored
    one exceed the limit. ``before`` holds the stored row of each changed and moved
    application, by reference.
    """

    applications: tuple[Application, ...]
    added: tuple[Application, ...]
    changed: tuple[Application, ...]
    unchanged: tuple[Application, ...]
    moved: tuple[Application, ...]
    before: Mapping[str, Mapping[str, Any]]
    #: Decided applications whose row the file changes: refused, nothing is stored.
    frozen_changed: tuple[Application, ...] = ()
    #: Decided applications the call would now judge otherwise: they keep their status.
    frozen_status: tuple[Application, ...] = ()


def merge(
    incoming: Sequence[Application],
    stored_rows: Sequence[Mapping[str, Any]],
    *,
    call: Call,
    registry: Registry,
    frozen: Collection[str] = (),
) -> Merge:
    """Combine a file with what is stored, and re-assess the whole call.

    An application of the file is changed when its content (:func:`content_values`)
    differs from the stored one, or when its status or reasons do; the same data
    taken in again changes nothing. Stored applications keep their place in the
    assessment (e.g. an applicant's limit counts them), and move status only when the
    file makes them.

    The ``frozen`` references are decided: a file may not change their content (they
    are listed in ``frozen_changed`` for the caller to refuse), and they keep their
    stored status and reasons whatever the assessment says now (``frozen_status``).
    """
    in_file = {app.reference for app in incoming}
    kept = [from_row(row) for row in stored_rows if row["reference"] not in in_file]
    breaks = rule_breaks([*kept, *incoming], call=call, registry=registry)

    def assessed(index: int, app: Application) -> Application:
        reasons = breaks.get(index, ())
        status = ApplicationStatus.INELIGIBLE if reasons else ApplicationStatus.ELIGIBLE
        return dataclasses.replace(app, status=status, reasons=reasons)

    stored = {row["reference"]: row for row in stored_rows}
    added, changed, unchanged = [], [], []
    frozen_changed: list[Application] = []
    frozen_status: list[Application] = []
    for index, app in enumerate(incoming, start=len(kept)):
        now = assessed(index, app)
        before = stored.get(now.reference)
        if before is None:
            added.append(now)
        elif now.reference in frozen and _content(before) != content_values(now):
            frozen_changed.append(now)
        elif now.reference in frozen:
            kept_as_decided = dataclasses.replace(from_row(before), source_row=now.source_row)
            if _differs(before, now):
                frozen_status.append(now)
            unchanged.append(kept_as_decided)
        elif _differs(before, now):
            changed.append(now)
        else:
            unchanged.append(now)
    moved: list[Application] = []
    for index, app in enumerate(kept):
        now = assessed(index, app)
        if now.status is app.status and _same_reasons(
            stored[app.reference]["reasons_json"], reasons_json(now.reasons)
        ):
            continue
        (frozen_status if app.reference in frozen else moved).append(now)
    return Merge(
        applications=tuple(sorted([*added, *changed, *unchanged], key=lambda a: a.reference)),
        added=tuple(added),
        changed=tuple(changed),
        unchanged=tuple(unchanged),
        moved=tuple(moved),
        before={
            app.reference: stored[app.reference] for app in (*changed, *moved, *frozen_changed)
        },
        frozen_changed=tuple(frozen_changed),
        frozen_status=tuple(frozen_status),
    )


def changed_fields(before: Mapping[str, Any], now: Application) -> list[str]:
    """The content fields of ``now`` that differ from its stored row, in field order."""
    return [
        name
        for name, old, new in zip(
            APPLICATION_FIELDS, _content(before), content_values(now), strict=True
        )
        if old != new
    ]


def _content(row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(row[name] for name in APPLICATION_FIELDS)


def _differs(before: Mapping[str, Any], now: Application) -> bool:
    """Whether the stored row ``before`` says something else than ``now``."""
    return (
        _content(before) != content_values(now)
        or before["status"] != now.status.value
        or not _same_reasons(before["reasons_json"], reasons_json(now.reasons))
    )


def _same_reasons(stored: str, now: str) -> bool:
    """Whether two encoded reason lists say the same (the stored one may predate a
    change in how reasons are encoded)."""
    return stored == now or json.loads(stored) == json.loads(now)
