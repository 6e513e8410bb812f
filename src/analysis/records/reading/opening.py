"""Opening a records file as bytes or a path, and refusing a header that is not in row 1."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.records.reading.contract import (
    HEADER_SEARCH_ROWS,
)
from analysis.records.reading.problems import Problems


def _refuse_header_below(
    frame: pd.DataFrame,
    rows: np.ndarray,
    required: tuple[str, ...],
    path: Path,
    problems: Problems,
) -> None:
    """Raise ``InputError`` saying where the header seems to be, when it is not on row 1.

    That is when row 1 lacks a required column and a row a little below holds them all.
    """
    names = {str(name).strip().lower() for name in frame.columns}
    if not required or set(required) <= names:
        return
    for position in range(min(len(frame), HEADER_SEARCH_ROWS)):
        cells = {str(value).strip().lower() for value in frame.iloc[position]}
        if set(required) <= cells:
            row = int(rows[position])
            raise InputError(
                f"{problems.file_name}, row 1: the header seems to be on row {row} (it holds "
                f"{', '.join(required)}); expected the header on row 1: delete the {row - 1} "
                "row(s) above it",
                heading=f"{path}: cannot be read",
            )


def _source(path: Path) -> str | BinaryIO:
    """Return the path for a reader that takes one, or an open file when the name is not UTF-8."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:  # a file name of bytes that are not UTF-8 (kept as escapes)
        return open(path, "rb")  # noqa: SIM115 - the readers close it
    return str(path)
