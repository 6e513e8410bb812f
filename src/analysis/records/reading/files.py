"""Reading a records file as text, whatever its type: the checks every file gets first."""

from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.errors import InputError, os_problem
from analysis.records.reading.columnar import _read_parquet
from analysis.records.reading.contract import (
    CLOSURE_COLUMNS,
    ENTRY_COLUMNS,
    FILE_TYPES,
    SHEET_ATTRIBUTE,
    SYNTHETIC_COLUMN,
)
from analysis.records.reading.delimited import _read_csv
from analysis.records.reading.opening import _refuse_header_below
from analysis.records.reading.problems import Problems
from analysis.records.reading.text import stripped, text_array
from analysis.records.reading.workbook import _read_xlsx


def read_table(
    path: Path,
    untrimmed: frozenset[str] = frozenset(),
    *,
    problems: Problems | None = None,
    sheet: str | None = None,
    required: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, np.ndarray]:
    """Read a records file as text: every column a trimmed string, blanks as "".

    Returns the frame (header names trimmed, contract names lower-cased, text in Unicode NFC,
    rows whose cells are all blank dropped) and each row's spreadsheet row number (header =
    row 1, blank lines and skipped lines counted). Columns named in ``untrimmed`` are left
    as read, for a caller that trims each distinct value instead. Problems found while
    reading (malformed lines, Excel error cells, a header below row 1) go to ``problems``
    (raised at once when it is None); ``problems.file_name`` then names the sheet read, which
    is also ``frame.attrs[SHEET_ATTRIBUTE]``. ``sheet`` names the XLSX sheet to read, else
    the first whose row 1 holds the ``required`` columns.
    """
    own = problems is None
    problems = Problems(path.name) if problems is None else problems
    suffix = _check_file(path)
    if suffix == ".csv":
        frame, rows = _read_csv(path, problems, required)
    elif suffix == ".parquet":
        frame = _read_parquet(path)
        rows = np.arange(len(frame), dtype=np.int64) + 2
    else:
        frame, rows = _read_xlsx(path, problems, sheet, required)
    sheet_read = frame.attrs.get(SHEET_ATTRIBUTE)
    _refuse_header_below(frame, rows, required, path, problems)
    frame = _tidy_header(frame, path)
    if sheet_read is not None:
        frame.attrs[SHEET_ATTRIBUTE] = sheet_read
    for name in frame.columns:  # each reader gives "" (never null) for a blank cell
        values = _nfc(frame[name])
        frame[name] = values if name in untrimmed else stripped(values)
    if len(frame.columns):
        blank_row = (stripped(frame.iloc[:, 0]) == "").to_numpy().copy()
        candidates = np.flatnonzero(blank_row)
        if len(candidates):
            cells = frame.iloc[candidates].apply(lambda column: column.str.strip() == "")
            blank_row[candidates] = cells.all(axis=1).to_numpy()
        if blank_row.any():
            frame = frame.loc[~blank_row].reset_index(drop=True)
            rows = rows[~blank_row]
    if frame.empty and not problems.count:
        raise InputError(
            f"{problems.file_name}: the file has a header row but no data rows "
            "(expected at least one data row)",
            heading=f"{path}: cannot be read",
        )
    if own:
        problems.raise_if_any(path, "records")
    return frame, rows


def _check_file(path: Path) -> str:
    """Return the file's type (suffix); raise ``InputError`` unless it is a readable file."""
    cannot = f"{path}: cannot be read"
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{path.name}: no such file", heading=cannot) from None
    except OSError as error:
        raise InputError(f"{path.name or path}: {os_problem(error)}", heading=cannot) from None
    kind = _not_a_file(info.st_mode)
    if kind:
        raise InputError(
            f"{path.name or path}: is {kind}, not a file (expected a CSV, Parquet or XLSX file)",
            heading=cannot,
        )
    if path.suffix.lower() not in FILE_TYPES:
        raise InputError(
            f"{path.name}: unsupported file type {path.suffix or '(none)'!r} "
            f"(expected one of {', '.join(FILE_TYPES)})",
            heading=cannot,
        )
    try:
        with open(path, "rb") as handle:
            first = handle.read(1)  # a file of /proc says size 0 and may still hold text
    except OSError as error:
        raise InputError(
            f"{path.name}: cannot be opened for reading ({os_problem(error)})", heading=cannot
        ) from None
    if not first:
        raise InputError(
            f"{path.name}: the file is empty (expected a header row and at least one data row)",
            heading=cannot,
        )
    return path.suffix.lower()


def _not_a_file(mode: int) -> str:
    """Return what a path that is not a regular file is ("a directory", ...), else ""."""
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    for test, kind in kinds:
        if test(mode):
            return kind
    return "" if stat.S_ISREG(mode) else "not a regular file"


def _nfc(values: pd.Series) -> pd.Series:
    """Return text in Unicode normal form C, so that the same name typed anywhere is equal."""
    data = text_array(values)
    if data is not None and all(_ascii_only(chunk) for chunk in data.chunks):
        return values  # the common case, seen in the bytes at once
    wide = ~values.str.isascii().fillna(True).astype(bool)
    if not wide.any():
        return values
    return values.mask(wide, values[wide].str.normalize("NFC"))


def _ascii_only(chunk: pa.Array) -> bool:
    """Return True if the text array's character bytes (all of its buffer) are ASCII."""
    buffers = chunk.buffers()
    if len(buffers) < 3 or buffers[2] is None:
        return True
    return not len(buffers[2]) or int(np.frombuffer(buffers[2], dtype=np.uint8).max()) < 0x80


def _tidy_header(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Match contract column names case-insensitively (other names are only trimmed).

    Unnamed columns without values are dropped; repeated names are errors.
    """
    known = {*ENTRY_COLUMNS, *CLOSURE_COLUMNS, SYNTHETIC_COLUMN}
    names = [unicodedata.normalize("NFC", str(name).strip()) for name in frame.columns]
    names = [name.lower() if name.lower() in known else name for name in names]
    frame.columns = names
    problems = Problems(path.name)
    keep = []
    for position, name in enumerate(names):
        if name == "" or name.lower().startswith("unnamed:"):
            if (frame.iloc[:, position].str.strip() != "").any():
                problems.add(
                    f"column {position + 1} has values but no name (expected a header)", row=1
                )
            continue
        keep.append(position)
    seen: set[str] = set()
    for name in (names[position] for position in keep):
        if name in seen:
            problems.add(f"column {name!r} appears more than once (expected once)", row=1)
        seen.add(name)
    problems.raise_if_any(path, "records")
    return frame.iloc[:, keep]
