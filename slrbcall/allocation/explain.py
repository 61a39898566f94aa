"""Decisions in words: one plain sentence per application, with all the numbers.

Public decisions must state their reasons (Belgian law of 29 July 1991 on the formal
motivation of administrative acts), refusals included. The numbers go into ``facts`` as
plain values, and the sentence is written from the facts alone, twice over:

* :func:`sentence`, in English, is the reason as the run records it: part of the
  decision, it never depends on the language of whoever ran the command;
* :func:`shown_sentence` and :func:`shown_explanation` write the same reason in the
  officer's language (:mod:`slrbcall.i18n`) when it is shown, from the facts of a line
  just decided or of a stored run.

Dutch and French letters are written from the facts too (:mod:`slrbcall.documents`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from slrbcall import i18n
from slrbcall.model import Policy
from slrbcall.money import format_eur, format_plain

from .codes import Decision, ReasonCode, tie_break_words
from .inputs import AllocationOptions, Candidate
from .policies import Facts, Verdict
from .ranking import Ranked

__all__ = [
    "Context",
    "LineSource",
    "Reallocating",
    "decision_of",
    "facts",
    "score_text",
    "sentence",
    "shown_explanation",
    "shown_sentence",
]

_MAX_SCORE = Policy.MAX_SCORE.value


def score_text(score: Decimal | str | int) -> str:
    """A score with at least two decimals: ``61.7`` -> ``61.70``; more are kept."""
    value = score if isinstance(score, Decimal) else Decimal(str(score))
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        return f"{value:.2f}"
    return format(value, "f")


def _cents(plain: str | int) -> int:
    """A plain decimal amount of the facts (``"22000.00"``, always two decimals) in cents."""
    return int(str(plain).replace(".", ""))


def _percent(share: Decimal) -> str:
    return format(share * 100, "f").rstrip("0").rstrip(".") if share else "0"


def _english(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


@dataclass(frozen=True, slots=True)
class _Voice:
    """How a sentence is worded: ``_`` and ``ngettext`` translate (or not), and amounts,
    numbers and days are written in ``lang``."""

    _: Callable[[str], str]
    ngettext: Callable[[str, str, int], str]
    lang: str

    def eur(self, plain: str | int) -> str:
        """A plain amount of the facts, as written in ``lang``."""
        return format_eur(_cents(plain), lang=self.lang)

    def money(self, cents: int) -> str:
        return format_eur(cents, lang=self.lang)

    def number(self, text: str) -> str:
        """A decimal number as written in ``lang``: ``61.70`` or ``61,70``."""
        return text if self.lang == "en" else text.replace(".", ",")

    def score(self, value: str | int) -> str:
        return self.number(score_text(value))

    def percent(self, share: str | int | Decimal) -> str:
        return self.number(_percent(Decimal(str(share))))

    def day(self, iso: str | int) -> str:
        if self.lang == "en":
            return str(iso)
        try:
            return i18n.format_day(dt.date.fromisoformat(str(iso)))
        except ValueError:
            return str(iso)


#: The stored record's voice: English, whatever the officer's language.
_RECORD = _Voice(str, _english, "en")


def _officer() -> _Voice:
    """The voice of the officer's language, as spoken now."""
    return _Voice(i18n._, i18n.ngettext, i18n.language())


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


# -- the reasons, in words, from the facts ----------------------------------------------
#
# Each takes the line's facts, the granularity of partial awards (the one number of the
# run's options a reason needs that its facts do not hold) and the voice to say it in.

_Facts = Mapping[str, Any]


def _funded(f: _Facts, step: int, v: _Voice) -> str:
    reserve = f["reason"] == ReasonCode.RESERVE_FUNDED.value
    if f["policy"] == _MAX_SCORE:
        if reserve:
            text = v._(
                "it is in the set with the highest total score ({optimum}, proven optimal), "
                "so its request of {requested} was funded in full from the reserve, "
                "leaving {after}"
            )
        else:
            text = v._(
                "it is in the set with the highest total score ({optimum}, proven optimal), "
                "so its request of {requested} was funded in full, leaving {after}"
            )
        return text.format(
            optimum=v.score(f["optimum"]),
            requested=v.eur(f["requested"]),
            after=v.eur(f["remaining_after"]),
        )
    if reserve:
        text = v._(
            "it asked for {requested} and {before} remained, so it was funded in full "
            "from the reserve, leaving {after}"
        )
    else:
        text = v._(
            "it asked for {requested} and {before} remained, so it was funded in full, "
            "leaving {after}"
        )
    return text.format(
        requested=v.eur(f["requested"]),
        before=v.eur(f["remaining_before"]),
        after=v.eur(f["remaining_after"]),
    )


def _partial(f: _Facts, step: int, v: _Voice) -> str:
    requested, before = v.eur(f["requested"]), v.eur(f["remaining_before"])
    amount = v.eur(f["amount"])
    if f["amount"] != f["remaining_before"]:
        asked = v._(
            "it asked for {requested} but {before} remained ({amount} once rounded down "
            "to a multiple of {step})"
        ).format(requested=requested, before=before, amount=amount, step=v.money(step))
    else:
        asked = v._("it asked for {requested} but {before} remained").format(
            requested=requested, before=before
        )
    share = Decimal(str(f["partial_min_share"]))
    if share:
        minimum = v._(
            "that is at least the minimum grant of {grant_min} and at least {share} % of "
            "the request"
        ).format(grant_min=v.eur(f["grant_min"]), share=v.percent(share))
    else:
        minimum = v._("that is at least the minimum grant of {grant_min}").format(
            grant_min=v.eur(f["grant_min"])
        )
    if f["reason"] == ReasonCode.RESERVE_PARTIAL.value:
        awarded = v._("so {amount} ({percent} %) was awarded as a partial grant from the reserve")
    else:
        awarded = v._("so {amount} ({percent} %) was awarded as a partial grant")
    awarded = awarded.format(amount=amount, percent=f["share_percent"])
    return v._("{asked}; {minimum}, {awarded}").format(
        asked=asked, minimum=minimum, awarded=awarded
    )


def _refused_offer(f: _Facts, v: _Voice) -> str:
    """Why the remainder was not offered as a partial grant."""
    why = f["offer_refused"]
    if why == "nothing_left":
        return v._("nothing remained to offer as a partial grant")
    if why == "below_minimum":
        return v._(
            "the remainder of {offer} is below the minimum grant of {grant_min}, so no "
            "partial grant was made"
        ).format(offer=v.eur(f["offer"]), grant_min=v.eur(f["grant_min"]))
    return v._(
        "the remainder of {offer} is below {share} % of the request, so no partial grant was made"
    ).format(offer=v.eur(f["offer"]), share=v.percent(f["partial_min_share"]))


def _does_not_fit(f: _Facts, step: int, v: _Voice) -> str:
    if f["policy"] == _MAX_SCORE:
        return v._(
            "it asked for {requested}, more than the {available} available, so no funded "
            "set can include it"
        ).format(requested=v.eur(f["requested"]), available=v.eur(f["available"]))
    if f.get("draws_line"):
        text = v._(
            "it asked for {requested} but only {before} remained, so the funding line was "
            "drawn here and it was not funded"
        )
    else:
        text = v._("it asked for {requested} but only {before} remained, so it was not funded")
    said = text.format(requested=v.eur(f["requested"]), before=v.eur(f["remaining_before"]))
    if "offer_refused" in f:
        said = v._("{said}; {more}").format(said=said, more=_refused_offer(f, v))
    return said


def _below_line(f: _Facts, step: int, v: _Voice) -> str:
    return v._(
        "it comes after the funding line drawn at rank {rank} ({reference}), so it was not funded"
    ).format(rank=f["line_rank"], reference=f["line_reference"])


def _below_threshold(f: _Facts, step: int, v: _Voice) -> str:
    return v._("its score is below the minimum score of {min_score}, so it was not funded").format(
        min_score=v.score(f["min_score"])
    )


def _org_cap(f: _Facts, step: int, v: _Voice) -> str:
    count = int(f["org_funded"])
    return v.ngettext(
        "its applicant {applicant} already has {count} funded project, the most one "
        "organisation may get ({cap}), so it was skipped",
        "its applicant {applicant} already has {count} funded projects, the most one "
        "organisation may get ({cap}), so it was skipped",
        count,
    ).format(applicant=f["applicant"], count=count, cap=f["org_cap"])


def _theme_cap(f: _Facts, step: int, v: _Voice) -> str:
    return v._(
        "its theme '{theme}' already received {spent} of its cap of {cap}, and its request "
        "of {requested} would exceed the cap, so it was skipped"
    ).format(
        theme=f["theme"],
        spent=v.eur(f["theme_spent"]),
        cap=v.eur(f["theme_cap"]),
        requested=v.eur(f["requested"]),
    )


def _guarantee(f: _Facts, step: int, v: _Voice) -> str:
    return v._(
        "it is the best-ranked application of theme '{theme}' that fits, so the theme "
        "guarantee funded its request of {requested} in full first, out of {before}, "
        "leaving {after}"
    ).format(
        theme=f["theme"],
        requested=v.eur(f["requested"]),
        before=v.eur(f["remaining_before"]),
        after=v.eur(f["remaining_after"]),
    )


def _not_in_optimum(f: _Facts, step: int, v: _Voice) -> str:
    optimum = v.score(f["optimum"])
    if "drop" not in f:
        return v._(
            "the set with the highest total score ({optimum}, proven optimal) does not "
            "include it, so it was not funded (what forcing it in would cost was not "
            "computed)"
        ).format(optimum=optimum)
    if Decimal(str(f["drop"])) == 0:
        return v._(
            "forcing it in gives an equally good set (total {optimum}), but ties between "
            "optimal sets go to the better-ranked applications, so it was not funded"
        ).format(optimum=optimum)
    return v._(
        "the set with the highest total score ({optimum}, proven optimal) does not include "
        "it; forcing it in would lower the best total to {optimum_with}, a loss of {drop}, "
        "so it was not funded"
    ).format(optimum=optimum, optimum_with=v.score(f["optimum_with"]), drop=v.score(f["drop"]))


_Body = Callable[[_Facts, int, _Voice], str]
_BODIES: dict[str, _Body] = {
    ReasonCode.FUNDED.value: _funded,
    ReasonCode.PARTIAL_REMAINDER.value: _partial,
    ReasonCode.DOES_NOT_FIT.value: _does_not_fit,
    ReasonCode.BELOW_LINE.value: _below_line,
    ReasonCode.BELOW_THRESHOLD.value: _below_threshold,
    ReasonCode.ORG_CAP.value: _org_cap,
    ReasonCode.THEME_CAP.value: _theme_cap,
    ReasonCode.THEME_GUARANTEE.value: _guarantee,
    ReasonCode.NOT_IN_OPTIMUM.value: _not_in_optimum,
    ReasonCode.RESERVE_FUNDED.value: _funded,
    ReasonCode.RESERVE_PARTIAL.value: _partial,
}


def _listed(references: Sequence[str], v: _Voice) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(references) < 2:
        return "".join(references)
    return v._("{items} and {last}").format(items=", ".join(references[:-1]), last=references[-1])


def _key_words(key: str, v: _Voice) -> str:
    """A tie-break key in words: 'the smaller request', ..."""
    return tie_break_words(key, v._)


def _head(f: _Facts, v: _Voice) -> str:
    """``Ranked 2 of 6 (score 81.50)``, and the tie-break that placed it, if one did."""
    numbers = {"rank": f["rank"], "ranked": f["ranked"], "score": v.score(f["score"])}
    if "tie_break_key" not in f:
        return v._("Ranked {rank} of {ranked} (score {score})").format(**numbers)
    if f["tie_position"] == "ahead":
        text = v._(
            "Ranked {rank} of {ranked} (score {score}, tied with {other} and placed ahead "
            "of it by {key})"
        )
    else:
        text = v._(
            "Ranked {rank} of {ranked} (score {score}, tied with {other} and placed after "
            "it by {key})"
        )
    return text.format(**numbers, other=f["tied_with"], key=_key_words(f["tie_break_key"], v))


def _withdrawn_words(f: _Facts, v: _Voice) -> str:
    day, why = v.day(f["withdrawn_on"]), f["withdrawal_reason"]
    if "rank" in f:
        said = v._(
            "Ranked {rank} of {ranked} (score {score}): it was withdrawn on {day} ({reason})"
        ).format(rank=f["rank"], ranked=f["ranked"], score=v.score(f["score"]), day=day, reason=why)
    else:
        said = v._("It was withdrawn on {day} ({reason})").format(day=day, reason=why)
    paid = v.eur(f["paid"])
    if _cents(f["award_before"]):
        numbers = {
            "withdrawn": said,
            "award": v.eur(f["award_before"]),
            "paid": paid,
            "released": v.eur(f["released"]),
        }
        if "award_run" in f:
            return v._(
                "{withdrawn}; it had been awarded {award} in run {run}, of which {paid} was "
                "paid, so its award is now {paid} and {released} is released."
            ).format(**numbers, run=f["award_run"])
        return v._(
            "{withdrawn}; it had been awarded {award}, of which {paid} was paid, so its "
            "award is now {paid} and {released} is released."
        ).format(**numbers)
    if _cents(f["paid"]):
        return v._("{withdrawn}; {paid} was paid to it, which stays its award.").format(
            withdrawn=said, paid=paid
        )
    return v._("{withdrawn}, so it is no longer ranked or funded.").format(withdrawn=said)


def _reserve_words(f: _Facts, v: _Voice) -> str:
    """Where a reserve line's money came from, and its place on the reserve."""
    numbers = {
        "place": f["reserve_rank"],
        "size": f["reserve_size"],
        "withdrawn": _listed(str(f["withdrawals"]).split(", "), v),
        "free": v.eur(f["free"]),
    }
    if _cents(f["unspent"]):
        return v._(
            "on the reserve, rank {place} of {size}: after the withdrawal of {withdrawn}, "
            "{free} was free ({released} released and {unspent} left unspent by run {run})"
        ).format(
            **numbers,
            released=v.eur(f["released"]),
            unspent=v.eur(f["unspent"]),
            run=f["reallocates_run"],
        )
    return v._(
        "on the reserve, rank {place} of {size}: after the withdrawal of {withdrawn}, {free} "
        "was free"
    ).format(**numbers)


def _words(f: _Facts, step: int, v: _Voice) -> str:
    """The whole sentence of a line, from its facts, in voice ``v``."""
    reason = f["reason"]
    if reason == ReasonCode.WITHDRAWN.value:
        return _withdrawn_words(f, v)
    if reason == ReasonCode.INELIGIBLE.value:
        if f.get("ineligible_reason"):
            return v._("Not eligible ({reason}), so it was not ranked or funded.").format(
                reason=f["ineligible_reason"]
            )
        return v._("Not eligible, so it was not ranked or funded.")
    head, body = _head(f, v), _BODIES[reason](f, step, v)
    if "reserve_rank" not in f:
        return v._("{head}: {body}.").format(head=head, body=body)
    numbers = {"head": head, "reserve": _reserve_words(f, v), "body": body}
    if _cents(f["amount"]):
        return v._("{head}; {reserve}; {body}.").format(**numbers)
    return v._("{head}; {reserve}; {body}; it stays on the reserve.").format(**numbers)


# -- facts, and the sentences stored and shown ------------------------------------------


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
    """The line's reason as the run records it: one plain English sentence with all the
    numbers, whatever the officer's language.

    ``numbers`` are the line's :func:`facts`, when the caller has them already.
    """
    found = facts(source) if numbers is None else numbers
    return _words(found, source.context.options.granularity_cents, _RECORD)


def shown_sentence(numbers: Mapping[str, Any], *, granularity_cents: int, recorded: str) -> str:
    """The reason of a line as the officer reads it: ``recorded`` (the stored English
    sentence) in English, else the same sentence written from the line's facts in the
    officer's language; ``recorded`` again for facts too old to hold every number."""
    if i18n.language() == "en":
        return recorded
    try:
        return _words(numbers, granularity_cents, _officer())
    except (KeyError, ValueError, TypeError):
        return recorded


def shown_explanation(line: Mapping[str, Any], options: Mapping[str, Any] | None) -> str:
    """The reason of a stored run's line (its JSON, with its ``facts`` and
    ``explanation``) as the officer reads it; ``options`` are the run's (its JSON's
    ``options``)."""
    recorded = str(line.get("explanation") or "")
    try:
        step = int(Decimal(str((options or {}).get("granularity", "1.00"))) * 100)
    except ArithmeticError:
        return recorded
    return shown_sentence(line.get("facts") or {}, granularity_cents=step, recorded=recorded)
