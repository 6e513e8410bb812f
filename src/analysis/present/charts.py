"""The house style for charts: colour-blind-safe, directly labelled, sourced, reproducible.

A chart is a :class:`Chart`: the matplotlib figure plus what a reader needs to trust and reuse
it (a title that states the finding, a description for screen readers, the source ids and the
status of its figures, and the numbers it plots). ``save`` writes byte-identical PNG and SVG
files with Title and Description metadata and the data as CSV; ``show`` displays the numbers
and the picture in a notebook.

When ``$ANALYSIS_CHART_DIR`` is set (``python -m analysis report`` sets it for every notebook it
executes), ``show`` also saves each chart there with a JSON sidecar (``<slug>.json``: title,
description, sources, statuses, source line and ``$ANALYSIS_NOTEBOOK``) from which the report's
gallery is built. ``plotting_functions`` finds every chart the library can draw from a catalogue,
so that tests cover charts added later without being told about them.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import io
import json
import os
import pkgutil
import re
import typing
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.ticker
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis import spreadsheet
from analysis.present import palette

PALETTE, SEQUENCE, GREY = palette.PALETTE, palette.SEQUENCE, palette.GREY
# Figures that are not stated by a source are drawn differently, never by colour alone.
STATUS_HATCH = {
    "published": "",
    "reported": "",
    "derived": "",
    "inferred": "///",
    "approximate": "...",
}
STATUS_LINESTYLE = {"inferred": "--", "approximate": ":"}
# Statuses whose figures are not stated by a source, and what the legend says about them.
MARKED_STATUSES = {
    "inferred": "Inferred by this project (not stated by a source)",
    "approximate": "Approximate (the source gives no exact figure)",
}
STATED_LABEL = "Published, reported or derived"
CHART_DIR_ENV = "ANALYSIS_CHART_DIR"
NOTEBOOK_ENV = "ANALYSIS_NOTEBOOK"
FORMATS = ("png", "svg", "csv")
LAYOUT_DIGITS = 5  # axes positions, as fractions of the figure, once laid out
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


def line_style(status: str) -> str:
    """Return the line style for a status: dashed or dotted when not stated by a source."""
    return STATUS_LINESTYLE.get(status, "-")


def status_patch(status: str, label: str, facecolor: str = "white") -> Patch:
    """Return a legend patch marked as ``status`` is drawn (hatched for inferred, approximate)."""
    return Patch(facecolor=facecolor, edgecolor="black", hatch=STATUS_HATCH[status], label=label)


def status_legend(
    ax: Any, statuses: Iterable[str], *, kind: str = "bar", **legend_kw: Any
) -> Legend | None:
    """Explain the marks for inferred or approximate figures, if ``statuses`` has any.

    ``kind`` is ``"bar"`` (hatched patches, as ``STATUS_HATCH``) or ``"line"`` (line styles, as
    ``STATUS_LINESTYLE``). Returns the legend, or None when every figure is stated by a source.
    """
    present = [s for s in MARKED_STATUSES if s in set(statuses)]
    if not present:
        return None
    if kind == "bar":

        def handle(status: str) -> Any:
            return Patch(facecolor="white", edgecolor=GREY, hatch=STATUS_HATCH.get(status, ""))

    elif kind == "line":

        def handle(status: str) -> Any:
            return Line2D([], [], color=GREY, linestyle=line_style(status), linewidth=1.5)

    else:
        raise ValueError(f"kind must be 'bar' or 'line', not {kind!r}")
    labels = [STATED_LABEL, *(MARKED_STATUSES[s] for s in present)]
    handles = [handle("published"), *(handle(s) for s in present)]
    options = {"loc": "best", "fontsize": 8, "frameon": False, **legend_kw}
    return ax.legend(handles, labels, **options)


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
    fig: Figure,
    *,
    slug: str,
    title: str,
    description: str,
    data: pd.DataFrame,
    sources: tuple[str, ...],
    statuses: tuple[str, ...],
    line: str,
) -> Chart:
    """Add the title and the given source line to ``fig``; return a :class:`Chart`."""
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    fig.text(0.01, 0.005, line, ha="left", va="bottom", fontsize=7, color=GREY, wrap=True)
    fig.get_layout_engine().set(rect=(0, 0.08, 1, 0.92))
    return Chart(
        slug, title, description, fig, data.reset_index(drop=True), sources, statuses, line
    )


def render(chart: Chart, fmt: str) -> bytes:
    """Return the chart as PNG or SVG bytes, identical for identical input.

    The first rendering fixes the figure's layout, so later changes to the figure are not
    laid out again. SVG files get a ``<title>`` and ``<desc>`` and ids numbered in order.
    """
    meta = chart.metadata()
    if fmt == "png":
        meta = {**meta, "Software": None}
    elif fmt == "svg":
        meta = {**meta, "Date": None}
    buffer = io.BytesIO()
    with style():
        _settle(chart.figure)
        chart.figure.savefig(buffer, format=fmt, metadata=meta, dpi=DPI)
    content = buffer.getvalue()
    return _label_svg(_stable_ids(content), chart) if fmt == "svg" else content


def _settle(figure: Figure) -> None:
    """Lay the figure out once and keep that layout for every later rendering.

    A constrained layout is recomputed at each drawing and can drift by a hair from one to
    the next, so the same chart would not give the same file twice.
    """
    engine = figure.get_layout_engine()
    if engine is not None and not isinstance(engine, PlaceHolderLayoutEngine):
        figure.draw_without_rendering()
        figure.set_layout_engine("none")
        # The layout's last bits vary from run to run (floating-point sums); round them away.
        for ax in figure.axes:
            bounds = ax.get_position(original=False).bounds
            ax.set_position([round(value, LAYOUT_DIGITS) for value in bounds])


def _stable_ids(content: bytes) -> bytes:
    """Renumber the SVG's hashed ids (clip paths, markers) in order of first appearance.

    matplotlib hashes an id from unrounded coordinates, whose last bits can differ between
    runs though the coordinates written are the same.
    """
    text = content.decode("utf-8")
    hashed = dict.fromkeys(_HASHED_ID.findall(text))
    first = sorted(hashed, key=text.find)
    names = {old: f"{old[0]}-{n}" for n, old in enumerate(first, start=1)}
    return _HASHED_TOKEN.sub(lambda m: names.get(m.group(0), m.group(0)), text).encode("utf-8")


_HASHED_ID = re.compile(r'id="([a-z][0-9a-f]{10})"')
_HASHED_TOKEN = re.compile(r"(?<![\w-])[a-z][0-9a-f]{10}(?![\w-])")


def _label_svg(content: bytes, chart: Chart) -> bytes:
    """Give the SVG's root element a role, title and description that screen readers announce."""
    text = content.decode("utf-8")
    start = text.index("<svg ")
    end = text.index(">", start)
    opening = text[start:end].replace("<svg ", '<svg role="img" ', 1)
    text = text[:start] + opening + text[end:]
    desc = f"<desc>{escape(chart.description)}</desc>"
    if "<title>" in text:  # matplotlib writes the Title metadata as <title>
        close = text.index("</title>") + len("</title>")
        text = text[:close] + "\n " + desc + text[close:]
    else:
        close = text.index(">", start) + 1
        text = f"{text[:close]}\n <title>{escape(chart.title)}</title>\n {desc}{text[close:]}"
    return text.encode("utf-8")


def save(chart: Chart, directory: str | Path) -> dict[str, Path]:
    """Write ``<slug>.png``, ``<slug>.svg`` and ``<slug>.csv`` into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {fmt: directory / f"{chart.slug}.{fmt}" for fmt in ("png", "svg", "csv")}
    for fmt in ("png", "svg"):
        _write_if_changed(paths[fmt], render(chart, fmt))
    _write_if_changed(paths["csv"], spreadsheet.to_csv(chart.data).encode())
    return paths


def _write_if_changed(path: Path, content: bytes) -> None:
    if not path.exists() or path.read_bytes() != content:
        path.write_bytes(content)


def sidecar(chart: Chart, notebook: str = "", order: int = 0) -> dict[str, Any]:
    """Return what a gallery needs to list a chart: its words, provenance and file names.

    ``order`` is the chart's place among those a notebook shows (1, 2, ...; 0 if unknown).
    """
    return {
        "slug": chart.slug,
        "title": chart.title,
        "description": chart.description,
        "sources": list(chart.sources),
        "statuses": list(chart.statuses),
        "source_line": chart.source_line,
        "notebook": notebook,
        "order": order,
        "files": {fmt: f"{chart.slug}.{fmt}" for fmt in FORMATS},
    }


def export(
    chart: Chart, directory: str | Path, notebook: str = "", order: int = 0
) -> dict[str, Path]:
    """Save the chart into ``directory`` (as ``save``) with its sidecar ``<slug>.json``."""
    paths = save(chart, directory)
    paths["json"] = Path(directory) / f"{chart.slug}.json"
    text = json.dumps(sidecar(chart, notebook, order), indent=2, ensure_ascii=False) + "\n"
    _write_if_changed(paths["json"], text.encode("utf-8"))
    return paths


# Slugs exported by this process, so that a chart shown twice keeps both versions.
_exported: dict[str, int] = {}


def _export_for_report(chart: Chart) -> None:
    """Export ``chart`` into ``$ANALYSIS_CHART_DIR`` when it is set (see the module docstring)."""
    directory = os.environ.get(CHART_DIR_ENV)
    if not directory:
        return
    count = _exported.get(chart.slug, 0) + 1
    _exported[chart.slug] = count
    if count > 1:
        chart = dataclasses.replace(chart, slug=f"{chart.slug}-{count}")
    order = sum(_exported.values())
    export(chart, directory, os.environ.get(NOTEBOOK_ENV, ""), order)


def show(chart: Chart) -> None:
    """Display the numbers a chart plots, then the chart with its description as alt text."""
    from IPython.display import Image, Markdown, display

    _export_for_report(chart)
    display(chart.data)
    display(Image(data=render(chart, "png"), format="png", alt=chart.description))
    display(Markdown(f"*{chart.source_line}*"))


def plotting_functions() -> dict[str, Callable[[Any], Chart]]:
    """Return every chart the library draws from a catalogue alone, by qualified name.

    That is each public function of an ``analysis`` module that is annotated to return
    :class:`Chart` and has exactly one required parameter, annotated as a ``Catalog``.
    """
    import analysis

    found: dict[str, Callable[[Any], Chart]] = {}
    modules = pkgutil.walk_packages(analysis.__path__, f"{analysis.__name__}.")
    for info in sorted(modules, key=lambda i: i.name):
        if info.ispkg or any(part.startswith("_") for part in info.name.split(".")):
            continue
        module = importlib.import_module(info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            if _draws_from_catalog(function):
                found[f"{module.__name__}.{name}"] = function
    return found


def _draws_from_catalog(function: Callable[..., Any]) -> bool:
    """Tell whether ``function`` returns a Chart and needs only a catalogue to do so."""
    from analysis.published.catalog import Catalog

    try:
        hints = typing.get_type_hints(function)
    except Exception:  # unresolvable annotations: compare their text instead
        hints = dict(function.__annotations__)
    if hints.get("return") not in (Chart, "Chart", "charts.Chart"):
        return False
    required = [
        p
        for p in inspect.signature(function).parameters.values()
        if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    return len(required) == 1 and hints.get(required[0].name) in (Catalog, "Catalog")
