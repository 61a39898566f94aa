"""Money: strict parsing of typed amounts, exact conversions, exact splits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slrbcall.money import (
    MAX_CENTS,
    AmountError,
    cents_from_decimal,
    format_eur,
    format_plain,
    parse_amount,
    split_largest_remainder,
)
from slrbcall.sheets.cells import CellError, read_amount
from slrbcall.sheets.model import Cell


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
        ("12,345,678", "English notation is not accepted: '12,345,678'"),
        ("0.500.000", "not an amount: '0.500.000' (a number grouped in thousands does not"),
        ("0.500,00", "not an amount: '0.500,00' (a number grouped in thousands does not"),
        ("0 500", "not an amount: '0 500' (a number grouped in thousands does not"),
    ],
)
def test_parse_amount_refuses_what_could_mean_two_things(text: str, message: str) -> None:
    with pytest.raises(AmountError) as info:
        parse_amount(text)
    assert str(info.value).startswith(message)


AMBIGUOUS = [
    pytest.param(
        "0.010",
        "ambiguous amount: '0.010' could be thousands or decimals: 10 or 0,01 "
        "(write the one you mean)",
        id="0.010",
    ),
    pytest.param(
        "0.001",
        "ambiguous amount: '0.001' could be thousands or decimals: 1 or 0,001, finer than "
        "a cent (write 1 if you mean it)",
        id="0.001",
    ),
    pytest.param(
        "0.500",
        "ambiguous amount: '0.500' could be thousands or decimals: 500 or 0,50 "
        "(write the one you mean)",
        id="0.500",
    ),
    pytest.param(
        "€ 00.500",
        "ambiguous amount: '€ 00.500' could be thousands or decimals: 500 or 0,50 "
        "(write the one you mean)",
        id="00.500",
    ),
    pytest.param(
        "0,001",
        "ambiguous amount: '0,001' could be thousands or decimals: 1 or 0,001, finer than "
        "a cent (write 1 if you mean it)",
        id="0,001",
    ),
    pytest.param(
        "1,500",
        "ambiguous amount: '1,500' could be thousands or decimals: 1.500 or 1,50 "
        "(write the one you mean)",
        id="1,500",
    ),
    pytest.param(
        "12,345",
        "ambiguous amount: '12,345' could be thousands or decimals: 12.345 or 12,345, "
        "finer than a cent (write 12.345 if you mean it)",
        id="12,345",
    ),
]


@pytest.mark.parametrize(("typed", "message"), AMBIGUOUS)
def test_an_amount_a_thousand_times_apart_is_refused_with_both_readings(
    typed: str, message: str
) -> None:
    with pytest.raises(AmountError) as info:
        parse_amount(typed)
    assert str(info.value) == message


@pytest.mark.parametrize(("typed", "message"), AMBIGUOUS)
def test_a_text_cell_is_read_as_typed_amounts_are(typed: str, message: str) -> None:
    """Cells and options share parse_amount: the same text, the same refusal."""
    with pytest.raises(CellError) as info:
        read_amount(Cell(row=2, col=6, value=typed, is_text=True))
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("1.500", 150000), ("255.000", 25500000), ("0.50", 50), ("0,01", 1), ("0500", 50000)],
)
def test_what_only_one_reading_fits_is_taken(typed: str, cents: int) -> None:
    assert parse_amount(typed) == cents


@given(whole=st.integers(min_value=0, max_value=999), fraction=st.integers(0, 999))
def test_a_comma_before_three_digits_is_never_guessed(whole: int, fraction: int) -> None:
    with pytest.raises(AmountError, match=r"^ambiguous amount: "):
        parse_amount(f"{whole},{fraction:03d}")


@given(fraction=st.integers(0, 999), zeros=st.integers(1, 3))
def test_a_dot_before_three_digits_after_a_leading_zero_is_never_guessed(
    fraction: int, zeros: int
) -> None:
    with pytest.raises(AmountError, match=r"^ambiguous amount: "):
        parse_amount(f"{'0' * zeros}.{fraction:03d}")


@given(euros=st.integers(min_value=1000, max_value=MAX_CENTS // 100))
def test_dots_between_thousands_are_read_as_thousands(euros: int) -> None:
    assert parse_amount(f"{euros:,}".replace(",", ".")) == euros * 100


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


@given(cents=st.integers(min_value=0, max_value=MAX_CENTS))
def test_plain_form_round_trips(cents: int) -> None:
    assert parse_amount(format_plain(cents)) == cents


@pytest.mark.parametrize(
    "typed",
    ["1000000000,01", "1.000.000.001", "1" * 30, "1" * 5000, "€ 00000000000000001000000000,01"],
    ids=["a-cent-above", "dots", "30-digits", "5000-digits", "leading-zeros"],
)
def test_an_amount_above_the_limit_is_refused(typed: str) -> None:
    with pytest.raises(AmountError) as info:
        parse_amount(typed)
    assert str(info.value).startswith("too large an amount: '")
    assert str(info.value).endswith(
        " is above € 1,000,000,000.00, the largest amount slrbcall takes"
    )


def test_the_limit_itself_is_an_amount() -> None:
    assert parse_amount("1.000.000.000,00") == MAX_CENTS == 10**11
