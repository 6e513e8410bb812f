"""Checking records against the contract: each column's rule and dates (rows: ``rows``)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime

import numpy as np
import pandas as pd

from analysis.records.reading.contract import (
    _DATE_PATTERN,
    _SERIAL_PATTERN,
    DATE_EXPECTED,
    DATE_FLOOR,
    EXCEL_DAY_ZERO,
    PARSED_BY_VALUE,
    Column,
)
from analysis.records.reading.labels import header_key
from analysis.records.reading.mapping import FileMapping
from analysis.records.reading.problems import MAX_LISTED, Problems, quote
from analysis.records.reading.rows import (
    _check_closure_people,
    _check_duplicates,
    _check_referral_order,
    _check_reserved,
)

# What callers name as ``validation.X``: the column rules here, the rules across rows beside.
__all__ = [
    "_check_closure_people",
    "_check_duplicates",
    "_check_referral_order",
    "_check_reserved",
    "_normalize",
    "_normalize_column",
    "_parse_dates",
    "_parse_whole",
    "_parsed_by_value",
    "check_date_format",
]


def _normalize(
    raw: pd.DataFrame,
    rows: np.ndarray,
    rules: dict[str, Column],
    problems: Problems,
    today: date | None,
    date_format: str | None = None,
    mapping: FileMapping | None = None,
) -> pd.DataFrame:
    """Check each contract column against its rule and return the normalized frame.

    A ``mapping`` recodes the values it names (compared as headers are) before the codes are
    checked.
    """
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
        columns[name] = _normalize_column(
            name, rule, values, rows, problems, limit, date_format, mapping
        )
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
    mapping: FileMapping | None = None,
) -> pd.Series:
    """Check one column against its rule; return it normalized (codes recoded by ``mapping``)."""
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
        recode = mapping.values.get(name) if mapping else None
        if recode:
            mapped = distinct.values.map(lambda value: recode.get(header_key(value)))
            codes = mapped.where(mapped.notna(), codes).astype(codes.dtype)
        if rule.blank_is_unknown:
            codes = codes.where(~empty, "unknown")
        bad = distinct.spread(~(codes.isin(rule.codes).to_numpy() | empty))  # blanks: above
        problems.add_rows(
            bad,
            rows,
            name,
            distinct.rows() if bad.any() else values,
            f"{{value}} is not a known code (expected one of: {', '.join(rule.codes)}"
            f"{mapping.hint(name) if mapping else ''})",
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
        implausible = (numbers > rule.high).to_numpy()
        problems.add_rows(
            distinct.spread(implausible),
            rows,
            name,
            values,
            f"{{value}} is more than {rule.high}, the most one family count can "
            f"plausibly be (expected a whole number from 0 to {rule.high}; blank means 0)",
            f"with counts above {rule.high}",
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
