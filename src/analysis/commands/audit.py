"""The ``audit`` command: check that a ppr output directory protects every hidden cell."""

from __future__ import annotations

import argparse
from pathlib import Path

from analysis.errors import InputError
from analysis.records.ppr import folder_audit

DESCRIPTION = """\
Audit the tables of a ppr output directory as an intruder who reads them all together would.

For every hidden cell the audit finds, by linear programming over every relation the tables
imply (rows and Totals, quarters and years, cohorts, clients = victims + family members,
victims <= entries, the same Total in several tables, closures, percentages) and what each
mark says ("<11": a count from 1 to 10; "suppressed": a count of 11 or more), the least and
greatest value the cell can have. A small cell is protected when the shown counts do not
narrow it beyond what the marks alone allow. A suppressed cell (11 or more, a count that may be
shown) needs no protection of its own, unless a protection width is demanded (--width N, or
one recorded in summary.json by an earlier ppr): then at least N values must remain possible,
or all the marks alone allow.

Exit status: 0 protected; 1 not protected (each cell is listed); 2 not a ppr output.
"""


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``audit`` to the command line."""
    parser = commands.add_parser(
        "audit",
        help="check that a ppr output directory protects every hidden cell",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("directory", metavar="DIR", help="a directory written by ppr")
    parser.add_argument(
        "--width",
        type=int,
        default=None,
        metavar="N",
        help="protection width demanded of suppressed cells too (default: the one in "
        "summary.json, else none)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Audit ``DIR``; print the verdict and every under-protected cell."""
    directory = Path(args.directory)
    if args.width is not None and args.width < 1:
        raise InputError(f"--width: expected a whole number of at least 1, not {args.width}")
    result, summary, record = folder_audit.check(directory, args.width)
    hidden = record["hidden_cells"]
    counts = ", ".join(f"{n} {mark}" for mark, n in hidden.items())
    relations = sum(record["relations"].values())
    width = "none" if result.width is None else result.width
    print(f"{directory}: {counts} hidden; {relations} relations; protection width {width}")
    if not summary.get("suppressed", True):
        print("not suppressed: every count is shown (NOT FOR PUBLICATION)")
    audit_record = record["audit"]
    for item in audit_record["shown_small_counts"]:
        print(f"  shown small count: {item['table']}, {item['row']}, {item['column']}")
    for item in audit_record["under_protected"]:
        low, high = item["interval"]
        high = "no upper bound" if high is None else high
        print(
            f"  under-protected: {item['file']}, {item['row']}, {item['column']} "
            f"({item['mark']}): from {low} to {high}"
        )
    for problem in audit_record["contradictions"]:
        print(f"  the shown figures contradict the tables' relations: {problem}")
    if result.protected:
        print("protected: every hidden cell keeps its protection interval")
        return folder_audit.EXIT_PROTECTED
    print("NOT protected")
    return folder_audit.EXIT_EXPOSED
