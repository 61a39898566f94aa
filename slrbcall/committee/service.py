"""Use cases of the committee: the marking workbook, taking the marks in, the ranking."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from slrbcall.calls.definition import LoadedCall, load_registry
from slrbcall.calls.service import resolve_call
from slrbcall.calls.team import acting
from slrbcall.committee import scoring
from slrbcall.committee.marks import mark_matcher, read_marks, recognise_marks_sheet
from slrbcall.committee.scoring import Mark
from slrbcall.errors import InputFileError, Problem, RefusedError
from slrbcall.i18n import _, labelled, language, use_language
from slrbcall.intake.merge import from_row
from slrbcall.settings import Settings
from slrbcall.sheets import TemplateColumn, choose_sheet, find_header, write_template
from slrbcall.store import StoredMark, Workspace

if TYPE_CHECKING:
    from slrbcall.committee.scoring import Mark, ScoreLine
    from slrbcall.model import Application, Call
    from slrbcall.store import Workspace

__all__ = [
    "Ranking",
    "ScoreIntake",
    "ranking",
    "stored_state",
    "take_scores",
    "write_scores_template",
]


@dataclass(frozen=True, slots=True)
class ScoreIntake:
    """What ``slrbcall score`` did (or, with ``dry_run``, would do)."""

    file: Path
    call_id: str
    sheet: str
    layout: str
    marks: int
    added: int
    changed: int
    unchanged: int
    missing: Mapping[str, tuple[tuple[str, str], ...]]
    dry_run: bool


@dataclass(frozen=True, slots=True)
class Ranking:
    loaded: LoadedCall
    applications: tuple[Application, ...]
    lines: tuple[tuple[int | None, ScoreLine, bool], ...]
    conflicts: Mapping[str, frozenset[str]]


def _open(settings: Settings) -> Workspace:
    return Workspace.open(settings.db_location, create=False)


def stored_state(
    settings: Settings, *, recorded_in_file: str | None = None
) -> tuple[LoadedCall, list[Application], list[Mark]]:
    """The call, its stored applications and its stored marks."""

    with _open(settings) as ws:
        loaded = resolve_call(
            settings,
            held=ws.held_calls(),
            recorded_in_file=recorded_in_file,
        )
        applications, marks = stored_in(ws, loaded)
    return loaded, applications, marks


def stored_in(ws: Workspace, loaded: LoadedCall) -> tuple[list[Application], list[Mark]]:
    """The stored applications and marks of ``loaded``, from an open workspace; refused
    when no application is stored."""
    applications = [from_row(row) for row in ws.stored_rows(loaded.call.id)]
    if not applications:
        raise RefusedError(
            _("no applications for {call} yet: 'slrbcall intake FILE' takes them in").format(
                call=loaded.call.id
            )
        )
    marks = [
        Mark(
            reference=m.reference,
            reviewer=m.reviewer,
            criterion=m.criterion,
            mark=Decimal(m.mark),
            comment=m.comment,
            place=Problem.read_back(m.source_file, m.source_place),
        )
        for m in ws.marks(loaded.call.id)
    ]
    return applications, marks


def take_scores(
    settings: Settings,
    path: Path,
    *,
    sheet: str | None = None,
    dry_run: bool = False,
    report_xlsx: Path | None = None,
) -> ScoreIntake:
    """Take in the committee's marks: the whole file, or nothing."""

    from slrbcall.sheets.read import read_workbook
    from slrbcall.sheets.report import mark_problems

    workbook = read_workbook(path)
    loaded, applications, stored = stored_state(
        settings, recorded_in_file=workbook.properties.get("slrbcall.call")
    )
    call = loaded.call
    conflicts = scoring.conflicts(call, applications, load_registry(settings.calls_path))
    try:
        chosen = choose_sheet(workbook, recognise=recognise_marks_sheet(call), requested=sheet)
        header = find_header(
            chosen,
            match=mark_matcher(call),
            required=("reference", "reviewer"),
            names={"reference": _("Reference"), "reviewer": _("Reviewer")},
        )
        read = read_marks(chosen, header, call=call)
        problems = [
            *read.problems,
            *scoring.check_marks(
                read.marks, call=call, applications=applications, conflicts=conflicts
            ),
        ]
        if problems:
            raise InputFileError(problems)
    except InputFileError as exc:
        if report_xlsx is not None:
            mark_problems(path, report_xlsx, exc.problems)
        raise
    incoming = {(m.reference, m.reviewer, m.criterion): m for m in read.marks}
    combined = {(m.reference, m.reviewer, m.criterion): m for m in stored} | incoming
    missing = scoring.missing_marks(
        list(combined.values()), call=call, applications=applications, conflicts=conflicts
    )
    counts = {"added": 0, "changed": 0, "unchanged": 0}
    if dry_run:
        before = {(m.reference, m.reviewer, m.criterion): m for m in stored}
        for key, mark in incoming.items():
            old = before.get(key)
            if old is None:
                counts["added"] += 1
            elif (old.mark, old.comment) == (mark.mark, mark.comment):
                counts["unchanged"] += 1
            else:
                counts["changed"] += 1
    else:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        with (
            Workspace.open(settings.db_location, create=False) as ws,
            ws.write(
                command="score",
                call=call.id,
                actor=acting(settings, "score"),
                input_file=path.name,
                input_sha256=digest,
            ) as tx,
        ):
            tx.record_call(call.id, loaded.sha256, str(loaded.path), loaded.content)
            previous = {(m.reference, m.reviewer, m.criterion): m for m in tx.marks(call.id)}
            for key, mark in sorted(incoming.items()):
                row = StoredMark(
                    reference=mark.reference,
                    reviewer=mark.reviewer,
                    criterion=mark.criterion,
                    mark=_plain(mark.mark),
                    comment=mark.comment,
                    source_file=path.name,
                    source_place=mark.place.place_in(path.name),
                )
                outcome = tx.put_mark(call.id, row)
                counts[outcome] += 1
                if outcome != "unchanged":
                    was = previous.get(key)
                    tx.audit(
                        "insert" if was is None else "update",
                        "mark",
                        f"{call.id}/{'/'.join(key)}",
                        before=None if was is None else {"mark": was.mark, "comment": was.comment},
                        after={"mark": row.mark, "comment": row.comment},
                    )
    return ScoreIntake(
        file=path,
        call_id=call.id,
        sheet=chosen.name,
        layout=read.layout,
        marks=len(incoming),
        missing={ref: gaps for ref, gaps in missing.items() if gaps},
        dry_run=dry_run,
        **counts,
    )


def _plain(value: Decimal) -> str:
    """A mark as stored: plain digits, never an exponent (``7.5``, ``8``)."""
    return format(value.normalize(), "f")


def ranking(settings: Settings, *, allow_incomplete: str | None = None) -> Ranking:
    """The ranked list of the call's eligible applications, with scores and flags."""

    loaded, applications, marks = stored_state(settings)
    return ranked(settings, loaded, applications, marks, allow_incomplete=allow_incomplete)


def ranked(
    settings: Settings,
    loaded: LoadedCall,
    applications: Sequence[Application],
    marks: Sequence[Mark],
    *,
    allow_incomplete: str | None = None,
) -> Ranking:
    """The ranking of stored applications and marks (:func:`stored_in`)."""

    call = loaded.call
    conflicts = scoring.conflicts(call, applications, load_registry(settings.calls_path))
    lines = scoring.score(
        marks,
        call=call,
        applications=applications,
        conflicts=conflicts,
        allow_incomplete=allow_incomplete,
    )
    return Ranking(
        loaded=loaded,
        applications=tuple(applications),
        lines=tuple(scoring.rank(lines)),
        conflicts=conflicts,
    )


def write_scores_template(
    settings: Settings,
    out: Path,
    *,
    lang: str | None = None,
    rows: Sequence[Sequence[object]] | None = None,
) -> tuple[LoadedCall, list[tuple[str, str]]]:
    """The marking workbook: a row per (eligible application, member not in conflict).

    Its headers, notes and instructions are in ``lang`` (``en``, ``fr`` or ``nl``; by
    default the officer's language), and the call's labels in Dutch for ``nl``, else in
    French. Returns the call and the conflicts left out, as (reference, member) pairs.
    ``rows`` replaces the blank marks (the shipped example fills them in).
    """

    loaded, applications, _marks = stored_state(settings)
    call = loaded.call
    conflicts = scoring.conflicts(call, applications, load_registry(settings.calls_path))
    lang = lang or language()
    text_lang = "nl" if lang == "nl" else "fr"
    blank: list[list[object]] = []
    left_out: list[tuple[str, str]] = []
    for app in sorted(applications, key=lambda a: a.reference):
        if app.status.value != "eligible":
            continue
        for member in call.committee:
            if member.key in conflicts.get(app.reference, frozenset()):
                left_out.append((app.reference, member.key))
                continue
            blank.append(
                [app.reference, app.title, member.key, *([None] * len(call.criteria)), None]
            )
    if not blank and not rows:
        raise RefusedError(_("no eligible application to mark in {call}").format(call=call.id))
    with _speaking(lang):
        columns = _scores_columns(call, text_lang)
        sheet_name = _("Marks")
        # i18n: two lines of the instructions sheet, one sentence: the next line goes on.
        instructions = [
            _("One row per application and committee member. Give a mark from 0 to the maximum"),
            _("shown in each criterion's header note; leave a cell empty if you do not mark it."),
            "",
            _("Left out for a declared link (conflict of interest):"),
            *([labelled(ref, member) for ref, member in left_out] or ["-"]),
        ]
    write_template(
        out,
        title=call.title[text_lang],
        sheet_name=sheet_name,
        columns=columns,
        instructions=instructions,
        properties={"slrbcall.call": call.id, "slrbcall.template": "scores"},
        rows=rows if rows is not None else blank,
    )
    return loaded, left_out


def _scores_columns(call: Call, text_lang: str) -> list[TemplateColumn]:
    """The columns of the marking workbook, in the language spoken."""
    return [
        TemplateColumn("reference", _("Reference"), "identifier", True, "", width=14),
        TemplateColumn(
            "title",
            _("Project title"),
            "text",
            False,
            _("Not read back: for information."),
            width=34,
        ),
        TemplateColumn("reviewer", _("Reviewer"), "identifier", True, "", width=22),
        *(
            TemplateColumn(
                f"criterion:{c.key}",
                c.label[text_lang],
                "mark",
                True,
                _("0 to {maximum} (weight {weight})").format(
                    maximum=_number(c.max_mark), weight=_number(c.weight)
                ),
                width=18,
                maximum=c.max_mark,
            )
            for c in call.criteria
        ),
        TemplateColumn("comment", _("Comment"), "long_text", False, "", width=40),
    ]


def _number(value: object) -> str:
    """A number as the language spoken writes it: ``1.5``, or ``1,5`` in French and Dutch."""
    text = str(value)
    return text if language() == "en" else text.replace(".", ",")


@contextmanager
def _speaking(lang: str) -> Iterator[None]:
    """Speak ``lang`` for a while: a workbook's language may be another than the
    officer's (``template scores --lang``)."""
    spoken = language()
    use_language(lang)
    try:
        yield
    finally:
        use_language(spoken)
