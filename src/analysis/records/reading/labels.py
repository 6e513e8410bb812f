"""Header names: contract names, the OMB form's labels and a mapping's headers read as columns."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from analysis.records.reading.contract import (
    CLOSURE_COLUMNS,
    ENTRY_COLUMNS,
    FORM_LABELS,
    HEADER_SEARCH_ROWS,
    SYNTHETIC_COLUMN,
)


def header_key(text: object) -> str:
    """Return a header cell as compared: NFC, trimmed, case-folded, white space runs as one."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFC", str(text)).casefold()
    return re.sub(r"\s+", " ", folded).strip()


def known_headers(kind: str | None = None, mapped: Mapping[str, str] | None = None) -> dict:
    """Return, by header key, the contract column each known header is read as.

    Contract names, then the form's labels of ``kind`` ("entries", "closures"; both when
    None), then the headers a mapping names (``mapped``: header key -> column), which win.
    """
    known = {header_key(name): name for name in (*ENTRY_COLUMNS, *CLOSURE_COLUMNS)}
    known[SYNTHETIC_COLUMN] = SYNTHETIC_COLUMN
    kinds = [kind] if kind else list(FORM_LABELS)
    for each in kinds:
        known.update({header_key(label): column for label, column in FORM_LABELS[each].items()})
    known.update(mapped or {})
    return known


def read_as(names: Iterable[object], known: Mapping[str, str]) -> list[str]:
    """Return the column name each header cell is read as (unknown ones only trimmed, NFC)."""
    return [
        known.get(header_key(name), unicodedata.normalize("NFC", str(name)).strip())
        for name in names
    ]


def relabelled(names: Sequence[object], known: Mapping[str, str]) -> list[tuple[str, str]]:
    """Return (header as written, column) of each header read under another name."""
    found = []
    for name, column in zip(names, read_as(names, known), strict=True):
        written = re.sub(r"\s+", " ", str(name)).strip()
        if column != written and header_key(written) != column:
            found.append((written, column))
    return found


def header_position(
    records: Sequence[Sequence[object]], required: Sequence[str], known: Mapping[str, str]
) -> int | None:
    """Return the index of the first of the top records holding every required column.

    None when no record among the first ``HEADER_SEARCH_ROWS`` does (or nothing is required).
    """
    if not required:
        return None
    for position, record in enumerate(records[:HEADER_SEARCH_ROWS]):
        cells = {known.get(header_key(value)) for value in record if value is not None}
        if set(required) <= cells:
            return position
    return None


def read_as_note(pairs: Sequence[tuple[str, str]]) -> str:
    """Return the progress note naming the columns read under another header."""
    return "read " + ", ".join(f"{written!r} as {column}" for written, column in pairs)
