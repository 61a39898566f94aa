"""Applications between the domain and the workspace: rows in, rows out, intake merge.

The store keeps plain rows; this module turns them into :class:`Application` values
and back, and decides what an intake changes (new, changed, unchanged, and which
statuses move) so that the service only has to write it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from json.encoder import encode_basestring
from operator import itemgetter
from typing import TYPE_CHECKING, Any, overload

from slrbcall.intake.eligibility import Columns, rule_breaks
from slrbcall.model import Application, ApplicationStatus, Lang, Reason
from slrbcall.store.migrations import APPLICATION_COLUMNS, APPLICATION_FIELDS

if TYPE_CHECKING:
    from slrbcall.calls.registry import Registry
    from slrbcall.model import Call

__all__ = [
    "ApplicationRows",
    "AssessedRows",
    "Merge",
    "content_sha256",
    "content_sha256s",
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


def content_sha256s(columns: Sequence[Sequence[Any]]) -> list[str]:
    """:func:`content_sha256` of each content, given column by column.

    ``columns`` are the contents' columns, in ``APPLICATION_FIELDS`` order. The JSON
    texts are the encoder's, made a column at a time and then all at once: a hash per
    row through the encoder cost more than reading the cells of a large file
    (bench/intake.py). A property test holds both to the same hashes.
    """
    count = len(columns[0]) if columns else 0
    if not count:
        return []
    formats, encoded = [], []
    for column in columns:
        form, values = _encode_column(column)
        formats.append(form)
        if values is not None:
            encoded.append(values)
    # One line per content: JSON escapes every control character, so no encoded
    # value holds a line break; "%" in the values is never read as a format.
    line = "[" + ", ".join(formats) + "]\n"
    text = (line * count) % tuple(chain.from_iterable(zip(*encoded, strict=True)))
    sha256 = hashlib.sha256
    return [sha256(data).hexdigest() for data in text.encode().split(b"\n")[:-1]]


def _encode_column(column: Sequence[Any]) -> tuple[str, Sequence[Any] | None]:
    """How a column goes into the JSON text: a format and the values it takes."""
    try:  # a pass in C, which is also the check that every value is a text
        joined = "".join(column)
    except TypeError:
        joined = None
    if joined is not None:
        if _plain_text(joined):
            return '"%s"', column  # each text is its own encoding, without the quotes
        # The encoder writes a list of texts as ["a", "b"]. Inside an encoded text
        # every quote is escaped, so '", "' stands only between two texts: split
        # there, the encoded texts come back without their quotes, in one C call
        # for the column rather than one call per text.
        return '"%s"', _ENCODE(column)[2:-2].split('", "')
    kinds = set(map(type, column))
    if kinds == {int}:
        return "%d", column
    if kinds == {type(None)}:
        return "null", None
    return "%s", [_encode_value(value) for value in column]


#: What JSON escapes in a text: the quote, the backslash and the control characters
#: (as UTF-8 bytes, where no other character has a byte below 0x80).
_ESCAPED = bytes([*range(0x20), ord('"'), ord("\\")])


def _plain_text(text: str) -> bool:
    """Whether JSON writes the text as it is, between quotes (and so each of the texts
    it joins)."""
    data = text.encode()
    return len(data.translate(None, _ESCAPED)) == len(data)


def _encode_value(value: Any) -> str:
    if value is None:
        return "null"
    if value.__class__ is str:
        return encode_basestring(value)
    return _ENCODE(value)  # int, or a value a content never holds, kept exact


def reasons_json(reasons: Sequence[Reason]) -> str:
    if not reasons:  # most applications: no reason to encode
        return "[]"
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
        status=ApplicationStatus(status),
        reasons=tuple(Reason(r["code"], r["message"]) for r in json.loads(reasons)),
        source_row=source_row,
    )


@dataclass(frozen=True, slots=True)
class ApplicationRows:
    """Applications read from a file, normalised, in their stored form, column by column.

    ``columns`` holds a list per name of :data:`APPLICATION_FIELDS` (stored form: the
    language code, the ISO date), one value per application, and ``source_rows`` the
    row of each in the file. No status yet: eligibility is judged on the whole call
    when the file is merged with what is stored. Kept as columns because a large file
    is checked and stored column by column; :class:`Application` values are made only
    for what is shown.
    """

    columns: Columns
    source_rows: Sequence[int]

    def __len__(self) -> int:
        return len(self.source_rows)

    @classmethod
    def of(cls, applications: Sequence[Application]) -> ApplicationRows:
        """The rows of applications already made (tests, small files)."""
        contents = [content_values(app) for app in applications]
        columns = {
            name: [content[i] for content in contents] for i, name in enumerate(APPLICATION_FIELDS)
        }
        return cls(columns, [app.source_row for app in applications])


class AssessedRows(Sequence[Application]):
    """A file's applications as assessed, in reference order, made when read.

    Holds stored-form rows (:func:`row_values` order): a file of 100,000 applications
    is stored without making 100,000 :class:`Application` values.
    """

    __slots__ = ("_rows",)

    def __init__(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, item: int) -> Application: ...

    @overload
    def __getitem__(self, item: slice) -> list[Application]: ...

    def __getitem__(self, item: int | slice) -> Application | list[Application]:
        if isinstance(item, slice):
            return [from_values(row) for row in self._rows[item]]
        return from_values(self._rows[item])

    def __iter__(self) -> Iterator[Application]:
        return map(from_values, self._rows)

    def ineligible(self) -> list[Application]:
        """The ineligible ones, in reference order (without making the others)."""
        status = len(APPLICATION_FIELDS)
        return [from_values(row) for row in self._rows if row[status] == "ineligible"]


@dataclass(frozen=True, slots=True)
class Merge:
    """What taking in a file changes, against what is stored.

    ``added``, ``changed`` and ``unchanged`` are references of this file's
    applications; ``status_moves`` are references of stored applications (not in the
    file) whose status the file changes, e.g. an applicant's third application makes a
    stored one exceed the limit. ``added_rows`` and ``added_hashes`` hold the stored
    form (:func:`row_values` order) and the content hash of each added application, in
    the order of ``added`` (a file of new applications is inserted from them, with no
    lookup by reference); ``rows`` holds the stored form of every changed and moved
    application, ``hashes`` the content hash of every changed one, ``before`` the
    stored row of every changed and moved one. ``file_view`` is every application of
    the file, assessed, in reference order.
    """

    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    status_moves: tuple[str, ...]
    added_rows: Sequence[tuple[Any, ...]]
    added_hashes: Sequence[str]
    rows: Mapping[str, tuple[Any, ...]]
    hashes: Mapping[str, str]
    before: Mapping[str, Mapping[str, Any]]
    file_view: AssessedRows


def merge(
    incoming: ApplicationRows,
    stored_rows: Sequence[Mapping[str, Any]],
    *,
    call: Call,
    registry: Registry,
) -> Merge:
    """Combine a file with what is stored, and re-assess the whole call.

    An application of the file is changed when its content (:func:`content_values`)
    differs from the stored one, or when the file moves its status; the same data
    taken in again changes nothing. Stored applications keep their place in the
    assessment (e.g. an applicant's limit counts them), and move status only when the
    file makes them.
    """
    references = incoming.columns["reference"]
    in_file = set(references) if stored_rows else set()
    kept = [row for row in stored_rows if row["reference"] not in in_file]
    combined = (
        {
            name: [*(row[name] for row in kept), *incoming.columns[name]]
            for name in APPLICATION_FIELDS
        }
        if kept
        else incoming.columns
    )
    breaks = rule_breaks(combined, call=call, registry=registry)
    statuses = ["eligible"] * len(incoming)
    reasons = ["[]"] * len(incoming)
    for index, found in breaks.items():
        if index >= len(kept):
            statuses[index - len(kept)] = "ineligible"
            reasons[index - len(kept)] = reasons_json(found)
    after = list(
        zip(
            *(incoming.columns[name] for name in APPLICATION_FIELDS),
            statuses,
            reasons,
            incoming.source_rows,
            strict=True,
        )
    )
    stored = {row["reference"]: row for row in stored_rows}
    size = len(APPLICATION_FIELDS)
    added: list[str] = []
    changed: list[str] = []
    unchanged: list[str] = []
    if not stored:  # a first intake: every application is new
        added.extend(references)
    else:
        for reference, now in zip(references, after, strict=True):
            before = stored.get(reference)
            if before is None:
                added.append(reference)
            elif (
                tuple(before[name] for name in APPLICATION_FIELDS) != now[:size]
                or before["status"] != now[size]
                or not _same_reasons(before["reasons_json"], now[size + 1])
            ):
                changed.append(reference)
            else:
                unchanged.append(reference)
    added_rows: Sequence[tuple[Any, ...]]
    if len(added) == len(after):  # every row is new: hash them a column at a time
        added_rows = after
        added_hashes = content_sha256s([incoming.columns[name] for name in APPLICATION_FIELDS])
        rows: dict[str, tuple[Any, ...]] = {}
    else:
        by_reference = dict(zip(references, after, strict=True))
        added_rows = [by_reference[reference] for reference in added]
        added_hashes = [content_sha256(row[:size]) for row in added_rows]
        rows = {reference: by_reference[reference] for reference in changed}
    hashes = {reference: content_sha256(rows[reference][:size]) for reference in changed}
    moves = []
    for index, row in enumerate(kept):
        found = breaks.get(index, ())
        status = "ineligible" if found else "eligible"
        encoded = reasons_json(found)
        if row["status"] != status or not _same_reasons(row["reasons_json"], encoded):
            moves.append(row["reference"])
            rows[row["reference"]] = (
                *(row[name] for name in APPLICATION_FIELDS),
                status,
                encoded,
                row["source_row"],
            )
    return Merge(
        added=tuple(added),
        changed=tuple(changed),
        unchanged=tuple(unchanged),
        status_moves=tuple(moves),
        added_rows=added_rows,
        added_hashes=added_hashes,
        rows=rows,
        hashes=hashes,
        before={reference: stored[reference] for reference in (*changed, *moves)},
        file_view=AssessedRows(sorted(after, key=itemgetter(0))),
    )


def _same_reasons(stored: str, now: str) -> bool:
    """Whether two encoded reason lists say the same (the stored one may predate a
    change in how reasons are encoded)."""
    return stored == now or json.loads(stored) == json.loads(now)
