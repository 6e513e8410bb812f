"""Where the project's files live: a checkout's ``data/`` and ``notebooks/``, or the package's.

In a checkout (the repository, or an editable install) the data directory is ``data/`` and the
notebooks are in ``notebooks/``. An installed package carries what the commands read at run
time as package data under ``analysis/resources/``: the data directory (cohort periods, the
catalogue's figures) and the client-records notebook. In the repository these are symbolic
links to ``data/`` and ``notebooks/``, so there is one source of truth. ``$ANALYSIS_DATA_DIR``
overrides the data directory.
"""

from __future__ import annotations

import os
from pathlib import Path

from analysis.errors import DataError

ENV_VAR = "ANALYSIS_DATA_DIR"
REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"
RESOURCES = Path(__file__).resolve().parent / "resources"
REINSTALL = (
    "the package is incomplete; reinstall it from a checkout of the project "
    "(pip install .), or set $ANALYSIS_DATA_DIR to a copy of the project's data/ directory"
)


def in_checkout() -> bool:
    """Tell whether this module runs from the project's repository (not an installed copy)."""
    return (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "data").is_dir()


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Return the data directory: ``override``, else ``$ANALYSIS_DATA_DIR``, else the default.

    The default is the checkout's ``data/``, else the installed package's copy; raises
    ``DataError`` saying what is missing when there is neither.
    """
    if override is not None:
        return Path(override).resolve()
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Path(from_env).resolve()
    if in_checkout():
        return REPO_ROOT / "data"
    packaged = RESOURCES / "data"
    if not packaged.is_dir():
        raise DataError(f"{packaged}: data directory not found; {REINSTALL}")
    return packaged


def notebook(name: str) -> Path:
    """Return the path of a notebook the commands execute (the checkout's, else the package's).

    Raises ``DataError`` naming the missing file when neither has it.
    """
    candidates = ([REPO_ROOT / "notebooks" / name] if in_checkout() else []) + [
        RESOURCES / "notebooks" / name
    ]
    for path in candidates:
        if path.is_file():
            return path
    raise DataError(f"{candidates[-1]}: notebook not found; {REINSTALL}")


def numbered_notebooks(directory: str | os.PathLike[str]) -> list[Path]:
    """Return the numbered notebooks ``NN-*.ipynb`` of ``directory``, in reading order."""
    return sorted(Path(directory).glob(NOTEBOOK_GLOB))
