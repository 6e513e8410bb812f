"""What charts of client records say: how they read protected cells and label themselves."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from analysis import charts
from analysis.records import disclosure, ppr

SYNTHETIC_LABEL = "SYNTHETIC records"
HIDDEN_HATCH = "xx"


def shown_numbers(column: pd.Series) -> pd.Series:
    """Return shown counts as numbers; any text that is not a whole number (hidden) as NaN."""
    text = column.astype(str).str.replace(",", "", regex=False).str.strip()
    return pd.to_numeric(text.where(text.str.fullmatch(r"\d+")), errors="coerce")


def shown_percents(column: pd.Series) -> pd.Series:
    """Return shown percentages as numbers; any other text (hidden, blank) as NaN."""
    text = column.astype(str).str.strip()
    return pd.to_numeric(text.where(text.str.fullmatch(r"\d+(\.\d+)?")), errors="coerce")


def source_line(*, synthetic: bool, suppress: bool, threshold: int) -> str:
    """Return the line saying where the counts come from and what is hidden."""
    origin = (
        "Source: SYNTHETIC client records made by `python -m analysis synthesize` (invented, "
        "not real clients), counted by the project's client-record rules."
        if synthetic
        else "Source: client records, counted by the project's client-record rules."
    )
    if suppress:
        hidden = f"Hidden cells: {disclosure.legend(threshold)}."
        if ppr.not_for_publication(suppress, threshold):
            hidden = f"NOT FOR PUBLICATION: threshold {threshold} is below the default. {hidden}"
    else:
        hidden = "NOT FOR PUBLICATION: small counts are not suppressed."
    return f"{origin} {hidden}"


def title_prefix(synthetic: bool, suppress: bool, threshold: int) -> str:
    """Return the title's opening words: SYNTHETIC, NOT FOR PUBLICATION, as they apply."""
    unpublishable = ppr.not_for_publication(suppress, threshold)
    parts = ([SYNTHETIC_LABEL] if synthetic else []) + (
        ["NOT FOR PUBLICATION"] if unpublishable else []
    )
    return f"{', '.join(parts)}: " if parts else ""


def finish_record_chart(
    fig: Figure,
    *,
    slug: str,
    title: str,
    description: str,
    data: pd.DataFrame,
    line: str,
    synthetic: bool,
    suppress: bool,
    threshold: int,
) -> charts.Chart:
    """Add title and source line to ``fig`` and return it as a chart (data with notices)."""
    statuses = ("synthetic",) if synthetic else ("client records",)
    notices = ppr.notices_for(synthetic=synthetic, suppressed=suppress, threshold=threshold)
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
        line=line,
    )


def shown_text(value: object) -> str:
    """Return a shown cell with thousands separators (hidden cells unchanged)."""
    text = str(value)
    return f"{int(text):,}" if text.isdigit() else text
