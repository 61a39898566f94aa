"""Budget lines, co-financing and the justification terms of a call definition."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from slrbcall.calls.definition import load_call
from slrbcall.model import Anchor, BudgetLine, JustificationTerms, Localized

from .conftest import SHIPPED_CALLS, Invoke, empowerment_text
from .test_calls import bad


def test_the_shipped_call_has_budget_lines_marked_illustrative() -> None:
    call = load_call(SHIPPED_CALLS / "empowerment-2023.yaml").call
    assert [b.key for b in call.budget_lines] == [
        "personnel",
        "activities",
        "material",
        "communication",
        "overheads",
    ]
    assert call.budget_line("communication") == BudgetLine(
        key="communication",
        label=Localized(nl="Communicatie", fr="Communication"),
        cap_percent=Decimal(10),
    )
    overheads = call.budget_line("overheads")
    assert overheads is not None
    assert overheads.max_share_of_direct == Decimal(10)
    assert not overheads.direct
    assert [c.key for c in call.co_financing] == ["own-funds", "commune", "other-public"]
    assert call.justification == JustificationTerms(Anchor.END, 3, 30)
    assert {"budget_lines", "co_financing", "justification"} <= set(call.illustrative)


def test_a_call_without_budget_lines_has_the_default_terms(tmp_path: Path) -> None:
    text = empowerment_text()
    text = text[: text.index("budget_lines:")] + "illustrative: [scoring]\n"
    path = tmp_path / "empowerment-2023.yaml"
    (tmp_path / "organisations.yaml").write_bytes(
        (SHIPPED_CALLS / "organisations.yaml").read_bytes()
    )
    path.write_text(text, encoding="utf-8")
    call = load_call(path).call
    assert call.budget_lines == ()
    assert call.co_financing == ()
    assert call.justification == JustificationTerms()


def test_an_amount_cap_is_kept_in_cents(tmp_path: Path) -> None:
    text = empowerment_text(**{"    cap: 10%  ": "    cap: '2.500,50'  "})
    path = tmp_path / "empowerment-2023.yaml"
    (tmp_path / "organisations.yaml").write_bytes(
        (SHIPPED_CALLS / "organisations.yaml").read_bytes()
    )
    path.write_text(text, encoding="utf-8")
    line = load_call(path).call.budget_line("communication")
    assert line is not None
    assert (line.cap_cents, line.cap_percent) == (250050, None)


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        pytest.param(
            {"  - key: activities\n": "  - key: personnel\n"},
            ["call.yaml:265:5: 'personnel' is defined twice in budget_lines (also item 1)"],
            id="line-twice",
        ),
        pytest.param(
            {"    cap: 10%  ": "    cap: 110%  "},
            ["call.yaml:271:10: a share is at most 100%"],
            id="cap-above-100",
        ),
        pytest.param(
            {"max_share_of_direct: 10%": "max_share_of_direct: ten"},
            [
                "call.yaml:274:26: budget_lines[4].max_share_of_direct: String should match "
                "pattern '^\\d+(\\.\\d+)?\\s*%$'"
            ],
            id="share-not-a-percent",
        ),
        pytest.param(
            {"  - key: commune\n": "  - key: own-funds\n"},
            ["call.yaml:279:5: 'own-funds' is defined twice in co_financing (also item 1)"],
            id="source-twice",
        ),
        pytest.param(
            {"  months: 3                    #": "  months: -3                   #"},
            ["call.yaml:286:11: justification.months: Input should be greater than or equal to 0"],
            id="negative-months",
        ),
        pytest.param(
            {"  from: end    ": "  from: ende   "},
            ["call.yaml:285:9: justification.from: Input should be 'start' or 'end'"],
            id="unknown-anchor",
        ),
    ],
)
def test_bad_budget_lines(
    tmp_path: Path, cli: Invoke, replace: dict[str, str], expected: list[str]
) -> None:
    assert bad(tmp_path, cli, empowerment_text(**replace)) == expected


def test_every_line_indirect_is_refused(tmp_path: Path, cli: Invoke) -> None:
    text = empowerment_text()
    head, rest = text.split("budget_lines:", 1)
    tail = rest[rest.index("co_financing:") :]
    lines = (
        "budget_lines:\n"
        "  - key: overheads\n"
        "    label: {nl: Algemene kosten, fr: Frais généraux}\n"
        "    max_share_of_direct: 10%\n\n"
    )
    assert bad(tmp_path, cli, head + lines + tail) == [
        "call.yaml:263:3: every line is a share of the direct costs: at least one line "
        "must be direct (without max_share_of_direct)"
    ]
