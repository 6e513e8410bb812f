"""The library's layout keeps its promises: the command line's help loads no plotting library,
counting client records imports none, and the data each step needs is passed to it.

The cohort periods the counts need come from the fixture catalogue, not from data/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analysis.paths import ENV_VAR
from analysis.published import timeline
from analysis.records import ppr, reading
from tests.conftest import FIXTURE_DATA

FIXTURES = Path(__file__).parent / "fixtures" / "records"
TODAY = date(2026, 11, 24)
PLOTTING = ("matplotlib", "seaborn", "nbconvert", "nbclient", "IPython")
REPO = Path(__file__).resolve().parents[1]


def loaded_after(code: str, env: dict[str, str] | None = None) -> list[str]:
    """Run ``code`` in a fresh interpreter; return the plotting modules it left loaded."""
    probe = (
        f"{code}\nimport json, sys\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {PLOTTING!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
        env={**os.environ, **(env or {})},
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("argv", [["--help"], ["ppr", "--help"], ["records-report", "--help"]])
def test_help_loads_no_plotting_library(argv):
    code = (
        "import contextlib, io\nfrom analysis import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    try:\n        cli.main({argv!r})\n    except SystemExit:\n        pass"
    )
    assert loaded_after(code) == []


def test_counting_records_imports_no_plotting_library():
    entries = FIXTURES / "entries.csv"
    code = (
        "import datetime\nfrom analysis.records import ppr, reading\n"
        f"entries, persons = reading.read_coded_entries({str(entries)!r}, today={TODAY!r})\n"
        "tables = ppr.count(entries, None, ppr.cohort_periods(), persons=persons)\n"
        "ppr.protect(tables, periods=ppr.cohort_periods())"
    )
    assert loaded_after(code, env={ENV_VAR: str(FIXTURE_DATA)}) == []


def test_the_person_codes_read_once_count_the_same_as_codes_made_again(fixture_catalog):
    entries, persons = reading.read_coded_entries(FIXTURES / "entries.csv", today=TODAY)
    again = reading.person_codes(entries)[0]
    assert (persons.codes == again).all()
    assert len(persons.codes) == len(entries)
    closures_path = FIXTURES / "closures.csv"
    given = reading.read_closures(closures_path, entries, persons=persons, today=TODAY)
    coded_here = reading.read_closures(closures_path, entries, today=TODAY)
    pd.testing.assert_frame_equal(given, coded_here)
    periods = timeline.cohort_periods(fixture_catalog)
    passed = ppr.count(entries, given, periods, persons=persons)
    computed = ppr.count(entries, coded_here, periods)
    assert passed.keys() == computed.keys()
    for name in passed:
        pd.testing.assert_frame_equal(passed[name], computed[name])


def test_codes_of_other_entries_are_not_reused(fixture_catalog):
    """Counting another frame codes its own persons: nothing is remembered between calls."""
    entries = reading.read_entries(FIXTURES / "entries.csv", today=TODAY)
    fewer = entries.iloc[:1].copy()
    periods = timeline.cohort_periods(fixture_catalog)
    ppr.count(entries, None, periods)
    total = ppr.count(fewer, None, periods)["fiscal_year"].iloc[-1]
    assert int(total["victims"]) == 1 and int(total["entries"]) == 1


def test_one_synthetic_row_labels_the_output_synthetic(tmp_path):
    header = ",".join(reading.ENTRY_COLUMNS)
    row = f"G,1,2016-01-05,new{',' * 14}"
    path = tmp_path / "entries.csv"
    path.write_text(f"{header},data_origin\n{row},synthetic\n{row.replace(',1,', ',2,')},\n")
    mixed = reading.read_entries(path, today=TODAY)
    assert reading.is_synthetic(mixed) and not reading.is_all_synthetic(mixed)
    assert reading.is_synthetic(None, mixed) and not reading.is_synthetic(mixed.iloc[1:])
    assert not reading.is_synthetic() and not reading.is_all_synthetic(None)
    assert not reading.is_all_synthetic(mixed.iloc[:0])
