"""Assistance Listing 93.598 accomplishments and grant counts (S12).

The victim counts (FY2007-FY2009) are the program's own accomplishments text; the grant counts
cover every program under the listing, not TVAP alone, and FY2017-FY2018 are projections.
"""

from __future__ import annotations

import pandas as pd

from analysis.published import context
from analysis.published.catalog import Catalog

FIGURE_FILES = ("published/program_grants.csv",)


def listing(catalog: Catalog) -> pd.DataFrame:
    """Return every 93.598 figure with its period, basis (projection or count) and status."""
    return context.file_table(catalog, FIGURE_FILES)
