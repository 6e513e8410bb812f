"""The ``synthesize`` command: write synthetic client records to try the tools on."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.records import synthetic

DEFAULT_SEED = 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``synthesize`` to the command line."""
    parser = commands.add_parser(
        "synthesize",
        help="write SYNTHETIC client records (entries.csv, closures.csv) to try the tools on",
        description=(
            "Write entries.csv and closures.csv of invented TVAP client records in the "
            "project's file contract, plus a README.txt saying they are synthetic. Every row "
            "carries data_origin=synthetic, and every table made from them by `ppr` says so. "
            "The records cover the fiscal years, grantees and ACF regions of TVAP's first two "
            "cohorts, as the award timeline in data/ gives them. "
            "At scale 1, `ppr --no-suppress` counts exactly the victims and family members that "
            "fact sheet S01 reports for those cohorts (read from data/); at scale X, those "
            "figures times X, rounded. The same seed and scale give byte-identical files. The "
            "command never overwrites a file."
        ),
        epilog=(
            "example: python -m analysis synthesize --out demo --seed 7; then "
            "python -m analysis ppr --entries demo/entries.csv --closures demo/closures.csv "
            "--out demo/tables"
        ),
    )
    parser.add_argument("--out", metavar="DIR", required=True, help="directory to write into")
    parser.add_argument(
        "--seed",
        metavar="N",
        default=str(DEFAULT_SEED),
        help=f"whole number 0 or more; the same seed gives the same files (default {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--scale",
        metavar="X",
        default="1",
        help=(
            "multiply the number of persons by X, e.g. 127 for about a million entries "
            f"(above 0, at most {synthetic.MAX_SCALE:g}; default 1)"
        ),
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Generate and write the records; bad arguments raise ``InputError`` (exit status 2)."""
    seed, scale = synthetic.check_arguments(args.seed, args.scale)
    synthetic.check_directory(Path(args.out))  # before the work of generating
    print(f"synthesize: generating (seed {seed}, scale {scale:g}) ...", file=sys.stderr)
    records = synthetic.generate(seed=seed, scale=scale)
    print(
        f"synthesize: writing {len(records.entries):,} entries and "
        f"{len(records.closures):,} closures ...",
        file=sys.stderr,
    )
    paths = synthetic.write(records, args.out)
    for path in paths.values():
        print(f"wrote {_shown(path)}")
    print(
        f"SYNTHETIC records: {records.victims:,} victims, {records.family_members:,} family "
        f"members, {records.clients:,} clients (Total counted by the contract's rules)"
    )
    return 0


def _shown(path: Path) -> str:
    """Return a path as printable text (bytes of a name that are not UTF-8 as escapes)."""
    return str(path).encode("utf-8", "backslashreplace").decode("utf-8")
