"""A 0/1 knapsack with organisation and theme caps, and the HiGHS calls that solve it.

Everything here is integers: costs in units of the gcd of the requests, values are
scores times a power of ten. HiGHS works in floating point, so every solution it
returns is checked again exactly before it is used, and only a proven optimum
(gap 0, status optimal) is accepted; anything else is an error, never a "best found".
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slrbcall.errors import EnvironmentProblemError, RefusedError

__all__ = ["Knapsack", "OptimalityNotProvenError", "Solver"]


class OptimalityNotProvenError(RefusedError):
    """HiGHS did not prove an optimum (time limit or another status): nothing is decided."""


@dataclass(frozen=True, slots=True)
class Knapsack:
    """Items 0..n-1 in rank order; ``org[i]``/``theme[i]`` index a capped row or are -1."""

    costs: Sequence[int]
    values: Sequence[int]
    org: Sequence[int]
    theme: Sequence[int]
    budget: int
    org_room: Sequence[int]
    theme_room: Sequence[int]

    def __len__(self) -> int:
        return len(self.costs)

    def value(self, chosen: Iterable[int]) -> int:
        return sum(self.values[i] for i in chosen)

    def feasible(self, chosen: Collection[int]) -> bool:
        """Exact check of the budget and of every cap."""
        if sum(self.costs[i] for i in chosen) > self.budget:
            return False
        org_used = [0] * len(self.org_room)
        theme_used = [0] * len(self.theme_room)
        for i in chosen:
            if self.org[i] >= 0:
                org_used[self.org[i]] += 1
            if self.theme[i] >= 0:
                theme_used[self.theme[i]] += self.costs[i]
        return all(u <= r for u, r in zip(org_used, self.org_room, strict=True)) and all(
            u <= r for u, r in zip(theme_used, self.theme_room, strict=True)
        )


class Solver:
    """Solves reduced copies of one knapsack with HiGHS, within one overall time limit."""

    def __init__(self, problem: Knapsack, time_limit: float) -> None:
        try:
            import highspy  # noqa: F401 (HiGHS: about 150 ms; its absence is reported)
        except ImportError as exc:
            raise EnvironmentProblemError(
                "max-score needs the HiGHS solver: install it with 'pip install highspy'"
            ) from exc
        self.problem = problem
        self.time_limit = time_limit
        self.deadline = time.monotonic() + time_limit
        self.solves = 0

    def _not_proven(self, what: str) -> OptimalityNotProvenError:
        return OptimalityNotProvenError(
            f"max-score: the solver did not prove optimality within {self.time_limit:g} s "
            f"({what}); raise the time limit or choose another policy"
        )

    def relaxation(
        self, forced: int | None = None
    ) -> tuple[dict[int, float], float, list[float], list[float]]:
        """The LP relaxation (with ``forced`` fixed in): item values and the row duals.

        The duals (budget, organisations, themes) only ever serve as multipliers of an
        exact Lagrangian bound, which is valid for any non-negative multipliers, so
        their float error costs strength, never correctness.
        """
        p = self.problem
        free = [i for i in range(len(p)) if i != forced]
        ones = () if forced is None else (forced,)
        model = self._model(free, ones, [p.values[i] for i in free], None, integral=False)
        if model is None:  # pragma: no cover - every pooled item fits on its own
            raise AssertionError("the relaxation is infeasible")
        highs, rows = model
        status = self._run(highs, "the relaxation")
        if status != "optimal":  # pragma: no cover - an LP over a box with <= rows
            raise self._not_proven(f"the relaxation ended as {status}")
        solution = highs.getSolution()
        duals = [abs(float(d)) for d in solution.row_dual]
        budget = 0.0
        org = [0.0] * len(p.org_room)
        theme = [0.0] * len(p.theme_room)
        for (kind, index), dual in zip(rows, duals, strict=True):
            if kind == "budget":
                budget = dual
            elif kind == "org":
                org[index] = dual
            elif kind == "theme":
                theme[index] = dual
        values = dict(zip(free, (float(v) for v in solution.col_value), strict=True))
        if forced is not None:
            values[forced] = 1.0
        return values, budget, org, theme

    def solve(
        self,
        free: Sequence[int],
        ones: Collection[int],
        weights: Mapping[int, int] | None = None,
        *,
        min_value: int | None = None,
        start: Collection[int] | None = None,
        what: str = "the optimum",
    ) -> frozenset[int] | None:
        """Maximise ``weights`` (default: the values) over ``free``, with ``ones`` fixed in.

        Every other item is fixed out. ``min_value`` requires a total value of at
        least that. Returns the chosen items (``ones`` included), exactly checked, or
        ``None`` when no choice satisfies the constraints.
        """
        p = self.problem
        objective = [(p.values[i] if weights is None else weights.get(i, 0)) for i in free]
        if not free:
            chosen = frozenset(ones)
            ok = p.feasible(chosen) and (min_value is None or p.value(chosen) >= min_value)
            return chosen if ok else None
        model = self._model(free, ones, objective, min_value, integral=True)
        if model is None:
            return None
        highs, _ = model
        if start is not None:
            # HiGHS 1.16's presolve can map a start solution wrongly (parallel columns
            # merged) and then report the start, valued as another set, as proven
            # optimal: measured on a five-item knapsack. A start is given without it.
            highs.setOptionValue("presolve", "off")
            self._start(highs, free, start)
        status = self._run(highs, what)
        if status == "infeasible":
            return None
        if status != "optimal":
            raise self._not_proven(f"{what}: the solver ended as {status}")
        values = highs.getSolution().col_value
        chosen = frozenset(ones) | {i for i, v in zip(free, values, strict=True) if v > 0.5}
        if not p.feasible(chosen) or (min_value is not None and p.value(chosen) < min_value):
            raise self._not_proven(f"{what}: the solution is not exactly feasible")
        return chosen

    def _run(self, h: Any, what: str) -> str:
        import highspy

        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self._not_proven(f"{what}: no time left")
        h.setOptionValue("time_limit", left)
        h.run()
        self.solves += 1
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return "optimal"
        if status == highspy.HighsModelStatus.kInfeasible:
            return "infeasible"
        if status == highspy.HighsModelStatus.kTimeLimit:
            raise self._not_proven(f"{what}: time limit reached")
        return str(h.modelStatusToString(status))

    def _start(self, h: Any, free: Sequence[int], start: Collection[int]) -> None:
        import highspy

        new_solution: Any = highspy.HighsSolution  # Any: highspy's stubs are partial
        solution = new_solution()
        solution.col_value = [1.0 if i in start else 0.0 for i in free]
        h.setSolution(solution)

    def _model(
        self,
        free: Sequence[int],
        ones: Collection[int],
        objective: Sequence[int],
        min_value: int | None,
        *,
        integral: bool,
    ) -> tuple[Any, list[tuple[str, int]]] | None:
        """A HiGHS model over ``free`` only: the fixed items are folded into the rows.

        Returns ``None`` when the fixed items alone already break a row. Rows that
        cannot bind are left out; the returned list names each row that was added.
        """
        import highspy

        p = self.problem
        budget = p.budget - sum(p.costs[i] for i in ones)
        org_room = list(p.org_room)
        theme_room = list(p.theme_room)
        for i in ones:
            if p.org[i] >= 0:
                org_room[p.org[i]] -= 1
            if p.theme[i] >= 0:
                theme_room[p.theme[i]] -= p.costs[i]
        need = None if min_value is None else min_value - p.value(ones)
        if budget < 0 or min(org_room, default=0) < 0 or min(theme_room, default=0) < 0:
            return None
        if need is not None and need > sum(p.values[i] for i in free):
            return None

        n = len(free)
        h = _silent_highs()
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", 0.0)
        # Measured: on these small knapsacks HiGHS spent most of its time in sub-MIP
        # heuristics and restarts; we always hand it a good start solution instead.
        for heuristic in ("rins", "rens", "root_reduced_cost", "feasibility_jump"):
            h.setOptionValue(f"mip_heuristic_run_{heuristic}", False)
        h.setOptionValue("mip_allow_restart", False)
        h.addCols(n, [float(v) for v in objective], [0.0] * n, [1.0] * n, 0, [], [], [])
        if integral:
            h.changeColsIntegrality(n, list(range(n)), [highspy.HighsVarType.kInteger] * n)
        rows: list[tuple[str, int]] = []

        def add(
            kind: str, index: int, cols: list[int], coefs: list[int], lo: float, hi: float
        ) -> None:
            h.addRow(lo, hi, len(cols), cols, [float(v) for v in coefs])
            rows.append((kind, index))

        inf = highspy.kHighsInf
        costs = [p.costs[i] for i in free]
        if sum(costs) > budget:
            add("budget", 0, list(range(n)), costs, -inf, budget)
        org_cols: dict[int, list[int]] = {}
        theme_cols: dict[int, list[int]] = {}
        for col, i in enumerate(free):
            if p.org[i] >= 0:
                org_cols.setdefault(p.org[i], []).append(col)
            if p.theme[i] >= 0:
                theme_cols.setdefault(p.theme[i], []).append(col)
        for org, cols in sorted(org_cols.items()):
            if len(cols) > org_room[org]:
                add("org", org, cols, [1] * len(cols), -inf, org_room[org])
        for theme, cols in sorted(theme_cols.items()):
            theme_costs = [costs[col] for col in cols]
            if sum(theme_costs) > theme_room[theme]:
                add("theme", theme, cols, theme_costs, -inf, theme_room[theme])
        if need is not None and need > 0:
            # The total value of a 0/1 choice is an integer, so ">= need - 1/2" admits
            # exactly the same choices as ">= need" while leaving room for float error.
            add("value", 0, list(range(n)), [p.values[i] for i in free], need - 0.5, inf)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        return h, rows


def _silent_highs() -> Any:
    """A HiGHS solver whose output is off before it has printed anything.

    From highspy 1.8 on, ``highspy.Highs`` is a Python class around the C++ solver
    whose constructor registers callbacks: a solver call that prints the HiGHS banner
    from C on standard output, before any option can be set, and so breaks ``--json``.
    Nothing here uses callbacks, so the C++ solver is built itself and its output
    turned off first (tests/test_allocation_json.py runs the CLI in a subprocess).
    """
    import highspy

    plain: Any = getattr(getattr(highspy, "_core", None), "_Highs", None) or highspy.Highs
    h = plain()
    h.setOptionValue("output_flag", False)
    return h
