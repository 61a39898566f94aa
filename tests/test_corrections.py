"""Corrections as new entries, never edits (case 3 of the issue): a payment or a
milestone recorded wrong is corrected by a new entry with its reason, the wrong one
kept in the history and the audit; totals, the timeline and the report use the
corrected figure.

The workspace: the shipped example, its signed adopted (six funded projects starting on
2024-01-01), every convention signed on 2023-12-15.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from slrbcall.store import Workspace

from .conftest import INTEGRITY, Result, raw

pytestmark = pytest.mark.both_backends

TODAY = ("--today", "2025-03-10")
FUNDED = ["EMP23-03", "EMP23-05", "EMP23-07", "EMP23-09", "EMP23-12", "EMP23-14"]


def flat(output: str) -> str:
    return " ".join(output.split())


def tranche(signed: Callable[..., Result], reference: str, number: int) -> dict[str, object]:
    listing = json.loads(signed("payments", "--json", *TODAY).stdout)
    project = next(p for p in listing["projects"] if p["reference"] == reference)
    found: dict[str, object] = project["tranches"][number - 1]
    return found


# -- case 3: a payment of 4,800 meant 48,000 -----------------------------------------------


def test_case_3_a_wrong_payment_is_corrected_by_a_new_entry(
    signed: Callable[..., Result], db: Path
) -> None:
    """Case 3 of the issue: 'payments record REF --tranche 1 --amount 4800' (meant
    48,000) was final, and the timeline said the tranche was done for € 4,800."""
    wrong = signed(
        "payments", "record", "EMP23-09", "--tranche", "1", "--date", "2024-01-15",
        "--amount", "4800", *TODAY,
    )  # fmt: skip
    assert wrong.exit_code == 0, wrong
    fixed = signed(
        "payments", "correct", "EMP23-09", "--tranche", "1", "--amount", "26000",
        "--reason", "typed 4800 for 26000", *TODAY,
    )  # fmt: skip
    assert fixed.exit_code == 0, fixed
    assert fixed.stdout == (
        "Corrected the payment of tranche 1 of EMP23-09 to € 26,000.00 on 2024-01-15 (was "
        "€ 4,800.00 on 2024-01-15; correction 1: + € 21,200.00). Paid so far: € 26,000.00 of "
        "€ 52,000.00.\n"
    )
    assert tranche(signed, "EMP23-09", 1) | {"label": None} == {
        "number": 1,
        "percent": "50",
        "amount": "26000.00",
        "condition": "signature",
        "label": None,
        "payable_from": None,
        "expected": "2024-01-01",
        "status": "paid",
        "paid_on": "2024-01-15",
        "paid": "26000.00",
        "forced": False,
        "corrections": 1,
        "waiting_for": [],
        "proposed": None,
    }
    history = json.loads(signed("payments", "history", "EMP23-09", "--json").stdout)
    entries = history["projects"][0]["entries"]
    assert [(e["kind"], e["amount"], e["difference"], e["reason"]) for e in entries] == [
        ("payment", "4800.00", "4800.00", None),
        ("correction", "26000.00", "21200.00", "typed 4800 for 26000"),
    ]
    assert history["paid"] == history["projects"][0]["paid"] == "26000.00"
    timeline = json.loads(signed("timeline", "--json", *TODAY).stdout)
    item = next(
        i for i in timeline["items"] if (i["reference"], i["key"]) == ("EMP23-09", "tranche:1")
    )
    assert (item["status"], item["done_on"], item["amount"]) == ("done", "2024-01-15", "26000.00")
    with Workspace.open(db, create=False) as ws:
        rows = [r for r in ws.audit_rows() if r.entity.startswith("payment")]
    assert [(r.entity, r.action, r.reason) for r in rows] == [
        ("payment", "insert", None),
        ("payment_correction", "insert", "typed 4800 for 26000"),
    ]
    assert rows[1].before == {"paid_on": "2024-01-15", "amount_cents": 480000}
    assert rows[1].after == {
        "paid_on": "2024-01-15",
        "amount_cents": 2600000,
        "difference_cents": 2120000,
        "note": None,
    }
    assert rows[1].actor


def test_the_history_shows_the_wrong_entry(signed: Callable[..., Result]) -> None:
    signed("payments", "record", "EMP23-09", "--tranche", "1", "--date", "2024-01-15",
        "--amount", "4800", *TODAY)  # fmt: skip
    signed("payments", "correct", "EMP23-09", "--tranche", "1", "--amount", "26000",
        "--reason", "typed 4800 for 26000", *TODAY)  # fmt: skip
    shown = signed("payments", "history", "EMP23-09")
    assert shown.exit_code == 0, shown
    lines = [line for line in shown.stdout.splitlines() if "EMP23-09" in line]
    assert len(lines) == 2
    assert "│ payment " in lines[0]
    assert "€ 4,800.00" in lines[0]
    assert "│ correction 1 " in lines[1]
    assert "+ € 21,200.00" in lines[1]
    assert "typed 4800 for 26000" in lines[1]
    assert shown.stdout.endswith("Paid: € 26,000.00 (the sum of the entries).\n")


def test_a_reversal_then_a_new_entry(signed: Callable[..., Result]) -> None:
    signed("payments", "record", "EMP23-12", "--tranche", "1", "--date", "2024-01-15", *TODAY)
    reversed_ = signed(
        "payments", "correct", "EMP23-12", "--tranche", "1", "--amount", "0",
        "--reason", "paid to the wrong account", *TODAY,
    )  # fmt: skip
    assert reversed_.stdout == (
        "Reversed the payment of tranche 1 of EMP23-12 (was € 15,000.00 on 2024-01-15; "
        "correction 1: - € 15,000.00). Paid so far: € 0.00 of € 30,000.00.\n"
    )
    assert (tranche(signed, "EMP23-12", 1)["status"], tranche(signed, "EMP23-12", 1)["paid"]) == (
        "due",
        "0.00",
    )
    again = signed(
        "payments", "record", "EMP23-12", "--tranche", "1", "--date", "2024-01-20", *TODAY
    )
    assert (again.exit_code, again.stderr) == (
        1,
        "Error: cannot pay tranche 1 of EMP23-12: tranche 1 was paid and the payment "
        "reversed: record its payment as a correction ('slrbcall payments correct EMP23-12 "
        "--tranche 1 --amount A --date D --reason TEXT')\n",
    )
    repaid = signed(
        "payments", "correct", "EMP23-12", "--tranche", "1", "--amount", "15000",
        "--date", "2024-01-20", "--reason", "paid again, to the right account", "--json", *TODAY,
    )  # fmt: skip
    assert repaid.exit_code == 0, repaid
    assert json.loads(repaid.stdout) == {
        "call": "empowerment-2023",
        "reference": "EMP23-12",
        "tranche": 1,
        "correction": 2,
        "kind": "correction",
        "before": {"paid_on": "2024-01-15", "amount": "0.00"},
        "paid_on": "2024-01-20",
        "amount": "15000.00",
        "difference": "15000.00",
        "paid": "15000.00",
        "award": "30000.00",
    }
    history = json.loads(signed("payments", "history", "EMP23-12", "--json").stdout)
    entries = history["projects"][0]["entries"]
    assert [(e["kind"], e["paid_on"], e["difference"]) for e in entries] == [
        ("payment", "2024-01-15", "15000.00"),
        ("reversal", "2024-01-15", "-15000.00"),
        ("correction", "2024-01-20", "15000.00"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("EMP23-03", "--tranche", "2", "--amount", "100"),
            "Error: cannot correct tranche 2 of EMP23-03: tranche 2 is not paid: there is "
            "nothing to correct (record its payment with 'slrbcall payments record EMP23-03 "
            "--tranche 2 --date D')\n",
        ),
        (
            ("EMP23-03", "--tranche", "1", "--amount", "22500"),
            "Error: cannot correct tranche 1 of EMP23-03: tranche 1 already stands at "
            "€ 22,500.00 on 2024-01-15: there is nothing to correct\n",
        ),
        (
            ("EMP23-03", "--tranche", "1", "--amount", "45000,01"),
            "Error: cannot correct tranche 1 of EMP23-03: correcting it to € 45,000.01 would "
            "bring the project's payments to € 45,000.01, above its award of € 45,000.00\n",
        ),
        (
            ("EMP23-03", "--tranche", "1", "--amount", "22500", "--date", "2025-03-11"),
            "Error: cannot correct tranche 1 of EMP23-03: the payment date 2025-03-11 is after "
            "today (2025-03-10)\n",
        ),
        (
            ("EMP23-03", "--tranche", "4", "--amount", "1"),
            "Error: cannot correct tranche 4 of EMP23-03: the project has tranches 1 to 3, not 4\n",
        ),
        (
            ("EMP23-03", "--tranche", "1", "--amount", "1", "--reason", "  "),
            "Error: a correction needs --reason TEXT: the reason goes to the audit\n",
        ),
    ],
    ids=["not-paid", "no-change", "above-award", "future-date", "no-such-tranche", "no-reason"],
)
def test_a_correction_is_refused(
    signed: Callable[..., Result], args: tuple[str, ...], message: str
) -> None:
    signed("payments", "record", "EMP23-03", "--tranche", "1", "--date", "2024-01-15", *TODAY)
    reason = () if "--reason" in args else ("--reason", "why not")
    result = signed("payments", "correct", *args, *reason, *TODAY)
    assert (result.exit_code, result.stderr) == (1, message)
    history = json.loads(signed("payments", "history", "EMP23-03", "--json").stdout)
    assert len(history["projects"][0]["entries"]) == 1


def test_a_correction_needs_its_options(signed: Callable[..., Result]) -> None:
    missing = signed("payments", "correct", "EMP23-03", "--tranche", "1", "--amount", "1")
    assert missing.exit_code == 2
    assert "Missing option '--reason'" in missing.stderr
    negative = signed(
        "payments", "correct", "EMP23-03", "--tranche", "1", "--amount", "-1", "--reason", "x"
    )
    assert negative.exit_code == 2
    assert "Invalid value for '--amount'" in negative.stderr


def test_totals_and_the_report_use_the_corrected_figure(signed: Callable[..., Result]) -> None:
    signed("payments", "record", "EMP23-09", "--tranche", "1", "--date", "2024-01-15",
        "--amount", "4800", *TODAY)  # fmt: skip
    signed("payments", "record", "EMP23-03", "--tranche", "1", "--date", "2024-01-15", *TODAY)
    signed("payments", "correct", "EMP23-09", "--tranche", "1", "--amount", "26000",
        "--reason", "typo", *TODAY)  # fmt: skip
    listing = json.loads(signed("payments", "--json", *TODAY).stdout)
    assert listing["paid"] == "48500.00"
    assert flat(signed("payments", *TODAY).stdout).endswith(
        "Awarded € 251,000.00, paid € 48,500.00, to pay € 202,500.00."
    )
    figures = json.loads(signed("report", "--json").stdout)
    assert figures["money"]["paid"] == "48500.00"
    assert "│ paid           │ € 48,500.00 (corrections included)" in signed("report").stdout


def test_the_same_workbook_again_after_a_correction_changes_nothing(
    signed: Callable[..., Result], make_xlsx: Callable[..., Path]
) -> None:
    """A workbook's payment, corrected since, is 'already recorded' when taken in again."""
    path = make_xlsx(
        [
            ["Reference", "Tranche", "Payment date", "Amount paid"],
            ["EMP23-05", 1, "15/01/2024", 2075],
        ],
        name="paiements.xlsx",
    )
    assert signed("payments", "take", path, *TODAY).exit_code == 0
    signed("payments", "correct", "EMP23-05", "--tranche", "1", "--amount", "20750",
        "--reason", "a zero missing in the workbook", *TODAY)  # fmt: skip
    again = signed("payments", "take", path, "--json", *TODAY)
    assert again.exit_code == 0, again
    assert (json.loads(again.stdout)["new"], json.loads(again.stdout)["unchanged"]) == (0, 1)


# -- milestones ------------------------------------------------------------------------------


def test_a_milestone_is_not_moved_by_recording_it_again(signed: Callable[..., Result]) -> None:
    """Re-recording a milestone with another date moved it silently; now it is refused,
    pointing to the correction."""
    same = signed(
        "followup", "record", "EMP23-03", "--milestone", "signature", "--date", "2023-12-15",
        *TODAY,
    )  # fmt: skip
    assert (same.exit_code, same.stdout) == (
        0,
        "EMP23-03: 'signature' was already recorded on 2023-12-15.\n",
    )
    moved = signed(
        "followup", "record", "EMP23-03", "--milestone", "signed", "--date", "2023-12-18",
        *TODAY,
    )  # fmt: skip
    assert (moved.exit_code, moved.stderr) == (
        1,
        "Error: EMP23-03: 'signature' is already recorded on 2023-12-15: to correct it, "
        "'slrbcall followup correct EMP23-03 --milestone signature --date 2023-12-18 "
        "--reason TEXT'\n",
    )
    noted = signed(
        "followup", "record", "EMP23-03", "--milestone", "signature", "--date", "2023-12-15",
        "--note", "scan received", *TODAY,
    )  # fmt: skip
    assert noted.exit_code == 1
    assert "--date 2023-12-15 --note TEXT --reason TEXT'" in noted.stderr


def test_a_milestone_is_corrected_by_a_new_entry(signed: Callable[..., Result], db: Path) -> None:
    signed("payments", "record", "EMP23-03", "--tranche", "1", "--date", "2024-01-15", *TODAY)
    fixed = signed(
        "followup", "correct", "EMP23-03", "--milestone", "signed", "--date", "2024-01-20",
        "--reason", "the authority signed last, on 20 January", *TODAY,
    )  # fmt: skip
    assert fixed.exit_code == 0, fixed
    assert fixed.stdout == (
        "EMP23-03: corrected 'signature' from 2023-12-15 to 2024-01-20 (correction 1; the "
        "reason is in the audit).\n"
        "Warning: tranche 1 was paid on 2024-01-15, before 'signature' as now dated.\n"
    )
    history = json.loads(signed("followup", "milestones", "EMP23-03", "--json").stdout)
    assert [(e["entry"], e["date"], e["previous"], e["reason"]) for e in history["entries"]] == [
        (0, "2023-12-15", None, None),
        (1, "2024-01-20", "2023-12-15", "the authority signed last, on 20 January"),
    ]
    timeline = json.loads(signed("timeline", "--json", *TODAY).stdout)
    item = next(
        i for i in timeline["items"] if (i["reference"], i["key"]) == ("EMP23-03", "signature")
    )
    assert item["done_on"] == "2024-01-20"
    again = signed(
        "followup", "record", "EMP23-03", "--milestone", "signature", "--date", "2024-01-20",
        *TODAY,
    )  # fmt: skip
    assert again.stdout == "EMP23-03: 'signature' was already recorded on 2024-01-20.\n"
    with Workspace.open(db, create=False) as ws:
        rows = [r for r in ws.audit_rows() if r.entity == "milestone_correction"]
    assert [(r.entity_key, r.before, r.after, r.reason) for r in rows] == [
        (
            "empowerment-2023/EMP23-03/signature/1",
            {"date": "2023-12-15", "note": None},
            {"date": "2024-01-20", "note": None},
            "the authority signed last, on 20 January",
        )
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--milestone", "final_report", "--date", "2024-12-31"),
            "Error: EMP23-03: 'final_report' is not recorded: there is nothing to correct "
            "(record it with 'slrbcall followup record EMP23-03 --milestone final_report "
            "--date 2024-12-31')\n",
        ),
        (
            ("--milestone", "signature", "--date", "2023-12-15"),
            "Error: EMP23-03: 'signature' already stands on 2023-12-15: there is nothing to "
            "correct\n",
        ),
        (
            ("--milestone", "signature", "--date", "2025-03-11"),
            "Error: EMP23-03: the date 2025-03-11 is after today (2025-03-10)\n",
        ),
        (
            ("--milestone", "nothing", "--date", "2024-01-01"),
            "Error: EMP23-03: 'nothing' is not a milestone of EMP23-03 (its milestones: "
            "signature, interim_report, questionnaire, final_report)\n",
        ),
    ],
    ids=["not-recorded", "no-change", "future", "unknown"],
)
def test_a_milestone_correction_is_refused(
    signed: Callable[..., Result], args: tuple[str, ...], message: str
) -> None:
    result = signed("followup", "correct", "EMP23-03", *args, "--reason", "why", *TODAY)
    assert (result.exit_code, result.stderr) == (1, message)


def test_the_workspace_refuses_to_change_what_was_recorded(
    signed: Callable[..., Result], db: Path
) -> None:
    signed("payments", "record", "EMP23-03", "--tranche", "1", "--date", "2024-01-15", *TODAY)
    signed("payments", "correct", "EMP23-03", "--tranche", "1", "--amount", "1000",
        "--reason", "x", *TODAY)  # fmt: skip
    conn = raw(db)
    for sql, message in [
        ("UPDATE followup_milestone SET on_date = '2024-01-01'", "milestones are kept"),
        ("DELETE FROM followup_milestone", "milestones are kept"),
        ("UPDATE payment_correction SET amount_cents = 5", "corrections are kept"),
        ("DELETE FROM payment_correction", "corrections are kept"),
    ]:
        with pytest.raises(INTEGRITY, match=message):
            conn.execute(sql)
    conn.close()
