"""Choosing complementary cells by optimization: the fewest cells hidden that pass the audit.

The model is Fischetti and Salazar-González's for cell suppression. A binary variable per
cell of at least the threshold says whether it is hidden (small counts always are, zeros never);
the cost is the number of cells hidden to protect small ones (``COST``). A mixed-integer master
problem (HiGHS through ``highspy``) chooses a pattern; the intruder's linear programs
(:class:`Intruder`) then check every small cell of it, and each cell the pattern leaves
narrower than its band gives a cut from the duals of its program: the bounds that kept the cell
from its end, as a linear inequality over which cells are hidden. The master problem is a
relaxation, so its optimum is a lower bound, and a pattern it chooses that passes the audit is
optimal.

The budget is counted in master problems and branch-and-bound nodes, never in seconds, so the
same input always gives the same output. When the budget ends before a proven optimum, the
fallback is kept: the audit-and-add rounds (``audit.harden``) followed by a pass that shows
again each complementary cell the audit can do without. A proven optimum needs no fallback (no
pattern has fewer complementary cells), so the fallback is not run then.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from analysis.records.disclosure import audit
from analysis.records.disclosure.programs import OPTIMAL, UNBOUNDED, Program, Solution
from analysis.records.disclosure.relations import Relation
from analysis.records.disclosure.suppression import Cell

COST = "number of complementary cells (hidden only to protect a small count), 1 each"
OPTIMIZED = "optimization (cell-suppression model: mixed-integer master, cuts from the audit)"
FALLBACK = "audit-and-add rounds, then complementary cells the audit can do without shown again"
ROUNDS_ONLY = "audit-and-add rounds (a protection width is demanded: no optimization)"
NOTHING = "no small count: nothing to protect"
EPSILON = 1e-6


@dataclass(frozen=True)
class Budget:
    """How much optimization to try: master problems solved, nodes per master problem."""

    rounds: int = 80
    nodes: int = 500


@dataclass(frozen=True)
class Choice:
    """The hidden cells chosen, how, and how far from a proven optimum."""

    hidden: frozenset[Cell]
    method: str
    complementary: int
    lower_bound: int
    fallback_complementary: int | None
    optimized_complementary: int | None
    rounds: int

    @property
    def proven_optimal(self) -> bool:
        """Return True when no pattern passing the audit has fewer complementary cells."""
        return self.lower_bound >= self.complementary

    @property
    def gap(self) -> float:
        """Return (complementary cells - lower bound) / complementary cells (0 if none)."""
        if self.complementary == 0:
            return 0.0
        return max(0, self.complementary - self.lower_bound) / self.complementary

    def record(self) -> dict:
        """Return the choice as ``summary.json`` records it."""
        return {
            "method": self.method,
            "cost": COST,
            "complementary_cells": self.complementary,
            "proven_optimal": self.proven_optimal,
            "lower_bound": self.lower_bound,
            "gap": round(self.gap, 4),
            "fallback_complementary_cells": self.fallback_complementary,
            "optimized_complementary_cells": self.optimized_complementary,
            "master_problems_solved": self.rounds,
        }


def small_cells(values: Mapping[Cell, int], threshold: int) -> list[Cell]:
    """Return the cells whose count is small (1 to ``threshold - 1``), in order."""
    return [c for c, v in values.items() if 1 <= v < threshold]


class Intruder:
    """The intruder's program over every non-zero cell; a pattern sets its bounds."""

    def __init__(self, values: Mapping[Cell, int], relations: Sequence[Relation], threshold: int):
        self.values = dict(values)
        self.threshold = threshold
        self.cells = [c for c, v in self.values.items() if v > 0]
        self.small = small_cells(self.values, threshold)
        self.mark = {
            c: (1.0, float(threshold - 1)) if c in set(self.small) else (float(threshold), math.inf)
            for c in self.cells
        }
        zeros = {c: 0.0 for c, v in self.values.items() if v <= 0}
        self.program = Program(self.cells, self.mark, relations, zeros)
        self.value = np.array([self.values[c] for c in self.cells], dtype=np.double)
        lows = np.array([self.mark[c][0] for c in self.cells])
        highs = np.array([self.mark[c][1] for c in self.cells])
        self.room_down, self.room_up = self.value - lows, highs - self.value
        self.is_small = np.array([c in set(self.small) for c in self.cells], dtype=bool)
        self.band = self._bands()

    def _bands(self) -> dict[Cell, tuple[float, float]]:
        """Return each small cell's band: its interval when every non-zero cell is hidden."""
        self.program.stretch({c: self.mark[c] for c in self.small})
        ends: dict[Cell, list[float]] = {cell: [] for cell in self.small}
        for sign, end in ((1.0, 0), (-1.0, 1)):
            for cell in self.small:
                target = self.mark[cell][end]
                if abs(self.program.witnessed(cell)[end] - target) <= EPSILON:
                    ends[cell].append(target)
                    continue
                proven = self.program.proven_end(cell, sign)
                if proven is not None:
                    ends[cell].append(proven)
                    continue
                solution = self.program.solve({cell: sign}, duals=False)
                ends[cell].append(sign * solution.value if solution.status == OPTIMAL else target)
        return {cell: (low, high) for cell, (low, high) in ends.items()}

    def box(self, hidden: Iterable[Cell]) -> dict[Cell, tuple[float, float]]:
        """Return every cell's bounds when ``hidden`` (and every small cell) is hidden."""
        hidden = set(hidden) | set(self.small)
        return {
            c: self.mark[c] if c in hidden else (float(self.values[c]),) * 2 for c in self.cells
        }

    def cuts(self, hidden: Iterable[Cell], first: bool = False) -> list[tuple[dict, float]]:
        """Return a cut for each small cell and end the pattern leaves short of its band.

        A cut is (coefficient per cell, right-hand side): sum(k * hidden) >= rhs holds for
        every pattern that lets the cell reach that end. With ``first``, stop at the first.
        """
        box = self.box(hidden)
        self.program.set_box(box)
        self.program.stretch(self.band)
        out = []
        # All least values first, then all greatest: each solution found may already show
        # later cells at their ends (the solutions of a program are remembered).
        for sign, end in ((1.0, 0), (-1.0, 1)):
            for cell in self.small:
                target = self.band[cell][end]
                if self._reached(cell, sign, target):
                    continue
                solution = self.program.solve({cell: sign}, duals=False)
                if solution.status == UNBOUNDED or (
                    solution.status == OPTIMAL and solution.value <= sign * target + EPSILON
                ):
                    continue
                if solution.status == OPTIMAL:
                    solution = self.program.with_duals(solution)
                out.append(self._cut(solution, box, sign * target))
                if first:
                    return out
        return out

    def _reached(self, cell: Cell, sign: float, target: float) -> bool:
        """Return True when a solution found so far has ``cell`` at ``target`` or beyond."""
        low, high = self.program.witnessed(cell)
        return sign * ((low if sign > 0 else high) - target) <= EPSILON

    def _cut(self, solution: Solution, box, target: float) -> tuple[dict, float]:
        """Return the cut the duals of a failed program give (see the module's docstring)."""
        if solution.status != OPTIMAL:  # a contradiction: nothing to learn, demand more cells
            return {c: 1.0 for c in self.cells if c not in self.small}, 1.0
        dual = solution.col_dual
        constant = float(np.dot(solution.row_dual, self.program.rhs) + np.dot(dual, self.value))
        room = np.where(dual > 0, self.room_down, self.room_up)
        active = np.abs(dual) > audit.TOLERANCE
        coefficient = np.zeros(len(dual))
        coefficient[active] = np.abs(dual[active]) * room[active]
        rhs = constant - target - float(coefficient[self.is_small].sum())
        coefficient[self.is_small] = 0.0
        keep = np.flatnonzero(coefficient > EPSILON)
        capped = {self.cells[i]: min(float(coefficient[i]), rhs) for i in keep}
        return capped, rhs - EPSILON * (1.0 + abs(rhs))

    def passes(self, hidden: Iterable[Cell]) -> bool:
        """Return True when the pattern leaves every small cell its whole band."""
        return not self.cuts(hidden, first=True)


class Master:
    """The mixed-integer master problem: which candidate cells to hide, fewest first.

    Each cell costs 1 plus a tie-break below 1/2 in all (inner cells before totals, smaller
    counts first, then the order of the cells), so the fewest cells always win.
    """

    def __init__(self, candidates: Sequence[Cell], nodes: int, order: Sequence[Cell]) -> None:
        import highspy  # loaded only when complementary cells are chosen

        self.candidates = list(candidates)
        self.index = {c: i for i, c in enumerate(self.candidates)}
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("mip_max_nodes", int(nodes))
        self.highs.setOptionValue("mip_rel_gap", 0.0)
        self.highs.setOptionValue("mip_abs_gap", 1e-9)
        # The feasibility-jump heuristic costs most of a small master's time and finds
        # nothing the root's own search does not: the optimum and its proof are unchanged.
        self.highs.setOptionValue("mip_heuristic_run_feasibility_jump", False)
        n = len(self.candidates)
        if n:
            self.highs.addVars(n, np.zeros(n), np.ones(n))
            where = np.arange(n, dtype=np.int32)
            rank = {c: r for r, c in enumerate(c for c in order if c in self.index)}
            ties = np.array([rank[c] + 1.0 for c in self.candidates]) / (n * (n + 1))
            self.highs.changeColsCost(n, where, 1.0 + ties)
            integer = np.array([highspy.HighsVarType.kInteger] * n)
            self.highs.changeColsIntegrality(n, where, integer)
        self._optimal = highspy.HighsModelStatus.kOptimal

    def add(self, cut: tuple[dict, float]) -> None:
        """Add a cut: sum(k * hidden) >= rhs."""
        coefficients, rhs = cut
        terms = {self.index[c]: k for c, k in coefficients.items() if c in self.index}
        where = np.fromiter(terms, dtype=np.int32, count=len(terms))
        values = np.fromiter(terms.values(), dtype=np.double, count=len(terms))
        self.highs.addRow(rhs, math.inf, len(terms), where, values)

    def solve(self) -> tuple[set[Cell] | None, int]:
        """Return the cheapest pattern of the cuts so far (None if not proven) and a bound."""
        if not self.candidates:
            return set(), 0
        self.highs.run()
        info = self.highs.getInfo()
        dual = info.mip_dual_bound  # count + ties, the ties below 1/2
        bound = max(0, math.ceil(dual - 0.5 - EPSILON)) if math.isfinite(dual) else 0
        if self.highs.getModelStatus() != self._optimal:
            return None, bound
        x = self.highs.getSolution().col_value
        return {c for c, v in zip(self.candidates, x, strict=True) if v > 0.5}, bound


def drop(intruder: Intruder, hidden: set[Cell], order: Sequence[Cell]) -> set[Cell]:
    """Return ``hidden`` less each complementary cell (in ``order``) the audit can do without."""
    hidden = set(hidden)
    for cell in order:
        if cell in hidden and cell not in intruder.small:
            trial = hidden - {cell}
            if intruder.passes(trial):
                hidden = trial
    return hidden


def fallback(
    values: Mapping[Cell, int],
    hidden: Iterable[Cell],
    relations: Sequence[Relation],
    threshold: int,
    *,
    priority: Mapping[Cell, int] | None = None,
    intruder: Intruder | None = None,
) -> tuple[set[Cell], bool]:
    """Return the fallback's hidden cells and whether they pass the audit.

    The audit-and-add rounds (``audit.harden``) from ``hidden`` and the small cells, then
    the complementary cells the audit can do without shown again, totals and larger counts
    first.
    """
    priority = priority or {}
    small = set(small_cells(values, threshold))
    found, result = audit.harden(
        values, set(hidden) | small, relations, threshold, priority=priority
    )
    if not result.protected or not small:
        return found, result.protected
    intruder = intruder or Intruder(values, relations, threshold)
    position = {c: i for i, c in enumerate(values)}
    order = sorted(
        (c for c in found if c not in small),
        key=lambda c: (-priority.get(c, 0), -values[c], position[c]),
    )
    return drop(intruder, found, order), True


def choose(
    values: Mapping[Cell, int],
    hidden: Iterable[Cell],
    relations: Sequence[Relation],
    threshold: int,
    *,
    width: int | None = None,
    priority: Mapping[Cell, int] | None = None,
    budget: Budget | None = None,
) -> Choice:
    """Return the hidden cells (small ones and complements) that protect every small count.

    ``hidden`` is where the fallback's rounds start (the greedy step's cells). ``priority``
    orders the fallback's picks (lower first, as ``audit.harden``) and its dropping pass.
    The fallback is run only when the optimization ends without a proven optimum (no
    pattern can then beat it).
    """
    budget = budget or Budget()
    small = set(small_cells(values, threshold))
    count = lambda cells: len(set(cells) - small)  # noqa: E731
    if width is not None or not small:
        found, _ = audit.harden(
            values, set(hidden) | small, relations, threshold, width=width, priority=priority
        )
        n = count(found)
        method = ROUNDS_ONLY if small else NOTHING
        return Choice(frozenset(found), method, n, 0 if small else n, n, None, 0)
    intruder = Intruder(values, relations, threshold)
    candidates = [c for c in intruder.cells if c not in small]
    priority = priority or {}
    position = {c: i for i, c in enumerate(values)}
    order = sorted(candidates, key=lambda c: (priority.get(c, 0), values[c], position[c]))
    master = Master(candidates, budget.nodes, order)
    bound, optimized, rounds = 0, None, 0
    while rounds < budget.rounds:
        rounds += 1
        pattern, bound = master.solve()
        if pattern is None:
            break
        cuts = intruder.cuts(pattern)
        if not cuts:
            optimized = frozenset(pattern | small)
            break
        for cut in cuts:
            master.add(cut)
    if optimized is not None:  # the master's optimum passes the audit: proven optimal
        n = count(optimized)
        return Choice(optimized, OPTIMIZED, n, n, None, n, rounds)
    found, _ = fallback(values, hidden, relations, threshold, priority=priority, intruder=intruder)
    n = count(found)
    return Choice(frozenset(found), FALLBACK, n, min(bound, n), n, None, rounds)
