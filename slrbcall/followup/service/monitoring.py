"""Use cases of the monitoring reports: the template, taking a workbook in, the outcome
figures."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from slrbcall.calls.definition import LoadedCall
from slrbcall.calls.service import resolve_call
from slrbcall.calls.team import acting
from slrbcall.errors import InputFileError, RefusedError
from slrbcall.followup import Outcomes, Report, check_reports, outcome_figures, report_history
from slrbcall.followup.service.state import (
    FollowupState,
    check_lang,
    followup_state,
    open_workspace,
    read_state,
)
from slrbcall.followup.workbooks import (
    DELIVERABLE_WORDS,
    MONITORING_COLUMNS,
    MONITORING_INSTRUCTIONS,
    MONITORING_NOTES,
    MONITORING_SHEETS,
    matcher,
    read_reports,
    recogniser,
)
from slrbcall.i18n import _, language
from slrbcall.settings import Settings
from slrbcall.sheets import TemplateColumn, choose_sheet, find_header, write_template
from slrbcall.store.followup import StoredReport

__all__ = [
    "MonitoringIntake",
    "OutcomeReport",
    "outcomes",
    "take_monitoring",
    "write_monitoring_template",
]


# -- monitoring ----------------------------------------------------------------------------


def write_monitoring_template(
    settings: Settings,
    out: Path,
    *,
    lang: str = "fr",
    rows: Sequence[Sequence[object]] | None = None,
    notes: Sequence[str] = (),
) -> tuple[LoadedCall, int]:
    """The monitoring workbook: a row per funded project (reference and title filled
    in). ``rows`` replaces those rows and ``notes`` are added to the instructions (the
    shipped example fills them in and says what is illustrative). Returns the call and
    the number of rows."""

    check_lang(lang)
    state = followup_state(settings)
    call = state.loaded.call
    if not state.projects:
        raise RefusedError(
            _("no funded project in the adopted allocation of {call}").format(call=call.id)
        )
    notes_of = MONITORING_NOTES[lang]
    count = ("count", False, notes_of["count"])
    kinds = {
        "reference": ("identifier", True, ""),
        "title": ("text", False, notes_of["title"]),
        "report_date": ("date", True, notes_of["report_date"]),
        "deliverables": (
            "long_text",
            False,
            notes_of["deliverables"].format(words=DELIVERABLE_WORDS[lang]),
        ),
        "remarks": ("long_text", False, ""),
    }
    columns = [
        TemplateColumn(
            c.key,
            c.labels[lang],
            *kinds.get(c.key, count),
            width=34 if c.key in ("title", "deliverables", "remarks") else 16,
        )
        for c in MONITORING_COLUMNS
    ]
    filled = rows if rows is not None else [[p.reference, p.title] for p in state.projects]
    text_lang = "nl" if lang == "nl" else "fr"
    write_template(
        out,
        title=call.title[text_lang],
        sheet_name=MONITORING_SHEETS[lang],
        columns=columns,
        instructions=[*MONITORING_INSTRUCTIONS[lang], *notes],
        properties={"slrbcall.call": call.id, "slrbcall.template": "monitoring"},
        rows=filled,
    )
    return state.loaded, len(filled)


@dataclass(frozen=True, slots=True)
class MonitoringIntake:
    """What ``slrbcall monitor`` did (or, with ``dry_run``, would do)."""

    file: Path
    call_id: str
    sheet: str
    reports: int
    added: int
    changed: int
    unchanged: int
    left_out: int
    warnings: tuple[str, ...]
    dry_run: bool


def take_monitoring(
    settings: Settings,
    path: Path,
    *,
    sheet: str | None = None,
    dry_run: bool = False,
    report_xlsx: Path | None = None,
) -> MonitoringIntake:
    """Take in a monitoring workbook: all of its reports, or none (exit 3).

    A report is keyed by (project, report date): the same file again changes nothing,
    a changed figure updates that report (audited, before and after), and a report of
    a new date is added next to the earlier ones.
    """

    from slrbcall.sheets.read import read_workbook
    from slrbcall.sheets.report import mark_problems

    workbook = read_workbook(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    counts = {"added": 0, "changed": 0, "unchanged": 0}
    with open_workspace(settings) as ws:
        loaded = resolve_call(
            settings,
            held=ws.held_calls(),
            recorded_in_file=workbook.properties.get("slrbcall.call"),
        )
        call = loaded.call
        state = read_state(ws, loaded)
        try:
            chosen = choose_sheet(
                workbook, recognise=recogniser(MONITORING_COLUMNS), requested=sheet
            )
            header = find_header(
                chosen,
                match=matcher(MONITORING_COLUMNS),
                required=("reference", "report_date"),
                names={
                    c.key: c.labels[language()]
                    for c in MONITORING_COLUMNS
                    if c.key in ("reference", "report_date")
                },
            )
            read = read_reports(chosen, header, date1904=workbook.date1904)
            problems, warnings = check_reports(read.reports, state.projects, call_id=call.id)
            if read.problems or problems:
                raise InputFileError([*read.problems, *problems])
        except InputFileError as exc:
            if report_xlsx is not None:
                mark_problems(path, report_xlsx, exc.problems)
            raise
        incoming = [
            StoredReport(
                reference=r.reference,
                report_date=r.report_date.isoformat(),
                residents_involved=r.residents_involved,
                residents_trained=r.residents_trained,
                activities=r.activities,
                participants=r.participants,
                deliverables=r.deliverables,
                deliverable_kinds=r.deliverable_kinds,
                remarks=r.remarks,
                source_file=path.name,
                source_place=r.place.place_in(path.name),
            )
            for r in read.reports
        ]
        if dry_run:
            stored = {
                (s.reference, s.report_date): s.content() for s in ws.monitoring_reports(call.id)
            }
            for report in incoming:
                before = stored.get((report.reference, report.report_date))
                outcome = (
                    "added"
                    if before is None
                    else ("unchanged" if before == report.content() else "changed")
                )
                counts[outcome] += 1
        else:
            with ws.write(
                command="monitor",
                call=call.id,
                actor=acting(settings, "monitor"),
                input_file=path.name,
                input_sha256=digest,
            ) as tx:
                previous = {
                    (s.reference, s.report_date): s.content()
                    for s in tx.monitoring_reports(call.id)
                }
                for report in incoming:
                    outcome = tx.put_report(call.id, report)
                    counts[outcome] += 1
                    if outcome == "unchanged":
                        continue
                    was = previous.get((report.reference, report.report_date))
                    tx.audit(
                        "insert" if was is None else "update",
                        "monitoring_report",
                        f"{call.id}/{report.reference}/{report.report_date}",
                        before=was,
                        after=report.content(),
                    )
    return MonitoringIntake(
        file=path,
        call_id=call.id,
        sheet=chosen.name,
        reports=len(incoming),
        left_out=read.left_out,
        warnings=tuple(warnings),
        dry_run=dry_run,
        **counts,
    )


# -- outcomes ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutcomeReport:
    """The outcome figures and each project's reports over time."""

    loaded: LoadedCall
    outcomes: Outcomes
    history: dict[str, tuple[Report, ...]]


def outcomes(settings: Settings, *, state: FollowupState | None = None) -> OutcomeReport:
    """The outcome figures of the funded projects, from their latest reports: totals and
    averages per project, by theme, and against the residents the applications targeted.
    ``state`` is the follow-up as the caller read it already, else it is read here.
    """

    state = state or followup_state(settings)
    return OutcomeReport(
        loaded=state.loaded,
        outcomes=outcome_figures(state.projects, state.reports),
        history=report_history(state.reports),
    )
