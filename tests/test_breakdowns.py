"""The breakdown tables (who the clients are, how fast they were served) on a hand-checked file."""

from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from analysis import cli
from analysis.records import counting, disclosure, ppr, reading
from analysis.records.counting import breakdowns

FIXTURE = Path(__file__).parent / "fixtures" / "breakdowns" / "entries.csv"
THRESHOLD = 3
PERIODS = pd.DataFrame(
    {"cohort": [1, 2], "first_fiscal_year": [2012, 2016], "last_fiscal_year": [2015, 2018]}
)


@pytest.fixture(scope="module")
def exact() -> dict[str, pd.DataFrame]:
    entries = reading.read_entries(FIXTURE)
    return ppr.count(entries, None, PERIODS, threshold=THRESHOLD, coarser=True)


def rows(table: pd.DataFrame) -> list[list]:
    return table.astype(object).to_numpy().tolist()


def test_gender_identity_by_hand(exact):
    assert rows(exact["gender_identity"]) == [
        ["female", 5],
        ["andrógino", 3],
        ["male", 3],
        ["another identity", 3],
        ["unknown", 2],
        ["Total", 16],
    ]
    # The NFC and the NFD spellings were joined, and the label shown is NFC.
    label = exact["gender_identity"]["gender_identity"].iloc[1]
    assert label == unicodedata.normalize("NFC", label)


def test_age_bands_by_hand(exact):
    assert rows(exact["age_band"]) == [
        ["under 18", 2],
        ["18-24", 2],
        ["25-34", 3],
        ["35-44", 2],
        ["45-54", 2],
        ["55 and over", 3],
        ["unknown", 2],
        ["Total", 16],
    ]


def test_countries_and_referral_sources_by_hand(exact):
    assert rows(exact["country_of_origin"]) == [
        ["mexico", 4],
        ["honduras", 3],
        ["all other countries", 4],
        ["unknown", 5],
        ["Total", 16],
    ]
    assert rows(exact["referral_source"]) == [
        ["hotline", 6],
        ["law enforcement", 3],
        ["all other sources", 3],
        ["unknown", 4],
        ["Total", 16],
    ]


def test_matched_within_48h_by_hand(exact):
    assert rows(exact["matched_within_48h"]) == [
        ["2016", "1", 2, 1, 1, 4],
        ["2016", "2", 3, 0, 1, 4],
        ["2017", "1", 2, 2, 1, 5],
        ["2017", "3", 3, 0, 1, 4],
        ["Total", "", 10, 3, 4, 17],
    ]
    shown = ppr.protect(exact, threshold=THRESHOLD, suppress=False, periods=PERIODS)
    assert shown["matched_within_48h"]["percent_yes"].tolist() == [
        "50.0",
        "75.0",
        "40.0",
        "75.0",
        "58.8",
    ]


def test_days_referral_to_intake_by_hand(exact):
    # FY2017 has two persons with a referral date, fewer than the threshold: no row at all.
    assert rows(exact["days_referral_to_intake"]) == [
        ["2016", "2.5", "1.25", "4.5"],
        ["Total", "4", "1.75", "7.75"],
    ]


def test_days_total_is_blank_below_the_threshold(exact):
    entries = reading.read_entries(FIXTURE)
    table = ppr.count(entries, None, PERIODS, threshold=9)["days_referral_to_intake"]
    assert rows(table) == [["Total", "", "", ""]]


def test_a_larger_threshold_merges_more(exact):
    entries = reading.read_entries(FIXTURE)
    tables = ppr.count(entries, None, PERIODS, threshold=5)
    assert rows(tables["gender_identity"]) == [
        ["female", 5],
        ["another identity", 9],
        ["unknown", 2],
        ["Total", 16],
    ]
    assert rows(tables["country_of_origin"])[0] == ["all other countries", 11]


def test_at_most_ten_countries_are_named():
    labels = pd.Series([f"country {n:02d}" for n in range(12) for _ in range(3 + n)])
    table = breakdowns._free_text_table(labels, "country", 3, 10, counting.OTHER_COUNTRIES)
    named = table["country"].tolist()[:-3]
    # The ten largest, largest first; the two smallest are merged.
    assert named == [f"country {n:02d}" for n in range(11, 1, -1)]
    assert rows(table)[-3:] == [["all other countries", 3 + 4], ["unknown", 0], ["Total", 102]]


def test_age_band_edges():
    ages = pd.Series([0, 17, 18, 24, 25, 34, 35, 44, 45, 54, 55, 120, pd.NA], dtype="Int64")
    assert counting.age_band(ages).tolist() == [
        "under 18", "under 18", "18-24", "18-24", "25-34", "25-34", "35-44", "35-44",
        "45-54", "45-54", "55 and over", "55 and over", "unknown",
    ]  # fmt: skip


def test_a_label_typed_as_a_group_name_merges_into_it():
    labels = counting.folded_text(pd.Series(["Another Identity", "", " UNKNOWN "] + ["x"] * 3))
    table = breakdowns._free_text_table(labels, "g", 3, None, counting.OTHER_IDENTITY)
    assert rows(table) == [["x", 3], ["another identity", 1], ["unknown", 2], ["Total", 6]]


# ------------------------------------------------------------------------------------------
# Through the ppr command, with suppression
# ------------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def protected(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("breakdowns") / "out"
    args = ["ppr", "--quiet", "--entries", str(FIXTURE), "--out", str(out)]
    assert cli.main([*args, "--threshold", str(THRESHOLD)]) == 0
    return out


RARE = ["two-spirit", "genderqueer", "guatemala", "philippines", "atlantis", "sister mary", "ngo"]


def test_rare_free_text_never_appears(protected):
    for path in protected.iterdir():
        text = path.read_text(encoding="utf-8").casefold()
        for label in RARE:
            assert label not in text, (path.name, label)


def shown_number(value: str) -> bool:
    return value.isdigit()


def published(protected: Path, ladder: str) -> str:
    """Return the name of the table the folder publishes for ``ladder`` (a table name if none)."""
    summary = json.loads((protected / ppr.SUMMARY).read_text(encoding="utf-8"))
    files = {file: name for name, (file, _) in ppr.TABLES.items()}
    for entry in summary["grains"]["tables"]:
        if entry["table"] == ladder:
            return files[entry["file"]]
    return ladder


@pytest.mark.parametrize(
    "ladder", [*ppr.BREAKDOWN_VICTIMS, "matched_within_48h"], ids=lambda name: name
)
def test_breakdowns_are_protected(protected, exact, ladder):
    name = published(protected, ladder)
    file, layout = ppr.TABLES[name]
    table = read_csv(protected / file)
    assert len(table) == len(exact[name])
    for column in layout.count_columns:
        values = [row[column] for row in table]
        for shown, true in zip(values, exact[name][column], strict=True):
            if shown_number(shown):
                assert int(shown) == true and not 1 <= true < THRESHOLD
        hidden = [v for v in values if not shown_number(v)]
        assert len(hidden) != 1, (name, column)  # a column never has one hidden cell
    for total, parts in layout.column_relations:
        for row in table:
            cells = [row[c] for c in (*parts, total)]
            assert sum(not shown_number(c) for c in cells) != 1, (name, row)
    # The Total of every victims breakdown is the Total the other tables show.
    fiscal = read_csv(protected / ppr.TABLES["fiscal_year"][0])
    if "victims" in layout.count_columns:
        assert table[-1]["victims"] == fiscal[-1]["victims"]


def test_matched_rows_agree_with_the_table_of_periods(protected):
    name = published(protected, "matched_within_48h")
    whole, keys = ppr.MATCHED_TABLES[name]
    matched = read_csv(protected / ppr.TABLES[name][0])
    periods = read_csv(protected / ppr.TABLES[whole][0])
    assert [[r[c] for c in (*keys, "entries")] for r in matched] == [
        [r[c] for c in (*keys, "entries")] for r in periods
    ]
    for row in matched:
        hidden = not (shown_number(row["yes"]) and shown_number(row["entries"]))
        assert (row["percent_yes"] == disclosure.HIDDEN_PERCENT) == hidden, row
        if not hidden:
            assert row["percent_yes"] == f"{int(row['yes']) * 100 / int(row['entries']):.1f}"


def test_hidden_victims_stay_hidden_in_every_table(protected, exact):
    # Some breakdown cells are hidden at threshold 3, so the checks above had work to do.
    gender = read_csv(protected / ppr.TABLES["gender_identity"][0])
    assert sum(not shown_number(row["victims"]) for row in gender) >= 2
    assert [row["gender_identity"] for row in gender] == exact["gender_identity"][
        "gender_identity"
    ].tolist()


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (["2012-01-15"], [["2012", "2", 1, 0, 0, 1]]),  # one quarter, not the year's first
        (["2012-09-30", "2014-10-01"], [["2012", "4", 1, 0, 0, 1], ["2015", "1", 1, 0, 0, 1]]),
    ],
)
def test_matched_within_48h_on_any_quarters(tmp_path, dates, expected):
    path = tmp_path / "entries.csv"
    lines = ["grantee,client_id,intake_date,intake_type,matched_within_48h"]
    lines += [f"G,{n},{date},new,yes" for n, date in enumerate(dates)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    entries = reading.read_entries(path)
    table = ppr.count(entries)["matched_within_48h"]
    assert rows(table)[:-1] == expected
    assert rows(table)[-1][2:] == [len(dates), 0, 0, len(dates)]
