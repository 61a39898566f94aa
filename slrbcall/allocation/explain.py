"""Decisions in words: one plain English sentence per application, with all the numbers.

Public decisions must state their reasons (Belgian law of 29 July 1991 on the formal
motivation of administrative acts), refusals included. The same numbers go into
``facts`` as plain values, so that Dutch and French letters can be written from them
without parsing the English.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from slrbcall.model import Policy
from slrbcall.money import format_eur, format_plain

from .codes import Decision, ReasonCode
from .inputs import AllocationOptions, Candidate
from .policies import Facts, Verdict
from .ranking import Ranked, describe_key

__all__ = [
    "Context",
    "LineSource",
    "Reallocating",
    "decision_of",
    "facts",
    "score_text",
    "sentence",
]


def score_text(score: Decimal | str | int) -> str:
    """A score with at least two decimals: ``61.7`` -> ``61.70``; more are kept."""
    value = score if isinstance(score, Decimal) else Decimal(str(score))
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        return f"{value:.2f}"
    return format(value, "f")


def _eur(plain: str | int) -> str:
    """A plain decimal amount from the facts (``"22000.00"``) in words' notation."""
    return format_eur(int(Decimal(str(plain)) * 100))


def _percent(share: Decimal) -> str:
    return format(share * 100, "f").rstrip("0").rstrip(".") if share else "0"


@dataclass(frozen=True, slots=True)
class Reallocating:
    """What every reserve line of a reallocation shares: where its money came from.

    ``free == released + unspent``: what the withdrawals of ``withdrawn`` released, and
    what the decision (run ``run_id``) left unspent. ``reserve`` gives each reserve
    project its place on the list (from 1).
    """

    run_id: int
    withdrawn: tuple[str, ...]
    free: int
    released: int
    unspent: int
    reserve: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Context:
    """What every line of one allocation shares (``reallocating``: of a reallocation)."""

    ranked_count: int
    options: AllocationOptions
    reallocating: Reallocating | None = None

    @property
    def max_score(self) -> bool:
        return self.options.policy is Policy.MAX_SCORE


class LineSource(NamedTuple):
    """Everything a line's words and facts are made from (``ranked`` is None when
    the application is ineligible)."""

    candidate: Candidate
    ranked: Ranked | None
    verdict: Verdict | None
    context: Context


def _funded(
    c: Candidate, v: Verdict, f: Mapping[str, str | int], x: Context, *, source: str = ""
) -> str:
    """Funded in full; ``source`` says from where (" from the reserve"), if not the budget."""
    if x.max_score:
        return (
            f"it is in the set with the highest total score ({score_text(f['optimum'])}, "
            f"proven optimal), so its request of {format_eur(c.requested_cents)} was funded "
            f"in full{source}, leaving {format_eur(v.after)}"
        )
    return (
        f"it asked for {format_eur(c.requested_cents)} and {format_eur(v.before)} remained, "
        f"so it was funded in full{source}, leaving {format_eur(v.after)}"
    )


def _partial(c: Candidate, v: Verdict, f: Mapping[str, str | int], x: Context) -> str:
    rounded = ""
    if v.amount != v.before:
        step = format_eur(x.options.granularity_cents)
        rounded = f" ({format_eur(v.amount)} once rounded down to a multiple of {step})"
    share = ""
    if x.options.partial_min_share:
        share = f" and at least {_percent(x.options.partial_min_share)} % of the request"
    return (
        f"it asked for {format_eur(c.requested_cents)} but {format_eur(v.before)} remained"
        f"{rounded}; that is at least the minimum grant of "
        f"{format_eur(x.options.grant_min_cents)}{share}, so {format_eur(v.amount)} "
        f"({f['share_percent']} %) was awarded as a partial grant"
    )


_REFUSED_OFFER = {
    "nothing_left": "; nothing remained to offer as a partial grant",
    "below_minimum": "; the remainder of {offer} is below the minimum grant of {grant_min}, "
    "so no partial grant was made",
    "below_share": "; the remainder of {offer} is below {share} % of the request, "
    "so no partial grant was made",
}


def _does_not_fit(c: Candidate, v: Verdict, f: Mapping[str, str | int], x: Context) -> str:
    if x.max_score:
        return (
            f"it asked for {format_eur(c.requested_cents)}, more than the "
            f"{_eur(f['available'])} available, so no funded set can include it"
        )
    outcome = "the funding line was drawn here and " if f.get("draws_line") else ""
    offer = ""
    if "offer_refused" in f:
        offer = _REFUSED_OFFER[str(f["offer_refused"])].format(
            offer=_eur(f["offer"]),
            grant_min=_eur(f["grant_min"]),
            share=_percent(Decimal(str(f["partial_min_share"]))),
        )
    return (
        f"it asked for {format_eur(c.requested_cents)} but only {format_eur(v.before)} "
        f"remained, so {outcome}it was not funded{offer}"
    )


def _below_line(c: Candidate, v: Verdict, f: Mapping[str, str | int], x: Context) -> str:
    return (
        f"it comes after the funding line drawn at rank {f['line_rank']} "
        f"({f['line_reference']}), so it was not funded"
    )


def _below_threshold(c: Candidate, v: Verdict, f: Mapping[str, str | int], x: Context) -> str:
    return (
        f"its score is below the minimum score of {score_text(f['min_score'])}, "
        "so it was not funded"
    )


def _org_cap(c: Candidate, v: Verdict, f: Mapping[str, str | int], x: Context) -> str:
    projects = "project" if f["org_funded"] == 1 else "projects"
    return (
        f"its applicant {c.applicant} already has {f['org_funded']} funded {projects}, "
        f"the most one organisation may get ({f['org_cap']}), so it was skipped"
    )


def _theme_cap(c: Candidate, v: Verdict, f: Mapping[str, str | int], x: Context) -> str:
    return (
        f"its theme '{c.theme}' already received {_eur(f['theme_spent'])} of its cap of "
        f"{_eur(f['theme_cap'])}, and its request of {format_eur(c.requested_cents)} "
        "would exceed the cap, so it was skipped"
    )


def _guarantee(c: Candidate, v: Verdict, f: Mapping[str, str | int], x: Context) -> str:
    return (
        f"it is the best-ranked application of theme '{c.theme}' that fits, so the theme "
        f"guarantee funded its request of {format_eur(c.requested_cents)} in full first, "
        f"out of {format_eur(v.before)}, leaving {format_eur(v.after)}"
    )


def _not_in_optimum(c: Candidate, v: Verdict, f: Mapping[str, str | int], x: Context) -> str:
    best = f"the set with the highest total score ({score_text(f['optimum'])}, proven optimal)"
    if "drop" not in f:
        return (
            f"{best} does not include it, so it was not funded "
            "(what forcing it in would cost was not computed)"
        )
    if Decimal(str(f["drop"])) == 0:
        return (
            f"forcing it in gives an equally good set (total {score_text(f['optimum'])}), "
            "but ties between optimal sets go to the better-ranked applications, "
            "so it was not funded"
        )
    return (
        f"{best} does not include it; forcing it in would lower the best total to "
        f"{score_text(f['optimum_with'])}, a loss of {score_text(f['drop'])}, "
        "so it was not funded"
    )


def _reserve_funded(c: Candidate, v: Verdict, f: Mapping[str, str | int], x: Context) -> str:
    return _funded(c, v, f, x, source=" from the reserve")


def _reserve_partial(c: Candidate, v: Verdict, f: Mapping[str, str | int], x: Context) -> str:
    return _partial(c, v, f, x) + " from the reserve"


_Body = Callable[[Candidate, Verdict, Mapping[str, str | int], Context], str]
_BODIES: dict[ReasonCode, _Body] = {
    ReasonCode.FUNDED: _funded,
    ReasonCode.PARTIAL_REMAINDER: _partial,
    ReasonCode.DOES_NOT_FIT: _does_not_fit,
    ReasonCode.BELOW_LINE: _below_line,
    ReasonCode.BELOW_THRESHOLD: _below_threshold,
    ReasonCode.ORG_CAP: _org_cap,
    ReasonCode.THEME_CAP: _theme_cap,
    ReasonCode.THEME_GUARANTEE: _guarantee,
    ReasonCode.NOT_IN_OPTIMUM: _not_in_optimum,
    ReasonCode.RESERVE_FUNDED: _reserve_funded,
    ReasonCode.RESERVE_PARTIAL: _reserve_partial,
}


def _listed(references: Sequence[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(references) < 2:
        return "".join(references)
    return ", ".join(references[:-1]) + " and " + references[-1]


def _withdrawn_facts(c: Candidate, r: Ranked | None, v: Verdict, x: Context) -> Facts:
    w = c.withdrawn
    assert w is not None  # a WITHDRAWN verdict is made for withdrawn candidates only
    out: Facts = {
        "reference": c.reference,
        "applicant": c.applicant,
        "requested": format_plain(c.requested_cents),
        "amount": format_plain(v.amount),
        "decision": decision_of(v.amount, c.requested_cents).value,
        "reason": ReasonCode.WITHDRAWN.value,
        "withdrawn_on": w.on,
        "withdrawal_reason": w.reason,
        "paid": format_plain(w.paid_cents),
        "award_before": format_plain(w.award_cents),
        "released": format_plain(w.released_cents),
    }
    if w.run_id is not None:
        out["award_run"] = w.run_id
    if r is not None:
        out.update(rank=r.rank, ranked=x.ranked_count, score=str(c.score))
    if c.theme is not None:
        out["theme"] = c.theme
    return out


def _withdrawn_sentence(c: Candidate, r: Ranked | None, x: Context) -> str:
    w = c.withdrawn
    assert w is not None
    head = "It"
    if r is not None:
        head = f"Ranked {r.rank} of {x.ranked_count} (score {score_text(c.score)}): it"
    text = f"{head} was withdrawn on {w.on} ({w.reason})"
    paid = format_eur(w.paid_cents)
    if w.award_cents:
        run = "" if w.run_id is None else f" in run {w.run_id}"
        return (
            f"{text}; it had been awarded {format_eur(w.award_cents)}{run}, of which {paid} "
            f"was paid, so its award is now {paid} and {format_eur(w.released_cents)} "
            "is released."
        )
    if w.paid_cents:
        return f"{text}; {paid} was paid to it, which stays its award."
    return f"{text}, so it is no longer ranked or funded."


def _reserve_facts(c: Candidate, x: Context) -> Facts:
    """Where a reserve line's money came from, and its place on the reserve."""
    y = x.reallocating
    assert y is not None
    return {
        "reserve_rank": y.reserve[c.reference],
        "reserve_size": len(y.reserve),
        "reallocates_run": y.run_id,
        "withdrawals": ", ".join(y.withdrawn),
        "free": format_plain(y.free),
        "released": format_plain(y.released),
        "unspent": format_plain(y.unspent),
    }


def _reserve_clause(c: Candidate, x: Context) -> str:
    y = x.reallocating
    assert y is not None
    origin = f"after the withdrawal of {_listed(y.withdrawn)}, {format_eur(y.free)} was free"
    if y.unspent:
        origin += (
            f" ({format_eur(y.released)} released and {format_eur(y.unspent)} left unspent "
            f"by run {y.run_id})"
        )
    return f"on the reserve, rank {y.reserve[c.reference]} of {len(y.reserve)}: {origin}"


def decision_of(amount: int, requested: int) -> Decision:
    if amount == 0:
        return Decision.NOT_FUNDED
    return Decision.FUNDED_FULL if amount == requested else Decision.FUNDED_PARTIAL


def facts(source: LineSource) -> Facts:
    """The numbers of a line as plain values; money as plain decimal strings."""
    c, r, v, x = source
    if v is not None and v.reason is ReasonCode.WITHDRAWN:
        return _withdrawn_facts(c, r, v, x)
    if r is None or v is None:
        out: Facts = {
            "reference": c.reference,
            "applicant": c.applicant,
            "requested": format_plain(c.requested_cents),
            "amount": format_plain(0),
            "decision": Decision.INELIGIBLE.value,
            "reason": ReasonCode.INELIGIBLE.value,
        }
        if c.ineligible_reason:
            out["ineligible_reason"] = c.ineligible_reason
        return out
    decision = decision_of(v.amount, c.requested_cents)
    out = {
        "reference": c.reference,
        "applicant": c.applicant,
        "rank": r.rank,
        "ranked": x.ranked_count,
        "score": str(c.score),
        "requested": format_plain(c.requested_cents),
        "amount": format_plain(v.amount),
        "remaining_before": format_plain(v.before),
        "remaining_after": format_plain(v.after),
        "decision": decision.value,
        "reason": v.reason.value,
        "policy": x.options.policy.value,
    }
    if c.theme is not None:
        out["theme"] = c.theme
    out.update(v.detail)
    if decision is Decision.FUNDED_PARTIAL:
        out["share_percent"] = v.amount * 100 // c.requested_cents  # rounded down
    if r.tie_key is not None and r.tied_with is not None:
        out["tie_break_key"] = r.tie_key
        out["tied_with"] = r.tied_with
        out["tie_position"] = "ahead" if r.ahead else "after"
    if x.reallocating is not None:
        out.update(_reserve_facts(c, x))
    return out


def sentence(source: LineSource, numbers: Mapping[str, str | int] | None = None) -> str:
    """The line's reason as one plain English sentence with all the numbers.

    ``numbers`` are the line's :func:`facts`, when the caller has them already.
    """
    c, r, v, x = source
    if v is not None and v.reason is ReasonCode.WITHDRAWN:
        return _withdrawn_sentence(c, r, x)
    if r is None or v is None:
        why = f" ({c.ineligible_reason})" if c.ineligible_reason else ""
        return f"Not eligible{why}, so it was not ranked or funded."
    tie = ""
    if r.tie_key is not None and r.tied_with is not None:
        place = "ahead of" if r.ahead else "after"
        tie = f", tied with {r.tied_with} and placed {place} it by {describe_key(r.tie_key)}"
    body = _BODIES[v.reason](c, v, facts(source) if numbers is None else numbers, x)
    head = f"Ranked {r.rank} of {x.ranked_count} (score {score_text(c.score)}{tie})"
    if x.reallocating is not None:
        stays = "" if v.amount else "; it stays on the reserve"
        return f"{head}; {_reserve_clause(c, x)}; {body}{stays}."
    return f"{head}: {body}."
