"""The next call: ``slrbcall calls renew`` (the drafting itself is :mod:`slrbcall.renew`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from slrbcall.calls import LoadedCall
from slrbcall.errors import RefusedError
from slrbcall.settings import Settings

if TYPE_CHECKING:
    from slrbcall.renew import Renewal

__all__ = ["RenewedCall", "renew_call"]


# -- the next call -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RenewedCall:
    path: Path
    renewal: Renewal
    loaded: LoadedCall  # the new call, validated


def renew_call(
    settings: Settings,
    source_id: str,
    *,
    new_id: str,
    duration_months: int,
    years: int | None = None,
) -> RenewedCall:
    """Draft ``calls/<new_id>.yaml`` from call ``source_id`` (see :mod:`slrbcall.renew`).

    The dates move by ``years``, by default the gap between the years in the two ids.
    The file goes into the calls folder in use, never over an existing one, and only
    once it validates.
    """
    import re
    import tempfile

    from slrbcall.calls import call_files, find_call, load_call, registry_file
    from slrbcall.renew import call_year, renew_text
    from slrbcall.resources import shipped_dir

    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", new_id):
        raise RefusedError(
            f"--id '{new_id}': a call id is lower-case letters, digits, '-' and '_' "
            "(e.g. empowerment-2025)"
        )
    if new_id == source_id:
        raise RefusedError("--id must differ from the call renewed")
    if not 1 <= duration_months <= 240:
        raise RefusedError("--duration is a number of months, from 1 to 240")
    folder = settings.calls_path
    source_path = find_call(source_id, folder)
    if any(p.stem == new_id for p in call_files(folder)):
        raise RefusedError(
            f"{folder / (new_id + '.yaml')} already exists: refusing to overwrite it "
            "(choose another --id, or remove the file)"
        )
    installed = shipped_dir("calls")
    if installed.parent.name == "_data" and folder.resolve() == installed.resolve():
        raise RefusedError(
            f"the calls folder in use is the one installed with slrbcall ({folder}): "
            "make a calls folder of your own (copy the calls you need into ./calls) "
            "or pass --calls-dir DIR"
        )
    registry = registry_file(folder)
    source = load_call(source_path, registry=registry)
    if years is None:
        old_year, new_year = call_year(source_id), call_year(new_id)
        if old_year is None or new_year is None:
            raise RefusedError(
                f"cannot tell the years from '{source_id}' and '{new_id}': "
                "pass --years N (how many years to move the dates by)"
            )
        years = new_year - old_year
    renewal = renew_text(
        source.content,
        new_id=new_id,
        duration_months=duration_months,
        shift_years=years,
        source_label=source_path.name,
    )
    target = folder / f"{new_id}.yaml"
    with tempfile.TemporaryDirectory() as scratch:
        draft = Path(scratch) / target.name
        draft.write_text(renewal.text, encoding="utf-8", newline="\n")
        load_call(draft, registry=registry)  # a draft that does not validate is a bug
    try:
        with target.open("x", encoding="utf-8", newline="\n") as stream:
            stream.write(renewal.text)
    except FileExistsError:
        raise RefusedError(f"{target} already exists: refusing to overwrite it") from None
    return RenewedCall(target, renewal, load_call(target, registry=registry))
