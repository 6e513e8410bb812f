"""Program context figures as labelled tables, each with its period, basis, status and source.

Shared by the budget, hotline, training, grants and collection modules.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.published import checks
from analysis.published.catalog import FILE, Catalog

COLUMNS = ("label", "value", "unit", "period", "basis", "status", "source", "figure_id")


def figure_table(catalog: Catalog, labelled: Mapping[str, str]) -> pd.DataFrame:
    """Return one row per ``label -> figure_id``: value, unit, period, basis, status, source."""
    rows = []
    for label, fid in labelled.items():
        fig = catalog.figure(fid)
        rows.append(
            {
                "label": label,
                "value": float(fig["value"]),
                "unit": fig["unit"],
                "period": fig["period"] or "",
                "basis": fig["basis"] or "",
                "status": fig["status"],
                "source": fig["source_id"],
                "figure_id": fid,
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def rule(catalog: Catalog, rule_id: str) -> checks.Result:
    """Return the outcome of one reconciliation rule of ``checks/``."""
    found = [r for r in checks.run(catalog) if r.rule_id == rule_id]
    if not found:
        raise KeyError(f"no check rule {rule_id!r} in {catalog.data_dir / 'checks'}")
    return found[0]


def millions(value: float) -> str:
    """Return a dollar amount as $ million with one decimal: 27,900,000 -> '$27.9M'."""
    return f"${value / 1e6:,.1f}M"


def shown(value: float, status: str) -> str:
    """Return a count with thousands separators, prefixed 'about' when approximate."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"about {text}" if status == "approximate" else text


def file_table(catalog: Catalog, files: tuple[str, ...]) -> pd.DataFrame:
    """Return every figure of the given published CSVs: label (description), value, unit, ..."""
    figures = catalog.figures
    chosen = figures[figures[FILE].isin(files)]
    return figure_table(catalog, dict(zip(chosen["description"], chosen["figure_id"], strict=True)))


def check_text(result: checks.Result) -> str:
    """Return a rule's outcome as text: 'holds' or 'FAILS', then the rule's message."""
    return f"{'holds' if result.passed else 'FAILS'}\n{result.message}"


def show_check(result: checks.Result) -> None:
    """Display a rule's outcome as one plain-text output (stable in stored notebooks)."""
    from IPython.display import Pretty, display

    display(Pretty(check_text(result)))
