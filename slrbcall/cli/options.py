"""The values of the command line's options: one typed parser per kind.

Each parser is a click parameter type. A bad value fails with a message that names the
option (``Invalid value for '--budget': ...``), and click exits with 2, wrong usage,
before the command runs: nothing is read or stored. Every number has a range, checked
here, where it enters (docs/cli.md lists them):

* :class:`Amount`: euro in Belgian notation (:func:`slrbcall.money.parse_amount`, the
  reader of the cells too), as cents, at most :data:`~slrbcall.money.MAX_CENTS`;
* :class:`~slrbcall.cli.dates.Day`, in a module of its own: a date in the forms the
  spreadsheets take, read by their reader;
* :class:`Number`: a decimal (``0.5`` or ``0,5``) between two bounds; never NaN, an
  infinity or an exponent;
* :class:`WholeNumber`: an int between two bounds;
* :class:`OneOf` and :class:`EnumChoice`: one of a few words;
* :class:`KeyValue`: ``KEY=VALUE``, the value read by another parser (``--theme-cap
  THEME=AMOUNT|PCT%`` reads its value with :class:`AmountOrPercent`);
* :class:`TieBreakKey`: the keys of ``--tie-break``;
* :class:`Reference`: an application's reference, in its canonical form;
* :class:`Percents`: shares in percent that add up to 100 (``--tranches 40,40,20``).

Some values can only be judged against the call (a theme of ``--theme-cap``, the
criterion of ``--tie-break criterion:KEY``): :func:`check_theme_caps` and
:func:`check_tie_break` judge them once the command knows its call, and refuse them as
wrong usage too.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NoReturn

import click
import typer

from slrbcall.i18n import N_, _
from slrbcall.money import AmountError, format_eur, parse_amount

# The base of the parsers: click 8.3 made ParamType generic, and earlier releases cannot
# be subscripted at run time.
if TYPE_CHECKING:
    from slrbcall.model import Call

    OptionType = click.ParamType[Any, Any]
else:
    OptionType = click.ParamType

__all__ = [
    "Amount",
    "AmountOrPercent",
    "EnumChoice",
    "KeyValue",
    "Number",
    "OneOf",
    "OptionType",
    "Percents",
    "Reference",
    "Shares",
    "TieBreakKey",
    "WholeNumber",
    "check_theme_caps",
    "check_tie_break",
    "tie_break_keys",
]

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_WHOLE = re.compile(r"[+-]?\d+")
_SEED = re.compile(r"\d{1,18}")
_TIE_BREAK_WORDS = ("id", "request-asc", "request-desc")

#: The units and examples the commands give their numbers (``unit="days"``,
#: ``example="write e.g. 0.5 or 0,5"``), marked for the catalogs: a refused value names
#: them in the officer's language.
_WORDS = (
    N_("days"),
    N_("months"),
    N_("years"),
    N_("projects"),
    N_("write e.g. 0.5 or 0,5"),
    N_("write e.g. 70 or 72,5"),
)


def _tie_break_hint() -> str:
    return _("use id, request-asc, request-desc, criterion:KEY or lottery:SEED")


def _preview(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _suggestion(value: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, known, n=1)
    return _(" (did you mean '{value}'?)").format(value=close[0]) if close else ""


class Reference(OptionType):
    """An application's reference, in the canonical form it is stored in
    (:func:`~slrbcall.model.canonical_reference`), so that one typed with an invisible
    character or in full-width digits finds its application."""

    name = "reference"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        # --help, which builds these types, never needs the model (20 ms to load); a
        # command given a reference loads it anyway.
        from slrbcall.model import canonical_reference  # noqa: PLC0415 (20 ms --help skips)

        reference = canonical_reference(str(value))
        if not reference:
            self.fail(
                _("an empty reference: {value}").format(value=_preview(str(value))), param, ctx
            )
        return reference


class Amount(OptionType):
    """An amount in euro, as int cents, of at least ``minimum_cents``."""

    name = "amount"

    def __init__(self, *, minimum_cents: int = 0) -> None:
        self.minimum_cents = minimum_cents

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            cents = value
        else:
            try:
                cents = parse_amount(str(value))
            except AmountError as exc:
                self.fail(str(exc), param, ctx)
        if cents < self.minimum_cents:
            self.fail(
                _("{amount} is below the minimum of {minimum}").format(
                    amount=format_eur(cents), minimum=format_eur(self.minimum_cents)
                ),
                param,
                ctx,
            )
        return cents


class Number(OptionType):
    """A decimal number from ``minimum`` to ``maximum``: ``0.5`` or ``0,5``."""

    name = "number"

    def __init__(self, minimum: Decimal, maximum: Decimal, *, example: str) -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.example = example

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Decimal:
        if isinstance(value, Decimal):
            number = value
        else:
            text = str(value).strip()
            # Digits and one mark only: 'nan', 'inf', '1e3' and signs never get in.
            if not _NUMBER.fullmatch(text):
                self.fail(
                    _("not a number: {value} ({example})").format(
                        value=_preview(str(value)), example=_(self.example)
                    ),
                    param,
                    ctx,
                )
            number = Decimal(text.replace(",", "."))
        if not (number.is_finite() and self.minimum <= number <= self.maximum):
            self.fail(
                _("must be from {minimum} to {maximum}, not {value}").format(
                    minimum=self.minimum, maximum=self.maximum, value=_preview(str(value))
                ),
                param,
                ctx,
            )
        return number


class WholeNumber(OptionType):
    """A whole number from ``minimum`` to ``maximum`` of ``unit`` (``days``, or none)."""

    name = "integer"

    def __init__(self, minimum: int, maximum: int, *, unit: str = "") -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.unit = unit

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number: int | None = value
        else:
            text = str(value).strip()
            if not _WHOLE.fullmatch(text):
                self.fail(
                    _("not a whole number: {value}").format(value=_preview(str(value))), param, ctx
                )
            # Python reads no int of more than 4,300 digits; a bound is never near that.
            digits = text.lstrip("+-").lstrip("0")
            fits = len(digits) <= len(str(max(abs(self.minimum), abs(self.maximum))))
            number = int(text) if fits else None
        if number is None or not self.minimum <= number <= self.maximum:
            bounds = {"minimum": self.minimum, "maximum": self.maximum}
            self.fail(
                (
                    _("must be from {minimum} to {maximum} {unit}, not {value}").format(
                        **bounds, unit=_(self.unit), value=_preview(str(value))
                    )
                    if self.unit
                    else _("must be from {minimum} to {maximum}, not {value}").format(
                        **bounds, value=_preview(str(value))
                    )
                ),
                param,
                ctx,
            )
        return number


class OneOf(OptionType):
    """One of a few words, given as typed."""

    name = "choice"

    def __init__(self, choices: Iterable[str]) -> None:
        self.choices = tuple(choices)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "|".join(self.choices)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value)
        if text not in self.choices:
            self.fail(
                _("{value} is not one of {choices}").format(
                    value=_preview(text), choices=", ".join(self.choices)
                )
                + _suggestion(text, self.choices),
                param,
                ctx,
            )
        return text


class EnumChoice(OneOf):
    """One of the values of a ``StrEnum``, as its member."""

    def __init__(self, enum: type[StrEnum]) -> None:
        super().__init__(member.value for member in enum)
        self.enum = enum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return self.enum(super().convert(value, param, ctx))


class AmountOrPercent(OptionType):
    """An amount (int cents, as :class:`Amount`) or a percent ``PCT%`` (a Decimal, 0 to
    100): the type of the value tells which."""

    name = "amount|pct%"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> int | Decimal:
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        if not text.endswith("%"):
            return Amount().convert(text, param, ctx)
        share = text.removesuffix("%").strip()
        percent = Decimal(share.replace(",", ".")) if _NUMBER.fullmatch(share) else None
        if percent is None or percent > 100:
            self.fail(
                _("a percent is from 0% to 100%, not {value}").format(value=_preview(text)),
                param,
                ctx,
            )
        return percent


class KeyValue(OptionType):
    """``KEY=VALUE``, the value read by another parser: a ``(key, value)`` pair."""

    def __init__(self, value: OptionType, *, key: str) -> None:
        self.value = value
        self.key = key
        self.name = f"{key}={value.name}"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, Any]:
        if isinstance(value, tuple):
            return value
        text = str(value)
        key, sep, given = (part.strip() for part in text.partition("="))
        if not sep or not key or not given:
            self.fail(
                _("write {form}, not {value}").format(form=self.name.upper(), value=_preview(text)),
                param,
                ctx,
            )
        try:
            return key, self.value.convert(given, param, ctx)
        except click.BadParameter as exc:
            self.fail(f"{key}: {exc.message}", param, ctx)


class TieBreakKey(OptionType):
    """Tie-break keys, comma-separated: ``id``, ``request-asc``, ``request-desc``,
    ``criterion:KEY``, ``lottery:SEED`` (up to 18 digits). Given back joined by commas:
    :func:`tie_break_keys` makes the chain of all the values."""

    name = "key"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        keys = [key.strip() for key in str(value).split(",") if key.strip()]
        if not keys:
            self.fail(_("no tie-break key ({hint})").format(hint=_tie_break_hint()), param, ctx)
        for key in keys:
            kind, _sep, rest = key.partition(":")
            if key in _TIE_BREAK_WORDS or (kind == "criterion" and rest and " " not in rest):
                continue
            if kind == "lottery":
                if _SEED.fullmatch(rest):
                    continue
                self.fail(
                    _(
                        "the seed of {key} is a whole number of up to 18 digits "
                        "(e.g. lottery:20231115)"
                    ).format(key=_preview(key)),
                    param,
                    ctx,
                )
            self.fail(
                _("unknown tie-break key {key} ({hint})").format(
                    key=_preview(key), hint=_tie_break_hint()
                ),
                param,
                ctx,
            )
        return ",".join(keys)


def tie_break_keys(values: Sequence[str]) -> tuple[str, ...]:
    """The chain of keys of every ``--tie-break`` given, in order."""
    return tuple(key for value in values for key in value.split(","))


def _refuse(ctx: typer.Context, name: str, message: str) -> NoReturn:
    """A value of option ``name`` that the call rules out: wrong usage, exit 2."""
    param = next((p for p in ctx.command.params if p.name == name), None)
    raise typer.BadParameter(message, ctx=ctx, param=param)


def check_theme_caps(ctx: typer.Context, themes: Sequence[str], call: Call) -> None:
    """Each theme of ``--theme-cap`` (parameter ``theme_cap``) is one of ``call``'s, once."""
    known = [theme.key for theme in call.themes]
    seen: set[str] = set()
    for theme in themes:
        if theme not in known:
            _refuse(
                ctx,
                "theme_cap",
                _("'{theme}' is not a theme of {call}{suggestion}; its themes: {themes}").format(
                    theme=theme,
                    call=call.id,
                    suggestion=_suggestion(theme, known),
                    themes=", ".join(known),
                ),
            )
        if theme in seen:
            _refuse(
                ctx, "theme_cap", _("two caps for theme '{theme}': give one").format(theme=theme)
            )
        seen.add(theme)


def check_tie_break(ctx: typer.Context, keys: Sequence[str], call: Call) -> None:
    """Each ``criterion:KEY`` names a criterion of ``call`` (parameter ``tie_break``)."""
    criteria = [criterion.key for criterion in call.criteria]
    for key in keys:
        kind, _sep, name = key.partition(":")
        if kind == "criterion" and name not in criteria:
            _refuse(
                ctx,
                "tie_break",
                _(
                    "'{criterion}' is not a criterion of {call}{suggestion}; its criteria: "
                    "{criteria}"
                ).format(
                    criterion=name,
                    call=call.id,
                    suggestion=_suggestion(name, criteria),
                    criteria=", ".join(criteria),
                ),
            )


@dataclass(frozen=True, slots=True)
class Shares:
    """Shares in percent that add up to exactly 100, as :class:`Percents` read them."""

    percents: tuple[Decimal, ...]


class Percents(OptionType):
    """Shares in percent, comma-separated, that add up to exactly 100: ``60,40``,
    ``33.5,33.5,33``, as :class:`Shares`; a share may be 0."""

    name = "pct,pct,..."

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Shares:
        if isinstance(value, Shares):
            return value
        text = str(value).strip()
        parts = [part.strip().removesuffix("%").strip() for part in text.split(",")]
        # A comma separates the shares: a decimal share takes a point (33.5).
        if not all(re.fullmatch(r"\d{1,3}(?:\.\d{1,2})?", part) for part in parts):
            self.fail(
                _(
                    "write the shares in percent, separated by commas, e.g. 60,40 or "
                    "33.5,33.5,33, not {value}"
                ).format(value=_preview(text)),
                param,
                ctx,
            )
        shares = tuple(Decimal(part) for part in parts)
        if sum(shares) != 100:
            self.fail(
                _("the shares add up to {total}%, not 100%: {value}").format(
                    total=sum(shares), value=_preview(text)
                ),
                param,
                ctx,
            )
        return Shares(shares)
