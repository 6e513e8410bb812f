"""What synthetic records are made for: the published figures they hold, at a seed and scale.

At scale 1 the records hold as many victims and family members as the fact sheet S01 reports for
the first two cohorts; at any scale, the rounded targets.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.errors import InputError
from analysis.published.catalog import Catalog

VICTIMS_FIGURE = "s01_victims"
FAMILY_FIGURE = "s01_family_members"
CASE_MONTHS_FIGURE = "s01_case_management_months"
MAX_SCALE = 1000.0


@dataclass(frozen=True)
class SyntheticRecords:
    """Synthetic entries and closures (as exported: text columns) and what they were made for."""

    entries: pd.DataFrame
    closures: pd.DataFrame
    seed: int
    scale: float
    victims: int
    family_members: int

    @property
    def clients(self) -> int:
        """Victims plus family members, the Total the records are built to give."""
        return self.victims + self.family_members


def check_arguments(seed: object, scale: object) -> tuple[int, float]:
    """Return ``(seed, scale)`` as numbers, or raise ``InputError`` naming each bad argument."""
    problems = []
    try:
        seed_value = int(str(seed).strip())
        if seed_value < 0:
            raise ValueError
    except ValueError:
        problems.append(f"--seed: {seed!r} is not a whole number 0 or more")
        seed_value = 0
    try:
        scale_value = float(str(scale).strip())
        if not 0 < scale_value <= MAX_SCALE:
            raise ValueError
    except ValueError:
        problems.append(f"--scale: {scale!r} is not a number above 0 and at most {MAX_SCALE:g}")
        scale_value = 1.0
    if problems:
        raise InputError(problems, heading="synthesize: bad argument(s)")
    return seed_value, scale_value


def targets(catalog: Catalog, scale: float) -> tuple[int, int]:
    """Return the victims and family members the records are built to hold at ``scale``."""
    victims = round(catalog.value(VICTIMS_FIGURE) * scale)
    family = round(catalog.value(FAMILY_FIGURE) * scale)
    if victims < 1:
        raise InputError(f"--scale: {scale:g} leaves no victims; use a larger scale")
    return victims, family
