"""The invented mix of the synthetic records: the share of each value, and drawing by shares.

Nothing here is published; the shares are the project's own invention.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

REOPENINGS = (0.78, 0.16, 0.045, 0.015)  # share of persons with 0, 1, 2, 3 reopened cases
FAMILY_SIZE = (0.74, 0.12, 0.07, 0.04, 0.02, 0.01)  # share of persons with 0..5 family members
OPEN_SHARE = 0.12  # share of persons whose latest case is still open
MINOR_SHARE = 0.12
GROWTH_PER_YEAR = 0.3  # persons entering per fiscal year grow linearly from the first year
ADULT_FAMILY = {
    "family_children_under_18": 0.50,
    "family_spouse": 0.22,
    "family_parents": 0.12,
    "family_siblings": 0.09,
    "family_children_18_plus": 0.07,
}
MINOR_FAMILY = {"family_parents": 0.50, "family_siblings": 0.45, "family_children_under_18": 0.05}
TRAFFICKING = {"labor": 0.55, "sex": 0.30, "both": 0.10, "unknown": 0.03, "": 0.02}
ADULT_ELIGIBILITY = {"certified": 0.62, "pre-certified": 0.31, "unknown": 0.03, "": 0.04}
MINOR_ELIGIBILITY = {"eligibility-letter": 0.55, "interim-assistance": 0.38, "": 0.07}
MATCHED = {"yes": 0.72, "no": 0.17, "unknown": 0.05, "": 0.06}
REFERRAL_SOURCES = {
    "Law enforcement": 0.24,
    "Non-profit service provider": 0.22,
    "Legal services": 0.14,
    "Hotline": 0.10,
    "Self-referral": 0.08,
    "Health care provider": 0.06,
    "Faith-based organization": 0.05,
    "Other": 0.03,
    "": 0.08,
}
GENDERS = {"Female": 0.58, "Male": 0.37, "Transgender woman": 0.01, "Non-binary": 0.01, "": 0.03}
COUNTRIES = {
    "Mexico": 0.22,
    "Philippines": 0.12,
    "Honduras": 0.08,
    "Guatemala": 0.08,
    "India": 0.06,
    "Thailand": 0.05,
    "El Salvador": 0.05,
    "China": 0.04,
    "Haiti": 0.03,
    "Nigeria": 0.03,
    "Indonesia": 0.03,
    "Jamaica": 0.02,
    "Peru": 0.02,
    "Ukraine": 0.02,
    "Other": 0.08,
    "": 0.07,
}
CLOSURE_REASONS = {
    "Services completed": 0.55,
    "Client declined further services": 0.12,
    "Lost contact": 0.12,
    "Moved out of service area": 0.08,
    "Transferred to another provider": 0.07,
    "": 0.06,
}
LIVING_SITUATIONS = {
    "Independent housing": 0.42,
    "With family or friends": 0.22,
    "Transitional housing": 0.14,
    "Shelter": 0.08,
    "Other": 0.05,
    "": 0.09,
}
CLOSURE_ANSWERS = {
    "obtained_cp_or_t_visa": {"yes": 0.46, "no": 0.36, "unknown": 0.10, "": 0.08},
    "obtained_certification_or_eligibility": {"yes": 0.71, "no": 0.17, "unknown": 0.06, "": 0.06},
    "referred_for_continued_case_management": {"yes": 0.38, "no": 0.50, "": 0.12},
}
BLANK_AGE_SHARE = 0.06
BLANK_REFERRAL_DATE_SHARE = 0.12
BLANK_REGION_SHARE = 0.05
BLANK_ZERO_FAMILY_SHARE = 0.35  # zero family counts left blank (blank = 0 in the contract)


def draw(rng: np.random.Generator, shares: dict[str, float], n: int) -> np.ndarray:
    """Return ``n`` codes into ``list(shares)``, drawn with the given shares."""
    weights = np.array(list(shares.values()))
    return rng.choice(len(weights), size=n, p=weights / weights.sum()).astype(np.int16)


def pick(rng: np.random.Generator, shares: dict[str, float], n: int) -> pd.Categorical:
    """Return ``n`` values drawn with the given shares ("" is a blank)."""
    return pd.Categorical.from_codes(draw(rng, shares, n), categories=list(shares))
