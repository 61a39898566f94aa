"""Bad option values are wrong usage: exit 2, the value named, nothing read or stored."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import click
import pytest

from slrbcall.cli.dates import Day
from slrbcall.cli.options import (
    Amount,
    AmountOrPercent,
    KeyValue,
    Number,
    TieBreakKey,
    WholeNumber,
)

from .conftest import SHIPPED_CALLS, Invoke

AMBIGUOUS = (
    "ambiguous amount: '0.010' could be thousands or decimals: 10 or 0,01 (write the one you mean)"
)
TOO_LARGE = (
    "too large an amount: '1000000000000000000000000000000' is above € 1,000,000,000.00, "
    "the largest amount slrbcall takes"
)
THIRTY_DIGITS = "1" + "0" * 30
RECORD = ("payments", "record", "EMP23-03", "--tranche", "1", "--date", "2024-01-15")
RENEW = ("calls", "renew", "empowerment-2023", "--id", "empowerment-2025")

BAD = [
    pytest.param(
        ("allocate", "--budget", "ca 50k"),
        "--budget",
        "not an amount: 'ca 50k' (write e.g. 44058 or 44.058,00)",
        id="allocate-budget-words",
    ),
    pytest.param(
        ("allocate", "--budget", "0.010"), "--budget", AMBIGUOUS, id="allocate-budget-0.010"
    ),
    pytest.param(
        ("allocate", "--budget", THIRTY_DIGITS), "--budget", TOO_LARGE, id="allocate-budget-huge"
    ),
    pytest.param(
        ("allocate", "--granularity", "0"),
        "--granularity",
        "€ 0.00 is below the minimum of € 0.01",
        id="allocate-granularity-0",
    ),
    pytest.param(
        ("allocate", "--partial-min-share", "nan"),
        "--partial-min-share",
        "not a number: 'nan' (write e.g. 0.5 or 0,5)",
        id="allocate-share-nan",
    ),
    pytest.param(
        ("allocate", "--partial-min-share", "1,5"),
        "--partial-min-share",
        "must be from 0 to 1, not '1,5'",
        id="allocate-share-above-1",
    ),
    pytest.param(
        ("allocate", "--min-score", "inf"),
        "--min-score",
        "not a number: 'inf' (write e.g. 70 or 72,5)",
        id="allocate-min-score-inf",
    ),
    pytest.param(
        ("allocate", "--min-score", "100.5"),
        "--min-score",
        "must be from 0 to 100, not '100.5'",
        id="allocate-min-score-above-100",
    ),
    pytest.param(
        ("allocate", "--policy", "gredy"),
        "--policy",
        "'gredy' is not one of greedy, strict, max-score (did you mean 'greedy'?)",
        id="allocate-policy",
    ),
    pytest.param(
        ("allocate", "--partial", "always"),
        "--partial",
        "'always' is not one of off, remainder",
        id="allocate-partial",
    ),
    pytest.param(
        ("allocate", "--org-cap", "0"),
        "--org-cap",
        "must be from 1 to 1000 projects, not '0'",
        id="allocate-org-cap-0",
    ),
    pytest.param(
        ("allocate", "--theme-cap", "nope=1000"),
        "--theme-cap",
        "'nope' is not a theme of empowerment-2023; its themes: sustainable-food, "
        "single-parenthood, digital-divide, culture-art",
        id="allocate-theme-cap-unknown-theme",
    ),
    pytest.param(
        ("allocate", "--theme-cap", "digital=1000"),
        "--theme-cap",
        "'digital' is not a theme of empowerment-2023 (did you mean 'digital-divide'?); its "
        "themes: sustainable-food, single-parenthood, digital-divide, culture-art",
        id="allocate-theme-cap-close-theme",
    ),
    pytest.param(
        ("allocate", "--theme-cap", "digital-divide"),
        "--theme-cap",
        "write THEME=AMOUNT|PCT%, not 'digital-divide'",
        id="allocate-theme-cap-no-value",
    ),
    pytest.param(
        ("allocate", "--theme-cap", "digital-divide=150%"),
        "--theme-cap",
        "digital-divide: a percent is from 0% to 100%, not '150%'",
        id="allocate-theme-cap-150%",
    ),
    pytest.param(
        ("allocate", "--theme-cap", "digital-divide=0.010"),
        "--theme-cap",
        f"digital-divide: {AMBIGUOUS}",
        id="allocate-theme-cap-ambiguous",
    ),
    pytest.param(
        ("allocate", "--theme-cap", "culture-art=1000", "--theme-cap", "culture-art=5%"),
        "--theme-cap",
        "two caps for theme 'culture-art': give one",
        id="allocate-theme-cap-twice",
    ),
    pytest.param(
        ("allocate", "--tie-break", "criterion:nope"),
        "--tie-break",
        "'nope' is not a criterion of empowerment-2023; its criteria: empowerment, "
        "partnership, participation, feasibility, sustainability",
        id="allocate-tie-break-unknown-criterion",
    ),
    pytest.param(
        ("allocate", "--tie-break", "request-asc,coin"),
        "--tie-break",
        "unknown tie-break key 'coin' (use id, request-asc, request-desc, criterion:KEY or "
        "lottery:SEED)",
        id="allocate-tie-break-unknown-key",
    ),
    pytest.param(
        ("allocate", "--tie-break", "lottery:heads"),
        "--tie-break",
        "the seed of 'lottery:heads' is a whole number of up to 18 digits (e.g. lottery:20231115)",
        id="allocate-tie-break-seed",
    ),
    pytest.param(
        ("allocate", "--allow-incomplete", "guess"),
        "--allow-incomplete",
        "'guess' is not one of skip-reviewer, zero",
        id="allocate-allow-incomplete",
    ),
    pytest.param(
        ("scenarios", "--budget", "255000", "--budget", "0,001"),
        "--budget",
        "ambiguous amount: '0,001' could be thousands or decimals: 1 or 0,001, finer than a "
        "cent (write 1 if you mean it)",
        id="scenarios-budget",
    ),
    pytest.param(
        ("scenarios", "--policy", "max_score"),
        "--policy",
        "'max_score' is not one of greedy, strict, max-score (did you mean 'max-score'?)",
        id="scenarios-policy",
    ),
    pytest.param(
        ("ranking", "--allow-incomplete", "zeros"),
        "--allow-incomplete",
        "'zeros' is not one of skip-reviewer, zero (did you mean 'zero'?)",
        id="ranking-allow-incomplete",
    ),
    pytest.param(
        ("allocations", "show", "0"),
        "[RUN]",
        "must be from 1 to 1000000000, not '0'",
        id="allocations-show-run",
    ),
    pytest.param(
        ("applications", "list", "--status", "weird"),
        "--status",
        "'weird' is not one of eligible, ineligible",
        id="applications-status",
    ),
    pytest.param(
        ("timeline", "--within", "100000000000000000000"),
        "--within",
        "must be from 0 to 36500 days, not '100000000000000000000'",
        id="timeline-within-huge",
    ),
    pytest.param(
        ("timeline", "--within", "-1"),
        "--within",
        "must be from 0 to 36500 days, not '-1'",
        id="timeline-within-negative",
    ),
    pytest.param(
        ("timeline", "--today", "31/02/2024"),
        "--today",
        "no such date: '31/02/2024' (write 01/03/2024 or 2024-03-01)",
        id="timeline-today",
    ),
    pytest.param(
        ("timeline", "--today", "9999-12-31"),
        "--today",
        "9999-12-31 is outside the years 1950 to 2199",
        id="timeline-today-far",
    ),
    pytest.param(
        ("timeline", "--lang", "de"),
        "--lang",
        "'de' is not one of nl, fr, en",
        id="timeline-lang",
    ),
    pytest.param(
        ("followup", "record", "EMP23-03", "--milestone", "signature", "--date", "2024-13-01"),
        "--date",
        "no such date: '2024-13-01' (write 01/03/2024 or 2024-03-01)",
        id="followup-record-date",
    ),
    pytest.param(
        ("payments", "--today", "tomorrow"),
        "--today",
        "not a date: 'tomorrow' (write 01/03/2024 or 2024-03-01)",
        id="payments-today",
    ),
    pytest.param(
        ("payments", "record", "EMP23-03", "--tranche", "0", "--date", "2024-01-15"),
        "--tranche",
        "must be from 1 to 99, not '0'",
        id="payments-record-tranche",
    ),
    pytest.param(
        (*RECORD, "--amount", "0.001"),
        "--amount",
        "ambiguous amount: '0.001' could be thousands or decimals: 1 or 0,001, finer than a "
        "cent (write 1 if you mean it)",
        id="payments-record-amount-0.001",
    ),
    pytest.param(
        (*RECORD, "--amount", "0"),
        "--amount",
        "€ 0.00 is below the minimum of € 0.01",
        id="payments-record-amount-0",
    ),
    pytest.param(
        (*RECORD, "--amount", THIRTY_DIGITS),
        "--amount",
        TOO_LARGE,
        id="payments-record-amount-huge",
    ),
    pytest.param(
        ("payments", "take", "paiements.xlsx", "--today", "2024-1-15"),
        "--today",
        "not a date: '2024-1-15' (write 01/03/2024 or 2024-03-01)",
        id="payments-take-today",
    ),
    pytest.param(
        ("render-conventions", "--lang", "de"),
        "--lang",
        "'de' is not one of nl, fr, auto, both",
        id="render-conventions-lang",
    ),
    pytest.param(
        ("render-letters", "--date", "2023-02-30"),
        "--date",
        "no such date: '2023-02-30' (write 01/03/2024 or 2024-03-01)",
        id="render-letters-date",
    ),
    pytest.param(
        ("export", "360giving", "-o", "grants.json", "--award-date", "15/12/23"),
        "--award-date",
        "the year needs four digits: '15/12/23' (write 01/03/2024 or 2024-03-01)",
        id="export-award-date",
    ),
    pytest.param(
        ("template", "applications", "-o", "t.xlsx", "--lang", "de"),
        "--lang",
        "'de' is not one of nl, fr, en",
        id="template-applications-lang",
    ),
    pytest.param(
        ("template", "scores", "-o", "t.xlsx", "--lang", "NL"),
        "--lang",
        "'NL' is not one of nl, fr, en",
        id="template-scores-lang",
    ),
    pytest.param(
        ("template", "monitoring", "-o", "t.xlsx", "--lang", "de"),
        "--lang",
        "'de' is not one of nl, fr, en",
        id="template-monitoring-lang",
    ),
    pytest.param(
        ("template", "payments", "-o", "t.xlsx", "--lang", "de"),
        "--lang",
        "'de' is not one of nl, fr, en",
        id="template-payments-lang",
    ),
    pytest.param(
        (*RENEW, "--duration", "1200"),
        "--duration",
        "must be from 1 to 240 months, not '1200'",
        id="calls-renew-duration",
    ),
    pytest.param(
        (*RENEW, "--duration", "24", "--years", "100000"),
        "--years",
        "must be from -100 to 100 years, not '100000'",
        id="calls-renew-years",
    ),
]


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


@pytest.mark.parametrize(("args", "option", "message"), BAD)
def test_a_bad_option_value_is_wrong_usage_and_stores_nothing(
    cli: Invoke,
    demo_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    option: str,
    message: str,
) -> None:
    work = tmp_path / "work"
    calls = work / "calls"  # calls renew writes into the calls folder in use: a copy
    shutil.copytree(SHIPPED_CALLS, calls)
    monkeypatch.chdir(work)
    before = dump(demo_db), sorted(p.name for p in calls.iterdir())
    result = cli("--db", demo_db, "--calls-dir", calls, *args)
    assert (result.exit_code, result.stdout) == (2, ""), result
    assert result.stderr.startswith("Usage: slrbcall "), result
    assert result.stderr.endswith(f"\nError: Invalid value for '{option}': {message}\n")
    assert (dump(demo_db), sorted(p.name for p in calls.iterdir())) == before
    assert [p.name for p in work.iterdir()] == ["calls"]


# -- the parsers, one kind at a time ---------------------------------------------------


def convert(kind: click.ParamType, value: str) -> object:
    return kind.convert(value, None, None)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2024-06-20", dt.date(2024, 6, 20)),
        ("20/06/2024", dt.date(2024, 6, 20)),
        ("20.06.2024", dt.date(2024, 6, 20)),
        ("1/3/2024", dt.date(2024, 3, 1)),
        (" 1950-01-01 ", dt.date(1950, 1, 1)),
    ],
)
def test_a_day_in_the_forms_the_sheets_take(typed: str, day: dt.date) -> None:
    assert convert(Day(), typed) == day


@pytest.mark.parametrize(
    ("typed", "cents"), [("255000", 25500000), ("255.000", 25500000), ("44.058,50", 4405850)]
)
def test_an_amount_in_belgian_notation(typed: str, cents: int) -> None:
    assert convert(Amount(), typed) == cents


@pytest.mark.parametrize("typed", ["nan", "NaN", "inf", "-0.5", "1e-1", "0.5.1", "", "½"])
def test_a_number_is_digits_and_one_mark(typed: str) -> None:
    with pytest.raises(click.BadParameter, match=r"^not a number: "):
        convert(Number(Decimal(0), Decimal(1), example="write e.g. 0.5"), typed)


def test_a_share_takes_a_comma_or_a_dot() -> None:
    share = Number(Decimal(0), Decimal(1), example="write e.g. 0.5")
    assert convert(share, "0,25") == convert(share, "0.25") == Decimal("0.25")


def test_a_whole_number_of_any_length_is_refused_without_reading_it() -> None:
    with pytest.raises(click.BadParameter, match=r"^must be from 0 to 30 days, not '9{37}\.\.\.'$"):
        convert(WholeNumber(0, 30, unit="days"), "9" * 5000)


@pytest.mark.parametrize(
    ("typed", "pair"),
    [
        ("digital-divide=25%", ("digital-divide", Decimal(25))),
        ("digital-divide = 12,5 %", ("digital-divide", Decimal("12.5"))),
        ("culture-art=40.000", ("culture-art", 4000000)),
    ],
)
def test_a_key_and_an_amount_or_a_percent(typed: str, pair: tuple[str, object]) -> None:
    found = convert(KeyValue(AmountOrPercent(), key="theme"), typed)
    assert found == pair
    assert type(found[1]) is type(pair[1])  # type: ignore[index]


def test_tie_break_keys_are_checked_one_by_one() -> None:
    assert convert(TieBreakKey(), "criterion:empowerment, lottery:2023") == (
        "criterion:empowerment,lottery:2023"
    )
