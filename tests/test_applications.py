"""Applications as stored: the content hash, the merge of a file with what is stored,
and the rules of the call."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slrbcall.calls.definition import load_call, load_registry
from slrbcall.intake.eligibility import likely_duplicates, rule_breaks
from slrbcall.intake.merge import (
    content_sha256,
    content_values,
    from_values,
    merge,
    row_values,
    to_row,
)
from slrbcall.model import Application, ApplicationStatus, Lang, Reason

from .conftest import SHIPPED_CALLS

pytestmark = pytest.mark.both_backends

CALL = load_call(SHIPPED_CALLS / "empowerment-2023.yaml").call
REGISTRY = load_registry(SHIPPED_CALLS)

#: The content hash of ``app("E-01", summary=...)`` as the column-wise hash of earlier
#: versions stored it: the stored hashes of a workspace they made stay true.
STORED_HASH = "f9830b553eb298c5fa8e74b0b57a22252c03fc959d7996c17623daaaed9242b3"


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


def references(applications: tuple[Application, ...]) -> tuple[str, ...]:
    return tuple(a.reference for a in applications)


def test_the_content_hash_is_the_one_stored_by_earlier_versions() -> None:
    assert content_sha256(content_values(app("E-01", summary="Été « 2024 »"))) == STORED_HASH


def test_a_first_intake_adds_every_row_with_its_status() -> None:
    change = merge(
        [app("E-02"), app("E-01", requested_cents=500_000)], [], call=CALL, registry=REGISTRY
    )
    assert references(change.added) == ("E-02", "E-01")
    assert (change.changed, change.unchanged, change.moved) == ((), (), ())
    assert references(change.applications) == ("E-01", "E-02")
    assert [a.status for a in change.applications] == [
        ApplicationStatus.INELIGIBLE,
        ApplicationStatus.ELIGIBLE,
    ]
    assert change.applications[0].reasons[0].code == "amount_below_minimum"
    assert row_values(change.added[0])[-3:] == ("eligible", "[]", 2)
    assert change.before == {}


def test_the_same_rows_again_change_nothing_and_a_new_amount_changes_one() -> None:
    first = [app("E-01"), app("E-02", source_row=3)]
    stored = [to_row(a) for a in merge_file(first)]
    again = merge(first, stored, call=CALL, registry=REGISTRY)
    assert (again.added, again.changed) == ((), ())
    assert references(again.unchanged) == ("E-01", "E-02")
    assert again.before == {}
    moved_row = [app("E-01", source_row=9), app("E-02", requested_cents=3_100_000)]
    change = merge(moved_row, stored, call=CALL, registry=REGISTRY)
    assert (references(change.changed), references(change.unchanged)) == (("E-02",), ("E-01",))
    assert change.before["E-02"]["requested_cents"] == 3_000_000
    assert change.changed[0].requested_cents == 3_100_000
    grown = [*moved_row, app("E-00", source_row=4)]  # one new beside the stored ones
    change = merge(grown, stored, call=CALL, registry=REGISTRY)
    assert (references(change.added), references(change.changed)) == (("E-00",), ("E-02",))
    assert set(change.before) == {"E-02"}


def test_a_file_moves_the_status_of_a_stored_application_it_does_not_hold() -> None:
    stored = [to_row(a) for a in merge_file([app("E-02"), app("E-03")])]
    change = merge([app("E-01")], stored, call=CALL, registry=REGISTRY)
    assert references(change.added) == ("E-01",)
    assert references(change.moved) == ("E-03",)  # the third by reference, over the limit
    assert change.moved[0].status is ApplicationStatus.INELIGIBLE
    assert [r.code for r in change.moved[0].reasons] == ["too_many_applications"]
    assert change.before["E-03"]["status"] == "eligible"


def merge_file(applications: list[Application]) -> list[Application]:
    return list(merge(applications, [], call=CALL, registry=REGISTRY).applications)


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
        breaks = rule_breaks(applications, call=CALL, registry=REGISTRY)
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
    breaks = rule_breaks([app("E-01", **changes)], call=CALL, registry=REGISTRY)
    assert [r.code for r in breaks.get(0, ())] == codes


def test_likely_duplicates_are_listed_in_reference_order() -> None:
    applications = [
        app("E-03", title="Potagers collectifs", partner="ASBL A"),
        app("E-01", title="Potager collectif", partner="asbl a"),
    ]
    assert likely_duplicates(applications) == [
        "E-01 and E-03 come from Log'iris with the same partner: check that they are "
        "different projects; they are kept apart",
        "E-01 and E-03 may be the same project (Log'iris, similar titles): check them; "
        "they are kept apart",
    ]
