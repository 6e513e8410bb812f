"""Client records as real exports give them: each family of cases, with files made here.

Operating-system problems, CSV dialects, spreadsheets as they are, dates, counts that cannot
wrap, identity, outputs safe to open, one run listing all problems, and thresholds that make
outputs not for publication. Every file is invented by the tests (no real client data).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis import cli
from analysis.errors import InputError
from analysis.records import ppr, reading, release

TODAY = date(2026, 11, 24)
HEADER = "grantee,client_id,intake_date,intake_type,family_parents,trafficking_type"
ROWS = [
    "USCCB,A-1,2015-10-01,new,1,labor",
    "USCCB,A-2,2016-03-31,new,0,sex",
    "Tapestri,T-1,2016-11-15,new,2,both",
    "Tapestri,T-1,2017-01-05,reopened,2,both",
]
CLOSURES = "grantee,client_id,closure_date\nUSCCB,A-1,2016-06-30\n"
TIMEOUT = 60


def write(path: Path, text: str, newline: str = "\n") -> Path:
    """Write CSV text with the given line ends (bytes exactly as given)."""
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def clean_csv(tmp_path: Path) -> Path:
    """The clean CSV the other exports are compared with."""
    return write(tmp_path / "clean.csv", "\n".join([HEADER, *ROWS]) + "\n")


def read(path: Path, **options) -> pd.DataFrame:
    return reading.read_entries(path, today=TODAY, **options)


def problems(path: Path, **options) -> list[str]:
    with pytest.raises(InputError) as caught:
        read(path, **options)
    return caught.value.problems


def run(*args: str) -> int:
    return cli.main(["ppr", "--quiet", *args])


def run_subprocess(*args: str | bytes) -> subprocess.CompletedProcess:
    """Run the command line in a fresh process (never left hanging)."""
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def same_frame(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True))


# --- 1. operating-system problems are messages -------------------------------------------------


def error_of(capsys, *args: str) -> str:
    assert run(*args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_a_directory_a_fifo_and_a_device_are_named_for_what_they_are(tmp_path, capsys):
    (tmp_path / "folder.csv").mkdir()
    os.mkfifo(tmp_path / "pipe.csv")
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    out = tmp_path / "out"
    cases = {
        "folder.csv": "is a directory, not a file",
        "pipe.csv": "is a named pipe (FIFO), not a file",
        "zero.csv": "is a character device, not a file",
    }
    for name, said in cases.items():
        err = error_of(capsys, "--entries", str(tmp_path / name), "--out", str(out))
        assert f"{name}: {said}" in err
        assert "no such file" not in err
    assert "is a character device" in error_of(capsys, "--entries", "/dev/zero", "--out", str(out))
    assert not out.exists()


def test_a_fifo_never_hangs_in_a_fresh_process(tmp_path):
    os.mkfifo(tmp_path / "entries.csv")
    os.mkfifo(tmp_path / "closures.csv")
    result = run_subprocess(
        "ppr",
        "--entries",
        str(tmp_path / "entries.csv"),
        "--closures",
        str(tmp_path / "closures.csv"),
        "--out",
        str(tmp_path / "out"),
    )
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert result.stderr.count(b"is a named pipe (FIFO)") == 2  # both files, one run


def test_a_file_root_cannot_read_is_a_message(tmp_path, capsys):
    # Running as root, permissions do not stop reading; a write-only sysfs attribute does.
    target = next(
        (p for p in ("/sys/bus/pci/rescan", "/sys/kernel/mm/ksm/run") if _unreadable(p)), None
    )
    path = tmp_path / "entries.csv"
    if target:
        path.symlink_to(target)
    else:  # not root (or no such sysfs file): permissions do stop reading
        clean_csv(tmp_path).rename(path)
        path.chmod(0)
    assert _unreadable(str(path))
    err = error_of(capsys, "--entries", str(path), "--out", str(tmp_path / "out"))
    assert "entries.csv: cannot be opened for reading (Permission denied" in err


def _unreadable(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except PermissionError:
        return True
    except OSError:
        return False
    return False


def test_names_too_long_are_messages(tmp_path, capsys):
    good = clean_csv(tmp_path)
    long_input = tmp_path / ("e" * 300 + ".csv")
    err = error_of(capsys, "--entries", str(long_input), "--out", str(tmp_path / "out"))
    assert "File name too long" in err
    err = error_of(capsys, "--entries", str(good), "--out", str(tmp_path / ("o" * 300)))
    assert "too long" in err
    err = error_of(capsys, "--entries", str(good), "--out", str(tmp_path / ("d" * 300) / "out"))
    assert "too long" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.csv"]


def test_symbolic_link_loops_and_odd_paths_are_messages(tmp_path, capsys):
    good = clean_csv(tmp_path)
    (tmp_path / "loop.csv").symlink_to(tmp_path / "loop.csv")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    out = str(tmp_path / "out")
    err = error_of(capsys, "--entries", str(tmp_path / "loop.csv"), "--out", out)
    assert "loop.csv: Too many levels of symbolic links" in err
    err = error_of(capsys, "--entries", str(good), "--out", str(tmp_path / "loop" / "x"))
    assert "loop of symbolic links" in err
    assert "is a directory" in error_of(capsys, "--entries", "", "--out", out)
    # A file of /proc says it is empty yet holds text: it is read (and refused for its content).
    (tmp_path / "status.csv").symlink_to("/proc/self/status")
    err = error_of(capsys, "--entries", str(tmp_path / "status.csv"), "--out", out)
    assert "this file seems to use tabs" in err


@pytest.mark.parametrize(
    ("out", "said"),
    [
        ("{file}/out", "is a file, not a directory"),
        ("{file}/deeper/out", "is a file, not a directory"),
        ("/proc/tvap-out", "no directory can be created in /proc"),
        ("/proc/self/tvap/out", "no directory can be created in /proc/self"),
        ("/sys/tvap-out", "no directory can be created in /sys"),
    ],
)
def test_an_out_that_cannot_be_made_is_refused_before_reading_input(tmp_path, capsys, out, said):
    # The entries are bad: had they been read, their problems would be reported instead.
    bad = write(tmp_path / "bad.csv", f"{HEADER}\nG,1,not-a-date,new,1,sex\n")
    before = digest(bad)
    err = error_of(capsys, "--entries", str(bad), "--out", out.format(file=bad))
    assert said in err
    assert "not-a-date" not in err
    assert digest(bad) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


def test_file_names_that_are_not_utf8_are_read_and_named(tmp_path):
    folder = os.fsencode(tmp_path)
    entries = folder + b"/entr\xffies.csv"
    with open(entries, "wb") as handle:
        handle.write(("\n".join([HEADER, *ROWS]) + "\n").encode())
    closures = folder + b"/clos\xfeures.csv"
    with open(closures, "wb") as handle:
        handle.write(CLOSURES.encode())
    out = folder + b"/out\xfd"
    result = run_subprocess(
        "ppr", "--quiet", "--entries", entries, "--closures", closures, "--out", out
    )
    assert result.returncode == 0, result.stderr
    with open(out + b"/summary.json", "rb") as handle:
        summary = json.loads(handle.read())
    assert summary["inputs"]["entries"]["file"] == "entr\udcffies.csv"
    bad = folder + b"/b\xffad.xlsx"
    with open(bad, "wb") as handle:
        handle.write(b"not a workbook")
    result = run_subprocess("ppr", "--entries", bad, "--out", folder + b"/out2")
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert b"b\\udcffad.xlsx" in result.stderr
    result = run_subprocess("synthesize", "--out", folder + b"/syn\xff")
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stdout + result.stderr


def test_synthesize_refuses_an_out_it_cannot_make_before_generating(tmp_path, capsys):
    blocker = write(tmp_path / "file", "x")
    for out in (f"{blocker}/syn", "/proc/tvap-syn", "/sys/tvap-syn"):
        assert cli.main(["synthesize", "--out", out]) == 2
        err = capsys.readouterr().err
        assert "--out" in err and "Traceback" not in err
        assert "generating" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


# --- 2. CSV dialects ---------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_line_ends_blank_lines_and_trailing_empty_columns_read_as_the_clean_csv(tmp_path, newline):
    clean = read(clean_csv(tmp_path))
    lines = [HEADER + ",,,", *(row + ",,," for row in ROWS[:2]), "", ""]
    lines += [*(row + ",,," for row in ROWS[2:]), "", ",,,,,,,,"]
    path = write(tmp_path / "export.csv", "\n".join(lines) + "\n", newline)
    same_frame(read(path), clean)


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path, newline):
    lines = [
        HEADER,
        'USCCB,A-1,2015-10-01,new,1,"two\nlines"',  # row 2 (one row, two lines)
        "",  # row 3
        "   ",  # row 4: spaces only, a blank row
        ",,,,,",  # row 5
        "USCCB,A-2,2016-13-01,new,0,sex",  # row 6
        "USCCB,A-3,2016-01-01,new",  # row 7: too few fields
        "",  # row 8
        "USCCB,A-4,2016-01-01,new,0,sex,extra",  # row 9: too many
        "USCCB,A-5,2016-01-01,bogus,0,sex",  # row 10
    ]
    path = write(tmp_path / "entries.csv", "\n".join(lines) + "\n", newline)
    assert problems(path) == [
        "entries.csv, row 7: the row has 4 field(s) (expected 6, as in the header): "
        "'USCCB,A-3,2016-01-01,new'",
        "entries.csv, row 9: the row has 7 field(s) (expected 6, as in the header): "
        "'USCCB,A-4,2016-01-01,new,0,sex,extra'",
        "entries.csv, row 6, column intake_date: '2016-13-01' is not a date (expected YYYY-MM-DD)",
        "entries.csv, row 10, column intake_type: 'bogus' is not a known code "
        "(expected one of: new, reopened)",
        f"entries.csv, row 2, column trafficking_type: 'two{repr(newline)[1:-1]}lines' is not "
        "a known code "
        "(expected one of: sex, labor, both, unknown)",
    ]


def test_many_malformed_lines_are_listed_up_to_the_cap_and_counted(tmp_path):
    lines = [HEADER] + [
        f"G,{n},2016-01-05,new" if n % 2 else f"G,{n},2016-01-05,new,0,sex" for n in range(5000)
    ]
    path = write(tmp_path / "entries.csv", "\n".join(lines) + "\n")
    found = problems(path)
    assert len(found) == reading.MAX_LISTED + 1
    assert found[0].startswith("entries.csv, row 3: the row has 4 field(s)")
    assert found[-1] == (
        "entries.csv: 2450 more line(s) with the wrong number of fields (not listed)"
    )


def test_a_cell_of_several_megabytes_is_read(tmp_path):
    notes = ("pasted case notes, line after line. " * 30 + "\n") * 5000  # about 5.5 MB
    path = write(
        tmp_path / "entries.csv",
        "\n".join(
            [
                HEADER + ",notes",
                *(row + ',"' + notes + '"' for row in ROWS[:2]),
                *(row + ",short" for row in ROWS[2:]),
            ]
        )
        + "\n",
    )
    frame = read(path)
    assert len(frame["notes"].iat[0]) == len(notes.strip())
    assert frame["client_id"].tolist() == ["A-1", "A-2", "T-1", "T-1"]
    bad = write(tmp_path / "bad.csv", f'{HEADER},notes\n"{notes}",1,x,new,0,sex,n\n')
    assert problems(bad)[0].startswith("bad.csv, row 2, column intake_date: 'x' is not a date")


@pytest.mark.parametrize(("separator", "name"), [(";", "semicolons"), ("\t", "tabs")])
def test_semicolon_and_tab_files_keep_their_hint(tmp_path, separator, name, newline="\r"):
    text = "\n".join(line.replace(",", separator) for line in [HEADER, *ROWS]) + "\n"
    path = write(tmp_path / "entries.csv", text, newline)
    assert f"this file seems to use {name}" in problems(path)[0]


# --- 3. spreadsheets as they are ---------------------------------------------------------------


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def typed_rows() -> list[list[object]]:
    """The clean rows as typed cells: dates and numbers."""
    out = []
    for row in ROWS:
        g, c, d, t, n, k = row.split(",")
        out.append([g, c, datetime.fromisoformat(d), t, int(n), k])
    return out


def instructions() -> list[list[object]]:
    return [["How to fill in this workbook"], ["Dates as dates; one row per entry."]]


def test_the_data_sheet_is_found_behind_an_instructions_sheet(tmp_path, capsys):
    path = workbook(
        tmp_path / "omb.xlsx",
        {"Instructions": instructions(), "Entries": [HEADER.split(","), *typed_rows()]},
    )
    frame = read(path)
    assert frame.attrs[reading.SHEET_ATTRIBUTE] == "Entries"
    same_frame(frame, read(clean_csv(tmp_path)))
    assert cli.main(["ppr", "--entries", str(path), "--out", str(tmp_path / "out")]) == 0
    assert "from sheet 'Entries'" in capsys.readouterr().err
    csv_out = tmp_path / "csv_out"
    assert run("--entries", str(clean_csv(tmp_path)), "--out", str(csv_out), "--no-suppress") == 0
    xlsx_out = tmp_path / "xlsx_out"
    assert run("--entries", str(path), "--out", str(xlsx_out), "--no-suppress") == 0
    for table in csv_out.glob("*.csv"):
        assert (xlsx_out / table.name).read_text() == table.read_text(), table.name


def test_sheet_chosen_by_name_or_refused_with_the_sheets_there_are(tmp_path):
    path = workbook(
        tmp_path / "book.xlsx",
        {
            "Old": [HEADER.split(","), ["G", "1", datetime(2016, 1, 5), "bogus", 0, "sex"]],
            "New": [HEADER.split(","), *typed_rows()],
        },
    )
    assert problems(path)[0].startswith("book.xlsx, sheet 'Old', row 2, column intake_type")
    assert read(path, sheet="New")["client_id"].tolist() == ["A-1", "A-2", "T-1", "T-1"]
    assert problems(path, sheet="Nope") == [
        "book.xlsx: no sheet named 'Nope' (sheets: 'Old', 'New')"
    ]
    none = workbook(tmp_path / "none.xlsx", {"Instructions": instructions()})
    found = problems(none)
    assert found[0].startswith("none.xlsx, sheet 'Instructions': no sheet has the required")
    assert "--sheet NAME" in found[0]


@pytest.mark.parametrize("error", ["#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!"])
def test_excel_error_cells_are_errors_naming_the_cell(tmp_path, error):
    rows = typed_rows()
    rows[1][4] = error  # family_parents of row 3: never 0
    rows[2][2] = error  # intake_date of row 4
    rows[3][0] = error  # grantee of row 5: never a name
    path = workbook(tmp_path / "book.xlsx", {"Entries": [HEADER.split(","), *rows]})
    found = problems(path)
    where = "book.xlsx, sheet 'Entries'"
    shows = f"shows {error!r}, an Excel error (expected a value"
    assert f"{where}, row 5, column grantee: cell A5 {shows}" in found[0]
    assert f"{where}, row 4, column intake_date: cell C4 {shows}" in found[1]
    assert f"{where}, row 3, column family_parents: cell E3 {shows}" in found[2]
    assert any("row 3, column family_parents" in line and "not a whole" in line for line in found)


def _cache(path: Path, value: str) -> None:
    """Give every formula of the workbook a saved value, as Excel does when it saves."""
    with zipfile.ZipFile(path) as old:
        parts = {name: old.read(name) for name in old.namelist()}
    for name, data in parts.items():
        if name.startswith("xl/worksheets/"):
            data = re.sub(
                rb"(<f>[^<]*</f>)(<v\s*/>|<v></v>)?", rb"\1<v>" + value.encode() + rb"</v>", data
            )
            parts[name] = data
    with zipfile.ZipFile(path, "w") as new:
        for name, data in parts.items():
            new.writestr(name, data)


def test_formulas_without_a_saved_value_are_errors_and_saved_values_are_read(tmp_path):
    rows = typed_rows()
    for row in rows:
        row[4] = "=1+0"
    path = workbook(tmp_path / "book.xlsx", {"Entries": [HEADER.split(","), *rows]})
    found = problems(path)
    assert found[0] == (
        "book.xlsx, sheet 'Entries', row 2, column family_parents: cell E2 is a formula "
        "without a saved value, '=1+0' (expected a value: open and save the file in Excel, "
        "or paste values)"
    )
    assert len(found) == len(rows)
    _cache(path, "1")
    assert read(path)["family_parents"].tolist() == [1, 1, 1, 1]


def test_a_header_below_row_1_is_read_from_its_row(tmp_path):
    title = [["TVAP client entries, exported 2026-11-01"], ["Reporting period", "FY2016"], []]
    path = workbook(tmp_path / "book.xlsx", {"Export": [*title, HEADER.split(","), *typed_rows()]})
    frame = read(path)
    assert frame.attrs["header_row"] == 4
    assert len(frame) == len(typed_rows())
    text = write(tmp_path / "titled.csv", "TVAP export\n\n" + "\n".join([HEADER, *ROWS]) + "\n")
    assert read(text).attrs["header_row"] == 3
    bad = write(tmp_path / "bad.csv", "TVAP export\n\n" + "\n".join([HEADER, "G,1"]) + "\n")
    assert problems(bad)[0].startswith("bad.csv, row 4: the row has 2 field(s)")


def test_excel_date_numbers_are_dates_whatever_the_cell_format(tmp_path):
    rows = typed_rows()
    rows[0][2] = 42278  # a date cell formatted as a number: 2015-10-01
    path = workbook(tmp_path / "book.xlsx", {"Entries": [HEADER.split(","), *rows]})
    assert str(read(path)["intake_date"].iloc[0].date()) == "2015-10-01"
    header = "grantee,client_id,intake_date,intake_type"
    text = write(tmp_path / "typed.csv", f"{header}\nG,1,42278,new\n")
    assert "it looks like an Excel date number (for 2015-10-01)" in problems(text)[0]


def test_a_stored_dimension_that_is_wrong_does_not_hide_rows(tmp_path):
    path = workbook(tmp_path / "book.xlsx", {"Entries": [HEADER.split(","), *typed_rows()]})
    with zipfile.ZipFile(path) as old:
        parts = {name: old.read(name) for name in old.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', parts[sheet])
    with zipfile.ZipFile(path, "w") as new:
        for name, data in parts.items():
            new.writestr(name, data)
    same_frame(read(path), read(clean_csv(tmp_path)))


# --- 4. dates ----------------------------------------------------------------------------------


def test_iso_date_times_with_a_zone_give_the_date_as_written(tmp_path):
    values = [
        "2015-10-01T23:30:00Z",
        "2016-03-31T23:59:59-05:00",
        "2016-11-15 00:30+05:00",
        "2017-01-05T12:00:00.123456+0530",
    ]
    lines = [HEADER] + [
        row.replace(row.split(",")[2], value) for row, value in zip(ROWS, values, strict=True)
    ]
    path = write(tmp_path / "zoned.csv", "\n".join(lines) + "\n")
    same_frame(read(path), read(clean_csv(tmp_path)))


def test_time_zone_aware_parquet_timestamps_give_their_own_zones_date(tmp_path):
    clean = read(clean_csv(tmp_path))
    columns = {
        name: [row.split(",")[i] for row in ROWS] for i, name in enumerate(HEADER.split(","))
    }
    columns["family_parents"] = [int(value) for value in columns["family_parents"]]
    # 22:00 in New York on the day, which is already the next day in UTC.
    local = [datetime.fromisoformat(d) + timedelta(hours=22) for d in columns["intake_date"]]
    utc = [(d + timedelta(hours=5)).replace(tzinfo=UTC) for d in local]
    columns["intake_date"] = pa.array(utc, type=pa.timestamp("us", tz="America/New_York"))
    pq.write_table(pa.table(columns), tmp_path / "zoned.parquet")
    same_frame(read(tmp_path / "zoned.parquet"), clean)
    columns["intake_date"] = pa.array(utc, type=pa.timestamp("ms", tz="UTC"))
    pq.write_table(pa.table(columns), tmp_path / "utc.parquet")
    shifted = read(tmp_path / "utc.parquet")["intake_date"]
    assert (shifted - clean["intake_date"]).dt.days.tolist() == [1, 1, 1, 1]


def test_text_dates_that_are_not_iso_need_an_explicit_format(tmp_path, capsys):
    us = [
        row.replace(d, f"{d[5:7]}/{d[8:10]}/{d[:4]}") for row in ROWS for d in [row.split(",")[2]]
    ]
    path = write(tmp_path / "us.csv", "\n".join([HEADER, *us]) + "\n")
    assert problems(path)[0] == (
        "us.csv, row 2, column intake_date: '10/01/2015' is not a date (expected YYYY-MM-DD)"
    )
    same_frame(read(path, date_format="%m/%d/%Y"), read(clean_csv(tmp_path)))
    # Read as day/month, 11/15 is no date: refused, not guessed.
    found = problems(path, date_format="%d/%m/%Y")
    assert found == [
        f"us.csv, row {row}, column intake_date: {value!r} is not a date "
        "(expected YYYY-MM-DD, or %d/%m/%Y)"
        for row, value in ((3, "03/31/2016"), (4, "11/15/2016"))
    ]
    out = str(tmp_path / "out")
    assert run("--entries", str(path), "--out", out, "--date-format", "%m/%d/%Y") == 0
    for pattern in ("%m/%d/%y", "%m/%Y", "%d.%m.%Y %H:%M", "nonsense", "%m/%d/%Y%", "%d%m%Y%z"):
        with pytest.raises(SystemExit) as stopped:
            cli.main(["ppr", "--entries", str(path), "--out", out + "2", "--date-format", pattern])
        assert stopped.value.code == 2
        assert "--date-format" in capsys.readouterr().err


@pytest.mark.parametrize(
    "value", ["0001-01-01", "1900-01-01", "1899-12-30", "1970-01-01", "2000-09-30"]
)
def test_placeholder_dates_before_the_program_are_errors(tmp_path, value):
    path = write(
        tmp_path / "old.csv", f"{HEADER}\nG,1,{value},new,0,sex\nG,2,2000-10-01,new,0,sex\n"
    )
    assert problems(path) == [
        f"old.csv, row 2, column intake_date: '{value}' is before 2000-10-01 (expected a date "
        "from October 2000, when the Trafficking Victims Protection Act became law, to today; "
        "0001-01-01 or 1900-01-01 are placeholders, not dates)"
    ]


# --- 5. counts never wrap ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["51", "1000", "9223372036854775807", "9223372036854775808", "99999999999999999999999", "1e18"],
)
def test_implausible_family_counts_are_errors_naming_the_cell(tmp_path, value):
    path = write(tmp_path / "big.csv", f"{HEADER}\nG,1,2016-01-05,new,{value},sex\n")
    found = problems(path)
    assert len(found) == 1
    assert found[0].startswith(f"big.csv, row 2, column family_parents: '{value}' is ")


def test_a_count_at_the_limit_is_read_and_totals_stay_exact(tmp_path):
    lines = [HEADER] + [f"G,{n},2016-01-05,new,{reading.MAX_FAMILY_COUNT},sex" for n in range(2000)]
    path = write(tmp_path / "entries.csv", "\n".join(lines) + "\n")
    out = tmp_path / "out"
    assert run("--entries", str(path), "--out", str(out), "--no-suppress") == 0
    total = list(csv.DictReader(io.StringIO((out / "clients_by_fiscal_year.csv").read_text())))[-1]
    assert int(total["family_members"]) == 2000 * reading.MAX_FAMILY_COUNT
    path = write(
        tmp_path / "over.csv",
        f"{HEADER}\nG,1,2016-01-05,new,0,sex\n"
        + "".join(f"G,{n},2016-01-05,new,{2**62},sex\n" for n in range(2, 6)),
    )
    assert len(problems(path)) == 4


# --- 6. identity -------------------------------------------------------------------------------


def test_names_typed_on_a_mac_and_on_windows_are_one_person(tmp_path):
    composed, decomposed = "Caf\u00e9 Alliance", "Cafe\u0301 Alliance"
    text = (
        f"{HEADER}\n{composed},J\u00f6-1,2016-01-05,new,0,sex\n"
        f"{decomposed.upper()},jo\u0308-1,2016-02-05,reopened,0,sex\n"
    )
    path = write(tmp_path / "entries.csv", text)
    frame = read(path)
    assert frame["grantee"].tolist() == [composed, composed.upper()]
    codes, _ = reading.person_codes(frame)
    assert codes[0] == codes[1]
    keys = reading.person_key(
        pd.DataFrame({"grantee": [composed, decomposed], "client_id": ["x", "X"]}, dtype="str")
    )
    assert keys[0] == keys[1]
    closures = write(
        tmp_path / "closures.csv",
        f"grantee,client_id,closure_date\n{decomposed},JO\u0308-1,2016-06-30\n",
    )
    assert len(reading.read_closures(closures, frame, today=TODAY)) == 1
    out = tmp_path / "out"
    assert run("--entries", str(path), "--out", str(out), "--no-suppress") == 0
    table = (out / "clients_by_grantee.csv").read_text(encoding="utf-8").splitlines()
    assert len(table) == 3  # header, one grantee, Total


@pytest.mark.parametrize("name", ["Total", " TOTAL ", "total"])
def test_a_grantee_named_like_the_total_row_is_refused(tmp_path, name):
    path = write(
        tmp_path / "entries.csv",
        f"{HEADER}\nG,1,2016-01-05,new,0,sex\n{name},2,2016-01-05,new,0,sex\n",
    )
    assert problems(path) == [
        f"entries.csv, row 3, column grantee: {name.strip()!r} is the label of the tables' "
        "Total row (expected another grantee name, such as the grantee's full name, so that "
        "its row cannot be taken for the Total)"
    ]
    fine = write(tmp_path / "ok.csv", f"{HEADER}\nTotal Care,1,2016-01-05,new,0,sex\n")
    assert read(fine)["grantee"].tolist() == ["Total Care"]


# --- 7. outputs that are safe to open ----------------------------------------------------------


def test_ppr_outputs_neutralize_formulas_and_keep_numbers(tmp_path):
    names = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "Null\x00Co"]
    lines = [HEADER] + [
        f'"{n.replace(chr(34), chr(34) * 2)}",{i},2016-01-05,new,1,sex' for i, n in enumerate(names)
    ]
    path = write(tmp_path / "entries.csv", "\n".join(lines) + "\n")
    out = tmp_path / "out"
    assert run("--entries", str(path), "--out", str(out), "--no-suppress") == 0
    text = (out / "clients_by_grantee.csv").read_text(encoding="utf-8")
    assert "\x00" not in text
    grantees = [row["grantee"] for row in csv.DictReader(io.StringIO(text))]
    assert sorted(grantees[:-1]) == sorted(
        ['\'=HYPERLINK("http://x","y")', "'+1+1", "'-2+3", "'@SUM(A1)", "Tab", "NullCo"]
    )
    for table in out.glob("*.csv"):
        for row in csv.reader(io.StringIO(table.read_text(encoding="utf-8"))):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), (table.name, cell)
                assert not cell.startswith("-") or re.fullmatch(r"-\d+(\.\d+)?", cell)
    counts = list(csv.DictReader(io.StringIO((out / "clients_by_fiscal_year.csv").read_text())))
    assert counts[-1]["victims"] == "6"


# --- 8. one run, all problems ------------------------------------------------------------------


def test_both_bad_files_are_listed_in_one_run(tmp_path, capsys):
    entries = write(tmp_path / "entries.csv", f"{HEADER}\nG,1,2016-13-01,new,0,sex\n")
    closures = write(tmp_path / "closures.csv", "grantee,client_id,closure_date\nG,1,never\n")
    out = tmp_path / "out"
    err = error_of(
        capsys, "--entries", str(entries), "--closures", str(closures), "--out", str(out)
    )
    assert "error: 2 input files have problems" in err
    assert "entries.csv, row 2, column intake_date: '2016-13-01' is not a date" in err
    assert "closures.csv, row 2, column closure_date: 'never' is not a date" in err
    assert not out.exists()
    unreadable = tmp_path / "closures.xlsx"
    unreadable.write_bytes(b"PK not really")
    err = error_of(
        capsys, "--entries", str(entries), "--closures", str(unreadable), "--out", str(out)
    )
    assert "'2016-13-01' is not a date" in err and "cannot be read as an Excel workbook" in err


def test_a_parquet_duplicate_column_gets_the_csv_message(tmp_path):
    table = pa.table(
        [
            pa.array(["G"]),
            pa.array(["1"]),
            pa.array(["2016-01-05"]),
            pa.array(["new"]),
            pa.array(["H"]),
        ],
        names=["grantee", "client_id", "intake_date", "intake_type", "grantee"],
    )
    pq.write_table(table, tmp_path / "entries.parquet")
    write(
        tmp_path / "entries.csv",
        "grantee,client_id,intake_date,intake_type,grantee\nG,1,2016-01-05,new,H\n",
    )
    expected = ["entries.{}, row 1: column 'grantee' appears more than once (expected once)"]
    assert problems(tmp_path / "entries.parquet") == [expected[0].format("parquet")]
    assert problems(tmp_path / "entries.csv") == [expected[0].format("csv")]


def test_unusual_parquet_column_types_are_read_as_text(tmp_path):
    columns = {
        name: [row.split(",")[i] for row in ROWS] for i, name in enumerate(HEADER.split(","))
    }
    columns["family_parents"] = pa.array([1, 0, 2, 2], type=pa.int8())
    columns["notes"] = pa.array([[1, 2], None, [], [3]], type=pa.list_(pa.int64()))
    columns["blob"] = pa.array([b"\xff", b"ok", None, b""], type=pa.binary())
    columns["span"] = pa.array([1, 2, 3, None], type=pa.duration("s"))
    pq.write_table(pa.table(columns), tmp_path / "odd.parquet")
    frame = read(tmp_path / "odd.parquet")
    same_frame(frame[list(read(clean_csv(tmp_path)).columns)], read(clean_csv(tmp_path)))


# --- 9. no quiet way round disclosure control --------------------------------------------------


@pytest.mark.parametrize(
    ("threshold", "suppress", "publishable"),
    [(11, True, True), (20, True, True), (10, True, False), (1, True, False), (11, False, False)],
)
def test_a_lower_threshold_is_not_for_publication(tmp_path, threshold, suppress, publishable):
    state = release.Release(synthetic=False, suppressed=suppress, threshold=threshold)
    assert state.not_for_publication is not publishable
    out = tmp_path / "out"
    args = ["--entries", str(clean_csv(tmp_path)), "--out", str(out), "--threshold", str(threshold)]
    assert run(*args, *([] if suppress else ["--no-suppress"])) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["not_for_publication"] is not publishable
    assert ("NOT FOR PUBLICATION" in summary["notice"]) is not publishable
    for table in out.glob("*.csv"):
        rows = list(csv.DictReader(io.StringIO(table.read_text())))
        notices = {row.get(ppr.NOTICE_COLUMN, "") for row in rows}
        assert all(("NOT FOR PUBLICATION" in n) is not publishable for n in notices), table.name
