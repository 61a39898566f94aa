"""Use case: the funded grants of a call as open data, in the 360Giving standard."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from slrbcall.allocation.decisions import adopted_run
from slrbcall.calls.definition import load_registry
from slrbcall.committee.service import stored_state
from slrbcall.errors import RefusedError
from slrbcall.followup.service.state import followup_state, open_workspace
from slrbcall.i18n import N_, _, gettext_in
from slrbcall.model import Lang
from slrbcall.reports.giving360 import (
    Disbursement,
    grants_360,
    transactions_360,
    write_360_csv,
    write_360_json,
)
from slrbcall.settings import Settings

__all__ = ["export_360giving"]


def export_360giving(
    settings: Settings,
    out: Path,
    *,
    prefix: str = "360G-slrb",
    award_date: dt.date | None = None,
    lang: str | None = None,
) -> int:
    """The funded grants of the adopted allocation in the 360Giving standard; returns the count.

    The format follows the file's suffix: ``.json`` or ``.csv``. The dataset speaks one
    language: ``lang``, else the call's ``open_data: language``; without either, refused.
    """

    suffix = out.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise RefusedError(_("{file}: name a .json or a .csv file").format(file=out))
    loaded, run = adopted_run(settings)
    chosen = lang or loaded.call.open_data_language
    if chosen is None:
        raise RefusedError(
            _(
                "the open data of {call} speaks one language: pass --lang nl or --lang fr, "
                "or set 'open_data: {{language: nl}}' in the call's definition"
            ).format(call=loaded.call.id)
        )
    _loaded, applications, _marks = stored_state(settings)
    moved = _disbursements(settings, Lang(chosen))
    grants = grants_360(
        call=loaded.call,
        applications=applications,
        lines=run.result["lines"],
        registry=load_registry(settings.calls_path),
        lang=Lang(chosen),
        prefix=prefix,
        award_date=award_date,
        disbursements=moved,
    )
    if suffix == ".json":
        transactions = transactions_360(grants, moved, prefix=prefix, call_id=loaded.call.id)
        write_360_json(out, grants, transactions)
    else:
        write_360_csv(out, grants)
    return len(grants)


def _disbursements(settings: Settings, lang: Lang) -> list[Disbursement]:
    """Every tranche paid (as corrected; a reversed one is no payment) and every
    repayment of a recovery (negative), for the open data: each described in the
    dataset's language ``lang`` (a tranche by its label in the call)."""
    state = followup_state(settings)
    labels = {t.number: t.label[lang] for t in state.loaded.call.tranches}
    moved = [
        Disbursement(
            p.reference,
            f"payment-{p.tranche}",
            p.paid_on,
            p.amount_cents,
            labels.get(p.tranche)
            or gettext_in(lang, N_("Tranche {number}")).format(number=p.tranche),
        )
        for p in state.payments
        if p.amount_cents > 0
    ]
    with open_workspace(settings) as ws:
        back = ws.recoveries(state.loaded.call.id)
    moved += [
        Disbursement(
            r.reference,
            f"recovery-{r.number}",
            dt.date.fromisoformat(r.on_date),
            -r.amount_cents,
            gettext_in(lang, N_("Repayment of an amount not justified")),
        )
        for r in back
    ]
    return moved
