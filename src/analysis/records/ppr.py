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

This module reads and counts; the tables are declared in ``ppr_tables``, protected by
``protection`` and written by ``ppr_output``, and all of it is named here as ``ppr.X``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from analysis.errors import InputError
from analysis.records import disclosure, indicators, records
from analysis.records.ppr_output import check_out, replace_folder, summarize, umask, write
from analysis.records.ppr_tables import (
    BREAKDOWN_VICTIMS,
    CLIENT_COUNTS,
    LEGEND_COLUMN,
    MEASURES,
    NOTICE_COLUMN,
    OUTPUT_FILES,
    PERIOD_TABLES,
    PRODUCER,
    STATEMENTS,
    SUMMARY,
    SYNTHETIC_NOTICE,
    TABLES,
    UNSUPPRESSED_NOTICE,
    UNWRITTEN_COLUMNS,
    cohort_mapping,
    cohort_periods,
    links,
    periods_from_record,
    periods_record,
    relations_of,
)
from analysis.records.protection import (
    AUDIT_FAILED_NOTICE,
    audit_summary,
    hardened_masks,
    not_for_publication,
    notices_for,
    protect,
    protected_tables,
)

# What callers name as ``ppr.X``: the tables declared, their protection and their writing.
__all__ = [
    "AUDIT_FAILED_NOTICE",
    "BREAKDOWN_VICTIMS",
    "CLIENT_COUNTS",
    "LEGEND_COLUMN",
    "MEASURES",
    "NOTICE_COLUMN",
    "OUTPUT_FILES",
    "PERIOD_TABLES",
    "PRODUCER",
    "Progress",
    "STATEMENTS",
    "SUMMARY",
    "SYNTHETIC_NOTICE",
    "TABLES",
    "UNSUPPRESSED_NOTICE",
    "UNWRITTEN_COLUMNS",
    "Output",
    "audit_summary",
    "check_out",
    "cohort_mapping",
    "cohort_periods",
    "count",
    "hardened_masks",
    "links",
    "not_for_publication",
    "notices_for",
    "periods_from_record",
    "periods_record",
    "protect",
    "protected_output",
    "protected_tables",
    "read_inputs",
    "relations_of",
    "replace_folder",
    "summarize",
    "umask",
    "unprotected_warning",
    "write",
]


def read_inputs(
    args: argparse.Namespace, progress: Callable[[str], None]
) -> tuple[pd.DataFrame, pd.DataFrame | None, records.Persons]:
    """Read and check the entries (and closures) named by ``args``; also the persons' codes.

    Both files are read even when the first is bad, so one run lists every problem; any
    problem raises one ``InputError``.
    """
    options = {"sheet": args.sheet, "date_format": args.date_format}
    entries, closures, persons, errors = None, None, None, []
    progress(f"reading entries from {args.entries}")
    try:
        entries, persons = records.read_coded_entries(args.entries, **options)
        progress(f"  {len(entries):,} entries{_sheet_note(entries)}")
    except InputError as error:
        errors.append(error)
    if args.closures:  # read even when the entries are bad, so one run lists every problem
        progress(f"reading closures from {args.closures}")
        try:
            closures = records.read_closures(args.closures, entries, persons=persons, **options)
            progress(f"  {len(closures):,} closures{_sheet_note(closures)}")
        except InputError as error:
            errors.append(error)
    if errors:
        raise _joined(errors)
    return entries, closures, persons


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


def count(
    entries: pd.DataFrame,
    closures: pd.DataFrame | None = None,
    periods: pd.DataFrame | None = None,
    *,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
    persons: records.Persons | None = None,
) -> dict[str, pd.DataFrame]:
    """Return every table of counts (ints, with Total rows), keyed by table name.

    ``periods`` are the cohort periods (default: the published timeline's). ``threshold`` is
    the smallest group of persons whose free-text label (gender identity, country, referral
    source) is shown, and whose referral-to-intake statistics are given. ``persons`` are
    the entries' person codes from ``records.read_coded_entries`` (else computed here).
    """
    periods = cohort_periods() if periods is None else periods
    prepared = indicators.prepare(entries, periods, None if persons is None else persons.codes)
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


class Output(NamedTuple):
    """What every output of the counted tables carries."""

    shown: dict[str, pd.DataFrame]  # the tables as text, hidden cells marked
    summary: dict  # the content of summary.json
    notices: list[str]  # the notices every file, page and chart title carries
    protected: bool  # the disclosure audit's verdict on the tables as shown


def protected_output(
    tables: Mapping[str, pd.DataFrame],
    inputs: list[Path],
    *,
    threshold: int,
    suppress: bool,
    synthetic: bool,
    periods: pd.DataFrame,
) -> Output:
    """Return the tables protected and audited, their summary and notices.

    Suppressed tables that fail the disclosure audit are still returned, but every notice,
    and ``summary.json``, says NOT FOR PUBLICATION.
    """
    shown, choice = protected_tables(
        tables, threshold=threshold, suppress=suppress, periods=periods
    )
    disclosure_record, result = audit_summary(shown, threshold, periods)
    if choice is not None:
        disclosure_record["choice"] = choice.record()
    notices = notices_for(
        synthetic=synthetic, suppressed=suppress, threshold=threshold, protected=result.protected
    )
    summary = summarize(
        shown,
        inputs,
        threshold,
        suppress,
        synthetic,
        notices,
        periods=periods,
        disclosure=disclosure_record,
    )
    return Output(shown, summary, notices, result.protected)


def unprotected_warning(summary: dict, out: Path) -> str:
    """Return the warning that the disclosure audit of ``out``'s tables did not pass."""
    found = summary["disclosure"]["audit"]
    return (
        f"warning: the disclosure audit did not pass ({len(found['under_protected'])} hidden "
        f"cells narrowed too far by the other figures, {len(found['shown_small_counts'])} small "
        f"counts shown); every file in {out} says NOT FOR PUBLICATION. The cells are listed in "
        f"summary.json (disclosure.audit) and by: python -m analysis audit {out}"
    )
