"""U.S. federal fiscal years: 1 October to 30 September, named by the calendar year they end.

Every function takes a scalar (``datetime.date``, ``datetime.datetime``, ISO 8601 string,
``numpy.datetime64`` or ``pandas.Timestamp``) or a ``pandas.Series`` of them, and answers in kind.

Missing values: a missing scalar (``None``, ``NaT``, ``""``) is an error (``ValueError``), because
a single date that is not a date is a mistake. In a Series, missing dates (``None``, ``NaT``,
``NaN``) are allowed and give ``<NA>`` (nullable ``Int64`` for years and quarters, ``<NA>`` labels),
so a column with some unknown dates keeps its length and index; text that is present but is not a
date raises ``ValueError``. Numbers are never read as dates (pandas would read them as nanoseconds
since 1970), so they raise ``ValueError`` too. A time zone is ignored: the date is the one on the
clock where it was recorded.
"""

from __future__ import annotations

import datetime as dt
import numbers
from typing import overload

import numpy as np
import pandas as pd

FIRST_MONTH = 10  # the fiscal year starts on 1 October
FIRST_YEAR, LAST_YEAR = 2, 9999  # fiscal years whose days are all valid calendar dates
DateLike = dt.date | dt.datetime | str | pd.Timestamp | np.datetime64


def _timestamps(value: DateLike | pd.Series) -> pd.Timestamp | pd.Series:
    """Return ``value`` as a Timestamp, or a Series as datetimes (missing values as NaT)."""
    if isinstance(value, pd.Series):
        if pd.api.types.is_datetime64_any_dtype(value.dtype):
            return value.dt.tz_localize(None) if value.dt.tz is not None else value
        if pd.api.types.is_numeric_dtype(value.dtype) and not value.isna().all():
            raise ValueError(f"expected dates, not numbers (dtype {value.dtype})")
        numbers_inside = value.map(lambda v: isinstance(v, numbers.Number) and not pd.isna(v))
        if numbers_inside.any():
            first = value[numbers_inside].iloc[0]
            raise ValueError(f"{first!r} is a number, not a date")
        try:
            return pd.to_datetime(value, format="ISO8601")
        except (ValueError, TypeError) as exc:
            raise ValueError(f"not a series of dates: {exc}") from exc
    if isinstance(value, bool | numbers.Number) or not isinstance(
        value, dt.date | str | np.datetime64
    ):
        raise ValueError(f"{value!r} is not a date")
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValueError(f"{value!r} is not a date") from exc
    if pd.isna(stamp):
        raise ValueError(f"{value!r} is not a date")
    return stamp.tz_localize(None) if stamp.tz is not None else stamp


def _calendar(value: DateLike) -> tuple[int, int]:
    """Return (year, month) of a scalar date; ``datetime.date`` is read without pandas."""
    if isinstance(value, dt.date) and not isinstance(value, pd.Timestamp) and value is not pd.NaT:
        return value.year, value.month
    stamp = _timestamps(value)
    return stamp.year, stamp.month


@overload
def fiscal_year(value: pd.Series) -> pd.Series: ...
@overload
def fiscal_year(value: DateLike) -> int: ...
def fiscal_year(value: DateLike | pd.Series) -> int | pd.Series:
    """Return the fiscal year a date falls in (2011-10-01 and 2012-09-30 are both FY2012)."""
    if isinstance(value, pd.Series):
        stamp = _timestamps(value)
        years = stamp.dt.year.astype("Int64") + (stamp.dt.month >= FIRST_MONTH).astype("Int64")
        return years.where(stamp.notna(), pd.NA).astype("Int64").rename(value.name)
    year, month = _calendar(value)
    return int(year + (month >= FIRST_MONTH))


@overload
def fiscal_quarter(value: pd.Series) -> pd.Series: ...
@overload
def fiscal_quarter(value: DateLike) -> int: ...
def fiscal_quarter(value: DateLike | pd.Series) -> int | pd.Series:
    """Return the fiscal quarter 1-4 of a date (Q1 = October to December)."""
    if isinstance(value, pd.Series):
        stamp = _timestamps(value)
        quarters = (stamp.dt.month.astype("Int64") - FIRST_MONTH) % 12 // 3 + 1
        return quarters.where(stamp.notna(), pd.NA).astype("Int64").rename(value.name)
    _, month = _calendar(value)
    return (month - FIRST_MONTH) % 12 // 3 + 1


def fiscal_year_bounds(fy: int) -> tuple[dt.date, dt.date]:
    """Return the first and last day of fiscal year ``fy`` (FY2012: 2011-10-01, 2012-09-30)."""
    fy = _check_year(fy)
    return dt.date(fy - 1, FIRST_MONTH, 1), dt.date(fy, FIRST_MONTH - 1, 30)


def fiscal_quarter_bounds(fy: int, quarter: int) -> tuple[dt.date, dt.date]:
    """Return the first and last day of a fiscal quarter (FY2012 Q2: 2012-01-01, 2012-03-31)."""
    fy = _check_year(fy)
    _check_quarter(quarter)
    if quarter == 4:
        return dt.date(fy, 7, 1), fiscal_year_bounds(fy)[1]
    month = (FIRST_MONTH - 1 + 3 * (quarter - 1)) % 12 + 1
    start = dt.date(fy - (month >= FIRST_MONTH), month, 1)
    return start, fiscal_quarter_bounds(fy, quarter + 1)[0] - dt.timedelta(days=1)


@overload
def fiscal_year_position(value: pd.Series) -> pd.Series: ...
@overload
def fiscal_year_position(value: DateLike) -> float: ...
def fiscal_year_position(value: DateLike | pd.Series) -> float | pd.Series:
    """Return a date as a point on a fiscal-year axis whose column FY N runs from N-0.5 to N+0.5.

    1 October 2011 is 2011.5 (the left edge of FY2012), 1 April 2012 is about 2012.0 (its middle),
    30 September 2012 is just under 2012.5. Charts put bars and event markers on this axis.
    """
    if isinstance(value, pd.Series):
        return value.map(lambda v: np.nan if pd.isna(v) else fiscal_year_position(v))
    fy = fiscal_year(value)
    first, last = fiscal_year_bounds(fy)
    day = _timestamps(value).date()
    return fy - 0.5 + (day - first).days / ((last - first).days + 1)


def fiscal_year_label(fy: int | pd.Series) -> str | pd.Series:
    """Return the label ``FY2012`` for fiscal year 2012 (a Series of labels, ``<NA>`` kept)."""
    if isinstance(fy, pd.Series):
        years = fy.astype("Int64")
        return ("FY" + years.astype("string")).astype(object).where(years.notna(), pd.NA)
    return f"FY{_check_year(fy)}"


def fiscal_quarter_label(fy: int, quarter: int) -> str:
    """Return the label ``FY2012 Q1`` for the first quarter of fiscal year 2012."""
    _check_quarter(quarter)
    return f"{fiscal_year_label(fy)} Q{quarter}"


def _check_quarter(quarter: int) -> None:
    if isinstance(quarter, bool) or quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1-4, not {quarter!r}")


def _check_year(fy: int) -> int:
    if (
        isinstance(fy, bool)
        or not isinstance(fy, numbers.Integral)
        or not FIRST_YEAR <= fy <= LAST_YEAR
    ):
        raise ValueError(
            f"a fiscal year is a whole number from {FIRST_YEAR} to {LAST_YEAR} "
            f"like 2012, not {fy!r}"
        )
    return int(fy)
