"""Use cases of the documents: conventions and decision letters, and their templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slrbcall.allocation.decisions import adopted_run, decisions
from slrbcall.allocation.standing import reserve_valid
from slrbcall.calls.definition import LoadedCall, load_registry
from slrbcall.calls.team import acting
from slrbcall.committee.service import ranking, stored_state
from slrbcall.documents.batch import RenderJob, render_documents, safe_filename
from slrbcall.documents.blanks import blanks
from slrbcall.documents.check import KINDS, LANGS, Mention, check_templates, init_templates
from slrbcall.documents.context import document_context
from slrbcall.documents.libreoffice import find_libreoffice, no_libreoffice
from slrbcall.documents.notices import MENTIONS
from slrbcall.documents.pdf import convert_to_pdf
from slrbcall.documents.sample import sample_context
from slrbcall.errors import EnvironmentProblemError, InputFileError, Problem, RefusedError
from slrbcall.i18n import _
from slrbcall.intake.eligibility import language_doubt
from slrbcall.intake.stored import application_budgets
from slrbcall.resources import shipped_dir
from slrbcall.settings import Settings
from slrbcall.store import Workspace

if TYPE_CHECKING:
    from slrbcall.documents.batch import RenderJob
    from slrbcall.model import Application, Call

__all__ = [
    "Issued",
    "Rendered",
    "blank_warnings",
    "check_pdf",
    "context_of",
    "issue",
    "render",
    "templates_check",
    "templates_init",
]

#: The decisions that make a project funded: it gets a convention and an award letter.
FUNDED = ("funded_full", "funded_partial")
#: The letters that notify a decision: each carries the mentions of ``MENTIONS``.
DECISION_LETTERS = ("letter-award", "letter-refusal", "letter-reserve")


@dataclass(frozen=True, slots=True)
class Rendered:
    """What a rendering wrote; ``warnings`` names each blank left in each document."""

    loaded: LoadedCall
    run_id: int
    out_dir: Path
    files: tuple[str, ...]
    manifest: Path
    pdfs: tuple[Path, ...]
    warnings: tuple[str, ...] = ()


def _template_file(call: Call, kind: str, lang: str) -> str:
    pair = {
        "convention": call.documents.convention,
        "letter-award": call.documents.letter_award,
        "letter-refusal": call.documents.letter_refusal,
        "letter-reserve": call.documents.letter_reserve,
    }[kind]
    return pair[lang]


def _languages(application: Application, lang: str) -> list[str]:
    if lang == "auto":
        return [application.language.value]
    if lang == "both":
        return ["nl", "fr"]
    if lang in ("nl", "fr"):
        return [lang]
    raise RefusedError(_("--lang must be nl, fr, auto or both, not '{lang}'").format(lang=lang))


def _jobs(
    settings: Settings,
    *,
    letters: bool,
    lang: str,
    only: str | None,
    date: dt.date,
) -> tuple[LoadedCall, int, list[RenderJob]]:

    loaded, run = adopted_run(settings)
    call = loaded.call
    _loaded, applications, _marks = stored_state(settings)
    by_reference = {app.reference: app for app in applications}
    budgets = application_budgets(settings, call)
    registry = load_registry(settings.calls_path)
    lines = run.result["lines"]
    criteria = _criterion_scores(settings, lines)
    funded_scores = [Decimal(x["score"]) for x in lines if x["decision"] in FUNDED]
    funding_line = min(funded_scores) if funded_scores else None
    if only is not None and only not in {line["reference"] for line in lines}:
        raise RefusedError(not_in_decision(only, run.id))
    # A withdrawn application gets no document; one on the reserve list, while the list
    # is valid on the documents' date, gets the reserve letter instead of a refusal.
    now = decisions(settings).standing
    withdrawn = set(now.withdrawals) | {x["reference"] for x in lines if x["reason"] == "withdrawn"}
    if only in withdrawn:
        raise RefusedError(
            _("{ref} was withdrawn: it gets no convention or letter").format(ref=only)
        )
    on_reserve = {p.reference: p.place for p in now.reserve}
    if not reserve_valid(call.reserve, date):
        on_reserve = {}
    jobs = []
    for line in lines:
        if (only is not None and line["reference"] != only) or line["reference"] in withdrawn:
            continue
        funded = line["decision"] in FUNDED
        if not letters and not funded:
            continue
        kind = ("letter-award" if funded else "letter-refusal") if letters else "convention"
        place = None if funded else on_reserve.get(line["reference"])
        if letters and place is not None:
            kind = "letter-reserve"
        application = by_reference[line["reference"]]
        for language in _languages(application, lang):
            context = document_context(
                kind,
                call=call,
                registry=registry,
                application=application,
                line=line,
                budget_cents=run.budget_cents,
                lang=language,
                date=date,
                reserve=None if place is None else (place, len(on_reserve)),
                criteria=criteria.get(application.reference),
                funding_line=funding_line,
                budget=budgets.get(application.reference),
            )
            jobs.append(
                RenderJob(
                    template=settings.templates_path / _template_file(call, kind, language),
                    context=context,
                    filename=safe_filename(
                        call.id, application.reference, kind, language, suffix=".docx"
                    ),
                    reference=application.reference,
                    kind=kind,
                    lang=language,
                )
            )
    return loaded, run.id, jobs


def _criterion_scores(
    settings: Settings, lines: Sequence[Mapping[str, Any]]
) -> dict[str, Mapping[str, Decimal]]:
    """Each application's scores per criterion, from the committee's marks, where they
    still give the score the decision ranked it with (marks taken in after the
    decision would not explain it, and are left out)."""
    ranked = ranking(settings, allow_incomplete="skip-reviewer")
    scored = {line.reference: line for _rank, line, _flags in ranked.lines}
    found: dict[str, Mapping[str, Decimal]] = {}
    for line in lines:
        now = scored.get(line["reference"])
        if now is not None and now.score is not None and now.score == Decimal(line["score"]):
            found[line["reference"]] = now.criterion_scores
    return found


def blank_warnings(jobs: Sequence[RenderJob]) -> list[Problem]:
    """One problem per blank and per document (see :mod:`slrbcall.documents.blanks`)."""
    found: list[Problem] = []
    for job in jobs:
        found.extend(Problem(job.filename, message) for message in blanks(job.context))
    return found


def render(
    settings: Settings,
    *,
    letters: bool = False,
    out: Path,
    lang: str = "auto",
    only: str | None = None,
    pdf: bool = False,
    date: dt.date | None = None,
    strict: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Rendered:
    """Render the conventions (or, with ``letters``, the decision letters) of the adopted run.

    All or nothing: the files appear only once every document rendered, with a
    ``manifest.json`` listing each with its SHA-256. ``pdf`` converts them all in one
    LibreOffice call (exit 5 without LibreOffice, checked before anything is rendered).
    A blank left in a document (no start date, no representative, ...) is a warning,
    one per blank and per document; with ``strict`` they are refused (InputFileError:
    exit 3) and nothing is written.
    """

    check_pdf(pdf)
    day = date or dt.date.today()
    loaded, run_id, jobs = _jobs(settings, letters=letters, lang=lang, only=only, date=day)
    if not jobs:
        raise RefusedError(
            _("no project of {call} is funded: there is no convention to render").format(
                call=loaded.call.id
            )
        )
    found = blank_warnings(jobs)
    if strict and found:
        raise InputFileError(found)
    doubts = _language_doubts(jobs, loaded.call, settings)
    issued = issue(
        settings,
        jobs,
        call_id=loaded.call.id,
        out=out,
        pdf=pdf,
        command="render-letters" if letters else "render-conventions",
        facts={"run": run_id, "date": day.isoformat()},
        progress=progress,
    )
    warnings = tuple(str(problem) for problem in found) + tuple(doubts)
    return Rendered(loaded, run_id, out, issued.files, issued.manifest, issued.pdfs, warnings)


def _language_doubts(jobs: Sequence[RenderJob], call: Call, settings: Settings) -> list[str]:
    """A line per document of a project whose partner looks to be in the other language."""
    _loaded, applications, _marks = stored_state(settings)
    doubts = {a.reference: language_doubt(a) for a in applications}
    return [
        f"{job.filename}: {doubt}"
        for job in jobs
        if job.reference is not None and (doubt := doubts.get(job.reference))
    ]


def not_in_decision(reference: str, run_id: int) -> str:
    """The refusal of an application the adopted decision does not hold."""
    return _("no application '{ref}' in the adopted allocation (run {run})").format(
        ref=reference, run=run_id
    )


def check_pdf(pdf: bool) -> None:
    """Refuse ``--pdf`` before anything is rendered when LibreOffice is missing (exit 5)."""
    if pdf and find_libreoffice() is None:
        raise EnvironmentProblemError(no_libreoffice())


@dataclass(frozen=True, slots=True)
class Issued:
    files: tuple[str, ...]
    manifest: Path
    pdfs: tuple[Path, ...]


def issue(
    settings: Settings,
    jobs: Sequence[RenderJob],
    *,
    call_id: str,
    out: Path,
    pdf: bool,
    command: str,
    facts: Mapping[str, Any],
    progress: Callable[[int, int], None] | None = None,
) -> Issued:
    """Render ``jobs`` into ``out`` (all or nothing), convert them with ``pdf``, and record
    each document in the workspace's audit: what it is, its file, its SHA-256 and
    ``facts`` (the run, the date it bears), so that an application's history names the
    documents issued to it."""

    who = acting(settings, command)  # before the work: a refused officer renders nothing
    with Workspace.open(settings.db_location, create=False) as ws:
        ws.check_writable()  # no document is made that cannot be recorded as issued
    manifest = render_documents(jobs, out_dir=out, progress=progress)
    files = tuple(entry.file for entry in manifest.files)
    pdfs: tuple[Path, ...] = ()
    if pdf:
        pdfs = tuple(convert_to_pdf([out / name for name in files], out_dir=out))
    entries = []
    for job, entry in zip(jobs, manifest.files, strict=True):
        if job.reference is None:
            continue
        entries.append(
            (
                "event",
                "document",
                f"{call_id}/{job.reference}/{job.kind}.{job.lang}",
                None,
                {
                    "kind": job.kind,
                    "lang": job.lang,
                    "file": entry.file,
                    "folder": str(out.resolve()),
                    "sha256": entry.sha256,
                    **facts,
                },
            )
        )
    if entries:
        with (
            Workspace.open(settings.db_location, create=False) as ws,
            ws.write(command=command, call=call_id, actor=who) as tx,
        ):
            tx.audit_many(entries)
    return Issued(files, manifest.path, pdfs)


def context_of(
    settings: Settings, reference: str, *, letters: bool = False, lang: str = "auto"
) -> list[dict[str, Any]]:
    """The contexts of ``reference``'s documents (one per language), for template authors."""
    _loaded, _run, jobs = _jobs(
        settings, letters=letters, lang=lang, only=reference, date=dt.date.today()
    )
    if not jobs:
        raise RefusedError(
            _("{ref} is not funded: it has no convention (try --letters)").format(ref=reference)
        )
    return [dict(job.context) for job in jobs]


def templates_init(settings: Settings, target: Path, *, force: bool = False) -> list[Path]:
    """Copy the shipped templates out for editing."""

    return init_templates(shipped_dir("templates"), target, force=force)


def decision_mentions(kind: str) -> tuple[Mention, ...]:
    """The mentions a decision letter must carry (none for the other documents)."""
    return MENTIONS if kind in DECISION_LETTERS else ()


def templates_check(settings: Settings) -> list[str]:
    """Render every template in both languages with a full sample context.

    A decision letter must print every mention of
    :data:`~slrbcall.documents.notices.MENTIONS` (legal basis, reasons, appeal route,
    ombudsman, contact person). Returns the templates checked; raises InputFileError
    listing every problem.
    """

    folder = settings.templates_path
    problems = check_templates(folder, context_for=sample_context, mentions=decision_mentions)
    if problems:
        raise InputFileError(problems, stores=False)
    return [f"{kind}.{lang}.docx" for kind in KINDS for lang in LANGS]
