"""Complementary cells chosen by optimization: never too few, never more than needed.

Invented records and hand-made tables only.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.records import disclosure, ppr, reading
from analysis.records.disclosure import audit, cell_choice, relations
from analysis.records.disclosure.relations import EQ, LE, Relation
from analysis.records.ppr import protection
from analysis.records.release import Release
from tests.records_strategy import read, record_sets

PERIODS = ppr.cohort_periods()


def cell(name: str) -> tuple[str, int, str]:
    return ("t", 0, name)


def sums(*groups: tuple[list[str], str]) -> list[Relation]:
    """Each (parts, total): parts add up to total; every cell is at least 0."""
    out = []
    for parts, total in groups:
        terms = tuple((cell(p), 1.0) for p in parts) + ((cell(total), -1.0),)
        out.append(Relation("sum", terms, EQ))
    names = {n for parts, total in groups for n in (*parts, total)}
    out += [Relation("non_negative", ((cell(n), -1.0),), LE) for n in sorted(names)]
    return out


def test_one_complement_is_enough_and_is_all_that_is_hidden():
    # a (5) is small; hiding b (12) alone lets a be anything from 1 to 10 (b 7 to 16 >= 11 is
    # then 11..16, a 1..6: not enough), so the optimum hides the larger c as well or instead.
    values = {cell("a"): 5, cell("b"): 12, cell("c"): 30, cell("T"): 47}
    found = sums((["a", "b", "c"], "T"))
    choice = cell_choice.choose(values, {cell("a")}, found, 11)
    assert choice.proven_optimal and choice.gap == 0.0
    assert choice.complementary == 1 and choice.hidden == {cell("a"), cell("c")}
    shown = audit.marked(values, choice.hidden, 11)
    assert audit.audit(shown, found, 11).protected
    # Hiding nothing more fails; hiding b instead of c fails (a could only be 1..6).
    assert not audit.audit(audit.marked(values, {cell("a")}, 11), found, 11).protected
    with_b = audit.marked(values, {cell("a"), cell("b")}, 11)
    assert not audit.audit(with_b, found, 11).protected


def test_a_count_equal_to_the_threshold_is_shown_unless_it_must_protect_another():
    values = {cell("a"): 11, cell("b"): 30, cell("T"): 41}
    found = sums((["a", "b"], "T"))
    choice = cell_choice.choose(values, set(), found, 11)
    assert choice.hidden == frozenset() and choice.complementary == 0
    assert audit.marked(values, choice.hidden, 11)[cell("a")] == 11
    # Next to a small count, the 11 is the one complement needed.
    values = {cell("s"): 4, cell("a"): 11, cell("b"): 30, cell("T"): 45}
    found = sums((["s", "a", "b"], "T"))
    choice = cell_choice.choose(values, {cell("s")}, found, 11)
    assert choice.complementary == 1 and cell("s") in choice.hidden


def eleven_records() -> list[dict]:
    """Eleven persons, one entry each, all alike: every count is 0 or 11."""
    return [
        {
            "grantee": "G",
            "client_id": f"A{i}",
            "intake_date": f"2015-10-{i + 1:02d}",
            "intake_type": "new",
        }
        for i in range(11)
    ]


def test_ppr_shows_counts_of_exactly_the_threshold():
    entries, _ = read(eleven_records(), [])
    tables = ppr.count(entries, None, PERIODS)
    shown = ppr.protect(tables, periods=PERIODS)
    for name, table in tables.items():
        for column in ppr.TABLES[name][1].count_columns:
            for row, value in enumerate(table[column].tolist()):
                assert shown[name][column].iat[row] == str(value), (name, row, column)
    assert tables["fiscal_year"]["victims"].tolist() == [11, 11]


def test_an_interval_one_short_of_the_band_fails():
    # x + y = total, both marked <11. With the total 11 each can be 1..10 (its band); with 12,
    # each is at least 2: one short of the band 1..10, which the marks alone allow.
    found = sums((["x", "y"], "T"))
    for total, protected in ((11, True), (12, False)):
        shown = {cell("x"): "<11", cell("y"): "<11", cell("T"): total}
        result = audit.audit(shown, found, 11)
        assert result.protected is protected, total
        assert [f.band for f in result.findings] == [(1.0, 10.0)] * 2


def test_a_narrow_suppressed_cell_discloses_no_small_count():
    # a (4, <11) + c (20, suppressed) = 24 shown: c is 14..23, 9 wide, which the former
    # demand (every suppressed cell 11 wide) refused. Every whole-number solution of what is
    # published still lets a be any count from 1 to 10: nothing about a is disclosed.
    found = sums((["a", "c"], "T"))
    shown = {cell("a"): "<11", cell("c"): "suppressed", cell("T"): 24}
    assert audit.audit(shown, found, 11).protected
    assert not audit.audit(shown, found, 11, width=11).protected
    solutions = [(a, c) for a, c in itertools.product(range(1, 11), range(11, 25)) if a + c == 24]
    assert sorted({a for a, _ in solutions}) == list(range(1, 11))


def fallback_count(tables, threshold: int) -> int:
    """Return the complementary cells the fallback (rounds, then dropping) hides."""
    layouts = {name: ppr.TABLES[name][1] for name in tables}
    cells = relations.cells_of(tables, layouts)
    values = {c: int(tables[c[0]][c[2]].iat[c[1]]) for c in cells}
    links = ppr.links(tables, PERIODS)
    masks = disclosure.hidden_masks(tables, layouts, threshold=threshold, links=links)
    hidden = {c for c in cells if masks[c[0]][c[2]].iat[c[1]]}
    found, protected = cell_choice.fallback(
        values,
        hidden,
        ppr.relations_of(tables, PERIODS),
        threshold,
        priority=protection._priority(tables),
    )
    assert protected
    return len(found - set(cell_choice.small_cells(values, threshold)))


@pytest.mark.slow
def test_optimization_hides_fewer_than_the_rounds_on_a_sparse_input(tmp_path):
    from analysis.records import synthetic

    out = tmp_path / "syn"
    synthetic.write(synthetic.generate(seed=0, scale=0.005), out)
    entries = reading.read_entries(out / "entries.csv")
    closures = reading.read_closures(out / "closures.csv", entries)
    tables = ppr.count(entries, closures, PERIODS)
    shown, choice = ppr.protected_tables(tables, periods=PERIODS)
    assert choice.method == cell_choice.OPTIMIZED and choice.proven_optimal
    assert choice.complementary < fallback_count(tables, 11)
    record, result = ppr.audit_summary(shown, 11, PERIODS)
    assert result.protected
    assert record["information_loss"]["hidden_cells_by_mark"]["suppressed"] == (
        choice.complementary
    )


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_sets(max_people=6, max_entries=18), st.sampled_from([5, 11]))
def test_the_optimized_pattern_passes_and_never_hides_more_than_the_fallback(drawn, threshold):
    entries, closures = read(*drawn)
    tables = ppr.count(entries, closures, PERIODS)
    shown, choice = ppr.protected_tables(tables, threshold=threshold, periods=PERIODS)
    assert ppr.audit_summary(shown, threshold, PERIODS)[1].protected
    assert choice.complementary <= fallback_count(tables, threshold)
    assert 0.0 <= choice.gap <= 1.0 and choice.lower_bound <= choice.complementary
    again = ppr.protect(tables, threshold=threshold, periods=PERIODS)
    assert all(again[name].equals(shown[name]) for name in shown)


def test_the_choice_is_recorded_in_summary_json(tmp_path: Path):
    entries, _ = read(eleven_records()[:3] + eleven_records()[5:], [])
    tables = ppr.count(entries, None, PERIODS)
    path = tmp_path / "entries.csv"
    path.write_text("x\n", encoding="utf-8")
    output = ppr.protected_output(tables, [path], Release(synthetic=False), periods=PERIODS)
    record = output.summary["disclosure"]
    assert record["choice"]["cost"] == cell_choice.COST
    assert set(record["choice"]) >= {"method", "proven_optimal", "gap", "lower_bound"}
    loss = record["information_loss"]
    assert loss["hidden_cells_by_mark"]["<11"] > 0
    assert 0.0 <= loss["share_of_cells_at_least_threshold_hidden"] <= 1.0
