"""Fiscal years and quarters on both sides of every boundary, for every kind of date."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.published import fiscal

# Dates whose fiscal year has valid bounds (FY2 to FY9999).
DATES = st.dates(min_value=dt.date(1, 10, 1), max_value=dt.date(9999, 9, 30))


@pytest.mark.parametrize(
    ("day", "year", "quarter"),
    [
        ("2011-09-30", 2011, 4),
        ("2011-10-01", 2012, 1),
        ("2011-12-31", 2012, 1),
        ("2012-01-01", 2012, 2),
        ("2012-03-31", 2012, 2),
        ("2012-04-01", 2012, 3),
        ("2012-06-30", 2012, 3),
        ("2012-07-01", 2012, 4),
        ("2012-09-30", 2012, 4),
        ("2012-10-01", 2013, 1),
        ("2012-02-29", 2012, 2),
        ("2016-02-29", 2016, 2),
        ("2000-02-29", 2000, 2),
        ("1999-10-01", 2000, 1),
        ("1999-09-30", 1999, 4),
    ],
)
def test_boundaries_for_every_kind_of_date(day: str, year: int, quarter: int) -> None:
    as_date = dt.date.fromisoformat(day)
    kinds = [
        day,
        as_date,
        dt.datetime(as_date.year, as_date.month, as_date.day, 23, 59, 59),
        pd.Timestamp(day),
        np.datetime64(day),
        f"{day}T12:30:00",
    ]
    for value in kinds:
        assert fiscal.fiscal_year(value) == year, value
        assert fiscal.fiscal_quarter(value) == quarter, value
    first, last = fiscal.fiscal_year_bounds(year)
    assert first <= as_date <= last
    q_first, q_last = fiscal.fiscal_quarter_bounds(year, quarter)
    assert q_first <= as_date <= q_last


def test_bounds_and_labels() -> None:
    assert fiscal.fiscal_year_bounds(2012) == (dt.date(2011, 10, 1), dt.date(2012, 9, 30))
    assert fiscal.fiscal_year_label(2012) == "FY2012"
    assert fiscal.fiscal_quarter_label(2012, 1) == "FY2012 Q1"
    assert fiscal.fiscal_quarter_bounds(2012, 2) == (dt.date(2012, 1, 1), dt.date(2012, 3, 31))
    assert fiscal.fiscal_quarter_bounds(2016, 2)[1] == dt.date(2016, 3, 31)
    assert fiscal.fiscal_year_bounds(np.int64(2016)) == fiscal.fiscal_year_bounds(2016)


def test_timezone_aware_timestamp_uses_its_own_clock_date() -> None:
    stamp = pd.Timestamp("2011-09-30 23:30", tz="America/Chicago")
    assert fiscal.fiscal_year(stamp) == 2011


def test_series_answers_in_kind_and_keeps_missing_dates_as_na() -> None:
    dates = pd.Series(["2011-09-30", None, "2011-10-01", "2012-07-01"], name="intake_date")
    years = fiscal.fiscal_year(dates)
    quarters = fiscal.fiscal_quarter(dates)
    assert str(years.dtype) == "Int64" and years.name == "intake_date"
    assert years.tolist()[0] == 2011 and years.tolist()[2:] == [2012, 2012]
    assert pd.isna(years.iloc[1]) and pd.isna(quarters.iloc[1])
    assert quarters.dropna().tolist() == [4, 1, 4]
    labels = fiscal.fiscal_year_label(years)
    assert labels.iloc[0] == "FY2011" and pd.isna(labels.iloc[1])


def test_series_of_datetimes_dates_and_nat() -> None:
    values = pd.Series([dt.date(2016, 2, 29), pd.NaT, dt.datetime(2016, 10, 1, 8)])
    assert fiscal.fiscal_year(values).tolist()[::2] == [2016, 2017]
    stamps = pd.Series(pd.to_datetime(["2016-09-30", None, "2016-10-01"]))
    assert fiscal.fiscal_year(stamps).dropna().tolist() == [2016, 2017]
    assert fiscal.fiscal_year(pd.Series([], dtype="datetime64[ns]")).empty


def test_series_keeps_its_index() -> None:
    dates = pd.Series(["2012-01-01", "2012-10-01"], index=[7, 3])
    assert list(fiscal.fiscal_year(dates).index) == [7, 3]


@pytest.mark.parametrize(
    "bad", [None, "", "not a date", "2011-02-29", "2012-13-01", 2012, 2012.0, True, pd.NaT, []]
)
def test_bad_scalar_raises_value_error(bad: object) -> None:
    with pytest.raises(ValueError):
        fiscal.fiscal_year(bad)
    with pytest.raises(ValueError):
        fiscal.fiscal_quarter(bad)


@pytest.mark.parametrize(
    "bad",
    [
        pd.Series(["2012-01-01", "soon"]),
        pd.Series(["2011-02-29"]),
        pd.Series([20120101, 20121001]),
        pd.Series(["2012-01-01", 5]),
    ],
)
def test_bad_series_raises_value_error(bad: pd.Series) -> None:
    with pytest.raises(ValueError):
        fiscal.fiscal_year(bad)


@pytest.mark.parametrize("bad", [0, 1, 10000, 2012.0, "2012", True, None])
def test_bad_fiscal_year_raises_value_error(bad: object) -> None:
    with pytest.raises(ValueError):
        fiscal.fiscal_year_bounds(bad)
    with pytest.raises(ValueError):
        fiscal.fiscal_year_label(bad)


@pytest.mark.parametrize("bad", [0, 5, True, "1"])
def test_bad_quarter_raises_value_error(bad: object) -> None:
    with pytest.raises(ValueError):
        fiscal.fiscal_quarter_label(2012, bad)
    with pytest.raises(ValueError):
        fiscal.fiscal_quarter_bounds(2012, bad)


def test_position_puts_each_fiscal_year_in_its_column() -> None:
    assert fiscal.fiscal_year_position("2011-10-01") == 2011.5
    assert fiscal.fiscal_year_position("2012-09-30") < 2012.5
    assert fiscal.fiscal_year_position("2012-10-01") == 2012.5
    positions = fiscal.fiscal_year_position(pd.Series(["2012-04-01", None]))
    assert positions.iloc[0] == pytest.approx(2012.0, abs=0.01) and pd.isna(positions.iloc[1])


@given(DATES)
def test_date_lies_within_the_bounds_of_its_fiscal_year(day: dt.date) -> None:
    first, last = fiscal.fiscal_year_bounds(fiscal.fiscal_year(day))
    assert first <= day <= last
    assert (first.month, first.day, last.month, last.day) == (10, 1, 9, 30)


@given(DATES)
def test_quarter_is_consistent_with_the_bounds(day: dt.date) -> None:
    year, quarter = fiscal.fiscal_year(day), fiscal.fiscal_quarter(day)
    first, _ = fiscal.fiscal_year_bounds(year)
    months_in = (day.year - first.year) * 12 + day.month - first.month
    assert quarter == months_in // 3 + 1
    q_first, q_last = fiscal.fiscal_quarter_bounds(year, quarter)
    assert q_first <= day <= q_last


@given(st.dates(min_value=dt.date(1, 10, 1), max_value=dt.date(9999, 9, 29)))
def test_consecutive_days_change_fiscal_year_only_on_1_october(day: dt.date) -> None:
    following = day + dt.timedelta(days=1)
    changed = fiscal.fiscal_year(following) != fiscal.fiscal_year(day)
    assert changed == (following.month == 10 and following.day == 1)
    if changed:
        assert fiscal.fiscal_year(following) == fiscal.fiscal_year(day) + 1
        assert fiscal.fiscal_quarter(following) == 1 and fiscal.fiscal_quarter(day) == 4


@given(st.lists(st.dates(min_value=dt.date(1678, 1, 1), max_value=dt.date(2261, 12, 31))))
def test_series_agrees_with_scalars(days: list[dt.date]) -> None:
    series = pd.Series([d.isoformat() for d in days], dtype=object)
    assert fiscal.fiscal_year(series).tolist() == [fiscal.fiscal_year(d) for d in days]
    assert fiscal.fiscal_quarter(series).tolist() == [fiscal.fiscal_quarter(d) for d in days]


@given(DATES)
def test_position_rounds_to_the_fiscal_year(day: dt.date) -> None:
    position = fiscal.fiscal_year_position(day)
    assert fiscal.fiscal_year(day) - 0.5 <= position < fiscal.fiscal_year(day) + 0.5
