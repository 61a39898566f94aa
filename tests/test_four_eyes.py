"""Four eyes: a decision and a large payment need a second person, in a team's workspace."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from slrbcall.errors import GuardRefusedError
from slrbcall.store import Actor, Workspace
from slrbcall.store.followup import StoredPayment, StoredProposal

from .conftest import REPO, Invoke, Result, empowerment_text, write_call

APPLICATIONS = REPO / "examples" / "applications.xlsx"
SCORES = REPO / "examples" / "scores.xlsx"
TODAY = ("--today", "2024-03-01")

pytestmark = pytest.mark.both_backends

OFFICERS = """\
officers:
  - {key: amina, name: Amina El Idrissi, roles: [officer]}
  - {key: marc, name: Marc Dupont, roles: [finance]}
  - {key: sofie, name: Sofie Peeters, roles: [approver, committee_secretary]}
  - {key: jan, name: Jan Claes, roles: [finance, approver]}
"""


@pytest.fixture
def calls(tmp_path: Path) -> Path:
    """The Empowerment call with a payment threshold of € 20,000, and a team."""
    folder = tmp_path / "calls"
    text = empowerment_text()
    text = text.replace("\nsignatories:", "\npayment_approval_above: 20000\n\nsignatories:", 1)
    write_call(folder, text)
    (folder / "officers.yaml").write_text(OFFICERS, encoding="utf-8")
    return folder


@pytest.fixture
def proposed(cli: Invoke, db: Path, calls: Path) -> Invoke:
    """Applications and marks taken in, run 1 proposed by amina; ``run`` runs as KEY."""

    def run(actor: str, *args: str | Path) -> Result:
        return cli("--db", db, "--calls-dir", calls, "--as", actor, *args)

    assert run("amina", "intake", APPLICATIONS).exit_code == 0
    assert run("sofie", "score", SCORES).exit_code == 0
    assert run("amina", "allocate").exit_code == 0
    return run


@pytest.fixture
def signed(proposed: Invoke) -> Invoke:
    """Run 1 adopted by sofie and EMP23-09 (€ 52,000: tranches 26,000, 15,600, 10,400)
    signed on 2024-01-10."""
    assert proposed("sofie", "allocations", "adopt", "1").exit_code == 0
    result = proposed(
        "amina", "followup", "record", "EMP23-09", "--milestone", "signature",
        "--date", "2024-01-10", *TODAY,
    )  # fmt: skip
    assert result.exit_code == 0, result
    return proposed


def test_the_proposer_of_a_run_does_not_adopt_it(proposed: Invoke, db: Path) -> None:
    (proposed("amina", "allocate", "--budget", "200000"))  # run 2, by amina
    result = proposed("sofie", "allocations", "adopt", "1")
    assert result.exit_code == 0, result
    with Workspace.open(db, create=False) as ws:
        runs = ws.runs("empowerment-2023")
        assert [r.proposed_by for r in runs] == ["amina", "amina"]
        assert ws.adoptions("empowerment-2023")[-1].adopted_by == "sofie"


def test_an_approver_who_proposed_the_run_is_refused(
    proposed: Invoke, cli: Invoke, db: Path, calls: Path
) -> None:
    assert proposed("jan", "allocate", "--budget", "200000").exit_code == 1  # not an officer
    (calls / "officers.yaml").write_text(
        OFFICERS.replace("roles: [finance, approver]", "roles: [officer, approver]"),
        encoding="utf-8",
    )
    assert proposed("jan", "allocate", "--budget", "200000").exit_code == 0  # run 2
    result = proposed("jan", "allocations", "adopt", "2")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: run 2 was proposed by jan: another approver adopts it (four eyes)"
    )


def test_the_proposer_of_a_reallocation_does_not_adopt_it(
    proposed: Invoke, db: Path, calls: Path
) -> None:
    """A reallocation to the reserve list is a run like any other: a second person
    adopts it."""
    (calls / "officers.yaml").write_text(
        OFFICERS.replace("roles: [finance, approver]", "roles: [officer, approver]"),
        encoding="utf-8",
    )
    assert proposed("sofie", "allocations", "adopt", "1").exit_code == 0
    withdrawn = proposed(
        "amina", "withdraw", "EMP23-07", "--date", "2024-02-15", "--reason", "closed", *TODAY
    )
    assert withdrawn.exit_code == 0, withdrawn
    assert proposed("jan", "reallocate", *TODAY).exit_code == 0  # run 2, by jan
    refused = proposed("jan", "allocations", "adopt", "2")
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (
        "Error: run 2 was proposed by jan: another approver adopts it (four eyes)"
    )
    assert proposed("sofie", "allocations", "adopt", "2").exit_code == 0
    with Workspace.open(db, create=False) as ws:
        assert [r.proposed_by for r in ws.runs("empowerment-2023")] == ["amina", "jan"]
        assert [a.adopted_by for a in ws.adoptions("empowerment-2023")] == ["sofie", "sofie"]


def test_the_workspace_refuses_an_adoption_by_the_proposer(proposed: Invoke, db: Path) -> None:
    with (
        Workspace.open(db, create=False) as ws,
        pytest.raises(GuardRefusedError, match="adopted by another person"),
        ws.write(command="t", actor=Actor("amina", team=True)) as tx,
    ):
        tx.adopt("empowerment-2023", 1, reason=None, superseded_run_id=None)


def test_without_a_team_one_person_proposes_and_adopts(cli: Invoke, scored_db: Path) -> None:
    assert cli("--db", scored_db, "--as", "amina", "allocate", "--dry-run").exit_code == 0


def test_a_team_workspace_stays_a_team_one(
    proposed: Invoke, cli: Invoke, db: Path, calls: Path
) -> None:
    (calls / "officers.yaml").unlink()
    result = cli("--db", db, "--calls-dir", calls, "allocate")
    assert result.exit_code == 1
    assert "this workspace is a team's since" in result.stderr
    assert "officers.yaml was not found" in result.stderr
    assert cli("--db", db, "--calls-dir", calls, "ranking").exit_code == 0  # reads do


def test_a_payment_above_the_threshold_is_proposed_then_approved(signed: Invoke, db: Path) -> None:
    result = signed(
        "marc", "payments", "record", "EMP23-09", "--tranche", "1", "--date", "2024-01-15",
        *TODAY,
    )  # fmt: skip
    assert result.exit_code == 0, result
    assert result.stdout.startswith(
        "Proposed the payment of tranche 1 of EMP23-09: € 26,000.00 on 2024-01-15."
    )
    view = json.loads(signed("ines", "payments", "--json", *TODAY).stdout)  # a read: no role
    project = next(p for p in view["projects"] if p["reference"] == "EMP23-09")
    assert project["paid"] == "0.00"
    assert project["tranches"][0]["proposed"] == {
        "paid_on": "2024-01-15",
        "amount": "26000.00",
        "proposed_by": "marc",
    }
    again = signed(
        "marc", "payments", "record", "EMP23-09", "--tranche", "1", "--date", "2024-01-16",
        *TODAY,
    )  # fmt: skip
    assert again.exit_code == 1
    assert "tranche 1 is proposed already (€ 26,000.00 on 2024-01-15, by marc)" in again.stderr

    refused = signed("marc", "payments", "approve", "EMP23-09", "--tranche", "1", *TODAY)
    assert refused.exit_code == 1
    assert "marc may not run 'payments approve': it needs the role 'approver'" in refused.stderr

    approved = signed("sofie", "payments", "approve", "EMP23-09", "--tranche", "1", *TODAY)
    assert approved.exit_code == 0, approved
    assert approved.stdout.startswith(
        "Approved the payment of tranche 1 of EMP23-09 proposed by marc: € 26,000.00"
    )
    view = json.loads(signed("ines", "payments", "--json", *TODAY).stdout)
    project = next(p for p in view["projects"] if p["reference"] == "EMP23-09")
    assert project["paid"] == "26000.00"
    with Workspace.open(db, create=False) as ws:
        (payment,) = ws.payments("empowerment-2023")
        assert (payment.recorded_by, payment.approved_by) == ("marc", "sofie")
        rows = [(r.command, r.entity, r.actor) for r in ws.audit_rows()]
    assert ("payments record", "payment_proposal", "marc") in rows
    assert ("payments approve", "payment", "sofie") in rows
    told = signed("ines", "history", "EMP23-09").stdout
    assert "tranche 1 proposed for payment: € 26,000.00 on 2024-01-15, awaiting approval" in told
    assert "tranche 1 paid: € 26,000.00 on 2024-01-15, proposed by marc and approved by" in told


def test_the_proposer_does_not_approve_their_own_payment(signed: Invoke) -> None:
    done = signed(
        "jan", "payments", "record", "EMP23-09", "--tranche", "1", "--date", "2024-01-15",
        *TODAY,
    )  # fmt: skip
    assert done.exit_code == 0, done
    result = signed("jan", "payments", "approve", "EMP23-09", "--tranche", "1", *TODAY)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: the payment of tranche 1 of EMP23-09 was proposed by jan: another approver "
        "approves it (four eyes)"
    )


def test_a_payment_below_the_threshold_is_paid_at_once(signed: Invoke) -> None:
    result = signed(
        "marc", "payments", "record", "EMP23-09", "--tranche", "1", "--date", "2024-01-15",
        "--amount", "20000", *TODAY,
    )  # fmt: skip
    assert result.exit_code == 0, result
    assert result.stdout.startswith("Recorded the payment of tranche 1 of EMP23-09")


def test_nothing_awaits_approval(signed: Invoke) -> None:
    result = signed("sofie", "payments", "approve", "EMP23-09", "--tranche", "2", *TODAY)
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: no payment of tranche 2 of EMP23-09 awaits approval"


def test_the_workspace_pays_a_proposal_only_as_proposed_by_another(
    signed: Invoke, db: Path
) -> None:
    proposal = StoredProposal(
        "EMP23-09", 1, "2024-01-15", 26_000_00, False, None, None, "command", "marc"
    )
    with (
        Workspace.open(db, create=False) as ws,
        ws.write(command="t", actor=Actor("marc", team=True)) as tx,
    ):
        tx.add_payment_proposal("empowerment-2023", proposal)
    payment = StoredPayment("EMP23-09", 1, "2024-01-15", 26_000_00, False, None, None, "t")
    for recorded_by, approved_by in [("marc", None), ("marc", "marc"), ("sofie", "jan")]:
        with (
            Workspace.open(db, create=False) as ws,
            pytest.raises(GuardRefusedError, match="approved by another person"),
            ws.write(command="t", actor=Actor("sofie", team=True)) as tx,
        ):
            tx.add_payment(
                "empowerment-2023",
                replace(payment, recorded_by=recorded_by, approved_by=approved_by),
            )
