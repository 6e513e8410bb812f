"""The periods a record chart is drawn by: periods, half-years or fiscal years, as published.

A table by period has a ``quarter`` or ``half`` column beside ``fiscal_year`` (or only the
fiscal year, ``ppr.grains``); these give its bars' positions, tick labels and words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

PERIODS = {
    "quarter": ("quarter", "Q", "federal fiscal quarter"),
    "half": ("half-year", "H", "half of a federal fiscal year"),
    None: ("fiscal year", "FY", "federal fiscal year"),
}
"""A table's period column (None: fiscal years only): its word, tick prefix, and long name."""


def period_column(table: pd.DataFrame) -> str | None:
    """Return the period column of a table by period (``quarter``, ``half``), None by year."""
    return next((c for c in ("quarter", "half") if c in table.columns), None)


def period_labels(periods: pd.DataFrame) -> list[str]:
    """Return each period's tick label: ``Q1``, ``H2``, or ``FY2016`` for a table by year."""
    column = period_column(periods)
    prefix = PERIODS[column][1]
    values = periods["fiscal_year"] if column is None else periods[column]
    return [f"{prefix}{v}" for v in values]


def period_name(row: pd.Series, column: str | None) -> str:
    """Return a period as words: ``FY2016 Q3``, ``FY2016 H1`` or ``FY2016``."""
    year = f"FY{row['fiscal_year']}"
    return year if column is None else f"{year} {PERIODS[column][1]}{row[column]}"


def positions(periods: pd.DataFrame) -> np.ndarray:
    """Return the x position of each period's bar: in order, with a gap between fiscal years."""
    if period_column(periods) is None:
        return np.arange(len(periods), dtype=float)
    years = periods["fiscal_year"].astype(int).factorize()[0]
    return np.arange(len(periods)) + years * 0.6


def chart_width(periods: pd.DataFrame) -> float:
    """Return the width of a chart by period, in inches: 11, or more for many periods."""
    return max(11.0, 0.3 * len(periods) + 2.0)


def year_labels(ax: Axes, periods: pd.DataFrame, x: np.ndarray) -> None:
    """Label each fiscal year under its periods' ticks (nothing for a table by year)."""
    if period_column(periods) is None:
        return
    for year, group in periods.groupby("fiscal_year", sort=False):
        ax.annotate(
            f"FY{year}",
            (x[group.index].mean(), 0),
            xytext=(0, -22),
            textcoords="offset points",
            ha="center",
            va="top",
            fontweight="bold",
            annotation_clip=False,
        )
