"""Applications in: spreadsheet rows -> normalised applications, data errors, eligibility.

Two kinds of trouble, kept apart (DESIGN.md §5):

* a **data error** is a cell the tool cannot read (``ca 50k``, ``#DIV/0!``, an unknown
  housing company that looks like a typo). The whole file is refused and nothing is
  stored; every data error of the file is reported at once.
* **ineligibility** is readable data that breaks the call's rules (an amount outside the
  range, an unknown theme, a missing partner). Such applications are stored, with a
  reason code and a sentence for each rule they break.

Pure: no file is read and nothing is stored here (see :mod:`slrbcall.services`).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

from slrbcall.errors import Problem
from slrbcall.model import (
    Application,
    ApplicationStatus,
    Call,
    DurationRule,
    Lang,
    Reason,
)
from slrbcall.money import format_eur

if TYPE_CHECKING:
    from slrbcall.registry import Registry
    from slrbcall.sheets import Cell, Header, Sheet

__all__ = [
    "FIELDS",
    "REASON_ORDER",
    "Field",
    "FieldKind",
    "RowsRead",
    "assess",
    "content_hash",
    "field",
    "header_language",
    "likely_duplicates",
    "match_header",
    "read_applications",
    "recognise_sheet",
]


class FieldKind(StrEnum):
    IDENTIFIER = "identifier"
    TEXT = "text"
    LONG_TEXT = "long_text"
    ORGANISATION = "organisation"
    AMOUNT = "amount"
    COUNT = "count"
    DATE = "date"
    LANGUAGE = "language"
    EMAIL = "email"
    ENTERPRISE_NUMBER = "enterprise_number"
    THEME = "theme"


@dataclass(frozen=True, slots=True)
class Field:
    """A column of the applications sheet.

    ``labels`` are the headers the tool's template writes, per language (en, fr, nl);
    ``aliases`` are other headers people use. All are matched after normalising
    (case, accents, spaces, a trailing ``*`` or unit).
    """

    key: str
    kind: FieldKind
    labels: Mapping[str, str]
    aliases: tuple[str, ...] = ()
    hint: str = ""


def _f(
    key: str, kind: FieldKind, en: str, fr: str, nl: str, *aliases: str, hint: str = ""
) -> Field:
    return Field(key, kind, {"en": en, "fr": fr, "nl": nl}, aliases, hint)


FIELDS: tuple[Field, ...] = (
    _f(
        "reference",
        FieldKind.IDENTIFIER,
        "Reference",
        "Référence",
        "Referentie",
        "Ref",
        "Ref.",
        "Réf",
        "Réf.",
        "Ref nr",
        "Dossier",
        "N° de dossier",
        "Numéro de dossier",
        "Dossiernummer",
        "Referentienummer",
        "ID",
        hint="a reference such as EMP-2023-01, unique in the call",
    ),
    _f(
        "applicant",
        FieldKind.ORGANISATION,
        "Housing company",
        "Société de logement",
        "Huisvestingsmaatschappij",
        "Applicant",
        "SISP",
        "OVM",
        "Société immobilière de service public",
        "Openbare vastgoedmaatschappij",
        "Demandeur",
        "Aanvrager",
        "Porteur",
        "Porteur de projet",
        hint="one of the 16 housing companies (SISP/OVM)",
    ),
    _f(
        "partner",
        FieldKind.TEXT,
        "Partner",
        "Partenaire",
        "Partner",
        "Partner organisation",
        "Non-profit partner",
        "Association partenaire",
        "ASBL partenaire",
        "ASBL",
        "VZW",
        "Partnervereniging",
        "Partnerorganisatie",
    ),
    _f(
        "partner_enterprise_number",
        FieldKind.ENTERPRISE_NUMBER,
        "Partner enterprise number",
        "N° BCE du partenaire",
        "KBO-nummer partner",
        "Enterprise number",
        "BCE",
        "KBO",
        "N° BCE",
        "Numéro BCE",
        "Numéro d'entreprise",
        "Ondernemingsnummer",
        "KBO-nummer",
        hint="a BCE/KBO number such as 0403.170.701",
    ),
    _f(
        "title",
        FieldKind.TEXT,
        "Project title",
        "Titre du projet",
        "Projecttitel",
        "Title",
        "Titre",
        "Intitulé",
        "Intitulé du projet",
        "Titel",
        "Naam van het project",
        "Project",
    ),
    _f("theme", FieldKind.THEME, "Theme", "Thème", "Thema", "Thématique", "Thematiek"),
    _f(
        "requested_amount",
        FieldKind.AMOUNT,
        "Requested amount",
        "Montant demandé",
        "Gevraagd bedrag",
        "Amount requested",
        "Amount",
        "Montant",
        "Montant sollicité",
        "Subside demandé",
        "Bedrag",
        "Gevraagde subsidie",
        "Gevraagd subsidiebedrag",
        hint="an amount in euro, e.g. 44058 or 44.058,00",
    ),
    _f(
        "duration_months",
        FieldKind.COUNT,
        "Duration (months)",
        "Durée (mois)",
        "Duur (maanden)",
        "Duration",
        "Durée",
        "Duur",
        "Months",
        "Mois",
        "Maanden",
        hint="a whole number of months",
    ),
    _f(
        "start_date",
        FieldKind.DATE,
        "Start date",
        "Date de début",
        "Startdatum",
        "Start",
        "Début",
        "Date de démarrage",
        "Begindatum",
        "Aanvangsdatum",
        hint="a date such as 01/01/2024",
    ),
    _f("language", FieldKind.LANGUAGE, "Language", "Langue", "Taal", "Lang", hint="nl or fr"),
    _f(
        "residents_targeted",
        FieldKind.COUNT,
        "Residents targeted",
        "Habitants visés",
        "Beoogde bewoners",
        "Residents",
        "Habitants",
        "Nombre d'habitants",
        "Locataires visés",
        "Public visé",
        "Bewoners",
        "Aantal bewoners",
        "Doelpubliek",
        hint="a whole number of residents",
    ),
    _f(
        "contact_name",
        FieldKind.TEXT,
        "Contact person",
        "Personne de contact",
        "Contactpersoon",
        "Contact",
        "Contact name",
        "Nom du contact",
        "Responsable",
        "Verantwoordelijke",
    ),
    _f(
        "contact_email",
        FieldKind.EMAIL,
        "Contact e-mail",
        "E-mail de contact",
        "E-mail contact",
        "E-mail",
        "Email",
        "Courriel",
        "Adresse e-mail",
        "E-mailadres",
        "Mail",
        hint="an address such as name@example.be",
    ),
    _f(
        "summary",
        FieldKind.LONG_TEXT,
        "Summary",
        "Résumé",
        "Samenvatting",
        "Description",
        "Description du projet",
        "Beschrijving",
        "Projectbeschrijving",
        "Omschrijving",
    ),
)

_BY_KEY = {f.key: f for f in FIELDS}


def field(key: str) -> Field:
    return _BY_KEY[key]


@cache
def _header_index() -> dict[str, tuple[str, str | None]]:
    """Normalised header -> (field key, language of that header or None)."""
    from slrbcall.sheets import normalise_header

    index: dict[str, tuple[str, str | None]] = {}
    for spec in FIELDS:
        for lang, label in spec.labels.items():
            index.setdefault(normalise_header(label), (spec.key, lang))
        for alias in spec.aliases:
            index.setdefault(normalise_header(alias), (spec.key, None))
        index.setdefault(normalise_header(spec.key), (spec.key, None))
    return index


def match_header(normalised: str) -> str | None:
    """The field a (normalised) header names, or None."""
    found = _header_index().get(normalised)
    return found[0] if found else None


def header_language(header: Header) -> Lang | None:
    """nl or fr when most of the header row is written in that language."""
    from slrbcall.sheets import normalise_header

    votes: Counter[str] = Counter()
    for text in header.labels.values():
        found = _header_index().get(normalise_header(text))
        if found and found[1] in ("nl", "fr"):
            votes[found[1]] += 1
    if not votes:
        return None
    (lang, count), *rest = votes.most_common()
    return None if rest and rest[0][1] == count else Lang(lang)


def recognise_sheet(sheet: Sheet) -> bool:
    """True when one of the first rows has at least three application headers."""
    from slrbcall.sheets import normalise_header

    for cells in sheet.rows[:30]:
        hits = {
            match_header(normalise_header(str(c.value)))
            for c in cells
            if isinstance(c.value, str) and c.value.strip()
        }
        if len(hits - {None}) >= 3:
            return True
    return False


# -- reading rows -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowsRead:
    """What a sheet yields: applications (not yet assessed), data errors, warnings."""

    applications: tuple[Application, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]
    header: Header


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")
_LANGUAGES = {
    "nl": Lang.NL,
    "n": Lang.NL,
    "nederlands": Lang.NL,
    "neerlandais": Lang.NL,
    "dutch": Lang.NL,
    "vlaams": Lang.NL,
    "fr": Lang.FR,
    "f": Lang.FR,
    "francais": Lang.FR,
    "frans": Lang.FR,
    "french": Lang.FR,
}


def read_applications(
    sheet: Sheet,
    header: Header,
    *,
    call: Call,
    registry: Registry,
    date1904: bool = False,
    on_row: Callable[[int, int], None] | None = None,
) -> RowsRead:
    """Read every data row below ``header``; collect every data error of the sheet.

    ``on_row(done, total)`` is called every 1,000 rows (for a progress bar).
    """
    from slrbcall.sheets import column_letters, where_row

    problems: list[Problem] = []
    warnings: list[str] = []
    for col, text in header.ignored:
        warnings.append(
            f"{sheet.file_label}: sheet '{sheet.name}', column {column_letters(col)} "
            f"('{text}') is not a known column and was ignored"
        )
    data_rows = [cells for cells in sheet.rows if cells[0].row > header.row]
    problems.extend(_layout_problems(sheet, header, data_rows))

    default_lang = header_language(header)
    applications: list[Application] = []
    first_row_of: dict[str, int] = {}
    readers = _readers(call, registry, date1904)
    for number, cells in enumerate(data_rows, start=1):
        if on_row is not None and number % 1000 == 0:
            on_row(number, len(data_rows))
        used = [cells[col - 1] for col in header.columns.values() if col <= len(cells)]
        if all(c.is_empty for c in used):
            continue
        values: dict[str, Any] = {}
        row_problems: list[Problem] = []
        for key, col in header.columns.items():
            cell = cells[col - 1]
            try:
                values[key] = readers[key](cell)
            except _CellProblem as exc:
                row_problems.append(
                    Problem(sheet.where(cell.row, col, header.label(col)), str(exc))
                )
                values[key] = None
        row = cells[0].row
        for key in call.required_fields:
            if (
                key in header.columns
                and values.get(key) is None
                and not any(
                    p.where.startswith(sheet.where(row, header.columns[key])) for p in row_problems
                )
            ):
                col = header.columns[key]
                row_problems.append(
                    Problem(
                        sheet.where(row, col, header.label(col)),
                        f"empty, but the call requires it (write {field(key).hint or 'a value'})",
                    )
                )
        reference = values.get("reference")
        if reference is not None:
            if reference in first_row_of:
                col = header.columns["reference"]
                row_problems.append(
                    Problem(
                        sheet.where(row, col, header.label(col)),
                        f"the reference '{reference}' is also on row {first_row_of[reference]}: "
                        "each application needs its own reference",
                    )
                )
            else:
                first_row_of[reference] = row
        if row_problems:
            problems.extend(row_problems)
            continue
        applications.append(_application(values, registry, default_lang, row))
    if not applications and not problems:
        problems.append(
            Problem(
                where_row(sheet.file_label, sheet.name, header.row),
                "no application below the header row",
            )
        )
    return RowsRead(tuple(applications), tuple(problems), tuple(warnings), header)


def _layout_problems(
    sheet: Sheet, header: Header, rows: Sequence[tuple[Cell, ...]]
) -> Iterable[Problem]:
    """Hidden rows and merged cells inside the table: never read silently."""
    from slrbcall.sheets import where_row

    if not rows:
        return
    last = rows[-1][0].row
    for row in sorted(sheet.hidden_rows):
        if header.row < row <= last:
            yield Problem(
                where_row(sheet.file_label, sheet.name, row),
                "this row is hidden: show it (or delete it) so that what is taken in is what "
                "people see",
            )
    for area in sheet.merged_ranges:
        first_row = _first_row(area)
        if first_row is not None and first_row >= header.row and first_row <= last:
            yield Problem(
                f"{sheet.file_label}: sheet '{sheet.name}', cells {area}",
                "merged cells inside the table: unmerge them and fill in each cell",
            )


def _first_row(area: str) -> int | None:
    match = re.match(r"[A-Z]+(\d+)", area)
    return int(match.group(1)) if match else None


class _CellProblem(ValueError):
    """A cell that cannot be read; ``str()`` is the message."""


def _readers(call: Call, registry: Registry, date1904: bool) -> dict[str, Callable[[Cell], Any]]:
    from slrbcall.registry import check_enterprise_number
    from slrbcall.sheets import (
        CellError,
        clean_text,
        read_amount,
        read_date,
        read_identifier,
        read_int,
    )

    def guard(function: Callable[[Cell], Any]) -> Callable[[Cell], Any]:
        def read(cell: Cell) -> Any:
            try:
                return function(cell)
            except CellError as exc:
                raise _CellProblem(str(exc)) from None

        return read

    @cache
    def organisation_named(name: str) -> tuple[str | None, str]:
        match = registry.match(name)
        if match is not None:
            return (match.key, name)
        allowed = set(call.eligibility.applicant_kinds)
        suggestions = registry.suggest(name, kinds=allowed)
        if suggestions:
            listed = "', '".join(suggestions)
            raise _CellProblem(f"unknown housing company '{name}' (did you mean '{listed}'?)")
        return (None, name)  # not a registry organisation at all: ineligible, not a typo

    def organisation(cell: Cell) -> tuple[str | None, str] | None:
        name = clean_text(cell)
        return None if name is None else organisation_named(name)

    def enterprise_number(cell: Cell) -> str | None:
        text = read_identifier(cell)
        if text is None:
            return None
        try:
            return check_enterprise_number(text)
        except ValueError as exc:
            raise _CellProblem(str(exc)) from None

    def email(cell: Cell) -> str | None:
        text = clean_text(cell)
        if text is None:
            return None
        if not _EMAIL.fullmatch(text):
            raise _CellProblem(f"not an e-mail address: '{text}' (write e.g. name@example.be)")
        return text

    def language(cell: Cell) -> Lang | None:
        from slrbcall.sheets import normalise_header

        text = clean_text(cell)
        if text is None:
            return None
        found = _LANGUAGES.get(normalise_header(text))
        if found is None:
            raise _CellProblem(f"not a language: '{text}' (write nl or fr)")
        return found

    theme_keys = _theme_keys(call)

    def theme(cell: Cell) -> Any:
        from slrbcall.sheets import normalise_header

        text = clean_text(cell)
        if text is None:
            return None
        return (theme_keys.get(normalise_header(text)), text)

    def count(minimum: int) -> Callable[[Cell], int | None]:
        return lambda cell: read_int(cell, minimum=minimum)

    kinds: dict[FieldKind, Callable[[Cell], Any]] = {
        FieldKind.IDENTIFIER: read_identifier,
        FieldKind.TEXT: clean_text,
        FieldKind.LONG_TEXT: lambda cell: clean_text(cell, multiline=True),
        FieldKind.ORGANISATION: organisation,
        FieldKind.AMOUNT: read_amount,
        FieldKind.DATE: lambda cell: read_date(cell, date1904=date1904),
        FieldKind.LANGUAGE: language,
        FieldKind.EMAIL: email,
        FieldKind.ENTERPRISE_NUMBER: enterprise_number,
        FieldKind.THEME: theme,
    }
    readers = {spec.key: guard(kinds.get(spec.kind, count(0))) for spec in FIELDS}
    readers["duration_months"] = guard(count(1))
    return readers


def _theme_keys(call: Call) -> dict[str, str]:
    """Normalised key or label (nl, fr) -> theme key."""
    from slrbcall.sheets import normalise_header

    return {
        normalise_header(name): theme.key
        for theme in call.themes
        for name in (theme.key, theme.label.nl, theme.label.fr)
    }


def _application(
    values: Mapping[str, Any], registry: Registry, default_lang: Lang | None, row: int
) -> Application:
    applicant_key, applicant_name = values["applicant"]
    theme_key, theme_text = values.get("theme") or (None, None)
    language = values.get("language")
    if language is None:
        org = registry.get(applicant_key) if applicant_key else None
        if org is not None and len(org.languages) == 1:
            language = org.languages[0]
        else:
            language = default_lang or Lang.FR
    return Application(
        reference=values["reference"],
        applicant=applicant_key,
        applicant_name=applicant_name,
        title=values["title"],
        requested_cents=values["requested_amount"],
        language=language,
        partner=values.get("partner"),
        partner_enterprise_number=values.get("partner_enterprise_number"),
        theme=theme_key,
        theme_text=theme_text,
        duration_months=values.get("duration_months"),
        start_date=values.get("start_date"),
        residents_targeted=values.get("residents_targeted"),
        contact_name=values.get("contact_name"),
        contact_email=values.get("contact_email"),
        summary=values.get("summary"),
        source_row=row,
    )


# -- eligibility ------------------------------------------------------------------------

#: The order in which reasons are listed, whatever order the rules ran in.
REASON_ORDER = (
    "applicant_unknown",
    "applicant_kind",
    "partner_missing",
    "theme_unknown",
    "amount_below_minimum",
    "amount_above_maximum",
    "duration_not_call",
    "duration_too_long",
    "too_many_applications",
)


def assess(
    applications: Sequence[Application], *, call: Call, registry: Registry
) -> list[Application]:
    """Each application with its status and reasons under the call's rules.

    Deterministic and independent of the input order: the limit of applications per
    applicant keeps the first ones by reference (code-point order). The result is in
    reference order.
    """
    ordered = sorted(applications, key=lambda a: a.reference)
    seen: Counter[str] = Counter()
    limit = call.eligibility.max_applications_per_applicant
    total: Counter[str] = Counter(a.applicant or a.applicant_name for a in ordered)
    result = []
    for app in ordered:
        reasons = list(_reasons(app, call, registry))
        who = app.applicant or app.applicant_name
        seen[who] += 1
        if limit is not None and seen[who] > limit:
            reasons.append(
                Reason(
                    "too_many_applications",
                    f"{_name(app, registry)} sent {total[who]} applications and the call takes "
                    f"at most {limit} per applicant; by reference, this is number {seen[who]}",
                )
            )
        reasons.sort(key=lambda r: REASON_ORDER.index(r.code))
        status = ApplicationStatus.INELIGIBLE if reasons else ApplicationStatus.ELIGIBLE
        if status is app.status and tuple(reasons) == app.reasons:
            result.append(app)  # unchanged: no copy (a bulk file is mostly this)
        else:
            result.append(replace(app, status=status, reasons=tuple(reasons)))
    return result


def _name(app: Application, registry: Registry) -> str:
    org = registry.get(app.applicant) if app.applicant else None
    return org.name.fr if org else app.applicant_name


def _reasons(app: Application, call: Call, registry: Registry) -> Iterable[Reason]:
    kinds = call.eligibility.applicant_kinds
    if app.applicant is None:
        yield Reason(
            "applicant_unknown",
            f"'{app.applicant_name}' is not an organisation that may apply "
            f"({', '.join(k.value.replace('_', ' ') for k in kinds)})",
        )
    else:
        org = registry.get(app.applicant)
        if org is not None and org.kind not in kinds:
            yield Reason(
                "applicant_kind",
                f"{org.name.fr} is a {org.kind.value.replace('_', ' ')}; this call is open to "
                f"{', '.join(k.value.replace('_', ' ') for k in kinds)}",
            )
    if call.eligibility.partner_required and not app.partner:
        yield Reason("partner_missing", "the call requires a partner, and none is named")
    if app.theme is None and app.theme_text is not None:
        names = ", ".join(t.label.fr for t in call.themes)
        yield Reason("theme_unknown", f"'{app.theme_text}' is not a theme of the call ({names})")
    if app.requested_cents < call.grant_min_cents:
        yield Reason(
            "amount_below_minimum",
            f"it asks for {format_eur(app.requested_cents)}, below the minimum grant of "
            f"{format_eur(call.grant_min_cents)}",
        )
    if app.requested_cents > call.grant_max_cents:
        yield Reason(
            "amount_above_maximum",
            f"it asks for {format_eur(app.requested_cents)}, above the maximum grant of "
            f"{format_eur(call.grant_max_cents)}",
        )
    months = app.duration_months
    if months is not None:
        if call.eligibility.duration is DurationRule.EQUAL and months != call.duration_months:
            yield Reason(
                "duration_not_call",
                f"it lasts {months} months; projects of this call last {call.duration_months}",
            )
        if call.eligibility.duration is DurationRule.FREE and months > call.duration_months:
            yield Reason(
                "duration_too_long",
                f"it lasts {months} months; projects of this call last at most "
                f"{call.duration_months}",
            )


# -- identity and duplicates --------------------------------------------------------------

_HASHED = (
    "reference",
    "applicant",
    "applicant_name",
    "title",
    "requested_cents",
    "language",
    "partner",
    "partner_enterprise_number",
    "theme",
    "theme_text",
    "duration_months",
    "start_date",
    "residents_targeted",
    "contact_name",
    "contact_email",
    "summary",
)


def content_hash(app: Application) -> str:
    """SHA-256 over the normalised content: equal for the same data, however saved."""
    data = {key: getattr(app, key) for key in _HASHED}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


#: Above this many applications from one applicant, only identical titles are compared:
#: fuzzy comparison is pairwise, and such a group is a bulk file, not a real call.
FUZZY_GROUP_LIMIT = 50


def likely_duplicates(applications: Sequence[Application]) -> list[str]:
    """Warnings for applications that look alike under different references.

    Same applicant and either a similar title (or the same one) or the same partner.
    Never merged: an officer decides. Deterministic: groups in reference order.
    """
    from slrbcall.sheets import normalise_header

    by_applicant: dict[str, list[Application]] = defaultdict(list)
    for app in sorted(applications, key=lambda a: a.reference):
        by_applicant[app.applicant or normalise_header(app.applicant_name)].append(app)
    warnings = []
    for group in by_applicant.values():
        partners: dict[str, list[str]] = defaultdict(list)
        for app in group:
            if app.partner:
                partners[normalise_header(app.partner)].append(app.reference)
        for references in partners.values():
            if len(references) > 1:
                warnings.append(
                    f"{_listing(references)} come from {group[0].applicant_name} with the same "
                    "partner: check that they are different projects; they are kept apart"
                )
        for first, second in _similar_titles(group):
            warnings.append(
                f"{first.reference} and {second.reference} may be the same project "
                f"({first.applicant_name}, similar titles): check them; they are kept apart"
            )
    return warnings


def _listing(references: Sequence[str]) -> str:
    return ", ".join(references[:-1]) + f" and {references[-1]}"


def _similar_titles(group: Sequence[Application]) -> Iterable[tuple[Application, Application]]:
    from slrbcall.sheets import normalise_header

    titles = [normalise_header(app.title) for app in group]
    if len(group) > FUZZY_GROUP_LIMIT:
        first_with: dict[str, Application] = {}
        for app, title in zip(group, titles, strict=True):
            if title in first_with:
                yield first_with[title], app
            else:
                first_with[title] = app
        return
    for i, first in enumerate(group):
        matcher = difflib.SequenceMatcher(None, "", titles[i])
        for j in range(i + 1, len(group)):
            matcher.set_seq1(titles[j])
            # The cheap upper bounds first: most pairs stop there.
            if (
                matcher.real_quick_ratio() >= 0.85
                and matcher.quick_ratio() >= 0.85
                and matcher.ratio() >= 0.85
            ):
                yield first, group[j]
