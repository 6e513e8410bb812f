"""Each rule kind, on a small data directory written by the test, and on the fixture catalogue."""

from pathlib import Path

import pytest
import yaml

from analysis.published import catalog, checks
from tests.conftest import FIXTURE_DATA, set_figure

FIGURES = """figure_id,description,value,unit,period,basis,source_id,quote,status,formula,notes
total,all,100,people,,,S01,q,published,,
part_a,a,60,people,,,S01,q,published,,
part_b,b,40,people,,,S01,q,published,,
pct,published percent,129,percent,,,S01,q,published,,
base,base,195,letters,,,S01,q,published,,
later,later,446,letters,,,S01,q,published,,
other_base,base elsewhere,196,letters,,,S01,q,published,,
"""
AWARDS = """award_id,grantee,cohort,first,last
a1,Alpha,1,2012,2015
a2,Beta,1,2012,2015
a3,Alpha,2,2016,2018
"""


def make_data(tmp_path: Path, rules: list[dict], figures: str = FIGURES) -> Path:
    root = tmp_path / "data"
    (root / "published").mkdir(parents=True)
    (root / "schema").mkdir()
    (root / "checks").mkdir()
    (root / "tables").mkdir()
    (root / "sources.yml").write_text(
        yaml.safe_dump(
            [
                {
                    "id": "S01",
                    "title": "T",
                    "publisher": "P",
                    "kind": "primary",
                    "date_published": None,
                    "date_precision": "unknown",
                    "addresses": [],
                    "address_statement": "none known: a test source",
                    "notes": "",
                }
            ]
        )
    )
    (root / "schema" / "figures.yml").write_text(
        (FIXTURE_DATA / "schema" / "figures.yml").read_text()
    )
    (root / "schema" / "awards.yml").write_text(
        yaml.safe_dump(
            {
                "table": "awards",
                "files": "tables/awards.csv",
                "key": ["award_id"],
                "columns": {
                    "award_id": {"type": "id"},
                    "grantee": {"type": "text"},
                    "cohort": {"type": "text"},
                    "first": {"type": "integer"},
                    "last": {"type": "integer"},
                },
            }
        )
    )
    (root / "tables" / "awards.csv").write_text(AWARDS)
    (root / "published" / "figures.csv").write_text(figures)
    (root / "checks" / "rules.yml").write_text(yaml.safe_dump({"rules": rules}))
    return root


def outcome(tmp_path: Path, rule: dict, figures: str = FIGURES) -> checks.Result:
    root = make_data(tmp_path, [{"id": "r", "description": "d", **rule}], figures)
    (result,) = checks.run(catalog.load(root))
    return result


def test_sum_holds_and_fails_with_values(tmp_path):
    ok = outcome(tmp_path / "1", {"kind": "sum", "total": "total", "parts": ["part_a", "part_b"]})
    assert ok.passed
    bad = outcome(
        tmp_path / "2",
        {"kind": "sum", "total": "total", "parts": ["part_a", "part_b"]},
        FIGURES.replace("part_a,a,60", "part_a,a,61"),
    )
    assert not bad.passed
    assert "part_a = 61 (S01, published)" in bad.message
    assert "total = 100" in bad.message and "difference -1" in bad.message


def test_sum_within_tolerance(tmp_path):
    rule = {"kind": "sum", "total": "total", "parts": ["part_a", "part_b"], "tolerance": 1}
    assert outcome(tmp_path, rule, FIGURES.replace("part_a,a,60", "part_a,a,61")).passed


def test_sum_guards_that_the_total_exists(tmp_path):
    result = outcome(tmp_path, {"kind": "sum", "total": "nothing", "parts": ["part_a"]})
    assert not result.passed and "missing: nothing" in result.message


def test_equal_checks_a_published_percentage_within_rounding(tmp_path):
    rule = {
        "kind": "equal",
        "figure": "pct",
        "expression": "(later - base) / base * 100",
        "tolerance": 0.5,
    }
    assert outcome(tmp_path / "1", rule).passed
    assert not outcome(tmp_path / "2", {**rule, "tolerance": 0.1}).passed


def test_discrepancy_records_its_size_and_notices_a_change(tmp_path):
    rule = {"kind": "discrepancy", "figures": ["base", "other_base"], "difference": 1}
    assert outcome(tmp_path / "1", rule).passed
    changed = FIGURES.replace("other_base,base elsewhere,196", "other_base,base elsewhere,195")
    result = outcome(tmp_path / "2", rule, changed)
    assert not result.passed and "now differ by 0" in result.message


def test_gap_is_recorded_not_hidden(tmp_path):
    rule = {"kind": "gap", "total": "later", "parts": ["base", "part_a"], "gap": 191}
    assert outcome(tmp_path / "1", rule).passed
    assert not outcome(tmp_path / "2", {**rule, "gap": 0}).passed


def test_count_of_rows_and_distinct_values(tmp_path):
    rows = {"kind": "count", "table": "awards", "where": {"cohort": 1}, "expected": 2}
    distinct = {"kind": "count", "table": "awards", "distinct": "grantee", "expected": "part_a"}
    assert outcome(tmp_path / "1", rows).passed
    result = outcome(tmp_path / "2", distinct)
    assert not result.passed and "distinct grantee of awards where all rows = 2" in result.message


def test_aggregate_compares_a_column_with_a_figure(tmp_path):
    every = {
        "kind": "aggregate",
        "table": "awards",
        "where": {"cohort": 1},
        "column": "first",
        "how": "all",
        "expected": 2012,
    }
    assert outcome(tmp_path / "1", every).passed
    latest = {**every, "where": None, "how": "max", "expected": 2016}
    assert outcome(tmp_path / "2", latest).passed
    result = outcome(tmp_path / "3", {**every, "where": None})
    assert not result.passed and "other values: 2,016" in result.message
    assert not outcome(tmp_path / "4", {**every, "how": "median"}).passed


def test_order_names_the_backwards_row(tmp_path):
    root = make_data(
        tmp_path,
        [{"id": "o", "kind": "order", "table": "awards", "first": "first", "last": "last"}],
    )
    (root / "tables" / "awards.csv").write_text(AWARDS.replace("2016,2018", "2019,2018"))
    (result,) = checks.run(catalog.load(root))
    assert not result.passed and "row 4: first 2019 > last 2018" in result.message


def test_unknown_rule_kind_is_a_data_error(tmp_path):
    from analysis.errors import DataError

    root = make_data(tmp_path, [{"id": "x", "kind": "vibes"}])
    with pytest.raises(DataError, match="kind must be one of"):
        checks.run(catalog.load(root))


def test_repository_rules_all_hold(catalog):
    failed = checks.failures(catalog)
    assert failed == [], "\n".join(r.message for r in failed)


def test_every_rule_of_the_fixture_holds_and_every_kind_is_used(fixture_catalog):
    results = checks.run(fixture_catalog)
    assert [r for r in results if not r.passed] == []
    assert {r.kind for r in results} == set(checks.KINDS)
    assert checks.failures(fixture_catalog) == []


def test_rules_are_read_from_every_file_and_tagged_with_it(fixture_catalog):
    rules = checks.load_rules(fixture_catalog)
    assert {r["file"] for r in rules} == {"checks/program.yml", "checks/recorded.yml"}
    table = checks.summary(checks.run(fixture_catalog))
    assert list(table.columns) == ["rule", "kind", "holds", "message"]
    assert list(table["rule"]) == [r["id"] for r in rules] and table["holds"].all()


def test_a_failed_rule_of_the_fixture_names_its_figures(fixture_data_copy):
    set_figure(fixture_data_copy, "s01_served_family", "31")
    (failed,) = checks.failures(catalog.load(fixture_data_copy))
    assert failed.rule_id == "served-total-reconciles" and failed.difference == -1
    assert failed.figures == ("s01_served_total", "s01_served_victims", "s01_served_family")
    assert "s01_served_family = 31 (S01, published)" in failed.message


def test_duplicate_rule_ids_are_a_data_error(fixture_data_copy):
    from analysis.errors import DataError

    path = fixture_data_copy / "checks" / "recorded.yml"
    path.write_text(
        path.read_text().replace("spending-parts-miss-the-total", "served-total-reconciles")
    )
    with pytest.raises(DataError, match="duplicate rule id 'served-total-reconciles'"):
        checks.run(catalog.load(fixture_data_copy))


def test_discrepancy_table_lists_both_figures(fixture_catalog):
    table = checks.discrepancies(fixture_catalog)
    letters = table[table["discrepancy"] == "fy2001-letters-sources-disagree"]
    assert sorted(letters["value"]) == [
        fixture_catalog.value("s02_fy2001_letters"),
        fixture_catalog.value("s02_fy2001_letters_chart"),
    ]
    assert set(letters["recorded_difference"]) == {1}
    gap = table[table["discrepancy"] == "spending-parts-miss-the-total"]
    assert list(gap["figure_id"]) == [
        "s03_spending_usd",
        "s03_spending_staff_usd",
        "s03_spending_grants_usd",
    ]
    assert set(gap["recorded_difference"]) == {50000}
    assert set(table["discrepancy"]) == {
        "fy2001-letters-sources-disagree",
        "spending-parts-miss-the-total",
    }
