"""The synthetic entries and closures as an export holds them: contract columns, blanks, labels.

Every row carries ``data_origin = synthetic``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.published import fiscal
from analysis.records.reading import (
    CLOSURE_COLUMNS,
    CLOSURE_QUESTIONS,
    ENTRY_COLUMNS,
    FAMILY_COLUMNS,
    INTAKE_TYPES,
    SYNTHETIC_COLUMN,
    SYNTHETIC_VALUE,
)
from analysis.records.synthetic.mix import (
    ADULT_ELIGIBILITY,
    BLANK_AGE_SHARE,
    BLANK_REFERRAL_DATE_SHARE,
    BLANK_REGION_SHARE,
    BLANK_ZERO_FAMILY_SHARE,
    CLOSURE_ANSWERS,
    CLOSURE_REASONS,
    COUNTRIES,
    GENDERS,
    LIVING_SITUATIONS,
    MATCHED,
    MINOR_ELIGIBILITY,
    REFERRAL_SOURCES,
    TRAFFICKING,
    draw,
    pick,
)
from analysis.records.synthetic.people import PersonArrays

ORIGIN_COLUMN = SYNTHETIC_COLUMN  # every row: data_origin = synthetic
ORIGIN_VALUE = SYNTHETIC_VALUE
ALL_REGIONS = tuple(range(1, 11))


def entry_table(
    rng: np.random.Generator, entries: pd.DataFrame, people: PersonArrays, slots: pd.DataFrame
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
            "referral_source": pick(rng, REFERRAL_SOURCES, n),
            "matched_within_48h": pick(rng, MATCHED, n),
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
            minor_status[draw(rng, MINOR_ELIGIBILITY, n)],
            adult_status[draw(rng, ADULT_ELIGIBILITY, n)],
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
    people: PersonArrays, slots: pd.DataFrame, person: np.ndarray, intake: np.ndarray
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


def closure_table(
    rng: np.random.Generator, closures: pd.DataFrame, people: PersonArrays, slots: pd.DataFrame
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
            "closure_reason": pick(rng, CLOSURE_REASONS, n),
            "living_situation": pick(rng, LIVING_SITUATIONS, n),
        }
    )
    for question in CLOSURE_QUESTIONS:
        table[question] = pick(rng, CLOSURE_ANSWERS[question], n)
    table[ORIGIN_COLUMN] = pd.Categorical.from_codes(np.zeros(n, np.int8), [ORIGIN_VALUE])
    return table[[*CLOSURE_COLUMNS, ORIGIN_COLUMN]]


def _client_ids(numbers: np.ndarray) -> pd.Categorical:
    """Return client ids ``TV-00001`` ... for client numbers, as categories."""
    top = int(numbers.max(initial=1))
    width = max(5, len(str(top)))
    labels = np.char.add("TV-", np.char.zfill(np.arange(1, top + 1).astype(str), width))
    return pd.Categorical.from_codes(numbers - 1, categories=labels.astype(object))


def _grantees(slots: pd.DataFrame, codes: np.ndarray) -> pd.Categorical:
    """Return grantee names for grantee numbers (their order in ``slots``' index)."""
    names = slots.drop_duplicates("grantee_index").sort_values("grantee_index")["grantee"]
    return pd.Categorical.from_codes(codes, categories=list(names))


def _whole_numbers(values: np.ndarray, blank: np.ndarray) -> pd.arrays.IntegerArray:
    """Return whole numbers with the entries where ``blank`` is true missing."""
    return pd.arrays.IntegerArray(values.astype(np.int64), blank.copy())
