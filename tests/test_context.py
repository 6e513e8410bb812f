"""Budget, Hotline, training, DOJ comparator and TVAP scale: checks bite, bases stay apart."""

from pathlib import Path

import pytest

from analysis.published import (
    budget,
    checks,
    collection,
    comparator,
    context,
    grants,
    hotline,
    scale,
    training,
)
from analysis.published import catalog as catalog_module
from tests.conftest import set_figure


def rule(data_dir: Path, rule_id: str) -> checks.Result:
    cat = catalog_module.load(data_dir)
    return next(r for r in checks.run(cat) if r.rule_id == rule_id)


# -- budget --------------------------------------------------------------------------------------


def test_fy2019_request_parts_add_up(catalog):
    table = budget.fy2019_request(catalog)
    assert table["value"].iloc[:-1].sum() == pytest.approx(table["value"].iloc[-1])
    assert budget.fy2019_check(catalog).passed


def test_fy2019_request_rule_fails_when_a_part_changes(data_copy):
    set_figure(data_copy, "s14_fy2019_request_domestic_victims_usd", "5900000")
    result = rule(data_copy, budget.FY2019_RULE)
    assert not result.passed
    assert "s14_fy2019_request_domestic_victims_usd = 5,900,000" in result.message


def test_fy2024_gap_is_level_minus_categories(catalog):
    table = budget.fy2024_spending(catalog).set_index("figure_id")
    categories = table.loc[list(budget.FY2024_CATEGORIES.values()), "value"]
    assert table.loc[budget.FY2024_SUM, "value"] == pytest.approx(categories.sum())
    gap = table.loc[budget.FY2024_LEVEL, "value"] - categories.sum()
    assert table.loc[budget.FY2024_GAP, "value"] == pytest.approx(gap)
    assert gap > 0, "the categories fall short of the level"
    result = budget.gap_check(catalog)
    assert result.passed and result.difference == pytest.approx(gap)


def test_fy2024_gap_rule_notices_a_changed_category(data_copy):
    set_figure(data_copy, "s14_fy2024_spending_technology_usd", "3300000")
    result = rule(data_copy, budget.GAP_RULE)
    assert not result.passed
    assert "recorded gap was" in result.message


def test_fy2024_chart_draws_the_gap_and_marks_the_approximate_level(catalog):
    chart = budget.fy2024_spending_chart(catalog)
    gap = context.millions(catalog.value(budget.FY2024_GAP))
    assert gap in chart.title
    labels = [t.get_text() for t in chart.figure.axes[0].get_yticklabels()]
    assert len(labels) == len(budget.fy2024_spending(catalog))
    hatches = {p.get_hatch() for p in chart.figure.axes[0].patches if p.get_hatch()}
    assert len(hatches) == 2  # approximate level, and the gap


@pytest.mark.parametrize(
    ("value", "text"), [(27_900_000, "$27.9M"), (127_366, "$0.1M"), (31e6, "$31.0M")]
)
def test_millions(value, text):
    assert context.millions(value) == text


@pytest.mark.parametrize(
    ("value", "status", "text"),
    [
        (1200.0, "approximate", "about 1,200"),
        (9152.0, "published", "9,152"),
        (70.5, "derived", "70.5"),
    ],
)
def test_shown(value, status, text):
    assert context.shown(value, status) == text


def test_figure_table_keeps_provenance(catalog):
    table = context.figure_table(catalog, {"Clients": "s01_clients"})
    row = table.iloc[0]
    fig = catalog.figure("s01_clients")
    assert (row["value"], row["status"], row["source"]) == (fig["value"], fig["status"], "S01")
    with pytest.raises(KeyError):
        context.rule(catalog, "no-such-rule")


# -- hotline -------------------------------------------------------------------------------------


def test_comparable_measures_are_fiscal_years_on_both_sides(catalog):
    table = hotline.comparable(catalog)
    for measure, group in table.groupby("measure"):
        assert sorted(group["fiscal_year"]) == list(hotline.YEARS), measure
    assert table["basis"].str.startswith("fiscal year").all()


def test_volumes_on_different_bases_are_each_labelled(catalog):
    table = hotline.volumes(catalog)
    assert table["basis"].nunique() == len(table)
    chart = hotline.volume_chart(catalog)
    labels = [t.get_text() for t in chart.figure.axes[0].get_yticklabels()]
    for label, (_, row) in zip(labels, table.iterrows(), strict=True):
        counted = "all contacts" if "all contacts" in row["basis"] else "substantive signals"
        assert counted in label
        assert ("Calendar" in label) == row["basis"].startswith("calendar")


def test_hotline_lower_bounds_are_marked(catalog):
    chart = hotline.comparison_chart(catalog)
    approximate = hotline.comparable(catalog).query("status == 'approximate'")
    hatched = [p for p in chart.figure.axes[0].patches if p.get_hatch()]
    assert len(hatched) == len(approximate) > 0
    texts = " ".join(t.get_text() for t in chart.figure.axes[0].texts)
    for value in approximate["value"]:
        assert f"over {value:,.0f}" in texts


def test_potential_victims_are_not_compared(catalog):
    compared = set(hotline.comparable(catalog)["figure_id"])
    assert not compared & set(hotline.not_comparable(catalog)["figure_id"])


# -- training ------------------------------------------------------------------------------------


def test_soar_split_adds_up(catalog):
    table = training.reach(catalog).set_index("figure_id")["value"]
    assert table[training.SOAR_ONLINE] + table[training.SOAR_OTHER] == table[training.SOAR]
    assert training.online_share_pct(catalog) == pytest.approx(
        table[training.SOAR_ONLINE] / table[training.SOAR] * 100
    )


def test_training_chart_title_follows_the_data(data_copy):
    set_figure(data_copy, "s16_soar_online_fy2020_participants", "24444")
    cat = catalog_module.load(data_copy)
    chart = training.reach_chart(cat)
    assert f"{training.online_share_pct(cat):.0f}%" in chart.title
    assert "50%" in chart.title


# -- DOJ comparator --------------------------------------------------------------------------------


def test_doj_snapshots_add_up(catalog):
    table = comparator.snapshots(catalog)
    assert list(table["period"]) == list(comparator.SNAPSHOTS)
    assert (table["new_clients"] + table["other_clients"] == table["clients"]).all()
    assert (table["adults_pct"] + table["minors_pct"] == 100).all()


def test_doj_age_rule_fails_when_shares_do_not_make_100(data_copy):
    set_figure(data_copy, "s17_2019_minors_pct", "25")
    assert not rule(data_copy, "doj-2019-ages-add-to-100").passed


def test_doj_figures_are_july_june_not_fiscal_years(catalog):
    figures = catalog.figures
    doj = figures[figures["_file"].isin(comparator.FIGURE_FILES)]
    assert doj["basis"].str.contains("July-June").all()


# -- TVAP scale ----------------------------------------------------------------------------------


def test_scale_spans_come_from_the_timeline_and_are_not_rates(catalog):
    table = scale.spans(catalog).set_index("figure_id")
    cohorts = scale.timeline.cohort_periods(catalog)
    cohorts = cohorts[cohorts["cohort"].isin(scale.COHORTS)]
    row = table.loc[scale.COHORT_CLIENTS]
    assert row["first_fiscal_year"] == cohorts["first_fiscal_year"].min()
    assert row["last_fiscal_year"] == cohorts["last_fiscal_year"].max()
    assert row["period_status"] in ("derived", "inferred")
    assert (
        table["fiscal_years"] == table["last_fiscal_year"] - table["first_fiscal_year"] + 1
    ).all()
    for fid, value in table["value"].items():
        assert value == catalog.value(fid)


def test_scale_chart_follows_a_corrected_figure(data_copy):
    set_figure(data_copy, "s10_fy2021_survivors_served", "2100")
    chart = scale.scale_chart(catalog_module.load(data_copy))
    assert "2,100 survivors" in chart.description
    hatched = [p for p in chart.figure.axes[0].patches if p.get_hatch()]
    assert hatched


# -- grants and data collection --------------------------------------------------------------------


@pytest.mark.parametrize("module", [grants, collection])
def test_file_tables_hold_every_figure_of_their_file(catalog, module):
    function = grants.listing if module is grants else collection.burden
    table = function(catalog)
    figures = catalog.figures
    assert sorted(table["figure_id"]) == sorted(
        figures.loc[figures["_file"].isin(module.FIGURE_FILES), "figure_id"]
    )


def test_check_text_says_whether_the_rule_holds(catalog, data_copy):
    assert context.check_text(budget.fy2019_check(catalog)).startswith("holds\nrule ")
    set_figure(data_copy, "s14_fy2019_request_foreign_victims_usd", "12000000")
    failed = rule(data_copy, budget.FY2019_RULE)
    assert context.check_text(failed).startswith("FAILS\nrule otip-fy2019-request-parts")
