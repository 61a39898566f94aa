"""The ranking: score descending, then the tie-break chain, then the reference.

The reference is unique, so the order is total and does not depend on the order
the candidates came in. For each application we also record which key of the
chain decided its place against a neighbour with the same score.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .inputs import Candidate

__all__ = ["Ranked", "describe_key", "rank", "tie_break_chain"]

_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Ranked:
    """A candidate at its place: ``index`` is 0-based, ``rank`` is ``index + 1``.

    ``tie_key`` is the tie-break key that placed it against ``tied_with`` (a
    neighbour with the same score); ``ahead`` says whether it came out ahead of it.
    """

    candidate: Candidate
    index: int
    tie_key: str | None = None
    tied_with: str | None = None
    ahead: bool = False

    @property
    def rank(self) -> int:
        return self.index + 1


def tie_break_chain(keys: Sequence[str]) -> tuple[str, ...]:
    """The chain as given, with ``id`` (the reference) appended as the last key."""
    return tuple(keys) if "id" in keys else (*keys, "id")


def _key_function(key: str) -> Callable[[Candidate], object]:
    if key == "id":
        # Plain code-point order: Python compares str by code point, with no locale.
        return lambda c: c.reference
    if key == "request-asc":
        return lambda c: c.requested_cents
    if key == "request-desc":
        return lambda c: -c.requested_cents
    if key.startswith("criterion:"):
        criterion = key.removeprefix("criterion:")

        def by_criterion(c: Candidate) -> object:
            # Higher first; an application without this mark goes after those with one.
            value = c.criterion_scores.get(criterion)
            return (1, _ZERO) if value is None else (0, -value)

        return by_criterion
    if key.startswith("lottery:"):
        seed = key.removeprefix("lottery:")
        # A published seed makes the draw reproducible by anyone: sha256 of seed and
        # reference, so an application's lot does not depend on the others.
        return lambda c: hashlib.sha256(f"{seed}:{c.reference}".encode()).hexdigest()
    raise ValueError(f"unknown tie-break key '{key}'")


def describe_key(key: str) -> str:
    """The key in words, for the explanations: 'the smaller request', ..."""
    if key == "id":
        return "reference order"
    if key == "request-asc":
        return "the smaller request"
    if key == "request-desc":
        return "the larger request"
    if key.startswith("criterion:"):
        return f"the higher mark on '{key.removeprefix('criterion:')}'"
    return f"the lottery with seed {key.removeprefix('lottery:')}"


def rank(candidates: Sequence[Candidate], tie_break: Sequence[str]) -> list[Ranked]:
    """Rank ``candidates`` (all eligible) by score descending, then ``tie_break``."""
    chain = tie_break_chain(tie_break)
    functions = [_key_function(key) for key in chain]
    keyed = [((-c.score, *(f(c) for f in functions)), c) for c in candidates]
    keyed.sort(key=lambda pair: pair[0])

    def deciding(upper: int, lower: int) -> str | None:
        """The chain key that put ``upper`` above ``lower``, when their scores are equal."""
        a, b = keyed[upper][0], keyed[lower][0]
        if a[0] != b[0]:
            return None
        for position, key in enumerate(chain, start=1):
            if a[position] != b[position]:
                return key
        raise AssertionError("two candidates with the same reference")  # pragma: no cover

    ranked: list[Ranked] = []
    last = len(keyed) - 1
    for index, (_, candidate) in enumerate(keyed):
        above = deciding(index - 1, index) if index > 0 else None
        if above is not None:
            # Prefer the reason it is below its neighbour: that is what a refusal explains.
            ranked.append(Ranked(candidate, index, above, keyed[index - 1][1].reference, False))
            continue
        below = deciding(index, index + 1) if index < last else None
        if below is not None:
            ranked.append(Ranked(candidate, index, below, keyed[index + 1][1].reference, True))
        else:
            ranked.append(Ranked(candidate, index))
    return ranked
