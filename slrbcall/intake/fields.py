"""The columns of an applications sheet: their kinds, their headers in en, fr and nl and
the other names people give them, and how a header row or a sheet is recognised.

Pure: no file is read here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

from slrbcall.model import Lang
from slrbcall.sheets import normalise_header

if TYPE_CHECKING:
    from slrbcall.sheets import Header, Sheet

__all__ = [
    "FIELDS",
    "Field",
    "FieldKind",
    "field",
    "header_language",
    "match_header",
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
    IBAN = "iban"
    THEME = "theme"
    HOUSING_COMPANY = "housing_company"
    COMMUNE = "commune"


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
        "second_housing_company",
        FieldKind.HOUSING_COMPANY,
        "Second housing company",
        "Deuxième société de logement",
        "Tweede huisvestingsmaatschappij",
        "Second SISP",
        "Deuxième SISP",
        "2e SISP",
        "SISP partenaire",
        "Tweede OVM",
        "Partner-OVM",
        "Co-applicant",
        hint="a second housing company (SISP/OVM), for the calls whose conventions two sign",
    ),
    _f(
        "commune",
        FieldKind.COMMUNE,
        "Commune",
        "Commune",
        "Gemeente",
        "Municipality",
        "Commune partenaire",
        "Partnergemeente",
        hint="one of the 19 communes, for the calls whose conventions a commune signs",
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
        "partner_address",
        FieldKind.TEXT,
        "Partner address",
        "Adresse du partenaire",
        "Adres partner",
        "Partner's address",
        "Adresse de l'ASBL",
        "Siège du partenaire",
        "Adres van de partner",
        "Adres van de vzw",
        hint="street and number, postcode and town, on one line",
    ),
    _f(
        "partner_iban",
        FieldKind.IBAN,
        "Partner IBAN",
        "IBAN du partenaire",
        "IBAN partner",
        "Partner account",
        "Compte du partenaire",
        "Numéro de compte du partenaire",
        "Rekeningnummer partner",
        "Rekeningnummer van de partner",
        hint="an account such as BE68 5390 0754 7034",
    ),
    _f(
        "partner_representative",
        FieldKind.TEXT,
        "Partner represented by",
        "Partenaire représenté par",
        "Partner vertegenwoordigd door",
        "Partner representative",
        "Représentant du partenaire",
        "Représenté par",
        "Vertegenwoordiger partner",
        "Vertegenwoordigd door",
        hint="who signs for the partner: name, function",
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
    _f(
        "received_date",
        FieldKind.DATE,
        "Received on",
        "Date de réception",
        "Ontvangen op",
        "Date received",
        "Received",
        "Reçu le",
        "Date d'introduction",
        "Date de dépôt",
        "Ontvangstdatum",
        "Datum van ontvangst",
        "Datum van indiening",
        hint="the day the application reached the authority, such as 15/09/2023",
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

    for cells in sheet.rows[:30]:
        hits = {
            match_header(normalise_header(str(c.value)))
            for c in cells
            if isinstance(c.value, str) and c.value.strip()
        }
        if len(hits - {None}) >= 3:
            return True
    return False
