"""The house style, and every chart the library draws: regression hashes, words and provenance.

Every public function of an ``analysis`` module annotated to return ``charts.Chart`` and taking
only a catalogue is found by ``charts.plotting_functions`` and checked here, so a new chart is
covered without being listed. Its SVG's SHA-256 is compared with tests/chart_baselines.json;
record new or intended changes with ``make chart-baselines``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis import charts
from analysis.published import catalog as catalog_module

BASELINES = Path(__file__).with_name("chart_baselines.json")
RECORD = os.environ.get("RECORD_CHART_BASELINES") == "1"
PLOTTERS = charts.plotting_functions()
NAMES = sorted(PLOTTERS)
SVG = "{http://www.w3.org/2000/svg}"
OKABE_ITO = {
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#E69F00",
    "#56B4E9",
    "#CC79A7",
    "#F0E442",
    "#000000",
}


def _baselines() -> dict[str, str]:
    return json.loads(BASELINES.read_text()) if BASELINES.exists() else {}


def _record(name: str, digest: str | None) -> None:
    baselines = _baselines()
    if digest is None:
        baselines.pop(name, None)
    else:
        baselines[name] = digest
    BASELINES.write_text(json.dumps(baselines, indent=2, sort_keys=True) + "\n")


def _png_text(png: bytes) -> dict[str, str]:
    """Return the text chunks (tEXt, zTXt, iTXt) of a PNG file."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    texts, position = {}, 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        body = png[position + 8 : position + 8 + length]
        if kind == b"tEXt":
            key, value = body.split(b"\0", 1)
            texts[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"zTXt":
            key, rest = body.split(b"\0", 1)
            texts[key.decode("latin-1")] = zlib.decompress(rest[1:]).decode("latin-1")
        elif kind == b"iTXt":
            key, rest = body.split(b"\0", 1)
            compressed = rest[0]
            _, _, value = rest[2:].split(b"\0", 2)
            value = zlib.decompress(value) if compressed else value
            texts[key.decode("latin-1")] = value.decode("utf-8")
        position += 12 + length
    return texts


@pytest.fixture(scope="module")
def drawn(catalog) -> dict[str, charts.Chart]:
    return {name: PLOTTERS[name](catalog) for name in NAMES}


def draw_sample(catalog, title: str = "b is larger than a") -> charts.Chart:
    """Draw a small chart in the house style from the catalogue's first source."""
    source = catalog.sources.index[0]
    data = pd.DataFrame({"group": ["a", "b"], "value": [3, 5], "status": ["published", "inferred"]})
    with charts.style():
        fig, ax = charts.new_figure(4, 3)
        for i, row in data.iterrows():
            ax.bar([i], [row["value"]], hatch=charts.STATUS_HATCH[row["status"]])
        charts.status_legend(ax, data["status"])
        return charts.finish(
            catalog,
            fig,
            slug="sample",
            title=title,
            description="Two bars: a is 3, b is 5 (inferred).",
            data=data,
            sources=[source],
            statuses=data["status"],
        )


@pytest.fixture
def sample(catalog) -> charts.Chart:
    """A small chart in the house style, drawn from the catalogue's first source."""
    return draw_sample(catalog)


# -- every plotting function -------------------------------------------------------------------


def test_plotting_functions_are_found() -> None:
    assert NAMES, "no function in analysis returns charts.Chart from a catalogue"
    assert "analysis.published.clients.composition_chart" in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_chart_matches_its_svg_baseline(drawn, name: str) -> None:
    digest = hashlib.sha256(charts.render(drawn[name], "svg")).hexdigest()
    if RECORD:
        _record(name, digest)
        return
    recorded = _baselines().get(name)
    assert recorded is not None, (
        f"no SVG baseline for {name}: record it with `make chart-baselines` "
        f"(writes {BASELINES.relative_to(BASELINES.parents[1])}) and look at the chart first"
    )
    assert digest == recorded, (
        f"{name} draws a different SVG than recorded. If the change is intended (new data, new "
        "style), look at the chart, then run `make chart-baselines`."
    )


def test_baselines_name_only_existing_charts() -> None:
    stale = sorted(set(_baselines()) - set(NAMES))
    if RECORD:
        for name in stale:
            _record(name, None)
        return
    assert not stale, f"baselines for charts that no longer exist: {stale}; `make chart-baselines`"


@pytest.mark.parametrize("name", NAMES)
def test_chart_has_words_and_provenance(catalog, drawn, name: str) -> None:
    chart = drawn[name]
    assert chart.title.strip(), f"{name}: no title"
    assert len(chart.description.strip()) >= 20, f"{name}: description too short for alt text"
    assert chart.description.strip() != chart.title.strip(), f"{name}: description repeats title"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", chart.slug), f"{name}: bad slug {chart.slug!r}"
    assert chart.sources, f"{name}: names no source"
    unknown = set(chart.sources) - set(catalog.sources.index)
    assert not unknown, f"{name}: unknown source ids {unknown}"
    assert chart.statuses and set(chart.statuses) <= set(catalog_module.STATUSES)
    named = [
        s for s in catalog.sources.index if re.search(rf"\b{re.escape(s)}\b", chart.source_line)
    ]
    assert named, f"{name}: source line names no source id: {chart.source_line!r}"
    shown = [s for s in catalog_module.STATUSES if s in chart.source_line]
    assert shown, f"{name}: source line names no status: {chart.source_line!r}"
    assert set(chart.statuses) <= set(shown), f"{name}: source line omits a status"
    assert not chart.data.empty, f"{name}: no data behind the chart"
    texts = [t.get_text() for t in chart.figure.texts]
    assert chart.source_line in texts, f"{name}: source line not drawn on the figure"


@pytest.mark.parametrize("name", NAMES)
def test_chart_marks_figures_not_stated_by_a_source(drawn, name: str) -> None:
    chart = drawn[name]
    if not set(chart.statuses) & set(charts.MARKED_STATUSES):
        pytest.skip(f"{name} has no inferred or approximate figure to mark")
    artists = [a for ax in chart.figure.axes for a in ax.get_children()]
    hatched = any(isinstance(a, Patch) and a.get_hatch() for a in artists)
    dashed = any(isinstance(a, Line2D) and a.get_linestyle() in ("--", ":", "-.") for a in artists)
    assert hatched or dashed, f"{name}: inferred or approximate figures drawn like the others"
    assert any(ax.get_legend() for ax in chart.figure.axes), f"{name}: no legend for the marks"


@pytest.mark.parametrize("name", NAMES)
def test_chart_files_carry_title_and_description(drawn, name: str) -> None:
    chart = drawn[name]
    texts = _png_text(charts.render(chart, "png"))
    assert texts.get("Title") == chart.title
    assert texts.get("Description") == chart.description
    root = ET.fromstring(charts.render(chart, "svg"))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == chart.title
    assert root.find(f"{SVG}desc").text == chart.description


@pytest.mark.parametrize("name", NAMES)
def test_rendering_does_not_depend_on_what_was_rendered_before(catalog, name: str) -> None:
    chart = PLOTTERS[name](catalog)
    first = charts.render(chart, "svg")
    charts.render(chart, "png")
    assert charts.render(chart, "svg") == first


# -- deterministic exports ---------------------------------------------------------------------

RENDER_IN_FRESH_PROCESS = """
import hashlib, sys
from analysis import charts
from analysis.published import catalog
chart = charts.plotting_functions()[sys.argv[1]](catalog.load())
for fmt in ("png", "svg"):
    print(hashlib.sha256(charts.render(chart, fmt)).hexdigest())
"""


@pytest.mark.slow
def test_exports_are_byte_identical_across_processes(drawn) -> None:
    name = NAMES[0]
    here = [hashlib.sha256(charts.render(drawn[name], f)).hexdigest() for f in ("png", "svg")]
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-c", RENDER_IN_FRESH_PROCESS, name],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        assert result.stdout.split() == here


def test_save_writes_files_only_when_content_differs(sample, tmp_path: Path) -> None:
    paths = charts.save(sample, tmp_path)
    assert sorted(paths) == ["csv", "png", "svg"]
    stamps = {fmt: p.stat().st_mtime_ns for fmt, p in paths.items()}
    for path in paths.values():
        os.utime(path, ns=(1, 1))
    charts.save(sample, tmp_path)
    assert all(p.stat().st_mtime_ns == 1 for p in paths.values()), "unchanged files rewritten"
    assert all(stamp != 1 for stamp in stamps.values()), "the check above could not tell"
    assert pd.read_csv(paths["csv"]).equals(sample.data)
    charts.save(dataclasses.replace(sample, data=sample.data.head(1)), tmp_path)
    assert paths["csv"].stat().st_mtime_ns != 1, "changed numbers not written"
    assert paths["png"].stat().st_mtime_ns == paths["svg"].stat().st_mtime_ns == 1


def test_render_does_not_depend_on_the_caller_style(sample) -> None:
    import matplotlib

    first = charts.render(sample, "svg")
    with matplotlib.rc_context({"svg.hashsalt": None, "font.size": 20}):
        assert charts.render(sample, "svg") == first


# -- house style helpers -----------------------------------------------------------------------


def test_palette_is_okabe_ito() -> None:
    assert {c.upper() for c in charts.PALETTE.values()} == OKABE_ITO
    assert tuple(charts.PALETTE.values()) == charts.SEQUENCE


def test_every_status_has_a_mark_and_unstated_ones_differ() -> None:
    assert set(charts.STATUS_HATCH) == set(catalog_module.STATUSES)
    for status in catalog_module.STATUSES:
        unstated = status in charts.MARKED_STATUSES
        assert bool(charts.STATUS_HATCH[status]) == unstated
        assert (charts.line_style(status) != "-") == unstated


def test_status_legend_explains_only_the_marks_present(sample) -> None:
    with charts.style():
        _, ax = charts.new_figure()
        assert charts.status_legend(ax, ["published", "derived"]) is None
        legend = charts.status_legend(ax, ["published", "approximate", "inferred"])
        labels = [t.get_text() for t in legend.get_texts()]
        assert labels == [
            charts.STATED_LABEL,
            charts.MARKED_STATUSES["inferred"],
            charts.MARKED_STATUSES["approximate"],
        ]
        hatches = [h.get_hatch() for h in legend.legend_handles]
        assert hatches[1:] == [charts.STATUS_HATCH["inferred"], charts.STATUS_HATCH["approximate"]]
        lines = charts.status_legend(ax, ["approximate"], kind="line")
        assert [h.get_linestyle() for h in lines.legend_handles][1:] == [":"]
        with pytest.raises(ValueError, match="kind"):
            charts.status_legend(ax, ["inferred"], kind="pie")


def test_source_text_names_sources_and_statuses(catalog) -> None:
    ids = list(catalog.sources.index[:2])
    line = charts.source_text(catalog, [*ids, ids[0]], ["published", "inferred"], "Note.")
    assert line.startswith("Sources: ")
    for source_id in ids:
        assert f"{source_id}: {catalog.source(source_id)['title']}" in line
    assert "Figures: inferred, published." in line
    assert line.endswith("Note.")


# -- export for the report ---------------------------------------------------------------------


def exported_names(directory: Path) -> list[str]:
    """Return the names of the charts exported into ``directory``, in the order shown."""
    entries = [json.loads(p.read_text()) for p in directory.glob("*.json")]
    return [e["slug"] for e in sorted(entries, key=lambda e: e["order"])]


@pytest.fixture
def report_run(tmp_path, monkeypatch) -> Path:
    """Export charts shown into a fresh folder, as the report does for a notebook."""
    monkeypatch.setenv(charts.CHART_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(charts.NOTEBOOK_ENV, "07-example")
    return tmp_path


def test_show_exports_chart_and_sidecar_when_asked(sample, report_run, capsys) -> None:
    charts.show(sample)
    names = sorted(p.name for p in report_run.iterdir())
    assert names == sorted(f"sample.{fmt}" for fmt in (*charts.FORMATS, "json"))
    first = json.loads((report_run / "sample.json").read_text())
    assert first == charts.sidecar(sample, "07-example", 1)
    assert first["sources"] == list(sample.sources)
    assert first["statuses"] == ["published", "inferred"]
    assert (report_run / "sample.png").read_bytes() == charts.render(sample, "png")
    assert (report_run / "sample.svg").read_bytes() == charts.render(sample, "svg")


def test_showing_the_same_chart_again_exports_it_once(catalog, sample, report_run) -> None:
    charts.show(sample)
    before = {p.name: p.read_bytes() for p in report_run.iterdir()}
    charts.show(sample)
    charts.show(draw_sample(catalog))  # a cell run again draws the same chart anew
    assert {p.name: p.read_bytes() for p in report_run.iterdir()} == before
    assert exported_names(report_run) == ["sample"]


def test_different_charts_with_one_slug_are_all_kept(catalog, sample, report_run) -> None:
    other = draw_sample(catalog, title="a is smaller than b")
    charts.show(sample)
    charts.show(other)
    assert exported_names(report_run) == ["sample", "sample-2"]
    second = json.loads((report_run / "sample-2.json").read_text())
    assert second == charts.sidecar(dataclasses.replace(other, slug="sample-2"), "07-example", 2)
    assert (report_run / "sample-2.svg").read_bytes() == charts.render(other, "svg")
    assert (report_run / "sample.svg").read_bytes() == charts.render(sample, "svg")


def test_a_chart_shown_again_keeps_its_name_and_place(catalog, report_run) -> None:
    titles = ["b is larger than a", "a is smaller than b", "a and b differ"]
    for title in [titles[0], titles[1], titles[0], titles[1], titles[2], titles[0]]:
        charts.show(draw_sample(catalog, title=title))
    assert exported_names(report_run) == ["sample", "sample-2", "sample-3"]
    shown = [
        json.loads((report_run / f"{n}.json").read_text())["title"]
        for n in ("sample", "sample-2", "sample-3")
    ]
    assert shown == titles


def test_each_run_numbers_its_own_charts(sample, tmp_path, monkeypatch) -> None:
    for notebook in ("01-first", "02-second"):
        monkeypatch.setenv(charts.CHART_DIR_ENV, str(tmp_path / notebook))
        monkeypatch.setenv(charts.NOTEBOOK_ENV, notebook)
        charts.show(sample)
        assert exported_names(tmp_path / notebook) == ["sample"]
        sidecar = json.loads((tmp_path / notebook / "sample.json").read_text())
        assert sidecar == charts.sidecar(sample, notebook, 1)


def test_show_exports_into_a_run_it_is_given(catalog, sample, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(charts.CHART_DIR_ENV, raising=False)
    run = charts.ExportRun(tmp_path / "charts", "07-example")
    charts.show(sample, run)
    charts.show(draw_sample(catalog, title="a is smaller than b"), run)
    charts.show(sample, run)
    assert exported_names(run.directory) == ["sample", "sample-2"]
    assert sorted(run.exported()) == ["sample", "sample-2"]
    assert charts.ExportRun.from_env({}) is None
    environ = {charts.CHART_DIR_ENV: str(tmp_path), charts.NOTEBOOK_ENV: "07-example"}
    assert charts.ExportRun.from_env(environ) == charts.ExportRun(tmp_path, "07-example")


def test_show_exports_nothing_by_default(sample, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(charts.CHART_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    charts.show(sample)
    assert list(tmp_path.iterdir()) == []


def test_plotting_functions_need_a_chart_and_only_a_catalogue() -> None:
    from analysis.published.catalog import Catalog

    def only_catalog(catalog: Catalog) -> charts.Chart: ...

    def with_option(catalog: Catalog, wide: bool = False) -> charts.Chart: ...

    def two_inputs(catalog: Catalog, frame: pd.DataFrame) -> charts.Chart: ...

    def a_table(catalog: Catalog) -> pd.DataFrame: ...

    def a_frame(frame: pd.DataFrame) -> charts.Chart: ...

    assert charts.draws_from_catalog(only_catalog)
    assert charts.draws_from_catalog(with_option)
    assert not charts.draws_from_catalog(two_inputs)
    assert not charts.draws_from_catalog(a_table)
    assert not charts.draws_from_catalog(a_frame)
