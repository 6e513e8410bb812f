"""The ``validate`` command: schema and reconciliation checks of a data directory."""

from __future__ import annotations

import argparse

from analysis.paths import data_dir
from analysis.published.validation import RECORDED, validate


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``validate`` to the command line."""
    parser = commands.add_parser(
        "validate",
        help="check the data directory's schema and reconciliation rules",
        description=(
            "Check the source register (addresses or a statement why none is known, ISO dates "
            "to their precision, raw copies against their SHA-256), every table against its "
            "schema (strict ISO dates, finite numbers, statuses, known source and figure ids, "
            "no duplicate keys) and every rule in checks/*.yml (parts sum to totals, derived "
            "figures match their inputs, recorded discrepancies still hold; these are listed "
            "apart, as kept, not resolved). Exits 0 when all hold, 2 otherwise, naming the file, "
            "the source or figure id, the field, the value and what was expected, or the rule, "
            "the figures, their values and sources."
        ),
    )
    parser.add_argument(
        "--data",
        metavar="DIR",
        help="data directory (default: $ANALYSIS_DATA_DIR, else the repository's data/)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print what was checked; failures raise ``DataError`` (exit status 2)."""
    results = validate(args.data)
    recorded = [r for r in results if r.kind in RECORDED]
    print(f"{data_dir(args.data)}: schema ok; {len(results)} check(s) hold")
    for result in results:
        if result.kind not in RECORDED:
            print(f"  ok  {result.message}")
    print(f"recorded discrepancies and gaps ({len(recorded)}; kept, shown, not resolved):")
    for result in recorded:
        print(f"  recorded  {result.message}")
    return 0
