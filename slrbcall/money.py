"""Money: integer cents everywhere, one strict way in, exact arithmetic.

Amounts are ``int`` cents. They enter through :func:`cents_from_decimal` (exact
values from YAML, JSON or numeric spreadsheet cells) or :func:`parse_amount`
(text typed by people, in Belgian notation). Nothing here ever touches a float.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from slrbcall.i18n import _, language

__all__ = [
    "MAX_CENTS",
    "AmountError",
    "cents_from_decimal",
    "decimal_from_text",
    "format_eur",
    "format_plain",
    "parse_amount",
    "percent_of",
    "split_largest_remainder",
    "to_decimal",
]

_HUNDRED = Decimal(100)

#: The largest amount a person may type: € 1,000,000,000.00, thousands of times a call's
#: budget. Far below 2**53 cents, so that a budget and every request stay exact in the
#: solver's floating-point numbers, and so does the sum of 90,000 of them; and far below
#: the 64-bit integers in which the workspace keeps cents.
MAX_CENTS = 100_000_000_000


class AmountError(ValueError):
    """Text or a number that is not an exact amount. ``str()`` says what to write."""


def cents_from_decimal(value: Decimal | int) -> int:
    """Exact cents of ``value``; refuse more than two decimals, NaN, infinities and an
    amount above :data:`MAX_CENTS` (of either sign)."""
    if isinstance(value, bool):
        raise AmountError(_("not an amount: {value}").format(value=repr(value)))
    if isinstance(value, int):
        cents = value * 100
    else:
        if not value.is_finite():
            raise AmountError(_("not an amount: {value}").format(value=value))
        if value.adjusted() > _MAX_DIGITS:  # before the product: 1E+999999 is finite
            raise _too_large(str(value))
        exact = value * _HUNDRED
        if exact != exact.to_integral_value():
            raise AmountError(
                _("more than two decimals: {value} (amounts are in euro and cents)").format(
                    value=value
                )
            )
        cents = int(exact)
    if abs(cents) > MAX_CENTS:
        raise _too_large(str(value) if isinstance(value, int) else format(value, "f"))
    return cents


def to_decimal(cents: int) -> Decimal:
    """The amount in euro, exactly, with two decimals."""
    return (Decimal(cents) / _HUNDRED).quantize(Decimal("0.01"))


def percent_of(cents: int, percent: Decimal) -> int:
    """``percent`` % of ``cents``, rounded down to the cent: a rule that allows a share
    never allows a cent more (10 % of € 27,500.01 is € 2,750.00)."""
    exact = Decimal(cents) * percent / _HUNDRED
    return int(exact.to_integral_value(rounding="ROUND_FLOOR"))


def format_plain(cents: int) -> str:
    """Plain decimal form used in JSON and CSV: ``4405800`` -> ``"44058.00"``."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros}.{rest:02d}"


def format_eur(cents: int, *, lang: str | None = None) -> str:
    """An amount as the officer reads it, in the language spoken (:mod:`slrbcall.i18n`),
    or in ``lang`` (a text stored whoever ran the command is written in English).

    As CLDR writes euro for Belgium: ``44 058,00 €`` in French (a narrow no-break space
    between thousands, a no-break space before the sign), ``€ 44.058,00`` in Dutch, and
    ``€ 44,058.00`` in English. The notations the intake and the options read are the
    Belgian ones; tests/test_money.py holds these to Babel's.
    """
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    code = language() if lang is None else lang
    if code == "fr":
        return f"{sign}{euros:,}".replace(",", "\u202f") + f",{rest:02d}\u00a0€"
    if code == "nl":
        return f"€\u00a0{sign}{euros:,}".replace(",", ".") + f",{rest:02d}"
    return f"{sign}€ {euros:,}.{rest:02d}"


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
_CURRENCY = re.compile(r"^(?:€|EUR)\s*|\s*(?:€|EUR)$", re.IGNORECASE)
_PLAIN = re.compile(r"\d+")
_DECIMAL_POINT = re.compile(r"(\d+)\.(\d{1,2})")
_DECIMAL_COMMA = re.compile(r"(\d+),(\d{1,2})")
_DOT_THOUSANDS = re.compile(r"(\d{1,3}(?:\.\d{3})+)(?:,(\d{1,2}))?")
_SPACE_THOUSANDS = re.compile(r"(\d{1,3}(?: \d{3})+)(?:[,.](\d{1,2}))?")
# One mark followed by three digits: a mark between thousands, or a decimal mark?
_ONE_GROUP = re.compile(r"(\d{1,3})([.,])(\d{3})")
_COMMA_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?")


def _hint() -> str:
    """What to write, after a refused amount (in the officer's language: it is read after
    the language is set, not at import)."""
    return _("write e.g. 44058 or 44.058,00")


_MAX_DIGITS = len(str(MAX_CENTS)) + 1


def _belgian(cents: int, *, decimals: bool) -> str:
    """``150000`` -> ``1.500`` (or ``1.500,00`` with ``decimals``): the way to type it."""
    euros, rest = divmod(cents, 100)
    whole = f"{euros:,}".replace(",", ".")
    return f"{whole},{rest:02d}" if decimals or rest else whole


def _ambiguous(raw: str, whole: str, fraction: str) -> AmountError:
    """The refusal of ``whole``, one mark, ``fraction`` (three digits), with both readings."""
    thousands = _belgian(int(whole + fraction) * 100, decimals=False)
    if fraction.endswith("0"):
        decimal = _belgian(int(whole) * 100 + int(fraction[:2]), decimals=True)
        return AmountError(
            _(
                "ambiguous amount: {raw} could be thousands or decimals: {thousands} or "
                "{decimal} (write the one you mean)"
            ).format(raw=repr(raw), thousands=thousands, decimal=decimal)
        )
    return AmountError(
        _(
            "ambiguous amount: {raw} could be thousands or decimals: {thousands} or "
            "{finer}, finer than a cent (write {thousands} if you mean it)"
        ).format(raw=repr(raw), thousands=thousands, finer=f"{int(whole)},{fraction}")
    )


def parse_amount(text: str) -> int:
    """Parse an amount typed by a person, in Belgian notation, into cents.

    Accepted: ``44058``, ``44058,5``, ``44058.00``, ``44.058``, ``44.058,00``,
    ``44 058``, ``€ 44.058``, ``44 058,00 €``. Refused, because a person could
    mean two amounts a thousand times apart: a comma followed by three digits
    (``1,500``, ``12,345``, ``0,001``: thousands or decimals?) and a dot followed by
    three digits after a leading zero (``0.010``, ``0.500``: a number in thousands
    never starts with 0, so the dot may be a decimal point); the message gives both
    readings. Also refused: English notation (``1,234.56``), any other number grouped
    in thousands that starts with 0 (``0.500.000``), signs, exponents, words, and an
    amount above :data:`MAX_CENTS`.
    """
    raw = text
    text = _SPACES.sub(" ", text).strip()
    text = _CURRENCY.sub("", text).strip()
    if not text:
        raise AmountError(_("not an amount: {raw} ({hint})").format(raw=repr(raw), hint=_hint()))
    if text.startswith(("-", "+", "−")):
        raise AmountError(
            _("amounts cannot carry a sign: {raw} ({hint})").format(raw=repr(raw), hint=_hint())
        )
    if "e" in text.lower() and any(c.isdigit() for c in text):
        raise AmountError(
            _("exponent notation is not an amount: {raw} ({hint})").format(
                raw=repr(raw), hint=_hint()
            )
        )

    # Python refuses to read an int of more than 4,300 digits; anything near is too large.
    if len(re.sub(r"\D", "", text).lstrip("0")) > _MAX_DIGITS:
        raise _too_large(raw)
    cents = _cents(raw, text)
    if cents > MAX_CENTS:
        raise _too_large(raw)
    return cents


def _too_large(raw: str) -> AmountError:
    shown = repr(raw) if len(raw) <= 40 else repr(raw[:37] + "...")
    return AmountError(
        _(
            "too large an amount: {raw} is above {largest}, the largest amount slrbcall takes"
        ).format(raw=shown, largest=format_eur(MAX_CENTS))
    )


def _cents(raw: str, text: str) -> int:
    if _PLAIN.fullmatch(text):
        return int(text) * 100
    for pattern in (_DECIMAL_COMMA, _DECIMAL_POINT):
        if match := pattern.fullmatch(text):
            return int(match.group(1)) * 100 + int(match.group(2).ljust(2, "0"))
    if (group := _ONE_GROUP.fullmatch(text)) and (
        group.group(2) == "," or group.group(1).startswith("0")
    ):
        raise _ambiguous(raw, group.group(1), group.group(3))
    for pattern, thousands in ((_DOT_THOUSANDS, "."), (_SPACE_THOUSANDS, " ")):
        if match := pattern.fullmatch(text):
            whole, fraction = match.group(1), match.group(2) or "0"
            if whole.startswith("0"):
                raise AmountError(
                    _(
                        "not an amount: {raw} (a number grouped in thousands does not start "
                        "with 0; {hint})"
                    ).format(raw=repr(raw), hint=_hint())
                )
            return int(whole.replace(thousands, "")) * 100 + int(fraction.ljust(2, "0"))
    if _COMMA_THOUSANDS.fullmatch(text):
        raise AmountError(
            _("English notation is not accepted: {raw} ({hint})").format(
                raw=repr(raw), hint=_hint()
            )
        )
    raise AmountError(_("not an amount: {raw} ({hint})").format(raw=repr(raw), hint=_hint()))


def split_largest_remainder(total: int, weights: Sequence[Decimal | int]) -> list[int]:
    """Split ``total`` cents in proportion to ``weights``; the parts sum to ``total``.

    Each part gets the floor of its exact share; the cents left over go one by one
    to the largest remainders, ties to the earlier part. Invariant:
    ``sum(result) == total`` and every part differs from its exact share by < 1 cent.
    """
    if total < 0:
        raise ValueError("total must not be negative")
    dec_weights = [Decimal(w) for w in weights]
    if not dec_weights or any(w < 0 for w in dec_weights) or sum(dec_weights) <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    weight_sum = sum(dec_weights)
    shares = [Decimal(total) * w / weight_sum for w in dec_weights]
    parts = [int(s) for s in shares]  # floor: shares are non-negative
    left = total - sum(parts)
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def decimal_from_text(text: str) -> Decimal:
    """A plain decimal (``255000``, ``255000.00``) as Decimal, or AmountError."""
    if not re.fullmatch(r"\d+(?:\.\d+)?", text.strip()):
        raise AmountError(
            _("not a plain decimal amount: {text} (write e.g. 255000 or 255000.00)").format(
                text=repr(text)
            )
        )
    try:
        return Decimal(text.strip())
    except InvalidOperation as exc:  # pragma: no cover - the pattern already guards
        raise AmountError(_("not an amount: {value}").format(value=repr(text))) from exc
