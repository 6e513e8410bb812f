"""Reading and validating client records: normalization, formats, and every kind of bad input."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.errors import InputError
from analysis.records import reading
from analysis.records.reading import validation

FIXTURES = Path(__file__).parent / "fixtures" / "records"
TODAY = date(2026, 11, 24)
HEADER = ",".join(reading.ENTRY_COLUMNS)


def entries() -> pd.DataFrame:
    """The hand-made good entries file, read."""
    return reading.read_entries(FIXTURES / "entries.csv", today=TODAY)


def problems_of(path: Path, today: date = TODAY) -> InputError:
    """Read a bad entries or closures file and return the error it raises."""
    with pytest.raises(InputError) as caught:
        if path.name.startswith("closures"):
            reading.read_closures(path, entries(), today=today)
        else:
            reading.read_entries(path, today=today)
    return caught.value


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- good input --------------------------------------------------------------------------------


def test_good_entries_are_normalized_as_the_contract_says():
    frame = entries()
    assert list(frame.columns) == [*reading.ENTRY_COLUMNS, "Case Worker"]
    # Text trimmed, case kept; a person's id keeps leading zeros.
    assert frame["grantee"].tolist() == ["USCCB", "usccb", "Tapestri", "Heartland Alliance"]
    assert frame["client_id"].tolist() == ["A-001", "a-001", "007", "H-9"]
    # Codes trimmed and lower-cased; blank = unknown where the contract says so.
    assert frame["intake_type"].tolist() == ["new", "reopened", "new", "new"]
    assert frame["matched_within_48h"].tolist() == ["yes", "no", "unknown", "unknown"]
    assert frame["eligibility_status"].tolist() == [
        "certified",
        "certified",
        "unknown",
        "pre-certified",
    ]
    assert frame["trafficking_type"].tolist() == ["labor", "labor", "sex", "both"]
    # Dates as datetime64, NaT where blank.
    assert frame["intake_date"].dtype.kind == "M"
    assert frame["intake_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2015-10-01",
        "2016-11-15",
        "2016-03-31",
        "2018-09-30",
    ]
    assert frame["referral_date"].isna().tolist() == [False, True, False, True]
    # Family counts int64 with blank = 0 and "2.0" = 2.
    for name in reading.FAMILY_COLUMNS:
        assert frame[name].dtype == np.dtype("int64")
    assert frame[list(reading.FAMILY_COLUMNS)].sum(axis=1).tolist() == [3, 0, 3, 3]
    assert frame["family_siblings"].tolist() == [0, 0, 2, 0]
    # Age and region nullable integers.
    assert str(frame["age_at_intake"].dtype) == "Int64"
    assert frame["age_at_intake"].tolist() == [34, 35, 17, pd.NA]
    assert str(frame["acf_region"].dtype) == "Int64"
    assert frame["acf_region"].tolist() == [6, 6, 4, 5]
    # Free text as str, "" for blank.
    assert frame["referral_source"].tolist() == ["law enforcement", "NGO", "", "hotline"]
    assert frame["country_of_origin"].tolist() == ["Mexico", "Mexico", "", "Honduras"]


def test_unknown_extra_columns_are_kept_as_text():
    frame = entries()
    assert frame["Case Worker"].tolist() == ["J. Doe", "", "K. Lee", "Smith, A."]
    assert pd.api.types.is_string_dtype(frame["Case Worker"])


def test_csv_with_and_without_byte_order_mark_read_the_same():
    assert (FIXTURES / "entries_bom.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    pd.testing.assert_frame_equal(
        reading.read_entries(FIXTURES / "entries_bom.csv", today=TODAY), entries()
    )


@pytest.mark.parametrize("name", ["entries.parquet", "entries.xlsx"])
def test_parquet_and_xlsx_give_the_same_frame_as_csv(name):
    pd.testing.assert_frame_equal(reading.read_entries(FIXTURES / name, today=TODAY), entries())


def test_reading_leaves_every_input_file_unchanged(tmp_path):
    names = [
        "entries.csv",
        "entries_bom.csv",
        "entries.parquet",
        "entries.xlsx",
        "closures.csv",
        "bad_dates.csv",
        "latin1.csv",
    ]
    before = {name: digest(FIXTURES / name) for name in names}
    listing = sorted(path.name for path in FIXTURES.iterdir())
    for name in names:
        try:
            if name.startswith("closures"):
                reading.read_closures(FIXTURES / name, entries(), today=TODAY)
            else:
                reading.read_entries(FIXTURES / name, today=TODAY)
        except InputError:
            pass
    assert {name: digest(FIXTURES / name) for name in names} == before
    assert sorted(path.name for path in FIXTURES.iterdir()) == listing


def test_good_closures_match_people_case_insensitively():
    frame = reading.read_closures(FIXTURES / "closures.csv", entries(), today=TODAY)
    assert list(frame.columns) == list(reading.CLOSURE_COLUMNS)
    assert frame["client_id"].tolist() == ["a-001", "007"]
    assert frame["grantee"].tolist() == ["USCCB", "TAPESTRI"]
    assert frame["obtained_cp_or_t_visa"].tolist() == ["yes", "unknown"]
    assert frame["obtained_certification_or_eligibility"].tolist() == ["yes", "unknown"]
    assert frame["referred_for_continued_case_management"].tolist() == ["no", "unknown"]
    assert frame["closure_reason"].tolist() == ["goals met", "lost contact"]
    assert frame["living_situation"].tolist() == ["own housing", ""]
    assert frame["closure_date"].dt.strftime("%Y-%m-%d").tolist() == ["2016-06-30", "2016-03-31"]


def test_a_date_with_a_time_of_day_is_read_as_its_date(tmp_path):
    path = tmp_path / "entries.csv"
    path.write_text(f"{HEADER}\nG,1,2016-01-05 00:00:00,new,2016-01-04T09:30{',' * 13}\n")
    frame = reading.read_entries(path, today=TODAY)
    assert frame["intake_date"].iat[0] == pd.Timestamp("2016-01-05")
    assert frame["referral_date"].iat[0] == pd.Timestamp("2016-01-04")


def test_header_names_match_case_insensitively_and_rows_of_blank_cells_are_skipped(tmp_path):
    path = tmp_path / "entries.csv"
    path.write_text(
        "Grantee , CLIENT_ID,Intake_Date,intake_type\n"
        "G,1,2016-01-05,new\n"
        ",,,\n"
        "G,2,2016-01-05,bogus\n"
    )
    with pytest.raises(InputError) as caught:
        reading.read_entries(path, today=TODAY)
    # The blank spreadsheet row 3 is skipped, but later rows keep their spreadsheet numbers.
    assert caught.value.problems == [
        "entries.csv, row 4, column intake_type: 'bogus' is not a known code "
        "(expected one of: new, reopened)"
    ]


@given(
    code=st.sampled_from(reading.TRAFFICKING_TYPES),
    flips=st.lists(st.booleans(), min_size=6, max_size=6),
    left=st.sampled_from(["", " ", "  "]),
    right=st.sampled_from(["", " ", "\t"]),
)
def test_codes_match_whatever_their_case_and_surrounding_spaces(code, flips, left, right):
    varied = "".join(c.upper() if flip else c for c, flip in zip(code, flips * 2, strict=False))
    raw = pd.DataFrame({"trafficking_type": pd.Series([left + varied + right], dtype="str")})
    raw["trafficking_type"] = raw["trafficking_type"].str.strip()
    problems = reading.Problems("entries.csv")
    normalized = validation._normalize_column(
        "trafficking_type",
        reading.ENTRY_RULES["trafficking_type"],
        raw["trafficking_type"],
        np.array([2]),
        problems,
        pd.Timestamp(TODAY),
    )
    assert problems.lines == []
    assert normalized.tolist() == [code]


def test_person_key_folds_case_for_every_alphabet():
    frame = pd.DataFrame(
        {
            "grantee": pd.Series(["Straße", "STRASSE ", "USCCB"], dtype="str"),
            "client_id": pd.Series(["Ä-1", "ä-1", "x"], dtype="str"),
        }
    )
    keys = reading.person_key(frame).tolist()
    assert keys[0] == keys[1]
    assert keys[2] == "usccb\x1fx"


def test_is_all_synthetic_needs_the_label_on_every_row(tmp_path):
    assert not reading.is_all_synthetic(entries())
    path = tmp_path / "entries.csv"
    row = f"G,1,2016-01-05,new{',' * 14}"
    path.write_text(
        f"{HEADER},Data_Origin\n{row},synthetic\n{row.replace(',1,', ',2,')},Synthetic\n"
    )
    assert reading.is_all_synthetic(reading.read_entries(path, today=TODAY))
    path.write_text(f"{HEADER},data_origin\n{row},synthetic\n{row.replace(',1,', ',2,')},\n")
    assert not reading.is_all_synthetic(reading.read_entries(path, today=TODAY))


# --- bad input: every kind in the contract, every violation listed ------------------------------

MALFORMED = {
    "missing_columns.csv": [
        "missing_columns.csv, row 1, column intake_date: missing (expected a required column of "
        "that name; columns found: grantee, client_id, referral_date)",
        "missing_columns.csv, row 1, column intake_type: missing (expected a required column of "
        "that name; columns found: grantee, client_id, referral_date)",
    ],
    "blank_required.csv": [
        "blank_required.csv, row 2, column grantee: blank (expected a value: the column is "
        "required)",
        "blank_required.csv, row 3, column client_id: blank (expected a value: the column is "
        "required)",
        "blank_required.csv, row 3, column intake_date: blank (expected a value: the column is "
        "required)",
        "blank_required.csv, row 3, column intake_type: blank (expected a value: the column is "
        "required)",
    ],
    "bad_dates.csv": [
        "bad_dates.csv, row 2, column intake_date: '2016-13-01' is not a date "
        "(expected YYYY-MM-DD)",
        "bad_dates.csv, row 4, column intake_date: '03/15/2016' is not a date "
        "(expected YYYY-MM-DD)",
        "bad_dates.csv, row 4, column referral_date: '2016-02-30' is not a date "
        "(expected YYYY-MM-DD)",
    ],
    "future_dates.csv": [
        "future_dates.csv, row 2, column intake_date: '2099-01-01' is in the future "
        "(expected on or before today, 2026-11-24)",
        "future_dates.csv, row 4, column intake_date: '2098-12-31' is in the future "
        "(expected on or before today, 2026-11-24)",
        "future_dates.csv, row 4, column referral_date: '2098-12-30' is in the future "
        "(expected on or before today, 2026-11-24)",
    ],
    "referral_after_intake.csv": [
        "referral_after_intake.csv, row 2, column referral_date: '2016-01-06' is after "
        "intake_date '2016-01-05' (expected on or before the intake date)",
        "referral_after_intake.csv, row 4, column referral_date: '2017-01-01' is after "
        "intake_date '2016-01-05' (expected on or before the intake date)",
    ],
    "bad_counts.csv": [
        "bad_counts.csv, row 2, column family_parents: '-1' is not a whole number >= 0 "
        "(expected 0, 1, 2, ...; blank means 0)",
        "bad_counts.csv, row 3, column family_siblings: '2.5' is not a whole number >= 0 "
        "(expected 0, 1, 2, ...; blank means 0)",
        "bad_counts.csv, row 4, column family_spouse: 'two' is not a whole number >= 0 "
        "(expected 0, 1, 2, ...; blank means 0)",
    ],
    "bad_ranges.csv": [
        "bad_ranges.csv, row 2, column age_at_intake: '121' is not a whole number from 0 to 120 "
        "(expected a whole number 0-120, or blank)",
        "bad_ranges.csv, row 3, column age_at_intake: '-1' is not a whole number from 0 to 120 "
        "(expected a whole number 0-120, or blank)",
        "bad_ranges.csv, row 4, column age_at_intake: '30.5' is not a whole number from 0 to 120 "
        "(expected a whole number 0-120, or blank)",
        "bad_ranges.csv, row 2, column acf_region: '0' is not a whole number from 1 to 10 "
        "(expected a whole number 1-10, or blank)",
        "bad_ranges.csv, row 3, column acf_region: '11' is not a whole number from 1 to 10 "
        "(expected a whole number 1-10, or blank)",
    ],
    "unknown_codes.csv": [
        "unknown_codes.csv, row 2, column intake_type: 'renewed' is not a known code "
        "(expected one of: new, reopened)",
        "unknown_codes.csv, row 2, column matched_within_48h: 'maybe' is not a known code "
        "(expected one of: yes, no, unknown)",
        "unknown_codes.csv, row 2, column eligibility_status: 'certfied' is not a known code "
        "(expected one of: pre-certified, certified, interim-assistance, eligibility-letter, "
        "unknown)",
        "unknown_codes.csv, row 2, column trafficking_type: 'forced' is not a known code "
        "(expected one of: sex, labor, both, unknown)",
    ],
    "duplicates.csv": [
        "duplicates.csv, row 4: the row repeats row 2 (the same values once trimmed, codes "
        "and the person compared ignoring case; expected each row once)",
        "duplicates.csv, row 5: the row repeats row 3 (the same values once trimmed, codes "
        "and the person compared ignoring case; expected each row once)",
    ],
    "conflicting.csv": [
        "conflicting.csv, rows 2, 4, columns grantee, client_id, intake_date: ('USCCB', 'A-001', "
        "'2016-01-05') is on more than one row, with different eligibility_status, "
        "trafficking_type (expected one row per grantee, client_id, intake_date)",
    ],
    "closures_before_intake.csv": [
        "closures_before_intake.csv, row 2, column closure_date: '2015-09-30' is before this "
        "person's first intake_date '2015-10-01' (expected on or after it)",
        "closures_before_intake.csv, row 3, column closure_date: '2016-03-30' is before this "
        "person's first intake_date '2016-03-31' (expected on or after it)",
    ],
    "closures_unknown_person.csv": [
        "closures_unknown_person.csv, row 2, columns grantee, client_id: ('USCCB', 'A-404') is "
        "not a person in the entries file (expected a grantee and client_id that have an entry)",
        "closures_unknown_person.csv, row 3, columns grantee, client_id: ('Tapestri', '7') is "
        "not a person in the entries file (expected a grantee and client_id that have an entry)",
    ],
    "empty.csv": [
        "empty.csv: the file is empty (expected a header row and at least one data row)",
    ],
    "header_only.csv": [
        "header_only.csv: the file has a header row but no data rows "
        "(expected at least one data row)",
    ],
    "latin1.csv": [
        "latin1.csv: the file is not UTF-8 text (byte 0xe9 on line 2; expected a CSV saved as "
        "'CSV UTF-8')",
    ],
    "corrupt.xlsx": [
        "corrupt.xlsx: cannot be read as an Excel workbook (.xlsx) "
        "(BadZipFile: File is not a zip file)",
    ],
    "entries.txt": [
        "entries.txt: unsupported file type '.txt' (expected one of .csv, .parquet, .xlsx)",
    ],
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_input_names_file_row_column_value_and_expectation(name):
    error = problems_of(FIXTURES / name)
    assert error.problems == MALFORMED[name]
    assert str(FIXTURES / name) in error.heading
    if len(MALFORMED[name]) > 1:
        assert error.heading == f"{FIXTURES / name}: {len(MALFORMED[name])} problem(s) in the " + (
            "closures file" if name.startswith("closures") else "entries file"
        )
    assert str(error) == "\n".join([error.heading, *MALFORMED[name]])


def test_future_is_relative_to_the_injected_today():
    error = problems_of(FIXTURES / "entries.csv", today=date(2016, 3, 31))
    assert error.problems == [
        "entries.csv, row 3, column intake_date: '2016-11-15' is in the future "
        "(expected on or before today, 2016-03-31)",
        "entries.csv, row 5, column intake_date: '2018-09-30' is in the future "
        "(expected on or before today, 2016-03-31)",
    ]


def test_missing_file_is_reported():
    error = problems_of(FIXTURES / "no_such_file.csv")
    assert error.problems == ["no_such_file.csv: no such file"]


def test_a_line_with_the_wrong_number_of_fields_is_reported(tmp_path):
    path = tmp_path / "entries.csv"
    path.write_text(
        "grantee,client_id,intake_date,intake_type\nG,1,2016-01-05\nG,2,2016-01-05,new\n"
    )
    error = problems_of(path)
    assert error.problems == [
        "entries.csv, row 2: the row has 3 field(s) (expected 4, as in the header): "
        "'G,1,2016-01-05'"
    ]


def test_repeated_column_names_are_reported(tmp_path):
    path = tmp_path / "entries.csv"
    path.write_text("grantee,client_id,intake_date,intake_type,Grantee\nG,1,2016-01-05,new,H\n")
    assert problems_of(path).problems == [
        "entries.csv, row 1: column 'grantee' appears more than once (expected once)"
    ]


def test_many_problems_are_listed_up_to_a_cap_and_the_rest_counted(tmp_path):
    path = tmp_path / "entries.csv"
    bad = [f"G,{n},2016-02-{30 + n % 2},new" for n in range(120)]
    path.write_text("grantee,client_id,intake_date,intake_type\n" + "\n".join(bad) + "\n")
    error = problems_of(path)
    assert len(error.problems) == reading.MAX_LISTED + 1
    assert error.problems[0] == (
        "entries.csv, row 2, column intake_date: '2016-02-30' is not a date (expected YYYY-MM-DD)"
    )
    assert error.problems[-1] == (
        "entries.csv, column intake_date: 70 more row(s) that are not dates (not listed)"
    )
    assert error.heading == f"{path}: 120 problem(s) in the entries file"


def test_problems_of_different_kinds_are_all_reported_together(tmp_path):
    path = tmp_path / "entries.csv"
    path.write_text(
        "grantee,client_id,intake_date,intake_type,family_parents,referral_date\n"
        "G,1,2016-13-01,new,1,\n"
        "G,2,2016-01-05,old,-2,2016-02-01\n"
    )
    assert problems_of(path).problems == [
        "entries.csv, row 2, column intake_date: '2016-13-01' is not a date (expected YYYY-MM-DD)",
        "entries.csv, row 3, column intake_type: 'old' is not a known code "
        "(expected one of: new, reopened)",
        "entries.csv, row 3, column family_parents: '-2' is not a whole number >= 0 "
        "(expected 0, 1, 2, ...; blank means 0)",
        "entries.csv, row 3, column referral_date: '2016-02-01' is after intake_date "
        "'2016-01-05' (expected on or before the intake date)",
    ]


def test_rules_cover_exactly_the_contract_columns_in_order():
    assert tuple(reading.ENTRY_RULES) == reading.ENTRY_COLUMNS
    assert tuple(reading.CLOSURE_RULES) == reading.CLOSURE_COLUMNS


def test_person_codes_are_equal_exactly_when_person_keys_are():
    frame = pd.DataFrame(
        {
            "grantee": pd.Series(["Straße", "STRASSE ", "USCCB", "usccb", "USCCB"], dtype="str"),
            "client_id": pd.Series(["Ä-1", "ä-1", "x", " X", "y"], dtype="str"),
        }
    )
    codes, people = reading.person_codes(frame)
    keys = reading.person_key(frame)
    for i in range(len(frame)):
        for j in range(len(frame)):
            assert (codes[i] == codes[j]) == (keys[i] == keys[j])
    other = pd.DataFrame({"grantee": ["usccb", "Tapestri"], "client_id": ["Y", "y"]}, dtype="str")
    other_codes = reading.person_codes(other, people)[0]
    assert other_codes[0] == codes[4]
    assert other_codes[1] == -1


def test_closures_repeated_or_conflicting_for_one_person_and_date_are_reported(tmp_path):
    path = tmp_path / "closures.csv"
    path.write_text(
        "grantee,client_id,closure_date,closure_reason\n"
        "USCCB,A-001,2016-06-30,goals met\n"
        "usccb,a-001,2016-06-30, goals met \n"
        "Tapestri,007,2016-06-30,moved\n"
        "Tapestri,007,2016-06-30,lost contact\n"
    )
    assert problems_of(path).problems == [
        "closures.csv, row 3: the row repeats row 2 (the same values once trimmed, codes "
        "and the person compared ignoring case; expected each row once)",
        "closures.csv, rows 4, 5, columns grantee, client_id, closure_date: ('Tapestri', '007', "
        "'2016-06-30') is on more than one row, with different closure_reason "
        "(expected one row per grantee, client_id, closure_date)",
    ]


def test_a_csv_separated_by_semicolons_is_named_as_such(tmp_path):
    path = tmp_path / "entries.csv"
    path.write_text("grantee;client_id;intake_date;intake_type\nG;1;2016-01-05;new\n")
    assert problems_of(path).problems == [
        "entries.csv, row 1: the header is one column 'grantee;client_id;intake_date;intake_type' "
        "(expected values separated by commas; this file seems to use semicolons)"
    ]


def test_windows_line_endings_and_quoted_headers_are_read(tmp_path):
    path = tmp_path / "entries.csv"
    path.write_bytes(
        b'\xef\xbb\xbf"Grantee","client_id","intake_date","intake_type"\r\n'
        b'"G","1","2016-01-05","New"\r\nG,2,2016-01-05,reopened\r\n'
    )
    frame = reading.read_entries(path, today=TODAY)
    assert frame["grantee"].tolist() == ["G", "G"]
    assert frame["intake_type"].tolist() == ["new", "reopened"]


def test_spaces_around_dates_and_numbers_are_trimmed_and_messages_show_the_trimmed_value(
    tmp_path,
):
    path = tmp_path / "entries.csv"
    path.write_text(
        "grantee,client_id,intake_date,intake_type,family_parents,acf_region\n"
        'G,1, 2016-01-05 ,new," 2 ", 3\n'
        "G,2,  ,new, ,\n"
        "G,3, 2016-13-01,new,,\n"
    )
    with pytest.raises(InputError) as caught:
        reading.read_entries(path, today=TODAY)
    assert caught.value.problems == [
        "entries.csv, row 3, column intake_date: blank (expected a value: the column is required)",
        "entries.csv, row 4, column intake_date: '2016-13-01' is not a date (expected YYYY-MM-DD)",
    ]
    path.write_text(
        "grantee,client_id,intake_date,intake_type,family_parents,acf_region\n"
        'G,1, 2016-01-05 ,new," 2 ", 3\n'
    )
    frame = reading.read_entries(path, today=TODAY)
    assert frame["intake_date"].tolist() == [pd.Timestamp("2016-01-05")]
    assert frame["family_parents"].tolist() == [2]
    assert frame["acf_region"].tolist() == [3]


def test_closures_for_unknown_people_are_still_checked_for_repeats(tmp_path):
    path = tmp_path / "closures.csv"
    path.write_text(
        "grantee,client_id,closure_date\n"
        "Nobody,Z-1,2016-06-30\n"
        "USCCB,A-001,2016-06-30\n"
        "nobody,z-1,2016-06-30\n"
        "Nobody,Z-2,2016-06-30\n"
    )
    assert problems_of(path).problems == [
        "closures.csv, row 2, columns grantee, client_id: ('Nobody', 'Z-1') is not a person in "
        "the entries file (expected a grantee and client_id that have an entry)",
        "closures.csv, row 4, columns grantee, client_id: ('nobody', 'z-1') is not a person in "
        "the entries file (expected a grantee and client_id that have an entry)",
        "closures.csv, row 5, columns grantee, client_id: ('Nobody', 'Z-2') is not a person in "
        "the entries file (expected a grantee and client_id that have an entry)",
        "closures.csv, row 4: the row repeats row 2 (the same values once trimmed, codes and the "
        "person compared ignoring case; expected each row once)",
    ]


def test_absurdly_large_counts_are_not_counts(tmp_path):
    path = tmp_path / "entries.csv"
    path.write_text(
        "grantee,client_id,intake_date,intake_type,family_parents\nG,1,2016-01-05,new,1e300\n"
    )
    assert problems_of(path).problems == [
        "entries.csv, row 2, column family_parents: '1e300' is not a whole number >= 0 "
        "(expected 0, 1, 2, ...; blank means 0)"
    ]


def test_many_repeated_and_conflicting_rows_are_listed_up_to_the_cap(tmp_path):
    path = tmp_path / "entries.csv"
    lines = ["grantee,client_id,intake_date,intake_type"]
    lines += [f"G,r{n},2016-01-05,new" for n in range(60)] * 2  # rows 62-121 repeat rows 2-61
    lines += [f"G,c{n},2016-01-05,{kind}" for kind in ("new", "reopened") for n in range(55)]
    path.write_text("\n".join(lines) + "\n")
    error = problems_of(path)
    repeats = [line for line in error.problems if "repeats row" in line]
    conflicts = [line for line in error.problems if "is on more than one row" in line]
    assert len(repeats) == len(conflicts) == reading.MAX_LISTED
    assert repeats[0].startswith("entries.csv, row 62: the row repeats row 2 ")
    assert conflicts[0] == (
        "entries.csv, rows 122, 177, columns grantee, client_id, intake_date: ('G', 'c0', "
        "'2016-01-05') is on more than one row, with different intake_type (expected one row "
        "per grantee, client_id, intake_date)"
    )
    assert "entries.csv: 10 more row(s) that repeat an earlier row exactly (not listed)" in (
        error.problems
    )
    assert (
        "entries.csv: 5 more set(s) of different rows for one grantee, client_id, intake_date "
        "(not listed)" in error.problems
    )
    assert error.heading.endswith(": 115 problem(s) in the entries file")
