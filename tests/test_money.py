"""Money: strict parsing of typed amounts, exact conversions, exact splits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slrbcall.money import (
    AmountError,
    cents_from_decimal,
    format_eur,
    format_plain,
    parse_amount,
    split_largest_remainder,
)


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("44058", 4405800),
        ("44.058,00", 4405800),
        ("44 058", 4405800),
        ("44\u00a0058,5", 4405850),
        ("44\u202f058", 4405800),
        ("€ 44.058", 4405800),
        ("44 058,00 €", 4405800),
        ("EUR 1.500", 150000),
        ("€ 1.500", 150000),
        ("1,5", 150),
        ("1,50", 150),
        ("44058.00", 4405800),
        ("44058.5", 4405850),
        ("1.234.567,89", 123456789),
        ("0", 0),
    ],
)
def test_parse_amount_accepts_belgian_notation(text: str, cents: int) -> None:
    assert parse_amount(text) == cents


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,500", "ambiguous amount: '1,500' could be thousands or decimals"),
        ("12,345", "ambiguous amount: '12,345' could be thousands or decimals"),
        ("1e3", "exponent notation is not an amount: '1e3'"),
        ("-5", "amounts cannot carry a sign: '-5'"),
        ("+5", "amounts cannot carry a sign: '+5'"),
        ("1,234.56", "English notation is not accepted: '1,234.56'"),
        ("ca 50k", "not an amount: 'ca 50k' (write e.g. 44058 or 44.058,00)"),
        ("", "not an amount: ''"),
        ("1.5000", "not an amount: '1.5000'"),
        ("12,345,678", "ambiguous amount"),
    ],
)
def test_parse_amount_refuses_what_could_mean_two_things(text: str, message: str) -> None:
    with pytest.raises(AmountError) as info:
        parse_amount(text)
    assert str(info.value).startswith(message)


def test_cents_from_decimal_is_exact() -> None:
    assert cents_from_decimal(Decimal("44058.10")) == 4405810
    assert cents_from_decimal(255000) == 25500000
    with pytest.raises(AmountError, match=r"more than two decimals: 1\.005"):
        cents_from_decimal(Decimal("1.005"))
    with pytest.raises(AmountError):
        cents_from_decimal(Decimal("NaN"))


def test_formats() -> None:
    assert format_plain(4405800) == "44058.00"
    assert format_plain(5) == "0.05"
    assert format_plain(-150) == "-1.50"
    assert format_eur(25500000) == "€ 255,000.00"


def test_split_example() -> None:
    assert split_largest_remainder(100, [1, 1, 1]) == [34, 33, 33]
    assert split_largest_remainder(4405800, [50, 30, 20]) == [2202900, 1321740, 881160]


@given(
    total=st.integers(min_value=0, max_value=10**11),
    weights=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12).filter(
        lambda w: sum(w) > 0
    ),
)
def test_split_always_sums_to_total(total: int, weights: list[int]) -> None:
    parts = split_largest_remainder(total, weights)
    assert sum(parts) == total
    for part, weight in zip(parts, weights, strict=True):
        exact = Decimal(total) * weight / sum(weights)
        assert abs(Decimal(part) - exact) < 1


@given(cents=st.integers(min_value=0, max_value=10**12))
def test_plain_form_round_trips(cents: int) -> None:
    assert parse_amount(format_plain(cents)) == cents
