"""Sending the decisions: e-mail drafts of the letters (``notify``), the proof of each
notification (``notified``) and the appeal periods they open."""

from __future__ import annotations

import datetime as dt
import email
import hashlib
import json
from collections.abc import Callable
from email import policy
from pathlib import Path
from typing import Any

import pytest

from slrbcall.documents.notification import appeal_period, public_holidays, working_day
from slrbcall.model import Channel, Localized, NotificationRule
from slrbcall.store import Workspace

from .conftest import Invoke, empowerment_text, write_call

pytestmark = pytest.mark.both_backends

SOURCE = Localized(nl="bron", fr="source")


def rule(after: int, *, working_days: bool) -> NotificationRule:
    return NotificationRule(Channel.REGISTERED, after, working_days, SOURCE)


def test_the_belgian_public_holidays() -> None:
    assert sorted(public_holidays(2024)) == [
        dt.date(2024, 1, 1),
        dt.date(2024, 4, 1),  # Easter Monday
        dt.date(2024, 5, 1),
        dt.date(2024, 5, 9),  # Ascension Day
        dt.date(2024, 5, 20),  # Whit Monday
        dt.date(2024, 7, 21),
        dt.date(2024, 8, 15),
        dt.date(2024, 11, 1),
        dt.date(2024, 11, 11),
        dt.date(2024, 12, 25),
    ]
    assert dt.date(2025, 4, 21) in public_holidays(2025)  # Easter Monday 2025
    assert not working_day(dt.date(2024, 7, 20))  # a Saturday
    assert working_day(dt.date(2024, 7, 22))


@pytest.mark.parametrize(
    ("sent", "after", "working_days", "first", "last"),
    [
        # A registered letter posted on Monday 18 December 2023: the third working day.
        (dt.date(2023, 12, 18), 3, True, dt.date(2023, 12, 21), dt.date(2024, 2, 18)),
        # Posted on Thursday 21 December: Christmas and the weekend are not counted.
        (dt.date(2023, 12, 21), 3, True, dt.date(2023, 12, 27), dt.date(2024, 2, 24)),
        # Posted on Thursday 28 March 2024: Easter Monday is not counted.
        (dt.date(2024, 3, 28), 3, True, dt.date(2024, 4, 3), dt.date(2024, 6, 1)),
        # An e-mail: the day after, weekends included.
        (dt.date(2023, 12, 22), 1, False, dt.date(2023, 12, 23), dt.date(2024, 2, 20)),
    ],
    ids=["monday", "christmas", "easter", "email"],
)
def test_the_appeal_period_follows_the_call_s_rule(
    sent: dt.date, after: int, working_days: bool, first: dt.date, last: dt.date
) -> None:
    period = appeal_period(rule(after, working_days=working_days), sent_on=sent, days=60)
    assert (period.first_day, period.last_day) == (first, last)
    assert (period.last_day - period.first_day).days == 59


@pytest.fixture
def demo(demo_run: Any, demo_db: Path) -> tuple[Path, Path]:
    """A copy of the demo's workspace and the demo's calls folder (example registry);
    its letters were rendered by the demo, and their files are where it put them."""
    return demo_db, demo_run.out_dir / "calls"


def test_notify_writes_one_draft_per_addressee_with_the_letter(
    cli: Invoke, demo: tuple[Path, Path], tmp_path: Path
) -> None:
    db, calls = demo
    # The decision in force is run 2 (after EMP23-07's withdrawal): its letters first.
    outbox = tmp_path / "outbox"
    rendered = cli(
        "--db", db, "--calls-dir", calls, "render-letters", "--out", outbox,
        "--date", "2024-01-15",
    )  # fmt: skip
    assert rendered.exit_code == 0, rendered
    letter = outbox / "empowerment-2023_EMP23-03_letter-award_nl.docx"
    letter.with_suffix(".pdf").write_bytes(b"%PDF-1.4 the letter as PDF\n")  # attached instead
    out = tmp_path / "drafts"
    result = cli(
        "--db", db, "--calls-dir", calls, "notify", "--out", out, "--date", "2024-01-16",
        "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result
    done = json.loads(result.stdout)
    assert len(done["drafts"]) == 14  # a letter and a contact each; withdrawn EMP23-07 none
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"] == done["drafts"]
    for entry in manifest["files"]:
        data = (out / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        message = email.message_from_bytes(data, policy=policy.default)
        assert len(message.get_all("To")) == 1
        assert len(message["To"].addresses) == 1
        assert message["To"].addresses[0].addr_spec == entry["to"]
        assert message["From"].addresses[0].addr_spec == "action-sociale@example.org"
        assert message["X-Unsent"] == "1"
        assert message["Content-Language"] == entry["lang"]
        attachments = list(message.iter_attachments())
        assert len(attachments) == 1
        payload = attachments[0].get_content()
        assert attachments[0].get_filename() == entry["attachment"]
        assert hashlib.sha256(payload).hexdigest() == entry["attachment_sha256"]
    by_reference = {entry["reference"]: entry for entry in manifest["files"]}
    dutch = email.message_from_bytes(
        (out / by_reference["EMP23-03"]["file"]).read_bytes(), policy=policy.default
    )
    assert dutch["Subject"] == (
        "Projectoproep Empowerment 2023 – beslissing over het project EMP23-03"
    )
    attached = next(dutch.iter_attachments())
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_content() == b"%PDF-1.4 the letter as PDF\n"
    body = dutch.get_body(("plain",))
    assert body is not None
    assert (
        "In bijlage vindt u de beslissing over het project „Digitale inclusie”"
        in body.get_content()
    )
    french = by_reference["EMP23-13"]
    assert french["attachment"] == "empowerment-2023_EMP23-13_letter-reserve_fr.docx"
    sent = outbox / french["attachment"]
    assert french["attachment_sha256"] == hashlib.sha256(sent.read_bytes()).hexdigest()


def test_notify_needs_a_rendered_letter(
    cli: Invoke, scored_db: Path, tmp_path: Path, copy_of: Callable[..., Any]
) -> None:
    db = copy_of(scored_db)
    args = ("--db", db, "--call", "empowerment-2023")
    assert cli(*args, "allocate").exit_code == 0
    assert cli(*args, "allocations", "adopt", "1").exit_code == 0
    refused = cli(*args, "notify", "--out", tmp_path / "d", "--only", "EMP23-09")
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (
        "Error: no e-mail draft to write: EMP23-09: no letter in fr from the adopted decision"
        " (run 1) yet: render it first ('slrbcall render-letters')"
    )
    assert not (tmp_path / "d").exists()


def test_notified_records_the_proof_and_the_timeline_shows_the_appeal_deadline(
    cli: Invoke, demo: tuple[Path, Path]
) -> None:
    db, calls = demo
    args = ("--db", db, "--calls-dir", calls)
    done = cli(
        *args, "notified", "EMP23-13", "--on", "2023-12-18", "--channel", "registered",
        "--reason", "receipt 123", "--today", "2023-12-20", "--json",
    )  # fmt: skip
    assert done.exit_code == 0, done
    assert json.loads(done.stdout) == {
        "call": "empowerment-2023",
        "reference": "EMP23-13",
        "channel": "registered",
        "sent_on": "2023-12-18",
        "first_day": "2023-12-21",
        "last_day": "2024-02-18",
        "days": 60,
        "source": "arrêté du Régent du 23 août 1948 déterminant la procédure devant la section"
        " du contentieux administratif du Conseil d'État, article 4",
    }
    with Workspace.open(db, create=False) as ws:
        rows = ws.audit_events("notification", "empowerment-2023")
    assert [(r.entity_key, r.command, r.reason) for r in rows] == [
        ("empowerment-2023/EMP23-13/registered", "notified", "receipt 123")
    ]
    line = json.loads(
        cli(*args, "timeline", "--today", "2024-02-01", "--lang", "fr", "--json").stdout
    )
    appeals = [item for item in line["items"] if item["kind"] == "appeal"]
    assert appeals == [
        {
            "date": "2024-02-18",
            "until": "2024-02-18",
            "month": None,
            "kind": "appeal",
            "key": "appeal-deadline",
            "label": "Fin du délai de recours (60 jours à partir du 21 décembre 2023\u00a0;"
            " notification par lettre recommandée du 18 décembre 2023)",
            "reference": "EMP23-13",
            "title": "Fresques murales",
            "status": "due-within",
            "done_on": None,
            "amount": None,
        }
    ]
    history = cli(*args, "history", "EMP23-13", "--json")
    assert "notified by registered letter sent on 2023-12-18" in history.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--channel", "fax"), 2, "'fax' is not one of email, registered, ebox"),
        (("--on", "31/02/2024"), 2, "Invalid value for '--on'"),
        (
            ("--on", "2024-01-10"),
            1,
            "Error: --on 2024-01-10 is after today (2024-01-05): record a notification once sent",
        ),
        (
            ("--reference", "EMP23-99"),
            1,
            "Error: no application 'EMP23-99' in the adopted allocation (run 2)",
        ),
    ],
    ids=["channel", "date", "future", "unknown"],
)
def test_notified_refusals(
    cli: Invoke, demo: tuple[Path, Path], args: tuple[str, ...], code: int, message: str
) -> None:
    db, calls = demo
    values = {"--reference": "EMP23-13", "--on": "2024-01-02", "--channel": "email"}
    values.update(zip(args[::2], args[1::2], strict=True))
    reference = values.pop("--reference")
    options = [item for pair in values.items() for item in pair]
    result = cli(
        "--db", db, "--calls-dir", calls, "notified", reference, *options, "--today", "2024-01-05"
    )
    assert result.exit_code == code, result
    assert message in result.stderr


def test_a_channel_without_a_rule_in_the_call_is_refused(
    cli: Invoke, demo: tuple[Path, Path], tmp_path: Path
) -> None:
    db, calls = demo
    text = empowerment_text()
    start = text.index("  ebox:")
    end = text.index("ombudsman:")
    folder = tmp_path / "calls"
    write_call(folder, text[:start] + "\n" + text[end:])
    (folder / "organisations.yaml").write_bytes((calls / "organisations.yaml").read_bytes())
    result = cli(
        "--db", db, "--calls-dir", folder, "notified", "EMP23-13", "--on", "2024-01-02",
        "--channel", "ebox",
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: empowerment-2023 sets no rule for when a notification by e-Box counts: add"
        " 'notification.ebox' to its file, with its legal source"
    )
