"""The scoring engine on literal marks: arithmetic, conflicts, refusals, gaps, ranking.

The call is the shipped Empowerment 2023 (weights 30/20/20/15/15, marks out of 10, so
a reviewer's weighted score is Σ weight × mark / 10), with a few fields replaced where
a test needs another aggregation, threshold or committee.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slrbcall.calls.definition import load_call, load_registry
from slrbcall.calls.registry import Registry
from slrbcall.committee.scoring import (
    Mark,
    ScoreLine,
    check_marks,
    conflicts,
    missing_marks,
    rank,
    score,
    score_line_json,
)
from slrbcall.errors import InputFileError, Problem
from slrbcall.model import (
    Aggregation,
    Application,
    ApplicationStatus,
    Call,
    CommitteeMember,
    Lang,
    Localized,
    Organisation,
    OrgKind,
)

CALLS = Path(__file__).resolve().parent.parent / "calls"
MEMBERS = ("action-sociale-1", "action-sociale-2", "finances", "expert-cohesion")
EXPERT = "expert-participation"  # linked to foyer-anderlechtois
CRITERIA = ("empowerment", "partnership", "participation", "feasibility", "sustainability")
WHERE = "scores.xlsx: sheet 'Marks', row {row}, column D ('Empowerment')"


@pytest.fixture
def call() -> Call:
    return load_call(CALLS / "empowerment-2023.yaml").call


@pytest.fixture
def registry() -> Registry:
    return load_registry(CALLS)


def app(
    reference: str,
    applicant: str = "logiris",
    partner: str | None = "ASBL Quartiers Solidaires",
    *,
    status: ApplicationStatus = ApplicationStatus.ELIGIBLE,
    number: str | None = None,
) -> Application:
    return Application(
        reference=reference,
        applicant=applicant,
        applicant_name=applicant,
        title=f"Project {reference}",
        requested_cents=4_000_000,
        language=Lang.FR,
        partner=partner,
        partner_enterprise_number=number,
        status=status,
    )


def marks_of(reference: str, reviewer: str, *values: str | int) -> list[Mark]:
    """One mark per criterion, in call order; a single value is used for all five."""
    given = values * 5 if len(values) == 1 else values
    return [
        Mark(
            reference, reviewer, criterion, Decimal(value), place=Problem(f"row of {reviewer}", "")
        )
        for criterion, value in zip(CRITERIA, given, strict=True)
    ]


def run(
    call: Call, applications: Sequence[Application], marks: Sequence[Mark], **options: str
) -> list[ScoreLine]:
    found = conflicts(call, applications, load_registry(CALLS))
    return score(marks, call=call, applications=applications, conflicts=found, **options)


def test_weighted_score_by_hand(call: Call) -> None:
    # 30×8 + 20×7 + 20×6.5 + 15×9 + 15×5 = 720, / 10 = 72.
    marks = [m for r in (*MEMBERS, EXPERT) for m in marks_of("EMP-01", r, 8, 7, "6.5", 9, 5)]
    [line] = run(call, [app("EMP-01")], marks)
    assert line.score == Decimal("72.0000")
    assert dict(line.reviewer_scores) == dict.fromkeys(sorted((*MEMBERS, EXPERT)), Decimal(72))
    assert dict(line.criterion_scores) == {
        "empowerment": Decimal(80),
        "partnership": Decimal(70),
        "participation": Decimal(65),
        "feasibility": Decimal(90),
        "sustainability": Decimal(50),
    }
    assert (line.spread, line.flags, line.reviewers, line.missing, line.treatment) == (
        Decimal(0),
        (),
        5,
        (),
        None,
    )


@pytest.mark.parametrize(
    ("applicant", "aggregation", "expected"),
    [
        # Uniform marks 1, 2, 3, 9, 10 give reviewer scores 10, 20, 30, 90, 100.
        pytest.param("logiris", Aggregation.MEAN, "50.0000", id="mean-odd"),
        pytest.param("logiris", Aggregation.MEDIAN, "30.0000", id="median-odd"),
        # Foyer Anderlechtois: the expert (mark 10) is out, leaving 10, 20, 30, 90.
        pytest.param("foyer-anderlechtois", Aggregation.MEAN, "37.5000", id="mean-even"),
        pytest.param("foyer-anderlechtois", Aggregation.MEDIAN, "25.0000", id="median-even"),
    ],
)
def test_aggregation(call: Call, applicant: str, aggregation: Aggregation, expected: str) -> None:
    call = dataclasses.replace(call, aggregation=aggregation)
    applications = [app("EMP-01", applicant)]
    found = conflicts(call, applications, load_registry(CALLS))
    marks = [
        m
        for reviewer, value in zip((*MEMBERS, EXPERT), (1, 2, 3, 9, 10), strict=True)
        if reviewer not in found["EMP-01"]
        for m in marks_of("EMP-01", reviewer, value)
    ]
    [line] = run(call, applications, marks)
    assert line.score == Decimal(expected)


QUARTIERS = Organisation(
    key="quartiers-unis",
    kind=OrgKind.NON_PROFIT,
    name=Localized(fr="Quartiers Unis", nl="Verenigde Wijken"),
    enterprise_number="0000.000.097",  # fictitious, valid mod 97
)


@pytest.mark.parametrize(
    ("link", "application", "in_conflict"),
    [
        pytest.param("foyer-anderlechtois", app("A", "foyer-anderlechtois"), True, id="applicant"),
        pytest.param(
            "foyer-anderlechtois",
            app("A", partner="Anderlechtse Haard"),
            True,
            id="partner-nl-name",
        ),
        pytest.param(
            "foyer-anderlechtois",
            app("A", partner="ASBL Atout / Foyer Anderlechtois"),
            True,
            id="partner-among-several",
        ),
        pytest.param(
            "foyer-anderlechtois",
            app("A", partner="Projet du FOYER ANDERLECHTOIS avec l'ASBL Atout"),
            True,
            id="partner-inside-text",
        ),
        pytest.param(
            "quartiers-unis",
            app("A", partner="asbl Les Quartiers-Unis de Molenbeek"),
            True,
            id="non-profit-other-spelling",
        ),
        pytest.param(
            "quartiers-unis",
            app("A", partner="vzw Verenigde Wijken"),
            True,
            id="non-profit-nl-name",
        ),
        pytest.param(
            "quartiers-unis",
            app("A", partner="Atout", number="0000.000.097"),
            True,
            id="partner-enterprise-number",
        ),
        pytest.param(
            "foyer-anderlechtois",
            app("A", partner="ASBL Quartiers Solidaires"),
            False,
            id="unrelated",
        ),
        pytest.param("foyer-anderlechtois", app("A", partner=None), False, id="no-partner"),
        # Whole words only: the commune Evere is not the housing company Everecity.
        pytest.param("commune-evere", app("A", partner="Everecity"), False, id="no-substring"),
    ],
)
def test_conflicts(
    call: Call, registry: Registry, link: str, application: Application, in_conflict: bool
) -> None:
    registry = Registry((*registry.organisations, QUARTIERS))
    member = CommitteeMember("expert", "Expert", links=(link,))
    call = dataclasses.replace(call, committee=(*call.committee[:2], member))
    expected = frozenset({"expert"} if in_conflict else ())
    assert conflicts(call, [application], registry) == {"A": expected}


def test_shipped_conflict_is_the_expert(call: Call, registry: Registry) -> None:
    applications = [app("EMP-01"), app("EMP-02", "foyer-anderlechtois")]
    found = conflicts(call, applications, registry)
    assert found == {"EMP-01": frozenset(), "EMP-02": frozenset({EXPERT})}


APPLICATIONS = (
    app("EMP-01"),
    app("EMP-02", "foyer-anderlechtois"),
    app("EMP-09", status=ApplicationStatus.INELIGIBLE),
)


def mark(reference: str, reviewer: str, criterion: str, value: str, row: int = 7) -> Mark:
    return Mark(
        reference,
        reviewer,
        criterion,
        Decimal(value),
        place=Problem("scores.xlsx", "", sheet="Marks", row=row, column=4, header="Empowerment"),
    )


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        pytest.param(
            mark("EMP-01", "finances", "empowerment", "10.5"),
            "mark 10.5 is out of range for criterion 'empowerment': write a mark from 0 to 10",
            id="above-max",
        ),
        pytest.param(
            mark("EMP-01", "finances", "empowerment", "-1"),
            "mark -1 is out of range for criterion 'empowerment': write a mark from 0 to 10",
            id="negative",
        ),
        pytest.param(
            mark("EMP-01", "finances", "empowerment", "NaN"),
            "mark NaN is out of range for criterion 'empowerment': write a mark from 0 to 10",
            id="not-a-number",
        ),
        pytest.param(
            mark("EMP-01", "finance", "empowerment", "5"),
            "unknown committee member 'finance' (did you mean 'finances'?)",
            id="unknown-reviewer",
        ),
        pytest.param(
            mark("EMP-1", "finances", "empowerment", "5"),
            "unknown application 'EMP-1' (did you mean 'EMP-01'?)",
            id="unknown-reference",
        ),
        pytest.param(
            mark("EMP-01", "finances", "empowerement", "5"),
            "unknown criterion 'empowerement' (did you mean 'empowerment'?)",
            id="unknown-criterion",
        ),
        pytest.param(
            mark("EMP-01", "finances", "budget", "5"),
            "unknown criterion 'budget'",
            id="unknown-no-suggestion",
        ),
        pytest.param(
            mark("EMP-02", EXPERT, "empowerment", "5"),
            "'expert-participation' has a conflict of interest with application 'EMP-02' and may not mark it",
            id="conflict",
        ),
        pytest.param(
            mark("EMP-09", "finances", "empowerment", "5"),
            "application 'EMP-09' is ineligible and is not marked: remove this mark",
            id="ineligible",
        ),
    ],
)
def test_check_marks_refuses(call: Call, registry: Registry, bad: Mark, message: str) -> None:
    found = conflicts(call, APPLICATIONS, registry)
    good = mark("EMP-01", "finances", "partnership", "10", row=6)
    problems = check_marks([good, bad], call=call, applications=APPLICATIONS, conflicts=found)
    assert [str(p) for p in problems] == [f"{WHERE.format(row=7)}: {message}"]
    assert (problems[0].sheet, problems[0].row, problems[0].column) == ("Marks", 7, 4)


def test_check_marks_duplicate_names_both_places(call: Call, registry: Registry) -> None:
    found = conflicts(call, APPLICATIONS, registry)
    marks = [
        mark("EMP-01", "finances", "empowerment", "5", row=3),
        mark("EMP-01", "finances", "empowerment", "6", row=9),
        mark("EMP-01", "finances", "empowerment", "11", row=12),  # its own problem only
    ]
    problems = check_marks(marks, call=call, applications=APPLICATIONS, conflicts=found)
    assert [str(p) for p in problems] == [
        "scores.xlsx: sheet 'Marks', row 9, column D ('Empowerment'): 'finances' marked"
        " 'empowerment' of 'EMP-01' twice (first at scores.xlsx: sheet 'Marks', row 3,"
        " column D ('Empowerment'))",
        "scores.xlsx: sheet 'Marks', row 12, column D ('Empowerment'): mark 11 is out of range"
        " for criterion 'empowerment': write a mark from 0 to 10",
    ]


def test_score_refuses_bad_marks(call: Call) -> None:
    with pytest.raises(InputFileError, match="unknown criterion 'budget'"):
        run(call, APPLICATIONS, [mark("EMP-01", "finances", "budget", "5")])
    with pytest.raises(ValueError, match="unknown treatment of missing marks 'guess'"):
        run(call, APPLICATIONS, [], allow_incomplete="guess")


def test_missing_marks(call: Call, registry: Registry) -> None:
    found = conflicts(call, APPLICATIONS, registry)
    marks = [m for r in MEMBERS for m in marks_of("EMP-02", r, 5)]
    marks += [m for r in (*MEMBERS, EXPERT) for m in marks_of("EMP-01", r, 5)]
    marks = [m for m in marks if (m.reviewer, m.criterion) != ("finances", "feasibility")]
    gaps = missing_marks(marks, call=call, applications=APPLICATIONS, conflicts=found)
    # EMP-02 does not expect the expert (conflict); EMP-09, ineligible, expects nothing.
    assert gaps == {
        "EMP-01": (("finances", "feasibility"),),
        "EMP-02": (("finances", "feasibility"),),
    }
    complete = [m for r in (*MEMBERS, EXPERT) for m in marks_of("EMP-01", r, 5)]
    assert missing_marks(complete, call=call, applications=[app("EMP-01")], conflicts=found) == {
        "EMP-01": ()
    }


@pytest.mark.parametrize(
    ("treatment", "expected", "reviewers", "explained"),
    [
        pytest.param(None, None, 0, "not scored until complete: 1 missing mark", id="refuse"),
        # 70, 75, 85, 90 without finances.
        pytest.param(
            "skip-reviewer",
            "80.0000",
            4,
            "reviewers with missing marks left out: finances",
            id="skip-reviewer",
        ),
        # finances: 80 - 15 × 8 / 10 = 68; (70 + 75 + 68 + 85 + 90) / 5 = 77.6.
        pytest.param("zero", "77.6000", 5, "1 missing mark counted as 0", id="zero"),
    ],
)
def test_incomplete(
    call: Call, treatment: str | None, expected: str | None, reviewers: int, explained: str
) -> None:
    values = ("7", "7.5", "8", "8.5", "9")  # reviewer scores 70, 75, 80, 85, 90
    marks = [
        m
        for r, v in zip((*MEMBERS, EXPERT), values, strict=True)
        for m in marks_of("EMP-01", r, v)
        if (m.reviewer, m.criterion) != ("finances", "feasibility")
    ]
    options = {} if treatment is None else {"allow_incomplete": treatment}
    [line] = run(call, [app("EMP-01")], marks, **options)
    assert line.score == (None if expected is None else Decimal(expected))
    assert (line.flags, line.reviewers, line.treatment) == (("incomplete",), reviewers, explained)
    assert line.missing == (("finances", "feasibility"),)


def test_skip_reviewer_with_nobody_left(call: Call) -> None:
    marks = [m for r in (*MEMBERS, EXPERT) for m in marks_of("EMP-01", r, 5)[1:]]
    [line] = run(call, [app("EMP-01")], marks, allow_incomplete="skip-reviewer")
    assert (line.score, line.spread, line.reviewers) == (None, None, 0)
    assert line.treatment == (
        "reviewers with missing marks left out: action-sociale-1, action-sociale-2,"
        " expert-cohesion, expert-participation, finances; no reviewer left to score it"
    )


@pytest.mark.parametrize(
    ("sustainability", "threshold", "spread", "flags"),
    [
        # Reviewer scores 60 and 85 (+ 15 × excess / 10 on sustainability).
        pytest.param("8.5", Decimal(25), "25.0000", (), id="at-threshold"),
        pytest.param("8.5001", Decimal(25), "25.0002", ("disagreement",), id="just-above"),
        # 25.00003 is shown as 25.0000, and the shown number decides.
        pytest.param("8.50002", Decimal(25), "25.0000", (), id="rounds-to-threshold"),
        pytest.param(
            "8.5", Decimal("24.99"), "25.0000", ("disagreement",), id="threshold-below-spread"
        ),
        pytest.param("10", None, "27.2500", (), id="no-threshold"),
    ],
)
def test_disagreement(
    call: Call, sustainability: str, threshold: Decimal | None, spread: str, flags: tuple[str, ...]
) -> None:
    call = dataclasses.replace(call, disagreement_threshold=threshold)
    marks = marks_of("EMP-01", "action-sociale-1", 6)
    marks += [m for r in ("action-sociale-2", "finances", EXPERT) for m in marks_of("EMP-01", r, 7)]
    marks += marks_of("EMP-01", "expert-cohesion", "8.5", "8.5", "8.5", "8.5", sustainability)
    [line] = run(call, [app("EMP-01")], marks)
    assert (line.spread, line.flags) == (Decimal(spread), flags)


@pytest.mark.parametrize(
    ("feasibility", "expected"),
    [
        # (3 × 100 + 99.985) / 4 = 99.99625: the tie goes to the even digit 2
        # (ROUND_HALF_UP would give 99.9963).
        pytest.param("9.99", "99.9962", id="tie-to-even-down"),
        # (3 × 100 + 99.955) / 4 = 99.98875: the even neighbour is above.
        pytest.param("9.97", "99.9888", id="tie-to-even-up"),
        # (3 × 100 + 99.97) / 4 = 99.9925: exact, no rounding.
        pytest.param("9.98", "99.9925", id="exact"),
    ],
)
def test_rounding_half_even(call: Call, feasibility: str, expected: str) -> None:
    # Foyer Anderlechtois: four reviewers, so the mean divides by 4.
    marks = [m for r in MEMBERS[1:] for m in marks_of("EMP-02", r, 10)]
    marks += marks_of("EMP-02", MEMBERS[0], 10, 10, 10, feasibility, 10)
    [line] = run(call, [app("EMP-02", "foyer-anderlechtois")], marks)
    assert str(line.score) == expected
    assert line.flags == ("conflict_excluded",)


def test_lines_cover_eligible_applications_sorted(call: Call) -> None:
    applications = [*reversed(APPLICATIONS)]
    marks = [m for r in MEMBERS for m in marks_of("EMP-02", r, 5)]
    lines = run(call, applications, marks, allow_incomplete="skip-reviewer")
    assert [(line.reference, line.score) for line in lines] == [
        ("EMP-01", None),  # nobody marked it
        ("EMP-02", Decimal("50.0000")),
    ]


def test_rank_ties_share_a_rank() -> None:
    lines = [
        ScoreLine("EMP-B", Decimal("80.0000")),
        ScoreLine("EMP-E", None),
        ScoreLine("EMP-A", Decimal("80.0000")),
        ScoreLine("EMP-D", Decimal("70.0000")),
        ScoreLine("EMP-C", Decimal("90.0000")),
    ]
    assert [(r, line.reference, tied) for r, line, tied in rank(lines)] == [
        (1, "EMP-C", False),
        (2, "EMP-A", True),
        (2, "EMP-B", True),
        (4, "EMP-D", False),
        (None, "EMP-E", False),
    ]


def test_score_line_json(call: Call) -> None:
    marks = [m for r in (*MEMBERS, EXPERT) for m in marks_of("EMP-01", r, "7.5")]
    [line] = run(call, [app("EMP-01")], marks[1:], allow_incomplete="zero")
    data = score_line_json(line)
    assert json.loads(json.dumps(data)) == data
    assert data["score"] == "70.5000"  # (4 × 75 + 75 - 30 × 7.5 / 10) / 5
    assert data["reviewer_scores"]["action-sociale-1"] == "52.5000"
    assert data["criterion_scores"]["empowerment"] == "60.0000"
    assert data["spread"] == "22.5000"
    assert data["missing"] == [{"reviewer": "action-sociale-1", "criterion": "empowerment"}]
    assert (data["flags"], data["reviewers"]) == (["incomplete"], 5)


_MARK = st.decimals(min_value=0, max_value=10, places=2)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.lists(_MARK, min_size=25, max_size=25),
    dropped=st.sets(st.integers(0, 24), max_size=6),
    aggregation=st.sampled_from(Aggregation),
    treatment=st.sampled_from(["skip-reviewer", "zero"]),
    data=st.data(),
)
def test_score_in_range_and_order_free(
    call: Call,
    values: list[Decimal],
    dropped: set[int],
    aggregation: Aggregation,
    treatment: str,
    data: st.DataObject,
) -> None:
    call = dataclasses.replace(call, aggregation=aggregation)
    pairs = [(r, c) for r in (*MEMBERS, EXPERT) for c in CRITERIA]
    marks = [
        Mark("EMP-01", r, c, v)
        for i, ((r, c), v) in enumerate(zip(pairs, values, strict=True))
        if i not in dropped
    ]
    shuffled = data.draw(st.permutations(marks))
    [line] = run(call, [app("EMP-01")], marks, allow_incomplete=treatment)
    assert run(call, [app("EMP-01")], shuffled, allow_incomplete=treatment) == [line]
    for value in (line.score, *line.reviewer_scores.values(), *line.criterion_scores.values()):
        assert value is None or Decimal(0) <= value <= Decimal(100)


def _by_the_formulas(
    marks: Sequence[Mark], call: Call, reviewers: Sequence[str]
) -> tuple[Decimal, Decimal, dict[str, Decimal], dict[str, Decimal]]:
    """Score, spread, reviewer and criterion scores of one application, by the module's
    formulas in fractions, each rounded once (ROUND_HALF_EVEN, 4 places)."""
    given = {(m.reviewer, m.criterion): Fraction(m.mark) for m in marks}
    total = sum(Fraction(c.weight) for c in call.criteria)
    per = {
        r: {c.key: given.get((r, c.key), Fraction(0)) / c.max_mark * 100 for c in call.criteria}
        for r in reviewers
    }
    weighted = {
        r: sum(Fraction(c.weight) * per[r][c.key] for c in call.criteria) / total for r in reviewers
    }

    def combine(values: list[Fraction]) -> Fraction:
        ordered = sorted(values)
        if call.aggregation is Aggregation.MEAN:
            return sum(ordered, Fraction(0)) / len(ordered)
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2

    def rounded(value: Fraction) -> Decimal:
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)

    values = list(weighted.values())
    return (
        rounded(combine(values)),
        rounded(max(values) - min(values)),
        {r: rounded(v) for r, v in weighted.items()},
        {c.key: rounded(combine([per[r][c.key] for r in reviewers])) for c in call.criteria},
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    weights=st.lists(
        st.decimals(min_value="0.01", max_value=100, places=2), min_size=5, max_size=5
    ),
    maxima=st.lists(st.integers(1, 20), min_size=5, max_size=5),
    shares=st.lists(st.fractions(0, 1, max_denominator=1000), min_size=25, max_size=25),
    places=st.integers(0, 3),
    aggregation=st.sampled_from(Aggregation),
    dropped=st.sets(st.integers(0, 24), max_size=4),
)
def test_score_is_the_formulas_in_exact_fractions(
    call: Call,
    weights: list[Decimal],
    maxima: list[int],
    shares: list[Fraction],
    places: int,
    aggregation: Aggregation,
    dropped: set[int],
) -> None:
    """Weights and maxima of any size, marks with up to 3 decimals: every number of the
    line is the documented formula computed in fractions, rounded once."""
    criteria = tuple(
        dataclasses.replace(c, weight=w, max_mark=m)
        for c, w, m in zip(call.criteria, weights, maxima, strict=True)
    )
    call = dataclasses.replace(call, criteria=criteria, aggregation=aggregation)
    pairs = [(r, c) for r in (*MEMBERS, EXPERT) for c in criteria]
    marks = [
        Mark(
            "EMP-01",
            r,
            c.key,
            (Decimal(c.max_mark) * share.numerator / share.denominator).quantize(
                Decimal(1).scaleb(-places), rounding="ROUND_DOWN"
            ),
        )
        for i, ((r, c), share) in enumerate(zip(pairs, shares, strict=True))
        if i not in dropped
    ]
    [line] = run(call, [app("EMP-01")], marks, allow_incomplete="zero")
    score_, spread, reviewers, per_criterion = _by_the_formulas(marks, call, (*MEMBERS, EXPERT))
    assert (line.score, line.spread) == (score_, spread)
    assert dict(line.reviewer_scores) == reviewers
    assert dict(line.criterion_scores) == per_criterion
    assert str(line.score) == str(score_)
