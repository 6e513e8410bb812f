"""The house style for charts: colour-blind-safe, directly labelled, sourced, reproducible.

A chart is a :class:`Chart`: the matplotlib figure plus what a reader needs to trust and reuse
it (a title that states the finding, a description for screen readers, the source ids and the
status of its figures, and the numbers it plots). ``save`` writes byte-identical PNG and SVG
files with Title and Description metadata and the data as CSV; ``show`` displays the numbers
and the picture in a notebook. A chart with nothing to draw (every value hidden) is a
*sentence* (``compose`` with no figure: a Chart whose title says why): ``show`` displays
it as text, and it is saved and exported as its numbers (CSV) and sidecar only.

When ``$ANALYSIS_CHART_DIR`` is set (``python -m analysis report`` sets it for every notebook it
executes), ``show`` also exports each chart there once, as an :class:`ExportRun` does, with a
JSON sidecar (``<slug>.json``: title, description, sources, statuses, source line and
``$ANALYSIS_NOTEBOOK``) from which the report's gallery is built. ``plotting_functions`` finds
every chart the library can draw from a catalogue, so that tests cover charts added later
without being told about them.

This package's face is what analyses and notebooks import; the parts live in ``style`` (the
house style), ``composition`` (the :class:`Chart` and its title and source line), ``files``
(rendering and saving), ``export`` (the report's chart folder) and ``discovery`` (finding every
chart). The kit imports nothing from the flows above it (``published``, ``records``,
``present``).
"""

from __future__ import annotations

from analysis.charts.composition import Chart, compose, finish, source_text
from analysis.charts.discovery import draws_from_catalog, plotting_functions
from analysis.charts.export import (
    CHART_DIR_ENV,
    NOTEBOOK_ENV,
    ExportRun,
    export,
    sidecar,
)
from analysis.charts.files import FORMATS, LAYOUT_DIGITS, formats, render, save
from analysis.charts.style import (
    DPI,
    GREY,
    MARKED_STATUSES,
    PALETTE,
    RC,
    SEQUENCE,
    STATED_LABEL,
    STATUS_HATCH,
    STATUS_LINESTYLE,
    line_style,
    new_figure,
    status_legend,
    status_patch,
    style,
    thousands,
)

__all__ = [
    "CHART_DIR_ENV",
    "DPI",
    "FORMATS",
    "GREY",
    "LAYOUT_DIGITS",
    "MARKED_STATUSES",
    "NOTEBOOK_ENV",
    "PALETTE",
    "RC",
    "SEQUENCE",
    "STATED_LABEL",
    "STATUS_HATCH",
    "STATUS_LINESTYLE",
    "Chart",
    "ExportRun",
    "compose",
    "draws_from_catalog",
    "export",
    "finish",
    "formats",
    "line_style",
    "new_figure",
    "plotting_functions",
    "render",
    "save",
    "show",
    "sidecar",
    "source_text",
    "status_legend",
    "status_patch",
    "style",
    "thousands",
]


def show(chart: Chart, run: ExportRun | None = None) -> None:
    """Display the numbers a chart plots, then the chart with its description as alt text.

    A sentence (a chart with nothing to draw) is displayed as its title, in bold text. The
    chart is exported into ``run`` (default: the run ``$ANALYSIS_CHART_DIR`` names, if set),
    once however often the same chart is shown there.
    """
    from IPython.display import Image, Markdown, display

    run = run if run is not None else ExportRun.from_env()
    files = run.add(chart) if run is not None else None
    display(chart.data)
    if not chart.drawn:
        display(Markdown(f"**{_markdown_text(chart.title)}**"))
    else:
        # An exported chart is displayed from its PNG file: the same bytes, rendered once.
        png = files["png"].read_bytes() if files is not None else render(chart, "png")
        display(Image(data=png, format="png", alt=chart.description))
    display(Markdown(f"*{chart.source_line}*"))


def _markdown_text(text: str) -> str:
    """Return ``text`` with the characters Markdown would read as markup escaped."""
    return "".join(f"\\{c}" if c in "\\`*_[]<>#|" else c for c in text)
