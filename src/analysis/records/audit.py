"""The disclosure audit: how far an intruder solving every published table narrows a cell.

The intruder sees every shown count, knows every relation the tables imply
(``analysis.records.relations``) and what each mark says (``analysis.records.disclosure``):

- a shown count is its value;
- ``<threshold`` is a count from 1 to ``threshold - 1``;
- ``suppressed`` is a count of at least ``threshold`` (a zero is never hidden).

For each hidden cell the audit minimises and maximises its value subject to all of that by
linear programming (``scipy.optimize.linprog``, HiGHS), which gives its *feasible interval*.
The relaxation to real values can only widen an interval, so the ends are then rounded
inwards to whole numbers, as an intruder working in whole numbers would.

Some narrowing comes from the marks alone, whatever is shown: a fiscal year marked ``<11``
whose four quarters are each marked ``<11`` (and, being listed, at least 1) has at most 7 in
any quarter. No suppression can undo that, so each cell also has its *band*: the interval the
relations and marks give when every shown count is known only as "0" or "at least
``threshold``" (as if every non-zero count were hidden).

Protection criterion, for a protection width ``w`` (default: the threshold): a hidden cell is
protected when ``high - low >= min(w, band width)``. For a small cell (whose band lies within
1 to ``threshold - 1``, narrower than ``w``) that means its interval is its whole band: the
shown counts tell the intruder nothing about it beyond what the marks say. For a
``suppressed`` cell it means at least ``w`` possible values (fewer only where the marks alone
already allow fewer). A shown count from 1 to ``threshold - 1`` is never protected. Cells whose
band is narrower than their mark's are reported (``Result.narrowed``).

:func:`harden` is the audit-and-add loop that makes suppression pass its own audit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from analysis.records import disclosure
from analysis.records.relations import EQ, Relation

Cell = disclosure.Cell
TOLERANCE = 1e-6
METHOD = "linear programming (scipy.optimize.linprog, HiGHS) over every relation and mark"


@dataclass(frozen=True)
class Finding:
    """One hidden cell: its mark, feasible interval, band, and whether that protects it."""

    cell: Cell
    mark: str
    low: float
    high: float
    band: tuple[float, float]
    protected: bool


@dataclass(frozen=True)
class Result:
    """The audit of a set of tables."""

    threshold: int
    width: int
    findings: tuple[Finding, ...]
    shown_small: tuple[Cell, ...] = ()
    contradictions: tuple[str, ...] = ()

    @property
    def protected(self) -> bool:
        """Return True when every hidden cell is protected and no small count is shown."""
        return (
            all(f.protected for f in self.findings)
            and not self.shown_small
            and not self.contradictions
        )

    @property
    def failures(self) -> tuple[Finding, ...]:
        """Return the under-protected hidden cells."""
        return tuple(f for f in self.findings if not f.protected)

    @property
    def narrowed(self) -> tuple[Finding, ...]:
        """Return the small cells whose band (from the marks alone) is narrower than 1..t-1."""
        small = disclosure.small_mark(self.threshold)
        return tuple(
            f for f in self.findings if f.mark == small and _span(*f.band) < self.threshold - 2
        )


def bounds(
    shown: Mapping[Cell, int | str], threshold: int
) -> tuple[dict[Cell, int], dict[Cell, tuple[float, float]]]:
    """Return the shown counts and, for hidden cells, the interval their mark allows.

    ``shown`` maps each count cell to its shown value: an int, or a mark. Raises ValueError
    for anything else.
    """
    small = disclosure.small_mark(threshold)
    values, hidden = {}, {}
    for cell, value in shown.items():
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            values[cell] = int(value)
        elif value == small:
            hidden[cell] = (1.0, float(threshold - 1))
        elif value == disclosure.SUPPRESSED:
            hidden[cell] = (float(threshold), math.inf)
        else:
            raise ValueError(f"cell {cell}: {value!r} is neither a count nor a mark")
    return values, hidden


class _System:
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
        arrays = {}
        for sense, (matrix, vector, owners) in rows.items():
            if matrix:
                arrays[sense] = (sparse.csr_array(np.array(matrix)), np.array(vector), owners)
            else:
                arrays[sense] = (None, None, [])
        problem = (index, arrays, limits)
        self.problems[top] = problem
        return problem

    def _run(self, top: Cell, objective: np.ndarray):
        """Solve one program of a component; remember the values every solution gives."""
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


def _span(low: float, high: float) -> float:
    """Return the width of an interval rounded inwards to whole numbers (inf if unbounded)."""
    if math.isnan(low) or math.isnan(high):
        return -math.inf
    if math.isinf(high):
        return math.inf
    return math.floor(high + TOLERANCE) - math.ceil(low - TOLERANCE)


class _Auditor:
    """Audits hidden cells of one set of tables; the bands are computed once, when needed."""

    def __init__(self, values: Mapping[Cell, int], relations, threshold: int, width: int | None):
        self.values = dict(values)
        self.relations = relations
        self.threshold = disclosure.check_threshold(threshold)
        self.width = self.threshold if width is None else int(width)
        small = (1.0, float(self.threshold - 1))
        large = (float(self.threshold), math.inf)
        box = {c: (small if v < self.threshold else large) for c, v in self.values.items() if v > 0}
        zeros = {c: 0.0 for c, v in self.values.items() if v <= 0}
        self.pattern = _System(zeros, box, relations)
        self.bands: dict[Cell, tuple[float, float]] = {}

    def covers(self, cell: Cell, low: float, high: float, box: tuple[float, float]):
        """Return the band of ``cell`` as far as needed to tell whether it is [low, high].

        An end of [low, high] at the mark's own limit is that end of the band; otherwise the
        band's end is sought by linear programming (or shown beyond it by a known solution).
        Returns (band, whether the band is [low, high]).
        """
        if cell in self.bands:
            band = self.bands[cell]
            return band, band[0] >= low - TOLERANCE and band[1] <= high + TOLERANCE
        seen_low, seen_high = self.pattern.witnessed(cell)
        ends = []
        for end, limit, seen, sign in ((low, box[0], seen_low, 1), (high, box[1], seen_high, -1)):
            if abs(end - limit) <= TOLERANCE:
                ends.append(limit)
            elif sign * (end - seen) > TOLERANCE:
                ends.append(seen)  # a solution of the marks alone lies beyond: not covered
            else:
                ends.append(math.nan)
        if any(math.isnan(e) for e in ends):
            exact_low, exact_high, _ = self.pattern.interval(cell)
            self.bands[cell] = (exact_low, exact_high)
            ends = [exact_low, exact_high]
        band = (ends[0], ends[1])
        return band, band[0] >= low - TOLERANCE and band[1] <= high + TOLERANCE

    def check(self, shown: Mapping[Cell, int | str], cells: Iterable[Cell] | None = None):
        """Return findings (for ``cells``, default every hidden one) and binding relations."""
        values, box = bounds(shown, self.threshold)
        system = _System(values, box, self.relations)
        targets = list(box) if cells is None else [c for c in cells if c in box]
        findings, binding = [], {}
        band_of_mark = (1.0, float(self.threshold - 1))
        for cell in targets:

            def enough(low: float, high: float, cell: Cell = cell) -> bool:
                if _span(low, high) >= self.width - TOLERANCE:
                    return True
                return (
                    box[cell] == band_of_mark
                    and low <= 1 + TOLERANCE
                    and high >= band_of_mark[1] - TOLERANCE
                )

            low, high = system.witnessed(cell)
            protected = enough(low, high)
            if not protected:
                low, high, binding[cell] = system.interval(cell)
                protected = enough(low, high)
            band = (low, high)
            if not protected:
                band, protected = self.covers(cell, low, high, box[cell])
            findings.append(Finding(cell, str(shown[cell]), low, high, band, protected))
        small = tuple(c for c, v in values.items() if 1 <= v < self.threshold)
        contradictions = tuple(system.contradictions)
        return findings, binding, small, contradictions


def audit(
    shown: Mapping[Cell, int | str],
    relations: Sequence[Relation],
    threshold: int,
    width: int | None = None,
) -> Result:
    """Return the audit of the cells ``shown`` (count or mark) under ``relations``.

    The bands are computed from the marks as shown: a shown count 0 is 0, any other shown
    count is known only to be at least ``threshold``.
    """
    threshold = disclosure.check_threshold(threshold)
    pattern = {}
    for cell, value in shown.items():
        if isinstance(value, str):
            pattern[cell] = 1 if value == disclosure.small_mark(threshold) else threshold
        else:
            pattern[cell] = 0 if int(value) == 0 else max(int(value), threshold)
    auditor = _Auditor(pattern, relations, threshold, width)
    findings, _, small, contradictions = auditor.check(shown)
    return Result(threshold, auditor.width, tuple(findings), small, contradictions)


def marked(values: Mapping[Cell, int], hidden: Iterable[Cell], threshold: int):
    """Return each cell as shown: its value, or its mark when hidden."""
    hidden = set(hidden)
    return {
        cell: disclosure.mark_of(value, threshold) if cell in hidden else int(value)
        for cell, value in values.items()
    }


def harden(
    values: Mapping[Cell, int],
    hidden: Iterable[Cell],
    relations: Sequence[Relation],
    threshold: int,
    *,
    width: int | None = None,
    priority: Mapping[Cell, int] | None = None,
    max_rounds: int = 1000,
) -> tuple[set[Cell], Result]:
    """Return hidden cells that pass the audit (a superset of ``hidden``) and that audit.

    Each round audits; for every under-protected cell it hides one more shown non-zero cell of
    the relations that bind its interval (the smallest value, then the lowest ``priority``,
    e.g. inner cells before totals, then the order of ``values``); it repeats until the audit
    passes or no cell is left to hide. Hiding a cell only widens the others' intervals, so a
    round re-audits only the cells that failed and the cells just hidden. Deterministic.
    """
    hidden = set(hidden)
    priority = priority or {}
    order = {cell: i for i, cell in enumerate(values)}
    cost = {c: (values[c], priority.get(c, 0), order[c]) for c in values}
    touching: dict[Cell, list[Relation]] = {}
    for relation in relations:
        for cell in relation.cells:
            touching.setdefault(cell, []).append(relation)
    auditor = _Auditor(values, relations, threshold, width)
    done: dict[Cell, Finding] = {}
    pending: set[Cell] = set(hidden)
    small: tuple[Cell, ...] = ()
    contradictions: tuple[str, ...] = ()
    for _ in range(max_rounds):
        shown = marked(values, hidden, threshold)
        findings, binding, small, contradictions = auditor.check(
            shown, [c for c in values if c in pending]
        )
        done.update((f.cell, f) for f in findings)
        failures = [f for f in findings if not f.protected]
        added: set[Cell] = set()
        for failure in failures:
            # One cell added this round to a relation binding this failure may be enough:
            # leave it to the next round's audit rather than hide more now.
            if any(c in added for r in binding.get(failure.cell, ()) for c in r.cells):
                continue
            pick = _pick(failure.cell, binding, touching, hidden | added, values, cost)
            if pick is not None:
                added.add(pick)
        if not added:
            break
        hidden |= added
        pending = {f.cell for f in failures} | added
    result = Result(
        auditor.threshold,
        auditor.width,
        tuple(done[c] for c in values if c in hidden),
        small,
        contradictions,
    )
    return hidden, result


def _pick(cell, binding, touching, hidden, values, cost) -> Cell | None:
    """Return the cheapest shown non-zero cell of the relations binding ``cell`` (or nearby)."""

    def cheapest(relations: Iterable[Relation]) -> Cell | None:
        candidates = {c for r in relations for c in r.cells if c not in hidden and values[c] > 0}
        return min(candidates, key=cost.__getitem__) if candidates else None

    found = cheapest(binding.get(cell, ()))
    if found is None:
        found = cheapest(touching.get(cell, ()))
    if found is None:
        near = {c for r in touching.get(cell, ()) for c in r.cells if c in hidden}
        found = cheapest(r for c in near for r in touching.get(c, ()))
    return found
