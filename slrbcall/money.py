"""Money: integer cents everywhere, one strict way in, exact arithmetic.

Amounts are ``int`` cents. They enter through :func:`cents_from_decimal` (exact
values from YAML, JSON or numeric spreadsheet cells) or :func:`parse_amount`
(text typed by people, in Belgian notation). Nothing here ever touches a float.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

__all__ = [
    "AmountError",
    "cents_from_decimal",
    "decimal_from_text",
    "format_eur",
    "format_plain",
    "parse_amount",
    "split_largest_remainder",
    "to_decimal",
]

_HUNDRED = Decimal(100)


class AmountError(ValueError):
    """Text or a number that is not an exact amount. ``str()`` says what to write."""


def cents_from_decimal(value: Decimal | int) -> int:
    """Exact cents of ``value``; refuse more than two decimals, NaN and infinities."""
    if isinstance(value, bool):
        raise AmountError(f"not an amount: {value!r}")
    if isinstance(value, int):
        return value * 100
    if not value.is_finite():
        raise AmountError(f"not an amount: {value}")
    cents = value * _HUNDRED
    if cents != cents.to_integral_value():
        raise AmountError(f"more than two decimals: {value} (amounts are in euro and cents)")
    return int(cents)


def to_decimal(cents: int) -> Decimal:
    """The amount in euro, exactly, with two decimals."""
    return (Decimal(cents) / _HUNDRED).quantize(Decimal("0.01"))


def format_plain(cents: int) -> str:
    """Plain decimal form used in JSON and CSV: ``4405800`` -> ``"44058.00"``."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros}.{rest:02d}"


def format_eur(cents: int) -> str:
    """Human form for the terminal (English notation): ``€ 44,058.00``."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}€ {euros:,}.{rest:02d}"


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
_CURRENCY = re.compile(r"^(?:€|EUR)\s*|\s*(?:€|EUR)$", re.IGNORECASE)
_PLAIN = re.compile(r"\d+")
_DECIMAL_POINT = re.compile(r"(\d+)\.(\d{1,2})")
_DECIMAL_COMMA = re.compile(r"(\d+),(\d{1,2})")
_DOT_THOUSANDS = re.compile(r"(\d{1,3}(?:\.\d{3})+)(?:,(\d{1,2}))?")
_SPACE_THOUSANDS = re.compile(r"(\d{1,3}(?: \d{3})+)(?:[,.](\d{1,2}))?")
_HINT = "write e.g. 44058 or 44.058,00"


def parse_amount(text: str) -> int:
    """Parse an amount typed by a person, in Belgian notation, into cents.

    Accepted: ``44058``, ``44058,5``, ``44058.00``, ``44.058``, ``44.058,00``,
    ``44 058``, ``€ 44.058``, ``44 058,00 €``. Refused, because a person could
    mean two different amounts: ``1,500`` and ``12,345`` (thousands or decimals?),
    ``1,234.56`` (English notation). Also refused: signs, exponents, words.
    """
    raw = text
    text = _SPACES.sub(" ", text).strip()
    text = _CURRENCY.sub("", text).strip()
    if not text:
        raise AmountError(f"not an amount: {raw!r} ({_HINT})")
    if text.startswith(("-", "+", "−")):
        raise AmountError(f"amounts cannot carry a sign: {raw!r} ({_HINT})")
    if "e" in text.lower() and any(c.isdigit() for c in text):
        raise AmountError(f"exponent notation is not an amount: {raw!r} ({_HINT})")

    if _PLAIN.fullmatch(text):
        return int(text) * 100
    for pattern, thousands in (
        (_DECIMAL_COMMA, ""),
        (_DECIMAL_POINT, ""),
        (_DOT_THOUSANDS, "."),
        (_SPACE_THOUSANDS, " "),
    ):
        match = pattern.fullmatch(text)
        if match:
            whole, fraction = match.group(1), match.group(2) or "0"
            return int(whole.replace(thousands, "") if thousands else whole) * 100 + int(
                fraction.ljust(2, "0")
            )
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", text):
        raise AmountError(
            f"ambiguous amount: {raw!r} could be thousands or decimals "
            "(write 1500 or 1.500 for fifteen hundred, 1,50 for one and a half)"
        )
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+\.\d{1,2}", text):
        raise AmountError(f"English notation is not accepted: {raw!r} ({_HINT})")
    raise AmountError(f"not an amount: {raw!r} ({_HINT})")


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
        raise AmountError(f"not a plain decimal amount: {text!r} (write e.g. 255000 or 255000.00)")
    try:
        return Decimal(text.strip())
    except InvalidOperation as exc:  # pragma: no cover - the pattern already guards
        raise AmountError(f"not an amount: {text!r}") from exc
