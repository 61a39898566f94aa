"""Whether what the tool printed in French or Dutch still holds English.

:func:`english_words` finds, in a text, the words of :data:`ENGLISH`: words the tool's
English messages use and that are neither French nor Dutch (so not ``budget``,
``project``, ``status``, ``total``...), and the codes it shows (``funded_full``). It
leaves out what is not the tool's wording: paths and file names (``applications.xlsx``,
``/tmp/demo/outbox``), e-mail addresses, options (``--db``), the commands quoted for the
officer to type (``'slrbcall allocations list'``), and any text a test names as data (a
call's keys, an applicant's title).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["ENGLISH", "english_words"]

_WORDS = """
about add admit admitted adopted adopts after again against allocated allocation
already altered amendment and any appeal applicant application applications are asked
attached attachment available average averages avg award awarded awards back balance
before below beside between blocked board break can cancelled capped caps carried
change changed changes checked claimed command commas committee companies company
conflict conflicts contents copied copy corrected could created dated day days decided
decision decisions definitions deliverables did differ difference differs digits does
done draft drafts dry due duration each earlier edited eligibility eligible empty
enterprise entries entry error events every expense expenses facts fail far field
fields figures files first fits flag flags folder followed for forced found free fresh
from full fully funded grant grants green grey group guards has history holds housing
illustrative included incomplete ineligible installed instead integrity interest into
invoice involved issued its justified keep kept lack lacks language late latest leave
leaves left legal letter letters line lines lists made mark marked marks match mean
median member members metric milestone milestones missing mistake month months more
most moved moves must name named needed needs negative new newer none not nothing
notified now number numbers officer once one ones optional other out outcomes outside
outstanding overdue paid partial partly party payment payments pdfs period planned
policy print prints problem problems program projects proposal proposes put rank
ranked ranking reach reading reallocation received record recorded records recover
recovered recovery reference refusal registered registry reinstall rejected released
rename rendered rendering replaced replacing report reported reporting reports
represented requested required resident residents restore reversal reversed review
reviewed reviewers reviews row rows rule rules runs say scenarios scoring see
separated set sets settled settlement share shares sheet shipped signatories signs
since spread state steps still stopped stored summary supplier supporting taken
targeted template text than that the their them theme themes then they this tie
timeline title took totals trained two unchanged under unknown unpaid unspent until
upgrade use used validated value waiting warn warning warnings weight weighted were
what when where which who whole why wide will with withdrawal withdrawn withdrew
within without workbook workspace would writable write writes written wrote year
yearly years yet you your
funded_full funded_partial not_funded partial_remainder does_not_fit below_line
below_threshold org_cap theme_cap theme_guarantee not_in_optimum reserve_funded
reserve_partial conflict_excluded disagreement interim_report yearly_report
final_report housing_company non_profit partly_admitted
"""
#: English words of the tool's messages, tables and codes (lower case).
ENGLISH = frozenset(_WORDS.split())

_QUOTED_COMMAND = re.compile(r"'slrbcall[^']*'")
_NOT_WORDING = re.compile(
    r"\S*[/\\@]\S*"  # a path or an e-mail address
    r"|\S+\.(?:xlsx|xlsm|xls|ods|csv|docx|pdf|db|yaml|yml|json|ics|eml)\b"  # a file
    r"|--[\w-]+"  # an option
)
_WORD = re.compile(r"[^\W\d_][^\W\d]*")  # letters (any alphabet) and underscores


def english_words(text: str, *, data: Iterable[str] = ()) -> list[str]:
    """The words of :data:`ENGLISH` in ``text``, each once, sorted; the strings of
    ``data`` (the officer's own data, a call's keys) are left out first."""
    for piece in data:
        text = text.replace(piece, " ")
    text = _NOT_WORDING.sub(" ", _QUOTED_COMMAND.sub(" ", text))
    return sorted({word for word in _WORD.findall(text) if word.lower() in ENGLISH})
