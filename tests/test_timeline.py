"""The award timeline: tables, cohort periods, events, the checks tying them to S01, the chart."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from analysis import charts, cli
from analysis.published import catalog as catalog_module
from analysis.published import checks, fiscal, gantt, timeline
from tests.conftest import set_figure


def _edit_awards(data_dir: Path, edit) -> None:
    path = data_dir / "timeline" / "awards.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame).to_csv(path, index=False)


def _failed(data_dir: Path) -> set[str]:
    return {r.rule_id for r in checks.failures(catalog_module.load(data_dir))}


# --- tables ---------------------------------------------------------------------------------


def test_cohort_periods_keep_their_columns_and_match_the_fact_sheet(catalog) -> None:
    periods = timeline.cohort_periods(catalog)
    assert list(periods.columns) == [
        "cohort",
        "first_fiscal_year",
        "last_fiscal_year",
        "grantees",
        "period_status",
    ]
    assert periods["cohort"].tolist() == [1, 2]
    assert periods["first_fiscal_year"].tolist() == [
        catalog.value("s01_cohort_1_first_fiscal_year"),
        catalog.value("s01_cohort_2_first_fiscal_year"),
    ]
    assert [len(g) for g in periods["grantees"]] == [
        catalog.value("s01_grantees_cohort_1"),
        catalog.value("s01_grantees_cohort_2"),
    ]
    distinct = set().union(*periods["grantees"])
    assert len(distinct) == catalog.value("s01_grantees_cohorts_1_2")
    # Cohort 1 ends the year before cohort 2 begins: the periods do not overlap.
    assert periods["last_fiscal_year"].iloc[0] < periods["first_fiscal_year"].iloc[1]
    assert set(periods["period_status"]) <= {"derived", "inferred"}


def test_cohort_of_places_fiscal_years_in_cohorts(catalog) -> None:
    periods = pd.DataFrame(
        {
            "cohort": [1, 2],
            "first_fiscal_year": [2012, 2016],
            "last_fiscal_year": [2015, 2018],
            "grantees": [("a",), ("b",)],
            "period_status": ["inferred", "derived"],
        }
    )
    years = pd.Series([2011, 2012, 2015, 2016, 2018, 2019, pd.NA], dtype="Int64")
    got = timeline.cohort_of(years, periods)
    assert got.tolist()[1:5] == [1, 1, 2, 2]
    assert got.isna().tolist() == [True, False, False, False, False, True, True]


def test_award_rows_label_grantees_and_open_ends(catalog) -> None:
    rows = timeline.award_rows(catalog).set_index("award_id")
    table = timeline.awards(catalog).set_index("award_id")
    assert rows.loc["c1_uscri", "label"] == "USCRI"
    inferred = table.index[table["status"] == "inferred"]
    named = [i for i in inferred if table.loc[i, "grantee"]]
    assert named and all(rows.loc[i, "label"].endswith("(inferred)") for i in named)
    assert rows["open_end"].tolist() == table["last_fiscal_year"].isna().tolist()
    unnamed = rows[table["grantee"].isna().reindex(rows.index)]
    assert len(unnamed) and all("not named" in label for label in unnamed["label"])
    assert len(set(rows["label"][rows["program"] == "Lighthouse labor-trafficking pilots"])) == 3


def test_award_table_reads_each_program(catalog) -> None:
    whole = timeline.award_table(catalog)
    assert list(whole.index) == list(timeline.awards(catalog)["award_id"])
    cohort_1 = timeline.award_table(catalog, "TVAP cohort 1")
    assert "program" not in cohort_1.columns and len(cohort_1) == catalog.value(
        "s01_grantees_cohort_1"
    )
    assert set(cohort_1["amount"]) == {timeline.figure_text(catalog, "s04_fy2012_awards_usd")}
    assert whole.loc["fy2021_national", "to"] == "not published"
    assert whole.loc["fy2021_national", "grantee"] == "not named"
    assert whole.loc["c2_usccb", "acf_regions"] == "3, 6"
    with pytest.raises(KeyError):
        timeline.award_table(catalog, "no such program")


def test_short_name() -> None:
    assert timeline.short_name("U.S. Committee for Refugees and Immigrants (USCRI)") == "USCRI"
    assert timeline.short_name("Tapestri, Inc.") == "Tapestri"


def test_events_are_numbered_in_date_order_with_computed_fiscal_years(catalog) -> None:
    table = timeline.events(catalog)
    assert table["number"].tolist() == list(range(1, len(table) + 1))
    assert table["date"].is_monotonic_increasing
    for _, row in table.iterrows():
        assert row["fiscal_year"] == fiscal.fiscal_year(row["date"])
        assert row["fiscal_quarter"] == fiscal.fiscal_quarter(row["date"])
    when = dict(zip(table["event_id"], table["when"], strict=True))
    assert when["house_hearing_2011"] == "2011-12-01"
    assert when["fy2012_awards"] == "2011-10"
    assert when["cohort_2_begins"] == "FY2016"


def test_events_cover_the_history_the_sources_date(catalog) -> None:
    table = timeline.events(catalog).set_index("event_id")
    assert str(table.loc["house_hearing_2011", "date"]) == "2011-12-01"
    assert table.loc["fy2012_awards", "fiscal_year"] == catalog.value(
        "s01_cohort_1_first_fiscal_year"
    )
    assert table.loc["press_release_2020", "fiscal_year"] == 2021
    assert table.loc["press_release_2022", "fiscal_year"] == 2023
    assert table.loc["fy2013_supplements", "fiscal_year"] == 2013
    # A fiscal-year-only date is the first day of that fiscal year.
    for _, row in table[table["date_precision"] == "fiscal_year"].iterrows():
        assert row["date"] == fiscal.fiscal_year_bounds(int(row["fiscal_year"]))[0]


def test_event_table_shows_status_source_and_figures(catalog) -> None:
    table = timeline.event_table(catalog)
    assert table["status"].notna().all() and (table["source"] != "").all()
    row = table[table["event"].str.contains("case management")].iloc[0]
    assert row["figures"] == (
        f"{timeline.figure_text(catalog, 's11_2020_awards_usd')}; "
        f"{timeline.figure_text(catalog, 's11_2020_award_organizations')}"
    )
    assert timeline.figure_text(catalog, "s11_2020_awards_usd") == "$8.8 million (published)"


def test_number_text() -> None:
    cat = catalog_module.load()
    assert timeline.number_text(cat, "s04_fy2012_awards_usd") == "$4.5 million"
    assert timeline.number_text(cat, "s01_clients") == "9,152"
    assert timeline.number_text(cat, "s01_cohort_1_first_fiscal_year") == "2012"
    assert timeline.number_text(cat, "s05_usccb_contract_min_per_year_usd") == "$500,000"
    assert timeline.figure_text(cat, "s05_usccb_contract_min_per_year_usd") == (
        "$500,000 per year (reported)"
    )
    assert timeline.figure_text(cat, "s01_grantees_cohort_1") == "3 grantees (published)"


def test_every_program_is_annotated_from_existing_figures(catalog) -> None:
    programs = timeline.programs(catalog)
    assert set(programs["program"]) == set(timeline.ANNOTATIONS)
    assert programs["colour"].is_unique
    assert set(programs["colour"]) <= set(charts.PALETTE.values())
    for _, program in programs.iterrows():
        assert program["figures"], program["program"]
        status = program["annotation"].rsplit("(", 1)[1].rstrip(")")
        assert status in catalog_module.STATUSES


def test_annotation_follows_a_corrected_figure(data_copy: Path) -> None:
    set_figure(data_copy, "s04_fy2012_awards_usd", "4600000")
    cat = catalog_module.load(data_copy)
    text, ids = timeline.annotate(cat, timeline.ANNOTATIONS["TVAP cohort 1"])
    assert "$4.6 million" in text and "s04_fy2012_awards_usd" in ids


def test_unknowns_name_what_the_sources_leave_open(catalog) -> None:
    table = timeline.unknowns(catalog).set_index("award_id")
    assert "grantee not named" in table.loc["fy2021_national", "not known"]
    assert "end not published" in table.loc["fy2021_national", "not known"]
    assert "grantee inferred" in table.loc["fy2019_region_b", "not known"]
    assert "no amount published" in table.loc["c2_uscri", "not known"]
    assert "period derived or inferred" in table.loc["c1_uscri", "not known"]
    assert "no amount" not in table.loc["c1_uscri", "not known"]


# --- checks ---------------------------------------------------------------------------------


def test_timeline_rules_hold_on_the_repository_data(catalog) -> None:
    results = [r for r in checks.run(catalog) if r.rule_id.startswith("timeline-")]
    assert len(results) >= 10
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]


def test_dropping_a_cohort_1_grantee_fails_the_cohort_rules(data_copy: Path) -> None:
    _edit_awards(data_copy, lambda f: f[f["award_id"] != "c1_heartland"])
    failed = _failed(data_copy)
    assert {
        "timeline-cohort-1-grantees",
        "timeline-cohort-1-one-award-each",
        "timeline-cohorts-1-2-distinct-grantees",
    } <= failed


def test_a_second_fy2019_organization_fails_the_one_organization_rule(data_copy: Path) -> None:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[frame["award_id"] == "fy2019_region_b", "grantee"] = "Tapestri, Inc."
        return frame

    _edit_awards(data_copy, edit)
    assert _failed(data_copy) == {"timeline-fy2019-one-organization"}


def test_a_backwards_period_fails_the_order_rule(data_copy: Path) -> None:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[frame["award_id"] == "c2_tapestri", "last_fiscal_year"] = "2014"
        return frame

    _edit_awards(data_copy, edit)
    failed = checks.failures(catalog_module.load(data_copy))
    order = [r for r in failed if r.rule_id == "timeline-award-periods-well-formed"]
    assert order and "first_fiscal_year 2016 > last_fiscal_year 2014" in order[0].message


def test_a_moved_cohort_start_fails(data_copy: Path) -> None:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[frame["award_id"] == "c2_usccb", "first_fiscal_year"] = "2017"
        return frame

    _edit_awards(data_copy, edit)
    assert "timeline-cohort-2-begins-fy2016" in _failed(data_copy)


def test_a_changed_fact_sheet_figure_fails_and_validate_exits_2(data_copy: Path, capsys) -> None:
    set_figure(data_copy, "s01_grantees_cohort_2", "4")
    assert {"timeline-cohort-2-grantees", "timeline-cohort-2-one-award-each"} <= _failed(data_copy)
    assert cli.main(["validate", "--data", str(data_copy)]) == 2
    assert "timeline-cohort-2-grantees" in capsys.readouterr().err


def test_an_event_period_ending_before_it_begins_fails(data_copy: Path) -> None:
    path = data_copy / "timeline" / "events.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame["event_id"] == "fy2013_supplements", "end_date"] = "2013-08-01"
    frame.to_csv(path, index=False)
    assert "timeline-event-periods-well-formed" in _failed(data_copy)


# --- chart ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chart() -> charts.Chart:
    return gantt.timeline_chart(catalog_module.load())


def _bars(chart: charts.Chart) -> dict[str, Rectangle]:
    return {
        p.get_gid().removeprefix("bar-"): p
        for ax in chart.figure.axes
        for p in ax.patches
        if isinstance(p, Rectangle) and (p.get_gid() or "").startswith("bar-")
    }


def test_chart_has_words_and_sources(chart: charts.Chart, catalog) -> None:
    assert chart.slug == "tvap-grant-timeline"
    assert chart.description and "Gantt" in chart.description
    table = timeline.awards(catalog)
    expected = {s for ids in table["source_id"] for s in ids.split(";")}
    assert expected <= set(chart.sources)
    assert all(f"{s}:" in chart.source_line for s in chart.sources)
    assert "inferred" in chart.statuses
    texts = [t.get_text() for t in chart.figure.texts]
    assert chart.title in texts and chart.source_line in texts


def test_inferred_and_derived_spans_are_drawn_differently(chart: charts.Chart, catalog) -> None:
    bars = _bars(chart)
    table = timeline.awards(catalog).set_index("award_id")
    assert set(bars) == set(table.index)
    for award_id, patch in bars.items():
        status = table.loc[award_id, "period_status"]
        if status in ("published", "reported"):
            assert not patch.get_hatch(), award_id
            assert patch.get_linestyle() in ("-", "solid")
        else:
            assert patch.get_hatch() == gantt.PERIOD_HATCH[status], award_id
            assert patch.get_linestyle() in ("--", "dashed")
    assert bars["c1_uscri"].get_hatch() != bars["c2_uscri"].get_hatch()


def test_bars_span_their_fiscal_years(chart: charts.Chart, catalog) -> None:
    bars = _bars(chart)
    for _, row in timeline.award_rows(catalog).iterrows():
        patch = bars[row["award_id"]]
        assert patch.get_x() == row["first_fiscal_year"] - 0.5
        last = row["first_fiscal_year"] if row["open_end"] else row["last_fiscal_year"]
        assert patch.get_x() + patch.get_width() == last + 0.5


def test_chart_marks_every_event_and_annotates_published_figures(chart, catalog) -> None:
    texts = [t.get_text() for ax in chart.figure.axes for t in ax.texts]
    numbers = {str(n) for n in timeline.events(catalog)["number"]}
    assert numbers <= set(texts)
    joined = "\n".join(texts)
    assert f"{catalog.value('s01_clients'):,.0f} clients" in joined
    assert timeline.number_text(catalog, "s04_fy2012_awards_usd") in joined
    legend = chart.figure.axes[1].get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    assert gantt.PERIOD_LEGEND["inferred"] in labels
    assert gantt.PERIOD_LEGEND["derived"] in labels


def test_chart_data_lists_bars_events_and_annotations(chart: charts.Chart, catalog) -> None:
    data = chart.data
    assert (data["element"] == "bar").sum() == len(timeline.awards(catalog))
    assert data["element"].str.startswith("event").sum() == len(timeline.events(catalog))
    assert (data["element"] == "annotation").sum() >= 2
    assert (data["status"] != "").all() and (data["source"] != "").all()


def test_chart_renders_identically_twice(chart: charts.Chart) -> None:
    first = charts.render(chart, "png")
    assert first == charts.render(chart, "png")
    assert first.startswith(b"\x89PNG")
    svg = charts.render(chart, "svg")
    assert io.BytesIO(svg).read(5) in (b"<?xml", b"<svg ")
