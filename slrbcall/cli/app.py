"""The ``slrbcall`` command: global options, command groups, and the one error exit."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from slrbcall import __version__
from slrbcall.cli.output import err_console, text
from slrbcall.errors import InputFileError, SlrbcallError
from slrbcall.settings import Settings

__all__ = ["app", "main"]

#: Options that work before or after the command name (``slrbcall status --db x.db``).
GLOBAL_OPTIONS = ("--db", "--calls-dir", "--templates-dir", "--call", "--as")


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


#: Every command: name -> (module, attribute, one line of help). A command's module is
#: imported only when that command runs, so that ``slrbcall --help`` and light commands
#: start fast (bench/startup.py); the help lines are checked against the commands' own
#: docstrings by tests/test_docs.py. The attribute is a command function or a Typer app.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "demo": ("slrbcall.cli.demo", "demo", "Run every stage on the shipped example call."),
    "calls": ("slrbcall.cli.calls", "app", "List, show, check and renew call definitions."),
    "organisations": (
        "slrbcall.cli.organisations",
        "app",
        "The organisations registry: the parties of the conventions.",
    ),
    "intake": ("slrbcall.cli.intake", "intake", "Take in the applications of a spreadsheet."),
    "applications": ("slrbcall.cli.applications", "app", "The stored applications of the call."),
    "template": ("slrbcall.cli.template", "app", "Write blank workbooks to fill in."),
    "score": ("slrbcall.cli.committee", "score", "Take in the committee's marks."),
    "ranking": ("slrbcall.cli.committee", "ranking", "Show the ranked list."),
    "allocate": ("slrbcall.cli.allocation", "allocate", "Allocate the budget, with reasons."),
    "scenarios": ("slrbcall.cli.allocation", "scenarios", "Compare allocations side by side."),
    "explain": ("slrbcall.cli.allocation", "explain", "Why an application got what it got."),
    "allocations": ("slrbcall.cli.allocations", "app", "The stored allocation runs."),
    "withdraw": ("slrbcall.cli.reserve", "withdraw", "Record that an applicant withdrew."),
    "reallocate": ("slrbcall.cli.reserve", "reallocate", "Give released money to the reserve."),
    "render-conventions": (
        "slrbcall.cli.documents",
        "render_conventions",
        "Render the conventions of the funded projects.",
    ),
    "render-letters": (
        "slrbcall.cli.documents",
        "render_letters",
        "Render the award and refusal letters.",
    ),
    "render-amendments": (
        "slrbcall.cli.amend",
        "render_amendments",
        "Render the amendments to the conventions.",
    ),
    "templates": (
        "slrbcall.cli.documents",
        "templates_app",
        "The Word templates of the documents.",
    ),
    "timeline": ("slrbcall.cli.followup", "timeline", "The call's and the projects' due dates."),
    "followup": ("slrbcall.cli.followup", "followup_app", "Record and review the follow-up."),
    "payments": ("slrbcall.cli.payments", "payments_app", "The tranches: due, paid, blocked."),
    "amend": ("slrbcall.cli.amend", "amend", "Amend a funded project's convention."),
    "monitor": ("slrbcall.cli.followup", "monitor", "Take in the projects' monitoring reports."),
    "history": ("slrbcall.cli.history", "history", "Everything that happened to one application."),
    "report": ("slrbcall.cli.reports", "report", "The call's key figures."),
    "export": ("slrbcall.cli.reports", "export_app", "Export the call's data (360Giving)."),
    "audit": ("slrbcall.cli.audit", "app", "Check and read the audit trail."),
    "status": ("slrbcall.cli.workspace", "status", "What the workspace holds."),
    "doctor": ("slrbcall.cli.workspace", "doctor", "Check this machine."),
    "workspace": (
        "slrbcall.cli.workspace",
        "workspace_app",
        "Copy the workspace to a file or a server.",
    ),
}


def load_command(name: str) -> Any:
    """The click command ``name`` of :data:`COMMANDS`, built from its module."""

    module, attribute, _ = COMMANDS[name]
    target = getattr(importlib.import_module(module), attribute)
    command: Any
    if isinstance(target, typer.Typer):
        target.rich_markup_mode = None  # plain help, as the root's (Rich costs start-up time)
        command = typer.main.get_group(target)  # a group even with one command
    else:
        single = typer.Typer(add_completion=False, rich_markup_mode=None)
        single.command(name=name)(target)
        command = typer.main.get_command(single)  # one command, no callback: the command
    command.name = name
    return command


class SlrbcallGroup(TyperGroup):
    """The root group: hoists global options and turns SlrbcallError into an exit code."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(args))

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list from :data:`COMMANDS`, without importing any command."""
        rows = [(name, summary) for name, (_, _, summary) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SlrbcallError as exc:
            report_error(exc)
            raise typer.Exit(exc.exit_code) from None


def report_error(exc: SlrbcallError) -> None:
    """Print the error on stderr: one line per problem, then what happened."""

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
        str | None,
        typer.Option(
            "--db",
            help=(
                "Workspace: a database file, or a PostgreSQL server's "
                "postgresql://USER@HOST/DATABASE URL. Default: $SLRBCALL_DB, else ./slrbcall.db."
            ),
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
    actor: Annotated[
        str | None,
        typer.Option(
            "--as",
            help=(
                "Who writes: an officer's key in officers.yaml. "
                "Default: $SLRBCALL_ACTOR, else your login."
            ),
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Global options work before or after the command name."""
    ctx.obj = Settings(
        db=db,
        calls_dir=calls_dir,
        templates_dir=templates_dir,
        call_id=call,
        actor=actor,
    )


def main() -> None:
    """Console entry point."""
    app()
