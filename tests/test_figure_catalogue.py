"""The figure catalogue: one row per figure, grows with data/, finds which notebooks use what."""

from pathlib import Path

import nbformat
import pytest

from analysis.published import catalog as catalog_module
from analysis.published import certifications, comparator, figure_catalogue

ROOT = Path(__file__).parents[1]


def write_notebook(directory: Path, name: str, code: list[str], markdown: str = "") -> Path:
    cells = [nbformat.v4.new_markdown_cell(markdown)] if markdown else []
    cells += [nbformat.v4.new_code_cell(c) for c in code]
    path = directory / f"{name}.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def test_one_row_per_figure_with_its_provenance(catalog):
    table = figure_catalogue.catalogue(catalog)
    assert list(table.columns) == list(figure_catalogue.COLUMNS)
    assert sorted(table["figure_id"]) == sorted(catalog.figures["figure_id"])
    data = catalog.figures.reset_index(drop=True)
    merged = table.merge(data, on="figure_id", suffixes=("", "_data"))
    assert len(merged) == len(table)
    assert (merged["status"] == merged["status_data"]).all()
    assert (merged["source_id"] == merged["source_id_data"]).all()
    assert (merged["value"] == merged["value_data"].astype(float)).all()


def test_catalogue_is_deterministic(catalog):
    assert figure_catalogue.catalogue(catalog).equals(figure_catalogue.catalogue(catalog))


def test_catalogue_grows_with_a_new_file(data_copy):
    before = figure_catalogue.catalogue(catalog_module.load(data_copy))
    new = data_copy / "published" / "zz_new_topic.csv"
    header = (data_copy / "published" / "hotline.csv").read_text().splitlines()[0]
    new.write_text(
        header + "\nzz_example,An example figure,7,things,FY2020,,S01,a quote,published,,\n"
    )
    after = figure_catalogue.catalogue(catalog_module.load(data_copy))
    assert len(after) == len(before) + 1
    row = after.set_index("figure_id").loc["zz_example"]
    assert (row["file"], row["value"], row["notebooks"]) == ("published/zz_new_topic.csv", 7.0, "")


def test_ids_in_code_count_and_ids_in_markdown_do_not(catalog, tmp_path):
    write_notebook(tmp_path, "01-code", ['cat.value("s01_victims")'])
    write_notebook(tmp_path, "02-words", ["x = 1"], markdown="see s01_family_members")
    table = figure_catalogue.catalogue(catalog, tmp_path).set_index("figure_id")
    assert table.loc["s01_victims", "notebooks"] == "01-code"
    assert table.loc["s01_family_members", "notebooks"] == ""


def test_an_id_inside_a_longer_word_does_not_count(catalog, tmp_path):
    write_notebook(tmp_path, "01-x", ["s01_victims_total_other = 1"])
    table = figure_catalogue.catalogue(catalog, tmp_path).set_index("figure_id")
    assert table.loc["s01_victims", "notebooks"] == ""


def test_ids_in_imported_modules_count_transitively(catalog, tmp_path):
    write_notebook(tmp_path, "01-clients", ["from analysis.published import clients"])
    table = figure_catalogue.catalogue(catalog, tmp_path).set_index("figure_id")
    assert table.loc["s01_clients", "notebooks"] == "01-clients"
    assert "analysis.published.catalog" in figure_catalogue.modules_used(
        "from analysis.published import clients"
    )


def test_declared_figure_files_count(catalog, tmp_path):
    write_notebook(tmp_path, "03-letters", ["import analysis.published.certifications as c"])
    write_notebook(tmp_path, "04-doj", ["from analysis.published.comparator import snapshots"])
    table = figure_catalogue.catalogue(catalog, tmp_path)
    for name, module in (("03-letters", certifications), ("04-doj", comparator)):
        files = module.FIGURE_FILES
        chosen = table[table["file"].isin(files)]
        assert not chosen.empty
        assert (chosen["notebooks"].str.contains(name)).all()


def test_notebooks_are_listed_in_reading_order(catalog, tmp_path):
    code = ['cat.value("s01_clients")']
    write_notebook(tmp_path, "10-late", code)
    write_notebook(tmp_path, "02-early", code)
    write_notebook(tmp_path, "scratch", code)  # not a numbered notebook
    table = figure_catalogue.catalogue(catalog, tmp_path).set_index("figure_id")
    assert table.loc["s01_clients", "notebooks"] == "02-early, 10-late"


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


def test_counts_add_up_to_the_catalogue(catalog):
    table = figure_catalogue.catalogue(catalog)
    for by in ("status", "source_id"):
        counts = figure_catalogue.counts(table, by)
        assert counts["figures"].sum() == len(table)
        assert counts["used_in_a_notebook"].sum() == (table["notebooks"] != "").sum()
        assert list(counts[by]) == sorted(counts[by])


def test_project_notebooks_are_found_using_their_figures(catalog):
    table = figure_catalogue.catalogue(catalog).set_index("figure_id")
    letters = table[table["file"] == "published/certification_letters.csv"]
    assert letters["notebooks"].str.contains("03-certification-letters").all()
    for fid in ("s14_fy2024_level_usd", "s15_fy2019_contacts", "s17_2019_clients", "s01_clients"):
        assert "04-program-context" in table.loc[fid, "notebooks"]


def test_summary_counts_the_catalogue(catalog):
    table = figure_catalogue.catalogue(catalog)
    row = figure_catalogue.summary(table).iloc[0]
    assert row["figures"] == len(table) == len(catalog.figures)
    assert row["files"] == len(list((catalog.data_dir / "published").glob("*.csv")))
    assert row["used_in_a_notebook"] <= row["figures"]
