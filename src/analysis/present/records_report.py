"""The ``records-report`` command: the narrated client-records notebook, run on your own export.

Reads and checks the entries (and closures) exactly as ``ppr`` does, then renders notebook 05
on the counts into ``--out``, an offline, shareable folder::

    index.html        the narrated notebook, executed on the records, charts with alt text
    charts/<slug>.png, .svg, .csv, .json   each chart, the numbers it plots, its words
    tables/*.csv, tables/summary.json      the ``ppr`` tables, exactly as ``ppr`` writes them
    summary.json      input file names, row counts, SHA-256, threshold, suppression state

The command reads the export once: it runs the ``ppr`` pipeline, writes the protected tables
into ``tables/`` and executes notebook 05 (``notebooks/05-client-records.ipynb``, shipped with
the package) with papermill, its one parameter the path of that folder (``tables_dir``): the
notebook's kernel reads the tables, never the export. The injected cell names the folder by its
full path; in the rendered page it is replaced by a note naming the inputs only by file name.
The page shows the narration, tables and charts; ``show_code`` (``--show-code``) puts the code
back for analysts. The folder is written into a temporary directory beside ``--out`` and
renamed into place at the end: bad input or a failing notebook leaves no output, and the
inputs are only read. With ``--no-suppress`` every page, chart and
file says NOT FOR PUBLICATION in its title.
"""

from __future__ import annotations

import html
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analysis import charts, folders, paths
from analysis.errors import DataError
from analysis.present import execution, report
from analysis.records import disclosure, ppr
from analysis.records.release import Release

PRODUCER = "python -m analysis records-report"
FORMAT_VERSION = 1
NOTEBOOK = "05-client-records.ipynb"
INJECTED_TAG = execution.INJECTED_TAG
PARAMETER = "tables_dir"
PAGE = "index.html"
CHART_DIR = "charts"
TABLE_DIR = "tables"
SUMMARY = "summary.json"
OUTPUT_ENTRIES = frozenset({PAGE, CHART_DIR, TABLE_DIR, SUMMARY})


def run(
    inputs: ppr.Inputs,
    out: Path,
    *,
    title: str,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
    suppress: bool = True,
    progress: Callable[[str], None] = ppr.silent,
    show_code: bool = False,
) -> ppr.Output:
    """Check ``out``, run the pipeline on ``inputs``, execute notebook 05, write the folder.

    The page shows no code unless ``show_code``. Returns the pipeline's output. Bad input
    raises ``InputError``; a notebook that fails raises ``ReportError``; either way nothing
    is written.
    """
    check_out(out, inputs.paths)
    # What the command needs besides the input, loaded before reading a large file.
    notebook_path = paths.notebook(NOTEBOOK)
    check_renderer()
    output = ppr.run(inputs, threshold=threshold, suppress=suppress, progress=progress)
    progress(f"executing {NOTEBOOK} on the tables")
    staging = folders.staging(out)
    try:
        summary = _build(staging, notebook_path, output, inputs.paths, title, show_code)
        folders.publish(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    progress(f"wrote {out / PAGE} and {len(summary['charts'])} charts")
    return output


def _build(
    staging: Path,
    notebook_path: Path,
    output: ppr.Output,
    inputs: list[Path],
    title: str,
    show_code: bool,
) -> dict:
    """Write the tables, then the page and charts of notebook 05 run on them, and the summary."""
    release = output.release
    title = release.page_title(title)
    notices = release.notices
    ppr.write(staging / TABLE_DIR, output.shown, {"title": title, **output.summary}, notices)
    parameters = {PARAMETER: str((staging / TABLE_DIR).resolve())}
    executed = execute(notebook_path, parameters, staging / CHART_DIR)
    describe_parameters(executed, inputs, release)
    page = render(executed, title, show_code=show_code)
    (staging / PAGE).write_text(page, encoding="utf-8")
    summary = summarize(title, output.summary, staging)
    text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    (staging / SUMMARY).write_text(text, encoding="utf-8")
    return summary


def check_renderer() -> None:
    """Raise ``DataError`` saying what is missing if the HTML page cannot be rendered."""
    import nbformat

    try:
        report.to_html(nbformat.v4.new_notebook(), "check")
    except (ValueError, OSError, ImportError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(
            f"cannot render HTML: {first}; install nbconvert with its data files "
            "(pip install nbconvert), or set $JUPYTER_PATH to the share/jupyter directory "
            "that holds nbconvert/templates"
        ) from None


def execute(path: Path, parameters: dict[str, Any], chart_dir: Path) -> Any:
    """Return notebook ``path`` executed in a fresh kernel with ``parameters`` injected.

    Charts the notebook shows are exported into ``chart_dir``; the kernel runs in an empty
    private temporary directory (``execution`` says how it talks to this process).
    """
    chart_dir.mkdir(parents=True, exist_ok=True)
    env = report.kernel_env(chart_dir, path.stem)
    with tempfile.TemporaryDirectory(prefix="records-report-") as workdir:
        try:
            return execution.execute(path, cwd=Path(workdir), env=env, parameters=parameters)
        except execution.NotebookFailed as exc:
            raise report.ReportError(f"{path.name} failed on these records: {exc}") from None


def describe_parameters(notebook: Any, inputs: list[Path], release: Release) -> None:
    """Replace the injected cell by a note naming the inputs by file name only.

    The note also says how the counts were treated, and why the output is NOT FOR
    PUBLICATION, where it is.
    """
    import nbformat

    for n, cell in enumerate(notebook.cells):
        if INJECTED_TAG in cell.get("metadata", {}).get("tags", []):
            names = ", ".join(f"`{html.escape(p.name)}`" for p in inputs)
            text = (
                f"**Records analysed:** {names}; {release.describe()}. "
                "Checksums are in `summary.json`."
            )
            note = nbformat.v4.new_markdown_cell(text)
            note.id = cell.id
            notebook.cells[n] = note


def render(notebook: Any, title: str, *, show_code: bool = False) -> str:
    """Return the executed notebook as offline HTML titled ``title`` (alt text checked).

    The page shows the narration and the outputs; ``show_code`` shows the code cells too.
    """
    problems = report.missing_alt(notebook, NOTEBOOK)
    if problems:
        raise report.ReportError("\n".join(problems))
    report.strip_volatile(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("# "):
            rest = cell.source.split("\n", 1)[1] if "\n" in cell.source else ""
            cell.source = f"# {html.escape(title)}\n{rest}"
            break
    notebook.metadata["title"] = title
    return report.to_html(notebook, title, code=show_code)


def summarize(title: str, ppr_summary: dict, staging: Path) -> dict:
    """Return ``summary.json``: the ``ppr`` summary with the report's title and files."""
    sidecars = sorted((staging / CHART_DIR).glob("*.json"))
    files = [json.loads(p.read_text(encoding="utf-8"))["files"] for p in sidecars]
    return {
        "title": title,
        **ppr_summary,
        "produced_by": PRODUCER,
        "format_version": FORMAT_VERSION,
        "report": PAGE,
        # A chart with nothing to draw (a sentence) has its CSV and sidecar only.
        "charts": [
            {
                **{fmt: f"{CHART_DIR}/{name}" for fmt, name in named.items()},
                "json": f"{CHART_DIR}/{path.name}",
            }
            for named, path in zip(files, sidecars, strict=True)
        ],
        "tables": [f"{TABLE_DIR}/{name}" for name in ppr_summary["outputs"]],
        "outputs": sorted(OUTPUT_ENTRIES),
    }


def check_out(out: Path, inputs: list[Path]) -> None:
    """Refuse an ``--out`` as ``ppr`` does, accepting a previous report instead of ppr output."""
    folders.check_out(out, inputs, is_previous_output, "records-report")


def is_previous_output(out: Path) -> bool:
    """Return True if ``out`` holds only what a previous records-report run wrote."""
    try:
        summary = json.loads((out / SUMMARY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(summary, dict) or summary.get("produced_by") != PRODUCER:
        return False
    files = {PAGE, SUMMARY}
    suffixes = {f".{fmt}" for fmt in (*charts.FORMATS, "json")}
    for entry in out.iterdir():
        if entry.name in files:
            if not entry.is_file():
                return False
        elif entry.name == CHART_DIR:
            if not _only_files(entry, lambda p: p.suffix in suffixes):
                return False
        elif entry.name == TABLE_DIR:
            if not _only_files(entry, lambda p: p.name in ppr.OUTPUT_FILES):
                return False
        else:
            return False
    return True


def _only_files(directory: Path, allowed) -> bool:
    """Tell whether ``directory`` is a directory holding only files that ``allowed`` accepts."""
    if not directory.is_dir() or directory.is_symlink():
        return False
    return all(p.is_file() and not p.is_symlink() and allowed(p) for p in directory.iterdir())
