"""The ``package`` command: regenerate the data package and the tables of its data dictionary."""

from __future__ import annotations

import argparse

from analysis.published import catalog, readme
from analysis.published.datapackage import write


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``package`` to the command line."""
    parser = commands.add_parser(
        "package",
        help="regenerate data/datapackage.json and the generated parts of the READMEs",
        description=(
            "Regenerate data/datapackage.json and the tables of data/README.md, and (for the "
            "repository's data/) the sentences of README.md that state published figures."
        ),
    )
    parser.add_argument("--data", metavar="DIR", help="data directory (default: data/)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the descriptor and the tables; a bad data directory raises ``InputError``."""
    for path in write(args.data):
        print(f"wrote {path}")
    if args.data is None:
        print(f"wrote {readme.write(catalog.load())}")
    return 0
