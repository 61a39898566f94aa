"""Case 7 of issue 15: withdrawals, the reserve list and the reallocation of what a
withdrawal releases, through the command line."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from slrbcall.store import Workspace
from slrbcall.store.migrations import RESERVE_MIGRATION

from .conftest import (
    INTEGRITY,
    SHIPPED_CALLS,
    Invoke,
    empowerment_text,
    fingerprint,
    raw,
    write_call,
)
from .schema import undo_after, version_after

pytestmark = pytest.mark.both_backends

CALL = ("--call", "empowerment-2023")
TODAY = ("--today", "2024-03-02")
RESERVE = ["EMP23-13", "EMP23-04", "EMP23-01", "EMP23-10", "EMP23-02", "EMP23-08"]
RESERVE += ["EMP23-06", "EMP23-15", "EMP23-11"]


@pytest.fixture
def proposed(copy_of: Callable[..., Any], cli: Invoke, scored_db: Path, tmp_path: Path) -> Path:
    """The demo's allocation (run 1: six projects, € 251,000 of € 255,000), a proposal."""
    db = copy_of(scored_db)
    assert cli("--db", db, *CALL, "allocate").exit_code == 0
    return db


@pytest.fixture
def decided(cli: Invoke, proposed: Path) -> Path:
    """The demo's decision: run 1 adopted, with nothing signed or paid yet."""
    assert cli("--db", proposed, "allocations", "adopt", "1").exit_code == 0
    return proposed


def withdraw(cli: Invoke, db: Path, ref: str, day: str = "2024-03-01", *more: str) -> str:
    done = cli("--db", db, "withdraw", ref, "--date", day, "--reason", "the partner closed", *more)
    assert done.exit_code == 0, done
    return done.stdout


def reallocation(cli: Invoke, db: Path, *options: str) -> dict:  # type: ignore[type-arg]
    done = cli("--db", db, "reallocate", *TODAY, "--dry-run", "--json", *options)
    assert done.exit_code == 0, done
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def amounts(found: dict) -> dict[str, str]:  # type: ignore[type-arg]
    return {line["reference"]: line["amount"] for line in found["lines"]}


# -- the worked example ------------------------------------------------------------------


def test_the_worked_example_on_the_demo_decision(cli: Invoke, decided: Path) -> None:
    """EMP23-07 (€ 38,500, rank 2) withdraws: € 42,500 is free (€ 38,500 released and the
    € 4,000 the decision left); greedy funds EMP23-01 (rank 9, € 35,000) and leaves
    € 7,500; strict funds nothing; greedy with a partial remainder offers EMP23-13
    € 42,500."""
    said = withdraw(cli, decided, "EMP23-07", "2024-03-01", *TODAY)
    assert " ".join(said.split()) == (
        "Recorded the withdrawal of EMP23-07 on 2024-03-01. It was awarded € 38,500.00 in "
        "run 1; € 0.00 was paid, so € 38,500.00 is released. It is paid nothing dated after "
        "2024-03-01. 'slrbcall reallocate' proposes to give it to the reserve list."
    )
    before = amounts(json.loads(cli("--db", decided, "allocations", "show", "--json").stdout))

    greedy = reallocation(cli, decided)
    figures = greedy["reallocation"]
    assert figures == {
        "of_run": 1,
        "withdrawn": ["EMP23-07"],
        "released": "38500.00",
        "unspent": "4000.00",
        "free": "42500.00",
        "awarded": "35000.00",
        "left": "7500.00",
        "reserve": RESERVE,
        "funded": ["EMP23-01"],
    }
    after = amounts(greedy)
    assert after["EMP23-01"] == "35000.00"
    assert after["EMP23-07"] == "0.00"
    assert {ref: a for ref, a in after.items() if ref not in ("EMP23-01", "EMP23-07")} == {
        ref: a for ref, a in before.items() if ref not in ("EMP23-01", "EMP23-07")
    }
    assert (greedy["total_awarded"], greedy["remainder"]) == ("247500.00", "7500.00")
    line = next(x for x in greedy["lines"] if x["reference"] == "EMP23-01")
    assert (line["decision"], line["reason"], line["rank"]) == ("funded_full", "reserve_funded", 9)
    assert line["explanation"] == (
        "Ranked 9 of 15 (score 69.6500); on the reserve, rank 3 of 9: after the withdrawal "
        "of EMP23-07, € 42,500.00 was free (€ 38,500.00 released and € 4,000.00 left "
        "unspent by run 1); it asked for € 35,000.00 and € 42,500.00 remained, so it was "
        "funded in full from the reserve, leaving € 7,500.00."
    )
    withdrawn = next(x for x in greedy["lines"] if x["reference"] == "EMP23-07")
    assert (withdrawn["decision"], withdrawn["reason"], withdrawn["rank"]) == (
        "not_funded",
        "withdrawn",
        2,
    )
    assert withdrawn["explanation"] == (
        "Ranked 2 of 15 (score 86.8000): it was withdrawn on 2024-03-01 (the partner "
        "closed); it had been awarded € 38,500.00 in run 1, of which € 0.00 was paid, so "
        "its award is now € 0.00 and € 38,500.00 is released."
    )

    strict = reallocation(cli, decided, "--policy", "strict")
    assert strict["reallocation"]["funded"] == []
    assert strict["reallocation"]["left"] == "42500.00"
    first = next(x for x in strict["lines"] if x["reference"] == "EMP23-13")
    assert first["explanation"].endswith(
        "it asked for € 65,000.00 but only € 42,500.00 remained, so the funding line was "
        "drawn here and it was not funded; it stays on the reserve."
    )

    partial = reallocation(cli, decided, "--partial", "remainder")
    assert partial["reallocation"]["funded"] == ["EMP23-13"]
    assert amounts(partial)["EMP23-13"] == "42500.00"
    offered = next(x for x in partial["lines"] if x["reference"] == "EMP23-13")
    assert (offered["decision"], offered["reason"]) == ("funded_partial", "reserve_partial")
    assert partial["reallocation"]["left"] == "0.00"


def test_the_text_output_says_where_the_money_came_from(cli: Invoke, decided: Path) -> None:
    withdraw(cli, decided, "EMP23-07", "2024-03-01", *TODAY)
    done = cli("--db", decided, "reallocate", *TODAY)
    assert done.exit_code == 0, done
    text = " ".join(done.stdout.split())
    assert (
        "€ 42,500.00 is free (€ 38,500.00 released by the withdrawal of EMP23-07 and "
        "€ 4,000.00 run 1 left unspent). Funded from the reserve: EMP23-01 € 35,000.00; "
        "€ 7,500.00 left. Every other award of run 1 is carried unchanged."
    ) in text
    assert text.endswith(
        "Stored as proposal run 2; the adopted decision is unchanged. Adopt it with "
        "'slrbcall allocations adopt 2'."
    )


# -- adoption ------------------------------------------------------------------------------


def test_a_reallocation_is_adopted_without_supersede_and_freezes_a_new_reserve(
    cli: Invoke, decided: Path
) -> None:
    withdraw(cli, decided, "EMP23-07", "2024-03-01", *TODAY)
    assert cli("--db", decided, "reallocate", *TODAY).exit_code == 0
    adopted = cli("--db", decided, "allocations", "adopt", "2", "--json")
    assert adopted.exit_code == 0, adopted
    assert json.loads(adopted.stdout) == {
        "call": "empowerment-2023",
        "run": 2,
        "previous_run": 1,
        "reason": None,
        "changed": [],
        "reserve": [ref for ref in RESERVE if ref != "EMP23-01"],
    }
    listed = json.loads(cli("--db", decided, "allocations", "list", "--json").stdout)
    assert [(r["run"], r["adopted"], r["reallocation_of"]) for r in listed] == [
        (1, False, None),
        (2, True, 1),
    ]
    assert listed[1]["reserve"] == [ref for ref in RESERVE if ref != "EMP23-01"]
    table = cli("--db", decided, "allocations", "list").stdout
    assert "greedy, reserve of run 1" in table
    assert [row.split("│")[-2].strip() for row in table.splitlines() if "€" in row] == [
        "replaced",
        "adopted",
    ]
    again = cli("--db", decided, "reallocate", *TODAY)
    assert again.exit_code == 1
    assert again.stderr.strip() == (
        "Error: no withdrawal since run 2 was adopted, so nothing was released to reallocate "
        "('slrbcall withdraw REF --date D --reason TEXT' records one)"
    )


def test_a_paid_withdrawn_project_keeps_what_was_paid_and_needs_no_supersede(
    cli: Invoke, demo_db: Path
) -> None:
    """On the demo's whole workspace (run 2 in force: EMP23-07 withdrew before any payment,
    EMP23-01 was funded from the reserve, € 7,500 left) EMP23-03 is signed and € 36,000
    of € 45,000 paid: its withdrawal releases € 9,000, and € 16,500 is free, which no
    project left on the reserve fits."""
    withdraw(cli, demo_db, "EMP23-03", "2024-08-01", "--today", "2024-08-02")
    expired = cli("--db", demo_db, "reallocate", "--today", "2024-08-02")
    assert expired.exit_code == 1
    assert expired.stderr.strip() == (
        "Error: the reserve list of empowerment-2023 was valid until 2024-06-30 (today is "
        "2024-08-02): pass --after-validity --reason TEXT to reallocate all the same"
    )
    late = ("--after-validity", "--reason", "the board asked on 1 August")
    done = cli("--db", demo_db, "reallocate", "--today", "2024-08-02", *late, "--json")
    assert done.exit_code == 0, done
    found = json.loads(done.stdout)
    assert {k: found["reallocation"][k] for k in ("released", "unspent", "free", "left")} == {
        "released": "9000.00",
        "unspent": "7500.00",
        "free": "16500.00",
        "left": "16500.00",
    }
    assert found["reallocation"]["of_run"] == 2
    assert amounts(found)["EMP23-03"] == "36000.00"
    assert amounts(found)["EMP23-01"] == "35000.00"  # funded from the reserve, carried
    adopted = cli("--db", demo_db, "allocations", "adopt", str(found["run"]))
    assert adopted.exit_code == 0, adopted
    view = json.loads(cli("--db", demo_db, "payments", "--today", "2024-08-02", "--json").stdout)
    project = next(p for p in view["projects"] if p["reference"] == "EMP23-03")
    assert (project["award"], project["paid"]) == ("36000.00", "36000.00")
    with Workspace.open(demo_db, create=False) as ws:
        row = [r for r in ws.audit_rows() if r.command == "reallocate"][-1]
        stored = ws.runs("empowerment-2023")[-1]
    assert row.reason == "the board asked on 1 August"
    assert stored.parameters["after_validity"] == "the board asked on 1 August"


def test_the_worked_example_after_two_tranches(cli: Invoke, decided: Path) -> None:
    """docs/concepts.md: had EMP23-07 withdrawn after its first two tranches (€ 30,800
    paid), it would keep € 30,800 and release € 7,700; € 11,700 would be free: greedy
    funds nothing, and a partial remainder offers EMP23-13 € 11,700."""
    on = ("--today", "2024-06-12")
    for milestone, day in (("signature", "2023-12-15"), ("interim-interview", "2024-05-31")):
        recorded = cli(
            "--db", decided, "followup", "record", "EMP23-07", "--milestone", milestone,
            "--date", day, *on,
        )  # fmt: skip
        assert recorded.exit_code == 0, recorded
    for tranche, day in (("1", "2024-01-15"), ("2", "2024-06-03")):
        paid = cli(
            "--db", decided, "payments", "record", "EMP23-07", "--tranche", tranche,
            "--date", day, *on,
        )  # fmt: skip
        assert paid.exit_code == 0, paid
    withdraw(cli, decided, "EMP23-07", "2024-06-10", *on)
    greedy = json.loads(cli("--db", decided, "reallocate", *on, "--dry-run", "--json").stdout)
    figures = greedy["reallocation"]
    assert {k: figures[k] for k in ("released", "unspent", "free", "funded", "left")} == {
        "released": "7700.00",
        "unspent": "4000.00",
        "free": "11700.00",
        "funded": [],
        "left": "11700.00",
    }
    assert amounts(greedy)["EMP23-07"] == "30800.00"
    partial = ("--partial", "remainder")
    offered = json.loads(
        cli("--db", decided, "reallocate", *on, *partial, "--dry-run", "--json").stdout
    )
    assert offered["reallocation"]["funded"] == ["EMP23-13"]
    assert amounts(offered)["EMP23-13"] == "11700.00"


def test_a_stale_reallocation_is_refused(cli: Invoke, decided: Path) -> None:
    withdraw(cli, decided, "EMP23-07", "2024-03-01", *TODAY)
    assert cli("--db", decided, "reallocate", *TODAY).exit_code == 0  # run 2
    assert cli("--db", decided, *CALL, "allocate").exit_code == 0  # run 3, 07 withdrawn
    assert cli("--db", decided, "allocations", "adopt", "3").exit_code == 0
    stale = cli("--db", decided, "allocations", "adopt", "2")
    assert stale.exit_code == 1
    assert stale.stderr.strip() == (
        "Error: run 2 reallocates run 1, but run 3 is the decision in force: propose the "
        "reallocation again with 'slrbcall reallocate'"
    )


def test_a_run_that_funds_a_withdrawn_application_is_refused(cli: Invoke, proposed: Path) -> None:
    withdraw(cli, proposed, "EMP23-07", "2024-03-01", *TODAY)
    refused = cli("--db", proposed, "allocations", "adopt", "1")
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (
        "Error: run 1 funds withdrawn applications: EMP23-07 (€ 38,500.00; withdrawn on "
        "2024-03-01, € 0.00 paid). A withdrawn application keeps only what was paid to it: "
        "propose a new run ('slrbcall reallocate' gives what it released to the reserve)"
    )


def test_a_new_allocate_leaves_a_withdrawn_application_out(cli: Invoke, decided: Path) -> None:
    withdraw(cli, decided, "EMP23-07", "2024-03-01", *TODAY)
    done = cli("--db", decided, *CALL, "allocate", "--dry-run", "--json")
    found = json.loads(done.stdout)
    line = next(x for x in found["lines"] if x["reference"] == "EMP23-07")
    assert (line["rank"], line["amount"], line["decision"], line["reason"]) == (
        None,
        "0.00",
        "not_funded",
        "withdrawn",
    )
    assert line["explanation"] == (
        "It was withdrawn on 2024-03-01 (the partner closed); it had been awarded € 38,500.00 "
        "in run 1, of which € 0.00 was paid, so its award is now € 0.00 and € 38,500.00 is "
        "released."
    )
    assert max(x["rank"] or 0 for x in found["lines"]) == 14


# -- withdraw ------------------------------------------------------------------------------


def test_withdrawing_a_reserve_project_takes_it_off_the_reserve(cli: Invoke, decided: Path) -> None:
    done = cli(
        "--db", decided, "withdraw", "EMP23-13", "--date", "2024-03-01",
        "--reason", "moved on", *TODAY, "--json",
    )  # fmt: skip
    assert done.exit_code == 0, done
    assert json.loads(done.stdout) == {
        "call": "empowerment-2023",
        "reference": "EMP23-13",
        "on": "2024-03-01",
        "reason": "moved on",
        "run": 1,
        "award": "0.00",
        "paid": "0.00",
        "released": "0.00",
        "left_reserve_rank": 1,
    }
    explained = cli("--db", decided, "explain", "EMP23-04", "--json")
    assert json.loads(explained.stdout)["reserve"] == {
        "rank": 1,
        "of": 8,
        "valid_until": "2024-06-30",
    }
    nothing = cli("--db", decided, "reallocate", *TODAY)
    assert nothing.exit_code == 1
    assert nothing.stderr.strip() == (
        "Error: the withdrawals since run 1 (EMP23-13) released nothing: they were not "
        "funded, or were paid in full"
    )


def test_withdraw_says_what_a_reserve_project_leaves(cli: Invoke, decided: Path) -> None:
    said = withdraw(cli, decided, "EMP23-01", "2024-03-01", *TODAY)
    assert " ".join(said.split()) == (
        "Recorded the withdrawal of EMP23-01 on 2024-03-01. It leaves the reserve list (it "
        "was rank 3); nothing is released."
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("EMP23-7", "--date", "2024-03-01", "--reason", "x"),
            "Error: no application 'EMP23-7' in empowerment-2023 (did you mean 'EMP23-07'?)",
        ),
        (
            ("EMP23-07", "--date", "2024-03-01", "--reason", "  "),
            "Error: --reason needs a text: say why the applicant withdrew",
        ),
        (
            ("EMP23-07", "--date", "2024-03-03", "--reason", "x"),
            "Error: a withdrawal is recorded once made: 2024-03-03 is after today (2024-03-02)",
        ),
    ],
    ids=["unknown", "blank-reason", "future"],
)
def test_withdraw_refusals(cli: Invoke, decided: Path, args: tuple[str, ...], message: str) -> None:
    done = cli("--db", decided, "withdraw", *args, *TODAY)
    assert done.exit_code == 1
    assert done.stderr.strip() == message


def test_a_second_withdrawal_is_refused(cli: Invoke, decided: Path) -> None:
    withdraw(cli, decided, "EMP23-07", "2024-03-01", *TODAY)
    again = cli("--db", decided, "withdraw", "EMP23-07", "--date", "2024-03-02", "--reason", "y")
    assert again.exit_code == 1
    assert again.stderr.strip() == (
        "Error: EMP23-07 was withdrawn on 2024-03-01 already (the partner closed)"
    )


def test_a_withdrawal_before_a_payment_is_refused(cli: Invoke, demo_db: Path) -> None:
    done = cli("--db", demo_db, "withdraw", "EMP23-03", "--date", "2024-03-01", "--reason", "x")
    assert done.exit_code == 1
    assert done.stderr.strip() == (
        "Error: EMP23-03 was paid on 2024-07-15, after 2024-03-01: date the withdrawal on or "
        "after its last payment (money paid after a renunciation is recovered, which a "
        "withdrawal does not record)"
    )


@pytest.mark.parametrize(
    "args",
    [
        ("withdraw", "EMP23-07", "--date", "31/02/2024", "--reason", "x"),
        ("withdraw", "EMP23-07", "--reason", "x"),
        ("withdraw", "EMP23-07", "--date", "2024-03-01"),
        ("reallocate", "--policy", "random"),
        ("reallocate", "--partial", "half"),
        ("reallocate", "--today", "yesterday"),
    ],
    ids=["bad-date", "no-date", "no-reason", "bad-policy", "bad-partial", "bad-today"],
)
def test_bad_option_values_are_wrong_usage(
    cli: Invoke, decided: Path, args: tuple[str, ...]
) -> None:
    before = fingerprint(decided)
    assert cli("--db", decided, *args).exit_code == 2
    assert fingerprint(decided) == before


def test_no_payment_after_a_withdrawal(cli: Invoke, demo_db: Path) -> None:
    withdraw(cli, demo_db, "EMP23-03", "2024-08-01", "--today", "2024-08-02")
    assert cli(
        "--db", demo_db, "followup", "record", "EMP23-03", "--milestone", "final_report",
        "--date", "2024-08-05", "--today", "2024-08-06",
    ).exit_code == 0  # fmt: skip
    paid = cli(
        "--db", demo_db, "payments", "record", "EMP23-03", "--tranche", "3",
        "--date", "2024-08-06", "--today", "2024-08-06",
    )  # fmt: skip
    assert paid.exit_code == 1
    assert paid.stderr.strip() == (
        "Error: cannot pay tranche 3 of EMP23-03 on 2024-08-06: it was withdrawn on "
        "2024-08-01, and a withdrawn project is paid nothing after that"
    )
    # The workspace itself refuses it, whatever the code above it does.
    conn = raw(demo_db)
    with pytest.raises(INTEGRITY, match="paid nothing after its withdrawal"):
        conn.execute(
            "INSERT INTO payment (call_id, reference, tranche, paid_on, amount_cents, forced,"
            " source, recorded_at) VALUES ('empowerment-2023', 'EMP23-03', 3, '2024-08-02',"
            " 100, 0, 'test', 'now')"
        )
    # On the day of the withdrawal, a payment still goes through.
    conn.execute(
        "INSERT INTO payment (call_id, reference, tranche, paid_on, amount_cents, forced,"
        " source, recorded_at) VALUES ('empowerment-2023', 'EMP23-03', 3, '2024-08-01',"
        " 100, 0, 'test', 'now')"
    )
    conn.rollback()
    conn.close()


def test_withdrawals_and_reserves_are_kept_as_recorded(cli: Invoke, decided: Path) -> None:
    withdraw(cli, decided, "EMP23-07", "2024-03-01", *TODAY)
    conn = raw(decided)
    for sql in (
        "UPDATE withdrawal SET reason = 'other'",
        "DELETE FROM withdrawal",
        "UPDATE allocation_reserve SET position = position + 10",
        "DELETE FROM allocation_reserve",
    ):
        with pytest.raises(INTEGRITY, match="kept as"):
            conn.execute(sql)
    conn.close()
    with Workspace.open(decided, create=False) as ws:
        row = next(r for r in ws.audit_rows() if r.entity == "withdrawal")
    assert (row.command, row.entity_key) == ("withdraw", "empowerment-2023/EMP23-07")
    assert row.after is not None
    assert row.after["released"] == 3_850_000
    assert row.reason == "the partner closed"
    assert row.actor


# -- the reserve in the decision ----------------------------------------------------------


def test_the_decision_shows_the_reserve_and_the_withdrawals(cli: Invoke, decided: Path) -> None:
    explained = cli("--db", decided, "explain", "EMP23-13")
    assert explained.stdout.splitlines()[-1] == (
        "On the reserve, rank 1 of 9, valid until 2024-06-30: it is funded if a withdrawal "
        "releases enough money."
    )
    withdraw(cli, decided, "EMP23-07", "2024-03-01", *TODAY)
    explained = json.loads(cli("--db", decided, "explain", "EMP23-07", "--json").stdout)
    assert explained["withdrawal"] == {
        "on": "2024-03-01",
        "reason": "the partner closed",
        "award": "38500.00",
        "paid": "0.00",
        "released": "38500.00",
    }
    assert explained["status"] == (
        "Withdrawn on 2024-03-01 (the partner closed): € 0.00 of its award of € 38,500.00 was "
        "paid, so € 38,500.00 is released for the reserve ('slrbcall reallocate'); it is paid "
        "nothing more."
    )
    listed = " ".join(cli("--db", decided, "allocations", "list").stdout.split())
    assert (
        "Reserve list, valid until 2024-06-30: 1. EMP23-13, 2. EMP23-04, 3. EMP23-01, "
        "4. EMP23-10, 5. EMP23-02, 6. EMP23-08, 7. EMP23-06, 8. EMP23-15, 9. EMP23-11."
    ) in listed
    assert (
        "Withdrawn since: EMP23-07 on 2024-03-01 (€ 38,500.00 released); 'slrbcall "
        "reallocate' proposes where it goes."
    ) in listed
    shown = json.loads(cli("--db", decided, "allocations", "show", "--json").stdout)
    assert [p["reference"] for p in shown["reserve"]["projects"]] == RESERVE
    assert sorted(shown["since"]) == sorted([*RESERVE, "EMP23-07"])


def test_a_call_without_a_reserve_keeps_none(
    copy_of: Callable[..., Any], cli: Invoke, scored_db: Path, tmp_path: Path
) -> None:
    calls = tmp_path / "calls"
    text = empowerment_text()
    text = text[: text.index("\nreserve:")] + text[text.index("\nillustrative:") :]
    write_call(calls, text.replace("committee, reserve,", "committee,"))
    db = copy_of(scored_db)
    run = ("--db", db, "--calls-dir", calls, *CALL)
    assert cli(*run, "allocate").exit_code == 0
    adopted = cli(*run, "allocations", "adopt", "1")
    assert "Reserve" not in adopted.stdout
    withdraw(cli, db, "EMP23-07", "2024-03-01", *TODAY, "--calls-dir", str(calls))
    refused = cli(*run, "reallocate", *TODAY)
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (
        "Error: empowerment-2023 keeps no reserve list: declare one under 'reserve:' in its "
        "definition (docs/call-definition.md)"
    )
    assert json.loads(cli(*run, "explain", "EMP23-13", "--json").stdout)["reserve"] is None


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--after-validity",), "Error: --after-validity needs --reason TEXT: say why the "
         "reserve is used late"),
        (("--reason", "x"), "Error: --reason goes with --after-validity; a reallocation needs "
         "no other"),
    ],
    ids=["no-reason", "reason-alone"],
)  # fmt: skip
def test_after_validity_and_its_reason_go_together(
    cli: Invoke, decided: Path, flags: tuple[str, ...], message: str
) -> None:
    done = cli("--db", decided, "reallocate", *TODAY, *flags)
    assert done.exit_code == 1
    assert done.stderr.strip() == message


@pytest.mark.sqlite_only
def test_the_reserve_of_an_older_workspace_is_its_adopted_run_s(cli: Invoke, decided: Path) -> None:
    """The migration freezes the reserve of the adoptions made before it."""
    conn = sqlite3.connect(decided)
    conn.executescript(undo_after(RESERVE_MIGRATION))
    conn.executescript(
        "DROP TABLE allocation_reserve; DROP TABLE withdrawal;"
        " DROP TRIGGER payment_not_after_withdrawal;"
        f" PRAGMA user_version = {version_after(RESERVE_MIGRATION) - 1};"
    )
    conn.close()
    with Workspace.open(decided, create=False) as ws:
        adoption = ws.adoptions("empowerment-2023")[-1]
        assert [(e.reference, e.rank) for e in ws.reserve(adoption.id)] == list(
            zip(RESERVE, [7, 8, 9, 10, 11, 12, 13, 14, 15], strict=True)
        )


def test_the_shipped_call_declares_its_reserve() -> None:
    text = (SHIPPED_CALLS / "empowerment-2023.yaml").read_text(encoding="utf-8")
    assert "valid_until: 2024-06-30" in text
