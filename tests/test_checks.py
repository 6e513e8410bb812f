"""Each rule kind, on a small data directory written by the test."""

from pathlib import Path

import pytest
import yaml

from analysis.published import catalog, checks

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
    repo_schema = Path(__file__).parents[1] / "data" / "schema" / "figures.yml"
    (root / "schema" / "figures.yml").write_text(repo_schema.read_text())
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


def test_discrepancy_table_lists_both_figures(catalog):
    table = checks.discrepancies(catalog)
    usccb = table[table["discrepancy"] == "usccb-contract-value-sources-disagree"]
    assert sorted(usccb["value"]) == [15_000_000, 19_000_000]
