"""Reading client records (TVAP performance-report entries and closures), by the file contract.

Columns are snake_case; unknown extra columns are kept. Values are matched case-insensitively,
trimmed and in Unicode normal form C (a name typed on a Mac equals the same name typed on
Windows). A person is (grantee, client_id), compared so. The answer lists for free-text fields
are not published by OTIP; the code lists (``records.contract``) are the project's own (see
data/README.md and the notebook on client records).

``read_entries`` and ``read_closures`` read CSV (UTF-8, with or without BOM; LF, CRLF or CR
line ends), Parquet or XLSX (the sheet whose row 1 holds the required columns, or one named),
check every rule over the whole file, and raise one ``InputError`` listing all
violations (file, spreadsheet row with header = row 1, column, value, what was expected; at
most ``MAX_LISTED`` per column and rule, the rest counted). They return normalized frames:
contract columns in contract order then extra columns; dates as datetime64 (NaT if blank);
codes lower-case with blank = "unknown" where the contract says so; family counts int64
(blank = 0); age and region nullable Int64; text trimmed, "" for blank. A date may carry a
time of day and a zone (``2016-01-05 00:00:00``, ``2016-01-05T09:30-05:00``); the date is
taken as written (not converted to UTC), and a time-zone-aware Parquet timestamp gives its date
in its own zone. Dates before ``DATE_FLOOR`` (October 2000) and family counts above
``MAX_FAMILY_COUNT`` are errors.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.errors import InputError
from analysis.records.reading.contract import (
    CLOSURE_REQUIRED,
    CLOSURE_RULES,
    ENTRY_REQUIRED,
    ENTRY_RULES,
    HEADER_ROW,
    HEADERS,
    READ_AS,
    SHEET_ATTRIBUTE,
    SYNTHETIC_COLUMN,
    SYNTHETIC_VALUE,
)
from analysis.records.reading.files import read_table
from analysis.records.reading.labels import known_headers
from analysis.records.reading.mapping import FileMapping, RecordsMapping, checked_headers
from analysis.records.reading.persons import Persons, person_codes
from analysis.records.reading.problems import Problems
from analysis.records.reading.validation import (
    _check_closure_people,
    _check_duplicates,
    _check_referral_order,
    _check_reserved,
    _normalize,
    _parsed_by_value,
    check_date_format,
)

# The raw columns the checks across rows quote as written (the others are dropped once parsed).
ENTRY_QUOTED = ("grantee", "client_id", "intake_date", "referral_date")
CLOSURE_QUOTED = ("grantee", "client_id", "closure_date")


def read_entries(
    path: str | Path,
    *,
    today: date | None = None,
    sheet: str | None = None,
    date_format: str | None = None,
    mapping: FileMapping | None = None,
) -> pd.DataFrame:
    """Read and validate an entries file (CSV, Parquet or XLSX); return the normalized frame.

    Every rule of the contract is checked over the whole file; all violations are raised
    together as one ``InputError``. ``today`` (default: the current date) bounds the dates;
    ``sheet`` names the XLSX sheet (default: found by its header); ``date_format`` (a
    ``check_date_format`` pattern) also reads text dates written that way; ``mapping`` (the
    entries part of a mapping file) names other headers and values.
    """
    return read_coded_entries(
        path, today=today, sheet=sheet, date_format=date_format, mapping=mapping
    )[0]


def read_coded_entries(
    path: str | Path,
    *,
    today: date | None = None,
    sheet: str | None = None,
    date_format: str | None = None,
    mapping: FileMapping | None = None,
) -> tuple[pd.DataFrame, Persons]:
    """Read an entries file as ``read_entries`` does; also return each row's person code.

    The codes are computed once, while checking for duplicates; pass them on to
    ``read_closures`` and to counting (``ppr.count``) so that neither codes the entries again.
    """
    path = Path(path)
    problems = Problems(path.name)
    raw, rows = _read_mapped(path, "entries", problems, sheet, mapping)
    frame = _normalize(raw, rows, ENTRY_RULES, problems, today, date_format, mapping)
    _keep_raw(raw, ENTRY_QUOTED)
    _check_reserved(frame, rows, problems)
    if "intake_date" in raw and "referral_date" in raw:
        _check_referral_order(frame, raw, rows, problems)
    persons = None
    if {"grantee", "client_id"} <= set(raw.columns):
        persons = Persons(*person_codes(frame))
    if persons is not None and "intake_date" in raw.columns:
        key = ("grantee", "client_id", "intake_date")
        _check_duplicates(frame, raw, rows, key, persons.codes, problems)
    problems.raise_if_any(path, "entries")
    _name_sheet(frame, raw)
    _release(raw)
    assert persons is not None  # grantee and client_id are required columns
    return frame, persons


def read_closures(
    path: str | Path,
    entries: pd.DataFrame | None,
    *,
    persons: Persons | None = None,
    today: date | None = None,
    sheet: str | None = None,
    date_format: str | None = None,
    mapping: FileMapping | None = None,
) -> pd.DataFrame:
    """Read and validate a closures file against the (already read) entries.

    Besides the column rules, each closure's person must have an entry and its closure_date
    must not be before that person's first intake_date. With ``entries`` None (the entries
    file was bad) those two checks are left out and every other rule is checked.
    ``persons`` are the entries' person codes (from ``read_coded_entries``); without them
    the entries are coded again.
    """
    path = Path(path)
    problems = Problems(path.name)
    raw, rows = _read_mapped(path, "closures", problems, sheet, mapping)
    frame = _normalize(raw, rows, CLOSURE_RULES, problems, today, date_format, mapping)
    _keep_raw(raw, CLOSURE_QUOTED)
    _check_reserved(frame, rows, problems)
    if {"grantee", "client_id"} <= set(raw.columns):
        if entries is None:
            person = person_codes(frame)[0]
        else:
            person = _check_closure_people(frame, raw, rows, entries, persons, problems)
        if "closure_date" in raw:
            key = ("grantee", "client_id", "closure_date")
            _check_duplicates(frame, raw, rows, key, person, problems)
    problems.raise_if_any(path, "closures")
    _name_sheet(frame, raw)
    _release(raw)
    return frame


def file_options(
    mapping: RecordsMapping | None, kind: str, sheet: str | None, date_format: str | None
) -> dict:
    """Return how to read one file (``kind``): the given sheet and date format over a mapping's.

    The result is the keyword arguments of ``read_entries`` and ``read_closures``; a date format
    of the mapping that is not a valid pattern raises ``InputError`` naming the mapping.
    """
    if mapping is None:
        return {"sheet": sheet, "date_format": date_format}
    part = mapping.entries if kind == "entries" else mapping.closures
    if part.date_format and not date_format:
        try:
            check_date_format(part.date_format)
        except ValueError as error:
            raise InputError(
                f"{part.source}: {kind}: date_format {part.date_format!r}: {error}",
                heading=f"{mapping.path}: the mapping file cannot be used",
            ) from None
    return {
        "sheet": sheet or part.sheet,
        "date_format": date_format or part.date_format,
        "mapping": part,
    }


def _read_mapped(
    path: Path, kind: str, problems: Problems, sheet: str | None, mapping: FileMapping | None
) -> tuple[pd.DataFrame, np.ndarray]:
    """Read one file as text, its headers read by the contract, the form and ``mapping``.

    A header the mapping names that the file lacks raises ``InputError`` at once.
    """
    rules, required = (
        (ENTRY_RULES, ENTRY_REQUIRED) if kind == "entries" else (CLOSURE_RULES, CLOSURE_REQUIRED)
    )
    raw, rows = read_table(
        path,
        _parsed_by_value(rules),
        problems=problems,
        sheet=sheet,
        required=required,
        known=known_headers(kind, mapping.columns if mapping else None),
        dates=frozenset(name for name, rule in rules.items() if rule.kind == "date"),
    )
    if mapping is not None:
        lacking = checked_headers(mapping, raw.attrs.get(HEADERS, []), problems.file_name)
        if lacking:
            raise InputError(lacking, heading=f"{path}: the mapping does not fit the {kind} file")
    return raw, rows


def _keep_raw(raw: pd.DataFrame, quoted: tuple[str, ...]) -> None:
    """Drop the raw text of every column but those the checks across rows quote as written."""
    for name in [name for name in raw.columns if name not in quoted]:
        del raw[name]
    pa.default_memory_pool().release_unused()


def _release(raw: pd.DataFrame) -> None:
    """Drop the raw text of the columns read and give the memory no frame holds back."""
    _keep_raw(raw, ())


def _name_sheet(frame: pd.DataFrame, raw: pd.DataFrame) -> None:
    """Carry how the file was read (sheet, header row, labels) from the raw frame on."""
    for key in (SHEET_ATTRIBUTE, HEADER_ROW, READ_AS):
        if key in raw.attrs:
            frame.attrs[key] = raw.attrs[key]


def is_synthetic(*frames: pd.DataFrame | None) -> bool:
    """Return True when any row of any frame is labelled synthetic (``data_origin`` = synthetic).

    This is the meaning used for labelling: one synthetic row makes every output made from the
    records say SYNTHETIC. Frames given as None (no closures file) are skipped.
    """
    return any(_synthetic_rows(frame).any() for frame in frames if frame is not None)


def is_all_synthetic(*frames: pd.DataFrame | None) -> bool:
    """Return True when every row of every frame (None skipped) is labelled synthetic.

    Only records that are all synthetic may be compared with exact published figures.
    """
    given = [frame for frame in frames if frame is not None]
    return bool(given) and all(not frame.empty and _synthetic_rows(frame).all() for frame in given)


def _synthetic_rows(frame: pd.DataFrame) -> np.ndarray:
    """Return, per row, whether it carries the synthetic label."""
    if SYNTHETIC_COLUMN not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    origin = frame[SYNTHETIC_COLUMN].astype("str").str.strip().str.lower()
    return (origin == SYNTHETIC_VALUE).to_numpy()
