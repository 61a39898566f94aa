"""``slrbcall doctor``: what slrbcall needs from this machine, and the workspace whole."""

from __future__ import annotations

import typer

from slrbcall import doctor as doctor_service
from slrbcall.cli.common import JsonOption, settings
from slrbcall.cli.output import emit_json, out_console, table, text
from slrbcall.errors import EXIT_ENVIRONMENT
from slrbcall.i18n import _


def doctor(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Check this machine: Python, SQLite, the calls, the workspace, LibreOffice, fonts.

    Exits with 5 when something slrbcall needs is missing.

    Example: slrbcall doctor
    """

    checks = doctor_service.doctor(settings(ctx))
    failed = [c for c in checks if not c.ok and not c.optional]
    if as_json:
        emit_json(
            [
                {
                    "check": c.name,
                    "ok": c.ok,
                    "optional": c.optional,
                    "detail": c.detail,
                    "hint": c.hint,
                }
                for c in checks
            ]
        )
    else:
        view = table(_("check"), "", _("detail"))
        for check in checks:
            mark = (
                (_("ok"), "green")
                if check.ok
                else ((_("warn"), "yellow") if check.optional else (_("FAIL"), "red"))
            )
            detail = (
                check.detail
                if check.ok or not check.hint
                else _("{detail}: {hint}").format(detail=check.detail, hint=check.hint)
            )
            view.add_row(text(doctor_service.check_label(check.name)), text(*mark), text(detail))
        out_console().print(view)
    if failed:
        raise typer.Exit(EXIT_ENVIRONMENT)
