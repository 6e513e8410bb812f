"""The client-record file contract: its columns, code lists and the rule each column is read by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

FAMILY_COLUMNS = (
    "family_parents",
    "family_siblings",
    "family_spouse",
    "family_children_under_18",
    "family_children_18_plus",
)


YES_NO_UNKNOWN = ("yes", "no", "unknown")
INTAKE_TYPES = ("new", "reopened")
ELIGIBILITY_STATUSES = (
    "pre-certified",
    "certified",
    "interim-assistance",
    "eligibility-letter",
    "unknown",
)


TRAFFICKING_TYPES = ("sex", "labor", "both", "unknown")
ENTRY_REQUIRED = ("grantee", "client_id", "intake_date", "intake_type")
ENTRY_COLUMNS = (
    *ENTRY_REQUIRED,
    "referral_date",
    "referral_source",
    "matched_within_48h",
    *FAMILY_COLUMNS,
    "eligibility_status",
    "age_at_intake",
    "gender_identity",
    "trafficking_type",
    "country_of_origin",
    "acf_region",
)


CLOSURE_QUESTIONS = (
    "obtained_cp_or_t_visa",
    "obtained_certification_or_eligibility",
    "referred_for_continued_case_management",
)


CLOSURE_REQUIRED = ("grantee", "client_id", "closure_date")
CLOSURE_COLUMNS = (*CLOSURE_REQUIRED, "closure_reason", "living_situation", *CLOSURE_QUESTIONS)
FILE_TYPES = (".csv", ".parquet", ".xlsx")
SYNTHETIC_COLUMN = "data_origin"
SYNTHETIC_VALUE = "synthetic"
SHEET_ATTRIBUTE = "sheet"
"""``frame.attrs[SHEET_ATTRIBUTE]``: the name of the XLSX sheet a frame was read from."""
HEADER_ROW = "header_row"
"""``frame.attrs[HEADER_ROW]``: the spreadsheet row the header was read from (1 unless titled)."""
HEADERS = "headers"
"""``frame.attrs[HEADERS]``: the header cells as written."""
READ_AS = "read_as"
"""``frame.attrs[READ_AS]``: (header as written, column) of each column read under a label."""
HEADER_SEARCH_ROWS = 20
"""The header is the first of this many top rows that holds every required column."""
DATE_EXPECTED = "expected YYYY-MM-DD"
DATE_FLOOR = date(2000, 10, 1)
"""No TVAP date is earlier: the Trafficking Victims Protection Act became law in October 2000."""
MAX_FAMILY_COUNT = 50
"""A family count above this (in one cell) is not a plausible family: an error, not a count."""
RESERVED_GRANTEES = ("total",)
"""Row labels of the tables (compared ignoring case): a grantee may not be named so."""
EXCEL_DAY_ZERO = date(1899, 12, 30)
"""Excel's serial date 0 (serial 36800 is 2000-10-01)."""
PARSED_BY_VALUE = ("date", "code", "count", "whole")
# A date, optionally followed by a time of day and a zone (as spreadsheets, Parquet timestamps
# and ISO 8601 exports give); the time and the zone are ignored: the date is taken as written.
_DATE_PATTERN = (
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?: ?(?:Z|[+-]\d{2}(?::?\d{2})?))?)?"
)


_SERIAL_PATTERN = r"\d{5}(?:\.\d+)?"


@dataclass(frozen=True)
class Column:
    """How one contract column is read: its kind, whether it is required, its codes.

    This is the one statement of the contract: the validator applies these rules, and the
    contract tables of ``data/README.md`` are generated from them (``contract_tables``).
    ``note`` is what the tables say of the column besides its type and codes.
    """

    kind: str  # "text", "date", "code", "count" (whole 0-high, blank = 0) or "whole" (range)
    required: bool = False
    codes: tuple[str, ...] = ()
    blank_is_unknown: bool = False
    low: int = 0
    high: int = 0
    note: str = ""


FREE_TEXT = "free text"
# What the codes of eligibility_status mean (the tables say so beside each code).
CODE_MEANINGS = {
    "pre-certified": "adult, pending HHS certification",
    "certified": "adult, HHS Certification Letter",
    "interim-assistance": "minor, Interim Assistance Letter",
    "eligibility-letter": "minor, Eligibility Letter",
}

ENTRY_RULES: dict[str, Column] = {
    "grantee": Column("text", required=True, note="award recipient name"),
    "client_id": Column(
        "text", required=True, note="the grantee's client identifier (leading zeros kept)"
    ),
    "intake_date": Column("date", required=True, note="not in the future"),
    "intake_type": Column("code", required=True, codes=INTAKE_TYPES),
    "referral_date": Column("date", note="not after intake_date"),
    "referral_source": Column("text", note=FREE_TEXT),
    "matched_within_48h": Column("code", codes=YES_NO_UNKNOWN, blank_is_unknown=True),
    **{
        name: Column(
            "count",
            high=MAX_FAMILY_COUNT,
            note=(
                f"blank = 0; `2.0` accepted; above {MAX_FAMILY_COUNT} is not a plausible family "
                "(an error), so no total can overflow"
            ),
        )
        for name in FAMILY_COLUMNS
    },
    "eligibility_status": Column("code", codes=ELIGIBILITY_STATUSES, blank_is_unknown=True),
    "age_at_intake": Column("whole", low=0, high=120, note="blank = not recorded"),
    "gender_identity": Column("text", note=FREE_TEXT),
    "trafficking_type": Column("code", codes=TRAFFICKING_TYPES, blank_is_unknown=True),
    "country_of_origin": Column("text", note=FREE_TEXT),
    "acf_region": Column("whole", low=1, high=10, note="HHS/ACF region; blank = not recorded"),
}
CLOSURE_RULES: dict[str, Column] = {
    "grantee": Column("text", required=True, note="must be a person in entries"),
    "client_id": Column("text", required=True, note="must be a person in entries"),
    "closure_date": Column(
        "date", required=True, note="not in the future; not before the person's first intake_date"
    ),
    "closure_reason": Column("text", note=FREE_TEXT),
    "living_situation": Column("text", note=FREE_TEXT),
    **{
        name: Column("code", codes=YES_NO_UNKNOWN, blank_is_unknown=True)
        for name in CLOSURE_QUESTIONS
    },
}
# Extra columns the tools read when present (every other extra column is kept as text).
ENTRY_EXTRAS: dict[str, Column] = {
    SYNTHETIC_COLUMN: Column(
        "text",
        note=f"`{SYNTHETIC_VALUE}` marks a synthetic record; one such row labels every output "
        "SYNTHETIC",
    ),
}


# The OMB 0970-0467 form's own field labels (Client Characteristics and Program Entry, 2021;
# Federal Register 2022; Case Closure) and the contract column each is read as. A header cell is
# compared trimmed, ignoring case, every run of white space taken as one space.
FORM_LABELS: dict[str, dict[str, str]] = {
    "entries": {
        "Grantee": "grantee",
        "Client Identifier": "client_id",
        "Intake Date": "intake_date",
        "Type of Intake": "intake_type",
        "Referral Date": "referral_date",
        "Referral Source": "referral_source",
        "Was client matched to a service provider within 48 hours of referral?": (
            "matched_within_48h"
        ),
        "Parent(s)": "family_parents",
        "Sibling(s)": "family_siblings",
        "Spouse": "family_spouse",
        "Child(ren) < 18": "family_children_under_18",
        "Child(ren) 18 or Older": "family_children_18_plus",
        "Service Eligibility Status": "eligibility_status",
        "Age at time of intake": "age_at_intake",
        "Gender Identity": "gender_identity",
        "Type of Trafficking Experienced": "trafficking_type",
        "Country of Origin": "country_of_origin",
    },
    "closures": {
        "Grantee": "grantee",
        "Client Identifier": "client_id",
        "Case Closure Date": "closure_date",
        "Reason for Case Closing": "closure_reason",
        "Living Situation upon Case Closing": "living_situation",
        "Did the client obtain Continued Presence or T-Visa?": "obtained_cp_or_t_visa",
        "Did the client obtain HHS Certification or Eligibility?": (
            "obtained_certification_or_eligibility"
        ),
        "Did the client receive a referral for continued case management services?": (
            "referred_for_continued_case_management"
        ),
    },
}


def contract_tables() -> dict[str, str]:
    """Return the Markdown table of each file of the contract (``entries``, ``closures``).

    Neighbouring columns with the same rule share a row.
    """
    return {
        "entries": _table(ENTRY_RULES, ENTRY_EXTRAS),
        "closures": _table(CLOSURE_RULES, {}),
        "form labels": _labels_table(),
    }


def _labels_table() -> str:
    """Return the table of the form's labels and the contract column each is read as."""
    lines = ["| file | form label (OMB 0970-0467) | read as |", "|---|---|---|"]
    for kind, labels in FORM_LABELS.items():
        lines += [f"| {kind} | {label} | `{column}` |" for label, column in labels.items()]
    return "\n".join(lines)


def _table(rules: dict[str, Column], extras: dict[str, Column]) -> str:
    """Return one file's contract table."""
    lines = ["| column | type | required | values / rule |", "|---|---|---|---|"]
    groups: list[tuple[list[str], Column, str]] = []
    for name, rule in [*rules.items(), *((n, r) for n, r in extras.items())]:
        required = "yes" if rule.required else ("no (extra)" if name in extras else "no")
        if groups and groups[-1][1] == rule and groups[-1][2] == required:
            groups[-1][0].append(name)
        else:
            groups.append(([name], rule, required))
    for names, rule, required in groups:
        lines.append(f"| {', '.join(names)} | {_kind(rule)} | {required} | {_values(rule)} |")
    return "\n".join(lines)


def _kind(rule: Column) -> str:
    """Return the type a table shows for a column."""
    if rule.kind in ("count", "whole"):
        return f"whole number {rule.low}\u2013{rule.high}"
    return rule.kind


def _values(rule: Column) -> str:
    """Return what a table says of a column's values: its codes, else its note."""
    if rule.kind != "code":
        return rule.note
    codes = ", ".join(
        f"`{code}` ({CODE_MEANINGS[code]})" if code in CODE_MEANINGS else f"`{code}`"
        for code in rule.codes
    )
    return codes + (" (blank = unknown)" if rule.blank_is_unknown else "")
