"""The next call from an existing one (``slrbcall calls renew``): a draft to finish.

What changes, from the source call's YAML:

* ``id`` is the new id; the years in the title and description, and the dates of the
  call's own steps (``timeline.milestones``), move by the gap between the calls' years;
* ``duration_months`` is the new duration. A multi-year project (more than 12 months)
  gets a yearly report (a ``yearly-report`` deadline every 12 months, unless the call
  has a repeating deadline already) and yearly tranches: one at the signature, one after
  each yearly report, and the balance after the final report. The balance keeps the
  share the source call held back for the final report (10 % if it held none back),
  and the rest is split evenly over the years in whole percents by largest remainder;
* the open questions (the budget, the grant range, the criteria and the committee, the
  decision and the budget imputation, and the new tranches) keep the source's values
  so that the draft validates, each marked with a ``# TO FILL IN`` comment and listed
  under ``illustrative``; the moved dates are marked ``# TO CHECK``.

Everything else is copied. The source's comments are not: the draft starts with its
own. Pure: text in, text out; the service writes the file and validates it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from slrbcall.calls.yamlstrict import parse_yaml
from slrbcall.money import cents_from_decimal, format_eur, split_largest_remainder

__all__ = ["TO_CHECK", "TO_FILL_IN", "Renewal", "call_year", "renew_text"]

TO_FILL_IN = "TO FILL IN"
TO_CHECK = "TO CHECK"

_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_ORDINALS = {
    "nl": ("Eerste", "Tweede", "Derde", "Vierde", "Vijfde", "Zesde", "Zevende", "Achtste"),
    "fr": ("Première", "Deuxième", "Troisième", "Quatrième", "Cinquième", "Sixième", "Septième"),
}
_DEFAULT_BALANCE = Decimal(10)
# A {nl: ..., fr: ...} text goes on one line when each language is at most this long.
_FLOW_TEXT = 70


@dataclass(frozen=True, slots=True)
class Renewal:
    """The draft of the new call and what was done to it."""

    text: str
    source_id: str
    new_id: str
    shift_years: int
    duration_months: int
    multi_year: bool
    to_fill_in: tuple[str, ...]  # the top-level keys marked TO FILL IN


def call_year(call_id: str) -> int | None:
    """The year in a call's id (``empowerment-2023`` -> 2023), or ``None``."""
    found = _YEAR.search(call_id)
    return int(found.group(0)) if found else None


def _shift_text(text: str, years: int) -> str:
    return _YEAR.sub(lambda m: str(int(m.group(0)) + years), text)


def _shift_date(value: str, years: int) -> str:
    day = dt.date.fromisoformat(value)
    try:
        return day.replace(year=day.year + years).isoformat()
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28).isoformat()


def _shift_month(value: str, years: int) -> str:
    year, month = value.split("-")
    return f"{int(year) + years:04d}-{month}"


def _localized(value: Any, years: int) -> Any:
    if isinstance(value, Mapping):
        return {lang: _shift_text(str(text), years) for lang, text in value.items()}
    return value


def _percent(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value


def _tranche_label(year: int, lang: str) -> str:
    ordinals = _ORDINALS[lang]
    known = year <= len(ordinals)
    if lang == "nl":
        head = f"{ordinals[year - 1]} jaar" if known else f"Jaar {year}"
        after = "bij de ondertekening" if year == 1 else f"na jaarverslag {year - 1}"
    else:
        head = f"{ordinals[year - 1]} année" if known else f"Année {year}"
        after = "à la signature" if year == 1 else f"après le rapport annuel {year - 1}"
    return f"{head}, {after}"


def yearly_tranches(tranches: list[Any], duration_months: int) -> list[dict[str, Any]]:
    """Yearly tranches for a project of ``duration_months`` (see the module docstring)."""

    held_back = sum(
        (Decimal(str(t["percent"])) for t in tranches if t.get("condition") == "final_report"),
        Decimal(0),
    )
    balance = held_back if 0 < held_back < 100 else _DEFAULT_BALANCE
    years = math.ceil(duration_months / 12)
    rest = Decimal(100) - balance
    # Whole percents when the rest is whole, else hundredths: the shares sum to 100.
    scale = 1 if rest == rest.to_integral_value() else 100
    shares = [
        Decimal(part) / scale for part in split_largest_remainder(int(rest * scale), [1] * years)
    ]
    found: list[dict[str, Any]] = []
    for year, share in enumerate(shares, start=1):
        found.append(
            {
                "percent": _percent(share),
                "condition": "signature" if year == 1 else "yearly_report",
                "label": {"nl": _tranche_label(year, "nl"), "fr": _tranche_label(year, "fr")},
                "month": 12 * (year - 1),
            }
        )
    found.append(
        {
            "percent": _percent(balance),
            "condition": "final_report",
            "label": {
                "nl": "Saldo na goedkeuring van het eindverslag",
                "fr": "Solde après approbation du rapport final",
            },
        }
    )
    return found


_YEARLY_REPORT = {
    "key": "yearly-report",
    "label": {"nl": "Jaarverslag", "fr": "Rapport annuel"},
    "from": "start",
    "months": 12,
    "every_months": 12,
}


def renew_text(
    source: str,
    *,
    new_id: str,
    duration_months: int,
    shift_years: int,
    source_label: str = "source",
) -> Renewal:
    """The YAML text of the new call drafted from ``source`` (a valid call's YAML)."""

    data: dict[str, Any] = dict(parse_yaml(source, source=source_label).data)
    source_id = str(data["id"])
    old_duration = int(data["duration_months"])
    multi_year = duration_months > 12
    data["id"] = new_id
    for key in ("title", "description", "title_in_context"):
        if key in data:
            data[key] = _localized(data[key], shift_years)
    # The new call's decision and budget are its own: moved, to be filled in.
    if isinstance(data.get("decision"), Mapping):
        decision = dict(data["decision"])
        decision["date"] = _shift_date(str(decision["date"]), shift_years)
        data["decision"] = decision
    if isinstance(data.get("imputation"), Mapping):
        data["imputation"] = {
            **data["imputation"],
            "year": int(data["imputation"]["year"]) + shift_years,
        }
    data["duration_months"] = duration_months
    timeline = dict(data.get("timeline") or {})
    milestones = []
    for step in timeline.get("milestones", []):
        moved = dict(step)
        if moved.get("date"):
            moved["date"] = _shift_date(str(moved["date"]), shift_years)
        if moved.get("month"):
            moved["month"] = _shift_month(str(moved["month"]), shift_years)
        milestones.append(moved)
    if milestones:
        timeline["milestones"] = milestones
    tranches_rebuilt = multi_year and duration_months != old_duration
    if tranches_rebuilt:
        deadlines = list(timeline.get("deadlines", []))
        if not any(d.get("every_months") for d in deadlines):
            at = next((i for i, d in enumerate(deadlines) if d.get("from") == "end"), None)
            deadlines.insert(len(deadlines) if at is None else at, dict(_YEARLY_REPORT))
        timeline["deadlines"] = deadlines
        data["tranches"] = yearly_tranches(list(data["tranches"]), duration_months)
    if timeline:
        data["timeline"] = timeline

    grant = data.get("grant") or {}
    notes: dict[str, str] = {
        "budget": f"# {TO_FILL_IN}: the budget of this call "
        f"({source_id} had {format_eur(_cents(data['budget']))}).",
        "grant": f"# {TO_FILL_IN}: the grant range for projects of {duration_months} months "
        f"({source_id}: {old_duration} months, {format_eur(_cents(grant.get('minimum', 0)))}"
        f" to {format_eur(_cents(grant.get('maximum', 0)))}).",
        "scoring": f"# {TO_FILL_IN}: the criteria and their weights (copied from {source_id}).",
    }
    for key, what in (
        ("decision", "the body and the date of the decision awarding the grants"),
        ("imputation", "the basic allocation and the budget year"),
    ):
        if data.get(key):
            notes[key] = f"# {TO_FILL_IN}: {what} (moved from {source_id})."
    if data.get("committee"):
        notes["committee"] = (
            f"# {TO_FILL_IN}: the members of the advisory committee (copied from {source_id})."
        )
    if tranches_rebuilt:
        notes["tranches"] = (
            f"# {TO_FILL_IN}: one tranche a year (the next one after each yearly report) and "
            "the balance after the final report; the shares are a proposal."
        )
    if milestones:
        notes["timeline"] = (
            f"# {TO_CHECK}: the dates of {source_id}'s steps, moved by {shift_years} "
            f"year{'s' if abs(shift_years) != 1 else ''}."
        )
    open_keys = [key for key in notes if key != "timeline"]
    illustrative = list(data.get("illustrative") or [])
    for key in (*open_keys, "timeline"):
        if key in notes and key not in illustrative:
            illustrative.append(key)
    order = [k for k in data if k != "illustrative"]
    data["illustrative"] = sorted(illustrative, key=lambda k: order.index(k) if k in order else 99)

    title = data["title"]
    header = [
        f"# {title['fr']} / {title['nl']}",
        f"# Drafted by 'slrbcall calls renew' from {source_id}: its dates moved by "
        f"{shift_years} year{'s' if abs(shift_years) != 1 else ''}, projects of "
        f"{duration_months} months"
        + (", with a tranche and a report each year." if tranches_rebuilt else "."),
        f"# Decide every value marked {TO_FILL_IN}, check those marked {TO_CHECK}, then",
        "# remove the marks (and the key from `illustrative` once a source gives its value).",
        f"# Check it with: slrbcall calls validate calls/{new_id}.yaml",
    ]
    text = _with_comments(_dump(data), notes, inline={"budget"})
    return Renewal(
        text="\n".join(header) + "\n\n" + text,
        source_id=source_id,
        new_id=new_id,
        shift_years=shift_years,
        duration_months=duration_months,
        multi_year=multi_year,
        to_fill_in=tuple(open_keys),
    )


def _cents(value: Any) -> int:

    return cents_from_decimal(Decimal(str(value)))


def _dump(data: Mapping[str, Any]) -> str:
    """YAML that :mod:`slrbcall.calls.yamlstrict` reads back to the same values: no tags, no
    anchors, decimals as plain numbers, ``{nl: ..., fr: ...}`` texts on one line."""
    import yaml

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            # Items of a list indented under their key, as people write them.
            return super().increase_indent(flow, False)

    def decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
        text = format(value, "f")
        tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
        return dumper.represent_scalar(tag, text)

    def mapping(dumper: yaml.SafeDumper, value: dict[str, Any]) -> yaml.Node:
        texts = set(value) <= {"nl", "fr"} and all(
            isinstance(v, str) and len(v) <= _FLOW_TEXT for v in value.values()
        )
        return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=texts)

    Dumper.add_representer(Decimal, decimal)
    Dumper.add_representer(dict, mapping)
    text: str = yaml.dump(
        dict(data),
        Dumper=Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=4096,
    )
    return text


def _with_comments(text: str, notes: Mapping[str, str], *, inline: set[str]) -> str:
    """A blank line before each top-level key, its note above it, and ``# TO FILL IN``
    after the value of the ``inline`` keys."""
    lines: list[str] = []
    for line in text.splitlines():
        match = re.match(r"([a-z_]+):", line)
        if match:
            key = match.group(1)
            if lines:
                lines.append("")
            if key in notes:
                lines.append(notes[key])
            if key in inline:
                line = f"{line}  # {TO_FILL_IN}"
        lines.append(line)
    return "\n".join(lines) + "\n"
