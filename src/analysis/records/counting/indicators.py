"""Counting client records into the fact-sheet tables and performance-report indicators.

Counting rules (the client-record contract, ``TVAP_RECORDS.md``):
- Periods are federal fiscal years and fiscal quarters of ``intake_date``.
- ``entries``: entry rows in the period; ``victims``: distinct persons (grantee, client_id)
  with an entry in the period; ``family_members``: for each such person, the five family counts
  summed on that person's latest entry in the period, summed over persons;
  ``clients`` = ``victims`` + ``family_members``.
- The Total row counts distinct persons over the whole input by the same rules, so it is not
  the sum of the rows when a person has entries in several periods.
- A person's trafficking type, ACF region and eligibility status are those of their latest
  entry over the whole input.
- "Latest" is the latest ``intake_date``; two entries of one person on one day are an input
  error, so ties do not occur in valid input (if they did, the later row of the file wins).
- Closure outcomes count every case closure (one row of the closures file): a person whose
  case was reopened and closed again is counted at each closure, as the Case Closure form is
  completed at each closure. The number of closures is the sum of each question's answers.

Every table is a plain DataFrame: text label columns first, then int64 counts, then a last
row labelled ``Total``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.published import fiscal, timeline
from analysis.records import reading
from analysis.records.counting.breakdowns import (
    AGE_BAND_SETS,
    AGE_BANDS,
    AGE_EDGES,
    DELAY_COLUMNS,
    MAX_SHOWN_GROUPS,
    OTHER_COUNTRIES,
    OTHER_IDENTITY,
    OTHER_SOURCES,
    _free_text_table,
    age_band,
    days_referral_to_intake,
    fiscal_period,
    folded_text,
    matched_within_48h,
    victims_by_age_band,
    victims_by_country_of_origin,
    victims_by_gender_identity,
    victims_by_referral_source,
)
from analysis.records.counting.table_rows import TOTAL, UNKNOWN, categorical, with_total

# What callers name as ``indicators.X``: the counting here and the breakdowns beside it.
__all__ = [
    "ACF_REGIONS", "AGE_BAND_SETS", "AGE_BANDS", "AGE_EDGES", "CLIENT_COUNTS", "DELAY_COLUMNS",
    "MAX_SHOWN_GROUPS", "NO_COHORT", "OTHER_COUNTRIES", "OTHER_IDENTITY", "OTHER_SOURCES",
    "PERSON_COUNTS", "REGION_LABELS", "TOTAL", "UNKNOWN", "_free_text_table", "age_band",
    "clients_by_cohort", "clients_by_fiscal_year", "clients_by_grantee", "clients_by_half_year",
    "clients_by_quarter", "closure_outcomes", "days_referral_to_intake", "fiscal_period",
    "folded_text", "matched_within_48h",
    "prepare", "totals", "victims_by", "victims_by_acf_region", "victims_by_age_band",
    "victims_by_country_of_origin", "victims_by_eligibility_status",
    "victims_by_gender_identity", "victims_by_referral_source", "victims_by_trafficking_type",
]  # fmt: skip

NO_COHORT = "none"
CLIENT_COUNTS = ("entries", "victims", "family_members", "clients")
PERSON_COUNTS = ("victims", "family_members", "clients")
ACF_REGIONS = tuple(str(r) for r in range(1, 11))
REGION_LABELS = (*ACF_REGIONS, UNKNOWN)


def prepare(
    entries: pd.DataFrame,
    periods: pd.DataFrame | None = None,
    person_codes: np.ndarray | None = None,
) -> pd.DataFrame:
    """Return what counting needs from normalized entries, one row per entry, oldest first.

    Columns: row (the entry's position in ``entries``), person (an int code of (grantee,
    client_id), not dense), grantee (categorical, as first written, matched
    case-insensitively), intake_date, fiscal_year, quarter, cohort
    (categorical text; ``none`` outside every cohort or when ``periods`` is None), family (the
    five family counts summed), trafficking_type, eligibility_status, acf_region (categorical
    text ``1``-``10`` or ``unknown``). ``person_codes`` are the entries' codes when already
    computed (``reading.read_coded_entries``); else they are computed here.
    """
    dates = entries["intake_date"]
    order = np.argsort(dates.to_numpy("datetime64[us]"), kind="stable")  # oldest first
    years = fiscal.fiscal_year(dates).astype("int64")
    region = entries["acf_region"].astype("Int64")
    region_codes = region.fillna(len(ACF_REGIONS) + 1).astype("int64").to_numpy() - 1
    family = np.zeros(len(entries), dtype=np.int64)
    for column in reading.FAMILY_COLUMNS:
        family += entries[column].to_numpy(dtype=np.int64)
    person = _persons(entries) if person_codes is None else person_codes
    prepared = pd.DataFrame(
        {
            "row": order.astype("int64"),
            "person": np.asarray(person)[order],
            "grantee": _grantees(entries["grantee"])[order],
            "intake_date": dates.to_numpy()[order],
            "fiscal_year": years.to_numpy()[order],
            "quarter": fiscal.fiscal_quarter(dates).astype("int64").to_numpy()[order],
            "cohort": _cohorts(years, periods)[order],
            "family": family[order],
            "trafficking_type": categorical(entries["trafficking_type"], reading.TRAFFICKING_TYPES)[
                order
            ],
            "eligibility_status": categorical(
                entries["eligibility_status"], reading.ELIGIBILITY_STATUSES
            )[order],
            "acf_region": pd.Categorical.from_codes(region_codes[order], categories=REGION_LABELS),
        }
    )
    prepared["latest"] = ~prepared["person"].duplicated(keep="last").to_numpy()
    return prepared


def _persons(entries: pd.DataFrame) -> np.ndarray:
    """Return an int code per row for the person (not dense), as ``reading.person_key`` says.

    A person is (grantee, client_id), trimmed and case-insensitive (``reading.person_codes``).
    """
    return reading.person_codes(entries)[0]


def _grantees(grantee: pd.Series) -> pd.Categorical:
    """Return grantees matched case-insensitively, each shown as first written (trimmed)."""
    codes, uniques = pd.factorize(grantee)
    names = pd.Series(uniques, dtype=object).astype(str).str.strip()
    first = names.groupby(names.str.casefold(), sort=False).transform("first")
    categories = sorted(first.unique(), key=lambda name: (name.casefold(), name))
    positions = pd.Index(categories).get_indexer(first)
    return pd.Categorical.from_codes(positions[codes], categories=categories)


def _cohorts(years: pd.Series, periods: pd.DataFrame | None) -> pd.Categorical:
    """Return the cohort of each fiscal year as text, ``none`` outside every cohort."""
    codes, unique = pd.factorize(years, use_na_sentinel=False)
    unique = pd.Series(unique)
    if periods is None:
        found = pd.Series(pd.NA, index=unique.index, dtype="Int64")
        labels = []
    else:
        found = timeline.cohort_of(unique, periods)
        labels = [str(c) for c in sorted(periods["cohort"])]
    names = found.astype(str).where(found.notna(), NO_COHORT)
    categories = [*labels, NO_COHORT]
    positions = pd.Index(categories).get_indexer(pd.Index(names, dtype=object))
    return pd.Categorical.from_codes(positions[codes], categories=categories)


def _count(prepared: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Return entries, victims, family_members and clients per group of ``by`` (sorted).

    Only groups with entries are listed (a missing label is no group); a group's victims and
    family members are counted on each person's latest entry in it (rows are oldest first).
    """
    group = np.zeros(len(prepared), dtype=np.int64)
    valid = np.ones(len(prepared), dtype=bool)
    labels = [_labels(prepared[column]) for column in by]
    size = 1
    for codes, names in labels:
        valid &= codes >= 0
        group = group * len(names) + codes
        size *= len(names)
    group = group[valid]
    person = prepared["person"].to_numpy().astype(np.int64)[valid]
    latest = ~pd.Series(person * size + group).duplicated(keep="last").to_numpy()
    family = prepared["family"].to_numpy().astype(np.int64)[valid][latest]
    entries = np.bincount(group, minlength=size)
    victims = np.bincount(group[latest], minlength=size)
    family_members = np.zeros(size, dtype=np.int64)
    np.add.at(family_members, group[latest], family)
    observed = np.flatnonzero(entries > 0)
    columns, rest = {}, observed
    for column, (_, names) in reversed(list(zip(by, labels, strict=True))):
        columns[column] = names.take(rest % len(names))
        rest = rest // len(names)
    table = pd.DataFrame({column: columns[column] for column in by})
    table["entries"] = entries[observed].astype("int64")
    table["victims"] = victims[observed].astype("int64")
    table["family_members"] = family_members[observed]
    table["clients"] = table["victims"] + table["family_members"]
    return table


def _labels(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Return a code per row (-1 if missing) and the labels in order (categories, or sorted)."""
    if values.dtype == "category":
        return values.cat.codes.to_numpy().astype(np.int64), pd.CategoricalIndex(
            values.cat.categories, dtype=values.dtype
        )
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), pd.Index(uniques)


def totals(prepared: pd.DataFrame) -> dict[str, int]:
    """Return the Total row: entries, and distinct persons over the whole input."""
    latest = prepared[prepared["latest"]]
    victims, family = len(latest), int(latest["family"].sum())
    return {
        "entries": len(prepared),
        "victims": victims,
        "family_members": family,
        "clients": victims + family,
    }


def clients_by_fiscal_year(prepared: pd.DataFrame) -> pd.DataFrame:
    """Return ``fiscal_year,entries,victims,family_members,clients``, years ascending, Total."""
    return with_total(_count(prepared, ["fiscal_year"]), ["fiscal_year"], totals(prepared))


def clients_by_quarter(prepared: pd.DataFrame) -> pd.DataFrame:
    """Return ``fiscal_year,quarter,entries,…,clients`` for each quarter with entries, Total."""
    table = _count(prepared, ["fiscal_year", "quarter"])
    return with_total(table, ["fiscal_year", "quarter"], totals(prepared))


def clients_by_half_year(prepared: pd.DataFrame) -> pd.DataFrame:
    """Return ``fiscal_year,half,entries,…,clients`` per half of a fiscal year, then Total.

    Half 1 is quarters 1-2 (October to March), half 2 quarters 3-4; rows only for halves with
    entries, counted by the rules of ``clients_by_quarter``.
    """
    columns = prepared[["person", "family", "fiscal_year"]]
    halves = columns.assign(half=fiscal_period(prepared, "half") + 1)
    table = _count(halves, ["fiscal_year", "half"])
    return with_total(table, ["fiscal_year", "half"], totals(prepared))


def clients_by_grantee(prepared: pd.DataFrame) -> pd.DataFrame:
    """Return ``grantee,victims,family_members,clients`` over the whole input, then Total.

    Grantees are matched case-insensitively (as persons are) and shown as first written.
    """
    table = _count(prepared, ["grantee"]).drop(columns=["entries"])
    total = {k: v for k, v in totals(prepared).items() if k != "entries"}
    return with_total(table, ["grantee"], total)


def clients_by_cohort(prepared: pd.DataFrame) -> pd.DataFrame:
    """Return ``cohort,entries,victims,family_members,clients`` by the cohort of each entry.

    An entry's cohort is the timeline cohort whose fiscal years contain its intake; entries
    outside every cohort are in the row ``none``.
    """
    return with_total(_count(prepared, ["cohort"]), ["cohort"], totals(prepared))


def victims_by(prepared: pd.DataFrame, column: str, categories: tuple[str, ...]) -> pd.DataFrame:
    """Return ``column,victims``: persons by ``column`` of their latest entry, then Total."""
    latest = prepared[prepared["latest"]]
    counts = latest[column].value_counts().reindex(list(categories), fill_value=0)
    table = pd.DataFrame({column: list(categories), "victims": counts.to_numpy()})
    return with_total(table, [column], {"victims": len(latest)})


def victims_by_trafficking_type(prepared: pd.DataFrame) -> pd.DataFrame:
    """Return ``trafficking_type,victims``: sex, labor, both, unknown, then Total."""
    return victims_by(prepared, "trafficking_type", reading.TRAFFICKING_TYPES)


def victims_by_acf_region(prepared: pd.DataFrame) -> pd.DataFrame:
    """Return ``acf_region,victims``: ACF regions 1-10, unknown, then Total."""
    return victims_by(prepared, "acf_region", REGION_LABELS)


def victims_by_eligibility_status(prepared: pd.DataFrame) -> pd.DataFrame:
    """Return ``eligibility_status,victims`` for each status of the contract, then Total."""
    return victims_by(prepared, "eligibility_status", reading.ELIGIBILITY_STATUSES)


def closure_outcomes(closures: pd.DataFrame) -> pd.DataFrame:
    """Return ``question,yes,no,unknown,closures``: answers over every case closure."""
    rows = []
    for question in reading.CLOSURE_QUESTIONS:
        answers = closures[question].value_counts().reindex(list(reading.YES_NO_UNKNOWN))
        rows.append({"question": question, **answers.fillna(0).astype("int64").to_dict()})
    table = pd.DataFrame(rows, columns=["question", *reading.YES_NO_UNKNOWN])
    table["closures"] = table[list(reading.YES_NO_UNKNOWN)].sum(axis=1)
    return table.astype({c: "int64" for c in (*reading.YES_NO_UNKNOWN, "closures")})
