"""Amendments to a convention (avenant / aanhangsel): the rule (paid tranches stay as
paid, the rest spread over the unpaid ones), the command, the award ceiling the
workspace holds payments to, and the document in both languages."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from slrbcall.calls.definition import load_call
from slrbcall.documents.check import _texts
from slrbcall.errors import GuardRefusedError
from slrbcall.followup import Payment, Project, amended, plan_amendment, schedule
from slrbcall.followup.model import Amendment
from slrbcall.model import Call
from slrbcall.store import Workspace

from .conftest import INTEGRITY, SHIPPED_CALLS, Result, raw
from .test_corrections import TODAY

pytestmark = pytest.mark.both_backends

D = dt.date
P = Decimal


@pytest.fixture(scope="module")
def call() -> Call:
    return load_call(SHIPPED_CALLS / "empowerment-2023.yaml").call


def project(award: int = 45_000_00) -> Project:
    return Project(
        reference="EMP23-03",
        title="Digitale inclusie",
        applicant_name="Lojega",
        theme="digital-divide",
        language="nl",
        award_cents=award,
        start=D(2024, 1, 1),
        end=D(2024, 12, 31),
        duration_months=12,
        residents_targeted=65,
    )


def paid(*amounts: int) -> list[Payment]:
    return [
        Payment("EMP23-03", number, D(2024, 1, 15), cents)
        for number, cents in enumerate(amounts, start=1)
    ]


def plan(call: Call, payments: list[Payment], **options: object) -> tuple[tuple[int, ...], str]:
    found = plan_amendment(
        call,
        project(),
        payments=payments,
        budget_cents=255_000_00,
        others_cents=206_000_00,
        **options,  # type: ignore[arg-type]
    )
    return found.tranche_cents, "; ".join(found.errors)


# -- the rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payments", "options", "tranches"),
    [
        # Nothing paid: the call's 50/30/20 of the new award.
        ([], {"amount_cents": 49_000_00}, (24_500_00, 14_700_00, 9_800_00)),
        # Tranche 1 paid: 49,000 - 22,500 over 30/20, renormalised to 60/40.
        (paid(22_500_00), {"amount_cents": 49_000_00}, (22_500_00, 15_900_00, 10_600_00)),
        # A tranche paid short stays as paid; the rest goes to the unpaid ones.
        (paid(4_800_00), {"amount_cents": 45_000_00}, (4_800_00, 24_120_00, 16_080_00)),
        # Cents by largest remainder: 100.01 over 60/40 is 60.01 and 40.00.
        (paid(22_500_00), {"amount_cents": 22_600_01}, (22_500_00, 60_01, 40_00)),
        # Shares given for the two unpaid tranches.
        (paid(22_500_00), {"shares": (P(0), P(100))}, (22_500_00, 0, 22_500_00)),
        # Down to what was paid: the unpaid tranches are cancelled (0).
        (paid(22_500_00, 13_500_00), {"amount_cents": 36_000_00}, (22_500_00, 13_500_00, 0)),
        # Only the end date: the tranches stay as they are.
        (paid(22_500_00), {"end": D(2025, 3, 31)}, (22_500_00, 13_500_00, 9_000_00)),
    ],
    ids=["none-paid", "first-paid", "paid-short", "cents", "shares", "down-to-paid", "end-only"],
)
def test_paid_tranches_stay_and_the_rest_is_spread(
    call: Call, payments: list[Payment], options: dict[str, object], tranches: tuple[int, ...]
) -> None:
    found, errors = plan(call, payments, **options)
    assert (found, errors) == (tranches, "")
    amount = options.get("amount_cents", 45_000_00)
    assert sum(found) == amount


@pytest.mark.parametrize(
    ("payments", "options", "error"),
    [
        (
            paid(22_500_00, 13_500_00),
            {"amount_cents": 30_000_00},
            "€ 30,000.00 is below the € 36,000.00 already paid: an amendment never brings an "
            "award below what was paid",
        ),
        (
            [],
            {"amount_cents": 50_000_00},
            "€ 50,000.00 would bring the awards of empowerment-2023 to € 256,000.00, above the "
            "budget of the adopted decision (€ 255,000.00)",
        ),
        (
            paid(22_500_00),
            {"shares": (P(50), P(25), P(25))},
            "--tranches gives one share per unpaid tranche: 2 (tranches 2 and 3), not 3",
        ),
        (
            paid(22_500_00, 13_500_00, 9_000_00),
            {"amount_cents": 46_000_00},
            "every tranche of EMP23-03 is paid: no tranche is left to pay the € 1,000.00 the "
            "amendment adds",
        ),
        (
            [],
            {"end": D(2024, 1, 1)},
            "the end date 2024-01-01 is not after the project's start (2024-01-01)",
        ),
        (
            paid(22_500_00),
            {"amount_cents": 45_000_00, "end": D(2024, 12, 31)},
            "the amendment changes nothing: the award is € 45,000.00, the end date 2024-12-31, "
            "and the tranches stay as they are",
        ),
    ],
    ids=["below-paid", "above-budget", "shares-count", "all-paid", "end-before-start", "nothing"],
)
def test_an_amendment_is_refused(
    call: Call, payments: list[Payment], options: dict[str, object], error: str
) -> None:
    assert plan(call, payments, **options)[1] == error


def test_an_amended_project_has_its_amended_schedule(call: Call) -> None:
    amendment = Amendment(
        reference="EMP23-03",
        number=1,
        adoption_id=1,
        on=D(2024, 9, 2),
        amount_cents=49_000_00,
        previous_amount_cents=45_000_00,
        end=D(2025, 3, 31),
        previous_end=D(2024, 12, 31),
        tranche_cents=(22_500_00, 15_900_00, 10_600_00),
        shares=None,
        paid_cents=22_500_00,
        paid_tranches=(1,),
        reason="a second building",
    )
    after = amended(project(), amendment)
    assert (after.award_cents, after.decided, after.end, after.amendment) == (
        49_000_00,
        45_000_00,
        D(2025, 3, 31),
        1,
    )
    assert [t.amount_cents for t in schedule(call, after)] == [22_500_00, 15_900_00, 10_600_00]
    final = next(t for t in schedule(call, after) if t.condition == "final_report")
    assert final.expected == D(2025, 6, 30)  # three months after the amended end


# -- the command ---------------------------------------------------------------------------


def paid_tranche_1(signed: Callable[..., Result], reference: str = "EMP23-03") -> None:
    result = signed(
        "payments", "record", reference, "--tranche", "1", "--date", "2024-01-15", *TODAY
    )
    assert result.exit_code == 0, result


def test_amend_recomputes_the_unpaid_tranches(signed: Callable[..., Result]) -> None:
    paid_tranche_1(signed)
    done = signed(
        "amend", "EMP23-03", "--amount", "49000", "--end-date", "2025-03-31",
        "--reason", "a second building", "--date", "2024-09-02",
    )  # fmt: skip
    assert done.exit_code == 0, done
    assert done.stdout.splitlines()[0] == (
        "Recorded amendment 1 of EMP23-03 on 2024-09-02: award € 45,000.00 -> € 49,000.00, "
        "end 2024-12-31 -> 2025-03-31. Paid so far: € 22,500.00."
    )
    listing = json.loads(signed("payments", "--json", *TODAY).stdout)
    project = next(p for p in listing["projects"] if p["reference"] == "EMP23-03")
    assert (project["award"], project["decided"], project["amendment"]) == (
        "49000.00",
        "45000.00",
        1,
    )
    assert [(t["amount"], t["status"]) for t in project["tranches"]] == [
        ("22500.00", "paid"),
        ("15900.00", "blocked"),
        ("10600.00", "blocked"),
    ]
    assert listing["awarded"] == "255000.00"
    shown = signed("payments", *TODAY).stdout
    assert "EMP23-03: amendment 1 sets its award to € 49,000.00 (decided: € 45,000.00)." in shown
    second = signed("amend", "EMP23-03", "--tranches", "50,50", "--reason", "even split", "--json")
    assert second.exit_code == 0, second
    data = json.loads(second.stdout)
    assert (data["amendment"], data["award"], data["tranches"]) == (
        2,
        {"before": "49000.00", "after": "49000.00"},
        [
            {"number": 1, "amount": "22500.00", "paid": True},
            {"number": 2, "amount": "13250.00", "paid": False},
            {"number": 3, "amount": "13250.00", "paid": False},
        ],
    )
    timeline = json.loads(signed("timeline", "--json", *TODAY).stdout)
    final = next(
        i for i in timeline["items"] if (i["reference"], i["key"]) == ("EMP23-03", "tranche:3")
    )
    assert (final["date"], final["amount"]) == ("2025-06-30", "13250.00")


def test_the_amended_award_is_the_ceiling(signed: Callable[..., Result]) -> None:
    paid_tranche_1(signed)
    assert signed("amend", "EMP23-03", "--amount", "40000", "--reason", "less work").exit_code == 0
    over = signed(
        "payments", "record", "EMP23-03", "--tranche", "2", "--date", "2024-07-15",
        "--amount", "17500,01", "--force", "--reason", "x", *TODAY,
    )  # fmt: skip
    assert over.exit_code == 1
    assert over.stderr == (
        "Error: cannot pay tranche 2 of EMP23-03: paying € 17,500.01 would bring the "
        "project's payments to € 40,000.01, above its amended award of € 40,000.00\n"
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("--amount", "20000"),
            1,
            "Error: cannot amend EMP23-03: € 20,000.00 is below the € 22,500.00 already paid: "
            "an amendment never brings an award below what was paid\n",
        ),
        (
            ("--tranches", "50,40"),
            2,
            "Invalid value for '--tranches': the shares add up to 90%, not 100%: '50,40'",
        ),
        (
            ("--tranches", "50;50"),
            2,
            "Invalid value for '--tranches': write the shares in percent, separated by commas",
        ),
        ((), 2, "Error: say what the amendment changes: --amount, --end-date or --tranches"),
        (("--amount", "0"), 2, "Invalid value for '--amount'"),
        (
            ("--end-date", "31/02/2025"),
            2,
            "Invalid value for '--end-date'",
        ),
    ],
    ids=["below-paid", "shares-sum", "shares-form", "nothing", "zero", "bad-date"],
)
def test_amend_is_refused(
    signed: Callable[..., Result], args: tuple[str, ...], code: int, message: str
) -> None:
    paid_tranche_1(signed)
    result = signed("amend", "EMP23-03", *args, "--reason", "why")
    assert result.exit_code == code
    if code == 1:
        assert result.stderr == message
    else:
        assert message in result.stderr
    listing = json.loads(signed("payments", "--json", *TODAY).stdout)
    assert all(p["amendment"] is None for p in listing["projects"])


def test_amend_refuses_a_project_not_funded(signed: Callable[..., Result]) -> None:
    result = signed("amend", "EMP23-01", "--amount", "1000", "--reason", "why")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 'EMP23-01' is not a funded project of empowerment-2023")


def test_an_amendment_is_audited_with_its_reason(signed: Callable[..., Result], db: Path) -> None:
    paid_tranche_1(signed)
    signed("amend", "EMP23-03", "--amount", "44000", "--reason", "a workshop fewer")
    with Workspace.open(db, create=False) as ws:
        rows = [r for r in ws.audit_rows() if r.entity == "amendment"]
        ceilings = ws.award_ceilings("empowerment-2023")
    assert [(r.entity_key, r.reason) for r in rows] == [
        ("empowerment-2023/EMP23-03/1", "a workshop fewer")
    ]
    assert rows[0].before == {
        "amount_cents": 45_000_00,
        "end_date": "2024-12-31",
        "tranches": [22_500_00, 13_500_00, 9_000_00],
    }
    assert rows[0].after is not None
    assert rows[0].after["tranches"] == [22_500_00, 12_900_00, 8_600_00]
    assert ceilings["EMP23-03"] == 44_000_00
    assert ceilings["EMP23-05"] == 41_500_00


# -- the workspace holds the rules on its own -----------------------------------------------


def insert_amendment(conn: sqlite3.Connection, **changes: object) -> None:
    values: dict[str, object] = {
        "call_id": "empowerment-2023",
        "reference": "EMP23-03",
        "number": 1,
        "adoption_id": 1,
        "on_date": "2024-09-02",
        "amount_cents": 20_000_00,
        "previous_amount_cents": 45_000_00,
        "end_date": "2024-12-31",
        "previous_end_date": "2024-12-31",
        "tranches_json": "[2250000, 0, -250000]",
        "paid_cents": 22_500_00,
        "paid_tranches_json": "[1]",
        "reason": "r",
        "recorded_at": "now",
    }
    values.update(changes)
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    conn.execute(f"INSERT INTO amendment ({names}) VALUES ({marks})", tuple(values.values()))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"tranches_json": "[2250000, 1000000, 1000000]", "amount_cents": 45_000_00},
            "the tranches of an amendment add up to its amount",
        ),
        (
            {"tranches_json": "[2250000, 0, 0]", "amount_cents": 22_500_00, "paid_cents": 0},
            "an amendment never brings an award below what was paid",
        ),
        (
            {"tranches_json": "[1000000, 500000, 500000]", "paid_cents": 0},
            "an amendment never brings an award below what was paid",
        ),
        (
            {"number": 2, "tranches_json": "[2250000, 0, 0]", "amount_cents": 22_500_00},
            "an amendment follows the award in force",
        ),
        (
            {
                "previous_amount_cents": 1,
                "tranches_json": "[2250000, 0, 0]",
                "amount_cents": 22_500_00,
            },
            "an amendment follows the award in force",
        ),
        (
            {"adoption_id": 2, "tranches_json": "[2250000, 0, 0]", "amount_cents": 22_500_00},
            "an amendment follows the award in force",
        ),
    ],
    ids=["tranches", "paid-figure", "below-paid", "number", "previous", "adoption"],
)
def test_the_schema_refuses_a_bad_amendment(
    signed: Callable[..., Result], db: Path, changes: dict[str, object], message: str
) -> None:
    paid_tranche_1(signed)
    conn = raw(db)
    with pytest.raises(INTEGRITY, match=message):
        insert_amendment(conn, **changes)
    conn.close()


def test_the_schema_holds_payments_and_adoptions_to_the_amended_award(
    signed: Callable[..., Result], db: Path
) -> None:
    paid_tranche_1(signed)
    assert signed("amend", "EMP23-03", "--amount", "23000", "--reason", "stopped").exit_code == 0
    conn = raw(db)
    with pytest.raises(INTEGRITY, match="may never exceed its award"):
        conn.execute(
            "INSERT INTO payment (call_id, reference, tranche, paid_on, amount_cents, forced,"
            " source, recorded_at) VALUES"
            " ('empowerment-2023', 'EMP23-03', 2, '2024-07-15', 50001, 0, 'x', 'now')"
        )
    with pytest.raises(INTEGRITY, match="may never exceed its award"):
        conn.execute(
            "INSERT INTO payment_correction (call_id, reference, tranche, number, paid_on,"
            " amount_cents, difference_cents, reason, recorded_at) VALUES"
            " ('empowerment-2023', 'EMP23-03', 1, 1, '2024-01-15', 2300001, 50001, 'x', 'now')"
        )
    with pytest.raises(INTEGRITY, match="follows the entry it corrects"):
        conn.execute(
            "INSERT INTO payment_correction (call_id, reference, tranche, number, paid_on,"
            " amount_cents, difference_cents, reason, recorded_at) VALUES"
            " ('empowerment-2023', 'EMP23-03', 1, 1, '2024-01-15', 100, 0, 'x', 'now')"
        )
    for sql in ("UPDATE amendment SET amount_cents = 1", "DELETE FROM amendment"):
        with pytest.raises(INTEGRITY, match="amendments are kept"):
            conn.execute(sql)
    conn.close()
    # A signed that would award the paid project less than it was paid is never adopted.
    assert signed("allocate", "--budget", "30000").exit_code == 0
    with (
        Workspace.open(db, create=False) as ws,
        pytest.raises(GuardRefusedError, match="never awards a project less than was paid"),
        ws.write(command="test") as tx,
    ):
        tx.adopt("empowerment-2023", 2, reason="test", superseded_run_id=1)


def test_a_new_adoption_starts_from_its_own_awards(signed: Callable[..., Result], db: Path) -> None:
    """An amendment counts against the adoption it was recorded under."""
    assert signed("amend", "EMP23-05", "--amount", "40000", "--reason", "less").exit_code == 0
    with Workspace.open(db, create=False) as ws:
        assert ws.award_ceilings("empowerment-2023")["EMP23-05"] == 40_000_00
        with ws.write(command="test") as tx:
            tx.adopt("empowerment-2023", 1, reason="adopted again", superseded_run_id=None)
        assert ws.award_ceilings("empowerment-2023")["EMP23-05"] == 41_500_00
    listing = json.loads(signed("payments", "--json", *TODAY).stdout)
    assert all(p["amendment"] is None for p in listing["projects"])


# -- the document ----------------------------------------------------------------------------


def text_of(path: Path) -> str:
    return "\n".join(text for _, text in _texts(path))


def test_the_amendment_document_in_both_languages(
    signed: Callable[..., Result], tmp_path: Path
) -> None:
    paid_tranche_1(signed)
    assert signed(
        "amend", "EMP23-03", "--amount", "49000", "--end-date", "2025-03-31",
        "--reason", "Une seconde implantation <B> & son jardin", "--date", "2024-09-02",
    ).exit_code == 0  # fmt: skip
    out = tmp_path / "avenants"
    done = signed("render-amendments", "--out", out, "--lang", "both", "--json")
    assert done.exit_code == 0, done
    files = json.loads(done.stdout)["files"]
    assert files == [
        "empowerment-2023_EMP23-03_amendment-1_nl.docx",
        "empowerment-2023_EMP23-03_amendment-1_fr.docx",
    ]
    fr = text_of(out / files[1])
    for expected in [
        "Avenant n° 1 à la convention de subvention",
        "Vu la convention de subvention relative au projet «\u00a0Digitale inclusie\u00a0»"
        " (réf. EMP23-03), signée le 15 décembre 2023 en exécution de la décision d'octroi du"
        " 5 décembre 2023\u00a0;",  # the call's decision, not the day it was adopted here
        "Considérant ce qui suit\u00a0: Une seconde implantation <B> & son jardin",
        "Le montant de la subvention, fixé à 45\u202f000,00\u00a0€ (quarante-cinq mille "
        "euros), est porté à 49\u202f000,00\u00a0€ (quarante-neuf mille euros).",
        "La date de fin du projet, fixée au 31 décembre 2024, est remplacée par le 31 mars 2025.",
        "Les tranches déjà versées (22\u202f500,00\u00a0€ au total) restent acquises.",
        "Les autres clauses de la convention restent inchangées.",
        "Fait à Bruxelles, le 2 septembre 2024",
    ]:
        assert expected in fr, expected
    nl = text_of(out / files[0])
    for expected in [
        "Aanhangsel nr. 1 bij de subsidieovereenkomst",
        "Het bedrag van de subsidie, vastgesteld op €\u00a045.000,00 (vijfenveertigduizend "
        "euro), wordt gewijzigd in €\u00a049.000,00 (negenenveertigduizend euro).",
        "De einddatum van het project, vastgesteld op 31 december 2024, wordt vervangen door "
        "31 maart 2025.",
        "De overige bepalingen van de overeenkomst blijven ongewijzigd.",
    ]:
        assert expected in nl, expected
    rows = [t for place, t in _texts(out / files[0]) if place == "table"]
    assert rows[5:20] == [
        "1", "bij de ondertekening van de overeenkomst", "€\u00a022.500,00", "€\u00a022.500,00",
        "betaald",
        "2", "na het tussentijds gesprek", "€\u00a013.500,00", "€\u00a015.900,00", "te betalen",
        "3", "na goedkeuring van het eindverslag", "€\u00a09.000,00", "€\u00a010.600,00",
        "te betalen",
    ]  # fmt: skip
    for text in (fr, nl):
        assert "{{" not in text
        assert "{%" not in text


def test_render_amendments_without_one_is_refused(
    signed: Callable[..., Result], tmp_path: Path
) -> None:
    result = signed("render-amendments", "--out", tmp_path / "a")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: no amendment of empowerment-2023 yet: record one with 'slrbcall amend REF'\n",
    )
    only = signed("render-amendments", "--out", tmp_path / "a", "--only", "EMP23-03")
    assert only.stderr == (
        "Error: EMP23-03 has no amendment in the adopted decision of empowerment-2023\n"
    )


def test_each_blank_of_an_amendment_is_named_and_strict_refuses(
    signed: Callable[..., Result], tmp_path: Path
) -> None:
    """As for the conventions: the shipped registry holds no enterprise number for the
    authority, so the amendment would print a blank; each blank is a line, and --strict
    writes nothing."""
    paid_tranche_1(signed)
    assert signed(
        "amend", "EMP23-03", "--amount", "49000", "--reason", "Une seconde implantation",
        "--date", "2024-09-02",
    ).exit_code == 0  # fmt: skip
    out = tmp_path / "avenants"
    refused = signed("render-amendments", "--out", out, "--strict")
    assert refused.exit_code == 3, refused
    name = "empowerment-2023_EMP23-03_amendment-1_nl.docx"
    lines = refused.stderr.splitlines()
    assert lines[0].startswith(f"{name}: no enterprise number (BCE/KBO) for "), lines
    assert lines[-1] == f"{len(lines) - 1} problems; nothing was stored."
    assert not out.exists()
    rendered = signed("render-amendments", "--out", out, "--json")
    assert rendered.exit_code == 0, rendered
    assert json.loads(rendered.stdout)["warnings"] == lines[:-1]
    assert rendered.stderr.count("Warning: ") == len(lines) - 1
