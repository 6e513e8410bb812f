"""The ``report`` and ``refresh`` commands: execute the notebooks, render reports/ or store outputs.

The rendering library (nbconvert, matplotlib) is imported when a command runs, not for ``--help``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``report`` to the command line."""
    parser = commands.add_parser(
        "report",
        help="execute every notebook in a fresh kernel and render reports/",
        description=(
            "Execute notebooks/NN-*.ipynb, each in a fresh kernel, and write to the output "
            "directory the rendered HTML, every chart as PNG, SVG and CSV, and index.html, a "
            "gallery of the charts. The notebooks in notebooks/ are not changed; a rebuild with "
            "nothing changed rewrites no file."
        ),
    )
    parser.add_argument("--out", default="reports", metavar="DIR", help="output directory")
    parser.add_argument(
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="notebooks executed at once (default: one per CPU)",
    )
    parser.set_defaults(func=run)
    refresh = commands.add_parser(
        "refresh",
        help="re-execute every notebook in place to store new outputs",
        description=(
            "Execute notebooks/NN-*.ipynb (or the ones named), each in a fresh kernel, and store "
            "the new outputs in the notebook files, without execution times, so that the diff "
            "shows only what changed. Run it after an intended change to data or code; review "
            "the diff before committing."
        ),
    )
    refresh.add_argument("paths", nargs="*", type=Path, metavar="NOTEBOOK")
    refresh.set_defaults(func=run_refresh)


def run_refresh(args: argparse.Namespace) -> int:
    """Re-execute notebooks in place, storing their outputs without volatile metadata."""
    import nbformat

    from analysis.present import report

    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
    env.pop(report.charts.CHART_DIR_ENV, None)
    for path in args.paths or report.notebooks():
        print(f"executing {path}", file=sys.stderr)
        notebook = report.execute(Path(path).resolve(), env)
        report.strip_volatile(notebook)
        nbformat.write(notebook, path)
    return 0


def run(args: argparse.Namespace) -> int:
    """Render every notebook into ``args.out``."""
    from analysis.present import report

    out = Path(args.out)
    paths = report.notebooks()
    for path in paths:
        print(f"executing {path.name}", file=sys.stderr)
    try:
        changed = report.build(out, paths, args.jobs)
    except report.ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{out}: {len(paths)} notebooks, {len(changed)} files changed", file=sys.stderr)
    return 0
