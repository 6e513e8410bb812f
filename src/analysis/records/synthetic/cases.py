"""The synthetic cases: each person's entries (new, then reopened), closures and family.

On each person's latest entry the family counts sum exactly to the target.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.records.reading import FAMILY_COLUMNS
from analysis.records.synthetic.mix import (
    ADULT_FAMILY,
    FAMILY_SIZE,
    MINOR_FAMILY,
    OPEN_SHARE,
    REOPENINGS,
)
from analysis.records.synthetic.people import PersonArrays


def cases(
    rng: np.random.Generator, people: PersonArrays, slots: pd.DataFrame, case_days: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return entries and closures per person, within the grantee's cohort periods.

    Each case lasts some weeks to months and is closed before the next one (reopened) begins,
    so intake dates of one person are strictly increasing. Reopenings that would fall after the
    grantee's last cohort year are dropped.
    """
    n = len(people.slot)
    reopenings = rng.choice(len(REOPENINGS), size=n, p=REOPENINGS)
    per_person = reopenings + 1
    person = np.repeat(np.arange(n), per_person)
    first = np.r_[0, np.cumsum(per_person)[:-1]]
    sequence = np.arange(len(person)) - first[person]
    length = 14 + rng.gamma(2.0, case_days / 4.0, len(person)).astype(np.int64)
    gap = 21 + rng.gamma(1.5, 150.0, len(person)).astype(np.int64)
    step = np.where(sequence == 0, 0, np.roll(length + gap, 1))
    total = np.cumsum(step)
    offset = total - total[first][person]
    slot = people.slot[person]
    start = slots["start"].to_numpy(dtype="datetime64[D]")
    days = (slots["end"].to_numpy(dtype="datetime64[D]") - start).astype(np.int64) + 1
    first_day = start[people.slot] + (rng.random(n) * days[people.slot]).astype(np.int64)
    intake = first_day[person] + offset.astype("timedelta64[D]")
    kept = intake <= slots["grantee_end"].to_numpy(dtype="datetime64[D]")[slot]
    person, sequence, intake, length = person[kept], sequence[kept], intake[kept], length[kept]
    last = np.r_[person[1:] != person[:-1], True]
    people.last_entry = np.flatnonzero(last)
    people.first_intake = intake[sequence == 0]
    entries = pd.DataFrame({"person": person, "sequence": sequence, "intake_date": intake})
    closed = ~last | (rng.random(len(person)) >= OPEN_SHARE)
    closures = pd.DataFrame({"person": person[closed], "closure_date": (intake + length)[closed]})
    return entries, closures


# --- family members: exactly the target on each person's latest entry ------------------------


def add_family(
    rng: np.random.Generator, entries: pd.DataFrame, people: PersonArrays, target: int
) -> None:
    """Add the five family counts; on the latest entries they sum to ``target`` exactly.

    Earlier entries carry a smaller or different family (members who joined later, a parent
    who no longer receives services), so only the latest-entry rule gives the target.
    """
    n = len(people.slot)
    sizes = rng.choice(len(FAMILY_SIZE), size=n, p=FAMILY_SIZE).astype(np.int64)
    latest = _compose(rng, _adjust_total(rng, sizes, target), people.minor)
    counts = np.zeros((len(entries), len(FAMILY_COLUMNS)), dtype=np.int64)
    counts[people.last_entry] = latest
    earlier = np.ones(len(entries), dtype=bool)
    earlier[people.last_entry] = False
    earlier = np.flatnonzero(earlier)
    if len(earlier):
        later = latest[entries["person"].to_numpy()[earlier]]
        counts[earlier] = rng.binomial(later, 0.7)
        extra_parent = rng.random(len(earlier)) < 0.05
        counts[earlier, FAMILY_COLUMNS.index("family_parents")] += extra_parent
    for i, column in enumerate(FAMILY_COLUMNS):
        entries[column] = counts[:, i]


def _adjust_total(rng: np.random.Generator, sizes: np.ndarray, target: int) -> np.ndarray:
    """Return ``sizes`` changed by whole family members, at random, so they sum to ``target``."""
    excess = int(sizes.sum()) - target
    if excess > 0:
        owners = np.repeat(np.arange(len(sizes)), sizes)
        removed = rng.choice(len(owners), size=excess, replace=False)
        sizes = sizes - np.bincount(owners[removed], minlength=len(sizes))
    elif excess < 0:
        with_family = np.flatnonzero(sizes > 0)
        pool = with_family if len(with_family) else np.arange(len(sizes))
        added = rng.choice(pool, size=-excess, replace=True)
        sizes = sizes + np.bincount(added, minlength=len(sizes))
    return sizes


def _compose(rng: np.random.Generator, sizes: np.ndarray, minor: np.ndarray) -> np.ndarray:
    """Split each person's family size into the five family columns (at most one spouse)."""
    width = len(FAMILY_COLUMNS)
    owner = np.repeat(np.arange(len(sizes)), sizes)
    u = rng.random(len(owner))
    category = np.where(minor[owner], _categories(MINOR_FAMILY, u), _categories(ADULT_FAMILY, u))
    counts = np.bincount(owner * width + category, minlength=len(sizes) * width)
    counts = counts.reshape(len(sizes), width)
    spouse = FAMILY_COLUMNS.index("family_spouse")
    children = FAMILY_COLUMNS.index("family_children_under_18")
    surplus = np.maximum(counts[:, spouse] - 1, 0)
    counts[:, spouse] -= surplus
    counts[:, children] += surplus
    return counts


def _categories(shares: dict[str, float], u: np.ndarray) -> np.ndarray:
    """Return the family column index drawn for each uniform number ``u``."""
    columns = np.array([FAMILY_COLUMNS.index(c) for c in shares])
    cumulative = np.cumsum(list(shares.values()))
    drawn = np.searchsorted(cumulative / cumulative[-1], u, side="right")
    return columns[np.minimum(drawn, len(columns) - 1)]
