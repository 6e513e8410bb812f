"""``python -m analysis report``: every notebook rendered with alt text, every chart exported with
its data and metadata, an offline gallery, and a rebuild that changes no file."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from analysis import charts
from analysis.commands import report as report_command
from analysis.paths import REPO_ROOT
from analysis.present import report
from tests.conftest import snapshot

pytestmark = pytest.mark.slow  # notebooks run, a report built or the package installed


NOTEBOOKS = report.notebooks()
PLACEHOLDER = "No description has been provided for this image"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def built(report_build: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The shared report build, then built again into the same directory, with snapshots.

    The shared directory is read by other tests meanwhile, so the second build goes into an
    exact copy of it (same files, same bytes, same modification times) and never into it.
    """
    out = tmp_path_factory.mktemp("rebuilt") / "reports"
    shutil.copytree(report_build["out"], out)
    assert snapshot(out) == report_build["after_first"], "the copy is not exact"
    second = report.build(out, NOTEBOOKS)
    return {
        **report_build,
        "out": out,
        "first_out": report_build["out"],
        "second": second,
        "after_second": snapshot(out),
        "notebooks_after": snapshot(REPO_ROOT / "notebooks"),
    }


def _sidecars(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((out / "charts").glob("*/*.json"))]


def _stored_images(path: Path) -> int:
    notebook = nbformat.read(path, as_version=4)
    return sum(
        any(m.startswith("image/") for m in output.get("data", {}))
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    )


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS


def test_second_build_changes_no_file(built) -> None:
    assert built["first"], "the first build wrote nothing"
    assert built["second"] == [], f"rebuild rewrote {built['second']}"
    assert built["after_second"] == built["after_first"]


def test_no_kernel_warning_reaches_the_user(report_build) -> None:
    for warning in ("Parent appears to have exited", "without encryption", "KeyboardInterrupt"):
        assert warning not in report_build["stderr"]


def test_build_leaves_notebooks_alone(built) -> None:
    assert built["notebooks_after"] == built["notebooks_before"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_page_keeps_alt_text_and_works_offline(built, path: Path) -> None:
    page = built["out"] / f"{path.stem}.html"
    text = page.read_text(encoding="utf-8")
    assert PLACEHOLDER not in text
    soup = BeautifulSoup(text, "html.parser")
    images = soup.find_all("img")
    assert len(images) >= _stored_images(path)
    assert all(img.get("alt", "").strip() for img in images), "an image without alt text"
    alts = {img["alt"] for img in images}
    for entry in _sidecars(built["out"]):
        if entry["notebook"] == path.stem:
            assert entry["description"] in alts, f"{entry['slug']}: alt text lost"
    remote = [
        tag.get("src") or tag.get("href")
        for tag in soup.find_all(["script", "link", "img", "iframe"])
        if (tag.get("src") or tag.get("href") or "").startswith(("http:", "https:", "//"))
    ]
    assert not remote, f"{page.name} loads from the network: {remote}"
    assert "Traceback" not in soup.get_text()


def test_every_chart_exported_with_metadata_and_data(built) -> None:
    out = built["out"]
    entries = _sidecars(out)
    shown = sum(_stored_images(p) for p in NOTEBOOKS)
    assert len(entries) == shown, "every image a notebook shows is a chart exported by show()"
    for entry in entries:
        directory = out / "charts" / entry["notebook"]
        assert (out / f"{entry['notebook']}.html").is_file()
        assert entry["title"] and entry["description"] and entry["source_line"]
        assert entry["statuses"], f"{entry['slug']}: no status"
        png = (directory / entry["files"]["png"]).read_bytes()
        assert f"Title\0{entry['title']}".encode() in png or entry["title"].encode() in png
        svg = ET.fromstring((directory / entry["files"]["svg"]).read_bytes())
        assert svg.find(f"{SVG}title").text == entry["title"]
        assert svg.find(f"{SVG}desc").text == entry["description"]
        data = pd.read_csv(directory / entry["files"]["csv"])
        assert not data.empty


def test_gallery_lists_every_chart_with_its_files(built) -> None:
    out = built["out"]
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    figures = soup.find_all("figure")
    entries = _sidecars(out)
    assert len(figures) == len(entries)
    by_slug = {f"{e['slug']}": e for e in entries}
    for figure in figures:
        entry = by_slug[figure["id"]]
        assert figure.img["alt"] == entry["description"]
        assert figure.h3.get_text() == entry["title"]
        text = figure.get_text(" ")
        assert entry["source_line"] in text
        for source_id in entry["sources"]:
            assert source_id in figure.find("dl").get_text()
        hrefs = [a["href"] for a in figure.find_all("a")]
        base = f"charts/{entry['notebook']}/{entry['slug']}"
        for wanted in (f"{base}.png", f"{base}.svg", f"{base}.csv", f"{entry['notebook']}.html"):
            assert wanted in hrefs
    links = [a["href"] for a in soup.find_all("a") if not a["href"].startswith("http")]
    assert all((out / href).is_file() for href in links)
    listed = [a["href"] for a in soup.find("nav").find_all("a")]
    assert listed == [f"{p.stem}.html" for p in NOTEBOOKS]


def test_outputs_hold_no_paths_or_build_dates(built) -> None:
    out = built["out"]
    today = datetime.date.today().isoformat()
    # A source checked today puts today's date in the data itself (and so in the figure
    # catalogue): only on other days can the date tell a build date.
    in_data = today in (REPO_ROOT / "data" / "sources.yml").read_text(encoding="utf-8")
    needles = [str(out), str(built["first_out"]), str(REPO_ROOT), "/tmp/"]
    needles += [] if in_data else [today]
    for path in out.rglob("*"):
        if path.suffix in (".html", ".svg", ".json", ".csv"):
            text = path.read_text(encoding="utf-8")
            for needle in needles:
                assert needle not in text, f"{path.name} contains {needle!r}"


def test_sync_removes_only_stale_report_files(tmp_path: Path) -> None:
    staged, out = tmp_path / "staged", tmp_path / "out"
    (staged / "charts" / "01-a").mkdir(parents=True)
    (staged / "01-a.html").write_text("a")
    (staged / "charts" / "01-a" / "x.png").write_bytes(b"x")
    (out / "charts" / "02-b").mkdir(parents=True)
    (out / "02-b.html").write_text("old")
    (out / "charts" / "02-b" / "y.png").write_bytes(b"y")
    (out / "notes.txt").write_text("kept")
    changed = report.sync(staged, out)
    assert sorted(p.relative_to(out).as_posix() for p in changed) == [
        "01-a.html",
        "02-b.html",
        "charts/01-a/x.png",
        "charts/02-b/y.png",
    ]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "01-a.html",
        "charts/01-a/x.png",
        "notes.txt",
    ]
    assert report.sync(staged, out) == []


def test_volatile_metadata_is_stripped() -> None:
    kernelspec = {"name": "python3", "display_name": "Python 3"}
    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": kernelspec, "widgets": {}})
    stream = nbformat.v4.new_output
    outputs = [
        stream("stream", name="stdout", text="a\n"),
        stream("stream", name="stdout", text="b\n"),
        stream("stream", name="stderr", text="c\n"),
        stream("display_data", data={"text/plain": "d"}),
        stream("stream", name="stdout", text="e\n"),
    ]
    cell = nbformat.v4.new_code_cell(
        "1", metadata={"execution": {"t": "2026"}, "tags": ["x"]}, outputs=outputs
    )
    notebook.cells.append(cell)
    report.strip_volatile(notebook)
    assert notebook.metadata == {"kernelspec": kernelspec}
    assert notebook.cells[0].metadata == {"tags": ["x"]}
    texts = [o.get("text", "display") for o in notebook.cells[0].outputs]
    assert texts == ["a\nb\n", "c\n", "display", "e\n"]


def test_image_without_alt_text_is_found() -> None:
    with_alt = nbformat.v4.new_output(
        "display_data", data={"image/png": "iVBO"}, metadata={"image/png": {"alt": "words"}}
    )
    without = nbformat.v4.new_output("display_data", data={"image/png": "iVBO"})
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("a", outputs=[with_alt]),
        nbformat.v4.new_code_cell("b", outputs=[without]),
    ]
    problems = report.missing_alt(notebook, "09-x.ipynb")
    assert len(problems) == 1 and "cell 2" in problems[0] and "09-x.ipynb" in problems[0]


def _write_notebook(path: Path, *sources: str) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    notebook.cells = [nbformat.v4.new_markdown_cell("# 01 · Example")]
    notebook.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(notebook, path)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("raise ValueError('the figure is missing')", "ValueError: the figure is missing"),
        (
            "from IPython.display import Image, display\n"
            "from analysis import charts\n"
            "from analysis.published import catalog, clients\n"
            "display(Image(data=charts.render(clients.composition_chart(catalog.load()), 'png')))",
            "without alt text",
        ),
    ],
    ids=["failing-cell", "image-without-alt"],
)
def test_report_command_names_the_broken_notebook(
    tmp_path, monkeypatch, capsys, code: str, message: str
) -> None:

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _write_notebook(notebooks / "01-example.ipynb", "x = 1", code)
    monkeypatch.setattr(report, "NOTEBOOK_DIR", notebooks)
    out = tmp_path / "reports"
    status = report_command.run(argparse.Namespace(out=str(out), jobs=1))
    assert status == 1
    err = capsys.readouterr().err
    assert "01-example.ipynb" in err and message in err
    assert not (out / "index.html").exists(), "no partial report"


def test_kernel_env_points_charts_at_the_notebook_directory(tmp_path: Path) -> None:
    env = report.kernel_env(tmp_path / "charts" / "01-a", "01-a")
    assert env[charts.CHART_DIR_ENV] == str(tmp_path / "charts" / "01-a")
    assert env[charts.NOTEBOOK_ENV] == "01-a"
    assert env["PATH"] == os.environ["PATH"]
