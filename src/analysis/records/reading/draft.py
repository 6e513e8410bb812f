"""A draft mapping file, written from an export's header rows and its coded columns' values."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pandas as pd

from analysis.records.reading.contract import (
    CLOSURE_REQUIRED,
    CLOSURE_RULES,
    ENTRY_REQUIRED,
    ENTRY_RULES,
    FORM_LABELS,
    HEADERS,
    Column,
)
from analysis.records.reading.files import read_table
from analysis.records.reading.labels import header_key, known_headers

MAX_DISTINCT = 30
"""A column with more distinct values than this is not listed (it is not a coded column)."""
SUGGESTIONS = 3
"""At most this many nearest contract columns are suggested for a header."""


def draft_mapping(entries: Path, closures: Path | None = None, sheet: str | None = None) -> str:
    """Return a commented draft mapping (YAML) for an export: its headers and coded values.

    Recognized headers are noted; each other header gets a line to fill with its nearest
    contract columns as suggestions (or, with none near, a commented line: an extra column).
    For the coded columns only, each distinct value that is not a code gets a line to fill;
    identifiers, dates, counts and free text are never read into the draft.
    """
    lines = [
        '# Draft mapping: fill every line ending in "" (or delete it) before using it with',
        "#   python -m analysis ppr --mapping THIS_FILE ...",
        "# columns: header in the export -> contract column (data/README.md, Client records)",
        "# values: contract column -> {value in the export: contract code}",
    ]
    files = [("entries", entries)] + ([("closures", closures)] if closures else [])
    for kind, path in files:
        lines += ["", f"{kind}:"] + _file_draft(kind, Path(path), sheet)
    return "\n".join(lines) + "\n"


def _file_draft(kind: str, path: Path, sheet: str | None) -> list[str]:
    """Return the draft lines of one file (entries or closures)."""
    rules, required = (
        (ENTRY_RULES, ENTRY_REQUIRED) if kind == "entries" else (CLOSURE_RULES, CLOSURE_REQUIRED)
    )
    known = known_headers(kind)
    coded = [name for name, rule in rules.items() if rule.kind == "code"]
    raw, _ = read_table(path, frozenset(raw_name for raw_name in coded), sheet=sheet,
                        required=required, known=known)  # fmt: skip
    lines = [f"  # from {path.name}" + (f", sheet {raw.attrs['sheet']!r}" if "sheet" in raw.attrs
                                       else "")]  # fmt: skip
    if sheet:
        lines.append(f"  sheet: {json.dumps(sheet)}")
    lines.append("  columns:")
    suggested: dict[str, str] = {}
    for written in raw.attrs.get(HEADERS, []):
        name = written.strip()
        if not name:
            continue
        column = known.get(header_key(name))
        if column:
            lines.append(f"    # {json.dumps(name)} is read as {column}")
            continue
        near = _nearest(name, rules, kind, _distinct(raw, name))
        if near:
            suggested[name] = near[0]
            lines.append(f'    {json.dumps(name)}: ""  # nearest: {", ".join(near)}')
        else:
            lines.append(f'    # {json.dumps(name)}: ""  # no contract column near: kept as extra')
    lines.append("  values:")
    lines += _values_draft(raw, rules, known, suggested)
    return lines


def _distinct(raw: pd.DataFrame, name: str) -> list[str]:
    """Return a column's distinct non-blank values, or none when it has too many to be coded."""
    if name not in raw:
        return []
    distinct = [value for value in pd.unique(raw[name].str.strip()) if value]
    return distinct if len(distinct) <= MAX_DISTINCT else []


def _nearest(header: str, rules: dict[str, Column], kind: str, values: list[str]) -> list[str]:
    """Return the contract columns nearest a header, nearest first.

    Coded columns of which some value is a code come first, then the columns whose name or
    form label is near the header (difflib).
    """
    key = header_key(header)
    names = {name: name for name in rules}
    names |= {header_key(label): column for label, column in FORM_LABELS[kind].items()}
    names |= {name.replace("_", " "): name for name in rules}
    found = difflib.get_close_matches(key, list(names), n=len(names), cutoff=0.4)
    by_name = list(dict.fromkeys(names[match] for match in found))
    lowered = {value.lower() for value in values} - {"unknown"}
    coded = [
        name for name, rule in rules.items() if rule.kind == "code" and lowered & set(rule.codes)
    ]
    coded.sort(key=lambda name: by_name.index(name) if name in by_name else len(by_name))
    return list(dict.fromkeys([*coded, *by_name]))[:SUGGESTIONS]


def _values_draft(
    raw: pd.DataFrame, rules: dict[str, Column], known: dict[str, str], suggested: dict[str, str]
) -> list[str]:
    """Return a line to fill for each distinct value of a coded column that is not a code."""
    lines: list[str] = []
    for written in raw.columns:
        column = known.get(header_key(written)) or suggested.get(str(written).strip())
        rule = rules.get(column or "")
        if rule is None or rule.kind != "code" or written not in raw:
            continue
        distinct = pd.unique(raw[written].str.strip())
        codes = set(rule.codes)
        unknown = [value for value in distinct if value and value.lower() not in codes]
        if not unknown or len(distinct) > MAX_DISTINCT:
            continue
        of = "" if known.get(header_key(written)) else f"values of {json.dumps(written)}; "
        lines.append(f"    {column}:  # {of}codes: {', '.join(rule.codes)}")
        lines += [f'      {json.dumps(value)}: ""' for value in sorted(unknown)]
    return lines or ["    # every value of the coded columns is a code"]
