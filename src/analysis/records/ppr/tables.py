"""The tables ``ppr`` writes, declared: files, layouts, measures, and what they say together."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.published import catalog, timeline
from analysis.records import counting, disclosure, reading
from analysis.records.disclosure import relations

PRODUCER = "python -m analysis ppr"
FORMAT_VERSION = 1
SUMMARY = "summary.json"
NOTICE_COLUMN = "notice"
CLIENT_COUNTS = counting.CLIENT_COUNTS
PERSON_COUNTS = counting.PERSON_COUNTS
CLIENTS = disclosure.CLIENTS_RELATION
ANSWERS = reading.YES_NO_UNKNOWN
# name -> (file, how its counts add up)
TABLES: dict[str, tuple[str, disclosure.Layout]] = {
    "fiscal_year": (
        "clients_by_fiscal_year.csv",
        disclosure.Layout(CLIENT_COUNTS, "fiscal_year", column_relations=(CLIENTS,)),
    ),
    "quarter": (
        "clients_by_quarter.csv",
        disclosure.Layout(CLIENT_COUNTS, "fiscal_year", column_relations=(CLIENTS,)),
    ),
    "half_year": (
        "clients_by_half_year.csv",
        disclosure.Layout(CLIENT_COUNTS, "fiscal_year", column_relations=(CLIENTS,)),
    ),
    "grantee": (
        "clients_by_grantee.csv",
        disclosure.Layout(PERSON_COUNTS, "grantee", column_relations=(CLIENTS,)),
    ),
    "trafficking_type": (
        "victims_by_trafficking_type.csv",
        disclosure.Layout(("victims",), "trafficking_type"),
    ),
    "cohort": (
        "clients_by_cohort.csv",
        disclosure.Layout(CLIENT_COUNTS, "cohort", column_relations=(CLIENTS,)),
    ),
    "acf_region": (
        "victims_by_acf_region.csv",
        disclosure.Layout(("victims",), "acf_region"),
    ),
    "eligibility_status": (
        "victims_by_eligibility_status.csv",
        disclosure.Layout(("victims",), "eligibility_status"),
    ),
    "closure_outcomes": (
        "closure_outcomes.csv",
        disclosure.Layout((*ANSWERS, "closures"), None, column_relations=(("closures", ANSWERS),)),
    ),
    # -- Breakdowns: who the clients are, and how fast they were served ----------------------
    "gender_identity": (
        "victims_by_gender_identity.csv",
        disclosure.Layout(("victims",), "gender_identity"),
    ),
    "age_band": (
        "victims_by_age_band.csv",
        disclosure.Layout(("victims",), "age_band"),
    ),
    "broad_age_band": (
        "victims_by_broad_age_band.csv",
        disclosure.Layout(("victims",), "broad_age_band"),
    ),
    "minor_or_adult": (
        "victims_by_minor_or_adult.csv",
        disclosure.Layout(("victims",), "minor_or_adult"),
    ),
    "country_of_origin": (
        "victims_by_country_of_origin.csv",
        disclosure.Layout(("victims",), "country_of_origin"),
    ),
    "referral_source": (
        "victims_by_referral_source.csv",
        disclosure.Layout(("victims",), "referral_source"),
    ),
    "matched_within_48h": (
        "matched_within_48h_by_quarter.csv",
        disclosure.Layout(
            (*ANSWERS, "entries"), "fiscal_year", column_relations=(("entries", ANSWERS),)
        ),
    ),
    "matched_within_48h_by_half_year": (
        "matched_within_48h_by_half_year.csv",
        disclosure.Layout(
            (*ANSWERS, "entries"), "fiscal_year", column_relations=(("entries", ANSWERS),)
        ),
    ),
    "matched_within_48h_by_fiscal_year": (
        "matched_within_48h_by_fiscal_year.csv",
        disclosure.Layout(
            (*ANSWERS, "entries"), "fiscal_year", column_relations=(("entries", ANSWERS),)
        ),
    ),
    # No counts: statistics only, for groups of at least the threshold number of persons.
    "days_referral_to_intake": (
        "days_referral_to_intake.csv",
        disclosure.Layout((), "fiscal_year"),
    ),
}
BREAKDOWN_VICTIMS = ("gender_identity", "age_band", "country_of_origin", "referral_source")
AGE_TABLES = ("age_band", "broad_age_band", "minor_or_adult")  # the same persons, bands merged
# The 48-hour question per quarter, half-year or fiscal year, and the table of entries whose
# rows it matches (keyed by these columns).
MATCHED_TABLES = {
    "matched_within_48h": ("quarter", ("fiscal_year", "quarter")),
    "matched_within_48h_by_half_year": ("half_year", ("fiscal_year", "half")),
    "matched_within_48h_by_fiscal_year": ("fiscal_year", ("fiscal_year",)),
}
# Tables counting one thing at grains from finest to coarsest (``ppr.grains`` chooses one).
PERIOD_GRAINS = ("quarter", "half_year")
GRAIN_LADDERS = (PERIOD_GRAINS, AGE_TABLES, tuple(MATCHED_TABLES))
# (percent column, count column, denominator column) computed on each row of a table.
ROW_PERCENTS = {name: ("percent_yes", "yes", "entries") for name in MATCHED_TABLES}
PERCENT_TABLES = ("acf_region", "eligibility_status", *BREAKDOWN_VICTIMS, *AGE_TABLES[1:])
LEGEND_COLUMN = "legend"
# How each count column combines when rows are merged (see analysis.records.disclosure.relations).
MEASURES = {
    "entries": relations.ADDITIVE,
    "victims": relations.DISTINCT,
    "family_members": relations.LATEST,
    "clients": relations.LATEST,
    **{answer: relations.ADDITIVE for answer in ANSWERS},
    "closures": relations.ADDITIVE,
}
PERIOD_TABLES = ("fiscal_year", "quarter", "half_year", "cohort")
ENTRY_TABLES = (*PERIOD_TABLES, *MATCHED_TABLES)  # rows that split the entries
VICTIMS_BY = (
    "trafficking_type", "acf_region", "eligibility_status", *BREAKDOWN_VICTIMS, *AGE_TABLES[1:]
)  # fmt: skip
PERSON_TABLES = ("fiscal_year", "quarter", "half_year", "grantee", "cohort")
# What the tables say together, beyond each Layout's row sums (see disclosure.relations). A new
# table is covered by declaring its Layout in TABLES and its statements here.
STATEMENTS: tuple[relations.Statement, ...] = (
    *(relations.Split(name, relations.ENTRIES) for name in ENTRY_TABLES),
    relations.Split("grantee", relations.PERSONS),
    *(relations.Split(name, relations.PERSONS) for name in VICTIMS_BY),
    relations.Union("quarter", "fiscal_year", "fiscal_year"),
    relations.Union("half_year", "fiscal_year", "fiscal_year"),
    relations.Union("fiscal_year", "cohort", "fiscal_year", via="cohort"),
    *(relations.AtMost(name, "victims", "entries") for name in PERIOD_TABLES),
    *(relations.NonEmpty(name, ("entries", "victims")) for name in PERIOD_TABLES),
    relations.NonEmpty("grantee", ("victims",)),
    relations.SameTotal("entries", ENTRY_TABLES),
    relations.SameTotal("victims", (*PERSON_TABLES, *VICTIMS_BY)),
    relations.SameTotal("family_members", PERSON_TABLES),
    relations.SameTotal("clients", PERSON_TABLES),
    relations.SameColumn("closure_outcomes", "closures"),
    *(relations.Percent(name, "victims", "percent") for name in PERCENT_TABLES),
    # Entries matched within 48 hours, per period: the same periods, the same entries.
    *(relations.NonEmpty(name, ("entries",)) for name in MATCHED_TABLES),
    *(
        relations.Matches(name, ("entries",), whole, "entries", key)
        for name, (whole, key) in MATCHED_TABLES.items()
    ),
    *(
        relations.Percent(name, count, percent, of=whole)
        for name, (percent, count, whole) in ROW_PERCENTS.items()
    ),
)


# Counted and protected, but kept out of the CSV (the closures count is in summary.json).
UNWRITTEN_COLUMNS = {"closure_outcomes": ["closures"]}
OUTPUT_FILES = frozenset({SUMMARY, *(file for file, _ in TABLES.values())})


def links(tables: Mapping[str, pd.DataFrame], periods: pd.DataFrame) -> list[list[disclosure.Cell]]:
    """Return the relations between tables that the greedy complementary step respects.

    (The audit uses every relation, from :func:`relations_of`.) The same Total shown in several
    tables; the quarters (or half-years) of a year with that year's row; the
    fiscal years of a cohort with the cohort's row; the closures count on each question row.
    """
    out: list[list[disclosure.Cell]] = []

    def total_cell(name: str, column: str) -> disclosure.Cell:
        return (name, len(tables[name]) - 1, column)

    for column in CLIENT_COUNTS:
        holders = [n for n in PERSON_TABLES if n in tables]
        holders = [n for n in holders if column in tables[n].columns]
        if column == "victims":
            holders += ["trafficking_type", "acf_region", "eligibility_status"]
        cells = [total_cell(name, column) for name in holders]
        out.extend([a, b] for a, b in zip(cells, cells[1:], strict=False))
    years = tables["fiscal_year"]["fiscal_year"].tolist()
    cohorts = tables["cohort"]["cohort"].tolist()
    found = timeline.cohort_of(pd.Series([int(y) for y in years[:-1]], dtype="Int64"), periods)
    cohort_of_year = {
        year: counting.NO_COHORT if pd.isna(c) else str(c)
        for year, c in zip(years[:-1], found, strict=True)
    }
    for column in CLIENT_COUNTS:
        for name in ("quarter", "half_year"):
            if name not in tables:
                continue
            within = tables[name]["fiscal_year"].tolist()
            for row, year in enumerate(years[:-1]):
                parts = [(name, r, column) for r, y in enumerate(within[:-1]) if y == year]
                out.append([*parts, ("fiscal_year", row, column)])
        for row, cohort in enumerate(cohorts[:-1]):
            parts = [
                ("fiscal_year", r, column)
                for r, y in enumerate(years[:-1])
                if cohort_of_year[y] == cohort
            ]
            out.append([*parts, ("cohort", row, column)])
    out.extend(breakdown_links(tables))
    if "closure_outcomes" in tables:
        rows = range(len(tables["closure_outcomes"]))
        cells = [("closure_outcomes", r, "closures") for r in rows]
        out.extend([a, b] for a, b in zip(cells, cells[1:], strict=False))
    return out


def breakdown_links(tables: Mapping[str, pd.DataFrame]) -> list[list[disclosure.Cell]]:
    """Return the relations the breakdown tables add between tables.

    Each breakdown's Total victims equals the fiscal-year table's Total victims; each row of a
    48-hour table (and its Total) counts the same entries as the row of the same period in the
    table of entries it matches (``MATCHED_TABLES``: the two list the same periods, in order).
    """
    out: list[list[disclosure.Cell]] = []
    anchor = ("fiscal_year", len(tables["fiscal_year"]) - 1, "victims")
    for name in (*BREAKDOWN_VICTIMS, *AGE_TABLES[1:]):
        if name in tables:
            out.append([(name, len(tables[name]) - 1, "victims"), anchor])
    for name, (whole, keys) in MATCHED_TABLES.items():
        if name not in tables or whole not in tables:
            continue
        matched, periods = tables[name], tables[whole]
        if not matched[list(keys)].astype(str).equals(periods[list(keys)].astype(str)):
            raise ValueError(f"{name} and {whole} must list the same periods")
        for row in range(len(matched)):
            out.append([(name, row, "entries"), (whole, row, "entries")])
    return out


def cohort_mapping(periods: pd.DataFrame):
    """Return a function from a fiscal year's label to its cohort's label (``none`` outside).

    The same rule as counting (``timeline.cohort_of``).
    """
    found: dict[str, str] = {}

    def cohort(year: str) -> str:
        if year not in found:
            try:
                years = pd.Series([int(year)], dtype="Int64")
            except ValueError:
                found[year] = counting.NO_COHORT
            else:
                label = timeline.cohort_of(years, periods).iloc[0]
                found[year] = counting.NO_COHORT if pd.isna(label) else str(label)
        return found[year]

    return cohort


def relations_of(
    tables: Mapping[str, pd.DataFrame], periods: pd.DataFrame
) -> list[relations.Relation]:
    """Return every relation the tables imply (counted tables, or as shown: labels are read).

    ValueError if ``tables`` hold one ladder's table at two grains (``GRAIN_LADDERS``), or a
    48-hour table without the table whose rows it matches: the relations between them are not
    declared, as they are never published so.
    """
    for steps in GRAIN_LADDERS:
        present = [name for name in steps if name in tables]
        if len(present) > 1:
            raise ValueError(f"tables {present} count one thing at two grains; publish one")
    for name, (whole, _) in MATCHED_TABLES.items():
        if name in tables and whole not in tables:
            raise ValueError(f"table {name} matches the rows of {whole}, which is missing")
    layouts = {name: TABLES[name][1] for name in tables}
    via = {"cohort": cohort_mapping(periods)}
    return relations.build(tables, layouts, STATEMENTS, MEASURES, via)


def periods_record(periods: pd.DataFrame) -> list[dict[str, int]]:
    """Return the cohort periods as ``summary.json`` records them."""
    return [
        {
            "cohort": int(p["cohort"]),
            "first_fiscal_year": int(p["first_fiscal_year"]),
            "last_fiscal_year": int(p["last_fiscal_year"]),
        }
        for _, p in periods.iterrows()
    ]


def periods_from_record(record: list) -> pd.DataFrame:
    """Return cohort periods from their ``summary.json`` record (ValueError if malformed)."""
    keys = ("cohort", "first_fiscal_year", "last_fiscal_year")
    rows = []
    for item in record:
        if not isinstance(item, dict) or not all(isinstance(item.get(k), int) for k in keys):
            raise ValueError(
                f"a cohort period is {{cohort, first_fiscal_year, last_fiscal_year}}, not {item!r}"
            )
        rows.append({k: item[k] for k in keys})
    return pd.DataFrame(rows, columns=list(keys))


def cohort_periods() -> pd.DataFrame:
    """Return the published timeline's cohort periods (read from its awards table alone)."""
    return timeline.periods_of_awards(catalog.load_table(timeline.AWARDS))
