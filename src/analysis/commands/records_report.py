"""The ``records-report`` command: notebook 05 on an export, rendered as a shareable folder.

The notebook runner and the charts (nbconvert, matplotlib) are imported when the command runs,
not for ``--help``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.commands import ppr as ppr_command
from analysis.records import disclosure, ppr

DEFAULT_TITLE = "Client records: who was served, and how fast"


DESCRIPTION = """\
Run the narrated client-records analysis (notebook 05) on your own export and render it as an
offline folder that is safe to share.

Input: as for `ppr`: an entries file and, optionally, a closures file (CSV, Parquet or XLSX in
the project's client-record contract). They are checked exactly as `ppr` checks them: any
problem is listed with file, spreadsheet row, column and value; nothing is written and the
exit status is 2.

Output files in DIR:
  index.html          the notebook executed on your records: tables and charts, each chart
                      with its alt text; readable offline
  charts/<slug>.png   each chart (PNG and SVG with its title and description), the numbers it
  charts/<slug>.svg   plots as CSV, and its words as JSON
  charts/<slug>.csv
  tables/*.csv        the ppr tables and tables/summary.json, as `ppr` writes them
  summary.json        input file names, row counts, SHA-256 checksums, threshold, whether
                      suppressed, whether synthetic, and the files written

Privacy: in the shareable (default) mode nothing shows a row, identifier, date of a single
record or free-text value of your files: the tables and charts are counts with small counts
hidden as in `ppr`, and every explanation uses a small synthetic example made by the notebook.
With --no-suppress every count is shown, and every page, chart and file says
NOT FOR PUBLICATION in its title; with a --threshold below the default, or if the disclosure
audit of the suppressed tables fails, the page, the tables and summary.json say so too.

DIR may be missing, empty, or a previous records-report output (which is replaced).
"""


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``records-report`` to the command line."""
    parser = commands.add_parser(
        "records-report",
        help="run the client-records notebook on your export; render a shareable folder",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ppr_command.add_input_arguments(parser)
    parser.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="output directory: new, empty, or a previous records-report output (replaced)",
    )
    parser.add_argument(
        "--threshold",
        type=ppr_command.parse_threshold,
        default=disclosure.DEFAULT_THRESHOLD,
        metavar="N",
        help="hide counts from 1 to N-1 (default 11: counts 1-10 are hidden)",
    )
    parser.add_argument(
        "--no-suppress",
        dest="suppress",
        action="store_false",
        help="show every count (internal use only: everything says NOT FOR PUBLICATION)",
    )
    parser.add_argument(
        "--title",
        type=parse_title,
        default=DEFAULT_TITLE,
        metavar="TEXT",
        help=f"page title (default: {DEFAULT_TITLE})",
    )
    parser.add_argument(
        "--show-code",
        action="store_true",
        help="show the notebook's code in index.html too (default: narration, tables, charts)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress messages")
    parser.set_defaults(func=run)


def parse_title(text: str) -> str:
    """Parse ``--title``: its words separated by single spaces; a blank title is the default."""
    return " ".join(text.split()) or DEFAULT_TITLE


def run(args: argparse.Namespace) -> int:
    """Check the inputs as ``ppr`` does, execute notebook 05 on them, write the folder."""
    from analysis.present import records_report, report

    progress = ppr.Progress(quiet=args.quiet)
    out, inputs = Path(args.out), ppr_command.inputs_of(args)
    try:
        output = records_report.run(
            inputs,
            out,
            title=args.title,
            threshold=args.threshold,
            suppress=args.suppress,
            progress=progress,
            show_code=args.show_code,
        )
    except report.ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    ppr_command.report_release(output, out, progress)
    return 0
