"""Charts of tables counted from client records, drawn from the protected tables."""

from __future__ import annotations

from analysis.present.record_charts.breakdown import (
    BREAKDOWN_TITLES,
    FORMULA_START,
    spreadsheet_safe,
    who_the_clients_are,
)
from analysis.present.record_charts.labels import (
    HIDDEN_HATCH,
)
from analysis.present.record_charts.panels import (
    clients_by_fiscal_year,
    entries_by_quarter,
    matched_within_48h,
)

__all__ = [
    "BREAKDOWN_TITLES",
    "FORMULA_START",
    "HIDDEN_HATCH",
    "clients_by_fiscal_year",
    "entries_by_quarter",
    "matched_within_48h",
    "spreadsheet_safe",
    "who_the_clients_are",
]
