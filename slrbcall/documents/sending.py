"""Use cases of sending the decisions: e-mail drafts of the letters (``slrbcall notify``)
and the proof of each notification (``slrbcall notified``), from which the appeal
periods run.

Nothing is sent from the tool: ``notify`` writes one draft per addressee, the officer
sends it from their own mailbox (or posts the letter, or puts it in the e-Box), then
records when with ``notified``. Both are recorded in the workspace's audit (append-only,
with who and why), which the application's history and the timeline read back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from slrbcall.allocation.decisions import adopted_run, decisions
from slrbcall.calls.definition import LoadedCall, load_registry
from slrbcall.calls.team import acting
from slrbcall.committee.service import stored_state
from slrbcall.documents.batch import MANIFEST_NAME, publish, safe_filename
from slrbcall.documents.context import document_context
from slrbcall.documents.notification import (
    Notice,
    appeal_period,
    channel_name,
    draft_message,
)
from slrbcall.documents.service import not_in_decision
from slrbcall.errors import EnvironmentProblemError, RefusedError
from slrbcall.i18n import _, format_day
from slrbcall.model import Channel
from slrbcall.scratch import scratch_folder
from slrbcall.settings import Settings
from slrbcall.store import Workspace

__all__ = ["Draft", "Drafted", "Notice", "Notified", "notified", "notify"]

_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True, slots=True)
class Draft:
    """One e-mail draft: its file and SHA-256, its addressee, and the letter attached."""

    reference: str
    lang: str
    file: str
    sha256: str
    to: str
    attachment: str
    attachment_sha256: str


@dataclass(frozen=True, slots=True)
class Drafted:
    loaded: LoadedCall
    run_id: int
    out_dir: Path
    drafts: tuple[Draft, ...]
    manifest: Path
    warnings: tuple[str, ...]


def _letters(
    settings: Settings, call_id: str, run_id: int
) -> dict[tuple[str, str], dict[str, Any]]:
    """The last letter issued to each (application, language) from run ``run_id``."""
    with Workspace.open(settings.db_location, create=False) as ws:
        rows = ws.audit_events("document", call_id)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        after = row.after or {}
        if str(after.get("kind", "")).startswith("letter-") and after.get("run") == run_id:
            reference = (row.entity_key or "").split("/")[1]
            found[reference, str(after.get("lang"))] = after
    return found


def notify(
    settings: Settings,
    *,
    out: Path,
    only: str | None = None,
    date: dt.date | None = None,
) -> Drafted:
    """Write one e-mail draft per addressee of the adopted decision's letters into ``out``.

    Each draft goes to the application's contact person, in the application's language,
    with its letter attached (the PDF beside the rendered letter when there is one, else
    the DOCX), from the call's contact person. An application without a contact e-mail
    or a rendered letter gets no draft and a warning. All or nothing: the drafts and a
    ``manifest.json`` (each draft's SHA-256 and its attachment's) appear together.
    """
    who = acting(settings, "notify")  # before the work: a refused officer drafts nothing
    loaded, run = adopted_run(settings)
    call = loaded.call
    with Workspace.open(settings.db_location, create=False) as ws:
        ws.check_writable()  # no draft is written that cannot be recorded
    if call.contact is None:
        raise RefusedError(
            _(
                "{call} names no contact person ('contact' in its file): a draft needs a sender"
            ).format(call=call.id)
        )
    _loaded, applications, _marks = stored_state(settings)
    by_reference = {app.reference: app for app in applications}
    by_line = {line["reference"]: line for line in run.result["lines"]}
    lines = list(by_line)
    if only is not None and only not in lines:
        raise RefusedError(not_in_decision(only, run.id))
    withdrawn = set(decisions(settings).standing.withdrawals)
    registry = load_registry(settings.calls_path)
    letters = _letters(settings, call.id, run.id)
    day = date or dt.date.today()
    warnings: list[str] = []
    prepared: list[tuple[Draft, bytes]] = []
    for reference in lines:
        if (only is not None and reference != only) or reference in withdrawn:
            continue
        application = by_reference[reference]
        lang = application.language.value
        letter = letters.get((reference, lang))
        if letter is None:
            warnings.append(
                _(
                    "{ref}: no letter in {lang} from the adopted decision (run {run}) yet: render "
                    "it first ('slrbcall render-letters')"
                ).format(ref=reference, lang=lang, run=run.id)
            )
            continue
        if not application.contact_email:
            warnings.append(
                _("{ref}: no contact e-mail in the application: no draft").format(ref=reference)
            )
            continue
        rendered = Path(letter["folder"]) / str(letter["file"])
        attached = rendered.with_suffix(".pdf")
        if not attached.is_file():
            attached = rendered
        try:
            data = attached.read_bytes()
        except OSError as error:
            warnings.append(
                _("{ref}: cannot read its letter {file}: {error}").format(
                    ref=reference, file=attached, error=error.strerror
                )
            )
            continue
        context = document_context(
            str(letter["kind"]),
            call=call,
            registry=registry,
            application=application,
            line=by_line[reference],
            budget_cents=run.budget_cents,
            lang=lang,
            date=day,
        )
        message = draft_message(
            context,
            attachment=data,
            attachment_name=attached.name,
            content_type=_TYPES[attached.suffix.lower()],
            date=day,
        )
        blob = message.as_bytes()
        name = safe_filename(call.id, reference, "notification", lang, suffix=".eml")
        draft = Draft(
            reference=reference,
            lang=lang,
            file=name,
            sha256=hashlib.sha256(blob).hexdigest(),
            to=str(application.contact_email),
            attachment=attached.name,
            attachment_sha256=hashlib.sha256(data).hexdigest(),
        )
        prepared.append((draft, blob))
    if not prepared:
        raise RefusedError(
            _("no e-mail draft to write: {why}").format(
                why="; ".join(warnings) or _("no letter of the decision")
            )
        )
    manifest = _write(out, prepared)
    with (
        Workspace.open(settings.db_location, create=False) as ws,
        ws.write(command="notify", call=call.id, actor=who) as tx,
    ):
        tx.audit_many(
            [
                (
                    "event",
                    "notification_draft",
                    f"{call.id}/{draft.reference}/{draft.lang}",
                    None,
                    {**asdict(draft), "folder": str(out.resolve()), "run": run.id},
                )
                for draft, _blob in prepared
            ]
        )
    return Drafted(
        loaded, run.id, out, tuple(d for d, _blob in prepared), manifest, tuple(warnings)
    )


def _write(out: Path, prepared: Sequence[tuple[Draft, bytes]]) -> Path:
    """The drafts and their manifest into ``out``, all or nothing."""
    if out.exists() and not out.is_dir():
        raise RefusedError(_("the output folder {folder} is a file").format(folder=out))
    try:
        out.mkdir(parents=True, exist_ok=True)
        with scratch_folder(out, "drafting") as staging:
            for draft, blob in prepared:
                (staging / draft.file).write_bytes(blob)
            text = json.dumps({"files": [asdict(d) for d, _blob in prepared]}, indent=2) + "\n"
            (staging / MANIFEST_NAME).write_text(text, encoding="utf-8")
            publish(staging, out, [d.file for d, _blob in prepared] + [MANIFEST_NAME])
    except OSError as error:
        raise EnvironmentProblemError(
            _("cannot write in {folder}: {error}").format(folder=out, error=error)
        ) from error
    return out / MANIFEST_NAME


# -- the proof of notification ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Notified:
    loaded: LoadedCall
    notice: Notice


def notified(
    settings: Settings,
    reference: str,
    *,
    on: dt.date,
    channel: Channel,
    reason: str | None = None,
    today: dt.date,
) -> Notified:
    """Record that ``reference``'s decision was sent on ``on`` by ``channel``.

    The appeal period follows the call's rule for the channel (refused when the call
    sets none) and its appeal's number of days. Recorded in the audit (append-only,
    with the actor and ``reason``); a later record for the same application is the
    one the timeline shows, the earlier ones stay in the history.
    """
    loaded, run = adopted_run(settings)
    call = loaded.call
    if reference not in {line["reference"] for line in run.result["lines"]}:
        raise RefusedError(not_in_decision(reference, run.id))
    if on > today:
        raise RefusedError(
            _("--on {day} is after today ({today}): record a notification once sent").format(
                day=format_day(on), today=format_day(today)
            )
        )
    rule = call.notification_rule(channel)
    if rule is None:
        raise RefusedError(
            _(
                "{call} sets no rule for when a notification by {channel} counts: add "
                "'notification.{key}' to its file, with its legal source"
            ).format(call=call.id, channel=channel_name(channel.value), key=channel.value)
        )
    if call.appeal is None:
        raise RefusedError(
            _(
                "{call} names no appeal route ('appeal' in its file): the appeal period's "
                "length is unknown"
            ).format(call=call.id)
        )
    period = appeal_period(rule, sent_on=on, days=call.appeal.days)
    with (
        Workspace.open(settings.db_location, create=False) as ws,
        ws.write(
            command="notified", call=call.id, actor=acting(settings, "notified"), reason=reason
        ) as tx,
    ):
        tx.audit(
            "event",
            "notification",
            f"{call.id}/{reference}/{channel.value}",
            after={
                "channel": channel.value,
                "sent_on": on.isoformat(),
                "first_day": period.first_day.isoformat(),
                "last_day": period.last_day.isoformat(),
                "days": period.days,
                "source": rule.source.fr,
                "run": run.id,
            },
        )
    return Notified(loaded, Notice(reference, period, rule.source.fr))
