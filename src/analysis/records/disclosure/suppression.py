"""Disclosure control for tables counted from client records: small-count suppression.

Primary suppression hides every count from 1 to ``threshold - 1`` (default threshold 11, so
1 to 10). Zero may be shown.

Complementary suppression then hides more cells so that no hidden cell can be worked out from
the visible cells. This module's first step is greedy: every *relation* is a set of cells that
add up (the parts of a column with the table's Total row, the parts of a row with its total
column, clients = victims + family_members, or links between tables: the quarters of a year
with that year's row, the same Total shown in two tables). While any relation has exactly one
hidden cell, the smallest other visible non-zero cell of that relation is hidden too, until
nothing changes. ``disclosure.audit`` then checks the result against every relation the tables
imply, inequalities included, by linear programming, and ``disclosure.cell_choice``
chooses the complementary cells by optimization so that every small cell is protected
(``ppr.protect`` runs both).

Marks (each says something true about its cell; :func:`legend` gives the text shown with them):
- ``<11`` (``SMALL_MARK`` for threshold 11): a count from 1 to 10, hidden because it is small.
- ``suppressed`` (``SUPPRESSED``): a count hidden so that no small count can be worked out; it
  is never a count from 1 to ``threshold - 1``, and, as a zero is never hidden, it is at least
  ``threshold``. A percentage of a hidden count, or of a hidden total, is also ``suppressed``.

Choices, and why:
- Total rows counted over distinct persons are not the sum of their rows (a person who
  re-enters in a later year counts once), and victims or family members of a year are not the
  sum of its quarters. The greedy step still treats every such Total as if it were the sum of
  its rows; the audit uses the exact relations (``analysis.records.disclosure.relations``).
- A zero is never hidden. Hiding a zero protects little (a hidden cell whose partner is 0 is
  bounded by the relation's remainder, which is its true value; zeros are often known from
  elsewhere), and it lets ``suppressed`` mean "at least the threshold", which the audit can
  model exactly. A relation with one hidden cell always has a visible non-zero cell: a hidden
  cell is non-zero, and a part that is non-zero makes its total non-zero, and the reverse.
- Ties are broken deterministically: smaller value first, then inner cells before totals,
  then the order of the cells (table, row, column).
- A percentage is shown only when both its count and its denominator are shown
  (:func:`percentages`), so a share never reveals a hidden count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 11
TOTAL_LABEL = "Total"
SUPPRESSED = "suppressed"
HIDDEN_PERCENT = SUPPRESSED
CLIENTS_RELATION = ("clients", ("victims", "family_members"))

Cell = tuple[str, int, str]
"""A cell of a named table: (table name, row position, column name)."""


@dataclass(frozen=True)
class Layout:
    """How a table's count cells add up.

    ``count_columns`` hold counts. When ``label_column`` is given, the row whose label is
    ``total_label`` is the column totals (treated as the sum of the other rows).
    ``column_relations`` are (total column, part columns) that hold on every row.
    """

    count_columns: tuple[str, ...]
    label_column: str | None = None
    total_label: str = TOTAL_LABEL
    column_relations: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())

    def total_row(self, table: pd.DataFrame) -> int | None:
        """Return the position of the Total row (the last row so labelled), or None."""
        if self.label_column is None:
            return None
        labels = table[self.label_column].tolist()
        where = [row for row, label in enumerate(labels) if str(label) == self.total_label]
        return where[-1] if where else None


def small_mark(threshold: int = DEFAULT_THRESHOLD) -> str:
    """Return the mark of a hidden small count (``<11`` for threshold 11)."""
    return f"<{threshold}"


def hidden_text(threshold: int = DEFAULT_THRESHOLD) -> str:
    """Return the mark of a hidden small count (the same as :func:`small_mark`)."""
    return small_mark(threshold)


SMALL_MARK = small_mark(DEFAULT_THRESHOLD)


def marks(threshold: int = DEFAULT_THRESHOLD) -> dict[str, str]:
    """Return each mark a table may show, with what it says about its cell."""
    threshold = check_threshold(threshold)
    if threshold == 1:
        small = "not used (threshold 1: no count is small)"
    elif threshold == 2:
        small = "a count of 1, hidden because it is small"
    else:
        small = f"a count from 1 to {threshold - 1}, hidden because it is small"
    return {
        small_mark(threshold): small,
        SUPPRESSED: (
            f"a count of {threshold} or more, hidden so that no small count can be worked "
            "out from the other figures; as a percentage, the share of a hidden count or "
            "of a hidden total"
        ),
    }


def legend(threshold: int = DEFAULT_THRESHOLD) -> str:
    """Return the legend of the marks, one line of text (shown with every suppressed table)."""
    return "; ".join(f"{mark} = {meaning}" for mark, meaning in marks(threshold).items())


def mark_of(value: int, threshold: int = DEFAULT_THRESHOLD) -> str:
    """Return the mark of a hidden count: ``<threshold`` if small, else ``suppressed``.

    Raises ValueError for a zero (never hidden: no mark would be true of it).
    """
    if value <= 0:
        raise ValueError(f"a count of {value} is never hidden")
    return small_mark(threshold) if value < threshold else SUPPRESSED


def check_threshold(threshold: int) -> int:
    """Return ``threshold`` if it is a whole number of at least 1, else raise ValueError."""
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)):
        raise ValueError(f"the threshold is a whole number, not {threshold!r}")
    if threshold < 1:
        raise ValueError(f"the threshold is at least 1, not {threshold}")
    return int(threshold)


def protect(
    values: Sequence[int] | np.ndarray,
    relations: Iterable[Sequence[int]],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    hidden: np.ndarray | None = None,
    priority: Sequence[int] | np.ndarray | None = None,
) -> np.ndarray:
    """Return which cells to hide: small counts, then complements (the greedy step).

    ``values`` are the counts of all cells; each relation lists the cells (by index) that add up
    (parts and total together). ``hidden`` marks cells already hidden (kept hidden);
    ``priority`` ranks cells of equal value for complementary hiding (lower hidden first).
    At the end no relation has exactly one hidden cell, unless its other cells are all zero.
    """
    threshold = check_threshold(threshold)
    values = np.asarray(values, dtype="int64")
    if (values < 0).any():
        raise ValueError("counts are never negative")
    small = (values >= 1) & (values < threshold)
    hidden = small if hidden is None else (np.asarray(hidden, dtype=bool) | small)
    hidden = hidden.copy()
    rank = np.zeros(len(values), dtype="int64") if priority is None else np.asarray(priority)
    groups = [np.unique(np.asarray(r, dtype="int64")) for r in relations if len(set(r)) >= 2]
    changed = True
    while changed:
        changed = False
        for group in groups:
            if hidden[group].sum() != 1:
                continue
            visible = [int(c) for c in group if not hidden[c] and values[c] > 0]
            if not visible:
                continue  # nothing non-zero to hide; the audit judges what is left
            pick = min(visible, key=lambda c: (values[c], rank[c], c))
            hidden[pick] = True
            changed = True
    return hidden


class _Grid:
    """All count cells of several tables, numbered, with their relations."""

    def __init__(self, tables: Mapping[str, pd.DataFrame], layouts: Mapping[str, Layout]):
        self.index: dict[Cell, int] = {}
        values: list[int] = []
        priority: list[int] = []
        self.relations: list[list[int]] = []
        for name, table in tables.items():
            layout = layouts[name]
            total = layout.total_row(table)
            row_totals = {t for t, _ in layout.column_relations if t in layout.count_columns}
            for column in layout.count_columns:
                for row, value in enumerate(table[column].to_numpy()):
                    self.index[(name, row, column)] = len(values)
                    values.append(int(value))
                    priority.append(int(row == total) + int(column in row_totals))
            for column in layout.count_columns:
                if total is not None:
                    parts = [self.index[(name, r, column)] for r in range(len(table)) if r != total]
                    self.relations.append([*parts, self.index[(name, total, column)]])
            for total_column, parts in layout.column_relations:
                if total_column not in layout.count_columns:
                    continue
                for row in range(len(table)):
                    cells = [(name, row, c) for c in (*parts, total_column)]
                    self.relations.append([self.index[c] for c in cells])
        self.values = np.asarray(values, dtype="int64")
        self.priority = np.asarray(priority, dtype="int64")

    def add(self, relation: Sequence[Cell]) -> None:
        """Add a relation given as cells."""
        self.relations.append([self.index[c] for c in relation])


def hidden_masks(
    tables: Mapping[str, pd.DataFrame],
    layouts: Mapping[str, Layout],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    links: Iterable[Sequence[Cell]] = (),
) -> dict[str, pd.DataFrame]:
    """Return, per table, a boolean frame over its count columns: True where a cell is hidden.

    ``links`` are extra relations across tables, each a list of cells that add up (for one
    figure shown in two tables, the two cells).
    """
    grid = _Grid(tables, layouts)
    for link in links:
        grid.add(link)
    hidden = protect(grid.values, grid.relations, threshold, priority=grid.priority)
    masks = {}
    for name, table in tables.items():
        columns = layouts[name].count_columns
        mask = pd.DataFrame(False, index=table.index, columns=list(columns))
        for column in columns:
            cells = [grid.index[(name, row, column)] for row in range(len(table))]
            mask[column] = hidden[cells]
        masks[name] = mask
    return masks


def apply(table: pd.DataFrame, mask: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD):
    """Return ``table`` as text, the cells marked in ``mask`` shown by :func:`mark_of`."""
    out = table.astype(object).copy()
    for column in mask.columns:
        values = table[column].astype("int64")
        hide = mask[column].to_numpy()
        if (values.to_numpy()[hide] <= 0).any():
            raise ValueError(f"column {column}: a zero is never hidden")
        text = values.astype(str).astype(object)
        hidden = values.map(lambda v: mark_of(v, threshold) if v > 0 else "").astype(object)
        out[column] = text.where(~hide, hidden)
    return out


def _single(
    table: pd.DataFrame,
    count_columns: Sequence[str],
    label_column: str | None,
    total_label: str,
    column_relations: Iterable[tuple[str, Sequence[str]]],
) -> Layout:
    columns = tuple(count_columns)
    relations = tuple(
        (total, tuple(parts))
        for total, parts in column_relations
        if total in columns and all(p in columns for p in parts)
    )
    label = label_column if label_column is not None else table.columns[0]
    return Layout(columns, label, total_label, relations)


def hidden_mask(
    table: pd.DataFrame,
    count_columns: Sequence[str],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    label_column: str | None = None,
    total_label: str = TOTAL_LABEL,
    column_relations: Iterable[tuple[str, Sequence[str]]] = (CLIENTS_RELATION,),
) -> pd.DataFrame:
    """Return True where :func:`suppress` hides a cell of one table (count columns only).

    ``label_column`` (default: the first column) holds ``total_label`` on the Total row.
    Column relations whose columns are not all counted are ignored.
    """
    layout = _single(table, count_columns, label_column, total_label, column_relations)
    return hidden_masks({"table": table}, {"table": layout}, threshold=threshold)["table"]


def suppress(
    table: pd.DataFrame,
    count_columns: Sequence[str],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    label_column: str | None = None,
    total_label: str = TOTAL_LABEL,
    column_relations: Iterable[tuple[str, Sequence[str]]] = (CLIENTS_RELATION,),
) -> pd.DataFrame:
    """Return one table as text with small and recoverable counts hidden (see the marks)."""
    relations = tuple(column_relations)
    mask = hidden_mask(
        table,
        count_columns,
        threshold=threshold,
        label_column=label_column,
        total_label=total_label,
        column_relations=relations,
    )
    return apply(table, mask, threshold)


def percentages(
    counts: pd.Series,
    total: int,
    hidden: pd.Series | None = None,
    total_hidden: bool = False,
    *,
    decimals: int = 1,
) -> pd.Series:
    """Return each count as a percentage of ``total``, as text.

    A percentage is hidden (shown as ``suppressed``) when its count or the total is hidden, so
    a share never gives away a hidden number. An empty total gives blank percentages.
    """
    hidden = pd.Series(False, index=counts.index) if hidden is None else hidden
    if total == 0:
        return pd.Series("", index=counts.index, dtype=object)
    values = (counts.astype("float64") * 100.0 / total).round(decimals)
    text = values.map(lambda v: f"{v:.{decimals}f}").astype(object)
    conceal = hidden.to_numpy() | bool(total_hidden)
    return text.where(~conceal, HIDDEN_PERCENT)
