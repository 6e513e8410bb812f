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
from analysis.records import records

TOTAL = "Total"
NO_COHORT = "none"
UNKNOWN = "unknown"
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
    computed (``records.read_coded_entries``); else they are computed here.
    """
    dates = entries["intake_date"]
    order = np.argsort(dates.to_numpy("datetime64[us]"), kind="stable")  # oldest first
    years = fiscal.fiscal_year(dates).astype("int64")
    region = entries["acf_region"].astype("Int64")
    region_codes = region.fillna(len(ACF_REGIONS) + 1).astype("int64").to_numpy() - 1
    family = np.zeros(len(entries), dtype=np.int64)
    for column in records.FAMILY_COLUMNS:
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
            "trafficking_type": _categorical(
                entries["trafficking_type"], records.TRAFFICKING_TYPES
            )[order],
            "eligibility_status": _categorical(
                entries["eligibility_status"], records.ELIGIBILITY_STATUSES
            )[order],
            "acf_region": pd.Categorical.from_codes(region_codes[order], categories=REGION_LABELS),
        }
    )
    prepared["latest"] = ~prepared["person"].duplicated(keep="last").to_numpy()
    return prepared


def _persons(entries: pd.DataFrame) -> np.ndarray:
    """Return an int code per row for the person (not dense), as ``records.person_key`` says.

    A person is (grantee, client_id), trimmed and case-insensitive (``records.person_codes``).
    """
    return records.person_codes(entries)[0]


def _categorical(values: pd.Series, categories: tuple[str, ...]) -> pd.Categorical:
    """Return ``values`` as a categorical of ``categories`` (other values become missing)."""
    codes, uniques = pd.factorize(values)
    positions = pd.Index(categories).get_indexer(pd.Index(uniques, dtype=object))
    return pd.Categorical.from_codes(positions[codes], categories=categories)


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


def _latest(prepared: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Return each person's latest entry within each group of ``by`` (rows are oldest first)."""
    prepared = prepared[["person", *by, "family"]]
    key = prepared["person"].to_numpy().astype("int64")
    for column in by:
        values = prepared[column]
        codes = values.cat.codes.to_numpy() if values.dtype == "category" else values.to_numpy()
        codes = codes.astype("int64") - codes.min()
        key = key * (int(codes.max()) + 1) + codes
    return prepared[~pd.Series(key).duplicated(keep="last").to_numpy()]


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


def _with_total(table: pd.DataFrame, labels: list[str], total: dict[str, int]) -> pd.DataFrame:
    """Return ``table`` with its labels as text and a Total row appended."""
    table = table.copy()
    for label in labels:
        table[label] = table[label].astype(str).astype(object)
    row = {label: "" for label in labels} | {labels[0]: TOTAL} | total
    counts = [c for c in table.columns if c not in labels]
    out = pd.concat([table, pd.DataFrame([{c: row[c] for c in table.columns}])], ignore_index=True)
    return out.astype({c: "int64" for c in counts})


def clients_by_fiscal_year(prepared: pd.DataFrame) -> pd.DataFrame:
    """Return ``fiscal_year,entries,victims,family_members,clients``, years ascending, Total."""
    return _with_total(_count(prepared, ["fiscal_year"]), ["fiscal_year"], totals(prepared))


def clients_by_quarter(prepared: pd.DataFrame) -> pd.DataFrame:
    """Return ``fiscal_year,quarter,entries,…,clients`` for each quarter with entries, Total."""
    table = _count(prepared, ["fiscal_year", "quarter"])
    return _with_total(table, ["fiscal_year", "quarter"], totals(prepared))


def clients_by_grantee(prepared: pd.DataFrame) -> pd.DataFrame:
    """Return ``grantee,victims,family_members,clients`` over the whole input, then Total.

    Grantees are matched case-insensitively (as persons are) and shown as first written.
    """
    table = _count(prepared, ["grantee"]).drop(columns=["entries"])
    total = {k: v for k, v in totals(prepared).items() if k != "entries"}
    return _with_total(table, ["grantee"], total)


def clients_by_cohort(prepared: pd.DataFrame) -> pd.DataFrame:
    """Return ``cohort,entries,victims,family_members,clients`` by the cohort of each entry.

    An entry's cohort is the timeline cohort whose fiscal years contain its intake; entries
    outside every cohort are in the row ``none``.
    """
    return _with_total(_count(prepared, ["cohort"]), ["cohort"], totals(prepared))


def victims_by(prepared: pd.DataFrame, column: str, categories: tuple[str, ...]) -> pd.DataFrame:
    """Return ``column,victims``: persons by ``column`` of their latest entry, then Total."""
    latest = prepared[prepared["latest"]]
    counts = latest[column].value_counts().reindex(list(categories), fill_value=0)
    table = pd.DataFrame({column: list(categories), "victims": counts.to_numpy()})
    return _with_total(table, [column], {"victims": len(latest)})


def victims_by_trafficking_type(prepared: pd.DataFrame) -> pd.DataFrame:
    """Return ``trafficking_type,victims``: sex, labor, both, unknown, then Total."""
    return victims_by(prepared, "trafficking_type", records.TRAFFICKING_TYPES)


def victims_by_acf_region(prepared: pd.DataFrame) -> pd.DataFrame:
    """Return ``acf_region,victims``: ACF regions 1-10, unknown, then Total."""
    return victims_by(prepared, "acf_region", REGION_LABELS)


def victims_by_eligibility_status(prepared: pd.DataFrame) -> pd.DataFrame:
    """Return ``eligibility_status,victims`` for each status of the contract, then Total."""
    return victims_by(prepared, "eligibility_status", records.ELIGIBILITY_STATUSES)


def closure_outcomes(closures: pd.DataFrame) -> pd.DataFrame:
    """Return ``question,yes,no,unknown,closures``: answers over every case closure."""
    rows = []
    for question in records.CLOSURE_QUESTIONS:
        answers = closures[question].value_counts().reindex(list(records.YES_NO_UNKNOWN))
        rows.append({"question": question, **answers.fillna(0).astype("int64").to_dict()})
    table = pd.DataFrame(rows, columns=["question", *records.YES_NO_UNKNOWN])
    table["closures"] = table[list(records.YES_NO_UNKNOWN)].sum(axis=1)
    return table.astype({c: "int64" for c in (*records.YES_NO_UNKNOWN, "closures")})


# ---------------------------------------------------------------------------------------------
# Breakdowns a fact sheet on the clients shows: who they are, and how fast they were served
# ---------------------------------------------------------------------------------------------

OTHER_IDENTITY = "another identity"
OTHER_COUNTRIES = "all other countries"
OTHER_SOURCES = "all other sources"
MAX_SHOWN_GROUPS = 10
"""At most this many free-text groups (countries, referral sources) are listed by name."""
AGE_BANDS = ("under 18", "18-24", "25-34", "35-44", "45-54", "55 and over", UNKNOWN)
AGE_EDGES = (18, 25, 35, 45, 55)
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
    """Return ``column`` of each person's latest entry (``prepared`` keeps the entries' index)."""
    latest = prepared.loc[prepared["latest"], "row"]
    return entries[column].iloc[latest.to_numpy()].reset_index(drop=True)


def _groups_table(column: str, labels: pd.Series, order: list[str]) -> pd.DataFrame:
    """Return ``column,victims`` for ``order`` (one person per label), then Total."""
    return _counts_table(column, labels.value_counts(), order)


def _counts_table(column: str, counts: pd.Series, order: list[str]) -> pd.DataFrame:
    """Return ``column,victims`` from persons per label, in ``order``, then Total."""
    shown = counts.groupby(level=0).sum().reindex(order, fill_value=0)
    table = pd.DataFrame({column: order, "victims": shown.to_numpy().astype("int64")})
    return _with_total(table, [column], {"victims": int(counts.sum())})


def _label_counts(values: pd.Series) -> pd.Series:
    """Return persons per folded label (``folded_text``), each distinct raw value folded once."""
    codes, uniques = pd.factorize(values.fillna("").astype(str), use_na_sentinel=True)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    labels = folded_text(pd.Series(uniques, dtype=object))
    result = pd.Series(counts, index=pd.Index(labels, dtype=object)).groupby(level=0).sum()
    missing = int((codes < 0).sum())
    if missing:
        result.loc[UNKNOWN] = result.get(UNKNOWN, 0) + missing
    return result.astype("int64")


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
    counts: pd.Series, column: str, threshold: int, limit: int | None, other: str
) -> pd.DataFrame:
    """Return the table of :func:`_free_text_table` from persons per folded label."""
    merged, kept = _merged_counts(counts, threshold, limit, other)
    return _counts_table(column, merged, [*kept, other, UNKNOWN])


def _free_text(
    prepared: pd.DataFrame,
    entries: pd.DataFrame,
    column: str,
    threshold: int,
    limit: int | None,
    other: str,
) -> pd.DataFrame:
    """Return persons by the folded free text ``column`` of their latest entry, merged."""
    counts = _label_counts(_latest_persons(prepared, entries, column))
    return _free_text_counts_table(counts, column, threshold, limit, other)


def victims_by_gender_identity(
    prepared: pd.DataFrame, entries: pd.DataFrame, threshold: int
) -> pd.DataFrame:
    """Return ``gender_identity,victims`` by the latest entry's gender identity, then Total.

    The free text is trimmed, NFC-normalized and case-folded; identities held by fewer than
    ``threshold`` persons are merged into ``another identity`` (so a rare label is never
    shown); blank is ``unknown``.
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


def age_band(ages: pd.Series) -> pd.Series:
    """Return the age band of each age (``under 18`` ... ``55 and over``; missing: ``unknown``)."""
    values = pd.to_numeric(ages, errors="coerce").astype("float64").to_numpy()
    codes = np.searchsorted(np.asarray(AGE_EDGES, dtype="float64"), values, side="right")
    labels = np.asarray(AGE_BANDS, dtype=object)[
        np.where(np.isnan(values), len(AGE_BANDS) - 1, codes)
    ]
    return pd.Series(labels, dtype=object)


def victims_by_age_band(prepared: pd.DataFrame, entries: pd.DataFrame) -> pd.DataFrame:
    """Return ``age_band,victims`` by the age at intake on each person's latest entry, Total."""
    bands = age_band(_latest_persons(prepared, entries, "age_at_intake"))
    return _groups_table("age_band", bands, list(AGE_BANDS))


def matched_within_48h(prepared: pd.DataFrame, entries: pd.DataFrame) -> pd.DataFrame:
    """Return ``fiscal_year,quarter,yes,no,unknown,entries``: the form's 48-hour question.

    One row per fiscal quarter with entries (as ``clients_by_quarter``), counting entries by
    their answer to "matched to a service provider within 48 hours of referral?"; then Total.
    """
    answers = entries["matched_within_48h"].iloc[prepared["row"].to_numpy()]
    codes = _categorical(answers, records.YES_NO_UNKNOWN).codes.astype("int64")
    codes = np.where(codes < 0, len(records.YES_NO_UNKNOWN) - 1, codes)  # not a code: unknown
    years = prepared["fiscal_year"].to_numpy().astype("int64")
    quarters = prepared["quarter"].to_numpy().astype("int64") - 1
    first = int(years.min()) if len(years) else 0
    n_answers = len(records.YES_NO_UNKNOWN)
    key = ((years - first) * 4 + quarters) * n_answers + codes
    span = int(years.max()) - first + 1 if len(years) else 0  # fiscal years, first to last
    counts = np.bincount(key, minlength=span * 4 * n_answers).reshape(-1, n_answers)
    observed = np.flatnonzero(counts.sum(axis=1) > 0)
    table = pd.DataFrame(counts[observed], columns=list(records.YES_NO_UNKNOWN))
    table.insert(0, "quarter", observed % 4 + 1)
    table.insert(0, "fiscal_year", observed // 4 + first)
    table["entries"] = table[list(records.YES_NO_UNKNOWN)].sum(axis=1)
    total = counts.sum(axis=0)
    row = {**dict(zip(records.YES_NO_UNKNOWN, map(int, total), strict=True)), "entries": len(key)}
    return _with_total(table, ["fiscal_year", "quarter"], row)


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
