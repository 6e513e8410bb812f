"""The figure catalogue: one row per figure, grows with data/, finds which notebooks use what.

The machinery is tested on the fixture catalogue, with notebooks and ``analysis`` modules written
by the tests; the last tests read the project's own notebooks and data.
"""

import sys
from pathlib import Path

import nbformat
import pytest

import analysis
from analysis.published import catalog as catalog_module
from analysis.published import certifications, comparator, figure_catalogue

ROOT = Path(__file__).parents[1]
# Modules written by a test into the ``analysis`` package: the outer imports the inner, which
# names one figure and declares a figure file of the fixture catalogue.
OUTER, INNER = "zz_fixture_outer", "zz_fixture_inner"
MODULES = {
    OUTER: f'"""Imports the inner module."""\n\nfrom analysis import {INNER}  # noqa: F401\n',
    INNER: (
        '"""Names a figure and reads a file of figures."""\n\n'
        'FIGURE_FILES = ("published/letters.csv",)\n'
        'USED = "s01_served_family"\n'
    ),
}


def write_notebook(directory: Path, name: str, code: list[str], markdown: str = "") -> Path:
    cells = [nbformat.v4.new_markdown_cell(markdown)] if markdown else []
    cells += [nbformat.v4.new_code_cell(c) for c in code]
    path = directory / f"{name}.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


@pytest.fixture
def written_modules(tmp_path, monkeypatch):
    """Write ``MODULES`` into a directory of the ``analysis`` package for one test."""
    folder = tmp_path / "modules"
    folder.mkdir()
    for name, source in MODULES.items():
        (folder / f"{name}.py").write_text(source, encoding="utf-8")
    monkeypatch.setattr(analysis, "__path__", [*analysis.__path__, str(folder)])
    yield
    for name in MODULES:
        sys.modules.pop(f"analysis.{name}", None)


def test_one_row_per_figure_with_its_provenance(fixture_catalog, tmp_path):
    table = figure_catalogue.catalogue(fixture_catalog, tmp_path)
    assert list(table.columns) == list(figure_catalogue.COLUMNS)
    assert sorted(table["figure_id"]) == sorted(fixture_catalog.figures["figure_id"])
    data = fixture_catalog.figures.reset_index(drop=True)
    merged = table.merge(data, on="figure_id", suffixes=("", "_data"))
    assert len(merged) == len(table)
    assert (merged["status"] == merged["status_data"]).all()
    assert (merged["source_id"] == merged["source_id_data"]).all()
    assert (merged["value"] == merged["value_data"].astype(float)).all()
    assert (merged["file"] == merged["_file"]).all()
    row = table.set_index("figure_id").loc["s01_served_victims_share_pct"]
    assert row["value"] == 75.0 and row["status"] == "derived"
    assert list(table["file"]) == sorted(table["file"])


def test_catalogue_is_deterministic(fixture_catalog, tmp_path):
    write_notebook(tmp_path, "01-code", ['cat.value("s01_served_victims")'])
    first = figure_catalogue.catalogue(fixture_catalog, tmp_path)
    assert first.equals(figure_catalogue.catalogue(fixture_catalog, tmp_path))


def test_catalogue_grows_with_a_new_file(fixture_data_copy, tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    before = figure_catalogue.catalogue(catalog_module.load(fixture_data_copy), notebooks)
    new = fixture_data_copy / "published" / "zz_new_topic.csv"
    header = (fixture_data_copy / "published" / "letters.csv").read_text().splitlines()[0]
    new.write_text(
        header + "\nzz_example,An example figure,7,things,FY2020,,S01,a quote,published,,\n"
    )
    after = figure_catalogue.catalogue(catalog_module.load(fixture_data_copy), notebooks)
    assert len(after) == len(before) + 1
    row = after.set_index("figure_id").loc["zz_example"]
    assert (row["file"], row["value"], row["notebooks"]) == ("published/zz_new_topic.csv", 7.0, "")


def test_ids_in_code_count_and_ids_in_markdown_do_not(fixture_catalog, tmp_path):
    write_notebook(tmp_path, "01-code", ['cat.value("s01_served_victims")'])
    write_notebook(tmp_path, "02-words", ["x = 1"], markdown="see s01_served_family")
    table = figure_catalogue.catalogue(fixture_catalog, tmp_path).set_index("figure_id")
    assert table.loc["s01_served_victims", "notebooks"] == "01-code"
    assert table.loc["s01_served_family", "notebooks"] == ""


def test_an_id_inside_a_longer_word_does_not_count(fixture_catalog, tmp_path):
    write_notebook(tmp_path, "01-x", ["s01_served_victims_other = 1"])
    table = figure_catalogue.catalogue(fixture_catalog, tmp_path).set_index("figure_id")
    assert table.loc["s01_served_victims", "notebooks"] == ""
    assert (table["notebooks"] == "").all()


def test_ids_in_imported_modules_count_transitively(fixture_catalog, tmp_path, written_modules):
    write_notebook(tmp_path, "01-outer", [f"from analysis import {OUTER}"])
    table = figure_catalogue.catalogue(fixture_catalog, tmp_path).set_index("figure_id")
    assert table.loc["s01_served_family", "notebooks"] == "01-outer"
    assert table.loc["s01_served_victims", "notebooks"] == ""
    assert figure_catalogue.modules_used(f"from analysis import {OUTER}") == [
        f"analysis.{INNER}",
        f"analysis.{OUTER}",
    ]
    assert "analysis.published.catalog" in figure_catalogue.modules_used(
        "from analysis.published import clients"
    )


def test_declared_figure_files_count(fixture_catalog, tmp_path, written_modules):
    write_notebook(tmp_path, "03-inner", [f"import analysis.{INNER} as inner"])
    table = figure_catalogue.catalogue(fixture_catalog, tmp_path)
    chosen = table["file"] == "published/letters.csv"
    assert chosen.sum() == 4
    assert (table.loc[chosen, "notebooks"] == "03-inner").all()
    others = table.loc[~chosen].set_index("figure_id")["notebooks"]
    assert others[others != ""].to_dict() == {"s01_served_family": "03-inner"}


def test_project_modules_declare_files_that_hold_figures(catalog, tmp_path):
    """Data test: the project's FIGURE_FILES name files of data/ and are found as used."""
    write_notebook(tmp_path, "03-letters", ["import analysis.published.certifications as c"])
    write_notebook(tmp_path, "04-doj", ["from analysis.published.comparator import snapshots"])
    table = figure_catalogue.catalogue(catalog, tmp_path)
    for name, module in (("03-letters", certifications), ("04-doj", comparator)):
        files = module.FIGURE_FILES
        chosen = table[table["file"].isin(files)]
        assert not chosen.empty
        assert (chosen["notebooks"].str.contains(name)).all()


def test_notebooks_are_listed_in_reading_order(fixture_catalog, tmp_path):
    code = ['cat.value("s01_served_total")']
    write_notebook(tmp_path, "10-late", code)
    write_notebook(tmp_path, "02-early", code)
    write_notebook(tmp_path, "scratch", code)  # not a numbered notebook
    table = figure_catalogue.catalogue(fixture_catalog, tmp_path).set_index("figure_id")
    assert table.loc["s01_served_total", "notebooks"] == "02-early, 10-late"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            "from analysis.published import budget, hotline as h",
            {"analysis.published.budget", "analysis.published.hotline"},
        ),
        ("import analysis.published.scale\nimport pandas", {"analysis.published.scale"}),
        (
            "%matplotlib inline\nfrom analysis.published import training",
            {"analysis.published.training"},
        ),
        (
            "from analysis.published.certifications import letters",
            {"analysis.published.certifications"},
        ),
        ("import pandas as pd", set()),
    ],
)
def test_imported_modules(code, expected):
    assert figure_catalogue.imported_modules(code) == expected


def test_counts_add_up_to_the_catalogue(fixture_catalog, tmp_path):
    write_notebook(
        tmp_path, "01-code", ['cat.value("s01_served_victims"); cat.value("s02_growth_pct")']
    )
    table = figure_catalogue.catalogue(fixture_catalog, tmp_path)
    for by in ("status", "source_id"):
        counts = figure_catalogue.counts(table, by)
        assert counts["figures"].sum() == len(table)
        assert counts["used_in_a_notebook"].sum() == (table["notebooks"] != "").sum() == 2
        assert list(counts[by]) == sorted(counts[by])
    by_status = figure_catalogue.counts(table, "status").set_index("status")
    assert by_status.loc["approximate"].to_dict() == {"figures": 1, "used_in_a_notebook": 1}
    assert (
        by_status.loc["published", "figures"]
        == (fixture_catalog.figures["status"] == "published").sum()
    )


def test_project_notebooks_are_found_using_their_figures(catalog):
    table = figure_catalogue.catalogue(catalog).set_index("figure_id")
    letters = table[table["file"] == "published/certification_letters.csv"]
    assert letters["notebooks"].str.contains("03-certification-letters").all()
    for fid in ("s14_fy2024_level_usd", "s15_fy2019_contacts", "s17_2019_clients", "s01_clients"):
        assert "04-program-context" in table.loc[fid, "notebooks"]


def test_summary_counts_the_catalogue(fixture_catalog, tmp_path):
    write_notebook(tmp_path, "01-code", ['cat.value("s01_served_victims")'])
    table = figure_catalogue.catalogue(fixture_catalog, tmp_path)
    row = figure_catalogue.summary(table).iloc[0]
    assert row["figures"] == len(table) == len(fixture_catalog.figures)
    assert row["files"] == len(list((fixture_catalog.data_dir / "published").glob("*.csv")))
    assert row["sources"] == fixture_catalog.figures["source_id"].nunique()
    assert row["used_in_a_notebook"] == 1
