"""A written ppr tables folder read back into the tables as ppr shows them, with their release.

``write`` (``ppr.output``) writes each table as CSV with a ``notice`` column where the outputs
carry notices, and leaves out the columns of ``UNWRITTEN_COLUMNS`` (the closures count of
closure outcomes, which ``summary.json`` holds). :func:`load` undoes both, keeps every cell as
text (a hidden cell stays its mark, ``<11`` or ``suppressed``), in the order ``TABLES``
declares them, and rebuilds the
:class:`~analysis.records.release.Release` from ``summary.json``, so what is drawn from the
folder is what would be drawn from the tables in memory.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.records.ppr.folder_audit import load as load_folder
from analysis.records.ppr.pipeline import Output
from analysis.records.ppr.tables import LEGEND_COLUMN, NOTICE_COLUMN, TABLES, UNWRITTEN_COLUMNS
from analysis.records.release import Release


def load(directory: str | Path) -> Output:
    """Return the tables, summary and release state of the ppr folder ``directory``.

    Raises ``InputError`` when ``directory`` is not a ppr output.
    """
    summary, tables = load_folder(Path(directory))
    shown = {name: _as_shown(name, tables[name], summary) for name in TABLES if name in tables}
    return Output(shown, summary, release_of(summary))


def release_of(summary: dict) -> Release:
    """Return the release state a ``summary.json`` records."""
    return Release(
        synthetic=bool(summary["synthetic"]),
        suppressed=bool(summary["suppressed"]),
        threshold=int(summary["threshold"]),
        protected=bool(summary["disclosure"]["audit"]["protected"]),
    )


def _as_shown(name: str, table: pd.DataFrame, summary: dict) -> pd.DataFrame:
    """Return a table read from its CSV file as ppr shows it: no notice, every column back."""
    table = table.drop(columns=[NOTICE_COLUMN], errors="ignore").astype(object)
    for column in UNWRITTEN_COLUMNS.get(name, []):
        # Only the closures count is left out; it is the same on every row, and summary.json
        # holds it as shown.
        value = str(summary["totals"][column])
        position = table.columns.get_loc(LEGEND_COLUMN) if LEGEND_COLUMN in table else None
        table.insert(len(table.columns) if position is None else position, column, value)
    return table
