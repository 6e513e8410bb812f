"""CSV text that is safe to open in a spreadsheet (OWASP "CSV Injection").

A spreadsheet runs a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula. ``safe_text`` neutralizes such a cell by putting an apostrophe in front of
it (the OWASP recommendation; a spreadsheet shows the text as written), and drops NUL and the
other control characters (C0 except tab, line feed and carriage return inside a cell, DEL and
C1). A cell that is a number (``-5``, ``+1.5``, ``1e3``) is a number, not a formula: it is
left as it is, and so are numeric columns.
"""

from __future__ import annotations

import re

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is run as a formula by a spreadsheet."""

NEUTRALIZER = "'"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_text(value: str) -> str:
    """Return a text cell with control characters dropped and any formula neutralized."""
    text = _CONTROL.sub("", value)
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return NEUTRALIZER + text
    return text


def safe_cell(value: object) -> object:
    """Return a cell safe for a spreadsheet: text made safe, anything else unchanged."""
    return safe_text(value) if isinstance(value, str) else value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with every text cell made safe (column names too); numbers unchanged."""
    columns = {}
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.cat.rename_categories(
                [safe_cell(value) for value in column.cat.categories]
            )
        elif column.dtype == object or pd.api.types.is_string_dtype(column):
            column = _safe_texts(column)
        columns[safe_cell(name)] = column
    return pd.DataFrame(columns, index=frame.index)


def _safe_texts(column: pd.Series) -> pd.Series:
    """Return a text (or mixed) column with each text cell made safe; quick when all are safe."""
    if column.dtype == object:
        texts = column.map(lambda value: value if isinstance(value, str) else "")
    else:
        texts = column.fillna("")
    risky = texts.str.contains(_CONTROL.pattern, regex=True) | texts.str.startswith(FORMULA_STARTS)
    if not risky.any():
        return column
    return column.where(~risky, column[risky].map(safe_cell))


def to_csv(frame: pd.DataFrame) -> str:
    """Return ``frame`` as CSV text (no index, Unix line ends) with every text cell safe."""
    return safe_frame(frame).to_csv(index=False, lineterminator="\n")
