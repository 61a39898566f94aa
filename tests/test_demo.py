"""The demo's withdrawal and reallocation step: EMP23-07 withdraws in January 2024,
before any payment, and the reserve funds EMP23-01 in its place (the worked example of
docs/concepts.md, told in the demo's chronological order)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from slrbcall.demo import DEMO_WITHDRAWAL_REASON, DemoResult
from slrbcall.store import Workspace

from .conftest import SHIPPED_CALLS, Invoke, write_call
from .test_documents_cli import document_text


def test_the_withdrawal_is_recorded_with_its_reason(demo_run: DemoResult) -> None:
    done = demo_run.withdrawal.withdrawal
    w = done.withdrawn
    assert (done.reference, w.on, w.reason) == ("EMP23-07", "2024-01-08", DEMO_WITHDRAWAL_REASON)
    assert (w.run_id, w.award_cents, w.paid_cents, w.released_cents) == (1, 38_500_00, 0, 38_500_00)
    with Workspace.open(demo_run.db_path, create=False) as ws:
        [row] = [r for r in ws.audit_rows() if r.command == "withdraw"]
    assert (row.entity, row.entity_key, row.reason) == (
        "withdrawal",
        "empowerment-2023/EMP23-07",
        DEMO_WITHDRAWAL_REASON,
    )
    assert row.after is not None
    assert (row.after["on"], row.after["released"]) == ("2024-01-08", 38_500_00)


def test_the_reserve_funds_emp23_01_and_run_2_is_adopted(demo_run: DemoResult) -> None:
    proposed = demo_run.withdrawal.reallocation
    moved = proposed.result
    assert (proposed.run_id, moved.run_id) == (2, 1)
    assert (moved.released_cents, moved.unspent_cents, moved.free_cents) == (
        38_500_00,
        4_000_00,
        42_500_00,
    )
    assert [(x.reference, x.amount_cents, x.reason.value) for x in moved.funded] == [
        ("EMP23-01", 35_000_00, "reserve_funded")
    ]
    assert moved.free_cents - moved.awarded_cents == 7_500_00
    assert (moved.total_awarded_cents, moved.remainder_cents) == (247_500_00, 7_500_00)
    adopted = demo_run.withdrawal.adoption
    assert (adopted.run.id, adopted.previous_run_id, adopted.reason) == (2, 1, None)
    lines = {line["reference"]: line for line in adopted.run.result["lines"]}
    assert (lines["EMP23-07"]["amount"], lines["EMP23-07"]["reason"]) == ("0.00", "withdrawn")
    assert (lines["EMP23-01"]["amount"], lines["EMP23-01"]["reason"]) == (
        "35000.00",
        "reserve_funded",
    )
    # Every other award of run 1 is carried unchanged.
    first = {x["reference"]: x["amount"] for x in demo_run.allocation.result.to_json()["lines"]}
    assert (first["EMP23-07"], first["EMP23-01"]) == ("38500.00", "0.00")
    assert {
        ref: x["amount"] for ref, x in lines.items() if ref not in ("EMP23-01", "EMP23-07")
    } == {ref: amount for ref, amount in first.items() if ref not in ("EMP23-01", "EMP23-07")}


def test_emp23_01_gets_its_documents_and_emp23_07_none(
    cli: Invoke, demo_run: DemoResult, demo_db: Path, tmp_path: Path
) -> None:
    # In December, EMP23-01 was third on the reserve and EMP23-07 was funded.
    assert "empowerment-2023_EMP23-01_letter-reserve_fr.docx" in demo_run.letters.files
    assert "empowerment-2023_EMP23-07_convention_nl.docx" in demo_run.conventions.files
    # In January, EMP23-01 gets its convention and award letter, and nothing else is sent.
    later = demo_run.withdrawal
    assert later.conventions.files == ("empowerment-2023_EMP23-01_convention_fr.docx",)
    assert later.letters.files == ("empowerment-2023_EMP23-01_letter-award_fr.docx",)
    assert later.conventions.run_id == later.letters.run_id == 2
    assert later.conventions.out_dir == demo_run.out_dir / "reallocation" / "conventions"
    convention = document_text(later.conventions.out_dir / later.conventions.files[0])
    assert "35\u202f000,00\u00a0€ (trente-cinq mille euros)" in convention
    assert "Fait à Bruxelles, le 15 janvier 2024" in convention
    letter = document_text(later.letters.out_dir / later.letters.files[0])
    assert "Bruxelles, le 15 janvier 2024" in letter
    assert "une subvention de 35\u202f000,00\u00a0€ (trente-cinq mille euros)" in letter
    # The decision in force gives EMP23-07 no convention and no letter.
    done = cli("--db", demo_db, "render-conventions", "--out", tmp_path / "c", "--json")
    assert done.exit_code == 0, done
    files = json.loads(done.stdout)["files"]
    assert "empowerment-2023_EMP23-01_convention_fr.docx" in files
    assert not [f for f in files if "EMP23-07" in f]
    refused = cli("--db", demo_db, "render-letters", "--out", tmp_path / "x", "--only", "EMP23-07")
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (
        "Error: EMP23-07 was withdrawn: it gets no convention or letter"
    )


def test_the_follow_up_pays_emp23_01_and_not_emp23_07(demo_run: DemoResult) -> None:
    follow = demo_run.followup
    assert follow is not None
    signed = {m.reference: m.on for m in follow.milestones if m.key == "signature"}
    assert signed["EMP23-01"] == dt.date(2024, 1, 31)  # after the reallocation
    assert signed["EMP23-03"] == dt.date(2023, 12, 15)
    paid = {(p.payment.reference, p.payment.tranche): p.payment for p in follow.payments}
    assert (paid["EMP23-01", 1].paid_on, paid["EMP23-01", 1].amount_cents) == (
        dt.date(2024, 2, 15),
        17_500_00,
    )
    assert (paid["EMP23-01", 2].paid_on, paid["EMP23-01", 2].amount_cents) == (
        dt.date(2024, 7, 15),
        10_500_00,
    )
    assert paid["EMP23-03", 1].paid_on == dt.date(2024, 1, 15)
    assert {ref for ref, _ in paid} == {
        "EMP23-01",
        "EMP23-03",
        "EMP23-05",
        "EMP23-09",
        "EMP23-12",
        "EMP23-14",
    }
    assert "EMP23-07" not in {m.reference for m in follow.milestones}
    view = {p.project.reference: p for p in follow.payments_view.projects}
    assert "EMP23-07" not in view
    assert view["EMP23-01"].project.award_cents == 35_000_00
    assert follow.payments_view.awarded_cents == 247_500_00
    # The example's reports are EMP23-01's, and the call's totals stay as reported.
    reports = {o.project.reference: o.reports for o in follow.outcomes.outcomes.projects}
    assert reports["EMP23-01"] == 2
    assert "EMP23-07" not in reports
    totals = follow.outcomes.outcomes.totals
    assert (totals.residents_involved, totals.residents_trained) == (202, 98)
    assert str(totals.average_activities) == "45.0"


def test_the_demo_s_json_tells_the_withdrawal_and_the_reallocation(
    cli: Invoke, tmp_path: Path
) -> None:
    done = cli("demo", "--out", tmp_path / "demo", "--json")
    assert done.exit_code == 0, done
    found = json.loads(done.stdout)
    assert found["withdrawal"] == {
        "reference": "EMP23-07",
        "on": "2024-01-08",
        "reason": DEMO_WITHDRAWAL_REASON,
        "paid": "0.00",
        "released": "38500.00",
    }
    moved = found["reallocation"]
    assert (moved["run"], moved["adopted"]) == (2, True)
    assert moved["conventions"] == ["empowerment-2023_EMP23-01_convention_fr.docx"]
    assert moved["letters"] == ["empowerment-2023_EMP23-01_letter-award_fr.docx"]
    assert moved["reallocation"]["funded"] == ["EMP23-01"]
    assert (moved["reallocation"]["free"], moved["reallocation"]["left"]) == ("42500.00", "7500.00")
    assert found["allocation"]["total_awarded"] == "251000.00"  # the December decision


def test_a_demo_call_without_a_reserve_list_is_refused_before_anything_is_written(
    cli: Invoke, tmp_path: Path
) -> None:
    folder = tmp_path / "calls"
    shipped = (SHIPPED_CALLS / "empowerment-2023.yaml").read_text(encoding="utf-8")
    # The shipped call without its reserve block (and its mention as illustrative).
    cut = shipped[: shipped.index("\nreserve:")] + shipped[shipped.index("\nillustrative:") :]
    text = cut.replace("committee, reserve, tranches", "committee, tranches")
    assert "\nreserve:" not in text
    write_call(folder, text)
    out = tmp_path / "demo"
    done = cli("--calls-dir", folder, "demo", "--out", out)
    assert done.exit_code == 1
    assert done.stderr.strip() == (
        "Error: the demo needs empowerment-2023 to keep a reserve list, as the shipped call "
        f"does: its definition in {folder} has no 'reserve:'"
    )
    assert not (out / "slrbcall.db").exists()
