"""Locale text for the documents: amounts, dates, percents and tranches in Dutch and French.

Conventions are legal documents, so every string here is pinned by an exact test
(``tests/test_l10n.py``), no-break characters included. All functions are pure.
``lang`` is ``"nl"`` or ``"fr"`` (:class:`slrbcall.model.Lang`); anything else raises
``ValueError``. Figures use the Belgian locales ``nl_BE`` and ``fr_BE``.

Babel and num2words are imported inside the functions: they cost start-up time and
only the document commands need them.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from slrbcall.model import Lang
from slrbcall.money import split_largest_remainder, to_decimal

__all__ = [
    "amount_in_words",
    "format_amount",
    "format_date",
    "format_iban",
    "format_percent",
    "french_spacing",
    "month_offset",
    "number_in_words",
    "split_tranches",
]

_LOCALES = {Lang.NL: "nl_BE", Lang.FR: "fr_BE"}
_MILLION = 1_000_000


def _locale(lang: str) -> str:
    return _LOCALES[Lang(lang)]


def format_amount(cents: int, lang: str) -> str:
    """The amount in figures, as Babel (CLDR) writes euros in ``nl_BE`` and ``fr_BE``.

    - ``nl``: ``"€\\u00a044.058,00"``: the euro sign, a NO-BREAK SPACE (U+00A0), a
      dot between thousands, a comma before the cents.
    - ``fr``: ``"44\\u202f058,00\\u00a0€"``: a NARROW NO-BREAK SPACE (U+202F) between
      thousands, a comma before the cents, a NO-BREAK SPACE (U+00A0) before the euro sign.

    The no-break characters are kept on purpose: Word and LibreOffice never break a
    line inside the amount or between the amount and ``€``. Always two decimals.
    The characters come from CLDR; the tests pin them, so a Babel upgrade that
    changes them fails loudly instead of changing the conventions silently.
    Negative amounts raise ``ValueError`` (no award or tranche is negative).
    """
    from babel.numbers import format_currency

    locale = _locale(lang)
    _require_not_negative(cents)
    return format_currency(to_decimal(cents), "EUR", locale=locale)


def amount_in_words(cents: int, lang: str) -> str:
    """The amount in words, as a convention writes it after the figures.

    Euros, then ``en``/``et`` and the cents when there are any; zero euros are left
    out when there are cents (``"vijftig cent"``), and ``0`` is ``"nul euro"`` /
    ``"zéro euro"``.

    Dutch (``nl``; Taalunie, taaladvies.net "Aaneenschrijven van telwoorden"):

    - one word up to and including *duizend*, a space after *duizend*, and
      *miljoen*/*miljard* as separate words: *vierenveertigduizend achtenvijftig*,
      *één miljoen tweehonderdduizend*;
    - no *een* before *honderd* and *duizend*: *honderd euro*, *duizend euro*;
    - *één* with accents where it stands as a word of its own, so it cannot be read
      as the article *een* (*één euro*, *duizend één euro*, *één miljoen*), without
      them inside a compound (*honderdeen*, *eenentwintig*);
    - a trema on the linking *-ën-* after *twee* and *drie*: *tweeënveertig*;
    - *euro* and *cent* do not take a plural: *twee euro en één cent*.

    Belgian French (``fr``; traditional spelling, as Belgian administrative texts and
    Grevisse's *Le Bon usage* write it, not the 1990 all-hyphens spelling):

    - *septante* and *nonante*, with *et un* like the other tens (*septante et un*,
      *nonante et un*), but *quatre-vingts* and *quatre-vingt-un*;
    - hyphens only between tens and units below one hundred, *et* instead of the
      hyphen in 21, 31, ... 71, 91: *deux cent cinquante-cinq mille*;
    - *vingt* and *cent* take an ``s`` when multiplied and last, or before the nouns
      *million(s)*/*milliard(s)*: *quatre-vingts*, *deux cents*, *deux cents millions*,
      but *deux cent un*, *quatre-vingt mille*;
    - *mille* never varies and is never preceded by *un*;
    - *million*/*milliard* are nouns: *un million*, *deux millions*, and *d'euros*
      when nothing follows them (*deux millions d'euros*, but *un million un euros*);
    - *euro* and *centime* take an ``s`` from two on: *un euro*, *deux euros*,
      *et un centime*, *et cinquante centimes*.

    num2words gives the cardinals (called on the euros and on the cents separately:
    its currency mode reads an ``int`` as cents). Its output is fixed here for what
    it gets wrong; see :func:`_cardinal_nl` and :func:`_cardinal_fr`.
    """
    language = Lang(lang)
    _require_not_negative(cents)
    euros, rest = divmod(cents, 100)
    if language is Lang.NL:
        parts = [] if euros == 0 and rest else [f"{_cardinal_nl(euros)} euro"]
        if rest:
            parts.append(f"{_cardinal_nl(rest)} cent")
        return " en ".join(parts)
    parts = [] if euros == 0 and rest else [f"{_cardinal_fr(euros)} {_euro_fr(euros)}"]
    if rest:
        parts.append(f"{_cardinal_fr(rest)} centime{'s' if rest > 1 else ''}")
    return " et ".join(parts)


def _euro_fr(euros: int) -> str:
    # "un million d'euros": after the nouns million/milliard the unit takes "de".
    if euros >= _MILLION and euros % _MILLION == 0:
        return "d'euros"
    return "euros" if euros > 1 else "euro"


_DUIZEND_FOLLOWED = re.compile(r"duizend(?=.)")


def _cardinal_nl(n: int) -> str:
    """Dutch cardinal: num2words ``nl`` with two fixes (checked with num2words 0.5.14).

    - num2words writes everything below a million as one word
      (*vierenveertigduizendachtenvijftig*); the Taalunie puts a space after
      *duizend*: *vierenveertigduizend achtenvijftig*.
    - num2words puts accents on *één* inside compounds (*honderdéén*) and none on a
      stand-alone *een* before *miljoen* (*een miljoen*); the accents belong on the
      separate word only: *honderdeen*, *één miljoen*, *duizend één*.
    """
    from num2words import num2words

    spelled: str = num2words(n, lang="nl")
    words: list[str] = []
    for word in spelled.split(" "):
        words.extend(_DUIZEND_FOLLOWED.sub("duizend ", word.replace("één", "een")).split(" "))
    return " ".join("één" if word == "een" else word for word in words)


# num2words "fr" spells 70-79 and 90-99 the way France does; Belgium says septante and
# nonante. Note "soixante et onze" (71) but "quatre-vingt-onze" (91).
_BELGIAN_TENS = {
    "soixante-dix": "septante",
    "soixante et onze": "septante et un",
    "soixante-douze": "septante-deux",
    "soixante-treize": "septante-trois",
    "soixante-quatorze": "septante-quatre",
    "soixante-quinze": "septante-cinq",
    "soixante-seize": "septante-six",
    "soixante-dix-sept": "septante-sept",
    "soixante-dix-huit": "septante-huit",
    "soixante-dix-neuf": "septante-neuf",
    "quatre-vingt-dix": "nonante",
    "quatre-vingt-onze": "nonante et un",
    "quatre-vingt-douze": "nonante-deux",
    "quatre-vingt-treize": "nonante-trois",
    "quatre-vingt-quatorze": "nonante-quatre",
    "quatre-vingt-quinze": "nonante-cinq",
    "quatre-vingt-seize": "nonante-six",
    "quatre-vingt-dix-sept": "nonante-sept",
    "quatre-vingt-dix-huit": "nonante-huit",
    "quatre-vingt-dix-neuf": "nonante-neuf",
}
# Longest first, and never followed by a letter or a hyphen, so that "soixante-dix"
# does not match the start of "soixante-dix-sept".
_FRANCE_TENS = re.compile(
    r"\b(?:"
    + "|".join(re.escape(k) for k in sorted(_BELGIAN_TENS, key=len, reverse=True))
    + r")(?![\w-])"
)


def _cardinal_fr(n: int) -> str:
    """Belgian French cardinal: num2words ``fr`` with *septante* and *nonante*.

    num2words ``fr_BE`` (0.5.14) is not usable: besides *septante*/*nonante* it writes
    *quatre-vingt* for 80, *quatre-vingt et un* for 81, *deux cents un* for 201,
    *deux cents mille* for 200 000 and *un millions* for 1 000 000. num2words ``fr``
    spells the traditional French of France correctly (checked against an
    independent speller on 0-300 000 and 100 000 random numbers below 10**12), so
    this takes ``fr`` and only replaces *soixante-dix* ... *soixante-dix-neuf* and
    *quatre-vingt-dix* ... *quatre-vingt-dix-neuf* by their Belgian forms.
    """
    from num2words import num2words

    spelled: str = num2words(n, lang="fr")
    return _FRANCE_TENS.sub(lambda match: _BELGIAN_TENS[match.group(0)], spelled)


def format_date(d: date, lang: str) -> str:
    """Long date: ``1 maart 2024`` (nl), ``1er mars 2024`` / ``15 mars 2024`` (fr).

    Month names in lower case from CLDR, the year in full, ordinary spaces. French
    writes the first day of a month as the ordinal *1er* (*le 1er mars*); Dutch
    never uses an ordinal in dates.
    """
    from babel.dates import format_date as babel_format_date

    locale = _locale(lang)
    if Lang(lang) is Lang.FR and d.day == 1:
        return "1er " + babel_format_date(d, "MMMM y", locale=locale)
    return babel_format_date(d, "d MMMM y", locale=locale)


def format_percent(value: Decimal, lang: str) -> str:
    """A percentage given in percent (``Decimal(50)`` is 50 %), e.g. a tranche's share.

    - ``nl``: ``"50%"``, ``"33,33%"``: Dutch writes the sign against the number, with
      no space (CLDR ``nl`` pattern ``#,##0%``, and Dutch style guides).
    - ``fr``: ``"50\\u00a0%"``, ``"33,33\\u00a0%"``: French puts a NO-BREAK SPACE
      (U+00A0) before the sign (CLDR ``fr`` pattern), so it never starts a line.

    Decimals are shown exactly as given, trailing zeros dropped (``12.50`` is
    ``12,5``); nothing is rounded, because the text must match the call.
    """
    from babel.numbers import format_percent as babel_format_percent

    locale = _locale(lang)
    if not value.is_finite():
        raise ValueError(f"not a percentage: {value}")
    return babel_format_percent(value.scaleb(-2), locale=locale, decimal_quantization=False)


def split_tranches(total_cents: int, percents: Sequence[Decimal]) -> list[int]:
    """The amount of each tranche, in cents, by largest remainder.

    Invariant: ``sum(result) == total_cents`` and each part is within one cent of
    its exact share. The percentages must add up to exactly 100 (the call's
    validation already requires it); anything else raises ``ValueError`` rather
    than rescaling the shares silently.
    """
    if sum(percents, Decimal(0)) != 100:
        raise ValueError(f"the tranches sum to {sum(percents, Decimal(0))}%, not 100%")
    return split_largest_remainder(total_cents, percents)


def month_offset(d: date, months: int) -> date:
    """``d`` moved by ``months`` calendar months (negative goes back).

    When the target month is shorter, the day is clamped to its last day:
    31 January 2024 + 1 month is 29 February 2024, 31 March + 1 is 30 April.
    """
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(d.day, last_day))


def _require_not_negative(cents: int) -> None:
    if cents < 0:
        raise ValueError(f"a negative amount cannot be written in a document: {cents} cents")


def number_in_words(n: int, lang: str) -> str:
    """A whole number in words: ``60`` is *zestig* / *soixante* (Belgian French)."""
    if n < 0:
        raise ValueError(f"a negative number cannot be written in words here: {n}")
    return _cardinal_nl(n) if Lang(lang) is Lang.NL else _cardinal_fr(n)


def format_iban(iban: str) -> str:
    """An IBAN in groups of four, as printed: ``BE68 5390 0754 7034``.

    The spaces are no-break spaces, so the account never breaks across lines.
    """
    compact = iban.replace(" ", "")
    return "\u00a0".join(compact[i : i + 4] for i in range(0, len(compact), 4))


_BEFORE_PUNCTUATION = re.compile(r" ([:;!?»])")
_AFTER_GUILLEMET = re.compile(r"« ")


def french_spacing(text: str) -> str:
    """French typography: a no-break space before ``:`` ``;`` ``!`` ``?`` ``»`` and after
    ``«``, so that a line never starts with the sign nor ends with an opening guillemet.
    Only where a space was typed: the text is otherwise left as written."""
    return _AFTER_GUILLEMET.sub("«\u00a0", _BEFORE_PUNCTUATION.sub("\u00a0\\1", text))
