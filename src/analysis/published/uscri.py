"""One grantee's own figures (S19, with S10): USCRI on the TVAP network it runs.

These count USCRI's survivors, not the program's clients: one grantee of several, "survivors"
(whether family members are included is not stated), periods loosely stated. They are shown in
their own table and never on one axis with S01's clients of the first two cohorts. USCRI's 2019
network figure ("over 900") and its TVAP-and-Project-TRUST figure (918) are different bases and
are not added.
"""

from __future__ import annotations

import pandas as pd

from analysis.published import context
from analysis.published.catalog import Catalog

FIGURE_FILES = ("published/uscri_network.csv",)
TRUST_COMBINED = "s10_tvap_trust_survivors_served"
SUBGRANTEES = "s10_uscri_subgrantees"


def figures(catalog: Catalog) -> pd.DataFrame:
    """Return USCRI's own figures (S19), then the S10 figures on other bases, each labelled."""
    own = context.file_table(catalog, FIGURE_FILES)
    other = context.figure_table(
        catalog,
        {
            "Survivors served by TVAP and Project TRUST together (not TVAP alone)": TRUST_COMBINED,
            "Sub-grantees through which USCRI administers TVAP": SUBGRANTEES,
        },
    )
    return pd.concat([own, other], ignore_index=True)
