"""The disclosure audit: how far an intruder solving every published table narrows a cell.

The intruder sees every shown count, knows every relation the tables imply
(``disclosure.relations``) and what each mark says (``disclosure.suppression``):

- a shown count is its value;
- ``<threshold`` is a count from 1 to ``threshold - 1``;
- ``suppressed`` is a count of at least ``threshold`` (a zero is never hidden).

For each hidden cell the audit minimises and maximises its value subject to all of that by
linear programming (HiGHS through ``highspy``), which gives its *feasible interval*.
The relaxation to real values can only widen an interval, so the ends are then rounded
inwards to whole numbers, as an intruder working in whole numbers would.

Some narrowing comes from the marks alone, whatever is shown: a fiscal year marked ``<11``
whose four quarters are each marked ``<11`` (and, being listed, at least 1) has at most 7 in
any quarter. No suppression can undo that, so each cell also has its *band*: the interval the
relations and marks give when every shown count is known only as "0" or "at least
``threshold``" (as if every non-zero count were hidden).

Protection criterion (what each part protects: README, "Small-count suppression"): a hidden
small cell (``<threshold``) is protected when its interval is its whole band: the shown counts
tell the intruder nothing about it beyond what the marks say. A ``suppressed`` cell needs no
width of its own by default: it is a count of at least the threshold, which may be shown, and
every small cell's interval is already computed with it free. With a protection width ``w``
(``audit --width``) a ``suppressed`` cell must also have ``high - low >= min(w, band width)``.
A shown count from 1 to ``threshold - 1`` is never protected. Cells whose band is narrower than
their mark's are reported (``Result.narrowed``).

For speed, a few programs first push all small cells of a component to their ends at once
(``Program.stretch``); only a cell no such solution has shown at both ends of its mark gets
its own two programs, and a band's end needs none when a solution attains the bound that
propagating the marks through the relations implies (``Program.proven_end``).

:func:`harden` is the audit-and-add loop that makes suppression pass its own audit.

The linear programs are in ``programs``, the findings and the reading of marks in
``findings``; all of it is named here as ``audit.X``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from analysis.records.disclosure import suppression
from analysis.records.disclosure.findings import TOLERANCE, Finding, Result, bounds, marked, span
from analysis.records.disclosure.programs import LinearPrograms
from analysis.records.disclosure.relations import Relation

Cell = suppression.Cell
METHOD = "linear programming (HiGHS through highspy) over every relation and mark"

# What callers name as ``audit.X``: the audit, the audit-and-add loop and what they report.
__all__ = [
    "METHOD",
    "TOLERANCE",
    "Cell",
    "Finding",
    "LinearPrograms",
    "Result",
    "audit",
    "bounds",
    "harden",
    "marked",
]


class _Auditor:
    """Audits hidden cells of one set of tables; the bands are computed once, when needed."""

    def __init__(self, values: Mapping[Cell, int], relations, threshold: int, width: int | None):
        self.values = dict(values)
        self.relations = relations
        self.threshold = suppression.check_threshold(threshold)
        self.width = None if width is None else int(width)
        small = (1.0, float(self.threshold - 1))
        large = (float(self.threshold), math.inf)
        box = {c: (small if v < self.threshold else large) for c, v in self.values.items() if v > 0}
        zeros = {c: 0.0 for c, v in self.values.items() if v <= 0}
        self.pattern = LinearPrograms(zeros, box, relations)
        self.bands: dict[Cell, tuple[float, float]] = {}

    def bands_of(self, cells: Iterable[Cell]) -> dict[Cell, tuple[float, float]]:
        """Return the band of each of ``cells`` (each computed once).

        A few programs push all the cells to the ends of their marks at once; an end no
        solution reached is then sought by its own program.
        """
        box = self.pattern.box
        new = [c for c in cells if c not in self.bands]
        if new:
            self.pattern.stretch({c: box[c] for c in new if box[c][1] < self.threshold})
        ends: dict[Cell, list[float]] = {cell: [] for cell in new}
        for sign, side in ((1.0, 0), (-1.0, 1)):  # all least values first, then all greatest
            for cell in new:
                end, found = box[cell][side], self.pattern.witnessed(cell)[side]
                ends[cell].append(
                    end if sign * (found - end) <= TOLERANCE else self.pattern.end(cell, sign)
                )
        self.bands.update((cell, (low, high)) for cell, (low, high) in ends.items())
        return {c: self.bands[c] for c in cells}

    def enough(self, cell: Cell, mark: tuple[float, float], low: float, high: float) -> bool:
        """Return True when [low, high] protects a hidden cell whose mark allows ``mark``.

        A small cell needs its whole band; a ``suppressed`` cell needs ``width`` possible
        values (or its whole band, if narrower) when a width is demanded, else nothing.
        """
        if mark[1] < self.threshold:
            band = self.bands_of([cell])[cell]
            return low <= band[0] + TOLERANCE and high >= band[1] - TOLERANCE
        if self.width is None or span(low, high) >= self.width - TOLERANCE:
            return True
        band = self.bands_of([cell])[cell]
        return low <= band[0] + TOLERANCE and high >= band[1] - TOLERANCE

    def check(
        self,
        shown: Mapping[Cell, int | str],
        cells: Iterable[Cell] | None = None,
        binding_wanted: bool = True,
    ):
        """Return findings (for ``cells``, default every hidden one) and binding relations.

        Without ``binding_wanted`` (an audit that adds no cell) no binding relations are
        sought, and an interval's end a solution already proves needs no program.
        """
        values, box = bounds(shown, self.threshold)
        system = LinearPrograms(values, box, self.relations)
        targets = list(box) if cells is None else [c for c in cells if c in box]
        system.stretch(self.bands_of([c for c in targets if box[c][1] < self.threshold]))
        findings, binding = [], {}
        for cell in targets:
            low, high = system.witnessed(cell)
            protected = self.enough(cell, box[cell], low, high)
            if not protected:
                low, high, binding[cell] = system.interval(cell, binding_wanted)
                protected = self.enough(cell, box[cell], low, high)
            band = self.bands.get(cell, (low, high))
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
    threshold = suppression.check_threshold(threshold)
    pattern = {}
    for cell, value in shown.items():
        if isinstance(value, str):
            pattern[cell] = 1 if value == suppression.small_mark(threshold) else threshold
        else:
            pattern[cell] = 0 if int(value) == 0 else max(int(value), threshold)
    auditor = _Auditor(pattern, relations, threshold, width)
    findings, _, small, contradictions = auditor.check(shown, binding_wanted=False)
    return Result(threshold, auditor.width, tuple(findings), small, contradictions)


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
