"""The second research pass (S19-S25) where it belongs, its conflicts kept, its bases visible.

These are tests of the repository's data (data/), except the register table's, which runs on the
fixture catalogue.
"""

import pytest

from analysis import charts
from analysis.published import catalog as catalog_module
from analysis.published import (
    certifications,
    checks,
    collection,
    comparator,
    origins,
    scale,
    sources,
    uscri,
)
from tests.conftest import set_figure


def _rule(data_dir, rule_id):
    cat = catalog_module.load(data_dir)
    return next(r for r in checks.run(cat) if r.rule_id == rule_id)


# -- S21 against S13 ---------------------------------------------------------------------------


def test_cumulative_check_computes_the_shortfall(catalog):
    table = certifications.cumulative_check(catalog).set_index("label")
    by_fy2006 = table.loc["Adult letters FY2001-FY2006 (FY2001 = fact sheet)"]
    letters = [
        "s13_fy2001_certifications_fact_sheet",
        *(f"s13_fy{y}_certifications" for y in range(2002, 2007)),
    ]
    expected = sum(catalog.value(f) for f in letters)
    assert by_fy2006["value"] == expected
    assert (
        by_fy2006["short_of_cumulative"] == catalog.value("s21_certified_by_2006_05_22") - expected
    )
    assert by_fy2006["status"] == "derived"


def test_cumulative_rules_are_recorded_discrepancies_that_hold(catalog):
    results = certifications.cumulative_rules(catalog)
    assert [r.kind for r in results] == ["discrepancy", "discrepancy"]
    assert all(r.passed for r in results)
    assert "s21_certified_by_2006_05_22 = 1,000 (S21, published)" in results[1].message


def test_a_corrected_yearly_count_moves_the_cumulative_discrepancy(data_copy):
    set_figure(data_copy, "s13_fy2006_certifications", "249")
    result = _rule(data_copy, "certified-cumulative-vs-letters-fy2001-2006")
    assert not result.passed
    assert "recorded discrepancy was 40 but the data now differ by 1" in result.message


# -- S20: the USCCB era ------------------------------------------------------------------------


def test_usccb_era_holds_counts_and_shares(catalog):
    table = scale.usccb_era(catalog).set_index("figure_id")
    assert table.loc["s20_usccb_clients_served", "value"] == 2223 + 512
    assert table.loc["s20_usccb_clients_served", "status"] == "derived"
    assert table.loc["s20_usccb_labor_share_pct", "unit"] == "percent"
    assert {"s20_usccb_male_share_pct", "s20_usccb_female_share_pct"} <= set(table.index)


def test_usccb_discrepancies_follow_the_data(data_copy):
    set_figure(data_copy, "s20_usccb_survivors_program_page", "2223")
    result = _rule(data_copy, "usccb-victims-blog-vs-program-page")
    assert not result.passed and "now differ by 0" in result.message


def test_scale_shows_both_usccb_counts(catalog):
    table = scale.spans(catalog).set_index("figure_id")
    assert table.loc["s20_usccb_clients_served", "value"] == catalog.value(
        "s20_usccb_clients_served"
    )
    assert table.loc["s05_usccb_people_served", "value"] == 2783


# -- S19: one grantee, never on one axis with S01 ----------------------------------------------


def test_uscri_figures_are_one_grantees_and_exclude_the_program_total(catalog):
    table = uscri.figures(catalog)
    assert {"s19_uscri_2019_survivors_served", "s10_tvap_trust_survivors_served"} <= set(
        table["figure_id"]
    )
    assert not table["figure_id"].str.startswith("s01_").any()


def test_no_chart_puts_one_grantees_figures_beside_the_fact_sheet(catalog):
    for name, draw in charts.plotting_functions().items():
        chart = draw(catalog)
        assert not {"S01", "S19"} <= set(chart.sources), name


# -- S23: countries of origin with the change of basis -----------------------------------------


def test_basis_change_is_found_in_fy2013(catalog):
    changes = origins.basis_changes(catalog)
    assert list(changes["to"]) == ["FY2013"]
    assert "U.S. citizens" in changes.iloc[0]["after"]


def test_basis_change_follows_the_data(data_copy):
    path = data_copy / "lists" / "countries_of_origin.csv"
    text = path.read_text().replace("tip_fy2013,FY2013", "tip_fy2013,FY2013").splitlines()
    text = [
        line.replace("federally_identified_victims", "foreign_victims")
        if line.startswith("tip_fy2013,")
        else line
        for line in text
    ]
    path.write_text("\n".join(text) + "\n")
    changes = origins.basis_changes(catalog_module.load(data_copy))
    assert list(changes["to"]) == ["FY2014"]


def test_origins_chart_marks_the_change_and_leaves_the_grantee_out(catalog):
    chart = origins.origins_chart(catalog)
    assert "uscri_2019" not in set(chart.data["list_id"])
    dashed = [line for line in chart.figure.axes[0].get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 1 and dashed[0].get_xdata()[0] == pytest.approx(1.5)
    assert "FY2013" in chart.title and "FY2013" in chart.description


def test_wide_table_heads_each_list_with_whom_it_counts(catalog):
    columns = list(origins.wide(catalog).columns)
    assert "FY2012: foreign victims" in columns
    assert "FY2013: federally identified victims, U.S. citizens included" in columns
    assert "2019: one grantee's survivors (USCRI)" in columns


# -- S24, S25, S22 -----------------------------------------------------------------------------


def test_doj_rows_are_their_own_table(catalog):
    table = comparator.more_rows(catalog).set_index("figure_id")
    assert table.loc["s24_2018_clients", "value"] == 8913
    assert "subset" in table.loc["s24_2016_specialized_clients", "basis"]
    assert set(comparator.snapshots(catalog)["clients"]) == {5655, 8375}


def test_programs_sharing_the_collection_agree(catalog):
    table = collection.programs(catalog).set_index("figure_id")
    assert (
        table.loc["s25_fy2025_programs", "value"]
        == table.loc["s11_programs_sharing_tvap_data", "value"]
    )


# -- the register as shown -----------------------------------------------------------------------


def test_register_table_shows_addresses_or_why_none(fixture_catalog):
    table = sources.register_table(fixture_catalog.sources).set_index("source")
    assert list(table.index) == ["S01", "S02", "S03", "S04"]
    assert table.loc["S01", "address"].startswith("none known: ")
    raw_sha = fixture_catalog.source("S01")["raw_sha256"]
    assert table.loc["S01", "raw copy"] == f"raw/s01_fixture_page.txt (SHA-256 {raw_sha[:12]}…)"
    assert table.loc["S02", "address"] == "https://letters.example.gov/report (checked 2026-12-02)"
    assert table.loc["S03", "address"].split("\n") == [
        "https://news.example.org/2021/06/budget (checked 2026-12-02); the article",
        "https://archive.example.org (checked 2026-12-02); site only: the archive's copy",
    ]
    assert table.loc["S03", "precision"] == "month" and table.loc["S03", "kind"] == "secondary"
    assert table.loc["S01", "published"] == "undated"
    assert table.loc["S04", "published"] == "2020" and table.loc["S04", "raw copy"] == ""
