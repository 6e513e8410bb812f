"""The ``ppr`` command end to end: exact tables, suppression, labels, and refusing bad input."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import cli
from analysis.published import catalog, timeline
from analysis.records import disclosure, ppr, reading, release

FIXTURES = Path(__file__).parent / "fixtures" / "ppr"
EXPECTED = FIXTURES / "expected"
ENTRIES = FIXTURES / "entries.csv"
CLOSURES = FIXTURES / "closures.csv"


def run_ppr(*args: str) -> int:
    return cli.main(["ppr", "--quiet", *args])


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def unsuppressed(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    args = ["--entries", str(ENTRIES), "--closures", str(CLOSURES), "--out", str(out)]
    assert run_ppr(*args, "--no-suppress") == 0
    return out


def test_cohort_periods_are_those_of_the_whole_catalogue():
    # ppr reads only the awards table; the periods are the same as from the full catalogue.
    light = ppr.cohort_periods()
    full = timeline.cohort_periods(catalog.load())
    pd.testing.assert_frame_equal(light, full)
    assert len(light) >= 2


def test_one_table_is_read_as_the_catalogue_reads_it():
    full = catalog.load()
    for name in (timeline.AWARDS, timeline.EVENTS):
        pd.testing.assert_frame_equal(catalog.load_table(name), full.table(name))


def test_no_suppress_writes_exactly_the_hand_checked_tables(unsuppressed):
    expected = sorted(p.name for p in EXPECTED.glob("*.csv"))
    assert sorted(p.name for p in unsuppressed.glob("*.csv")) == expected
    for name in expected:
        assert (unsuppressed / name).read_text(encoding="utf-8") == (EXPECTED / name).read_text(
            encoding="utf-8"
        ), name


def test_summary_of_unsuppressed_output(unsuppressed):
    summary = json.loads((unsuppressed / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"] == {
        "entries": 11,
        "victims": 7,
        "family_members": 9,
        "clients": 16,
        "closures": 4,
    }
    assert summary["suppressed"] is False and summary["not_for_publication"] is True
    assert summary["synthetic"] is False
    assert summary["threshold"] == 11
    assert summary["notice"] == release.UNSUPPRESSED_NOTICE
    assert summary["fiscal_years"] == [2012, 2014, 2015, 2016, 2017, 2019]
    assert summary["inputs"]["entries"] == {
        "file": "entries.csv",
        "rows": 11,
        "sha256": digest(ENTRIES),
    }
    assert summary["inputs"]["closures"]["sha256"] == digest(CLOSURES)
    assert summary["inputs"]["closures"]["rows"] == 4


def test_closures_are_optional(tmp_path):
    out = tmp_path / "out"
    assert run_ppr("--entries", str(ENTRIES), "--out", str(out), "--no-suppress") == 0
    assert not (out / "closure_outcomes.csv").exists()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert "closures" not in summary["inputs"] and "closures" not in summary["totals"]
    assert (out / "clients_by_fiscal_year.csv").read_text(encoding="utf-8") == (
        EXPECTED / "clients_by_fiscal_year.csv"
    ).read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------
# Suppression end to end
# ------------------------------------------------------------------------------------------


def random_entries(path: Path, seed: int, people: int) -> None:
    """Write an entries file with a mix of large and small groups."""
    rng = np.random.default_rng(seed)
    grantees = np.array(["Big One", "Big Two", "Small"])
    who = rng.integers(0, people, size=people * 2)
    frame = pd.DataFrame(
        {
            "grantee": grantees[np.minimum(who % 7, 2)],
            "client_id": who.astype(str),
            "intake_date": pd.Timestamp("2011-10-01")
            + pd.to_timedelta(rng.integers(0, 2900, size=who.size), unit="D"),
            "intake_type": "new",
            "family_children_under_18": rng.choice([0, 0, 0, 1, 2, 5], size=who.size),
            "trafficking_type": rng.choice(["sex", "labor", "labor", "both"], size=who.size),
            "acf_region": rng.choice([1, 2, 4, 9, 10], size=who.size),
        }
    )
    frame = frame.drop_duplicates(["grantee", "client_id", "intake_date"])
    frame["intake_date"] = frame["intake_date"].dt.strftime("%Y-%m-%d")
    frame.to_csv(path, index=False)


def cells(rows: list[dict[str, str]], columns) -> list[list[str]]:
    return [[row[c] for c in columns] for row in rows]


def assert_protected(out: Path, threshold: int) -> None:
    """No small count shown, and no relation of the written tables with one hidden cell.

    (The relations are checked with both marks counted as hidden: ``<threshold`` and
    ``suppressed``; the full linear-programming audit is in test_audit.py.)
    """
    small = f"<{threshold}"
    hidden = "hidden"
    tables = {}
    for name, (file, layout) in ppr.TABLES.items():
        path = out / file
        if not path.exists():
            continue
        rows = read_csv(path)
        columns = [c for c in layout.count_columns if c in rows[0]]
        for row in rows:
            assert row["legend"] == disclosure.legend(threshold), (file, row)
            for column in columns:
                value = row[column]
                assert value in (small, "suppressed") or value.isdigit(), (file, row)
                assert not (value.isdigit() and 1 <= int(value) < threshold), (file, row)
                if not value.isdigit():
                    row[column] = hidden
        tables[name] = rows
        # Columns with their Total row, where they add up exactly: entries, and every column
        # of a table whose rows split persons (distinct persons of periods need not add up).
        if layout.label_column is not None:
            exact = columns if name not in ppr.PERIOD_TABLES else ["entries"]
            for column in exact:
                assert [r[column] for r in rows].count(hidden) != 1, (file, column)
        # clients = victims + family_members on every row.
        if "clients" in columns:
            for row in rows:
                trio = [row["victims"], row["family_members"], row["clients"]]
                assert trio.count(hidden) != 1, (file, row)
    # The quarters (or half-years) of each year with the year's row (entries add up exactly).
    for period in [name for name in ppr.PERIOD_GRAINS if name in tables]:
        for year in tables["fiscal_year"][:-1]:
            parts = [
                q["entries"] for q in tables[period] if q["fiscal_year"] == year["fiscal_year"]
            ]
            assert [*parts, year["entries"]].count(hidden) != 1, (year, period)
    # The fiscal years of each cohort with the cohort's row (entries add up exactly).
    years = [int(row["fiscal_year"]) for row in tables["fiscal_year"][:-1]]
    found = timeline.cohort_of(pd.Series(years, dtype="Int64"), ppr.cohort_periods())
    cohort_of = {
        str(y): ("none" if pd.isna(c) else str(c)) for y, c in zip(years, found, strict=True)
    }
    for column in ["entries"]:
        for cohort in tables["cohort"][:-1]:
            parts = [
                y[column]
                for y in tables["fiscal_year"][:-1]
                if cohort_of[y["fiscal_year"]] == cohort["cohort"]
            ]
            assert [*parts, cohort[column]].count(hidden) != 1, (cohort, column)
    # The same Total in every table shows the same.
    totals = {name: rows[-1] for name, rows in tables.items() if name != "closure_outcomes"}
    for column in ppr.CLIENT_COUNTS:
        shown = {t[column] for t in totals.values() if column in t}
        assert len(shown) == 1, column


@pytest.mark.parametrize("seed,people,threshold", [(1, 300, 11), (2, 120, 11), (3, 900, 50)])
def test_default_output_hides_small_and_recoverable_cells(tmp_path, seed, people, threshold):
    entries = tmp_path / "entries.csv"
    random_entries(entries, seed, people)
    out = tmp_path / "out"
    args = ["--entries", str(entries), "--out", str(out), "--threshold", str(threshold)]
    assert run_ppr(*args) == 0
    assert_protected(out, threshold)
    fiscal = read_csv(out / "clients_by_fiscal_year.csv")
    # Something is shown and something is hidden, so the check above had work to do.
    values = [v for path in out.glob("*.csv") for row in read_csv(path) for v in row.values()]
    assert any(v.isdigit() and int(v) >= threshold for v in values)
    assert f"<{threshold}" in values
    assert "notice" not in fiscal[0]
    assert list(fiscal[0])[-1] == "legend"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["suppressed"] is True and summary["not_for_publication"] is False
    assert summary["notice"] == ""
    shown_total = fiscal[-1]["entries"]
    assert summary["totals"]["entries"] == (
        int(shown_total) if shown_total.isdigit() else shown_total
    )


def test_default_output_of_the_small_fixture(tmp_path):
    out = tmp_path / "out"
    args = ["--entries", str(ENTRIES), "--closures", str(CLOSURES), "--out", str(out)]
    assert run_ppr(*args) == 0
    assert_protected(out, 11)
    closures = read_csv(out / "closure_outcomes.csv")
    assert list(closures[0]) == ["question", "yes", "no", "unknown", "legend"]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["victims"] == "<11"
    # 11 entries, each year's fewer than 11: shown, the total would pin the years' counts, so
    # it is hidden too, and marked as what it is (11 or more), not as a small count.
    assert summary["totals"]["entries"] == "suppressed"
    assert summary["disclosure"]["audit"]["protected"] is True
    assert summary["disclosure"]["legend"] == disclosure.legend(11)


# ------------------------------------------------------------------------------------------
# Labels
# ------------------------------------------------------------------------------------------


def test_synthetic_input_is_labelled_everywhere(tmp_path):
    frame = pd.read_csv(ENTRIES, dtype=str, keep_default_na=False)
    frame[reading.SYNTHETIC_COLUMN] = reading.SYNTHETIC_VALUE
    entries = tmp_path / "entries.csv"
    frame.to_csv(entries, index=False)
    for flags, notice in [
        ([], release.SYNTHETIC_NOTICE),
        (["--no-suppress"], f"{release.SYNTHETIC_NOTICE}; {release.UNSUPPRESSED_NOTICE}"),
    ]:
        out = tmp_path / f"out{len(flags)}"
        assert run_ppr("--entries", str(entries), "--out", str(out), *flags) == 0
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        coarser = {ppr.TABLES[name][0]: note for name, note in ppr.grains.notes(summary).items()}
        assert bool(coarser) == (not flags)  # this export is sparse: some tables are coarser
        for path in out.glob("*.csv"):
            rows = read_csv(path)
            said = f"{notice}; {coarser[path.name]}" if path.name in coarser else notice
            assert rows and all(row["notice"] == said for row in rows), path.name
            assert list(rows[0])[-1] == "notice"
        assert summary["synthetic"] is True and summary["notice"] == notice


# ------------------------------------------------------------------------------------------
# Bad input and the output directory
# ------------------------------------------------------------------------------------------


def test_bad_input_exits_2_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "entries.csv"
    bad.write_text(
        "grantee,client_id,intake_date,intake_type\nG,1,2015-02-30,new\n", encoding="utf-8"
    )
    before = digest(bad)
    out = tmp_path / "new" / "out"
    assert run_ppr("--entries", str(bad), "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert "row 2" in err and "intake_date" in err and "Traceback" not in err
    assert not out.exists() and not out.parent.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entries.csv"]
    assert digest(bad) == before


def test_bad_closures_leave_a_previous_output_untouched(unsuppressed, tmp_path):
    before = {p.name: p.read_bytes() for p in unsuppressed.iterdir()}
    bad = tmp_path / "closures.csv"
    bad.write_text(
        "grantee,client_id,closure_date,obtained_cp_or_t_visa\nUSCRI,A1,2016-01-01,maybe\n",
        encoding="utf-8",
    )
    args = ["--entries", str(ENTRIES), "--closures", str(bad), "--out", str(unsuppressed)]
    assert run_ppr(*args) == 2
    assert {p.name: p.read_bytes() for p in unsuppressed.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["closures.csv", "out"]


@pytest.mark.parametrize("value", ["0", "-3", "ten", "2.5"])
def test_bad_threshold_exits_2(tmp_path, value, capsys):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_:
        run_ppr("--entries", str(ENTRIES), "--out", str(out), "--threshold", value)
    assert exit_.value.code == 2
    assert "--threshold" in capsys.readouterr().err
    assert not out.exists()


def test_a_previous_output_is_replaced(unsuppressed):
    args = ["--entries", str(ENTRIES), "--out", str(unsuppressed)]
    assert run_ppr(*args) == 0
    summary = json.loads((unsuppressed / "summary.json").read_text(encoding="utf-8"))
    assert summary["suppressed"] is True
    assert not (unsuppressed / "closure_outcomes.csv").exists()
    assert sorted(p.name for p in unsuppressed.parent.iterdir()) == ["out"]


def test_other_directories_are_refused(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    assert run_ppr("--entries", str(ENTRIES), "--out", str(out)) == 2
    assert "not a previous ppr output" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_ppr("--entries", str(ENTRIES), "--out", str(empty)) == 0
    assert (empty / "summary.json").exists()


def test_an_output_directory_holding_the_input_is_refused(unsuppressed, capsys):
    inside = unsuppressed / "clients_by_fiscal_year.csv"
    shutil.copy(ENTRIES, unsuppressed / "entries.csv")
    assert run_ppr("--entries", str(unsuppressed / "entries.csv"), "--out", str(unsuppressed)) == 2
    assert "holds the input file" in capsys.readouterr().err
    assert inside.exists()


def test_help_explains_outputs_and_suppression(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["ppr", "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for name in [*(file for file, _ in ppr.TABLES.values()), "summary.json", "<11"]:
        assert name in text
    assert "--no-suppress" in text and "data/README.md" in text


def test_help_states_the_inputs_and_date_rules(capsys):
    with pytest.raises(SystemExit):
        cli.main(["ppr", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for said in [
        "--sheet NAME",
        "--date-format",
        "CR-only line ends",
        "the calendar date is the date as written, in the zone it was written in",
        "A time-zone-aware Parquet timestamp gives its date in its own zone",
        "before 2000-10-01 is an error",
        "signed into law in October 2000",
        f"from 0 to {reading.MAX_FAMILY_COUNT} per cell",
        "a --threshold below the default 11, every file says NOT FOR PUBLICATION",
        "OWASP",
    ]:
        assert said in text, said


def test_parquet_and_xlsx_inputs_give_the_same_tables(tmp_path):
    frame = pd.read_csv(ENTRIES, dtype=str, keep_default_na=False)
    for suffix, writer in [(".parquet", frame.to_parquet), (".xlsx", frame.to_excel)]:
        entries = tmp_path / f"entries{suffix}"
        writer(entries, index=False)
        out = tmp_path / f"out{suffix}"
        assert run_ppr("--entries", str(entries), "--out", str(out), "--no-suppress") == 0
        for name in ("clients_by_fiscal_year.csv", "clients_by_grantee.csv"):
            assert (out / name).read_text(encoding="utf-8") == (EXPECTED / name).read_text(
                encoding="utf-8"
            ), (suffix, name)
