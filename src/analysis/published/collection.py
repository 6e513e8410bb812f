"""The burden of the TVAP data collection, OMB 0970-0467 (S18): responses and hours a year.

The 2025 request estimates fewer responses and hours than were previously approved; the
client-level fields behind it are the project's record contract (see
``analysis.records.reading``).
"""

from __future__ import annotations

import pandas as pd

from analysis.published import context
from analysis.published.catalog import Catalog

FIGURE_FILES = ("published/data_collection.csv",)


PROGRAMS = {
    "Award programs the collection covers, October 2023": "s25_2023_programs",
    "Award programs the collection covers, FY2025 workbook": "s25_fy2025_programs",
    "Programs sharing the collection by FY2025 (S11)": "s11_programs_sharing_tvap_data",
}


def burden(catalog: Catalog) -> pd.DataFrame:
    """Return the estimated annual responses and burden hours of each request."""
    return context.file_table(catalog, FIGURE_FILES)


def programs(catalog: Catalog) -> pd.DataFrame:
    """Return how many award programs share the TVAP data collection, as S25 and S11 state it."""
    return context.figure_table(catalog, PROGRAMS)
