"""The ``slrbcall`` command: global options, command groups, and the one error exit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from slrbcall import __version__
from slrbcall.errors import InputFileError, SlrbcallError
from slrbcall.settings import Settings

__all__ = ["app", "main"]

#: Options that work before or after the command name (``slrbcall status --db x.db``).
GLOBAL_OPTIONS = ("--db", "--calls-dir", "--templates-dir", "--call")


def hoist_global_options(args: list[str]) -> list[str]:
    """Move the global options in front of the command, wherever they were typed."""
    hoisted: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            if "=" in arg:
                hoisted.append(arg)
            else:
                hoisted.extend(args[i : i + 2])
                i += 1
        else:
            rest.append(arg)
        i += 1
    return hoisted + rest


class SlrbcallGroup(TyperGroup):
    """The root group: hoists global options and turns SlrbcallError into an exit code."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(args))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SlrbcallError as exc:
            report_error(exc)
            raise typer.Exit(exc.exit_code) from None


def report_error(exc: SlrbcallError) -> None:
    """Print the error on stderr: one line per problem, then what happened."""
    from slrbcall.cli.output import err_console, text

    console = err_console()
    if isinstance(exc, InputFileError):
        for line in str(exc).splitlines():
            console.print(text(line))
        count = len(exc.problems)
        console.print(
            text(f"{count} problem{'s' if count != 1 else ''}; nothing was stored.", "bold red")
        )
    else:
        console.print(text(f"Error: {exc}"))


app = typer.Typer(
    cls=SlrbcallGroup,
    name="slrbcall",
    help=(
        "Run a grant call of the Brussels social-housing authority (SLRB/BGHM): "
        "define the call, take in applications, score, allocate, render the "
        "conventions and follow the projects."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"slrbcall {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Workspace database. Default: $SLRBCALL_DB, else ./slrbcall.db.",
            show_default=False,
        ),
    ] = None,
    calls_dir: Annotated[
        Path | None,
        typer.Option(
            "--calls-dir",
            help="Folder of call definitions. Default: ./calls if present, else the shipped calls.",
            show_default=False,
        ),
    ] = None,
    templates_dir: Annotated[
        Path | None,
        typer.Option(
            "--templates-dir",
            help=(
                "Folder of document templates. Default: ./templates if present, "
                "else the shipped ones."
            ),
            show_default=False,
        ),
    ] = None,
    call: Annotated[
        str | None,
        typer.Option("--call", help="The call to work on (its id).", show_default=False),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Global options work before or after the command name."""
    ctx.obj = Settings(db=db, calls_dir=calls_dir, templates_dir=templates_dir, call_id=call)


def _register() -> None:
    from slrbcall.cli import (
        allocation,
        applications,
        calls,
        committee,
        demo,
        documents,
        followup,
        intake,
        reports,
        template,
        workspace,
    )

    app.add_typer(calls.app, name="calls")
    app.command()(intake.intake)
    app.add_typer(applications.app, name="applications")
    app.add_typer(template.app, name="template")
    app.command()(committee.score)
    app.command()(committee.ranking)
    app.command()(allocation.allocate)
    app.command()(allocation.scenarios)
    app.command()(allocation.explain)
    app.add_typer(allocation.app, name="allocations")
    app.command()(documents.render_conventions)
    app.command()(documents.render_letters)
    app.add_typer(documents.templates_app, name="templates")
    app.command()(followup.timeline)
    app.add_typer(followup.payments_app, name="payments")
    app.add_typer(followup.followup_app, name="followup")
    app.command()(followup.monitor)
    template.app.command()(followup.monitoring)
    template.app.command("payments")(followup.payments_template)
    calls.app.command()(followup.renew)
    app.command()(reports.report)
    app.add_typer(reports.export_app, name="export")
    app.command()(demo.demo)
    app.command()(workspace.status)
    app.command()(workspace.doctor)


_register()


def main() -> None:
    """Console entry point."""
    app()
