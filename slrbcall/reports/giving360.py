"""Open data: the funded grants in the 360Giving Data Standard, as JSON or CSV.

:func:`grants_360` turns the adopted allocation into one flat record per FUNDED grant,
keyed by the standard's spreadsheet column titles (:data:`COLUMNS`, in that order;
``None`` where a value is unknown). :func:`validate_360` lists what would make the
file invalid; :func:`write_360_json` and :func:`write_360_csv` refuse to write
(:class:`~slrbcall.errors.RefusedError`) while there is any problem, and write
atomically otherwise.

Choices, where the standard leaves room:

- **Identifiers.** A grant is ``{prefix}-{call id}-{reference}``. An organisation is
  ``BE-BCE_KBO-<10 digits>`` (the org-id.guide scheme of the Belgian Crossroads Bank
  for Enterprises) when its enterprise number is known; otherwise, since none is ever
  invented, ``{prefix}-org-{registry key}``, an identifier of the publisher's own, as
  the standard allows for organisations without a registered number.
- **Language.** A dataset speaks one language, ``lang`` (the call's ``open_data:
  language``, or the export's ``--lang``): the funder's and each recipient's name, the
  programme's title and the beneficiary location are in it, whatever the language of
  each project. The standard has no field for a second name; it accepts additional
  fields, so the other language's name of an organisation goes in ``Recipient
  Org:Alternate Name`` / ``Funding Org:Alternate Name`` (``alternateName``, the
  schema.org term). The grant's title and description stay as the applicant wrote them.
- **Amounts** are exact. JSON gets real numbers written from the Decimal (``52000.00``),
  never through a float; the CSV gets the same plain decimal text.
- **Award date**: the ``award_date`` given, else the day of the call's
  ``grants-awarded`` milestone, or the first day of its month when only the month is
  known.
- **Planned dates**: the project's start, its end (``duration`` months later, the day
  before, as in the convention) and the duration in months.
- **One recipient.** The housing company that applied, signs the convention and is
  paid is the recipient. The partner is not published as a second recipient: the
  standard's spreadsheet form (flattened, one ``Recipient Org`` per row) holds only
  one, and a second recipient would make aggregators such as GrantNav count the
  whole grant twice.
- **Beneficiary location**: the first commune the housing company covers, when the
  registry knows it, and the country code ``BE``.
- **Disbursements** (once the follow-up is given): ``Amount Disbursed`` is what the
  grantee was paid, as corrected, less what came back of a recovery; in the JSON, each
  payment of a tranche and each repayment is a ``disbursementTransaction`` (a repayment
  with a negative value), and they add up to ``Amount Disbursed``; each is described in
  the dataset's language (a tranche by its label in the call). The CSV, flat, gives the
  amount only.
- **CSV** is UTF-8 without a byte-order mark (360Giving's converters read the first
  title as is), with CRLF line ends; text that a spreadsheet would read as a formula
  (starting with ``=``, ``+``, ``-``, ``@``, a tab or a line break) gets a leading
  apostrophe, and control characters are stripped (DESIGN.md §8).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from slrbcall.calls.registry import Registry
from slrbcall.documents.context import project_dates
from slrbcall.errors import RefusedError
from slrbcall.files import write_bytes
from slrbcall.i18n import _, ngettext
from slrbcall.model import Application, Call, Lang, Organisation
from slrbcall.money import cents_from_decimal, decimal_from_text, to_decimal
from slrbcall.reports.figures import FUNDED_DECISIONS
from slrbcall.sheets.write import csv_field, safe_text

__all__ = [
    "AWARD_MILESTONE",
    "COLUMNS",
    "REQUIRED",
    "Disbursement",
    "Grant",
    "Transactions",
    "grants_360",
    "org_identifier",
    "to_package",
    "transactions_360",
    "validate_360",
    "write_360_csv",
    "write_360_json",
]

#: A grant as a flat record: column title -> text, exact number, or None.
Grant = dict[str, str | Decimal | int | None]
#: Grant identifier -> its disbursement transactions, in the standard's JSON form.
Transactions = dict[str, list[dict[str, object]]]


@dataclass(frozen=True, slots=True)
class Disbursement:
    """Money that moved to a grantee: a tranche paid (as corrected), or, negative, what
    came back of a recovery. ``key`` names it within the grant (``payment-2``)."""

    reference: str
    key: str
    on: dt.date
    cents: int
    description: str


#: The milestone of the call whose date (or month) is the award date by default.
AWARD_MILESTONE = "grants-awarded"

#: The columns written, in order: the spreadsheet title and the JSON path. A path of
#: two names is a property of the first (and only) object of an array.
COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Identifier", ("id",)),
    ("Title", ("title",)),
    ("Description", ("description",)),
    ("Currency", ("currency",)),
    ("Amount Applied For", ("amountAppliedFor",)),
    ("Amount Awarded", ("amountAwarded",)),
    ("Amount Disbursed", ("amountDisbursed",)),
    ("Award Date", ("awardDate",)),
    ("Planned Dates:Start Date", ("plannedDates", "startDate")),
    ("Planned Dates:End Date", ("plannedDates", "endDate")),
    ("Planned Dates:Duration (months)", ("plannedDates", "duration")),
    ("Recipient Org:Identifier", ("recipientOrganization", "id")),
    ("Recipient Org:Name", ("recipientOrganization", "name")),
    ("Recipient Org:Alternate Name", ("recipientOrganization", "alternateName")),
    ("Funding Org:Identifier", ("fundingOrganization", "id")),
    ("Funding Org:Name", ("fundingOrganization", "name")),
    ("Funding Org:Alternate Name", ("fundingOrganization", "alternateName")),
    ("Grant Programme:Code", ("grantProgramme", "code")),
    ("Grant Programme:Title", ("grantProgramme", "title")),
    ("From An Open Call?", ("fromOpenCall",)),
    ("Beneficiary Location:Name", ("beneficiaryLocation", "name")),
    ("Beneficiary Location:Country Code", ("beneficiaryLocation", "countryCode")),
)

#: The ten fields the standard requires of every grant.
REQUIRED = (
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
)
_AMOUNTS = ("Amount Applied For", "Amount Awarded", "Amount Disbursed")
_DATES = ("Award Date", "Planned Dates:Start Date", "Planned Dates:End Date")


# -- building ----------------------------------------------------------------------------


def org_identifier(org: Organisation, *, prefix: str) -> str:
    """``BE-BCE_KBO-0403170701`` from a known enterprise number, else ``{prefix}-org-{key}``."""
    if org.enterprise_number:
        digits = re.sub(r"\D", "", org.enterprise_number)
        if len(digits) != 10:
            raise ValueError(
                f"{org.key}: enterprise number {org.enterprise_number!r} is not 10 digits"
            )
        return f"BE-BCE_KBO-{digits}"
    return f"{prefix}-org-{org.key}"


def _award_date(call: Call) -> dt.date | None:
    for milestone in call.milestones:
        if milestone.key != AWARD_MILESTONE:
            continue
        if milestone.date is not None:
            return milestone.date
        if milestone.month is not None:
            year, month = (int(part) for part in milestone.month.split("-"))
            return dt.date(year, month, 1)
    return None


def _location(org: Organisation | None, registry: Registry, lang: Lang) -> str | None:
    if org is None or not org.communes:
        return None
    commune = registry.get(org.communes[0])
    return commune.name[lang] if commune is not None else None


def _alternate(org: Organisation | None, lang: Lang, other: Lang) -> str | None:
    """The organisation's name in the other language, when it differs."""
    if org is None or org.name[other] == org.name[lang]:
        return None
    return org.name[other]


def _euro(cents: int) -> Decimal:
    return to_decimal(cents)


def grants_360(
    *,
    call: Call,
    applications: Sequence[Application],
    lines: Sequence[Mapping[str, Any]],
    registry: Registry,
    lang: Lang,
    prefix: str = "360G-slrb",
    award_date: dt.date | None = None,
    disbursements: Iterable[Disbursement] | None = None,
) -> list[Grant]:
    """One flat record per funded line of ``lines`` (the adopted run's JSON lines), in
    the run's order, with every column of :data:`COLUMNS` (``None`` when unknown), the
    names in ``lang``, the dataset's one language.
    ``Amount Disbursed`` is the sum of each grant's ``disbursements``, when given.

    Missing facts are left ``None`` for :func:`validate_360` to name; raises
    :class:`RefusedError` only when a funded line names an application that
    ``applications`` does not hold.
    """

    by_reference = {a.reference: a for a in applications}
    disbursed: dict[str, int] | None = None
    if disbursements is not None:
        disbursed = {}
        for item in disbursements:
            disbursed[item.reference] = disbursed.get(item.reference, 0) + item.cents
    when = award_date or _award_date(call)
    authority = registry.get(call.authority)
    other = Lang.FR if lang == Lang.NL else Lang.NL
    grants: list[Grant] = []
    for line in lines:
        if line.get("decision") not in FUNDED_DECISIONS:
            continue
        reference = str(line["reference"])
        application = by_reference.get(reference)
        if application is None:
            raise RefusedError(
                _(
                    "the allocation funds {reference}, which the workspace does not hold: "
                    "allocate again ('slrbcall allocate')"
                ).format(reference=reference)
            )
        recipient = registry.get(application.applicant) if application.applicant else None
        start, end = project_dates(call, application)
        awarded = cents_from_decimal(decimal_from_text(str(line["amount"])))
        grant: Grant = {
            "Identifier": f"{prefix}-{call.id}-{reference}",
            "Title": application.title,
            "Description": application.summary or application.title,
            "Currency": "EUR",
            "Amount Applied For": _euro(application.requested_cents),
            "Amount Awarded": _euro(awarded),
            "Amount Disbursed": None if disbursed is None else _euro(disbursed.get(reference, 0)),
            "Award Date": when.isoformat() if when else None,
            "Planned Dates:Start Date": start.isoformat() if start else None,
            "Planned Dates:End Date": end.isoformat() if end else None,
            "Planned Dates:Duration (months)": application.duration_months or call.duration_months,
            "Recipient Org:Identifier": org_identifier(recipient, prefix=prefix)
            if recipient
            else None,
            "Recipient Org:Name": recipient.name[lang] if recipient else None,
            "Recipient Org:Alternate Name": _alternate(recipient, lang, other),
            "Funding Org:Identifier": org_identifier(authority, prefix=prefix)
            if authority
            else None,
            "Funding Org:Name": authority.name[lang] if authority else None,
            "Funding Org:Alternate Name": _alternate(authority, lang, other),
            "Grant Programme:Code": call.id,
            "Grant Programme:Title": call.title[lang],
            "From An Open Call?": "Yes",
            "Beneficiary Location:Name": _location(recipient, registry, lang),
            "Beneficiary Location:Country Code": "BE",
        }
        grants.append(grant)
    return grants


def transactions_360(
    grants: Sequence[Mapping[str, object]],
    disbursements: Iterable[Disbursement],
    *,
    prefix: str = "360G-slrb",
    call_id: str,
) -> Transactions:
    """Each grant's disbursement transactions, in date order: ``{grant id}-{key}``, the
    date, the value in euro (negative for a repayment) and a description."""
    ids = {str(g["Identifier"]) for g in grants}
    found: Transactions = {}
    for item in sorted(disbursements, key=lambda d: (d.reference, d.on, d.key)):
        grant = f"{prefix}-{call_id}-{item.reference}"
        if grant not in ids:
            continue
        found.setdefault(grant, []).append(
            {
                "id": f"{grant}-{item.key}",
                "transactionDate": item.on.isoformat(),
                "currency": "EUR",
                "value": _euro(item.cents),
                "description": item.description,
            }
        )
    return found


# -- checking ----------------------------------------------------------------------------


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def validate_360(
    grants: Sequence[Mapping[str, object]],
    transactions: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
) -> list[str]:
    """Every problem that would make the file invalid, one line each; empty when none.

    Checked: there is at least one grant; the :data:`REQUIRED` fields are present and
    not blank; amounts are exact numbers (Decimal or int, never a float), not
    negative; dates are ISO ``YYYY-MM-DD``; identifiers are unique. A grant is named
    by its identifier, or by its position when it has none. ``transactions`` (by grant
    identifier) are of a grant of the file, each with a unique identifier, an ISO date
    and an exact value, and they add up to its ``Amount Disbursed``.
    """
    if not grants:
        return [_("no funded grant to publish: allocate first ('slrbcall allocate')")]
    problems: list[str] = []
    first_at: dict[str, int] = {}
    for number, grant in enumerate(grants, start=1):
        identifier = grant.get("Identifier")
        name = (
            identifier
            if isinstance(identifier, str) and identifier.strip()
            else _("grant {number}").format(number=number)
        )
        problems += [
            _("{grant}: missing {field}").format(grant=name, field=field)
            for field in REQUIRED
            if _blank(grant.get(field))
        ]
        for field in _AMOUNTS:
            amount = grant.get(field)
            if amount is None:
                continue
            if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
                problems.append(
                    _("{grant}: {field} is not an exact number: {value}").format(
                        grant=name, field=field, value=repr(amount)
                    )
                )
            elif not Decimal(amount).is_finite() or amount < 0:
                problems.append(
                    _("{grant}: {field} must be a positive amount, not {value}").format(
                        grant=name, field=field, value=amount
                    )
                )
        for field in _DATES:
            value = grant.get(field)
            if _blank(value):
                continue
            if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                problems.append(
                    _("{grant}: {field} is not an ISO date (YYYY-MM-DD): {value}").format(
                        grant=name, field=field, value=repr(value)
                    )
                )
                continue
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                problems.append(
                    _("{grant}: {field} is not a date: {value}").format(
                        grant=name, field=field, value=repr(value)
                    )
                )
        if isinstance(identifier, str) and identifier.strip():
            if identifier in first_at:
                problems.append(
                    _("{grant}: duplicate Identifier (grants {first} and {number})").format(
                        grant=name, first=first_at[identifier], number=number
                    )
                )
            first_at.setdefault(identifier, number)
    return problems + _transaction_problems(grants, transactions or {})


def _transaction_problems(
    grants: Sequence[Mapping[str, object]],
    transactions: Mapping[str, Sequence[Mapping[str, object]]],
) -> list[str]:
    disbursed = {str(g.get("Identifier")): g.get("Amount Disbursed") for g in grants}
    problems: list[str] = []
    seen: set[str] = set()
    for grant, items in transactions.items():
        if grant not in disbursed:
            problems.append(
                _("{grant}: disbursement transactions of a grant not in the file").format(
                    grant=grant
                )
            )
            continue
        total = Decimal(0)
        for item in items:
            ident, value, when = item.get("id"), item.get("value"), item.get("transactionDate")
            name = _("{grant}: transaction {transaction}").format(grant=grant, transaction=ident)
            if not isinstance(ident, str) or not ident.strip() or ident in seen:
                problems.append(
                    _("{transaction}: missing or duplicate identifier").format(transaction=name)
                )
            seen.add(str(ident))
            if isinstance(value, bool) or not isinstance(value, Decimal | int):
                problems.append(
                    _("{transaction}: the value is not an exact number: {value}").format(
                        transaction=name, value=repr(value)
                    )
                )
            else:
                total += value
            if not isinstance(when, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", when):
                problems.append(
                    _("{transaction}: transactionDate is not an ISO date: {value}").format(
                        transaction=name, value=repr(when)
                    )
                )
        if total != disbursed[grant]:
            problems.append(
                _(
                    "{grant}: the disbursement transactions add up to {total}, not to the "
                    "Amount Disbursed ({disbursed})"
                ).format(grant=grant, total=total, disbursed=disbursed[grant])
            )
    return problems


def _refuse_problems(
    grants: Sequence[Mapping[str, object]],
    path: Path,
    transactions: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
) -> None:
    problems = validate_360(grants, transactions)
    if problems:
        count = len(problems)
        head = ngettext(
            "{file}: not written, {count} problem:", "{file}: not written, {count} problems:", count
        ).format(file=path.name, count=count)
        raise RefusedError("\n".join([head, *problems]))


# -- writing -----------------------------------------------------------------------------


def to_package(
    grants: Sequence[Mapping[str, object]],
    transactions: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
) -> dict[str, Any]:
    """The 360Giving JSON package ``{"grants": [...]}``: each flat record nested along
    :data:`COLUMNS` (``recipientOrganization: [{id, name}]``, ...), blanks left out, and
    its ``disbursementTransaction`` list when ``transactions`` has one."""
    nested: list[dict[str, Any]] = []
    for grant in grants:
        item: dict[str, Any] = {}
        for title, path in COLUMNS:
            value = grant.get(title)
            if _blank(value):
                continue
            if len(path) == 1:
                item[path[0]] = value
            else:
                item.setdefault(path[0], [{}])[0][path[1]] = value
        moved = (transactions or {}).get(str(grant.get("Identifier")))
        if moved:
            item["disbursementTransaction"] = [dict(t) for t in moved]
        nested.append(item)
    return {"grants": nested}


def _json(value: object, level: int = 0) -> str:
    """``value`` as JSON, indented by 2; a Decimal becomes a number written exactly.

    :mod:`json` can only write a number through ``float``, which would turn an amount
    into a binary approximation; hence this small writer for plain data.
    """
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = [
            f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_json(v, level + 1)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(f"{inner}{_json(v, level + 1)}" for v in value) + f"\n{pad}]"
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a JSON number: {value}")
        return format(value, "f")
    if isinstance(value, float):
        raise TypeError(f"a float cannot be written exactly: {value!r}")
    return json.dumps(value, ensure_ascii=False)


def write_360_json(
    path: Path,
    grants: Sequence[Mapping[str, object]],
    transactions: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
) -> None:
    """Write the 360Giving JSON package to ``path`` (UTF-8), atomically, with the
    grants' disbursement ``transactions`` when given.

    Refuses (:class:`RefusedError`, listing every problem) when :func:`validate_360`
    finds any; nothing is written then.
    """

    _refuse_problems(grants, path, transactions)
    text = _json(to_package(grants, transactions)) + "\n"
    write_bytes(path, text.encode("utf-8"))


def _csv_text(value: object) -> str:

    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise TypeError(f"cannot write a {type(value).__name__} to the CSV: {value!r}")
    return csv_field(safe_text(value))


def write_360_csv(path: Path, grants: Sequence[Mapping[str, object]]) -> None:
    """Write the grants as a 360Giving CSV (the :data:`COLUMNS` titles) to ``path``.

    UTF-8 without BOM, CRLF line ends, formula-looking text neutralised. Refuses
    (:class:`RefusedError`, listing every problem) when :func:`validate_360` finds
    any; nothing is written then. Atomic.
    """

    _refuse_problems(grants, path)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([title for title, _path in COLUMNS])
    for grant in grants:
        writer.writerow([_csv_text(grant.get(title)) for title, _path in COLUMNS])
    write_bytes(path, buffer.getvalue().encode("utf-8"))
