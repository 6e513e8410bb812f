"""Reading client records: the file contract, each file type, the checks, the persons."""

from __future__ import annotations

from analysis.records.reading import contract
from analysis.records.reading.contract import (
    CLOSURE_COLUMNS,
    CLOSURE_QUESTIONS,
    CLOSURE_REQUIRED,
    CLOSURE_RULES,
    DATE_FLOOR,
    ELIGIBILITY_STATUSES,
    ENTRY_COLUMNS,
    ENTRY_REQUIRED,
    ENTRY_RULES,
    FAMILY_COLUMNS,
    FILE_TYPES,
    FORM_LABELS,
    HEADER_ROW,
    INTAKE_TYPES,
    MAX_FAMILY_COUNT,
    READ_AS,
    SHEET_ATTRIBUTE,
    SYNTHETIC_COLUMN,
    SYNTHETIC_VALUE,
    TRAFFICKING_TYPES,
    YES_NO_UNKNOWN,
    Column,
)
from analysis.records.reading.draft import (
    draft_mapping,
)
from analysis.records.reading.export import (
    file_options,
    is_all_synthetic,
    is_synthetic,
    read_closures,
    read_coded_entries,
    read_entries,
)
from analysis.records.reading.files import (
    read_table,
)
from analysis.records.reading.labels import (
    header_key,
    known_headers,
    read_as_note,
)
from analysis.records.reading.mapping import (
    FileMapping,
    RecordsMapping,
    load_mapping,
)
from analysis.records.reading.persons import (
    People,
    Persons,
    person_codes,
    person_key,
)
from analysis.records.reading.problems import (
    MAX_LISTED,
    Problems,
    quote,
)
from analysis.records.reading.validation import (
    check_date_format,
)

__all__ = [
    "CLOSURE_COLUMNS",
    "CLOSURE_QUESTIONS",
    "CLOSURE_REQUIRED",
    "CLOSURE_RULES",
    "Column",
    "DATE_FLOOR",
    "ELIGIBILITY_STATUSES",
    "ENTRY_COLUMNS",
    "ENTRY_REQUIRED",
    "ENTRY_RULES",
    "FAMILY_COLUMNS",
    "FILE_TYPES",
    "FORM_LABELS",
    "FileMapping",
    "HEADER_ROW",
    "INTAKE_TYPES",
    "MAX_FAMILY_COUNT",
    "MAX_LISTED",
    "People",
    "Persons",
    "Problems",
    "READ_AS",
    "RecordsMapping",
    "SHEET_ATTRIBUTE",
    "SYNTHETIC_COLUMN",
    "SYNTHETIC_VALUE",
    "TRAFFICKING_TYPES",
    "YES_NO_UNKNOWN",
    "check_date_format",
    "contract",
    "draft_mapping",
    "file_options",
    "header_key",
    "is_all_synthetic",
    "is_synthetic",
    "known_headers",
    "load_mapping",
    "person_codes",
    "person_key",
    "quote",
    "read_as_note",
    "read_closures",
    "read_coded_entries",
    "read_entries",
    "read_table",
]
