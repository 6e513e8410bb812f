"""Every relation the ppr tables imply holds on unsuppressed output, for many random inputs.

A relation that does not always hold would let the audit call an exposed cell protected (or
the reverse); random small record sets through ``ppr.count`` are the adversary.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from analysis.published import fiscal
from analysis.records import counting, disclosure, ppr
from analysis.records.disclosure import relations
from tests.records_strategy import read, record_sets

PERIODS = ppr.cohort_periods()


def values_of(tables):
    """Every count cell's true value."""
    layouts = {name: ppr.TABLES[name][1] for name in tables}
    return {
        cell: int(tables[cell[0]][cell[2]].iat[cell[1]])
        for cell in relations.cells_of(tables, layouts)
    }


def assert_all_hold(found, values):
    assert found
    broken = [r for r in found if not r.holds(values)]
    assert not broken, broken[:3]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_sets())
def test_every_relation_holds_on_unsuppressed_output(drawn):
    entries, closures = read(*drawn)
    tables = ppr.count(entries, closures, PERIODS)
    shown = ppr.protect(tables, suppress=False, periods=PERIODS)
    found = ppr.relations_of(shown, PERIODS)
    assert_all_hold(found, values_of(tables))
    kinds = relations.kinds(found)
    # The relations the tables always have are all there (a declaration cannot go missing).
    for kind in [
        "row_sum",
        "at_most",
        "non_empty",
        "non_negative",
        "same_total",
        "split_exact_sum",
        "split_at_most_sum",
        "split_at_least_part",
        "union_exact_sum",
        "union_at_most_sum",
        "union_at_least_part",
        "percent",
    ]:
        assert kind in kinds, kind
    if closures is not None:
        assert "same_column" in kinds


def test_a_wrong_relation_is_caught():
    # The adversary's check can fail: "a year's victims are the sum of its quarters" is false
    # when a person has entries in two quarters of one year.
    entries = [
        {"grantee": "G", "client_id": "A", "intake_date": d, "intake_type": "new"}
        for d in ("2015-10-05", "2016-01-05")
    ]
    frame, _ = read(entries, [])
    tables = ppr.count(frame, None, PERIODS)
    wrong = relations.build(
        tables,
        {name: ppr.TABLES[name][1] for name in tables},
        [relations.Union("quarter", "fiscal_year", "fiscal_year")],
        {**ppr.MEASURES, "victims": relations.ADDITIVE},
    )
    assert not all(r.holds(values_of(tables)) for r in wrong if r.kind == "union_exact_sum")


def test_the_issue_s_inference_follows_from_the_relations():
    # A year with entries == victims forces victims == entries in each of its quarters: the
    # relations say so (sum of quarters' victims >= year's victims = entries = sum of entries).
    rows = [(f"2016-01-0{i + 1}", f"P{i}") for i in range(3)] + [("2016-04-01", "P9")]
    entries = [
        {"grantee": "G", "client_id": c, "intake_date": d, "intake_type": "new"} for d, c in rows
    ]
    frame, _ = read(entries, [])
    tables = ppr.count(frame, None, PERIODS)
    found = ppr.relations_of(tables, PERIODS)
    values = values_of(tables)
    assert_all_hold(found, values)
    # One fewer victim (and client) in the first quarter, all else equal, breaks the union
    # bound: the year's victims would exceed the sum of its quarters'.
    bumped = dict(values)
    for column in ("victims", "clients"):
        bumped[("quarter", 0, column)] -= 1
    broken = {r.kind for r in found if not r.holds(bumped)}
    assert "union_at_most_sum" in broken and "row_sum" not in broken


def matched_by_quarter(entries: pd.DataFrame) -> pd.DataFrame:
    """A breakdown table a colleague might add: per quarter, matched_within_48h yes/no/unknown."""
    answer = entries.get("matched_within_48h", pd.Series(index=entries.index, dtype=object))
    answer = answer.astype("string").fillna("unknown").str.lower()
    frame = pd.DataFrame(
        {
            "fiscal_year": fiscal.fiscal_year(entries["intake_date"]).astype("int64"),
            "quarter": fiscal.fiscal_quarter(entries["intake_date"]).astype("int64"),
            "answer": answer,
        }
    )
    table = (
        frame.groupby(["fiscal_year", "quarter", "answer"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=["yes", "no", "unknown"], fill_value=0)
        .reset_index()
    )
    table["fiscal_year"] = table["fiscal_year"].astype(str)
    table["quarter"] = table["quarter"].astype(str)
    total = {"fiscal_year": "Total", "quarter": ""}
    total |= {c: int(table[c].sum()) for c in ("yes", "no", "unknown")}
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    return table.astype({c: "int64" for c in ("yes", "no", "unknown")})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_sets())
def test_a_new_table_is_covered_by_declaring_it(drawn):
    # Declarations only: a per-quarter yes/no/unknown table whose rows sum to the quarter's
    # entries, and a victims-by-category table (here by grantee, as a stand-in) that splits
    # persons. No new relation code.
    entries, _ = read(*drawn)
    tables = dict(ppr.count(entries, None, PERIODS))
    tables["matched"] = matched_by_quarter(entries)
    layouts = {name: ppr.TABLES[name][1] for name in tables if name in ppr.TABLES}
    layouts["matched"] = disclosure.Layout(("yes", "no", "unknown"), "fiscal_year")
    statements = [
        *ppr.STATEMENTS,
        relations.Split("matched", relations.ENTRIES),
        relations.Matches(
            "matched", ("yes", "no", "unknown"), "quarter", "entries", ("fiscal_year", "quarter")
        ),
    ]
    via = {"cohort": ppr.cohort_mapping(PERIODS)}
    found = relations.build(tables, layouts, statements, ppr.MEASURES, via)
    values = {
        cell: int(tables[cell[0]][cell[2]].iat[cell[1]])
        for cell in relations.cells_of(tables, layouts)
    }
    assert_all_hold(found, values)
    # ppr's own tables have relations of this kind too (matched_within_48h): count the new one's
    matches = [
        r for r in found if r.kind == "matches" and any(c[0] == "matched" for c, _ in r.terms)
    ]
    assert len(matches) == len(tables["matched"])  # every quarter row and the Total


def test_statements_about_absent_tables_give_no_relation():
    frame, _ = read(
        [{"grantee": "G", "client_id": "A", "intake_date": "2016-01-05", "intake_type": "new"}], []
    )
    tables = ppr.count(frame, None, PERIODS)
    assert "closure_outcomes" not in tables
    kinds = relations.kinds(ppr.relations_of(tables, PERIODS))
    assert "same_column" not in kinds


@pytest.mark.parametrize("decimals", [0, 1, 2])
def test_percent_relations_allow_exactly_the_rounding(decimals):
    table = pd.DataFrame({"label": ["a", "b", "Total"], "n": [1, 2, 3]})
    table["percent"] = disclosure.percentages(table["n"], 3, decimals=decimals).to_numpy()
    layouts = {"t": disclosure.Layout(("n",), "label")}
    found = relations.build(
        {"t": table}, layouts, [relations.Percent("t", "n", "percent", decimals)], {"n": "additive"}
    )
    percent = [r for r in found if r.kind == "percent"]
    values = {("t", 0, "n"): 1, ("t", 1, "n"): 2, ("t", 2, "n"): 3}
    assert percent and all(r.holds(values) for r in percent)
    # The count of "a" cannot be 2 of 3 with a share that rounds to 33 percent.
    assert not all(r.holds(values | {("t", 0, "n"): 2}) for r in percent)
    assert counting.TOTAL == "Total"
