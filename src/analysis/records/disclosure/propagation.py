"""Bounds that the rows of a linear program imply on its cells: propagation through the box.

A row ``sum(k * x) <= rhs`` bounds each of its cells by what the boxes of the others leave;
repeating that over every row tightens the box without solving anything. Every bound found
holds for every feasible point, so a solution found at such a bound shows it is the cell's
least or greatest value (``programs.Program.proven_end``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

PASSES = 100  # propagation stops earlier once no bound moves
MOVE = 1e-9  # a bound moving less than this does not count as moving


@dataclass(frozen=True)
class AtMost:
    """Rows as ``sum(k * x) <= rhs``, one entry per term (an equality gives two rows)."""

    row: np.ndarray
    column: np.ndarray
    coefficient: np.ndarray
    rhs: np.ndarray


def at_most(
    starts: Sequence[int],
    columns: Sequence[int],
    coefficients: Sequence[float],
    lower: Sequence[float],
    upper: Sequence[float],
) -> AtMost:
    """Return the rows of a program (as HiGHS takes them) as rows ``<= rhs``."""
    ends = [*starts[1:], len(columns)] if len(starts) else []
    row, column, coefficient, rhs = [], [], [], []
    for start, end, low, high in zip(starts, ends, lower, upper, strict=True):
        for sign, limit in ((1.0, high), (-1.0, -low)):
            if math.isinf(limit):
                continue
            row.extend([len(rhs)] * (end - start))
            column.extend(columns[start:end])
            coefficient.extend(sign * k for k in coefficients[start:end])
            rhs.append(limit)
    return AtMost(
        np.array(row, dtype=np.int64),
        np.array(column, dtype=np.int64),
        np.array(coefficient, dtype=np.double),
        np.array(rhs, dtype=np.double),
    )


def implied_bounds(
    rows: AtMost, lows: np.ndarray, highs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return bounds every feasible point obeys: the box tightened by propagating the rows.

    Each row ``sum(k * x) <= rhs`` bounds each of its cells by what the others' boxes leave
    (the least the others can add); repeated while a bound moves, at most ``PASSES`` times.
    Every bound returned is valid, if not always the tightest.
    """
    low, high = lows.astype(np.double), highs.astype(np.double)
    if not len(rows.rhs):
        return low, high
    k, column, count = rows.coefficient, rows.column, len(rows.rhs)
    usable = k != 0
    for _ in range(PASSES):
        with np.errstate(invalid="ignore"):
            least = np.where(k > 0, k * low[column], k * high[column])
        least = np.where(usable, least, 0.0)
        endless = np.isinf(least)
        finite = np.where(endless, 0.0, least)
        total = np.bincount(rows.row, weights=finite, minlength=count)
        endless_total = np.bincount(rows.row, weights=endless, minlength=count)
        rest = total[rows.row] - finite
        bounded = usable & (endless_total[rows.row] - endless == 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            bound = (rows.rhs[rows.row] - rest) / k
        new_high, new_low = high.copy(), low.copy()
        up = bounded & (k > 0)
        np.minimum.at(new_high, column[up], bound[up])
        down = bounded & (k < 0)
        np.maximum.at(new_low, column[down], bound[down])
        moved = (new_high < high - MOVE).any() or (new_low > low + MOVE).any()
        low, high = new_low, new_high
        if not moved:
            break
    return low, high
