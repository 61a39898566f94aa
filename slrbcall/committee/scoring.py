"""The committee's marks turned into weighted scores: conflicts, checks, gaps, ranking.

Pure: no file, no database. The reader of the scores workbook builds :class:`Mark`
values; :func:`check_marks` refuses the bad ones, all at once; :func:`score` turns the
rest into one :class:`ScoreLine` per eligible application.

Arithmetic and rounding (stated, and tested):

- A reviewer's weighted score is ``Σ(weight × mark / max_mark) / Σ weight × 100``, on
  0–100. A criterion score is ``mark / max_mark × 100``, on 0–100.
- Reviewers are combined by the call's aggregation: the mean, or the median (the mean
  of the two middle values for an even count).
- Everything is computed exactly, from the ``Decimal`` inputs, on integers over common
  denominators (the values fractions would give), and rounded ONCE at the end: score,
  reviewer scores, criterion scores and spread are given to 4 decimal places,
  ROUND_HALF_EVEN (banker's rounding, so ties at the fifth decimal do not all drift
  upwards). Display rounds again, to 2 decimals.
- The spread is max − min of the reviewers' exact weighted scores, then rounded; the
  ``disagreement`` flag compares that rounded spread with the call's threshold,
  strictly (``spread > threshold``), so the number shown always explains the flag.

Invariants: every score is within 0..100; the lines do not depend on the order of
the marks nor of the applications (they come sorted by reference); an application
scored from fewer marks than expected always carries the ``incomplete`` flag.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from slrbcall.calls.registry import Registry, normalise_name
from slrbcall.errors import NOWHERE, InputFileError, Problem
from slrbcall.i18n import N_, _, ngettext
from slrbcall.model import (
    Aggregation,
    Application,
    ApplicationStatus,
    Call,
    Criterion,
    Organisation,
)

__all__ = [
    "FLAG_CONFLICT_EXCLUDED",
    "FLAG_DISAGREEMENT",
    "FLAG_INCOMPLETE",
    "INCOMPLETE_TREATMENTS",
    "Mark",
    "ScoreLine",
    "check_marks",
    "conflicts",
    "flag_label",
    "missing_marks",
    "rank",
    "score",
    "score_line_json",
]

FLAG_CONFLICT_EXCLUDED = "conflict_excluded"
FLAG_DISAGREEMENT = "disagreement"
FLAG_INCOMPLETE = "incomplete"
#: The flags as the officer reads them (the English label is the flag itself).
_FLAG_LABELS = {
    FLAG_CONFLICT_EXCLUDED: N_("conflict_excluded"),
    FLAG_DISAGREEMENT: N_("disagreement"),
    FLAG_INCOMPLETE: N_("incomplete"),
}


def flag_label(flag: str) -> str:
    """A flag of the ranking as the officer reads it; an unknown flag as it is."""
    label = _FLAG_LABELS.get(flag)
    return flag if label is None else _(label)


#: The ways ``score(allow_incomplete=...)`` may treat missing marks.
INCOMPLETE_TREATMENTS = ("skip-reviewer", "zero")

_PLACES = 4
# A partner field may name several organisations ("ASBL X / Foyer Y").
_PARTNER_SEPARATORS = re.compile(r"[,;/+\n]| & | et | en | and ")


@dataclass(frozen=True, slots=True)
class Mark:
    """One reviewer's mark for one criterion of one application.

    ``mark`` is on the criterion's own scale, 0..``max_mark``, decimals allowed.
    ``place`` is where it was read (a problem without a message), for messages.
    """

    reference: str
    reviewer: str
    criterion: str
    mark: Decimal
    comment: str | None = None
    place: Problem = NOWHERE

    @property
    def where(self) -> str:
        """The place in words: ``scores.xlsx: sheet 'Notes', row 4, column C (...)``."""
        return self.place.where


@dataclass(frozen=True, slots=True)
class ScoreLine:
    """The committee's verdict on one eligible application.

    ``score`` is ``None`` when the application cannot be scored (marks missing and no
    treatment allowed, or no reviewer left); it is never a partial score in disguise.
    ``reviewers`` counts the reviewers whose marks went into ``score``; ``missing``
    lists every expected (reviewer, criterion) pair without a mark, whatever the
    treatment; ``treatment`` says in words how such a gap was handled.
    """

    reference: str
    score: Decimal | None
    reviewer_scores: Mapping[str, Decimal] = field(default_factory=dict)
    criterion_scores: Mapping[str, Decimal] = field(default_factory=dict)
    spread: Decimal | None = None
    flags: tuple[str, ...] = ()
    reviewers: int = 0
    missing: tuple[tuple[str, str], ...] = ()
    treatment: str | None = None


# -- conflicts of interest ---------------------------------------------------------------


@functools.cache  # each committee member's linked names, once per call, not per application
def _words(text: str) -> tuple[str, ...]:
    """The words of ``text`` as comparison keys (case-folded, accents stripped)."""
    return tuple(w for w in (normalise_name(part) for part in re.split(r"\W+", text)) if w)


def _contains(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    """Whether ``needle`` occurs in ``haystack`` as consecutive whole words."""
    size = len(needle)
    return size > 0 and any(
        tuple(haystack[i : i + size]) == tuple(needle) for i in range(len(haystack) - size + 1)
    )


def _partner_orgs(application: Application, registry: Registry) -> set[str]:
    """Keys of the registry organisations that the partner field names without doubt."""
    partner = application.partner
    if not partner:
        return set()
    parts = [partner, *_PARTNER_SEPARATORS.split(partner)]
    return {org.key for part in parts if (org := registry.match(part.strip())) is not None}


def _names_partner(org: Organisation, application: Application) -> bool:
    """Whether the partner field names ``org``, compared as normalised words.

    Catches what :meth:`Registry.match` leaves out on purpose: a name inside a longer
    text (several partners, an added "ASBL ... en samenwerking met ..."), or a name two
    organisations share. For a conflict of interest a false alarm only sets a reviewer
    aside, visibly; a miss lets a reviewer mark a partner's project. Hence the caution.
    """
    number = application.partner_enterprise_number
    if number is not None and number == org.enterprise_number:
        return True
    partner = application.partner
    if not partner:
        return False
    text_words = _words(partner)
    text_key = normalise_name(partner)
    for name in (org.name.fr, org.name.nl):
        # Whole-key equality catches "Logiris" for "Log'iris", which splits into two words.
        if normalise_name(name) == text_key or _contains(text_words, _words(name)):
            return True
    return False


def conflicts(
    call: Call, applications: Sequence[Application], registry: Registry
) -> dict[str, frozenset[str]]:
    """Reference -> keys of the committee members who may not mark that application.

    A member is in conflict when one of their declared ``links`` is the applicant, the
    second housing company or the commune the application names, or is the partner:
    matched through the registry, or by its French or Dutch name (normalised words)
    inside the partner text, or by its enterprise number. Every application has an
    entry (an empty set when nobody is in conflict).
    """
    result: dict[str, frozenset[str]] = {}
    for application in applications:
        partner_keys = _partner_orgs(application, registry)
        result[application.reference] = frozenset(
            member.key
            for member in call.committee
            if any(_linked(link, application, partner_keys, registry) for link in member.links)
        )
    return result


def _linked(
    link: str, application: Application, partner_keys: Collection[str], registry: Registry
) -> bool:
    """Whether the organisation ``link`` is one of the application's parties: its
    applicant, its second housing company, its commune or its partner."""
    if link in (application.applicant, application.second_housing_company, application.commune):
        return True
    if link in partner_keys:
        return True
    org = registry.get(link)
    return org is not None and _names_partner(org, application)


# -- checking marks ----------------------------------------------------------------------


#: What a mark may name that the call or the workspace does not know.
_UNKNOWN = {
    "application": (
        N_("unknown application '{word}'"),
        N_("unknown application '{word}' (did you mean '{hint}'?)"),
    ),
    "committee member": (
        N_("unknown committee member '{word}'"),
        N_("unknown committee member '{word}' (did you mean '{hint}'?)"),
    ),
    "criterion": (
        N_("unknown criterion '{word}'"),
        N_("unknown criterion '{word}' (did you mean '{hint}'?)"),
    ),
}


def _unknown(what: str, word: str, choices: Iterable[str]) -> str:
    hint = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    plain, suggesting = _UNKNOWN[what]
    return _(suggesting if hint else plain).format(word=word, hint=hint[0] if hint else "")


@dataclass(frozen=True, slots=True)
class _Lookup:
    """What a mark is checked against, built once per check."""

    applications: Mapping[str, Application]
    members: frozenset[str]
    criteria: Mapping[str, Criterion]
    conflicts: Mapping[str, frozenset[str]]


def _problem_of(mark: Mark, known: _Lookup) -> str | None:
    """What is wrong with one mark on its own (the first thing found), or ``None``."""
    application = known.applications.get(mark.reference)
    if application is None:
        return _unknown("application", mark.reference, known.applications)
    if mark.reviewer not in known.members:
        return _unknown("committee member", mark.reviewer, known.members)
    criterion = known.criteria.get(mark.criterion)
    if criterion is None:
        return _unknown("criterion", mark.criterion, known.criteria)
    if application.status is not ApplicationStatus.ELIGIBLE:
        return _(
            "application '{reference}' is ineligible and is not marked: remove this mark"
        ).format(reference=mark.reference)
    if mark.reviewer in known.conflicts.get(mark.reference, frozenset()):
        return _(
            "'{reviewer}' has a conflict of interest with application '{reference}' and may "
            "not mark it"
        ).format(reviewer=mark.reviewer, reference=mark.reference)
    # NaN and infinities are refused here too: they compare with nothing.
    if not mark.mark.is_finite() or not 0 <= mark.mark <= criterion.max_mark:
        return _(
            "mark {mark} is out of range for criterion '{criterion}': write a mark from 0 "
            "to {maximum}"
        ).format(mark=f"{mark.mark:f}", criterion=criterion.key, maximum=criterion.max_mark)
    return None


def check_marks(
    marks: Sequence[Mark],
    *,
    call: Call,
    applications: Sequence[Application],
    conflicts: Mapping[str, frozenset[str]],
) -> list[Problem]:
    """Every bad mark, in input order, one problem each; empty when all are usable.

    Refused: an unknown application, committee member or criterion (with a "did you
    mean"), a mark for an ineligible application, a mark by a member in conflict, a
    mark outside 0..max_mark, and a second mark for the same (reference, reviewer,
    criterion), which names the place of the first.
    """
    known = _Lookup(
        applications={a.reference: a for a in applications},
        members=frozenset(m.key for m in call.committee),
        criteria={c.key: c for c in call.criteria},
        conflicts=conflicts,
    )
    first_at: dict[tuple[str, str, str], str] = {}
    problems: list[Problem] = []
    for mark in marks:
        message = _problem_of(mark, known)
        key = (mark.reference, mark.reviewer, mark.criterion)
        if message is None and key in first_at:
            message = _(
                "'{reviewer}' marked '{criterion}' of '{reference}' twice (first at {place})"
            ).format(
                reviewer=mark.reviewer,
                criterion=mark.criterion,
                reference=mark.reference,
                place=first_at[key],
            )
        first_at.setdefault(key, mark.where)
        if message is not None:
            problems.append(mark.place.saying(message))
    return problems


# -- gaps --------------------------------------------------------------------------------


def _expected(call: Call, in_conflict: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """The (reviewer, criterion) pairs an application needs, in committee then call order."""
    return tuple(
        (member.key, criterion.key)
        for member in call.committee
        if member.key not in in_conflict
        for criterion in call.criteria
    )


def missing_marks(
    marks: Sequence[Mark],
    *,
    call: Call,
    applications: Sequence[Application],
    conflicts: Mapping[str, frozenset[str]],
) -> dict[str, tuple[tuple[str, str], ...]]:
    """Reference -> the (reviewer, criterion) pairs expected but absent.

    One entry per ELIGIBLE application (an empty tuple when it is complete). Expected:
    every committee member not in conflict, times every criterion.
    """
    given = {(m.reference, m.reviewer, m.criterion) for m in marks}
    return {
        a.reference: tuple(
            pair
            for pair in _expected(call, conflicts.get(a.reference, frozenset()))
            if (a.reference, *pair) not in given
        )
        for a in applications
        if a.status is ApplicationStatus.ELIGIBLE
    }


# -- scores ------------------------------------------------------------------------------


def _round(numerator: int, denominator: int) -> Decimal:
    """``numerator / denominator`` (``denominator > 0``) to 4 decimal places,
    ROUND_HALF_EVEN, computed on integers (exact, whether or not the ratio is reduced)."""
    quotient, remainder = divmod(numerator * 10**_PLACES, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2):
        quotient += 1
    return Decimal(quotient).scaleb(-_PLACES)


def _combine(numerators: Sequence[int], aggregation: Aggregation) -> tuple[int, int]:
    """The mean or the median of values over one denominator ``d``, as ``(n, m)``: the
    value is ``n / (m × d)``."""
    if aggregation is Aggregation.MEDIAN:
        ordered = sorted(numerators)
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle], 1
        return ordered[middle - 1] + ordered[middle], 2
    return sum(numerators), len(numerators)


def _units(marks: Sequence[Mark]) -> tuple[dict[tuple[str, str, str], int], int]:
    """Every mark as a whole number of ``1/q``, and ``q``: the least common denominator
    of the marks (1 when they are whole, 2 for halves, 100 for cents)."""
    ratios = {(m.reference, m.reviewer, m.criterion): m.mark.as_integer_ratio() for m in marks}
    q = math.lcm(1, *(denominator for _numerator, denominator in ratios.values()))
    return {key: n * (q // d) for key, (n, d) in ratios.items()}, q


def score(
    marks: Sequence[Mark],
    *,
    call: Call,
    applications: Sequence[Application],
    conflicts: Mapping[str, frozenset[str]],
    allow_incomplete: str | None = None,
) -> list[ScoreLine]:
    """One line per eligible application, sorted by reference.

    ``allow_incomplete`` says what to do with an application whose expected marks are
    not all in: ``None`` leaves it unscored (``score`` None: it cannot be allocated
    until complete); ``"skip-reviewer"`` leaves out each reviewer with a missing mark
    for it; ``"zero"`` counts each missing mark as 0. The ``incomplete`` flag stays
    in every case. Raises :class:`InputFileError` when :func:`check_marks` finds
    problems, and :class:`ValueError` for an unknown treatment.
    """
    if allow_incomplete is not None and allow_incomplete not in INCOMPLETE_TREATMENTS:
        raise ValueError(
            f"unknown treatment of missing marks {allow_incomplete!r}: "
            f"use one of {', '.join(INCOMPLETE_TREATMENTS)}"
        )
    problems = check_marks(marks, call=call, applications=applications, conflicts=conflicts)
    if problems:
        raise InputFileError(problems)
    gaps = missing_marks(marks, call=call, applications=applications, conflicts=conflicts)
    total_weight = sum((Fraction(c.weight) for c in call.criteria), Fraction(0))
    if total_weight <= 0:
        raise ValueError(f"call '{call.id}': the criteria's weights add up to {total_weight}")
    # Exact, on integers (the formulas of the module's docstring): a mark is a whole
    # number of 1/q; a criterion score, mark / max_mark × 100, is then a whole number
    # over q × max_mark; and a reviewer's weighted score is a whole number over q × k,
    # k the common denominator of the criteria's factors weight × 100 / (max_mark ×
    # Σ weight). The same values as with fractions, ten times as fast (a call of 100
    # applications and 2,500 marks: 3 ms rather than 30).
    given, q = _units(marks)
    factors = {c.key: Fraction(c.weight) * 100 / (c.max_mark * total_weight) for c in call.criteria}
    k = math.lcm(*(f.denominator for f in factors.values()))
    whole = {key: f.numerator * (k // f.denominator) for key, f in factors.items()}
    weighted_over = q * k
    lines = []
    for reference in sorted(gaps):
        in_conflict = conflicts.get(reference, frozenset())
        missing = gaps[reference]
        short = {reviewer for reviewer, _criterion in missing}
        reviewers = [m.key for m in call.committee if m.key not in in_conflict]
        treatment: str | None = None
        if missing and allow_incomplete is None:
            treatment = ngettext(
                "not scored until complete: {count} missing mark",
                "not scored until complete: {count} missing marks",
                len(missing),
            ).format(count=len(missing))
            reviewers = []
        elif missing and allow_incomplete == "skip-reviewer":
            reviewers = [r for r in reviewers if r not in short]
            if reviewers:
                treatment = _("reviewers with missing marks left out: {reviewers}")
            else:
                treatment = _(
                    "reviewers with missing marks left out: {reviewers}; no reviewer left to "
                    "score it"
                )
            treatment = treatment.format(reviewers=", ".join(sorted(short)))
        elif missing:
            treatment = ngettext(
                "{count} missing mark counted as 0",
                "{count} missing marks counted as 0",
                len(missing),
            ).format(count=len(missing))

        # Per reviewer, each mark in units of 1/q; a mark still absent here is only
        # possible under "zero", where it counts as 0.
        units = {
            r: {c.key: given.get((reference, r, c.key), 0) for c in call.criteria}
            for r in reviewers
        }
        weighted = {
            r: sum(whole[c.key] * units[r][c.key] for c in call.criteria) for r in reviewers
        }
        flags = {FLAG_INCOMPLETE} if missing else set()
        if in_conflict:
            flags.add(FLAG_CONFLICT_EXCLUDED)
        final: Decimal | None = None
        spread: Decimal | None = None
        criterion_scores: dict[str, Decimal] = {}
        if weighted:
            values = list(weighted.values())
            numerator, times = _combine(values, call.aggregation)
            final = _round(numerator, times * weighted_over)
            spread = _round(max(values) - min(values), weighted_over)
            criterion_scores = {}
            for c in call.criteria:
                numerator, times = _combine([units[r][c.key] for r in reviewers], call.aggregation)
                criterion_scores[c.key] = _round(numerator * 100, times * q * c.max_mark)
            threshold = call.disagreement_threshold
            if threshold is not None and spread > threshold:
                flags.add(FLAG_DISAGREEMENT)
        lines.append(
            ScoreLine(
                reference=reference,
                score=final,
                reviewer_scores=MappingProxyType(
                    {r: _round(weighted[r], weighted_over) for r in sorted(weighted)}
                ),
                criterion_scores=MappingProxyType(criterion_scores),
                spread=spread,
                flags=tuple(sorted(flags)),
                reviewers=len(weighted),
                missing=missing,
                treatment=treatment,
            )
        )
    return lines


# -- ranking and output ------------------------------------------------------------------


def rank(lines: Iterable[ScoreLine]) -> list[tuple[int | None, ScoreLine, bool]]:
    """The lines by score descending, then reference (code point); unscored last.

    Each comes with its 1-based rank (``None`` without a score) and whether its score
    equals a neighbour's. Tied lines share a rank (1, 2, 2, 4): the reference only
    orders the display here; the call's tie-break chain decides at allocation.
    """
    all_lines = list(lines)
    scored = sorted(
        ((line.score, line) for line in all_lines if line.score is not None),
        key=lambda pair: (-pair[0], pair[1].reference),
    )
    result: list[tuple[int | None, ScoreLine, bool]] = []
    for position, (value, line) in enumerate(scored):
        before = scored[position - 1][0] if position else None
        after = scored[position + 1][0] if position + 1 < len(scored) else None
        shared = result[-1][0] if value == before else position + 1
        result.append((shared, line, value in (before, after)))
    unscored = sorted((line for line in all_lines if line.score is None), key=_reference)
    result.extend((None, line, False) for line in unscored)
    return result


def _reference(line: ScoreLine) -> str:
    return line.reference


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def score_line_json(line: ScoreLine) -> dict[str, Any]:
    """``line`` as JSON-ready data: Decimals as plain strings (``"72.5000"``), never floats."""
    return {
        "reference": line.reference,
        "score": _text(line.score),
        "reviewer_scores": {k: f"{v:f}" for k, v in line.reviewer_scores.items()},
        "criterion_scores": {k: f"{v:f}" for k, v in line.criterion_scores.items()},
        "spread": _text(line.spread),
        "flags": list(line.flags),
        "reviewers": line.reviewers,
        "missing": [{"reviewer": r, "criterion": c} for r, c in line.missing],
        "treatment": line.treatment,
    }
