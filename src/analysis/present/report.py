"""The ``report`` command: every notebook executed in a fresh kernel and rendered under reports/.

Layout of the output directory::

    index.html                    gallery of every chart, readable offline
    NN-name.html                  each notebook, executed fresh, with its charts' alt text
    charts/NN-name/<slug>.png     each chart a notebook shows (Title and Description metadata)
    charts/NN-name/<slug>.svg     the same as SVG, with <title> and <desc>
    charts/NN-name/<slug>.csv     the numbers the chart plots
    charts/NN-name/<slug>.json    title, description, sources, statuses (the gallery's input)

The notebooks in notebooks/ are not changed. The build is reproducible: rebuilding with nothing
changed rewrites no file (files are written only when their content differs, and nothing
that varies from run to run, such as execution times or absolute paths, is written).
"""

from __future__ import annotations

import html
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis import charts, paths
from analysis.present import execution

NOTEBOOK_DIR = paths.NOTEBOOK_DIR
CHART_DIR = "charts"
INDEX = "index.html"
GALLERY_TITLE = "TVAP analysis: every chart, with its sources and data"
TEMPLATES = Path(__file__).with_name("templates")
GALLERY_TEMPLATE = "gallery.html.j2"
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
# nbconvert's ``classic`` template writes each image's ``alt`` metadata (``lab`` writes none, and
# the exporter then fills in a placeholder). This template keeps ``classic`` but loads nothing
# from the network (no jQuery, RequireJS, Mermaid or MathJax), so the pages work offline.
OFFLINE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
"""


class ReportError(Exception):
    """A notebook could not be rendered: it failed, or it shows an image without alt text."""


@dataclass(frozen=True)
class Rendered:
    """One executed notebook: its name, first heading and HTML."""

    stem: str
    title: str
    html: str


def notebooks(directory: Path | None = None) -> list[Path]:
    """Return the notebooks ``NN-*.ipynb`` of ``directory`` (default notebooks/) in order."""
    return paths.numbered_notebooks(directory or NOTEBOOK_DIR)


def execute(path: Path, env: dict[str, str] | None = None):
    """Return the notebook at ``path`` executed top to bottom in a fresh kernel.

    The kernel runs in the notebook's directory with the environment ``env`` (default: ours).
    """
    try:
        return execution.execute(path, cwd=path.parent, env=env)
    except execution.NotebookFailed as exc:
        raise ReportError(f"{path.name} failed: {exc}") from None


def kernel_env(chart_dir: Path, stem: str) -> dict[str, str]:
    """Return the kernel's environment: ours, plus where ``charts.show`` exports charts."""
    return {
        **os.environ,
        charts.CHART_DIR_ENV: str(chart_dir),
        charts.NOTEBOOK_ENV: stem,
        "MPLBACKEND": "Agg",
        "PYTHONHASHSEED": "0",
    }


def strip_volatile(notebook) -> None:
    """Remove what differs between runs of the same notebook.

    That is execution times, notebook metadata other than the kernel's and language's, and
    the split of printed text into pieces (consecutive pieces of one stream are joined, as
    JupyterLab shows them).
    """
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        if "outputs" in cell:
            cell.outputs = _join_streams(cell.outputs)
    for key in list(notebook.metadata):
        if key not in ("kernelspec", "language_info", "title"):
            del notebook.metadata[key]


def _join_streams(outputs: list) -> list:
    """Return ``outputs`` with consecutive outputs of the same stream joined into one."""
    joined: list = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and output.get("output_type") == "stream"
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            previous["text"] += output["text"]
        else:
            joined.append(output)
    return joined


def missing_alt(notebook, stem: str) -> list[str]:
    """Return a line for every image output that has no alt text."""
    problems = []
    for number, cell in enumerate(notebook.cells, start=1):
        for output in cell.get("outputs", []):
            for mime in IMAGE_TYPES:
                if mime in output.get("data", {}):
                    alt = output.get("metadata", {}).get(mime, {}).get("alt")
                    if not alt and not cell.metadata.get("alt"):
                        problems.append(
                            f"{stem}: cell {number} shows an {mime} image without alt text; "
                            "show charts with analysis.charts.show"
                        )
    return problems


def to_html(notebook, name: str = "", *, code: bool = True) -> str:
    """Return the notebook as standalone, offline HTML that keeps the charts' alt text.

    Without ``code`` the page shows no code cell and no prompt: narration and outputs only.
    """
    import jinja2
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="classic",
        template_file="report.html.j2",
        extra_loaders=[jinja2.DictLoader({"report.html.j2": OFFLINE_TEMPLATE})],
        exclude_input=not code,
        exclude_input_prompt=not code,
        exclude_output_prompt=not code,
    )
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": name}})
    return body if body.endswith("\n") else body + "\n"


def title_of(notebook, default: str) -> str:
    """Return the notebook's first level-one heading, or ``default``."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return default


def render(path: Path, notebook) -> Rendered:
    """Return an executed notebook as a page, after checking that every image has alt text."""
    problems = missing_alt(notebook, path.name)
    if problems:
        raise ReportError("\n".join(problems))
    strip_volatile(notebook)
    title = title_of(notebook, path.stem)
    return Rendered(path.stem, title, to_html(notebook, title))


def build(out: Path, paths: list[Path], jobs: int = 0) -> list[Path]:
    """Render ``paths`` into ``out``; return the files written or removed (unchanged: none).

    Notebooks run ``jobs`` at a time (default: one per CPU), each in its own kernel. Nothing
    is written to ``out`` unless every notebook renders.
    """
    jobs = jobs or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="report-") as tmp:
        staged = Path(tmp)
        chart_dirs = [staged / CHART_DIR / p.stem for p in paths]
        for directory in chart_dirs:
            directory.mkdir(parents=True)
        envs = [kernel_env(d, p.stem) for p, d in zip(paths, chart_dirs, strict=True)]
        try:
            executed = execution.execute_all(paths, envs, jobs=jobs)
        except execution.NotebookFailed as exc:
            raise ReportError(str(exc)) from None
        rendered = [render(p, nb) for p, nb in zip(paths, executed, strict=True)]
        for page in rendered:
            (staged / f"{page.stem}.html").write_text(page.html, encoding="utf-8")
        entries = gallery_entries(staged, rendered)
        (staged / INDEX).write_text(gallery(entries, rendered), encoding="utf-8")
        return sync(staged, out)


def gallery_entries(root: Path, rendered: list[Rendered]) -> list[dict[str, Any]]:
    """Return every exported chart's sidecar, in notebook order then the order shown."""
    entries = []
    for page in rendered:
        directory = root / CHART_DIR / page.stem
        sidecars = [json.loads(p.read_text(encoding="utf-8")) for p in directory.glob("*.json")]
        sidecars.sort(key=lambda s: (s.get("order", 0), s["slug"]))
        for entry in sidecars:
            entry["dir"] = f"{CHART_DIR}/{page.stem}"
            if "png" in entry["files"]:  # a sentence (nothing to draw) has no picture
                png = (directory / entry["files"]["png"]).read_bytes()
                entry["width"], entry["height"] = struct.unpack(">II", png[16:24])
        entries.extend(sidecars)
    return entries


def _source_items(cat: Any, source_ids: list[str]) -> list[dict[str, str]]:
    """Return each source's text and, where it has a web address, its address."""
    items = []
    for source_id in source_ids:
        if source_id not in cat.sources.index:
            items.append({"text": source_id, "url": ""})
            continue
        source = cat.source(source_id)
        url = source.get("url")
        web = isinstance(url, str) and url.startswith(("http://", "https://"))
        text = f"{source_id}: {source['title']} ({source['publisher']})"
        items.append({"text": text, "url": url if web else ""})
    return items


def gallery(entries: list[dict[str, Any]], rendered: list[Rendered]) -> str:
    """Return ``index.html``: every chart with its words, provenance and files."""
    from analysis.published import catalog

    cat = catalog.load()
    counts = {page.stem: 0 for page in rendered}
    for entry in entries:
        counts[entry["notebook"]] = counts.get(entry["notebook"], 0) + 1
    pages = [{"stem": p.stem, "title": p.title, "count": counts[p.stem]} for p in rendered]
    sections = []
    for page in rendered:
        figures = [_figure(cat, e) for e in entries if e["notebook"] == page.stem]
        if figures:
            sections.append({"stem": page.stem, "title": page.title, "figures": figures})
    return _template(GALLERY_TEMPLATE).render(
        title=GALLERY_TITLE, pages=pages, sections=sections, total=len(entries)
    )


def _figure(cat: Any, entry: dict[str, Any]) -> dict[str, Any]:
    """Return what the gallery shows of one chart: its sidecar, files and sources."""
    files = {fmt: f"{entry['dir']}/{name}" for fmt, name in entry["files"].items()}
    return {**entry, "files": files, "sources": _source_items(cat, entry["sources"])}


def _template(name: str) -> Any:
    """Return a template of ``templates/``; ``h`` escapes text as ``html.escape`` does."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,  # every value goes through ``h``, the escaping the page always had
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["h"] = lambda value: html.escape(str(value))
    return environment.get_template(name)


def sync(staged: Path, out: Path) -> list[Path]:
    """Make ``out`` hold what ``staged`` holds; return the paths written or removed.

    Only the report's own files are removed: stale notebook pages and anything under charts/.
    """
    changed: list[Path] = []
    out.mkdir(parents=True, exist_ok=True)
    wanted = {p.relative_to(staged) for p in staged.rglob("*") if p.is_file()}
    for relative in sorted(wanted):
        source, target = staged / relative, out / relative
        content = source.read_bytes()
        if not target.is_file() or target.read_bytes() != content:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            changed.append(target)
    stale = [p for p in out.glob("[0-9][0-9]-*.html") if p.relative_to(out) not in wanted]
    if (out / CHART_DIR).is_dir():
        stale += [
            p
            for p in (out / CHART_DIR).rglob("*")
            if p.is_file() and p.relative_to(out) not in wanted
        ]
    for path in sorted(stale):
        path.unlink()
        changed.append(path)
    if (out / CHART_DIR).is_dir():
        for directory in sorted((out / CHART_DIR).iterdir()):
            if directory.is_dir() and not any(directory.iterdir()):
                shutil.rmtree(directory)
    return changed
