"""Command ``python -m analysis.datapackage``: regenerate the data package and its README tables."""

from __future__ import annotations

import argparse
import sys

from analysis.errors import InputError
from analysis.published import catalog, readme
from analysis.published.datapackage import write


def main(argv: list[str] | None = None) -> int:
    """Command line: regenerate the package descriptor and the data dictionary's tables."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis.datapackage",
        description=(
            "Regenerate data/datapackage.json and the tables of data/README.md, and (for the "
            "repository's data/) the sentences of README.md that state published figures."
        ),
    )
    parser.add_argument("--data", metavar="DIR", help="data directory (default: data/)")
    args = parser.parse_args(argv)
    try:
        for path in write(args.data):
            print(f"wrote {path}")
        if args.data is None:
            print(f"wrote {readme.write(catalog.load())}")
    except InputError as exc:
        print(f"error: {exc.render()}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
