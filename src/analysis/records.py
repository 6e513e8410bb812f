"""Client records (TVAP performance-report entries and closures): the file contract.

Columns are snake_case; unknown extra columns are kept. Values are matched case-insensitively
and trimmed. A person is (grantee, client_id), compared case-insensitively.
The answer lists below for free-text fields are not published by OTIP; the code lists are the
project's own (see docs in data/README.md and the notebook on client records).
"""

from __future__ import annotations

import pandas as pd

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


def person_key(frame: pd.DataFrame) -> pd.Series:
    """Return one key per row identifying the person: (grantee, client_id), case-insensitive."""
    return (
        frame["grantee"].str.strip().str.casefold()
        + "\x1f"
        + frame["client_id"].str.strip().str.casefold()
    )
