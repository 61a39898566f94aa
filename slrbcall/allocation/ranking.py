"""The ranking: score descending, then the tie-break chain, then the reference.

The reference is unique, so the order is total and does not depend on the order
the candidates came in. For each application we also record which key of the
chain decided its place against a neighbour with the same score.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import NamedTuple

from .inputs import Candidate

__all__ = ["Ranked", "rank", "tie_break_chain"]

_ZERO = Decimal(0)


class Ranked(NamedTuple):
    """A candidate at its place: ``position`` is 0-based, ``rank`` is ``position + 1``.

    ``tie_key`` is the tie-break key that placed it against ``tied_with`` (a
    neighbour with the same score); ``ahead`` says whether it came out ahead of it.
    A NamedTuple, not a frozen dataclass: one is made per application and the bench
    ranks 100,000 of them, where a frozen dataclass costs three times as much.
    """

    candidate: Candidate
    position: int
    tie_key: str | None = None
    tied_with: str | None = None
    ahead: bool = False

    @property
    def rank(self) -> int:
        return self.position + 1


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


def rank(candidates: Sequence[Candidate], tie_break: Sequence[str]) -> list[Ranked]:
    """Rank ``candidates`` (all eligible) by score descending, then ``tie_break``."""
    chain = tie_break_chain(tie_break)
    # Sort on each score's place among the distinct scores: exact (equal Decimals hash
    # alike, 61.7 == 61.70) and much faster to compare than Decimals.
    distinct = sorted({c.score for c in candidates}, reverse=True)
    place = {score: i for i, score in enumerate(distinct)}
    keyed: list[tuple[tuple[object, ...], Candidate]]
    if chain == ("id",):
        keyed = [((place[c.score], c.reference), c) for c in candidates]
    else:
        functions = [_key_function(key) for key in chain]
        keyed = [((place[c.score], *(f(c) for f in functions)), c) for c in candidates]
    keyed.sort(key=lambda pair: pair[0])

    keys = [key for key, _ in keyed]
    ordered = [c for _, c in keyed]
    single = chain[0] if len(chain) == 1 else None

    def deciding(a: tuple[object, ...], b: tuple[object, ...]) -> str:
        """The chain key that separates two keys with the same score place."""
        if single is not None:
            return single
        for position, key in enumerate(chain, start=1):
            if a[position] != b[position]:
                return key
        raise AssertionError("two candidates with the same reference")  # pragma: no cover

    ranked: list[Ranked] = []
    append = ranked.append
    last = len(keys) - 1
    for i, (key, c) in enumerate(zip(keys, ordered, strict=True)):
        if i > 0 and keys[i - 1][0] == key[0]:
            # Prefer the reason it is below its neighbour: that is what a refusal explains.
            append(Ranked(c, i, deciding(keys[i - 1], key), ordered[i - 1].reference, False))
        elif i < last and keys[i + 1][0] == key[0]:
            append(Ranked(c, i, deciding(key, keys[i + 1]), ordered[i + 1].reference, True))
        else:
            append(Ranked(c, i))
    return ranked
