"""Reading a records file as text, whatever its type: the checks every file gets first."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.errors import InputError, os_problem
from analysis.records.reading.columnar import _read_parquet
from analysis.records.reading.contract import (
    FILE_TYPES,
    HEADER_ROW,
    HEADERS,
    READ_AS,
    SHEET_ATTRIBUTE,
)
from analysis.records.reading.delimited import _read_csv
from analysis.records.reading.labels import header_key, known_headers, read_as, relabelled
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
    known: Mapping[str, str] | None = None,
    dates: frozenset[str] = frozenset(),
) -> tuple[pd.DataFrame, np.ndarray]:
    """Read a records file as text: every column a trimmed string, blanks as "".

    Returns the frame (header names trimmed, contract names lower-cased, text in Unicode NFC,
    rows whose cells are all blank dropped) and each row's spreadsheet row number (header =
    row 1, blank lines and skipped lines counted). Columns named in ``untrimmed`` are left
    as read, for a caller that trims each distinct value instead. Problems found while
    reading (malformed lines, Excel error cells, a header below row 1) go to ``problems``
    (raised at once when it is None); ``problems.file_name`` then names the sheet read, which
    is also ``frame.attrs[SHEET_ATTRIBUTE]``. ``sheet`` names the XLSX sheet to read, else
    the first holding the ``required`` columns. Headers are read as ``known`` says (header
    key -> column; default: contract names and the form's labels): the header is the first of
    the top rows holding every required column (``frame.attrs[HEADER_ROW]``), and the columns
    read under another name are ``frame.attrs[READ_AS]``. In a workbook, a number in a
    column read as one of ``dates`` is an Excel date.
    """
    own = problems is None
    problems = Problems(path.name) if problems is None else problems
    known = known_headers() if known is None else known
    suffix = _check_file(path)
    if suffix == ".csv":
        frame, rows = _read_csv(path, problems, required, known)
    elif suffix == ".parquet":
        frame = _read_parquet(path)
        rows = np.arange(len(frame), dtype=np.int64) + 2
    else:
        frame, rows = _read_xlsx(path, problems, sheet, required, known, dates)
    attrs = {
        name: frame.attrs[name] for name in (SHEET_ATTRIBUTE, HEADER_ROW) if name in frame.attrs
    }
    attrs[READ_AS] = relabelled(list(frame.columns), known)
    attrs[HEADERS] = [str(name) for name in frame.columns]
    frame = _tidy_header(frame, path, known, attrs.get(HEADER_ROW, 1))
    frame.attrs.update(attrs)
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
    if frame.empty and problems.count:  # every row was malformed: nothing more to check
        problems.raise_if_any(path, "records")
    if frame.empty:
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


def _tidy_header(
    frame: pd.DataFrame, path: Path, known: Mapping[str, str], header_row: int = 1
) -> pd.DataFrame:
    """Read each header as its contract column (``known``); other names are only trimmed.

    Unnamed columns without values are dropped; repeated names (two headers read as one
    column included) are errors.
    """
    written = [str(name) for name in frame.columns]
    names = read_as(written, known)
    frame.columns = names
    problems = Problems(path.name)
    keep = []
    for position, name in enumerate(names):
        if name == "" or name.lower().startswith("unnamed:"):
            if (frame.iloc[:, position].str.strip() != "").any():
                problems.add(
                    f"column {position + 1} has values but no name (expected a header)",
                    row=header_row,
                )
            continue
        keep.append(position)
    seen: dict[str, str] = {}
    for position in keep:
        name = names[position]
        if name in seen:
            what = (
                repr(name)
                if header_key(seen[name]) == header_key(written[position])
                else (f"{name} (headers {seen[name].strip()!r} and {written[position].strip()!r})")
            )
            problems.add(f"column {what} appears more than once (expected once)", row=header_row)
        seen.setdefault(name, written[position].strip())
    problems.raise_if_any(path, "records")
    return frame.iloc[:, keep]
