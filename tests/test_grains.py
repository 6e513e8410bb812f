"""Coarser grains: a table that would be mostly hidden is published coarser, and says so."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import cli
from analysis.records import ppr
from analysis.records.ppr import grains
from tests.records_strategy import read, record_sets

PERIODS = pd.DataFrame(
    {"cohort": [2012, 2016], "first_fiscal_year": [2012, 2016], "last_fiscal_year": [2015, 2018]}
)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def sparse(tmp_path_factory) -> Path:
    """A synthetic export of about 40 entries over several years: most quarters are small."""
    work = tmp_path_factory.mktemp("grains")
    export = work / "export"
    assert cli.main(["synthesize", "--scale", "0.005", "--out", str(export)]) == 0
    for flags, out in [([], "out"), (["--no-suppress"], "unsuppressed")]:
        args = ["--entries", str(export / "entries.csv"), "--out", str(work / out)]
        assert cli.main(["ppr", "--quiet", *args, *flags]) == 0
    return work


def summary_of(out: Path) -> dict:
    return json.loads((out / ppr.SUMMARY).read_text(encoding="utf-8"))


def test_a_sparse_export_is_published_coarser_and_the_finer_files_are_not_written(sparse):
    out = sparse / "out"
    summary = summary_of(out)
    chosen = {e["table"]: e for e in summary["grains"]["tables"]}
    assert chosen["quarter"]["published_by"] != "quarter"
    for ladder in grains.LADDERS:
        published = grains.ladder_of(ladder.name).by.index(chosen[ladder.name]["published_by"])
        for step, name in enumerate(ladder.steps):
            if name is not None:
                assert (out / ppr.TABLES[name][0]).exists() == (step == published), name
    assert sorted(p.name for p in out.glob("*.csv")) == sorted(summary["outputs"])


def test_without_suppression_every_table_stays_at_its_finest_grain(sparse):
    out = sparse / "unsuppressed"
    summary = summary_of(out)
    assert all(e["published_by"] == e["finest"] for e in summary["grains"]["tables"])
    for ladder in grains.LADDERS:
        assert (out / ppr.TABLES[ladder.steps[0]][0]).exists()
        assert not any((out / ppr.TABLES[n][0]).exists() for n in ladder.steps[1:] if n)
    assert "not suppressed" in summary["grains"]["rule"]


def test_a_coarser_table_says_why_in_its_notice_column(sparse):
    out = sparse / "out"
    notes = grains.notes(summary_of(out))
    assert notes
    for name, note in notes.items():
        rows = read_csv(out / ppr.TABLES[name][0])
        assert all(note in row["notice"] for row in rows), name
        assert "mostly hidden" in note and "published by" in note
    unchanged = [n for n in ppr.TABLES if n not in notes and (out / ppr.TABLES[n][0]).exists()]
    for name in unchanged:
        rows = read_csv(out / ppr.TABLES[name][0])
        assert all("published by" not in row.get("notice", "") for row in rows), name


def test_the_summary_gives_no_count_of_a_grain_not_published(sparse):
    for entry in summary_of(sparse / "out")["grains"]["tables"]:
        ladder = grains.ladder_of(entry["table"])
        name = ladder.steps[ladder.by.index(entry["published_by"])]
        assert ("count_cells" in entry) == (name is not None)
        assert entry["file"] == ppr.TABLES[name or ladder.instead][0]


def test_the_coarser_output_passes_the_audit_from_its_files(sparse, capsys):
    assert cli.main(["audit", str(sparse / "out")]) == 0


def test_a_published_ladder_table_is_not_mostly_hidden_unless_at_its_coarsest(sparse):
    out = sparse / "out"
    for entry in summary_of(out)["grains"]["tables"]:
        ladder = grains.ladder_of(entry["table"])
        step = ladder.by.index(entry["published_by"])
        if "count_cells" in entry and step < len(ladder.steps) - 1:
            assert not grains.is_mostly(entry["hidden_cells"], entry["count_cells"])


@pytest.mark.parametrize(
    ("hidden", "cells", "mostly"), [(2, 4, False), (3, 4, True), (0, 0, False)]
)
def test_mostly_means_more_than_half(hidden, cells, mostly):
    assert grains.is_mostly(hidden, cells) is mostly


def quarter_table(entries: list[int], family: list[int] | None = None) -> pd.DataFrame:
    """Return a counted quarter table of one fiscal year: these entries, one person each."""
    family = family or [0] * len(entries)
    rows = [
        {"fiscal_year": "2016", "quarter": str(q + 1), "entries": n, "victims": n,
         "family_members": f, "clients": n + f}
        for q, (n, f) in enumerate(zip(entries, family, strict=True))
    ]  # fmt: skip
    total, members = sum(entries), sum(family)
    rows.append(
        {"fiscal_year": "Total", "quarter": "", "entries": total, "victims": total,
         "family_members": members, "clients": total + members}
    )  # fmt: skip
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("entries", "family", "least", "mostly"),
    [
        ([3, 4, 20, 30], [0, 0, 0, 0], 6, False),  # entries, victims, clients of two quarters
        ([3, 4, 20, 40], [0, 0, 2, 0], 8, False),  # + a small family count and its partner
        ([3, 4, 20, 40], [0, 0, 2, 2], 10, True),  # 10 of 16: mostly
        ([3, 4, 5, 30], [0, 0, 0, 0], 9, True),  # 9 of 16 small
    ],
)
def test_what_protection_must_hide_decides_the_first_grain(entries, family, least, mostly):
    table = quarter_table(entries, family)
    assert grains.least_hidden(table, "quarter", 11) == least
    assert grains.surely_mostly_hidden(table, "quarter", 11) is mostly


def test_the_48_hour_table_is_never_finer_than_the_table_it_matches():
    periods, matched = "quarter", "matched_within_48h"
    for lead in range(3):
        for own in range(3):
            steps = grains.fitted({periods: lead, matched: own, "age_band": 0})
            assert steps[matched] in (lead, 2)
            assert steps[matched] >= own


def test_two_grains_of_one_table_are_refused_by_the_relations():
    tables = {"quarter": quarter_table([20, 30]), "half_year": quarter_table([50])}
    tables["half_year"] = tables["half_year"].rename(columns={"quarter": "half"})
    with pytest.raises(ValueError, match="two grains"):
        ppr.relations_of(tables, PERIODS)


def test_tables_counted_at_their_finest_only_stay_there():
    # Every quarter small, but no coarser grain counted: nothing is dropped.
    counted = {"quarter": quarter_table([1, 2, 3, 4])}
    assert grains.first_steps(counted, 11)["quarter"] == 0
    assert grains.published(counted, grains.first_steps(counted, 11)) == counted


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record_sets(max_people=8, max_entries=24), st.sampled_from([3, 5, 11]))
def test_on_random_records_the_grains_are_consistent_and_audited(drawn, threshold):
    entries, closures = read(*drawn)
    counted = ppr.count(entries, closures, PERIODS, threshold=threshold, coarser=True)

    def protect(tables):
        return ppr.protected_tables(tables, threshold=threshold, periods=PERIODS)

    shown, _, steps, _ = grains.choose(counted, threshold, protect)
    again = grains.choose(counted, threshold, protect)
    assert again[2] == steps and all(again[0][n].equals(shown[n]) for n in shown)
    audit, result = ppr.audit_summary(shown, threshold, PERIODS)
    assert result.protected
    for ladder in grains.LADDERS:
        present = [n for n in ladder.steps if n is not None and n in shown]
        name = ladder.steps[steps[ladder.name]]
        assert present == ([name] if name is not None else [])
        if name is not None:
            hidden, _ = grains.hidden_cells(shown[name], name)
            # A lower bound, but where the marks alone pin a small count (no partner needed).
            pinned = audit["audit"]["small_cells_narrowed_by_the_marks_alone"]
            assert hidden >= grains.least_hidden(counted[name], name, threshold) or pinned
            if steps[ladder.name] < len(ladder.steps) - 1:
                assert not grains.is_mostly(*grains.hidden_cells(shown[name], name))
    whole = {"quarter": "quarter", "half_year": "half_year", None: "fiscal_year"}
    period = whole[grains.ladder_of("quarter").steps[steps["quarter"]]]
    matched = grains.ladder_of("matched_within_48h").steps[steps["matched_within_48h"]]
    assert ppr.MATCHED_TABLES[matched][0] in (period, "fiscal_year")
    shown_small = [
        v for n, t in shown.items() for c in ppr.TABLES[n][1].count_columns for v in t[c]
        if str(v).isdigit() and 0 < int(v) < threshold
    ]  # fmt: skip
    assert not shown_small


def rewritten(source: Path, target: Path, add: dict[str, Path], drop: list[str]) -> Path:
    """Return a copy of a ppr folder with files added (and listed) and others dropped."""
    shutil.copytree(source, target)
    summary = summary_of(target)
    for name in drop:
        (target / name).unlink()
        summary["outputs"].remove(name)
    for name, path in add.items():
        shutil.copy(path, target / name)
        summary["outputs"].append(name)
    (target / ppr.SUMMARY).write_text(json.dumps(summary), encoding="utf-8")
    return target


def test_a_folder_with_two_grains_of_one_table_is_not_audited(sparse, tmp_path, capsys):
    raw = sparse / "unsuppressed" / "victims_by_age_band.csv"
    summary = summary_of(sparse / "out")
    assert "victims_by_age_band.csv" not in summary["outputs"]
    folder = rewritten(sparse / "out", tmp_path / "two", {raw.name: raw}, [])
    assert cli.main(["audit", str(folder)]) == 2
    assert "two grains" in capsys.readouterr().err


def test_a_folder_with_a_48_hour_table_finer_than_its_periods_is_not_audited(
    sparse, tmp_path, capsys
):
    raw = sparse / "unsuppressed" / "matched_within_48h_by_quarter.csv"
    coarse = "matched_within_48h_by_fiscal_year.csv"
    folder = rewritten(sparse / "out", tmp_path / "finer", {raw.name: raw}, [coarse])
    assert cli.main(["audit", str(folder)]) == 2
    assert "which is missing" in capsys.readouterr().err
