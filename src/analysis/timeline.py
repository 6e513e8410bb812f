"""TVAP's grant history by fiscal year: awards, cohorts and their periods."""

from __future__ import annotations

import pandas as pd

from analysis.catalog import Catalog

AWARDS = "timeline_awards"


def awards(catalog: Catalog) -> pd.DataFrame:
    """Return the awards table (one row per award to one organization)."""
    return catalog.table(AWARDS)


def cohort_periods(catalog: Catalog) -> pd.DataFrame:
    """Return one row per TVAP cohort: first and last fiscal year, grantees, period status.

    Columns: ``cohort`` (int), ``first_fiscal_year``, ``last_fiscal_year``, ``grantees`` (sorted
    tuple of names), ``period_status`` (the least certain status among the cohort's rows).
    """
    table = awards(catalog)
    table = table[table["cohort"].notna()].copy()
    table["cohort"] = table["cohort"].astype(int)
    rows = []
    for cohort, group in table.groupby("cohort", sort=True):
        rows.append(
            {
                "cohort": int(cohort),
                "first_fiscal_year": int(group["first_fiscal_year"].min()),
                "last_fiscal_year": int(group["last_fiscal_year"].max()),
                "grantees": tuple(sorted(group["grantee"].dropna().unique())),
                "period_status": _least_certain(group["period_status"]),
            }
        )
    return pd.DataFrame(rows)


def cohort_of(fiscal_years: pd.Series, periods: pd.DataFrame) -> pd.Series:
    """Return the cohort whose period contains each fiscal year (``<NA>`` outside every cohort)."""
    out = pd.Series(pd.NA, index=fiscal_years.index, dtype="Int64")
    for _, period in periods.iterrows():
        inside = fiscal_years.between(period["first_fiscal_year"], period["last_fiscal_year"])
        out[inside.fillna(False).astype(bool)] = period["cohort"]
    return out


_CERTAINTY = ("published", "reported", "approximate", "derived", "inferred")


def _least_certain(statuses: pd.Series) -> str:
    return max(statuses, key=_CERTAINTY.index)
