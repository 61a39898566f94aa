"""The ``slrbcall`` command: global options, command groups, and the one error exit."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from slrbcall import __version__
from slrbcall.cli.options import OneOf
from slrbcall.cli.output import OutputError, err_console, guard_streams, settle_output, text
from slrbcall.errors import InputFileError, SlrbcallError
from slrbcall.i18n import LANGUAGES, N_, _, ngettext, resolve_language, use_language
from slrbcall.settings import Settings

__all__ = ["app", "main"]

_NOT_UTF8 = re.compile("[\ud800-\udfff]")

#: Options that work before or after the command name (``slrbcall status --db x.db``).
GLOBAL_OPTIONS = ("--db", "--calls-dir", "--templates-dir", "--call", "--as")

#: Click's own texts that an officer meets, for the catalogs: click words them with the
#: standard library's gettext, in the language set by slrbcall.i18n.use_language.
CLICK_TEXTS = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("Error: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Invalid value: {message}"),
    N_("Missing option"),
    N_("Missing argument"),
    N_("Missing parameter: {param_name}"),
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("No such option {name!r}."),
    N_("Try '{command} {option}' for help."),
    N_("required"),
    N_("default: {default}"),
    N_("Aborted!"),
    ngettext(
        "Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1
    ),
    ngettext(
        "Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1
    ),
)


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
    "demo": ("slrbcall.cli.demo", "demo", N_("Run every stage on the shipped example call.")),
    "calls": ("slrbcall.cli.calls", "app", N_("List, show, check and renew call definitions.")),
    "organisations": (
        "slrbcall.cli.organisations",
        "app",
        N_("The organisations registry: the parties of the conventions."),
    ),
    "intake": ("slrbcall.cli.intake", "intake", N_("Take in the applications of a spreadsheet.")),
    "applications": (
        "slrbcall.cli.applications",
        "app",
        N_("The stored applications of the call."),
    ),
    "template": ("slrbcall.cli.template", "app", N_("Write blank workbooks to fill in.")),
    "score": ("slrbcall.cli.committee", "score", N_("Take in the committee's marks.")),
    "ranking": ("slrbcall.cli.committee", "ranking", N_("Show the ranked list.")),
    "allocate": ("slrbcall.cli.allocation", "allocate", N_("Allocate the budget, with reasons.")),
    "scenarios": ("slrbcall.cli.allocation", "scenarios", N_("Compare allocations side by side.")),
    "explain": ("slrbcall.cli.allocation", "explain", N_("Why an application got what it got.")),
    "allocations": ("slrbcall.cli.allocations", "app", N_("The stored allocation runs.")),
    "withdraw": ("slrbcall.cli.reserve", "withdraw", N_("Record that an applicant withdrew.")),
    "reallocate": ("slrbcall.cli.reserve", "reallocate", N_("Give released money to the reserve.")),
    "render-conventions": (
        "slrbcall.cli.documents",
        "render_conventions",
        N_("Render the conventions of the funded projects."),
    ),
    "render-letters": (
        "slrbcall.cli.documents",
        "render_letters",
        N_("Render the award and refusal letters."),
    ),
    "notify": (
        "slrbcall.cli.sending",
        "notify",
        N_("Write e-mail drafts of the letters; send nothing."),
    ),
    "notified": ("slrbcall.cli.sending", "notified", N_("Record that a decision was notified.")),
    "render-amendments": (
        "slrbcall.cli.amend",
        "render_amendments",
        N_("Render the amendments to the conventions."),
    ),
    "templates": (
        "slrbcall.cli.documents",
        "templates_app",
        N_("The Word templates of the documents."),
    ),
    "timeline": (
        "slrbcall.cli.followup",
        "timeline",
        N_("The call's and the projects' due dates."),
    ),
    "followup": ("slrbcall.cli.followup", "followup_app", N_("Record and review the follow-up.")),
    "payments": ("slrbcall.cli.payments", "payments_app", N_("The tranches: due, paid, blocked.")),
    "amend": ("slrbcall.cli.amend", "amend", N_("Amend a funded project's convention.")),
    "monitor": (
        "slrbcall.cli.followup",
        "monitor",
        N_("Take in the projects' monitoring reports."),
    ),
    "justify": (
        "slrbcall.cli.justification",
        "justify",
        N_("Take in a project's justified expenses."),
    ),
    "justification": (
        "slrbcall.cli.justification",
        "justification_app",
        N_("Review the expenses justified."),
    ),
    "settle": (
        "slrbcall.cli.settlement",
        "settle",
        N_("Settle a project: last payment or recovery."),
    ),
    "recovery": ("slrbcall.cli.settlement", "recovery_app", N_("What comes back of a recovery.")),
    "history": (
        "slrbcall.cli.history",
        "history",
        N_("Everything that happened to one application."),
    ),
    "report": ("slrbcall.cli.reports", "report", N_("The call's key figures.")),
    "export": ("slrbcall.cli.export", "export_app", N_("Export the call's data (360Giving).")),
    "audit": ("slrbcall.cli.audit", "app", N_("Check and read the audit trail.")),
    "status": ("slrbcall.cli.workspace", "status", N_("What the workspace holds.")),
    "doctor": ("slrbcall.cli.doctor", "doctor", N_("Check this machine.")),
    "workspace": (
        "slrbcall.cli.workspace",
        "workspace_app",
        N_("Copy the workspace to a file or a server."),
    ),
}


def load_command(name: str) -> Any:
    """The click command ``name`` of :data:`COMMANDS`, built from its module."""

    module, attribute, _summary = COMMANDS[name]
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
    _translate_help(command)
    return command


def _translate_help(command: Any) -> None:
    """A command's help and its options' help, in the officer's language (the command's
    module loads after the language is set, but click keeps its texts as written)."""
    if command.help:
        command.help = _(command.help)
    for param in command.params:
        if getattr(param, "help", None):
            param.help = _(param.help)
    for sub in getattr(command, "commands", {}).values():
        _translate_help(sub)


class SlrbcallGroup(TyperGroup):
    """The root group: hoists global options and turns SlrbcallError into an exit code."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # The language is set before any command's module loads, so that its help and
        # messages are read in it (a bad --lang is then refused by its option). It is
        # the root's option, before the command's name: a command's own --lang (the
        # language of a document) is another option.
        use_language(resolve_language(_root_option(args, "--lang")))
        for arg in args:
            if _NOT_UTF8.search(arg):
                # Python keeps bytes that are not UTF-8 as lone surrogates, which neither
                # the workspace nor the audit can store.
                shown = arg.encode("utf-8", "replace").decode("utf-8")
                raise click.UsageError(
                    _(
                        "the argument {argument} is not UTF-8 text: rename the file, or type "
                        "the text again"
                    ).format(argument=repr(shown)),
                    ctx,
                )
        return super().parse_args(ctx, hoist_global_options(args))

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        if self.help:
            with formatter.indentation():
                formatter.write_text(_(self.help))

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """The global options, their help in the officer's language."""
        rows = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                rows.append((record[0], _(record[1]) if record[1] else record[1]))
        if rows:
            with formatter.section(_("Options")):
                formatter.write_dl(rows)
        self.format_commands(ctx, formatter)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list from :data:`COMMANDS`, without importing any command."""
        rows = [(name, _(summary)) for name, (_module, _name, summary) in COMMANDS.items()]
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SlrbcallError as exc:
            report_error(exc)
            raise typer.Exit(exc.exit_code) from None


def report_error(exc: SlrbcallError) -> None:
    """Print the error on stderr: one line per problem, then what happened."""

    if isinstance(exc, OutputError) and exc.quiet:
        return
    console = err_console()
    if isinstance(exc, InputFileError):
        for line in str(exc).splitlines():
            console.print(text(line))
        count = len(exc.problems)
        summary = (
            ngettext(
                "{count} problem; nothing was stored.",
                "{count} problems; nothing was stored.",
                count,
            )
            if exc.stores
            else ngettext("{count} problem to fix.", "{count} problems to fix.", count)
        )
        console.print(text(summary.format(count=count), "bold red"))
    else:
        console.print(text(_("Error: {message}").format(message=exc)))


app = typer.Typer(
    cls=SlrbcallGroup,
    name="slrbcall",
    help=N_(
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
            help=N_(
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
            help=N_(
                "Folder of call definitions. Default: ./calls if present, else the shipped calls."
            ),
            show_default=False,
        ),
    ] = None,
    templates_dir: Annotated[
        Path | None,
        typer.Option(
            "--templates-dir",
            help=N_(
                "Folder of document templates. Default: ./templates if present, "
                "else the shipped ones."
            ),
            show_default=False,
        ),
    ] = None,
    call: Annotated[
        str | None,
        typer.Option("--call", help=N_("The call to work on (its id)."), show_default=False),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            click_type=OneOf(LANGUAGES),
            help=N_(
                "The language of messages, tables and workbooks: fr, nl or en. Default: "
                "$SLRBCALL_LANG, else the system's language, else en."
            ),
            show_default=False,
        ),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(
            "--as",
            help=N_(
                "Who writes: an officer's key in officers.yaml. "
                "Default: $SLRBCALL_ACTOR, else your login."
            ),
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=N_("Show the version.")),
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


def _root_option(args: list[str], name: str) -> str | None:
    """The value of the root's option ``name`` (``--name V`` or ``--name=V``), typed before
    the command's name, if any."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
        if not arg.startswith("-"):
            return None  # the command's name: what follows is the command's
        if "=" not in arg and arg.split("=", 1)[0] in (*GLOBAL_OPTIONS, name):
            i += 1  # the option's value
        i += 1
    return None


def main() -> None:
    """Console entry point: the command, with standard streams that cannot end it in a
    traceback (:func:`~slrbcall.cli.output.guard_streams`)."""
    guard_streams()
    code: int | str | None = 0
    try:
        app()
    except SystemExit as exc:
        code = exc.code
    except SlrbcallError as exc:  # raised while click printed help or a usage error
        report_error(exc)
        code = exc.exit_code
    failed = settle_output()
    if failed is not None and code in (0, None):
        report_error(failed)
        code = failed.exit_code
    raise SystemExit(code)
