"""What a test of the officer's language checks: no English word left in what is shown.

:func:`english_words` finds, in a text printed in French or Dutch, the words of
:data:`ENGLISH_WORDS`: English words the tool's own texts use and that are no French or
Dutch words ("budget", "score", "total", "project", "reserve", "partner", "date", "type",
"commune", "a", "an", "is", "in", "of", "or", "was" are words of either language too, and
are not listed).
Words are compared whole and case-folded, so "éligible" is not "eligible". What the
officer or a file wrote is not the tool's English and is left out: what the officer types
(options such as ``--after-validity``, quoted commands such as
``'slrbcall allocations adopt 2'``), text in quotes (``'Foyer du Sud'``, « ... »), and
tokens that are names rather than words (a file name, a path, a key or a code:
``applications.xlsx``, ``partner_required``, ``EMP23-03``, a placeholder in capitals).
Each area adds the English words its messages use; a word is only worth listing when a
translated text can never hold it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["ENGLISH_WORDS", "english_words"]

_LISTED = """
    about above activities added admitted adopt adopted after against ahead allocated
    allowed already amendment amount amounts and any applicant applicants application
    applications are asked at available average award awarded awards be before below
    below_line between blocked by call calls can cancelled cannot cap cell cells changed
    chart claimed column columns committee companies company complete conflict_excluded
    could decided decision decisions did digits disagreement does does_not_fit drawn dry
    duration each either eligible empty every expected explanation figures file files first
    flags folder for found free from full funded funded_full funded_partial funding given
    got grant grants guarantee has have header here hidden highest housing if incomplete
    ineligible interest into involved it its key keys language largest latest layout least
    left lies line list lists lottery made mapping mark marks may mean median member members
    merged milestone missing month months more moves must name named new no none not
    not_funded nothing number numbers one only order out outcomes paid partial partly
    payments placed planned policy problem problems projects proposal proposes rank ranked
    ranking reach read reason reasons recorded recovered reference refused released
    remainder remained remaining request requested required reserve_funded reserved
    residents reviewer reviewers row rows run runs scenarios seed settled sheet sheets
    should since skipped smallest so spread spreadsheet still stored summary targeted text
    than that the their them theme themes there these this those tied title to too trained
    unchanged under unknown unspent until valid value values waiting were what when where
    which while who whole why will with withdrawal withdrawn workbook workspace would write
    year years yes yet you your
"""
ENGLISH_WORDS = frozenset(_LISTED.split())

_TYPED = re.compile(r"'slrbcall [^']*'|--[a-z][a-z-]*")
# In quotes (straight, curly or French). An apostrophe inside a word (l'appel, Log'iris)
# opens no quote.
_QUOTED = re.compile(r"(?<![^\W\d_])'[^']*'(?![^\W\d_])|\"[^\"]*\"|«[^»]*»|“[^”]*”|‘[^’]*’")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def english_words(
    text: str, words: Iterable[str] = ENGLISH_WORDS, *, also: Iterable[str] = ()
) -> list[str]:
    """The words of ``words`` (and ``also``) found in ``text``, sorted (empty: none)."""
    listed = frozenset(words) | {word.casefold() for word in also}
    found = set()
    for token in _QUOTED.sub(" ", _TYPED.sub(" ", text)).split():
        token = token.strip("()[]{},;:!?")
        if not token or re.search(r"[./\\_\d]|^-", token) or (len(token) > 1 and token.isupper()):
            continue  # a name, a path, a key or a placeholder (--sheet NAME)
        found.update(w.casefold() for w in _WORD.findall(token) if w.casefold() in listed)
    return sorted(found)
