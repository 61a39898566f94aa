"""A team's commands in the officer's language: roles and their refusals, four eyes on a
decision and on a payment, the chained audit (sound, then edited by hand), ``audit
show``, ``doctor``, the copy of a workspace and the server's messages, in French and
Dutch with no English word left (:mod:`tests.i18n_check`), and a role shown by its
label while ``officers.yaml`` and the audit keep its key."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from slrbcall.calls.team import Role, role_label
from slrbcall.i18n import use_language
from slrbcall.store import Workspace

from .conftest import REPO, Invoke, Result, empowerment_text, write_call
from .i18n_check import ENGLISH_WORDS, english_in_output
from .test_audit import tamper

APPLICATIONS = REPO / "examples" / "applications.xlsx"
SCORES = REPO / "examples" / "scores.xlsx"
TODAY = ("--today", "2024-03-01")
LANGUAGES = ("fr", "nl")

OFFICERS = """\
officers:
  - {key: amina, name: Amina El Idrissi, roles: [officer]}
  - {key: marc, name: Marc Dupont, roles: [finance]}
  - {key: sofie, name: Sofie Peeters, roles: [approver, committee_secretary]}
  - {key: jan, name: Jan Claes, roles: [officer, finance, approver]}
  - {key: ines, name: Inès Martin, roles: [auditor]}
"""

#: The English of the team's messages, beside the words of tests/i18n_check.py: words
#: that are neither French nor Dutch ("audit", "team", "login", "server", "schema",
#: "trigger", "table" and "original" are words of either, and are not listed).
_TEAM = """
    administrator adopts another approval approve approved approver approves awaits
    chain chains connect connection delete disabled event eyes function hold holds
    inquiry insert officers primary propose proposed proposer role roles threshold
    trail update verify
"""
WORDS = ENGLISH_WORDS | frozenset(_TEAM.split())
#: What is not the tool's wording: a path, a URL, an e-mail address, a file's name.
#: The names of the commands, which the audit shows as they are typed.
COMMANDS = (
    "allocations adopt",
    "payments approve",
    "payments record",
    "payments take",
    "followup record",
    "allocate",
    "intake",
    "score",
)


def english(text: str, *, data: Iterable[str] = ()) -> list[str]:
    return english_in_output(text, WORDS, data=data)


@pytest.fixture
def calls(tmp_path: Path) -> Path:
    """The Empowerment call with a payment threshold of € 15,000, and a team of five."""
    folder = tmp_path / "calls"
    text = empowerment_text()
    text = text.replace("\nsignatories:", "\npayment_approval_above: 15000\n\nsignatories:", 1)
    write_call(folder, text)
    (folder / "officers.yaml").write_text(OFFICERS, encoding="utf-8")
    return folder


def team(cli: Invoke, db: Path | str, calls: Path, language: str) -> Callable[..., Result]:
    """``slrbcall --lang LANGUAGE --as KEY ...`` on the team's workspace."""

    def run(actor: str, *args: str | Path) -> Result:
        return cli("--lang", language, "--db", db, "--calls-dir", calls, "--as", actor, *args)

    return run


def said(result: Result, code: int = 0) -> str:
    """What a command printed, once its exit code is checked."""
    assert result.exit_code == code, result
    return result.stdout + result.stderr


@pytest.mark.needs_catalogs
@pytest.mark.both_backends
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_team_s_day_is_told_in_the_officer_s_language(
    cli: Invoke,
    db: Path | str,
    calls: Path,
    language: str,
    make_xlsx: Callable[..., Path],
) -> None:
    run = team(cli, db, calls, language)
    said(run("amina", "intake", APPLICATIONS))
    said(run("sofie", "score", SCORES))
    said(run("amina", "allocate"))  # run 1, by amina
    told: list[str] = []

    # Roles: an officer the team does not know, and one without the command's role.
    told.append(said(run("amna", "intake", APPLICATIONS), 1))
    refused = said(run("marc", "allocate"), 1)
    use_language(language)
    assert role_label(Role.OFFICER) in refused
    assert "'officer'" not in refused
    assert role_label(Role.FINANCE) in refused
    told.append(refused)

    # Four eyes on a decision: who proposed a run does not adopt it.
    said(run("jan", "allocate", "--budget", "200000"))  # run 2, by jan
    told.append(said(run("jan", "allocations", "adopt", "2"), 1))
    told.append(said(run("sofie", "allocations", "adopt", "1")))
    for reference in ("EMP23-09", "EMP23-07", "EMP23-03"):
        said(
            run(
                "amina", "followup", "record", reference, "--milestone", "signature",
                "--date", "2024-01-10", *TODAY,
            )
        )  # fmt: skip

    # Four eyes on a payment above the threshold: proposed, then approved by another.
    pay = ("payments", "record", "EMP23-09", "--tranche", "1", *TODAY)
    told.append(said(run("marc", *pay, "--date", "2024-01-15")))
    told.append(said(run("marc", *pay, "--date", "2024-01-16"), 1))
    told.append(said(run("ines", "payments", *TODAY)))
    approve = ("payments", "approve", "EMP23-09", *TODAY)
    told.append(said(run("marc", *approve, "--tranche", "1"), 1))
    told.append(said(run("sofie", *approve, "--tranche", "2"), 1))
    told.append(said(run("sofie", *approve, "--tranche", "1")))
    told.append(said(run("sofie", *approve, "--tranche", "1"), 1))
    own = ("payments", "record", "EMP23-03", "--tranche", "1", "--date", "2024-01-15", *TODAY)
    told.append(said(run("jan", *own)))
    told.append(said(run("jan", "payments", "approve", "EMP23-03", "--tranche", "1", *TODAY), 1))

    # A payments workbook whose payment is above the threshold: proposed; another date for
    # it, while it awaits approval, is a problem of the file.
    header = ["Reference", "Tranche", "Payment date"]
    took = make_xlsx([header, ["EMP23-07", 1, "15/01/2024"]], name="paiements.xlsx")
    told.append(said(run("marc", "payments", "take", took, *TODAY)))
    other = make_xlsx([header, ["EMP23-07", 1, "16/01/2024"]], name="autres.xlsx")
    told.append(said(run("marc", "payments", "take", other, *TODAY), 3))

    # The audit trail, sound.
    told.append(said(run("ines", "audit", "verify")))
    shown = said(run("ines", "audit", "show", "--last", "0"))
    assert "payment_proposal" not in shown
    told.append(shown)
    told.append(said(run("ines", "audit", "show", "--ref", "EMP23-09", "--actor", "marc")))
    told.append(said(run("ines", "history", "EMP23-09")))
    doctor = run("ines", "doctor")
    assert doctor.exit_code in (0, 5), doctor  # doctor's exit is the machine's
    told.append(doctor.stdout)

    # The audit trail, edited by hand: a row removed, a row changed, the last row changed.
    with Workspace.open(db, create=False) as ws:
        ids = [row.id for row in ws.audit_rows()]
    tamper(db, f"DELETE FROM audit WHERE id = {ids[-4]}")
    told.append(said(run("ines", "audit", "verify"), 1))
    tamper(db, f"UPDATE audit SET actor = 'someone' WHERE id = {ids[3]}")
    told.append(said(run("ines", "audit", "verify"), 1))
    told.append(run("ines", "doctor").stdout)
    tamper(db, f"UPDATE audit SET reason = 'x' WHERE id = {ids[-1]}")
    withdraw = ("withdraw", "EMP23-01", "--date", "2024-02-01", "--reason", "r")
    told.append(said(run("amina", *withdraw), 1))

    # A team's workspace stays a team's when its officers.yaml goes missing.
    (calls / "officers.yaml").unlink()
    told.append(said(run("amina", *withdraw), 1))

    text = "\n".join(told)
    assert english(text, data=COMMANDS) == [], text
    assert ("piste d'audit" if language == "fr" else "audittrail") in text


@pytest.mark.needs_catalogs
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_officers_file_and_a_login_in_the_officer_s_language(
    cli: Invoke,
    db: Path,
    calls: Path,
    language: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SLRBCALL_ACTOR", raising=False)
    run = ("--lang", language, "--db", db, "--calls-dir", calls, "intake", APPLICATIONS)
    unknown = said(cli(*run), 1)  # no --as, and the login is nobody's
    (calls / "officers.yaml").write_text(
        OFFICERS.replace("key: marc", "key: amina")
        + "  - {key: tom, name: Tom, roles: [officer], logins: [tom]}\n"
        + "  - {key: eva, name: Eva, roles: [officer], logins: [TOM]}\n",
        encoding="utf-8",
    )
    problems = said(cli(*run), 3)
    assert english(unknown + problems) == [], unknown + problems


@pytest.mark.needs_catalogs
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_copy_of_the_workspace_in_the_officer_s_language(
    cli: Invoke, tmp_path: Path, calls: Path, language: str
) -> None:
    db = tmp_path / "grants.db"
    run = team(cli, db, calls, language)
    said(run("amina", "intake", APPLICATIONS))
    copy = tmp_path / "copy.db"
    told = [said(run("ines", "workspace", "copy", "--to", copy))]
    copied = json.loads(said(run("ines", "--db", copy, "audit", "verify", "--json")))
    assert copied["holds"] is True
    told.append(said(run("ines", "workspace", "copy", "--to", copy), 1))  # not empty
    told.append(said(run("ines", "workspace", "copy", "--to", db), 1))  # itself
    tamper(db, "UPDATE audit SET actor = 'someone' WHERE id = 2")
    told.append(said(run("ines", "workspace", "copy", "--to", tmp_path / "again.db"), 1))
    text = "\n".join(told)
    assert english(text) == [], text
    assert "application" not in text  # the tables are named by their labels


@pytest.mark.needs_catalogs
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_server_that_does_not_answer_in_the_officer_s_language(
    cli: Invoke, language: str
) -> None:
    pytest.importorskip("psycopg")
    url = "postgresql://nobody@127.0.0.1:1/grants?connect_timeout=2"
    done = cli("--lang", language, "--db", url, "status")
    assert done.exit_code == 5, done
    # The driver's own words, in parentheses, are the server's, not the tool's.
    assert english(re.sub(r"\(connection[^\n]*\)(?=\s?:)", " ", done.stderr)) == [], done
