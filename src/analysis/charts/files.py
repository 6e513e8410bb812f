"""A chart's files: byte-identical PNG and SVG with its title and description, its data as CSV."""

from __future__ import annotations

import io
import re
from pathlib import Path
from xml.sax.saxutils import escape

from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine

from analysis import spreadsheet
from analysis.charts.composition import Chart
from analysis.charts.style import DPI, style

FORMATS = ("png", "svg", "csv")
LAYOUT_DIGITS = 5  # axes positions, as fractions of the figure, once laid out


def formats(chart: Chart) -> tuple[str, ...]:
    """Return the formats a chart is saved in: ``FORMATS``, or only CSV for a sentence."""
    return FORMATS if chart.drawn else ("csv",)


def render(chart: Chart, fmt: str) -> bytes:
    """Return the chart as PNG or SVG bytes, identical for identical input.

    The first rendering fixes the figure's layout, so later changes to the figure are not
    laid out again. SVG files get a ``<title>`` and ``<desc>`` and ids numbered in order.
    A sentence (a chart without a figure) has no picture: rendering one is a ValueError.
    """
    if chart.figure is None:
        raise ValueError(f"chart {chart.slug!r} is a sentence, not a picture: {chart.title}")
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


def contents(chart: Chart) -> dict[str, bytes]:
    """Return the chart's files by format (``formats``): PNG, SVG, and the numbers as CSV."""
    pictures = {fmt: render(chart, fmt) for fmt in formats(chart) if fmt != "csv"}
    return {**pictures, "csv": spreadsheet.to_csv(chart.data).encode()}


def save(chart: Chart, directory: str | Path) -> dict[str, Path]:
    """Write ``<slug>.png``, ``<slug>.svg`` and ``<slug>.csv`` (a sentence: the CSV only)."""
    return write_files(chart.slug, contents(chart), directory)


def write_files(name: str, files: dict[str, bytes], directory: str | Path) -> dict[str, Path]:
    """Write each format's content as ``<name>.<format>`` into ``directory``; return the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {fmt: directory / f"{name}.{fmt}" for fmt in files}
    for fmt, content in files.items():
        write_if_changed(paths[fmt], content)
    return paths


def write_if_changed(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` unless the file already holds exactly that."""
    if not path.exists() or path.read_bytes() != content:
        path.write_bytes(content)
