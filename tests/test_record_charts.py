"""Charts of client records draw only what the protected tables show, and say what they are."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import charts, ppr, record_charts, records, synthetic
from analysis.catalog import Catalog


@pytest.fixture(scope="module")
def small_tables(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog) -> dict:
    """Exact counts of a small synthetic export (some quarters below the threshold)."""
    directory = tmp_path_factory.mktemp("records") / "export"
    paths = synthetic.write(synthetic.generate(catalog, seed=8, scale=0.02), directory)
    entries = records.read_entries(paths["entries.csv"])
    return ppr.count(entries, records.read_closures(paths["closures.csv"], entries))


def drawn_texts(chart: charts.Chart) -> list[str]:
    """Return the value labels written on the plot (not tick labels)."""
    charts.render(chart, "png")
    texts = [t for ax in chart.figure.axes for t in ax.texts]
    legends = [t for ax in chart.figure.axes if ax.get_legend() for t in ax.get_legend().texts]
    return [t.get_text() for t in texts + legends]


CHARTS = [record_charts.entries_by_quarter, record_charts.clients_by_fiscal_year]


@pytest.mark.parametrize("make", CHARTS)
def test_hidden_counts_are_never_drawn(small_tables: dict, make) -> None:
    chart = make(small_tables, synthetic=True)
    shown = chart.data
    assert shown.isin(["<11"]).any().any(), "the fixture should have small counts"
    labels = drawn_texts(chart)
    assert any("<11" in label for label in labels)
    visible = {f"{int(v):,}" for v in pd.to_numeric(shown.stack(), errors="coerce").dropna()}
    drawn_numbers = {t for t in labels if t.replace(",", "").isdigit()}
    assert drawn_numbers and drawn_numbers <= visible


@pytest.mark.parametrize("make", CHARTS)
def test_labels_say_synthetic_and_not_for_publication(small_tables: dict, make) -> None:
    chart = make(small_tables, synthetic=True, suppress=False)
    for text in (chart.title, chart.description, chart.source_line):
        assert "SYNTHETIC" in text
    assert "NOT FOR PUBLICATION" in chart.title
    assert not chart.data.isin(["<11"]).any().any()
    real = make(small_tables, synthetic=False)
    assert "SYNTHETIC" not in real.title + real.description + real.source_line
    assert "NOT FOR PUBLICATION" not in real.title


def test_chart_files_are_reproducible(small_tables: dict, tmp_path: Path) -> None:
    first = charts.render(record_charts.clients_by_fiscal_year(small_tables, synthetic=True), "svg")
    again = charts.render(record_charts.clients_by_fiscal_year(small_tables, synthetic=True), "svg")
    assert first == again
