"""The ``ppr`` command: its options, and reading, counting, protecting and writing in turn."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.records import disclosure, ppr, reading

DESCRIPTION = """\
Count client records into the TVAP performance-report tables, with small counts hidden.

Input: an entries file (one row per program entry: a new client or a reopened case) and,
optionally, a closures file (one row per case closure), as CSV (UTF-8), Parquet or XLSX with
the columns and code lists of the project's client-record contract (see data/README.md,
"Client records", and notebooks/05-client-records.ipynb). Any problem in the input (of both
files) is listed with file, sheet, spreadsheet row (header = row 1, blank lines counted as
rows), column and value; nothing is written and the exit status is 2. --out is checked first.

Inputs accepted: CSV in UTF-8 with or without BOM, with LF, CRLF or CR-only line ends, blank
lines, empty trailing columns and cells of any length (separated by commas: a file separated by
semicolons or tabs is named as such). XLSX: the first worksheet holding the contract's
required columns (--sheet NAME to choose; chart sheets are skipped); the sheet read is named, and
one workbook may hold both files, each read from its own sheet (the OMB workbook as it comes).
An Excel error cell (#N/A, #REF!, ...) or a formula without a saved value is an error, never a
blank; a number in a date column is an Excel date whatever its cell format.
Parquet: any column types; dates, timestamps and text.

Headers: the contract's names, or the OMB 0970-0467 form's own labels (Client Identifier,
Intake Date, Type of Intake, Parent(s), Child(ren) < 18, ...; see data/README.md), compared
trimmed, ignoring case, runs of white space (line breaks of a wrapped cell) as one space; the
columns read under a label are said. The header is the first of the top 20 rows holding every
required column (title rows above it are skipped; rows keep the numbers a spreadsheet shows).
Any other system: --mapping FILE, a YAML file such as
  entries:
    sheet: Intakes                  # every part optional
    date_format: "%m/%d/%Y"
    columns: {"Client No": client_id, "Program": grantee}
    values: {intake_type: {"N": new, "R": reopened}}
  closures:
    columns: {"Closed On": closure_date}
(python -m analysis records-mapping drafts one). --sheet and --date-format win over the
mapping's; summary.json records the mapping's name and SHA-256.

Dates: YYYY-MM-DD, optionally with a time of day and a zone (2016-01-05T09:30:00-05:00, ...Z);
the calendar date is the date as written, in the zone it was written in (not converted to UTC).
A time-zone-aware Parquet timestamp gives its date in its own zone. Other text dates
(10/01/2015) are errors unless --date-format names their pattern; nothing is guessed. A date
before 2000-10-01 is an error (the Trafficking Victims Protection Act was signed into law in
October 2000, source S21; 0001-01-01 or 1900-01-01 are placeholders), as is a date after today.
Family counts: whole numbers from 0 to 50 per cell (more is not a plausible family, and so
no total can overflow). A grantee may not be named "Total" (the tables' Total row label).
Text is compared trimmed, ignoring case, in Unicode normal form C.
Every CSV written is safe to open in a spreadsheet: a text cell starting with =, +, -, @, tab
or CR gets a leading ' (OWASP "CSV Injection"); control characters are dropped; numbers stay.

Counting: periods are federal fiscal years (1 October - 30 September, named by the year they
end) and fiscal quarters (Q1 = October-December) of intake_date. entries = entry rows;
victims = distinct persons (grantee, client_id); family_members = the family counts on each
person's latest entry in the period; clients = victims + family_members. The Total row counts
each person once over the whole input, so it can be less than the sum of the rows.
A person's trafficking type, ACF region and eligibility status are those of their latest entry.

Output files in DIR:
  clients_by_fiscal_year.csv       entries, victims, family members, clients per fiscal year
  clients_by_quarter.csv           the same per fiscal year and quarter (1-4)
  clients_by_half_year.csv         or, when per quarter it would be mostly hidden, per
                                   half-year (1 = Q1-Q2, 2 = Q3-Q4); when that too, neither
  clients_by_grantee.csv           victims, family members, clients per grantee
  clients_by_cohort.csv            the same per TVAP cohort of the intake's fiscal year
  victims_by_trafficking_type.csv  victims by sex / labor / both / unknown
  victims_by_acf_region.csv        victims by ACF region 1-10 / unknown, with percent
  victims_by_eligibility_status.csv victims by eligibility status, with percent
  closure_outcomes.csv             (with --closures) yes / no / unknown answers to the three
                                   closure questions, counting every case closure
  victims_by_gender_identity.csv   victims by gender identity (free text grouped trimmed,
                                   ignoring case, each group in its most used spelling;
                                   identities of fewer than threshold persons merged into
                                   "another identity", always), with percent
  victims_by_age_band.csv          victims by age at intake: under 18, 18-24, 25-34, 35-44,
                                   45-54, 55 and over, unknown, with percent
  victims_by_broad_age_band.csv    or, when that would be mostly hidden: under 18, 18-34,
                                   35-54, 55 and over, unknown
  victims_by_minor_or_adult.csv    or, when that too: under 18, 18 and over, unknown
  victims_by_country_of_origin.csv victims by country of origin: at most the 10 largest, each of
                                   at least threshold persons, then "all other countries"
  victims_by_referral_source.csv   victims by referral source, by the same rule
  matched_within_48h_by_quarter.csv entries per fiscal quarter by their answer (yes / no /
                                   unknown) to "matched to a service provider within 48 hours
                                   of referral?", with percent_yes = yes / entries
  matched_within_48h_by_half_year.csv  or the same per half-year, at the grain of the
                                   clients' table of periods (never finer)
  matched_within_48h_by_fiscal_year.csv  or per fiscal year, when finer would be mostly hidden
  days_referral_to_intake.csv      median and quartiles of days from referral to intake, per
                                   fiscal year with at least threshold persons, and overall
  summary.json                     totals, input files' row counts and SHA-256 checksums,
                                   threshold, whether suppressed, whether synthetic, cohort
                                   periods, the grain of each table (grains), how the hidden
                                   cells were chosen, what they cost, and the disclosure audit

Suppression (on by default): any count from 1 to threshold-1 (1 to 10) is shown as "<11";
zero is shown. Further counts are hidden, shown as "suppressed" (always 11 or more), so that
no small count can be worked out: the criterion is that, for someone solving every relation
the tables imply at once (totals, quarters and years, cohorts, victims <= entries, clients =
victims + family members, the same total in several tables, percentages), each "<11" cell can
still be anywhere from 1 to 10 (or what the marks alone allow). The "suppressed" cells are
chosen by optimization: the fewest such cells that meet the criterion (a mixed-integer model
with cuts from the intruder's linear programs, within a fixed budget of steps, so the same
input always gives the same output; if the budget ends first, greedy rounds and a pass that
drops cells while the criterion holds, keeping the better). A percentage of a hidden count,
or of a hidden total, is shown as "suppressed". Every table then has a last column "legend"
saying what the marks mean, and summary.json records the method, whether the optimum was
proven, the cells hidden by mark, the share of counts of 11 or more hidden, and the audit.
"python -m analysis audit DIR" audits an output directory again from its files.

Coarser grains (with suppression): a table is "mostly hidden" when more than half of its
count cells outside the Total row are hidden. Quarters, the 48-hour table and age bands are
published at the finest grain at which they are not mostly hidden (quarter, half-year, fiscal
year; age bands, broad bands, minor or adult), decided first from what protection hides
before any choice (the small counts, and one more cell of each row sum holding exactly one),
then again after protection; the file of a finer grain is then not written, the coarser
file's notice column says why, and summary.json (grains) records each choice. --no-suppress
keeps every table at its finest grain.

With --no-suppress, or a --threshold below the default 11, every file says NOT FOR
PUBLICATION (--threshold 1 hides nothing); --no-suppress shows every count. If the audit of
the suppressed tables ever fails, the files are written but every one says NOT FOR
PUBLICATION, and a warning (printed even with --quiet) says how many cells it found.
Records labelled synthetic (data_origin = synthetic) give outputs labelled SYNTHETIC DATA.
"""


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``ppr`` to the command line."""
    parser = commands.add_parser(
        "ppr",
        help="count client records into performance-report tables (small counts hidden)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_input_arguments(parser)
    parser.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="output directory: new, empty, or a previous ppr output (which is replaced)",
    )
    parser.add_argument(
        "--threshold",
        type=parse_threshold,
        default=disclosure.DEFAULT_THRESHOLD,
        metavar="N",
        help="hide counts from 1 to N-1 (default 11: counts 1-10 are shown as <11)",
    )
    parser.add_argument(
        "--no-suppress",
        dest="suppress",
        action="store_false",
        help="show every count (internal use only: outputs are marked not for publication)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress messages")
    parser.set_defaults(func=run)


def add_input_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the input options every command reading client records takes."""
    parser.add_argument("--entries", required=True, metavar="FILE", help="entries file")
    parser.add_argument("--closures", metavar="FILE", help="closures file (optional)")
    parser.add_argument(
        "--sheet",
        metavar="NAME",
        help=(
            "XLSX: the sheet to read (default: the first holding the required columns in one "
            "of its top 20 rows; the entries and closures may be two sheets of one workbook)"
        ),
    )
    parser.add_argument(
        "--mapping",
        type=parse_mapping,
        metavar="FILE",
        help=(
            "a YAML file naming, for entries and closures, the export's headers and values "
            "of another system (columns, values, sheet, date_format); draft one with "
            "python -m analysis records-mapping"
        ),
    )
    parser.add_argument(
        "--date-format",
        type=parse_date_format,
        metavar="PATTERN",
        help=(
            "also read text dates written this way, e.g. %%m/%%d/%%Y for 10/01/2015 "
            "(strftime codes; needs %%d, %%m or %%b, and %%Y; YYYY-MM-DD is always read)"
        ),
    )


def parse_mapping(text: str) -> Path:
    """Parse ``--mapping``: the path of a mapping file (read and checked by the pipeline)."""
    return Path(text)


def parse_threshold(text: str) -> int:
    """Parse ``--threshold``: a whole number of at least 1."""
    try:
        return disclosure.check_threshold(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of at least 1, not {text!r}"
        ) from None


def parse_date_format(text: str) -> str:
    """Parse ``--date-format``: a strftime pattern of a day, a month and a four-digit year."""
    try:
        return reading.check_date_format(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def inputs_of(args: argparse.Namespace) -> ppr.Inputs:
    """Return the input files and reading options the command line names."""
    return ppr.Inputs(
        entries=Path(args.entries),
        closures=Path(args.closures) if args.closures else None,
        sheet=args.sheet,
        date_format=args.date_format,
        mapping=getattr(args, "mapping", None),
    )


def run(args: argparse.Namespace) -> int:
    """Check --out, run the pipeline, write; bad input raises ``InputError`` (exit status 2)."""
    progress = ppr.Progress(quiet=args.quiet)
    out, inputs = Path(args.out), inputs_of(args)
    ppr.check_out(out, inputs.paths)
    output = ppr.run(inputs, threshold=args.threshold, suppress=args.suppress, progress=progress)
    progress(f"writing {len(output.shown) + 1} files to {out}")
    ppr.write(out, output.shown, output.summary, output.release.notices)
    report_release(output, out, progress)
    return 0


def report_release(output: ppr.Output, out: Path, progress: ppr.Progress) -> None:
    """Warn (even when quiet) if the audit failed; say the notices the outputs carry."""
    if output.release.suppressed and not output.release.protected:
        print(ppr.unprotected_warning(output.summary, out), file=sys.stderr)
    if output.release.notices:
        progress("; ".join(output.release.notices))
