"""The house style for charts: colour-blind-safe, directly labelled, sourced, reproducible.

A chart is a :class:`Chart`: the matplotlib figure plus what a reader needs to trust and reuse
it (a title that states the finding, a description for screen readers, the source ids and the
status of its figures, and the numbers it plots). ``save`` writes byte-identical PNG and SVG
files with Title and Description metadata and the data as CSV; ``show`` displays the numbers
and the picture in a notebook.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.ticker
import pandas as pd
from matplotlib.figure import Figure

# Okabe-Ito: distinguishable with the common forms of colour-vision deficiency.
PALETTE = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
SEQUENCE = tuple(PALETTE.values())
GREY = "#6E6E6E"
# Figures that are not stated by a source are drawn differently, never by colour alone.
STATUS_HATCH = {
    "published": "",
    "reported": "",
    "derived": "",
    "inferred": "///",
    "approximate": "...",
}
STATUS_LINESTYLE = {"inferred": "--", "approximate": ":"}
DPI = 100
RC = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": GREY,
    "axes.labelcolor": "#222222",
    "xtick.color": "#222222",
    "ytick.color": "#222222",
    "axes.prop_cycle": matplotlib.cycler(color=SEQUENCE),
    "hatch.linewidth": 0.8,
    "svg.hashsalt": "tvap-analysis",
    "svg.fonttype": "path",
    "path.simplify": False,
}


@dataclass
class Chart:
    """A finished chart with its provenance and the numbers it plots."""

    slug: str
    title: str
    description: str
    figure: Figure
    data: pd.DataFrame
    sources: tuple[str, ...]
    statuses: tuple[str, ...]
    source_line: str

    def metadata(self) -> dict[str, str]:
        """Return the Title and Description written into the PNG and SVG files."""
        return {"Title": self.title, "Description": self.description}


@contextmanager
def style() -> Iterator[None]:
    """Apply the house style to the figures made inside the block."""
    with plt.rc_context(RC):
        yield


def new_figure(width: float = 8.0, height: float = 4.5) -> tuple[Figure, Any]:
    """Return a figure and one axes in the house style (call inside ``style()``).

    The figure is not managed by pyplot, so a notebook shows it only through ``show``.
    """
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def thousands(ax: Any, axis: str = "x") -> None:
    """Label an axis's ticks with thousands separators (9,152 rather than 9152)."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))


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
    """Add the title and wrapped source line to ``fig`` and return it as a :class:`Chart`."""
    sources, statuses = tuple(dict.fromkeys(sources)), tuple(dict.fromkeys(statuses))
    line = source_text(catalog, sources, statuses, note)
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    fig.text(0.01, 0.005, line, ha="left", va="bottom", fontsize=7, color=GREY, wrap=True)
    fig.get_layout_engine().set(rect=(0, 0.08, 1, 0.92))
    return Chart(
        slug, title, description, fig, data.reset_index(drop=True), sources, statuses, line
    )


def render(chart: Chart, fmt: str) -> bytes:
    """Return the chart as PNG or SVG bytes, identical for identical input."""
    meta = chart.metadata()
    if fmt == "png":
        meta = {**meta, "Software": None}
    elif fmt == "svg":
        meta = {**meta, "Date": None}
    buffer = io.BytesIO()
    with style():
        chart.figure.savefig(buffer, format=fmt, metadata=meta, dpi=DPI)
    return buffer.getvalue()


def save(chart: Chart, directory: str | Path) -> dict[str, Path]:
    """Write ``<slug>.png``, ``<slug>.svg`` and ``<slug>.csv`` into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {fmt: directory / f"{chart.slug}.{fmt}" for fmt in ("png", "svg", "csv")}
    for fmt in ("png", "svg"):
        _write_if_changed(paths[fmt], render(chart, fmt))
    _write_if_changed(paths["csv"], chart.data.to_csv(index=False, lineterminator="\n").encode())
    return paths


def _write_if_changed(path: Path, content: bytes) -> None:
    if not path.exists() or path.read_bytes() != content:
        path.write_bytes(content)


def show(chart: Chart) -> None:
    """Display the numbers a chart plots, then the chart with its description as alt text."""
    from IPython.display import Image, Markdown, display

    display(chart.data)
    display(Image(data=render(chart, "png"), format="png", alt=chart.description))
    display(Markdown(f"*{chart.source_line}*"))
