"""The problems found in one input file, listed with file, row, column and value."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError

MAX_LISTED = 50
"""At most this many problems are listed per column and rule; the rest are counted."""


class Problems:
    """Violations found in one file, listed up to ``MAX_LISTED`` per column and rule."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.lines: list[str] = []
        self.count = 0

    def add(self, text: str, row: int | str | None = None, column: str | None = None) -> None:
        """Record one problem at a spreadsheet row (or "rows …") and column(s)."""
        where = [self.file_name]
        if row is not None:
            where.append(f"row {row}" if isinstance(row, int) else row)
        if column is not None:
            where.append(f"{'columns' if ', ' in column else 'column'} {column}")
        self.lines.append(f"{', '.join(where)}: {text}")
        self.count += 1

    def add_more(
        self, rest: int, text: str, column: str | None = None, unit: str = "row(s)"
    ) -> None:
        """Count ``rest`` further problems of one kind in one line, without listing them."""
        if rest <= 0:
            return
        where = self.file_name if column is None else f"{self.file_name}, column {column}"
        self.lines.append(f"{where}: {rest} more {unit} {text} (not listed)")
        self.count += rest

    def add_rows(
        self,
        mask: np.ndarray,
        rows: np.ndarray,
        column: str,
        values: pd.Series,
        describe: str,
        summary: str,
    ) -> None:
        """Record one problem per row where ``mask`` holds, ``{value}`` in ``describe`` quoted.

        Only the first ``MAX_LISTED`` are listed; a last line counts the rest as ``summary``.
        """
        where = np.flatnonzero(mask)
        if not len(where):
            return
        listed = where[:MAX_LISTED]
        for position, value in zip(listed, values.iloc[listed], strict=True):
            self.add(describe.replace("{value}", quote(value)), int(rows[position]), column)
        self.add_more(len(where) - len(listed), summary, column)

    def raise_if_any(self, path: Path, kind: str) -> None:
        """Raise ``InputError`` listing every problem, if there is any."""
        if self.count:
            raise InputError(
                self.lines,
                heading=f"{path}: {self.count} problem(s) in the {kind} file",
            )


def quote(value: object, limit: int = 60) -> str:
    """Return a value as it appears in a message: trimmed, quoted, shortened when long."""
    text = str(value).strip()
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text)
