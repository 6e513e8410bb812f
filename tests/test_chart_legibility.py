"""Every chart of client records is legible on any input: no tick labels run together, no text
sits on a tick label, and no empty axis is ever drawn."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from analysis import charts
from analysis.present import record_charts
from analysis.published.catalog import Catalog
from analysis.records import examples

pytestmark = pytest.mark.slow  # each input is a synthetic export counted and protected

RECORD_CHARTS = [
    record_charts.clients_by_fiscal_year,
    record_charts.entries_by_quarter,
    record_charts.matched_within_48h,
    record_charts.who_the_clients_are,
]
# Synthetic exports of about 40, 400 and 8,000 entries (the default), 400 not suppressed, and
# the default's tables stretched: every count times 150 (a million entries), long group names.
INPUTS = {
    "sparse": {"scale": 0.005},
    "small": {"scale": 0.05},
    "default": {"scale": 1.0},
    "unsuppressed": {"scale": 0.05, "suppress": False},
    "stretched": {"scale": 1.0},
}
STRETCH = 150
LONG_NAME = "a referral source or country with a name of many words, typed in full"


@pytest.fixture(scope="module", params=list(INPUTS))
def records(request: pytest.FixtureRequest, catalog: Catalog):
    """The protected tables and release state of one synthetic export of ``INPUTS``."""
    protected, _, state = examples.synthetic_tables(catalog, **INPUTS[request.param])
    if request.param == "stretched":
        protected = {name: stretched(name, table) for name, table in protected.items()}
    return protected, state


def stretched(name: str, table: pd.DataFrame) -> pd.DataFrame:
    """Return a table with every shown count times ``STRETCH`` and free-text groups renamed."""
    table = table.copy()
    for column in table.columns:
        text = table[column].astype(str)
        if column not in ("fiscal_year", "quarter", "half", "percent", "percent_yes"):
            counts = text.str.fullmatch(r"\d+")
            table[column] = text.where(~counts, (pd.to_numeric(text.where(counts)) * STRETCH)
                                       .astype("Int64").astype(str))  # fmt: skip
    if name in ("country_of_origin", "referral_source"):
        named = ~table[name].isin(["all other countries", "all other sources", "unknown", "Total"])
        table.loc[named, name] = [f"{LONG_NAME} {n}" for n in range(int(named.sum()))]
    return table


def tick_labels(axis) -> list[Text]:
    """Return the tick labels an axis draws: visible, not blank, within its view."""
    low, high = sorted(axis.get_view_interval())
    pairs = zip(axis.get_majorticklocs(), axis.get_majorticklabels(), strict=False)
    return [
        label
        for location, label in pairs
        if label.get_visible() and label.get_text().strip() and low <= location <= high
    ]


def overlapping(first: list[Text], second: list[Text], renderer) -> list[tuple[str, str]]:
    """Return the pairs of texts, one from each list, whose drawn boxes overlap."""
    found = []
    for a, b in itertools.product(first, second):
        if a is b:
            continue
        box_a, box_b = a.get_window_extent(renderer), b.get_window_extent(renderer)
        meets = Bbox.intersection(box_a.shrunk(0.98, 0.98), box_b.shrunk(0.98, 0.98))
        if meets is not None and box_a.width > 0 and box_b.width > 0:
            found.append((a.get_text(), b.get_text()))
    return found


@pytest.mark.parametrize("make", RECORD_CHARTS, ids=lambda make: make.__name__)
def test_tick_labels_never_overlap(records, make):
    chart = make(*records)
    if not getattr(chart, "drawn", True):
        return  # a sentence: nothing is drawn (see test_no_empty_axis)
    charts.render(chart, "png")  # lays the figure out as its files have it
    canvas = FigureCanvasAgg(chart.figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    figure_box = chart.figure.bbox
    title = chart.figure.get_suptitle() and chart.figure._suptitle  # noqa: SLF001
    if title:
        box = title.get_window_extent(renderer)
        assert box.x0 >= figure_box.x0 and box.x1 <= figure_box.x1, "the title is cut off"
    for ax in chart.figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            labels = tick_labels(axis)
            pairs = [(a, b) for a, b in itertools.combinations(labels, 2)]
            clashes = [p for a, b in pairs for p in overlapping([a], [b], renderer)]
            assert not clashes, (ax.get_title(), clashes)
        texts = [t for t in ax.texts if t.get_visible() and t.get_text().strip()]
        ticks = tick_labels(ax.xaxis) + tick_labels(ax.yaxis)
        assert not overlapping(texts, ticks, renderer), ax.get_title()


@pytest.mark.parametrize("make", RECORD_CHARTS, ids=lambda make: make.__name__)
def test_no_empty_axis(records, make):
    """An axes drawn shows a value: some bar with a height, or it is turned off (a sentence)."""
    chart = make(*records)
    if not getattr(chart, "drawn", True):
        assert "hidden" in chart.title and chart.data.shape[0] > 0
        return
    for ax in chart.figure.axes:
        if not ax.axison:
            assert any(t.get_text().strip() for t in ax.texts), "a panel turned off says why"
            continue
        sizes = [max(abs(p.get_width()), abs(p.get_height())) for p in ax.patches]
        widths = [abs(p.get_width()) for p in ax.patches]
        heights = [abs(p.get_height()) for p in ax.patches]
        assert sizes, ax.get_title()
        # a bar drawn as a value is more than a stub: at least 1 on the value axis
        assert max(widths) >= 1 or max(heights) >= 1, ax.get_title()
