"""What the disclosure audit says of hidden cells, and how it reads a cell as shown.

A shown cell is a count or a mark (``analysis.records.disclosure``); a mark stands for the
interval of counts it allows (:func:`bounds`), and a finding gives the interval the audit found.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from analysis.records.disclosure import suppression
from analysis.records.disclosure.suppression import Cell

TOLERANCE = 1e-6


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
    width: int | None
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
        small = suppression.small_mark(self.threshold)
        return tuple(
            f for f in self.findings if f.mark == small and span(*f.band) < self.threshold - 2
        )


def bounds(
    shown: Mapping[Cell, int | str], threshold: int
) -> tuple[dict[Cell, int], dict[Cell, tuple[float, float]]]:
    """Return the shown counts and, for hidden cells, the interval their mark allows.

    ``shown`` maps each count cell to its shown value: an int, or a mark. Raises ValueError
    for anything else.
    """
    small = suppression.small_mark(threshold)
    values, hidden = {}, {}
    for cell, value in shown.items():
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            values[cell] = int(value)
        elif value == small:
            hidden[cell] = (1.0, float(threshold - 1))
        elif value == suppression.SUPPRESSED:
            hidden[cell] = (float(threshold), math.inf)
        else:
            raise ValueError(f"cell {cell}: {value!r} is neither a count nor a mark")
    return values, hidden


def marked(values: Mapping[Cell, int], hidden: Iterable[Cell], threshold: int):
    """Return each cell as shown: its value, or its mark when hidden."""
    hidden = set(hidden)
    return {
        cell: suppression.mark_of(value, threshold) if cell in hidden else int(value)
        for cell, value in values.items()
    }


def span(low: float, high: float) -> float:
    """Return the width of an interval rounded inwards to whole numbers (inf if unbounded)."""
    if math.isnan(low) or math.isnan(high):
        return -math.inf
    if math.isinf(high):
        return math.inf
    return math.floor(high + TOLERANCE) - math.ceil(low - TOLERANCE)
