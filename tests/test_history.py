"""``slrbcall history REF``: an application's life, told from the audit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from slrbcall.reports.history import history
from slrbcall.store import AuditRow
from tests.conftest import Invoke

pytestmark = pytest.mark.both_backends

CALL = "c"


def row(
    entity: str,
    key: str,
    *,
    action: str = "insert",
    after: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
    at: str = "2024-01-01T10:00:00+00:00",
    command: str = "test",
    actor: str | None = "a.dubois",
    reason: str | None = None,
    source: str | None = None,
) -> AuditRow:
    return AuditRow(
        id=0,
        at=at,
        command=command,
        action=action,
        entity=entity,
        entity_key=key,
        before=before,
        after=after,
        input_file=source,
        input_sha256=None,
        tool_version="0",
        actor=actor,
        reason=reason,
    )


RUNS = {
    1: {"lines": [{"reference": "A", "rank": 2, "decision": "funded_full", "amount": "38500.00"}]},
    2: {"lines": [{"reference": "B", "rank": 1, "decision": "funded_full", "amount": "10000.00"}]},
}


def told(*rows: AuditRow, reference: str = "A") -> list[str]:
    return [e.what for e in history(rows, call_id=CALL, reference=reference, runs=RUNS)]


def test_each_kind_of_act_is_one_plain_sentence() -> None:
    assert told(
        row("application", "c/A", after={"content_sha256": "x", "source_row": 7}),
        row("allocation_run", "c/1", after={"policy": "greedy", "budget": 25500000}),
        row("allocation_adoption", "c/1", after={"run": 1, "superseded": None}),
        row("milestone", "c/A/signature", after={"date": "2023-12-15"}),
        row("payment", "c/A/1", after={"amount_cents": 1925000, "paid_on": "2024-01-10"}),
        row(
            "application",
            "c/A",
            action="update",
            before={"title": "Old", "requested_cents": 100},
            after={"title": "New", "requested_cents": 100},
        ),
    ) == [
        "taken in (row 7 of the file)",
        "proposal run 1 (greedy, budget € 255,000.00): rank 2, funded_full, € 38,500.00",
        "run 1 adopted as the call's decision: funded_full, € 38,500.00",
        "milestone signature recorded on 2023-12-15",
        "tranche 1 paid: € 19,250.00 on 2024-01-10",
        "changed by an intake: title: 'Old' -> 'New'",
    ]


def test_a_reviewers_marks_from_one_file_are_one_event_and_a_change_is_its_own() -> None:
    marks = [
        row("mark", f"c/A/jan/{criterion}", after={"mark": mark}, source="scores.xlsx")
        for criterion, mark in (("impact", "8"), ("feasibility", "7.5"))
    ]
    change = row(
        "mark",
        "c/A/jan/impact",
        action="update",
        before={"mark": "8"},
        after={"mark": "9"},
        at="2024-01-02T10:00:00+00:00",
    )
    assert told(*marks, change) == [
        "marks of jan: impact 8, feasibility 7.5",
        "mark of jan on impact: 8 -> 9",
    ]


def test_the_rows_of_another_reference_are_never_told() -> None:
    rows = (
        row("application", "c/A/B"),  # reference A/B, not A
        row("milestone", "c/A/B/signature", after={"date": "2024-01-01"}),
        row("payment", "c/AB/1", after={"amount_cents": 1, "paid_on": "2024-01-01"}),
        row("allocation_run", "c/2", after={"policy": "greedy", "budget": 100}),  # not ranked
    )
    assert told(*rows) == []
    assert told(*rows, reference="A/B") == [
        "taken in",
        "milestone signature recorded on 2024-01-01",
    ]


def test_an_unknown_kind_of_act_is_still_told_with_its_values_actor_and_reason() -> None:
    (event,) = history(
        [row("renunciation", "c/A", after={"on": "2024-03-01"}, reason="the partner stopped")],
        call_id=CALL,
        reference="A",
        runs=RUNS,
    )
    assert event.what == "renunciation insert: on: 2024-03-01"
    assert (event.actor, event.reason) == ("a.dubois", "the partner stopped")


def test_history_of_a_demo_project(cli: Invoke, demo_db: Path) -> None:
    result = cli("--db", demo_db, "history", "EMP23-03", "--json")
    assert result.exit_code == 0, result
    found = json.loads(result.stdout)
    whats = [event["what"] for event in found["events"]]
    assert whats[0] == "taken in (row 4 of the file)"
    assert found["events"][0]["source"] == "applications.xlsx"
    assert sum(what.startswith("marks of ") for what in whats) == 5
    assert "run 1 adopted as the call's decision: funded_full, € 45,000.00" in whats
    assert "milestone signature recorded on 2023-12-15" in whats
    assert "tranche 1 paid: € 22,500.00 on 2024-01-15" in whats
    assert (
        "monitoring report of 2024-06-28 taken in: 25 residents involved, 12 trained,"
        " 24 activities, 38 participants"
    ) in whats
    times = [event["at"] for event in found["events"]]
    assert times == sorted(times)


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("EMP23-3", "no application 'EMP23-3' in empowerment-2023 (did you mean 'EMP23-13'?)"),
        ("XYZ", "no application 'XYZ' in empowerment-2023"),
    ],
)
def test_history_of_an_unknown_reference_is_refused(
    cli: Invoke, demo_db: Path, reference: str, message: str
) -> None:
    result = cli("--db", demo_db, "history", reference)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {message}\n"


def test_corrections_amendments_withdrawals_and_documents_are_told() -> None:
    assert told(
        row(
            "payment_correction",
            "c/A/1/1",
            before={"amount_cents": 480000, "paid_on": "2024-01-10"},
            after={"amount_cents": 4800000, "paid_on": "2024-01-10", "difference_cents": 1},
        ),
        row(
            "payment_correction",
            "c/A/2/1",
            before={"amount_cents": 100, "paid_on": "2024-02-01"},
            after={"amount_cents": 0, "paid_on": "2024-02-01"},
        ),
        row(
            "milestone_correction",
            "c/A/signature/1",
            before={"date": "2023-12-15"},
            after={"date": "2023-12-18"},
        ),
        row(
            "amendment",
            "c/A/1",
            before={"amount_cents": 100, "end_date": "2024-12-31", "tranches": [50, 50]},
            after={"amount_cents": 200, "end_date": "2025-03-31", "tranches": [50, 150]},
        ),
        row("withdrawal", "c/A", after={"on": "2024-01-08", "paid": 0, "released": 3850000}),
        row(
            "document",
            "c/A/letter-award.fr",
            action="event",
            after={"kind": "letter-award", "lang": "fr", "file": "c_A_letter-award_fr.docx"},
        ),
    ) == [
        "tranche 1 payment corrected: € 4,800.00 on 2024-01-10 -> € 48,000.00 on 2024-01-10",
        "tranche 2 payment reversed: € 1.00 on 2024-02-01 was recorded by mistake",
        "milestone signature corrected: 2023-12-15 -> 2023-12-18",
        "amendment 1; award € 1.00 -> € 2.00; end 2024-12-31 -> 2025-03-31;"
        " tranches € 0.50, € 1.50",
        "withdrawn on 2024-01-08: € 0.00 paid is kept, € 38,500.00 of its award released",
        "document issued: letter-award (fr), c_A_letter-award_fr.docx",
    ]


def test_history_tells_a_correction_with_who_and_why_and_the_documents_issued(
    cli: Invoke, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLRBCALL_ACTOR", "m.peeters")
    corrected = cli(
        "--db", demo_db, "payments", "correct", "EMP23-03", "--tranche", "1",
        "--amount", "22400", "--reason", "typo in the amount", "--today", "2025-03-10",
    )  # fmt: skip
    assert corrected.exit_code == 0, corrected
    letters = cli(
        "--db", demo_db, "render-letters", "--only", "EMP23-03", "--out", tmp_path / "out",
        "--date", "2024-01-05",
    )  # fmt: skip
    assert letters.exit_code == 0, letters
    events = json.loads(cli("--db", demo_db, "history", "EMP23-03", "--json").stdout)["events"]
    correction, letter = events[-2:]
    assert correction == {
        "at": correction["at"],
        "actor": "m.peeters",
        "command": "payments correct",
        "what": "tranche 1 payment corrected: € 22,500.00 on 2024-01-15"
        " -> € 22,400.00 on 2024-01-15",
        "reason": "typo in the amount",
        "source": None,
    }
    assert letter["what"] == (
        "document issued: letter-award (nl), empowerment-2023_EMP23-03_letter-award_nl.docx"
    )
    assert letter["command"] == "render-letters"
