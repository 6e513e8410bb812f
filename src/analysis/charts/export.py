"""The charts one notebook run shows, each exported once into the run's folder for the gallery."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.charts import files as chart_files
from analysis.charts.composition import Chart

CHART_DIR_ENV = "ANALYSIS_CHART_DIR"
NOTEBOOK_ENV = "ANALYSIS_NOTEBOOK"
SIDECAR = "json"


def sidecar(chart: Chart, notebook: str = "", order: int = 0) -> dict[str, Any]:
    """Return what a gallery needs to list a chart: its words, provenance and file names.

    ``order`` is the chart's place among those a notebook shows (1, 2, ...; 0 if unknown).
    A sentence (a chart with nothing to draw) names its CSV file only.
    """
    return {
        "slug": chart.slug,
        "title": chart.title,
        "description": chart.description,
        "sources": list(chart.sources),
        "statuses": list(chart.statuses),
        "source_line": chart.source_line,
        "notebook": notebook,
        "order": order,
        "files": {fmt: f"{chart.slug}.{fmt}" for fmt in chart_files.formats(chart)},
    }


def export(
    chart: Chart, directory: str | Path, notebook: str = "", order: int = 0
) -> dict[str, Path]:
    """Save the chart into ``directory`` (as ``save``) with its sidecar ``<slug>.json``."""
    return _write(chart, chart_files.contents(chart), Path(directory), notebook, order)


def _write(
    chart: Chart, files: dict[str, bytes], directory: Path, notebook: str, order: int
) -> dict[str, Path]:
    """Write the chart's rendered ``files`` and its sidecar, named by its slug."""
    paths = chart_files.write_files(chart.slug, files, directory)
    paths[SIDECAR] = directory / f"{chart.slug}.{SIDECAR}"
    chart_files.write_if_changed(paths[SIDECAR], _sidecar_bytes(sidecar(chart, notebook, order)))
    return paths


def _sidecar_bytes(entry: dict[str, Any]) -> bytes:
    """Return a sidecar as the JSON text written to its file."""
    return (json.dumps(entry, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class ExportRun:
    """One notebook run's chart folder, into which each chart the run shows is exported once.

    What the run has exported is read from the folder (its sidecars), not kept by the process:
    a chart shown again with the same files (a cell run again) keeps its name and place, and a
    different chart whose slug is taken is kept too, as ``<slug>-2``, ``<slug>-3``... Each
    chart's ``order`` is its place among the charts exported. The report and records-report
    give every notebook they execute a fresh folder.
    """

    directory: Path
    notebook: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ExportRun | None:
        """Return the run named by ``$ANALYSIS_CHART_DIR`` and ``$ANALYSIS_NOTEBOOK``, if set."""
        environ = os.environ if environ is None else environ
        directory = environ.get(CHART_DIR_ENV)
        if not directory:
            return None
        return cls(Path(directory), environ.get(NOTEBOOK_ENV, ""))

    def exported(self) -> dict[str, dict[str, Any]]:
        """Return the sidecars of the charts exported so far, by the name of their files."""
        found = {}
        for path in sorted(self.directory.glob(f"*.{SIDECAR}")):
            try:
                entry = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(entry, dict) and "slug" in entry and "files" in entry:
                found[path.stem] = entry
        return found

    def add(self, chart: Chart) -> dict[str, Path]:
        """Export ``chart`` unless the run holds the same chart already; return its files."""
        done = self.exported()
        files = chart_files.contents(chart)
        for name in _names(chart.slug):
            if name not in done:
                break
            named = dataclasses.replace(chart, slug=name)
            if self._holds(named, done[name]) and self._same_files(name, files):
                return self._paths(name, files)
        named = dataclasses.replace(chart, slug=name)
        return _write(named, files, self.directory, self.notebook, len(done) + 1)

    def _holds(self, chart: Chart, entry: dict[str, Any]) -> bool:
        """Tell whether ``entry`` is the sidecar this run would write for ``chart``."""
        return entry == sidecar(chart, self.notebook, entry.get("order", 0))

    def _same_files(self, name: str, files: dict[str, bytes]) -> bool:
        """Tell whether the files named ``name`` hold exactly ``files``."""
        paths = self._paths(name, files)
        return all(
            paths[fmt].is_file() and paths[fmt].read_bytes() == content
            for fmt, content in files.items()
        )

    def _paths(self, name: str, files: Mapping[str, bytes]) -> dict[str, Path]:
        """Return the paths of the ``files`` (by format) of the chart exported as ``name``."""
        formats = (*files, SIDECAR)
        return {fmt: self.directory / f"{name}.{fmt}" for fmt in formats}


def _names(slug: str) -> Iterator[str]:
    """Yield the names a chart of ``slug`` may be exported as: ``slug``, ``slug-2``, ..."""
    yield slug
    number = 2
    while True:
        yield f"{slug}-{number}"
        number += 1
