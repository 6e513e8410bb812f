"""Synthetic TVAP client records: entries and closures that follow the client-record contract.

The records are invented. They exist so that the tools can be shown, tested and timed without
anyone's data. They are shaped by what OTIP has published, read from ``data/``:

- the persons belong to the four grantees of the first two cohorts, and each entry falls in a
  fiscal year of the cohort period of its grantee (``analysis.published.timeline.cohort_periods``);
- an entry's ACF region is one of its grantee's regions when the timeline knows them;
- at scale 1, counted by the contract's rules over the whole file, there are exactly as many
  victims (distinct persons) and family members (counted on each person's latest entry) as the
  fact sheet S01 reports for the first two cohorts (``s01_victims``, ``s01_family_members``).

At any scale the counts are exact to the rounded target: ``round(s01_victims * scale)`` victims
and ``round(s01_family_members * scale)`` family members. Nothing else about the records is
published; the mix of reopened cases, family compositions, ages, referral sources, countries and
closure answers is the project's own invention, and so are the vocabularies of the free-text
fields. Every row carries ``data_origin = synthetic``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from analysis import spreadsheet
from analysis.errors import InputError, os_problem
from analysis.published import catalog as catalog_module
from analysis.published import fiscal, timeline
from analysis.published.catalog import Catalog
from analysis.records.contract import (
    CLOSURE_COLUMNS,
    CLOSURE_QUESTIONS,
    ENTRY_COLUMNS,
    FAMILY_COLUMNS,
    INTAKE_TYPES,
    SYNTHETIC_COLUMN,
    SYNTHETIC_VALUE,
)

ORIGIN_COLUMN = SYNTHETIC_COLUMN  # every row: data_origin = synthetic
ORIGIN_VALUE = SYNTHETIC_VALUE
VICTIMS_FIGURE = "s01_victims"
FAMILY_FIGURE = "s01_family_members"
CASE_MONTHS_FIGURE = "s01_case_management_months"
FILES = ("entries.csv", "closures.csv", "README.txt")
MAX_SCALE = 1000.0
DAYS_PER_MONTH = 30.4375
ALL_REGIONS = tuple(range(1, 11))

# The project's invented mix (nothing below is published).
REOPENINGS = (0.78, 0.16, 0.045, 0.015)  # share of persons with 0, 1, 2, 3 reopened cases
FAMILY_SIZE = (0.74, 0.12, 0.07, 0.04, 0.02, 0.01)  # share of persons with 0..5 family members
OPEN_SHARE = 0.12  # share of persons whose latest case is still open
MINOR_SHARE = 0.12
GROWTH_PER_YEAR = 0.3  # persons entering per fiscal year grow linearly from the first year
ADULT_FAMILY = {
    "family_children_under_18": 0.50,
    "family_spouse": 0.22,
    "family_parents": 0.12,
    "family_siblings": 0.09,
    "family_children_18_plus": 0.07,
}
MINOR_FAMILY = {"family_parents": 0.50, "family_siblings": 0.45, "family_children_under_18": 0.05}
TRAFFICKING = {"labor": 0.55, "sex": 0.30, "both": 0.10, "unknown": 0.03, "": 0.02}
ADULT_ELIGIBILITY = {"certified": 0.62, "pre-certified": 0.31, "unknown": 0.03, "": 0.04}
MINOR_ELIGIBILITY = {"eligibility-letter": 0.55, "interim-assistance": 0.38, "": 0.07}
MATCHED = {"yes": 0.72, "no": 0.17, "unknown": 0.05, "": 0.06}
REFERRAL_SOURCES = {
    "Law enforcement": 0.24,
    "Non-profit service provider": 0.22,
    "Legal services": 0.14,
    "Hotline": 0.10,
    "Self-referral": 0.08,
    "Health care provider": 0.06,
    "Faith-based organization": 0.05,
    "Other": 0.03,
    "": 0.08,
}
GENDERS = {"Female": 0.58, "Male": 0.37, "Transgender woman": 0.01, "Non-binary": 0.01, "": 0.03}
COUNTRIES = {
    "Mexico": 0.22,
    "Philippines": 0.12,
    "Honduras": 0.08,
    "Guatemala": 0.08,
    "India": 0.06,
    "Thailand": 0.05,
    "El Salvador": 0.05,
    "China": 0.04,
    "Haiti": 0.03,
    "Nigeria": 0.03,
    "Indonesia": 0.03,
    "Jamaica": 0.02,
    "Peru": 0.02,
    "Ukraine": 0.02,
    "Other": 0.08,
    "": 0.07,
}
CLOSURE_REASONS = {
    "Services completed": 0.55,
    "Client declined further services": 0.12,
    "Lost contact": 0.12,
    "Moved out of service area": 0.08,
    "Transferred to another provider": 0.07,
    "": 0.06,
}
LIVING_SITUATIONS = {
    "Independent housing": 0.42,
    "With family or friends": 0.22,
    "Transitional housing": 0.14,
    "Shelter": 0.08,
    "Other": 0.05,
    "": 0.09,
}
CLOSURE_ANSWERS = {
    "obtained_cp_or_t_visa": {"yes": 0.46, "no": 0.36, "unknown": 0.10, "": 0.08},
    "obtained_certification_or_eligibility": {"yes": 0.71, "no": 0.17, "unknown": 0.06, "": 0.06},
    "referred_for_continued_case_management": {"yes": 0.38, "no": 0.50, "": 0.12},
}
BLANK_AGE_SHARE = 0.06
BLANK_REFERRAL_DATE_SHARE = 0.12
BLANK_REGION_SHARE = 0.05
BLANK_ZERO_FAMILY_SHARE = 0.35  # zero family counts left blank (blank = 0 in the contract)


@dataclass(frozen=True)
class SyntheticRecords:
    """Synthetic entries and closures (as exported: text columns) and what they were made for."""

    entries: pd.DataFrame
    closures: pd.DataFrame
    seed: int
    scale: float
    victims: int
    family_members: int

    @property
    def clients(self) -> int:
        """Victims plus family members, the Total the records are built to give."""
        return self.victims + self.family_members


def check_arguments(seed: object, scale: object) -> tuple[int, float]:
    """Return ``(seed, scale)`` as numbers, or raise ``InputError`` naming each bad argument."""
    problems = []
    try:
        seed_value = int(str(seed).strip())
        if seed_value < 0:
            raise ValueError
    except ValueError:
        problems.append(f"--seed: {seed!r} is not a whole number 0 or more")
        seed_value = 0
    try:
        scale_value = float(str(scale).strip())
        if not 0 < scale_value <= MAX_SCALE:
            raise ValueError
    except ValueError:
        problems.append(f"--scale: {scale!r} is not a number above 0 and at most {MAX_SCALE:g}")
        scale_value = 1.0
    if problems:
        raise InputError(problems, heading="synthesize: bad argument(s)")
    return seed_value, scale_value


def targets(catalog: Catalog, scale: float) -> tuple[int, int]:
    """Return the victims and family members the records are built to hold at ``scale``."""
    victims = round(catalog.value(VICTIMS_FIGURE) * scale)
    family = round(catalog.value(FAMILY_FIGURE) * scale)
    if victims < 1:
        raise InputError(f"--scale: {scale:g} leaves no victims; use a larger scale")
    return victims, family


def generate(
    catalog: Catalog | None = None, *, seed: int = 0, scale: float = 1.0
) -> SyntheticRecords:
    """Return synthetic entries and closures, the same for the same seed, scale and data."""
    seed, scale = check_arguments(seed, scale)
    catalog = catalog if catalog is not None else catalog_module.load()
    victims, family = targets(catalog, scale)
    rng = np.random.default_rng(seed)
    slots = _slots(catalog)
    case_days = catalog.value(CASE_MONTHS_FIGURE) * DAYS_PER_MONTH
    people = _people(rng, slots, victims)
    entries, closures = _cases(rng, people, slots, case_days)
    _family(rng, entries, people, family)
    return SyntheticRecords(
        entries=_entry_table(rng, entries, people, slots),
        closures=_closure_table(rng, closures, people, slots),
        seed=seed,
        scale=scale,
        victims=victims,
        family_members=family,
    )


# --- where persons come from: grantee x fiscal year of the published timeline --------------


def _slots(catalog: Catalog) -> pd.DataFrame:
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
    known = [v for v in values if isinstance(v, str) and v.strip()]
    return tuple(sorted({int(r) for v in known for r in v.split(";") if r.strip()}))


@dataclass
class _People:
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


def _people(rng: np.random.Generator, slots: pd.DataFrame, n: int) -> _People:
    """Return ``n`` persons spread over the slots by their shares."""
    counts = rng.multinomial(n, slots["weight"].to_numpy())
    slot = np.repeat(np.arange(len(slots)), counts)
    grantee = slots["grantee_index"].to_numpy()[slot]
    minor = rng.random(n) < MINOR_SHARE
    years = np.where(
        minor, rng.integers(9, 18, n), np.minimum(18 + rng.gamma(2.2, 7.0, n).astype(int), 80)
    )
    return _People(
        slot=slot,
        grantee=grantee,
        client_number=_client_numbers(rng, grantee),
        minor=minor,
        age_days=(years * 365.25 + rng.integers(0, 365, n)).astype(np.int64),
        gender=_draw(rng, GENDERS, n),
        country=_draw(rng, COUNTRIES, n),
        trafficking=_draw(rng, TRAFFICKING, n),
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


def _client_ids(numbers: np.ndarray) -> pd.Categorical:
    """Return client ids ``TV-00001`` ... for client numbers, as categories."""
    top = int(numbers.max(initial=1))
    width = max(5, len(str(top)))
    labels = np.char.add("TV-", np.char.zfill(np.arange(1, top + 1).astype(str), width))
    return pd.Categorical.from_codes(numbers - 1, categories=labels.astype(object))


# --- cases: entries (new, then reopened) and closures ---------------------------------------


def _cases(
    rng: np.random.Generator, people: _People, slots: pd.DataFrame, case_days: float
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


def _family(rng: np.random.Generator, entries: pd.DataFrame, people: _People, target: int) -> None:
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


# --- the exported tables ---------------------------------------------------------------------


def _entry_table(
    rng: np.random.Generator, entries: pd.DataFrame, people: _People, slots: pd.DataFrame
) -> pd.DataFrame:
    """Return the entries as an export holds them, sorted by grantee, intake date and client.

    Blanks (optional fields left empty) are missing values; written to CSV they are empty.
    """
    person = entries["person"].to_numpy()
    intake = entries["intake_date"].to_numpy(dtype="datetime64[D]")
    order = np.lexsort((people.client_number[person], intake, people.grantee[person]))
    entries = entries.iloc[order].reset_index(drop=True)
    person, intake = person[order], intake[order]
    n = len(entries)
    latest = np.zeros(len(order), dtype=bool)
    latest[people.last_entry] = True
    latest = latest[order]
    since_first = (intake - people.first_intake[person]).astype(np.int64)
    age = ((people.age_days[person] + since_first) // 365.25).astype(np.int64)
    referral = intake - (rng.geometric(0.08, n) - 1).astype("timedelta64[D]")
    referral[rng.random(n) < BLANK_REFERRAL_DATE_SHARE] = np.datetime64("NaT")
    trafficking = people.trafficking[person].copy()
    trafficking[~latest & (rng.random(n) < 0.2)] = list(TRAFFICKING).index("unknown")
    table = pd.DataFrame(
        {
            "grantee": _grantees(slots, people.grantee[person]),
            "client_id": _client_ids(people.client_number[person]),
            "intake_date": intake,
            "intake_type": pd.Categorical.from_codes(
                (entries["sequence"].to_numpy() > 0).astype(np.int8), categories=INTAKE_TYPES
            ),
            "referral_date": referral,
            "referral_source": _pick(rng, REFERRAL_SOURCES, n),
            "matched_within_48h": _pick(rng, MATCHED, n),
        }
    )
    for column in FAMILY_COLUMNS:
        counts = entries[column].to_numpy()
        blank = (counts == 0) & (rng.random(n) < BLANK_ZERO_FAMILY_SHARE)
        table[column] = _whole_numbers(counts, blank)
    statuses = list(dict.fromkeys([*MINOR_ELIGIBILITY, *ADULT_ELIGIBILITY]))
    minor_status = np.array([statuses.index(v) for v in MINOR_ELIGIBILITY])
    adult_status = np.array([statuses.index(v) for v in ADULT_ELIGIBILITY])
    table["eligibility_status"] = pd.Categorical.from_codes(
        np.where(
            age < 18,
            minor_status[_draw(rng, MINOR_ELIGIBILITY, n)],
            adult_status[_draw(rng, ADULT_ELIGIBILITY, n)],
        ),
        categories=statuses,
    )
    table["age_at_intake"] = _whole_numbers(age, rng.random(n) < BLANK_AGE_SHARE)
    table["gender_identity"] = pd.Categorical.from_codes(people.gender[person], list(GENDERS))
    table["trafficking_type"] = pd.Categorical.from_codes(trafficking, list(TRAFFICKING))
    table["country_of_origin"] = pd.Categorical.from_codes(people.country[person], list(COUNTRIES))
    blank = rng.random(n) < BLANK_REGION_SHARE
    table["acf_region"] = _whole_numbers(_entry_regions(people, slots, person, intake), blank)
    table[ORIGIN_COLUMN] = pd.Categorical.from_codes(np.zeros(n, np.int8), [ORIGIN_VALUE])
    return table[[*ENTRY_COLUMNS, ORIGIN_COLUMN]]


def _entry_regions(
    people: _People, slots: pd.DataFrame, person: np.ndarray, intake: np.ndarray
) -> np.ndarray:
    """Return each entry's ACF region: one of the grantee's regions in that year's award.

    Where the timeline does not know the award's regions, any of the ten regions. A person keeps
    the same position in the list, so their region changes only when their grantee's award does.
    """
    fiscal_years = fiscal.fiscal_year(pd.Series(intake)).to_numpy(dtype=np.int64)
    grantee = people.grantee[person]
    out = np.zeros(len(person), dtype=np.int64)
    for slot in slots.itertuples():
        here = (grantee == slot.grantee_index) & (fiscal_years == slot.fiscal_year)
        regions = np.array(slot.regions or ALL_REGIONS)
        out[here] = regions[(people.region_draw[person[here]] * len(regions)).astype(np.int64)]
    return out


def _closure_table(
    rng: np.random.Generator, closures: pd.DataFrame, people: _People, slots: pd.DataFrame
) -> pd.DataFrame:
    """Return the closures as an export holds them (one row per case closed), sorted."""
    person = closures["person"].to_numpy()
    closed = closures["closure_date"].to_numpy(dtype="datetime64[D]")
    order = np.lexsort((people.client_number[person], closed, people.grantee[person]))
    person, closed = person[order], closed[order]
    n = len(person)
    table = pd.DataFrame(
        {
            "grantee": _grantees(slots, people.grantee[person]),
            "client_id": _client_ids(people.client_number[person]),
            "closure_date": closed,
            "closure_reason": _pick(rng, CLOSURE_REASONS, n),
            "living_situation": _pick(rng, LIVING_SITUATIONS, n),
        }
    )
    for question in CLOSURE_QUESTIONS:
        table[question] = _pick(rng, CLOSURE_ANSWERS[question], n)
    table[ORIGIN_COLUMN] = pd.Categorical.from_codes(np.zeros(n, np.int8), [ORIGIN_VALUE])
    return table[[*CLOSURE_COLUMNS, ORIGIN_COLUMN]]


def _draw(rng: np.random.Generator, shares: dict[str, float], n: int) -> np.ndarray:
    """Return ``n`` codes into ``list(shares)``, drawn with the given shares."""
    weights = np.array(list(shares.values()))
    return rng.choice(len(weights), size=n, p=weights / weights.sum()).astype(np.int16)


def _pick(rng: np.random.Generator, shares: dict[str, float], n: int) -> pd.Categorical:
    """Return ``n`` values drawn with the given shares ("" is a blank)."""
    return pd.Categorical.from_codes(_draw(rng, shares, n), categories=list(shares))


def _grantees(slots: pd.DataFrame, codes: np.ndarray) -> pd.Categorical:
    """Return grantee names for grantee numbers (their order in ``slots``' index)."""
    names = slots.drop_duplicates("grantee_index").sort_values("grantee_index")["grantee"]
    return pd.Categorical.from_codes(codes, categories=list(names))


def _whole_numbers(values: np.ndarray, blank: np.ndarray) -> pd.arrays.IntegerArray:
    """Return whole numbers with the entries where ``blank`` is true missing."""
    return pd.arrays.IntegerArray(values.astype(np.int64), blank.copy())


# --- files -----------------------------------------------------------------------------------


def readme(records: SyntheticRecords) -> str:
    """Return the README.txt that travels with the files, saying they are synthetic."""
    entries, closures = len(records.entries), len(records.closures)
    return "\n".join(
        [
            "SYNTHETIC TVAP CLIENT RECORDS - NOT REAL DATA - NOT ABOUT ANY REAL PERSON",
            "",
            "entries.csv and closures.csv were generated by `python -m analysis synthesize`",
            f"(seed {records.seed}, scale {records.scale:g}). Every row carries the column",
            f"{ORIGIN_COLUMN} = {ORIGIN_VALUE}; keep it, so that every table and chart made from",
            "these files says they are synthetic.",
            "",
            f"entries.csv: {entries:,} program entries (new clients and reopened cases).",
            f"closures.csv: {closures:,} case closures.",
            "",
            "Counted by the contract's rules over the whole file (`ppr --no-suppress`, Total row):",
            f"  victims (distinct grantee + client_id): {records.victims:,}",
            f"  family members (on each person's latest entry): {records.family_members:,}",
            f"  clients: {records.clients:,}",
            f"These are round({VICTIMS_FIGURE} x scale) and round({FAMILY_FIGURE} x scale), the",
            "figures the fact sheet S01 publishes for TVAP's first two cohorts. The grantees,",
            "fiscal years and ACF regions follow the project's award timeline. Everything else",
            "(reopened cases, family compositions, ages, referral sources, countries, closure",
            "answers and their wording) is invented by the project and describes no one.",
            "",
        ]
    )


def write(records: SyntheticRecords, directory: str | Path) -> dict[str, Path]:
    """Write entries.csv, closures.csv and README.txt into ``directory``; never overwrite.

    Raise ``InputError`` if ``directory`` is a file or already holds one of those files.
    The files are written under temporary names and renamed, so a failure leaves none behind.
    """
    directory = Path(directory)
    check_directory(directory)
    paths = {name: directory / name for name in FILES}
    existing = [str(p) for p in paths.values() if p.exists()]
    if existing:
        raise InputError(
            [f"{p}: already exists" for p in existing],
            heading="synthesize never overwrites files; choose a new or empty --out directory",
        )
    created = [p for p in (directory, *directory.parents) if not p.exists()]
    directory.mkdir(parents=True, exist_ok=True)
    contents = {
        "entries.csv": lambda f: _csv(records.entries, f),
        "closures.csv": lambda f: _csv(records.closures, f),
        "README.txt": lambda f: f.write(readme(records)),
    }
    temporary = {name: directory / f".{name}.partial" for name in FILES}
    try:
        for name, writer in contents.items():
            with open(temporary[name], "w", encoding="utf-8", newline="") as handle:
                writer(handle)
        for name in FILES:
            temporary[name].replace(paths[name])
    except BaseException:
        for path in temporary.values():
            path.unlink(missing_ok=True)
        for path in created:  # innermost first: only directories this call made
            with contextlib.suppress(OSError):
                path.rmdir()
        raise
    return paths


def check_directory(directory: Path) -> None:
    """Raise ``InputError`` unless ``directory`` is, or can be created as, a writable directory.

    Checked before any record is generated: a directory is created (and removed) there.
    """
    try:
        if directory.exists() and not directory.is_dir():
            raise InputError(f"--out {directory}: is a file, not a directory")
        existing = next((p for p in (directory, *directory.parents) if p.exists()), Path("/"))
        if not existing.is_dir():
            raise InputError(f"--out {directory}: {existing} is a file, not a directory")
        probe = tempfile.mkdtemp(prefix=".synthesize-", suffix=".probe", dir=existing)
        os.rmdir(probe)
    except OSError as error:
        raise InputError(
            f"--out {directory}: cannot be written ({os_problem(error)}; expected a writable "
            "directory on a real file system, not e.g. /proc or /sys)"
        ) from None


def _csv(frame: pd.DataFrame, handle: TextIO) -> None:
    """Write ``frame`` as CSV: ISO dates, blanks for missing values, Unix line ends."""
    columns = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            column = _iso_dates(column.to_numpy(dtype="datetime64[D]"))
        if isinstance(column.dtype, pd.CategoricalDtype) or isinstance(column, pd.Categorical):
            column = _text(pd.Categorical(column))
        columns[name] = column
    pd.DataFrame(columns).to_csv(handle, index=False, lineterminator="\n")


def _text(values: pd.Categorical) -> pd.Series:
    """Return categories as plain Python text (missing as ""), quick for the CSV writer.

    Each category is made safe to open in a spreadsheet (``analysis.spreadsheet``).
    """
    categories = [spreadsheet.safe_cell(value) for value in values.categories]
    labels = np.append(np.array(categories, dtype=object), "")
    return pd.Series(labels[values.codes], dtype=object)


def _iso_dates(dates: np.ndarray) -> pd.Categorical:
    """Return dates as ISO 8601 text (YYYY-MM-DD; missing stays missing), as categories."""
    known = ~np.isnat(dates)
    if not known.any():
        return pd.Categorical.from_codes(np.full(len(dates), -1), categories=[])
    first, last = dates[known].min(), dates[known].max()
    days = np.arange(first, last + 1)
    codes = np.where(known, (dates - first).astype(np.int64), -1)
    labels = np.datetime_as_string(days, unit="D").astype(object)
    return pd.Categorical.from_codes(codes, categories=labels)
