"""A finished chart: the figure with its title, source line, provenance and the numbers it plots.

A chart with nothing to draw (every value hidden) is a *sentence*: a :class:`Chart` without a
figure, whose title says why; it is shown as text and saved as its numbers only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from analysis.charts.style import GREY


@dataclass
class Chart:
    """A finished chart with its provenance and the numbers it plots.

    ``figure`` is None for a sentence: a chart with nothing to draw, whose title says why.
    """

    slug: str
    title: str
    description: str
    figure: Figure | None
    data: pd.DataFrame
    sources: tuple[str, ...]
    statuses: tuple[str, ...]
    source_line: str

    @property
    def drawn(self) -> bool:
        """Tell whether the chart is a picture (False: a sentence, shown as text)."""
        return self.figure is not None

    def metadata(self) -> dict[str, str]:
        """Return the Title and Description written into the PNG and SVG files."""
        return {"Title": self.title, "Description": self.description}


def source_text(
    catalog: Any, source_ids: Iterable[str], statuses: Iterable[str], note: str = ""
) -> str:
    """Return the line naming the sources and the status of the figures plotted."""
    ids = list(dict.fromkeys(source_ids))
    kinds = ", ".join(sorted(set(statuses)))
    names = "; ".join(f"{i}: {catalog.source(i)['title']}" for i in ids)
    line = f"Source{'s' if len(ids) > 1 else ''}: {names}. Figures: {kinds}."
    return f"{line} {note}".strip()


def finish(
    catalog: Any,
    fig: Figure,
    *,
    slug: str,
    title: str,
    description: str,
    data: pd.DataFrame,
    sources: Iterable[str],
    statuses: Iterable[str],
    note: str = "",
) -> Chart:
    """Add the title and the line naming the catalogue's sources; return a :class:`Chart`."""
    sources, statuses = tuple(dict.fromkeys(sources)), tuple(dict.fromkeys(statuses))
    line = source_text(catalog, sources, statuses, note)
    return compose(
        fig,
        slug=slug,
        title=title,
        description=description,
        data=data,
        sources=sources,
        statuses=statuses,
        line=line,
    )


def compose(
    fig: Figure | None,
    *,
    slug: str,
    title: str,
    description: str,
    data: pd.DataFrame,
    sources: tuple[str, ...],
    statuses: tuple[str, ...],
    line: str,
) -> Chart:
    """Add the title and the given source line to ``fig``; return a :class:`Chart`.

    With ``fig`` None the chart is a sentence: nothing to draw, ``title`` is what a reader
    gets instead.
    """
    if fig is not None:
        fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
        fig.text(0.01, 0.005, line, ha="left", va="bottom", fontsize=7, color=GREY, wrap=True)
        fig.get_layout_engine().set(rect=(0, 0.08, 1, 0.92))
    return Chart(
        slug, title, description, fig, data.reset_index(drop=True), sources, statuses, line
    )
