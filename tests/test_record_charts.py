"""Charts of client records draw only what the protected tables show, and say what they are."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import charts
from analysis.present import record_charts
from analysis.published.catalog import Catalog
from analysis.records import ppr, reading, release, synthetic


@pytest.fixture(scope="module")
def small_tables(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog) -> dict:
    """Exact counts of a small synthetic export, plus three persons in a fiscal year of their own.

    Most cells are shown; the extra year (FY2019), its quarter and the three persons' referral
    source (merged into "all other sources") are below the threshold, so every chart has shown
    and hidden cells.
    """
    directory = tmp_path_factory.mktemp("records") / "export"
    paths = synthetic.write(synthetic.generate(catalog, seed=8, scale=0.1), directory)
    raw = pd.read_csv(paths["entries.csv"], dtype=str, keep_default_na=False)
    extra = raw.head(3).assign(
        client_id=[f"extra-{n}" for n in range(3)],
        intake_date=[f"2018-11-0{n + 1}" for n in range(3)],
        intake_type="new",
        referral_date="",
        referral_source="a source no one else names",
    )
    pd.concat([raw, extra]).to_csv(paths["entries.csv"], index=False)
    entries = reading.read_entries(paths["entries.csv"])
    return ppr.count(entries, reading.read_closures(paths["closures.csv"], entries))


@pytest.fixture(scope="module")
def protected(small_tables: dict) -> dict[bool, dict]:
    """The small tables as ``ppr`` shows them, suppressed (True) and not (False)."""
    return {suppress: ppr.protect(small_tables, suppress=suppress) for suppress in (True, False)}


def drawn_texts(chart: charts.Chart) -> list[str]:
    """Return the value labels written on the plot (not tick labels)."""
    charts.render(chart, "png")
    texts = [t for ax in chart.figure.axes for t in ax.texts]
    legends = [t for ax in chart.figure.axes if ax.get_legend() for t in ax.get_legend().texts]
    return [t.get_text() for t in texts + legends]


CHARTS = [record_charts.entries_by_quarter, record_charts.clients_by_fiscal_year]


@pytest.mark.parametrize("make", CHARTS)
def test_hidden_counts_are_never_drawn(protected: dict, make) -> None:
    chart = make(protected[True], release.Release(synthetic=True))
    shown = chart.data
    assert shown.isin(["<11"]).any().any(), "the fixture should have small counts"
    labels = drawn_texts(chart)
    assert any("<11" in label for label in labels)
    visible = {f"{int(v):,}" for v in pd.to_numeric(shown.stack(), errors="coerce").dropna()}
    drawn_numbers = {t for t in labels if t.replace(",", "").isdigit()}
    assert drawn_numbers and drawn_numbers <= visible


@pytest.mark.parametrize("make", CHARTS)
def test_labels_say_synthetic_and_not_for_publication(protected: dict, make) -> None:
    chart = make(protected[False], release.Release(synthetic=True, suppressed=False))
    for text in (chart.title, chart.description, chart.source_line):
        assert "SYNTHETIC" in text
    assert "NOT FOR PUBLICATION" in chart.title
    assert not chart.data.isin(["<11"]).any().any()
    real = make(protected[True], release.Release(synthetic=False))
    assert "SYNTHETIC" not in real.title + real.description + real.source_line
    assert "NOT FOR PUBLICATION" not in real.title


def test_chart_files_are_reproducible(protected: dict, tmp_path: Path) -> None:
    first = charts.render(
        record_charts.clients_by_fiscal_year(protected[True], release.Release(synthetic=True)),
        "svg",
    )
    again = charts.render(
        record_charts.clients_by_fiscal_year(protected[True], release.Release(synthetic=True)),
        "svg",
    )
    assert first == again


# ------------------------------------------------------------------------------------------
# The breakdown charts, and any mark a protected table may use
# ------------------------------------------------------------------------------------------

NEW_CHARTS = [record_charts.who_the_clients_are, record_charts.matched_within_48h]
ALL_CHARTS = [*CHARTS, *NEW_CHARTS]


def leading_numbers(labels: list[str]) -> set[str]:
    """Return the counts written on the plot (the number that starts a label)."""
    found = set()
    for label in labels:
        head = label.split(" ")[0].split("\n")[0].removesuffix("%")
        if head.replace(",", "").isdigit():
            found.add(head.replace(",", ""))
    return found


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_any_mark_of_the_table_is_what_the_chart_writes(protected: dict, make):
    """A chart writes the table's own text for a hidden cell, whatever it is; never '<11'."""

    def other_marks(shown):
        shown = {name: table.copy() for name, table in shown.items()}
        for table in shown.values():
            for column in table.columns:
                values = table[column].astype(str)
                table[column] = values.replace({"<11": "hidden*", "suppressed": "n/a*"})
        return shown

    chart = make(other_marks(protected[True]), release.Release(synthetic=True))
    labels = drawn_texts(chart)
    assert not any("<11" in label for label in labels)
    text = " ".join(labels)
    assert "hidden*" in text or "n/a*" in text
    assert "<11" not in chart.title + chart.description


def allowed_numbers(data: pd.DataFrame) -> set[str]:
    """Return the numbers a chart of ``data`` may write: its shown counts and percentages."""
    cells = [v for v in data.drop(columns=["notice"]).astype(str).stack()]
    visible = {v for v in cells if v.replace(".", "", 1).isdigit()}
    return {v for v in visible if "." not in v} | {f"{float(v):.0f}" for v in visible}


@pytest.mark.parametrize("make", NEW_CHARTS)
@pytest.mark.parametrize("suppress", [True, False])
def test_breakdown_charts_draw_only_shown_counts(protected: dict, make, suppress):
    chart = make(protected[suppress], release.Release(synthetic=True, suppressed=suppress))
    drawn = leading_numbers(drawn_texts(chart))
    assert drawn <= allowed_numbers(chart.data)
    if not suppress:
        assert drawn  # with every count shown, the chart writes numbers
    assert chart.data["notice"].str.startswith(release.SYNTHETIC_NOTICE).all()


@pytest.mark.parametrize("make", NEW_CHARTS)
def test_breakdown_charts_are_labelled_and_reproducible(protected: dict, make):
    internal = make(protected[False], release.Release(synthetic=False, suppressed=False))
    assert internal.title.startswith("NOT FOR PUBLICATION")
    assert (internal.data["notice"] == release.UNSUPPRESSED_NOTICE).all()
    shared = make(protected[True], release.Release(synthetic=False))
    assert "NOT FOR PUBLICATION" not in shared.title and "notice" not in shared.data
    assert charts.render(
        make(protected[True], release.Release(synthetic=True)), "svg"
    ) == charts.render(make(protected[True], release.Release(synthetic=True)), "svg")


def test_free_text_labels_in_chart_data_are_safe_in_a_spreadsheet(tmp_path):
    rows = [
        {"grantee": "G", "client_id": str(n), "intake_date": f"2016-01-{n % 28 + 1:02d}",
         "intake_type": "new", "gender_identity": "=HYPERLINK(1)" if n < 12 else "female"}
        for n in range(30)
    ]  # fmt: skip
    path = tmp_path / "entries.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    tables = ppr.count(reading.read_entries(path))
    chart = record_charts.who_the_clients_are(ppr.protect(tables), release.Release(synthetic=False))
    groups = chart.data["group"].tolist()
    assert "'=HYPERLINK(1)" in groups and not any(g.startswith("=") for g in groups)
