"""Client records (TVAP performance-report entries and closures): the file contract.

Columns are snake_case; unknown extra columns are kept. Values are matched case-insensitively,
trimmed and in Unicode normal form C (a name typed on a Mac equals the same name typed on
Windows). A person is (grantee, client_id), compared so.
The answer lists below for free-text fields are not published by OTIP; the code lists are the
project's own (see docs in data/README.md and the notebook on client records).

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

import contextlib
import csv
import io
import os
import re
import stat
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analysis.errors import InputError, os_problem

FAMILY_COLUMNS = (
    "family_parents",
    "family_siblings",
    "family_spouse",
    "family_children_under_18",
    "family_children_18_plus",
)
YES_NO_UNKNOWN = ("yes", "no", "unknown")
INTAKE_TYPES = ("new", "reopened")
ELIGIBILITY_STATUSES = (
    "pre-certified",
    "certified",
    "interim-assistance",
    "eligibility-letter",
    "unknown",
)
TRAFFICKING_TYPES = ("sex", "labor", "both", "unknown")
ENTRY_REQUIRED = ("grantee", "client_id", "intake_date", "intake_type")
ENTRY_COLUMNS = (
    *ENTRY_REQUIRED,
    "referral_date",
    "referral_source",
    "matched_within_48h",
    *FAMILY_COLUMNS,
    "eligibility_status",
    "age_at_intake",
    "gender_identity",
    "trafficking_type",
    "country_of_origin",
    "acf_region",
)
CLOSURE_QUESTIONS = (
    "obtained_cp_or_t_visa",
    "obtained_certification_or_eligibility",
    "referred_for_continued_case_management",
)
CLOSURE_REQUIRED = ("grantee", "client_id", "closure_date")
CLOSURE_COLUMNS = (*CLOSURE_REQUIRED, "closure_reason", "living_situation", *CLOSURE_QUESTIONS)


def person_key(frame: pd.DataFrame) -> pd.Series:
    """Return one key per row identifying the person: (grantee, client_id), case-insensitive."""
    return _folded(frame["grantee"]) + "\x1f" + _folded(frame["client_id"])


def _folded(values: pd.Series) -> pd.Series:
    """Trim, case-fold and NFC-normalize text; fast for ASCII, exact for all Unicode."""
    values = values.astype("str").str.strip()
    folded = values.str.lower()
    wide = ~values.str.isascii().fillna(True).astype(bool)
    if wide.any():
        folded = folded.mask(wide, values[wide].map(_fold))
    return folded


def _fold(text: str) -> str:
    """Return text case-folded in Unicode normal form C (the same however it was typed)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


# ---------------------------------------------------------------------------------------------
# Reading and validation
# ---------------------------------------------------------------------------------------------

FILE_TYPES = (".csv", ".parquet", ".xlsx")
SYNTHETIC_COLUMN = "data_origin"
SYNTHETIC_VALUE = "synthetic"
MAX_LISTED = 50
"""At most this many problems are listed per column and rule; the rest are counted."""

SHEET_ATTRIBUTE = "sheet"
"""``frame.attrs[SHEET_ATTRIBUTE]``: the name of the XLSX sheet a frame was read from."""
HEADER_SEARCH_ROWS = 20
"""A header missing from row 1 is looked for in this many rows below it."""

DATE_EXPECTED = "expected YYYY-MM-DD"
DATE_FLOOR = date(2000, 10, 1)
"""No TVAP date is earlier: the Trafficking Victims Protection Act became law in October 2000."""
MAX_FAMILY_COUNT = 50
"""A family count above this (in one cell) is not a plausible family: an error, not a count."""
RESERVED_GRANTEES = ("total",)
"""Row labels of the tables (compared ignoring case): a grantee may not be named so."""
EXCEL_DAY_ZERO = date(1899, 12, 30)
"""Excel's serial date 0 (serial 36800 is 2000-10-01)."""
PARSED_BY_VALUE = ("date", "code", "count", "whole")
# A date, optionally followed by a time of day and a zone (as spreadsheets, Parquet timestamps
# and ISO 8601 exports give); the time and the zone are ignored: the date is taken as written.
_DATE_PATTERN = (
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?: ?(?:Z|[+-]\d{2}(?::?\d{2})?))?)?"
)
_SERIAL_PATTERN = r"\d{5}(?:\.\d+)?"


@dataclass(frozen=True)
class Column:
    """How one contract column is read: its kind, whether it is required, its codes."""

    kind: str  # "text", "date", "code", "count" (whole >= 0, blank = 0) or "whole" (range)
    required: bool = False
    codes: tuple[str, ...] = ()
    blank_is_unknown: bool = False
    low: int = 0
    high: int = 0


ENTRY_RULES: dict[str, Column] = {
    "grantee": Column("text", required=True),
    "client_id": Column("text", required=True),
    "intake_date": Column("date", required=True),
    "intake_type": Column("code", required=True, codes=INTAKE_TYPES),
    "referral_date": Column("date"),
    "referral_source": Column("text"),
    "matched_within_48h": Column("code", codes=YES_NO_UNKNOWN, blank_is_unknown=True),
    **{name: Column("count") for name in FAMILY_COLUMNS},
    "eligibility_status": Column("code", codes=ELIGIBILITY_STATUSES, blank_is_unknown=True),
    "age_at_intake": Column("whole", low=0, high=120),
    "gender_identity": Column("text"),
    "trafficking_type": Column("code", codes=TRAFFICKING_TYPES, blank_is_unknown=True),
    "country_of_origin": Column("text"),
    "acf_region": Column("whole", low=1, high=10),
}
CLOSURE_RULES: dict[str, Column] = {
    "grantee": Column("text", required=True),
    "client_id": Column("text", required=True),
    "closure_date": Column("date", required=True),
    "closure_reason": Column("text"),
    "living_situation": Column("text"),
    **{
        name: Column("code", codes=YES_NO_UNKNOWN, blank_is_unknown=True)
        for name in CLOSURE_QUESTIONS
    },
}


def read_entries(
    path: str | Path,
    *,
    today: date | None = None,
    sheet: str | None = None,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Read and validate an entries file (CSV, Parquet or XLSX); return the normalized frame.

    Every rule of the contract is checked over the whole file; all violations are raised
    together as one ``InputError``. ``today`` (default: the current date) bounds the dates;
    ``sheet`` names the XLSX sheet (default: found by its header); ``date_format`` (a
    ``check_date_format`` pattern) also reads text dates written that way.
    """
    path = Path(path)
    problems = Problems(path.name)
    raw, rows = read_table(
        path,
        _parsed_by_value(ENTRY_RULES),
        problems=problems,
        sheet=sheet,
        required=ENTRY_REQUIRED,
    )
    frame = _normalize(raw, rows, ENTRY_RULES, problems, today, date_format)
    _check_reserved(frame, rows, problems)
    if "intake_date" in raw and "referral_date" in raw:
        _check_referral_order(frame, raw, rows, problems)
    if {"grantee", "client_id", "intake_date"} <= set(raw.columns):
        person = person_codes(frame)[0]
        key = ("grantee", "client_id", "intake_date")
        _check_duplicates(frame, raw, rows, key, person, problems)
    problems.raise_if_any(path, "entries")
    _name_sheet(frame, raw)
    return frame


def read_closures(
    path: str | Path,
    entries: pd.DataFrame | None,
    *,
    today: date | None = None,
    sheet: str | None = None,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Read and validate a closures file against the (already read) entries.

    Besides the column rules, each closure's person must have an entry and its closure_date
    must not be before that person's first intake_date. With ``entries`` None (the entries
    file was bad) those two checks are left out and every other rule is checked.
    """
    path = Path(path)
    problems = Problems(path.name)
    raw, rows = read_table(
        path,
        _parsed_by_value(CLOSURE_RULES),
        problems=problems,
        sheet=sheet,
        required=CLOSURE_REQUIRED,
    )
    frame = _normalize(raw, rows, CLOSURE_RULES, problems, today, date_format)
    _check_reserved(frame, rows, problems)
    if {"grantee", "client_id"} <= set(raw.columns):
        if entries is None:
            person = person_codes(frame)[0]
        else:
            person = _check_closure_people(frame, raw, rows, entries, problems)
        if "closure_date" in raw:
            key = ("grantee", "client_id", "closure_date")
            _check_duplicates(frame, raw, rows, key, person, problems)
    problems.raise_if_any(path, "closures")
    _name_sheet(frame, raw)
    return frame


def _name_sheet(frame: pd.DataFrame, raw: pd.DataFrame) -> None:
    """Carry the name of the sheet read (XLSX only) from the raw frame to the normalized one."""
    if SHEET_ATTRIBUTE in raw.attrs:
        frame.attrs[SHEET_ATTRIBUTE] = raw.attrs[SHEET_ATTRIBUTE]


def is_synthetic(frame: pd.DataFrame) -> bool:
    """Return True when every row carries the synthetic label (``data_origin`` = synthetic)."""
    if SYNTHETIC_COLUMN not in frame.columns or frame.empty:
        return False
    origin = frame[SYNTHETIC_COLUMN].astype("str").str.strip().str.lower()
    return bool((origin == SYNTHETIC_VALUE).all())


class Problems:
    """Violations found in one file, listed up to ``MAX_LISTED`` per column and rule."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.lines: list[str] = []
        self.count = 0

    def add(self, text: str, row: int | str | None = None, column: str | None = None) -> None:
        """Record one problem at a spreadsheet row (or "rows …") and column(s)."""
        where = [self.file_name]
        if row is not None:
            where.append(f"row {row}" if isinstance(row, int) else row)
        if column is not None:
            where.append(f"{'columns' if ', ' in column else 'column'} {column}")
        self.lines.append(f"{', '.join(where)}: {text}")
        self.count += 1

    def add_more(
        self, rest: int, text: str, column: str | None = None, unit: str = "row(s)"
    ) -> None:
        """Count ``rest`` further problems of one kind in one line, without listing them."""
        if rest <= 0:
            return
        where = self.file_name if column is None else f"{self.file_name}, column {column}"
        self.lines.append(f"{where}: {rest} more {unit} {text} (not listed)")
        self.count += rest

    def add_rows(
        self,
        mask: np.ndarray,
        rows: np.ndarray,
        column: str,
        values: pd.Series,
        describe: str,
        summary: str,
    ) -> None:
        """Record one problem per row where ``mask`` holds, ``{value}`` in ``describe`` quoted.

        Only the first ``MAX_LISTED`` are listed; a last line counts the rest as ``summary``.
        """
        where = np.flatnonzero(mask)
        if not len(where):
            return
        listed = where[:MAX_LISTED]
        for position, value in zip(listed, values.iloc[listed], strict=True):
            self.add(describe.replace("{value}", quote(value)), int(rows[position]), column)
        self.add_more(len(where) - len(listed), summary, column)

    def raise_if_any(self, path: Path, kind: str) -> None:
        """Raise ``InputError`` listing every problem, if there is any."""
        if self.count:
            raise InputError(
                self.lines,
                heading=f"{path}: {self.count} problem(s) in the {kind} file",
            )


def quote(value: object, limit: int = 60) -> str:
    """Return a value as it appears in a message: trimmed, quoted, shortened when long."""
    text = str(value).strip()
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text)


def read_table(
    path: Path,
    untrimmed: frozenset[str] = frozenset(),
    *,
    problems: Problems | None = None,
    sheet: str | None = None,
    required: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, np.ndarray]:
    """Read a records file as text: every column a trimmed string, blanks as "".

    Returns the frame (header names trimmed, contract names lower-cased, text in Unicode NFC,
    rows whose cells are all blank dropped) and each row's spreadsheet row number (header =
    row 1, blank lines and skipped lines counted). Columns named in ``untrimmed`` are left
    as read, for a caller that trims each distinct value instead. Problems found while
    reading (malformed lines, Excel error cells, a header below row 1) go to ``problems``
    (raised at once when it is None); ``problems.file_name`` then names the sheet read, which
    is also ``frame.attrs[SHEET_ATTRIBUTE]``. ``sheet`` names the XLSX sheet to read, else
    the first whose row 1 holds the ``required`` columns.
    """
    own = problems is None
    problems = Problems(path.name) if problems is None else problems
    suffix = _check_file(path)
    if suffix == ".csv":
        frame, rows = _read_csv(path, problems, required)
    elif suffix == ".parquet":
        frame = _read_parquet(path)
        rows = np.arange(len(frame), dtype=np.int64) + 2
    else:
        frame, rows = _read_xlsx(path, problems, sheet, required)
    sheet_read = frame.attrs.get(SHEET_ATTRIBUTE)
    _refuse_header_below(frame, rows, required, path, problems)
    frame = _tidy_header(frame, path)
    if sheet_read is not None:
        frame.attrs[SHEET_ATTRIBUTE] = sheet_read
    for name in frame.columns:  # each reader gives "" (never null) for a blank cell
        values = _nfc(frame[name])
        frame[name] = values if name in untrimmed else values.str.strip()
    if len(frame.columns):
        blank_row = (frame.iloc[:, 0].str.strip() == "").to_numpy().copy()
        candidates = np.flatnonzero(blank_row)
        if len(candidates):
            cells = frame.iloc[candidates].apply(lambda column: column.str.strip() == "")
            blank_row[candidates] = cells.all(axis=1).to_numpy()
        if blank_row.any():
            frame = frame.loc[~blank_row].reset_index(drop=True)
            rows = rows[~blank_row]
    if frame.empty and not problems.count:
        raise InputError(
            f"{problems.file_name}: the file has a header row but no data rows "
            "(expected at least one data row)",
            heading=f"{path}: cannot be read",
        )
    if own:
        problems.raise_if_any(path, "records")
    return frame, rows


def _check_file(path: Path) -> str:
    """Return the file's type (suffix); raise ``InputError`` unless it is a readable file."""
    cannot = f"{path}: cannot be read"
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{path.name}: no such file", heading=cannot) from None
    except OSError as error:
        raise InputError(f"{path.name or path}: {os_problem(error)}", heading=cannot) from None
    kind = _not_a_file(info.st_mode)
    if kind:
        raise InputError(
            f"{path.name or path}: is {kind}, not a file (expected a CSV, Parquet or XLSX file)",
            heading=cannot,
        )
    if path.suffix.lower() not in FILE_TYPES:
        raise InputError(
            f"{path.name}: unsupported file type {path.suffix or '(none)'!r} "
            f"(expected one of {', '.join(FILE_TYPES)})",
            heading=cannot,
        )
    try:
        with open(path, "rb") as handle:
            first = handle.read(1)  # a file of /proc says size 0 and may still hold text
    except OSError as error:
        raise InputError(
            f"{path.name}: cannot be opened for reading ({os_problem(error)})", heading=cannot
        ) from None
    if not first:
        raise InputError(
            f"{path.name}: the file is empty (expected a header row and at least one data row)",
            heading=cannot,
        )
    return path.suffix.lower()


def _not_a_file(mode: int) -> str:
    """Return what a path that is not a regular file is ("a directory", ...), else ""."""
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    for test, kind in kinds:
        if test(mode):
            return kind
    return "" if stat.S_ISREG(mode) else "not a regular file"


def _nfc(values: pd.Series) -> pd.Series:
    """Return text in Unicode normal form C, so that the same name typed anywhere is equal."""
    data = _text_array(values)
    if data is not None and all(_ascii_only(chunk) for chunk in data.chunks):
        return values  # the common case, seen in the bytes at once
    wide = ~values.str.isascii().fillna(True).astype(bool)
    if not wide.any():
        return values
    return values.mask(wide, values[wide].str.normalize("NFC"))


def _ascii_only(chunk: pa.Array) -> bool:
    """Return True if the text array's character bytes (all of its buffer) are ASCII."""
    buffers = chunk.buffers()
    if len(buffers) < 3 or buffers[2] is None:
        return True
    return not len(buffers[2]) or int(np.frombuffer(buffers[2], dtype=np.uint8).max()) < 0x80


def _refuse_header_below(
    frame: pd.DataFrame,
    rows: np.ndarray,
    required: tuple[str, ...],
    path: Path,
    problems: Problems,
) -> None:
    """Raise ``InputError`` saying where the header seems to be, when it is not on row 1.

    That is when row 1 lacks a required column and a row a little below holds them all.
    """
    names = {str(name).strip().lower() for name in frame.columns}
    if not required or set(required) <= names:
        return
    for position in range(min(len(frame), HEADER_SEARCH_ROWS)):
        cells = {str(value).strip().lower() for value in frame.iloc[position]}
        if set(required) <= cells:
            row = int(rows[position])
            raise InputError(
                f"{problems.file_name}, row 1: the header seems to be on row {row} (it holds "
                f"{', '.join(required)}); expected the header on row 1: delete the {row - 1} "
                "row(s) above it",
                heading=f"{path}: cannot be read",
            )


def _tidy_header(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Match contract column names case-insensitively (other names are only trimmed).

    Unnamed columns without values are dropped; repeated names are errors.
    """
    known = {*ENTRY_COLUMNS, *CLOSURE_COLUMNS, SYNTHETIC_COLUMN}
    names = [unicodedata.normalize("NFC", str(name).strip()) for name in frame.columns]
    names = [name.lower() if name.lower() in known else name for name in names]
    frame.columns = names
    problems = Problems(path.name)
    keep = []
    for position, name in enumerate(names):
        if name == "" or name.lower().startswith("unnamed:"):
            if (frame.iloc[:, position].str.strip() != "").any():
                problems.add(
                    f"column {position + 1} has values but no name (expected a header)", row=1
                )
            continue
        keep.append(position)
    seen: set[str] = set()
    for name in (names[position] for position in keep):
        if name in seen:
            problems.add(f"column {name!r} appears more than once (expected once)", row=1)
        seen.add(name)
    problems.raise_if_any(path, "records")
    return frame.iloc[:, keep]


def _source(path: Path) -> str | BinaryIO:
    """Return the path for a reader that takes one, or an open file when the name is not UTF-8."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:  # a file name of bytes that are not UTF-8 (kept as escapes)
        return open(path, "rb")  # noqa: SIM115 - the readers close it
    return str(path)


def _read_csv(
    path: Path, problems: Problems, required: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, np.ndarray]:
    """Read a UTF-8 CSV (with or without BOM) with every column as text, and its row numbers.

    Line ends may be LF, CRLF or CR; blank lines are rows (dropped later, counted); a line
    with the wrong number of fields is reported at its row and skipped.
    """
    header = _csv_records(path, 1)[0]
    if required and not set(required) <= {name.strip().lower() for name in header}:
        top = _csv_records(path, HEADER_SEARCH_ROWS + 1)[1:]
        width = max((len(record) for record in top), default=0)
        found = pd.DataFrame([record + [""] * (width - len(record)) for record in top])
        rows = np.arange(2, len(top) + 2, dtype=np.int64)
        _refuse_header_below(found, rows, required, path, problems)
    if not header or all(not name.strip() for name in header):
        raise InputError(
            f"{path.name}, row 1: no header row (expected column names such as "
            "grantee,client_id,...)",
            heading=f"{path}: cannot be read",
        )
    if len(header) == 1:
        for separator, name in ((";", "semicolons"), ("\t", "tabs")):
            if separator in header[0]:
                raise InputError(
                    f"{path.name}, row 1: the header is one column {quote(header[0])} "
                    f"(expected values separated by commas; this file seems to use {name})",
                    heading=f"{path}: cannot be read",
                )
    named = [name for name in header if name.strip()]
    if len(set(named)) != len(named):
        repeated = sorted({name for name in named if named.count(name) > 1})
        raise InputError(
            [
                f"{path.name}, row 1: column {name!r} appears more than once (expected once)"
                for name in repeated
            ],
            heading=f"{path}: cannot be read",
        )
    skipped: list[tuple[int | None, int, str]] = []

    def invalid_row(row: pacsv.InvalidRow) -> str:
        skipped.append((row.number, row.actual_columns, row.text))
        return "skip"

    table = _arrow_csv(path, len(header), invalid_row, threads=True)
    if skipped:  # numbered only when read in one thread: read again, only in this case
        skipped.clear()
        table = _arrow_csv(path, len(header), invalid_row, threads=False)
    names = [table.column(i)[0].as_py() for i in range(table.num_columns)]
    table = table.slice(1)
    numbers = np.array([number or 0 for number, _, _ in skipped], dtype=np.int64)
    rows = np.arange(2, table.num_rows + len(skipped) + 2, dtype=np.int64)
    rows = rows[~np.isin(rows, numbers)]
    bad = [(number, actual, text) for number, actual, text in skipped if text.strip()]
    for number, actual, text in bad[:MAX_LISTED]:  # a line of spaces is a blank row
        problems.add(
            f"the row has {actual} field(s) (expected {len(header)}, as in the header): "
            f"{quote(text)}",
            number,
        )
    problems.add_more(len(bad) - MAX_LISTED, "with the wrong number of fields", unit="line(s)")
    text = pd.StringDtype(na_value=np.nan)
    frame = table.to_pandas(types_mapper={pa.large_string(): text, pa.string(): text}.get)
    return frame.set_axis(names, axis=1), rows


def _csv_records(path: Path, count: int) -> list[list[str]]:
    """Return the first ``count`` CSV records (the header first), whatever the line ends."""
    try:
        with open(path, "rb") as raw, io.TextIOWrapper(raw, "utf-8-sig", newline="") as text:
            reader = csv.reader(text)
            found = [next(reader, [])]
            with contextlib.suppress(csv.Error):  # beyond the header, as far as it can read
                found += [record for _, record in zip(range(count - 1), reader, strict=False)]
            return found
    except UnicodeDecodeError:
        _raise_not_utf8(path)
    except csv.Error as error:
        raise InputError(
            f"{path.name}, row 1: the header cannot be read as CSV ({error})",
            heading=f"{path}: cannot be read",
        ) from None


def _arrow_csv(
    path: Path, width: int, invalid_row: Callable[[pacsv.InvalidRow], str], *, threads: bool
) -> pa.Table:
    """Read every record of a CSV (the header as the first) as ``width`` text columns.

    A cell longer than Arrow's block is read with blocks as large as the file.
    """
    names = [f"c{i}" for i in range(width)]
    block = 1 << 20
    while True:
        source = _source(path)
        try:
            return pacsv.read_csv(
                source,
                read_options=pacsv.ReadOptions(
                    use_threads=threads, column_names=names, block_size=block
                ),
                parse_options=pacsv.ParseOptions(
                    newlines_in_values=True,
                    invalid_row_handler=invalid_row,
                    ignore_empty_lines=False,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.large_string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except pa.ArrowInvalid as error:
            message = str(error)
            if "straddl" in message and block < path.stat().st_size + 1:
                block = min(max(block * 16, path.stat().st_size + 1), 2**31 - 1)
                continue
            if "utf8" in message.lower():
                _raise_not_utf8(path)
            raise InputError(
                f"{path.name}: cannot be read as CSV ({message})",
                heading=f"{path}: cannot be read",
            ) from None
        except OSError as error:
            raise InputError(
                f"{path.name}: cannot be read ({os_problem(error)})",
                heading=f"{path}: cannot be read",
            ) from None
        finally:
            if not isinstance(source, str):
                source.close()


def _raise_not_utf8(path: Path) -> NoReturn:
    """Raise ``InputError`` naming the line and byte where the file stops being UTF-8."""
    data = path.read_bytes()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = len(re.findall(rb"\r\n|\r|\n", before)) + 1
        byte = data[error.start : error.start + 1].hex()
        detail = f"byte 0x{byte} on line {line}"
    else:  # pragma: no cover - the reader reported bad text that Python decodes
        detail = "text that is not valid UTF-8"
    raise InputError(
        f"{path.name}: the file is not UTF-8 text ({detail}; expected a CSV saved as 'CSV UTF-8')",
        heading=f"{path}: cannot be read",
    )


def _read_parquet(path: Path) -> pd.DataFrame:
    """Read a Parquet file, turning every column into text as it would appear in a CSV."""
    import pyarrow.parquet as pq  # only Parquet input needs it (slow to import)

    source = _source(path)
    try:
        parquet = pq.ParquetFile(source)
        names = parquet.schema_arrow.names
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise InputError(
                [
                    f"{path.name}, row 1: column {name!r} appears more than once (expected once)"
                    for name in repeated
                ],
                heading=f"{path}: cannot be read",
            )
        table = parquet.read()
    except (pa.ArrowException, OSError) as error:
        raise InputError(
            f"{path.name}: cannot be read as Parquet ({error})", heading=f"{path}: cannot be read"
        ) from None
    finally:
        if not isinstance(source, str):
            source.close()
    frame = pd.DataFrame({i: _arrow_text(table.column(i)) for i in range(table.num_columns)})
    return frame.set_axis(table.column_names, axis=1)


def _arrow_text(column: pa.ChunkedArray) -> pd.Series:
    """Render one Parquet column as text: dates as YYYY-MM-DD, nulls as "".

    A time-zone-aware timestamp is first taken in its own zone (its local date and time).
    """
    kind = column.type
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        column = pc.local_timestamp(column)
        kind = column.type
    if pa.types.is_timestamp(kind):
        days = pc.cast(pc.floor_temporal(column, unit="day"), kind)
        if pc.all(pc.equal(days, column)).as_py() in (True, None):
            column = pc.cast(column, pa.date32())
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
    if pa.types.is_boolean(column.type):
        column = pc.if_else(column, "true", "false")
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        try:
            column = pc.cast(column, pa.string())
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
            return pd.Series(
                ["" if value is None else str(value) for value in column.to_pylist()],
                dtype="str",
            )
    column = pc.fill_null(column, "")
    return pd.Series(column.to_pandas(), dtype="str")


def _read_xlsx(
    path: Path, problems: Problems, sheet: str | None, required: tuple[str, ...]
) -> tuple[pd.DataFrame, np.ndarray]:
    """Read one sheet of an XLSX workbook as text, with its row numbers (see ``read_table``).

    Error cells and formulas without a saved value are reported; the sheet read is named in
    ``problems.file_name`` and the frame's ``attrs``.
    """
    import openpyxl  # only XLSX input needs it

    def unreadable(error: Exception) -> InputError:
        return InputError(
            f"{path.name}: cannot be read as an Excel workbook (.xlsx) "
            f"({type(error).__name__}: {error})",
            heading=f"{path}: cannot be read",
        )

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise unreadable(error) from None
    try:
        name, fallback = _choose_sheet(book, sheet, required, path)
        grid, errors, unsaved = _sheet_cells(book[name])
    except InputError:
        raise
    except Exception as error:
        raise unreadable(error) from None
    finally:
        book.close()
    problems.file_name = f"{path.name}, sheet {name!r}"
    if fallback:
        problems.add(
            f"no sheet has the required columns ({', '.join(required)}) on row 1 (sheets: "
            f"{', '.join(map(repr, book.sheetnames))}); the first was read "
            "(name the sheet with --sheet NAME)"
        )
    if unsaved:
        unsaved = _formulas(path, name, unsaved)
    if not grid:
        raise InputError(
            f"{problems.file_name}: the sheet is empty (expected a header row and at least one "
            "data row)",
            heading=f"{path}: cannot be read",
        )
    width = max(len(row) for row in grid)
    header = [_cell_text(value) for value in grid[0]] + [""] * (width - len(grid[0]))
    _report_cells(problems, header, errors, unsaved)
    body = [row + [None] * (width - len(row)) for row in grid[1:]]
    frame = pd.DataFrame(
        {
            position: pd.Series([_cell_text(row[position]) for row in body], dtype="str")
            for position in range(width)
        }
    ).set_axis(header, axis=1)
    frame.attrs[SHEET_ATTRIBUTE] = name
    return frame, np.arange(len(body), dtype=np.int64) + 2


def _choose_sheet(
    book: Any, sheet: str | None, required: tuple[str, ...], path: Path
) -> tuple[str, bool]:
    """Return the sheet to read and whether it is only the first (none has the header).

    ``sheet`` when given; else the first sheet whose row 1 holds the ``required`` columns,
    else the first whose header is a few rows below row 1, else the first sheet.
    """
    names = [name for name in book.sheetnames if hasattr(book[name], "iter_rows")]
    if not names:  # only chart sheets
        raise InputError(
            f"{path.name}: the workbook has no worksheet (expected a sheet of rows)",
            heading=f"{path}: cannot be read",
        )
    if sheet is not None:
        if sheet not in names:
            raise InputError(
                f"{path.name}: no sheet named {sheet!r} (sheets: {', '.join(map(repr, names))})",
                heading=f"{path}: cannot be read",
            )
        return sheet, False
    if not required:
        return names[0], False
    below = None
    for name in names:
        book[name].reset_dimensions()  # the stored dimension can be wrong
        top = book[name].iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
        for number, values in enumerate(top, start=1):
            cells = {str(value).strip().lower() for value in values if value is not None}
            if set(required) <= cells:
                if number == 1:
                    return name, False
                below = below or name
                break
    return (below, False) if below else (names[0], True)


def _sheet_cells(sheet: Any) -> tuple[list[list[object]], list[tuple], list[tuple]]:
    """Return a sheet's values by row (row 1 first, gaps filled with None) and its odd cells.

    The odd cells are (row, column, coordinate, value) of error cells and of cells holding
    nothing (a formula without a saved value, or a formatted empty cell).
    """
    sheet.reset_dimensions()  # the stored dimension can be wrong: read every cell there is
    grid: list[list[object]] = []
    errors: list[tuple] = []
    empty: list[tuple] = []
    for cells in sheet.iter_rows():
        for cell in cells:
            row_number = getattr(cell, "row", None)
            if row_number is None:
                continue
            value = cell.value
            if value is None:
                empty.append((row_number, cell.column, cell.coordinate, None))
                continue
            while len(grid) < row_number:
                grid.append([])
            row = grid[row_number - 1]
            row.extend([None] * (cell.column - len(row)))
            if cell.data_type == "e":
                errors.append((row_number, cell.column, cell.coordinate, value))
            row[cell.column - 1] = value
    return grid, errors, empty


def _formulas(path: Path, sheet: str, empty: list[tuple]) -> list[tuple]:
    """Return those of the empty cells that hold a formula (no saved value), with it."""
    import openpyxl

    wanted = {(row, column): (row, column, coordinate) for row, column, coordinate, _ in empty}
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    found = []
    try:
        formulas = book[sheet]
        formulas.reset_dimensions()
        for cells in formulas.iter_rows():
            for cell in cells:
                key = (getattr(cell, "row", None), getattr(cell, "column", None))
                if key not in wanted or cell.value is None:
                    continue
                text = getattr(cell.value, "text", cell.value)
                found.append((*wanted[key], str(text)))
    finally:
        book.close()
    return found


def _report_cells(
    problems: Problems, header: list[str], errors: list[tuple], unsaved: list[tuple]
) -> None:
    """Report error cells and formulas without a saved value, up to the cap per column."""
    kinds = (
        (
            errors,
            "cell {cell} shows {value}, an Excel error (expected a value: correct the formula "
            "or the data it uses, or type the value)",
            "that are Excel errors",
        ),
        (
            unsaved,
            "cell {cell} is a formula without a saved value, {value} (expected a value: open "
            "and save the file in Excel, or paste values)",
            "that are formulas without a saved value",
        ),
    )
    for cells, describe, summary in kinds:
        by_column: dict[int, list[tuple]] = {}
        for cell in sorted(cells):
            by_column.setdefault(cell[1], []).append(cell)
        for column, found in sorted(by_column.items()):
            name = header[column - 1] if column <= len(header) else ""
            label = name.strip() or f"{column} (no name)"
            for row, _, coordinate, value in found[:MAX_LISTED]:
                text = describe.replace("{cell}", coordinate).replace("{value}", quote(value))
                problems.add(text, row, label)
            problems.add_more(len(found) - MAX_LISTED, summary, label)


def _cell_text(value: object) -> str:
    """Render one spreadsheet cell as text: dates as YYYY-MM-DD, whole floats without .0."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%Y-%m-%d")
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _normalize(
    raw: pd.DataFrame,
    rows: np.ndarray,
    rules: dict[str, Column],
    problems: Problems,
    today: date | None,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Check each contract column against its rule and return the normalized frame."""
    missing = [name for name, rule in rules.items() if rule.required and name not in raw]
    for name in missing:
        problems.add(
            f"missing (expected a required column of that name; columns found: "
            f"{', '.join(raw.columns)})",
            row=1,
            column=name,
        )
    limit = pd.Timestamp(today or date.today())
    blank = pd.Series("", index=raw.index, dtype="str")
    columns: dict[str, pd.Series] = {}
    for name, rule in rules.items():
        if name in raw:
            values = raw[name]
        else:  # reported above if required; an absent optional column is all blank
            rule, values = replace(rule, required=False), blank
        columns[name] = _normalize_column(name, rule, values, rows, problems, limit, date_format)
    extras = {name: raw[name] for name in raw.columns if name not in rules}
    return pd.DataFrame({**columns, **extras}, index=raw.index)


def _normalize_column(
    name: str,
    rule: Column,
    values: pd.Series,
    rows: np.ndarray,
    problems: Problems,
    today: pd.Timestamp,
    date_format: str | None = None,
) -> pd.Series:
    """Check one column against its rule; return it normalized."""
    if rule.kind == "text":
        if rule.required:
            _report_blank(name, (values == "").to_numpy(), rows, values, problems)
        return values
    distinct = _Distinct(values)  # every rule below is checked once per distinct value
    empty = (distinct.values == "").to_numpy()
    if rule.required:
        _report_blank(name, distinct.spread(empty), rows, values, problems)
    if rule.kind == "date":
        return _normalize_dates(name, values, distinct, empty, rows, problems, today, date_format)
    if rule.kind == "code":
        codes = distinct.values.str.lower()
        if rule.blank_is_unknown:
            codes = codes.where(~empty, "unknown")
        bad = distinct.spread(~(codes.isin(rule.codes).to_numpy() | empty))  # blanks: above
        problems.add_rows(
            bad,
            rows,
            name,
            distinct.rows() if bad.any() else values,
            f"{{value}} is not a known code (expected one of: {', '.join(rule.codes)})",
            "with codes that are not known",
        )
        return distinct.series(codes)
    numbers = _parse_whole(distinct.values)
    if rule.kind == "count":
        numbers = numbers.where(~empty, 0.0)
        problems.add_rows(
            distinct.spread(~(numbers >= 0).to_numpy()),
            rows,
            name,
            values,
            "{value} is not a whole number >= 0 (expected 0, 1, 2, ...; blank means 0)",
            "that are not whole numbers >= 0",
        )
        implausible = (numbers > MAX_FAMILY_COUNT).to_numpy()
        problems.add_rows(
            distinct.spread(implausible),
            rows,
            name,
            values,
            f"{{value}} is more than {MAX_FAMILY_COUNT}, the most one family count can "
            f"plausibly be (expected a whole number from 0 to {MAX_FAMILY_COUNT}; blank means 0)",
            f"with counts above {MAX_FAMILY_COUNT}",
        )
        numbers = numbers.where(~implausible, 0.0)  # reported: never counted
        return distinct.series(numbers.fillna(0).astype("int64"))
    inside = ((numbers >= rule.low) & (numbers <= rule.high)).to_numpy()
    problems.add_rows(
        distinct.spread(~(empty | inside)),
        rows,
        name,
        values,
        f"{{value}} is not a whole number from {rule.low} to {rule.high} (expected a whole "
        f"number {rule.low}-{rule.high}, or blank)",
        f"that are not whole numbers from {rule.low} to {rule.high}",
    )
    return distinct.series(numbers.where(inside).astype("Int64"))


def _report_blank(
    name: str, empty: np.ndarray, rows: np.ndarray, values: pd.Series, problems: Problems
) -> None:
    """Report the blank cells of a required column."""
    problems.add_rows(
        empty,
        rows,
        name,
        values,
        "blank (expected a value: the column is required)",
        "are blank",
    )


def _normalize_dates(
    name: str,
    values: pd.Series,
    distinct: _Distinct,
    empty: np.ndarray,
    rows: np.ndarray,
    problems: Problems,
    today: pd.Timestamp,
    date_format: str | None = None,
) -> pd.Series:
    """Parse a date column; report values that are not dates, too early or after ``today``."""
    parsed, early = _parse_dates(distinct.values, date_format)
    bad = (~empty) & parsed.isna().to_numpy() & ~early
    serial = bad & distinct.values.str.fullmatch(_SERIAL_PATTERN).fillna(False).to_numpy(bool)
    expected = DATE_EXPECTED + (f", or {date_format}" if date_format else "")
    problems.add_rows(
        distinct.spread(bad & ~serial),
        rows,
        name,
        values,
        f"{{value}} is not a date ({expected})",
        "that are not dates",
    )
    _report_serial_dates(name, distinct, serial, rows, problems)
    problems.add_rows(
        distinct.spread(early),
        rows,
        name,
        values,
        f"{{value}} is before {DATE_FLOOR:%Y-%m-%d} (expected a date from October 2000, when "
        "the Trafficking Victims Protection Act became law, to today; 0001-01-01 or "
        "1900-01-01 are placeholders, not dates)",
        f"with dates before {DATE_FLOOR:%Y-%m-%d}",
    )
    problems.add_rows(
        distinct.spread((parsed > today).to_numpy()),
        rows,
        name,
        values,
        f"{{value}} is in the future (expected on or before today, {today:%Y-%m-%d})",
        "with dates in the future",
    )
    return distinct.series(parsed.where(~early))


def _report_serial_dates(
    name: str, distinct: _Distinct, serial: np.ndarray, rows: np.ndarray, problems: Problems
) -> None:
    """Report values that look like Excel date numbers, with the date each would be."""
    where = np.flatnonzero(distinct.spread(serial))
    texts = distinct.rows()
    for position in where[:MAX_LISTED]:
        value = texts.iat[position]
        day = EXCEL_DAY_ZERO + pd.Timedelta(days=int(float(value)))
        problems.add(
            f"{quote(value)} is not a date ({DATE_EXPECTED}); it looks like an Excel date "
            f"number (for {day:%Y-%m-%d}): format the column as a date before saving",
            int(rows[position]),
            name,
        )
    problems.add_more(len(where) - MAX_LISTED, "that look like Excel date numbers", name)


def check_date_format(pattern: str) -> str:
    """Return a ``--date-format`` pattern if it names a day, a month and a four-digit year.

    Raise ``ValueError`` otherwise: a two-digit year or a missing part would be a guess.
    """
    codes = set(re.findall(r"%(.)", pattern))
    if not ({"d", "Y"} <= codes and codes & {"m", "b", "B"}):
        raise ValueError(
            f"expected a pattern with a day (%d), a month (%m or %b) and a four-digit year "
            f"(%Y), such as %m/%d/%Y, not {pattern!r}"
        )
    allowed = {"d", "m", "b", "B", "Y", "%"}
    if codes - allowed:
        extra = ", ".join(f"%{code}" for code in sorted(codes - allowed))
        raise ValueError(f"{pattern!r}: {extra} not accepted (expected %d, %m, %b, %Y)")
    sample = datetime(2016, 1, 5)
    try:  # the pattern must read back the date it writes
        same = datetime.strptime(sample.strftime(pattern), pattern) == sample
    except ValueError as error:
        raise ValueError(f"{pattern!r} is not a usable date pattern ({error})") from None
    if not same:
        raise ValueError(f"{pattern!r} does not read back the dates it writes")
    return pattern


class _Distinct:
    """A column as its distinct values (trimmed) and a code per row: columns repeat values."""

    def __init__(self, values: pd.Series) -> None:
        self.index = values.index
        self.codes, uniques = pd.factorize(values)
        self.values = pd.Series(uniques, dtype="str").str.strip()

    def spread(self, per_value: np.ndarray) -> np.ndarray:
        """Return the per-distinct-value array as one entry per row."""
        return per_value.take(self.codes)

    def series(self, per_value: pd.Series) -> pd.Series:
        """Return a Series of one value per distinct value as one value per row."""
        return pd.Series(per_value.array.take(self.codes), index=self.index)

    def rows(self) -> pd.Series:
        """Return the trimmed value of every row."""
        return self.series(self.values)


def _parsed_by_value(rules: dict[str, Column]) -> frozenset[str]:
    """Return the columns whose values are trimmed and parsed once per distinct value."""
    return frozenset(name for name, rule in rules.items() if rule.kind in PARSED_BY_VALUE)


def _parse_dates(values: pd.Series, date_format: str | None = None) -> tuple[pd.Series, np.ndarray]:
    """Parse ISO dates (a time of day and a zone are ignored: the date is as written).

    Returns the dates (NaT where not a real date, or before ``DATE_FLOOR``) and, per value,
    whether it is a date before ``DATE_FLOOR``. With ``date_format``, text that is not ISO
    is read with that pattern.
    """
    iso = values.str.fullmatch(_DATE_PATTERN).fillna(False).astype(bool)
    day = values.str.slice(0, 10)
    parsed = pd.to_datetime(day.where(iso), format="%Y-%m-%d", errors="coerce").astype(
        "datetime64[us]"
    )
    if date_format is not None:
        other = ~iso & (values != "")
        if other.any():
            read = pd.to_datetime(values.where(other), format=date_format, errors="coerce")
            parsed = parsed.where(~other, read.astype("datetime64[us]"))
    floor = pd.Timestamp(DATE_FLOOR)
    early = ((iso & (day < f"{DATE_FLOOR:%Y-%m-%d}")) | (parsed < floor)).to_numpy(bool)
    return parsed.where(~early), early


def _parse_whole(values: pd.Series) -> pd.Series:
    """Parse whole numbers ("2" or "2.0"); NaN where blank, fractional or not a number."""
    numbers = pd.to_numeric(values.astype(object), errors="coerce").astype("float64")
    exact = np.isfinite(numbers) & (numbers.abs() <= 2**53)  # beyond that, not a count
    whole = exact & (np.floor(numbers) == numbers)
    return numbers.where(whole)


def _check_reserved(frame: pd.DataFrame, rows: np.ndarray, problems: Problems) -> None:
    """Report grantees named like a table's row label ("Total"): two rows would look alike."""
    codes, names = pd.factorize(frame["grantee"])
    reserved = _folded(pd.Series(names, dtype="str")).isin(RESERVED_GRANTEES).to_numpy()
    problems.add_rows(
        reserved.take(codes),
        rows,
        "grantee",
        frame["grantee"],
        "{value} is the label of the tables' Total row (expected another grantee name, "
        "such as the grantee's full name, so that its row cannot be taken for the Total)",
        "named like the Total row",
    )


def _check_referral_order(
    frame: pd.DataFrame, raw: pd.DataFrame, rows: np.ndarray, problems: Problems
) -> None:
    """Report each referral_date that is after its intake_date."""
    late = np.flatnonzero((frame["referral_date"] > frame["intake_date"]).to_numpy())
    for position in late[:MAX_LISTED]:
        problems.add(
            f"{quote(raw['referral_date'].iat[position])} is after intake_date "
            f"{quote(raw['intake_date'].iat[position])} (expected on or before the intake date)",
            int(rows[position]),
            "referral_date",
        )
    problems.add_more(len(late) - MAX_LISTED, "with a referral after intake", "referral_date")


def _check_closure_people(
    frame: pd.DataFrame,
    raw: pd.DataFrame,
    rows: np.ndarray,
    entries: pd.DataFrame,
    problems: Problems,
) -> np.ndarray:
    """Check each closure's person has an entry and is not closed before their first intake.

    Returns an int code per closure row identifying its person (among the closures).
    """
    entry_codes, people = person_codes(entries)
    intake = entries["intake_date"].to_numpy("datetime64[us]").view("int64")
    never = np.iinfo(np.int64).max
    intake = np.where(entries["intake_date"].isna().to_numpy(), never, intake)
    first_by_person = pd.Series(intake).groupby(entry_codes, sort=False).min()
    first_intake = np.append(first_by_person.to_numpy(dtype=np.int64), never)
    closure_codes = person_codes(frame, people)[0]
    where = first_by_person.index.get_indexer(closure_codes)
    known = (closure_codes >= 0) & (where >= 0)
    where[where < 0] = len(first_intake) - 1  # unknown: compared with ``never``, not reported
    named = ~((frame["grantee"] == "") | (frame["client_id"] == "")).to_numpy()
    unknown = np.flatnonzero(named & ~known)
    for position in unknown[:MAX_LISTED]:
        problems.add(
            f"({quote(raw['grantee'].iat[position])}, {quote(raw['client_id'].iat[position])}) "
            "is not a person in the entries file (expected a grantee and client_id that have "
            "an entry)",
            int(rows[position]),
            "grantee, client_id",
        )
    problems.add_more(len(unknown) - MAX_LISTED, "for people not in the entries file")
    closed = frame["closure_date"].to_numpy("datetime64[us]").view("int64")
    first = first_intake[where]
    early = np.flatnonzero(known & ~frame["closure_date"].isna().to_numpy() & (closed < first))
    for position in early[:MAX_LISTED]:
        problems.add(
            f"{quote(raw['closure_date'].iat[position])} is before this person's first "
            f"intake_date '{pd.Timestamp(first[position], unit='us'):%Y-%m-%d}' "
            "(expected on or after it)",
            int(rows[position]),
            "closure_date",
        )
    problems.add_more(len(early) - MAX_LISTED, "closed before first intake", "closure_date")
    outside = closure_codes < 0  # grantee or client_id never seen in entries: codes of their own
    if outside.any():
        offset = len(people.grantees) * max(len(people.clients), 1)
        closure_codes = closure_codes.copy()
        closure_codes[outside] = offset + person_codes(frame.loc[outside])[0]
    return closure_codes


@dataclass(frozen=True)
class People:
    """The distinct case-folded grantees and client ids of a frame, as Arrow arrays."""

    grantees: pa.Array
    clients: pa.Array


def person_codes(frame: pd.DataFrame, people: People | None = None) -> tuple[np.ndarray, People]:
    """Return an int64 code per row for its person (equal exactly when ``person_key`` is).

    Codes are built from ``people`` when given (-1 for a person outside it), else from the
    frame's own distinct values, which are returned. No per-row key text is built.
    """
    columns = None
    if people is None:
        columns = (_text_array(frame["grantee"]), _text_array(frame["client_id"]))
        columns = None if None in columns else columns
        cached = _own_people.get("last")
        if columns and cached and all(a is b for a, b in zip(cached[0], columns, strict=True)):
            return cached[1].copy(), cached[2]
    grantee_index, grantees = _folded_index(
        frame["grantee"], None if people is None else people.grantees, few=True
    )
    client_index, clients = _folded_index(
        frame["client_id"], None if people is None else people.clients
    )
    people = people or People(grantees, clients)
    grantee_number = grantee_index.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    client_number = client_index.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    codes = grantee_number * max(len(people.clients), 1) + client_number
    codes[(grantee_number < 0) | (client_number < 0)] = -1
    if columns:
        _own_people["last"] = (columns, codes.copy(), people)
    return codes, people


# The codes of the last frame coded from its own values, with the (immutable) Arrow columns
# they were computed from: reading closures and counting reuse the entries' codes.
_own_people: dict[str, tuple[tuple[pa.ChunkedArray, ...], np.ndarray, People]] = {}


def _text_array(values: pd.Series) -> pa.ChunkedArray | None:
    """Return the Arrow data behind a text column (None when it is not Arrow-backed)."""
    array = values.array
    data = array.__arrow_array__() if hasattr(array, "__arrow_array__") else None
    return data if isinstance(data, pa.ChunkedArray) else None


def _folded_index(
    values: pd.Series, value_set: pa.Array | None, *, few: bool = False
) -> tuple[pa.Array, pa.Array]:
    """Return each row's position among the distinct folded values (``_folded``) and those.

    The distinct values are ``value_set`` when given (null for a value outside it). With
    ``few`` (few distinct values), each distinct raw value is folded once.
    """
    text = _arrow(values.astype("str"))
    if few:
        raw = pc.dictionary_encode(text)
        index, distinct = _folded_index(pd.Series(raw.dictionary, dtype="str"), value_set)
        return index.take(raw.indices), distinct
    text = pc.utf8_trim_whitespace(text)
    folded = pc.utf8_lower(text)
    wide = pc.invert(pc.string_is_ascii(text)).fill_null(False)
    if pc.any(wide).as_py():  # str.lower equals str.casefold on ASCII only
        exact = [_fold(value) for value in pc.filter(text, wide).to_pylist()]
        folded = pc.replace_with_mask(folded, wide, pa.array(exact, type=folded.type))
    if value_set is None:
        encoded = pc.dictionary_encode(folded)
        return encoded.indices, encoded.dictionary
    return pc.index_in(folded, value_set=value_set), value_set


def _arrow(values: pd.Series) -> pa.Array:
    """Return a text column as one Arrow array (not chunked)."""
    data = _text_array(values)
    array = pa.array(values) if data is None else data
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _check_duplicates(
    frame: pd.DataFrame,
    raw: pd.DataFrame,
    rows: np.ndarray,
    key: tuple[str, str, str],
    person_code: np.ndarray,
    problems: Problems,
) -> None:
    """Report exact duplicate rows, and different rows sharing one person and date.

    Rows are compared after normalization (trimmed, codes lower-cased, numbers and dates
    parsed, the person case-insensitively), so "2" and "2.0" or "New" and "new" are equal.
    """
    person_code = person_code.astype(np.int64)
    when_code = pd.factorize(frame[key[2]], use_na_sentinel=False)[0].astype(np.int64)
    combined = person_code * (int(when_code.max()) + 1) + when_code
    shared = pd.Series(combined).duplicated(keep=False).to_numpy()
    if not shared.any():
        return
    group = frame.loc[shared].drop(columns=["grantee", "client_id"])
    group.insert(0, "person", person_code[shared])
    group = group.astype("str").fillna("")
    group_rows = rows[shared]
    identity = group.groupby(list(group.columns), sort=False).ngroup().to_numpy()
    _, first_position = np.unique(identity, return_index=True)
    repeated = np.flatnonzero(pd.Series(identity).duplicated().to_numpy())
    original_row = group_rows[first_position[identity[repeated]]]
    repeats = list(zip(group_rows[repeated].tolist(), original_row.tolist(), strict=True))
    for row, original in repeats[:MAX_LISTED]:
        problems.add(
            f"the row repeats row {original} (the same values once trimmed, codes and the person "
            "compared ignoring case; expected each row once)",
            row,
        )
    problems.add_more(len(repeats) - MAX_LISTED, "that repeat an earlier row exactly")
    names = ", ".join(key)
    distinct = group.assign(_row=group_rows, _identity=identity).drop_duplicates("_identity")
    conflicts = distinct[distinct.duplicated(["person", key[2]], keep=False)]
    groups = list(conflicts.groupby(["person", key[2]], sort=False))
    for _, members in groups[:MAX_LISTED]:
        first = members.index[0]
        differ = [
            name
            for name in members.columns.drop(["person", "_row", "_identity"])
            if members[name].nunique(dropna=False) > 1
        ]
        shown = ", ".join(quote(raw[name].loc[first]) for name in key)
        problems.add(
            f"({shown}) is on more than one row, with different {', '.join(differ)} "
            f"(expected one row per {names})",
            "rows " + ", ".join(str(row) for row in members["_row"]),
            names,
        )
    problems.add_more(len(groups) - MAX_LISTED, f"of different rows for one {names}", unit="set(s)")
