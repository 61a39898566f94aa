"""Allocation policies on a worked example: seven eligible applications and one not.

Budget € 200,000, grants € 10,000-65,000. The example is small enough to check by
hand; each case below says in its id what it shows.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from slrbcall.allocation.engine import (
    AllocationOptions,
    Candidate,
    Decision,
    InvalidCandidatesError,
    OptimalityNotProvenError,
    ReasonCode,
    allocate,
)
from slrbcall.calls.definition import load_call
from slrbcall.errors import (
    EXIT_ENVIRONMENT,
    EXIT_REFUSED,
    EnvironmentProblemError,
    SlrbcallError,
)
from slrbcall.model import PartialPolicy, Policy, ThemeCap

from .conftest import SHIPPED_CALLS, Invoke, empowerment_text, write_call

# max-score needs HiGHS (highspy), an optional dependency until it is declared.
needs_highspy = pytest.mark.skipif(
    importlib.util.find_spec("highspy") is None, reason="max-score needs highspy"
)

D = Decimal
K = 100_000  # € 1,000 in cents: the example's amounts read in thousands

EXAMPLE = [
    Candidate("P-01", "foyer-anderlechtois", "food", 40 * K, D("82.50")),
    Candidate("P-02", "logiris", "digital", 65 * K, D("78.00")),
    Candidate("P-03", "comensia", "culture", 30 * K, D("78.00")),
    Candidate("P-04", "foyer-anderlechtois", "food", 50 * K, D("70.25")),
    Candidate("P-05", "binhome", "single-parents", 25 * K, D("65.00")),
    Candidate("P-06", "lojega", "digital", 30 * K, D("61.70")),
    Candidate("P-07", "everecity", "culture", 15 * K, D("55.00")),
    Candidate(
        "P-08",
        "unknown",
        None,
        20 * K,
        D(0),
        eligible=False,
        ineligible_reason="the applicant is not a housing company",
    ),
]


def options(**overrides: object) -> AllocationOptions:
    base: dict[str, object] = {
        "budget_cents": 200 * K,
        "grant_min_cents": 10 * K,
        "grant_max_cents": 65 * K,
    }
    base.update(overrides)
    return AllocationOptions(**base)  # type: ignore[arg-type]


def outcome(**overrides: object) -> dict[str, tuple[int, str]]:
    """Per reference: (amount in thousands, reason), for the eligible lines."""
    result = allocate(EXAMPLE, options(**overrides))
    return {
        line.reference: (line.amount_cents // K, line.reason.value)
        for line in result.lines
        if line.rank is not None
    }


F, NF, LINE = "funded", "does_not_fit", "below_line"
CASES: dict[str, tuple[dict[str, object], list[tuple[int, str]]]] = {
    "greedy-skips-what-does-not-fit-and-funds-an-exact-fit": (
        {},
        [(40, F), (65, F), (30, F), (50, F), (0, NF), (0, NF), (15, F)],
    ),
    "greedy-partial-remainder-to-the-first-that-does-not-fit": (
        {"partial": PartialPolicy.REMAINDER, "partial_min_share": D("0.5")},
        [(40, F), (65, F), (30, F), (50, F), (15, "partial_remainder"), (0, NF), (0, NF)],
    ),
    "strict-draws-the-line-at-the-first-that-does-not-fit": (
        {"policy": Policy.STRICT},
        [(40, F), (65, F), (30, F), (50, F), (0, NF), (0, LINE), (0, LINE)],
    ),
    "strict-partial-the-line-application-gets-the-remainder": (
        {"policy": Policy.STRICT, "partial": PartialPolicy.REMAINDER},
        [(40, F), (65, F), (30, F), (50, F), (15, "partial_remainder"), (0, LINE), (0, LINE)],
    ),
    "max-score-highest-total-score": (
        {"policy": Policy.MAX_SCORE},
        [(40, F), (0, "not_in_optimum"), (30, F), (50, F), (25, F), (30, F), (15, F)],
    ),
    "greedy-org-cap-1-skips-the-second-of-an-organisation": (
        {"org_cap": 1},
        [(40, F), (65, F), (30, F), (0, "org_cap"), (25, F), (30, F), (0, NF)],
    ),
    "strict-org-cap-skips-without-drawing-the-line": (
        {"policy": Policy.STRICT, "org_cap": 1},
        [(40, F), (65, F), (30, F), (0, "org_cap"), (25, F), (30, F), (0, NF)],
    ),
    "greedy-theme-cap-25-percent-of-the-budget": (
        {"theme_caps": (ThemeCap("digital", percent=D(25)),)},
        [(40, F), (0, "theme_cap"), (30, F), (50, F), (25, F), (30, F), (15, F)],
    ),
    "greedy-min-score-60": (
        {"min_score": D(60)},
        [(40, F), (65, F), (30, F), (50, F), (0, NF), (0, NF), (0, "below_threshold")],
    ),
    "greedy-theme-guarantee-funds-each-theme-first": (
        {"theme_guarantee": True},
        [
            (40, "theme_guarantee"),
            (65, "theme_guarantee"),
            (30, "theme_guarantee"),
            (0, NF),
            (25, "theme_guarantee"),
            (30, F),
            (0, NF),
        ],
    ),
}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param(
            *case,
            id=name,
            marks=[needs_highspy] if case[0].get("policy") is Policy.MAX_SCORE else [],
        )
        for name, case in CASES.items()
    ],
)
def test_worked_example(overrides: dict[str, object], expected: list[tuple[int, str]]) -> None:
    refs = [f"P-0{i}" for i in range(1, 8)]
    assert outcome(**overrides) == dict(zip(refs, expected, strict=True))


def test_greedy_lines_in_words_and_numbers() -> None:
    result = allocate(EXAMPLE, options())
    assert result.total_awarded_cents == 200 * K
    assert result.remainder_cents == 0
    assert [line.reference for line in result.lines] == [f"P-0{i}" for i in range(1, 9)]
    p02, p05, p07 = result.line("P-02"), result.line("P-05"), result.line("P-07")
    assert p02.tie_break_key == "id"
    assert p02.explanation == (
        "Ranked 2 of 7 (score 78.00, tied with P-03 and placed ahead of it by reference "
        "order): it asked for € 65,000.00 and € 160,000.00 remained, so it was funded in "
        "full, leaving € 95,000.00."
    )
    assert p05.explanation == (
        "Ranked 5 of 7 (score 65.00): it asked for € 25,000.00 but only € 15,000.00 "
        "remained, so it was not funded."
    )
    assert (p07.remaining_before_cents, p07.remaining_after_cents) == (15 * K, 0)
    assert p07.decision is Decision.FUNDED_FULL
    assert dict(p05.facts) == {
        "reference": "P-05",
        "applicant": "binhome",
        "theme": "single-parents",
        "rank": 5,
        "ranked": 7,
        "score": "65.00",
        "requested": "25000.00",
        "amount": "0.00",
        "remaining_before": "15000.00",
        "remaining_after": "15000.00",
        "decision": "not_funded",
        "reason": "does_not_fit",
        "policy": "greedy",
    }


def test_ineligible_is_listed_with_its_reason_but_not_ranked() -> None:
    line = allocate(EXAMPLE, options()).line("P-08")
    assert (line.rank, line.amount_cents, line.decision, line.reason) == (
        None,
        0,
        Decision.INELIGIBLE,
        ReasonCode.INELIGIBLE,
    )
    assert line.explanation == (
        "Not eligible (the applicant is not a housing company), so it was not ranked or funded."
    )


def test_partial_award_sentence() -> None:
    line = allocate(
        EXAMPLE, options(partial=PartialPolicy.REMAINDER, partial_min_share=D("0.5"))
    ).line("P-05")
    assert line.decision is Decision.FUNDED_PARTIAL
    assert line.explanation == (
        "Ranked 5 of 7 (score 65.00): it asked for € 25,000.00 but € 15,000.00 remained; "
        "that is at least the minimum grant of € 10,000.00 and at least 50 % of the request, "
        "so € 15,000.00 (60 %) was awarded as a partial grant."
    )
    assert line.facts["share_percent"] == 60


@pytest.mark.parametrize(
    ("budget", "granularity", "share", "amount", "refused"),
    [
        pytest.param(200 * K + 40, 100, D(0), 15 * K, None, id="cents-rounded-down-to-euro"),
        pytest.param(200 * K + 40, 100_000, D(0), 15 * K, None, id="rounded-to-1000-euro"),
        pytest.param(204 * K, 1_000_000, D(0), 10 * K, None, id="rounded-to-10000-euro"),
        pytest.param(194 * K, 100, D(0), 0, "below_minimum", id="remainder-below-minimum"),
        pytest.param(200 * K, 100, D("0.8"), 0, "below_share", id="remainder-below-share"),
    ],
)
def test_partial_offer(
    budget: int, granularity: int, share: Decimal, amount: int, refused: str | None
) -> None:
    result = allocate(
        EXAMPLE,
        options(
            budget_cents=budget,
            granularity_cents=granularity,
            partial=PartialPolicy.REMAINDER,
            partial_min_share=share,
        ),
    )
    line = result.line("P-05")
    assert line.amount_cents == amount
    assert line.facts.get("offer_refused") == refused
    # Only the first request that does not fit is offered the remainder.
    assert result.line("P-06").amount_cents == 0


def test_partial_refused_sentence() -> None:
    line = allocate(
        EXAMPLE, options(partial=PartialPolicy.REMAINDER, partial_min_share=D("0.8"))
    ).line("P-05")
    assert line.explanation == (
        "Ranked 5 of 7 (score 65.00): it asked for € 25,000.00 but only € 15,000.00 "
        "remained, so it was not funded; the remainder of € 15,000.00 is below 80 % of the "
        "request, so no partial grant was made."
    )


def test_strict_line_sentences() -> None:
    result = allocate(EXAMPLE, options(policy=Policy.STRICT))
    assert result.line("P-05").explanation == (
        "Ranked 5 of 7 (score 65.00): it asked for € 25,000.00 but only € 15,000.00 "
        "remained, so the funding line was drawn here and it was not funded."
    )
    assert result.line("P-07").explanation == (
        "Ranked 7 of 7 (score 55.00): it comes after the funding line drawn at rank 5 "
        "(P-05), so it was not funded."
    )


def test_cap_and_threshold_sentences() -> None:
    org = allocate(EXAMPLE, options(org_cap=1)).line("P-04")
    assert org.explanation == (
        "Ranked 4 of 7 (score 70.25): its applicant foyer-anderlechtois already has 1 funded "
        "project, the most one organisation may get (1), so it was skipped."
    )
    theme = allocate(EXAMPLE, options(theme_caps=(ThemeCap("digital", 5_000_000),))).line("P-02")
    assert theme.explanation == (
        "Ranked 2 of 7 (score 78.00, tied with P-03 and placed ahead of it by reference "
        "order): its theme 'digital' already received € 0.00 of its cap of € 50,000.00, and "
        "its request of € 65,000.00 would exceed the cap, so it was skipped."
    )
    low = allocate(EXAMPLE, options(min_score=D(60))).line("P-07")
    assert low.explanation == (
        "Ranked 7 of 7 (score 55.00): its score is below the minimum score of 60.00, "
        "so it was not funded."
    )
    guaranteed = allocate(EXAMPLE, options(theme_guarantee=True)).line("P-05")
    assert guaranteed.explanation == (
        "Ranked 5 of 7 (score 65.00): it is the best-ranked application of theme "
        "'single-parents' that fits, so the theme guarantee funded its request of "
        "€ 25,000.00 in full first, out of € 65,000.00, leaving € 40,000.00."
    )


@pytest.mark.parametrize(
    ("tie_break", "first", "key"),
    [
        pytest.param(("id",), "P-02", "id", id="id"),
        pytest.param(("request-asc",), "P-03", "request-asc", id="request-asc"),
        pytest.param(("request-desc", "id"), "P-02", "request-desc", id="request-desc"),
        pytest.param(("criterion:impact",), "P-03", "criterion:impact", id="criterion"),
        pytest.param(("criterion:other",), "P-02", "id", id="criterion-missing-falls-to-id"),
    ],
)
def test_tie_break_keys(tie_break: tuple[str, ...], first: str, key: str) -> None:
    marked = [
        Candidate(c.reference, c.applicant, c.theme, c.requested_cents, c.score, {"impact": D(i)})
        for i, c in enumerate(EXAMPLE[:7])
    ]
    result = allocate(marked, options(tie_break=tie_break))
    second = result.lines[1]
    assert second.reference == first
    assert second.tie_break_key == key
    assert result.lines[0].tie_break_key is None


def test_lottery_is_reproducible_and_depends_on_the_seed() -> None:
    tied = [Candidate(f"T-{i:02d}", f"org-{i}", None, 10 * K, D(50)) for i in range(12)]

    def order(seed: int) -> list[str]:
        result = allocate(tied, options(tie_break=(f"lottery:{seed}",)))
        assert {line.tie_break_key for line in result.lines} == {f"lottery:{seed}"}
        return [line.reference for line in result.lines]

    assert order(7) == order(7)
    assert order(7) != order(8)
    assert order(7) != sorted(order(7))


def test_json_is_plain_and_deterministic() -> None:
    result = allocate(EXAMPLE, options(partial=PartialPolicy.REMAINDER))
    data = result.to_json()
    assert list(data) == [
        "policy",
        "options",
        "total_awarded",
        "remainder",
        "optimum",
        "proven_optimal",
        "lines",
    ]
    assert data["total_awarded"] == "200000.00"
    assert data["options"]["budget"] == "200000.00"
    line = data["lines"][4]
    assert (line["reference"], line["amount"], line["decision"]) == (
        "P-05",
        "15000.00",
        "funded_partial",
    )
    text = json.dumps(data, ensure_ascii=False)
    assert json.dumps(allocate(EXAMPLE[::-1], result.options).to_json(), ensure_ascii=False) == (
        text
    )


@needs_highspy
def test_max_score_reports_the_proven_optimum_and_the_counterfactual() -> None:
    result = allocate(EXAMPLE, options(policy=Policy.MAX_SCORE, partial=PartialPolicy.REMAINDER))
    assert (result.optimum, result.proven_optimal) == (D("412.45"), True)
    assert result.total_awarded_cents == 190 * K  # no partial award under max-score
    line = result.line("P-02")
    assert line.facts["optimum_with"] == "365.20"
    assert line.facts["drop"] == "47.25"
    assert line.explanation == (
        "Ranked 2 of 7 (score 78.00, tied with P-03 and placed ahead of it by reference "
        "order): the set with the highest total score (412.45, proven optimal) does not "
        "include it; forcing it in would lower the best total to 365.20, a loss of 47.25, "
        "so it was not funded."
    )
    assert result.to_json()["optimum"] == "412.45"


@needs_highspy
def test_max_score_is_not_misled_by_a_start_solution() -> None:
    """Found by the brute-force property test: HiGHS 1.16's presolve mapped the start
    solution {R-07, R-00, R-05, R-04} (67.50) wrongly, valued it as every item, and
    called it proven optimal; the optimum is {R-01, R-07, R-00} (85.00)."""

    def candidate(reference: str, cents: int, score: str) -> Candidate:
        return Candidate(reference, "org-a", None, cents, D(score))

    found = allocate(
        [
            candidate("R-00", 1_000_000, "20.00"),
            candidate("R-01", 2_000_000, "40.00"),
            candidate("R-04", 1_000_000, "2.50"),
            candidate("R-05", 1_000_000, "20.00"),
            candidate("R-07", 1_172_900, "25.00"),
        ],
        options(policy=Policy.MAX_SCORE, budget_cents=5_000_049, counterfactuals=False),
    )
    assert (found.optimum, found.proven_optimal) == (D("85.00"), True)
    assert sorted(line.reference for line in found.lines if line.amount_cents) == [
        "R-00",
        "R-01",
        "R-07",
    ]


@needs_highspy
def test_max_score_request_above_what_is_left_cannot_fit() -> None:
    result = allocate(EXAMPLE, options(policy=Policy.MAX_SCORE, budget_cents=60 * K))
    line = result.line("P-02")
    assert line.reason is ReasonCode.DOES_NOT_FIT
    assert line.explanation.endswith(
        "it asked for € 65,000.00, more than the € 60,000.00 available, so no funded set "
        "can include it."
    )


@needs_highspy
def test_max_score_without_counterfactuals_says_so() -> None:
    result = allocate(EXAMPLE, options(policy=Policy.MAX_SCORE, counterfactuals=False))
    assert result.line("P-02").facts["counterfactual"] == "not_computed"


@needs_highspy
def test_max_score_time_out_is_an_error_never_a_best_found() -> None:
    with pytest.raises(OptimalityNotProvenError) as caught:
        allocate(EXAMPLE, options(policy=Policy.MAX_SCORE, time_limit_seconds=1e-9))
    assert isinstance(caught.value, SlrbcallError)
    assert caught.value.exit_code == EXIT_REFUSED
    assert "the solver did not prove optimality within 1e-09 s" in str(caught.value)


def test_max_score_without_highspy_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "highspy", None)  # makes "import highspy" fail
    with pytest.raises(EnvironmentProblemError, match="pip install highspy") as caught:
        allocate(EXAMPLE, options(policy=Policy.MAX_SCORE))
    assert caught.value.exit_code == EXIT_ENVIRONMENT


@pytest.mark.parametrize(
    ("candidates", "message"),
    [
        pytest.param(
            [EXAMPLE[0], EXAMPLE[0]], "invalid candidates: duplicate references: P-01", id="dup"
        ),
        pytest.param(
            [Candidate("X", "o", None, -1, D(50), eligible=False)],
            "invalid candidates: X: negative request (-€ 0.01)",
            id="negative",
        ),
        pytest.param(
            [Candidate("X", "o", None, 66 * K, D(50))],
            "invalid candidates: X: request € 66,000.00 is above the maximum grant of € 65,000.00",
            id="above-maximum",
        ),
        pytest.param(
            [Candidate("X", "o", None, 9 * K, D(50))],
            "invalid candidates: X: request € 9,000.00 is below the minimum grant of € 10,000.00",
            id="below-minimum",
        ),
        pytest.param(
            [Candidate("X", "o", None, 10 * K, D("100.01"))],
            "invalid candidates: X: score 100.01 is not between 0 and 100",
            id="score",
        ),
    ],
)
def test_invalid_candidates(candidates: list[Candidate], message: str) -> None:
    with pytest.raises(InvalidCandidatesError, match=r"^invalid candidates") as caught:
        allocate(candidates, options())
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"budget_cents": -1}, "the budget is negative (-€ 0.01)", id="budget"),
        pytest.param({"grant_max_cents": 1}, "the maximum grant (€ 0.01) is below", id="range"),
        pytest.param({"granularity_cents": 0}, "the granularity must be at least 1", id="step"),
        pytest.param({"partial_min_share": D(2)}, "partial_min_share is a share", id="share"),
        pytest.param({"org_cap": 0}, "the organisation cap must be at least 1", id="org-cap"),
        pytest.param({"tie_break": ("coin",)}, "unknown tie-break key 'coin'", id="tie-break"),
        pytest.param(
            {"theme_caps": (ThemeCap("food"),)}, "needs an amount or a percent", id="theme-cap"
        ),
    ],
)
def test_invalid_options(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=r"^invalid allocation options: ") as caught:
        options(**overrides)
    assert message in str(caught.value)


def test_options_from_the_shipped_call() -> None:
    call = load_call(SHIPPED_CALLS / "empowerment-2023.yaml").call
    base = AllocationOptions.from_call(call)
    assert base.budget_cents == call.budget_cents
    assert (base.grant_min_cents, base.grant_max_cents) == (
        call.grant_min_cents,
        call.grant_max_cents,
    )
    assert (base.policy, base.tie_break) == (call.allocation.policy, call.allocation.tie_break)
    changed = AllocationOptions.from_call(
        call, budget_cents=100 * K, policy=Policy.STRICT, org_cap=2
    )
    assert (changed.budget_cents, changed.policy, changed.org_cap) == (100 * K, Policy.STRICT, 2)


def test_percent_theme_cap_is_rounded_down_to_the_cent() -> None:
    opts = options(budget_cents=100_001, theme_caps=(ThemeCap("food", percent=D("33.3")),))
    assert opts.theme_cap_cents() == {"food": 33_300}  # 33,300.333 cents


def test_no_candidates() -> None:
    result = allocate([], options())
    assert (result.lines, result.total_awarded_cents, result.remainder_cents) == ((), 0, 200 * K)


def test_applications_that_break_the_call_as_edited_since_are_refused(
    cli: Invoke, demo_db: Path, tmp_path: Path
) -> None:
    """The grant maximum lowered after intake: a refusal naming each request, no traceback."""
    calls = tmp_path / "calls"
    write_call(calls, empowerment_text(**{"maximum: 65000": "maximum: 60000"}))
    result = cli("--db", demo_db, "--calls-dir", calls, "allocate", "--dry-run")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: invalid candidates: EMP23-13: request € 65,000.00 is above the maximum grant "
        "of € 60,000.00\n"
    )
