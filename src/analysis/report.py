"""The ``report`` command: execute every notebook in a fresh kernel and render it under reports/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.paths import REPO_ROOT

NOTEBOOK_DIR = REPO_ROOT / "notebooks"
TIMEOUT_S = 600


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``report`` to the command line."""
    parser = commands.add_parser(
        "report",
        help="execute every notebook in a fresh kernel and render reports/",
        description=(
            "Execute notebooks/NN-*.ipynb in order, each in a fresh kernel, and write the "
            "rendered HTML to the output directory. The notebooks in notebooks/ are not changed."
        ),
    )
    parser.add_argument("--out", default="reports", metavar="DIR", help="output directory")
    parser.set_defaults(func=run)


def notebooks() -> list[Path]:
    """Return the project's notebooks in reading order."""
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb"))


def execute(path: Path):
    """Return the notebook at ``path`` executed top to bottom in a fresh kernel."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return notebook


def to_html(notebook) -> str:
    """Return the notebook as standalone HTML that keeps the charts' alt text."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="classic")
    body, _ = exporter.from_notebook_node(notebook)
    return body


def run(args: argparse.Namespace) -> int:
    """Render every notebook into ``args.out``."""
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for path in notebooks():
        print(f"executing {path.relative_to(REPO_ROOT)}", file=sys.stderr)
        html = to_html(execute(path))
        (out / f"{path.stem}.html").write_text(html, encoding="utf-8")
    return 0
