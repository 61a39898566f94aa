"""What is left in English in a text the officer reads in French or Dutch.

:func:`english_words` finds the words of :data:`ENGLISH_WORDS` in a text: words of the
tool's English messages that neither French nor Dutch writes (not "date", "type",
"table", "commune", "a", "is", "in", "of", "but"...). What the officer or a file wrote
is not the tool's English: text in quotes (``'Foyer du Sud'``, « ... »), file names and
paths, keys and codes (``partner_required``, ``--sheet``, ``empowerment-2023``) are
left out.

Each area adds the English words its messages use; a word is only worth listing when a
translated text can never hold it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["ENGLISH_WORDS", "english_words"]

_LISTED = """
    an and are at be by can cannot could does each either every expected for found
    from has have here if into it its may must no none not nothing only or should than
    that the their them there these this those to was were what when where which while
    who why will with would write you your
    allowed amount amounts application applications below between call calls cell cells
    changed column columns decided digits empty file files first folder given header
    hidden key keys language lies line list lists mapping merged missing month months
    name named number numbers problem problems read refused required row rows sheet
    sheets spreadsheet stored text too unknown value values whole workbook year years
"""
ENGLISH_WORDS = frozenset(_LISTED.split())

# What the officer or a file wrote: in quotes (straight, curly or French), or a path.
# An apostrophe inside a word (l'appel, Log'iris) opens no quote.
_QUOTED = re.compile(r"(?<![^\W\d_])'[^']*'(?![^\W\d_])|\"[^\"]*\"|«[^»]*»|“[^”]*”|‘[^’]*’")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def english_words(text: str, *, also: Iterable[str] = ()) -> list[str]:
    """The words of :data:`ENGLISH_WORDS` (and ``also``) in ``text``, in order.

    Quoted text, and tokens that are names rather than words (with a dot, a slash, an
    underscore, a digit or a leading dash: ``applications.xlsx``, ``--sheet``,
    ``duration_months``, ``EMP23-03``; or in capitals: ``NAME``) are skipped.
    """
    listed = ENGLISH_WORDS | {word.lower() for word in also}
    found = []
    for token in _QUOTED.sub(" ", text).split():
        token = token.strip("()[]{},;:!?")
        if not token or re.search(r"[./\\_\d]|^-", token) or (len(token) > 1 and token.isupper()):
            continue  # a name, a path, a key or a placeholder (--sheet NAME)
        for word in _WORD.findall(token):
            if word.lower() in listed:
                found.append(word)
    return found
