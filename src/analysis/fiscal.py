"""U.S. federal fiscal years: 1 October to 30 September, named by the calendar year they end.

Every function takes a scalar (``datetime.date``, ``datetime.datetime``, ISO 8601 string or
``pandas.Timestamp``) or a ``pandas.Series`` of them, and answers in kind.
"""

from __future__ import annotations

import datetime as dt
from typing import overload

import pandas as pd

FIRST_MONTH = 10  # the fiscal year starts on 1 October
DateLike = dt.date | dt.datetime | str | pd.Timestamp


def _timestamps(value: DateLike | pd.Series) -> pd.Timestamp | pd.Series:
    if isinstance(value, pd.Series):
        return pd.to_datetime(value)
    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        raise ValueError(f"{value!r} is not a date")
    return stamp


@overload
def fiscal_year(value: pd.Series) -> pd.Series: ...
@overload
def fiscal_year(value: DateLike) -> int: ...
def fiscal_year(value: DateLike | pd.Series) -> int | pd.Series:
    """Return the fiscal year a date falls in (2011-10-01 and 2012-09-30 are both FY2012)."""
    stamp = _timestamps(value)
    if isinstance(stamp, pd.Series):
        years = stamp.dt.year + (stamp.dt.month >= FIRST_MONTH).astype("int64")
        return years.astype("Int64").rename(value.name)
    return int(stamp.year + (stamp.month >= FIRST_MONTH))


@overload
def fiscal_quarter(value: pd.Series) -> pd.Series: ...
@overload
def fiscal_quarter(value: DateLike) -> int: ...
def fiscal_quarter(value: DateLike | pd.Series) -> int | pd.Series:
    """Return the fiscal quarter 1-4 of a date (Q1 = October to December)."""
    stamp = _timestamps(value)
    if isinstance(stamp, pd.Series):
        quarters = ((stamp.dt.month - FIRST_MONTH) % 12) // 3 + 1
        return quarters.astype("Int64").rename(value.name)
    return (stamp.month - FIRST_MONTH) % 12 // 3 + 1


def fiscal_year_bounds(fy: int) -> tuple[dt.date, dt.date]:
    """Return the first and last day of fiscal year ``fy`` (FY2012: 2011-10-01, 2012-09-30)."""
    fy = _check_year(fy)
    return dt.date(fy - 1, FIRST_MONTH, 1), dt.date(fy, FIRST_MONTH - 1, 30)


def fiscal_year_label(fy: int | pd.Series) -> str | pd.Series:
    """Return the label ``FY2012`` for fiscal year 2012 (a Series of labels for a Series)."""
    if isinstance(fy, pd.Series):
        return "FY" + fy.astype("Int64").astype(str)
    return f"FY{_check_year(fy)}"


def fiscal_quarter_label(fy: int, quarter: int) -> str:
    """Return the label ``FY2012 Q1`` for the first quarter of fiscal year 2012."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1-4, not {quarter!r}")
    return f"{fiscal_year_label(fy)} Q{quarter}"


def _check_year(fy: int) -> int:
    if isinstance(fy, bool) or not isinstance(fy, int) or not 1 <= fy <= 9999:
        raise ValueError(f"a fiscal year is a whole number like 2012, not {fy!r}")
    return fy
