"""Who the synthetic persons are: grantee, fiscal year, age, gender, country and the like.

Persons come from the grantees and fiscal years of the published timeline's cohort periods.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.published import fiscal, timeline
from analysis.published.catalog import Catalog
from analysis.records.synthetic.mix import (
    COUNTRIES,
    GENDERS,
    GROWTH_PER_YEAR,
    MINOR_SHARE,
    TRAFFICKING,
    draw,
)


def slots(catalog: Catalog) -> pd.DataFrame:
    """Return one row per (grantee, fiscal year) a cohort covers, with its share of persons."""
    periods = timeline.cohort_periods(catalog)
    awards = timeline.awards(catalog)
    awards = awards[awards["cohort"].notna()].copy()
    awards["cohort"] = awards["cohort"].astype(int)
    rows = []
    for _, period in periods.iterrows():
        first, last = int(period["first_fiscal_year"]), int(period["last_fiscal_year"])
        for grantee in period["grantees"]:
            award = awards[(awards["cohort"] == period["cohort"]) & (awards["grantee"] == grantee)]
            regions = _regions(award["acf_regions"])
            for fy in range(first, last + 1):
                rows.append(
                    {
                        "grantee": grantee,
                        "cohort": int(period["cohort"]),
                        "fiscal_year": fy,
                        "regions": regions,
                        "weight": 1.0 + len(regions),
                    }
                )
    slots = pd.DataFrame(rows).sort_values(["fiscal_year", "grantee"], ignore_index=True)
    first_year = slots["fiscal_year"].min()
    growth = 1.0 + GROWTH_PER_YEAR * (slots["fiscal_year"] - first_year)
    slots["weight"] = (
        growth * slots["weight"] / slots.groupby("fiscal_year")["weight"].transform("sum")
    )
    slots["weight"] /= slots["weight"].sum()
    grantees = sorted(slots["grantee"].unique())
    slots["grantee_index"] = slots["grantee"].map({g: i for i, g in enumerate(grantees)})
    bounds = [fiscal.fiscal_year_bounds(int(fy)) for fy in slots["fiscal_year"]]
    slots["start"] = np.array([b[0] for b in bounds], dtype="datetime64[D]")
    slots["end"] = np.array([b[1] for b in bounds], dtype="datetime64[D]")
    slots["grantee_end"] = slots.groupby("grantee")["end"].transform("max")
    return slots


def _regions(values: pd.Series) -> tuple[int, ...]:
    """Return the ACF regions the awards list (``"4;6"`` is 4 and 6), sorted, once each."""
    known = [v for v in values if isinstance(v, str) and v.strip()]
    return tuple(sorted({int(r) for v in known for r in v.split(";") if r.strip()}))


@dataclass
class PersonArrays:
    """Per-person arrays (index = person number); text attributes as codes into their lists."""

    slot: np.ndarray
    grantee: np.ndarray
    client_number: np.ndarray  # numbered within each grantee, so the same id recurs elsewhere
    minor: np.ndarray
    age_days: np.ndarray  # age in days at first intake
    gender: np.ndarray
    country: np.ndarray
    trafficking: np.ndarray
    region_draw: np.ndarray  # uniform in [0, 1): picks the person's region from a grantee's list
    last_entry: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    first_intake: np.ndarray = field(default_factory=lambda: np.empty(0, dtype="datetime64[D]"))


def people(rng: np.random.Generator, slots: pd.DataFrame, n: int) -> PersonArrays:
    """Return ``n`` persons spread over the slots by their shares."""
    counts = rng.multinomial(n, slots["weight"].to_numpy())
    slot = np.repeat(np.arange(len(slots)), counts)
    grantee = slots["grantee_index"].to_numpy()[slot]
    minor = rng.random(n) < MINOR_SHARE
    years = np.where(
        minor, rng.integers(9, 18, n), np.minimum(18 + rng.gamma(2.2, 7.0, n).astype(int), 80)
    )
    return PersonArrays(
        slot=slot,
        grantee=grantee,
        client_number=_client_numbers(rng, grantee),
        minor=minor,
        age_days=(years * 365.25 + rng.integers(0, 365, n)).astype(np.int64),
        gender=draw(rng, GENDERS, n),
        country=draw(rng, COUNTRIES, n),
        trafficking=draw(rng, TRAFFICKING, n),
        region_draw=rng.random(n),
    )


def _client_numbers(rng: np.random.Generator, grantee: np.ndarray) -> np.ndarray:
    """Return numbers 1, 2, ... within each grantee, in random order."""
    n = len(grantee)
    order = np.lexsort((rng.random(n), grantee))
    starts = np.searchsorted(grantee[order], grantee[order], side="left")
    number = np.empty(n, dtype=np.int64)
    number[order] = np.arange(n) - starts + 1
    return number
