"""Breakdowns a fact sheet on the clients shows: who they are, and how fast they were served.

Each table counts persons by their latest entry (``prepared``, from ``indicators.prepare``,
keeps each entry's position in the entries), or entries by quarter, then a Total row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.records import reading
from analysis.records.counting.table_rows import TOTAL, UNKNOWN, categorical, with_total

OTHER_IDENTITY = "another identity"
OTHER_COUNTRIES = "all other countries"
OTHER_SOURCES = "all other sources"
MAX_SHOWN_GROUPS = 10
"""At most this many free-text groups (countries, referral sources) are listed by name."""
AGE_BANDS = ("under 18", "18-24", "25-34", "35-44", "45-54", "55 and over", UNKNOWN)
AGE_EDGES = (18, 25, 35, 45, 55)
# Age bands by table name, finest first: (the ages where a band starts, the bands' labels).
# ``ppr.grains`` publishes a merged set when the finer one would be mostly hidden.
AGE_BAND_SETS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "age_band": (AGE_EDGES, AGE_BANDS),
    "broad_age_band": ((18, 35, 55), ("under 18", "18-34", "35-54", "55 and over", UNKNOWN)),
    "minor_or_adult": ((18,), ("under 18", "18 and over", UNKNOWN)),
}
PERIODS_PER_YEAR = {"quarter": 4, "half": 2, None: 1}
"""The fiscal periods a table may count by: its period column, and how many make a year."""
DELAY_COLUMNS = ("median_days", "q1_days", "q3_days")


def folded_text(values: pd.Series) -> pd.Series:
    """Return free text trimmed, Unicode-normalized (NFC) and case-folded; blank as ``unknown``.

    Each distinct value is folded once (a column holds few distinct labels).
    """
    codes, uniques = pd.factorize(values.fillna("").astype(str))
    text = pd.Series(uniques, dtype=object).str.strip().str.normalize("NFC").str.casefold()
    folded = text.where(text != "", UNKNOWN).to_numpy(dtype=object)
    labels = np.append(folded, UNKNOWN)  # code -1 (missing) is blank
    return pd.Series(labels[codes], index=values.index, dtype=object)


def _latest_persons(prepared: pd.DataFrame, entries: pd.DataFrame, column: str) -> pd.Series:
    """Return ``column`` of each person's latest entry, in the order of the entries (the file's).

    ``prepared`` keeps the entries' positions.
    """
    latest = np.sort(prepared.loc[prepared["latest"], "row"].to_numpy())
    return entries[column].iloc[latest].reset_index(drop=True)


def _groups_table(column: str, labels: pd.Series, order: list[str]) -> pd.DataFrame:
    """Return ``column,victims`` for ``order`` (one person per label), then Total."""
    return _counts_table(column, labels.value_counts(), order)


def _counts_table(column: str, counts: pd.Series, order: list[str]) -> pd.DataFrame:
    """Return ``column,victims`` from persons per label, in ``order``, then Total."""
    shown = counts.groupby(level=0).sum().reindex(order, fill_value=0)
    table = pd.DataFrame({column: order, "victims": shown.to_numpy().astype("int64")})
    return with_total(table, [column], {"victims": int(counts.sum())})


def _label_counts(values: pd.Series) -> tuple[pd.Series, dict[str, str]]:
    """Return persons per folded label (``folded_text``) and the spelling each label is shown in.

    The spelling of a label is the one most of its persons' values have once trimmed and
    NFC-normalized (case and inner spaces as written); of equally common spellings, the one
    seen first in ``values``. Each distinct raw value is folded once.
    """
    codes, uniques = pd.factorize(values.fillna("").astype(str), use_na_sentinel=True)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    raw = pd.Series(uniques, dtype=object)
    labels = folded_text(raw)
    result = pd.Series(counts, index=pd.Index(labels, dtype=object)).groupby(level=0).sum()
    missing = int((codes < 0).sum())
    if missing:
        result.loc[UNKNOWN] = result.get(UNKNOWN, 0) + missing
    # factorize numbers the distinct values in order of first appearance: ties go to the first.
    spellings = raw.str.strip().str.normalize("NFC")
    return result.astype("int64"), _majority_spellings(labels, spellings, counts)


def _majority_spellings(
    labels: pd.Series, spellings: pd.Series, persons: np.ndarray
) -> dict[str, str]:
    """Return each label's most common spelling; of equally common ones, the first seen.

    The three are aligned, one item per distinct raw value in order of first appearance: its
    folded label, its spelling and its number of persons. A label that folds to the Total
    row's name keeps its folded form, so that it is never read as that row.
    """
    tally: dict[tuple[str, str], int] = {}  # keeps the order of first appearance
    pairs = zip(labels.tolist(), spellings.tolist(), strict=True)
    for key, n in zip(pairs, persons.tolist(), strict=True):
        tally[key] = tally.get(key, 0) + n
    chosen: dict[str, tuple[str, int]] = {}
    for (label, spelling), n in tally.items():  # in order of first appearance
        if label not in chosen or n > chosen[label][1]:
            chosen[label] = (spelling, n)
    folded_total = TOTAL.casefold()
    return {
        label: label if label == folded_total else spelling
        for label, (spelling, _) in chosen.items()
    }


def _merged_counts(counts: pd.Series, threshold: int, limit: int | None, other: str):
    """Return persons per label with every group below ``threshold`` (or beyond ``limit``) merged.

    ``unknown`` is kept as its own group; the merged groups are labelled ``other``. Groups are
    ranked by size, then by label, so the result does not depend on the order of the rows.
    Returns the merged counts and the named labels in order (largest first).
    """
    named = counts.drop(index=[UNKNOWN], errors="ignore")
    ranked = sorted(named.items(), key=lambda item: (-item[1], item[0]))
    kept = [label for label, n in ranked if n >= threshold and label != other]
    if limit is not None:
        kept = kept[:limit]
    merged = counts.rename(lambda label: label if label in kept or label == UNKNOWN else other)
    return merged.groupby(level=0).sum(), kept


def _free_text_table(
    labels: pd.Series, column: str, threshold: int, limit: int | None, other: str
) -> pd.DataFrame:
    """Return persons by a free-text label: named groups by size, then ``other``, ``unknown``."""
    return _free_text_counts_table(labels.value_counts(), column, threshold, limit, other)


def _free_text_counts_table(
    counts: pd.Series,
    column: str,
    threshold: int,
    limit: int | None,
    other: str,
    spellings: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Return the table of :func:`_free_text_table` from persons per folded label.

    A named group is shown in its spelling in ``spellings`` (folded label: spelling), if given;
    ``other`` and ``unknown`` as they are. Only named groups' spellings are ever looked up.
    """
    merged, kept = _merged_counts(counts, threshold, limit, other)
    table = _counts_table(column, merged, [*kept, other, UNKNOWN])
    if spellings is not None:
        named = table[column].isin(kept)
        table.loc[named, column] = table.loc[named, column].map(spellings)
    return table


def _free_text(
    prepared: pd.DataFrame,
    entries: pd.DataFrame,
    column: str,
    threshold: int,
    limit: int | None,
    other: str,
) -> pd.DataFrame:
    """Return persons by the folded free text ``column`` of their latest entry, merged.

    Each named group is labelled with the spelling most of its persons use (``_label_counts``).
    """
    counts, spellings = _label_counts(_latest_persons(prepared, entries, column))
    return _free_text_counts_table(counts, column, threshold, limit, other, spellings)


def victims_by_gender_identity(
    prepared: pd.DataFrame, entries: pd.DataFrame, threshold: int
) -> pd.DataFrame:
    """Return ``gender_identity,victims`` by the latest entry's gender identity, then Total.

    Identities are grouped by their free text trimmed, NFC-normalized and case-folded, and each
    group is shown in the spelling most of its persons use (ties: the first in the file);
    identities held by fewer than ``threshold`` persons are merged into ``another identity``
    (so a rare label is never shown); blank is ``unknown``.
    """
    return _free_text(prepared, entries, "gender_identity", threshold, None, OTHER_IDENTITY)


def victims_by_country_of_origin(
    prepared: pd.DataFrame, entries: pd.DataFrame, threshold: int
) -> pd.DataFrame:
    """Return ``country_of_origin,victims``: the largest countries, the rest, unknown, Total.

    At most ``MAX_SHOWN_GROUPS`` countries are named, each held by at least ``threshold``
    persons (latest entry, text folded as for gender identity); all others are merged into
    ``all other countries``.
    """
    return _free_text(
        prepared, entries, "country_of_origin", threshold, MAX_SHOWN_GROUPS, OTHER_COUNTRIES
    )


def victims_by_referral_source(
    prepared: pd.DataFrame, entries: pd.DataFrame, threshold: int
) -> pd.DataFrame:
    """Return ``referral_source,victims`` by the same rule as countries (``all other sources``)."""
    return _free_text(
        prepared, entries, "referral_source", threshold, MAX_SHOWN_GROUPS, OTHER_SOURCES
    )


def age_band(
    ages: pd.Series, edges: tuple[int, ...] = AGE_EDGES, bands: tuple[str, ...] = AGE_BANDS
) -> pd.Series:
    """Return the band of each age: ``bands[i]`` starts at ``edges[i - 1]``; missing: the last.

    By default ``under 18`` ... ``55 and over``, and ``unknown`` for a missing age.
    """
    values = pd.to_numeric(ages, errors="coerce").astype("float64").to_numpy()
    codes = np.searchsorted(np.asarray(edges, dtype="float64"), values, side="right")
    labels = np.asarray(bands, dtype=object)[np.where(np.isnan(values), len(bands) - 1, codes)]
    return pd.Series(labels, dtype=object)


def victims_by_age_band(
    prepared: pd.DataFrame, entries: pd.DataFrame, name: str = "age_band"
) -> pd.DataFrame:
    """Return ``NAME,victims`` by the age at intake on each person's latest entry, then Total.

    ``name`` is a set of bands of ``AGE_BAND_SETS`` (default the finest, ``age_band``); it
    names the label column too.
    """
    edges, labels = AGE_BAND_SETS[name]
    bands = age_band(_latest_persons(prepared, entries, "age_at_intake"), edges, labels)
    return _groups_table(name, bands, list(labels))


def fiscal_period(prepared: pd.DataFrame, period: str | None) -> np.ndarray:
    """Return each entry's ``period`` of its fiscal year from 0 (quarter, half; None: 0)."""
    quarters = prepared["quarter"].to_numpy().astype("int64") - 1
    return quarters // (4 // PERIODS_PER_YEAR[period])


def matched_within_48h(
    prepared: pd.DataFrame, entries: pd.DataFrame, period: str | None = "quarter"
) -> pd.DataFrame:
    """Return ``fiscal_year,quarter,yes,no,unknown,entries``: the form's 48-hour question.

    One row per fiscal quarter with entries (as ``clients_by_quarter``), counting entries by
    their answer to "matched to a service provider within 48 hours of referral?"; then Total.
    ``period`` ``half`` counts per half-year (column ``half``, 1 = Q1-Q2), None per fiscal
    year (no period column).
    """
    answers = entries["matched_within_48h"].iloc[prepared["row"].to_numpy()]
    codes = categorical(answers, reading.YES_NO_UNKNOWN).codes.astype("int64")
    codes = np.where(codes < 0, len(reading.YES_NO_UNKNOWN) - 1, codes)  # not a code: unknown
    years = prepared["fiscal_year"].to_numpy().astype("int64")
    per_year = PERIODS_PER_YEAR[period]
    parts = fiscal_period(prepared, period)
    first = int(years.min()) if len(years) else 0
    n_answers = len(reading.YES_NO_UNKNOWN)
    key = ((years - first) * per_year + parts) * n_answers + codes
    span = int(years.max()) - first + 1 if len(years) else 0  # fiscal years, first to last
    counts = np.bincount(key, minlength=span * per_year * n_answers).reshape(-1, n_answers)
    observed = np.flatnonzero(counts.sum(axis=1) > 0)
    table = pd.DataFrame(counts[observed], columns=list(reading.YES_NO_UNKNOWN))
    labels = ["fiscal_year"]
    if period is not None:
        table.insert(0, period, observed % per_year + 1)
        labels.append(period)
    table.insert(0, "fiscal_year", observed // per_year + first)
    table["entries"] = table[list(reading.YES_NO_UNKNOWN)].sum(axis=1)
    total = counts.sum(axis=0)
    row = {**dict(zip(reading.YES_NO_UNKNOWN, map(int, total), strict=True)), "entries": len(key)}
    return with_total(table, labels, row)


def days_referral_to_intake(
    prepared: pd.DataFrame, entries: pd.DataFrame, threshold: int
) -> pd.DataFrame:
    """Return ``fiscal_year,median_days,q1_days,q3_days`` of days from referral to intake.

    Over entries with a referral date, per fiscal year of intake and for all years (``Total``).
    A year is listed only when its entries with a referral date belong to at least
    ``threshold`` persons; the Total row is always present, its statistics blank when fewer
    persons have a referral date. Quartiles are linear-interpolated (``numpy.percentile``).
    """
    rows = prepared["row"].to_numpy()
    referral = pd.to_datetime(entries["referral_date"].iloc[rows]).to_numpy()
    intake = pd.to_datetime(prepared["intake_date"]).to_numpy()
    days = (intake - referral) / np.timedelta64(1, "D")
    known = ~np.isnan(days)
    frame = pd.DataFrame(
        {
            "fiscal_year": prepared["fiscal_year"].to_numpy()[known],
            "person": prepared["person"].to_numpy()[known],
            "days": days[known],
        }
    )
    out = []
    for year, group in frame.groupby("fiscal_year", sort=True):
        if group["person"].nunique() >= threshold:
            out.append({"fiscal_year": str(year), **_quartiles(group["days"])})
    enough = frame["person"].nunique() >= threshold
    blank = dict.fromkeys(DELAY_COLUMNS, "")
    out.append({"fiscal_year": TOTAL, **(_quartiles(frame["days"]) if enough else blank)})
    return pd.DataFrame(out, columns=["fiscal_year", *DELAY_COLUMNS]).astype(object)


def _quartiles(days: pd.Series) -> dict[str, str]:
    """Return the median and quartiles of ``days`` as text (whole days, or halves, quarters)."""
    q1, median, q3 = np.percentile(days.to_numpy(dtype="float64"), [25, 50, 75])
    return {"median_days": _days(median), "q1_days": _days(q1), "q3_days": _days(q3)}


def _days(value: float) -> str:
    """Return a number of days as text, without a trailing ``.0``."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
