"""The follow-up commands, run through a Typer app that registers them the way
``slrbcall/cli/app.py`` will: exit codes, exact messages, JSON."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from slrbcall.settings import Settings

from .conftest import REPO, SHIPPED_CALLS, Result

TODAY = ("--today", "2025-03-10")


def flat(output: str) -> str:
    """Printed text with Rich's line wrapping undone (long temporary paths wrap)."""
    return " ".join(output.split())


def followup_app() -> typer.Typer:
    """The real command line (the follow-up commands are registered in COMMANDS)."""
    from slrbcall.cli.app import app

    return app


@pytest.fixture(scope="module")
def funded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from slrbcall.demo import run_demo

    out = tmp_path_factory.mktemp("funded") / "demo"
    return run_demo(Settings(calls_dir=REPO / "calls"), out=out, followup=False).db_path


@pytest.fixture
def run(funded_db: Path, tmp_path: Path) -> Callable[..., Result]:
    copy = tmp_path / "ws.db"
    shutil.copy(funded_db, copy)
    app = followup_app()

    def invoke(*args: str | Path) -> Result:
        argv = ["--db", str(copy), "--call", "empowerment-2023", *(str(a) for a in args)]
        result = CliRunner().invoke(app, argv, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke


def test_a_payment_through_the_command_line(run: Callable[..., Result]) -> None:
    refused = run(
        "payments", "record", "EMP23-03", "--tranche", "1", "--date", "15/01/2024", *TODAY
    )
    assert refused.exit_code == 1
    assert refused.stderr.startswith(
        "Error: cannot pay tranche 1 of EMP23-03 on 2024-01-15: the milestone 'signature' is "
        "not recorded"
    )
    signed = run(
        "followup", "record", "EMP23-03", "--milestone", "signature", "--date", "2023-12-15", *TODAY
    )
    assert signed.exit_code == 0, signed
    assert signed.stdout == (
        "EMP23-03: recorded 'signature' on 2023-12-15.\nTranche 1 (€ 22,500.00) can now be paid.\n"
    )
    paid = run("payments", "record", "EMP23-03", "--tranche", "1", "--date", "2024-01-15", *TODAY)
    assert paid.exit_code == 0, paid
    assert paid.stdout == (
        "Recorded the payment of tranche 1 of EMP23-03: € 22,500.00 on 2024-01-15. "
        "Paid so far: € 22,500.00 of € 45,000.00.\n"
    )
    twice = run("payments", "record", "EMP23-03", "--tranche", "1", "--date", "2024-01-16", *TODAY)
    assert twice.exit_code == 1
    assert twice.stderr == (
        "Error: cannot pay tranche 1 of EMP23-03: tranche 1 is already paid (€ 22,500.00 on "
        "2024-01-15): a tranche is paid once (to correct it: 'slrbcall payments correct "
        "EMP23-03 --tranche 1 --amount A --reason TEXT')\n"
    )
    listing = json.loads(run("payments", "--json", *TODAY).stdout)
    assert listing["paid"] == "22500.00"
    assert listing["awarded"] == "247500.00"
    tranches = next(p for p in listing["projects"] if p["reference"] == "EMP23-03")["tranches"]
    assert [(t["number"], t["status"], t["amount"]) for t in tranches] == [
        (1, "paid", "22500.00"),
        (2, "blocked", "13500.00"),
        (3, "blocked", "9000.00"),
    ]


def test_a_forced_payment(run: Callable[..., Result]) -> None:
    args = ("payments", "record", "EMP23-05", "--tranche", "1", "--date", "2024-01-15")
    no_reason = run(*args, "--force", *TODAY)
    assert (no_reason.exit_code, no_reason.stderr) == (
        1,
        "Error: --force needs --reason TEXT: the reason goes to the audit\n",
    )
    forced = run(*args, "--force", "--reason", "signed copy in the post", *TODAY)
    assert forced.exit_code == 0, forced
    assert (
        "Forced past: the milestone 'signature' is not recorded. The reason is in the audit."
        in (forced.stdout)
    )


def test_the_timeline(run: Callable[..., Result], tmp_path: Path) -> None:
    ics = tmp_path / "suivi.ics"
    result = run("timeline", "--within", "30", "--ics", ics, *TODAY)
    assert result.exit_code == 0, result
    # Each of the 6 projects owes the justification of its expenses by 2025-03-31 too.
    assert "On 2025-03-10: 30 overdue, 18 due within 30 days, 7 done, 0 later." in result.stdout
    assert f"Wrote {ics} (55 events): import it into your agenda." in flat(result.stdout)
    assert ics.read_bytes().count(b"BEGIN:VEVENT") == 55
    data = json.loads(run("timeline", "--json", "--lang", "nl", *TODAY).stdout)
    assert data["counts"] == {"overdue": 30, "due-within": 18, "done": 7, "later": 0}
    first = next(i for i in data["items"] if i["key"] == "tranche:1")
    assert first == {
        "date": "2024-01-01",
        "until": "2024-01-01",
        "month": None,
        "kind": "payment",
        "key": "tranche:1",
        "label": "Eerste schijf na ondertekening",
        "reference": "EMP23-01",
        "title": "Ateliers d'écriture",
        "status": "overdue",
        "done_on": None,
        "amount": "17500.00",
    }


def test_a_bad_date_is_wrong_usage(run: Callable[..., Result]) -> None:
    result = run("timeline", "--today", "10/13/2025")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '--today': no such date: '10/13/2025' "
        "(write 01/03/2024 or 2024-03-01)\n"
    )


def test_monitor_the_example_then_the_outcomes(run: Callable[..., Result]) -> None:
    taken = run("monitor", REPO / "examples" / "monitoring.xlsx")
    assert taken.exit_code == 0, taken
    assert taken.stdout == (
        "Took in 12 reports from monitoring.xlsx (sheet 'Suivi') for empowerment-2023: "
        "12 new, 0 changed, 0 unchanged.\n"
    )
    again = run("monitor", REPO / "examples" / "monitoring.xlsx", "--json")
    assert json.loads(again.stdout)["unchanged"] == 12
    figures = json.loads(run("followup", "outcomes", "--json").stdout)
    assert figures["totals"]["residents_involved"] == 202
    assert figures["totals"]["residents_trained"] == 98
    assert figures["totals"]["average_activities"] == "45.0"
    digital = next(p for p in figures["projects"] if p["reference"] == "EMP23-03")
    assert digital["participants"] == 64
    shown = run("followup", "outcomes")
    assert shown.exit_code == 0
    assert "all projects" in shown.stdout
    history = json.loads(run("followup", "reports", "EMP23-03", "--json").stdout)
    assert [r["report_date"] for r in history["EMP23-03"]] == ["2024-06-28", "2025-01-31"]


def test_a_bad_monitoring_file_exits_3(
    run: Callable[..., Result], make_xlsx: Callable[..., Path]
) -> None:
    path = make_xlsx(
        [
            ["Référence", "Date du rapport", "Habitants impliqués", "Habitants formés"],
            ["EMP23-07", "30/06/2024", 10, 5],  # withdrawn in January 2024
            ["EMP23-03", "30/06/2024", 10, -2],
        ],
        name="suivi.xlsx",
        sheet="Suivi",
    )
    result = run("monitor", path)
    assert result.exit_code == 3
    assert result.stderr == (
        "suivi.xlsx: sheet 'Suivi', row 3, column D ('Habitants formés'): cannot be "
        "negative: -2\n"
        "suivi.xlsx: sheet 'Suivi', row 2: 'EMP23-07' is not a funded project of "
        "empowerment-2023 (the funded projects are EMP23-01, EMP23-03, EMP23-05, EMP23-09, "
        "EMP23-12, EMP23-14)\n"
        "2 problems; nothing was stored.\n"
    )


def test_the_templates(run: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "suivi.xlsx"
    result = run("template", "monitoring", "-o", path)
    assert result.exit_code == 0, result
    assert flat(result.stdout) == (
        f"Wrote {path} for empowerment-2023 (6 funded projects): fill in the reports, then "
        f"'slrbcall monitor {path}'."
    )
    payments = tmp_path / "paiements.xlsx"
    result = run("template", "payments", "-o", payments)
    assert result.exit_code == 0, result
    assert "(18 tranches to pay)" in result.stdout


def test_calls_renew(tmp_path: Path) -> None:
    folder = tmp_path / "calls"
    shutil.copytree(SHIPPED_CALLS, folder)
    app = followup_app()
    args = ["--calls-dir", str(folder), "calls", "renew", "empowerment-2023"]
    args += ["--id", "empowerment-2025", "--duration", "36"]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert flat(result.stdout).startswith(
        f"Wrote {folder / 'empowerment-2025.yaml'} from empowerment-2023: dates moved by 2 "
        "years, projects of 36 months with yearly tranches and reports. "
    )
    again = CliRunner().invoke(app, args, catch_exceptions=False)
    assert again.exit_code == 1
    assert "refusing to overwrite it" in again.stderr
