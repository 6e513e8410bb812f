"""Reading an XLSX records file as text: the sheet with the contract's header, error cells named."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.records.reading.contract import (
    EXCEL_DAY_ZERO,
    HEADER_ROW,
    HEADER_SEARCH_ROWS,
    SHEET_ATTRIBUTE,
)
from analysis.records.reading.labels import header_position, known_headers, read_as
from analysis.records.reading.problems import MAX_LISTED, Problems, quote


def _read_xlsx(
    path: Path,
    problems: Problems,
    sheet: str | None,
    required: tuple[str, ...],
    known: Mapping[str, str] | None = None,
    dates: frozenset[str] = frozenset(),
) -> tuple[pd.DataFrame, np.ndarray]:
    """Read one sheet of an XLSX workbook as text, with its row numbers (see ``read_table``).

    Error cells and formulas without a saved value are reported; the sheet read is named in
    ``problems.file_name`` and the frame's ``attrs``, as is the row of its header (the first
    of the top rows holding every ``required`` column, read as ``known`` says). A number in a
    column read as one of ``dates`` is an Excel date whatever its cell format. Chart sheets
    are skipped.
    """
    known = known or known_headers()

    def unreadable(error: Exception) -> InputError:
        return InputError(
            f"{path.name}: cannot be read as an Excel workbook (.xlsx) "
            f"({type(error).__name__}: {error})",
            heading=f"{path}: cannot be read",
        )

    try:
        book, charts = _load(path)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise unreadable(error) from None
    try:
        name, fallback, skip = _choose_sheet(book, sheet, required, path, known, charts)
        grid, errors, unsaved = _sheet_cells(book[name])
    except InputError:
        raise
    except Exception as error:
        raise unreadable(error) from None
    finally:
        book.close()
    problems.file_name = f"{path.name}, sheet {name!r}"
    if fallback:
        problems.add(
            f"no sheet has the required columns ({', '.join(required)}) in its first "
            f"{HEADER_SEARCH_ROWS} rows (sheets: "
            f"{', '.join(map(repr, book.sheetnames))}); the first was read "
            "(name the sheet with --sheet NAME)"
        )
    if unsaved:
        unsaved = _formulas(path, name, unsaved)
    if len(grid) <= skip:
        raise InputError(
            f"{problems.file_name}: the sheet is empty (expected a header row and at least one "
            "data row)",
            heading=f"{path}: cannot be read",
        )
    width = max(len(row) for row in grid[skip:])
    header = [_cell_text(value) for value in grid[skip]] + [""] * (width - len(grid[skip]))
    above = skip + 1
    errors = [cell for cell in errors if cell[0] > above]
    unsaved = [cell for cell in unsaved if cell[0] > above]
    _report_cells(problems, header, errors, unsaved)
    body = [row + [None] * (width - len(row)) for row in grid[above:]]
    is_date = [column in dates for column in read_as(header, known)]
    frame = pd.DataFrame(
        {
            position: pd.Series(
                [_cell_text(row[position], is_date[position]) for row in body], dtype="str"
            )
            for position in range(width)
        }
    ).set_axis(header, axis=1)
    frame.attrs[SHEET_ATTRIBUTE] = name
    frame.attrs[HEADER_ROW] = above
    return frame, np.arange(len(body), dtype=np.int64) + above + 1


def _load(path: Path, *, data_only: bool = True) -> tuple[Any, list[str]]:
    """Open a workbook to read its values; return it and the names of its chart sheets.

    Chart sheets are not read (openpyxl fails on some), only named.
    """
    from openpyxl.reader.excel import ExcelReader  # only XLSX input needs it

    charts: list[str] = []

    class WorksheetReader(ExcelReader):
        """An openpyxl reader that names the chart sheets instead of reading them."""

        def read_chartsheet(self, sheet: Any, rel: Any) -> None:
            """Name the chart sheet only."""
            charts.append(sheet.name)

    reader = WorksheetReader(path, read_only=True, data_only=data_only)
    reader.read()
    return reader.wb, charts


def _choose_sheet(
    book: Any,
    sheet: str | None,
    required: tuple[str, ...],
    path: Path,
    known: Mapping[str, str],
    charts: list[str],
) -> tuple[str, bool, int]:
    """Return the sheet to read, whether it is only the first, and the rows above its header.

    ``sheet`` when given; else the first worksheet holding every ``required`` column in one
    of its top rows, else the first worksheet (the second value True).
    """
    names = [name for name in book.sheetnames if hasattr(book[name], "iter_rows")]
    others = [*charts, *(name for name in book.sheetnames if name not in names)]
    if sheet is not None:
        if sheet in others:
            raise InputError(
                f"{path.name}: sheet {sheet!r} is a chart sheet, not a worksheet (worksheets: "
                f"{', '.join(map(repr, names)) or 'none'})",
                heading=f"{path}: cannot be read",
            )
        if sheet not in names:
            raise InputError(
                f"{path.name}: no sheet named {sheet!r} (sheets: {', '.join(map(repr, names))})",
                heading=f"{path}: cannot be read",
            )
        return sheet, False, _header_skip(book[sheet], required, known)
    if not names:  # only chart sheets
        raise InputError(
            f"{path.name}: the workbook has no worksheet (expected a sheet of rows)",
            heading=f"{path}: cannot be read",
        )
    if not required:
        return names[0], False, 0
    for name in names:
        top = list(_top_rows(book[name]))
        position = header_position(top, required, known)
        if position is not None:
            return name, False, position
    return names[0], True, 0


def _top_rows(sheet: Any) -> list[tuple]:
    """Return the values of a sheet's top rows (as many as a header is looked for in)."""
    sheet.reset_dimensions()  # the stored dimension can be wrong
    return list(sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True))


def _header_skip(sheet: Any, required: tuple[str, ...], known: Mapping[str, str]) -> int:
    """Return how many rows are above the header of a named sheet (0 unless one is found)."""
    return header_position(_top_rows(sheet), required, known) or 0


def _sheet_cells(sheet: Any) -> tuple[list[list[object]], list[tuple], list[tuple]]:
    """Return a sheet's values by row (row 1 first, gaps filled with None) and its odd cells.

    The odd cells are (row, column, coordinate, value) of error cells and of cells holding
    nothing (a formula without a saved value, or a formatted empty cell).
    """
    sheet.reset_dimensions()  # the stored dimension can be wrong: read every cell there is
    grid: list[list[object]] = []
    errors: list[tuple] = []
    empty: list[tuple] = []
    for cells in sheet.iter_rows():
        for cell in cells:
            row_number = getattr(cell, "row", None)
            if row_number is None:
                continue
            value = cell.value
            if value is None:
                empty.append((row_number, cell.column, cell.coordinate, None))
                continue
            while len(grid) < row_number:
                grid.append([])
            row = grid[row_number - 1]
            row.extend([None] * (cell.column - len(row)))
            if cell.data_type == "e":
                errors.append((row_number, cell.column, cell.coordinate, value))
            row[cell.column - 1] = value
    return grid, errors, empty


def _formulas(path: Path, sheet: str, empty: list[tuple]) -> list[tuple]:
    """Return those of the empty cells that hold a formula (no saved value), with it."""
    wanted = {(row, column): (row, column, coordinate) for row, column, coordinate, _ in empty}
    book = _load(path, data_only=False)[0]
    found = []
    try:
        formulas = book[sheet]
        formulas.reset_dimensions()
        for cells in formulas.iter_rows():
            for cell in cells:
                key = (getattr(cell, "row", None), getattr(cell, "column", None))
                if key not in wanted or cell.value is None:
                    continue
                text = getattr(cell.value, "text", cell.value)
                found.append((*wanted[key], str(text)))
    finally:
        book.close()
    return found


def _report_cells(
    problems: Problems, header: list[str], errors: list[tuple], unsaved: list[tuple]
) -> None:
    """Report error cells and formulas without a saved value, up to the cap per column."""
    kinds = (
        (
            errors,
            "cell {cell} shows {value}, an Excel error (expected a value: correct the formula "
            "or the data it uses, or type the value)",
            "that are Excel errors",
        ),
        (
            unsaved,
            "cell {cell} is a formula without a saved value, {value} (expected a value: open "
            "and save the file in Excel, or paste values)",
            "that are formulas without a saved value",
        ),
    )
    for cells, describe, summary in kinds:
        by_column: dict[int, list[tuple]] = {}
        for cell in sorted(cells):
            by_column.setdefault(cell[1], []).append(cell)
        for column, found in sorted(by_column.items()):
            name = header[column - 1] if column <= len(header) else ""
            label = name.strip() or f"{column} (no name)"
            for row, _, coordinate, value in found[:MAX_LISTED]:
                text = describe.replace("{cell}", coordinate).replace("{value}", quote(value))
                problems.add(text, row, label)
            problems.add_more(len(found) - MAX_LISTED, summary, label)


LAST_SERIAL = 2958466
"""Excel's serial date of 10000-01-01: every serial below it is a date Python can hold."""


def _cell_text(value: object, is_date: bool = False) -> str:
    """Render one spreadsheet cell as text: dates as YYYY-MM-DD, whole floats without .0.

    With ``is_date``, a number is an Excel serial date (the day it falls on), whatever the
    format of its cell.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    serial = isinstance(value, int | float) and not isinstance(value, bool)
    if is_date and serial and 0 < value < LAST_SERIAL:
        return (EXCEL_DAY_ZERO + timedelta(days=int(value // 1))).isoformat()
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%Y-%m-%d")
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
