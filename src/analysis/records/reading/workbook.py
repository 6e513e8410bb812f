"""Reading an XLSX records file as text: the sheet with the contract's header, error cells named."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.records.reading.contract import HEADER_SEARCH_ROWS, SHEET_ATTRIBUTE
from analysis.records.reading.problems import MAX_LISTED, Problems, quote


def _read_xlsx(
    path: Path, problems: Problems, sheet: str | None, required: tuple[str, ...]
) -> tuple[pd.DataFrame, np.ndarray]:
    """Read one sheet of an XLSX workbook as text, with its row numbers (see ``read_table``).

    Error cells and formulas without a saved value are reported; the sheet read is named in
    ``problems.file_name`` and the frame's ``attrs``.
    """
    import openpyxl  # only XLSX input needs it

    def unreadable(error: Exception) -> InputError:
        return InputError(
            f"{path.name}: cannot be read as an Excel workbook (.xlsx) "
            f"({type(error).__name__}: {error})",
            heading=f"{path}: cannot be read",
        )

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise unreadable(error) from None
    try:
        name, fallback = _choose_sheet(book, sheet, required, path)
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
            f"no sheet has the required columns ({', '.join(required)}) on row 1 (sheets: "
            f"{', '.join(map(repr, book.sheetnames))}); the first was read "
            "(name the sheet with --sheet NAME)"
        )
    if unsaved:
        unsaved = _formulas(path, name, unsaved)
    if not grid:
        raise InputError(
            f"{problems.file_name}: the sheet is empty (expected a header row and at least one "
            "data row)",
            heading=f"{path}: cannot be read",
        )
    width = max(len(row) for row in grid)
    header = [_cell_text(value) for value in grid[0]] + [""] * (width - len(grid[0]))
    _report_cells(problems, header, errors, unsaved)
    body = [row + [None] * (width - len(row)) for row in grid[1:]]
    frame = pd.DataFrame(
        {
            position: pd.Series([_cell_text(row[position]) for row in body], dtype="str")
            for position in range(width)
        }
    ).set_axis(header, axis=1)
    frame.attrs[SHEET_ATTRIBUTE] = name
    return frame, np.arange(len(body), dtype=np.int64) + 2


def _choose_sheet(
    book: Any, sheet: str | None, required: tuple[str, ...], path: Path
) -> tuple[str, bool]:
    """Return the sheet to read and whether it is only the first (none has the header).

    ``sheet`` when given; else the first sheet whose row 1 holds the ``required`` columns,
    else the first whose header is a few rows below row 1, else the first sheet.
    """
    names = [name for name in book.sheetnames if hasattr(book[name], "iter_rows")]
    if not names:  # only chart sheets
        raise InputError(
            f"{path.name}: the workbook has no worksheet (expected a sheet of rows)",
            heading=f"{path}: cannot be read",
        )
    if sheet is not None:
        if sheet not in names:
            raise InputError(
                f"{path.name}: no sheet named {sheet!r} (sheets: {', '.join(map(repr, names))})",
                heading=f"{path}: cannot be read",
            )
        return sheet, False
    if not required:
        return names[0], False
    below = None
    for name in names:
        book[name].reset_dimensions()  # the stored dimension can be wrong
        top = book[name].iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
        for number, values in enumerate(top, start=1):
            cells = {str(value).strip().lower() for value in values if value is not None}
            if set(required) <= cells:
                if number == 1:
                    return name, False
                below = below or name
                break
    return (below, False) if below else (names[0], True)


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
    import openpyxl

    wanted = {(row, column): (row, column, coordinate) for row, column, coordinate, _ in empty}
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
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


def _cell_text(value: object) -> str:
    """Render one spreadsheet cell as text: dates as YYYY-MM-DD, whole floats without .0."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
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
