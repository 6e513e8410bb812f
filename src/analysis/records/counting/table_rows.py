"""Count tables' common shape: label columns as text, int64 counts, a last row ``Total``."""

from __future__ import annotations

import pandas as pd

TOTAL = "Total"
UNKNOWN = "unknown"


def categorical(values: pd.Series, categories: tuple[str, ...]) -> pd.Categorical:
    """Return ``values`` as a categorical of ``categories`` (other values become missing)."""
    codes, uniques = pd.factorize(values)
    positions = pd.Index(categories).get_indexer(pd.Index(uniques, dtype=object))
    return pd.Categorical.from_codes(positions[codes], categories=categories)


def with_total(table: pd.DataFrame, labels: list[str], total: dict[str, int]) -> pd.DataFrame:
    """Return ``table`` with its labels as text and a Total row appended."""
    table = table.copy()
    for label in labels:
        table[label] = table[label].astype(str).astype(object)
    row = {label: "" for label in labels} | {labels[0]: TOTAL} | total
    counts = [c for c in table.columns if c not in labels]
    out = pd.concat([table, pd.DataFrame([{c: row[c] for c in table.columns}])], ignore_index=True)
    return out.astype({c: "int64" for c in counts})
