"""The officer's language: every message, header and code shown in French, Dutch or English.

The officers of the SLRB/BGHM read French or Dutch; English is the language the code is
written in and the fallback. One setting governs everything the tool shows: ``--lang``,
else ``$SLRBCALL_LANG``, else the system's locale (``LC_ALL``, ``LC_MESSAGES``,
``LANG``), else English.

Texts are translated with gettext catalogs (``slrbcall/locale/{fr,nl}/LC_MESSAGES``),
extracted from the code and compiled with Babel (``pybabel``, see the README's
Development section); ``tests/test_i18n.py`` fails when a text lacks its translation or
a catalog holds a text the code no longer has. In the code a text to show is written
``_("...")``, with named fields filled in after translation
(``_("{count} applications").format(count=n)``), plurals with :func:`ngettext`, and a
text defined before the language is known (a table of labels) is marked with
:func:`N_` and translated where it is shown.

Stored values never depend on the language: decision and reason codes stay stable
identifiers, and only their display is translated.
"""

from __future__ import annotations

import datetime as dt
import gettext
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "LANGUAGES",
    "N_",
    "_",
    "clauses",
    "format_count",
    "format_day",
    "format_moment",
    "gettext_in",
    "labelled",
    "language",
    "ngettext",
    "resolve_language",
    "use_language",
]

#: The languages the tool speaks, the first being the default of no setting at all.
LANGUAGES = ("en", "fr", "nl")
_DOMAIN = "slrbcall"
_LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_current = "en"


def resolve_language(option: str | None = None) -> str:
    """The language to speak: ``option`` (``--lang``), else ``$SLRBCALL_LANG``, else the
    system's locale, else English. A value that names none of ours is passed over."""
    candidates = [
        option,
        os.environ.get("SLRBCALL_LANG"),
        *(os.environ.get(name) for name in ("LC_ALL", "LC_MESSAGES", "LANG")),
    ]
    for candidate in candidates:
        code = _code(candidate)
        if code is not None:
            return code
    return "en"


def _code(value: str | None) -> str | None:
    """``fr_BE.UTF-8`` -> ``fr``; ``C``, ``POSIX``, ``de_DE`` or nothing -> None."""
    if not value:
        return None
    code = value.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else None


def use_language(code: str) -> None:
    """Speak ``code`` (one of :data:`LANGUAGES`) from now on.

    Click words its own texts ("Usage:", "Missing option") with the standard library's
    ``gettext.gettext``, which reads the process's default domain in the language of
    ``$LANGUAGE``: both are set here, and the catalogs hold those texts too.
    """
    global _current
    if code not in LANGUAGES:
        raise ValueError(f"not a language of slrbcall: {code!r} (use one of {LANGUAGES})")
    _current = code
    gettext.bindtextdomain(_DOMAIN, _LOCALE_DIR)
    gettext.textdomain(_DOMAIN)
    os.environ["LANGUAGE"] = code


def language() -> str:
    """The language spoken now."""
    return _current


@cache
def _catalog(code: str) -> gettext.NullTranslations:
    if code == "en":
        return gettext.NullTranslations()
    return gettext.translation(_DOMAIN, _LOCALE_DIR, languages=[code], fallback=True)


def _(message: str) -> str:
    """``message`` in the language spoken now (itself in English, or untranslated)."""
    return _catalog(_current).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count``, in the language spoken now."""
    return _catalog(_current).ngettext(singular, plural, count)


def gettext_in(code: str, message: str) -> str:
    """``message`` in the language ``code``, whatever the officer's: the tool's own words
    in a workbook written in a language of its own (a template's ``--lang``)."""
    return _catalog(code if code in LANGUAGES else "en").gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs without translating it (it is shown later)."""
    return message


def clauses(parts: Iterable[str]) -> str:
    """Clauses of one sentence joined as the officer's language joins them: ``a; b`` in
    English and Dutch, ``a\u202f; b`` in French (a narrow no-break space before the
    semicolon)."""
    return _("; ").join(parts)


def labelled(label: str, text: str) -> str:
    """A label and its text, as the officer's language joins them: ``EMP23-01: Ateliers``
    in English and Dutch, ``EMP23-01\u202f: Ateliers`` in French."""
    return _("{label}: {text}").format(label=label, text=text)


def format_day(day: dt.date) -> str:
    """A date as the officer reads it: ``15/12/2025`` in French and Dutch (as Belgian
    forms write it, and as the date options and the sheets read it), ``2025-12-15`` in
    English."""
    if _current == "en":
        return day.isoformat()
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def format_moment(at: str) -> str:
    """A stored moment (ISO 8601 in UTC, as the workspace keeps it) in the officer's time
    and notation: ``2026-12-06 22:07:13`` in English, ``06/12/2026 22:07`` in French and
    Dutch. A text that is no moment is shown as it is."""
    try:
        moment = dt.datetime.fromisoformat(at)
    except ValueError:
        return at
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    if _current == "en":
        return f"{moment:%Y-%m-%d %H:%M:%S}"
    return f"{format_day(moment.date())} {moment:%H:%M}"


def format_count(count: int) -> str:
    """A whole number as the officer reads it: ``1,000,000`` in English, ``1 000 000`` in
    French (a narrow no-break space, as the amounts), ``1.000.000`` in Dutch."""
    grouped = f"{count:,}"
    if _current == "fr":
        return grouped.replace(",", "\u202f")
    if _current == "nl":
        return grouped.replace(",", ".")
    return grouped
