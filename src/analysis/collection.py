"""The burden of the TVAP data collection, OMB 0970-0467 (S18): responses and hours a year.

The 2025 request estimates fewer responses and hours than were previously approved; the
client-level fields behind it are the project's record contract (see ``analysis.records``).
"""

from __future__ import annotations

import pandas as pd

from analysis import context
from analysis.catalog import Catalog

FIGURE_FILES = ("published/data_collection.csv",)


def burden(catalog: Catalog) -> pd.DataFrame:
    """Return the estimated annual responses and burden hours of each request."""
    return context.file_table(catalog, FIGURE_FILES)
