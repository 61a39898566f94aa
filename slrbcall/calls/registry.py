"""The organisation registry: find the authority, a housing company, a partner or a
commune from the name a person typed, and check Belgian identifiers.

Pure: no file is read here. The loader turns ``calls/organisations.yaml`` into
:class:`~slrbcall.model.Organisation` values and hands them to :class:`Registry`.

Names are compared through :func:`normalise_name`, a comparison key that ignores
case, accents, apostrophes, hyphens, dots and spaces, so ``Log'iris``, ``Log’iris``,
``LOGIRIS`` and ``log iris`` are one name. :meth:`Registry.match` also tolerates a
leading article (``Le Logement Bruxellois`` / ``Logement Bruxellois``) and a legal form
(``Comensia SCRL``). It never guesses: a name that fits no organisation, or more than
one, gives ``None``, and :meth:`Registry.suggest` lists the closest names for the
"did you mean" message.
"""

from __future__ import annotations

import difflib
import functools
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from slrbcall.i18n import _, language
from slrbcall.model import Lang, Organisation, OrgKind

__all__ = [
    "Registry",
    "check_enterprise_number",
    "check_iban",
    "normalise_name",
]

# Zero-width characters and the soft hyphen: invisible, so they never split a word.
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
# Removed outright from names; dots too, so ``a.s.b.l.`` reads ``asbl``, ``S.C.R.L.`` ``scrl``.
_DROPPED = _ZERO_WIDTH | {"."}

# Apostrophes of every kind separate words. Listed because some are letters to Unicode
# (U+02BC MODIFIER LETTER APOSTROPHE) and would otherwise stick to the word.
_APOSTROPHES = frozenset("'’‘‛`´ʼʻ′")

# Letters that NFKD does not take apart but people write both ways.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ß": "ss", "ł": "l", "đ": "d"})

# A leading article, in either language. Apostrophes split words, so ``L'Habitation``
# gives ``l`` and ``'t Hof`` gives ``t``.
_ARTICLES = frozenset({"le", "la", "les", "l", "de", "het", "t"})

# Legal-form words that may or may not follow (or precede) a name.
_LEGAL_FORMS = frozenset(
    {"asbl", "vzw", "scrl", "scrlfs", "cvba", "cvbaso", "sc", "cv", "srl", "bv"}
)

# Below this similarity a name is not worth suggesting.
_SUGGEST_CUTOFF = 0.6
# Containment ("foyer" in "Foyer du Sud") counts only from this many characters, so that
# "de" or "la" do not suggest half the registry.
_MIN_CONTAINED = 3


@functools.lru_cache(maxsize=4096)  # the same names, partners and applicants, again and again
def _words(text: str) -> tuple[str, ...]:
    """The words of ``text``, case-folded, without accents; any other separator splits."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    chars: list[str] = []
    for ch in folded:
        if ch in _DROPPED or unicodedata.combining(ch):
            continue
        # Apostrophes, hyphens, slashes, commas, spaces (NBSP included): all separate
        # words alike.
        chars.append(ch if ch.isalnum() and ch not in _APOSTROPHES else " ")
    return tuple("".join(chars).split())


def _bare(words: Sequence[str]) -> list[str]:
    """``words`` without legal-form words at either end nor a leading article."""
    bare = list(words)
    changed = True
    while changed:
        changed = False
        while bare and bare[-1] in _LEGAL_FORMS:
            bare.pop()
            changed = True
        while bare and bare[0] in _LEGAL_FORMS:
            bare.pop(0)
            changed = True
        # An article alone is the whole name, not an article.
        if len(bare) > 1 and bare[0] in _ARTICLES:
            bare.pop(0)
            changed = True
    return bare


def normalise_name(text: str) -> str:
    """The comparison key of a name: lowercase letters and digits only.

    Unicode NFKD, accents stripped, case-folded; zero-width characters, dots,
    apostrophes (``' ’ ‘ ` ´ ʼ``), hyphens and spaces all vanish, so ``Log'iris``,
    ``Log’iris``, ``LOGIRIS`` and ``log iris`` all give ``logiris``, and ``Binhôme``
    and ``Binhome`` both give ``binhome``. This is a key for comparing, never for display.
    """
    return "".join(_words(text))


@dataclass(frozen=True, slots=True)
class _Index:
    """Lookup tables of one registry, built once on first use."""

    by_key: dict[str, int]
    # Comparison key of a name as written (key, fr and nl names, short names) -> orgs.
    exact: dict[str, tuple[int, ...]]
    # The same without article and legal form -> orgs.
    bare: dict[str, tuple[int, ...]]
    # Every comparison key of each organisation, for suggestions.
    forms: tuple[tuple[str, ...], ...]


def _names_of(org: Organisation) -> tuple[str, ...]:
    return (org.key, org.name.fr, org.name.nl, *org.short_names)


def _add(table: dict[str, list[int]], form: str, position: int) -> None:
    if form:
        positions = table.setdefault(form, [])
        if position not in positions:
            positions.append(position)


def _build_index(organisations: Sequence[Organisation]) -> _Index:
    exact: dict[str, list[int]] = {}
    bare: dict[str, list[int]] = {}
    forms: list[tuple[str, ...]] = []
    for position, org in enumerate(organisations):
        own: dict[str, None] = {}  # ordered set
        for name in _names_of(org):
            words = _words(name)
            as_written = "".join(words)
            without = "".join(_bare(words))
            _add(exact, as_written, position)
            _add(bare, without, position)
            own.update(dict.fromkeys(f for f in (as_written, without) if f))
        forms.append(tuple(own))
    return _Index(
        by_key={org.key: position for position, org in enumerate(organisations)},
        exact={form: tuple(positions) for form, positions in exact.items()},
        bare={form: tuple(positions) for form, positions in bare.items()},
        forms=tuple(forms),
    )


def _similarity(query: str, form: str) -> float:
    """How close two comparison keys are, from 0 to 1."""
    ratio = difflib.SequenceMatcher(None, query, form, autojunk=False).ratio()
    shorter, longer = sorted((query, form), key=len)
    if len(shorter) >= _MIN_CONTAINED and shorter in longer:
        # A contained name is a strong hint, and the more of the other it covers the
        # better: "foyer" ranks "Foyer du Sud" above "Foyer Schaerbeekois".
        ratio = max(ratio, 0.8 + 0.2 * len(shorter) / len(longer))
    return ratio


@dataclass(frozen=True, slots=True)
class Registry:
    """The known organisations, in file order, and the ways to find one by name.

    Keys are unique (checked on construction). Lookups use tables built on first use
    and kept with the registry; they do not take part in equality or ``repr``.
    """

    organisations: tuple[Organisation, ...]
    #: Example data (``illustrative: true`` in the file): documents say so on every page.
    illustrative: bool = False
    _index: _Index | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        organisations = tuple(self.organisations)
        object.__setattr__(self, "organisations", organisations)
        seen: set[str] = set()
        duplicates: set[str] = set()
        for org in organisations:
            if org.key in seen:
                duplicates.add(org.key)
            seen.add(org.key)
        if duplicates:
            raise ValueError(f"duplicate organisation key(s): {', '.join(sorted(duplicates))}")

    def _tables(self) -> _Index:
        index = self._index
        if index is None:
            index = _build_index(self.organisations)
            # A frozen dataclass may still cache: the index is derived from the
            # organisations alone and never changes what the registry means.
            object.__setattr__(self, "_index", index)
        return index

    def get(self, key: str) -> Organisation | None:
        """The organisation with exactly this key, or ``None``."""
        position = self._tables().by_key.get(key)
        return None if position is None else self.organisations[position]

    def of_kind(self, kind: OrgKind) -> tuple[Organisation, ...]:
        """The organisations of one kind, in registry order."""
        return tuple(org for org in self.organisations if org.kind is kind)

    def _candidates(
        self, positions: Iterable[int], kinds: Collection[OrgKind] | None
    ) -> list[Organisation]:
        orgs = (self.organisations[p] for p in positions)
        return [org for org in orgs if kinds is None or org.kind in kinds]

    def match(self, text: str, *, kinds: Collection[OrgKind] | None = None) -> Organisation | None:
        """The one organisation whose key, French or Dutch name or short name is ``text``.

        Names are compared with :func:`normalise_name`. A name as written wins; failing
        that, a leading article and legal-form words are ignored on both sides. ``kinds``
        limits the search. ``None`` when nothing fits, or when more than one
        organisation does (the caller then shows :meth:`suggest`).
        """
        words = _words(text)
        if not words:
            return None
        tables = self._tables()
        for table, form in (
            (tables.exact, "".join(words)),
            (tables.bare, "".join(_bare(words))),
        ):
            found = self._candidates(table.get(form, ()), kinds)
            if len(found) == 1:
                return found[0]
            if found:
                return None  # ambiguous: never pick one silently
        return None

    def suggest(
        self, text: str, *, kinds: Collection[OrgKind] | None = None, limit: int = 3
    ) -> tuple[str, ...]:
        """Names of the organisations closest to ``text``, best first: in Dutch for a
        Dutch-speaking officer, else in French (:mod:`slrbcall.i18n`).

        For a "did you mean" message: at most ``limit`` names, only those reasonably
        close (similar spelling, or one name contained in the other). Ties are broken
        by name, so the order is stable.
        """
        words = _words(text)
        queries = {"".join(words), "".join(_bare(words))} - {""}
        if not queries or limit <= 0:
            return ()
        tables = self._tables()
        shown = Lang.NL if language() == "nl" else Lang.FR
        scored: list[tuple[float, str]] = []
        for org, forms in zip(self.organisations, tables.forms, strict=True):
            if kinds is not None and org.kind not in kinds:
                continue
            score = max(
                (_similarity(q, form) for q in queries for form in forms),
                default=0.0,
            )
            if score >= _SUGGEST_CUTOFF:
                scored.append((score, org.display_name(shown)))
        scored.sort(key=lambda item: (-item[0], item[1]))
        names = dict.fromkeys(name for _, name in scored)  # two orgs may share a name
        return tuple(names)[:limit]


def _spaceless(text: str) -> str:
    """``text`` without whitespace (NBSP included) nor zero-width characters."""
    return "".join(ch for ch in "".join(text.split()) if ch not in _ZERO_WIDTH)


def check_enterprise_number(text: str) -> str:
    """The enterprise number (BCE/KBO) in ``text``, in its canonical form ``0403.170.701``.

    Accepts dots, spaces, a ``BE`` prefix and the old nine-digit form (a ``0`` is put
    in front). Raises :class:`ValueError` saying why when the number is not valid: ten
    digits, starting with 0 or 1, the last two being 97 minus the first eight mod 97.
    """
    # Imported here: python-stdnum is slow to import and most commands never need it.
    from stdnum.be import vat
    from stdnum.exceptions import (
        InvalidChecksum,
        InvalidComponent,
        InvalidFormat,
        InvalidLength,
        ValidationError,
    )

    cleaned = _spaceless(text)
    reason: str
    if not cleaned:
        reason = _("it is empty")
    else:
        try:
            number: str = vat.validate(cleaned)
        except InvalidChecksum:
            reason = _("check digits do not match")
        except InvalidLength:
            reason = _("it must have 10 digits")
        except InvalidComponent:
            reason = _("it must start with 0 or 1")
        except InvalidFormat:
            reason = _("write 10 digits, with optional dots, spaces and a BE prefix")
        except ValidationError:
            reason = _("not in the BCE/KBO form")
        else:
            return f"{number[:4]}.{number[4:7]}.{number[7:]}"
    raise ValueError(
        _("not a valid enterprise number (BCE/KBO): {text} ({reason})").format(
            text=repr(text), reason=reason
        )
    )


def check_iban(text: str) -> str:
    """The IBAN in ``text`` in its compact form (``BE68539007547034``).

    Checks the ISO 13616 check digits and the country's length and layout, and for a
    Belgian IBAN also the national check digits of the account number. Raises
    :class:`ValueError` saying why otherwise.
    """
    # Imported here: python-stdnum is slow to import and most commands never need it.
    from stdnum import iban
    from stdnum.exceptions import (
        InvalidChecksum,
        InvalidComponent,
        InvalidFormat,
        InvalidLength,
        ValidationError,
    )

    cleaned = _spaceless(text).upper()
    reason: str
    if not cleaned:
        reason = _("it is empty")
    else:
        try:
            # Not check_country=True: stdnum's Belgian module also checks the bank code
            # against its bundled list of the National Bank's codes, which refuses the
            # standard documentation example BE68 5390 0754 7034 and would refuse an
            # account at a bank whose code is newer than the installed stdnum.
            number: str = iban.validate(cleaned, check_country=False)
        except InvalidChecksum:
            reason = _("check digits do not match")
        except InvalidLength:
            reason = _("wrong length for an IBAN of {country}").format(country=repr(cleaned[:2]))
        except InvalidComponent:
            reason = _("unknown country code {country}").format(country=repr(cleaned[:2]))
        except InvalidFormat:
            reason = _("write the country code, two check digits and the account number")
        except ValidationError:
            reason = _("not in the IBAN form")
        else:
            if number.startswith("BE") and not _belgian_account_ok(number[4:]):
                reason = _("the Belgian account number's check digits do not match")
            else:
                return number
    raise ValueError(
        _("not a valid IBAN: {text} ({reason})").format(text=repr(text), reason=reason)
    )


def _belgian_account_ok(bban: str) -> bool:
    """The last two digits of a Belgian account number are the first ten mod 97 (97 for 0)."""
    return (int(bban[:10]) % 97 or 97) == int(bban[10:])
