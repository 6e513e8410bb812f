"""CSV cells a spreadsheet would run as formulas are neutralized; numbers stay numbers."""

from __future__ import annotations

import csv
import io

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import charts, spreadsheet
from analysis.records import synthetic


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://example.invalid","x")', '\'=HYPERLINK("http://example.invalid","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-", "'-"),
        ("a\x00b", "ab"),
        ("\x00=1", "'=1"),
        ("bell\x07 esc\x1b del\x7f c1\x85", "bell esc del c1"),
        ("line\nbreak\ttab", "line\nbreak\ttab"),
        ("plain text", "plain text"),
        ("", ""),
        ("<11", "<11"),
    ],
)
def test_text_cells_are_made_safe(cell, safe):
    assert spreadsheet.safe_text(cell) == safe


@pytest.mark.parametrize("number", ["-5", "+1", "-1.5", "-0.25", "-1e3", "+2E-4", "-.5", "42"])
def test_numbers_written_as_text_stay_numbers(number):
    assert spreadsheet.safe_text(number) == number


@given(st.text())
def test_no_safe_cell_starts_a_formula_or_holds_a_control_character(text):
    safe = spreadsheet.safe_text(text)
    assert not any(ch in safe for ch in "\x00\x01\x02\x03\x0b\x0c\x1b\x7f")
    if safe.startswith(spreadsheet.FORMULA_STARTS):
        assert spreadsheet._NUMBER.fullmatch(safe)


def test_frames_keep_numeric_columns_and_make_text_and_names_safe():
    frame = pd.DataFrame(
        {
            "=name": ["=1", "ok", None],
            "count": [-5, 3, 0],
            "share": [-0.5, 1.0, np.nan],
            "kind": pd.Categorical(["@x", "y", "@x"]),
            "mixed": ["-3", -3, "+cmd"],
        }
    )
    text = spreadsheet.to_csv(frame)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["'=name", "count", "share", "kind", "mixed"]
    assert rows[1] == ["'=1", "-5", "-0.5", "'@x", "-3"]
    assert rows[2] == ["ok", "3", "1.0", "y", "-3"]
    assert rows[3] == ["", "0", "", "'@x", "'+cmd"]


def test_chart_csvs_are_safe(tmp_path):
    figure, _ = charts.new_figure()
    chart = charts.Chart(
        slug="safe",
        title="t",
        description="d",
        figure=figure,
        data=pd.DataFrame({"label": ["=cmd|' /C calc'!A0", "-10"], "value": [1, -2]}),
        sources=("S01",),
        statuses=("published",),
        source_line="s",
    )
    path = charts.save(chart, tmp_path)["csv"]
    rows = list(csv.reader(io.StringIO(path.read_text())))
    assert rows[1] == ["'=cmd|' /C calc'!A0", "1"]
    assert rows[2] == ["-10", "-2"]


def test_synthetic_csvs_are_safe(tmp_path):
    records = synthetic.generate(seed=1, scale=0.01)
    grantees = records.entries["grantee"].cat.categories
    records.entries["grantee"] = records.entries["grantee"].cat.rename_categories(
        ["=" + grantees[0], *grantees[1:]]
    )
    paths = synthetic.write(records, tmp_path / "syn")
    text = paths["entries.csv"].read_text()
    cells = [row[0] for row in csv.reader(io.StringIO(text))]
    assert "'=" + grantees[0] in cells
    assert not any(cell.startswith("=") for cell in cells)
