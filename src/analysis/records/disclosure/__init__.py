"""Disclosure control: small counts hidden, the relations an intruder reads, the audit."""

from __future__ import annotations

from analysis.records.disclosure import audit, cell_choice, relations
from analysis.records.disclosure.suppression import (
    CLIENTS_RELATION,
    DEFAULT_THRESHOLD,
    HIDDEN_PERCENT,
    SMALL_MARK,
    SUPPRESSED,
    TOTAL_LABEL,
    Cell,
    Layout,
    apply,
    check_threshold,
    hidden_mask,
    hidden_masks,
    hidden_text,
    legend,
    mark_of,
    marks,
    percentages,
    protect,
    small_mark,
    suppress,
)

__all__ = [
    "CLIENTS_RELATION",
    "Cell",
    "DEFAULT_THRESHOLD",
    "HIDDEN_PERCENT",
    "Layout",
    "SMALL_MARK",
    "SUPPRESSED",
    "TOTAL_LABEL",
    "apply",
    "audit",
    "cell_choice",
    "check_threshold",
    "hidden_mask",
    "hidden_masks",
    "hidden_text",
    "legend",
    "mark_of",
    "marks",
    "percentages",
    "protect",
    "relations",
    "small_mark",
    "suppress",
]
