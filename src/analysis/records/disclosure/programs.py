"""The linear programs of the disclosure audit: the least and greatest value of a hidden cell.

Free cells linked by relations form one component, and each component is one program, built
once and solved by ``scipy.optimize.linprog`` (HiGHS) for every objective asked of it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from analysis.records.disclosure.relations import EQ, Relation
from analysis.records.disclosure.suppression import Cell


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
        self.problems: dict[Cell, tuple] = {}
        self.contradictions: list[str] = []
        self.seen: dict[Cell, list[float]] = {}
        self.seeded: set[Cell] = set()

    def _problem(self, top: Cell) -> tuple:
        if top in self.problems:
            return self.problems[top]
        cells = self.members[top]
        index = {cell: i for i, cell in enumerate(cells)}
        rows = {EQ: ([], [], []), "<=": ([], [], [])}
        for relation in self.relations[top]:
            coefficients = np.zeros(len(cells))
            rhs = relation.rhs
            for cell, k in relation.terms:
                if cell in index:
                    coefficients[index[cell]] += k
                else:
                    rhs -= k * self.fixed[cell]
            matrix, vector, owners = rows[relation.sense]
            matrix.append(coefficients)
            vector.append(rhs)
            owners.append(relation)
        limits = [
            (self.box[c][0], None if math.isinf(self.box[c][1]) else self.box[c][1]) for c in cells
        ]
        from scipy.sparse import csr_array  # loaded only when a program is built

        arrays = {}
        for sense, (matrix, vector, owners) in rows.items():
            if matrix:
                arrays[sense] = (csr_array(np.array(matrix)), np.array(vector), owners)
            else:
                arrays[sense] = (None, None, [])
        problem = (index, arrays, limits)
        self.problems[top] = problem
        return problem

    def _run(self, top: Cell, objective: np.ndarray):
        """Solve one program of a component; remember the values every solution gives."""
        from scipy.optimize import linprog  # loaded only when a program is solved

        index, rows, limits = self._problem(top)
        (a_eq, b_eq, _), (a_ub, b_ub, _) = rows[EQ], rows["<="]
        result = linprog(
            objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=limits, method="highs"
        )
        if result.status == 0:
            for cell, i in index.items():
                seen = self.seen.setdefault(cell, [math.inf, -math.inf])
                seen[0], seen[1] = min(seen[0], result.x[i]), max(seen[1], result.x[i])
        return result

    def witnessed(self, cell: Cell) -> tuple[float, float]:
        """Return the least and greatest value of ``cell`` in the solutions found so far.

        The first call for a component solves two programs (least total, greatest total of
        the cells bounded above), so every cell has feasible values to start from. The
        feasible interval contains these values.
        """
        top = self.component[cell]
        if top not in self.seeded:
            self.seeded.add(top)
            index, _, limits = self._problem(top)
            self._run(top, np.ones(len(index)))
            bounded = np.array([0.0 if high is None else -1.0 for _, high in limits])
            if bounded.any():
                self._run(top, bounded)
        low, high = self.seen.get(cell, (math.inf, -math.inf))
        return low, high

    def interval(self, cell: Cell) -> tuple[float, float, set[Relation]]:
        """Return the cell's least and greatest feasible value and the relations binding them."""
        top = self.component[cell]
        index, rows, _ = self._problem(top)
        ends, binding = [], set()
        for sign in (1.0, -1.0):
            objective = np.zeros(len(index))
            objective[index[cell]] = sign
            result = self._run(top, objective)
            # Every cell is bounded below, so the least value exists when the system is
            # feasible; HiGHS may then report an unbounded greatest value as "infeasible or
            # unbounded", which is unbounded here.
            feasible = bool(ends) and not math.isnan(ends[0])
            if result.status == 3 or (result.status == 2 and sign < 0 and feasible):
                ends.append(-sign * math.inf)
                continue
            if result.status != 0:
                self.contradictions.append(f"cell {cell}: {result.message}")
                ends.append(math.nan)
                continue
            ends.append(sign * result.fun)
            for sense, duals in ((EQ, result.eqlin), ("<=", result.ineqlin)):
                owners = rows[sense][2]
                if owners:
                    marginals = np.asarray(duals.marginals)
                    binding.update(
                        r for r, m in zip(owners, marginals, strict=True) if abs(m) > 1e-9
                    )
        return ends[0], ends[1], binding
