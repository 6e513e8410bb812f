"""The same records as contract CSV, OMB-labelled CSV, the OMB workbook and a titled workbook."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from analysis import cli
from analysis.records import reading

ENTRY_FIELDS = [
    "grantee",
    "client_id",
    "intake_date",
    "intake_type",
    "matched_within_48h",
    "family_parents",
    "family_children_under_18",
    "trafficking_type",
]
CLOSURE_FIELDS = ["grantee", "client_id", "closure_date", "obtained_cp_or_t_visa"]
LABELS = {
    **{column: label for label, column in reading.FORM_LABELS["entries"].items()},
}
CLOSURE_LABELS = {column: label for label, column in reading.FORM_LABELS["closures"].items()}
EXTRA = ["Date of Birth", "Report Type", "Race/Ethnicity"]
SECRET = "1987-03-04-SECRET"
INSTRUCTIONS = [["Instructions"], ["Complete one row per client."]]


def entries() -> list[dict[str, object]]:
    """Return 40 entries over three fiscal years and two grantees."""
    rows = []
    for number in range(40):
        rows.append(
            {
                "grantee": "North" if number % 3 else "South",
                "client_id": f"{number:04d}",
                "intake_date": datetime(2015 + number % 3, 1 + number % 12, 1 + number % 27),
                "intake_type": "new" if number % 5 else "reopened",
                "matched_within_48h": ("yes", "no", "")[number % 3],
                "family_parents": number % 2,
                "family_children_under_18": number % 4,
                "trafficking_type": ("sex", "labor", "both", "unknown")[number % 4],
            }
        )
    return rows


def closures() -> list[dict[str, object]]:
    """Return closures of every other entry, a year after intake."""
    return [
        {
            "grantee": row["grantee"],
            "client_id": row["client_id"],
            "closure_date": row["intake_date"].replace(year=row["intake_date"].year + 1),
            "obtained_cp_or_t_visa": ("yes", "no", "unknown")[number % 3],
        }
        for number, row in enumerate(entries())
        if number % 2 == 0
    ]


def cell(value: object) -> object:
    """Return a value as a CSV writes it."""
    return value.strftime("%Y-%m-%d") if isinstance(value, datetime) else value


def write_csv(path: Path, header: list[str], rows: list[list[object]], above=()) -> Path:
    """Write a CSV with optional rows above its header."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerows(above)
        writer.writerow(header)
        writer.writerows([[cell(value) for value in row] for row in rows])
    return path


def labelled(rows, fields, labels, extra=True):
    """Return (header, rows) under the form's labels, with the form's extra fields."""
    header = [labels[field] for field in fields] + (EXTRA if extra else [])
    body = [[row[field] for field in fields] + ([SECRET, "Quarterly", "Asian"] if extra else [])
            for row in rows]  # fmt: skip
    return header, body


def ppr_tables(tmp_path: Path, name: str, *args: str) -> dict[str, bytes]:
    """Run ppr --no-suppress and return its tables (summary.json left out) by file name."""
    out = tmp_path / name
    assert cli.main(["ppr", "--quiet", "--no-suppress", *args, "--out", str(out)]) == 0
    return {path.name: path.read_bytes() for path in sorted(out.iterdir()) if path.suffix == ".csv"}


@pytest.fixture(scope="module")
def contract_tables(tmp_path_factory) -> dict[str, bytes]:
    """The tables counted from the contract CSV files."""
    folder = tmp_path_factory.mktemp("contract")
    ent = write_csv(
        folder / "entries.csv",
        ENTRY_FIELDS,
        [[row[f] for f in ENTRY_FIELDS] for row in entries()],
    )
    clo = write_csv(
        folder / "closures.csv",
        CLOSURE_FIELDS,
        [[row[f] for f in CLOSURE_FIELDS] for row in closures()],
    )
    return ppr_tables(folder, "out", "--entries", str(ent), "--closures", str(clo))


def test_omb_labelled_csv_gives_the_same_tables(tmp_path, contract_tables, capsys):
    ent = write_csv(tmp_path / "entries.csv", *labelled(entries(), ENTRY_FIELDS, LABELS))
    clo = write_csv(tmp_path / "closures.csv", *labelled(closures(), CLOSURE_FIELDS,
                                                         CLOSURE_LABELS))  # fmt: skip
    assert ppr_tables(tmp_path, "out", "--entries", str(ent), "--closures", str(clo)) == (
        contract_tables
    )
    out = tmp_path / "progress"
    assert cli.main(["ppr", "--entries", str(ent), "--out", str(out)]) == 0
    said = capsys.readouterr().err
    assert "read 'Client Identifier' as client_id" in said
    assert "'Type of Intake' as intake_type" in said
    written = b"".join(path.read_bytes() for path in out.iterdir())
    assert SECRET.encode() not in written and b"Asian" not in written


def omb_workbook(path: Path, wrapped: bool = False, titled: bool = False) -> Path:
    """Write the OMB workbook: instruction sheets, both record sheets, a chart sheet."""
    book = openpyxl.Workbook()
    book.active.title = "Instructions"
    for row in INSTRUCTIONS:
        book.active.append(row)
    book.create_sheet("Definitions").append(["Client Identifier", "a unique number"])
    book.create_sheet("Operational Guidance").append(["Report quarterly"])
    book.create_chartsheet("Chart")
    above = [["TVAP Client Program Entry"], ["Reporting period", "FY2015-FY2017"], []]
    for title, rows, fields, labels in (
        ("Q. Client Program Entry", entries(), ENTRY_FIELDS, LABELS),
        ("Q. Client Case Closure", closures(), CLOSURE_FIELDS, CLOSURE_LABELS),
    ):
        sheet = book.create_sheet(title)
        header, body = labelled(rows, fields, labels)
        if wrapped:
            header = [name.replace(" ", "\n", 2).upper() for name in header]
        for row in above if titled else []:
            sheet.append(row)
        sheet.append(header)
        for number, row in enumerate(body):
            if titled and number % 2:  # a date typed into a cell formatted as a number
                row = [(value - datetime(1899, 12, 30)).days if isinstance(value, datetime)
                       else value for value in row]  # fmt: skip
            sheet.append(row)
    book.create_sheet("Q. Barriers to Service Delivery").append(["Barrier", "Count"])
    book.save(path)
    return path


def test_the_omb_workbook_gives_the_same_tables(tmp_path, contract_tables):
    book = str(omb_workbook(tmp_path / "tvap.xlsx"))
    assert ppr_tables(tmp_path, "out", "--entries", book, "--closures", book) == contract_tables


def test_a_wrapped_titled_workbook_gives_the_same_tables(tmp_path, contract_tables, capsys):
    book = str(omb_workbook(tmp_path / "tvap.xlsx", wrapped=True, titled=True))
    assert ppr_tables(tmp_path, "out", "--entries", book, "--closures", book) == contract_tables
    out = tmp_path / "progress"
    assert cli.main(["ppr", "--entries", book, "--closures", book, "--out", str(out)]) == 0
    said = capsys.readouterr().err
    assert "from sheet 'Q. Client Program Entry', header found on row 4" in said
    assert "from sheet 'Q. Client Case Closure', header found on row 4" in said


def test_row_numbers_stay_those_a_spreadsheet_shows(tmp_path, capsys):
    rows = entries()
    rows[2]["intake_type"] = "maybe"
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [["Title"], [], *[labelled(rows, ENTRY_FIELDS, LABELS)[0]]]:
        sheet.append(row)
    for row in labelled(rows, ENTRY_FIELDS, LABELS)[1]:
        sheet.append(row)
    book.save(tmp_path / "book.xlsx")
    code = cli.main(["ppr", "--entries", str(tmp_path / "book.xlsx"), "--out", str(tmp_path / "o")])
    assert code == 2
    said = capsys.readouterr().err
    assert "row 6, column intake_type: 'maybe' is not a known code" in said
    assert SECRET not in said
    assert not (tmp_path / "o").exists()


def test_a_chart_sheet_is_skipped_and_named_when_asked_for(tmp_path, capsys):
    book = str(omb_workbook(tmp_path / "tvap.xlsx"))
    out = str(tmp_path / "o")
    assert cli.main(["ppr", "--entries", book, "--sheet", "Chart", "--out", out]) == 2
    said = capsys.readouterr().err
    assert "sheet 'Chart' is a chart sheet, not a worksheet" in said
    assert "Traceback" not in said


def test_every_line_malformed_is_listed(tmp_path, capsys):
    path = tmp_path / "entries.csv"
    path.write_text("grantee,client_id,intake_date,intake_type\nA,1,2016-01-05\nB,2\n")
    assert cli.main(["ppr", "--entries", str(path), "--out", str(tmp_path / "o")]) == 2
    said = capsys.readouterr().err
    assert "entries.csv, row 2: the row has 3 field(s) (expected 4" in said
    assert "entries.csv, row 3: the row has 2 field(s)" in said
    assert "Traceback" not in said and not (tmp_path / "o").exists()


def test_readme_lists_the_form_labels():
    text = (Path(__file__).parents[1] / "data" / "README.md").read_text(encoding="utf-8")
    assert "| entries | Client Identifier | `client_id` |" in text
    assert json.dumps("Child(ren) < 18")[1:-1] in text
