"""Is English left in what the officer reads? A check against the English words the code
uses, for the tests that run a command in French or in Dutch.

The list holds English words that are neither French nor Dutch, so that a hit is English
left untranslated: "budget", "total", "tranche", "project", "status", "partner", "score",
"participants" or "report" (French for a postponement) are words of those languages too,
and are not in it. A code shown as it
is stored (``funded_full``) counts as English: the officer reads its label.
"""

from __future__ import annotations

import re

__all__ = ["ENGLISH_WORDS", "english_words"]

#: English words of the tool's texts; add the words of the texts you wrap.
ENGLISH_WORDS = frozenset(
    {
        # the board's workbook (slrbcall/reports)
        "activities",
        "admitted",
        "allocated",
        "amendment",
        "applicant",
        "applications",
        "average",
        "award",
        "awarded",
        "blocked",
        "by",
        "chart",
        "claimed",
        "company",
        "companies",
        "decision",
        "duration",
        "eligible",
        "explanation",
        "figures",
        "flags",
        "funded",
        "grant",
        "housing",
        "ineligible",
        "involved",
        "key",
        "language",
        "largest",
        "latest",
        "made",
        "median",
        "milestone",
        "missing",
        "months",
        "outcomes",
        "paid",
        "payments",
        "planned",
        "projects",
        "ranking",
        "reach",
        "reason",
        "reasons",
        "recovered",
        "reference",
        "remaining",
        "requested",
        "residents",
        "reviewers",
        "settled",
        "smallest",
        "spread",
        "summary",
        "targeted",
        "the",
        "theme",
        "title",
        "trained",
        "value",
        "waiting",
        "yes",
        # codes as stored, shown only through their labels
        "funded_full",
        "funded_partial",
        "not_funded",
        "does_not_fit",
        "below_line",
        "reserve_funded",
        "conflict_excluded",
        "disagreement",
        "incomplete",
        "cancelled",
        "withdrawn",
    }
)

_WORD = re.compile(r"[^\W\d]+")  # letters and underscores: a code is one word


def english_words(text: str) -> list[str]:
    """The words of :data:`ENGLISH_WORDS` found in ``text`` (whole words, any case), in
    the order they come; empty when there is no English left."""
    return [word for word in _WORD.findall(text) if word.casefold() in ENGLISH_WORDS]
