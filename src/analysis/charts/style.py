"""The house style for charts: colour-blind-safe colours, fonts, and marks for unstated figures."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.ticker
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis import palette

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
