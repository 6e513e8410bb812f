"""One run of the client-records pipeline on plain values: read, count, protect and audit.

:func:`run` is what the ``ppr`` and ``records-report`` commands, notebook 05 and the benchmark
call: the input files and options in; the protected tables, their ``summary.json`` and their
release state (:class:`~analysis.records.release.Release`) out. Nothing is written here
(``write`` in ``ppr.output`` writes a result as a folder), and nothing is parsed: the command
line stays in ``analysis.commands``.

Reading checks both files even when the first is bad, so one run lists every problem; counting
follows ``analysis.records.counting``; protection and its audit ``ppr.protection``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from analysis.errors import InputError
from analysis.records import counting, disclosure, reading
from analysis.records.ppr import grains
from analysis.records.ppr.output import sha256, summarize
from analysis.records.ppr.protection import audit_summary, protected_tables
from analysis.records.ppr.tables import AGE_TABLES, cohort_periods
from analysis.records.release import Release


@dataclass(frozen=True)
class Inputs:
    """The client-record files to read, and how to read them."""

    entries: Path
    closures: Path | None = None
    sheet: str | None = None  # XLSX: the sheet to read (default: found by its header)
    date_format: str | None = None  # also read text dates written this way
    mapping: Path | None = None  # a mapping file: other headers, values, sheets, date formats

    @property
    def paths(self) -> list[Path]:
        """Return the files read: the entries, then the closures if any."""
        return [Path(self.entries)] + ([Path(self.closures)] if self.closures else [])


def silent(message: str) -> None:
    """Say nothing (the default progress)."""


def read_inputs(
    inputs: Inputs, progress: Callable[[str], None] = silent
) -> tuple[pd.DataFrame, pd.DataFrame | None, reading.Persons]:
    """Read and check the entries (and closures) of ``inputs``; also the persons' codes.

    Both files are read even when the first is bad, so one run lists every problem; any
    problem raises one ``InputError``.
    """
    mapping = reading.load_mapping(inputs.mapping) if inputs.mapping else None
    if mapping is not None:
        progress(f"reading with the mapping {inputs.mapping}")
    entries, closures, persons, errors = None, None, None, []
    progress(f"reading entries from {inputs.entries}")
    try:
        options = _options(inputs, mapping, "entries")
        entries, persons = reading.read_coded_entries(inputs.entries, **options)
        progress(f"  {len(entries):,} entries{_sheet_note(entries)}")
        _label_note(entries, progress)
    except InputError as error:
        errors.append(error)
    if inputs.closures:  # read even when the entries are bad, so one run lists every problem
        progress(f"reading closures from {inputs.closures}")
        try:
            options = _options(inputs, mapping, "closures")
            closures = reading.read_closures(inputs.closures, entries, persons=persons, **options)
            progress(f"  {len(closures):,} closures{_sheet_note(closures)}")
            _label_note(closures, progress)
        except InputError as error:
            errors.append(error)
    if errors:
        raise _joined(errors)
    return entries, closures, persons


def _options(inputs: Inputs, mapping: reading.RecordsMapping | None, kind: str) -> dict:
    """Return how to read one file: the command line's sheet and date format over the mapping's."""
    return reading.file_options(mapping, kind, inputs.sheet, inputs.date_format)


def _sheet_note(frame: pd.DataFrame) -> str:
    """Return ", from sheet 'NAME'" (and the header's row when not 1), else ""."""
    sheet = frame.attrs.get(reading.SHEET_ATTRIBUTE)
    note = f", from sheet {sheet!r}" if sheet else ""
    row = frame.attrs.get(reading.HEADER_ROW, 1)
    return note + (f", header found on row {row}" if row != 1 else "")


def _label_note(frame: pd.DataFrame, progress: Callable[[str], None]) -> None:
    """Say which columns were read under another header (a form label or a mapped name)."""
    pairs = frame.attrs.get(reading.READ_AS)
    if pairs:
        progress(f"  {reading.read_as_note(pairs)}")


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
    persons: reading.Persons | None = None,
    coarser: bool = False,
) -> dict[str, pd.DataFrame]:
    """Return every table of counts (ints, with Total rows), keyed by table name.

    ``periods`` are the cohort periods (default: the published timeline's). ``threshold`` is
    the smallest group of persons whose free-text label (gender identity, country, referral
    source) is shown, and whose referral-to-intake statistics are given. ``persons`` are
    the entries' person codes from ``reading.read_coded_entries`` (else computed here).
    Each table is at its finest grain; with ``coarser``, the coarser grains ``ppr.grains``
    may publish instead are counted too (to be chosen from, never published together).
    """
    periods = cohort_periods() if periods is None else periods
    prepared = counting.prepare(entries, periods, None if persons is None else persons.codes)
    tables = {
        "fiscal_year": counting.clients_by_fiscal_year(prepared),
        "quarter": counting.clients_by_quarter(prepared),
        "grantee": counting.clients_by_grantee(prepared),
        "trafficking_type": counting.victims_by_trafficking_type(prepared),
        "cohort": counting.clients_by_cohort(prepared),
        "acf_region": counting.victims_by_acf_region(prepared),
        "eligibility_status": counting.victims_by_eligibility_status(prepared),
    }
    tables |= {
        "gender_identity": counting.victims_by_gender_identity(prepared, entries, threshold),
        "age_band": counting.victims_by_age_band(prepared, entries),
        "country_of_origin": counting.victims_by_country_of_origin(prepared, entries, threshold),
        "referral_source": counting.victims_by_referral_source(prepared, entries, threshold),
        "matched_within_48h": counting.matched_within_48h(prepared, entries),
        "days_referral_to_intake": counting.days_referral_to_intake(prepared, entries, threshold),
    }
    if closures is not None:
        tables["closure_outcomes"] = counting.closure_outcomes(closures)
    if coarser:
        tables |= {
            "half_year": counting.clients_by_half_year(prepared),
            "matched_within_48h_by_half_year": counting.matched_within_48h(
                prepared, entries, "half"
            ),
            "matched_within_48h_by_fiscal_year": counting.matched_within_48h(
                prepared, entries, None
            ),
            **{
                name: counting.victims_by_age_band(prepared, entries, name)
                for name in AGE_TABLES[1:]
            },
        }
    return tables


class Output(NamedTuple):
    """What one run gives: the tables as shown, their summary, and their release state."""

    shown: dict[str, pd.DataFrame]  # the tables as text, hidden cells marked
    summary: dict  # the content of summary.json
    release: Release  # synthetic, suppressed, threshold and the audit's verdict


def run(
    inputs: Inputs,
    *,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
    suppress: bool = True,
    periods: pd.DataFrame | None = None,
    progress: Callable[[str], None] = silent,
) -> Output:
    """Read, count, protect and audit the records of ``inputs``; bad input raises InputError.

    ``periods`` are the cohort periods (default: the published timeline's, loaded before a
    large input is read). Suppressed tables that fail the disclosure audit are still returned,
    but their release state, every notice and ``summary.json`` say NOT FOR PUBLICATION.
    """
    periods = cohort_periods() if periods is None else periods
    entries, closures, persons = read_inputs(inputs, progress)
    progress("counting")
    tables = count(
        entries, closures, periods, threshold=threshold, persons=persons, coarser=suppress
    )
    synthetic = reading.is_synthetic(entries, closures)
    del entries, closures, persons  # the records themselves are not needed any further
    progress("protecting small counts" if suppress else "not suppressing (internal use)")
    release = Release(synthetic=synthetic, suppressed=suppress, threshold=threshold)
    output = protected_output(tables, inputs.paths, release, periods=periods)
    if inputs.mapping:
        output.summary["mapping"] = {
            "file": Path(inputs.mapping).name,
            "sha256": sha256(Path(inputs.mapping)),
        }
    return output


def protected_output(
    tables: Mapping[str, pd.DataFrame],
    inputs: list[Path],
    release: Release,
    *,
    periods: pd.DataFrame,
) -> Output:
    """Return the tables protected as ``release`` says and audited, with their summary.

    ``tables`` may hold coarser grains too (``count(coarser=True)``): when suppressing, each
    table is published at the grain ``grains.choose`` finds; else at its finest. The release
    state returned carries the audit's verdict on the tables as shown.
    """

    def protect(counted: Mapping[str, pd.DataFrame]):
        return protected_tables(
            counted, threshold=release.threshold, suppress=release.suppressed, periods=periods
        )

    if release.suppressed:
        shown, choice, steps, why = grains.choose(tables, release.threshold, protect)
    else:
        steps, why = grains.FINEST, {}
        shown, choice = protect(grains.published(tables, steps))
    disclosure_record, result = audit_summary(shown, release.threshold, periods)
    if choice is not None:
        disclosure_record["choice"] = choice.record()
    release = Release(
        synthetic=release.synthetic,
        suppressed=release.suppressed,
        threshold=release.threshold,
        protected=result.protected,
    )
    summary = summarize(shown, inputs, release, periods=periods, disclosure=disclosure_record)
    summary["grains"] = grains.record(shown, steps, why, release.suppressed)
    return Output(shown, summary, release)


def unprotected_warning(summary: dict, out: Path) -> str:
    """Return the warning that the disclosure audit of ``out``'s tables did not pass."""
    found = summary["disclosure"]["audit"]
    return (
        f"warning: the disclosure audit did not pass ({len(found['under_protected'])} hidden "
        f"cells narrowed too far by the other figures, {len(found['shown_small_counts'])} small "
        f"counts shown); every file in {out} says NOT FOR PUBLICATION. The cells are listed in "
        f"summary.json (disclosure.audit) and by: python -m analysis audit {out}"
    )
