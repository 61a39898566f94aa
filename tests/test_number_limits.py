"""Numbers too large for the place they go: refused where they enter, with a line that
names the limit (issue 20, class 3; the limits are in docs/concepts.md, "Numbers")."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from slrbcall.money import MAX_CENTS, AmountError, cents_from_decimal
from slrbcall.sheets import Cell, CellError, read_date, read_int

from .conftest import Invoke, empowerment_text, write_call
from .test_intake import HEADER, row

TOO_MUCH = "is above € 1,000,000,000.00, the largest amount slrbcall takes"


@pytest.mark.parametrize(
    ("value", "cents"),
    [(10**9, MAX_CENTS), (Decimal("999999999.99"), MAX_CENTS - 1), (0, 0)],
)
def test_amounts_up_to_the_ceiling_are_exact(value: int | Decimal, cents: int) -> None:
    assert cents_from_decimal(value) == cents


@pytest.mark.parametrize(
    "value",
    [
        10**9 + 1,
        Decimal("1000000000.01"),
        10**20,
        Decimal("1E+20"),
        Decimal("9E+999999"),
        -(10**20),
    ],
    ids=["a cent above", "a cent above, with decimals", "1e20", "1E+20", "9E+999999", "-1e20"],
)
def test_amounts_above_the_ceiling_are_refused(value: int | Decimal) -> None:
    with pytest.raises(AmountError, match=f"too large an amount: .* {TOO_MUCH}"):
        cents_from_decimal(value)


SHEET_CASES = [
    pytest.param(
        {"amount": 1e20},
        "F",
        f"too large an amount: '100000000000000000000' {TOO_MUCH}",
        id="amount 1e20 as a number",
    ),
    pytest.param(
        {"amount": "99999999999999999999"},
        "F",
        f"too large an amount: '99999999999999999999' {TOO_MUCH}",
        id="amount of 20 nines as text",
    ),
    pytest.param(
        {"amount": 1_000_000_000.01},
        "F",
        f"too large an amount: '1000000000.01' {TOO_MUCH}",
        id="amount a cent above the ceiling",
    ),
    pytest.param(
        {"amount": "9" * 5000},
        "F",
        f"too large an amount: '{'9' * 37}...' {TOO_MUCH}",
        id="amount of 5000 digits",
    ),
    pytest.param({"months": 1200}, "G", "too large: 1200 (at most 1,199)", id="duration 1200"),
    pytest.param(
        {"months": 1e30},
        "G",
        "too large: 100000000000... (31 digits) (at most 1,199)",
        id="duration 1e30",
    ),
    pytest.param(
        {"months": "9" * 5000},
        "G",
        "too large: 999999999999... (5,000 digits) (at most 1,199)",
        id="duration of 5000 digits",
    ),
    pytest.param(
        {"start": "31/12/9999"},
        "H",
        "9999-12-31 is outside the years 1950 to 2199",
        id="start in 9999",
    ),
    pytest.param(
        {"start": datetime.date(9999, 1, 1)},
        "H",
        "9999-01-01 is outside the years 1950 to 2199",
        id="start in 9999 as a date cell",
    ),
    pytest.param(
        {"residents": 10**12},
        "J",
        "too large: 1000000000000 (at most 1,000,000)",
        id="residents 10^12",
    ),
    pytest.param(
        {"residents": 1e300},
        "J",
        "too large: 100000000000... (301 digits) (at most 1,000,000)",
        id="residents 1e300",
    ),
]


@pytest.mark.parametrize(("change", "column", "message"), SHEET_CASES)
def test_a_number_too_large_in_a_sheet_is_a_data_error(
    make_xlsx: Callable[..., Path],
    cli: Invoke,
    db: Path,
    change: dict[str, Any],
    column: str,
    message: str,
) -> None:
    values = {"residents": 40, **change}
    residents = values.pop("residents")
    path = make_xlsx(
        [[*HEADER, "Residents targeted"], [*row("E-01", **values), residents], row("E-02")]
    )
    result = cli("--db", db, "--call", "empowerment-2023", "intake", path)
    assert result.exit_code == 3, result
    (line, summary) = result.stderr.splitlines()
    assert line.startswith(f"applications.xlsx: sheet 'Applications', row 2, column {column} (")
    assert line.endswith(f"): {message}")
    assert summary == "1 problem; nothing was stored."
    assert not db.exists()


@pytest.mark.parametrize(
    ("cell", "minimum", "maximum", "message"),
    [
        (Cell(1, 1, 10**7), 0, 10**6, "too large: 10000000 (at most 1,000,000)"),
        (Cell(1, 1, "+0000000000000000012"), 0, 99, None),
        (Cell(1, 1, "-" + "9" * 4400), 0, 99, "too large: -99999999999... (4,401 digits)"),
    ],
    ids=["a count", "leading zeros", "a negative of 4400 digits"],
)
def test_whole_numbers_are_read_within_their_range(
    cell: Cell, minimum: int, maximum: int, message: str | None
) -> None:
    if message is None:
        assert read_int(cell, minimum=minimum, maximum=maximum) == 12
        return
    with pytest.raises(CellError) as caught:
        read_int(cell, minimum=minimum, maximum=maximum)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    "value", [datetime.date(1950, 1, 1), datetime.date(2199, 12, 31), "31/12/2199", "1950-01-01"]
)
def test_dates_at_the_ends_of_the_range_are_read(value: object) -> None:
    assert read_date(Cell(1, 1, value)) is not None  # type: ignore[arg-type]


YAML_CASES = [
    pytest.param(
        {"budget: 255000 ": "budget: 123456789012345678901234567890 "},
        "call.yaml:22:9: a number of 30 digits: 123456789012345678901... (a call definition's "
        "numbers have at most 15; put a code in quotes)",
        id="budget of 30 digits",
    ),
    pytest.param(
        {"budget: 255000 ": "budget: 1234567890123 "},
        f"call.yaml:22:9: budget: too large an amount: '1234567890123' {TOO_MUCH}",
        id="budget of 13 digits",
    ),
    pytest.param(
        {"budget: 255000 ": "budget: '99.999.999.999,00' "},
        f"call.yaml:22:9: budget: too large an amount: '99.999.999.999,00' {TOO_MUCH}",
        id="budget in Belgian notation",
    ),
    pytest.param(
        {"      weight: 30": "      weight: 3000"},
        "call.yaml:62:15: weight must be from 0 to 1,000, not 3000",
        id="a weight",
    ),
    pytest.param(
        {"      weight: 30": "      weight: 0.1234567890123456789"},
        "call.yaml:62:15: a number of 19 digits: 0.1234567890123456789 (a call definition's "
        "numbers have at most 15; put a code in quotes)",
        id="a weight of 19 decimals",
    ),
    pytest.param(
        {"  disagreement_threshold: 25": "  disagreement_threshold: 250"},
        "call.yaml:58:27: disagreement_threshold must be from 0 to 100, not 250",
        id="a threshold",
    ),
    pytest.param(
        {"  max_applications_per_applicant: 2": "  max_applications_per_applicant: 99999"},
        "call.yaml:45:35: max_applications_per_applicant must be from 1 to 1,000, not 99999",
        id="applications per applicant",
    ),
    pytest.param(
        {"  tie_break: [id]": "  tie_break: [id]\n  min_score: 1000\n  org_cap: 100000"},
        "call.yaml:98:14: min_score must be from 0 to 100, not 1000\n"
        "call.yaml:99:12: org_cap must be from 1 to 1,000, not 100000",
        id="a score and a cap",
    ),
    pytest.param(
        {"  tie_break: [id]": "  tie_break: [id]\n  min_score: " + "9" * 5000},
        "call.yaml:98:14: a number of 5000 digits: 999999999999999999999... (a call "
        "definition's numbers have at most 15; put a code in quotes)",
        id="a number Python cannot read",
    ),
]


@pytest.mark.parametrize(("replace", "expected"), YAML_CASES)
def test_a_number_too_large_in_a_call_definition(
    tmp_path: Path, cli: Invoke, replace: dict[str, str], expected: str
) -> None:
    path = write_call(tmp_path / "calls", empowerment_text(**replace))
    result = cli("--calls-dir", tmp_path / "calls", "calls", "validate", path)
    assert result.exit_code == 3, result
    lines = [line.replace(str(path), "call.yaml") for line in result.stderr.splitlines()]
    assert lines[:-1] == expected.splitlines()


PAYMENT = ("payments", "record", "EMP23-09", "--tranche", "1", "--date", "2024-01-10")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("allocate", "--dry-run", "--budget", "123456789012345678901234567890"),
            "Invalid value for '--budget': too large an amount: "
            f"'123456789012345678901234567890' {TOO_MUCH}",
        ),
        (
            ("timeline", "--within", "100000000000000000000"),
            "Invalid value for '--within': must be from 0 to 36500 days, "
            "not '100000000000000000000'",
        ),
        (
            (*PAYMENT, "--amount", "1" + "0" * 40),
            f"Invalid value for '--amount': too large an amount: '{'1' + '0' * 36}...' {TOO_MUCH}",
        ),
    ],
    ids=["a budget of 30 digits", "within 10^20 days", "a payment of 41 digits"],
)
def test_a_number_too_large_on_the_command_line_is_wrong_usage(
    cli: Invoke, db: Path, args: tuple[str, ...], message: str
) -> None:
    result = cli("--db", db, "--call", "empowerment-2023", *args)
    assert result.exit_code == 2, result
    assert result.stderr.splitlines()[-1] == f"Error: {message}"
    assert not db.exists()
