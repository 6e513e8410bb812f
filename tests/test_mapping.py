"""A mapping file: another system's export read as the contract, and each mistake named."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from analysis import cli
from tests.test_form_labels import (
    CLOSURE_FIELDS,
    ENTRY_FIELDS,
    closures,
    entries,
    ppr_tables,
    write_csv,
)

HEADERS = {
    "grantee": "Program",
    "client_id": "Client No",
    "intake_date": "Opened",
    "intake_type": "Kind",
    "matched_within_48h": "Matched in 48h",
    "family_parents": "Parents",
    "family_children_under_18": "Kids",
    "trafficking_type": "Exploitation",
    "closure_date": "Closed On",
    "obtained_cp_or_t_visa": "CP/T-Visa",
}
CODES = {
    "intake_type": {"new": "N", "reopened": "R"},
    "matched_within_48h": {"yes": "Y", "no": "N", "": ""},
    "trafficking_type": {"sex": "Sex", "labor": "Labour", "both": "Both", "unknown": "Not known"},
    "obtained_cp_or_t_visa": {"yes": "on", "no": "off", "unknown": "?"},
}
MAPPING = """\
entries:
  date_format: "%m/%d/%Y"
  columns:
    Program: grantee
    Client No: client_id
    Opened: intake_date
    Kind: intake_type
    Matched in 48h: matched_within_48h
    Parents: family_parents
    Kids: family_children_under_18
    Exploitation: trafficking_type
  values:
    intake_type: {N: new, R: reopened}
    matched_within_48h: {Y: yes, N: no}
    trafficking_type: {Sex: sex, Labour: labor, Both: both, Not known: unknown}
closures:
  date_format: "%m/%d/%Y"
  columns:
    Program: grantee
    Client No: client_id
    Closed On: closure_date
    CP/T-Visa: obtained_cp_or_t_visa
  values:
    obtained_cp_or_t_visa: {on: yes, off: no, "?": unknown}
"""


def custom(value: object, field: str) -> object:
    """Return a value as the other system writes it."""
    if hasattr(value, "strftime"):
        return value.strftime("%m/%d/%Y")
    return CODES.get(field, {}).get(value, value)


def custom_export(folder: Path) -> tuple[Path, Path]:
    """Write the records as the other system exports them."""
    ent = write_csv(
        folder / "intakes.csv",
        [HEADERS[field] for field in ENTRY_FIELDS],
        [[custom(row[field], field) for field in ENTRY_FIELDS] for row in entries()],
    )
    clo = write_csv(
        folder / "closed.csv",
        [HEADERS[field] for field in CLOSURE_FIELDS],
        [[custom(row[field], field) for field in CLOSURE_FIELDS] for row in closures()],
    )
    return ent, clo


@pytest.fixture(scope="module")
def contract_tables(tmp_path_factory) -> dict[str, bytes]:
    """The tables counted from the contract CSV files."""
    folder = tmp_path_factory.mktemp("contract")
    ent = write_csv(
        folder / "entries.csv", ENTRY_FIELDS, [[row[f] for f in ENTRY_FIELDS] for row in entries()]
    )
    clo = write_csv(
        folder / "closures.csv",
        CLOSURE_FIELDS,
        [[row[f] for f in CLOSURE_FIELDS] for row in closures()],
    )
    return ppr_tables(folder, "out", "--entries", str(ent), "--closures", str(clo))


def run(tmp_path: Path, mapping: str, *args: str) -> tuple[int, str]:
    """Run ppr on the custom export with a mapping; return its status and what it said."""
    ent, clo = custom_export(tmp_path)
    path = tmp_path / "mapping.yml"
    path.write_text(mapping, encoding="utf-8")
    out = tmp_path / "o"
    code = cli.main(
        ["ppr", "--quiet", "--entries", str(ent), "--closures", str(clo), "--mapping", str(path),
         "--out", str(out), *args]
    )  # fmt: skip
    return code, ("written" if out.exists() else "")


def test_a_custom_export_with_a_mapping_gives_the_same_tables(tmp_path, contract_tables):
    ent, clo = custom_export(tmp_path)
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(MAPPING, encoding="utf-8")
    tables = ppr_tables(
        tmp_path, "out", "--entries", str(ent), "--closures", str(clo), "--mapping", str(mapping)
    )
    assert tables == contract_tables
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["mapping"] == {
        "file": "mapping.yml",
        "sha256": hashlib.sha256(mapping.read_bytes()).hexdigest(),
    }


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("    Kids: family_children_under_18\n", "    Children: family_children_under_18\n"),
            "mapping.yml, line 10: entries: columns: 'Children' is not a header of intakes.csv",
        ),
        (
            ("    Kids: family_children_under_18\n", "    Kids: family_parents\n"),
            "mapping.yml, line 10: entries: columns: 'Kids' and 'Parents' (line 9) are both "
            "mapped to family_parents",
        ),
        (
            ("    Kids: family_children_under_18\n", "    Kids: children\n"),
            "mapping.yml, line 10: entries: columns: 'Kids' -> 'children' is not a column of "
            "the entries contract",
        ),
        (
            ("{N: new, R: reopened}", "{N: new, R: again}"),
            "mapping.yml, line 13: entries: values: intake_type: 'R' -> 'again' is not a code "
            "of intake_type (expected one of: new, reopened)",
        ),
        (
            ("  values:\n    intake_type", "  value:\n    intake_type"),
            "mapping.yml, line 12: unknown key 'value' in entries (expected one of: sheet, "
            "date_format, columns, values)",
        ),
        (
            ("entries:\n", "entry:\n"),
            "mapping.yml, line 1: unknown key 'entry' in the top level",
        ),
    ],
)
def test_each_mapping_mistake_is_named(tmp_path, capsys, change, expected):
    code, written = run(tmp_path, MAPPING.replace(*change))
    said = capsys.readouterr().err
    assert code == 2 and not written
    assert expected in said, said
    assert "Traceback" not in said


def test_invalid_yaml_is_named_with_its_line(tmp_path, capsys):
    code, _ = run(tmp_path, MAPPING.replace("Program: grantee", "Program: [grantee", 1))
    said = capsys.readouterr().err
    assert code == 2 and "mapping.yml, line" in said and "not valid YAML" in said


def test_an_unmapped_value_says_which_mapping_key_would_accept_it(tmp_path, capsys):
    code, _ = run(tmp_path, MAPPING.replace(", Not known: unknown", ""))
    said = capsys.readouterr().err
    assert code == 2
    assert "column trafficking_type: 'Not known' is not a known code" in said
    assert "or map it in mapping.yml under entries: values: trafficking_type:" in said


def test_the_command_line_wins_over_the_mapping(tmp_path, capsys):
    code, _ = run(tmp_path, MAPPING, "--date-format", "%d/%m/%Y")
    assert code == 2
    assert "expected YYYY-MM-DD, or %d/%m/%Y" in capsys.readouterr().err


def test_help_lists_the_mapping(capsys):
    for command in ("ppr", "records-report"):
        with pytest.raises(SystemExit):
            cli.main([command, "--help"])
        assert "--mapping FILE" in capsys.readouterr().out


def test_the_draft_names_the_lines_to_fill_and_once_filled_reads_the_export(
    tmp_path, contract_tables, capsys
):
    ent, clo = custom_export(tmp_path)
    draft = tmp_path / "draft.yml"
    args = ["records-mapping", "--entries", str(ent), "--closures", str(clo), "--out", str(draft)]
    assert cli.main(args) == 0
    text = draft.read_text(encoding="utf-8")
    assert '"Client No": ""  # nearest: client_id' in text
    assert '"Labour": ""' in text and '"off": ""' in text
    assert "0001" not in text and "/20" not in text  # no identifier, no date
    assert cli.main(args) == 2  # an existing file is never replaced
    out = tmp_path / "o"
    code = cli.main(["ppr", "--entries", str(ent), "--mapping", str(draft), "--out", str(out)])
    said = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert "draft.yml, line 9: entries: columns: 'Program' is mapped to nothing" in said
    assert "fill this line" in said
    filled = yaml.load(text, Loader=yaml.BaseLoader)
    inverse = {header: column for column, header in HEADERS.items()}
    for part in filled.values():
        part["date_format"] = "%m/%d/%Y"
        part["columns"] = {header: inverse[header] for header in part["columns"]}
        for column, values in part["values"].items():
            codes = {written: code for code, written in CODES[column].items()}
            part["values"][column] = {value: codes[value] for value in values}
    filled["entries"]["columns"]["Kids"] = "family_children_under_18"  # kept as extra
    filled["entries"]["values"]["intake_type"] = {"N": "new", "R": "reopened"}  # as ppr asks
    draft.write_text(yaml.safe_dump(filled), encoding="utf-8")
    tables = ppr_tables(
        tmp_path, "filled", "--entries", str(ent), "--closures", str(clo), "--mapping", str(draft)
    )
    assert tables == contract_tables


@pytest.mark.slow
def test_records_report_reads_the_export_with_the_mapping(tmp_path):
    ent, clo = custom_export(tmp_path)
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(MAPPING, encoding="utf-8")
    out = tmp_path / "report"
    args = ["records-report", "--quiet", "--entries", str(ent), "--closures", str(clo)]
    assert cli.main([*args, "--mapping", str(mapping), "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["mapping"]["file"] == "mapping.yml"
