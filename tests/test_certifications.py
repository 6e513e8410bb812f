"""Certification and Eligibility Letters: gaps stay gaps, both FY2001 values stay, checks bite."""

from pathlib import Path

import pandas as pd
import pytest

from analysis.published import catalog as catalog_module
from analysis.published import certifications, checks
from tests.conftest import set_figure

LETTERS_CSV = "published/certification_letters.csv"


def drop_figure(data_dir: Path, figure_id: str) -> None:
    path = data_dir / LETTERS_CSV
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert figure_id in set(frame["figure_id"])
    frame[frame["figure_id"] != figure_id].to_csv(path, index=False)


def rule_passes(data_dir: Path, rule_id: str) -> bool:
    cat = catalog_module.load(data_dir)
    return next(r for r in checks.run(cat) if r.rule_id == rule_id).passed


def test_every_letter_figure_becomes_one_row(catalog):
    table = certifications.letters(catalog)
    figures = catalog.figures
    in_file = figures[
        (figures["_file"] == LETTERS_CSV) & figures["unit"].isin(certifications.LETTER_TYPES)
    ]
    assert sorted(table["figure_id"]) == sorted(in_file["figure_id"])
    assert table["fiscal_year"].is_monotonic_increasing


def test_both_fy2001_values_are_kept(catalog):
    table = certifications.letters(catalog)
    fy2001 = table[table["fiscal_year"] == 2001]
    assert len(fy2001) == 2
    assert fy2001["letters"].nunique() == 2
    row = certifications.by_fiscal_year(catalog).set_index("fiscal_year").loc["FY2001"]
    for value in fy2001["letters"]:
        assert f"{value:,}" in row["certification_letters"]


def test_missing_years_are_gaps_never_filled(catalog):
    table = certifications.letters(catalog)
    years = certifications.by_fiscal_year(catalog)
    first, last = table["fiscal_year"].min(), table["fiscal_year"].max()
    assert list(years["fiscal_year"]) == [f"FY{y}" for y in range(first, last + 1)]
    gaps = certifications.missing_years(catalog)
    assert gaps, "the published series has gaps"
    assert not set(gaps) & set(table["fiscal_year"])
    for year in gaps:
        row = years.set_index("fiscal_year").loc[f"FY{year}"]
        assert (row == certifications.NOT_PUBLISHED).all()


def test_removed_year_shows_as_not_published(data_copy):
    before = certifications.missing_years(catalog_module.load(data_copy))
    drop_figure(data_copy, "s13_fy2013_eligibility_letters")
    drop_figure(data_copy, "s13_fy2013_certifications")
    cat = catalog_module.load(data_copy)
    after = certifications.missing_years(cat)
    assert sorted(after) == sorted([*before, 2013])
    chart = certifications.letters_chart(cat)
    marks = [t for t in chart.figure.axes[0].texts if t.get_text() == certifications.NOT_PUBLISHED]
    assert len(marks) == len(after)
    assert f"{len(after)} of" in chart.title


def test_approximate_values_are_marked(catalog):
    table = certifications.letters(catalog)
    approximate = table[table["status"] == "approximate"]
    assert not approximate.empty
    by_year = certifications.by_fiscal_year(catalog).set_index("fiscal_year")
    for _, row in approximate.iterrows():
        column = (
            "eligibility_letters"
            if "Eligibility" in row["letter_type"]
            else ("certification_letters")
        )
        assert by_year.loc[f"FY{row['fiscal_year']}", column].startswith("about ")
    chart = certifications.letters_chart(catalog)
    hatched = [p for p in chart.figure.axes[0].patches if p.get_hatch()]
    assert len(hatched) == len(approximate)


def test_chart_puts_every_fiscal_year_on_the_axis(catalog):
    chart = certifications.letters_chart(catalog)
    table = certifications.letters(catalog)
    ticks = [t.get_text() for t in chart.figure.axes[0].get_xticklabels()]
    span = range(table["fiscal_year"].min(), table["fiscal_year"].max() + 1)
    assert ticks == [f"FY{y % 100:02d}" for y in span]
    labels = {t.get_text() for t in chart.figure.axes[0].texts}
    for _, row in table.iterrows():
        assert certifications.context.shown(row["letters"], row["status"]) in labels
    assert set(chart.statuses) == set(table["status"])


def test_fy2001_discrepancy_is_recorded_and_rechecked(catalog, data_copy):
    assert certifications.discrepancy(catalog).passed
    set_figure(data_copy, "s13_fy2001_certifications_chart", "200")
    assert not rule_passes(data_copy, certifications.DISCREPANCY_RULE)


@pytest.mark.parametrize("published", ["128", "129", "130"])
def test_growth_rule_accepts_only_the_rounded_percentage(data_copy, published):
    set_figure(data_copy, "s13_certifications_growth_pct", published)
    cat = catalog_module.load(data_copy)
    computed = cat.value("s13_certifications_growth_computed_pct")
    assert rule_passes(data_copy, certifications.GROWTH_RULE) == (round(computed) == int(published))


def test_growth_from_each_fy2001_value(catalog):
    fy2017 = catalog.value("s13_fy2017_certifications")
    for base, derived in (
        ("s13_fy2001_certifications_fact_sheet", "s13_certifications_growth_computed_pct"),
        ("s13_fy2001_certifications_chart", "s13_certifications_growth_from_chart_pct"),
    ):
        start = catalog.value(base)
        assert catalog.value(derived) == pytest.approx((fy2017 - start) / start * 100)


def test_trends_are_quoted_with_source_and_status(catalog):
    table = certifications.trends(catalog)
    assert list(table["measure"]) == list(certifications.TRENDS)
    for _, row in table.iterrows():
        fig = catalog.figure(row["figure_id"])
        assert row["source"] == fig["source_id"] and row["status"] == fig["status"]
        assert f"{float(fig['value']):.0f} %" in row["statement"]
    per_year = table[table["unit"].str.endswith("a year")]
    assert per_year["statement"].str.endswith("a year").all()


@pytest.mark.parametrize(
    ("years", "text"),
    [
        ([], "none"),
        ([2007], "FY2007"),
        ([2007, 2008, 2009], "FY2007-FY2009"),
        ([2007, 2008, 2015, 2018, 2019], "FY2007-FY2008, FY2015, FY2018-FY2019"),
    ],
)
def test_year_ranges(years, text):
    assert certifications._year_ranges(years) == text
