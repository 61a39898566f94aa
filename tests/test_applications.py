"""Applications as stored: the column-wise content hash, the merge of a file with what
is stored, and the rules judged on columns."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slrbcall.calls.definition import load_call, load_registry
from slrbcall.intake.eligibility import _reasons, likely_duplicates, rule_breaks
from slrbcall.intake.merge import (
    ApplicationRows,
    content_sha256,
    content_sha256s,
    content_values,
    from_values,
    merge,
    row_values,
    to_row,
)
from slrbcall.model import Application, ApplicationStatus, DurationRule, Lang, Reason

from .conftest import SHIPPED_CALLS

CALL = load_call(SHIPPED_CALLS / "empowerment-2023.yaml").call
REGISTRY = load_registry(SHIPPED_CALLS)

_VALUES = st.one_of(
    st.none(),
    st.text(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from(["", "é", "e\u0301", '"', "\\", "\u2028", "\x00", "😀", "€ 1.500"]),
    st.sampled_from([Lang.FR, Lang.NL]),  # a text of a kind of its own, as an Application holds
)


@given(st.lists(st.lists(_VALUES, min_size=16, max_size=16).map(tuple), max_size=20))
@settings(max_examples=300)
def test_column_wise_hashes_are_the_encoder_hashes(contents: list[tuple[Any, ...]]) -> None:
    columns = [[content[i] for content in contents] for i in range(16)]
    assert content_sha256s(columns) == [content_sha256(c) for c in contents]


def app(reference: str, applicant: str | None = "logiris", **changes: Any) -> Application:
    values: dict[str, Any] = {
        "reference": reference,
        "applicant": applicant,
        "applicant_name": "Log'iris" if applicant == "logiris" else str(applicant or "ASBL X"),
        "title": f"Projet {reference}",
        "requested_cents": 3_000_000,
        "language": Lang.FR,
        "partner": "ASBL Voisins",
        "theme": "digital",
        "theme_text": "Fracture numérique",
        "duration_months": 12,
        "start_date": dt.date(2024, 1, 1),
        "source_row": 2,
    }
    values.update(changes)
    return Application(**values)


def test_the_stored_form_reads_back_as_the_same_application() -> None:
    original = app(
        "E-01",
        status=ApplicationStatus.INELIGIBLE,
        reasons=(Reason("partner_missing", "none named"),),
        partner=None,
    )
    assert from_values(row_values(original)) == original
    assert tuple(to_row(original).values()) == row_values(original)


def test_a_first_intake_adds_every_row_with_its_status_and_hash() -> None:
    incoming = ApplicationRows.of([app("E-02"), app("E-01", requested_cents=500_000)])
    change = merge(incoming, [], call=CALL, registry=REGISTRY)
    assert change.added == ("E-02", "E-01")
    assert (change.changed, change.unchanged, change.status_moves) == ((), (), ())
    assert [a.reference for a in change.file_view] == ["E-01", "E-02"]
    assert [a.reference for a in change.file_view.ineligible()] == ["E-01"]
    assert change.file_view[0].reasons[0].code == "amount_below_minimum"
    assert [row[0] for row in change.added_rows] == ["E-02", "E-01"]
    assert change.added_rows[0][-3:] == ("eligible", "[]", 2)
    assert change.added_hashes[0] == content_sha256(content_values(app("E-02")))
    assert change.added_hashes[1] == content_sha256(
        content_values(app("E-01", requested_cents=500_000))
    )
    assert (change.rows, change.hashes) == ({}, {})


def test_the_same_rows_again_change_nothing_and_a_new_amount_changes_one() -> None:
    first = [app("E-01"), app("E-02", source_row=3)]
    stored = [to_row(a) for a in merge_file(first)]
    again = merge(ApplicationRows.of(first), stored, call=CALL, registry=REGISTRY)
    assert (again.added, again.changed, again.unchanged) == ((), (), ("E-01", "E-02"))
    assert again.rows == {}
    assert again.hashes == {}
    moved_row = [app("E-01", source_row=9), app("E-02", requested_cents=3_100_000)]
    change = merge(ApplicationRows.of(moved_row), stored, call=CALL, registry=REGISTRY)
    assert (change.changed, change.unchanged) == (("E-02",), ("E-01",))
    assert change.before["E-02"]["requested_cents"] == 3_000_000
    assert change.rows["E-02"][4] == 3_100_000
    assert change.hashes["E-02"] == content_sha256(
        content_values(app("E-02", requested_cents=3_100_000))
    )
    grown = [*moved_row, app("E-00", source_row=4)]  # one new beside the stored ones
    change = merge(ApplicationRows.of(grown), stored, call=CALL, registry=REGISTRY)
    assert (change.added, change.changed) == (("E-00",), ("E-02",))
    assert [row[0] for row in change.added_rows] == ["E-00"]
    assert change.added_hashes == [content_sha256(content_values(app("E-00", source_row=4)))]
    assert set(change.rows) == {"E-02"}


def merge_file(applications: list[Application]) -> list[Application]:
    return list(merge(ApplicationRows.of(applications), [], call=CALL, registry=REGISTRY).file_view)


_REFERENCES = st.lists(st.sampled_from([f"E-{i:02d}" for i in range(12)]), unique=True)


@given(
    _REFERENCES,
    st.lists(st.sampled_from(["logiris", "lojega", None]), min_size=12, max_size=12),
    st.lists(st.sampled_from([500_000, 3_000_000, 7_000_000]), min_size=12, max_size=12),
    st.randoms(use_true_random=False),
)
@settings(max_examples=200)
def test_the_rules_do_not_depend_on_the_order_of_the_rows(
    references: list[str], applicants: list[str | None], cents: list[int], rng: random.Random
) -> None:
    apps = [
        app(ref, applicants[i], requested_cents=cents[i], partner=None if i % 5 == 0 else "P")
        for i, ref in enumerate(references)
    ]
    shuffled = apps[:]
    rng.shuffle(shuffled)

    def judged(applications: list[Application]) -> dict[str, tuple[Reason, ...]]:
        columns = ApplicationRows.of(applications).columns
        breaks = rule_breaks(columns, call=CALL, registry=REGISTRY)
        return {a.reference: breaks.get(i, ()) for i, a in enumerate(applications)}

    assert judged(apps) == judged(shuffled)
    limit = CALL.eligibility.max_applications_per_applicant
    assert limit is not None
    for applicant in ("logiris", "lojega"):
        mine = sorted(a.reference for a in apps if a.applicant == applicant)
        over = [
            ref for ref in mine if any(r.code == "too_many_applications" for r in judged(apps)[ref])
        ]
        assert over == mine[limit:]


@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["logiris", "lojega", "commune-anderlecht", None]),
            st.sampled_from([None, "", "ASBL Voisins"]),
            st.sampled_from([("digital", "Fracture numérique"), (None, "Sport"), (None, None)]),
            st.integers(min_value=900_000, max_value=6_600_000),
            st.sampled_from([None, 6, 12, 24]),
        ),
        max_size=8,
    ),
    rule=st.sampled_from(list(DurationRule)),
    partner_required=st.booleans(),
)
@settings(max_examples=300)
def test_the_quick_passes_find_every_row_that_breaks_a_rule(
    rows: list[tuple[Any, ...]], rule: DurationRule, partner_required: bool
) -> None:
    call = dataclasses.replace(
        CALL,
        eligibility=dataclasses.replace(
            CALL.eligibility,
            duration=rule,
            partner_required=partner_required,
            max_applications_per_applicant=None,
        ),
    )
    apps = [
        app(
            f"E-{i:02d}",
            applicant,
            partner=partner,
            theme=theme,
            theme_text=text,
            requested_cents=cents,
            duration_months=months,
        )
        for i, (applicant, partner, (theme, text), cents, months) in enumerate(rows)
    ]
    columns = ApplicationRows.of(apps).columns
    breaks = rule_breaks(columns, call=call, registry=REGISTRY)
    for i, a in enumerate(apps):
        every_rule = _reasons(
            a.applicant,
            a.applicant_name,
            a.partner,
            a.theme,
            a.theme_text,
            a.requested_cents,
            a.duration_months,
            call=call,
            registry=REGISTRY,
        )
        assert {r.code for r in breaks.get(i, ())} == {r.code for r in every_rule}


@pytest.mark.parametrize(
    ("changes", "codes"),
    [
        ({}, []),
        ({"applicant": None, "applicant_name": "Anderlecht"}, ["applicant_unknown"]),
        ({"applicant": "commune-anderlecht"}, ["applicant_kind"]),
        ({"partner": None}, ["partner_missing"]),
        ({"theme": None, "theme_text": "Sport"}, ["theme_unknown"]),
        ({"requested_cents": 999_999}, ["amount_below_minimum"]),
        ({"requested_cents": 6_500_001}, ["amount_above_maximum"]),
        ({"duration_months": 24, "partner": ""}, ["partner_missing", "duration_not_call"]),
    ],
    ids=["eligible", "unknown", "kind", "partner", "theme", "low", "high", "two-reasons"],
)
def test_each_rule_gives_its_reason(changes: dict[str, Any], codes: list[str]) -> None:
    columns = ApplicationRows.of([app("E-01", **changes)]).columns
    breaks = rule_breaks(columns, call=CALL, registry=REGISTRY)
    assert [r.code for r in breaks.get(0, ())] == codes


def test_likely_duplicates_read_columns_in_reference_order() -> None:
    rows = ApplicationRows.of(
        [
            app("E-03", title="Potagers collectifs", partner="ASBL A"),
            app("E-01", title="Potager collectif", partner="asbl a"),
        ]
    )
    assert likely_duplicates(rows.columns) == [
        "E-01 and E-03 come from Log'iris with the same partner: check that they are "
        "different projects; they are kept apart",
        "E-01 and E-03 may be the same project (Log'iris, similar titles): check them; "
        "they are kept apart",
    ]
