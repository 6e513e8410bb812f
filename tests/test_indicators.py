"""Counting client records: hand-checked frames, and a slow reference on random frames."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.records import counting, reading
from analysis.records.counting import indicators

PERIODS = pd.DataFrame(
    {"cohort": [1, 2], "first_fiscal_year": [2012, 2016], "last_fiscal_year": [2015, 2018]}
)


def entries_frame(rows: list[dict]) -> pd.DataFrame:
    """A normalized entries frame as ``reading.read_entries`` returns it (blanks filled)."""
    defaults = {
        "intake_type": "new",
        "matched_within_48h": "unknown",
        "eligibility_status": "unknown",
        "trafficking_type": "unknown",
        "acf_region": pd.NA,
        **{column: 0 for column in reading.FAMILY_COLUMNS},
    }
    frame = pd.DataFrame([defaults | row for row in rows])
    frame["intake_date"] = pd.to_datetime(frame["intake_date"])
    frame["grantee"] = frame["grantee"].astype(str)
    frame["client_id"] = frame["client_id"].astype(str)
    frame["acf_region"] = frame["acf_region"].astype("Int64")
    for column in reading.FAMILY_COLUMNS:
        frame[column] = frame[column].astype("int64")
    return frame


# A person re-enters across the fiscal-year boundary and again two years later; family counts
# change between entries; the Total counts each person once with their latest family.
HAND = [
    dict(grantee="G", client_id="a", intake_date="2015-09-30", family_parents=1,
         trafficking_type="sex", acf_region=2),
    dict(grantee="G", client_id="a", intake_date="2015-10-01", intake_type="reopened",
         family_spouse=1, family_children_under_18=2, trafficking_type="labor"),
    dict(grantee="g ", client_id="A", intake_date="2017-03-15", intake_type="reopened"),
    dict(grantee="G", client_id="b", intake_date="2015-10-15", family_siblings=1,
         trafficking_type="both", eligibility_status="pre-certified", acf_region=1),
    dict(grantee="G", client_id="b", intake_date="2015-12-31", intake_type="reopened",
         family_siblings=2, trafficking_type="both", eligibility_status="certified",
         acf_region=1),
    dict(grantee="H", client_id="a", intake_date="2016-06-30", family_children_18_plus=4,
         trafficking_type="sex", eligibility_status="certified", acf_region=4),
]  # fmt: skip


@pytest.fixture
def prepared() -> pd.DataFrame:
    return counting.prepare(entries_frame(HAND), PERIODS)


def rows(table: pd.DataFrame) -> list[list]:
    return table.astype(object).to_numpy().tolist()


def test_fiscal_years_by_hand(prepared):
    # FY2015: a (family 1). FY2016: a (latest in FY2016: 3), b (latest: 2), H/a (4).
    # FY2017: a (0). Total: 3 persons, latest overall: a 0, b 2, H/a 4.
    assert rows(counting.clients_by_fiscal_year(prepared)) == [
        ["2015", 1, 1, 1, 2],
        ["2016", 4, 3, 9, 12],
        ["2017", 1, 1, 0, 1],
        ["Total", 6, 3, 6, 9],
    ]


def test_total_is_not_the_sum_of_years(prepared):
    table = counting.clients_by_fiscal_year(prepared)
    years, total = table.iloc[:-1], table.iloc[-1]
    assert years["victims"].sum() == 5 and total["victims"] == 3
    assert years["entries"].sum() == total["entries"]


def test_quarters_by_hand(prepared):
    assert rows(counting.clients_by_quarter(prepared)) == [
        ["2015", "4", 1, 1, 1, 2],
        ["2016", "1", 3, 2, 5, 7],
        ["2016", "3", 1, 1, 4, 5],
        ["2017", "2", 1, 1, 0, 1],
        ["Total", "", 6, 3, 6, 9],
    ]


def test_grantees_are_matched_case_insensitively(prepared):
    assert rows(counting.clients_by_grantee(prepared)) == [
        ["G", 2, 2, 4],
        ["H", 1, 4, 5],
        ["Total", 3, 6, 9],
    ]


def test_cohorts_by_hand(prepared):
    # Cohort 1 (FY2012-2015): a once. Cohort 2: a (latest in cohort: FY2017, 0), b (2), H/a (4).
    assert rows(counting.clients_by_cohort(prepared)) == [
        ["1", 1, 1, 1, 2],
        ["2", 5, 3, 6, 9],
        ["Total", 6, 3, 6, 9],
    ]


def test_entries_outside_every_cohort_are_none():
    frame = entries_frame([dict(grantee="G", client_id="z", intake_date="2020-01-01")])
    table = counting.clients_by_cohort(counting.prepare(frame, PERIODS))
    assert rows(table) == [["none", 1, 1, 0, 1], ["Total", 1, 1, 0, 1]]


def test_latest_entry_decides_type_region_and_status(prepared):
    assert rows(counting.victims_by_trafficking_type(prepared)) == [
        ["sex", 1],
        ["labor", 0],
        ["both", 1],
        ["unknown", 1],
        ["Total", 3],
    ]
    regions = counting.victims_by_acf_region(prepared)
    assert regions["acf_region"].tolist() == [*map(str, range(1, 11)), "unknown", "Total"]
    assert dict(zip(regions["acf_region"], regions["victims"], strict=True)) == {
        **{str(r): 0 for r in range(1, 11)},
        "1": 1,
        "4": 1,
        "unknown": 1,
        "Total": 3,
    }
    assert rows(counting.victims_by_eligibility_status(prepared)) == [
        ["pre-certified", 0],
        ["certified", 2],
        ["interim-assistance", 0],
        ["eligibility-letter", 0],
        ["unknown", 1],
        ["Total", 3],
    ]


def test_counts_are_int64(prepared):
    table = counting.clients_by_fiscal_year(prepared)
    assert all(table[c].dtype == "int64" for c in counting.CLIENT_COUNTS)


def test_closure_outcomes_count_every_closure():
    closures = pd.DataFrame(
        {
            "grantee": ["G", "G", "H"],
            "client_id": ["a", "a", "a"],
            "closure_date": pd.to_datetime(["2015-09-30", "2017-06-01", "2016-07-01"]),
            "obtained_cp_or_t_visa": ["yes", "unknown", "no"],
            "obtained_certification_or_eligibility": ["yes", "yes", "yes"],
            "referred_for_continued_case_management": ["no", "no", "unknown"],
        }
    )
    assert rows(counting.closure_outcomes(closures)) == [
        ["obtained_cp_or_t_visa", 1, 1, 1, 3],
        ["obtained_certification_or_eligibility", 3, 0, 0, 3],
        ["referred_for_continued_case_management", 0, 2, 1, 3],
    ]


# A slow, obviously-correct reference: loop over persons in Python.
def reference(frame: pd.DataFrame, period) -> dict:
    frame = frame.assign(
        key=reading.person_key(frame),
        fam=frame[list(reading.FAMILY_COLUMNS)].sum(axis=1),
        period=frame["intake_date"].map(period),
    )
    out = {}
    for label, group in frame.groupby("period"):
        latest = {}
        for row in group.itertuples():
            if row.key not in latest or row.intake_date >= latest[row.key].intake_date:
                latest[row.key] = row
        out[str(label)] = (len(group), len(latest), sum(r.fam for r in latest.values()))
    return out


def fiscal_year(date) -> int:
    return date.year + (date.month >= 10)


people = st.tuples(st.sampled_from(["G", "g", "H"]), st.sampled_from(["a", "A", "b", "c"]))
entry = st.tuples(
    people,
    st.dates(pd.Timestamp("2011-09-01").date(), pd.Timestamp("2019-12-31").date()),
    st.lists(st.integers(0, 3), min_size=5, max_size=5),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(entry, min_size=1, max_size=25))
def test_counts_match_a_per_person_reference(drawn):
    seen, rows_ = set(), []
    for (grantee, client), day, family in drawn:
        if (grantee.casefold(), client.casefold(), day) in seen:
            continue  # one person, one day: an input error the reader rejects
        seen.add((grantee.casefold(), client.casefold(), day))
        rows_.append(
            dict(grantee=grantee, client_id=client, intake_date=str(day))
            | dict(zip(reading.FAMILY_COLUMNS, family, strict=True))
        )
    frame = entries_frame(rows_)
    table = counting.clients_by_fiscal_year(counting.prepare(frame, PERIODS))
    expected = reference(frame, fiscal_year)
    got = {r[0]: tuple(r[1:4]) for r in rows(table)}
    total = got.pop("Total")
    assert got == expected
    assert total == reference(frame, lambda _: "all")["all"]
    assert table["clients"].tolist() == (table["victims"] + table["family_members"]).tolist()


names = st.text(alphabet=st.sampled_from(list("aAbBß sSẞıIİ")), min_size=1, max_size=4)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(names, names), min_size=1, max_size=12))
def test_persons_are_those_of_person_key(pairs):
    frame = pd.DataFrame(pairs, columns=["grantee", "client_id"])
    frame = frame[(frame["grantee"].str.strip() != "") & (frame["client_id"].str.strip() != "")]
    codes = pd.Series(indicators._persons(frame), index=frame.index)
    keys = reading.person_key(frame)
    # Same partition: two rows share a code exactly when they share a key.
    assert codes.groupby(keys).nunique().eq(1).all()
    assert keys.groupby(codes).nunique().eq(1).all()
