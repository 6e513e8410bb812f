"""What charts of client records say: how they read protected cells and label themselves."""

from __future__ import annotations

from collections import Counter

import pandas as pd
from matplotlib.figure import Figure

from analysis import charts
from analysis.records import ppr
from analysis.records.release import Release

HIDDEN_HATCH = "xx"
HIDDEN_REASON = "each is a small count, or would reveal one"
"""Why a count is hidden, in words that hold for every mark a protected table uses."""


def shown_numbers(column: pd.Series) -> pd.Series:
    """Return shown counts as numbers; any text that is not a whole number (hidden) as NaN."""
    text = column.astype(str).str.replace(",", "", regex=False).str.strip()
    return pd.to_numeric(text.where(text.str.fullmatch(r"\d+")), errors="coerce")


def shown_percents(column: pd.Series) -> pd.Series:
    """Return shown percentages as numbers; any other text (hidden, blank) as NaN."""
    text = column.astype(str).str.strip()
    return pd.to_numeric(text.where(text.str.fullmatch(r"\d+(\.\d+)?")), errors="coerce")


def finish_record_chart(
    fig: Figure | None,
    *,
    slug: str,
    title: str,
    description: str,
    data: pd.DataFrame,
    release: Release,
) -> charts.Chart:
    """Add title and source line to ``fig`` and return it as a chart (data with notices).

    ``title`` opens with ``release.chart_title_prefix()``; the source line says where the
    counts come from and what is hidden, as ``release`` says. Without a figure (None: every
    value hidden) the chart is a sentence, its title saying why nothing is drawn.
    """
    statuses = ("synthetic",) if release.synthetic else ("client records",)
    notices = release.notices
    if notices:
        data = data.assign(**{ppr.NOTICE_COLUMN: "; ".join(notices)})
    return charts.compose(
        fig,
        slug=slug,
        title=title,
        description=description,
        data=data,
        sources=(),
        statuses=statuses,
        line=release.chart_source_line(),
    )


def shown_text(value: object) -> str:
    """Return a shown cell with thousands separators (hidden cells unchanged)."""
    text = str(value)
    return f"{int(text):,}" if text.isdigit() else text


def hidden_marks(cells: pd.Series) -> str:
    """Return how many cells carry each mark, as the table shows them: ``3 marked <11, ...``.

    Marks are listed in order of first appearance; a blank cell is counted as ``blank``.
    """
    marks = Counter(text.strip() or "blank" for text in cells.astype(str))
    return ", ".join(f"{n} marked {mark}" for mark, n in marks.items())


def counted(n: int, singular: str, plural: str) -> str:
    """Return ``n`` with the noun that agrees with it: ``1 quarter``, ``28 quarters``."""
    return f"{n:,} {singular if n == 1 else plural}"


def all_of(n: int, singular: str, plural: str) -> str:
    """Return the words for every one of ``n`` things: ``all 28 quarters``, ``the one quarter``."""
    return f"the one {singular}" if n == 1 else f"all {n:,} {plural}"
