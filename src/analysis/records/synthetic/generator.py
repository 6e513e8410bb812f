"""Synthetic TVAP client records: entries and closures that follow the client-record contract.

The records are invented. They exist so that the tools can be shown, tested and timed without
anyone's data. They are shaped by what OTIP has published, read from ``data/``:

- the persons belong to the four grantees of the first two cohorts, and each entry falls in a
  fiscal year of the cohort period of its grantee (``analysis.published.timeline.cohort_periods``);
- an entry's ACF region is one of its grantee's regions when the timeline knows them;
- at scale 1, counted by the contract's rules over the whole file, there are exactly as many
  victims (distinct persons) and family members (counted on each person's latest entry) as the
  fact sheet S01 reports for the first two cohorts (``s01_victims``, ``s01_family_members``).

At any scale the counts are exact to the rounded target: ``round(s01_victims * scale)`` victims
and ``round(s01_family_members * scale)`` family members. Nothing else about the records is
published; the mix of reopened cases, family compositions, ages, referral sources, countries and
closure answers is the project's own invention, and so are the vocabularies of the free-text
fields. Every row carries ``data_origin = synthetic``.

This module generates; the shares drawn from are in ``mix``, the targets in ``targets``, the
persons in ``people``, their cases and families in ``cases``, the exported tables in ``tables``
and the files in ``files``; the package's face names all of it as ``synthetic.X``.
"""

from __future__ import annotations

import numpy as np

from analysis.published import catalog as catalog_module
from analysis.published.catalog import Catalog
from analysis.records.synthetic.cases import add_family, cases
from analysis.records.synthetic.people import people, slots
from analysis.records.synthetic.tables import (
    closure_table,
    entry_table,
)
from analysis.records.synthetic.targets import (
    CASE_MONTHS_FIGURE,
    SyntheticRecords,
    check_arguments,
    targets,
)

DAYS_PER_MONTH = 30.4375


def generate(
    catalog: Catalog | None = None, *, seed: int = 0, scale: float = 1.0
) -> SyntheticRecords:
    """Return synthetic entries and closures, the same for the same seed, scale and data."""
    seed, scale = check_arguments(seed, scale)
    catalog = catalog if catalog is not None else catalog_module.load()
    victims, family = targets(catalog, scale)
    rng = np.random.default_rng(seed)
    grid = slots(catalog)
    case_days = catalog.value(CASE_MONTHS_FIGURE) * DAYS_PER_MONTH
    persons = people(rng, grid, victims)
    entries, closures = cases(rng, persons, grid, case_days)
    add_family(rng, entries, persons, family)
    return SyntheticRecords(
        entries=entry_table(rng, entries, persons, grid),
        closures=closure_table(rng, closures, persons, grid),
        seed=seed,
        scale=scale,
        victims=victims,
        family_members=family,
    )
