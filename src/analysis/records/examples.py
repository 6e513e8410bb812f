"""Synthetic examples that notebook 05 explains the client-records pipeline on.

Each example is made, written and read in a private temporary directory that is removed
before the function returns, so a notebook calling them holds no file handling of its own:
:func:`synthetic_tables` runs the ``ppr`` pipeline on synthetic records and reads back the
folder it writes, :func:`export_example` returns a small synthetic export as typed and as read,
:func:`problems_in` the problems the validator finds in rows written as an entries file.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import pandas as pd

from analysis.errors import InputError
from analysis.published.catalog import Catalog
from analysis.records import disclosure, ppr, reading, synthetic
from analysis.records.ppr import readback

ENTRIES = "entries.csv"
CLOSURES = "closures.csv"


def synthetic_tables(
    catalog: Catalog | None = None,
    *,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
    suppress: bool = True,
    seed: int = 0,
    scale: float = 1.0,
) -> ppr.Output:
    """Return the ppr folder of synthetic records read back: tables, summary, release state.

    The records are ``synthetic.generate``'s (the default seed and scale give the records
    whose counts are fact sheet S01's); they are written as an export, run through
    ``ppr.run`` and ``ppr.write`` as the ``ppr`` command does, and the tables read back with
    ``readback.load`` as ``records-report`` hands them to the notebook.
    """
    made = synthetic.generate(catalog, seed=seed, scale=scale)
    with tempfile.TemporaryDirectory(prefix="tvap-records-") as workdir:
        files = synthetic.write(made, Path(workdir) / "export")
        inputs = ppr.Inputs(files[ENTRIES], files[CLOSURES])
        output = ppr.run(inputs, threshold=threshold, suppress=suppress)
        tables = Path(workdir) / "tables"
        ppr.write(tables, output.shown, output.summary, output.release.notices)
        return readback.load(tables)


def export_example(
    catalog: Catalog | None = None, *, seed: int = 5, scale: float = 0.02
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return a small synthetic export's entries as typed in the file (text) and as read."""
    made = synthetic.generate(catalog, seed=seed, scale=scale)
    with tempfile.TemporaryDirectory(prefix="tvap-example-") as workdir:
        path = synthetic.write(made, workdir)[ENTRIES]
        typed = pd.read_csv(path, dtype=str, keep_default_na=False)
        return typed, reading.read_entries(path)


def problems_in(rows: pd.DataFrame, name: str = f"broken/{ENTRIES}") -> str:
    """Return what the validator reports on ``rows`` written as the entries file ``name``.

    The file is written under a temporary directory and read by its relative ``name``, so
    the problems name it as a user would have typed it. Rows without a problem: "".
    """
    with (
        tempfile.TemporaryDirectory(prefix="tvap-broken-") as workdir,
        contextlib.chdir(workdir),
    ):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        rows.to_csv(name, index=False)
        try:
            reading.read_entries(name)
        except InputError as problem:
            return problem.render()
    return ""
