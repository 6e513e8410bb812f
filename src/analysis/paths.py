"""Where the project's data lives: the repository's ``data/`` or ``$ANALYSIS_DATA_DIR``."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "ANALYSIS_DATA_DIR"
REPO_ROOT = Path(__file__).resolve().parents[2]


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Return the data directory: ``override``, else ``$ANALYSIS_DATA_DIR``, else ``data/``."""
    if override is not None:
        return Path(override).resolve()
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Path(from_env).resolve()
    return REPO_ROOT / "data"
