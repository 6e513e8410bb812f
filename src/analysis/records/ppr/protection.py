"""Protecting the ppr tables: small counts hidden jointly, audited, and marked honestly."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.records import disclosure
from analysis.records.disclosure import audit, cell_choice, relations
from analysis.records.ppr.tables import (
    LEGEND_COLUMN,
    NOTICE_COLUMN,
    PERCENT_TABLES,
    ROW_PERCENTS,
    TABLES,
    cohort_periods,
    links,
    relations_of,
)


def _priority(tables: Mapping[str, pd.DataFrame]) -> dict[disclosure.Cell, int]:
    """Return how much each cell costs the reader: totals (row or column) cost more."""
    out = {}
    for name, table in tables.items():
        layout = TABLES[name][1]
        total = layout.total_row(table)
        row_totals = {t for t, _ in layout.column_relations if t in layout.count_columns}
        for column in layout.count_columns:
            for row in range(len(table)):
                out[(name, row, column)] = int(row == total) + int(column in row_totals)
    return out


def _entries(frames: Mapping[str, pd.DataFrame], cells) -> dict[disclosure.Cell, object]:
    """Return the entry of each cell (table, row, column) of ``frames``, each column read once."""
    columns: dict[tuple[str, str], list] = {}
    out = {}
    for name, row, column in cells:
        if (name, column) not in columns:
            columns[(name, column)] = frames[name][column].tolist()
        out[(name, row, column)] = columns[(name, column)][row]
    return out


def hardened_masks(
    tables: Mapping[str, pd.DataFrame],
    masks: Mapping[str, pd.DataFrame],
    *,
    threshold: int,
    periods: pd.DataFrame,
    width: int | None = None,
) -> tuple[dict[str, pd.DataFrame], audit.Result]:
    """Return the masks with the cells :func:`audit.harden` adds, and the final audit."""
    layouts = {name: TABLES[name][1] for name in tables}
    cells = relations.cells_of(tables, layouts)
    values = {cell: int(value) for cell, value in _entries(tables, cells).items()}
    hidden = {cell for cell, value in _entries(masks, cells).items() if value}
    found, result = audit.harden(
        values,
        hidden,
        relations_of(tables, periods),
        threshold,
        width=width,
        priority=_priority(tables),
    )
    out = {}
    for name, mask in masks.items():
        mask = mask.copy()
        for column in mask.columns:
            mask[column] = [(name, row, column) in found for row in range(len(mask))]
        out[name] = mask
    return out, result


def chosen_masks(
    tables: Mapping[str, pd.DataFrame],
    masks: Mapping[str, pd.DataFrame],
    *,
    threshold: int,
    periods: pd.DataFrame,
    width: int | None = None,
    budget: cell_choice.Budget | None = None,
) -> tuple[dict[str, pd.DataFrame], cell_choice.Choice]:
    """Return the masks of the cells :func:`cell_choice.choose` hides, and the choice."""
    layouts = {name: TABLES[name][1] for name in tables}
    cells = relations.cells_of(tables, layouts)
    values = {cell: int(value) for cell, value in _entries(tables, cells).items()}
    hidden = {cell for cell, value in _entries(masks, cells).items() if value}
    choice = cell_choice.choose(
        values,
        hidden,
        relations_of(tables, periods),
        threshold,
        width=width,
        priority=_priority(tables),
        budget=budget,
    )
    out = {}
    for name, mask in masks.items():
        mask = mask.copy()
        for column in mask.columns:
            mask[column] = [(name, row, column) in choice.hidden for row in range(len(mask))]
        out[name] = mask
    return out, choice


def protect(
    tables: Mapping[str, pd.DataFrame],
    *,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
    suppress: bool = True,
    periods: pd.DataFrame | None = None,
    harden: bool = True,
    width: int | None = None,
) -> dict[str, pd.DataFrame]:
    """Return the tables as text, hidden cells marked (see :func:`protected_tables`)."""
    return protected_tables(
        tables,
        threshold=threshold,
        suppress=suppress,
        periods=periods,
        harden=harden,
        width=width,
    )[0]


def protected_tables(
    tables: Mapping[str, pd.DataFrame],
    *,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
    suppress: bool = True,
    periods: pd.DataFrame | None = None,
    harden: bool = True,
    width: int | None = None,
) -> tuple[dict[str, pd.DataFrame], cell_choice.Choice | None]:
    """Return the tables as text, hidden cells marked (none hidden if not ``suppress``).

    Small counts show ``<threshold``, cells hidden to protect them ``suppressed``; with
    ``suppress`` every table gets a ``legend`` column saying so. ``harden`` chooses the
    complementary cells so that the audit passes (``cell_choice``; ``width``: a protection
    width demanded of ``suppressed`` cells too, default none); without it only the greedy
    step runs (for comparison). ``periods`` must be those the tables were counted with
    (default: the published timeline's). Also returns how the cells were chosen (None
    without ``harden``).
    """
    layouts = {name: TABLES[name][1] for name in tables}
    choice = None
    if suppress:
        periods = cohort_periods() if periods is None else periods
        greedy = links(tables, periods)
        masks = disclosure.hidden_masks(tables, layouts, threshold=threshold, links=greedy)
        if harden:
            masks, choice = chosen_masks(
                tables, masks, threshold=threshold, periods=periods, width=width
            )
    else:
        masks = {
            name: pd.DataFrame(False, index=table.index, columns=list(layouts[name].count_columns))
            for name, table in tables.items()
        }
    shown = {}
    for name, table in tables.items():
        text = disclosure.apply(table, masks[name], threshold)
        if name in PERCENT_TABLES:
            total_row = len(table) - 1
            text["percent"] = disclosure.percentages(
                table["victims"],
                int(table["victims"].iloc[total_row]),
                masks[name]["victims"],
                bool(masks[name]["victims"].iloc[total_row]),
            ).to_numpy()
        if name in ROW_PERCENTS:
            column, part, whole = ROW_PERCENTS[name]
            text[column] = row_percentages(table, masks[name], part, whole).to_numpy()
        if suppress:
            text[LEGEND_COLUMN] = disclosure.legend(threshold)
        shown[name] = text
    return shown, choice


def shown_cells(
    shown: Mapping[str, pd.DataFrame], closures: int | str | None = None
) -> dict[disclosure.Cell, int | str]:
    """Return every count cell as shown (a count, or a mark), table by table.

    ``closures`` stands for the closures column when a table (read from its CSV) lacks it.
    """
    out: dict[disclosure.Cell, int | str] = {}
    for name, table in shown.items():
        for column in TABLES[name][1].count_columns:
            if column in table.columns:
                column_values = [_cell(v) for v in table[column].tolist()]
            else:
                column_values = [closures] * len(table)
            for row, value in enumerate(column_values):
                out[(name, row, column)] = value
    return out


def audit_summary(
    shown: Mapping[str, pd.DataFrame],
    threshold: int,
    periods: pd.DataFrame,
    width: int | None = None,
    closures: int | str | None = None,
) -> tuple[dict, audit.Result]:
    """Return the ``disclosure`` part of ``summary.json`` for tables as shown, and the audit."""
    cells = shown_cells(shown, closures)
    found = relations_of(shown, periods)
    result = audit.audit(cells, found, threshold, width)
    small = disclosure.small_mark(threshold)
    marks = list(cells.values())
    failures = [
        {
            "table": f.cell[0],
            "file": TABLES[f.cell[0]][0],
            "row": label_of(shown[f.cell[0]], f.cell[0], f.cell[1]),
            "column": f.cell[2],
            "mark": f.mark,
            "interval": [_bound(f.low), _bound(f.high)],
        }
        for f in result.failures
    ]
    shown_small = [
        {"table": c[0], "row": label_of(shown[c[0]], c[0], c[1]), "column": c[2]}
        for c in result.shown_small
    ]
    return {
        "marks": disclosure.marks(threshold),
        "legend": disclosure.legend(threshold),
        "protection_width": result.width,
        "hidden_cells": {
            small: marks.count(small),
            disclosure.SUPPRESSED: marks.count(disclosure.SUPPRESSED),
        },
        "information_loss": information_loss(cells, threshold),
        "relations": relations.kinds(found),
        "audit": {
            "method": audit.METHOD,
            "criterion": criterion(threshold, result.width),
            "hidden_cells_audited": len(result.findings),
            # Small cells that the pattern of marks alone narrows within 1..threshold-1 (e.g.
            # four quarters marked <11 under a year marked <11): no suppression can widen them.
            "small_cells_narrowed_by_the_marks_alone": len(result.narrowed),
            "protected": result.protected,
            "under_protected": failures,
            "shown_small_counts": shown_small,
            "contradictions": list(result.contradictions),
        },
    }, result


def information_loss(cells: Mapping[disclosure.Cell, int | str], threshold: int) -> dict:
    """Return what suppression hides: cells by mark, and the share of large cells hidden.

    A large cell is a count of at least ``threshold``: shown, or hidden as ``suppressed``.
    """
    marks = list(cells.values())
    small = disclosure.small_mark(threshold)
    hidden = marks.count(disclosure.SUPPRESSED)
    large = hidden + sum(1 for v in marks if isinstance(v, int) and v >= threshold)
    return {
        "hidden_cells_by_mark": {small: marks.count(small), disclosure.SUPPRESSED: hidden},
        "cells_at_least_threshold": large,
        "share_of_cells_at_least_threshold_hidden": round(hidden / large, 4) if large else 0.0,
    }


def criterion(threshold: int, width: int | None) -> str:
    """Return the audit's criterion in words, for ``summary.json``."""
    small = disclosure.small_mark(threshold)
    text = (
        f"every {small} cell can be anywhere from 1 to {threshold - 1} (or, where the marks "
        f"alone narrow it, anywhere they allow); no shown count is from 1 to {threshold - 1}"
    )
    if width is not None:
        text += f"; every {disclosure.SUPPRESSED} cell's interval is at least {width} wide"
    return text


def _bound(value: float) -> float | int | str | None:
    """Return an interval end for JSON: a whole number when it is one, None when unbounded."""
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return int(round(value)) if abs(value - round(value)) < 1e-6 else round(value, 3)


def label_of(table: pd.DataFrame, name: str, row: int) -> str:
    """Return a readable label of a row: its label columns (``fiscal_year 2016, quarter 1``)."""
    counted = set(TABLES[name][1].count_columns) | {"percent", LEGEND_COLUMN, NOTICE_COLUMN}
    labels = [c for c in table.columns if c not in counted]
    parts = [f"{c} {table[c].iat[row]}" for c in labels if str(table[c].iat[row]) != ""]
    return ", ".join(parts) if parts else f"row {row + 1}"


def row_percentages(table: pd.DataFrame, mask: pd.DataFrame, part: str, whole: str) -> pd.Series:
    """Return ``part`` as a percentage of ``whole`` on each row, hidden where either is hidden."""
    values = [
        disclosure.percentages(
            table[part].iloc[[row]],
            int(table[whole].iloc[row]),
            mask[part].iloc[[row]],
            bool(mask[whole].iloc[row]),
        ).iloc[0]
        for row in range(len(table))
    ]
    return pd.Series(values, index=table.index, dtype=object)


def _cell(value: object) -> int | str:
    """Return a shown cell for JSON: a number, or its mark such as ``<11``."""
    text = str(value)
    return int(text) if text.isdigit() else text
