"""The linear-programming audit: suppression passes it, a weakened one fails it, marks are true.

Invented records only (``tests.records_strategy``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import cli
from analysis.records import disclosure, ppr, reading, release
from analysis.records.disclosure import audit, cell_choice, relations
from analysis.records.disclosure.programs import Program
from analysis.records.disclosure.propagation import implied_bounds
from analysis.records.ppr import protection
from tests.records_strategy import read, record_sets
from tests.test_ppr import random_entries

PERIODS = ppr.cohort_periods()


def assert_marks_are_true(tables, shown, threshold):
    """Every shown count is its value; every mark is true of its hidden value."""
    for name, table in tables.items():
        for column in ppr.TABLES[name][1].count_columns:
            for row, value in enumerate(table[column].tolist()):
                cell = shown[name][column].iat[row]
                if cell == f"<{threshold}":
                    assert 1 <= value < threshold, (name, row, column)
                elif cell == disclosure.SUPPRESSED:
                    assert value >= threshold, (name, row, column)
                else:
                    assert cell == str(value), (name, row, column)
                    assert not 1 <= value < threshold, (name, row, column)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_sets(max_people=6, max_entries=18), st.sampled_from([5, 11]))
def test_suppression_passes_its_own_audit_on_sparse_inputs(drawn, threshold):
    entries, closures = read(*drawn)
    tables = ppr.count(entries, closures, PERIODS)
    shown = ppr.protect(tables, threshold=threshold, periods=PERIODS)
    assert_marks_are_true(tables, shown, threshold)
    record, result = ppr.audit_summary(shown, threshold, PERIODS)
    assert result.protected, record["audit"]["under_protected"][:3]
    assert not result.contradictions
    # The audit is sound: a finding's interval may be only the range its solutions have
    # shown so far (enough to prove protection), so each lies within the exact feasible
    # interval, and the true value of every hidden cell lies in that exact interval.
    fixed, box = audit.bounds(protection.shown_cells(shown), threshold)
    system = audit.LinearPrograms(fixed, box, ppr.relations_of(shown, PERIODS))
    for finding in result.findings:
        name, row, column = finding.cell
        value = int(tables[name][column].iat[row])
        low, high, _ = system.interval(finding.cell)
        assert low - 1e-6 <= value <= high + 1e-6, (finding, low, high)
        assert low - 1e-6 <= finding.low <= finding.high <= high + 1e-6, (finding, low, high)
    # Deterministic.
    again = ppr.protect(tables, threshold=threshold, periods=PERIODS)
    assert all(again[name].equals(shown[name]) for name in shown)


def issue_records() -> list[dict]:
    """FY2016 Q1: 12 persons, one entry each (entries == victims), 3 family members in all."""
    rows = []
    for i in range(12):
        rows.append(
            {
                "grantee": "G",
                "client_id": f"A{i}",
                "intake_date": f"2015-10-{i + 1:02d}",
                "intake_type": "new",
                "family_children_under_18": "3" if i == 0 else "0",
            }
        )
    for i in range(15):
        rows.append(
            {
                "grantee": "G",
                "client_id": f"B{i}",
                "intake_date": f"2016-01-{i + 1:02d}",
                "intake_type": "new",
                "family_children_under_18": "0",
            }
        )
    for i in range(14):
        rows.append(
            {
                "grantee": "G",
                "client_id": f"C{i}",
                "intake_date": f"2017-01-{i + 1:02d}",
                "intake_type": "new",
                "family_children_under_18": "1" if i < 12 else "0",
            }
        )
    return rows


def test_the_audit_catches_the_equalities_only_suppression():
    entries, _ = read(issue_records(), [])
    tables = ppr.count(entries, None, PERIODS)
    weak = ppr.protect(tables, periods=PERIODS, harden=False)
    quarter = weak["quarter"]
    # The greedy step hides the quarter's family count with its victims, and shows entries
    # and clients: the intruder's family = clients - entries.
    assert quarter.loc[0, "family_members"] == "<11" and quarter.loc[0, "victims"] == "suppressed"
    assert quarter.loc[0, "entries"] == "12" and quarter.loc[0, "clients"] == "15"
    record, result = ppr.audit_summary(weak, 11, PERIODS)
    assert not result.protected
    pinned = {(f.cell, f.low, f.high) for f in result.failures if math.isclose(f.low, f.high)}
    assert (("quarter", 0, "family_members"), 3.0, 3.0) in pinned
    assert any(
        item["row"] == "fiscal_year 2016, quarter 1" for item in record["audit"]["under_protected"]
    )
    strong = ppr.protect(tables, periods=PERIODS)
    assert ppr.audit_summary(strong, 11, PERIODS)[1].protected
    assert_marks_are_true(tables, strong, 11)


@pytest.mark.slow
def test_weakened_suppression_fails_on_sparse_inputs(tmp_path):
    # Small grantees, a threshold of 5: the greedy step alone leaves cells the LP narrows.
    for seed in range(4):
        path = tmp_path / f"entries{seed}.csv"
        random_entries(path, seed, 15)
        tables = ppr.count(reading.read_entries(path), None, PERIODS)
        weak = ppr.protect(tables, threshold=5, periods=PERIODS, harden=False)
        result = ppr.audit_summary(weak, 5, PERIODS)[1]
        assert not result.protected, seed
        strong = ppr.protect(tables, threshold=5, periods=PERIODS)
        assert ppr.audit_summary(strong, 5, PERIODS)[1].protected, seed
        assert_marks_are_true(tables, strong, 5)


def test_a_shown_small_count_and_a_lone_hidden_cell_fail():
    found = [
        relations.Relation(
            "sum", ((("t", 0, "n"), 1.0), (("t", 1, "n"), 1.0), (("t", 2, "n"), -1.0)), "=="
        )
    ]
    result = audit.audit({("t", 0, "n"): "<11", ("t", 1, "n"): 30, ("t", 2, "n"): 34}, found, 11)
    assert not result.protected and result.failures[0].low == result.failures[0].high == 4
    result = audit.audit({("t", 0, "n"): 4, ("t", 1, "n"): 30, ("t", 2, "n"): 34}, found, 11)
    assert not result.protected and result.shown_small == (("t", 0, "n"),)
    shown = {("t", 0, "n"): "<11", ("t", 1, "n"): "suppressed", ("t", 2, "n"): 34}
    result = audit.audit(shown, found, 11)
    # 34 - [11, 33]: the small cell can be anything from 1 to 10, the other 24 to 33: 9 wide.
    # The small cell is protected; the suppressed one needs no width unless one is demanded.
    assert [(f.low, f.high) for f in result.findings] == [(1.0, 10.0), (24.0, 33.0)]
    assert [f.protected for f in result.findings] == [True, True]
    assert result.protected and result.width is None
    # A demanded width: 9 possible steps pass a width of 9 and fail one of 10 (one short).
    assert audit.audit(shown, found, 11, width=9).protected
    assert [f.protected for f in audit.audit(shown, found, 11, width=10).findings] == [
        True,
        False,
    ]


# ------------------------------------------------------------------------------------------
# The audit command
# ------------------------------------------------------------------------------------------


def write_output(tmp_path: Path, shown, name="out") -> Path:
    out = tmp_path / name
    entries = tmp_path / "entries.csv"
    entries.write_text("x\n", encoding="utf-8")
    summary = ppr.summarize(shown, [entries], release.Release(synthetic=False), periods=PERIODS)
    ppr.write(out, shown, summary, [])
    return out


def test_audit_command_passes_ppr_output_and_fails_the_weakened_one(tmp_path, capsys):
    entries, _ = read(issue_records(), [])
    tables = ppr.count(entries, None, PERIODS)
    good = write_output(tmp_path, ppr.protect(tables, periods=PERIODS), "good")
    summary = json.loads((good / "summary.json").read_text(encoding="utf-8"))
    assert summary["disclosure"]["audit"]["protected"] is True
    assert summary["disclosure"]["protection_width"] is None
    assert summary["cohort_periods"] == ppr.periods_record(PERIODS)
    assert summary["disclosure"]["relations"]["union_at_most_sum"] > 0
    assert cli.main(["audit", str(good)]) == 0
    assert "protected" in capsys.readouterr().out
    weak = write_output(tmp_path, ppr.protect(tables, periods=PERIODS, harden=False), "weak")
    assert (
        json.loads((weak / "summary.json").read_text())["disclosure"]["audit"]["protected"] is False
    )
    assert cli.main(["audit", str(weak)]) == 1
    out = capsys.readouterr().out
    assert (
        "clients_by_quarter.csv, fiscal_year 2016, quarter 1, family_members (<11): from 3 to 3"
        in out
    )


def test_audit_command_fails_unsuppressed_output(tmp_path, capsys):
    entries, _ = read(issue_records(), [])
    tables = ppr.count(entries, None, PERIODS)
    out = tmp_path / "raw"
    path = tmp_path / "entries.csv"
    path.write_text("x\n", encoding="utf-8")
    shown = ppr.protect(tables, suppress=False, periods=PERIODS)
    unsuppressed = release.Release(synthetic=False, suppressed=False)
    summary = ppr.summarize(shown, [path], unsuppressed, periods=PERIODS)
    ppr.write(out, shown, summary, [release.UNSUPPRESSED_NOTICE])
    assert cli.main(["audit", str(out)]) == 1
    assert "shown small count" in capsys.readouterr().out


def test_audit_command_refuses_what_is_not_a_ppr_output(tmp_path, capsys):
    assert cli.main(["audit", str(tmp_path / "missing")]) == 2
    (tmp_path / "summary.json").write_text('{"produced_by": "someone else"}', encoding="utf-8")
    assert cli.main(["audit", str(tmp_path)]) == 2
    assert "not a ppr output" in capsys.readouterr().err
    entries, _ = read(issue_records(), [])
    tables = ppr.count(entries, None, PERIODS)
    good = write_output(tmp_path, ppr.protect(tables, periods=PERIODS), "bad")
    path = good / "clients_by_fiscal_year.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("<11", "about 3", 1), encoding="utf-8")
    assert cli.main(["audit", str(good)]) == 2
    err = capsys.readouterr().err
    assert "clients_by_fiscal_year.csv: row 2, column family_members: 'about 3'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("threshold", [1, 2])
def test_tiny_thresholds(threshold):
    entries, _ = read(issue_records(), [])
    tables = ppr.count(entries, None, PERIODS)
    shown = ppr.protect(tables, threshold=threshold, periods=PERIODS)
    assert_marks_are_true(tables, shown, threshold)
    assert ppr.audit_summary(shown, threshold, PERIODS)[1].protected


@pytest.mark.slow
def test_audit_command_on_a_ppr_run(tmp_path, capsys):
    fixtures = Path(__file__).parent / "fixtures" / "ppr"
    out = tmp_path / "out"
    args = [
        "--entries",
        str(fixtures / "entries.csv"),
        "--closures",
        str(fixtures / "closures.csv"),
    ]
    assert cli.main(["ppr", "--quiet", *args, "--out", str(out)]) == 0
    assert cli.main(["audit", str(out)]) == 0
    # A stricter width than the run's is checked too, and may fail, never crash.
    assert cli.main(["audit", str(out), "--width", "40"]) in (0, 1)
    assert "Traceback" not in capsys.readouterr().err


def test_solutions_found_in_one_box_witness_another_only_when_they_lie_in_it():
    a, b, total = ("t", 0, "a"), ("t", 0, "b"), ("t", 0, "T")
    sums = [relations.Relation("sum", ((a, 1.0), (b, 1.0), (total, -1.0)), relations.EQ)]
    box = {a: (1.0, 10.0), b: (1.0, 10.0), total: (2.0, 20.0)}
    program = Program([a, b, total], box, sums, {})
    assert program.solve({a: 1.0}, duals=False).value == pytest.approx(1.0)
    assert program.solve({a: -1.0}, duals=False).value == pytest.approx(-10.0)
    assert program.witnessed(a) == pytest.approx((1.0, 10.0))
    # A wider box keeps both solutions as witnesses; a box neither lies in keeps none.
    program.set_box({b: (1.0, 12.0)})
    assert program.witnessed(a) == pytest.approx((1.0, 10.0))
    program.set_box({a: (2.0, 9.0)})
    assert program.witnessed(a) == (math.inf, -math.inf)
    assert program.solve({a: 1.0}, duals=False).value == pytest.approx(2.0)
    program.set_box({a: (1.0, 10.0)})
    assert program.witnessed(a) == pytest.approx((1.0, 10.0))
    # Duals only when asked for, or added after the solve.
    solution = program.solve({a: 1.0}, duals=False)
    assert len(solution.row_dual) == 0 and len(solution.col_dual) == 0
    solution = program.with_duals(solution)
    assert len(solution.row_dual) == 1 and len(solution.col_dual) == 3


def test_a_bound_the_rows_imply_and_a_solution_attains_needs_no_program_of_its_own():
    # A year of four quarters, every cell from 1 to 10: no quarter exceeds 10 - 3 = 7 and the
    # year is at least 4, whatever the values; a solution at 7 shows that 7 is the greatest.
    quarters = [("t", q, "n") for q in range(4)]
    year = ("t", 4, "n")
    terms = tuple((q, 1.0) for q in quarters) + ((year, -1.0),)
    sums = [relations.Relation("sum", terms, relations.EQ)]
    box = {cell: (1.0, 10.0) for cell in (*quarters, year)}
    program = Program([*quarters, year], box, sums, {})
    low, high = implied_bounds(program.rows_at_most, *program.bounds)
    assert list(high) == [7.0, 7.0, 7.0, 7.0, 10.0] and list(low) == [1.0, 1.0, 1.0, 1.0, 4.0]
    assert program.proven_end(quarters[0], -1.0) is None  # nothing solved yet
    program.solve({quarters[0]: -1.0}, duals=False)
    assert program.proven_end(quarters[0], -1.0) == 7.0
    assert program.proven_end(quarters[0], 1.0) is None  # no solution at 1 yet


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_sets(max_people=6, max_entries=18), st.sampled_from([5, 11]))
def test_bands_proven_by_propagation_equal_the_programs_optimum(drawn, threshold):
    entries, closures = read(*drawn)
    tables = ppr.count(entries, closures, PERIODS)
    layouts = {name: ppr.TABLES[name][1] for name in tables}
    values = {
        cell: int(tables[cell[0]][cell[2]].iat[cell[1]])
        for cell in relations.cells_of(tables, layouts)
    }
    intruder = cell_choice.Intruder(values, ppr.relations_of(tables, PERIODS), threshold)
    for cell, (low, high) in intruder.band.items():
        least = intruder.program.solve({cell: 1.0}, duals=False).value
        greatest = -intruder.program.solve({cell: -1.0}, duals=False).value
        assert least == pytest.approx(low, abs=1e-6) and greatest == pytest.approx(high, abs=1e-6)


def test_a_program_whose_rows_its_box_implies_has_no_rows_and_proves_its_box():
    alone = ("t", 0, "a")
    at_least_zero = [relations.Relation("non_negative", ((alone, -1.0),), relations.LE)]
    program = Program([alone], {alone: (1.0, 10.0)}, at_least_zero, {})
    assert program.rows == [] and len(program.rows_at_most.rhs) == 0
    program.solve({alone: 1.0}, duals=False)
    assert program.proven_end(alone, 1.0) == 1.0 and program.proven_end(alone, -1.0) is None


def test_only_the_latest_solutions_are_kept(monkeypatch):
    from analysis.records.disclosure import programs

    monkeypatch.setattr(programs, "POOL", 2)
    a, b = ("t", 0, "a"), ("t", 0, "b")
    at_most_ten = [relations.Relation("sum", ((a, 1.0), (b, 1.0)), relations.LE, 10.0)]
    program = Program([a, b], {a: (1.0, 9.0), b: (1.0, 9.0)}, at_most_ten, {})
    found = [
        program.solve(objective, duals=False).x for objective in ({a: 1.0}, {a: -1.0}, {b: -1.0})
    ]
    assert program.found == 3 and len(program.points) == 2
    # The third solution took the place of the first; the second is still kept.
    assert list(program.points[0]) == list(found[2]) and list(program.points[1]) == list(found[1])
    program.set_box({})
    low, high = program.witnessed(a)
    assert (low, high) == (min(found[1][0], found[2][0]), max(found[1][0], found[2][0]))
