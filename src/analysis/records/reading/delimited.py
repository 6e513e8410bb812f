"""Reading a CSV records file (UTF-8, any line ends) as text, rows numbered as spreadsheets do."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from analysis.errors import InputError, os_problem
from analysis.records.reading.contract import HEADER_ROW, HEADER_SEARCH_ROWS
from analysis.records.reading.labels import header_position, known_headers
from analysis.records.reading.opening import _source
from analysis.records.reading.problems import MAX_LISTED, Problems, quote


def _read_csv(
    path: Path,
    problems: Problems,
    required: tuple[str, ...] = (),
    known: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Read a UTF-8 CSV (with or without BOM) with every column as text, and its row numbers.

    Line ends may be LF, CRLF or CR; blank lines are rows (dropped later, counted); a line
    with the wrong number of fields is reported at its row and skipped. The header is row 1,
    or the first of the top rows holding every ``required`` column (read as ``known`` says):
    rows above it (a title, a reporting period) are skipped, and ``frame.attrs[HEADER_ROW]``
    says where it was.
    """
    top = _csv_records(path, HEADER_SEARCH_ROWS)
    skip = header_position(top, required, known or known_headers()) or 0
    header = top[skip]
    if not header or all(not name.strip() for name in header):
        raise InputError(
            f"{path.name}, row 1: no header row (expected column names such as "
            "grantee,client_id,...)",
            heading=f"{path}: cannot be read",
        )
    if len(header) == 1:
        for separator, name in ((";", "semicolons"), ("\t", "tabs")):
            if separator in header[0]:
                raise InputError(
                    f"{path.name}, row {skip + 1}: the header is one column {quote(header[0])} "
                    f"(expected values separated by commas; this file seems to use {name})",
                    heading=f"{path}: cannot be read",
                )
    named = [name for name in header if name.strip()]
    if len(set(named)) != len(named):
        repeated = sorted({name for name in named if named.count(name) > 1})
        raise InputError(
            [
                f"{path.name}, row {skip + 1}: column {name!r} appears more than once "
                "(expected once)"
                for name in repeated
            ],
            heading=f"{path}: cannot be read",
        )
    skipped: list[tuple[int | None, int, str]] = []

    def invalid_row(row: pacsv.InvalidRow) -> str:
        skipped.append((row.number, row.actual_columns, row.text))
        return "skip"

    table = _arrow_csv(path, len(header), invalid_row, threads=True, skip=skip)
    if skipped:  # numbered only when read in one thread: read again, only in this case
        skipped.clear()
        table = _arrow_csv(path, len(header), invalid_row, threads=False, skip=skip)
    names = [table.column(i)[0].as_py() for i in range(table.num_columns)]
    table = table.slice(1)
    numbers = np.array([number or 0 for number, _, _ in skipped], dtype=np.int64)
    first = skip + 2
    rows = np.arange(first, table.num_rows + len(skipped) + first, dtype=np.int64)
    rows = rows[~np.isin(rows, numbers)]
    bad = [(number, actual, text) for number, actual, text in skipped if text.strip()]
    for number, actual, text in bad[:MAX_LISTED]:  # a line of spaces is a blank row
        problems.add(
            f"the row has {actual} field(s) (expected {len(header)}, as in the header): "
            f"{quote(text)}",
            number,
        )
    problems.add_more(len(bad) - MAX_LISTED, "with the wrong number of fields", unit="line(s)")
    text = pd.StringDtype(na_value=np.nan)
    frame = table.to_pandas(types_mapper={pa.large_string(): text, pa.string(): text}.get)
    frame = frame.set_axis(names, axis=1)
    frame.attrs[HEADER_ROW] = skip + 1
    return frame, rows


def _csv_records(path: Path, count: int) -> list[list[str]]:
    """Return the first ``count`` CSV records (the header first), whatever the line ends."""
    try:
        with open(path, "rb") as raw, io.TextIOWrapper(raw, "utf-8-sig", newline="") as text:
            reader = csv.reader(text)
            found = [next(reader, [])]
            with contextlib.suppress(csv.Error):  # beyond the header, as far as it can read
                found += [record for _, record in zip(range(count - 1), reader, strict=False)]
            return found
    except UnicodeDecodeError:
        _raise_not_utf8(path)
    except csv.Error as error:
        raise InputError(
            f"{path.name}, row 1: the header cannot be read as CSV ({error})",
            heading=f"{path}: cannot be read",
        ) from None


def _arrow_csv(
    path: Path,
    width: int,
    invalid_row: Callable[[pacsv.InvalidRow], str],
    *,
    threads: bool,
    skip: int = 0,
) -> pa.Table:
    """Read every record of a CSV after ``skip`` rows (the header first) as ``width`` columns.

    A cell longer than Arrow's block is read with blocks as large as the file.
    """
    names = [f"c{i}" for i in range(width)]
    block = 1 << 20
    while True:
        source = _source(path)
        try:
            return pacsv.read_csv(
                source,
                read_options=pacsv.ReadOptions(
                    use_threads=threads, column_names=names, block_size=block, skip_rows=skip
                ),
                parse_options=pacsv.ParseOptions(
                    newlines_in_values=True,
                    invalid_row_handler=invalid_row,
                    ignore_empty_lines=False,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.large_string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except pa.ArrowInvalid as error:
            message = str(error)
            if "straddl" in message and block < path.stat().st_size + 1:
                block = min(max(block * 16, path.stat().st_size + 1), 2**31 - 1)
                continue
            if "utf8" in message.lower():
                _raise_not_utf8(path)
            raise InputError(
                f"{path.name}: cannot be read as CSV ({message})",
                heading=f"{path}: cannot be read",
            ) from None
        except OSError as error:
            raise InputError(
                f"{path.name}: cannot be read ({os_problem(error)})",
                heading=f"{path}: cannot be read",
            ) from None
        finally:
            if not isinstance(source, str):
                source.close()


def _raise_not_utf8(path: Path) -> NoReturn:
    """Raise ``InputError`` naming the line and byte where the file stops being UTF-8."""
    data = path.read_bytes()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = len(re.findall(rb"\r\n|\r|\n", before)) + 1
        byte = data[error.start : error.start + 1].hex()
        detail = f"byte 0x{byte} on line {line}"
    else:  # pragma: no cover - the reader reported bad text that Python decodes
        detail = "text that is not valid UTF-8"
    raise InputError(
        f"{path.name}: the file is not UTF-8 text ({detail}; expected a CSV saved as 'CSV UTF-8')",
        heading=f"{path}: cannot be read",
    )
