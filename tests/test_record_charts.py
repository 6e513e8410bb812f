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


# ------------------------------------------------------------------------------------------
# Nothing hidden is drawn as a value, and nothing empty is drawn at all
# ------------------------------------------------------------------------------------------


def all_hidden(protected: dict, name: str, columns: list[str], mark: str = "<11") -> dict:
    """Return ``protected`` with every cell of ``columns`` of table ``name`` but Total hidden."""
    tables = {key: table.copy() for key, table in protected.items()}
    table = tables[name]
    first = table.columns[0]
    rows = table[first] != "Total"
    for column in columns:
        table[column] = table[column].astype(object)
        table.loc[rows, column] = mark
    return tables


@pytest.mark.slow  # the module's tables take seconds to make
@pytest.mark.parametrize(
    ("make", "name", "columns", "said"),
    [
        (record_charts.entries_by_quarter, "quarter", ["entries"], "entry counts"),
        (record_charts.matched_within_48h, "matched_within_48h", ["percent_yes"], "shares"),
        (
            record_charts.clients_by_fiscal_year,
            "fiscal_year",
            ["victims", "family_members", "clients"],
            "client counts",
        ),
    ],
)
def test_a_chart_whose_values_are_all_hidden_is_a_sentence(protected, make, name, columns, said):
    tables = all_hidden(protected[True], name, columns)
    chart = make(tables, release.Release(synthetic=True))
    assert not chart.drawn and chart.figure is None
    n = int((tables[name].iloc[:, 0] != "Total").sum())
    assert chart.title.startswith("SYNTHETIC") and said in chart.title
    assert f"all {n} " in chart.title and f"{n} marked <11" in chart.title
    finding = chart.title.removeprefix(release.Release(synthetic=True).chart_title_prefix())
    assert "SYNTHETIC" in chart.source_line and finding in chart.description
    with pytest.raises(ValueError, match="sentence"):
        charts.render(chart, "png")


@pytest.mark.slow  # the module's tables take seconds to make
def test_a_sentence_is_shown_as_text_and_exported_without_a_picture(protected, tmp_path):
    from unittest import mock

    from IPython.display import Image, Markdown

    chart = record_charts.entries_by_quarter(
        all_hidden(protected[True], "quarter", ["entries"]), release.Release(synthetic=True)
    )
    run = charts.ExportRun(tmp_path / "run", "05-client-records")
    (tmp_path / "run").mkdir()
    with mock.patch("IPython.display.display") as display:
        charts.show(chart, run)
        charts.show(chart, run)  # shown again: exported once
    shown = [call.args[0] for call in display.call_args_list[:3]]
    assert shown[0] is chart.data
    assert isinstance(shown[1], Markdown) and "\\<11" in shown[1].data
    assert not any(isinstance(call.args[0], Image) for call in display.call_args_list)
    names = sorted(p.name for p in (tmp_path / "run").iterdir())
    assert names == ["records-entries-by-quarter.csv", "records-entries-by-quarter.json"]
    sidecar = charts.sidecar(chart, "05-client-records", 1)
    assert sidecar["files"] == {"csv": "records-entries-by-quarter.csv"}


@pytest.mark.slow  # the module's tables take seconds to make
def test_the_gallery_lists_a_sentence_without_a_picture(protected, tmp_path):
    from analysis.present import report

    chart = record_charts.matched_within_48h(
        all_hidden(protected[True], "matched_within_48h", ["percent_yes"]),
        release.Release(synthetic=True),
    )
    directory = tmp_path / report.CHART_DIR / "05-client-records"
    charts.export(chart, directory, "05-client-records", 1)
    page = report.Rendered("05-client-records", "Client records", "")
    entries = report.gallery_entries(tmp_path, [page])
    assert [e["files"] for e in entries] == [{"csv": f"{chart.slug}.csv"}]
    html = report.gallery(entries, [page])
    assert "<img" not in html and "nothing could be drawn" in html


def breakdown_axes(chart: charts.Chart) -> dict[str, object]:
    """Return the panels of the breakdown chart by their title."""
    return {ax.get_title(loc="left"): ax for ax in chart.figure.axes}


@pytest.mark.slow  # the module's tables take seconds to make
def test_an_empty_catch_all_group_is_not_drawn(protected):
    tables = {key: table.copy() for key, table in protected[False].items()}
    gender = tables["gender_identity"]
    assert gender["gender_identity"].tolist()[-3:] == ["another identity", "unknown", "Total"]
    rows = gender["gender_identity"].isin(["another identity", "unknown"])
    gender.loc[rows, ["victims", "percent"]] = ["0", "0.0"]
    chart = record_charts.who_the_clients_are(tables, release.Release(synthetic=True))
    ax = breakdown_axes(chart)["Gender identity"]
    charts.render(chart, "png")
    names = [label.get_text() for label in ax.get_yticklabels()]
    assert "another identity" not in names and "unknown" not in names and names
    assert not any(t.get_text().startswith("0 ") for t in ax.texts)
    # The table the chart ships keeps the rows.
    assert (chart.data["group"] == "another identity").any()


@pytest.mark.slow  # the module's tables take seconds to make
def test_a_panel_with_every_count_hidden_is_a_line_of_text(protected):
    tables = all_hidden(protected[True], "country_of_origin", ["victims", "percent"])
    chart = record_charts.who_the_clients_are(tables, release.Release(synthetic=True))
    ax = breakdown_axes(chart)["Country of origin"]
    assert not ax.axison and not ax.patches
    n = int((tables["country_of_origin"]["country_of_origin"] != "Total").sum())
    (text,) = [t.get_text() for t in ax.texts]
    assert f"{n} hidden" in " ".join(text.split()) and f"{2 * n} marked <11" not in text
    everything = {
        name: all_hidden(protected[True], name, ["victims", "percent"])[name]
        for name in ("gender_identity", "age_band", "country_of_origin", "referral_source")
    }
    chart = record_charts.who_the_clients_are(
        {**protected[True], **everything}, release.Release(synthetic=True)
    )
    assert not chart.drawn and "no breakdown of victims can be drawn" in chart.title


# ------------------------------------------------------------------------------------------
# Tables at a coarser grain (ppr.grains): the charts draw the grain published
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def coarser(catalog: Catalog) -> dict[float, tuple]:
    """Protected tables of synthetic exports of ~40 and ~400 entries: coarser grains published."""
    from analysis.records import examples

    out = {}
    for scale in (0.005, 0.05):
        tables, summary, state = examples.synthetic_tables(catalog, scale=scale)
        out[scale] = (tables, summary, state)
    return out


def tick_texts(chart: charts.Chart) -> list[str]:
    return [t.get_text() for t in chart.figure.axes[0].get_xticklabels()]


def test_entries_are_drawn_per_half_year_when_published_so(coarser):
    tables, summary, state = coarser[0.05]
    assert "half_year" in tables and "quarter" not in tables
    chart = record_charts.entries_by_quarter(tables, state)
    assert chart.slug == "records-entries-by-half-year" and chart.drawn
    assert set(tick_texts(chart)) <= {"H1", "H2"} and "half-year" in chart.title
    assert chart.data.drop(columns=ppr.NOTICE_COLUMN).equals(tables["half_year"])


def test_entries_with_no_table_by_period_are_a_sentence_pointing_to_the_years(coarser):
    tables, summary, state = coarser[0.005]
    assert ppr.grains.table_at_grain(tables, "quarter") is None
    chart = record_charts.entries_by_quarter(tables, state)
    assert not chart.drawn and "per fiscal year only" in chart.title
    total = tables["fiscal_year"]["entries"].iloc[-1]
    assert f"{int(total):,} entries over all years" in chart.title


def test_the_48_hour_chart_draws_the_fiscal_years_when_published_so(coarser):
    tables, summary, state = coarser[0.005]
    assert "matched_within_48h_by_fiscal_year" in tables
    chart = record_charts.matched_within_48h(tables, state)
    years = tables["matched_within_48h_by_fiscal_year"]["fiscal_year"].tolist()[:-1]
    if chart.drawn:
        assert tick_texts(chart) == [f"FY{y}" for y in years]
    else:
        assert "fiscal year" in chart.title


def test_merged_age_bands_are_the_age_panel(coarser):
    tables, summary, state = coarser[0.005]
    name = ppr.grains.table_at_grain(tables, "age_band")
    assert name != "age_band"
    chart = record_charts.who_the_clients_are(tables, state)
    assert set(chart.data["breakdown"]) == {*ppr.BREAKDOWN_VICTIMS} - {"age_band"} | {name}
    if chart.drawn:
        titles = [ax.get_title(loc) for ax in chart.figure.axes for loc in ("left", "center")]
        assert record_charts.BREAKDOWN_TITLES[name] in titles
