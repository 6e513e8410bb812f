"""The ``records-mapping`` command: a draft mapping file from an export's headers and codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.errors import InputError
from analysis.records import reading

DESCRIPTION = """\
Write a draft mapping file (YAML) for an export whose headers or values are not the contract's.

It reads the header row of each file (the first of the top 20 rows holding the required
columns, else row 1) and, for the coded columns only (intake_type, matched_within_48h,
eligibility_status, trafficking_type and the closure questions), their distinct values; never
an identifier, a date, a count or free text. The draft notes the headers already read (contract
names and the OMB form's labels), gives each other header a line to fill with the nearest
contract columns as suggestions, and each value that is not a code a line to fill. Run
`ppr --mapping FILE` once it is filled: a line left blank is named as a line to fill.
"""


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``records-mapping`` to the command line."""
    parser = commands.add_parser(
        "records-mapping",
        help="draft a mapping file for an export of another system",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--entries", required=True, metavar="FILE", help="entries file")
    parser.add_argument("--closures", metavar="FILE", help="closures file (optional)")
    parser.add_argument("--sheet", metavar="NAME", help="XLSX: the sheet to read")
    parser.add_argument(
        "--out", metavar="FILE", help="write the draft here (default: standard output)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the draft; an existing --out is not replaced."""
    closures = Path(args.closures) if args.closures else None
    text = reading.draft_mapping(Path(args.entries), closures, args.sheet)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    out = Path(args.out)
    if out.exists():
        raise InputError(
            f"{out}: already exists (expected a new file name: the draft never replaces a file)",
            heading=f"{out}: not written",
        )
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)
    return 0
