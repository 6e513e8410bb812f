"""Shared fixtures: a private copy of the data directory, and the command line run in-process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.paths import REPO_ROOT
from analysis.published import catalog as catalog_module

DATA = REPO_ROOT / "data"


@pytest.fixture(scope="session")
def catalog() -> catalog_module.Catalog:
    """The repository's data, loaded once."""
    return catalog_module.load(DATA)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of data/ that a test may edit freely."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def set_figure(data_dir: Path, figure_id: str, value: str) -> None:
    """Replace one figure's value in whichever published CSV holds it."""
    import pandas as pd

    for path in sorted((data_dir / "published").glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if figure_id in set(frame["figure_id"]):
            frame.loc[frame["figure_id"] == figure_id, "value"] = value
            frame.to_csv(path, index=False)
            return
    raise KeyError(figure_id)
