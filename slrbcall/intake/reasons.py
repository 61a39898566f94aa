"""Why an application is ineligible: each reason's sentence, stored in English and shown
in the officer's language.

A reason is stored with its application (``reasons_json``: its code and its sentence), and
a stored record must not depend on who ran the command: :func:`reason` writes the
sentence in English, amounts in the English notation, whatever the officer's language, as
the tool always wrote it (an intake compares the stored sentences to tell a changed
application). :func:`reason_text` shows it in the officer's language: it reads the facts
back out of the English sentence by its code's pattern and writes them into the
translated sentence, amounts in the officer's notation. A sentence that matches no
pattern (a fixed text, or one worded by another version) is translated as a whole when
the catalogs have it, else shown as stored.

Pure: no file is read and nothing is stored here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache

from slrbcall.i18n import N_, _, ngettext
from slrbcall.model import OrgKind, Reason
from slrbcall.money import format_eur

__all__ = ["REASON_SENTENCES", "reason", "reason_text", "reasons_text"]

#: Each reason code's sentence, as stored (English), its facts as named fields. The
#: English wording is part of what is stored: change it only with a migration.
REASON_SENTENCES: Mapping[str, str] = {
    "applicant_unknown": N_("'{name}' is not an organisation that may apply ({kinds})"),
    "applicant_kind": N_("{name} is a {kind}; this call is open to {kinds}"),
    "second_housing_company_not_allowed": N_(
        "it names a second housing company ({name}); the conventions of this call are "
        "signed by one housing company"
    ),
    "second_housing_company_same": N_(
        "the second housing company ({name}) is the applicant itself"
    ),
    "commune_not_allowed": N_(
        "it names a commune ({name}); the conventions of this call are not signed by a commune"
    ),
    "commune_missing": N_("the call requires a commune, and none is named"),
    "partner_missing": N_("the call requires a partner, and none is named"),
    "theme_unknown": N_("'{theme}' is not a theme of the call ({themes})"),
    "amount_below_minimum": N_("it asks for {requested}, below the minimum grant of {minimum}"),
    "amount_above_maximum": N_("it asks for {requested}, above the maximum grant of {maximum}"),
    "duration_not_call": "it lasts {months} months; projects of this call last {call_months}",
    "duration_too_long": (
        "it lasts {months} months; projects of this call last at most {call_months}"
    ),
    "too_many_applications": N_(
        "{name} sent {count} applications and the call takes at most {limit} per applicant; "
        "by reference, this is number {number}"
    ),
}

#: The kinds of organisation as the sentences name them.
_KINDS = {
    OrgKind.AUTHORITY: N_("authority"),
    OrgKind.HOUSING_COMPANY: N_("housing company"),
    OrgKind.NON_PROFIT: N_("non profit"),
    OrgKind.COMMUNE: N_("commune"),
}
_KIND_OF_WORDS = {words: kind for kind, words in _KINDS.items()}

_AMOUNTS = ("requested", "minimum", "maximum")
_WHOLE = ("count", "limit", "number", "months", "call_months")
_ENGLISH_AMOUNT = re.compile(r"(-?)€ (\d{1,3}(?:,\d{3})*)\.(\d\d)")


def reason(code: str, **facts: object) -> Reason:
    """The reason ``code`` with its sentence in English: amounts in cents (``requested``,
    ``minimum``, ``maximum``), kinds as :class:`OrgKind` (``kind``, and ``kinds`` a
    sequence of them), the rest as they are written."""
    english: dict[str, object] = {}
    for name, value in facts.items():
        if name in _AMOUNTS:
            assert isinstance(value, int)
            english[name] = format_eur(value, lang="en")
        elif name == "kind":
            assert isinstance(value, OrgKind)
            english[name] = _KINDS[value]
        elif name == "kinds":
            assert isinstance(value, Sequence)
            english[name] = ", ".join(_KINDS[kind] for kind in value)
        else:
            english[name] = value
    return Reason(code, REASON_SENTENCES[code].format(**english))


def reason_text(found: Reason) -> str:
    """The sentence of a reason in the officer's language (the stored one in English)."""
    if not found.message:
        return found.message
    pattern = _pattern(found.code)
    match = pattern.fullmatch(found.message) if pattern is not None else None
    facts = _shown(match.groupdict()) if match is not None else None
    if facts is None:
        return _(found.message)
    if found.code in ("duration_not_call", "duration_too_long"):
        return _months(found.code, int(facts["months"])).format(**facts)
    return _(REASON_SENTENCES[found.code]).format(**facts)


def _months(code: str, months: int) -> str:
    """The sentences that count months, with the plural the count takes (the stored
    English says "1 months", as it always did)."""
    if code == "duration_not_call":
        return ngettext(
            "it lasts {months} month; projects of this call last {call_months}",
            "it lasts {months} months; projects of this call last {call_months}",
            months,
        )
    return ngettext(
        "it lasts {months} month; projects of this call last at most {call_months}",
        "it lasts {months} months; projects of this call last at most {call_months}",
        months,
    )


@cache
def _pattern(code: str) -> re.Pattern[str] | None:
    """The stored sentence of ``code`` as a pattern, each field a named group."""
    sentence = REASON_SENTENCES.get(code)
    if sentence is None:
        return None
    parts = re.split(r"\{(\w+)\}", sentence)
    regex = ""
    for i, part in enumerate(parts):
        if i % 2 == 0:
            regex += re.escape(part)
        elif part in _WHOLE:
            regex += rf"(?P<{part}>\d+)"
        else:
            regex += rf"(?P<{part}>.+?)"
    return re.compile(regex, re.DOTALL)


def _shown(facts: Mapping[str, str]) -> dict[str, str] | None:
    """The facts read from an English sentence, as the officer reads them; ``None`` when
    one of them is not what its field holds (the sentence was worded otherwise)."""
    shown: dict[str, str] = {}
    readers: dict[str, Callable[[str], str | None]] = {
        **dict.fromkeys(_AMOUNTS, _amount),
        "kind": _kind,
        "kinds": _kind_list,
    }
    for name, value in facts.items():
        reader = readers.get(name)
        text = value if reader is None else reader(value)
        if text is None:
            return None
        shown[name] = text
    return shown


def _amount(english: str) -> str | None:
    match = _ENGLISH_AMOUNT.fullmatch(english)
    if match is None:
        return None
    sign, euros, cents = match.groups()
    value = int(euros.replace(",", "")) * 100 + int(cents)
    return format_eur(-value if sign else value)


def _kind(words: str) -> str | None:
    kind = _KIND_OF_WORDS.get(words)
    return None if kind is None else _(_KINDS[kind])


def _kind_list(listed: str) -> str | None:
    shown = [_kind(words) for words in listed.split(", ")]
    if any(text is None for text in shown):
        return None
    return ", ".join(text for text in shown if text is not None)


def reasons_text(found: Sequence[Reason]) -> str:
    """Several reasons in one line, in the officer's language."""
    return "; ".join(reason_text(item) for item in found)
