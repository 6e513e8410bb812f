"""The ``audit`` command: check an existing ``ppr`` output directory before publishing it.

Reads only the directory's files: ``summary.json`` (threshold, cohort periods, the closures
count) and the CSV tables it lists. Builds every relation the tables imply
(``relations_of``) and audits every hidden cell by linear programming (``disclosure.audit``),
as an intruder holding all the tables would. Exit status 0 when every hidden cell is protected
and no small count is shown; 1 otherwise, with each under-protected cell listed (file, row,
column, mark, interval); 2 when the directory is not a ``ppr`` output or a file in it cannot be
read as one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis.errors import InputError
from analysis.records import disclosure
from analysis.records.disclosure import audit
from analysis.records.ppr.protection import audit_summary
from analysis.records.ppr.tables import (
    PRODUCER,
    SUMMARY,
    TABLES,
    UNWRITTEN_COLUMNS,
    periods_from_record,
)

EXIT_PROTECTED, EXIT_EXPOSED = 0, 1


def load(directory: Path) -> tuple[dict, dict[str, pd.DataFrame]]:
    """Return the summary and the tables (as text) of a ppr output; InputError if it is not."""
    path = directory / SUMMARY
    if not directory.is_dir():
        raise InputError(f"{directory}: not a directory")
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        raise InputError(f"{directory}: no {SUMMARY}; not a ppr output directory") from None
    except ValueError as exc:
        raise InputError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(summary, dict) or summary.get("produced_by") != PRODUCER:
        raise InputError(f"{path}: not written by {PRODUCER}; not a ppr output directory")
    files = {file: name for name, (file, _) in TABLES.items()}
    tables = {}
    for file in summary.get("outputs", []):
        if file not in files:
            raise InputError(f"{path}: outputs lists {file!r}, which ppr does not write")
        try:
            table = pd.read_csv(directory / file, dtype=str, keep_default_na=False)
        except (OSError, ValueError) as exc:
            raise InputError(f"{directory / file}: cannot be read as a CSV table ({exc})") from None
        tables[files[file]] = table
    if "fiscal_year" not in tables:
        raise InputError(f"{directory}: no {TABLES['fiscal_year'][0]}; not a ppr output")
    return summary, tables


def _threshold(summary: dict, path: Path) -> int:
    try:
        return disclosure.check_threshold(summary.get("threshold"))
    except ValueError as exc:
        raise InputError(f"{path}: threshold: {exc}") from None


def _periods(summary: dict, path: Path) -> pd.DataFrame:
    if "cohort_periods" not in summary:
        raise InputError(
            f"{path}: no cohort_periods (written by an older ppr); run ppr again to audit it"
        )
    try:
        return periods_from_record(summary["cohort_periods"])
    except (TypeError, ValueError) as exc:
        raise InputError(f"{path}: cohort_periods: {exc}") from None


def _check_cells(directory: Path, tables: dict[str, pd.DataFrame], threshold: int) -> None:
    """Raise InputError for a count cell that is neither a count nor a mark."""
    marks = {disclosure.small_mark(threshold), disclosure.SUPPRESSED}
    for name, table in tables.items():
        file, layout = TABLES[name]
        for column in layout.count_columns:
            if column not in table.columns:
                if column in UNWRITTEN_COLUMNS.get(name, []):
                    continue
                raise InputError(f"{directory / file}: no column {column!r}")
            for row, value in enumerate(table[column].tolist()):
                if not (value.isdigit() or value in marks):
                    raise InputError(
                        f"{directory / file}: row {row + 2}, column {column}: {value!r} is "
                        f"neither a count nor a mark ({', '.join(sorted(marks))})"
                    )


def check(directory: Path, width: int | None = None) -> tuple[audit.Result, dict, dict]:
    """Return the audit of a ppr output directory, its summary and its disclosure record."""
    summary, tables = load(directory)
    path = directory / SUMMARY
    threshold = _threshold(summary, path)
    periods = _periods(summary, path)
    _check_cells(directory, tables, threshold)
    if width is None:
        recorded = summary.get("disclosure", {}).get("protection_width")
        width = recorded if isinstance(recorded, int) else None
    closures = summary.get("totals", {}).get("closures")
    try:
        record, result = audit_summary(tables, threshold, periods, width, closures)
    except ValueError as exc:  # a set of tables ppr never writes together
        raise InputError(f"{path}: outputs: {exc}; not a ppr output") from None
    return result, summary, record
