"""``slrbcall render-conventions``, ``render-letters`` and ``templates``: the documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from slrbcall.cli.common import JsonOption, settings
from slrbcall.cli.dates import Day
from slrbcall.cli.options import OneOf, Reference
from slrbcall.cli.output import emit_json, err_console, out_console, text, warn
from slrbcall.documents import service as documents_service

templates_app = typer.Typer(no_args_is_help=True, help="The Word templates of the documents.")

Lang = Annotated[
    str,
    typer.Option(
        "--lang",
        click_type=OneOf(("nl", "fr", "auto", "both")),
        help="nl, fr, auto (the application's language) or both.",
    ),
]
Only = Annotated[
    str | None,
    typer.Option("--only", click_type=Reference(), help="Only this application (its reference)."),
]
Pdf = Annotated[bool, typer.Option("--pdf", help="Also convert them to PDF (needs LibreOffice).")]
Strict = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Refuse to render while a document would keep a blank (exit 3, nothing written).",
    ),
]
DateOption = Annotated[
    dt.date | None,
    typer.Option(
        "--date",
        click_type=Day(),
        help="The date the documents bear (default: today).",
        show_default=False,
    ),
]
#: From this many documents on, a progress bar shows on stderr.
PROGRESS_FROM = 20


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    if not enabled:
        yield None
        return
    state: dict[str, Any] = {}

    def on_done(done: int, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        if "bar" not in state:
            from rich.progress import Progress

            state["bar"] = Progress(console=err_console(), transient=True)
            state["bar"].start()
            state["task"] = state["bar"].add_task("Rendering", total=total)
        state["bar"].update(state["task"], completed=done)

    try:
        yield on_done
    finally:
        if "bar" in state:
            state["bar"].stop()


def _render(
    ctx: typer.Context,
    *,
    letters: bool,
    out: Path,
    lang: str,
    only: str | None,
    pdf: bool,
    date: dt.date | None,
    context: str | None,
    as_json: bool,
    strict: bool,
) -> None:

    if context is not None:
        emit_json(documents_service.context_of(settings(ctx), context, letters=letters, lang=lang))
        return
    with _progress(not as_json) as progress:
        done = documents_service.render(
            settings(ctx),
            letters=letters,
            out=out,
            lang=lang,
            only=only,
            pdf=pdf,
            date=date,
            strict=strict,
            progress=progress,
        )
    warn(done.warnings)
    if as_json:
        emit_json(
            {
                "call": done.loaded.call.id,
                "run": done.run_id,
                "out": str(done.out_dir),
                "files": list(done.files),
                "pdfs": [p.name for p in done.pdfs],
                "manifest": str(done.manifest),
                "warnings": list(done.warnings),
            }
        )
        return
    what = "letters" if letters else "conventions"
    console = out_console()
    console.print(
        text(
            f"Rendered {len(done.files)} {what} of {done.loaded.call.id} (allocation run "
            f"{done.run_id}) in {done.out_dir}"
            + (f", and {len(done.pdfs)} PDF files" if done.pdfs else "")
            + "."
        )
    )
    for name in done.files:
        console.print(text(f"  {name}"))
    console.print(text(f"Manifest with SHA-256 of each file: {done.manifest}"))


def render_conventions(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="The output folder.")] = Path("conventions"),
    lang: Lang = "auto",
    only: Only = None,
    pdf: Pdf = False,
    date: DateOption = None,
    context: Annotated[
        str | None,
        typer.Option(
            "--context",
            metavar="REF",
            help="Print the context of REF's convention; render nothing.",
        ),
    ] = None,
    strict: Strict = False,
    as_json: JsonOption = False,
) -> None:
    """Render the conventions of the funded projects of the adopted allocation (DOCX).

    Each blank a convention would keep (an enterprise number, an address, a
    representative, an IBAN, a start date...) is named on stderr, one line per blank
    and per document; --strict refuses to render while one is left.

    Example: slrbcall render-conventions --out conventions --lang both --pdf
    """
    _render(
        ctx,
        letters=False,
        out=out,
        lang=lang,
        only=only,
        pdf=pdf,
        date=date,
        context=context,
        as_json=as_json,
        strict=strict,
    )


def render_letters(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="The outbox folder.")] = Path("outbox"),
    lang: Lang = "auto",
    only: Only = None,
    pdf: Pdf = False,
    date: DateOption = None,
    context: Annotated[
        str | None,
        typer.Option(
            "--context", metavar="REF", help="Print the context of REF's letter; render nothing."
        ),
    ] = None,
    strict: Strict = False,
    as_json: JsonOption = False,
) -> None:
    """Render a decision letter for every application: award or refusal, with its reasons.

    Each letter is addressed to the applicant's contact person, with a copy to the
    partner, and carries its legal basis, its reasons, the appeal route, the
    ombudsman and a contact person. The letters go to an outbox folder; nothing is
    sent ('slrbcall notify' drafts the e-mails). Blanks are named as for the
    conventions; --strict refuses to render while one is left.

    Example: slrbcall render-letters --out outbox
    """
    _render(
        ctx,
        letters=True,
        out=out,
        lang=lang,
        only=only,
        pdf=pdf,
        date=date,
        context=context,
        as_json=as_json,
        strict=strict,
    )


@templates_app.command()
def init(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="Where to copy them.")] = Path("templates"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """Copy the default templates out for editing (then pass --templates-dir or use ./templates).

    Example: slrbcall templates init templates
    """

    written = documents_service.templates_init(settings(ctx), folder, force=force)
    out_console().print(text(f"Copied {len(written)} files to {folder}."))


@templates_app.command()
def check(ctx: typer.Context) -> None:
    """Render every template in both languages with a full sample context, and report problems.

    Reports syntax errors, undefined variables, leftover tags and variables used in one
    language's template but not in the other's (exit 3).

    Example: slrbcall templates check --templates-dir templates
    """

    checked = documents_service.templates_check(settings(ctx))
    out_console().print(text(f"{len(checked)} templates checked: no problem."))
