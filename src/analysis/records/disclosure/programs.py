"""The linear programs of the disclosure audit: the least and greatest value of a hidden cell.

Each program is built once in HiGHS (``highspy``) and re-solved with only its objective (or
its bounds) changed, from the previous basis. Free cells linked by relations form one
component, and each component is one :class:`Program`. ``highspy`` is imported when the first
program is built, so code that never audits a hidden cell never loads it.

Fewer solves, same answers: every solution found is a feasible point, so it shows values a cell
can take (``witnessed``), in its own box and in any later box it lies in; and an end that a
solution attains at the bound the rows imply by propagation (:func:`implied_bounds`) is that
end, with no program of its own (``proven_end``). Neither shortcut loosens a tolerance: a
cell not shown at its end this way still gets its own program.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from analysis.records.disclosure.propagation import at_most, implied_bounds
from analysis.records.disclosure.relations import EQ, Relation
from analysis.records.disclosure.suppression import Cell

DUAL_TOLERANCE = 1e-9
POINT_TOLERANCE = 1e-9  # how far outside a new box a remembered solution may lie (bounds)
POOL = 1024  # solutions remembered for later boxes (the latest; 8 bytes a cell each)
PROOF_TOLERANCE = 1e-9  # a solution this close to a propagated bound attains it
OPTIMAL, INFEASIBLE, UNBOUNDED = "optimal", "infeasible", "unbounded"


@dataclass(frozen=True)
class Solution:
    """One solve: its status, objective value, values, and the duals of rows and columns.

    The duals are empty when the solve did not ask for them (:meth:`Program.with_duals`).
    """

    status: str
    value: float
    x: np.ndarray
    row_dual: np.ndarray
    col_dual: np.ndarray
    message: str = ""


class Program:
    """One linear program over ``cells`` in boxes, under ``relations`` (other cells fixed)."""

    def __init__(
        self,
        cells: Sequence[Cell],
        box: Mapping[Cell, tuple[float, float]],
        relations: Iterable[Relation],
        fixed: Mapping[Cell, float],
    ) -> None:
        import highspy  # loaded only when a hidden cell is audited

        self._highspy = highspy
        self.cells = list(cells)
        self.index = {cell: i for i, cell in enumerate(self.cells)}
        self.rows: list[Relation] = []
        self.rhs: list[float] = []
        starts, columns, coefficients, lower, upper = [], [], [], [], []
        for relation in relations:
            rhs = relation.rhs
            terms: dict[int, float] = {}
            for cell, k in relation.terms:
                if cell in self.index:
                    terms[self.index[cell]] = terms.get(self.index[cell], 0.0) + k
                else:
                    rhs -= k * fixed[cell]
            if not terms or self._implied(terms, rhs, relation.sense, box):
                continue
            starts.append(len(columns))
            columns.extend(terms)
            coefficients.extend(terms.values())
            lower.append(rhs if relation.sense == EQ else -highspy.kHighsInf)
            upper.append(rhs)
            self.rows.append(relation)
            self.rhs.append(rhs)
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        # Re-solves change only the objective or bounds: primal simplex from the last basis.
        self.highs.setOptionValue("presolve", "off")
        self.highs.setOptionValue("simplex_strategy", 4)
        lows, highs = self._limits(self.cells, box)
        self.highs.addVars(len(self.cells), lows, highs)
        if self.rows:
            self.highs.addRows(
                len(self.rows),
                np.array(lower, dtype=np.double),
                np.array(upper, dtype=np.double),
                len(columns),
                np.array(starts, dtype=np.int32),
                np.array(columns, dtype=np.int32),
                np.array(coefficients, dtype=np.double),
            )
        self.costs: dict[int, float] = {}
        self.low = np.full(len(self.cells), math.inf)
        self.high = np.full(len(self.cells), -math.inf)
        self.bounds = (lows, highs)
        # The latest optimal solutions (at most POOL, the oldest overwritten), one per row.
        self.points = np.empty((0, len(self.cells)))
        self.found = 0  # solutions found so far
        self.feasible = False
        self.rows_at_most = at_most(starts, columns, coefficients, lower, upper)
        self.implied: tuple[np.ndarray, np.ndarray] | None = None  # of the current box

    def _implied(self, terms: dict[int, float], rhs: float, sense: str, box) -> bool:
        """Return True for a row ``k * cell <= rhs`` (k < 0) its cell's lower bound implies.

        Such rows (every count is at least 0; a listed row at least 1) are left out: every
        box a program is given keeps a cell's lower bound at least its first one.
        """
        if len(terms) != 1 or sense == EQ:
            return False
        ((i, k),) = terms.items()
        return k < 0 and rhs / k <= box[self.cells[i]][0] + 1e-12

    def _limits(self, cells: Sequence[Cell], box: Mapping[Cell, tuple[float, float]]):
        """Return the lower and upper bounds of ``cells`` as HiGHS takes them."""
        inf = self._highspy.kHighsInf
        lows = np.array([box[c][0] for c in cells], dtype=np.double)
        highs = np.array([inf if math.isinf(box[c][1]) else box[c][1] for c in cells])
        return lows, highs.astype(np.double)

    def set_box(self, box: Mapping[Cell, tuple[float, float]]) -> None:
        """Change the bounds of the cells named in ``box``; the rest keep theirs.

        No lower bound may go below the cell's first one (rows it implied were left out).
        The solutions found in earlier boxes that lie in the new one are feasible in it too
        (the rows never change): they are the witnesses to start from.
        """
        cells = [c for c in box if c in self.index]
        if cells:
            lows, highs = self._limits(cells, box)
            where = np.array([self.index[c] for c in cells], dtype=np.int32)
            self.highs.changeColsBounds(len(cells), where, lows, highs)
            self.bounds[0][where], self.bounds[1][where] = lows, highs
        self.low[:] = math.inf
        self.high[:] = -math.inf
        self.implied = None
        if self.found:
            points = self.points[: min(self.found, POOL)]
            lows, highs = self.bounds
            inside = (points >= lows - POINT_TOLERANCE) & (points <= highs + POINT_TOLERANCE)
            kept = points[inside.all(axis=1)]
            if len(kept):
                self.low, self.high = kept.min(axis=0), kept.max(axis=0)

    def _remember(self, x: np.ndarray) -> None:
        """Keep the solution ``x`` for later boxes (over the oldest once POOL are kept)."""
        if self.found < POOL and self.found == len(self.points):
            grown = np.empty((min(POOL, max(16, 2 * len(self.points))), len(self.cells)))
            grown[: self.found] = self.points
            self.points = grown
        self.points[self.found % POOL] = x
        self.found += 1

    def solve(self, objective: Mapping[Cell, float], duals: bool = True) -> Solution:
        """Minimise ``sum(k * cell)``; remember the range of values every solution gives.

        Without ``duals`` an optimal solution carries none (:meth:`with_duals` adds them).
        """
        wanted = {self.index[c]: float(k) for c, k in objective.items()}
        change = {i: 0.0 for i in self.costs if i not in wanted} | wanted
        if change:
            where = np.fromiter(change, dtype=np.int32, count=len(change))
            self.highs.changeColsCost(len(change), where, np.fromiter(change.values(), np.double))
        self.costs = {i: k for i, k in wanted.items() if k}
        self.highs.run()
        status = self.highs.getModelStatus()
        codes = self._highspy.HighsModelStatus
        empty = np.zeros(0)
        if status == codes.kOptimal:
            x = np.asarray(self.highs.getSolution().col_value)
            self.low, self.high = np.minimum(self.low, x), np.maximum(self.high, x)
            self._remember(x)
            self.feasible = True
            solution = Solution(OPTIMAL, self.highs.getObjectiveValue(), x, empty, empty)
            return self.with_duals(solution) if duals else solution
        if status == codes.kUnbounded or (status == codes.kUnboundedOrInfeasible and self.feasible):
            return Solution(UNBOUNDED, -math.inf, empty, empty, empty)
        message = self.highs.modelStatusToString(status)
        return Solution(INFEASIBLE, math.nan, empty, empty, empty, message)

    def with_duals(self, solution: Solution) -> Solution:
        """Return ``solution`` (the last one this program solved) with its duals."""
        found = self.highs.getSolution()
        return replace(
            solution, row_dual=np.asarray(found.row_dual), col_dual=np.asarray(found.col_dual)
        )

    def proven_end(self, cell: Cell, sign: float) -> float | None:
        """Return the least (``sign`` 1) or greatest (-1) value of ``cell``, if known unsolved.

        It is known when a solution found in this box attains the bound that propagating
        the box through the rows implies (no feasible value lies beyond that bound); the
        bound is returned. Else None: the cell needs its own program.
        """
        if self.implied is None:
            self.implied = implied_bounds(self.rows_at_most, *self.bounds)
        i = self.index[cell]
        if sign > 0:
            bound = float(self.implied[0][i])
            return bound if self.low[i] <= bound + PROOF_TOLERANCE else None
        bound = float(self.implied[1][i])
        return bound if self.high[i] >= bound - PROOF_TOLERANCE else None

    def witnessed(self, cell: Cell) -> tuple[float, float]:
        """Return the least and greatest value of ``cell`` in the solutions found so far."""
        i = self.index[cell]
        return float(self.low[i]), float(self.high[i])

    def stretch(self, targets: Mapping[Cell, tuple[float, float]]) -> None:
        """Solve a few programs that push many cells at once towards their target ends.

        Each program minimises (then maximises) the sum of the cells whose witnessed values
        have not yet reached their target end; it stops when a program brings no new cell
        there. Cells whose box is unbounded above are only pushed down.
        """
        for sign, end in ((1.0, 0), (-1.0, 1)):
            open_ = [c for c in targets if sign > 0 or not math.isinf(targets[c][1])]
            while open_:
                before = len(open_)
                if self.solve({c: sign for c in open_}, duals=False).status != OPTIMAL:
                    break
                open_ = [c for c in open_ if not self._reached(c, targets[c][end], sign)]
                if len(open_) == before:
                    break

    def _reached(self, cell: Cell, target: float, sign: float) -> bool:
        low, high = self.witnessed(cell)
        return low <= target + 1e-6 if sign > 0 else high >= target - 1e-6

    def binding(self, solution: Solution) -> set[Relation]:
        """Return the relations whose duals are non-zero in ``solution``."""
        return {
            r for r, d in zip(self.rows, solution.row_dual, strict=True) if abs(d) > DUAL_TOLERANCE
        }


class LinearPrograms:
    """The linear programs of one view of the tables: free cells in a box, the rest fixed."""

    def __init__(
        self,
        fixed: Mapping[Cell, float],
        box: Mapping[Cell, tuple[float, float]],
        relations: Sequence[Relation],
    ) -> None:
        self.fixed, self.box = fixed, box
        parent = {cell: cell for cell in box}

        def root(cell: Cell) -> Cell:
            while parent[cell] != cell:
                parent[cell] = parent[parent[cell]]
                cell = parent[cell]
            return cell

        involved = []
        for relation in relations:
            cells = [c for c in relation.cells if c in parent]
            if cells:
                involved.append((relation, cells[0]))
                for cell in cells[1:]:
                    a, b = root(cells[0]), root(cell)
                    if a != b:
                        parent[b] = a
        self.component = {cell: root(cell) for cell in box}
        self.members: dict[Cell, list[Cell]] = {}
        for cell, top in self.component.items():
            self.members.setdefault(top, []).append(cell)
        self.relations: dict[Cell, list[Relation]] = {top: [] for top in self.members}
        for relation, cell in involved:
            self.relations[self.component[cell]].append(relation)
        self.problems: dict[Cell, Program] = {}
        self.contradictions: list[str] = []
        self.seeded: set[Cell] = set()

    def program(self, cell: Cell) -> Program:
        """Return the program of the component of ``cell`` (built on first use)."""
        top = self.component[cell]
        if top not in self.problems:
            self.problems[top] = Program(
                self.members[top], self.box, self.relations[top], self.fixed
            )
        return self.problems[top]

    def stretch(self, targets: Mapping[Cell, tuple[float, float]]) -> None:
        """Push the cells of ``targets`` towards their ends, component by component."""
        groups: dict[Cell, dict[Cell, tuple[float, float]]] = {}
        for cell, target in targets.items():
            groups.setdefault(self.component[cell], {})[cell] = target
        for top, group in groups.items():
            self.seeded.add(top)
            self.program(top).stretch(group)

    def witnessed(self, cell: Cell) -> tuple[float, float]:
        """Return the least and greatest value of ``cell`` in the solutions found so far.

        A component not yet solved is solved twice first (least total, greatest total of the
        cells bounded above), so every cell has feasible values to start from. The feasible
        interval contains these values.
        """
        top = self.component[cell]
        program = self.program(cell)
        if top not in self.seeded:
            self.seeded.add(top)
            program.solve({c: 1.0 for c in program.cells}, duals=False)
            bounded = {c: -1.0 for c in program.cells if not math.isinf(self.box[c][1])}
            if bounded:
                program.solve(bounded, duals=False)
        return program.witnessed(cell)

    def end(self, cell: Cell, sign: float) -> float:
        """Return the least (``sign`` 1) or greatest (-1) feasible value of ``cell``.

        A solution found already may prove it (:meth:`Program.proven_end`); else it is solved.
        """
        proven = self.program(cell).proven_end(cell, sign)
        if proven is not None:
            return proven
        solution = self.program(cell).solve({cell: sign}, duals=False)
        if solution.status == UNBOUNDED:
            return -sign * math.inf
        if solution.status != OPTIMAL:
            self.contradictions.append(f"cell {cell}: {solution.message}")
            return math.nan
        return sign * solution.value

    def interval(
        self, cell: Cell, binding_wanted: bool = True
    ) -> tuple[float, float, set[Relation]]:
        """Return the cell's least and greatest feasible value and the relations binding them.

        Without ``binding_wanted`` an end a solution already proves is taken as it is (see
        :meth:`Program.proven_end`), with no program and no binding relations of its own.
        """
        program = self.program(cell)
        ends, binding = [], set()
        for sign in (1.0, -1.0):
            proven = None if binding_wanted else program.proven_end(cell, sign)
            if proven is not None:
                ends.append(proven)
                continue
            solution = program.solve({cell: sign}, duals=binding_wanted)
            if solution.status == UNBOUNDED:
                ends.append(-sign * math.inf)
            elif solution.status != OPTIMAL:
                self.contradictions.append(f"cell {cell}: {solution.message}")
                ends.append(math.nan)
            else:
                ends.append(sign * solution.value)
                if binding_wanted:
                    binding |= program.binding(solution)
        return ends[0], ends[1], binding
