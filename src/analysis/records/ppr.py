"""What ``ppr`` does: performance-report tables from client records, small counts suppressed.

Reads an entries file (and optionally a closures file) as ``records.records`` defines them,
counts them with ``records.indicators``, protects every table with ``records.disclosure``
(jointly, so a cell hidden in one table cannot be worked out from another) and writes CSV
tables and ``summary.json`` into a fresh output directory.

Output directory rules: the tables are written into a temporary directory beside ``--out`` and
renamed into place at the end, so bad input or a failure leaves no output directory behind and
the input files are only read. ``--out`` may be missing, empty, or a previous ``ppr`` output
(recognized by its ``summary.json`` and holding only ``ppr`` files), which is then replaced; any
other existing directory is refused, as is an ``--out`` that contains an input file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from analysis import spreadsheet
from analysis.errors import InputError, os_problem
from analysis.published import catalog, timeline
from analysis.records import audit, disclosure, indicators, records, relations

PRODUCER = "python -m analysis ppr"
FORMAT_VERSION = 1
SUMMARY = "summary.json"
SYNTHETIC_NOTICE = "SYNTHETIC DATA - not real clients"
UNSUPPRESSED_NOTICE = "NOT FOR PUBLICATION - small counts not suppressed"
NOTICE_COLUMN = "notice"

CLIENT_COUNTS = indicators.CLIENT_COUNTS
PERSON_COUNTS = indicators.PERSON_COUNTS
CLIENTS = disclosure.CLIENTS_RELATION
ANSWERS = records.YES_NO_UNKNOWN

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
    # No counts: statistics only, for groups of at least the threshold number of persons.
    "days_referral_to_intake": (
        "days_referral_to_intake.csv",
        disclosure.Layout((), "fiscal_year"),
    ),
}
BREAKDOWN_VICTIMS = ("gender_identity", "age_band", "country_of_origin", "referral_source")
# (percent column, count column, denominator column) computed on each row of a table.
ROW_PERCENTS = {"matched_within_48h": ("percent_yes", "yes", "entries")}
PERCENT_TABLES = ("acf_region", "eligibility_status", *BREAKDOWN_VICTIMS)
LEGEND_COLUMN = "legend"

# How each count column combines when rows are merged (see analysis.records.relations).
MEASURES = {
    "entries": relations.ADDITIVE,
    "victims": relations.DISTINCT,
    "family_members": relations.LATEST,
    "clients": relations.LATEST,
    **{answer: relations.ADDITIVE for answer in ANSWERS},
    "closures": relations.ADDITIVE,
}
PERIOD_TABLES = ("fiscal_year", "quarter", "cohort")
ENTRY_TABLES = (*PERIOD_TABLES, "matched_within_48h")  # rows that split the entries
VICTIMS_BY = ("trafficking_type", "acf_region", "eligibility_status", *BREAKDOWN_VICTIMS)
PERSON_TABLES = ("fiscal_year", "quarter", "grantee", "cohort")
# What the tables say together, beyond each Layout's row sums (see records.relations). A new
# table is covered by declaring its Layout in TABLES and its statements here.
STATEMENTS: tuple[relations.Statement, ...] = (
    *(relations.Split(name, relations.ENTRIES) for name in ENTRY_TABLES),
    relations.Split("grantee", relations.PERSONS),
    *(relations.Split(name, relations.PERSONS) for name in VICTIMS_BY),
    relations.Union("quarter", "fiscal_year", "fiscal_year"),
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
    # Entries matched within 48 hours, per quarter: the same quarters, the same entries.
    relations.NonEmpty("matched_within_48h", ("entries",)),
    relations.Matches(
        "matched_within_48h", ("entries",), "quarter", "entries", ("fiscal_year", "quarter")
    ),
    *(
        relations.Percent(name, count, percent, of=whole)
        for name, (percent, count, whole) in ROW_PERCENTS.items()
    ),
)
# Counted and protected, but kept out of the CSV (the closures count is in summary.json).
UNWRITTEN_COLUMNS = {"closure_outcomes": ["closures"]}
OUTPUT_FILES = frozenset({SUMMARY, *(file for file, _ in TABLES.values())})


def read_inputs(
    args: argparse.Namespace, progress: Callable[[str], None]
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Read and check the entries (and closures) named by ``args``.

    Both files are read even when the first is bad, so one run lists every problem; any
    problem raises one ``InputError``.
    """
    options = {"sheet": args.sheet, "date_format": args.date_format}
    entries, closures, errors = None, None, []
    progress(f"reading entries from {args.entries}")
    try:
        entries = records.read_entries(args.entries, **options)
        progress(f"  {len(entries):,} entries{_sheet_note(entries)}")
    except InputError as error:
        errors.append(error)
    if args.closures:  # read even when the entries are bad, so one run lists every problem
        progress(f"reading closures from {args.closures}")
        try:
            closures = records.read_closures(args.closures, entries, **options)
            progress(f"  {len(closures):,} closures{_sheet_note(closures)}")
        except InputError as error:
            errors.append(error)
    if errors:
        raise _joined(errors)
    return entries, closures


def _sheet_note(frame: pd.DataFrame) -> str:
    """Return ", from sheet 'NAME'" for a frame read from a workbook, else ""."""
    sheet = frame.attrs.get(records.SHEET_ATTRIBUTE)
    return f", from sheet {sheet!r}" if sheet else ""


def _joined(errors: list[InputError]) -> InputError:
    """Return one error listing the problems of every input file, each under its heading."""
    if len(errors) == 1:
        return errors[0]
    lines: list[str] = []
    for error in errors:
        lines.extend([error.heading] if error.heading else [])
        lines.extend(error.problems)
    return InputError(lines, heading=f"{len(errors)} input files have problems")


class Progress:
    """Progress lines on standard error (none when ``quiet``)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def __call__(self, message: str) -> None:
        """Print ``message`` unless quiet."""
        if not self.quiet:
            print(message, file=sys.stderr, flush=True)


def is_synthetic(frame: pd.DataFrame) -> bool:
    """Return True when any record is labelled synthetic (so the outputs must say so)."""
    if records.is_synthetic(frame):
        return True
    if records.SYNTHETIC_COLUMN not in frame.columns:
        return False
    origin = frame[records.SYNTHETIC_COLUMN].astype(str).str.strip().str.lower()
    return bool((origin == records.SYNTHETIC_VALUE).any())


def count(
    entries: pd.DataFrame,
    closures: pd.DataFrame | None = None,
    periods: pd.DataFrame | None = None,
    *,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
) -> dict[str, pd.DataFrame]:
    """Return every table of counts (ints, with Total rows), keyed by table name.

    ``periods`` are the cohort periods (default: the published timeline's). ``threshold`` is
    the smallest group of persons whose free-text label (gender identity, country, referral
    source) is shown, and whose referral-to-intake statistics are given.
    """
    periods = cohort_periods() if periods is None else periods
    prepared = indicators.prepare(entries, periods)
    tables = {
        "fiscal_year": indicators.clients_by_fiscal_year(prepared),
        "quarter": indicators.clients_by_quarter(prepared),
        "grantee": indicators.clients_by_grantee(prepared),
        "trafficking_type": indicators.victims_by_trafficking_type(prepared),
        "cohort": indicators.clients_by_cohort(prepared),
        "acf_region": indicators.victims_by_acf_region(prepared),
        "eligibility_status": indicators.victims_by_eligibility_status(prepared),
    }
    tables |= {
        "gender_identity": indicators.victims_by_gender_identity(prepared, entries, threshold),
        "age_band": indicators.victims_by_age_band(prepared, entries),
        "country_of_origin": indicators.victims_by_country_of_origin(prepared, entries, threshold),
        "referral_source": indicators.victims_by_referral_source(prepared, entries, threshold),
        "matched_within_48h": indicators.matched_within_48h(prepared, entries),
        "days_referral_to_intake": indicators.days_referral_to_intake(prepared, entries, threshold),
    }
    if closures is not None:
        tables["closure_outcomes"] = indicators.closure_outcomes(closures)
    return tables


def cohort_periods() -> pd.DataFrame:
    """Return the published timeline's cohort periods."""
    return timeline.cohort_periods(catalog.load())


def links(tables: Mapping[str, pd.DataFrame], periods: pd.DataFrame) -> list[list[disclosure.Cell]]:
    """Return the relations between tables that the greedy complementary step respects.

    (The audit uses every relation, from :func:`relations_of`.) The same Total shown in several
    tables; the quarters of a year with that year's row; the
    fiscal years of a cohort with the cohort's row; the closures count on each question row.
    """
    out: list[list[disclosure.Cell]] = []

    def total_cell(name: str, column: str) -> disclosure.Cell:
        return (name, len(tables[name]) - 1, column)

    for column in CLIENT_COUNTS:
        holders = [n for n in ("fiscal_year", "quarter", "grantee", "cohort") if n in tables]
        holders = [n for n in holders if column in tables[n].columns]
        if column == "victims":
            holders += ["trafficking_type", "acf_region", "eligibility_status"]
        cells = [total_cell(name, column) for name in holders]
        out.extend([a, b] for a, b in zip(cells, cells[1:], strict=False))
    years = tables["fiscal_year"]["fiscal_year"].tolist()
    quarters = tables["quarter"]["fiscal_year"].tolist()
    cohorts = tables["cohort"]["cohort"].tolist()
    found = timeline.cohort_of(pd.Series([int(y) for y in years[:-1]], dtype="Int64"), periods)
    cohort_of_year = {
        year: indicators.NO_COHORT if pd.isna(c) else str(c)
        for year, c in zip(years[:-1], found, strict=True)
    }
    for column in CLIENT_COUNTS:
        for row, year in enumerate(years[:-1]):
            parts = [("quarter", r, column) for r, y in enumerate(quarters[:-1]) if y == year]
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


# -- Relations of the breakdown tables ---------------------------------------------------------


def breakdown_links(tables: Mapping[str, pd.DataFrame]) -> list[list[disclosure.Cell]]:
    """Return the relations the breakdown tables add between tables.

    Each breakdown's Total victims equals the fiscal-year table's Total victims; each row of
    ``matched_within_48h`` (and its Total) counts the same entries as that quarter's row of
    ``quarter`` (the two tables list the same quarters, in the same order).
    """
    out: list[list[disclosure.Cell]] = []
    anchor = ("fiscal_year", len(tables["fiscal_year"]) - 1, "victims")
    for name in BREAKDOWN_VICTIMS:
        if name in tables:
            out.append([(name, len(tables[name]) - 1, "victims"), anchor])
    if "matched_within_48h" in tables:
        matched, quarter = tables["matched_within_48h"], tables["quarter"]
        keys = ["fiscal_year", "quarter"]
        if not matched[keys].astype(str).equals(quarter[keys].astype(str)):
            raise ValueError("matched_within_48h and quarter must list the same quarters")
        for row in range(len(matched)):
            out.append([("matched_within_48h", row, "entries"), ("quarter", row, "entries")])
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
                found[year] = indicators.NO_COHORT
            else:
                label = timeline.cohort_of(years, periods).iloc[0]
                found[year] = indicators.NO_COHORT if pd.isna(label) else str(label)
        return found[year]

    return cohort


def relations_of(
    tables: Mapping[str, pd.DataFrame], periods: pd.DataFrame
) -> list[relations.Relation]:
    """Return every relation the tables imply (counted tables, or as shown: labels are read)."""
    layouts = {name: TABLES[name][1] for name in tables}
    via = {"cohort": cohort_mapping(periods)}
    return relations.build(tables, layouts, STATEMENTS, MEASURES, via)


def _priority(tables: Mapping[str, pd.DataFrame]) -> dict[disclosure.Cell, int]:
    """Return how much each cell costs the reader: totals (row or column) cost more."""
    out = {}
    for name, table in tables.items():
        layout = TABLES[name][1]
        total = layout.total_row(table)
        row_totals = {t for t, _ in layout.column_relations if t in layout.count_columns}
        for column in layout.count_columns:
            for row in range(len(table)):
                out[(name, row, column)] = int(row == total) + int(column in row_totals)
    return out


def hardened_masks(
    tables: Mapping[str, pd.DataFrame],
    masks: Mapping[str, pd.DataFrame],
    *,
    threshold: int,
    periods: pd.DataFrame,
    width: int | None = None,
) -> tuple[dict[str, pd.DataFrame], audit.Result]:
    """Return the masks with the cells :func:`audit.harden` adds, and the final audit."""
    layouts = {name: TABLES[name][1] for name in tables}
    cells = relations.cells_of(tables, layouts)
    values = {cell: int(tables[cell[0]][cell[2]].iat[cell[1]]) for cell in cells}
    hidden = {cell for cell in cells if masks[cell[0]][cell[2]].iat[cell[1]]}
    found, result = audit.harden(
        values,
        hidden,
        relations_of(tables, periods),
        threshold,
        width=width,
        priority=_priority(tables),
    )
    out = {}
    for name, mask in masks.items():
        mask = mask.copy()
        for column in mask.columns:
            mask[column] = [(name, row, column) in found for row in range(len(mask))]
        out[name] = mask
    return out, result


def protect(
    tables: Mapping[str, pd.DataFrame],
    *,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
    suppress: bool = True,
    periods: pd.DataFrame | None = None,
    harden: bool = True,
    width: int | None = None,
) -> dict[str, pd.DataFrame]:
    """Return the tables as text, hidden cells marked (none hidden if not ``suppress``).

    Small counts show ``<threshold``, cells hidden to protect them ``suppressed``; with
    ``suppress`` every table gets a ``legend`` column saying so. ``harden`` runs the audit
    and hides further cells until every hidden cell is protected (``width``: the protection
    width, default the threshold); without it only the greedy step runs (for comparison).
    ``periods`` must be those the tables were counted with (default: the published timeline's).
    """
    layouts = {name: TABLES[name][1] for name in tables}
    if suppress:
        periods = cohort_periods() if periods is None else periods
        greedy = links(tables, periods)
        masks = disclosure.hidden_masks(tables, layouts, threshold=threshold, links=greedy)
        if harden:
            masks, _ = hardened_masks(
                tables, masks, threshold=threshold, periods=periods, width=width
            )
    else:
        masks = {
            name: pd.DataFrame(False, index=table.index, columns=list(layouts[name].count_columns))
            for name, table in tables.items()
        }
    shown = {}
    for name, table in tables.items():
        text = disclosure.apply(table, masks[name], threshold)
        if name in PERCENT_TABLES:
            total_row = len(table) - 1
            text["percent"] = disclosure.percentages(
                table["victims"],
                int(table["victims"].iloc[total_row]),
                masks[name]["victims"],
                bool(masks[name]["victims"].iloc[total_row]),
            ).to_numpy()
        if name in ROW_PERCENTS:
            column, part, whole = ROW_PERCENTS[name]
            text[column] = row_percentages(table, masks[name], part, whole).to_numpy()
        if suppress:
            text[LEGEND_COLUMN] = disclosure.legend(threshold)
        shown[name] = text
    return shown


def shown_cells(
    shown: Mapping[str, pd.DataFrame], closures: int | str | None = None
) -> dict[disclosure.Cell, int | str]:
    """Return every count cell as shown (a count, or a mark), table by table.

    ``closures`` stands for the closures column when a table (read from its CSV) lacks it.
    """
    out: dict[disclosure.Cell, int | str] = {}
    for name, table in shown.items():
        for column in TABLES[name][1].count_columns:
            if column in table.columns:
                column_values = [_cell(v) for v in table[column].tolist()]
            else:
                column_values = [closures] * len(table)
            for row, value in enumerate(column_values):
                out[(name, row, column)] = value
    return out


def audit_summary(
    shown: Mapping[str, pd.DataFrame],
    threshold: int,
    periods: pd.DataFrame,
    width: int | None = None,
    closures: int | str | None = None,
) -> tuple[dict, audit.Result]:
    """Return the ``disclosure`` part of ``summary.json`` for tables as shown, and the audit."""
    cells = shown_cells(shown, closures)
    found = relations_of(shown, periods)
    result = audit.audit(cells, found, threshold, width)
    small = disclosure.small_mark(threshold)
    marks = list(cells.values())
    failures = [
        {
            "table": f.cell[0],
            "file": TABLES[f.cell[0]][0],
            "row": label_of(shown[f.cell[0]], f.cell[0], f.cell[1]),
            "column": f.cell[2],
            "mark": f.mark,
            "interval": [_bound(f.low), _bound(f.high)],
        }
        for f in result.failures
    ]
    shown_small = [
        {"table": c[0], "row": label_of(shown[c[0]], c[0], c[1]), "column": c[2]}
        for c in result.shown_small
    ]
    return {
        "marks": disclosure.marks(threshold),
        "legend": disclosure.legend(threshold),
        "protection_width": result.width,
        "hidden_cells": {
            small: marks.count(small),
            disclosure.SUPPRESSED: marks.count(disclosure.SUPPRESSED),
        },
        "relations": relations.kinds(found),
        "audit": {
            "method": audit.METHOD,
            "criterion": (
                f"every {small} cell can be anywhere from 1 to {threshold - 1}; every "
                f"{disclosure.SUPPRESSED} cell's interval is at least {result.width} wide; "
                f"no shown count is from 1 to {threshold - 1}"
            ),
            "hidden_cells_audited": len(result.findings),
            # Small cells that the pattern of marks alone narrows within 1..threshold-1 (e.g.
            # four quarters marked <11 under a year marked <11): no suppression can widen them.
            "small_cells_narrowed_by_the_marks_alone": len(result.narrowed),
            "protected": result.protected,
            "under_protected": failures,
            "shown_small_counts": shown_small,
            "contradictions": list(result.contradictions),
        },
    }, result


def _bound(value: float) -> float | int | str | None:
    """Return an interval end for JSON: a whole number when it is one, None when unbounded."""
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return int(round(value)) if abs(value - round(value)) < 1e-6 else round(value, 3)


def label_of(table: pd.DataFrame, name: str, row: int) -> str:
    """Return a readable label of a row: its label columns (``fiscal_year 2016, quarter 1``)."""
    counted = set(TABLES[name][1].count_columns) | {"percent", LEGEND_COLUMN, NOTICE_COLUMN}
    labels = [c for c in table.columns if c not in counted]
    parts = [f"{c} {table[c].iat[row]}" for c in labels if str(table[c].iat[row]) != ""]
    return ", ".join(parts) if parts else f"row {row + 1}"


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


def row_percentages(table: pd.DataFrame, mask: pd.DataFrame, part: str, whole: str) -> pd.Series:
    """Return ``part`` as a percentage of ``whole`` on each row, hidden where either is hidden."""
    values = [
        disclosure.percentages(
            table[part].iloc[[row]],
            int(table[whole].iloc[row]),
            mask[part].iloc[[row]],
            bool(mask[whole].iloc[row]),
        ).iloc[0]
        for row in range(len(table))
    ]
    return pd.Series(values, index=table.index, dtype=object)


def not_for_publication(suppress: bool, threshold: int) -> bool:
    """Return True when outputs must not be published: not suppressed, or a lower threshold."""
    return not suppress or threshold < disclosure.DEFAULT_THRESHOLD


def notices_for(
    *, synthetic: bool, suppressed: bool, threshold: int = disclosure.DEFAULT_THRESHOLD
) -> list[str]:
    """Return the notices every output must carry (none for real output, published rules)."""
    notices = [SYNTHETIC_NOTICE] if synthetic else []
    if not suppressed:
        notices.append(UNSUPPRESSED_NOTICE)
    elif not_for_publication(suppressed, threshold):
        notices.append(
            f"NOT FOR PUBLICATION - threshold {threshold} is below the default "
            f"{disclosure.DEFAULT_THRESHOLD}"
        )
    return notices


def _cell(value: object) -> int | str:
    """Return a shown cell for JSON: a number, or its mark such as ``<11``."""
    text = str(value)
    return int(text) if text.isdigit() else text


def sha256(path: Path) -> str:
    """Return the SHA-256 checksum of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def summarize(
    shown: Mapping[str, pd.DataFrame],
    inputs: list[Path],
    threshold: int,
    suppressed: bool,
    synthetic: bool,
    notices: list[str],
    *,
    periods: pd.DataFrame | None = None,
    width: int | None = None,
) -> dict:
    """Return the content of ``summary.json`` (counts as shown in the tables).

    ``disclosure`` holds the marks, their legend and the audit of the tables as shown;
    ``cohort_periods`` the periods the tables were counted with (default: the published
    timeline's), so ``python -m analysis audit`` can audit the files alone.
    """
    total = shown["fiscal_year"].iloc[-1]
    totals = {column: _cell(total[column]) for column in CLIENT_COUNTS}
    files = {"entries": {"file": inputs[0].name, "rows": totals["entries"]}}
    if "closure_outcomes" in shown:
        closures = _cell(shown["closure_outcomes"]["closures"].iloc[0])
        totals["closures"] = closures
        files["closures"] = {"file": inputs[1].name, "rows": closures}
    for (role, info), path in zip(files.items(), inputs, strict=True):
        info["sha256"] = sha256(path)
        files[role] = info
    years = shown["fiscal_year"]["fiscal_year"].tolist()[:-1]
    periods = cohort_periods() if periods is None else periods
    return {
        "produced_by": PRODUCER,
        "format_version": FORMAT_VERSION,
        "notice": "; ".join(notices),
        "not_for_publication": not_for_publication(suppressed, threshold),
        "suppressed": suppressed,
        "threshold": threshold,
        "synthetic": synthetic,
        "fiscal_years": [int(y) for y in years],
        "totals": totals,
        "inputs": files,
        "outputs": sorted(TABLES[name][0] for name in shown),
        "cohort_periods": periods_record(periods),
        "disclosure": audit_summary(shown, threshold, periods, width)[0],
    }


def check_out(
    out: Path,
    inputs: list[Path],
    previous: Callable[[Path], bool] | None = None,
    command: str = "ppr",
) -> None:
    """Refuse an ``--out`` that cannot be written, holds an input, or holds other files.

    Called before any input is read: a directory is created (and removed) where ``--out``
    would be made, so a large input is not read and counted for nothing. A non-empty ``--out``
    is accepted only when ``previous`` (default: a previous ppr output) recognizes it as an
    earlier output of ``command``.
    """
    try:
        _check_out(out, inputs, previous or is_previous_output, command)
    except OSError as error:
        raise InputError(f"--out {out}: cannot be written ({os_problem(error)})") from None
    except RuntimeError:  # Path.resolve on a symbolic link loop
        raise InputError(f"--out {out}: is a loop of symbolic links") from None


def _check_out(
    out: Path, inputs: list[Path], previous: Callable[[Path], bool], command: str
) -> None:
    """Do the checks of ``check_out``; an ``OSError`` means ``--out`` cannot be made."""
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: exists and is not a directory")
    resolved = out.resolve()
    for path in inputs:
        try:
            parents = path.resolve().parents
        except RuntimeError:  # a symbolic link loop: the reader says so
            continue
        if resolved in parents:
            raise InputError(f"--out {out}: holds the input file {path}; choose another directory")
    if out.is_dir() and any(out.iterdir()) and not previous(out):
        raise InputError(
            f"--out {out}: directory is not empty and is not a previous {command} output; "
            "choose a new or empty directory"
        )
    parent = out.absolute().parent
    existing = next((p for p in (parent, *parent.parents) if p.exists()), Path("/"))
    if not existing.is_dir():
        raise InputError(f"--out {out}: {existing} is a file, not a directory")
    longest = os.pathconf(existing, "PC_NAME_MAX")
    names = [out.name, *(p.name for p in out.absolute().parents if not p.exists())]
    for name in names:
        if len(os.fsencode(name)) > longest:
            raise InputError(
                f"--out {out}: the name {name[:40]!r}... is too long (at most {longest} bytes)"
            )
    try:
        probe = tempfile.mkdtemp(prefix=STAGING_PREFIX, suffix=".probe", dir=existing)
    except OSError as error:
        raise InputError(
            f"--out {out}: no directory can be created in {existing} ({error.strerror}; "
            "expected a writable directory on a real file system, not e.g. /proc or /sys)"
        ) from None
    os.rmdir(probe)


STAGING_PREFIX = ".ppr-"


def is_previous_output(out: Path) -> bool:
    """Return True if ``out`` holds only files a previous ppr run wrote."""
    try:
        summary = json.loads((out / SUMMARY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(summary, dict) or summary.get("produced_by") != PRODUCER:
        return False
    return all(entry.is_file() and entry.name in OUTPUT_FILES for entry in out.iterdir())


def _csv_text(table: pd.DataFrame, notices: list[str]) -> str:
    """Return a table as CSV text safe to open in a spreadsheet, with any notices as a column."""
    if notices:
        table = table.assign(**{NOTICE_COLUMN: "; ".join(notices)})
    return spreadsheet.to_csv(table)


def write(out: Path, shown: Mapping[str, pd.DataFrame], summary: dict, notices: list[str]) -> None:
    """Write every table and the summary into ``out``, all at once (temporary dir, rename)."""
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, suffix=".tmp", dir=parent))
    try:
        for name, table in shown.items():
            path = staging / TABLES[name][0]
            table = table.drop(columns=UNWRITTEN_COLUMNS.get(name, []))
            path.write_text(_csv_text(table, notices), encoding="utf-8", newline="")
        text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
        # A file name that is not UTF-8 is kept as a JSON escape, not refused.
        (staging / SUMMARY).write_bytes(text.encode("utf-8", "backslashreplace"))
        os.chmod(staging, 0o777 & ~_umask())
        _replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _umask() -> int:
    """Return the process's file-creation mask."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _replace(staging: Path, out: Path) -> None:
    """Move ``staging`` to ``out``, replacing an empty dir or a previous ppr output."""
    if not out.exists():
        staging.rename(out)
        return
    retired = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, suffix=".old", dir=staging.parent))
    retired.rmdir()
    out.rename(retired)
    try:
        staging.rename(out)
    except BaseException:
        retired.rename(out)
        raise
    shutil.rmtree(retired, ignore_errors=True)
