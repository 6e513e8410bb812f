"""The ``validate`` command: schema and reconciliation checks of a data directory."""

from __future__ import annotations

from analysis.errors import DataError
from analysis.published import catalog, checks

RECORDED = ("discrepancy", "gap")


def validate(data_dir: str | None = None) -> list[checks.Result]:
    """Load and check a data directory; raise ``DataError`` naming every failed rule."""
    cat = catalog.load(data_dir)
    results = checks.run(cat)
    failed = [r for r in results if not r.passed]
    if failed:
        raise DataError(
            [r.message for r in failed],
            heading=f"{cat.data_dir}: {len(failed)} of {len(results)} check(s) failed",
        )
    return results
