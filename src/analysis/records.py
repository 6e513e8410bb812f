"""Client records (TVAP performance-report entries and closures): the file contract.

Columns are snake_case; unknown extra columns are kept. Values are matched case-insensitively
and trimmed. A person is (grantee, client_id), compared case-insensitively.
The answer lists below for free-text fields are not published by OTIP; the code lists are the
project's own (see docs in data/README.md and the notebook on client records).

``read_entries`` and ``read_closures`` read CSV (UTF-8, with or without BOM), Parquet or XLSX
(first sheet), check every rule over the whole file, and raise one ``InputError`` listing all
violations (file, spreadsheet row with header = row 1, column, value, what was expected; at
most ``MAX_LISTED`` per column and rule, the rest counted). They return normalized frames:
contract columns in contract order then extra columns; dates as datetime64 (NaT if blank);
codes lower-case with blank = "unknown" where the contract says so; family counts int64
(blank = 0); age and region nullable Int64; text trimmed, "" for blank. A date may carry a
time of day (``2016-01-05 00:00:00``, ``2016-01-05T09:30``); the time is ignored.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analysis.errors import InputError

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
    """Trim and case-fold text (``str.casefold``); fast for ASCII, exact for all Unicode."""
    values = values.astype("str").str.strip()
    folded = values.str.lower()
    wide = ~values.str.isascii().fillna(True).astype(bool)
    if wide.any():
        folded = folded.mask(wide, values[wide].str.casefold())
    return folded


# ---------------------------------------------------------------------------------------------
# Reading and validation
# ---------------------------------------------------------------------------------------------

FILE_TYPES = (".csv", ".parquet", ".xlsx")
SYNTHETIC_COLUMN = "data_origin"
SYNTHETIC_VALUE = "synthetic"
MAX_LISTED = 50
"""At most this many problems are listed per column and rule; the rest are counted."""

DATE_EXPECTED = "expected YYYY-MM-DD"
PARSED_BY_VALUE = ("date", "code", "count", "whole")
# A date, optionally followed by a time of day (as spreadsheets and Parquet timestamps give);
# the time is ignored.
_DATE_PATTERN = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?"


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


def read_entries(path: str | Path, *, today: date | None = None) -> pd.DataFrame:
    """Read and validate an entries file (CSV, Parquet or XLSX); return the normalized frame.

    Every rule of the contract is checked over the whole file; all violations are raised
    together as one ``InputError``. ``today`` (default: the current date) bounds the dates.
    """
    path = Path(path)
    raw, rows = read_table(path, _parsed_by_value(ENTRY_RULES))
    problems = Problems(path.name)
    frame = _normalize(raw, rows, ENTRY_RULES, problems, today)
    if "intake_date" in raw and "referral_date" in raw:
        _check_referral_order(frame, raw, rows, problems)
    if {"grantee", "client_id", "intake_date"} <= set(raw.columns):
        person = person_codes(frame)[0]
        key = ("grantee", "client_id", "intake_date")
        _check_duplicates(frame, raw, rows, key, person, problems)
    problems.raise_if_any(path, "entries")
    return frame


def read_closures(
    path: str | Path, entries: pd.DataFrame, *, today: date | None = None
) -> pd.DataFrame:
    """Read and validate a closures file against the (already read) entries.

    Besides the column rules, each closure's person must have an entry and its closure_date
    must not be before that person's first intake_date.
    """
    path = Path(path)
    raw, rows = read_table(path, _parsed_by_value(CLOSURE_RULES))
    problems = Problems(path.name)
    frame = _normalize(raw, rows, CLOSURE_RULES, problems, today)
    if {"grantee", "client_id"} <= set(raw.columns):
        person = _check_closure_people(frame, raw, rows, entries, problems)
        if "closure_date" in raw:
            key = ("grantee", "client_id", "closure_date")
            _check_duplicates(frame, raw, rows, key, person, problems)
    problems.raise_if_any(path, "closures")
    return frame


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
    path: Path, untrimmed: frozenset[str] = frozenset()
) -> tuple[pd.DataFrame, np.ndarray]:
    """Read a records file as text: every column a trimmed string, blanks as "".

    Returns the frame (header names trimmed, contract names lower-cased, rows whose cells are
    all blank dropped) and each row's spreadsheet row number (header = row 1). Columns named in
    ``untrimmed`` are left as read, for a caller that trims each distinct value instead.
    """
    if path.suffix.lower() not in FILE_TYPES:
        raise InputError(
            f"{path.name}: unsupported file type {path.suffix or '(none)'!r} "
            f"(expected one of {', '.join(FILE_TYPES)})",
            heading=f"{path}: cannot be read",
        )
    if not path.is_file():
        raise InputError(f"{path.name}: no such file", heading=f"{path}: cannot be read")
    if path.stat().st_size == 0:
        raise InputError(
            f"{path.name}: the file is empty (expected a header row and at least one data row)",
            heading=f"{path}: cannot be read",
        )
    reader = {".csv": _read_csv, ".parquet": _read_parquet, ".xlsx": _read_xlsx}
    frame = reader[path.suffix.lower()](path)
    frame = _tidy_header(frame, path)
    for name in frame.columns:  # each reader gives "" (never null) for a blank cell
        if name not in untrimmed:
            frame[name] = frame[name].str.strip()
    rows = np.arange(len(frame), dtype=np.int64) + 2
    if len(frame.columns):
        blank_row = (frame.iloc[:, 0].str.strip() == "").to_numpy().copy()
        candidates = np.flatnonzero(blank_row)
        if len(candidates):
            cells = frame.iloc[candidates].apply(lambda column: column.str.strip() == "")
            blank_row[candidates] = cells.all(axis=1).to_numpy()
        if blank_row.any():
            frame = frame.loc[~blank_row].reset_index(drop=True)
            rows = rows[~blank_row]
    if frame.empty:
        raise InputError(
            f"{path.name}: the file has a header row but no data rows "
            "(expected at least one data row)",
            heading=f"{path}: cannot be read",
        )
    return frame, rows


def _tidy_header(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Match contract column names case-insensitively (other names are only trimmed).

    Unnamed columns without values are dropped; repeated names are errors.
    """
    known = {*ENTRY_COLUMNS, *CLOSURE_COLUMNS, SYNTHETIC_COLUMN}
    names = [str(name).strip() for name in frame.columns]
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


def _read_csv(path: Path) -> pd.DataFrame:
    """Read a UTF-8 CSV (with or without BOM) with every column as text."""
    with path.open("rb") as handle:
        first_line = handle.readline()
    try:
        header_text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError:
        _raise_not_utf8(path)
    header = next(csv.reader([header_text]), [])
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
    if len(set(header)) != len(header):
        repeated = sorted({name for name in header if header.count(name) > 1})
        raise InputError(
            [
                f"{path.name}, row 1: column {name!r} appears more than once (expected once)"
                for name in repeated
            ],
            heading=f"{path}: cannot be read",
        )
    bad_rows: list[str] = []

    def invalid_row(row: pacsv.InvalidRow) -> str:
        if not row.text.strip():  # a line of spaces, like an empty line, is not a row
            return "skip"
        bad_rows.append(
            f"{path.name}: a line has {row.actual_columns} field(s) (expected "
            f"{row.expected_columns}, as in the header): {quote(row.text)}"
        )
        return "skip"

    try:
        table = pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, invalid_row_handler=invalid_row
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.large_string() for name in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as error:
        if "UTF8" in str(error) or "utf8" in str(error).lower():
            _raise_not_utf8(path)
        raise InputError(
            f"{path.name}: cannot be read as CSV ({error})", heading=f"{path}: cannot be read"
        ) from None
    if bad_rows:
        listed = bad_rows[:MAX_LISTED]
        if len(bad_rows) > MAX_LISTED:
            listed.append(f"{path.name}: {len(bad_rows) - MAX_LISTED} more such line(s)")
        raise InputError(listed, heading=f"{path}: {len(bad_rows)} malformed line(s)")
    text = pd.StringDtype(na_value=np.nan)
    return table.to_pandas(types_mapper={pa.large_string(): text, pa.string(): text}.get)


def _raise_not_utf8(path: Path) -> NoReturn:
    """Raise ``InputError`` naming the line and byte where the file stops being UTF-8."""
    data = path.read_bytes()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
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

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as error:
        raise InputError(
            f"{path.name}: cannot be read as Parquet ({error})", heading=f"{path}: cannot be read"
        ) from None
    frame = pd.DataFrame({i: _arrow_text(table.column(i)) for i in range(table.num_columns)})
    return frame.set_axis(table.column_names, axis=1)


def _arrow_text(column: pa.ChunkedArray) -> pd.Series:
    """Render one Parquet column as text: dates as YYYY-MM-DD, nulls as ""."""
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
        except pa.ArrowNotImplementedError:
            return pd.Series(
                ["" if value is None else str(value) for value in column.to_pylist()],
                dtype="str",
            )
    column = pc.fill_null(column, "")
    return pd.Series(column.to_pandas(), dtype="str")


def _read_xlsx(path: Path) -> pd.DataFrame:
    """Read the first sheet of an XLSX workbook, turning every cell into text."""
    try:
        sheet = pd.read_excel(
            path, sheet_name=0, dtype=object, header=None, engine="openpyxl", na_filter=False
        )
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise InputError(
            f"{path.name}: cannot be read as an Excel workbook (.xlsx) "
            f"({type(error).__name__}: {error})",
            heading=f"{path}: cannot be read",
        ) from None
    if sheet.empty:
        raise InputError(
            f"{path.name}: the first sheet is empty (expected a header row and at least one "
            "data row)",
            heading=f"{path}: cannot be read",
        )
    header = [_cell_text(value) for value in sheet.iloc[0]]
    body = sheet.iloc[1:]
    return pd.DataFrame(
        {
            position: pd.Series([_cell_text(value) for value in body[column]], dtype="str")
            for position, column in enumerate(sheet.columns)
        }
    ).set_axis(header, axis=1)


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
            columns[name] = _normalize_column(name, rule, raw[name], rows, problems, limit)
        else:  # reported above if required; an absent optional column is all blank
            optional = replace(rule, required=False)
            columns[name] = _normalize_column(name, optional, blank, rows, problems, limit)
    extras = {name: raw[name] for name in raw.columns if name not in rules}
    return pd.DataFrame({**columns, **extras}, index=raw.index)


def _normalize_column(
    name: str,
    rule: Column,
    values: pd.Series,
    rows: np.ndarray,
    problems: Problems,
    today: pd.Timestamp,
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
        return _normalize_dates(name, values, distinct, empty, rows, problems, today)
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
) -> pd.Series:
    """Parse a date column; report values that are not dates or are after ``today``."""
    parsed = _parse_dates(distinct.values)
    bad = (~empty) & parsed.isna().to_numpy()
    problems.add_rows(
        distinct.spread(bad),
        rows,
        name,
        values,
        f"{{value}} is not a date ({DATE_EXPECTED})",
        "that are not dates",
    )
    problems.add_rows(
        distinct.spread((parsed > today).to_numpy()),
        rows,
        name,
        values,
        f"{{value}} is in the future (expected on or before today, {today:%Y-%m-%d})",
        "with dates in the future",
    )
    return distinct.series(parsed)


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


def _parse_dates(values: pd.Series) -> pd.Series:
    """Parse ISO dates (an optional time of day is ignored); NaT where not a real date."""
    iso = values.str.fullmatch(_DATE_PATTERN).fillna(False).astype(bool)
    return pd.to_datetime(
        values.str.slice(0, 10).where(iso), format="%Y-%m-%d", errors="coerce"
    ).astype("datetime64[us]")


def _parse_whole(values: pd.Series) -> pd.Series:
    """Parse whole numbers ("2" or "2.0"); NaN where blank, fractional or not a number."""
    numbers = pd.to_numeric(values.astype(object), errors="coerce").astype("float64")
    exact = np.isfinite(numbers) & (numbers.abs() <= 2**53)  # beyond that, not a count
    whole = exact & (np.floor(numbers) == numbers)
    return numbers.where(whole)


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
        exact = [value.casefold() for value in pc.filter(text, wide).to_pylist()]
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
