"""What a test of the officer's language checks: no English word left in what is shown.

:func:`english_words` finds, in a text printed in French or Dutch, the words of
:data:`ENGLISH_WORDS`: English words the tool's own texts use and that are no French or
Dutch words ("budget", "score", "total", "project", "reserve", "partner", "date", "type",
"commune", "set", "letter", "status", "a", "an", "is", "in", "of", "or", "was" are words
of either language too, and are not listed), and the codes it shows (``funded_full``), which an officer should read
as labels. Words are compared whole and case-folded, so "éligible" is not "eligible".
What the officer or a file wrote is not the tool's English and is left out: the strings a
test names as ``data`` (a title, a call's keys), what the officer types (options such as
``--after-validity``, quoted commands such as ``'slrbcall allocations adopt 2'``), text
in quotes (``'Foyer du Sud'``, « ... »), and tokens that are names rather than words (a
file name, a path, an e-mail address, a reference such as ``EMP23-03``, a placeholder in
capitals). Each area adds the English words its messages use; a word is only worth
listing when a translated text can never hold it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["ENGLISH", "ENGLISH_WORDS", "english_words"]

_LISTED = """
    about above activities add added admit admitted adopt adopted adopts after again against
    ahead allocated allocation allowed already altered amendment amount amounts and any
    appeal applicant applicants application applications are asked at attached attachment
    available average averages avg award awarded awards back balance be before below
    below_line below_threshold beside between blocked board break by call calls can
    cancelled cannot cap capped caps carried cell cells change changed changes chart checked
    claimed column columns command commas committee companies company complete conflict
    conflict_excluded conflicts contents copied copy corrected could created dated day days
    decided decision decisions definitions deliverables did differ difference differs digits
    disagreement does does_not_fit done draft drafts drawn dry due duration each earlier
    edited either eligibility eligible empty enterprise entries entry error events every
    expected expense expenses explanation facts fail far field fields figures file files
    final_report first fits flag flags folder followed for forced found free fresh from full
    fully funded funded_full funded_partial funding given got grant grants green grey group
    guarantee guards has have header here hidden highest history holds housing
    housing_company if illustrative included incomplete ineligible installed instead
    integrity interest interim_report into invoice involved issued it its justified keep
    kept key keys lack lacks language largest late latest layout least leave leaves left
    legal lies line lines list lists lottery made mapping mark marked marks match may mean
    median member members merged metric milestone milestones missing mistake month months
    more most moved moves must name named needed needs negative new newer no non_profit none
    not not_funded not_in_optimum nothing notified now number numbers officer once one ones
    only optional order org_cap other out outcomes outside outstanding overdue paid partial
    partial_remainder partly partly_admitted party payment payments pdfs period placed
    planned policy print prints problem problems program projects proposal proposes put rank
    ranked ranking reach read reading reallocation reason reasons received record recorded
    records recover recovered recovery reference refusal refused registered registry
    reinstall rejected released remainder remained remaining rename rendered rendering
    replaced replacing report reported reporting reports represented request requested
    required reserve_funded reserve_partial reserved resident residents restore reversal
    reversed review reviewed reviewer reviewers reviews row rows rule rules run runs say
    scenarios scoring see seed separated sets settled settlement share shares sheet sheets
    shipped should signatories signs since skipped smallest so spread spreadsheet state
    steps still stopped stored summary supplier supporting taken targeted text than that the
    their them theme theme_cap theme_guarantee themes then there these they this those tie
    tied timeline title to too took totals trained two unchanged under unknown unpaid
    unspent until upgrade use used valid validated value values waiting warn warning
    warnings weight weighted were what when where which while who whole why wide will with
    withdrawal withdrawn withdrew within without workbook workspace would writable write
    writes written wrote year yearly yearly_report years yes yet you your
"""
ENGLISH_WORDS = frozenset(_LISTED.split())
ENGLISH = ENGLISH_WORDS

_TYPED = re.compile(r"'slrbcall [^']*'|--[a-z][a-z-]*")
# In quotes (straight, curly or French). An apostrophe inside a word (l'appel, Log'iris)
# opens no quote.
_QUOTED = re.compile(r"(?<![^\W\d_])'[^']*'(?![^\W\d_])|\"[^\"]*\"|«[^»]*»|“[^”]*”|‘[^’]*’")
# Letters (any alphabet) and underscores, so that a code such as funded_full is one word.
_WORD = re.compile(r"[^\W\d]+(?:['’][^\W\d_]+)?")


def english_words(
    text: str,
    words: Iterable[str] = ENGLISH_WORDS,
    *,
    also: Iterable[str] = (),
    data: Iterable[str] = (),
) -> list[str]:
    """The words of ``words`` (and ``also``) found in ``text``, each once, sorted (empty:
    none); the strings of ``data`` are left out first."""
    listed = frozenset(words) | {word.casefold() for word in also}
    for piece in data:
        text = text.replace(piece, " ")
    found = set()
    for token in _QUOTED.sub(" ", _TYPED.sub(" ", text)).split():
        token = token.strip("()[]{},;:!?")
        if not token or re.search(r"[./\\@\d]|^-", token) or (len(token) > 1 and token.isupper()):
            continue  # a name, a path, an address or a placeholder (--sheet NAME)
        found.update(w.casefold() for w in _WORD.findall(token) if w.casefold() in listed)
    return sorted(found)


#: What is not the tool's wording: a path, an e-mail address, a file's name.
NOT_WORDING = re.compile(
    r"\S*[/\\@]\S*|\S+\.(?:xlsx|xlsm|xls|ods|csv|docx|pdf|db|yaml|yml|json|ics|eml)\b"
)


def english_in_output(
    text: str, words: Iterable[str] = ENGLISH_WORDS, *, data: Iterable[str] = ()
) -> list[str]:
    """The English words of ``words`` left in what a command printed, once the officer's
    data (``data``: the keys of a call file...), paths, file names and e-mail addresses
    are taken out."""
    for piece in data:
        text = text.replace(piece, " ")
    return english_words(NOT_WORDING.sub(" ", text), words)
